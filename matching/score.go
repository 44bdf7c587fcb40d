package matching

import "math"

// Related reports whether listings of category b can serve listings of
// category a (or the other way round; the engine always asks with the
// query's category as a). A nil Related relates no two distinct
// categories.
type Related func(a, b string) bool

// RelatedCategories builds a Related from a map listing, for each
// category, the categories related to it. The relation is made symmetric:
// a and b are related if either lists the other. The map is copied, so
// later changes to it have no effect.
func RelatedCategories(m map[string][]string) Related {
	type pair struct{ a, b string }
	set := make(map[pair]bool)
	for a, bs := range m {
		for _, b := range bs {
			set[pair{a, b}] = true
			set[pair{b, a}] = true
		}
	}
	return func(a, b string) bool { return set[pair{a, b}] }
}

// Reasons explain a score, from the point of view of the query listing.
type Reasons struct {
	// DistanceKm is the great-circle (haversine) distance.
	DistanceKm float64
	// TimeOverlap is the fraction of the query's total occurrence time
	// that the other listing's occurrences cover, in (0, 1].
	TimeOverlap float64
	// CapacityFit is min(1, other.Quantity / query.Quantity).
	CapacityFit float64
	// CategoryExact is true when both listings have the same category
	// (rather than merely related ones).
	CategoryExact bool
}

// Score weights; see Evaluate for the formula.
const (
	weightDistance = 0.3
	weightTime     = 0.4
	weightCapacity = 0.2
	weightCategory = 0.1
)

// Evaluate decides whether other is a match for query and, if so, scores
// it. The rules, applied the same way by [TopK] and [CandidateEdges]:
//
// Two listings are compatible when all of these hold:
//   - both have Quantity > 0;
//   - they belong to different organisations (an empty OrgID never
//     conflicts);
//   - if either is StreetOnly, both have the same non-empty StreetID;
//   - their categories are equal, or related(query.Category,
//     other.Category) is true;
//   - their haversine distance on a sphere of radius 6371 km is at most
//     both RadiusKm;
//   - their occurrences (half-open intervals) overlap for a positive
//     length of time.
//
// Listings with invalid coordinates (NaN, |Lat| > 90, |Lng| > 180) or a
// negative or NaN RadiusKm match nothing.
//
// The score of a compatible pair is
//
//	score = 0.3·(1 − DistanceKm / min(query.RadiusKm, other.RadiusKm))
//	      + 0.4·TimeOverlap
//	      + 0.2·CapacityFit
//	      + 0.1·(1 if CategoryExact else 0)
//
// where TimeOverlap is the share of the query's total occurrence time
// covered by the other listing's occurrences, CapacityFit is
// min(1, other.Quantity / query.Quantity), and the distance term is taken
// as 1 when min(query.RadiusKm, other.RadiusKm) is 0 (compatibility then
// requires DistanceKm = 0). Each term lies in [0, 1] and the
// weights add up to 1, so the score lies in [0, 1]. Rankings order by
// score, highest first, and break ties by ascending ID, so equal input
// always gives equal output.
func Evaluate(query, other Listing, related Related) (score float64, reasons Reasons, ok bool) {
	q, okQ := newQueryRecord(query)
	r, okR := newRecord(other, 0)
	if !okQ || !okR {
		return 0, Reasons{}, false
	}
	r.org = q.orgOf(other.OrgID)
	r.street = q.streetOf(other.StreetID)
	if !q.sameCategory(other.Category) && (related == nil || !related(query.Category, other.Category)) {
		return 0, Reasons{}, false
	}
	return q.evaluate(&r, other.Category == query.Category)
}

// record is a listing reduced to what matching needs, with everything that
// can be precomputed precomputed. org and street are small integers so
// that comparisons in the inner loop of a search are integer compares.
type record struct {
	point
	radius     float64
	hav        float64 // havOfKm(radius)
	quantity   int64
	org        int32 // -1: no organisation
	street     int32 // -1: no street
	streetOnly bool
	spans      []span
	id         string
	index      int32 // position in the caller's slice
}

// newRecord prepares a listing; ok is false when it can never match
// anything (no quantity, no time, no valid place).
func newRecord(l Listing, index int) (record, bool) {
	if l.Quantity <= 0 || !validCoordinates(l.Lat, l.Lng) || !(l.RadiusKm >= 0) {
		return record{}, false
	}
	spans := normalizeSpans(l.Occurrences)
	if len(spans) == 0 {
		return record{}, false
	}
	return record{
		point:      newPoint(l.Lat, l.Lng),
		radius:     l.RadiusKm,
		hav:        havOfKm(l.RadiusKm),
		quantity:   l.Quantity,
		org:        -1,
		street:     -1,
		streetOnly: l.StreetOnly,
		spans:      spans,
		id:         l.ID,
		index:      int32(index),
	}, true
}

