package matching

// Warm start. Instead of the all-artificial star, the simplex can start
// from a spanning tree suggested by the caller: the tree of a previous
// solve of a similar network, or a structural crash basis such as the
// "every offer keeps its supply" tree of Allocate. A hint only says, per
// arc, whether it should be in the tree or at its upper bound; it is
// never trusted:
//
//   - hinted tree arcs that would close a cycle are dropped;
//   - the flows on the remaining tree arcs follow from the supplies and
//     the non-tree arcs' bounds; an arc whose flow falls outside its
//     bounds, or that would make the tree not strongly feasible (a
//     saturated arc pointing to the root, an empty one pointing away), is
//     cut, and the subtree below it hangs from the artificial root by an
//     artificial arc carrying its surplus (at cost 0) or its deficit (at
//     the big-M cost), exactly like a node of the cold start.
//
// So any hint, even a wrong or stale one, gives a valid strongly feasible
// start, and the simplex then finishes the job; a good hint leaves only a
// few pivots to do.

// warmStart replaces the artificial start tree by one built from hint,
// indexed by internal arc: stateTree for arcs suggested for the tree,
// stateUpper for arcs to start at capacity, anything else for arcs at
// zero. artCost is the big-M of the cold start; newSimplex only
// warm-starts when 4·artCost leaves the same overflow margin as the cold
// start's artCost (see there).
//
// tops, if not nil, lists nodes to try first as the tops of the hinted
// trees: the nodes that hung from the root in the tree the hint came
// from. Rooting a tree where it was rooted keeps the direction of every
// arc towards the root, so its empty and saturated arcs stay strongly
// feasible and need no cut.
func (s *simplex) warmStart(hint []int8, artCost int64, tops []int32) {
	n, m, root := s.nodes, s.arcs, s.root
	uf := newUnionFind(n)
	excess := append([]int64(nil), s.supply...)
	treeArcs := make([]int32, 0, n)
	for i := range int32(m) {
		s.flow[i] = 0
		s.state[i] = stateLower
		switch hint[i] {
		case stateTree:
			if uf.find(int(s.src[i])) != uf.find(int(s.dst[i])) {
				uf.union(int(s.src[i]), int(s.dst[i]))
				treeArcs = append(treeArcs, i)
				s.state[i] = stateTree
			}
		case stateUpper:
			if c := s.cap[i]; c != Infinity && c > 0 {
				s.flow[i], s.state[i] = c, stateUpper
				excess[s.src[i]] -= c
				excess[s.dst[i]] += c
			}
		}
	}

	// Hinted forest as adjacency lists, then a breadth-first order of
	// each of its trees from its first node.
	start := make([]int32, n+1)
	for _, e := range treeArcs {
		start[s.src[e]+1]++
		start[s.dst[e]+1]++
	}
	for v := 1; v <= n; v++ {
		start[v] += start[v-1]
	}
	adj := make([]int32, 2*len(treeArcs))
	fill := append([]int32(nil), start[:n]...)
	for _, e := range treeArcs {
		u, v := s.src[e], s.dst[e]
		adj[fill[u]], adj[fill[v]] = e, e
		fill[u]++
		fill[v]++
	}
	// The tree is built in plain arrays and copied into s.nd at the end.
	parent := make([]int32, n+1)
	pred := make([]int32, n+1)
	predDir := make([]int32, n+1)
	for v := range parent {
		parent[v] = -2 // unvisited
	}
	parent[root], pred[root] = -1, -1
	order := make([]int32, 0, n)
	for k := range len(tops) + n {
		r := int32(k - len(tops))
		if k < len(tops) {
			r = tops[k]
		}
		if parent[r] != -2 {
			continue
		}
		parent[r] = root
		order = append(order, r)
		for k := len(order) - 1; k < len(order); k++ {
			u := order[k]
			for _, e := range adj[start[u]:start[u+1]] {
				v := s.src[e]
				if v == u {
					v = s.dst[e]
				}
				if parent[v] != -2 {
					continue
				}
				parent[v], pred[v] = u, e
				predDir[v] = dirUp
				if s.src[e] != v {
					predDir[v] = dirDown
				}
				order = append(order, v)
			}
		}
	}

	// Potentials the hinted forest implies, each tree's first node at 0.
	pi := s.pi
	for _, v := range order {
		pi[v] = 0
		if p := parent[v]; p != root {
			pi[v] = pi[p] + int64(-predDir[v])*s.cost[pred[v]]
		}
	}

	// Flows bottom-up; cut every arc that cannot carry its flow in a
	// strongly feasible way.
	for k := len(order) - 1; k >= 0; k-- {
		v := order[k]
		if parent[v] == root {
			continue
		}
		e, x := pred[v], excess[v]
		ok := x >= 0 && (s.cap[e] == Infinity || x < s.cap[e])
		if predDir[v] == dirDown {
			ok = x < 0 && -x <= s.cap[e]
		}
		if !ok {
			s.state[e] = stateLower
			parent[v] = root
			continue
		}
		s.flow[e] = max(x, -x)
		excess[parent[v]] += x
	}

	// Artificial arcs for the tops of the trees, final potentials
	// top-down. Flow can pass through the root only from a top with a
	// surplus (its arc points up) to one with a deficit (down), so the
	// big-M property needs only one of the two classes to be charged:
	// routing a unit through the root then costs warmM plus a difference
	// of two hinted potentials, each a tree path of at most (n−1)·maxCost
	// < artCost, so more than any real path. The other class hangs from
	// the root by arcs whose costs keep the potentials the hint implies,
	// so the reduced costs around it stay as the hint left them. Charging
	// the class with fewer nodes leaves most of the tree as it was: after
	// a small change, the few cut-off pieces get the shift, not the whole
	// network.
	var upNodes, downNodes int
	top := make([]int32, n)
	for _, v := range order {
		if p := parent[v]; p != root {
			top[v] = top[p]
		} else {
			top[v] = v
		}
		if excess[top[v]] >= 0 {
			upNodes++
		} else {
			downNodes++
		}
	}
	var upCharge, downCharge int64
	if upNodes < downNodes {
		upCharge = 3 * artCost
	} else {
		downCharge = 3 * artCost
	}
	for _, v := range order {
		if p := parent[v]; p != root {
			s.flow[int32(m)+v], s.state[int32(m)+v] = 0, stateLower
			pi[v] = pi[p] + int64(-predDir[v])*s.cost[pred[v]]
			continue
		}
		e := int32(m) + v
		pred[v], s.cap[e], s.state[e] = e, Infinity, stateTree
		if excess[v] >= 0 {
			// pi[root] = pi[v] + cost, with pi[root] = 0.
			predDir[v], s.src[e], s.dst[e] = dirUp, v, root
			s.flow[e], s.cost[e] = excess[v], upCharge-pi[v]
			pi[v] -= upCharge
		} else {
			predDir[v], s.src[e], s.dst[e] = dirDown, root, v
			s.flow[e], s.cost[e] = -excess[v], pi[v]+downCharge
			pi[v] += downCharge
		}
	}
	for v := range s.nd {
		s.tl[v].parent, s.nd[v].pred, s.nd[v].dir = parent[v], pred[v], predDir[v]
	}
	s.buildThread()
}

