package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestHoldsEndWithTheirOccurrences runs a weekly offer for two simulated years, moving the
// injected clock a week at a time, with an approved claim on every occurrence. Ended occurrences
// must stop counting (API.md §6): the offer's windows move forward each half year and its
// quantity drops at the end, none of which a past claim may block, and a claim's read of holds
// visits as many rows after two years as after two weeks.
func TestHoldsEndWithTheirOccurrences(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		base := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
		week := 7 * 24 * time.Hour
		qty := int64(3)
		offer, err := mk.m.CreateListing(ctx, mk.liaison, domain.SideOffer, domain.ListingInput{
			Category: ptr("parking"), Title: ptr("p"), Quantity: &qty,
			Location: &domain.Location{Lat: 24.3, Lng: 109.4},
			Windows:  &[]domain.WindowInput{{Start: base, End: base.Add(4 * time.Hour), RRule: "FREQ=WEEKLY"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		var early, late int64
		const weeks = 95 // the agreement in newMarket ends on 2028-12-31
		for k := 0; k < weeks; k++ {
			start := base.Add(time.Duration(k) * week)
			mk.now = start.Add(-time.Hour)
			if k > 0 && k%26 == 0 {
				// Move the windows on: every past occurrence (and its claims) falls outside them.
				windows := []domain.WindowInput{{Start: start, End: start.Add(4 * time.Hour), RRule: "FREQ=WEEKLY"}}
				if offer, err = mk.m.UpdateListing(ctx, mk.liaison, domain.SideOffer, offer.ID, 0, domain.ListingInput{Windows: &windows}); err != nil {
					t.Fatalf("week %d: move windows: %v", k, err)
				}
			}
			scanned, err := db.HoldsScanned(ctx, offer.ID, start.Unix(), start.Add(4*time.Hour).Unix(), mk.now)
			if err != nil {
				t.Fatal(err)
			}
			switch k {
			case 2:
				early = scanned
			case weeks - 1:
				late = scanned
			}
			c, err := mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{
				ListingID: offer.ID, Quantity: 3, Window: domain.WindowInput{Start: start, End: start.Add(4 * time.Hour)},
			})
			if err != nil {
				t.Fatalf("week %d: claim: %v", k, err)
			}
			if _, err := mk.m.ActOnClaim(ctx, mk.coord, c.ID, domain.ActionApprove, "", 0); err != nil {
				t.Fatalf("week %d: approve: %v", k, err)
			}
		}
		// The last claim's occurrence has ended too: the whole history holds nothing now.
		mk.now = base.Add(weeks * week)
		one := int64(1)
		if _, err := mk.m.UpdateListing(ctx, mk.liaison, domain.SideOffer, offer.ID, 0, domain.ListingInput{Quantity: &one}); err != nil {
			t.Fatalf("shrink after %d weeks of full claims: %v", weeks, err)
		}
		if early != late || late > 1 {
			t.Fatalf("a claim's hold read visited %d rows after 2 weeks and %d after %d weeks", early, late, weeks)
		}
		t.Logf("%s: hold read visits %d rows after 2 weeks, %d after %d weeks", db.Dialect(), early, late, weeks)
	})
}
