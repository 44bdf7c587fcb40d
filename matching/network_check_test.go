package matching

import "fmt"

// checkFlow verifies that sol is a feasible flow of net whose cost is the
// reported one: every arc within its bounds, and at every node the net
// outflow equal to its supply.
func checkFlow(net *Network, sol Solution) error {
	if len(sol.Flow) != net.NumArcs() {
		return fmt.Errorf("got %d flows for %d arcs", len(sol.Flow), net.NumArcs())
	}
	balance := make([]int64, net.NumNodes())
	var cost int64
	for i, f := range sol.Flow {
		from, to, lower, upper, c := net.Arc(i)
		if f < lower || f > upper {
			return fmt.Errorf("arc %d (%d→%d): flow %d outside [%d,%d]", i, from, to, f, lower, upper)
		}
		balance[from] += f
		balance[to] -= f
		cost += f * c
	}
	for v, b := range balance {
		if b != net.Supply(v) {
			return fmt.Errorf("node %d: net outflow %d, supply %d", v, b, net.Supply(v))
		}
	}
	if cost != sol.Cost {
		return fmt.Errorf("flows cost %d, reported %d", cost, sol.Cost)
	}
	return nil
}

// tester is what both *testing.T and *rapid.T offer.
type tester interface {
	Helper()
	Fatalf(format string, args ...any)
}

// mustSolve solves net and, when optimal, checks the returned flow.
func mustSolve(t tester, net *Network) Solution {
	t.Helper()
	sol, err := net.Solve()
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	if sol.Status == Optimal {
		if err := checkFlow(net, sol); err != nil {
			t.Fatalf("invalid flow: %v", err)
		}
	}
	return sol
}
