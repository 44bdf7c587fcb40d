package matching

import (
	"math"
	"math/bits"
)

// Repair of a kept component after amounts changed. Costs are the same as
// in the kept run, so the kept optimal potentials are still dual feasible:
// the new optimum is a correction of the kept flow, found by successive
// shortest paths over the residual network with reduced costs (all
// non-negative), instead of pivoting a spanning tree again.
//
// First every change is applied to the kept flow:
//
//   - an offer whose capacity changed by δ gets an excess δ (a deficit if
//     δ < 0), and the sink the opposite;
//   - a need whose quantity changed has its drain set by complementary
//     slackness: a drain of negative reduced cost (the need is worth more
//     than nothing) is filled to the new quantity, one of positive reduced
//     cost is left empty, one of zero reduced cost keeps its flow as far as
//     the new quantity allows. What that takes off or puts on the drain is
//     the need's excess or deficit, and the sink's opposite.
//
// That leaves a pseudo-flow whose residual arcs all have non-negative
// reduced costs. Then, for each listing with an imbalance, in node order,
// a Dijkstra search starts from it (forwards from an excess, backwards
// from a deficit: never from the sink, which touches every node) and stops
// at the nearest node that can take the imbalance, the sink or a listing
// with the opposite imbalance; the search pushes what the path allows and
// moves the potentials of the nodes it settled so that every residual arc
// keeps a non-negative reduced cost and the path's arcs get zero. A
// route always exists: an offer's keep arc is uncapacitated, its supply
// reaches the sink along the flow it carries, and a need's imbalance can
// always be undone on its own drain. The searches keep the pseudo-flow
// and the potentials optimal to each other, so once no imbalance is left
// the flow is optimal for the new amounts and the potentials are what the
// next repair starts from. A search only ever sees the nodes closer than
// the route it finds, so a repair costs what the changes disturb rather
// than the size of the component (on a large, tightly matched market a
// unit of change can still disturb a good share of it: routes that push
// one offer's unit onto the next run through many listings).
//
// Exactness: the sink's potential stays 0 (targets are never settled).
// Every potential is kept within ±repairPotentialBound, checked when a
// repair starts and whenever a search writes one; reduced costs and
// distances are then sums of at most a few such terms and path costs, far
// inside int64. A repair that would leave the bound gives up, and the run
// falls back to solving afresh. That is not reached in practice: the
// simplex's potentials stay within a few of its artificial costs
// (maxCost·nodes) of each other, and a search sets a node's potential to
// its target's plus the cost difference of two paths.

// repairPotentialBound bounds every potential in a repair (the sink's is
// 0); it is a variable so that tests can exercise the fallback.
var repairPotentialBound int64 = math.MaxInt64 / 8

// repairNet is the topology of a kept component, read off the simplex
// that first solved it and numbered as there: arcs in the simplex's
// internal order (src, dst and cost are the simplex's own arrays, which
// never change after its solve), nodes as in solveComponent (offers, then
// needs, then the sink). It does not change while only amounts do, and is
// shared by every Basis that keeps the component.
type repairNet struct {
	nOffers, nNeeds int32
	src, dst        []int32 // per arc
	cost            []int64
	order           []int32 // internal arc → caller's arc (solveComponent's order)
	pos             []int32 // caller's arc → internal
	// nodeArc is, per offer and need, its keep or drain arc to the sink.
	// Every other arc is a pair, from an offer to a need.
	nodeArc []int32
	// Incidence lists: the pairs leaving each offer, entering each need.
	offStart, needStart []int32
	offAdj, needAdj     []repairAdj
}

// repairAdj is one pair in an incidence list: the node at its other end,
// its arc and its weight (≤ ScoreScale; its cost is −weight).
type repairAdj struct {
	node, arc, w int32
}

// keptFlow is a component's optimal flow per arc and optimal potentials
// per node, the sink's (last) at 0, numbered as in repairNet.
type keptFlow struct {
	flow []int64
	pot  []int64
}

