package domain

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/gongjian/gongjian/matching"
)

// TestRankSuggestionsAsTopK checks, over thousands of random pools, that ranking while reading
// remaining quantities lazily gives exactly what matching.TopK gives once every remaining
// quantity is known, and that it reads each listing at most once and the query first.
func TestRankSuggestionsAsTopK(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 12))
	base := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	related := matching.RelatedCategories(map[string][]string{"parking": {"venue"}})
	cats := []string{"parking", "parking", "venue", "meeting"}
	listing := func(id string) (candidate, int64) {
		l := Listing{
			ID: id, OrgID: fmt.Sprintf("org-%d", rng.IntN(6)), StreetID: fmt.Sprintf("street-%d", rng.IntN(2)),
			Category: cats[rng.IntN(len(cats))], Quantity: int64(rng.IntN(8)),
			Location: Location{Lat: 31.2 + rng.Float64()*0.05, Lng: 121.4 + rng.Float64()*0.05},
			RadiusKm: []float64{1, 3, 5, 5}[rng.IntN(4)], Visibility: VisibilityPublic,
		}
		if rng.IntN(5) == 0 {
			l.Visibility = VisibilityStreet
		}
		c := candidate{l: l, remaining: l.Quantity}
		for d, n := rng.IntN(3), 1+rng.IntN(4); n > 0; d, n = d+1+rng.IntN(3), n-1 {
			start := base.Add(time.Duration(d)*24*time.Hour + time.Duration(17+rng.IntN(4))*time.Hour)
			c.occs = append(c.occs, matching.Interval{Start: start, End: start.Add(time.Duration(1+rng.IntN(5)) * time.Hour)})
		}
		// What the holds would leave: anything from the whole quantity to nothing (or less,
		// as an over-held listing after its quantity was lowered).
		return c, l.Quantity - int64(rng.IntN(int(l.Quantity)+2))
	}
	for trial := 0; trial < 3000; trial++ {
		truth := map[string]int64{}
		query, rest := listing("query")
		truth["query"] = rest
		pool := make([]candidate, rng.IntN(40))
		for i := range pool {
			id := fmt.Sprintf("l%02d", i)
			pool[i], truth[id] = listing(id)
			if i > 0 && rng.IntN(3) == 0 {
				// A twin of an earlier candidate, in another id: equal scores, ranked by id.
				twin := pool[rng.IntN(i)]
				twin.l.ID, twin.l.Quantity, twin.remaining = id, pool[i].l.Quantity, pool[i].l.Quantity
				pool[i] = twin
			}
		}
		limit := 1 + rng.IntN(12)

		// The reference: every remaining quantity known, then TopK.
		exact := make([]matching.Listing, len(pool))
		for i, c := range pool {
			c.remaining = truth[c.l.ID]
			exact[i] = c.engine()
		}
		q := query
		q.remaining = truth["query"]
		want := matching.TopK(q.engine(), matching.NewIndex(exact), limit, related)

		seen := map[string]bool{}
		calls := 0
		got, err := rankSuggestions(&query, pool, limit, related, func(cs []*candidate) error {
			calls++
			for i, c := range cs {
				if seen[c.l.ID] {
					return fmt.Errorf("%s read twice", c.l.ID)
				}
				if calls == 1 && i == 0 && c.l.ID != "query" {
					return errors.New("the query is not read first")
				}
				seen[c.l.ID] = true
				c.remaining = truth[c.l.ID]
			}
			return nil
		})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if len(got) == 0 && len(want) == 0 {
			got, want = nil, nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d (limit %d, %d candidates):\n got %+v\nwant %+v", trial, limit, len(pool), got, want)
		}
		for _, s := range got {
			if !seen[s.ID] || pool[s.Index].remaining != truth[s.ID] {
				t.Fatalf("trial %d: %s ranked without its holds read", trial, s.ID)
			}
		}
	}
}

// TestRankSuggestionsReadsFew: among 40 candidates that all match, each with room enough for the
// query (so the optimistic score is the exact one), ranking the best 10 reads the holds of the
// query and one batch of 16 only.
func TestRankSuggestionsReadsFew(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 3, 1, 19, 0, 0, 0, time.UTC)
	occs := []matching.Interval{{Start: start, End: start.Add(4 * time.Hour)}}
	at := func(id, org string, km float64) candidate {
		l := Listing{ID: id, OrgID: org, Category: "parking", Quantity: 5, RadiusKm: 5, Visibility: VisibilityPublic,
			Location: Location{Lat: 31.2 + km/111.2, Lng: 121.4}}
		return candidate{l: l, remaining: l.Quantity, occs: occs}
	}
	query := at("query", "community", 0)
	pool := make([]candidate, 40)
	for i := range pool {
		pool[i] = at(fmt.Sprintf("l%02d", i), "unit", float64(i)/10)
	}
	var read []string
	got, err := rankSuggestions(&query, pool, 10, nil, func(cs []*candidate) error {
		for _, c := range cs {
			read = append(read, c.l.ID)
		}
		return nil
	})
	if err != nil || len(got) != 10 || got[0].ID != "l00" || got[9].ID != "l09" {
		t.Fatalf("ranked %+v, %v", got, err)
	}
	if len(read) != 17 || read[0] != "query" {
		t.Errorf("read %d listings (%v), want the query and 16 candidates", len(read), read)
	}
}
