package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository/repotest"
)

// BenchmarkMatchingRunHTTP times POST /matching/runs over HTTP on a street with 2,000 open needs
// and 2,000 open offers across the built-in categories, within 5 km, with daily or weekly
// windows (scripts/bench-matching.sh runs it on PostgreSQL).
func BenchmarkMatchingRunHTTP(b *testing.B) {
	for _, engine := range repotest.Engines() {
		b.Run(engine, func(b *testing.B) {
			s := apitest.Start(b, engine, nil)
			w := s.NewWorld()
			ctx := context.Background()
			p := domain.Principal{Role: domain.RoleAdmin}
			var err error
			// Units and communities to own the listings (10 of each).
			var owners []string
			for i := 0; i < 10; i++ {
				owners = append(owners, w.Admin.Org("unit", fmt.Sprintf("unit %d", i), w.StreetID, nil))
				owners = append(owners, w.Admin.Org("community", fmt.Sprintf("community %d", i), w.StreetID, nil))
			}
			cats := []string{"parking", "parking", "parking", "venue", "sports", "meeting_room", "patrol", "cleanup", "volunteer", "training", "legal", "medical", "culture", "elderly_care"}
			rng := rand.New(rand.NewPCG(7, 7))
			start, _ := apitest.Night(1)
			for i := 0; i < 4000; i++ {
				side := domain.SideOffer
				if i%2 == 1 {
					side = domain.SideNeed
				}
				cat := cats[rng.IntN(len(cats))]
				org := owners[rng.IntN(len(owners))]
				qty := int64(1 + rng.IntN(20))
				radius := 1 + 2*rng.Float64()
				title := fmt.Sprintf("%s %d", cat, i)
				s0 := start.Add(time.Duration(rng.IntN(6)) * time.Hour)
				rule := "FREQ=DAILY;COUNT=60"
				if rng.IntN(3) == 0 {
					rule = "FREQ=WEEKLY;BYDAY=SA,SU;COUNT=16"
				}
				loc := domain.Location{Lat: 24.3264 + (rng.Float64()-0.5)*0.09, Lng: 109.4281 + (rng.Float64()-0.5)*0.09}
				windows := []domain.WindowInput{{Start: s0, End: s0.Add(time.Duration(2+rng.IntN(10)) * time.Hour), RRule: rule}}
				if _, err = s.App.Market.CreateListing(ctx, p, side, domain.ListingInput{
					OrgID: &org, Category: &cat, Title: &title, Quantity: &qty, Location: &loc, RadiusKm: &radius, Windows: &windows,
				}); err != nil {
					b.Fatal(err)
				}
			}
			body := map[string]any{"street_id": w.StreetID, "from": start.Add(-time.Hour).Format(time.RFC3339), "to": start.Add(30 * 24 * time.Hour).Format(time.RFC3339)}
			var run map[string]any
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run = w.Coordinator.Do("POST", "/api/v1/matching/runs", body).Expect(http.StatusCreated)
			}
			b.StopTimer()
			st := run["stats"].(map[string]any)
			b.ReportMetric(st["candidates"].(float64), "candidates")
			b.ReportMetric(st["elapsed_ms"].(float64), "engine_ms")
			b.ReportMetric(float64(len(run["proposals"].([]any))), "proposals")
		})
	}
}