// newRepairNet reads a component's topology off its network, arcs in
// solveComponent's order, and the numbering of its solved simplex.
func newRepairNet(sp *simplex, nOffers, nNeeds int, arcs []arcSpec) *repairNet {
	first := int32(nOffers + nNeeds)
	m := sp.arcs
	pairs := arcs[first:]
	n := &repairNet{
		nOffers: int32(nOffers), nNeeds: int32(nNeeds),
		src: sp.src[:m], dst: sp.dst[:m], cost: sp.cost[:m], order: sp.order, pos: sp.pos,
		nodeArc:  sp.pos[:first],
		offStart: make([]int32, nOffers+1), needStart: make([]int32, nNeeds+1),
		offAdj: make([]repairAdj, len(pairs)), needAdj: make([]repairAdj, len(pairs)),
	}
	for _, a := range pairs {
		n.offStart[a.from+1]++
		n.needStart[a.to-int32(nOffers)+1]++
	}
	for v := range nOffers {
		n.offStart[v+1] += n.offStart[v]
	}
	for w := range nNeeds {
		n.needStart[w+1] += n.needStart[w]
	}
	offFill := append([]int32(nil), n.offStart[:nOffers]...)
	needFill := append([]int32(nil), n.needStart[:nNeeds]...)
	pos := sp.pos[first:]
	for i, a := range pairs {
		o, d := a.from, a.to
		arc, w := pos[i], int32(-a.cost)
		n.offAdj[offFill[o]] = repairAdj{node: d, arc: arc, w: w}
		offFill[o]++
		dl := d - int32(nOffers)
		n.needAdj[needFill[dl]] = repairAdj{node: o, arc: arc, w: w}
		needFill[dl]++
	}
	return n
}

// flowOf is a simplex's optimal flow and potentials as a keptFlow, the
// potentials relative to the sink's. The flow is the simplex's own array,
// never written again.
func flowOf(sp *simplex) *keptFlow {
	f := &keptFlow{flow: sp.flow[:sp.arcs], pot: make([]int64, sp.nodes)}
	sink := sp.pi[sp.nodes-1]
	for v := range f.pot {
		f.pot[v] = sp.pi[v] - sink
	}
	return f
}

// repairer is the working state of one component's repair.
type repairer struct {
	net    *repairNet
	flow   []int64
	nodes  []repairNode
	pot    []int64   // per node
	side   []sideArc // per offer and need, its arc to the sink (flow not in flow until result)
	sink   int32
	failed bool // a potential left the bounds: the result is void

	// Support lists: per node, the pairs at it that carry flow, linked
	// through sup from supHead. A pair has two entries side by side, 2i in
	// its offer's list and 2i+1 in its need's; a search that goes back
	// along a pair records the entry it came by (see predEntry), so the
	// push that empties the pair marks both entries dead, and they are
	// dropped from the lists when next met. A search never reads the
	// flows themselves, a large array.
	supHead []int32
	sup     []supEntry

	epoch   uint32 // of the current search, see repairNode.mark
	heap    radixHeap
	settled []int32
}

// supEntry is a pair in the support list of one of its ends: the pair
// (−1 once it carries nothing), its other end, its weight and the next
// entry.
type supEntry struct {
	arc, node, w, next int32
}

// predEntry encodes, as a node's pred, that the search reached it back
// along the pair of support entry k; arcs are ≥ 0.
func predEntry(k int32) int32 { return -2 - k }

// repairNode is a node's state in the current search. Potentials are a
// separate array: most arcs a search looks at fail on their reduced cost
// alone, so that small array is what the search reads most.
type repairNode struct {
	dist int64  // valid when mark ≥ 2·epoch
	exc  int64  // excess (> 0) or deficit (< 0) still to route
	pred int32  // the arc the search reached the node by, or predEntry
	mark uint32 // 2·epoch: reached; 2·epoch+1: settled
}

