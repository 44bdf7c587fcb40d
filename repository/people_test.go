package repository_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// peopleFixture is a district with a street, a community, a unit, an admin and an app of the
// community.
type peopleFixture struct {
	street, community, unit domain.Org
	app                     domain.Client
}

func newPeopleFixture(t *testing.T, db *repository.DB) peopleFixture {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	orgs := repository.NewOrgs(db)
	mk := func(kind domain.OrgKind, name string, parent *domain.Org) domain.Org {
		t.Helper()
		in := domain.OrgInput{Kind: &kind, Name: &name}
		if parent != nil {
			in.ParentID = &parent.ID
		}
		o, err := domain.NewOrg(in, parent, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := orgs.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	d := mk(domain.KindDistrict, "城中区", nil)
	f := peopleFixture{street: mk(domain.KindStreet, "五星街道", &d)}
	f.community = mk(domain.KindCommunity, "五星社区", &f.street)
	f.unit = mk(domain.KindUnit, "市一中", &f.street)
	role, uname, pw := domain.RoleAdmin, "admin", "secret-password"
	u, err := domain.NewUser(domain.UserInput{Username: &uname, Password: &pw, Role: &role}, d, domain.PasswordHasher{Cost: 4}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := repository.NewUsers(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	name := "社区小程序"
	f.app, _, err = domain.NewClient(domain.ClientInput{Name: &name, OrgID: &f.community.ID, Scopes: []string{domain.ScopePeopleWrite, domain.ScopePeopleAct}}, &f.community, u.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := repository.NewClients(db).CreateClient(ctx, f.app); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f peopleFixture) person(t *testing.T, name, externalID string, employer *domain.Org, verified bool) people.Person {
	t.Helper()
	phone := "13812345678"
	in := people.Input{Name: &name, Phone: &phone, Skills: &[]string{"patrol"}}
	refs := people.Refs{Community: f.community, Known: func(string) bool { return true }}
	if employer != nil {
		in.EmployerOrgID = &employer.ID
		refs.Employer = employer
	}
	if externalID != "" {
		in.ExternalID = &externalID
		refs.App = &f.app
	}
	p, err := people.New(in, refs, "registrar", verified, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPeopleStore is the conformance suite of the people store.
func TestPeopleStore(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		ctx := context.Background()
		f := newPeopleFixture(t, db)
		store := repository.NewPeople(db)

		li := f.person(t, "李四", "openid-li", &f.unit, false)
		ev := domain.NewEvent("person.registered", li.ID, time.Now(), map[string]any{"person_id": li.ID}).Scoped(li.StreetID, li.CommunityID)
		if err := store.Create(ctx, li, ev); err != nil {
			t.Fatal(err)
		}
		got, err := store.Get(ctx, li.ID)
		if err != nil || got.Name != "李四" || got.EmployerOrgID != f.unit.ID || got.Status != people.StatusPending ||
			!got.Active || len(got.Skills) != 1 || got.Skills[0] != "patrol" || got.ExternalID != "openid-li" ||
			got.ExternalClientID != f.app.ClientID || got.StreetID != f.street.ID || got.Version != 1 {
			t.Fatalf("Get = %+v, %v", got, err)
		}
		if _, err := store.Get(ctx, "nope"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("missing person: %v", err)
		}

		// external_id is unique per app among active people: the index decides.
		dup := f.person(t, "李四二", "openid-li", nil, true)
		if err := store.Create(ctx, dup, ev); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("duplicate external id: %v", err)
		}
		byExt, err := store.GetByExternal(ctx, f.app.ClientID, "openid-li")
		if err != nil || byExt.ID != li.ID {
			t.Fatalf("GetByExternal = %+v, %v", byExt, err)
		}
		if _, err := store.GetByExternal(ctx, "gj_other", "openid-li"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("another app's external id: %v", err)
		}

		wang := f.person(t, "王五", "", nil, true)
		if err := store.Create(ctx, wang); err != nil {
			t.Fatal(err)
		}
		// Search: by community, employer, status, name; visibility limits narrow further.
		list := func(flt people.Filter) []string {
			t.Helper()
			xs, err := store.List(ctx, flt)
			if err != nil {
				t.Fatal(err)
			}
			names := []string{}
			for _, x := range xs {
				names = append(names, x.Name)
			}
			return names
		}
		for _, c := range []struct {
			name string
			f    people.Filter
			want int
		}{
			{"all", people.Filter{}, 2},
			{"community", people.Filter{CommunityID: f.community.ID}, 2},
			{"employer", people.Filter{EmployerOrgID: f.unit.ID}, 1},
			{"pending", people.Filter{Statuses: []people.Status{people.StatusPending}}, 1},
			{"either status", people.Filter{Statuses: []people.Status{people.StatusPending, people.StatusVerified}}, 2},
			{"name", people.Filter{Query: "王"}, 1},
			{"like is escaped", people.Filter{Query: "%"}, 0},
			{"street limit", people.Filter{OnlyStreet: f.street.ID}, 2},
			{"other street", people.Filter{OnlyStreet: f.unit.ID}, 0},
			{"employer limit", people.Filter{OnlyEmployer: f.unit.ID, CommunityID: f.community.ID}, 1},
			{"self", people.Filter{OnlyID: wang.ID}, 1},
			{"page", people.Filter{Page: domain.Page{Limit: 1}}, 2}, // Limit+1 rows
		} {
			if got := list(c.f); len(got) != c.want {
				t.Errorf("%s: %v, want %d", c.name, got, c.want)
			}
		}

		// Update: verify, with its event; fn errors pass through and change nothing.
		v, err := store.Update(ctx, li.ID, func(p *people.Person) ([]domain.Event, error) {
			return []domain.Event{domain.NewEvent("person.verified", p.ID, time.Now(), nil)}, p.Verify("staff", time.Now())
		})
		if err != nil || v.Status != people.StatusVerified || v.Version != 2 || v.VerifiedAt == nil {
			t.Fatalf("verify: %+v %v", v, err)
		}
		if _, err := store.Update(ctx, li.ID, func(p *people.Person) ([]domain.Event, error) {
			p.Name = "changed"
			return nil, domain.ErrVersionMismatch
		}); !errors.Is(err, domain.ErrVersionMismatch) {
			t.Fatalf("fn error: %v", err)
		}
		if got, _ := store.Get(ctx, li.ID); got.Name != "李四" {
			t.Fatalf("a failed update changed the row: %+v", got)
		}
		// Taking another person's external id by update is a conflict too.
		if _, err := store.Update(ctx, wang.ID, func(p *people.Person) ([]domain.Event, error) {
			p.ExternalClientID, p.ExternalID = f.app.ClientID, "openid-li"
			return nil, nil
		}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("update to a taken external id: %v", err)
		}

		// Acting: the person and the app in one read.
		p, app, err := store.Acting(ctx, li.ID, f.app.ClientID)
		if err != nil || p.ID != li.ID || app.ClientID != f.app.ClientID || app.StreetID != f.street.ID || app.Revoked ||
			len(app.Scopes) != 2 {
			t.Fatalf("Acting = %+v %+v %v", p, app, err)
		}
		if people.CanActFor(app, p) != nil {
			t.Fatalf("a verified person of the app's street: %v", people.CanActFor(app, p))
		}
		if _, _, err := store.Acting(ctx, li.ID, "gj_unknown"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown app: %v", err)
		}

		// Deactivation frees the external id and hides the person from searches.
		if _, err := store.Update(ctx, li.ID, func(p *people.Person) ([]domain.Event, error) { p.Deactivate(time.Now()); return nil, nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := store.GetByExternal(ctx, f.app.ClientID, "openid-li"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("deactivated person found by external id: %v", err)
		}
		if got := list(people.Filter{}); len(got) != 1 {
			t.Fatalf("after deactivation: %v", got)
		}
		again := f.person(t, "李四", "openid-li", nil, false)
		if err := store.Create(ctx, again); err != nil {
			t.Fatalf("re-registering after deactivation: %v", err)
		}
	})
}
