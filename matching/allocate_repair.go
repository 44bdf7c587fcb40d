package matching

import "math"

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
// raises the potentials of the nodes it settled so that every residual
// arc keeps a non-negative reduced cost and the path's arcs get zero. A
// route always exists: an offer's keep arc is uncapacitated, its supply
// reaches the sink along the flow it carries, and a need's imbalance can
// always be undone on its own drain. The searches keep the pseudo-flow
// and the potentials optimal to each other, so once no imbalance is left
// the flow is optimal for the new amounts and the potentials are what the
// next repair starts from. The search only ever sees the nodes closer than
// the route it finds, so a repair costs what the changes disturb, not the
// size of the component.
//
// Exactness: the sink's potential stays 0 (targets are never settled).
// Every potential is kept within ±repairPotentialBound, checked when a
// repair starts and whenever a search writes one; reduced costs and
// distances are then sums of at most a few such terms and path costs, far
// inside int64. A repair that would leave the bound gives up, and the run
// falls back to solving afresh (never reached in practice: an optimum's
// potentials are within ScoreScale of the sink's except on nodes no flow
// can reach, which no search settles).

// repairPotentialBound bounds every potential in a repair (the sink's is
// 0). The simplex keeps its potentials within maxInt64/8 of each other, so
// this is never reached in practice; it is a variable so that tests can
// exercise the fallback.
var repairPotentialBound int64 = math.MaxInt64 / 4

// repairNet is the topology of a kept component, in the component's arc
// order (see solveComponent): arc v < nOffers is offer v's keep arc to the
// sink, arc nOffers+w need w's drain, and arc first+i the i-th pair. So
// the keep and drain arcs have the number of the node they leave. It does
// not change while only amounts do, and is shared by every Basis that
// keeps the component.
type repairNet struct {
	nOffers, nNeeds int32
	pOff, pNeed     []int32 // per pair: its offer and its need (node numbers)
	// Incidence lists: the pairs leaving each offer, entering each need.
	offStart, needStart []int32
	offAdj, needAdj     []repairAdj
}

// repairAdj is one pair in an incidence list: the node at its other end,
// its arc number and its weight (≤ ScoreScale; its cost is −weight).
type repairAdj struct {
	node, arc, w int32
}

// keptFlow is a component's optimal flow per arc (in repairNet's order)
// and optimal potentials per node, the sink (last) at 0.
type keptFlow struct {
	flow []int64
	pot  []int64
}

// newRepairNet reads a component's topology off its solved simplex.
func newRepairNet(sp *simplex, nOffers, nNeeds int) *repairNet {
	first := nOffers + nNeeds
	pairs := sp.arcs - first
	n := &repairNet{
		nOffers: int32(nOffers), nNeeds: int32(nNeeds),
		pOff: make([]int32, pairs), pNeed: make([]int32, pairs),
		offStart: make([]int32, nOffers+1), needStart: make([]int32, nNeeds+1),
		offAdj: make([]repairAdj, pairs), needAdj: make([]repairAdj, pairs),
	}
	for i := range pairs {
		j := sp.pos[first+i]
		o, d := sp.src[j], sp.dst[j]
		n.pOff[i], n.pNeed[i] = o, d
		n.offStart[o+1]++
		n.needStart[d-int32(nOffers)+1]++
	}
	for v := range nOffers {
		n.offStart[v+1] += n.offStart[v]
	}
	for w := range nNeeds {
		n.needStart[w+1] += n.needStart[w]
	}
	offFill := append([]int32(nil), n.offStart[:nOffers]...)
	needFill := append([]int32(nil), n.needStart[:nNeeds]...)
	for i := range pairs {
		o, d := n.pOff[i], n.pNeed[i]
		w := int32(-sp.cost[sp.pos[first+i]])
		arc := int32(first + i)
		n.offAdj[offFill[o]] = repairAdj{node: d, arc: arc, w: w}
		offFill[o]++
		dl := d - int32(nOffers)
		n.needAdj[needFill[dl]] = repairAdj{node: o, arc: arc, w: w}
		needFill[dl]++
	}
	return n
}

// flowOf takes a simplex's optimal flow and potentials over into
// repairNet's order, the potentials relative to the sink's.
func flowOf(sp *simplex) *keptFlow {
	f := &keptFlow{flow: make([]int64, sp.arcs), pot: make([]int64, sp.nodes)}
	for i := range f.flow {
		f.flow[i] = sp.flow[sp.pos[i]]
	}
	sink := sp.pi[sp.nodes-1]
	for v := range f.pot {
		f.pot[v] = sp.pi[v] - sink
	}
	return f
}

// repairer is the working state of one component's repair.
type repairer struct {
	net      *repairNet
	flow     []int64
	nodes    []repairNode
	drainCap []int64 // per need: its new quantity
	sink     int32
	failed   bool // a potential left the bounds: the result is void

	epoch   uint32 // of the current search, see repairNode.mark
	heap    []heapItem
	settled []int32
}

