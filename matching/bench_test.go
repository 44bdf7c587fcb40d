package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gongjian/gongjian/matching/mcfgen"
)

// networkOf converts a generated instance into a Network.
func networkOf(in mcfgen.Instance) *Network {
	net := NewNetwork(len(in.Supply))
	for v, b := range in.Supply {
		net.SetSupply(v, b)
	}
	for _, a := range in.Arcs {
		net.AddArc(a.From, a.To, a.Lower, a.Cap, a.Cost)
	}
	return net
}

// BenchmarkSolveTransport20k solves the 20,000 × 20,000 transportation
// instance with 1,000,000 arcs that scripts/bench-mcf.sh also gives LEMON.
func BenchmarkSolveTransport20k(b *testing.B) {
	net := networkOf(mcfgen.Transport(20000, 20000, 50, 1))
	for b.Loop() {
		sol, err := net.Solve()
		if err != nil || sol.Status != Optimal {
			b.Fatalf("status %v, err %v", sol.Status, err)
		}
	}
}

// cityListings returns n deterministic listings spread uniformly over a
// 60 km × 60 km metropolitan area: radii 1–10 km, quantities 0–10, one to
// four two-hour occurrences, 5,000 organisations, 20,000 streets (10%
// street-only) and the given number of categories. Occurrences start on
// the hour at one of the first slots hours of a two-week window (at most
// 336), so fewer slots means more listings share times.
func cityListings(n, categories, slots int, seed uint64) []Listing {
	r := rand.New(rand.NewPCG(seed, 7))
	const halfSideDeg = 30 / kmPerDegreeLat
	center := newPoint(48.85, 2.35)
	listings := make([]Listing, n)
	for i := range listings {
		l := Listing{
			ID:         fmt.Sprintf("L%06d", i),
			OrgID:      fmt.Sprintf("org%d", r.IntN(5000)),
			StreetID:   fmt.Sprintf("street%d", r.IntN(20000)),
			StreetOnly: r.IntN(10) == 0,
			Category:   fmt.Sprintf("cat%d", r.IntN(categories)),
			Lat:        center.lat + (2*r.Float64()-1)*halfSideDeg,
			Lng:        center.lng + (2*r.Float64()-1)*halfSideDeg/center.cosLat,
			RadiusKm:   1 + 9*r.Float64(),
			Quantity:   int64(r.IntN(11)),
		}
		for range 1 + r.IntN(4) {
			start := at(float64(r.IntN(slots)))
			l.Occurrences = append(l.Occurrences, Interval{Start: start, End: start.Add(2 * time.Hour)})
		}
		listings[i] = l
	}
	return listings
}

// BenchmarkTopK100k asks for the 10 best offers for one need among
// 100,000 indexed offers (see cityListings); the need has a 5 km radius,
// three four-hour occurrences and two related categories.
//
//   - realistic: 20 categories, occurrences spread over two weeks;
//   - one-category: every offer in the need's category, the worst case
//     for the per-category grids;
//   - one-category-same-times: in addition every offer is available
//     exactly when the need is, so no time filter helps and every offer
//     in reach is scored (about 2,000 of them).
func BenchmarkTopK100k(b *testing.B) {
	need := Listing{
		ID: "need", OrgID: "needs-org", Category: "cat0",
		Lat: 48.85, Lng: 2.35, RadiusKm: 5, Quantity: 4,
		Occurrences: []Interval{iv(30, 34), iv(78, 82), iv(150, 154)},
	}
	related := func(a, c string) bool { return c == "cat1" || c == "cat2" }
	cases := []struct {
		name       string
		categories int
		sameTimes  bool
	}{
		{"realistic", 20, false},
		{"one-category", 1, false},
		{"one-category-same-times", 1, true},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			offers := cityListings(100000, tc.categories, 14*24, 1)
			if tc.sameTimes {
				for i := range offers {
					offers[i].Occurrences = need.Occurrences
				}
			}
			idx := NewIndex(offers)
			var found int
			for b.Loop() {
				found = len(TopK(need, idx, 10, related))
			}
			if found != 10 {
				b.Fatalf("found %d suggestions, want 10", found)
			}
		})
	}
}

// BenchmarkAllocate allocates a run of 5,000 offers and 5,000 needs in
// five categories, available in a dozen common time slots, with each
// need's 10 best candidate offers as edges (28,071 edges; fewer than 10
// per need once same-organisation, street-only and radius rules apply).
func BenchmarkAllocate(b *testing.B) {
	offerListings := cityListings(5000, 5, 12, 2)
	needListings := cityListings(5000, 5, 12, 3)
	edges := CandidateEdges(NewIndex(offerListings), needListings, nil, 10)
	offers := make([]Supply, len(offerListings))
	for i, l := range offerListings {
		offers[i] = Supply{ID: l.ID, Capacity: l.Quantity}
	}
	needs := make([]Demand, len(needListings))
	for j, l := range needListings {
		needs[j] = Demand{ID: l.ID, Quantity: l.Quantity}
	}
	for b.Loop() {
		Allocate(offers, needs, edges)
	}
	// Reported after the loop: b.Loop clears metrics on its first call.
	b.ReportMetric(float64(len(edges)), "edges")
}