// sideArc is an offer's keep arc or a need's drain: its flow and capacity.
type sideArc struct {
	flow, cap int64
}

// newRepairer starts a repair from base, whose pairs that carry flow are
// used (caller's arc numbers), or returns nil if a potential of base is
// out of bounds.
func newRepairer(net *repairNet, base *keptFlow, drainCap []int64, used []int32) *repairer {
	n := len(base.pot)
	q := &repairer{
		net: net, flow: append([]int64(nil), base.flow...), nodes: make([]repairNode, n), pot: make([]int64, n),
		side: make([]sideArc, n-1), sink: int32(n - 1),
	}
	for v, arc := range net.nodeArc {
		q.side[v] = sideArc{flow: q.flow[arc], cap: Infinity}
	}
	for w, c := range drainCap {
		q.side[int(net.nOffers)+w].cap = c
	}
	for v, p := range base.pot {
		if p > repairPotentialBound || p < -repairPotentialBound {
			return nil
		}
		q.pot[v] = p
	}
	q.supHead = make([]int32, n)
	for v := range q.supHead {
		q.supHead[v] = -1
	}
	for _, orig := range used {
		q.support(net.pos[orig])
	}
	return q
}

// support puts pair j, which now carries flow, into its ends' lists.
func (q *repairer) support(j int32) {
	o, d, w := q.net.src[j], q.net.dst[j], int32(-q.net.cost[j])
	k := int32(len(q.sup))
	q.sup = append(q.sup, supEntry{arc: j, node: d, w: w, next: q.supHead[o]}, supEntry{arc: j, node: o, w: w, next: q.supHead[d]})
	q.supHead[o], q.supHead[d] = k, k+1
}

// unsupport marks the entries of the pair of entry k dead: it carries
// nothing now.
func (q *repairer) unsupport(k int32) {
	q.sup[k].arc, q.sup[k^1].arc = -1, -1
}

// carrying returns the pairs that carry flow, by their numbers in the
// caller's order (see repairNet.order), ascending: marked in a bitmap of
// all pairs, so that no sort is needed.
func (q *repairer) carrying() []int32 {
	first := q.net.nOffers + q.net.nNeeds
	bitmap := make([]uint64, (len(q.net.order)-int(first)+63)/64)
	count := 0
	for v := range q.net.nOffers {
		for k := q.supHead[v]; k >= 0; k = q.sup[k].next {
			if j := q.sup[k].arc; j >= 0 {
				i := q.net.order[j] - first
				bitmap[i>>6] |= 1 << (i & 63)
				count++
			}
		}
	}
	used := make([]int32, 0, count)
	for w, bits64 := range bitmap {
		for ; bits64 != 0; bits64 &= bits64 - 1 {
			used = append(used, first+int32(w<<6+bits.TrailingZeros64(bits64)))
		}
	}
	return used
}

// result is the repaired optimum.
func (q *repairer) result() *keptFlow {
	for v, arc := range q.net.nodeArc {
		q.flow[arc] = q.side[v].flow
	}
	return &keptFlow{flow: q.flow, pot: q.pot}
}

// changeOffer applies offer v's change of capacity by delta.
func (q *repairer) changeOffer(v int32, delta int64) {
	q.nodes[v].exc += delta
	q.nodes[q.sink].exc -= delta
}

// changeNeed sets need w's drain for its new quantity (given to
// newRepairer) by complementary slackness.
func (q *repairer) changeNeed(w int32) {
	v := q.net.nOffers + w
	x, c := q.side[v].flow, q.side[v].cap
	rc := q.pot[v] - q.pot[q.sink]
	nx := min(x, c)
	if rc < 0 {
		nx = c
	} else if rc > 0 {
		nx = 0
	}
	q.side[v].flow = nx
	q.nodes[v].exc -= nx - x
	q.nodes[q.sink].exc += nx - x
}

