package matching

import (
	"errors"
	"fmt"
	"math"
)

// Infinity used as an arc capacity means the arc has no upper bound.
const Infinity int64 = math.MaxInt64

// ErrOverflow is returned by [Network.Solve] when the instance's numbers are
// too large for the solver's int64 arithmetic to be exact: the total of
// supplies and finite capacities, the big-M cost of the artificial start,
// or the optimal cost itself would not fit.
var ErrOverflow = errors.New("matching: min-cost flow values too large for int64 arithmetic")

// Status is the outcome of a min-cost flow solve.
type Status int

const (
	// Optimal means Solution.Flow is a minimum-cost feasible flow.
	Optimal Status = iota
	// Infeasible means no flow meets every supply, demand and bound.
	Infeasible
	// Unbounded means the instance is feasible but has a negative-cost
	// cycle of infinite capacity, so the cost has no minimum.
	Unbounded
)

func (s Status) String() string {
	switch s {
	case Optimal:
		return "optimal"
	case Infeasible:
		return "infeasible"
	case Unbounded:
		return "unbounded"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Solution is the result of [Network.Solve]. Cost and Flow are meaningful
// only when Status is Optimal; Flow is indexed by the arc indexes that
// [Network.AddArc] returned.
type Solution struct {
	Status Status
	Cost   int64
	Flow   []int64
	// Pivots counts the simplex pivots of the solve and Degenerate those
	// among them that moved no flow; they are for benchmarks and tuning.
	Pivots, Degenerate int
}

// arcSpec is one arc as the caller described it.
type arcSpec struct {
	from, to     int32
	lower, upper int64
	cost         int64
}

// Network is a min-cost flow instance: nodes with supplies, and arcs with
// lower bounds, capacities and per-unit costs. Build it with [NewNetwork],
// [Network.AddArc] and [Network.SetSupply], then call [Network.Solve].
// Parallel arcs, self-loops, zero-capacity arcs and negative costs are all
// allowed.
type Network struct {
	supply []int64
	arcs   []arcSpec
}

// NewNetwork returns an empty network with nodes numbered 0..nodes-1, all
// with zero supply.
func NewNetwork(nodes int) *Network {
	// The solver indexes nodes with int32 and needs one extra root node.
	if nodes < 0 || nodes >= math.MaxInt32-1 {
		panic(fmt.Sprintf("matching: NewNetwork(%d): node count out of range", nodes))
	}
	return &Network{supply: make([]int64, nodes)}
}

// NumNodes returns the number of nodes.
func (n *Network) NumNodes() int { return len(n.supply) }

// NumArcs returns the number of arcs added so far.
func (n *Network) NumArcs() int { return len(n.arcs) }

// AddArc adds an arc from → to carrying between lower and capacity units
// at cost per unit, and returns its index. capacity may be [Infinity]. An
// arc with lower > capacity makes the instance infeasible. AddArc panics if
// a node is out of range, like an out-of-range slice index would.
func (n *Network) AddArc(from, to int, lower, capacity, cost int64) int {
	n.checkNode(from)
	n.checkNode(to)
	n.arcs = append(n.arcs, arcSpec{
		from: int32(from), to: int32(to),
		lower: lower, upper: capacity, cost: cost,
	})
	return len(n.arcs) - 1
}

// Arc returns the description of arc i as given to AddArc.
func (n *Network) Arc(i int) (from, to int, lower, capacity, cost int64) {
	a := n.arcs[i]
	return int(a.from), int(a.to), a.lower, a.upper, a.cost
}

// SetSupply sets the supply of node: positive for a source, negative for a
// sink (a demand). Supplies must add up to zero for a flow to exist.
func (n *Network) SetSupply(node int, supply int64) {
	n.checkNode(node)
	n.supply[node] = supply
}

// Supply returns the supply of node.
func (n *Network) Supply(node int) int64 {
	n.checkNode(node)
	return n.supply[node]
}

func (n *Network) checkNode(v int) {
	if v < 0 || v >= len(n.supply) {
		panic(fmt.Sprintf("matching: node %d out of range [0,%d)", v, len(n.supply)))
	}
}

// Solve computes a minimum-cost flow. It returns an error only when the
// numbers are too large to solve exactly (see [ErrOverflow]); infeasible
// and unbounded instances are reported through Solution.Status.
func (n *Network) Solve() (Solution, error) {
	st, flow, stats, err := n.solveFlow(solveOpts{})
	if err != nil || st != Optimal {
		return Solution{Status: st, Pivots: stats.pivots, Degenerate: stats.degenerate}, err
	}
	cost, ok := n.flowCost(flow)
	if !ok {
		return Solution{}, ErrOverflow
	}
	return Solution{Status: Optimal, Cost: cost, Flow: flow, Pivots: stats.pivots, Degenerate: stats.degenerate}, nil
}

// solveStats are the counters of one solve.
type solveStats struct {
	pivots, degenerate int
	kept               *simplex
}

// solveOpts are the internal options of a solve.
type solveOpts struct {
	// zeroCost treats every cost as 0, which turns the solve into a pure
	// feasibility check.
	zeroCost bool
	// hint, if non-nil, seeds the start tree (per arc: stateTree,
	// stateUpper, or anything else for zero), see warmStart; the result is
	// the same with or without it.
	hint []int8
	// keep asks for the solved simplex itself in solveStats.kept, with
	// its pos index filled in, for an in-place warm start later.
	keep bool
}

// solveFlow runs the simplex and maps the result back to the caller's arcs.
func (n *Network) solveFlow(o solveOpts) (Status, []int64, solveStats, error) {
	zeroCost := o.zeroCost
	sp, st, err := newSimplex(n, zeroCost, o.hint)
	if err != nil || st != Optimal {
		return st, nil, solveStats{}, err
	}
	st = sp.run()
	stats := solveStats{pivots: sp.pivots, degenerate: sp.degenerate}
	if st == Unbounded && !zeroCost {
		// The simplex can meet an unbounded cycle before it has driven the
		// artificial flow out, so "unbounded" is only certain once we know
		// a feasible flow exists; a zero-cost solve settles that.
		if fst, _, _, err := n.solveFlow(solveOpts{zeroCost: true}); err != nil || fst != Optimal {
			return fst, nil, stats, err
		}
	}
	if st != Optimal {
		return st, nil, stats, nil
	}
	if o.keep {
		sp.pos = make([]int32, sp.arcs)
		for i, orig := range sp.order {
			sp.pos[orig] = int32(i)
		}
		stats.kept = sp
	}
	return Optimal, sp.originalFlows(n), stats, nil
}

// flowCost returns Σ cost·flow over all arcs, or false if it overflows.
func (n *Network) flowCost(flow []int64) (int64, bool) {
	var total int64
	for i, a := range n.arcs {
		p, ok := mulInt64(a.cost, flow[i])
		if !ok {
			return 0, false
		}
		if total, ok = addInt64(total, p); !ok {
			return 0, false
		}
	}
	return total, true
}

// addInt64 returns a+b and whether it did not overflow.
func addInt64(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

// mulInt64 returns a·b and whether it did not overflow.
func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return p, true
}
