package domain

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
	"github.com/gongjian/gongjian/matching"
)

// SuggestionHoldsMaxAge is how old the holds a suggestion ranks with may be: suggestions reflect
// this process's claims at once, other replicas' claims and lapsed pending holds within this.
const SuggestionHoldsMaxAge = time.Second

// SuggestionHorizon bounds the time over which suggestions compare occurrences.
const SuggestionHorizon = 366 * 24 * time.Hour

// Suggestion is a ranked counterpart for a listing.
type Suggestion struct {
	Listing     Listing
	Score       float64
	Quantity    int64
	DistanceKm  float64
	TimeOverlap float64
	CapacityFit float64
	Exact       bool
	AgreementID string
}

// candidate is a listing prepared for the engine: its occurrences in the range and its
// remaining quantity there.
type candidate struct {
	l         Listing
	remaining int64
	occs      []matching.Interval
}

// relatedFunc builds the engine's category relation from the catalogue.
func (m *Marketplace) relatedFunc(ctx context.Context) (matching.Related, map[string]Category, error) {
	cats, err := m.categories.Lookup(ctx)
	if err != nil {
		return nil, nil, err
	}
	rel := make(map[string][]string, len(cats))
	for code, c := range cats {
		rel[code] = c.Related
	}
	return matching.RelatedCategories(rel), cats, nil
}

// compatible lists the category codes that can match code: itself and its related ones (in
// either direction).
func compatible(code string, cats map[string]Category) []string {
	out := []string{code}
	for other, c := range cats {
		if other != code && (slices.Contains(c.Related, code) || slices.Contains(cats[code].Related, other)) {
			out = append(out, other)
		}
	}
	slices.Sort(out)
	return out
}

// prepare computes occurrences within [from, to) and remaining quantities for listings, reading
// the live holds of all of them in one query. The remaining quantity is the smallest over the
// range (the peak held subtracted), so an allocation never exceeds any single occurrence.
func (m *Marketplace) prepare(ctx context.Context, ls []Listing, from, to time.Time) ([]candidate, error) {
	out := m.occurring(ls, from, to)
	all := make([]*candidate, len(out))
	for i := range out {
		all[i] = &out[i]
	}
	return out, m.fillRemaining(ctx, all, from, to, 0)
}

// occurring is prepare without the holds: the listings that occur within [from, to), with their
// occurrences there, and remaining set to the whole quantity until fillRemaining reads the holds.
func (m *Marketplace) occurring(ls []Listing, from, to time.Time) []candidate {
	out := make([]candidate, 0, len(ls))
	for _, l := range ls {
		occs := m.occs.between(l, from, to)
		if len(occs) == 0 {
			continue
		}
		c := candidate{l: l, remaining: l.Quantity, occs: make([]matching.Interval, len(occs))}
		for i, o := range occs {
			c.occs[i] = matching.Interval{Start: o.Start, End: o.End}
		}
		out = append(out, c)
	}
	return out
}

// fillRemaining sets the remaining quantity of cs over their occurrences in [from, to), reading
// the live holds of all of them in one query, or, when maxAge is positive, reading them as they
// were at most maxAge ago where this process has read them then (ListingStore.RecentHoldsOf).
func (m *Marketplace) fillRemaining(ctx context.Context, cs []*candidate, from, to time.Time, maxAge time.Duration) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.l.ID
	}
	var (
		holds map[string][]Hold
		err   error
	)
	if maxAge > 0 {
		holds, err = m.listings.RecentHoldsOf(ctx, ids, from, to, m.now(), maxAge)
	} else {
		holds, err = m.listings.HoldsOf(ctx, ids, from, to, m.now())
	}
	if err != nil {
		return err
	}
	for _, c := range cs {
		whole := []schedule.Interval{{Start: c.occs[0].Start, End: c.occs[len(c.occs)-1].End}}
		c.remaining = c.l.Quantity - held(holds[c.l.ID], nil, whole)[0]
	}
	return nil
}

// rankSuggestions returns what matching.TopK would rank best for query among pool once every
// remaining quantity is known, while learning remaining quantities (through fill, which sets
// them) only for the query and the candidates that could still make the first limit.
//
// Reading a candidate's holds is what a suggestion costs: every hold over the horizon, a year of
// a busy car park's nights. Most candidates can be ranked out without them. A candidate's score
// rises with its remaining quantity, through CapacityFit alone, to its score at CapacityFit 1,
// and it is compatible, if at all, at any positive quantity. So the candidates are first ranked
// at that optimistic score (their places, times and categories known), and their holds are read
// in that order, a batch at a time, until the limit-th best exact score beats the optimistic
// score of every candidate still unread. Ties are read too, so the order of equal scores (by id)
// is TopK's.
func rankSuggestions(query *candidate, pool []candidate, limit int, related matching.Related, fill func([]*candidate) error) ([]matching.Suggestion, error) {
	if limit <= 0 || query.l.Quantity <= 0 {
		return nil, nil
	}
	optimistic := make([]matching.Listing, len(pool))
	for i := range pool {
		optimistic[i] = pool[i].engine()
		if pool[i].l.Quantity > 0 {
			optimistic[i].Quantity = math.MaxInt64
		}
	}
	q := query.engine()
	q.Quantity = query.l.Quantity
	order := matching.TopK(q, matching.NewIndex(optimistic), len(pool), related)
	var ranked []matching.Suggestion
	read, batch := 0, limit+limit/2+1
	for {
		end := min(read+batch, len(order))
		want := make([]*candidate, 0, end-read+1)
		if read == 0 {
			want = append(want, query) // with the first batch
		}
		for _, o := range order[read:end] {
			want = append(want, &pool[o.Index])
		}
		if err := fill(want); err != nil {
			return nil, err
		}
		if query.remaining <= 0 {
			return nil, nil // nothing left to match
		}
		exact := query.engine()
		for _, o := range order[read:end] {
			if s, ok := matching.Requantified(exact, pool[o.Index].engine(), o); ok {
				ranked = append(ranked, s)
			}
		}
		read = end
		slices.SortFunc(ranked, func(a, b matching.Suggestion) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Index, b.Index))
		})
		if read == len(order) || len(ranked) >= limit && ranked[limit-1].Score > order[read].Score {
			return ranked[:min(limit, len(ranked))], nil
		}
		batch *= 2
	}
}