// routeAll routes every imbalance, and reports false if the repair had to
// give up.
func (q *repairer) routeAll() bool {
	for v := range q.sink {
		for q.nodes[v].exc > 0 && !q.failed {
			q.forward(v)
		}
		for q.nodes[v].exc < 0 && !q.failed {
			q.backward(v)
		}
	}
	return !q.failed
}

// radixHeap is a monotone priority queue of non-negative distances, as
// Dijkstra's algorithm needs: an entry's bucket is the highest bit in
// which its distance differs from the last one taken out, so pushing is
// an append, and each entry moves down a bucket at most 63 times.
type radixHeap struct {
	last    int64
	mask    uint64 // non-empty buckets
	buckets [64][]heapItem
}

type heapItem struct {
	d    int64
	node int32
}

func (h *radixHeap) reset() {
	for m := h.mask; m != 0; m &= m - 1 {
		b := bits.TrailingZeros64(m)
		h.buckets[b] = h.buckets[b][:0]
	}
	h.last, h.mask = 0, 0
}

func (h *radixHeap) push(d int64, v int32) {
	b := bits.Len64(uint64(d^h.last)) & 63
	h.buckets[b] = append(h.buckets[b], heapItem{d, v})
	h.mask |= 1 << b
}

// pop takes out an entry of the smallest distance.
func (h *radixHeap) pop() (heapItem, bool) {
	if h.mask&1 == 0 {
		if h.mask == 0 {
			return heapItem{}, false
		}
		i := bits.TrailingZeros64(h.mask)
		b := h.buckets[i]
		least := b[0].d
		for _, it := range b[1:] {
			least = min(least, it.d)
		}
		h.last = least
		for _, it := range b {
			j := bits.Len64(uint64(it.d^least)) & 63
			h.buckets[j] = append(h.buckets[j], it)
			h.mask |= 1 << j
		}
		h.buckets[i] = b[:0]
		h.mask &^= 1 << i
	}
	b := h.buckets[0]
	it := b[len(b)-1]
	h.buckets[0] = b[:len(b)-1]
	if len(b) == 1 {
		h.mask &^= 1
	}
	return it, true
}

// next settles and returns the nearest reached node if it is nearer than
// bound.
func (q *repairer) next(bound int64) (int32, int64, bool) {
	ep := 2 * q.epoch
	for {
		top, ok := q.heap.pop()
		if !ok || top.d >= bound {
			return 0, 0, false
		}
		x := &q.nodes[top.node]
		if x.mark != ep || top.d != x.dist {
			continue // settled already, or a stale entry
		}
		x.mark = ep + 1
		q.settled = append(q.settled, top.node)
		return top.node, top.d, true
	}
}

// begin starts a search from node a.
func (q *repairer) begin(a int32) {
	q.epoch++
	q.heap.reset()
	q.settled = q.settled[:0]
	x := &q.nodes[a]
	x.mark, x.dist, x.pred = 2*q.epoch, 0, -1
	q.heap.push(0, a)
}

