package repository_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/idempotency"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestClaimContext: what a claim decides with comes back whole (the listing; its owner, its
// street and the claimant; the active agreements that may cover the claim) and the same from the one
// round trip of PostgreSQL as from three queries; an unknown listing is ErrNotFound.
func TestClaimContext(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		qty := int64(4)
		offer := mk.parkingOffer(t, "夜间停车", qty, mk.now.Add(24*time.Hour), mk.now.Add(26*time.Hour))
		claims := repository.NewClaims(db)
		got, err := claims.ClaimContext(ctx, offer.ID, mk.communityID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Listing.ID != offer.ID || got.Listing.Title != "夜间停车" || got.Listing.Quantity != 4 || got.Listing.Version != offer.Version {
			t.Fatalf("listing: %+v", got.Listing)
		}
		var ids []string
		for _, o := range got.Orgs {
			ids = append(ids, o.ID)
		}
		for _, want := range []string{offer.OrgID, offer.StreetID, mk.communityID} {
			if !slices.Contains(ids, want) {
				t.Fatalf("orgs %v lack %s", ids, want)
			}
		}
		if len(got.Orgs) != 3 {
			t.Fatalf("orgs: %v, want the owner, the street and the claimant", ids)
		}
		if len(got.Agreements) != 1 || got.Agreements[0].Status != domain.AgreementActive || len(got.Agreements[0].Categories) == 0 {
			t.Fatalf("agreements: %+v", got.Agreements)
		}
		each, err := claims.ClaimContextEach(ctx, offer.ID, mk.communityID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normalize(got), normalize(each)) {
			t.Fatalf("one round trip:\n%+v\nthree queries:\n%+v", got, each)
		}
		if _, err := claims.ClaimContext(ctx, "no-such-listing", mk.communityID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown listing: %v, want ErrNotFound", err)
		}
	})
}

// normalize drops what differs only in representation between the two paths (time zones of
// timestamps as each driver returns them), and orders the orgs by id.
func normalize(c domain.ClaimContext) domain.ClaimContext {
	c.Listing.CreatedAt, c.Listing.UpdatedAt = c.Listing.CreatedAt.UTC(), c.Listing.UpdatedAt.UTC()
	for i := range c.Orgs {
		c.Orgs[i].CreatedAt, c.Orgs[i].UpdatedAt = c.Orgs[i].CreatedAt.UTC(), c.Orgs[i].UpdatedAt.UTC()
	}
	for i := range c.Agreements {
		c.Agreements[i].CreatedAt, c.Agreements[i].UpdatedAt = c.Agreements[i].CreatedAt.UTC(), c.Agreements[i].UpdatedAt.UTC()
	}
	c.Orgs = slices.SortedFunc(slices.Values(c.Orgs), func(a, b domain.Org) int { return strings.Compare(a.ID, b.ID) })
	return c
}

// TestKeyedClaim: a claim made under an idempotency key records itself as the key's ref in its
// own transaction, and one whose lease was taken over meanwhile commits nothing (both engines;
// on PostgreSQL this is the pipelined claim transaction).
func TestKeyedClaim(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		qty := int64(4)
		offer := mk.parkingOffer(t, "p", qty, mk.now.Add(24*time.Hour), mk.now.Add(26*time.Hour))
		keys := repository.NewIdempotency(db)
		lease := time.Minute
		win := domain.WindowInput{Start: mk.now.Add(24 * time.Hour), End: mk.now.Add(26 * time.Hour)}

		res, err := keys.Reserve(ctx, mk.staff.ActorID(), "k1", "h", mk.now, lease)
		if err != nil || res.Outcome != idempotency.Fresh {
			t.Fatalf("reserve: %+v %v", res, err)
		}
		keyed := idempotency.WithTicket(ctx, idempotency.Ticket{Owner: mk.staff.ActorID(), Key: "k1", Token: res.Token})
		c, err := mk.m.CreateClaim(keyed, mk.staff, domain.ClaimInput{ListingID: offer.ID, Quantity: 1, Window: win})
		if err != nil {
			t.Fatal(err)
		}
		// After the lease a retry finds the claim committed: a replay of it.
		again, err := keys.Reserve(ctx, mk.staff.ActorID(), "k1", "h", mk.now.Add(2*lease), lease)
		if err != nil || again.Outcome != idempotency.Replay || again.Record.Ref != "claims/"+c.ID {
			t.Fatalf("after the claim: %+v %v, want a replay of claims/%s", again, err, c.ID)
		}

		// A lease taken over by a retry: the first request's claim must not commit.
		res, err = keys.Reserve(ctx, mk.staff.ActorID(), "k2", "h", mk.now, lease)
		if err != nil || res.Outcome != idempotency.Fresh {
			t.Fatalf("reserve: %+v %v", res, err)
		}
		taken, err := keys.Reserve(ctx, mk.staff.ActorID(), "k2", "h", mk.now.Add(2*lease), lease)
		if err != nil || taken.Outcome != idempotency.Fresh || taken.Token == res.Token {
			t.Fatalf("take-over: %+v %v", taken, err)
		}
		stale := idempotency.WithTicket(ctx, idempotency.Ticket{Owner: mk.staff.ActorID(), Key: "k2", Token: res.Token})
		if _, err := mk.m.CreateClaim(stale, mk.staff, domain.ClaimInput{ListingID: offer.ID, Quantity: 1, Window: win}); !errors.Is(err, idempotency.ErrLeaseLost) {
			t.Fatalf("claim under a lost lease: %v, want ErrLeaseLost", err)
		}
		claims, err := repository.NewClaims(db).ListClaims(ctx, domain.ClaimFilter{Now: mk.now, Page: domain.Page{Limit: 10}})
		if err != nil || len(claims) != 1 {
			t.Fatalf("claims: %d %v, want only the first", len(claims), err)
		}
	})
}

