package matching

import (
	"testing"

	"pgregory.net/rapid"
)

// marketNetwork draws a small matching market written as one network, in
// one of the two shapes that give a crash start: a super source and super
// sink with a bypass (as `gen -family geo` writes it), or offers supplying
// their capacity with a "keep" arc into a sink (as Allocate's components).
// Pair costs are mostly negative; now and then a few arbitrary arcs (any
// direction, lower bounds, positive or negative costs) spoil the
// structure, and the bypass or a keep arc may be too small to carry its
// node's supply, so that the crash start has to give up.
func marketNetwork(t *rapid.T) *Network {
	offers := rapid.IntRange(1, 12).Draw(t, "offers")
	needs := rapid.IntRange(1, 12).Draw(t, "needs")
	geo := rapid.Bool().Draw(t, "geo")
	base := 0
	if geo {
		base = 1 // node 0 is the super source
	}
	sink := base + offers + needs
	net := NewNetwork(sink + 1)
	var total int64
	q := make([]int64, offers)
	for i := range q {
		q[i] = rapid.Int64Range(0, 9).Draw(t, "capacity")
		total += q[i]
	}
	short := func(c int64) int64 {
		if rapid.IntRange(0, 9).Draw(t, "short") == 0 {
			return max(c-1, 0)
		}
		return c + rapid.Int64Range(0, 2).Draw(t, "spare")
	}
	for i := range offers {
		if geo {
			net.AddArc(0, base+i, 0, q[i], 0)
		} else {
			net.SetSupply(base+i, q[i])
			net.AddArc(base+i, sink, 0, short(q[i]), rapid.Int64Range(0, 1).Draw(t, "keepCost"))
		}
	}
	for range rapid.IntRange(0, 3*offers*needs/2).Draw(t, "pairs") {
		i := rapid.IntRange(0, offers-1).Draw(t, "offer")
		j := rapid.IntRange(0, needs-1).Draw(t, "need")
		net.AddArc(base+i, base+offers+j, 0, rapid.Int64Range(1, 9).Draw(t, "pairCap"), -rapid.Int64Range(0, 30).Draw(t, "weight"))
	}
	for j := range needs {
		net.AddArc(base+offers+j, sink, 0, rapid.Int64Range(0, 9).Draw(t, "quantity"), 0)
	}
	if geo {
		net.AddArc(0, sink, 0, short(total), 0)
		net.SetSupply(0, total)
	}
	net.SetSupply(sink, -total)
	if rapid.IntRange(0, 3).Draw(t, "spoil") == 0 {
		for range rapid.IntRange(1, 4).Draw(t, "extra") {
			from := rapid.IntRange(0, sink).Draw(t, "from")
			to := rapid.IntRange(0, sink).Draw(t, "to")
			lower := rapid.Int64Range(0, 1).Draw(t, "lower")
			net.AddArc(from, to, lower, lower+rapid.Int64Range(0, 5).Draw(t, "room"), rapid.Int64Range(-10, 10).Draw(t, "cost"))
		}
	}
	return net
}

func TestCrashStartMatchesSuccessiveShortestPaths(t *testing.T) {
	var crashed, all int
	for range 10 {
		rapid.Check(t, func(t *rapid.T) {
			net := marketNetwork(t)
			all++
			if sp, st, err := newSimplex(net, false, nil); err == nil && st == Optimal {
				if _, _, ok := sp.crashHint(sp.supply); ok {
					crashed++
				}
			}
			wantStatus, wantCost := sspMinCost(net)
			sol := mustSolve(t, net)
			if sol.Status != wantStatus {
				t.Fatalf("status %v, reference %v", sol.Status, wantStatus)
			}
			if sol.Status != Optimal {
				return
			}
			if sol.Cost != wantCost {
				t.Fatalf("cost %d, reference %d", sol.Cost, wantCost)
			}
			if err := checkFlow(net, sol); err != nil {
				t.Fatal(err)
			}
		})
	}
	// The generator is only useful if most instances take the crash start.
	if crashed < all/2 {
		t.Fatalf("crash start on %d of %d instances", crashed, all)
	}
	t.Logf("crash start on %d of %d instances", crashed, all)
}
