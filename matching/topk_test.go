package matching

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"pgregory.net/rapid"
)

// relatedPairs relates food with groceries, and tools with repairs.
func relatedPairs(a, b string) bool {
	pair := func(x, y string) bool { return (a == x && b == y) || (a == y && b == x) }
	return pair("food", "groceries") || pair("tools", "repairs")
}

func base(id string) Listing {
	return Listing{
		ID: id, OrgID: "org-" + id, StreetID: "s1", Category: "food",
		Lat: 48.8566, Lng: 2.3522, RadiusKm: 10, Quantity: 4,
		Occurrences: []Interval{iv(10, 12)},
	}
}

func TestEvaluateScore(t *testing.T) {
	need := base("need")
	offer := base("offer")
	offer.Quantity = 2                         // capacity fit 0.5
	offer.Occurrences = []Interval{iv(11, 13)} // covers half the need's time
	score, reasons, ok := Evaluate(need, offer, nil)
	if !ok {
		t.Fatal("not compatible")
	}
	want := Reasons{DistanceKm: 0, TimeOverlap: 0.5, CapacityFit: 0.5, CategoryExact: true}
	if reasons != want || math.Abs(score-(0.3+0.4*0.5+0.2*0.5+0.1)) > 1e-12 {
		t.Fatalf("score %v reasons %+v", score, reasons)
	}

	// Distance counts against the smaller radius.
	offer.Lat += 4 / kmPerDegreeLat // 4 km north
	offer.RadiusKm = 5
	score, reasons, _ = Evaluate(need, offer, nil)
	if math.Abs(reasons.DistanceKm-4) > 1e-6 || math.Abs(score-(0.3*(1-4.0/5)+0.2+0.1+0.1)) > 1e-6 {
		t.Fatalf("score %v reasons %+v", score, reasons)
	}
}

func TestEvaluateRules(t *testing.T) {
	tests := []struct {
		name   string
		modify func(q, o *Listing)
		ok     bool
	}{
		{"compatible", func(q, o *Listing) {}, true},
		{"same org", func(q, o *Listing) { o.OrgID = q.OrgID }, false},
		{"no orgs", func(q, o *Listing) { q.OrgID, o.OrgID = "", "" }, true},
		{"street only, same street", func(q, o *Listing) { o.StreetOnly = true }, true},
		{"street only, other street", func(q, o *Listing) { q.StreetOnly, o.StreetID = true, "s2" }, false},
		{"street only, no street", func(q, o *Listing) { o.StreetOnly, q.StreetID, o.StreetID = true, "", "" }, false},
		{"other street, not street only", func(q, o *Listing) { o.StreetID = "s2" }, true},
		{"related category", func(q, o *Listing) { o.Category = "groceries" }, true},
		{"unrelated category", func(q, o *Listing) { o.Category = "tools" }, false},
		{"beyond the other's radius", func(q, o *Listing) { o.Lng += 0.1; o.RadiusKm = 7 }, false},
		{"beyond the query's radius", func(q, o *Listing) { o.Lng += 0.1; q.RadiusKm = 7 }, false},
		{"within both radii", func(q, o *Listing) { o.Lng += 0.1 }, true},
		{"touching occurrences", func(q, o *Listing) { o.Occurrences = []Interval{iv(12, 14)} }, false},
		{"no occurrences", func(q, o *Listing) { o.Occurrences = nil }, false},
		{"nothing to give", func(q, o *Listing) { o.Quantity = 0 }, false},
		{"nothing wanted", func(q, o *Listing) { q.Quantity = 0 }, false},
		{"invalid coordinates", func(q, o *Listing) { o.Lat = math.NaN() }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, o := base("q"), base("o")
			tc.modify(&q, &o)
			if _, _, ok := Evaluate(q, o, relatedPairs); ok != tc.ok {
				t.Fatalf("compatible = %v, want %v", ok, tc.ok)
			}
			// The index must agree with Evaluate.
			got := TopK(q, NewIndex([]Listing{o}), 5, relatedPairs)
			if (len(got) == 1) != tc.ok {
				t.Fatalf("TopK found %d, want compatible = %v", len(got), tc.ok)
			}
		})
	}
}

// randomListing draws a listing near center, with attributes from small
// sets so that collisions (same org, street, category, score) are common
// while most pairs still have a fair chance of being compatible.
func randomListing(t *rapid.T, id string, center point) Listing {
	spread := rapid.SampledFrom([]float64{0.05, 0.1, 0.01, 0.2, 0}).Draw(t, "spread")
	l := Listing{
		ID:         rapid.SampledFrom([]string{id, id, id, "dup"}).Draw(t, "id"),
		OrgID:      rapid.SampledFrom([]string{"o1", "o2", "o3", "o4", ""}).Draw(t, "org"),
		StreetID:   rapid.SampledFrom([]string{"s1", "s2", ""}).Draw(t, "street"),
		StreetOnly: rapid.IntRange(0, 5).Draw(t, "streetOnly") == 5,
		Category:   rapid.SampledFrom([]string{"food", "groceries", "food", "tools", "repairs", ""}).Draw(t, "category"),
		Lat:        max(-90, min(90, center.lat+rapid.Float64Range(-spread, spread).Draw(t, "dlat"))),
		Lng:        math.Remainder(center.lng+rapid.Float64Range(-spread, spread).Draw(t, "dlng"), 360),
		RadiusKm:   rapid.SampledFrom([]float64{25, 60, 10, 5, 1, 25, 60, 0}).Draw(t, "radius"),
		Quantity:   rapid.SampledFrom([]int64{3, 1, 2, 5, 8, 0}).Draw(t, "quantity"),
	}
	for range rapid.SampledFrom([]int{1, 2, 3, 1, 0}).Draw(t, "occurrences") {
		a := rapid.IntRange(0, 8).Draw(t, "start")
		l.Occurrences = append(l.Occurrences, iv(float64(a), float64(a+rapid.IntRange(1, 10).Draw(t, "hours"))))
	}
	return l
}

