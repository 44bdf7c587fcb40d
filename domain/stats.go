package domain

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"
)

// Stats ranges: the default look-back and the longest range one summary covers.
const (
	DefaultStatsRange = 30 * 24 * time.Hour
	MaxStatsRange     = 366 * 24 * time.Hour
)

// StatsFigures are the counts of one category, or of all, over a range [From, To). What each
// counts is defined at StatsStore.StatsData.
type StatsFigures struct {
	Offers, Needs, Claims, Approved, Fulfilled int64
	QuantityOffered, QuantityClaimed           int64
}

func (f *StatsFigures) add(g StatsFigures) {
	f.Offers += g.Offers
	f.Needs += g.Needs
	f.Claims += g.Claims
	f.Approved += g.Approved
	f.Fulfilled += g.Fulfilled
	f.QuantityOffered += g.QuantityOffered
	f.QuantityClaimed += g.QuantityClaimed
}

// CategoryStats are the figures of one category.
type CategoryStats struct {
	Category string
	StatsFigures
}

// StatsScope is what one summary counts: [From, To), optionally one street and optionally the
// listings and claims of one org.
type StatsScope struct {
	From, To time.Time
	StreetID string
	OrgID    string
}

// StatsData is what the store aggregates; the service derives the rest.
type StatsData struct {
	// ByCategory has a row per category with any listing or claim in scope.
	ByCategory []CategoryStats
	// Decisions are, per claim decided in scope after it was created, the time it waited.
	Decisions []time.Duration
	// RatingSum and RatingCount total the ratings given in scope.
	RatingSum, RatingCount int64
	// People (API.md §10): the active people registered in scope now (an org's: those of its
	// community or employed by it), how many of them are verified, and the service seconds of
	// people's fulfilled claims on needs with occurrences starting in the range.
	PeopleRegistered, PeopleVerified int64
	VolunteerSeconds                 int64
}

// StatsStore aggregates the figures of a scope.
type StatsStore interface {
	// StatsData counts, within s (From ≤ t < To, the street's and the org's only when set):
	// offers and needs: listings created in the range, and quantity_offered the summed quantity
	// of those offers; claims: claims created in the range (category: their listing's), and
	// quantity_claimed their summed quantity; approved: those of them ever approved (status
	// approved or fulfilled, or an approval in their history); fulfilled: those of them now
	// fulfilled. Decisions: claims approved or rejected in the range, except those decided at
	// creation (auto-approved, or accepted matching proposals). Ratings: feedback given in the
	// range. An org's scope is its own listings and the claims it owns or makes.
	StatsData(ctx context.Context, s StatsScope) (StatsData, error)
}

// StatsSummary is GET /stats/summary.
type StatsSummary struct {
	Scope      StatsScope
	ByCategory []CategoryStats
	Totals     StatsFigures
	// FulfilmentRate is Totals.Fulfilled / Totals.Approved; nil when nothing was approved.
	FulfilmentRate *float64
	// MedianHoursToDecision is the median of Decisions in hours; nil without decisions.
	MedianHoursToDecision *float64
	// AverageRating is the mean rating given; nil without feedback.
	AverageRating *float64
	// PeopleRegistered, PeopleVerified and VolunteerHours are the people figures of StatsData.
	PeopleRegistered, PeopleVerified int64
	VolunteerHours                   float64
}

// Stats is the use-case service of the statistics.
type Stats struct {
	store StatsStore
	now   func() time.Time
}

// NewStats returns the statistics service.
func NewStats(store StatsStore, now func() time.Time) (*Stats, error) {
	if store == nil || now == nil {
		return nil, errors.New("stats: nil dependency")
	}
	return &Stats{store: store, now: now}, nil
}

// StatsScopeFor is what part of the statistics p may read for the street it asks for (API.md
// §9): admins any street or all; coordinators their own street (the default; another is
// ErrForbidden); community staff and liaison officers their own org's figures, optionally
// narrowed to a street. Apps and anyone else: ErrForbidden.
func StatsScopeFor(p Principal, streetID string) (StatsScope, error) {
	switch {
	case p.IsAdmin():
		return StatsScope{StreetID: streetID}, nil
	case p.Role == RoleCoordinator && p.StreetID != "":
		if streetID != "" && streetID != p.StreetID {
			return StatsScope{}, ErrForbidden
		}
		return StatsScope{StreetID: p.StreetID}, nil
	case (p.Role == RoleCommunityStaff || p.Role == RoleLiaison) && p.OrgID != "":
		return StatsScope{StreetID: streetID, OrgID: p.OrgID}, nil
	}
	return StatsScope{}, ErrForbidden
}

// Summary computes the statistics of [from, to) that p may read. A nil to is now; a nil from is
// 30 days before to; the range must be non-empty and at most 366 days.
func (s *Stats) Summary(ctx context.Context, p Principal, streetID string, from, to *time.Time) (StatsSummary, error) {
	scope, err := StatsScopeFor(p, streetID)
	if err != nil {
		return StatsSummary{}, err
	}
	scope.To = s.now()
	if to != nil {
		scope.To = *to
	}
	scope.From = scope.To.Add(-DefaultStatsRange)
	if from != nil {
		scope.From = *from
	}
	switch {
	case !scope.To.After(scope.From):
		return StatsSummary{}, Invalid("to", "out_of_range", "to must be after from")
	case scope.To.Sub(scope.From) > MaxStatsRange:
		return StatsSummary{}, Invalid("to", "out_of_range", "the range may span at most 366 days")
	}
	data, err := s.store.StatsData(ctx, scope)
	if err != nil {
		return StatsSummary{}, err
	}
	return summarize(scope, data), nil
}

func summarize(scope StatsScope, d StatsData) StatsSummary {
	out := StatsSummary{Scope: scope, ByCategory: slices.Clone(d.ByCategory),
		PeopleRegistered: d.PeopleRegistered, PeopleVerified: d.PeopleVerified,
		VolunteerHours: float64(d.VolunteerSeconds) / 3600}
	slices.SortFunc(out.ByCategory, func(a, b CategoryStats) int { return cmp.Compare(a.Category, b.Category) })
	for _, c := range out.ByCategory {
		out.Totals.add(c.StatsFigures)
	}
	if out.Totals.Approved > 0 {
		r := float64(out.Totals.Fulfilled) / float64(out.Totals.Approved)
		out.FulfilmentRate = &r
	}
	if m, ok := medianHours(d.Decisions); ok {
		out.MedianHoursToDecision = &m
	}
	if d.RatingCount > 0 {
		r := float64(d.RatingSum) / float64(d.RatingCount)
		out.AverageRating = &r
	}
	return out
}

// medianHours is the median of ds in hours: the middle value, or the mean of the two middle
// values of an even count.
func medianHours(ds []time.Duration) (float64, bool) {
	if len(ds) == 0 {
		return 0, false
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2].Hours(), true
	}
	return (s[n/2-1].Hours() + s[n/2].Hours()) / 2, true
}
