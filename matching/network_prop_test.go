package matching

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// tinyNetwork draws a network small enough to enumerate: up to 4 nodes and
// 6 arcs with small bounds, costs in [-5, 5], some lower bounds, some
// zero-capacity, parallel and self-loop arcs, the odd infinite or inverted
// (lower > capacity) arc. Supplies are usually planted: the net outflows
// of a random flow within the bounds, so most instances are feasible;
// otherwise they are random and often unbalanced.
func tinyNetwork(t *rapid.T) *Network {
	nodes := rapid.IntRange(1, 4).Draw(t, "nodes")
	net := NewNetwork(nodes)
	arcs := rapid.IntRange(0, 6).Draw(t, "arcs")
	infinite := 0
	for range arcs {
		from := rapid.IntRange(0, nodes-1).Draw(t, "from")
		to := rapid.IntRange(0, nodes-1).Draw(t, "to")
		lower := rapid.SampledFrom([]int64{0, 0, 0, 1, 2}).Draw(t, "lower")
		upper := lower + rapid.Int64Range(0, 3).Draw(t, "room")
		switch rapid.IntRange(0, 19).Draw(t, "kind") {
		case 0:
			upper = lower - 1
		case 1, 2:
			if infinite == 0 {
				upper, infinite = Infinity, 1
			}
		}
		cost := rapid.Int64Range(-5, 5).Draw(t, "cost")
		net.AddArc(from, to, lower, upper, cost)
	}
	plantSupplies(t, net, 2)
	return net
}

// plantSupplies sets supplies: with probability 3/4 the net outflows of a
// random flow within the arc bounds (infinite arcs carry at most
// lower+extra), otherwise random values in [-2, 2].
func plantSupplies(t *rapid.T, net *Network, extra int64) {
	if rapid.IntRange(0, 3).Draw(t, "planted") == 0 {
		for v := range net.NumNodes() {
			net.SetSupply(v, rapid.Int64Range(-2, 2).Draw(t, "supply"))
		}
		return
	}
	for i := range net.NumArcs() {
		from, to, lower, upper, _ := net.Arc(i)
		if upper == Infinity {
			upper = lower + extra
		}
		f := lower
		if upper > lower {
			f = rapid.Int64Range(lower, upper).Draw(t, "plantedFlow")
		}
		net.SetSupply(from, net.Supply(from)+f)
		net.SetSupply(to, net.Supply(to)-f)
	}
}

// bruteForce returns the optimum of net by enumerating every integer flow.
// Infinite arcs are enumerated up to a bound that no optimal flow needs to
// exceed when the instance is bounded; unboundedness is decided separately
// as "feasible and a negative cycle made of infinite arcs exists".
func bruteForce(net *Network) (Status, int64) {
	m := net.NumArcs()
	var bound int64 = 1
	for v := range net.NumNodes() {
		bound += max(net.Supply(v), -net.Supply(v))
	}
	for i := range m {
		_, _, lower, upper, _ := net.Arc(i)
		bound += max(lower, -lower)
		if upper != Infinity {
			bound += max(upper, -upper)
		}
	}
	balance := make([]int64, net.NumNodes())
	found := false
	best := int64(math.MaxInt64)
	var rec func(i int, cost int64)
	rec = func(i int, cost int64) {
		if i == m {
			for v, b := range balance {
				if b != net.Supply(v) {
					return
				}
			}
			found = true
			best = min(best, cost)
			return
		}
		from, to, lower, upper, c := net.Arc(i)
		if upper == Infinity {
			upper = lower + bound
		}
		for f := lower; f <= upper; f++ {
			balance[from] += f
			balance[to] -= f
			rec(i+1, cost+f*c)
			balance[from] -= f
			balance[to] += f
		}
	}
	rec(0, 0)
	switch {
	case !found:
		return Infeasible, 0
	case hasNegativeInfiniteCycle(net):
		return Unbounded, 0
	}
	return Optimal, best
}

// hasNegativeInfiniteCycle runs Floyd–Warshall on the infinite arcs.
func hasNegativeInfiniteCycle(net *Network) bool {
	n := net.NumNodes()
	const none = math.MaxInt64 / 4
	d := make([][]int64, n)
	for i := range d {
		d[i] = make([]int64, n)
		for j := range d[i] {
			d[i][j] = none
		}
	}
	for i := range net.NumArcs() {
		from, to, _, upper, c := net.Arc(i)
		if upper == Infinity {
			d[from][to] = min(d[from][to], c)
		}
	}
	for k := range n {
		for i := range n {
			for j := range n {
				if d[i][k] < none && d[k][j] < none {
					d[i][j] = min(d[i][j], d[i][k]+d[k][j])
				}
			}
		}
	}
	for i := range n {
		if d[i][i] < 0 {
			return true
		}
	}
	return false
}

func TestSolveMatchesBruteForce(t *testing.T) {
	// Each rapid.Check runs -rapid.checks cases (100 by default); 30 rounds
	// give thousands of instances without touching rapid's flags.
	for range 30 {
		rapid.Check(t, func(t *rapid.T) {
			net := tinyNetwork(t)
			wantStatus, wantCost := bruteForce(net)
			sol, err := net.Solve()
			if err != nil {
				t.Fatalf("Solve: %v", err)
			}
			if sol.Status != wantStatus {
				t.Fatalf("status %v, brute force %v", sol.Status, wantStatus)
			}
			if sol.Status != Optimal {
				return
			}
			if sol.Cost != wantCost {
				t.Fatalf("cost %d, brute force %d", sol.Cost, wantCost)
			}
			if err := checkFlow(net, sol); err != nil {
				t.Fatal(err)
			}
		})
	}
}
