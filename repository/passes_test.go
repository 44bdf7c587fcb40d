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

// TestPassAndServiceStores is the conformance suite of the pass and service-record stores, and
// of what claims do to them: cancellation revokes passes, fulfilment of a person's need claim
// records service, deactivation cancels a person's claims.
func TestPassAndServiceStores(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		ctx := context.Background()
		mk := newMarket(t, db)
		orgs, store, passes, service := repository.NewOrgs(db), repository.NewPeople(db), repository.NewPasses(db), repository.NewService(db)
		community, err := orgs.GetOrg(ctx, mk.communityID)
		if err != nil {
			t.Fatal(err)
		}
		unit, _ := orgs.GetOrg(ctx, mk.unitID)
		name, phone := "李明", "13812345678"
		li, err := people.New(people.Input{Name: &name, Phone: &phone, EmployerOrgID: &unit.ID},
			people.Refs{Community: community, Employer: &unit}, "staff", true, mk.now)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Create(ctx, li); err != nil {
			t.Fatal(err)
		}
		base := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
		offer, err := mk.m.CreateListing(ctx, mk.liaison, domain.SideOffer, domain.ListingInput{
			Category: ptr("parking"), Title: ptr("p"), Quantity: ptr(int64(10)), Location: &domain.Location{Lat: 24.3, Lng: 109.4},
			Windows: &[]domain.WindowInput{{Start: base, End: base.Add(12 * time.Hour), RRule: "FREQ=DAILY;COUNT=10"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		claim, err := mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{ListingID: offer.ID, Quantity: 2,
			Window: domain.WindowInput{Start: base, End: base.Add(12 * time.Hour), RRule: "FREQ=DAILY;COUNT=3"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mk.m.ActOnClaim(ctx, mk.coord, claim.ID, domain.ActionApprove, "", 0); err != nil {
			t.Fatal(err)
		}

		issue := func(qty int64) (people.Pass, error) {
			return passes.IssuePass(ctx, claim.ID, func(c domain.Claim, active []people.Pass) (people.Pass, domain.Event, error) {
				if c.ID != claim.ID || c.Status != domain.ClaimApproved {
					t.Fatalf("locked claim: %+v", c)
				}
				p, occs, err := people.NewPass(people.PassInput{PersonID: li.ID, Quantity: &qty}, c, li, "staff", mk.now)
				if err != nil {
					return people.Pass{}, domain.Event{}, err
				}
				if err := people.CheckPasses(c, active, occs, qty); err != nil {
					return people.Pass{}, domain.Event{}, err
				}
				return p, people.PassEvent("pass.issued", p, c, mk.now), nil
			})
		}
		p1, err := issue(1)
		if err != nil || p1.PersonName != "李明" {
			t.Fatalf("issue: %+v %v", p1, err)
		}
		if _, err := issue(1); err != nil {
			t.Fatal(err)
		}
		if _, err := issue(1); !errors.Is(err, domain.ErrCapacityExceeded) {
			t.Fatalf("a third space on a claim of 2: %v", err)
		}
		got, err := passes.GetPassByCode(ctx, p1.Code)
		if err != nil || got.ID != p1.ID || got.PersonPhone != phone || !got.Window.Start.Equal(claim.Window.Start) {
			t.Fatalf("by code: %+v %v", got, err)
		}
		if _, err := passes.GetPassByCode(ctx, "ZZZZZZZZ"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown code: %v", err)
		}
		for _, c := range []struct {
			f    people.PassFilter
			want int
		}{
			{people.PassFilter{ClaimID: claim.ID}, 2},
			{people.PassFilter{PersonID: li.ID}, 2},
			{people.PassFilter{OnlyOrg: mk.unitID}, 2},
			{people.PassFilter{OnlyOrg: "other"}, 0},
			{people.PassFilter{OnlyStreet: claim.StreetID}, 2},
			{people.PassFilter{OnlyPerson: "other"}, 0},
			{people.PassFilter{Page: domain.Page{Limit: 1}}, 2},
		} {
			if ps, err := passes.ListPasses(ctx, c.f); err != nil || len(ps) != c.want {
				t.Errorf("%+v: %d passes, %v; want %d", c.f, len(ps), err, c.want)
			}
		}
		r, err := passes.RevokePass(ctx, p1.ID, func(p *people.Pass) (domain.Event, error) {
			p.Revoke("staff", "lost", mk.now)
			return domain.Event{}, nil
		})
		if err != nil || r.Status != people.PassRevoked || r.RevokeReason != "lost" {
			t.Fatalf("revoke: %+v %v", r, err)
		}
		if _, err := issue(1); err != nil {
			t.Fatalf("a revoked pass frees its space: %v", err)
		}
		// Cancelling the claim revokes its passes in the same transaction.
		if _, err := mk.m.ActOnClaim(ctx, mk.staff, claim.ID, domain.ActionCancel, "", 0); err != nil {
			t.Fatal(err)
		}
		ps, _ := passes.ListPasses(ctx, people.PassFilter{ClaimID: claim.ID})
		for _, p := range ps {
			if p.Status != people.PassRevoked {
				t.Fatalf("pass after cancellation: %+v", p)
			}
		}

		// A person's claim on an open need, fulfilled by the owner: three occurrences, 4 h each.
		need, err := mk.m.CreateListing(ctx, mk.staff, domain.SideNeed, domain.ListingInput{
			Category: ptr("patrol"), Title: ptr("巡逻"), Quantity: ptr(int64(3)), Location: &domain.Location{Lat: 24.3, Lng: 109.4},
			Windows:      &[]domain.WindowInput{{Start: base, End: base.Add(4 * time.Hour), RRule: "FREQ=DAILY;COUNT=5"}},
			OpenToPeople: ptr(true), PeopleAutoApprove: ptr(true),
		})
		if err != nil {
			t.Fatal(err)
		}
		person := domain.Principal{Role: domain.RolePerson, PersonID: li.ID, CommunityID: community.ID, StreetID: community.StreetID}
		pc, err := mk.m.CreateClaim(ctx, person, domain.ClaimInput{ListingID: need.ID, Quantity: 1,
			Window: domain.WindowInput{Start: base, End: base.Add(4 * time.Hour), RRule: "FREQ=DAILY;COUNT=3"}})
		if err != nil || pc.Status != domain.ClaimApproved || pc.ClaimantPersonID != li.ID || pc.AgreementID != "" {
			t.Fatalf("person claim: %+v %v", pc, err)
		}
		mk.now = base.Add(3 * 24 * time.Hour) // after the third occurrence
		if c, err := mk.m.ActOnClaim(ctx, mk.staff, pc.ID, domain.ActionConfirm, "", 0); err != nil || c.Status != domain.ClaimFulfilled {
			t.Fatalf("owner's confirmation: %+v %v", c, err)
		}
		sum, err := service.PersonService(ctx, li.ID, base.Add(-time.Hour), base.Add(30*24*time.Hour))
		if err != nil || sum.Seconds != 3*4*3600 || sum.Claims != 1 || len(sum.ByCategory) != 1 || sum.ByCategory[0].Category != "patrol" {
			t.Fatalf("person service: %+v %v", sum, err)
		}
		if sum, _ := service.PersonService(ctx, li.ID, base.Add(24*time.Hour), base.Add(30*24*time.Hour)); sum.Seconds != 2*4*3600 {
			t.Fatalf("from the second occurrence: %+v", sum)
		}
		ms, err := service.MemberService(ctx, unit.ID, base.Add(-time.Hour), base.Add(30*24*time.Hour), domain.Page{Limit: 10})
		if err != nil || len(ms) != 1 || ms[0].PersonName != "李明" || ms[0].CommunityName != community.Name || ms[0].Seconds != 3*4*3600 {
			t.Fatalf("member service: %+v %v", ms, err)
		}

		// Deactivation cancels the person's live claims.
		mk.now = base.Add(-24 * time.Hour)
		live, err := mk.m.CreateClaim(ctx, person, domain.ClaimInput{ListingID: need.ID, Quantity: 1,
			Window: domain.WindowInput{Start: base.Add(4 * 24 * time.Hour), End: base.Add(4*24*time.Hour + 4*time.Hour)}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Deactivate(ctx, li.ID, func(p *people.Person) (bool, error) { return p.Deactivate(mk.now), nil },
			func(c *domain.Claim) error { return c.Cancel("staff", "gone", mk.now) }); err != nil {
			t.Fatal(err)
		}
		if c, _ := repository.NewClaims(db).GetClaim(ctx, live.ID); c.Status != domain.ClaimCancelled {
			t.Fatalf("claim after deactivation: %+v", c.Status)
		}
		// A deactivated person's claim is refused under the lock, whatever the token said.
		if _, err := mk.m.CreateClaim(ctx, person, domain.ClaimInput{ListingID: need.ID, Quantity: 1,
			Window: domain.WindowInput{Start: base.Add(4 * 24 * time.Hour), End: base.Add(4*24*time.Hour + 4*time.Hour)}}); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("claim by a deactivated person: %v", err)
		}
	})
}