// repairNode is a node's potential, imbalance and state in the current
// search, side by side so that looking at a neighbour touches one cache
// line.
type repairNode struct {
	pot  int64
	exc  int64  // excess (> 0) or deficit (< 0) still to route
	dist int64  // valid when mark ≥ 2·epoch
	pred int32  // the arc the search reached the node by
	mark uint32 // 2·epoch: reached; 2·epoch+1: settled
}

type heapItem struct {
	d    int64
	node int32
}

// newRepairer starts a repair from base, or returns nil if a potential of
// base is out of bounds.
func newRepairer(net *repairNet, base *keptFlow, drainCap []int64) *repairer {
	n := len(base.pot)
	q := &repairer{
		net: net, flow: append([]int64(nil), base.flow...), nodes: make([]repairNode, n),
		drainCap: drainCap, sink: int32(n - 1),
	}
	for v, p := range base.pot {
		if p > repairPotentialBound || p < -repairPotentialBound {
			return nil
		}
		q.nodes[v].pot = p
	}
	return q
}

// result is the repaired optimum.
func (q *repairer) result() *keptFlow {
	pot := make([]int64, len(q.nodes))
	for v := range q.nodes {
		pot[v] = q.nodes[v].pot
	}
	return &keptFlow{flow: q.flow, pot: pot}
}

// changeOffer applies offer v's change of capacity by delta.
func (q *repairer) changeOffer(v int32, delta int64) {
	q.nodes[v].exc += delta
	q.nodes[q.sink].exc -= delta
}

