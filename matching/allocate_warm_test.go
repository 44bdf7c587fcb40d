package matching

import (
	"fmt"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// randomMarket draws a small market with IDs, for warm-start tests.
func randomMarket(t *rapid.T, prefix string) ([]Supply, []Demand, []Edge) {
	offers := make([]Supply, rapid.IntRange(1, 12).Draw(t, prefix+"offers"))
	for i := range offers {
		offers[i] = Supply{ID: fmt.Sprintf("o%d", i), Capacity: rapid.Int64Range(0, 6).Draw(t, "cap")}
	}
	needs := make([]Demand, rapid.IntRange(1, 12).Draw(t, prefix+"needs"))
	for j := range needs {
		needs[j] = Demand{ID: fmt.Sprintf("n%d", j), Quantity: rapid.Int64Range(0, 6).Draw(t, "qty")}
	}
	edges := make([]Edge, rapid.IntRange(0, 40).Draw(t, prefix+"edges"))
	for k := range edges {
		edges[k] = Edge{
			Offer: rapid.IntRange(0, len(offers)-1).Draw(t, "offer"),
			Need:  rapid.IntRange(0, len(needs)-1).Draw(t, "need"),
			Score: float64(rapid.IntRange(0, 20).Draw(t, "score")) / 20,
		}
	}
	return offers, needs, edges
}

// A warm run from the basis of any earlier run (a perturbed copy of the
// market, or an unrelated one) finds an optimum as good as a cold run's,
// and its own basis is again usable.
func TestAllocateWarmMatchesCold(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		offers, needs, edges := randomMarket(t, "first")
		_, basis := AllocateWarm(nil, offers, needs, edges)

		if rapid.Bool().Draw(t, "unrelated") {
			offers, needs, edges = randomMarket(t, "second")
		} else {
			for i := range offers {
				if rapid.IntRange(0, 4).Draw(t, "changeOffer") == 0 {
					offers[i].Capacity = rapid.Int64Range(0, 6).Draw(t, "cap")
				}
			}
			for j := range needs {
				if rapid.IntRange(0, 4).Draw(t, "changeNeed") == 0 {
					needs[j].Quantity = rapid.Int64Range(0, 6).Draw(t, "qty")
				}
			}
			if len(edges) > 0 && rapid.Bool().Draw(t, "dropEdge") {
				k := rapid.IntRange(0, len(edges)-1).Draw(t, "edge")
				edges = append(edges[:k:k], edges[k+1:]...)
			}
			if rapid.Bool().Draw(t, "reverse") {
				// Listings in another order: the basis maps them by ID.
				offers, edges = reversedOffers(offers, edges)
			}
		}
		cold := Allocate(offers, needs, edges)
		warm, again := AllocateWarm(basis, offers, needs, edges)
		checkAllocation(t, offers, needs, edges, warm)
		if w, want := allocationWeight(warm), allocationWeight(cold); w != want {
			t.Fatalf("warm weight %d, cold %d", w, want)
		}
		if repeat, _ := AllocateWarm(basis, offers, needs, edges); !reflect.DeepEqual(repeat, warm) {
			t.Fatal("warm run not deterministic")
		}
		if third, _ := AllocateWarm(again, offers, needs, edges); allocationWeight(third) != allocationWeight(cold) {
			t.Fatal("basis of a warm run gives a worse allocation")
		}
	})
}

// reversedOffers lists the offers backwards and renumbers the edges.
func reversedOffers(offers []Supply, edges []Edge) ([]Supply, []Edge) {
	n := len(offers)
	rev := make([]Supply, n)
	for i, o := range offers {
		rev[n-1-i] = o
	}
	out := make([]Edge, len(edges))
	for k, e := range edges {
		out[k] = Edge{Offer: n - 1 - e.Offer, Need: e.Need, Score: e.Score}
	}
	return rev, out
}

// When only amounts change (and none that was 0 becomes positive), the
// warm run restarts the kept networks in place; it must still agree with
// a cold run.
func TestAllocateWarmInPlace(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		offers, needs, edges := randomMarket(t, "first")
		for i := range offers {
			offers[i].Capacity++
		}
		for j := range needs {
			needs[j].Quantity++
		}
		_, basis := AllocateWarm(nil, offers, needs, edges)
		for round := range 3 {
			for i := range offers {
				if rapid.IntRange(0, 3).Draw(t, "changeOffer") == 0 {
					offers[i].Capacity = rapid.Int64Range(0, 6).Draw(t, "cap")
				}
			}
			for j := range needs {
				if rapid.IntRange(0, 3).Draw(t, "changeNeed") == 0 {
					needs[j].Quantity = rapid.Int64Range(0, 6).Draw(t, "qty")
				}
			}
			inPlace := basis.kept.fits(offers, needs, edges)
			if round == 0 && !inPlace {
				t.Fatal("amount changes from a positive start must fit the kept networks")
			}
			warm, next := AllocateWarm(basis, offers, needs, edges)
			checkAllocation(t, offers, needs, edges, warm)
			if w, want := allocationWeight(warm), allocationWeight(Allocate(offers, needs, edges)); w != want {
				t.Fatalf("round %d (in place %v): warm weight %d, cold %d", round, inPlace, w, want)
			}
			basis = next
		}
	})
}

// A component none of whose amounts changed is reused as it is: its
// solved network is the very one of the earlier basis, and the result
// still matches a cold run.
func TestAllocateWarmReusesUntouchedComponents(t *testing.T) {
	offers := []Supply{{ID: "a", Capacity: 3}, {ID: "b", Capacity: 2}, {ID: "c", Capacity: 4}, {ID: "d", Capacity: 1}}
	needs := []Demand{{ID: "x", Quantity: 2}, {ID: "y", Quantity: 3}, {ID: "z", Quantity: 5}}
	// Two components: {a, b, x, y} and {c, d, z}.
	edges := []Edge{
		{Offer: 0, Need: 0, Score: 0.9}, {Offer: 0, Need: 1, Score: 0.5}, {Offer: 1, Need: 1, Score: 0.7},
		{Offer: 2, Need: 2, Score: 0.4}, {Offer: 3, Need: 2, Score: 0.8},
	}
	_, first := AllocateWarm(nil, offers, needs, edges)
	offers[2].Capacity = 1 // touches the second component only
	got, second := AllocateWarm(first, offers, needs, edges)
	want := Allocate(offers, needs, edges)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("warm %+v, cold %+v", got, want)
	}
	if len(second.kept.comps) != 2 {
		t.Fatalf("%d components, want 2", len(second.kept.comps))
	}
	same := func(a, b keptComponent) bool { return a.sp == b.sp && a.fl == b.fl }
	if !same(second.kept.comps[0], first.kept.comps[0]) {
		t.Error("untouched component was solved again")
	}
	if same(second.kept.comps[1], first.kept.comps[1]) {
		t.Error("changed component was not solved again")
	}
}
