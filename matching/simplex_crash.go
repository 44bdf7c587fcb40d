package matching

// Crash start. Many instances handed to the solver as one network have a
// transportation-like layer that makes a feasible flow obvious: every
// supply node has an arc straight into a demand node that can take all of
// its supply. A matching run written as one network has the bypass from
// the super source to the super sink; the per-component formulation of
// Allocate has each offer's "keep" arc into its component's sink. There
// the artificial start wastes most of its pivots: it first pushes supply
// out of the root, degenerately and with big-M potentials that say
// nothing about the real costs.
//
// crashHint recognises that structure on any input and builds a start
// tree from it instead, without any pivot:
//
//  1. every supply node, in node order, sends its whole supply along its
//     cheapest direct arc into a demand node that still has room for it
//     and can carry it; an arc so filled to capacity starts at its upper
//     bound, one left with room starts in the tree;
//  2. if that routes every unit (otherwise there is no crash start and the
//     usual cold start with initial pivots runs), the demand nodes become
//     the tops of the tree, and the other nodes join it layer by layer, in
//     a breadth-first search backwards over arcs at their lower bound:
//     each node takes the arc into the layers already built that gives it
//     the highest potential, so that as few arcs as possible price out
//     (potentials are then those of a shortest-path tree towards the
//     demand nodes, as far as a single pass in layer order finds them).
//
// Every tree arc but those of step 1 carries no flow and points towards
// the top of its tree, and step 1's arcs have room left, so the tree is
// primal feasible and strongly feasible; warmStart checks all that again
// anyway, as for any hint. Nodes that the search does not reach hang from
// the root as in the cold start, with nothing to carry.
//
// The result is the same optimum: only the start differs. On networks
// without the structure (NETGEN, grids: supply nodes far from any demand
// node) step 2 never happens and nothing changes.

// crashHint returns per internal arc the start state (stateTree,
// stateUpper or stateLower) and the tops of the hinted trees, or false if
// the supplies cannot all be routed along direct arcs.
func (s *simplex) crashHint(supply []int64) ([]int8, []int32, bool) {
	n, m := s.nodes, s.arcs
	var sources int
	for _, b := range supply {
		if b > 0 {
			sources++
		}
	}
	if sources == 0 {
		return nil, nil, false
	}

	// Step 1: the cheapest direct arc of each supply node. One pass over
	// the arcs finds, per supply node, the arcs into demand nodes that can
	// carry its whole supply; a second pass (in node order, for the
	// remaining demand) commits them.
	best := make([]int32, n)
	for v := range best {
		best[v] = -1
	}
	for e := range int32(m) {
		u, v := s.src[e], s.dst[e]
		if b := supply[u]; b > 0 && supply[v] < 0 && s.cap[e] >= b && -supply[v] >= b {
			if o := best[u]; o < 0 || s.cost[e] < s.cost[o] {
				best[u] = e
			}
		}
	}
	hint := make([]int8, m)
	for e := range hint {
		hint[e] = stateLower
	}
	room := make([]int64, n) // demand still open, per demand node
	for v, b := range supply {
		if b < 0 {
			room[v] = -b
		}
	}
	for u, b := range supply {
		if b <= 0 {
			continue
		}
		e := best[u]
		if e < 0 || room[s.dst[e]] < b {
			// The cheapest arc's demand node filled up: look again over
			// u's arcs only if that is rare; here give up.
			return nil, nil, false
		}
		room[s.dst[e]] -= b
		if s.cap[e] == b {
			hint[e] = stateUpper
		} else {
			hint[e] = stateTree
		}
	}

	// Step 2: incoming arcs at their lower bound, per node.
	start := make([]int32, n+1)
	for e := range int32(m) {
		if hint[e] == stateLower {
			start[s.dst[e]+1]++
		}
	}
	for v := 1; v <= n; v++ {
		start[v] += start[v-1]
	}
	in := make([]int32, start[n])
	fill := append([]int32(nil), start[:n]...)
	for e := range int32(m) {
		if hint[e] == stateLower {
			v := s.dst[e]
			in[fill[v]] = e
			fill[v]++
		}
	}

	// Layer 0: the demand nodes, at potential 0, and the supply nodes that
	// step 1 tied to them by a tree arc.
	pi := make([]int64, n)
	done := make([]bool, n)
	var tops, layer []int32
	for v, b := range supply {
		if b < 0 {
			tops = append(tops, int32(v))
			layer = append(layer, int32(v))
			done[v] = true
		}
	}
	for u, b := range supply {
		if e := best[u]; b > 0 && hint[e] == stateTree {
			pi[u] = -s.cost[e]
			layer = append(layer, int32(u))
			done[u] = true
		}
	}
	cand := make([]int32, n) // per node: its best arc into the layers so far
	for v := range cand {
		cand[v] = -1
	}
	var next []int32
	for len(layer) > 0 {
		next = next[:0]
		for _, x := range layer {
			for _, e := range in[start[x]:start[x+1]] {
				u := s.src[e]
				if done[u] {
					continue
				}
				p := pi[x] - s.cost[e]
				if c := cand[u]; c < 0 {
					next = append(next, u)
				} else if p <= pi[u] {
					continue
				}
				cand[u], pi[u] = e, p
			}
		}
		for _, u := range next {
			done[u] = true
			hint[cand[u]] = stateTree
		}
		layer, next = next, layer
	}
	return hint, tops, true
}
