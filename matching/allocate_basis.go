package matching

// Basis is the optimal spanning tree of every component of an allocation,
// kept by [AllocateWarm] so that the next run of the same street can start
// from it. It refers to offers and needs by ID, not by index, so it stays
// meaningful when listings come and go. It holds no scores or amounts and
// is not tied to one input: any Basis is a valid start for any run. A
// Basis is immutable and may be shared between goroutines.
type Basis struct {
	offerIndex map[string]int32 // offer ID → index in the run that made it
	needIndex  map[string]int32
	keep       []int8 // per offer: state of its keep arc
	drain      []int8 // per need: state of its drain arc
	pairs      map[uint64]int8
}

// Len reports how many offers and needs the basis knows.
func (b *Basis) Len() int {
	if b == nil {
		return 0
	}
	return len(b.keep) + len(b.drain)
}

// pairKey identifies an edge of the basis's run by its offer and need.
// Parallel edges share a key; that only makes the hint for them coarser.
func pairKey(offer, need int32) uint64 {
	return uint64(uint32(offer))<<32 | uint64(uint32(need))
}

// match maps the offers and needs of a new run to their indexes in the
// basis's run, -1 for those it does not know.
func (b *Basis) match(offers []Supply, needs []Demand) (oldOffer, oldNeed []int32) {
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

// basis collects the final states of every component into a Basis.
// Offers and needs outside every component (no usable edge) keep all and
// get nothing, which is what their arcs' cold states say.
func (r *allocRun) basis() *Basis {
	b := &Basis{
		offerIndex: make(map[string]int32, len(r.offers)),
		needIndex:  make(map[string]int32, len(r.needs)),
		keep:       make([]int8, len(r.offers)),
		drain:      make([]int8, len(r.needs)),
		pairs:      make(map[uint64]int8),
	}
	for i, o := range r.offers {
		b.offerIndex[o.ID] = int32(i)
		b.keep[i] = stateTree
	}
	for j, d := range r.needs {
		b.needIndex[d.ID] = int32(j)
		b.drain[j] = stateTree
	}
	for _, res := range r.results {
		for v, i := range res.offerIDs {
			b.keep[i] = res.nodeState[v]
		}
		for w, j := range res.needIDs {
			b.drain[j] = res.nodeState[len(res.offerIDs)+w]
		}
		for _, p := range res.treePairs {
			b.pairs[pairKey(p[0], p[1])] = stateTree
		}
	}
	return b
}