func (c candidate) engine() matching.Listing {
	return matching.Listing{
		ID: c.l.ID, OrgID: c.l.OrgID, StreetID: c.l.StreetID, Category: c.l.Category,
		Lat: c.l.Location.Lat, Lng: c.l.Location.Lng, RadiusKm: c.l.RadiusKm, Quantity: max(c.remaining, 0),
		Occurrences: c.occs, StreetOnly: c.l.Visibility == VisibilityStreet,
	}
}

// agreementFinder answers, for pairs of orgs and a category, which active agreement would cover
// a claim between them (without the date check, which depends on the claim's window).
type agreementFinder struct {
	orgs map[string]Org
	ags  []Agreement
	now  time.Time
}

func (m *Marketplace) newAgreementFinder(ctx context.Context, orgIDs []string) (*agreementFinder, error) {
	f := &agreementFinder{orgs: map[string]Org{}, now: m.now()}
	if len(orgIDs) == 0 {
		return f, nil
	}
	slices.Sort(orgIDs)
	orgIDs = slices.Compact(orgIDs)
	ags, err := m.agreements.ActiveAgreementsOf(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	orgs, err := m.orgs.ListOrgs(ctx, OrgFilter{IDs: orgIDs})
	if err != nil {
		return nil, err
	}
	f.ags = ags
	for _, o := range orgs {
		f.orgs[o.ID] = o
	}
	return f, nil
}

func (f *agreementFinder) find(a, b, category string) string {
	x, y := f.orgs[a], f.orgs[b]
	for _, ag := range f.ags {
		if ag.EffectiveStatus(f.now) == AgreementActive && slices.Contains(ag.Categories, category) && ag.coversParties(x, y) {
			return ag.ID
		}
	}
	return ""
}

// Suggestions ranks counterparts for a listing: offers for a need, needs for an offer.
func (m *Marketplace) Suggestions(ctx context.Context, p Principal, side Side, id string, limit int) ([]Suggestion, error) {
	q, err := m.GetListing(ctx, p, side, id)
	if err != nil {
		return nil, err
	}
	now := m.now()
	from := now
	if all := m.occs.all(q); len(all) > 0 && all[0].Start.After(from) {
		from = all[0].Start
	}
	to := from.Add(SuggestionHorizon)
	related, cats, err := m.relatedFunc(ctx)
	if err != nil {
		return nil, err
	}
	other := SideOffer
	if side == SideOffer {
		other = SideNeed
	}
	near := q.Location
	found, err := m.ListListings(ctx, p, ListingFilter{
		Side: other, Categories: compatible(q.Category, cats), Statuses: []ListingStatus{ListingOpen},
		Near: &near, RadiusKm: q.RadiusKm, From: &from, To: &to, Page: Page{Limit: maxCandidates},
	})
	if err != nil {
		return nil, err
	}
	prepared := m.occurring(append(found, q), from, to)
	if len(prepared) == 0 || prepared[len(prepared)-1].l.ID != q.ID {
		return []Suggestion{}, nil // the listing itself has no occurrence left
	}
	query := &prepared[len(prepared)-1]
	pool := prepared[:len(prepared)-1]
	ranked, err := rankSuggestions(query, pool, limit, related, func(cs []*candidate) error {
		return m.fillRemaining(ctx, cs, from, to, SuggestionHoldsMaxAge)
	})
	if err != nil {
		return nil, err
	}
	// Agreements matter only for what is shown: look them up for the ranked few.
	orgIDs := []string{q.OrgID}
	for _, s := range ranked {
		orgIDs = append(orgIDs, pool[s.Index].l.OrgID)
	}
	finder, err := m.newAgreementFinder(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	out := make([]Suggestion, len(ranked))
	for i, s := range ranked {
		c := pool[s.Index]
		out[i] = Suggestion{
			Listing: c.l, Score: s.Score, Quantity: min(max(query.remaining, 0), max(c.remaining, 0)),
			DistanceKm: s.Reasons.DistanceKm, TimeOverlap: s.Reasons.TimeOverlap, CapacityFit: s.Reasons.CapacityFit,
			Exact: s.Reasons.CategoryExact, AgreementID: finder.find(q.OrgID, c.l.OrgID, claimCategory(q, c.l)),
		}
	}
	return out, nil
}

// maxCandidates bounds how many listings one suggestion query reads from the database.
const maxCandidates = 5000

// claimCategory is the category a claim between a and b would be in: the claimed listing's. In a
// suggestion either side may become the claimed one; the offer's category is used, as needs
// claim offers in the common case.
func claimCategory(a, b Listing) string {
	if a.Side == SideOffer {
		return a.Category
	}
	return b.Category
}
