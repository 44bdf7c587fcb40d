package matching

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestAllocateBeatsGreedy(t *testing.T) {
	// Greedy by score gives A→X (0.9) and leaves B idle: 0.9. The optimum
	// sends A→Y (0.8) and B→X (0.7): 1.5.
	offers := []Supply{{ID: "A", Capacity: 1}, {ID: "B", Capacity: 1}}
	needs := []Demand{{ID: "X", Quantity: 1}, {ID: "Y", Quantity: 1}}
	edges := []Edge{
		{Offer: 0, Need: 0, Score: 0.9},
		{Offer: 0, Need: 1, Score: 0.8},
		{Offer: 1, Need: 0, Score: 0.7},
	}
	got := Allocate(offers, needs, edges)
	want := Allocation{
		Assignments: []Assignment{
			{Offer: 0, Need: 1, Quantity: 1, Score: 0.8},
			{Offer: 1, Need: 0, Quantity: 1, Score: 0.7},
		},
		Matched: 2, Unmet: 0, Score: 0.8 + 0.7,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestAllocateDoesNotForceSaturation(t *testing.T) {
	// Plenty of capacity, small needs, plus a need nobody can serve.
	offers := []Supply{{ID: "A", Capacity: 10}, {ID: "B", Capacity: 0}}
	needs := []Demand{{ID: "X", Quantity: 3}, {ID: "Y", Quantity: 2}, {ID: "Z", Quantity: 4}}
	edges := []Edge{
		{Offer: 0, Need: 0, Score: 0.5},
		{Offer: 0, Need: 1, Score: 0.25},
		{Offer: 1, Need: 2, Score: 1},   // B has nothing to give
		{Offer: 0, Need: 2, Score: 0},   // worthless edge
		{Offer: 0, Need: 0, Score: 0.1}, // worse parallel edge
	}
	got := Allocate(offers, needs, edges)
	if got.Matched != 5 || got.Unmet != 4 {
		t.Fatalf("matched %d unmet %d, want 5 and 4: %+v", got.Matched, got.Unmet, got)
	}
	if len(got.Assignments) != 2 || got.Assignments[0].Score != 0.5 || got.Assignments[1].Need != 1 {
		t.Fatalf("unexpected assignments %+v", got.Assignments)
	}
}

func TestAllocateSeparateComponents(t *testing.T) {
	// Two independent markets; indexes interleave to check the mapping
	// back from each component's local numbering.
	offers := []Supply{{"A", 2}, {"B", 5}, {"C", 1}}
	needs := []Demand{{"X", 4}, {"Y", 1}, {"Z", 3}}
	edges := []Edge{
		{Offer: 1, Need: 2, Score: 0.6},
		{Offer: 0, Need: 0, Score: 0.9},
		{Offer: 2, Need: 0, Score: 0.3},
		{Offer: 1, Need: 1, Score: 0.2},
	}
	got := Allocate(offers, needs, edges)
	want := []Assignment{
		{Offer: 0, Need: 0, Quantity: 2, Score: 0.9},
		{Offer: 1, Need: 1, Quantity: 1, Score: 0.2},
		{Offer: 1, Need: 2, Quantity: 3, Score: 0.6},
		{Offer: 2, Need: 0, Quantity: 1, Score: 0.3},
	}
	if !reflect.DeepEqual(got.Assignments, want) || got.Matched != 7 || got.Unmet != 1 {
		t.Fatalf("got %+v", got)
	}
}

func TestAllocatePanicsOnBadEdge(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for an edge to a missing need")
		}
	}()
	Allocate([]Supply{{"A", 1}}, nil, []Edge{{Offer: 0, Need: 0, Score: 1}})
}

// allocationWeight is the exact objective Allocate maximises.
func allocationWeight(a Allocation) int64 {
	var w int64
	for _, x := range a.Assignments {
		w += scoreWeight(x.Score) * x.Quantity
	}
	return w
}

