package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gongjian/gongjian/matching/mcfgen"
)

// geoRun turns a generated market into Allocate's input: scores are the
// weights over ScoreScale, so the allocation's weight equals minus the
// optimal cost of the market's DIMACS networks.
func geoRun(g mcfgen.Geo) ([]Supply, []Demand, []Edge) {
	offers := make([]Supply, len(g.Offers))
	for i, o := range g.Offers {
		offers[i] = Supply{ID: fmt.Sprintf("o%d", i), Capacity: o.Quantity}
	}
	needs := make([]Demand, len(g.Needs))
	for j, n := range g.Needs {
		needs[j] = Demand{ID: fmt.Sprintf("n%d", j), Quantity: n.Quantity}
	}
	edges := make([]Edge, len(g.Pairs))
	for k, p := range g.Pairs {
		edges[k] = Edge{Offer: p.Offer, Need: p.Need, Score: float64(p.Weight) / ScoreScale}
	}
	return offers, needs, edges
}

// changeListings gives share of all offers and needs a new amount (0–10,
// so some are used up), as claims and edits between two runs of a street
// do; the same seed changes the same listings.
func changeListings(offers []Supply, needs []Demand, share float64, seed uint64) ([]Supply, []Demand) {
	r := rand.New(rand.NewPCG(seed, 11))
	offers = append([]Supply(nil), offers...)
	needs = append([]Demand(nil), needs...)
	n := int(share * float64(len(offers)+len(needs)))
	for range n {
		if k := r.IntN(len(offers) + len(needs)); k < len(offers) {
			offers[k].Capacity = int64(r.IntN(11))
		} else {
			needs[k-len(offers)].Quantity = int64(r.IntN(11))
		}
	}
	return offers, needs
}

// BenchmarkAllocateGeo allocates the geographic market of scripts/bench-mcf.sh
// (family geo/geocomp, seed 1) at 2,000 and 40,000 nodes: cold, and warm
// from the previous run's basis after 1 % of the listings changed their
// amounts. LEMON's time on the same market is in the script's table.
func BenchmarkAllocateGeo(b *testing.B) {
	for _, nodes := range []int{2000, 40000} {
		offers, needs, edges := geoRun(mcfgen.GeoMarket(nodes, 1))
		_, basis := AllocateWarm(nil, offers, needs, edges)
		changed, changedNeeds := changeListings(offers, needs, 0.01, 1)
		want := allocationWeight(Allocate(changed, changedNeeds, edges))
		b.Run(fmt.Sprintf("cold-%d", nodes), func(b *testing.B) {
			for b.Loop() {
				Allocate(changed, changedNeeds, edges)
			}
			b.ReportMetric(float64(len(edges)), "edges")
		})
		b.Run(fmt.Sprintf("warm-1%%-%d", nodes), func(b *testing.B) {
			for b.Loop() {
				if a, _ := AllocateWarm(basis, changed, changedNeeds, edges); allocationWeight(a) != want {
					b.Fatal("warm run lost optimality")
				}
			}
		})
	}
}
