package matching

import (
	"errors"
	"math"
	"testing"
)

func TestSolveTransport(t *testing.T) {
	// Two sources, two sinks; the cheap cross arcs are capacity-limited.
	net := NewNetwork(4)
	net.SetSupply(0, 5)
	net.SetSupply(1, 3)
	net.SetSupply(2, -4)
	net.SetSupply(3, -4)
	net.AddArc(0, 2, 0, 10, 4)
	net.AddArc(0, 3, 0, 2, 1)
	net.AddArc(1, 2, 0, 1, 1)
	net.AddArc(1, 3, 0, 10, 3)
	sol := mustSolve(t, net)
	// 0→3: 2·1, 1→2: 1·1, 1→3: 2·3, 0→2: 3·4.
	if sol.Status != Optimal || sol.Cost != 2+1+6+12 {
		t.Fatalf("got %v cost %d, want optimal 21", sol.Status, sol.Cost)
	}
}

func TestSolveEdgeCases(t *testing.T) {
	tests := []struct {
		name   string
		build  func() *Network
		status Status
		cost   int64
	}{
		{"empty", func() *Network { return NewNetwork(0) }, Optimal, 0},
		{"isolated nodes", func() *Network { return NewNetwork(5) }, Optimal, 0},
		{"unbalanced supplies", func() *Network {
			n := NewNetwork(2)
			n.SetSupply(0, 1)
			n.AddArc(0, 1, 0, 5, 1)
			return n
		}, Infeasible, 0},
		{"lower above capacity", func() *Network {
			n := NewNetwork(2)
			n.AddArc(0, 1, 3, 2, 1)
			return n
		}, Infeasible, 0},
		{"capacity too small", func() *Network {
			n := NewNetwork(2)
			n.SetSupply(0, 3)
			n.SetSupply(1, -3)
			n.AddArc(0, 1, 0, 2, 1)
			return n
		}, Infeasible, 0},
		{"zero-capacity arc", func() *Network {
			n := NewNetwork(2)
			n.SetSupply(0, 1)
			n.SetSupply(1, -1)
			n.AddArc(0, 1, 0, 0, -100)
			n.AddArc(0, 1, 0, 1, 7)
			return n
		}, Optimal, 7},
		{"parallel arcs", func() *Network {
			n := NewNetwork(2)
			n.SetSupply(0, 4)
			n.SetSupply(1, -4)
			n.AddArc(0, 1, 0, 3, 5)
			n.AddArc(0, 1, 0, 3, 2)
			return n
		}, Optimal, 3*2 + 1*5},
		{"negative self-loop", func() *Network {
			n := NewNetwork(1)
			n.AddArc(0, 0, 0, 4, -3)
			return n
		}, Optimal, -12},
		{"positive self-loop with lower bound", func() *Network {
			n := NewNetwork(1)
			n.AddArc(0, 0, 2, 4, 3)
			return n
		}, Optimal, 6},
		{"negative cycle", func() *Network {
			n := NewNetwork(3)
			n.AddArc(0, 1, 0, 2, -5)
			n.AddArc(1, 2, 0, 9, 1)
			n.AddArc(2, 0, 0, 9, 1)
			return n
		}, Optimal, -6},
		{"lower bound forces a detour", func() *Network {
			n := NewNetwork(3)
			n.SetSupply(0, 2)
			n.SetSupply(2, -2)
			n.AddArc(0, 2, 0, 5, 1)
			n.AddArc(0, 1, 1, 5, 3)
			n.AddArc(1, 2, 0, 5, 3)
			return n
		}, Optimal, 1 + 6},
		{"negative infinite cycle", func() *Network {
			n := NewNetwork(2)
			n.AddArc(0, 1, 0, Infinity, -1)
			n.AddArc(1, 0, 0, Infinity, 0)
			return n
		}, Unbounded, 0},
		{"negative infinite self-loop", func() *Network {
			n := NewNetwork(1)
			n.AddArc(0, 0, 0, Infinity, -1)
			return n
		}, Unbounded, 0},
		{"infeasible beats unbounded", func() *Network {
			n := NewNetwork(3)
			n.SetSupply(0, 1)
			n.SetSupply(2, -1)
			n.AddArc(0, 1, 0, Infinity, -1)
			n.AddArc(1, 0, 0, Infinity, -1)
			return n
		}, Infeasible, 0},
		{"infinite arcs without negative cycle", func() *Network {
			n := NewNetwork(3)
			n.SetSupply(0, 7)
			n.SetSupply(2, -7)
			n.AddArc(0, 1, 0, Infinity, -2)
			n.AddArc(1, 2, 0, Infinity, 3)
			n.AddArc(1, 0, 0, Infinity, 2)
			return n
		}, Optimal, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sol := mustSolve(t, tc.build())
			if sol.Status != tc.status {
				t.Fatalf("status %v, want %v", sol.Status, tc.status)
			}
			if sol.Status == Optimal && sol.Cost != tc.cost {
				t.Fatalf("cost %d, want %d", sol.Cost, tc.cost)
			}
		})
	}
}

func TestSolveOverflow(t *testing.T) {
	huge := func() *Network {
		n := NewNetwork(2)
		n.SetSupply(0, math.MaxInt64/2)
		n.SetSupply(1, -math.MaxInt64/2)
		n.AddArc(0, 1, 0, math.MaxInt64/2, 1)
		n.AddArc(0, 1, 0, math.MaxInt64/2, 1)
		return n
	}
	expensive := func() *Network {
		n := NewNetwork(2)
		n.AddArc(0, 1, 0, 1, math.MaxInt64/4)
		return n
	}
	costly := func() *Network {
		n := NewNetwork(2)
		n.SetSupply(0, 1<<40)
		n.SetSupply(1, -(1 << 40))
		n.AddArc(0, 1, 0, Infinity, 1<<40)
		return n
	}
	for name, build := range map[string]func() *Network{"supply": huge, "cost": expensive, "total cost": costly} {
		if _, err := build().Solve(); !errors.Is(err, ErrOverflow) {
			t.Errorf("%s: err = %v, want ErrOverflow", name, err)
		}
	}
}

func TestAddArcPanicsOnBadNode(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("AddArc with an out-of-range node did not panic")
		}
	}()
	NewNetwork(2).AddArc(0, 2, 0, 1, 1)
}