// changeNeed sets need w's drain for its new quantity (already in
// drainCap) by complementary slackness.
func (q *repairer) changeNeed(w int32) {
	v := q.net.nOffers + w
	x, c := q.flow[v], q.drainCap[w]
	rc := q.nodes[v].pot - q.nodes[q.sink].pot
	nx := min(x, c)
	if rc < 0 {
		nx = c
	} else if rc > 0 {
		nx = 0
	}
	q.flow[v] = nx
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

// push adds an entry to the binary heap ordered by distance.
func (q *repairer) push(d int64, v int32) {
	h := append(q.heap, heapItem{d, v})
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].d <= d {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = heapItem{d, v}
	q.heap = h
}

// next settles and returns the nearest reached node if it is nearer than
// bound.
func (q *repairer) next(bound int64) (int32, int64, bool) {
	ep := 2 * q.epoch
	for len(q.heap) > 0 && q.heap[0].d < bound {
		h := q.heap
		top := h[0]
		last := h[len(h)-1]
		h = h[:len(h)-1]
		i := 0
		for {
			l := 2*i + 1
			if l >= len(h) {
				break
			}
			if r := l + 1; r < len(h) && h[r].d < h[l].d {
				l = r
			}
			if h[l].d >= last.d {
				break
			}
			h[i] = h[l]
			i = l
		}
		if len(h) > 0 {
			h[i] = last
		}
		q.heap = h
		x := &q.nodes[top.node]
		if x.mark != ep || top.d != x.dist {
			continue // settled already, or a stale entry
		}
		x.mark = ep + 1
		q.settled = append(q.settled, top.node)
		return top.node, top.d, true
	}
	return 0, 0, false
}

// begin starts a search from node a.
func (q *repairer) begin(a int32) {
	q.epoch++
	q.heap, q.settled = q.heap[:0], q.settled[:0]
	x := &q.nodes[a]
	x.mark, x.dist, x.pred = 2*q.epoch, 0, -1
	q.push(0, a)
}

// forward routes excess of node a along a shortest path to the nearest
// node that can take it, as far as the path allows.
func (q *repairer) forward(a int32) {
	net, flow, nodes, sink := q.net, q.flow, q.nodes, q.sink
	nOffers, nNeeds := net.nOffers, net.nNeeds
	first := nOffers + nNeeds
	q.begin(a)
	ep := 2 * q.epoch
	bound, t := Infinity, int32(-1)
	psink := nodes[sink].pot
	for {
		v, d, ok := q.next(bound)
		if !ok {
			break
		}
		pv := nodes[v].pot
		if v < nOffers {
			if nd := d + (pv - psink); nd < bound { // keep arc
				bound, t = nd, sink
				nodes[sink].dist, nodes[sink].pred = nd, v
			}
			for _, e := range net.offAdj[net.offStart[v]:net.offStart[v+1]] {
				x := &nodes[e.node]
				nd := d + (pv - int64(e.w) - x.pot)
				if nd >= bound || x.mark > ep || (x.mark == ep && nd >= x.dist) {
					continue
				}
				x.mark, x.dist, x.pred = ep, nd, e.arc
				if x.exc < 0 {
					bound, t = nd, e.node
				} else {
					q.push(nd, e.node)
				}
			}
			continue
		}
		w := v - nOffers
		if flow[v] < q.drainCap[w] { // drain
			if nd := d + (pv - psink); nd < bound {
				bound, t = nd, sink
				nodes[sink].dist, nodes[sink].pred = nd, v
			}
		}
		for _, e := range net.needAdj[net.needStart[w]:net.needStart[w+1]] {
			if flow[e.arc] == 0 {
				continue
			}
			// Back along the pair, to its offer.
			x := &nodes[e.node]
			nd := d + (int64(e.w) - x.pot + pv)
			if nd >= bound || x.mark > ep || (x.mark == ep && nd >= x.dist) {
				continue
			}
			x.mark, x.dist, x.pred = ep, nd, e.arc
			if x.exc < 0 {
				bound, t = nd, e.node
			} else {
				q.push(nd, e.node)
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
		case arc < nOffers: // keep arc into the sink
			v = arc
		case arc < first: // drain into the sink
			delta = min(delta, q.drainCap[arc-nOffers]-flow[arc])
			v = arc
		case net.pNeed[arc-first] == v: // pair forwards
			v = net.pOff[arc-first]
		default: // pair backwards
			delta = min(delta, flow[arc])
			v = net.pNeed[arc-first]
		}
	}
	for v := t; v != a; {
		arc := nodes[v].pred
		switch {
		case arc < first:
			flow[arc] += delta
			v = arc
		case net.pNeed[arc-first] == v:
			flow[arc] += delta
			v = net.pOff[arc-first]
		default:
			flow[arc] -= delta
			v = net.pNeed[arc-first]
		}
	}
	nodes[a].exc -= delta
	nodes[t].exc += delta
	q.lower(bound)
}

// lower moves the potentials after a forward search that found its
// target at distance D: each settled node's by its distance minus D.
func (q *repairer) lower(D int64) {
	for _, v := range q.settled {
		x := &q.nodes[v]
		p := x.pot + (x.dist - D)
		if p < -repairPotentialBound {
			q.failed = true
		}
		x.pot = p
	}
}

// backward brings what node a lacks along a shortest path from the
// nearest node that can give it, as far as the path allows: a search from
// a over the residual arcs backwards.
func (q *repairer) backward(a int32) {
	net, flow, nodes, sink := q.net, q.flow, q.nodes, q.sink
	nOffers, nNeeds := net.nOffers, net.nNeeds
	first := nOffers + nNeeds
	q.begin(a)
	ep := 2 * q.epoch
	bound, t := Infinity, int32(-1)
	psink := nodes[sink].pot
	for {
		v, d, ok := q.next(bound)
		if !ok {
			break
		}
		pv := nodes[v].pot
		// Residual arcs into v: back along v's keep or drain arc, if it
		// carries flow, and along the pairs.
		if flow[v] > 0 {
			if nd := d + (psink - pv); nd < bound {
				bound, t = nd, sink
				nodes[sink].dist, nodes[sink].pred = nd, v
			}
		}
		if v < nOffers {
			for _, e := range net.offAdj[net.offStart[v]:net.offStart[v+1]] {
				if flow[e.arc] == 0 {
					continue
				}
				// From the pair's need, back along the pair.
				x := &nodes[e.node]
				nd := d + (int64(e.w) - pv + x.pot)
				if nd >= bound || x.mark > ep || (x.mark == ep && nd >= x.dist) {
					continue
				}
				x.mark, x.dist, x.pred = ep, nd, e.arc
				if x.exc > 0 {
					bound, t = nd, e.node
				} else {
					q.push(nd, e.node)
				}
			}
			continue
		}
		w := v - nOffers
		for _, e := range net.needAdj[net.needStart[w]:net.needStart[w+1]] {
			x := &nodes[e.node]
			nd := d + (x.pot - int64(e.w) - pv)
			if nd >= bound || x.mark > ep || (x.mark == ep && nd >= x.dist) {
				continue
			}
			x.mark, x.dist, x.pred = ep, nd, e.arc
			if x.exc > 0 {
				bound, t = nd, e.node
			} else {
				q.push(nd, e.node)
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
		case arc < first: // keep or drain, backwards out of the sink
			delta = min(delta, flow[arc])
			u = arc
		case net.pOff[arc-first] == u: // pair forwards
			u = net.pNeed[arc-first]
		default: // pair backwards
			delta = min(delta, flow[arc])
			u = net.pOff[arc-first]
		}
	}
	for u := t; u != a; {
		arc := nodes[u].pred
		switch {
		case arc < first:
			flow[arc] -= delta
			u = arc
		case net.pOff[arc-first] == u:
			flow[arc] += delta
			u = net.pNeed[arc-first]
		default:
			flow[arc] -= delta
			u = net.pOff[arc-first]
		}
	}
	nodes[a].exc += delta
	nodes[t].exc -= delta
	q.raise(bound)
}

// raise moves the potentials after a backward search that found its
// target at distance D: each settled node's by D minus its distance.
func (q *repairer) raise(D int64) {
	for _, v := range q.settled {
		x := &q.nodes[v]
		p := x.pot + (D - x.dist)
		if p > repairPotentialBound {
			q.failed = true
		}
		x.pot = p
	}
}
