package domain

import (
	"context"
	"errors"
	"strings"

	"github.com/gongjian/gongjian/domain/schedule"
)

// ClaimInput is a new claim as the API receives it.
type ClaimInput struct {
	ListingID            string
	Quantity             int64
	Window               WindowInput
	CounterpartListingID string
	AgreementID          string
	Note                 string
}

// CreateClaim claims (part of) a listing for the caller's org. Checks run in the order of
// API.md §6; the capacity check runs again under the listing's lock in the store.
func (m *Marketplace) CreateClaim(ctx context.Context, p Principal, in ClaimInput) (Claim, error) {
	if p.IsPerson() {
		return m.createPersonClaim(ctx, p, in)
	}
	if !CanClaim(p) {
		return Claim{}, ErrForbidden
	}
	return m.createClaim(ctx, p, p.OrgID, in, "")
}

// createClaim creates a claim by claimantOrg. With a proposal id, p is the coordinator accepting
// a matching proposal: the claim is approved at once, and the proposal is marked in the same
// transaction (so it is accepted once).
func (m *Marketplace) createClaim(ctx context.Context, p Principal, claimantOrg string, in ClaimInput, proposalID string) (Claim, error) {
	v := &ValidationError{}
	if in.ListingID == "" {
		v.Add("listing_id", "required", "listing_id is required")
	}
	if in.Quantity < 1 || in.Quantity > MaxQuantity {
		v.Add("quantity", "out_of_range", "quantity must be a positive integer")
	}
	in.Note = strings.TrimSpace(in.Note)
	checkLen(v, "note", in.Note, 2000)
	if err := v.Err(); err != nil {
		return Claim{}, err
	}
	cc, err := m.claims.ClaimContext(ctx, in.ListingID, claimantOrg)
	l := cc.Listing
	if errors.Is(err, ErrNotFound) || (err == nil && proposalID == "" && !CanReadListing(p, l)) {
		return Claim{}, Invalid("listing_id", "not_found", "listing_id names no listing you can see")
	}
	if err != nil {
		return Claim{}, err
	}
	if l.OrgID == claimantOrg {
		return Claim{}, Detailed(ErrOwnListing, nil, "an organisation cannot claim its own listing")
	}
	now := m.now()
	if st := l.EffectiveStatus(now); st != ListingOpen {
		return Claim{}, Detailed(ErrListingNotOpen, map[string]any{"status": string(st)}, "the listing is %s", st)
	}
	win, occs, err := claimOccurrences(l, in.Window)
	if err != nil {
		return Claim{}, err
	}
	// Ended occurrences hold nothing (API.md §6), so there is nothing left to claim in them; an
	// occurrence under way may still be claimed.
	if !occs[0].End.After(now) {
		return Claim{}, Invalid("window.start", "in_the_past", "the claim's first occurrence has already ended")
	}
	if in.CounterpartListingID != "" {
		cp, err := m.listings.GetListing(ctx, in.CounterpartListingID)
		if err != nil || cp.OrgID != claimantOrg || cp.Side == l.Side {
			return Claim{}, Invalid("counterpart_listing_id", "invalid", "counterpart_listing_id must name one of your own listings of the other side")
		}
	}
	if err := m.checkAvailability(l, occs); err != nil {
		return Claim{}, err
	}
	owner, ok := cc.org(l.OrgID)
	claimant, ok2 := cc.org(claimantOrg)
	if !ok || !ok2 {
		return Claim{}, ErrNotFound
	}
	rememberOrgs(ctx, cc.Orgs...)
	ag, err := m.chooseAgreement(cc.Agreements, owner, claimant, l, occs, in.AgreementID)
	if err != nil {
		return Claim{}, err
	}
	rememberListing(ctx, l, owner.Name)
	rememberAgreement(ctx, ag)
	rememberNoActor(ctx, "system")
	c := Claim{
		ID: NewID(), ListingID: l.ID, ListingSide: l.Side, OwnerOrgID: l.OrgID, ClaimantOrgID: claimantOrg,
		AgreementID: ag.ID, StreetID: l.StreetID, CounterpartListingID: in.CounterpartListingID,
		Quantity: in.Quantity, Window: win, TimeZone: l.TimeZone, Note: in.Note, Status: ClaimPending,
		ExpiresAt: now.Add(m.claimHold), Version: 0, CreatedAt: now, UpdatedAt: now,
	}
	c.record("created", p.ActorID(), "", ClaimPending, in.Note, now)
	switch {
	case proposalID != "":
		if err := c.Approve(p.ActorID(), "matching proposal accepted", now); err != nil {
			return Claim{}, err
		}
	case ag.AutoApprove:
		if err := c.Approve("system", "auto-approved under agreement "+ag.ID, now); err != nil {
			return Claim{}, err
		}
	}
	err = m.claims.CreateClaim(ctx, NewClaimTx{
		Claim: c, Occurrences: occs, ProposalID: proposalID, Checked: l,
		Check: func(locked Listing, holds []Hold, agreement AgreementStatus) error {
			if agreement != AgreementActive {
				return Detailed(ErrNoActiveAgreement, map[string]any{"agreement_id": ag.ID},
					"agreement %s was %s meanwhile", ag.ID, agreement)
			}
			if st := locked.EffectiveStatus(now); st != ListingOpen {
				return Detailed(ErrListingNotOpen, map[string]any{"status": string(st)}, "the listing is %s", st)
			}
			// Windows and zone change only with the version: the same version was checked above,
			// so the expansion is not repeated while the listing's lock makes every claim wait.
			if locked.Version != l.Version {
				if err := m.checkAvailability(locked, occs); err != nil {
					return err
				}
			}
			return CheckClaimCapacity(locked, holds, c, occs)
		},
	}, now)
	if err != nil {
		return Claim{}, err
	}
	c.recorded = nil
	return c, nil
}

