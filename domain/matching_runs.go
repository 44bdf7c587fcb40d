package domain

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
	"github.com/gongjian/gongjian/matching"
)

// MaxRunRange bounds the time range of one matching run.
const MaxRunRange = 366 * 24 * time.Hour

// RunInput asks for a matching run over a street.
type RunInput struct {
	StreetID   string
	Categories []string
	From, To   time.Time
}

// RunStats describes a run.
type RunStats struct {
	Needs, Offers, Candidates      int
	MatchedQuantity, UnmetQuantity int64
	ElapsedMS                      float64
}

// Proposal is one allocated pairing of a run: the need's org may claim Quantity of the offer.
type Proposal struct {
	ID          string
	RunID       string
	Position    int
	NeedID      string
	OfferID     string
	Quantity    int64
	Score       float64
	AgreementID string
	ClaimID     string
}

// Run is a stored matching run.
type Run struct {
	ID         string
	StreetID   string
	CreatedBy  string
	Categories []string
	From, To   time.Time
	Objective  float64
	Stats      RunStats
	Proposals  []Proposal
	CreatedAt  time.Time
}

// RunFilter selects the runs of a street, newest first: Page.After is the id of the last run of
// the previous page, and the next page holds older runs.
type RunFilter struct {
	StreetID string
	Page     Page
}

// RunStore persists matching runs.
type RunStore interface {
	CreateRun(ctx context.Context, r Run) error
	GetRun(ctx context.Context, id string) (Run, error)
	// ListRuns lists runs newest first, without their proposals, fetching Page.Limit+1.
	ListRuns(ctx context.Context, f RunFilter) ([]Run, error)
	GetProposal(ctx context.Context, id string) (Proposal, error)
}

// CanRunMatching: admins and the coordinators of the street.
func CanRunMatching(p Principal, streetID string) bool {
	return p.IsAdmin() || p.IsCoordinatorOf(streetID)
}

// maxRunListings bounds the listings one run reads per side.
const maxRunListings = 20000

// RunMatching pairs the open needs and offers of a street over [from, to) and stores the
// allocation that maximises Σ score × quantity (matching.Allocate) as proposals.
func (m *Marketplace) RunMatching(ctx context.Context, p Principal, in RunInput) (Run, error) {
	started := time.Now()
	v := &ValidationError{}
	if in.StreetID == "" {
		v.Add("street_id", "required", "street_id is required")
	}
	if in.From.IsZero() {
		v.Add("from", "required", "from is required")
	}
	if in.To.IsZero() {
		v.Add("to", "required", "to is required")
	}
	if !in.From.IsZero() && !in.To.IsZero() && (!in.To.After(in.From) || in.To.Sub(in.From) > MaxRunRange) {
		v.Add("to", "out_of_range", "to must be after from, by at most 366 days")
	}
	if err := v.Err(); err != nil {
		return Run{}, err
	}
	street, err := m.orgRef(ctx, "street_id", in.StreetID)
	if err != nil {
		return Run{}, err
	}
	if street.Kind != KindStreet {
		return Run{}, Invalid("street_id", "invalid", "street_id must name a street")
	}
	if !CanRunMatching(p, street.ID) {
		return Run{}, ErrForbidden
	}
	related, cats, err := m.relatedFunc(ctx)
	if err != nil {
		return Run{}, err
	}
	for i, c := range in.Categories {
		if _, ok := cats[c]; !ok {
			v.Add(fmt.Sprintf("categories[%d]", i), "invalid", "category %q does not exist", c)
		}
	}
	if err := v.Err(); err != nil {
		return Run{}, err
	}
	needCats := slices.Clone(in.Categories)
	var offerCats []string
	for _, c := range in.Categories {
		offerCats = append(offerCats, compatible(c, cats)...)
	}
	load := func(side Side, categories []string) ([]candidate, error) {
		ls, err := m.listings.ListListings(ctx, ListingFilter{
			Side: side, Categories: categories, Statuses: []ListingStatus{ListingOpen}, StreetID: street.ID,
			From: &in.From, To: &in.To, Now: m.now(), Page: Page{Limit: maxRunListings},
		})
		if err != nil {
			return nil, err
		}
		return m.prepare(ctx, ls, in.From, in.To)
	}
	needs, err := load(SideNeed, needCats)
	if err != nil {
		return Run{}, err
	}
	offers, err := load(SideOffer, offerCats)
	if err != nil {
		return Run{}, err
	}
	needL := make([]matching.Listing, len(needs))
	demands := make([]matching.Demand, len(needs))
	for i, n := range needs {
		needL[i] = n.engine()
		demands[i] = matching.Demand{ID: n.l.ID, Quantity: needL[i].Quantity}
	}
	offerL := make([]matching.Listing, len(offers))
	supplies := make([]matching.Supply, len(offers))
	for i, o := range offers {
		offerL[i] = o.engine()
		supplies[i] = matching.Supply{ID: o.l.ID, Capacity: offerL[i].Quantity}
	}
	edges := matching.CandidateEdges(matching.NewIndex(offerL), needL, related, 0)
	alloc := matching.Allocate(supplies, demands, edges)

	// Agreements are looked up for the orgs of the proposals only.
	var orgIDs []string
	for _, a := range alloc.Assignments {
		orgIDs = append(orgIDs, needs[a.Need].l.OrgID, offers[a.Offer].l.OrgID)
	}
	finder, err := m.newAgreementFinder(ctx, orgIDs)
	if err != nil {
		return Run{}, err
	}
	now := m.now()
	run := Run{
		ID: NewID(), StreetID: street.ID, CreatedBy: p.ActorID(), Categories: in.Categories,
		From: in.From, To: in.To, Objective: alloc.Score, CreatedAt: now,
		Stats: RunStats{Needs: len(needs), Offers: len(offers), Candidates: len(edges),
			MatchedQuantity: alloc.Matched, UnmetQuantity: alloc.Unmet},
	}
	if run.Categories == nil {
		run.Categories = []string{}
	}
	run.Proposals = make([]Proposal, len(alloc.Assignments))
	for i, a := range alloc.Assignments {
		n, o := needs[a.Need].l, offers[a.Offer].l
		run.Proposals[i] = Proposal{
			ID: NewID(), RunID: run.ID, Position: i, NeedID: n.ID, OfferID: o.ID, Quantity: a.Quantity,
			Score: a.Score, AgreementID: finder.find(n.OrgID, o.OrgID, o.Category),
		}
	}
	run.Stats.ElapsedMS = float64(time.Since(started).Microseconds()) / 1000
	return run, m.runs.CreateRun(ctx, run)
}