// TestClaimInOneRoundTrip: on PostgreSQL a claim that surely fits commits in one round trip; one
// whose overlapping holds, summed, would overflow (though their peak leaves room) takes the
// exact path and is admitted; one that does not fit is refused by the exact check on the holds
// the round trip read, naming the occurrence, and leaves no row and no event behind. SQLite always runs the exact check.
func TestClaimInOneRoundTrip(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		claims := repository.NewClaims(db)
		mk := newMarketWith(t, db, claims)
		ctx := context.Background()
		night := mk.now.Add(24 * time.Hour)
		qty := int64(2)
		offer := mk.parkingOffer(t, "p", qty, night, night.Add(12*time.Hour))
		claim := func(from, to time.Duration) (domain.Claim, error) {
			return mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{ListingID: offer.ID, Quantity: 1,
				Window: domain.WindowInput{Start: night.Add(from), End: night.Add(to)}})
		}
		pg := db.Dialect() == repository.Postgres
		expectFast := func(want int64) {
			t.Helper()
			if !pg {
				want = 0
			}
			if got := claims.FastClaims(); got != want {
				t.Fatalf("%d claims in one round trip, want %d", got, want)
			}
		}
		// Evening and morning: neither overlaps the other, both surely fit.
		if _, err := claim(0, 4*time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := claim(4*time.Hour, 12*time.Hour); err != nil {
			t.Fatal(err)
		}
		expectFast(2)
		// The whole night overlaps both (sum 2 + 1 > 2), though at no instant more than 1 is held.
		whole, err := claim(0, 12*time.Hour)
		if err != nil {
			t.Fatalf("whole night, peak 1 of 2: %v", err)
		}
		expectFast(2)
		// Now the evening holds 2: full.
		_, err = claim(time.Hour, 2*time.Hour)
		var de *domain.DetailError
		if !errors.Is(err, domain.ErrCapacityExceeded) || !errors.As(err, &de) || de.Data["occurrence"] == nil {
			t.Fatalf("full evening: %v, want capacity_exceeded naming the occurrence", err)
		}
		expectFast(2)
		// Refused on the holds the one round trip read under the lock, without a second one.
		if want := map[bool]int64{true: 1, false: 0}[pg]; claims.FastRefusals() != want {
			t.Fatalf("%d refusals in one round trip, want %d", claims.FastRefusals(), want)
		}
		list, err := claims.ListClaims(ctx, domain.ClaimFilter{Now: mk.now, Page: domain.Page{Limit: 10}})
		if err != nil || len(list) != 3 {
			t.Fatalf("claims: %d %v, want 3", len(list), err)
		}
		evs, err := repository.NewEvents(db).ListEvents(ctx, domain.EventQuery{Types: []string{"claim.created"}, Limit: 100})
		if err != nil || len(evs) != 3 {
			t.Fatalf("claim.created events: %d %v, want 3", len(evs), err)
		}
		for _, ev := range evs {
			if _, err := claims.GetClaim(ctx, ev.SubjectID); err != nil {
				t.Fatalf("event %s names claim %s: %v", ev.ID, ev.SubjectID, err)
			}
		}
		if got, err := claims.GetClaim(ctx, whole.ID); err != nil || len(got.History) != 1 {
			t.Fatalf("whole-night claim: %+v %v", got, err)
		}
	})
}