// forward routes excess of node a along a shortest path to the nearest
// node that can take it, as far as the path allows.
func (q *repairer) forward(a int32) {
	net, flow, nodes, pot, side, sink := q.net, q.flow, q.nodes, q.pot, q.side, q.sink
	nOffers := net.nOffers
	q.begin(a)
	ep := 2 * q.epoch
	bound, t := Infinity, int32(-1)
	psink := pot[sink]
	for {
		v, d, ok := q.next(bound)
		if !ok {
			break
		}
		pv := pot[v]
		if v < nOffers {
			if nd := d + (pv - psink); nd < bound { // keep arc
				bound, t = nd, sink
				nodes[sink].dist, nodes[sink].pred = nd, net.nodeArc[v]
			}
			for _, e := range net.offAdj[net.offStart[v]:net.offStart[v+1]] {
				nd := d + (pv - int64(e.w) - pot[e.node])
				if nd >= bound {
					continue
				}
				x := &nodes[e.node]
				if x.mark > ep || (x.mark == ep && nd >= x.dist) {
					continue
				}
				x.mark, x.dist, x.pred = ep, nd, e.arc
				if x.exc < 0 {
					bound, t = nd, e.node
					continue
				}
				q.heap.push(nd, e.node)
				// A need with room takes the unit to the sink right away:
				// seen now, the bound prunes the rest of the search sooner.
				if sa := side[e.node]; sa.flow < sa.cap {
					if sd := nd + (pot[e.node] - psink); sd < bound {
						bound, t = sd, sink
						nodes[sink].dist, nodes[sink].pred = sd, net.nodeArc[e.node]
					}
				}
			}
			continue
		}
		if sa := side[v]; sa.flow < sa.cap { // drain
			if nd := d + (pv - psink); nd < bound {
				bound, t = nd, sink
				nodes[sink].dist, nodes[sink].pred = nd, net.nodeArc[v]
			}
		}
		for link := &q.supHead[v]; *link >= 0; {
			k := *link
			e := &q.sup[k]
			if e.arc < 0 {
				*link = e.next
				continue
			}
			link = &e.next
			// Back along the pair, to its offer.
			o, i := e.node, predEntry(k)
			nd := d + (int64(e.w) - pot[o] + pv)
			if nd >= bound {
				continue
			}
			x := &nodes[o]
			if x.mark > ep || (x.mark == ep && nd >= x.dist) {
				continue
			}
			x.mark, x.dist, x.pred = ep, nd, i
			if x.exc < 0 {
				bound, t = nd, o
				continue
			}
			q.heap.push(nd, o)
			if sd := nd + (pot[o] - psink); sd < bound { // its keep arc
				bound, t = sd, sink
				nodes[sink].dist, nodes[sink].pred = sd, net.nodeArc[o]
			}
		}
	}
	if t < 0 {
		panic("matching: AllocateWarm: repair found no route for an excess")
	}

	// Bottleneck, then the push, from t back to a.
	delta := nodes[a].exc
	if t != sink {
		delta = min(delta, -nodes[t].exc)
	}
	for v := t; v != a; {
		arc := nodes[v].pred
		switch {
		case arc < 0: // back along a pair, from its need
			k := -2 - arc
			delta = min(delta, flow[q.sup[k].arc])
			v = q.sup[k^1].node
		case v == sink: // keep or drain arc into the sink
			v = net.src[arc]
			delta = min(delta, residual(side[v].cap, side[v].flow))
		default: // pair forwards
			v = net.src[arc]
		}
	}
	for v := t; v != a; {
		arc := nodes[v].pred
		switch {
		case arc < 0:
			k := -2 - arc
			if flow[q.sup[k].arc] -= delta; flow[q.sup[k].arc] == 0 {
				q.unsupport(k)
			}
			v = q.sup[k^1].node
		case v == sink:
			v = net.src[arc]
			side[v].flow += delta
		default:
			if flow[arc] == 0 {
				q.support(arc)
			}
			flow[arc] += delta
			v = net.src[arc]
		}
	}
	nodes[a].exc -= delta
	nodes[t].exc += delta

	// Potentials: each settled node's goes down by D minus its distance.
	for _, v := range q.settled {
		p := pot[v] + (nodes[v].dist - bound)
		if p < -repairPotentialBound {
			q.failed = true
		}
		pot[v] = p
	}
}

