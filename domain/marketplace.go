package domain

import (
	"context"
	"errors"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
)

// Marketplace is the use-case service for listings, agreements and claims.
type Marketplace struct {
	orgs       OrgStore
	categories *Catalog
	listings   ListingStore
	agreements AgreementStore
	claims     ClaimStore
	runs       RunStore
	claimHold  time.Duration
	now        func() time.Time
	occs       occurrenceCache
}

// MarketplaceStores are the stores the marketplace uses.
type MarketplaceStores struct {
	Orgs       OrgStore
	Categories CategoryStore
	Listings   ListingStore
	Agreements AgreementStore
	Claims     ClaimStore
	Runs       RunStore
}

// NewMarketplace wires the service; claimHold is how long a pending claim holds capacity.
func NewMarketplace(s MarketplaceStores, claimHold time.Duration, now func() time.Time) (*Marketplace, error) {
	if s.Orgs == nil || s.Categories == nil || s.Listings == nil || s.Agreements == nil || s.Claims == nil || s.Runs == nil || now == nil {
		return nil, errors.New("marketplace: nil dependency")
	}
	if claimHold <= 0 {
		return nil, errors.New("marketplace: claim hold must be positive")
	}
	return &Marketplace{orgs: s.Orgs, categories: NewCatalog(s.Categories), listings: s.Listings,
		agreements: s.Agreements, claims: s.Claims, runs: s.Runs, claimHold: claimHold, now: now}, nil
}

// Now is the service's clock.
func (m *Marketplace) Now() time.Time { return m.now() }

func (m *Marketplace) knownCategories(ctx context.Context) (func(string) bool, error) {
	cats, err := m.categories.Lookup(ctx)
	if err != nil {
		return nil, err
	}
	return func(code string) bool { _, ok := cats[code]; return ok }, nil
}

func (m *Marketplace) orgRef(ctx context.Context, field, id string) (*Org, error) {
	return orgField(ctx, m.orgs, field, id)
}

// CreateListing posts an offer or a need.
func (m *Marketplace) CreateListing(ctx context.Context, p Principal, side Side, in ListingInput) (Listing, error) {
	orgID := p.OrgID
	if in.OrgID != nil && *in.OrgID != "" {
		orgID = *in.OrgID
	}
	org, err := m.orgRef(ctx, "org_id", orgID)
	if err != nil {
		return Listing{}, err
	}
	if org == nil || !CanPostListing(p, *org) {
		return Listing{}, ErrForbidden
	}
	known, err := m.knownCategories(ctx)
	if err != nil {
		return Listing{}, err
	}
	now := m.now()
	l, err := NewListing(side, *org, in, known, now)
	if err != nil {
		return Listing{}, err
	}
	ev := NewEvent("listing.created", l.ID, now, map[string]any{"side": string(side), "org_id": l.OrgID, "category": l.Category}).Scoped(l.StreetID, l.OrgID)
	return l, m.listings.CreateListing(ctx, l, ev)
}

// GetListing returns a listing p may read (404 otherwise).
func (m *Marketplace) GetListing(ctx context.Context, p Principal, side Side, id string) (Listing, error) {
	l, err := m.listings.GetListing(ctx, id)
	if err != nil {
		return Listing{}, err
	}
	if l.Side != side || !CanReadListing(p, l) {
		return Listing{}, ErrNotFound
	}
	return l, nil
}

// ListListings searches the listings p may read.
func (m *Marketplace) ListListings(ctx context.Context, p Principal, f ListingFilter) ([]Listing, error) {
	if p.Role == RoleApp && !p.HasScope(ScopeListingsRead) {
		return nil, ErrForbidden
	}
	f.Now = m.now()
	f.OccursBetween = m.occs.occursBetween
	if !p.IsAdmin() && p.Role != RoleCoordinator {
		f.RestrictStreet, f.ReaderStreetID, f.ReaderOrgID = true, p.StreetID, p.OrgID
	}
	return m.listings.ListListings(ctx, f)
}

