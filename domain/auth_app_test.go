package domain

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// appAuthStore knows one app; the user methods are not used by these tests.
type appAuthStore struct {
	AuthStore
	app Principal
}

func (s appAuthStore) LoadAppPrincipal(_ context.Context, clientID string) (Principal, error) {
	if clientID != s.app.ClientID {
		return Principal{}, ErrUnauthenticated
	}
	return s.app, nil
}

type nopIssuer struct{}

func (nopIssuer) Issue(AccessClaims) (string, time.Duration, error) { return "t", time.Minute, nil }

func TestPrincipalOfAppTokens(t *testing.T) {
	t.Parallel()
	app := Principal{ClientID: "gj_1", Role: RoleApp, OrgID: "u", OrgKind: KindUnit, StreetID: "s",
		Scopes: []string{ScopeListingsRead, ScopeClaimsWrite}}
	svc, err := NewAuthService(struct{ UserStore }{}, appAuthStore{app: app}, struct{ ThrottleStore }{}, nopIssuer{}, PasswordHasher{Cost: 4}, time.Hour, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rows := []struct {
		name   string
		claims AccessClaims
		scopes []string // nil: refused
	}{
		{"every scope", AccessClaims{Subject: "gj_1", ClientID: "gj_1", Scopes: []string{ScopeClaimsWrite, ScopeListingsRead}}, []string{ScopeListingsRead, ScopeClaimsWrite}},
		{"narrowed", AccessClaims{Subject: "gj_1", ClientID: "gj_1", Scopes: []string{ScopeListingsRead}}, []string{ScopeListingsRead}},
		// A scope the app lost since the token was issued no longer counts.
		{"no longer granted", AccessClaims{Subject: "gj_1", ClientID: "gj_1", Scopes: []string{ScopeListingsWrite, ScopeListingsRead}}, []string{ScopeListingsRead}},
		{"subject differs", AccessClaims{Subject: "someone", ClientID: "gj_1"}, nil},
		{"with a session", AccessClaims{Subject: "gj_1", ClientID: "gj_1", SessionID: "s"}, nil},
		{"unknown or revoked app", AccessClaims{Subject: "gj_2", ClientID: "gj_2"}, nil},
	}
	for _, r := range rows {
		p, err := svc.Principal(ctx, r.claims)
		if r.scopes == nil {
			if !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("%s: err = %v, want unauthenticated", r.name, err)
			}
			continue
		}
		if err != nil || p.Role != RoleApp || p.OrgID != "u" || p.StreetID != "s" || !slices.Equal(p.Scopes, r.scopes) {
			t.Errorf("%s: %+v, %v; want scopes %v", r.name, p, err, r.scopes)
		}
	}
}
