package matching

import (
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
	a, _ := allocate(nil, offers, needs, edges, false)
	return a
}

// sortAssignments merges the components' assignments ordered by offer,
// then need, then edge order. A counting sort by offer does most of it in
// linear time; an offer rarely has more than a few assignments, so the
// rest is sorting tiny runs.
func sortAssignments(results []componentResult, offers int) []Assignment {
	start := make([]int, offers+1)
	total := 0
	for _, res := range results {
		for _, a := range res.assign {
			start[a.Offer+1]++
		}
		total += len(res.assign)
	}
	if total == 0 {
		return nil
	}
	for i := 1; i <= offers; i++ {
		start[i] += start[i-1]
	}
	out := make([]Assignment, total)
	fill := slices.Clone(start[:offers])
	for _, res := range results {
		for _, a := range res.assign {
			out[fill[a.Offer]] = a
			fill[a.Offer]++
		}
	}
	for i := range offers {
		if run := out[start[i]:start[i+1]]; len(run) > 1 {
			slices.SortStableFunc(run, func(a, b Assignment) int { return a.Need - b.Need })
		}
	}
	return out
}

// AllocateWarm is Allocate that also returns the optimum of each of its
// components as a [Basis], and starts from prev, the Basis of an earlier
// run, when it is not nil. Offers and needs are matched with the earlier
// run by ID, so the slices may be reordered, grown or shrunk and any
// amounts, scores and edges may change; the better prev fits, the less
// work remains. When only amounts changed (the same offers, needs and
// edges in the same order, and no edge that was left out for an amount of
// 0 becomes usable), each changed component is repaired from its kept
// optimum by shortest augmenting paths, which costs what the changes
// disturb rather than the size of the run; otherwise the networks are
// rebuilt and the simplex starts from prev's trees. The result is an
// optimum of the same input, with the same total weight as Allocate's
// whatever prev is (a stale basis costs time, never correctness); where
// several allocations tie for the optimum, the one returned may depend on
// prev. The same prev and input always give the same output.
//
// Making a Basis costs a little more than Allocate does: it keeps each
// component's network and indexes its arcs for the repairs of later runs.
//
// A street that re-runs its matching after a few claims or new listings
// keeps the Basis of the last run and passes it here.
func AllocateWarm(prev *Basis, offers []Supply, needs []Demand, edges []Edge) (Allocation, *Basis) {
	return allocate(prev, offers, needs, edges, true)
}

func allocate(prev *Basis, offers []Supply, needs []Demand, edges []Edge, wantBasis bool) (Allocation, *Basis) {
	var r *allocRun
	if prev != nil && prev.kept != nil && prev.kept.fits(offers, needs, edges) {
		r = newAmounts(offers, needs, edges, wantBasis)
		if !r.rerun(prev.kept) {
			r = nil
		}
	}
	if r == nil {
		r = newRun(prev, offers, needs, edges, wantBasis)
		r.solveAll()
	}

	var out Allocation
	out.Assignments = sortAssignments(r.results, len(offers))
	for _, a := range out.Assignments {
		out.Matched += a.Quantity
		out.Score += a.Score * float64(a.Quantity)
	}
	out.Unmet = r.wanted - out.Matched
	if !wantBasis {
		return out, nil
	}
	return out, r.basis(prev)
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
