package matching

// findEnteringArc implements block-search pricing: it scans the real arcs
// cyclically in blocks of blockSize, starting where the previous search
// stopped, and returns the most violating arc of the first block that has
// any. Looking at a whole block rather than taking the first violating arc
// picks better pivots; stopping after one block rather than scanning all
// arcs keeps each pivot cheap. It reports false when no arc violates, that
// is when the current tree is optimal.
func (s *simplex) findEnteringArc() bool {
	m := s.arcs
	e := s.nextArc
	for scanned := 0; scanned < m; {
		n := min(s.blockSize, m-scanned)
		// A block may wrap around the end of the arc array.
		first := min(n, m-e)
		best, arc := s.priceRange(e, e+first)
		if first < n {
			if b, a := s.priceRange(0, n-first); b < best {
				arc = a
			}
		}
		e += n
		if e >= m {
			e -= m
		}
		scanned += n
		if arc >= 0 {
			s.inArc, s.nextArc = int32(arc), e
			return true
		}
	}
	return false
}

// priceRange returns the most negative state-signed reduced cost among
// arcs [lo, hi) and its arc, or (0, -1) if none is negative. Tree arcs
// price at 0 and so never qualify. This loop is where a solve spends
// much of its time; the re-slicing lets the compiler drop bounds checks on
// everything but the potentials.
func (s *simplex) priceRange(lo, hi int) (int64, int) {
	pa := s.pa[lo:hi]
	pb := s.pb[lo:hi][:len(pa)]
	pc := s.pc[lo:hi][:len(pa)]
	pi := s.pi
	var best int64
	arc := -1
	for i := range pa {
		c := pc[i] + pi[pa[i]] - pi[pb[i]]
		if c < best {
			best, arc = c, i
		}
	}
	if arc >= 0 {
		arc += lo
	}
	return best, arc
}

// findCycle finds the cycle the entering arc closes and the arc that
// leaves the tree, in one walk up the two tree paths from the entering
// arc's ends to their nearest common ancestor, the join node.
//
// A node with the smaller subtree cannot be an ancestor of the other, so
// it is the one to climb; the two walks stop where they meet. On the way
// each walk keeps the tightest tree arc of its path: delta is the largest
// amount that can be pushed around the cycle, and the leaving arc is the
// one that blocks it. Among tied blocking arcs it takes the last one met
// when walking the cycle in the direction of flow from the join node;
// that keeps the tree strongly feasible, which is what rules out cycling
// on degenerate pivots. It reports false when the entering arc itself
// blocks (it just moves to its other bound).
//
// The flow runs join → ... → first → (entering arc) → second → ... → join.
// On the first path, walked upwards from first, the last blocker in flow
// order is the first one found (strict <); on the second path it is the
// last one found (<=), and it also wins over the entering arc and over the
// first path.
func (s *simplex) findCycle() bool {
	nd, tl := s.nd, s.tl
	in := s.inArc
	first, second := s.src[in], s.dst[in]
	if s.state[in] != stateLower {
		first, second = second, first
	}
	// The walks: on the first path flow goes down towards first, so an
	// arc pointing up gives back its flow and one pointing down its room;
	// on the second path the other way round.
	d1, d2 := Infinity, Infinity
	var out1, out2 int32 = -1, -1
	u, v := first, second
	su, sv := tl[u].succ, tl[v].succ
	for u != v {
		if su < sv {
			x := &nd[u]
			d := x.flow
			if x.dir == dirDown {
				d = residual(x.cap, d)
			}
			if d < d1 {
				d1, out1 = d, u
			}
			u = tl[u].parent
			su = tl[u].succ
		} else {
			x := &nd[v]
			d := x.flow
			if x.dir == dirUp {
				d = residual(x.cap, d)
			}
			if d <= d2 {
				d2, out2 = d, v
			}
			v = tl[v].parent
			sv = tl[v].succ
		}
	}
	s.join = u
	delta := s.cap[in]
	result := 0
	var uOut int32
	if out1 >= 0 && d1 < delta {
		delta, uOut, result = d1, out1, 1
	}
	if out2 >= 0 && d2 <= delta {
		delta, uOut, result = d2, out2, 2
	}
	s.delta, s.uOut = delta, uOut
	// uIn is the end of the entering arc on the side that gets cut off.
	if result == 1 {
		s.uIn, s.vIn = first, second
	} else {
		s.uIn, s.vIn = second, first
	}
	return result != 0
}

// residual is the room left on an arc; infinite arcs keep infinite room.
func residual(capacity, flow int64) int64 {
	if capacity == Infinity {
		return Infinity
	}
	return capacity - flow
}

// augment pushes delta around the cycle and updates the states of the
// entering and leaving arcs. The leaving arc's flow goes back from its
// node into simplex.flow; updateTree moves the entering arc's into the
// node it joins.
func (s *simplex) augment(change bool) {
	in, join := s.inArc, s.join
	nd, tl := s.nd, s.tl
	if s.delta > 0 {
		val := int64(s.state[in]) * s.delta
		s.flow[in] += val
		for u := s.src[in]; u != join; {
			x := &nd[u]
			x.flow -= int64(x.dir) * val
			u = tl[u].parent
		}
		for u := s.dst[in]; u != join; {
			x := &nd[u]
			x.flow += int64(x.dir) * val
			u = tl[u].parent
		}
	}
	if !change {
		s.state[in] = -s.state[in]
		s.setPricing(in)
		return
	}
	s.state[in] = stateTree
	s.setPricing(in)
	out, f := nd[s.uOut].pred, nd[s.uOut].flow
	s.flow[out] = f
	if f == 0 {
		s.state[out] = stateLower
	} else {
		s.state[out] = stateUpper
	}
	if int(out) < s.arcs {
		s.setPricing(out)
	}
}

// setPricing brings the pricing view of real arc e in line with its state.
func (s *simplex) setPricing(e int32) {
	switch s.state[e] {
	case stateLower:
		s.pa[e], s.pb[e], s.pc[e] = s.src[e], s.dst[e], s.cost[e]
	case stateUpper:
		s.pa[e], s.pb[e], s.pc[e] = s.dst[e], s.src[e], -s.cost[e]
	default:
		s.pa[e], s.pb[e], s.pc[e] = s.src[e], s.src[e], 0
	}
}

// initPricing builds the pricing view of every real arc: setPricing's
// cases in one loop over resliced arrays, without its per-arc bounds
// checks (a warm restart of a large component rebuilds the view of
// nearly a million arcs).
func (s *simplex) initPricing() {
	m := s.arcs
	if len(s.pa) != m {
		s.pa = make([]int32, m)
		s.pb = make([]int32, m)
		s.pc = make([]int64, m)
	}
	pa := s.pa[:m]
	pb, pc := s.pb[:len(pa)], s.pc[:len(pa)]
	src, dst := s.src[:len(pa)], s.dst[:len(pa)]
	cost, state := s.cost[:len(pa)], s.state[:len(pa)]
	for e := range pa {
		a, b, c := src[e], dst[e], cost[e]
		switch state[e] {
		case stateUpper:
			a, b, c = b, a, -c
		case stateTree:
			b, c = a, 0
		}
		pa[e], pb[e], pc[e] = a, b, c
	}
}
