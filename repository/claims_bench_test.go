package repository_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// BenchmarkCreateClaim measures claims per second with 8 concurrent clients, on one hot offer and
// on 1,000 offers, for each capacity strategy and engine. Run it on PostgreSQL with
// GONGJIAN_TEST_DATABASE_URL set (scripts/bench-claims.sh).
func BenchmarkCreateClaim(b *testing.B) {
	strategies := []struct {
		name string
		s    repository.CapacityStrategy
	}{{"lock", repository.LockListing}, {"lock-gorm", repository.LockListingGorm}, {"serializable", repository.Serializable}}
	for _, engine := range repotest.Engines() {
		for _, st := range strategies {
			if engine == repository.SQLite && st.s != repository.LockListing {
				continue // SQLite serialises writers either way
			}
			for _, offers := range []int{1, 1000} {
				b.Run(fmt.Sprintf("%s/%s/offers=%d", engine, st.name, offers), func(b *testing.B) {
					db := repotest.Open(b, engine)
					mk := newMarketWith(b, db, repository.NewClaimsWithStrategy(db, st.s))
					benchClaims(b, mk, offers)
				})
			}
		}
	}
}

func benchClaims(b *testing.B, mk *market, n int) {
	ctx := context.Background()
	base := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
	ids := make([]string, n)
	for i := range ids {
		q := int64(domain.MaxQuantity)
		l, err := mk.m.CreateListing(ctx, mk.liaison, domain.SideOffer, domain.ListingInput{
			Category: ptr("parking"), Title: ptr("p"), Quantity: &q, Location: &domain.Location{Lat: 24.3, Lng: 109.4},
			Windows: &[]domain.WindowInput{{Start: base, End: base.Add(12 * time.Hour), RRule: "FREQ=DAILY;COUNT=300"}},
		})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = l.ID
	}
	const clients = 8
	var (
		next   atomic.Int64
		failed atomic.Int64
		wg     sync.WaitGroup
	)
	b.ResetTimer()
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 1))
			for next.Add(1) <= int64(b.N) {
				night := time.Duration(rng.IntN(300)) * 24 * time.Hour
				off := time.Duration(rng.IntN(8)) * time.Hour
				s := base.Add(night + off)
				_, err := mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{
					ListingID: ids[rng.IntN(len(ids))], Quantity: 1,
					Window: domain.WindowInput{Start: s, End: s.Add(4 * time.Hour)},
				})
				if err != nil {
					if !errors.Is(err, domain.ErrCapacityExceeded) {
						failed.Add(1)
					}
				}
			}
		}(uint64(c))
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "claims/s")
	b.ReportMetric(float64(failed.Load())/float64(b.N), "failed/op")
}
