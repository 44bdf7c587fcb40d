package matching

import "math"

// The solver is a primal network simplex on a spanning tree rooted at an
// extra artificial node. Every real node starts as a child of the root,
// joined by an artificial arc that carries its supply; a big-M cost on the
// arcs into demand nodes makes the simplex drive that artificial flow out
// if at all possible, so one phase serves for both feasibility and cost.
//
// Arc state follows the usual convention: a non-tree arc sits at its lower
// bound (stateLower) or at its capacity (stateUpper). Multiplying an arc's
// reduced cost by its state gives a negative number exactly when moving the
// arc off its bound lowers the cost, which keeps the pricing loop branch
// free.
const (
	stateUpper int8 = -1
	stateTree  int8 = 0
	stateLower int8 = 1
)

// Tree arcs point either from a node up to its parent or down to it.
const (
	dirUp   int32 = 1
	dirDown int32 = -1
)

// simplex holds the working arrays of one solve. Arc arrays have the real
// arcs first (in a mixed order, see arcOrder) and then one artificial arc
// per node; node arrays have the root last.
type simplex struct {
	nodes, arcs int   // real nodes and real arcs
	root        int32 // index of the artificial root node

	// Per arc. cap is the capacity after shifting lower bounds to zero;
	// Infinity stays Infinity.
	src, dst []int32
	cost     []int64
	cap      []int64
	flow     []int64
	state    []int8
	order    []int32 // internal arc index → caller's arc index

	// The pricing view of the real arcs, kept in step with state by
	// setPricing: an arc at its lower bound is (src, dst, cost), one at its
	// capacity (dst, src, −cost) and a tree arc (src, src, 0), so that
	// pc + pi[pa] − pi[pb] is the state-signed reduced cost (0 for tree
	// arcs) without loading the state or multiplying by it.
	pa, pb []int32
	pc     []int64
	pos    []int32 // caller's arc index → internal; only for kept solves

	// Per node: potentials and the spanning tree. thread is a preorder
	// walk of the tree (a cycle through the root), revThread its inverse,
	// nd[u].succ the subtree size and lastSucc the last node of the subtree
	// in thread order, so a subtree is the thread segment u..lastSucc[u].
	pi        []int64
	tl        []treeLink // parent and subtree size per node
	nd        []treeNode // tree arc, its direction, flow and capacity
	thread    []int32
	revThread []int32
	lastSucc  []int32

	// Relabelling (simplex_relabel.go): label[caller's node] is its
	// current index while run pivots, nil while nodes carry the caller's
	// numbering; the rest is scratch for renumber.
	label, newID     []int32
	relA, relB, relC []int32
	relPi            []int64
	relTL            []treeLink
	relND            []treeNode

	// Block-search pricing state.
	blockSize int
	nextArc   int

	// Current pivot.
	inArc          int32
	join, uIn, vIn int32
	uOut           int32
	delta          int64
	stem           []stemNode // scratch for updateTree

	// Counters reported in Solution.
	pivots, degenerate int

	supply  []int64 // node supplies with lower bounds shifted out
	warm    bool    // started from a hint, so no initial pivots
	artCost int64   // big-M of the artificial arcs
}

// treeLink is what the walk up the tree towards the join node reads on
// its critical path: a node's parent and its subtree size. Each step's
// load depends on the previous one, so the walk runs at the latency of
// this array; at 8 bytes a node it stays in L2 far longer than a 32-byte
// record would (40,000 nodes: 320 KB against 1.3 MB). With the 32-byte
// record, a grid's 65 million join steps at 40,000 nodes took 15 ns each
// (a third of the solve); the split made that solve 11 % faster
// (interleaved runs, 3150 -> 2801 ms), NETGEN's within noise.
type treeLink struct {
	parent int32
	succ   int32 // number of nodes in the subtree
}

// treeNode is the rest of what the pivot loop reads about a node as it
// walks tree paths: the tree arc joining it to the parent (pred) and that
// arc's direction, and — while run is pivoting — the flow and capacity of
// the pred arc. Outside run, the flow of every arc, tree arcs included, is
// in simplex.flow; run copies tree arcs' flows into the nodes when it
// starts and back when it ends.
type treeNode struct {
	flow int64 // flow on pred (valid while run pivots)
	cap  int64 // capacity of pred (valid while run pivots)
	pred int32 // tree arc joining the node to its parent
	dir  int32 // dirUp or dirDown: the direction of pred
}

// loadTreeFlows copies the tree arcs' flows and capacities into the nodes.
func (s *simplex) loadTreeFlows() {
	nd := s.nd[:s.nodes]
	for u := range nd {
		e := nd[u].pred
		nd[u].flow, nd[u].cap = s.flow[e], s.cap[e]
	}
}

// storeTreeFlows copies the tree arcs' flows back into simplex.flow.
func (s *simplex) storeTreeFlows() {
	for _, x := range s.nd[:s.nodes] {
		s.flow[x.pred] = x.flow
	}
}

