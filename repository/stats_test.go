package repository_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestStatsSummary counts a crafted history whose every step is dated, against numbers worked
// out by hand. The range is [T, T+5h) with T the market's start; the claim hold is one hour.
func TestStatsSummary(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		T := mk.now
		at := func(d time.Duration) { mk.now = T.Add(d) }
		night := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
		listing := func(p domain.Principal, side domain.Side, category string, qty int64) domain.Listing {
			l, err := mk.m.CreateListing(ctx, p, side, domain.ListingInput{
				Category: &category, Title: ptr("t"), Quantity: &qty, Location: &domain.Location{Lat: 24.3, Lng: 109.4},
				Windows: &[]domain.WindowInput{{Start: night, End: night.Add(12 * time.Hour), RRule: "FREQ=DAILY;COUNT=10"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		claim := func(l domain.Listing, qty int64, agreement string) string {
			c, err := mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{ListingID: l.ID, Quantity: qty, AgreementID: agreement,
				Window: domain.WindowInput{Start: night, End: night.Add(time.Hour)}})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		act := func(p domain.Principal, id string, a domain.ClaimAction, rating int) {
			if _, err := mk.m.ActOnClaim(ctx, p, id, a, "because", rating); err != nil {
				t.Fatalf("%s %s: %v", a, id, err)
			}
		}
		auto, err := mk.m.CreateAgreement(ctx, mk.staff, domain.AgreementInput{
			PartyAOrgID: mk.communityID, PartyBOrgID: mk.unitID, Title: "auto", Categories: []string{"parking"},
			StartsOn: "2027-01-01", EndsOn: "2028-12-31", AutoApprove: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []domain.Principal{mk.staff, mk.liaison} {
			if _, err := mk.m.SignAgreement(ctx, p, auto.ID); err != nil {
				t.Fatal(err)
			}
		}

		// Before the range: two offers and a claim c0.
		at(-40 * 24 * time.Hour)
		listing(mk.liaison, domain.SideOffer, "parking", 3)
		at(-2 * time.Hour)
		o1 := listing(mk.liaison, domain.SideOffer, "parking", 10)
		at(-30 * time.Minute)
		c0 := claim(o1, 1, "")
		// In the range: an offer and two needs.
		at(0)
		listing(mk.liaison, domain.SideOffer, "parking", 6)
		listing(mk.staff, domain.SideNeed, "parking", 4)
		listing(mk.staff, domain.SideNeed, "volunteer", 2)
		at(10 * time.Minute)
		act(mk.coord, c0, domain.ActionApprove, 0) // waited 40 min; counts as a decision, not a claim
		at(time.Hour)
		c1, c2, c3 := claim(o1, 2, ""), claim(o1, 3, ""), claim(o1, 1, "")
		claim(o1, 1, "")      // c4: left to expire
		claim(o1, 1, auto.ID) // c6: approved at creation, no wait to count
		at(75 * time.Minute)
		act(mk.coord, c1, domain.ActionApprove, 0) // 15 min
		at(90 * time.Minute)
		act(mk.coord, c2, domain.ActionApprove, 0) // 30 min
		at(105 * time.Minute)
		act(mk.coord, c3, domain.ActionReject, 0) // 45 min
		at(3 * time.Hour)
		if _, err := mk.m.ExpireOverdue(ctx, 10); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{c0, c1} {
			act(mk.liaison, id, domain.ActionConfirm, 0)
			act(mk.staff, id, domain.ActionConfirm, 0)
		}
		act(mk.staff, c1, domain.ActionFeedback, 4)
		act(mk.staff, c0, domain.ActionFeedback, 2)
		act(mk.staff, c2, domain.ActionCancel, 0)
		// After the range: a claim decided at once.
		at(6 * time.Hour)
		act(mk.coord, claim(o1, 1, ""), domain.ActionApprove, 0)

		stats, err := domain.NewStats(repository.NewStats(db), func() time.Time { return mk.now })
		if err != nil {
			t.Fatal(err)
		}
		from, to := T, T.Add(5*time.Hour)
		summary := func(p domain.Principal, street string) domain.StatsSummary {
			t.Helper()
			s, err := stats.Summary(ctx, p, street, &from, &to)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		admin := domain.Principal{UserID: "admin", Role: domain.RoleAdmin}
		s := summary(admin, "")
		parking := domain.StatsFigures{Offers: 1, Needs: 1, QuantityOffered: 6, Claims: 5, Approved: 3, Fulfilled: 1, QuantityClaimed: 8}
		volunteer := domain.StatsFigures{Needs: 1}
		if len(s.ByCategory) != 2 || s.ByCategory[0] != (domain.CategoryStats{Category: "parking", StatsFigures: parking}) ||
			s.ByCategory[1] != (domain.CategoryStats{Category: "volunteer", StatsFigures: volunteer}) {
			t.Fatalf("by category: %+v", s.ByCategory)
		}
		if want := (domain.StatsFigures{Offers: 1, Needs: 2, QuantityOffered: 6, Claims: 5, Approved: 3, Fulfilled: 1, QuantityClaimed: 8}); s.Totals != want {
			t.Fatalf("totals: %+v, want %+v", s.Totals, want)
		}
		// Decisions: 15, 30, 40 and 45 minutes → median 35 minutes. Ratings 4 and 2.
		if !near(s.FulfilmentRate, 1.0/3) || !near(s.MedianHoursToDecision, 35.0/60) || !near(s.AverageRating, 3) {
			t.Fatalf("rates: %v %v %v", deref(s.FulfilmentRate), deref(s.MedianHoursToDecision), deref(s.AverageRating))
		}
		if c := summary(mk.coord, ""); c.Totals != s.Totals || !near(c.MedianHoursToDecision, 35.0/60) {
			t.Fatalf("the coordinator's street: %+v", c.Totals)
		}
		// The unit: its own offers (not the community's needs) and the claims on them.
		u := summary(mk.liaison, "")
		if want := (domain.StatsFigures{Offers: 1, QuantityOffered: 6, Claims: 5, Approved: 3, Fulfilled: 1, QuantityClaimed: 8}); len(u.ByCategory) != 1 || u.Totals != want {
			t.Fatalf("the unit: %+v", u)
		}
		if other := summary(admin, "elsewhere"); len(other.ByCategory) != 0 || other.FulfilmentRate != nil ||
			other.MedianHoursToDecision != nil || other.AverageRating != nil {
			t.Fatalf("another street: %+v", other)
		}
	})
}

func near(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-9 }

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
