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
// hashing and scattered writes) costs far more than what changed. So a
// Basis also keeps each component's optimum (the solved simplex, or the
// flow and potentials of a repair) and its topology; when a run has the
// same offers and needs (by ID, in the same order) and the same edges,
// and no edge left out of every component becomes usable, each changed
// component is repaired from its kept optimum (allocate_repair.go) on
// copies of the flow and potentials, so that a Basis stays immutable.

// keptRun is the part of a Basis that the in-place path needs.
type keptRun struct {
	offerIDs, needIDs  []string
	capacity, quantity []int64 // clamped amounts of that run
	edgeOffer          []int32 // per edge of that run
	edgeNeed           []int32
	edgeWeight         []int64   // scoreWeight, before the amount filter
	edgeScore          []float64 // the scores themselves, a fast first check
	// leftOut lists the edges of positive weight that are in no component
	// because an amount of theirs was 0 when the components were made.
	leftOut   []int32
	compStart []int32
	compEdges []int32
	comps     []keptComponent
}

// keptComponent is one solved component: its offers and needs in local
// order and its optimum, either as the simplex after the last pivot (when
// a run solved it by pivoting) or as the flow and potentials a repair
// left (repairNet's order, see allocate_repair.go). topo is the
// component's topology for repairs, built on first use and shared by
// every Basis that keeps the same network.
type keptComponent struct {
	sp       *simplex
	fl       *keptFlow
	topo     *keptTopo
	offerIDs []int32
	needIDs  []int32
	used     []int32 // the pairs that carry flow (caller's arc numbers, ascending)
}

// keptTopo is a component's repairNet, made with the Basis that first
// keeps the component (solveComponent) and shared by every later one.
type keptTopo struct {
	net *repairNet
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
	}
	// An edge that was left out (an amount was 0) and is usable now could
	// join two components: rebuild. Edges inside a component stay usable
	// whatever their amounts, which their networks follow.
	for _, i := range k.leftOut {
		e := edges[i]
		if clampQuantity(offers[e.Offer].Capacity) > 0 && clampQuantity(needs[e.Need].Quantity) > 0 {
			return false
		}
	}
	return true
}

// rerun brings every kept component up to the new amounts, in parallel
// like solveAll. Edges whose offer or need now has nothing stay in their
// networks, where their flow is forced to 0. It reports false, leaving
// the run to be solved afresh, if a repair gave up (see
// repairPotentialBound).
func (r *allocRun) rerun(k *keptRun) bool {
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
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n)) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n) && !failed.Load(); i = next.Add(1) - 1 {
				c := bySize[i]
				res, ok := r.rerunComponent(k, &k.comps[c], k.compEdges[k.compStart[c]:k.compStart[c+1]])
				if !ok {
					failed.Store(true)
				}
				r.results[c] = res
			}
		})
	}
	wg.Wait()
	return !failed.Load()
}

// rerunComponent brings one kept component up to the new amounts. A
// component whose amounts are all as in the kept run is a separate
// min-cost flow that has not changed: its kept optimum still holds, and
// is reused as it is, without copying or solving anything. Any other is
// repaired (allocate_repair.go) from its kept optimum.
func (r *allocRun) rerunComponent(k *keptRun, kc *keptComponent, ks []int32) (componentResult, bool) {
	if r.unchanged(k, kc) {
		return r.assignmentsOf(kc, kc.sp, kc.fl, ks, kc.used), true
	}
	if kc.topo == nil { // above repairMaxNodes when its Basis was made
		return r.resolveComponent(kc, ks), true
	}
	base := kc.fl
	if base == nil {
		base = flowOf(kc.sp)
	}
	drainCap := make([]int64, len(kc.needIDs))
	for w, j := range kc.needIDs {
		drainCap[w] = r.quantity[j]
	}
	q := newRepairer(kc.topo.net, base, drainCap, kc.used)
	if q == nil {
		return componentResult{}, false
	}
	for v, i := range kc.offerIDs {
		if d := r.capacity[i] - k.capacity[i]; d != 0 {
			q.changeOffer(int32(v), d)
		}
	}
	for w, j := range kc.needIDs {
		if r.quantity[j] != k.quantity[j] {
			q.changeNeed(int32(w))
		}
	}
	if !q.routeAll() {
		return componentResult{}, false
	}
	return r.assignmentsOf(kc, nil, q.result(), ks, q.carrying()), true
}