// UpdateListing patches a listing (the owner org, its coordinators, admins). Shrinking below
// what live claims hold is ErrConflict.
func (m *Marketplace) UpdateListing(ctx context.Context, p Principal, side Side, id string, version int64, in ListingInput) (Listing, error) {
	current, err := m.GetListing(ctx, p, side, id)
	if err != nil {
		return Listing{}, err
	}
	org, err := m.orgs.GetOrg(ctx, current.OrgID)
	if err != nil {
		return Listing{}, err
	}
	if !CanPostListing(p, org) {
		return Listing{}, ErrForbidden
	}
	known, err := m.knownCategories(ctx)
	if err != nil {
		return Listing{}, err
	}
	now := m.now()
	return m.listings.UpdateListing(ctx, id, now, func(l *Listing, holds []Hold) (Event, error) {
		if version != 0 && version != l.Version {
			return Event{}, ErrVersionMismatch
		}
		oldCategory := l.Category
		if err := l.Update(in, known, now); err != nil {
			return Event{}, err
		}
		if l.Category != oldCategory && len(holds) > 0 {
			return Event{}, Detailed(ErrConflict, nil, "the category cannot change while claims are live")
		}
		if err := CheckShrink(*l, holds); err != nil {
			return Event{}, err
		}
		return NewEvent("listing.updated", l.ID, now, map[string]any{"status": string(l.Status), "version": l.Version}).Scoped(l.StreetID, l.OrgID), nil
	})
}

// MaxAvailabilityRange bounds one availability query.
const MaxAvailabilityRange = 366 * 24 * time.Hour

// ListingAvailability returns per-occurrence capacity of a listing over [from, to).
func (m *Marketplace) ListingAvailability(ctx context.Context, p Principal, side Side, id string, from, to time.Time) ([]Availability, error) {
	if !to.After(from) {
		return nil, Invalid("to", "out_of_range", "to must be after from")
	}
	if to.Sub(from) > MaxAvailabilityRange {
		return nil, Invalid("to", "out_of_range", "the range may span at most 366 days")
	}
	l, err := m.GetListing(ctx, p, side, id)
	if err != nil {
		return nil, err
	}
	occs := l.Occurrences(from, to)
	if len(occs) == 0 {
		return []Availability{}, nil
	}
	holds, err := m.listings.Holds(ctx, id, occs[0].Start, occs[len(occs)-1].End, m.now())
	if err != nil {
		return nil, err
	}
	return AvailabilityOf(l, occs, holds), nil
}

// claimOccurrences validates a claim window against the listing and expands it.
func claimOccurrences(l Listing, w WindowInput) (schedule.Window, []schedule.Interval, error) {
	v := &ValidationError{}
	win, err := NewWindow("window", w, l.Loc(), v)
	if err != nil {
		return win, nil, v
	}
	// The claim states the bound in effect (the horizon cuts a rule without one), so a client
	// reads exactly which occurrences it holds.
	win, occs := win.Bounded(l.Loc())
	if len(occs) == 0 {
		return win, nil, Invalid("window", "invalid", "the window has no occurrence")
	}
	return win, occs, nil
}

// CheckAvailability: every claim occurrence must lie inside one occurrence of the listing.
func CheckAvailability(l Listing, occs []schedule.Interval) error {
	return availabilityOf(l.Occurrences(occs[0].Start, occs[len(occs)-1].End), occs)
}

func availabilityOf(listingOccs, occs []schedule.Interval) error {
	if out := schedule.Within(listingOccs, occs); out != nil {
		return Detailed(ErrWindowOutside, map[string]any{"occurrence": map[string]any{"start": out.Start, "end": out.End}},
			"the claim's occurrence %s–%s lies outside the listing's availability",
			out.Start.Format(time.RFC3339), out.End.Format(time.RFC3339))
	}
	return nil
}
