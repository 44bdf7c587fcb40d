package matching

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// sspMinCost is an independent reference solver for networks whose
// capacities are all finite: successive shortest paths with Bellman–Ford.
// It starts from the flow that puts every arc at its lower bound, or at its
// capacity when its cost is negative; the residual graph then has no
// negative arc, and shortest-path augmentation keeps it free of negative
// cycles while routing the remaining imbalances from a super source to a
// super sink.
func sspMinCost(net *Network) (Status, int64) {
	n := net.NumNodes()
	type rarc struct {
		to       int
		cap      int64
		cost     int64
		rev      int
		original int // caller's arc, or -1 for super source/sink arcs
		forward  bool
	}
	g := make([][]rarc, n+2)
	addArc := func(u, v int, cap, cost int64, orig int) {
		g[u] = append(g[u], rarc{v, cap, cost, len(g[v]), orig, true})
		g[v] = append(g[v], rarc{u, 0, -cost, len(g[u]) - 1, orig, false})
	}
	flow := make([]int64, net.NumArcs())
	excess := make([]int64, n)
	for v := range n {
		excess[v] = net.Supply(v)
	}
	for i := range net.NumArcs() {
		from, to, lower, upper, cost := net.Arc(i)
		if lower > upper {
			return Infeasible, 0
		}
		f := lower
		if cost < 0 {
			f = upper
		}
		flow[i] = f
		excess[from] -= f
		excess[to] += f
		// Forward room upper-f, backward room f-lower.
		g[from] = append(g[from], rarc{to, upper - f, cost, len(g[to]), i, true})
		g[to] = append(g[to], rarc{from, f - lower, -cost, len(g[from]) - 1, i, false})
	}
	src, sink := n, n+1
	var need int64
	for v, e := range excess {
		if e > 0 {
			addArc(src, v, e, 0, -1)
			need += e
		} else if e < 0 {
			addArc(v, sink, -e, 0, -1)
		}
	}
	var sentTotal int64
	for {
		dist := make([]int64, n+2)
		prevNode := make([]int, n+2)
		prevArc := make([]int, n+2)
		for i := range dist {
			dist[i] = math.MaxInt64
		}
		dist[src] = 0
		for range n + 2 {
			changed := false
			for u := range g {
				if dist[u] == math.MaxInt64 {
					continue
				}
				for k, a := range g[u] {
					if a.cap > 0 && dist[u]+a.cost < dist[a.to] {
						dist[a.to] = dist[u] + a.cost
						prevNode[a.to], prevArc[a.to] = u, k
						changed = true
					}
				}
			}
			if !changed {
				break
			}
		}
		if dist[sink] == math.MaxInt64 {
			break
		}
		push := int64(math.MaxInt64)
		for v := sink; v != src; v = prevNode[v] {
			push = min(push, g[prevNode[v]][prevArc[v]].cap)
		}
		for v := sink; v != src; v = prevNode[v] {
			a := &g[prevNode[v]][prevArc[v]]
			a.cap -= push
			g[v][a.rev].cap += push
			if a.original >= 0 {
				if a.forward {
					flow[a.original] += push
				} else {
					flow[a.original] -= push
				}
			}
		}
		sentTotal += push
	}
	var total int64
	for _, e := range excess {
		total += e
	}
	if total != 0 || sentTotal != need {
		return Infeasible, 0
	}
	var cost int64
	for i, f := range flow {
		_, _, _, _, c := net.Arc(i)
		cost += f * c
	}
	return Optimal, cost
}

// mediumNetwork draws a random network of up to 60 nodes and 300 arcs
// with finite capacities; supplies are planted as in tinyNetwork.
func mediumNetwork(t *rapid.T) *Network {
	nodes := rapid.IntRange(2, 60).Draw(t, "nodes")
	net := NewNetwork(nodes)
	arcs := rapid.IntRange(0, 300).Draw(t, "arcs")
	for range arcs {
		from := rapid.IntRange(0, nodes-1).Draw(t, "from")
		to := rapid.IntRange(0, nodes-1).Draw(t, "to")
		lower := int64(0)
		if rapid.IntRange(0, 9).Draw(t, "hasLower") == 0 {
			lower = rapid.Int64Range(0, 5).Draw(t, "lower")
		}
		upper := lower + rapid.Int64Range(0, 40).Draw(t, "room")
		cost := rapid.Int64Range(-20, 50).Draw(t, "cost")
		net.AddArc(from, to, lower, upper, cost)
	}
	plantSupplies(t, net, 0)
	return net
}

func TestSolveMatchesSuccessiveShortestPaths(t *testing.T) {
	for range 5 {
		rapid.Check(t, func(t *rapid.T) {
			net := mediumNetwork(t)
			wantStatus, wantCost := sspMinCost(net)
			sol, err := net.Solve()
			if err != nil {
				t.Fatalf("Solve: %v", err)
			}
			if sol.Status != wantStatus {
				t.Fatalf("status %v, reference %v", sol.Status, wantStatus)
			}
			if sol.Status == Optimal {
				if sol.Cost != wantCost {
					t.Fatalf("cost %d, reference %d", sol.Cost, wantCost)
				}
				if err := checkFlow(net, sol); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestSolveWithFrequentReanchoring(t *testing.T) {
	// Re-anchoring the potentials is needed only after long drifts on
	// huge costs; shrinking the threshold exercises it on every instance.
	defer func(old int64) { potentialDrift = old }(potentialDrift)
	potentialDrift = 3
	rapid.Check(t, func(t *rapid.T) {
		net := mediumNetwork(t)
		wantStatus, wantCost := sspMinCost(net)
		sol := mustSolve(t, net)
		if sol.Status != wantStatus || (sol.Status == Optimal && sol.Cost != wantCost) {
			t.Fatalf("got %v/%d, reference %v/%d", sol.Status, sol.Cost, wantStatus, wantCost)
		}
	})
}