// repairMaxNodes is the largest component (offers and needs) that warm
// runs repair; a larger one gets no repair index when its Basis is made
// (solveComponent), and warm runs restart its simplex from the kept tree. The
// cost of a repair grows faster than the component: on a large, tightly
// matched market each unit of change has to look through more listings
// before it finds where to go, while the simplex's restart grows about as
// the component. On the geographic market of scripts/bench-mcf.sh
// (components of 6,700 listings at 40,000 nodes, 33,000 at 200,000) the
// repair took half the restart's time on the small ones and about 1.2
// times on the large ones; measured again later, it is still no faster
// than the restart there (200,000 nodes, seeds 1–3: the repair 1.5–3.6 s
// of CPU, the restart 2.0–2.9 s, on a shared machine). There a search
// settles about 1,800 listings and moves about one unit (4,300 searches
// for 1,300 listings with an imbalance, 190 million arcs looked at): the
// pairs next to a changed listing carry a unit or two each, so most
// pushes empty one, and the next search covers the same ground again. A
// variable so that tests can use both paths.
var repairMaxNodes = 20000

// resolveComponent restarts a kept simplex from its tree with the new
// amounts, pivoting to the new optimum. Its tree is kept for the next run,
// which then restarts it again.
func (r *allocRun) resolveComponent(kc *keptComponent, ks []int32) componentResult {
	old := kc.sp
	nOffers := len(kc.offerIDs)
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
		if old.tl[v].parent == old.root {
			tops = append(tops, v)
		}
	}
	s.warmStart(old.state[:old.arcs], s.artCost, tops)
	s.initPricing()
	if st := s.run(); st != Optimal {
		panic("matching: AllocateWarm: kept component not optimal: " + st.String())
	}
	s.pa, s.pb, s.pc = nil, nil, nil
	// The pairs that carry flow, in the caller's order.
	first := int32(nOffers + len(kc.needIDs))
	var used []int32
	for j, f := range s.flow[:s.arcs] {
		if f > 0 && s.dst[j] != first {
			used = append(used, s.order[j])
		}
	}
	slices.Sort(used)
	res := r.assignmentsOf(kc, s, nil, ks, used)
	res.pivots = s.pivots
	return res
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

// assignmentsOf makes the assignments of the pairs used (caller's arc
// numbers, ascending), which carry flow in the optimum sp or fl.
func (r *allocRun) assignmentsOf(kc *keptComponent, sp *simplex, fl *keptFlow, ks []int32, used []int32) componentResult {
	res := componentResult{offerIDs: kc.offerIDs, needIDs: kc.needIDs}
	flow := fl.flowOrNil()
	pos := kc.pos(sp)
	if flow == nil {
		flow = sp.flow
	}
	first := int32(len(kc.offerIDs) + len(kc.needIDs))
	res.assign = make([]Assignment, len(used))
	for i, orig := range used {
		e := r.edges[ks[orig-first]]
		res.assign[i] = Assignment{Offer: e.Offer, Need: e.Need, Quantity: flow[pos[orig]], Score: clampScore(e.Score)}
	}
	if r.wantBasis {
		res.sp, res.fl, res.topo, res.used = sp, fl, kc.topo, used
	}
	return res
}

func (fl *keptFlow) flowOrNil() []int64 {
	if fl == nil {
		return nil
	}
	return fl.flow
}

// pos is the caller's arc → internal arc map of the component.
func (kc *keptComponent) pos(sp *simplex) []int32 {
	if sp != nil {
		return sp.pos
	}
	return kc.topo.net.pos
}