// GetClaim returns a claim p may read, with its history.
func (m *Marketplace) GetClaim(ctx context.Context, p Principal, id string) (Claim, error) {
	c, err := m.claims.GetClaim(ctx, id)
	if err != nil {
		return Claim{}, err
	}
	if !CanReadClaim(p, c) {
		return Claim{}, ErrNotFound
	}
	return c, nil
}

// ListClaims lists the claims p may read.
func (m *Marketplace) ListClaims(ctx context.Context, p Principal, f ClaimFilter) ([]Claim, error) {
	switch {
	case p.IsAdmin():
	case p.Role == RoleCoordinator:
		f.OnlyStreet = p.StreetID
	case p.Role == RoleApp && !p.HasScope(ScopeClaimsRead):
		return nil, ErrForbidden
	case p.IsPerson():
		f.OnlyPerson = p.PersonID
	case p.OrgID != "":
		f.OnlyOrg = p.OrgID
	default:
		return nil, ErrForbidden
	}
	f.Now = m.now()
	return m.claims.ListClaims(ctx, f)
}

// ClaimAction is a decision or step on a claim.
type ClaimAction string

// Claim actions.
const (
	ActionApprove  ClaimAction = "approve"
	ActionReject   ClaimAction = "reject"
	ActionCancel   ClaimAction = "cancel"
	ActionConfirm  ClaimAction = "confirm"
	ActionFeedback ClaimAction = "feedback"
)

// ActOnClaim applies an action; text is the note or reason, rating only for feedback.
func (m *Marketplace) ActOnClaim(ctx context.Context, p Principal, id string, action ClaimAction, text string, rating int) (Claim, error) {
	actor := p.ActorID()
	if action == ActionApprove {
		return m.approveClaim(ctx, p, id, text)
	}
	return m.claims.UpdateClaim(ctx, id, func(c *Claim) error {
		if !CanReadClaim(p, *c) {
			return ErrNotFound
		}
		// Read the clock under the claim's lock: a wait for the lock must not decide on a stale
		// instant.
		now := m.now()
		switch action {
		case ActionReject:
			if !CanDecideClaim(p, *c) {
				return ErrForbidden
			}
			return c.Reject(actor, text, now)
		case ActionCancel:
			if !CanActOnClaim(p, *c) {
				return ErrForbidden
			}
			return c.Cancel(actor, text, now)
		case ActionConfirm:
			if !CanActOnClaim(p, *c) {
				return ErrForbidden
			}
			return c.Confirm(p.OrgID, actor, now)
		case ActionFeedback:
			if !CanGiveFeedback(p, *c) {
				return ErrForbidden
			}
			return c.Feedback(actor, rating, text, now)
		}
		return ErrInvalidTransition
	})
}

// approveClaim approves under the listing's lock and checks capacity once more against every
// other hold that counts: a replica whose clock runs ahead may already have given a lapsing
// pending claim's capacity to a new claim, and then this one cannot be approved any more.
// Rejections, cancellations and expiries only release capacity and lock the claim alone.
func (m *Marketplace) approveClaim(ctx context.Context, p Principal, id, note string) (Claim, error) {
	return m.claims.ApproveClaim(ctx, id, m.now(), func(c *Claim, l Listing, mine []schedule.Interval, others []Hold) error {
		if !CanReadClaim(p, *c) {
			return ErrNotFound
		}
		if !CanDecideClaim(p, *c) {
			return ErrForbidden
		}
		now := m.now()
		if err := c.Approve(p.ActorID(), note, now); err != nil {
			return err
		}
		if len(mine) == 0 {
			return nil
		}
		return CheckClaimCapacity(l, others, *c, mine)
	})
}

// ExpireOverdue records the expiry of pending claims whose hold has passed, up to limit of them,
// and returns how many it expired. Their capacity was already free: holds of overdue claims do
// not count.
func (m *Marketplace) ExpireOverdue(ctx context.Context, limit int) (int, error) {
	now := m.now()
	ids, err := m.claims.OverdueClaims(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		_, err := m.claims.UpdateClaim(ctx, id, func(c *Claim) error { return c.Expire(now) })
		switch {
		case err == nil:
			n++
		case errors.Is(err, ErrInvalidTransition): // decided meanwhile
		default:
			return n, err
		}
	}
	return n, nil
}