// bruteForceAllocation enumerates every integer quantity on every edge.
func bruteForceAllocation(offers []Supply, needs []Demand, edges []Edge) int64 {
	left := make([]int64, len(offers))
	for i, o := range offers {
		left[i] = clampQuantity(o.Capacity)
	}
	want := make([]int64, len(needs))
	for j, d := range needs {
		want[j] = clampQuantity(d.Quantity)
	}
	var best int64
	var rec func(k int, w int64)
	rec = func(k int, w int64) {
		if k == len(edges) {
			best = max(best, w)
			return
		}
		e := edges[k]
		for q := int64(0); q <= min(left[e.Offer], want[e.Need]); q++ {
			left[e.Offer] -= q
			want[e.Need] -= q
			rec(k+1, w+q*scoreWeight(e.Score))
			left[e.Offer] += q
			want[e.Need] += q
		}
	}
	rec(0, 0)
	return best
}

func TestAllocateMatchesBruteForce(t *testing.T) {
	scores := []float64{0, 0.1, 0.25, 0.5, 0.7, 0.8, 0.9, 1, -0.5, 1.5, math.NaN(), 0.3333333}
	for range 10 {
		rapid.Check(t, func(t *rapid.T) {
			offers := make([]Supply, rapid.IntRange(1, 3).Draw(t, "offers"))
			for i := range offers {
				offers[i] = Supply{ID: string(rune('A' + i)), Capacity: rapid.Int64Range(-1, 3).Draw(t, "cap")}
			}
			needs := make([]Demand, rapid.IntRange(1, 3).Draw(t, "needs"))
			for j := range needs {
				needs[j] = Demand{ID: string(rune('X' + j)), Quantity: rapid.Int64Range(-1, 3).Draw(t, "qty")}
			}
			edges := make([]Edge, rapid.IntRange(0, 5).Draw(t, "edges"))
			for k := range edges {
				score := rapid.SampledFrom(scores).Draw(t, "score")
				if rapid.Bool().Draw(t, "randomScore") {
					score = rapid.Float64Range(0, 1).Draw(t, "score")
				}
				edges[k] = Edge{
					Offer: rapid.IntRange(0, len(offers)-1).Draw(t, "offer"),
					Need:  rapid.IntRange(0, len(needs)-1).Draw(t, "need"),
					Score: score,
				}
			}
			got := Allocate(offers, needs, edges)
			checkAllocation(t, offers, needs, edges, got)
			if w, want := allocationWeight(got), bruteForceAllocation(offers, needs, edges); w != want {
				t.Fatalf("weight %d, brute force %d: %+v", w, want, got)
			}
			if again := Allocate(offers, needs, edges); !reflect.DeepEqual(got, again) {
				t.Fatalf("not deterministic: %+v vs %+v", got, again)
			}
		})
	}
}

// checkAllocation verifies the bounds, the totals and the order.
func checkAllocation(t *rapid.T, offers []Supply, needs []Demand, edges []Edge, a Allocation) {
	given := make([]int64, len(offers))
	got := make([]int64, len(needs))
	var matched, wanted int64
	type pair struct{ offer, need int }
	scoreOf := make(map[pair][]float64)
	for _, e := range edges {
		scoreOf[pair{e.Offer, e.Need}] = append(scoreOf[pair{e.Offer, e.Need}], clampScore(e.Score))
	}
	for k, x := range a.Assignments {
		if !slices.Contains(scoreOf[pair{x.Offer, x.Need}], x.Score) {
			t.Fatalf("assignment %d (%+v) matches no edge", k, x)
		}
		if x.Quantity <= 0 {
			t.Fatalf("assignment %d has quantity %d", k, x.Quantity)
		}
		if k > 0 {
			p := a.Assignments[k-1]
			if p.Offer > x.Offer || (p.Offer == x.Offer && p.Need > x.Need) {
				t.Fatalf("assignments out of order at %d", k)
			}
		}
		given[x.Offer] += x.Quantity
		got[x.Need] += x.Quantity
		matched += x.Quantity
	}
	for i, o := range offers {
		if given[i] > clampQuantity(o.Capacity) {
			t.Fatalf("offer %d gives %d of %d", i, given[i], o.Capacity)
		}
	}
	for j, d := range needs {
		if got[j] > clampQuantity(d.Quantity) {
			t.Fatalf("need %d gets %d of %d", j, got[j], d.Quantity)
		}
		wanted += clampQuantity(d.Quantity)
	}
	if a.Matched != matched || a.Unmet != wanted-matched {
		t.Fatalf("totals matched %d unmet %d, want %d and %d", a.Matched, a.Unmet, matched, wanted-matched)
	}
}
