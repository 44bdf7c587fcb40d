package matching

import (
	"testing"

	"pgregory.net/rapid"
)

// solveHinted solves net from hint and returns the solution with its cost.
func solveHinted(t *rapid.T, net *Network, hint []int8) (Status, int64, []int8) {
	st, flow, stats, err := net.solveFlow(solveOpts{hint: hint, keep: true})
	if err != nil {
		t.Fatalf("solve: %v", err)
	}
	if st != Optimal {
		return st, 0, nil
	}
	sol := Solution{Status: st, Flow: flow}
	cost, ok := net.flowCost(flow)
	if !ok {
		t.Fatal("cost overflow")
	}
	sol.Cost = cost
	if err := checkFlow(net, sol); err != nil {
		t.Fatal(err)
	}
	// The final states per caller arc: the hint for a next solve.
	basis := make([]int8, net.NumArcs())
	for i := range basis {
		basis[i] = stats.kept.state[stats.kept.pos[i]]
	}
	return st, cost, basis
}

// randomHint draws a hint of any quality: random states, most arcs left
// at zero.
func randomHint(t *rapid.T, arcs int) []int8 {
	hint := make([]int8, arcs)
	for i := range hint {
		hint[i] = rapid.SampledFrom([]int8{stateLower, stateLower, stateTree, stateUpper}).Draw(t, "hint")
	}
	return hint
}

// A warm start from any hint must reach the same optimum as the
// independent reference, and report infeasibility the same way.
func TestWarmStartFromRandomHint(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		net := mediumNetwork(t)
		wantStatus, wantCost := sspMinCost(net)
		st, cost, _ := solveHinted(t, net, randomHint(t, net.NumArcs()))
		if st != wantStatus || (st == Optimal && cost != wantCost) {
			t.Fatalf("warm %v/%d, reference %v/%d", st, cost, wantStatus, wantCost)
		}
	})
}

// The realistic use: the final tree of one solve seeds the solve of a
// perturbed copy (some capacities, costs and supplies changed).
func TestWarmStartFromPreviousBasis(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		net := mediumNetwork(t)
		st, _, basis := solveHinted(t, net, nil)
		if st != Optimal {
			t.Skip("needs a feasible first instance")
		}
		changed := NewNetwork(net.NumNodes())
		for v := range net.NumNodes() {
			changed.SetSupply(v, net.Supply(v))
		}
		for i := range net.NumArcs() {
			from, to, lower, upper, cost := net.Arc(i)
			if rapid.IntRange(0, 9).Draw(t, "change") == 0 {
				upper = lower + rapid.Int64Range(0, 40).Draw(t, "room")
				cost = rapid.Int64Range(-20, 50).Draw(t, "cost")
			}
			changed.AddArc(from, to, lower, upper, cost)
		}
		if rapid.Bool().Draw(t, "moveSupply") {
			a := rapid.IntRange(0, net.NumNodes()-1).Draw(t, "a")
			b := rapid.IntRange(0, net.NumNodes()-1).Draw(t, "b")
			d := rapid.Int64Range(0, 5).Draw(t, "d")
			changed.SetSupply(a, changed.Supply(a)+d)
			changed.SetSupply(b, changed.Supply(b)-d)
		}
		wantStatus, wantCost := sspMinCost(changed)
		st, cost, _ := solveHinted(t, changed, basis)
		if st != wantStatus || (st == Optimal && cost != wantCost) {
			t.Fatalf("warm %v/%d, reference %v/%d", st, cost, wantStatus, wantCost)
		}
	})
}

// Tiny networks reach the corner cases (self-loops, zero capacities,
// infinite arcs, unbounded instances) against brute force.
func TestWarmStartMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		net := tinyNetwork(t)
		wantStatus, wantCost := bruteForce(net)
		st, flow, _, err := net.solveFlow(solveOpts{hint: randomHint(t, net.NumArcs())})
		if err != nil {
			t.Fatal(err)
		}
		if st != wantStatus {
			t.Fatalf("status %v, brute force %v", st, wantStatus)
		}
		if st == Optimal {
			if cost, _ := net.flowCost(flow); cost != wantCost {
				t.Fatalf("cost %d, brute force %d", cost, wantCost)
			}
		}
	})
}
