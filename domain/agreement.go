package domain

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
)

// AgreementStatus is where a co-building agreement (共建协议) stands.
type AgreementStatus string

// Agreement statuses; "expired" is read after ends_on and never stored.
const (
	AgreementPending    AgreementStatus = "pending_signatures"
	AgreementActive     AgreementStatus = "active"
	AgreementTerminated AgreementStatus = "terminated"
	AgreementExpired    AgreementStatus = "expired"
)

// DateLayout is the layout of civil dates in the API.
const DateLayout = "2006-01-02"

// Signature is one party's signing of an agreement.
type Signature struct {
	OrgID    string
	UserID   string
	SignedAt time.Time
}

// Agreement is signed by a unit and a community or street; claims between them are made under it.
type Agreement struct {
	ID                string
	PartyAOrgID       string
	PartyBOrgID       string
	Title             string
	Categories        []string
	StartsOn, EndsOn  time.Time // civil dates at 00:00 UTC
	Terms             string
	AutoApprove       bool
	Status            AgreementStatus
	Signatures        []Signature
	StreetID          string
	CreatedBy         string
	TerminatedAt      *time.Time
	TerminationReason string
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// AgreementInput is what a caller sends to create an agreement.
type AgreementInput struct {
	PartyAOrgID, PartyBOrgID string
	Title                    string
	Categories               []string
	StartsOn, EndsOn         string
	Terms                    string
	AutoApprove              bool
}

// NewAgreement validates an agreement between parties a and b.
func NewAgreement(in AgreementInput, a, b *Org, known func(string) bool, createdBy string, now time.Time) (Agreement, error) {
	v := &ValidationError{}
	ag := Agreement{
		ID: NewID(), Title: strings.TrimSpace(in.Title), Terms: strings.TrimSpace(in.Terms),
		AutoApprove: in.AutoApprove, Status: AgreementPending, Signatures: []Signature{},
		CreatedBy: createdBy, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if a == nil {
		v.Add("party_a_org_id", "required", "party_a_org_id must name an organisation")
	}
	if b == nil {
		v.Add("party_b_org_id", "required", "party_b_org_id must name an organisation")
	}
	if a != nil && b != nil {
		ag.PartyAOrgID, ag.PartyBOrgID = a.ID, b.ID
		unit, other := a, b
		if b.Kind == KindUnit && a.Kind != KindUnit {
			unit, other = b, a
		}
		switch {
		case unit.Kind != KindUnit || (other.Kind != KindCommunity && other.Kind != KindStreet):
			v.Add("party_b_org_id", "invalid", "one party must be a unit and the other a community or a street")
		case other.StreetID != unit.StreetID:
			v.Add("party_b_org_id", "invalid", "both parties must belong to the same street")
		}
		ag.StreetID = unit.StreetID
	}
	if ag.Title == "" {
		v.Add("title", "required", "title is required")
	}
	checkLen(v, "title", ag.Title, 200)
	checkLen(v, "terms", ag.Terms, 20000)
	if len(in.Categories) == 0 {
		v.Add("categories", "required", "categories must name at least one category")
	}
	for i, c := range in.Categories {
		if !known(c) {
			v.Add(fmt.Sprintf("categories[%d]", i), "invalid", "category %q does not exist", c)
		}
	}
	ag.Categories = slices.Compact(slices.Sorted(slices.Values(in.Categories)))
	var err error
	if ag.StartsOn, err = time.Parse(DateLayout, in.StartsOn); err != nil {
		v.Add("starts_on", "invalid", "starts_on must be a date YYYY-MM-DD")
	}
	if ag.EndsOn, err = time.Parse(DateLayout, in.EndsOn); err != nil {
		v.Add("ends_on", "invalid", "ends_on must be a date YYYY-MM-DD")
	}
	if !ag.StartsOn.IsZero() && !ag.EndsOn.IsZero() && ag.EndsOn.Before(ag.StartsOn) {
		v.Add("ends_on", "out_of_range", "ends_on must not be before starts_on")
	}
	return ag, v.Err()
}

// Today is the civil date of now in the service's default zone (00:00 UTC of that date), the
// day that decides whether an agreement has expired.
func Today(now time.Time) time.Time {
	y, m, d := now.In(schedule.DefaultLocation()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// EffectiveStatus is the status a reader sees: an active agreement reads expired after ends_on.
func (a Agreement) EffectiveStatus(now time.Time) AgreementStatus {
	return AgreementStatus(effective(agreementLapses, string(a.Status), Today(now).After(a.EndsOn)))
}

// IsParty reports whether org is one of the two parties.
func (a Agreement) IsParty(org string) bool { return org == a.PartyAOrgID || org == a.PartyBOrgID }

// Sign records p's org signing; when both have signed the agreement becomes active.
func (a *Agreement) Sign(p Principal, now time.Time) error {
	if !a.IsParty(p.OrgID) {
		return ErrForbidden
	}
	if a.Status != AgreementPending {
		return fmt.Errorf("%w: the agreement is %s", ErrInvalidTransition, a.Status)
	}
	for _, s := range a.Signatures {
		if s.OrgID == p.OrgID {
			return Detailed(ErrConflict, nil, "your organisation has already signed")
		}
	}
	a.Signatures = append(a.Signatures, Signature{OrgID: p.OrgID, UserID: p.ActorID(), SignedAt: now})
	if len(a.Signatures) == 2 {
		a.Status = AgreementActive
	}
	a.Version++
	a.UpdatedAt = now
	return nil
}

// Terminate ends the agreement; its pending claims are cancelled by the caller.
func (a *Agreement) Terminate(reason string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Invalid("reason", "required", "reason is required")
	}
	if a.Status == AgreementTerminated {
		return fmt.Errorf("%w: the agreement is already terminated", ErrInvalidTransition)
	}
	a.Status = AgreementTerminated
	a.TerminatedAt = &now
	a.TerminationReason = reason
	a.Version++
	a.UpdatedAt = now
	return nil
}

// Covers reports whether the agreement covers a claim between orgs x and y in category over the
// claim's occurrences (sorted), whose dates are read in loc (API.md §5).
func (a Agreement) Covers(x, y Org, category string, occs []schedule.Interval, loc *time.Location, now time.Time) bool {
	if a.EffectiveStatus(now) != AgreementActive || !slices.Contains(a.Categories, category) || len(occs) == 0 {
		return false
	}
	if !a.coversParties(x, y) {
		return false
	}
	first := occs[0].Start.In(loc)
	last := occs[len(occs)-1].End.In(loc)
	start := time.Date(a.StartsOn.Year(), a.StartsOn.Month(), a.StartsOn.Day(), 0, 0, 0, 0, loc)
	end := time.Date(a.EndsOn.Year(), a.EndsOn.Month(), a.EndsOn.Day()+1, 0, 0, 0, 0, loc)
	return !first.Before(start) && !last.After(end)
}

// coversParties: the parties are x and y, or a street party and a unit party where the other
// claim org is a community of that street.
func (a Agreement) coversParties(x, y Org) bool {
	if a.IsParty(x.ID) && a.IsParty(y.ID) && x.ID != y.ID {
		return true
	}
	for _, pair := range [2][2]Org{{x, y}, {y, x}} {
		unit, community := pair[0], pair[1]
		if unit.Kind == KindUnit && community.Kind == KindCommunity && a.IsParty(unit.ID) {
			other := a.PartyAOrgID
			if other == unit.ID {
				other = a.PartyBOrgID
			}
			if other == community.StreetID {
				return true
			}
		}
	}
	return false
}

// AgreementFilter selects agreements.
type AgreementFilter struct {
	OrgID    string
	Statuses []AgreementStatus // any of these (none: all)
	StreetID string            // restricts to one street (coordinators)
	PartyOf  string            // restricts to agreements this org is a party of
	Today    time.Time         // the civil date (00:00 UTC) that decides "expired"
	Page     Page
}

// AgreementStore persists agreements.
type AgreementStore interface {
	CreateAgreement(ctx context.Context, a Agreement) error
	GetAgreement(ctx context.Context, id string) (Agreement, error)
	ListAgreements(ctx context.Context, f AgreementFilter) ([]Agreement, error)
	// ActiveAgreementsOf returns the active agreements any of orgs is a party of, without their
	// signatures: an active agreement is signed by both parties, and the callers (a claim
	// looking for its cover, a matching run) decide coverage only. It runs on every claim.
	ActiveAgreementsOf(ctx context.Context, orgs []string) ([]Agreement, error)
	// UpdateAgreement locks the agreement, applies fn and saves it with the event fn returns.
	// When cancel is not nil it is applied, in the same transaction, to every pending claim under
	// the agreement (whose holds are then released).
	UpdateAgreement(ctx context.Context, id string, fn func(*Agreement) (Event, error), cancel func(*Claim) error) (Agreement, error)
}
