package matching

import "math"

// Suggestion is one candidate match for a query listing.
type Suggestion struct {
	// ID and Index identify the suggested listing: its ID, and its
	// position in the slice the Index was built from.
	ID      string
	Index   int
	Score   float64
	Reasons Reasons
}

// TopK returns the k best matches for query among the listings of idx,
// best first: highest score, ties broken by ascending ID (then by
// position, should IDs repeat). Compatibility and score are those of
// [Evaluate]; related may be nil. It returns nil when k <= 0 or nothing
// matches.
func TopK(query Listing, idx *Index, k int, related Related) []Suggestion {
	if k <= 0 {
		return nil
	}
	var h suggestionHeap
	idx.search(query, related, func(s Suggestion) float64 {
		h.offer(s, k)
		if len(h) < k {
			return math.Inf(-1)
		}
		// Only a score of at least the current k-th best can still enter.
		return h[0].Score
	})
	return h.sorted()
}

// CandidateEdges builds the edges of a matching run: for every need, its
// perNeed best offers in offers (all compatible offers when perNeed <= 0),
// scored from the need's point of view. Edge.Offer is the offer's position
// in the slice offers was built from and Edge.Need the need's position in
// needs. Edges come grouped by need, in need order, best offer first.
func CandidateEdges(offers *Index, needs []Listing, related Related, perNeed int) []Edge {
	k := perNeed
	if k <= 0 {
		k = offers.Len()
	}
	var edges []Edge
	for j, need := range needs {
		for _, s := range TopK(need, offers, k, related) {
			edges = append(edges, Edge{Offer: s.Index, Need: j, Score: s.Score})
		}
	}
	return edges
}

// search calls found for the listings of idx compatible with query.
// found returns a floor: the lowest score still of interest. Listings that
// provably score below the floor may be skipped, which lets a top-k search
// stop reading distant listings once it holds k close ones.
func (idx *Index) search(query Listing, related Related, found func(Suggestion) (floor float64)) {
	q, ok := newQueryRecord(query)
	if !ok || idx.Len() == 0 {
		return
	}
	q.org = lookup(idx.orgs, query.OrgID)
	q.street = lookup(idx.streets, query.StreetID)
	times := idx.times.mask(q.spans)
	if times == 0 {
		return
	}
	// No match can be farther than the query's radius or than the largest
	// radius in the index.
	reach := min(q.radius, idx.maxRadius)
	maxKm := math.Inf(1)
	for c, name := range idx.catNames {
		exact := name == query.Category
		if !exact && (related == nil || !related(query.Category, name)) {
			continue
		}
		idx.scan(&idx.grids[c], q.point, reach, times, &maxKm, func(rec int32) {
			r := &idx.records[rec]
			score, reasons, ok := q.evaluate(r, exact)
			if !ok {
				return
			}
			floor := found(Suggestion{ID: r.id, Index: int(r.index), Score: score, Reasons: reasons})
			maxKm = min(maxKm, distanceCutoff(floor, reach))
		})
	}
}

// distanceCutoff is the largest distance at which a listing could still
// score floor: every term but distance can add at most its weight, and the
// distance term is at most weightDistance·(1 − d/reach), since a pair's
// radius limit never exceeds reach. The result is widened slightly so that
// rounding cannot cut off a listing that exactly ties the floor.
func distanceCutoff(floor, reach float64) float64 {
	const others = weightTime + weightCapacity + weightCategory
	if floor <= others || math.IsInf(reach, 1) {
		return math.Inf(1)
	}
	return max(0, reach*(1-floor)/weightDistance)*(1+1e-9) + 1e-9
}

// better is the ranking order: higher score, then smaller ID, then smaller
// position.
func better(a, b *Suggestion) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	return a.Index < b.Index
}

// suggestionHeap keeps the best k suggestions seen so far in a binary heap
// whose root is the worst of them, so a newcomer is compared with the root
// only: O(log k) per kept candidate, O(1) per rejected one.
type suggestionHeap []Suggestion

func (h *suggestionHeap) offer(s Suggestion, k int) {
	if len(*h) < k {
		*h = append(*h, s)
		h.up(len(*h) - 1)
		return
	}
	if !better(&s, &(*h)[0]) {
		return
	}
	(*h)[0] = s
	h.down(0)
}

func (h suggestionHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(&h[p], &h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (h suggestionHeap) down(i int) {
	for {
		worst := i
		for _, c := range [2]int{2*i + 1, 2*i + 2} {
			if c < len(h) && better(&h[worst], &h[c]) {
				worst = c
			}
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// sorted empties the heap into a best-first slice.
func (h *suggestionHeap) sorted() []Suggestion {
	if len(*h) == 0 {
		return nil
	}
	out := make([]Suggestion, len(*h))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = (*h)[0]
		last := len(*h) - 1
		(*h)[0] = (*h)[last]
		*h = (*h)[:last]
		h.down(0)
	}
	return out
}