// TestRefusalsWithoutTheLock: on PostgreSQL, once a listing has refused a claim, the next claims
// on it are first checked on one lock-free read; a refusal there stands (naming the occurrence,
// leaving nothing behind), and a claim that fits, once capacity is back, still commits. Both
// engines must give the same outcomes.
func TestRefusalsWithoutTheLock(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		claims := repository.NewClaims(db)
		claims.HoldRefusalHints(time.Hour)
		mk := newMarketWith(t, db, claims)
		ctx := context.Background()
		night := mk.now.Add(24 * time.Hour)
		offer := mk.parkingOffer(t, "p", 1, night, night.Add(12*time.Hour))
		claim := func() (domain.Claim, error) {
			return mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{ListingID: offer.ID, Quantity: 1,
				Window: domain.WindowInput{Start: night.Add(time.Hour), End: night.Add(3 * time.Hour)}})
		}
		pg := db.Dialect() == repository.Postgres
		expect := func(step string, ok bool, unlocked int64) domain.Claim {
			t.Helper()
			c, err := claim()
			var de *domain.DetailError
			switch {
			case ok && err != nil:
				t.Fatalf("%s: %v, want admitted", step, err)
			case !ok && (!errors.Is(err, domain.ErrCapacityExceeded) || !errors.As(err, &de) || de.Data["occurrence"] == nil):
				t.Fatalf("%s: %v, want capacity_exceeded naming the occurrence", step, err)
			}
			if !pg {
				unlocked = 0
			}
			if got := claims.UnlockedRefusals(); got != unlocked {
				t.Fatalf("%s: %d refusals without the lock, want %d", step, got, unlocked)
			}
			return c
		}
		first := expect("the first claim fills the night", true, 0)
		expect("the first refusal, under the lock", false, 0)
		expect("the second, without it", false, 1)
		expect("the third", false, 2)
		if _, err := mk.m.ActOnClaim(ctx, mk.staff, first.ID, domain.ActionCancel, "", 0); err != nil {
			t.Fatal(err)
		}
		expect("capacity back: admitted", true, 2)
		expect("full again: refused under the lock", false, 2)
		expect("and then without it", false, 3)
		list, err := claims.ListClaims(ctx, domain.ClaimFilter{ListingID: offer.ID, Now: mk.now, Page: domain.Page{Limit: 10}})
		if err != nil || len(list) != 2 {
			t.Fatalf("claims: %d %v, want the two admitted", len(list), err)
		}
		evs, err := repository.NewEvents(db).ListEvents(ctx, domain.EventQuery{Types: []string{"claim.created"}, Limit: 100})
		if err != nil || len(evs) != 2 {
			t.Fatalf("claim.created events: %d %v, want 2", len(evs), err)
		}
		if bad, err := db.LedgerMismatches(ctx); err != nil || len(bad) > 0 {
			t.Fatalf("ledger: %v %v", bad, err)
		}
	})
}

// TestClaimContextAgreementsThatMayCover: of the parties' active agreements, a claim's context
// holds those that may cover it (between the two orgs, or between the unit and the community's
// street) and not the unit's agreements with other communities, on both paths alike.
func TestClaimContextAgreementsThatMayCover(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		orgs := repository.NewOrgs(db)
		street, err := orgs.GetOrg(ctx, mk.coord.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		kind, name := domain.KindCommunity, "c2"
		other, err := domain.NewOrg(domain.OrgInput{Kind: &kind, Name: &name}, &street, nil, mk.now)
		if err != nil {
			t.Fatal(err)
		}
		if err := orgs.CreateOrg(ctx, other); err != nil {
			t.Fatal(err)
		}
		otherStaff := domain.Principal{UserID: "staff2", Role: domain.RoleCommunityStaff, OrgID: other.ID, OrgKind: domain.KindCommunity, StreetID: street.ID}
		sign := func(title, partyA string, signers ...domain.Principal) domain.Agreement {
			ag, err := mk.m.CreateAgreement(ctx, signers[0], domain.AgreementInput{
				PartyAOrgID: partyA, PartyBOrgID: mk.unitID, Title: title, Categories: []string{"parking"},
				StartsOn: "2027-01-01", EndsOn: "2028-12-31",
			})
			if err != nil {
				t.Fatalf("%s: %v", title, err)
			}
			for _, p := range signers {
				if ag, err = mk.m.SignAgreement(ctx, p, ag.ID); err != nil {
					t.Fatalf("%s: sign: %v", title, err)
				}
			}
			return ag
		}
		viaStreet := sign("street", street.ID, mk.coord, mk.liaison)
		sign("another community", other.ID, otherStaff, mk.liaison)
		offer := mk.parkingOffer(t, "p", 1, mk.now.Add(24*time.Hour), mk.now.Add(26*time.Hour))
		claims := repository.NewClaims(db)
		for name, read := range map[string]func(context.Context, string, string) (domain.ClaimContext, error){
			"ClaimContext": claims.ClaimContext, "ClaimContextEach": claims.ClaimContextEach,
		} {
			got, err := read(ctx, offer.ID, mk.communityID)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, a := range got.Agreements {
				titles = append(titles, a.Title)
			}
			if len(got.Agreements) != 2 || got.Agreements[1].ID != viaStreet.ID {
				t.Fatalf("%s: agreements %v, want the community's own and the street's", name, titles)
			}
		}
	})
}