// buildThread derives the thread (preorder), its inverse, subtree sizes
// and last successors from the parent array.
func (s *simplex) buildThread() {
	n, root := s.nodes, s.root
	start := make([]int32, n+2)
	for v := 0; v < n; v++ {
		start[s.tl[v].parent+1]++
	}
	for v := 1; v <= n+1; v++ {
		start[v] += start[v-1]
	}
	children := make([]int32, n)
	fill := append([]int32(nil), start[:n+1]...)
	for v := int32(0); v < int32(n); v++ {
		p := s.tl[v].parent
		children[fill[p]] = v
		fill[p]++
	}
	// Preorder by an explicit stack; children pushed in reverse so that
	// they are visited in node order.
	pre := make([]int32, 0, n+1)
	stack := []int32{root}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		pre = append(pre, u)
		cs := children[start[u]:start[u+1]]
		for i := len(cs) - 1; i >= 0; i-- {
			stack = append(stack, cs[i])
		}
	}
	for i, u := range pre {
		next := pre[(i+1)%len(pre)]
		s.thread[u], s.revThread[next] = next, u
		s.tl[u].succ, s.lastSucc[u] = 1, u
	}
	// In reverse preorder every child is done before its parent; a
	// parent's last successor is that of its last child in preorder,
	// which is the first child met in this walk.
	for i := len(pre) - 1; i > 0; i-- {
		u := pre[i]
		p := s.tl[u].parent
		s.tl[p].succ += s.tl[u].succ
		if s.lastSucc[p] == p {
			s.lastSucc[p] = s.lastSucc[u]
		}
	}
}
