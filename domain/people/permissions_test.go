package people

import (
	"strings"
	"testing"

	"github.com/gongjian/gongjian/domain"
)

// TestPermissionTable checks the table in permissions.go: every principal kind × every rule.
func TestPermissionTable(t *testing.T) {
	t.Parallel()
	community := domain.Org{ID: "c1", Kind: domain.KindCommunity, StreetID: "s1"}
	x := Person{ID: "p1", CommunityID: "c1", StreetID: "s1", EmployerOrgID: "u1"}
	app := func(org string, scopes ...string) domain.Principal {
		kind := domain.KindUnit
		if org[0] == 'c' {
			kind = domain.KindCommunity
		}
		return domain.Principal{Role: domain.RoleApp, ClientID: "gj_1", OrgID: org, OrgKind: kind, StreetID: "s1", Scopes: scopes}
	}
	rows := []struct {
		name string
		p    domain.Principal
		// register, verify, read, edit, phone (not partner), phone (partner), list
		want [7]bool
	}{
		{"admin", domain.Principal{Role: domain.RoleAdmin, UserID: "a"}, [7]bool{true, true, true, true, true, true, true}},
		{"coordinator of the street", domain.Principal{Role: domain.RoleCoordinator, OrgID: "s1", StreetID: "s1"}, [7]bool{true, true, true, true, true, true, true}},
		{"coordinator of another street", domain.Principal{Role: domain.RoleCoordinator, OrgID: "s2", StreetID: "s2"}, [7]bool{false, false, false, false, false, false, true}},
		{"staff of the community", domain.Principal{Role: domain.RoleCommunityStaff, OrgID: "c1", StreetID: "s1"}, [7]bool{true, true, true, true, true, true, true}},
		{"staff of another community", domain.Principal{Role: domain.RoleCommunityStaff, OrgID: "c2", StreetID: "s1"}, [7]bool{false, false, false, false, false, true, true}},
		{"liaison of the employer", domain.Principal{Role: domain.RoleLiaison, OrgID: "u1", StreetID: "s1"}, [7]bool{false, false, true, false, false, true, true}},
		{"liaison of another unit", domain.Principal{Role: domain.RoleLiaison, OrgID: "u2", StreetID: "s1"}, [7]bool{false, false, false, false, false, true, true}},
		{"app of the community, people:write", app("c1", domain.ScopePeopleWrite), [7]bool{true, false, true, true, true, true, true}},
		{"app of the community, people:act", app("c1", domain.ScopePeopleAct), [7]bool{false, false, true, false, false, false, true}},
		{"app of the community, no people scope", app("c1", domain.ScopeListingsRead), [7]bool{false, false, false, false, false, false, false}},
		{"app of the unit, people:write", app("u1", domain.ScopePeopleWrite), [7]bool{false, false, false, false, false, false, false}},
		{"the person", domain.Principal{Role: domain.RolePerson, PersonID: "p1", CommunityID: "c1", StreetID: "s1"}, [7]bool{false, false, true, false, true, true, true}},
		{"another person", domain.Principal{Role: domain.RolePerson, PersonID: "p2", CommunityID: "c1", StreetID: "s1"}, [7]bool{false, false, false, false, false, false, true}},
		{"nobody", domain.Principal{}, [7]bool{false, false, false, false, false, false, false}},
	}
	for _, r := range rows {
		_, listErr := ListScope(r.p, Filter{})
		got := [7]bool{CanRegister(r.p, community), CanVerify(r.p, x), CanRead(r.p, x), CanEdit(r.p, x),
			SeesPhone(r.p, x, false), SeesPhone(r.p, x, true), listErr == nil}
		if got != r.want {
			t.Errorf("%s: register, verify, read, edit, phone, phone as partner, list = %v, want %v", r.name, got, r.want)
		}
		if VerifiesAtOnce(r.p) == (r.p.Role == domain.RoleApp) {
			t.Errorf("%s: VerifiesAtOnce = %v", r.name, VerifiesAtOnce(r.p))
		}
	}
}

// TestListScopeNarrows: the scope of a search cannot be widened by the filter.
func TestListScopeNarrows(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		p    domain.Principal
		want Filter
	}{
		{domain.Principal{Role: domain.RoleCoordinator, OrgID: "s1", StreetID: "s1"}, Filter{CommunityID: "c9", OnlyStreet: "s1"}},
		{domain.Principal{Role: domain.RoleCommunityStaff, OrgID: "c1"}, Filter{CommunityID: "c9", OnlyCommunity: "c1"}},
		{domain.Principal{Role: domain.RoleLiaison, OrgID: "u1"}, Filter{CommunityID: "c9", OnlyEmployer: "u1"}},
		{domain.Principal{Role: domain.RoleApp, OrgID: "c1", OrgKind: domain.KindCommunity, Scopes: []string{domain.ScopePeopleAct}}, Filter{CommunityID: "c9", OnlyCommunity: "c1"}},
		{domain.Principal{Role: domain.RolePerson, PersonID: "p1"}, Filter{CommunityID: "c9", OnlyID: "p1"}},
	} {
		got, err := ListScope(c.p, Filter{CommunityID: "c9"})
		if err != nil || got.OnlyStreet != c.want.OnlyStreet || got.OnlyCommunity != c.want.OnlyCommunity ||
			got.OnlyEmployer != c.want.OnlyEmployer || got.OnlyID != c.want.OnlyID || got.CommunityID != "c9" {
			t.Errorf("%s: %+v, %v", c.p.Role, got, err)
		}
	}
}

