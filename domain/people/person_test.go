package people

import (
	"errors"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
)

func strp(s string) *string { return &s }

func TestNewPerson(t *testing.T) {
	t.Parallel()
	now := time.Now()
	community := domain.Org{ID: "c1", Kind: domain.KindCommunity, StreetID: "s1"}
	unit := domain.Org{ID: "u1", Kind: domain.KindUnit}
	app := domain.Client{ClientID: "gj_1", OrgID: "c1"}
	known := func(c string) bool { return c == "patrol" || c == "cleanup" }
	skills := []string{"patrol", "cleanup", "patrol"}
	in := Input{Name: strp(" 李明 "), Phone: strp("13812345678"), EmployerOrgID: strp("u1"), Skills: &skills, ExternalID: strp("o1")}
	p, err := New(in, Refs{Community: community, Employer: &unit, App: &app, Known: known}, "staff", true, now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "李明" || p.StreetID != "s1" || p.EmployerOrgID != "u1" || len(p.Skills) != 2 || p.Status != StatusVerified ||
		p.VerifiedAt == nil || p.ExternalClientID != "gj_1" || !p.Active || p.Version != 1 {
		t.Fatalf("%+v", p)
	}
	pending, err := New(Input{Name: strp("x"), Phone: strp("13812345678")}, Refs{Community: community}, "gj_1", false, now)
	if err != nil || pending.Status != StatusPending || pending.VerifiedAt != nil {
		t.Fatalf("pending: %+v %v", pending, err)
	}

	bad := []string{"nope"}
	_, err = New(Input{Phone: strp("x"), EmployerOrgID: strp("c1"), Skills: &bad, ExternalID: strp("o")},
		Refs{Community: unit, Employer: &community, Known: known}, "staff", true, now)
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("want validation error, got %v", err)
	}
	fields := map[string]bool{}
	for _, f := range v.Fields {
		fields[f.Field] = true
	}
	for _, f := range []string{"name", "phone", "community_id", "employer_org_id", "skills[0]", "external_client_id"} {
		if !fields[f] {
			t.Errorf("no error on %s: %v", f, v.Fields)
		}
	}
}

func TestPersonLifecycle(t *testing.T) {
	t.Parallel()
	now := time.Now()
	community := domain.Org{ID: "c1", Kind: domain.KindCommunity, StreetID: "s1"}
	p, err := New(Input{Name: strp("x"), Phone: strp("13812345678")}, Refs{Community: community}, "gj_1", false, now)
	if err != nil {
		t.Fatal(err)
	}
	if p.CanAct() {
		t.Fatal("a pending person cannot be acted for")
	}
	if err := p.Verify("staff", now); err != nil || !p.CanAct() || p.Version != 2 {
		t.Fatalf("verify: %v %+v", err, p)
	}
	if err := p.Verify("staff", now); !errors.Is(err, domain.ErrInvalidTransition) {
		t.Fatalf("verify twice: %v", err)
	}
	if err := p.Update(Input{CommunityID: strp("c2")}, Refs{Community: community}, now); err == nil {
		t.Fatal("community changed")
	}
	if err := p.Update(Input{Name: strp("y"), EmployerOrgID: strp("")}, Refs{Community: community}, now); err != nil || p.Name != "y" || p.Version != 3 {
		t.Fatalf("update: %v %+v", err, p)
	}
	if !p.Deactivate(now) || p.Deactivate(now) || p.CanAct() || p.Version != 4 {
		t.Fatalf("deactivate: %+v", p)
	}
	if err := p.Update(Input{Name: strp("z")}, Refs{Community: community}, now); !errors.Is(err, domain.ErrInvalidTransition) {
		t.Fatalf("update after deactivation: %v", err)
	}
}
