package repository_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/schedule"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// market is a marketplace on a real database with a clock the test moves.
type market struct {
	m                     *domain.Marketplace
	now                   time.Time
	staff, liaison, coord domain.Principal
	communityID, unitID   string
}

func newMarket(t testing.TB, db *repository.DB) *market {
	return newMarketWith(t, db, repository.NewClaims(db))
}

func newMarketWith(t testing.TB, db *repository.DB, claims *repository.Claims) *market {
	ctx := context.Background()
	mk := &market{now: time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)}
	orgs := repository.NewOrgs(db)
	create := func(kind domain.OrgKind, name string, parent *domain.Org) domain.Org {
		o, err := domain.NewOrg(domain.OrgInput{Kind: &kind, Name: &name}, parent, nil, mk.now)
		if err != nil {
			t.Fatal(err)
		}
		if err := orgs.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	district := create(domain.KindDistrict, "d", nil)
	street := create(domain.KindStreet, "s", &district)
	community := create(domain.KindCommunity, "c", &street)
	unit := create(domain.KindUnit, "u", &street)
	mk.communityID, mk.unitID = community.ID, unit.ID
	mk.staff = domain.Principal{UserID: "staff", Role: domain.RoleCommunityStaff, OrgID: community.ID, OrgKind: domain.KindCommunity, StreetID: street.ID}
	mk.liaison = domain.Principal{UserID: "liaison", Role: domain.RoleLiaison, OrgID: unit.ID, OrgKind: domain.KindUnit, StreetID: street.ID}
	mk.coord = domain.Principal{UserID: "coord", Role: domain.RoleCoordinator, OrgID: street.ID, OrgKind: domain.KindStreet, StreetID: street.ID}
	var err error
	mk.m, err = domain.NewMarketplace(domain.MarketplaceStores{
		Orgs: orgs, Categories: repository.NewCategories(db), Listings: repository.NewListings(db),
		Agreements: repository.NewAgreements(db), Claims: claims, Runs: repository.NewRuns(db),
	}, time.Hour, func() time.Time { return mk.now })
	if err != nil {
		t.Fatal(err)
	}
	ag, err := mk.m.CreateAgreement(ctx, mk.staff, domain.AgreementInput{
		PartyAOrgID: community.ID, PartyBOrgID: unit.ID, Title: "t", Categories: []string{"parking"},
		StartsOn: "2027-01-01", EndsOn: "2028-12-31",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []domain.Principal{mk.staff, mk.liaison} {
		if _, err := mk.m.SignAgreement(ctx, p, ag.ID); err != nil {
			t.Fatal(err)
		}
	}
	return mk
}

// TestClaimInvariantProperty drives random sequences of claim, approve, reject, cancel, confirm
// and expiry against the real stores, and after every step checks that no instant is overbooked
// and that every claim moved only along the status graph.
func TestClaimInvariantProperty(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		base := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
		start := mk.now
		rapid.Check(t, func(rt *rapid.T) {
			// Each case starts before the offer's nights: its ticks move the clock through them.
			mk.now = start
			capacity := int64(rapid.IntRange(1, 5).Draw(rt, "capacity"))
			qty := capacity
			offer, err := mk.m.CreateListing(ctx, mk.liaison, domain.SideOffer, domain.ListingInput{
				Category: ptr("parking"), Title: ptr("p"), Quantity: &qty,
				Location: &domain.Location{Lat: 24.3, Lng: 109.4},
				Windows:  &[]domain.WindowInput{{Start: base, End: base.Add(4 * time.Hour), RRule: "FREQ=DAILY;COUNT=3"}},
			})
			if err != nil {
				rt.Fatal(err)
			}
			seen := map[string]domain.ClaimStatus{}
			var ids []string
			steps := rapid.IntRange(1, 25).Draw(rt, "steps")
			for i := 0; i < steps; i++ {
				action := rapid.SampledFrom([]string{"claim", "claim", "claim", "approve", "reject", "cancel", "confirm", "tick"}).Draw(rt, "action")
				pick := func() string {
					if len(ids) == 0 {
						return ""
					}
					return ids[rapid.IntRange(0, len(ids)-1).Draw(rt, "claim")]
				}
				switch action {
				case "claim":
					night := rapid.IntRange(0, 2).Draw(rt, "night")
					off := time.Duration(rapid.IntRange(0, 3).Draw(rt, "offset")) * time.Hour
					length := time.Duration(rapid.IntRange(1, 4).Draw(rt, "length")) * time.Hour
					s := base.Add(time.Duration(night)*24*time.Hour + off)
					rule := ""
					if rapid.Bool().Draw(rt, "repeat") {
						rule = "FREQ=DAILY;COUNT=2"
					}
					qty := int64(rapid.IntRange(1, 3).Draw(rt, "qty"))
					c, err := mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{
						ListingID: offer.ID, Quantity: qty,
						Window: domain.WindowInput{Start: s, End: s.Add(length), RRule: rule},
					})
					switch {
					case err == nil:
						ids = append(ids, c.ID)
						seen[c.ID] = domain.ClaimPending
					case errors.Is(err, domain.ErrCapacityExceeded):
						// A refusal must be justified by what counts now: a claim whose capacity
						// came back (expired, swept or not) must not block.
						w := schedule.Window{Start: s, End: s.Add(length), RRule: rule}
						if peak := peakHeld(rt, mk, offer, w.Occurrences(offer.Loc())); peak+qty <= capacity {
							rt.Fatalf("refused %d with %d held at most, capacity %d", qty, peak, capacity)
						}
					case errors.Is(err, domain.ErrWindowOutside), isInThePast(err):
					default:
						rt.Fatalf("claim: %v", err)
					}
				case "approve", "reject", "cancel", "confirm":
					id := pick()
					if id == "" {
						continue
					}
					p := map[string]domain.Principal{"approve": mk.coord, "reject": mk.coord, "cancel": mk.staff, "confirm": mk.liaison}[action]
					if action == "confirm" && rapid.Bool().Draw(rt, "by claimant") {
						p = mk.staff
					}
					_, err := mk.m.ActOnClaim(ctx, p, id, domain.ClaimAction(action), "because", 0)
					if err != nil && !errors.Is(err, domain.ErrInvalidTransition) {
						rt.Fatalf("%s: %v", action, err)
					}
				case "tick":
					mk.now = mk.now.Add(time.Duration(rapid.IntRange(1, 90).Draw(rt, "minutes")) * time.Minute)
					// Sometimes the sweeper is late: an expired claim's capacity is back anyway.
					if rapid.Bool().Draw(rt, "sweep") {
						if _, err := mk.m.ExpireOverdue(ctx, 100); err != nil {
							rt.Fatalf("expire: %v", err)
						}
					}
				}
				checkInvariant(rt, mk, offer, capacity, seen)
				if bad, err := db.LedgerMismatches(ctx); err != nil || len(bad) > 0 {
					rt.Fatalf("hold ledger differs from claim_holds (%v): %v", err, bad)
				}
				// What suggestions see (HoldsOf, swept): the peak recomputed from the live claims.
				ahead := schedule.Interval{Start: mk.now, End: base.Add(5 * 24 * time.Hour)}
				by, err := repository.NewListings(db).HoldsOf(ctx, []string{offer.ID}, ahead.Start, ahead.End, mk.now)
				if err != nil {
					rt.Fatal(err)
				}
				var ws []schedule.WeightedInterval
				for _, h := range by[offer.ID] {
					ws = append(ws, schedule.WeightedInterval{Start: h.Start, End: h.End, Qty: h.Quantity})
				}
				if got, want := schedule.Peaks(ws, []schedule.Interval{ahead})[0], peakHeld(rt, mk, offer, []schedule.Interval{ahead}); got != want {
					rt.Fatalf("HoldsOf's peak: %d, the live claims' peak from now on: %d", got, want)
				}
			}
		})
	})
}