// bruteTopK ranks every listing with Evaluate.
func bruteTopK(query Listing, listings []Listing, k int, related Related) []Suggestion {
	var all []Suggestion
	for i, l := range listings {
		if score, reasons, ok := Evaluate(query, l, related); ok {
			all = append(all, Suggestion{ID: l.ID, Index: i, Score: score, Reasons: reasons})
		}
	}
	slices.SortFunc(all, func(a, b Suggestion) int {
		if better(&a, &b) {
			return -1
		}
		return 1
	})
	return all[:min(k, len(all))]
}

func TestTopKMatchesBruteForce(t *testing.T) {
	centers := []point{newPoint(48.85, 2.35), newPoint(0, 179.95), newPoint(89.9, 0), newPoint(-33.9, -70.6)}
	for range 10 {
		rapid.Check(t, func(t *rapid.T) {
			center := rapid.SampledFrom(centers).Draw(t, "center")
			listings := make([]Listing, rapid.SampledFrom([]int{30, 10, 60, 3, 1, 0}).Draw(t, "n"))
			for i := range listings {
				listings[i] = randomListing(t, "L"+strconv.Itoa(i), center)
			}
			query := randomListing(t, "Q", center)
			if rapid.IntRange(0, 4).Draw(t, "usableQuery") > 0 {
				// Mostly ask with a query that can match at all.
				query.Quantity = max(query.Quantity, 1)
				query.RadiusKm = max(query.RadiusKm, 25)
				query.Occurrences = append(query.Occurrences, iv(2, 9))
			}
			k := rapid.IntRange(1, 10).Draw(t, "k")
			related := rapid.SampledFrom([]Related{nil, relatedPairs}).Draw(t, "related")
			got := TopK(query, NewIndex(listings), k, related)
			want := bruteTopK(query, listings, k, related)
			if len(want) == 0 {
				want = nil
			}
			if !slices.Equal(got, want) {
				t.Fatalf("TopK\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestTopKIgnoresInputOrder(t *testing.T) {
	var listings []Listing
	for i := range 2000 {
		l := base("L" + strconv.Itoa(i))
		l.Lat += float64(i%37) * 0.002
		l.Lng += float64(i%23) * 0.003
		l.Quantity = int64(1 + i%3) // many equal scores: ties go by ID
		listings = append(listings, l)
	}
	query := base("query")
	ids := func(s []Suggestion) []string {
		var out []string
		for _, x := range s {
			out = append(out, x.ID)
		}
		return out
	}
	first := ids(TopK(query, NewIndex(listings), 25, nil))
	// Scores here run up to 0.95, so the distance cut-off of the search is
	// active: the result must still be what ranking everything gives.
	if want := ids(bruteTopK(query, listings, 25, nil)); !slices.Equal(first, want) {
		t.Fatalf("TopK %v\nbrute force %v", first, want)
	}
	slices.Reverse(listings)
	if second := ids(TopK(query, NewIndex(listings), 25, nil)); !slices.Equal(first, second) {
		t.Fatalf("order depends on input order:\n%v\n%v", first, second)
	}
}

func TestCandidateEdges(t *testing.T) {
	offers := []Listing{base("a"), base("b"), base("c")}
	offers[1].Category = "tools"
	offers[2].Quantity = 1
	needs := []Listing{base("x"), base("y")}
	needs[1].Category = "repairs"
	edges := CandidateEdges(NewIndex(offers), needs, relatedPairs, 0)
	// x: a (fit 1) before c (fit 0.25); y: b via a related category.
	if len(edges) != 3 || edges[0].Offer != 0 || edges[1].Offer != 2 || edges[2] != (Edge{Offer: 1, Need: 1, Score: edges[2].Score}) {
		t.Fatalf("edges %+v", edges)
	}
	if got := CandidateEdges(NewIndex(offers), needs, relatedPairs, 1); len(got) != 2 {
		t.Fatalf("perNeed 1 gave %d edges", len(got))
	}
}

func TestRelatedCategories(t *testing.T) {
	related := RelatedCategories(map[string][]string{"food": {"groceries"}, "tools": {"repairs", "garden"}})
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"food", "groceries", true},
		{"groceries", "food", true},
		{"garden", "tools", true},
		{"food", "tools", false},
		{"repairs", "garden", false},
	} {
		if got := related(tc.a, tc.b); got != tc.want {
			t.Errorf("related(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
