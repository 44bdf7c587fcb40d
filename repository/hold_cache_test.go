package repository_test

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestRecentHoldsFollowTheirReplica: two replicas on one database, each with its own cache of
// recent hold reads. Random claims, approvals and cancellations on both, the clock moving by parts
// of a second or by minutes (across pending holds' expiry), and after each step a recent read
// through the first replica. It must be what an exact read gave at some step within maxAge before
// it (at that step's clock) and no earlier than the first replica's last write: a replica's own
// claims show at once, the other's and lapsed holds within maxAge.
func TestRecentHoldsFollowTheirReplica(t *testing.T) {
	t.Parallel()
	for _, engine := range repotest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := repotest.URL(t, engine)
			open := func() *repository.DB {
				db, err := repository.Open(ctx, url, slog.New(slog.NewTextHandler(io.Discard, nil)))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = db.Close() })
				return db
			}
			db1 := open()
			if err := db1.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			db2 := open()
			mk := newMarket(t, db1)
			m2, err := domain.NewMarketplace(domain.MarketplaceStores{
				Orgs: repository.NewOrgs(db2), Categories: repository.NewCategories(db2), Listings: repository.NewListings(db2),
				Agreements: repository.NewAgreements(db2), Claims: repository.NewClaims(db2), Runs: repository.NewRuns(db2),
			}, time.Hour, func() time.Time { return mk.now })
			if err != nil {
				t.Fatal(err)
			}
			base := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
			l1, l2 := repository.NewListings(db1), repository.NewListings(db2)
			from, to := base.Add(-time.Hour), base.Add(6*24*time.Hour)
			const maxAge = time.Second
			start := mk.now
			rapid.Check(t, func(rt *rapid.T) {
				type state struct {
					at    time.Time
					holds map[string][]domain.Hold
				}
				var (
					ids    []string
					states []state // the exact read after each step since the first replica's last write
				)
				mk.now = start
				// A listing of its own: the cache outlives the case.
				qty := int64(4)
				offer, err := mk.m.CreateListing(ctx, mk.liaison, domain.SideOffer, domain.ListingInput{
					Category: ptr("parking"), Title: ptr("p"), Quantity: &qty,
					Location: &domain.Location{Lat: 24.3, Lng: 109.4},
					Windows:  &[]domain.WindowInput{{Start: base, End: base.Add(4 * time.Hour), RRule: "FREQ=DAILY;COUNT=5"}},
				})
				if err != nil {
					rt.Fatal(err)
				}
				for i := range rapid.IntRange(1, 40).Draw(rt, "steps") {
					own := rapid.Bool().Draw(rt, "own replica")
					m := m2
					if own {
						m = mk.m
					}
					switch rapid.SampledFrom([]string{"claim", "claim", "approve", "cancel", "tick", "tick"}).Draw(rt, "step") {
					case "claim":
						night := time.Duration(rapid.IntRange(0, 4).Draw(rt, "night")) * 24 * time.Hour
						c, err := m.CreateClaim(ctx, mk.staff, domain.ClaimInput{ListingID: offer.ID, Quantity: 1,
							Window: domain.WindowInput{Start: base.Add(night), End: base.Add(night + 2*time.Hour)}})
						if err == nil {
							ids = append(ids, c.ID)
						}
						own = own && err == nil // a refused claim writes nothing
					case "approve", "cancel":
						if len(ids) == 0 {
							continue
						}
						id := rapid.SampledFrom(ids).Draw(rt, "claim")
						action, p := domain.ActionCancel, mk.staff
						if rapid.Bool().Draw(rt, "approve") {
							action, p = domain.ActionApprove, mk.coord
						}
						_, err := m.ActOnClaim(ctx, p, id, action, "", 0)
						own = own && err == nil
					case "tick":
						own = false
						if rapid.IntRange(0, 4).Draw(rt, "long") == 0 {
							mk.now = mk.now.Add(time.Duration(rapid.IntRange(1, 40).Draw(rt, "minutes")) * time.Minute)
						} else {
							mk.now = mk.now.Add(time.Duration(rapid.IntRange(0, 1500).Draw(rt, "ms")) * time.Millisecond)
						}
					}
					exact, err := l2.HoldsOf(ctx, []string{offer.ID}, from, to, mk.now)
					if err != nil {
						rt.Fatal(err)
					}
					if own {
						states = states[:0]
					}
					states = append(states, state{mk.now, exact})
					recent, err := l1.RecentHoldsOf(ctx, []string{offer.ID}, from, to, mk.now, maxAge)
					if err != nil {
						rt.Fatal(err)
					}
					ok := false
					for _, s := range states {
						ok = ok || (mk.now.Sub(s.at) < maxAge && reflect.DeepEqual(recent, s.holds))
					}
					if !ok {
						rt.Fatalf("step %d at %s: recent %v, none of the exact reads since its last write within %s: %v", i, mk.now, recent, maxAge, states)
					}
				}
			})
		})
	}
}

// TestRecentHoldsAfterConcurrentClaims: readers fill the cache while claims on the same replica
// commit. A read that started before a claim must not store what it read after the claim's bump:
// once every claim is in, a recent read (at the same clock, well within maxAge) is the exact one.
func TestRecentHoldsAfterConcurrentClaims(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		base := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
		qty := int64(1000)
		offer, err := mk.m.CreateListing(ctx, mk.liaison, domain.SideOffer, domain.ListingInput{
			Category: ptr("parking"), Title: ptr("p"), Quantity: &qty,
			Location: &domain.Location{Lat: 24.3, Lng: 109.4},
			Windows:  &[]domain.WindowInput{{Start: base, End: base.Add(4 * time.Hour), RRule: "FREQ=DAILY;COUNT=5"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ls := repository.NewListings(db)
		from, to := base.Add(-time.Hour), base.Add(6*24*time.Hour)
		var writers, readers sync.WaitGroup
		done := make(chan struct{})
		for w := range 6 {
			writers.Add(1)
			go func() {
				defer writers.Done()
				for i := range 8 {
					night := time.Duration((w+i)%5) * 24 * time.Hour
					if _, err := mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{ListingID: offer.ID, Quantity: 1,
						Window: domain.WindowInput{Start: base.Add(night), End: base.Add(night + 2*time.Hour)}}); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		for range 4 {
			readers.Add(1)
			go func() {
				defer readers.Done()
				for {
					select {
					case <-done:
						return
					default:
					}
					if _, err := ls.RecentHoldsOf(ctx, []string{offer.ID}, from, to, mk.now, time.Minute); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		writers.Wait()
		close(done)
		readers.Wait()
		recent, err := ls.RecentHoldsOf(ctx, []string{offer.ID}, from, to, mk.now, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		exact, err := ls.HoldsOf(ctx, []string{offer.ID}, from, to, mk.now)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(recent, exact) {
			t.Fatalf("after every claim: recent %v, exact %v", recent, exact)
		}
	})
}
