package domain

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCanManageClients(t *testing.T) {
	t.Parallel()
	rows := []struct {
		name string
		p    Principal
		want bool
	}{
		{"admin", Principal{UserID: "a", Role: RoleAdmin, OrgID: "d", OrgKind: KindDistrict}, true},
		{"coordinator", Principal{UserID: "c", Role: RoleCoordinator, OrgID: "s", OrgKind: KindStreet, StreetID: "s"}, false},
		{"community staff", Principal{UserID: "s", Role: RoleCommunityStaff, OrgID: "comm", OrgKind: KindCommunity, StreetID: "s"}, false},
		{"liaison", Principal{UserID: "l", Role: RoleLiaison, OrgID: "unit", OrgKind: KindUnit, StreetID: "s"}, false},
		{"app with every scope", Principal{ClientID: "gj_x", Role: RoleApp, OrgID: "unit", OrgKind: KindUnit, Scopes: AllScopes()}, false},
		{"nobody", Principal{}, false},
	}
	for _, r := range rows {
		if got := CanManageClients(r.p); got != r.want {
			t.Errorf("%s: CanManageClients = %v, want %v", r.name, got, r.want)
		}
	}
}

func fieldsOf(err error) []string {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func TestNewClient(t *testing.T) {
	t.Parallel()
	now := time.Now()
	unit := &Org{ID: "u", Kind: KindUnit, StreetID: "s"}
	district := &Org{ID: "d", Kind: KindDistrict}
	str := func(s string) *string { return &s }
	rows := []struct {
		name  string
		in    ClientInput
		org   *Org
		wants []string // field:code, nil when valid
	}{
		{"valid", ClientInput{Name: str(" 停车小程序 "), Scopes: []string{ScopeClaimsWrite, ScopeListingsRead, ScopeClaimsWrite}}, unit, nil},
		{"no name", ClientInput{Name: str("  "), Scopes: []string{ScopeListingsRead}}, unit, []string{"name:required"}},
		{"long name", ClientInput{Name: str(strings.Repeat("名", 101)), Scopes: []string{ScopeListingsRead}}, unit, []string{"name:too_long"}},
		{"no org", ClientInput{Name: str("x"), Scopes: []string{ScopeListingsRead}}, nil, []string{"org_id:required"}},
		{"district", ClientInput{Name: str("x"), Scopes: []string{ScopeListingsRead}}, district, []string{"org_id:invalid"}},
		{"no scopes", ClientInput{Name: str("x")}, unit, []string{"scopes:required"}},
		{"unknown scope", ClientInput{Name: str("x"), Scopes: []string{ScopeListingsRead, "admin"}}, unit, []string{"scopes[1]:invalid"}},
	}
	for _, r := range rows {
		c, secret, err := NewClient(r.in, r.org, "admin-id", now)
		if got := fieldsOf(err); !slices.Equal(got, r.wants) || (r.wants == nil && err != nil) {
			t.Errorf("%s: fields %v (err %v), want %v", r.name, got, err, r.wants)
			continue
		}
		if r.wants != nil {
			continue
		}
		if c.Name != "停车小程序" || c.OrgID != "u" || !slices.Equal(c.Scopes, []string{ScopeListingsRead, ScopeClaimsWrite}) ||
			!strings.HasPrefix(c.ClientID, "gj_") || !strings.HasPrefix(secret, "gjs_") || c.SecretHash != HashToken(secret) || c.Version != 1 {
			t.Errorf("%s: client %+v, secret %q", r.name, c, secret)
		}
	}
}

func TestClientSecretsAndScopes(t *testing.T) {
	t.Parallel()
	now := time.Now()
	name := "app"
	c, first, err := NewClient(ClientInput{Name: &name, Scopes: []string{ScopeListingsRead, ScopeClaimsWrite}}, &Org{ID: "u", Kind: KindUnit}, "a", now)
	if err != nil {
		t.Fatal(err)
	}
	if !c.CheckSecret(first, now) || c.CheckSecret("gjs_wrong", now) || c.CheckSecret("", now) {
		t.Fatal("the first secret alone must be accepted")
	}

	second, err := c.RotateSecret(now, time.Hour)
	if err != nil || second == first || c.Version != 2 {
		t.Fatalf("rotate: %v %d", err, c.Version)
	}
	if !c.CheckSecret(second, now) || !c.CheckSecret(first, now.Add(59*time.Minute)) || c.CheckSecret(first, now.Add(time.Hour)) {
		t.Fatal("the old secret must work during the grace period only")
	}
	// Rotating again keeps only the secret that was current.
	third, _ := c.RotateSecret(now, time.Hour)
	if c.CheckSecret(first, now) || !c.CheckSecret(second, now) || !c.CheckSecret(third, now) {
		t.Fatal("a second rotation keeps the secret it replaced, and only that one")
	}
	// No grace: the old secret ends with the rotation.
	fourth, _ := c.RotateSecret(now, 0)
	if c.CheckSecret(third, now) || !c.CheckSecret(fourth, now) {
		t.Fatal("grace 0 must end the old secret at once")
	}

	for _, r := range []struct {
		ask     string
		want    []string
		invalid bool
	}{
		{"", []string{ScopeListingsRead, ScopeClaimsWrite}, false},
		{"claims:write  listings:read", []string{ScopeListingsRead, ScopeClaimsWrite}, false},
		{"listings:read listings:read", []string{ScopeListingsRead}, false},
		{"listings:write", nil, true},
		{"listings:read root", nil, true},
	} {
		got, err := c.Grant(r.ask)
		if r.invalid {
			if f := fieldsOf(err); !slices.Equal(f, []string{"scope:not_granted"}) {
				t.Errorf("Grant(%q): %v", r.ask, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, r.want) {
			t.Errorf("Grant(%q) = %v, %v; want %v", r.ask, got, err, r.want)
		}
	}

	c.Revoke(now)
	v := c.Version
	c.Revoke(now.Add(time.Minute))
	if !c.Revoked() || c.Version != v || !c.RevokedAt.Equal(now) {
		t.Fatal("revoking twice must change nothing")
	}
	if c.CheckSecret(fourth, now) {
		t.Fatal("a revoked app's secret must not work")
	}
	if _, err := c.RotateSecret(now, time.Hour); !errors.Is(err, ErrInvalidTransition) {
		t.Fatalf("rotating a revoked app: %v", err)
	}
	if got := IntersectScopes([]string{ScopeClaimsWrite, ScopeEventsRead, ScopeListingsRead}, []string{ScopeListingsRead, ScopeClaimsWrite}); !slices.Equal(got, []string{ScopeListingsRead, ScopeClaimsWrite}) {
		t.Fatalf("IntersectScopes = %v", got)
	}
}
