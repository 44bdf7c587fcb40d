package matching

import (
	"fmt"
	"math"
	"slices"
)

// ScoreScale turns scores into the solver's integer weights: an edge's
// weight is round(Score × ScoreScale), so scores count to six decimals.
const ScoreScale = 1_000_000

// MaxQuantity is the largest capacity or quantity Allocate takes into
// account; larger values are treated as MaxQuantity. It keeps the solver's
// sums far from int64 overflow while being well beyond any real offer.
const MaxQuantity int64 = 1 << 40

// Supply is an offer's side of an allocation: how much it can give.
type Supply struct {
	ID       string
	Capacity int64
}

// Demand is a need's side of an allocation: how much it wants.
type Demand struct {
	ID       string
	Quantity int64
}

// Edge says that offer Offer may serve need Need (indexes into the slices
// given to Allocate) and how good a match it is, Score in [0, 1].
type Edge struct {
	Offer, Need int
	Score       float64
}

// Assignment is one allocated pairing: Quantity units of offer Offer go to
// need Need, an edge of the given Score.
type Assignment struct {
	Offer, Need int
	Quantity    int64
	Score       float64
}

// Allocation is the result of Allocate.
type Allocation struct {
	// Assignments are sorted by offer index, then need index, then the
	// order of the edges they came from.
	Assignments []Assignment
	// Matched is the total quantity assigned; Unmet is the total quantity
	// of all needs minus Matched.
	Matched, Unmet int64
	// Score is Σ Score × Quantity over the assignments.
	Score float64
}

// Allocate decides how much each offer gives to each need so as to
// maximise Σ Score × Quantity over the edges used, subject to every offer
// giving at most its Capacity and every need receiving at most its
// Quantity. Nothing has to be saturated: an offer or a need may stay
// partly or wholly unused when that scores best.
//
// The optimum is exact for the integer weights round(Score × ScoreScale)
// (scores are clamped to [0, 1]; NaN counts as 0). Edges whose weight is 0
// add nothing and are ignored, as are offers and needs with no positive
// amount. Negative amounts count as 0 and amounts above MaxQuantity as
// MaxQuantity. Parallel edges between the same pair are allowed.
//
// The offer/need graph is split into connected components, each solved as
// its own min-cost flow: offers supply their capacity, each edge is an arc
// offer → need of cost −weight, each need has an arc to a common sink
// bounded by its quantity, and each offer a zero-cost arc straight to the
// sink for what it keeps. The same input always gives the same output.
//
// Allocate panics if an edge refers to an offer or need that does not
// exist, as indexing the slices directly would.
func Allocate(offers []Supply, needs []Demand, edges []Edge) Allocation {
	capacity := make([]int64, len(offers))
	for i, o := range offers {
		capacity[i] = clampQuantity(o.Capacity)
	}
	quantity := make([]int64, len(needs))
	var wanted int64
	for j, d := range needs {
		quantity[j] = clampQuantity(d.Quantity)
		wanted += quantity[j]
	}

	// Keep only edges that can carry value, and group them by component.
	weights := make([]int64, len(edges))
	uf := newUnionFind(len(offers) + len(needs))
	for k, e := range edges {
		if e.Offer < 0 || e.Offer >= len(offers) || e.Need < 0 || e.Need >= len(needs) {
			panic(fmt.Sprintf("matching: Allocate: edge %d refers to offer %d / need %d, have %d offers and %d needs",
				k, e.Offer, e.Need, len(offers), len(needs)))
		}
		if capacity[e.Offer] == 0 || quantity[e.Need] == 0 {
			continue
		}
		if weights[k] = scoreWeight(e.Score); weights[k] > 0 {
			uf.union(e.Offer, len(offers)+e.Need)
		}
	}
	components := make(map[int][]int) // root → edge indexes, in input order
	var roots []int                   // roots in order of first appearance
	for k, e := range edges {
		if weights[k] == 0 {
			continue
		}
		r := uf.find(e.Offer)
		if _, ok := components[r]; !ok {
			roots = append(roots, r)
		}
		components[r] = append(components[r], k)
	}

	var out Allocation
	for _, r := range roots {
		out.Assignments = allocateComponent(out.Assignments, edges, components[r], weights, capacity, quantity)
	}
	slices.SortStableFunc(out.Assignments, func(a, b Assignment) int {
		if a.Offer != b.Offer {
			return a.Offer - b.Offer
		}
		return a.Need - b.Need
	})
	for _, a := range out.Assignments {
		out.Matched += a.Quantity
		out.Score += a.Score * float64(a.Quantity)
	}
	out.Unmet = wanted - out.Matched
	return out
}