// backward brings what node a lacks along a shortest path from the
// nearest node that can give it, as far as the path allows: a search from
// a over the residual arcs backwards.
func (q *repairer) backward(a int32) {
	net, flow, nodes, pot, side, sink := q.net, q.flow, q.nodes, q.pot, q.side, q.sink
	nOffers := net.nOffers
	q.begin(a)
	ep := 2 * q.epoch
	bound, t := Infinity, int32(-1)
	psink := pot[sink]
	for {
		v, d, ok := q.next(bound)
		if !ok {
			break
		}
		pv := pot[v]
		// Residual arcs into v: back along v's keep or drain arc, if it
		// carries flow, and along the pairs.
		if side[v].flow > 0 {
			if nd := d + (psink - pv); nd < bound {
				bound, t = nd, sink
				nodes[sink].dist, nodes[sink].pred = nd, net.nodeArc[v]
			}
		}
		if v < nOffers {
			for link := &q.supHead[v]; *link >= 0; {
				k := *link
				e := &q.sup[k]
				if e.arc < 0 {
					*link = e.next
					continue
				}
				link = &e.next
				// From the pair's need, back along the pair.
				n, i := e.node, predEntry(k)
				nd := d + (int64(e.w) - pv + pot[n])
				if nd >= bound {
					continue
				}
				x := &nodes[n]
				if x.mark > ep || (x.mark == ep && nd >= x.dist) {
					continue
				}
				x.mark, x.dist, x.pred = ep, nd, i
				if x.exc > 0 {
					bound, t = nd, n
					continue
				}
				q.heap.push(nd, n)
				if side[n].flow > 0 { // back along its drain
					if sd := nd + (psink - pot[n]); sd < bound {
						bound, t = sd, sink
						nodes[sink].dist, nodes[sink].pred = sd, net.nodeArc[n]
					}
				}
			}
			continue
		}
		w := v - nOffers
		for _, e := range net.needAdj[net.needStart[w]:net.needStart[w+1]] {
			nd := d + (pot[e.node] - int64(e.w) - pv)
			if nd >= bound {
				continue
			}
			x := &nodes[e.node]
			if x.mark > ep || (x.mark == ep && nd >= x.dist) {
				continue
			}
			x.mark, x.dist, x.pred = ep, nd, e.arc
			if x.exc > 0 {
				bound, t = nd, e.node
				continue
			}
			q.heap.push(nd, e.node)
			// An offer that keeps some can give it at once (see forward).
			if side[e.node].flow > 0 {
				if sd := nd + (psink - pot[e.node]); sd < bound {
					bound, t = sd, sink
					nodes[sink].dist, nodes[sink].pred = sd, net.nodeArc[e.node]
				}
			}
		}
	}
	if t < 0 {
		panic("matching: AllocateWarm: repair found no route for a deficit")
	}

	// Bottleneck, then the push, from t forwards to a.
	delta := -nodes[a].exc
	if t != sink {
		delta = min(delta, nodes[t].exc)
	}
	for u := t; u != a; {
		arc := nodes[u].pred
		switch {
		case arc < 0: // back along a pair, to its offer
			k := -2 - arc
			delta = min(delta, flow[q.sup[k].arc])
			u = q.sup[k^1].node
		case u == sink: // keep or drain, backwards out of the sink
			u = net.src[arc]
			delta = min(delta, side[u].flow)
		default: // pair forwards
			u = net.dst[arc]
		}
	}
	for u := t; u != a; {
		arc := nodes[u].pred
		switch {
		case arc < 0:
			k := -2 - arc
			if flow[q.sup[k].arc] -= delta; flow[q.sup[k].arc] == 0 {
				q.unsupport(k)
			}
			u = q.sup[k^1].node
		case u == sink:
			u = net.src[arc]
			side[u].flow -= delta
		default:
			if flow[arc] == 0 {
				q.support(arc)
			}
			flow[arc] += delta
			u = net.dst[arc]
		}
	}
	nodes[a].exc += delta
	nodes[t].exc -= delta

	// Potentials: each settled node's goes up by D minus its distance.
	for _, v := range q.settled {
		p := pot[v] + (bound - nodes[v].dist)
		if p > repairPotentialBound {
			q.failed = true
		}
		pot[v] = p
	}
}
