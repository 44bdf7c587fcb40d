package matching

// The start: the artificial tree, the internal arc order, and heuristic
// initial pivots.

// arcOrder returns the internal arc order, LEMON's "mixed" order. Inputs
// list arcs grouped (by source, or by kind: source arcs, then pairs, then
// sink arcs), and a pricing block of consecutive arcs would see only one
// group; interleaving makes each block a sample of the whole network. An
// earlier order here was the transpose of this one: it put input arcs
// skip apart side by side, so a block still covered one window of about
// skip·blockSize input arcs, often of a single kind; on a matching run
// written as one network that took 3.3 times LEMON's pivots.
func arcOrder(m, n int) []int32 {
	order := make([]int32, m)
	skip := 3
	if n > 0 {
		skip = max(skip, m/n)
	}
	// Input arc t goes to position i, i advancing by skip and wrapping to
	// the next offset: consecutive positions then hold input arcs about
	// m/skip apart, so a block samples every part of the input.
	i, j := 0, 0
	for t := range m {
		order[i] = int32(t)
		if i += skip; i >= m {
			j++
			i = j
		}
	}
	return order
}

// initTree builds the starting tree: the root with every node as a child,
// each joined by an artificial arc carrying that node's supply. Arcs out of
// supply nodes cost nothing; arcs into demand nodes cost artCost, so the
// artificial flow is charged once per unit routed through the root.
func (s *simplex) initTree(supply []int64, artCost int64) {
	n, root := s.nodes, s.root
	s.pi = make([]int64, n+1)
	s.tl = make([]treeLink, n+1)
	s.nd = make([]treeNode, n+1)
	s.thread = make([]int32, n+1)
	s.revThread = make([]int32, n+1)
	s.lastSucc = make([]int32, n+1)
	nd, tl := s.nd, s.tl

	tl[root].parent = -1
	nd[root].pred = -1
	tl[root].succ = int32(n + 1)
	s.lastSucc[root] = root
	if n > 0 {
		s.lastSucc[root] = int32(n - 1)
	}
	// Thread: root, 0, 1, ..., n-1, back to root.
	prev := root
	for u := int32(0); u < int32(n); u++ {
		s.thread[prev] = u
		s.revThread[u] = prev
		prev = u

		e := int32(s.arcs) + u
		tl[u].parent = root
		nd[u].pred = e
		tl[u].succ = 1
		s.lastSucc[u] = u
		s.cap[e] = Infinity
		s.state[e] = stateTree
		if supply[u] >= 0 {
			nd[u].dir = dirUp
			s.src[e], s.dst[e] = u, root
			s.flow[e] = supply[u]
			s.pi[u] = 0
		} else {
			nd[u].dir = dirDown
			s.src[e], s.dst[e] = root, u
			s.flow[e] = -supply[u]
			s.cost[e] = artCost
			s.pi[u] = artCost
		}
	}
	s.thread[prev] = root
	s.revThread[root] = prev
}

// Initial pivots. The artificial start tree prices every arc into a demand
// node at about −M (the big-M of the artificial arcs), so left to itself
// the block search spends its first hundreds of thousands of pivots
// pushing supply out of the root in whatever order the blocks offer,
// mostly degenerately, with potentials that say nothing about the real
// costs. On a matching run written as one network (a super source, a
// super sink and a bypass between them) that was two thirds of all pivots.
//
// A few well-chosen pivots before pricing starts remove most of that
// work; the idea is the one of LEMON's NetworkSimplex ("heuristic initial
// pivots"), extended by a rule for networks with many sources:
//
//   - one source and one sink: pivot in every arc of a reverse search from
//     the sink over arcs that can carry the whole supply, which usually
//     finds a direct path (the bypass) and routes everything along it;
//   - otherwise: for every supply node its cheapest arc straight into a
//     demand node that can take its whole supply (the product's per-offer
//     "keep" arcs), then for every demand node its cheapest incoming arc.
//
// Each candidate is pivoted only if it still prices out at that moment,
// so the heuristic can never make the start worse than a pivot would.