// GetRun returns a stored run.
func (m *Marketplace) GetRun(ctx context.Context, p Principal, id string) (Run, error) {
	r, err := m.runs.GetRun(ctx, id)
	if err != nil {
		return Run{}, err
	}
	if !CanRunMatching(p, r.StreetID) {
		return Run{}, ErrNotFound
	}
	return r, nil
}

// ListRuns lists a street's runs, newest first, without proposals: the coordinators of that
// street and admins (API.md §9); to anyone else the street has no runs to show (403).
func (m *Marketplace) ListRuns(ctx context.Context, p Principal, f RunFilter) ([]Run, error) {
	if f.StreetID == "" {
		return nil, Invalid("street_id", "required", "street_id is required")
	}
	if !CanRunMatching(p, f.StreetID) {
		return nil, ErrForbidden
	}
	return m.runs.ListRuns(ctx, f)
}

// AcceptProposal turns a proposal into an approved claim: the need's org claims the offer, through
// the same checks and the same capacity invariant as CreateClaim. It claims what the run
// allocated: the proposal's quantity over the need's occurrences inside the run's [from, to)
// (API.md §7), never occurrences outside the run.
func (m *Marketplace) AcceptProposal(ctx context.Context, p Principal, id string) (Claim, error) {
	prop, err := m.runs.GetProposal(ctx, id)
	if err != nil {
		return Claim{}, err
	}
	run, err := m.runs.GetRun(ctx, prop.RunID)
	if err != nil {
		return Claim{}, err
	}
	if !CanRunMatching(p, run.StreetID) {
		if p.IsAdmin() || p.Role == RoleCoordinator {
			return Claim{}, ErrForbidden
		}
		return Claim{}, ErrNotFound
	}
	if prop.ClaimID != "" {
		return Claim{}, Detailed(ErrConflict, map[string]any{"claim_id": prop.ClaimID}, "the proposal was already accepted as claim %s", prop.ClaimID)
	}
	need, err := m.listings.GetListing(ctx, prop.NeedID)
	if err != nil {
		return Claim{}, err
	}
	offer, err := m.listings.GetListing(ctx, prop.OfferID)
	if err != nil {
		return Claim{}, err
	}
	window, ok := proposalWindow(need, offer, run.From, run.To)
	if !ok {
		return Claim{}, Detailed(ErrWindowOutside, nil,
			"no window of the need has occurrences inside the run's range that the offer can serve")
	}
	in := ClaimInput{
		ListingID: offer.ID, Quantity: prop.Quantity, CounterpartListingID: need.ID, AgreementID: prop.AgreementID,
		Window: WindowInput{Start: window.Start, End: window.End, RRule: window.RRule},
		Note:   "accepted from matching run " + run.ID,
	}
	return m.createClaim(ctx, p, need.OrgID, in, prop.ID)
}

// proposalWindow is the need's first window whose occurrences inside [from, to) all lie inside
// the offer's availability, clipped to those occurrences.
func proposalWindow(need, offer Listing, from, to time.Time) (schedule.Window, bool) {
	for _, w := range need.Windows {
		// In the offer's zone: the claim on the offer is expanded there.
		clipped, occs, ok := w.Clip(offer.Loc(), from, to)
		if ok && CheckAvailability(offer, occs) == nil {
			return clipped, true
		}
	}
	return schedule.Window{}, false
}
