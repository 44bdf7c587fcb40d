package domain

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
)

// Side says whether a listing offers something or asks for it.
type Side string

// Listing sides.
const (
	SideOffer Side = "offer"
	SideNeed  Side = "need"
)

// ListingStatus is the lister's switch; "closed" is also what a listing reads after valid_until.
type ListingStatus string

// Listing statuses.
const (
	ListingOpen   ListingStatus = "open"
	ListingPaused ListingStatus = "paused"
	ListingClosed ListingStatus = "closed"
)

// Visibility says who may read a listing.
type Visibility string

// Visibilities: public to every org, or only to the orgs of the listing's street.
const (
	VisibilityPublic Visibility = "public"
	VisibilityStreet Visibility = "street"
)

// Listing limits.
const (
	DefaultRadiusKm = 3.0
	MaxRadiusKm     = 100.0
	MaxQuantity     = 1_000_000
	MaxWindows      = 20
	// MaxRRuleLength bounds a window's rule before it is parsed.
	MaxRRuleLength  = 1000
	DefaultTimeZone = "Asia/Shanghai"
)

// Listing is an offer (capacity available in every occurrence of its windows) or a need
// (quantity wanted in every occurrence).
type Listing struct {
	ID             string
	Side           Side
	OrgID          string
	StreetID       string
	Category       string
	Title          string
	Description    string
	Quantity       int64
	Location       Location
	RadiusKm       float64
	Windows        []schedule.Window
	TimeZone       string
	Visibility     Visibility
	ValidUntil     *time.Time
	MaxPerClaimant int64 // 0: no cap
	// OpenToPeople lets verified people claim the listing themselves, approved by the owner
	// unless PeopleAutoApprove (API.md §10).
	OpenToPeople      bool
	PeopleAutoApprove bool
	Status            ListingStatus
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// WindowInput is a window as a client sends it.
type WindowInput struct {
	Start, End time.Time
	RRule      string
}

// ListingInput is what a caller may set on a listing; nil means absent.
type ListingInput struct {
	OrgID             *string
	Category          *string
	Title             *string
	Description       *string
	Quantity          *int64
	Location          *Location
	RadiusKm          *float64
	Windows           *[]WindowInput
	TimeZone          *string
	Visibility        *string
	ValidUntil        *time.Time
	MaxPerClaimant    *int64
	OpenToPeople      *bool
	PeopleAutoApprove *bool
	Status            *string
}

// Loc is the zone the listing's windows expand in.
func (l Listing) Loc() *time.Location { return ZoneOr(l.TimeZone) }

// EffectiveStatus is the status a reader sees at now: closed once valid_until has passed.
func (l Listing) EffectiveStatus(now time.Time) ListingStatus {
	return ListingStatus(effective(listingLapses, string(l.Status), l.ValidUntil != nil && !now.Before(*l.ValidUntil)))
}

// Occurrences returns the listing's occurrences overlapping [from, to), sorted by start.
func (l Listing) Occurrences(from, to time.Time) []schedule.Interval {
	loc := l.Loc()
	var out []schedule.Interval
	for _, w := range l.Windows {
		out = append(out, w.OccurrencesBetween(loc, from, to)...)
	}
	if len(l.Windows) > 1 {
		slices.SortFunc(out, func(a, b schedule.Interval) int { return a.Start.Compare(b.Start) })
	}
	return out
}

// Span is the time from the first occurrence's start to the last one's end.
func (l Listing) Span() schedule.Interval {
	return spanOf(l.Windows, l.Loc())
}

func spanOf(ws []schedule.Window, loc *time.Location) schedule.Interval {
	var span schedule.Interval
	for i, w := range ws {
		s := w.Span(loc)
		if i == 0 || s.Start.Before(span.Start) {
			span.Start = s.Start
		}
		if i == 0 || s.End.After(span.End) {
			span.End = s.End
		}
	}
	return span
}

// NewListing validates a new listing of org. known tells whether a category code exists.
func NewListing(side Side, org Org, in ListingInput, known func(string) bool, now time.Time) (Listing, error) {
	l := Listing{
		ID: NewID(), Side: side, OrgID: org.ID, StreetID: org.StreetID, RadiusKm: DefaultRadiusKm,
		TimeZone: DefaultTimeZone, Visibility: VisibilityPublic, Status: ListingOpen,
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	v := &ValidationError{}
	if org.Kind == KindDistrict {
		v.Add("org_id", "invalid", "a district does not post listings; post for a street, community or unit")
	}
	if in.Category == nil {
		v.Add("category", "required", "category is required")
	}
	if in.Title == nil {
		v.Add("title", "required", "title is required")
	}
	if in.Quantity == nil {
		v.Add("quantity", "required", "quantity is required")
	}
	if in.Location == nil {
		v.Add("location", "required", "location is required")
	}
	if in.Windows == nil {
		v.Add("windows", "required", "at least one window is required")
	}
	if in.Status != nil && ListingStatus(*in.Status) != ListingOpen {
		v.Add("status", "invalid", "a new listing is open")
	}
	in.Status = nil
	l.apply(in, known, now, v)
	return l, v.Err()
}

// Update applies a patch. Whether live claims still fit is checked by the caller with
// CheckShrink, under the listing's lock.
func (l *Listing) Update(in ListingInput, known func(string) bool, now time.Time) error {
	v := &ValidationError{}
	if in.OrgID != nil && *in.OrgID != l.OrgID {
		v.Add("org_id", "immutable", "org_id cannot change")
	}
	if in.Status != nil {
		to := ListingStatus(*in.Status)
		switch {
		case to != ListingOpen && to != ListingPaused && to != ListingClosed:
			v.Add("status", "invalid", "status must be open, paused or closed")
		case to != l.Status && l.Status == ListingClosed:
			return fmt.Errorf("%w: a closed listing stays closed", ErrInvalidTransition)
		}
	}
	l.apply(in, known, now, v)
	if err := v.Err(); err != nil {
		return err
	}
	l.Version++
	l.UpdatedAt = now
	return nil
}

func (l *Listing) apply(in ListingInput, known func(string) bool, now time.Time, v *ValidationError) {
	if in.Category != nil {
		l.Category = strings.TrimSpace(*in.Category)
		if !known(l.Category) {
			v.Add("category", "invalid", "category %q does not exist; see GET /categories", l.Category)
		}
	}
	if in.Title != nil {
		l.Title = strings.TrimSpace(*in.Title)
		if l.Title == "" {
			v.Add("title", "required", "title must not be empty")
		}
		checkLen(v, "title", l.Title, 200)
	}
	if in.Description != nil {
		l.Description = strings.TrimSpace(*in.Description)
		checkLen(v, "description", l.Description, 5000)
	}
	if in.Quantity != nil {
		l.Quantity = *in.Quantity
		if l.Quantity < 1 || l.Quantity > MaxQuantity {
			v.Add("quantity", "out_of_range", "quantity must be a positive integer up to %d", MaxQuantity)
		}
	}
	if in.Location != nil {
		in.Location.Validate("location", v)
		l.Location = *in.Location
	}
	if in.RadiusKm != nil {
		l.RadiusKm = *in.RadiusKm
		if math.IsNaN(l.RadiusKm) || l.RadiusKm <= 0 || l.RadiusKm > MaxRadiusKm {
			v.Add("radius_km", "out_of_range", "radius_km must be in (0, %g]", MaxRadiusKm)
		}
	}
	if in.TimeZone != nil {
		l.TimeZone = strings.TrimSpace(*in.TimeZone)
		if _, ok := Zone(l.TimeZone); !ok {
			v.Add("timezone", "invalid", "timezone must be an IANA zone such as Asia/Shanghai")
			l.TimeZone = DefaultTimeZone
		}
	}
	if in.Windows != nil || in.TimeZone != nil {
		if in.Windows != nil {
			l.Windows = nil
			// The count is checked before any rule is expanded: a refused request costs little.
			if len(*in.Windows) == 0 || len(*in.Windows) > MaxWindows {
				v.Add("windows", "out_of_range", "windows must hold 1 to %d windows", MaxWindows)
				return
			}
			for i, w := range *in.Windows {
				win, err := NewWindow(fmt.Sprintf("windows[%d]", i), w, l.Loc(), v)
				if err == nil {
					l.Windows = append(l.Windows, win)
				}
			}
		} else {
			for i, w := range l.Windows { // the zone changed: the rules must still hold in it
				_, _ = NewWindow(fmt.Sprintf("windows[%d]", i), WindowInput{w.Start, w.End, w.RRule}, l.Loc(), v)
			}
		}
	}
	if in.Visibility != nil {
		l.Visibility = Visibility(*in.Visibility)
		if l.Visibility != VisibilityPublic && l.Visibility != VisibilityStreet {
			v.Add("visibility", "invalid", "visibility must be public or street")
		}
	}
	if in.ValidUntil != nil {
		t := in.ValidUntil.UTC()
		l.ValidUntil = &t
		if !t.After(now) {
			v.Add("valid_until", "out_of_range", "valid_until must be in the future")
		}
	}
	if in.MaxPerClaimant != nil {
		l.MaxPerClaimant = *in.MaxPerClaimant
		if l.MaxPerClaimant < 1 || l.MaxPerClaimant > MaxQuantity {
			v.Add("max_per_claimant", "out_of_range", "max_per_claimant must be a positive integer")
		}
	}
	if in.OpenToPeople != nil {
		l.OpenToPeople = *in.OpenToPeople
	}
	if in.PeopleAutoApprove != nil {
		l.PeopleAutoApprove = *in.PeopleAutoApprove
	}
	if in.Status != nil {
		l.Status = ListingStatus(*in.Status)
	}
}

// NewWindow validates one window in loc, recording field errors under prefix.
func NewWindow(prefix string, w WindowInput, loc *time.Location, v *ValidationError) (schedule.Window, error) {
	if len(w.RRule) > MaxRRuleLength {
		v.Add(prefix+".rrule", "too_long", "rrule must be at most %d bytes", MaxRRuleLength)
		return schedule.Window{}, v.Err()
	}
	win, err := schedule.NewWindowIn(w.Start, w.End, w.RRule, loc)
	if err != nil {
		if fe, ok := err.(*schedule.FieldError); ok {
			v.Add(prefix+"."+fe.Field, fe.Code, "%s", fe.Message)
		} else {
			v.Add(prefix, "invalid", "%s", err.Error())
		}
		return win, err
	}
	return win, nil
}

// ListingFilter selects listings.
type ListingFilter struct {
	Side       Side
	Category   string
	Categories []string        // any of these
	Statuses   []ListingStatus // any of these (none: all)
	OrgID      string
	StreetID   string
	Near       *Location
	RadiusKm   float64
	From, To   *time.Time
	// OccursBetween, when set, answers the From/To test (the marketplace's occurrence cache);
	// otherwise the store expands each listing's windows itself.
	OccursBetween func(l Listing, from, to time.Time) bool
	Query         string
	// Reader limits street-only listings to the reader's street (empty: no limit).
	ReaderStreetID string
	ReaderOrgID    string
	RestrictStreet bool
	Now            time.Time
	Page           Page
}

// ListingStore persists listings and the holds that live claims place on them.
type ListingStore interface {
	CreateListing(ctx context.Context, l Listing, ev Event) error
	GetListing(ctx context.Context, id string) (Listing, error)
	ListListings(ctx context.Context, f ListingFilter) ([]Listing, error)
	// UpdateListing locks the listing, loads the holds that count at now, lets fn change the
	// listing, and saves it with the event fn returns, in one transaction.
	UpdateListing(ctx context.Context, id string, now time.Time, fn func(l *Listing, holds []Hold) (Event, error)) (Listing, error)
	// Holds returns the holds on listing id that count at now and overlap [from, to): approved
	// claims' and pending claims' whose expiry is after now, of occurrences not ended by now.
	Holds(ctx context.Context, id string, from, to, now time.Time) ([]Hold, error)
	// HoldsOf is Holds for many listings in one query, by listing id, with the holds of one
	// listing over the same interval summed into one (ClaimID and ClaimantOrgID empty).
	HoldsOf(ctx context.Context, ids []string, from, to, now time.Time) (map[string][]Hold, error)
	// RecentHoldsOf is HoldsOf as this process read it at most maxAge before now, where it has
	// written no claim on the listing since: it may miss other processes' claims, and holds that
	// lapsed, of the last maxAge. For ranking (suggestions), never for a capacity check.
	RecentHoldsOf(ctx context.Context, ids []string, from, to, now time.Time, maxAge time.Duration) (map[string][]Hold, error)
}
