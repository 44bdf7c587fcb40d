package matching

import "sync"

// Basis is the optimum of every component of an allocation (its flow and
// potentials, and the optimal spanning tree where a simplex solved it),
// kept by [AllocateWarm] so that the next run of the same street can start
// from it. It refers to offers and needs by ID, not by index, so it stays
// meaningful when listings come and go, and it is not tied to one input:
// any Basis is a valid start for any run. It holds each component's solved
// network and an index of its arcs by offer and by need, so it takes
// about as much memory as the run did. A Basis is immutable and may be
// shared between goroutines.
type Basis struct {
	offerIndex map[string]int32 // offer ID → index in the run that made it
	needIndex  map[string]int32
	kept       *keptRun

	// Per-arc start states for runs that rebuild their networks, derived
	// from kept on first use.
	once  sync.Once
	keep  []int8 // per offer: state of its keep arc
	drain []int8 // per need: state of its drain arc
	pairs map[uint64]int8
}

// pairKey identifies an edge of the basis's run by its offer and need.
// Parallel edges share a key; that only makes the hint for them coarser.
func pairKey(offer, need int32) uint64 {
	return uint64(uint32(offer))<<32 | uint64(uint32(need))
}

// states derives keep, drain and pairs from the kept components. Offers
// and needs outside every component (no usable edge) keep all and get
// nothing, which is what their arcs' cold states say. A repaired
// component has no tree; its flow suggests one.
func (b *Basis) states() {
	k := b.kept
	b.keep = make([]int8, len(k.offerIDs))
	b.drain = make([]int8, len(k.needIDs))
	for i := range b.keep {
		b.keep[i] = stateTree
	}
	for j := range b.drain {
		b.drain[j] = stateTree
	}
	b.pairs = make(map[uint64]int8)
	for c, kc := range k.comps {
		nOffers := len(kc.offerIDs)
		first := nOffers + len(kc.needIDs)
		state := func(arc int, capacity int64) int8 { return kc.sp.state[kc.sp.pos[arc]] }
		if kc.sp == nil {
			// A repaired optimum has no tree: arcs strictly inside their
			// bounds are the likely tree arcs, full ones start full.
			pos := kc.topo.net.pos
			state = func(arc int, capacity int64) int8 { return flowState(kc.fl.flow[pos[arc]], capacity) }
		}
		for v, i := range kc.offerIDs {
			b.keep[i] = state(v, Infinity)
		}
		for w, j := range kc.needIDs {
			b.drain[j] = state(nOffers+w, k.quantity[j])
		}
		for i, e := range k.compEdges[k.compStart[c]:k.compStart[c+1]] {
			if state(first+i, Infinity) == stateTree {
				b.pairs[pairKey(k.edgeOffer[e], k.edgeNeed[e])] = stateTree
			}
		}
	}
}

// flowState is the hint for an arc of the given flow and capacity.
func flowState(flow, capacity int64) int8 {
	switch {
	case flow > 0 && flow < capacity:
		return stateTree
	case flow > 0:
		return stateUpper
	}
	return stateLower
}

// match maps the offers and needs of a new run to their indexes in the
// basis's run, -1 for those it does not know.
func (b *Basis) match(offers []Supply, needs []Demand) (oldOffer, oldNeed []int32) {
	b.once.Do(b.states)
	oldOffer = make([]int32, len(offers))
	for i, o := range offers {
		if k, ok := b.offerIndex[o.ID]; ok {
			oldOffer[i] = k
		} else {
			oldOffer[i] = -1
		}
	}
	oldNeed = make([]int32, len(needs))
	for j, d := range needs {
		if k, ok := b.needIndex[d.ID]; ok {
			oldNeed[j] = k
		} else {
			oldNeed[j] = -1
		}
	}
	return oldOffer, oldNeed
}

// keepHint is the start state of offer i's keep arc: the old one if the
// basis knows the offer, otherwise in the tree (the offer keeps all).
func (b *Basis) keepHint(oldOffer []int32, i int) int8 {
	if b == nil || oldOffer[i] < 0 {
		return stateTree
	}
	return b.keep[oldOffer[i]]
}

// drainHint is the start state of need j's drain arc: the old one if the
// basis knows the need, otherwise in the tree (the need gets nothing).
func (b *Basis) drainHint(oldNeed []int32, j int) int8 {
	if b == nil || oldNeed[j] < 0 {
		return stateTree
	}
	return b.drain[oldNeed[j]]
}

// pairHint is the start state of the edge from offer i to need j: in the
// tree if it was before, otherwise at zero.
func (b *Basis) pairHint(oldOffer, oldNeed []int32, i, j int) int8 {
	if b == nil || oldOffer[i] < 0 || oldNeed[j] < 0 || len(b.pairs) == 0 {
		return stateLower
	}
	if st, ok := b.pairs[pairKey(oldOffer[i], oldNeed[j])]; ok {
		return st
	}
	return stateLower
}

// basis makes the Basis of this run. prev is the basis the run started
// from: an in-place run shares its ID maps and edge data.
func (r *allocRun) basis(prev *Basis) *Basis {
	k := &keptRun{
		capacity: r.capacity, quantity: r.quantity,
		compStart: r.compStart, compEdges: r.compEdges,
		comps: make([]keptComponent, len(r.results)),
	}
	for c, res := range r.results {
		k.comps[c] = keptComponent{sp: res.sp, fl: res.fl, topo: res.topo, offerIDs: res.offerIDs, needIDs: res.needIDs, used: res.used}
	}
	if r.inPlace {
		pk := prev.kept
		k.offerIDs, k.needIDs = pk.offerIDs, pk.needIDs
		k.edgeOffer, k.edgeNeed, k.edgeWeight, k.edgeScore = pk.edgeOffer, pk.edgeNeed, pk.edgeWeight, pk.edgeScore
		k.leftOut = pk.leftOut
		return &Basis{offerIndex: prev.offerIndex, needIndex: prev.needIndex, kept: k}
	}
	b := &Basis{
		offerIndex: make(map[string]int32, len(r.offers)),
		needIndex:  make(map[string]int32, len(r.needs)),
		kept:       k,
	}
	k.offerIDs = make([]string, len(r.offers))
	for i, o := range r.offers {
		b.offerIndex[o.ID] = int32(i)
		k.offerIDs[i] = o.ID
	}
	k.needIDs = make([]string, len(r.needs))
	for j, d := range r.needs {
		b.needIndex[d.ID] = int32(j)
		k.needIDs[j] = d.ID
	}
	k.edgeOffer = make([]int32, len(r.edges))
	k.edgeNeed = make([]int32, len(r.edges))
	k.edgeWeight = make([]int64, len(r.edges))
	k.edgeScore = make([]float64, len(r.edges))
	for i, e := range r.edges {
		k.edgeOffer[i], k.edgeNeed[i], k.edgeWeight[i] = int32(e.Offer), int32(e.Need), scoreWeight(e.Score)
		k.edgeScore[i] = e.Score
		if r.weights[i] == 0 && k.edgeWeight[i] > 0 {
			k.leftOut = append(k.leftOut, int32(i))
		}
	}
	return b
}
