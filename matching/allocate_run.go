package matching

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// allocRun is one call of Allocate: the clamped inputs, the components
// and, per component, its result. Components are independent min-cost
// flows, so they are solved in parallel; every goroutine writes only the
// entries of its own component's offers and needs, and the results are
// merged in component order, so the output does not depend on scheduling.
type allocRun struct {
	offers    []Supply
	needs     []Demand
	edges     []Edge
	capacity  []int64 // clamped, per offer
	quantity  []int64 // clamped, per need
	weights   []int64 // per edge; 0 for edges left out
	wanted    int64
	prev      *Basis
	oldOffer  []int32 // per offer: its index in prev's run, or -1
	oldNeed   []int32
	wantBasis bool
	inPlace   bool // re-running prev's kept networks (allocate_kept.go)

	// Components: the edges of component c are
	// compEdges[compStart[c]:compStart[c+1]], in input order.
	compStart []int32
	compEdges []int32
	// Local node numbers within a component, per offer and per need.
	localOffer, localNeed []int32
	results               []componentResult
}

// componentResult is what solving one component produces.
type componentResult struct {
	assign []Assignment
	// The component's offers and needs in local order, and, if the run
	// makes a Basis, its optimum: a solved simplex or a repaired flow
	// (keptComponent).
	offerIDs []int32
	needIDs  []int32
	sp       *simplex
	fl       *keptFlow
	topo     *keptTopo
	used     []int32
	pivots   int
}

// newAmounts starts a run with the clamped amounts only.
func newAmounts(offers []Supply, needs []Demand, edges []Edge, wantBasis bool) *allocRun {
	r := &allocRun{offers: offers, needs: needs, edges: edges, wantBasis: wantBasis}
	r.capacity = make([]int64, len(offers))
	for i, o := range offers {
		r.capacity[i] = clampQuantity(o.Capacity)
	}
	r.quantity = make([]int64, len(needs))
	for j, d := range needs {
		r.quantity[j] = clampQuantity(d.Quantity)
		r.wanted += r.quantity[j]
	}
	return r
}

// newRun prepares a run that builds its networks: amounts, usable edges
// and components, and the mapping of prev's offers and needs if any.
func newRun(prev *Basis, offers []Supply, needs []Demand, edges []Edge, wantBasis bool) *allocRun {
	r := newAmounts(offers, needs, edges, wantBasis)
	r.prev = prev

	// Keep only edges that can carry value, and group them by component.
	r.weights = make([]int64, len(edges))
	uf := newUnionFind(len(offers) + len(needs))
	for k, e := range edges {
		if e.Offer < 0 || e.Offer >= len(offers) || e.Need < 0 || e.Need >= len(needs) {
			panic(fmt.Sprintf("matching: Allocate: edge %d refers to offer %d / need %d, have %d offers and %d needs",
				k, e.Offer, e.Need, len(offers), len(needs)))
		}
		if r.capacity[e.Offer] == 0 || r.quantity[e.Need] == 0 {
			continue
		}
		if r.weights[k] = scoreWeight(e.Score); r.weights[k] > 0 {
			uf.union(e.Offer, len(offers)+e.Need)
		}
	}
	// Components numbered in order of their first edge; a counting sort
	// then lists each one's edges in input order.
	compOf := make([]int32, len(offers)+len(needs))
	for i := range compOf {
		compOf[i] = -1
	}
	edgeComp := make([]int32, len(edges))
	var count []int32
	for k, e := range edges {
		edgeComp[k] = -1
		if r.weights[k] == 0 {
			continue
		}
		root := uf.find(e.Offer)
		if compOf[root] < 0 {
			compOf[root] = int32(len(count))
			count = append(count, 0)
		}
		edgeComp[k] = compOf[root]
		count[compOf[root]]++
	}
	r.compStart = make([]int32, len(count)+1)
	for c, n := range count {
		r.compStart[c+1] = r.compStart[c] + n
	}
	r.compEdges = make([]int32, r.compStart[len(count)])
	fill := append([]int32(nil), r.compStart[:len(count)]...)
	for k, c := range edgeComp {
		if c >= 0 {
			r.compEdges[fill[c]] = int32(k)
			fill[c]++
		}
	}
	r.localOffer = make([]int32, len(offers))
	r.localNeed = make([]int32, len(needs))
	for i := range r.localOffer {
		r.localOffer[i] = -1
	}
	for j := range r.localNeed {
		r.localNeed[j] = -1
	}
	if prev != nil {
		r.oldOffer, r.oldNeed = prev.match(offers, needs)
	}
	r.results = make([]componentResult, len(count))
	return r
}

// solveAll solves every component, on up to GOMAXPROCS goroutines, the
// largest components first so that one big one does not finish last.
func (r *allocRun) solveAll() {
	n := len(r.results)
	bySize := make([]int32, n)
	for c := range bySize {
		bySize[c] = int32(c)
	}
	size := func(c int32) int32 { return r.compStart[c+1] - r.compStart[c] }
	slices.SortStableFunc(bySize, func(a, b int32) int { return cmp.Compare(size(b), size(a)) })

	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for _, c := range bySize {
			r.results[c] = r.solveComponent(r.compEdges[r.compStart[c]:r.compStart[c+1]])
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				c := bySize[i]
				r.results[c] = r.solveComponent(r.compEdges[r.compStart[c]:r.compStart[c+1]])
			}
		})
	}
	wg.Wait()
}