func TestCanActFor(t *testing.T) {
	t.Parallel()
	ok := Person{ID: "p", StreetID: "s1", Status: StatusVerified, Active: true, ExternalClientID: "gj_1", ExternalID: "o"}
	app := ActingApp{ClientID: "gj_1", Scopes: []string{domain.ScopePeopleAct}, StreetID: "s1"}
	if err := CanActFor(app, ok); err != nil {
		t.Fatalf("allowed: %v", err)
	}
	pending, inactive, otherApp, farApp, noScope, revoked := ok, ok, ok, app, app, app
	pending.Status = StatusPending
	inactive.Active = false
	otherApp.ExternalClientID = "gj_2"
	farApp.StreetID = "s2"
	noScope.Scopes = []string{domain.ScopePeopleWrite}
	revoked.Revoked = true
	for _, c := range []struct {
		name string
		app  ActingApp
		x    Person
		want error
	}{
		{"pending", app, pending, ErrNoSubject},
		{"deactivated", app, inactive, ErrNoSubject},
		{"linked to another app", app, otherApp, ErrNoSubject},
		{"app of another street", farApp, ok, ErrNoSubject},
		{"no people:act", noScope, ok, ErrNoActScope},
		{"revoked", revoked, ok, domain.ErrInvalidClient},
	} {
		if err := CanActFor(c.app, c.x); err != c.want {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// TestPassPermissionTable checks the table in pass_permissions.go.
func TestPassPermissionTable(t *testing.T) {
	t.Parallel()
	c := domain.Claim{ID: "c", OwnerOrgID: "u1", ClaimantOrgID: "c1", StreetID: "s1", Status: domain.ClaimApproved}
	personal := c
	personal.ClaimantPersonID = "p9"
	pass := Pass{ID: "p", ClaimID: "c", PersonID: "p1"}
	rows := []struct {
		name string
		p    domain.Principal
		// issue, read all, read this one, revoke, verify
		want [5]bool
	}{
		{"admin", domain.Principal{Role: domain.RoleAdmin}, [5]bool{false, true, true, true, true}},
		{"coordinator of the street", domain.Principal{Role: domain.RoleCoordinator, OrgID: "s1", StreetID: "s1"}, [5]bool{false, true, true, true, true}},
		{"coordinator of another street", domain.Principal{Role: domain.RoleCoordinator, OrgID: "s2", StreetID: "s2"}, [5]bool{false, false, false, false, false}},
		{"claimant staff", domain.Principal{Role: domain.RoleCommunityStaff, OrgID: "c1"}, [5]bool{true, true, true, true, false}},
		{"owner liaison", domain.Principal{Role: domain.RoleLiaison, OrgID: "u1"}, [5]bool{false, true, true, false, true}},
		{"another unit", domain.Principal{Role: domain.RoleLiaison, OrgID: "u2"}, [5]bool{false, false, false, false, false}},
		{"claimant app, claims:write", domain.Principal{Role: domain.RoleApp, OrgID: "c1", Scopes: []string{domain.ScopeClaimsWrite}}, [5]bool{true, false, false, true, false}},
		{"owner app, claims:read", domain.Principal{Role: domain.RoleApp, OrgID: "u1", Scopes: []string{domain.ScopeClaimsRead}}, [5]bool{false, true, true, false, true}},
		{"the holder", domain.Principal{Role: domain.RolePerson, PersonID: "p1", CommunityID: "c1"}, [5]bool{false, false, true, false, false}},
		{"the claimant person", domain.Principal{Role: domain.RolePerson, PersonID: "p9", CommunityID: "c1"}, [5]bool{true, true, true, false, false}},
		{"another person", domain.Principal{Role: domain.RolePerson, PersonID: "p2", CommunityID: "c1"}, [5]bool{false, false, false, false, false}},
	}
	for _, r := range rows {
		cl := c
		if r.p.PersonID == "p9" {
			cl = personal
		}
		got := [5]bool{CanIssuePass(r.p, cl), CanReadPasses(r.p, cl), CanReadPass(r.p, cl, pass), CanRevokePass(r.p, cl), CanVerifyPass(r.p, cl)}
		if got != r.want {
			t.Errorf("%s: issue, read all, read, revoke, verify = %v, want %v", r.name, got, r.want)
		}
	}
	resident := Person{ID: "p1", CommunityID: "c1", Status: StatusVerified, Active: true}
	employee := Person{ID: "p2", CommunityID: "c9", EmployerOrgID: "c1", Status: StatusVerified, Active: true}
	stranger := Person{ID: "p3", CommunityID: "c9", Status: StatusVerified, Active: true}
	pending := Person{ID: "p4", CommunityID: "c1", Status: StatusPending, Active: true}
	for _, x := range []struct {
		p    Person
		want bool
	}{{resident, true}, {employee, true}, {stranger, false}, {pending, false}} {
		if MayHoldPass(x.p, c) != x.want {
			t.Errorf("MayHoldPass(%s) = %v", x.p.ID, !x.want)
		}
	}
	if MayHoldPass(resident, personal) {
		t.Error("another resident holds a pass of a person's claim")
	}
}

func TestPassCodes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := NewPassCode()
		if len(c) != PassCodeLen || strings.ContainsAny(c, "01IO") || seen[c] {
			t.Fatalf("code %q (seen: %v)", c, seen[c])
		}
		for _, r := range c {
			if !strings.ContainsRune(passAlphabet, r) {
				t.Fatalf("code %q has %q", c, r)
			}
		}
		seen[c] = true
	}
	if NormalizeCode(" k7m2-q9xh ") != "K7M2Q9XH" {
		t.Fatal(NormalizeCode(" k7m2-q9xh "))
	}
}