// allocateComponent solves one connected component, given as the indexes
// of its edges, and appends its assignments in edge order.
func allocateComponent(dst []Assignment, edges []Edge, ks []int, weights, capacity, quantity []int64) []Assignment {
	// Local node numbers: offers, then needs, in order of first use; the
	// sink last.
	offerNode := make(map[int]int)
	needNode := make(map[int]int)
	var offerIDs, needIDs []int
	for _, k := range ks {
		e := edges[k]
		if _, ok := offerNode[e.Offer]; !ok {
			offerNode[e.Offer] = len(offerIDs)
			offerIDs = append(offerIDs, e.Offer)
		}
		if _, ok := needNode[e.Need]; !ok {
			needNode[e.Need] = len(needIDs)
			needIDs = append(needIDs, e.Need)
		}
	}
	nOffers := len(offerIDs)
	sink := nOffers + len(needIDs)
	net := NewNetwork(sink + 1)
	net.arcs = make([]arcSpec, 0, len(ks)+sink)
	var total int64
	for v, i := range offerIDs {
		net.SetSupply(v, capacity[i])
		net.AddArc(v, sink, 0, Infinity, 0)
		total += capacity[i]
	}
	net.SetSupply(sink, -total)
	for v, j := range needIDs {
		net.AddArc(nOffers+v, sink, 0, quantity[j], 0)
	}
	first := net.NumArcs()
	for _, k := range ks {
		e := edges[k]
		net.AddArc(offerNode[e.Offer], nOffers+needNode[e.Need], 0, Infinity, -weights[k])
	}

	// The network is always feasible (offers can send everything straight
	// to the sink) and has no cycles, so the only possible failure is the
	// overflow guard, which MaxQuantity keeps out of reach for components
	// of fewer than about four million offers and needs. The cost is not
	// needed, so solveFlow skips summing it.
	st, flow, _, err := net.solveFlow(false)
	if err != nil || st != Optimal {
		panic(fmt.Sprintf("matching: Allocate: component of %d offers and %d needs: %v %v",
			nOffers, len(needIDs), st, err))
	}
	for i, k := range ks {
		if f := flow[first+i]; f > 0 {
			e := edges[k]
			dst = append(dst, Assignment{Offer: e.Offer, Need: e.Need, Quantity: f, Score: clampScore(e.Score)})
		}
	}
	return dst
}

func clampQuantity(q int64) int64 {
	return min(max(q, 0), MaxQuantity)
}

// clampScore maps a score into [0, 1], NaN to 0.
func clampScore(s float64) float64 {
	if !(s > 0) {
		return 0
	}
	return min(s, 1)
}

// scoreWeight is the integer weight the solver maximises for a score.
func scoreWeight(s float64) int64 {
	return int64(math.Round(clampScore(s) * ScoreScale))
}

// unionFind is a disjoint-set forest with path halving and union by size.
type unionFind struct {
	parent, size []int
}

func newUnionFind(n int) *unionFind {
	uf := &unionFind{parent: make([]int, n), size: make([]int, n)}
	for i := range uf.parent {
		uf.parent[i], uf.size[i] = i, 1
	}
	return uf
}

func (uf *unionFind) find(x int) int {
	for uf.parent[x] != x {
		uf.parent[x] = uf.parent[uf.parent[x]]
		x = uf.parent[x]
	}
	return x
}

func (uf *unionFind) union(a, b int) {
	a, b = uf.find(a), uf.find(b)
	if a == b {
		return
	}
	if uf.size[a] < uf.size[b] {
		a, b = b, a
	}
	uf.parent[b] = a
	uf.size[a] += uf.size[b]
}