// newSimplex validates the network, removes lower bounds and builds the
// artificial starting tree. A status other than Optimal means the instance
// was recognised as infeasible before any pivot.
func newSimplex(net *Network, zeroCost bool, hint []int8) (*simplex, Status, error) {
	n, m := len(net.supply), len(net.arcs)
	if m > math.MaxInt32-n-1 {
		return nil, Optimal, ErrOverflow
	}
	s := &simplex{nodes: n, arcs: m, root: int32(n)}
	total := m + n
	s.src = make([]int32, total)
	s.dst = make([]int32, total)
	s.cost = make([]int64, total)
	s.cap = make([]int64, total)
	s.flow = make([]int64, total)
	s.state = make([]int8, total)
	s.order = arcOrder(m, n)

	supply := make([]int64, n)
	copy(supply, net.supply)
	var maxCost int64
	for i, orig := range s.order {
		a := net.arcs[orig]
		if a.lower > a.upper {
			return nil, Infeasible, nil
		}
		s.src[i], s.dst[i] = a.from, a.to
		s.state[i] = stateLower
		if !zeroCost {
			if a.cost == math.MinInt64 {
				return nil, Optimal, ErrOverflow
			}
			s.cost[i] = a.cost
			maxCost = max(maxCost, a.cost, -a.cost)
		}
		// Shift the lower bound into the supplies: the solver only ever
		// sees flows between 0 and cap.
		s.cap[i] = Infinity
		if a.upper != Infinity {
			c, ok := addInt64(a.upper, -a.lower)
			if !ok || a.lower == math.MinInt64 {
				return nil, Optimal, ErrOverflow
			}
			s.cap[i] = c
		}
		if a.lower != 0 {
			var ok1, ok2 bool
			supply[a.from], ok1 = addInt64(supply[a.from], -a.lower)
			supply[a.to], ok2 = addInt64(supply[a.to], a.lower)
			if !ok1 || !ok2 || a.lower == math.MinInt64 {
				return nil, Optimal, ErrOverflow
			}
		}
	}

	// Every flow value the simplex produces is bounded by the total
	// positive supply plus the finite capacities; keeping that below
	// Infinity means a finite residual can never be mistaken for an
	// infinite one.
	var sum, bound int64
	ok := true
	for _, b := range supply {
		if sum, ok = addInt64(sum, b); !ok {
			return nil, Optimal, ErrOverflow
		}
		if b > 0 {
			if bound, ok = addInt64(bound, b); !ok {
				return nil, Optimal, ErrOverflow
			}
		}
	}
	for _, c := range s.cap[:m] {
		if c != Infinity {
			if bound, ok = addInt64(bound, c); !ok || bound == Infinity {
				return nil, Optimal, ErrOverflow
			}
		}
	}
	if sum != 0 {
		return nil, Infeasible, nil
	}

	// Any simple path costs at most (n-1)·maxCost, so an artificial cost
	// M above that makes every unit routed through the root more expensive
	// than any real route. Potentials then differ from the root's by at
	// most 2M and reduced costs stay within 5M; with M ≤ maxInt64/16 and
	// the root kept within ±maxInt64/4 (see updatePotentials) no
	// intermediate sum overflows.
	artCost, ok := mulInt64(maxCost+1, int64(n)+1)
	if !ok || artCost > math.MaxInt64/16 {
		return nil, Optimal, ErrOverflow
	}
	s.supply = supply
	s.initTree(supply, artCost)
	s.artCost = artCost
	if hint != nil && artCost <= math.MaxInt64/64 {
		internal := make([]int8, m)
		for i, orig := range s.order {
			internal[i] = hint[orig]
		}
		s.warmStart(internal, artCost, nil)
		s.warm = true
	} else if hint == nil && artCost <= math.MaxInt64/64 {
		if crash, tops, ok := s.crashHint(supply); ok {
			s.warmStart(crash, artCost, tops)
			s.warm = true
		}
	}
	s.initPricing()
	s.blockSize = max(minBlockSize, int(blockSizeFactor*math.Sqrt(float64(m))))
	s.stem = make([]stemNode, 0, 64)
	return s, Optimal, nil
}

// Block-search pricing examines blockSizeFactor·√arcs arcs per pivot (at
// least minBlockSize). Larger blocks cost more per pivot but pick better
// entering arcs. With the interleaved arc order, LEMON's factor of 1 was
// the best single choice here: on matching runs pricing is nearly all the
// work (a pivot moves a few dozen nodes) and factor 3 took 1.8× as long
// for 5 % fewer pivots; grids prefer larger blocks (see pricing.go).
var blockSizeFactor = 1.0

const minBlockSize = 10

// run pivots until no arc prices out, and reports the outcome.
func (s *simplex) run() Status {
	s.loadTreeFlows()
	st := s.pivotAll()
	s.restoreLabels()
	s.storeTreeFlows()
	if st != Optimal {
		return st
	}
	// Artificial arcs never re-enter (pricing skips them), so any flow
	// left on one is supply that no real route can carry.
	for e := s.arcs; e < len(s.flow); e++ {
		if s.flow[e] != 0 {
			return Infeasible
		}
	}
	return Optimal
}

// pivotAll runs the initial pivots and the main loop, with the tree arcs'
// flows in the nodes.
func (s *simplex) pivotAll() Status {
	if !s.warm && !s.initialPivots(s.supply) {
		return Unbounded
	}
	every := s.relabelEvery()
	next := s.pivots + every
	for s.findEnteringArc() {
		if !s.pivot() {
			return Unbounded
		}
		if every > 0 && s.pivots >= next {
			s.relabel()
			next = s.pivots + every
		}
	}
	return Optimal
}

// originalFlows maps internal flows back to the caller's arc indexes and
// adds the lower bounds back.
func (s *simplex) originalFlows(net *Network) []int64 {
	out := make([]int64, s.arcs)
	for i, orig := range s.order {
		out[orig] = s.flow[i] + net.arcs[orig].lower
	}
	return out
}