// queryRecord is the query side of a match: a record plus what the score
// needs about the query, with its organisation and street mapped into the
// same small-integer space as the records it is compared with.
type queryRecord struct {
	record
	category string
	total    int64 // total occurrence time
	orgID    string
	streetID string
}

func newQueryRecord(l Listing) (queryRecord, bool) {
	r, ok := newRecord(l, -1)
	if !ok {
		return queryRecord{}, false
	}
	q := queryRecord{record: r, category: l.Category, total: totalDuration(r.spans),
		orgID: l.OrgID, streetID: l.StreetID}
	if l.OrgID != "" {
		q.org = 0
	}
	if l.StreetID != "" {
		q.street = 0
	}
	return q, true
}

// orgOf and streetOf give another listing's ids in the query's space: 0 for
// the query's own value, 1 for any other non-empty value, -1 for none.
func (q *queryRecord) orgOf(id string) int32    { return sameOrOther(q.orgID, id) }
func (q *queryRecord) streetOf(id string) int32 { return sameOrOther(q.streetID, id) }

func sameOrOther(mine, other string) int32 {
	switch {
	case other == "":
		return -1
	case other == mine:
		return 0
	}
	return 1
}

func (q *queryRecord) sameCategory(c string) bool { return c == q.category }

// evaluate applies every rule except the category one, which callers
// settle (an index searches only related categories), and scores the pair.
func (q *queryRecord) evaluate(r *record, exact bool) (float64, Reasons, bool) {
	if r.org >= 0 && r.org == q.org {
		return 0, Reasons{}, false
	}
	if (r.streetOnly || q.streetOnly) && (r.street < 0 || r.street != q.street) {
		return 0, Reasons{}, false
	}
	// Time before distance: the merge is cheaper than the trigonometry and
	// rejects most pairs that share a neighbourhood but not a time slot.
	shared := overlapDuration(q.spans, r.spans)
	if shared <= 0 {
		return 0, Reasons{}, false
	}
	// The haversine value settles clear cases without an arcsine; the
	// small margin leaves borderline ones to the exact test below, so the
	// result is the same as testing the distance alone.
	h := haversine(&q.point, &r.point)
	if h > min(q.hav, r.hav)*(1+1e-9)+1e-18 {
		return 0, Reasons{}, false
	}
	limit := min(q.radius, r.radius)
	d := havDistanceKm(h)
	if d > limit {
		return 0, Reasons{}, false
	}
	reasons := Reasons{
		DistanceKm:    d,
		TimeOverlap:   float64(shared) / float64(q.total),
		CapacityFit:   capacityFit(r.quantity, q.quantity),
		CategoryExact: exact,
	}
	return scoreOf(reasons, limit), reasons, true
}

func capacityFit(other, query int64) float64 { return math.Min(1, float64(other)/float64(query)) }

// scoreOf is the score of a pair with these reasons whose distance limit (the smaller radius)
// is limit.
func scoreOf(reasons Reasons, limit float64) float64 {
	closeness := 1.0
	if limit > 0 {
		closeness = 1 - reasons.DistanceKm/limit
	}
	category := 0.0
	if reasons.CategoryExact {
		category = 1
	}
	// Explicit float64 conversions forbid fused multiply-adds, so the sum
	// is computed identically on every platform.
	score := float64(weightDistance*closeness) + float64(weightTime*reasons.TimeOverlap) +
		float64(weightCapacity*reasons.CapacityFit) + float64(weightCategory*category)
	return min(max(score, 0), 1)
}

// Requantified returns s, a match of other for query (from TopK or Evaluate), as Evaluate would
// score the pair with the quantities query and other have now: only CapacityFit and the score
// depend on quantities, so nothing else (occurrences, distance) is computed again. ok is false
// when either quantity is not positive, as Evaluate's would be.
func Requantified(query, other Listing, s Suggestion) (Suggestion, bool) {
	if query.Quantity <= 0 || other.Quantity <= 0 {
		return Suggestion{}, false
	}
	s.Reasons.CapacityFit = capacityFit(other.Quantity, query.Quantity)
	s.Score = scoreOf(s.Reasons, min(query.RadiusKm, other.RadiusKm))
	return s, true
}
