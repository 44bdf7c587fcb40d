package matching

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// In-place warm start. Most re-runs of a street differ from the last one
// only in amounts: claims use up capacity, needs get partly met, someone
// edits a quantity. Then the networks are the same as last time but for
// supplies and the drains' capacities, and mapping the basis by ID and
// rebuilding every network (AllocateWarm's general path, O(edges) with
// hashing and scattered writes) costs more than the few hundred pivots
// that are left. So a Basis also keeps each component's solved simplex;
// when a run has the same offers and needs (by ID, in the same order) and
// the same edges, and no edge becomes usable that was not before, the
// warm run copies those arrays, updates the amounts and restarts from the
// kept tree. Copies, so that a Basis stays immutable.

// keptRun is the part of a Basis that the in-place path needs.
type keptRun struct {
	offerIDs, needIDs  []string
	capacity, quantity []int64 // clamped amounts of that run
	edgeOffer          []int32 // per edge of that run
	edgeNeed           []int32
	edgeWeight         []int64   // scoreWeight, before the amount filter
	edgeScore          []float64 // the scores themselves, a fast first check
	compStart          []int32
	compEdges          []int32
	comps              []keptComponent
}

// keptComponent is one solved component: its simplex after the last pivot
// and its offers and needs in local order.
type keptComponent struct {
	sp       *simplex
	offerIDs []int32
	needIDs  []int32
}

// fits reports whether the in-place path applies to this input.
func (k *keptRun) fits(offers []Supply, needs []Demand, edges []Edge) bool {
	if len(offers) != len(k.offerIDs) || len(needs) != len(k.needIDs) || len(edges) != len(k.edgeOffer) {
		return false
	}
	for i, o := range offers {
		if o.ID != k.offerIDs[i] {
			return false
		}
	}
	for j, d := range needs {
		if d.ID != k.needIDs[j] {
			return false
		}
	}
	for i, e := range edges {
		if int32(e.Offer) != k.edgeOffer[i] || int32(e.Need) != k.edgeNeed[i] {
			return false
		}
		// The same score has the same weight; only a changed one needs
		// rounding to compare.
		if e.Score != k.edgeScore[i] && scoreWeight(e.Score) != k.edgeWeight[i] {
			return false
		}
		// An edge that was left out (an amount was 0) and is usable now
		// could join two components: rebuild.
		if k.capacity[e.Offer] == 0 || k.quantity[e.Need] == 0 {
			if clampQuantity(offers[e.Offer].Capacity) > 0 && clampQuantity(needs[e.Need].Quantity) > 0 {
				return false
			}
		}
	}
	return true
}

// rerun solves every kept component again with the new amounts, in
// parallel like solveAll. Edges whose offer or need now has nothing stay
// in their networks, where their flow is forced to 0.
func (r *allocRun) rerun(k *keptRun) {
	r.compStart, r.compEdges, r.inPlace = k.compStart, k.compEdges, true
	r.results = make([]componentResult, len(k.comps))
	n := len(k.comps)
	bySize := make([]int32, n)
	for c := range bySize {
		bySize[c] = int32(c)
	}
	slices.SortStableFunc(bySize, func(a, b int32) int {
		return int(k.compStart[b+1]-k.compStart[b]) - int(k.compStart[a+1]-k.compStart[a])
	})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n)) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				c := bySize[i]
				r.results[c] = r.rerunComponent(k, &k.comps[c], k.compEdges[k.compStart[c]:k.compStart[c+1]])
			}
		})
	}
	wg.Wait()
}

// rerunComponent restarts one kept component from its tree. A component
// whose amounts are all as in the kept run is a separate min-cost flow
// that has not changed: its kept solution is still optimal, and is reused
// as it is, without copying or solving anything.
func (r *allocRun) rerunComponent(k *keptRun, kc *keptComponent, ks []int32) componentResult {
	old := kc.sp
	nOffers := len(kc.offerIDs)
	if r.unchanged(k, kc) {
		return r.componentAssignments(kc, old, ks, 0)
	}
	s := &simplex{
		nodes: old.nodes, arcs: old.arcs, root: old.root,
		src: slices.Clone(old.src), dst: slices.Clone(old.dst),
		cost: slices.Clone(old.cost), cap: slices.Clone(old.cap),
		flow: make([]int64, len(old.flow)), state: make([]int8, len(old.state)),
		order: old.order, pos: old.pos, blockSize: old.blockSize,
		artCost: old.artCost, warm: true, stem: make([]stemNode, 0, 64),
	}
	s.supply = make([]int64, s.nodes)
	var total int64
	for v, i := range kc.offerIDs {
		s.supply[v] = r.capacity[i]
		total += r.capacity[i]
	}
	s.supply[s.nodes-1] = -total
	for w, j := range kc.needIDs {
		s.cap[old.pos[nOffers+w]] = r.quantity[j]
	}
	s.initTree(s.supply, s.artCost)
	var tops []int32
	for v := range int32(old.nodes) {
		if old.nd[v].parent == old.root {
			tops = append(tops, v)
		}
	}
	s.warmStart(old.state[:old.arcs], s.artCost, tops)
	s.initPricing()
	if st := s.run(); st != Optimal {
		panic("matching: AllocateWarm: kept component not optimal: " + st.String())
	}

	return r.componentAssignments(kc, s, ks, s.pivots)
}

// unchanged reports whether every amount of the component's offers and
// needs is what it was in the kept run.
func (r *allocRun) unchanged(k *keptRun, kc *keptComponent) bool {
	for _, i := range kc.offerIDs {
		if r.capacity[i] != k.capacity[i] {
			return false
		}
	}
	for _, j := range kc.needIDs {
		if r.quantity[j] != k.quantity[j] {
			return false
		}
	}
	return true
}

// componentAssignments reads a kept component's assignments off its
// solved simplex s, in edge order.
func (r *allocRun) componentAssignments(kc *keptComponent, s *simplex, ks []int32, pivots int) componentResult {
	res := componentResult{offerIDs: kc.offerIDs, needIDs: kc.needIDs, pivots: pivots}
	first := len(kc.offerIDs) + len(kc.needIDs)
	for i, k := range ks {
		if f := s.flow[s.pos[first+i]]; f > 0 {
			e := r.edges[k]
			res.assign = append(res.assign, Assignment{Offer: e.Offer, Need: e.Need, Quantity: f, Score: clampScore(e.Score)})
		}
	}
	if r.wantBasis {
		res.sp = s
	}
	return res
}
