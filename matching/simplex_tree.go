package matching

import "math"

// stemNode records, before anything is relinked, what updateTree needs to
// know about one node of the stem: the tree path from uIn up to uOut.
type stemNode struct {
	node      int32
	rev       int32 // revThread[node]
	last      int32 // lastSucc[node]
	afterLast int32 // thread[lastSucc[node]]
	succ      int32 // nd[node].succ
	parent    int32
	pred      int32
	dir       int32
	flow, cap int64 // of pred
}

// updateTree exchanges the leaving arc pred[uOut] for the entering arc.
//
// The subtree S_k of uOut is cut off and hung below vIn through uIn, which
// reverses the stem w_0 = uIn, w_1, ..., w_k = uOut: afterwards w_0 hangs
// from vIn and each w_i from w_{i-1}. With S_i the old subtree of w_i, the
// new preorder of the moved part is
//
//	S_0, A_1, B_1, A_2, B_2, ..., A_k, B_k
//
// where A_i is the old thread segment from w_i up to just before S_{i-1}
// and B_i the segment after S_{i-1} up to the end of S_i (possibly empty).
// All these segments are intact runs of the old thread, so relinking costs
// O(stem length) rather than O(subtree size). The moved part is then
// spliced in as the first child of vIn, and subtree sizes and last
// successors are fixed along the two tree paths up to the join node.
func (s *simplex) updateTree() {
	thread, revThread := s.thread, s.revThread
	lastSucc, nd, tl := s.lastSucc, s.nd, s.tl
	uOut, join := s.uOut, s.join

	// Record the stem while the old tree is intact.
	stem := s.stem[:0]
	for u := s.uIn; ; {
		l := lastSucc[u]
		x, t := &nd[u], tl[u]
		stem = append(stem, stemNode{
			node: u, rev: revThread[u], last: l, afterLast: thread[l],
			succ: t.succ, parent: t.parent, pred: x.pred, dir: x.dir,
			flow: x.flow, cap: x.cap,
		})
		if u == uOut {
			break
		}
		u = t.parent
	}
	s.stem = stem
	top := stem[len(stem)-1] // uOut
	size := top.succ

	link := func(a, b int32) {
		thread[a] = b
		revThread[b] = a
	}

	// Reorder the moved part: S_0, A_1, B_1, ..., A_k, B_k.
	tail := stem[0].last
	for i := 1; i < len(stem); i++ {
		link(tail, stem[i].node)
		tail = stem[i-1].rev
		if stem[i-1].last != stem[i].last {
			link(tail, stem[i-1].afterLast)
			tail = stem[i].last
		}
	}

	// Cut S_k out of its old place. Ancestors whose subtree ended with S_k
	// now end just before it.
	link(top.rev, top.afterLast)
	for x := top.parent; x != -1 && lastSucc[x] == top.last; x = tl[x].parent {
		lastSucc[x] = top.rev
	}
	for x := top.parent; x != join; x = tl[x].parent {
		tl[x].succ -= size
	}

	// Splice the moved part in right after vIn. Ancestors whose subtree
	// ended at vIn now end with the moved part.
	vIn := s.vIn
	link(tail, thread[vIn])
	link(vIn, s.uIn)
	for x := vIn; x != -1 && lastSucc[x] == vIn; x = tl[x].parent {
		lastSucc[x] = tail
	}
	for x := vIn; x != join; x = tl[x].parent {
		tl[x].succ += size
	}

	// Reverse the stem. Every stem node's subtree now runs to the end of
	// the moved part; w_i keeps its old subtree minus S_{i-1}.
	for i := range stem {
		u := stem[i].node
		lastSucc[u] = tail
		x, t := &nd[u], &tl[u]
		if i == 0 {
			in := s.inArc
			t.parent, x.pred, t.succ = vIn, in, size
			x.flow, x.cap = s.flow[in], s.cap[in]
			x.dir = dirUp
			if s.src[in] != u {
				x.dir = dirDown
			}
			continue
		}
		p := &stem[i-1]
		t.parent, x.pred, x.dir = p.node, p.pred, -p.dir
		x.flow, x.cap = p.flow, p.cap
		t.succ = size - p.succ
	}
}

// potentialDrift is how far the root potential may wander from zero before
// updatePotentials re-anchors it. It is a variable only so that tests can
// shrink it and exercise the re-anchoring.
var potentialDrift int64 = math.MaxInt64 / 4

// updatePotentials makes the entering arc's reduced cost zero again. Only
// potential differences matter, so it can either raise the moved subtree
// by sigma or lower everything else by sigma; it walks whichever part is
// smaller. Walking the thread is the most expensive step of a pivot, and
// on large instances the moved subtree is often most of the tree.
func (s *simplex) updatePotentials() {
	uIn := s.uIn
	sigma := s.pi[s.vIn] - s.pi[uIn] - int64(s.nd[uIn].dir)*s.cost[s.inArc]
	pi, thread := s.pi, s.thread
	size := int(s.tl[uIn].succ)
	if 2*size <= s.nodes+1 {
		end := thread[s.lastSucc[uIn]]
		for u := uIn; u != end; u = thread[u] {
			pi[u] += sigma
		}
		return
	}
	for u := thread[s.lastSucc[uIn]]; u != uIn; u = thread[u] {
		pi[u] -= sigma
	}
	// Lowering the rest of the tree moves the root's potential, and
	// repeated moves would drift all potentials towards overflow. Keep the
	// root within ±maxInt64/4 by re-anchoring it at zero when needed; with
	// the bound on artificial costs in newSimplex no sum overflows.
	if r := pi[s.root]; r > potentialDrift || r < -potentialDrift {
		for u := range pi {
			pi[u] -= r
		}
	}
}