// initialPivots performs the heuristic pivots and reports false if one of
// them met a negative cycle of infinite capacity.
func (s *simplex) initialPivots(supply []int64) bool {
	var sources, sinks []int32
	var total int64
	for u, b := range supply {
		switch {
		case b > 0:
			sources = append(sources, int32(u))
			total += b
		case b < 0:
			sinks = append(sinks, int32(u))
		}
	}
	if total == 0 {
		return true
	}
	var cands []int32
	if len(sources) == 1 && len(sinks) == 1 {
		cands = s.reversePath(sources[0], sinks[0], total)
	} else {
		cands = s.cheapDirectArcs(supply)
	}
	for _, e := range cands {
		if !s.pivotOn(e) {
			return false
		}
	}
	return true
}

// reversePath returns the arcs of a depth-first search from t backwards
// over arcs of capacity at least total, stopping when it reaches src.
func (s *simplex) reversePath(src, t int32, total int64) []int32 {
	// Incoming lists of the wide arcs only: usually a handful of arcs, so
	// this costs one pass over the arcs and almost no memory.
	var wide []int32
	for e := 0; e < s.arcs; e++ {
		if s.cap[e] >= total {
			wide = append(wide, int32(e))
		}
	}
	start := make([]int32, s.nodes+1)
	for _, e := range wide {
		start[s.dst[e]+1]++
	}
	for v := 1; v <= s.nodes; v++ {
		start[v] += start[v-1]
	}
	in := make([]int32, len(wide))
	fill := append([]int32(nil), start[:s.nodes]...)
	for _, e := range wide {
		v := s.dst[e]
		in[fill[v]] = e
		fill[v]++
	}
	reached := make([]bool, s.nodes)
	reached[t] = true
	stack := []int32{t}
	var path []int32
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if v == src {
			break
		}
		for _, e := range in[start[v]:start[v+1]] {
			if u := s.src[e]; !reached[u] {
				reached[u] = true
				path = append(path, e)
				stack = append(stack, u)
			}
		}
	}
	return path
}

// cheapDirectArcs returns, in node order, for every supply node the
// cheapest arc into a demand node with room for its whole supply, then
// for every demand node its cheapest incoming arc.
func (s *simplex) cheapDirectArcs(supply []int64) []int32 {
	outArc := make([]int32, s.nodes)
	inArc := make([]int32, s.nodes)
	for v := range outArc {
		outArc[v], inArc[v] = -1, -1
	}
	for e := 0; e < s.arcs; e++ {
		u, v := s.src[e], s.dst[e]
		if supply[v] >= 0 {
			continue
		}
		if supply[u] > 0 && s.cap[e] >= supply[u] && (outArc[u] < 0 || s.cost[e] < s.cost[outArc[u]]) {
			outArc[u] = int32(e)
		}
		if inArc[v] < 0 || s.cost[e] < s.cost[inArc[v]] {
			inArc[v] = int32(e)
		}
	}
	var cands []int32
	for _, e := range outArc {
		if e >= 0 {
			cands = append(cands, e)
		}
	}
	for _, e := range inArc {
		if e >= 0 {
			cands = append(cands, e)
		}
	}
	return cands
}

// pivotOn brings arc e into the tree if it prices out, and reports false
// if that meets a negative cycle of infinite capacity.
func (s *simplex) pivotOn(e int32) bool {
	if int64(s.state[e])*(s.cost[e]+s.pi[s.src[e]]-s.pi[s.dst[e]]) >= 0 {
		return true
	}
	s.inArc = e
	return s.pivot()
}

// pivot performs one pivot on s.inArc and reports false if the cycle it
// closes has infinite capacity.
func (s *simplex) pivot() bool {
	change := s.findCycle()
	if s.delta == Infinity {
		return false
	}
	s.pivots++
	if s.delta == 0 {
		s.degenerate++
	}
	s.augment(change)
	if change {
		s.updateTree()
		s.updatePotentials()
	}
	return true
}