func ptr[T any](v T) *T { return &v }

// parkingOffer creates a parking offer of the market's unit, titled title, of quantity qty, over
// one window.
func (mk *market) parkingOffer(t testing.TB, title string, qty int64, start, end time.Time) domain.Listing {
	t.Helper()
	offer, err := mk.m.CreateListing(context.Background(), mk.liaison, domain.SideOffer, domain.ListingInput{
		Category: ptr("parking"), Title: ptr(title), Quantity: &qty,
		Location: &domain.Location{Lat: 24.3, Lng: 109.4},
		Windows:  &[]domain.WindowInput{{Start: start, End: end}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return offer
}

// isInThePast: the clock has moved past the drawn claim's first occurrence.
func isInThePast(err error) bool {
	var v *domain.ValidationError
	return errors.As(err, &v) && len(v.Fields) == 1 && v.Fields[0].Code == "in_the_past"
}

// checkInvariant recomputes, from the claims alone, the held total at every boundary instant,
// and checks each claim's status moved along the graph since the last step.
func checkInvariant(rt *rapid.T, mk *market, offer domain.Listing, capacity int64, seen map[string]domain.ClaimStatus) {
	ctx := context.Background()
	claims, err := mk.m.ListClaims(ctx, mk.coord, domain.ClaimFilter{ListingID: offer.ID, Page: domain.Page{Limit: 1000}})
	if err != nil {
		rt.Fatal(err)
	}
	type held struct {
		iv  schedule.Interval
		qty int64
	}
	var live []held
	var instants []time.Time
	for _, c := range claims {
		st := c.EffectiveStatus(mk.now)
		prev := seen[c.ID]
		if st != prev && !domain.CanTransition(prev, st) && !(prev == domain.ClaimPending && st == domain.ClaimExpired) {
			rt.Fatalf("claim %s moved %s → %s", c.ID, prev, st)
		}
		seen[c.ID] = st
		if !st.Live() {
			continue
		}
		for _, o := range c.Window.Occurrences(offer.Loc()) {
			live = append(live, held{o, c.Quantity})
			instants = append(instants, o.Start)
		}
	}
	sort.Slice(instants, func(i, j int) bool { return instants[i].Before(instants[j]) })
	for _, at := range instants {
		var total int64
		for _, h := range live {
			if !at.Before(h.iv.Start) && at.Before(h.iv.End) {
				total += h.qty
			}
		}
		if total > capacity {
			rt.Fatalf("%s", fmt.Sprintf("%d held at %v, capacity %d", total, at, capacity))
		}
	}
}

// peakHeld is the most the live claims on offer hold at any instant of occs, from the claims alone.
func peakHeld(rt *rapid.T, mk *market, offer domain.Listing, occs []schedule.Interval) int64 {
	claims, err := mk.m.ListClaims(context.Background(), mk.coord, domain.ClaimFilter{ListingID: offer.ID, Page: domain.Page{Limit: 1000}})
	if err != nil {
		rt.Fatal(err)
	}
	var live []schedule.WeightedInterval
	for _, c := range claims {
		if c.EffectiveStatus(mk.now).Live() {
			for _, o := range c.Window.Occurrences(offer.Loc()) {
				live = append(live, schedule.WeightedInterval{Start: o.Start, End: o.End, Qty: c.Quantity})
			}
		}
	}
	var peak int64
	for _, o := range occs {
		for _, at := range append([]time.Time{o.Start}, starts(live)...) {
			if at.Before(o.Start) || !at.Before(o.End) {
				continue
			}
			var total int64
			for _, h := range live {
				if !at.Before(h.Start) && at.Before(h.End) {
					total += h.Qty
				}
			}
			peak = max(peak, total)
		}
	}
	return peak
}

func starts(ws []schedule.WeightedInterval) []time.Time {
	out := make([]time.Time, len(ws))
	for i, w := range ws {
		out[i] = w.Start
	}
	return out
}
