package matching

// Relabelling. The most expensive steps of a pivot chase pointers through
// node arrays: updatePotentials follows the thread over a subtree, and
// findCycle follows parents up to the join node. Each step's address
// depends on the previous load, so they run at memory latency, and how
// long that is depends on where the next node lives. When nodes are
// numbered in thread order, a subtree is (mostly) a run of consecutive
// indexes and the walks touch consecutive cache lines; with the arbitrary
// numbering of the input they touch a random line per node. Measured
// before relabelling: 3.8 ns per node of a potential update on a grid
// (the generator numbers nodes row by row, so trees follow the numbering)
// against 13 ns on NETGEN (random numbering).
//
// So every relabelEvery pivots the solver renumbers the nodes in current
// thread order, and renumbers them back to the caller's numbering when run
// ends. A relabelling is an isomorphism: pricing goes by arc index and
// every tie in the pivot rules by tree structure, so the pivot sequence
// and the result are exactly those without it. Trees change a little per
// pivot (a moved subtree keeps its internal order), so one relabelling
// keeps the walks local for many pivots.

// relabelEvery returns the number of pivots between relabellings: one
// relabelling (O(nodes + arcs)) per nodes/4 pivots, at least
// relabelMinPivots, and none below relabelMinNodes nodes, where the node
// arrays stay in cache anyway. On NETGEN and grids at 40,000 nodes every
// factor from 0.1 to 1 did about as well (0.03 was slower).
func (s *simplex) relabelEvery() int {
	if s.nodes < relabelMinNodes {
		return -1
	}
	return max(relabelMinPivots, int(relabelFactor*float64(s.nodes)))
}

// Variables only so that tests can relabel after every pivot.
var (
	relabelFactor    = 0.25
	relabelMinPivots = 1000
	relabelMinNodes  = 4096
)

// relabel renumbers the nodes in thread order from the root (the root
// keeps its index, last).
func (s *simplex) relabel() {
	n := s.nodes
	if s.label == nil {
		s.label = make([]int32, n+1)
		for u := range s.label {
			s.label[u] = int32(u)
		}
	}
	newID := s.scratchIDs()
	k := int32(0)
	for u := s.thread[s.root]; u != s.root; u = s.thread[u] {
		newID[u] = k
		k++
	}
	newID[s.root] = s.root
	for o, u := range s.label {
		s.label[o] = newID[u]
	}
	s.renumber(newID)
}

// restoreLabels renumbers the nodes back to the caller's numbering.
func (s *simplex) restoreLabels() {
	if s.label == nil {
		return
	}
	newID := s.scratchIDs()
	for o, u := range s.label {
		newID[u] = int32(o)
	}
	s.label = nil
	s.renumber(newID)
	// A kept simplex (a Basis holds one per large component) need not
	// carry the scratch.
	s.newID, s.relA, s.relB, s.relC, s.relPi, s.relTL, s.relND = nil, nil, nil, nil, nil, nil, nil
}

func (s *simplex) scratchIDs() []int32 {
	if len(s.newID) != s.nodes+1 {
		s.newID = make([]int32, s.nodes+1)
	}
	return s.newID
}

// renumber moves node u to index newID[u] in every node array and every
// arc end.
func (s *simplex) renumber(newID []int32) {
	n1 := s.nodes + 1
	newID = newID[:n1]
	if len(s.relPi) != n1 {
		s.relPi = make([]int64, n1)
		s.relA = make([]int32, n1)
		s.relB = make([]int32, n1)
		s.relC = make([]int32, n1)
		s.relTL = make([]treeLink, n1)
		s.relND = make([]treeNode, n1)
	}
	pi, thread, revThread, lastSucc := s.relPi[:n1], s.relA[:n1], s.relB[:n1], s.relC[:n1]
	tl, nd := s.relTL[:n1], s.relND[:n1]
	oldPi, oldThread, oldRev, oldLast := s.pi[:n1], s.thread[:n1], s.revThread[:n1], s.lastSucc[:n1]
	oldTL, oldND := s.tl[:n1], s.nd[:n1]
	for u, v := range newID {
		pi[v] = oldPi[u]
		thread[v] = newID[oldThread[u]]
		revThread[v] = newID[oldRev[u]]
		lastSucc[v] = newID[oldLast[u]]
		t := oldTL[u]
		if t.parent >= 0 {
			t.parent = newID[t.parent]
		}
		tl[v] = t
		nd[v] = oldND[u]
	}
	s.pi, s.relPi = pi, oldPi
	s.thread, s.relA = thread, oldThread
	s.revThread, s.relB = revThread, oldRev
	s.lastSucc, s.relC = lastSucc, oldLast
	s.tl, s.relTL = tl, oldTL
	s.nd, s.relND = nd, oldND

	src, dst := s.src, s.dst[:len(s.src)]
	for e, u := range src {
		src[e] = newID[u]
		dst[e] = newID[dst[e]]
	}
	pa, pb := s.pa, s.pb[:len(s.pa)]
	for e, u := range pa {
		pa[e] = newID[u]
		pb[e] = newID[pb[e]]
	}
	// supply is read only before the first pivot (initial pivots, warm
	// starts), and run restores the labels before returning.
}
