package repository_test

import (
	"context"
	"errors"
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

// TestHoldReadIndependentOfClaims: the hot car park — many live claims on one occurrence, and
// claims on the nights after it. A new claim's hold read visits the ledger's row per claimant and
// occurrence, and only for the occurrences that can overlap its own (a hold lasts at most a
// window's maximum length), so tonight's claim reads as many rows after 200 claims on tonight
// and claims on 60 later nights as after 2 claims; and a pending claim's capacity is back at its
// expiry, before any sweeper has recorded it.
func TestHoldReadIndependentOfClaims(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		start := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
		qty := int64(201)
		offer, err := mk.m.CreateListing(ctx, mk.liaison, domain.SideOffer, domain.ListingInput{
			Category: ptr("parking"), Title: ptr("p"), Quantity: &qty,
			Location: &domain.Location{Lat: 24.3, Lng: 109.4},
			Windows:  &[]domain.WindowInput{{Start: start, End: start.Add(4 * time.Hour), RRule: "FREQ=DAILY;COUNT=61"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		claimOn := func(night int, q int64) error {
			s := start.AddDate(0, 0, night)
			_, err := mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{
				ListingID: offer.ID, Quantity: q, Window: domain.WindowInput{Start: s, End: s.Add(4 * time.Hour)},
			})
			return err
		}
		claim := func(q int64) error { return claimOn(0, q) }
		var early int64
		for k := 1; k <= 200; k++ {
			if err := claim(1); err != nil {
				t.Fatalf("claim %d: %v", k, err)
			}
			if k == 2 {
				if early, err = db.HoldsScanned(ctx, offer.ID, start.Unix(), start.Add(4*time.Hour).Unix(), mk.now); err != nil {
					t.Fatal(err)
				}
			}
		}
		for night := 1; night <= 60; night++ {
			if err := claimOn(night, 1); err != nil {
				t.Fatalf("claim on night %d: %v", night, err)
			}
		}
		late, err := db.HoldsScanned(ctx, offer.ID, start.Unix(), start.Add(4*time.Hour).Unix(), mk.now)
		if err != nil {
			t.Fatal(err)
		}
		// Tonight's row, and those of the nights within a maximum window length after it.
		if early != 1 || late > 10 {
			t.Fatalf("a claim's hold read visited %d rows after 2 claims and %d after 200 and 60 later nights", early, late)
		}
		if err := claim(2); !errors.Is(err, domain.ErrCapacityExceeded) {
			t.Fatalf("claim beyond capacity: %v", err)
		}
		// What suggestions see (HoldsOf, summed per listing and interval): 200 tonight.
		heldTonight := func() int64 {
			t.Helper()
			by, err := repository.NewListings(db).HoldsOf(ctx, []string{offer.ID}, start, start.Add(4*time.Hour), mk.now)
			if err != nil || len(by[offer.ID]) != 1 {
				t.Fatalf("HoldsOf: %v %v", by, err)
			}
			return by[offer.ID][0].Quantity
		}
		if got := heldTonight(); got != 200 {
			t.Fatalf("HoldsOf tonight: %d, want 200", got)
		}
		// The 200 pending claims expire (the hold is an hour in newMarket); nothing sweeps them.
		mk.now = mk.now.Add(time.Hour + time.Second)
		if err := claim(201); err != nil {
			t.Fatalf("claim after the others expired, unswept: %v", err)
		}
		if got := heldTonight(); got != 201 {
			t.Fatalf("HoldsOf tonight after the expiry: %d, want 201 (the new claim alone)", got)
		}
		if bad, err := db.LedgerMismatches(ctx); err != nil || len(bad) > 0 {
			t.Fatalf("ledger: %v %v", bad, err)
		}
		t.Logf("%s: hold read visits %d rows after 2 claims, %d after 200 and claims on 60 later nights", db.Dialect(), early, late)
	})
}

// TestApprovalRechecksCapacityAcrossClocks: replicas' clocks differ. One whose clock runs ahead
// sees a pending claim lapse and gives its capacity to a second claim; one whose clock runs behind
// then approves the first. The approval must see the second claim's hold and refuse, naming the
// occurrence, on every engine and path (PostgreSQL's pipelined approval included); the second
// claim is then approved by the clock that admitted it, and each night stays within capacity.
func TestApprovalRechecksCapacityAcrossClocks(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		night := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
		one := int64(1)
		offer, err := mk.m.CreateListing(ctx, mk.liaison, domain.SideOffer, domain.ListingInput{
			Category: ptr("parking"), Title: ptr("p"), Quantity: &one,
			Location: &domain.Location{Lat: 24.3, Lng: 109.4},
			Windows:  &[]domain.WindowInput{{Start: night, End: night.Add(4 * time.Hour), RRule: "FREQ=DAILY;COUNT=3"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		claim := func(rule string) domain.Claim {
			t.Helper()
			c, err := mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{
				ListingID: offer.ID, Quantity: 1, Window: domain.WindowInput{Start: night, End: night.Add(4 * time.Hour), RRule: rule},
			})
			if err != nil {
				t.Fatalf("claim at %s: %v", mk.now, err)
			}
			return c
		}
		behind := mk.now
		first := claim("FREQ=DAILY;COUNT=2") // the first two nights, pending for an hour
		mk.now = behind.Add(time.Hour + time.Second)
		second := claim("") // the first night: the first claim has lapsed by this clock
		mk.now = behind.Add(30 * time.Minute)
		_, err = mk.m.ActOnClaim(ctx, mk.coord, first.ID, domain.ActionApprove, "", 0)
		if !errors.Is(err, domain.ErrCapacityExceeded) {
			t.Fatalf("approval by the clock behind: %v, want capacity_exceeded", err)
		}
		if c, err := mk.m.GetClaim(ctx, mk.coord, first.ID); err != nil || c.Status != domain.ClaimPending {
			t.Fatalf("the refused approval changed the claim: %v %v", c.Status, err)
		}
		mk.now = behind.Add(time.Hour + time.Second)
		if c, err := mk.m.ActOnClaim(ctx, mk.coord, second.ID, domain.ActionApprove, "", 0); err != nil || c.Status != domain.ClaimApproved {
			t.Fatalf("approval by the clock ahead: %v %v", c.Status, err)
		}
		if bad, err := db.LedgerMismatches(ctx); err != nil || len(bad) > 0 {
			t.Fatalf("ledger: %v %v", bad, err)
		}
	})
}
