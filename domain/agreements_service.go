package domain

import (
	"context"

	"github.com/gongjian/gongjian/domain/schedule"
)

// CreateAgreement validates and stores a new agreement awaiting both signatures.
func (m *Marketplace) CreateAgreement(ctx context.Context, p Principal, in AgreementInput) (Agreement, error) {
	a, err := m.orgRef(ctx, "party_a_org_id", in.PartyAOrgID)
	if err != nil {
		return Agreement{}, err
	}
	b, err := m.orgRef(ctx, "party_b_org_id", in.PartyBOrgID)
	if err != nil {
		return Agreement{}, err
	}
	known, err := m.knownCategories(ctx)
	if err != nil {
		return Agreement{}, err
	}
	ag, err := NewAgreement(in, a, b, known, p.ActorID(), m.now())
	if err != nil {
		return Agreement{}, err
	}
	if !CanCreateAgreement(p, ag) {
		return Agreement{}, ErrForbidden
	}
	return ag, m.agreements.CreateAgreement(ctx, ag)
}

// GetAgreement returns an agreement p may read.
func (m *Marketplace) GetAgreement(ctx context.Context, p Principal, id string) (Agreement, error) {
	a, err := m.agreements.GetAgreement(ctx, id)
	if err != nil {
		return Agreement{}, err
	}
	if !CanReadAgreement(p, a) {
		return Agreement{}, ErrNotFound
	}
	return a, nil
}

// ListAgreements lists the agreements p may read.
func (m *Marketplace) ListAgreements(ctx context.Context, p Principal, f AgreementFilter) ([]Agreement, error) {
	switch {
	case p.IsAdmin():
	case p.Role == RoleCoordinator:
		f.StreetID = p.StreetID
	case p.Role == RoleCommunityStaff, p.Role == RoleLiaison:
		f.PartyOf = p.OrgID
	default:
		return nil, ErrForbidden
	}
	f.Today = Today(m.now())
	return m.agreements.ListAgreements(ctx, f)
}

// SignAgreement adds p's org's signature; the second signature activates the agreement.
func (m *Marketplace) SignAgreement(ctx context.Context, p Principal, id string) (Agreement, error) {
	now := m.now()
	return m.agreements.UpdateAgreement(ctx, id, func(a *Agreement) (Event, error) {
		if !CanReadAgreement(p, *a) {
			return Event{}, ErrNotFound
		}
		if !CanSignAgreement(p, *a) {
			return Event{}, ErrForbidden
		}
		if err := a.Sign(p, now); err != nil {
			return Event{}, err
		}
		if a.Status == AgreementActive {
			return NewEvent("agreement.activated", a.ID, now, map[string]any{"party_a_org_id": a.PartyAOrgID, "party_b_org_id": a.PartyBOrgID}).
				Scoped(a.StreetID, a.PartyAOrgID, a.PartyBOrgID), nil
		}
		return Event{}, nil
	}, nil)
}

// TerminateAgreement ends an agreement and cancels its pending claims in the same transaction.
func (m *Marketplace) TerminateAgreement(ctx context.Context, p Principal, id, reason string) (Agreement, error) {
	now := m.now()
	note := "agreement terminated: " + reason
	return m.agreements.UpdateAgreement(ctx, id, func(a *Agreement) (Event, error) {
		if !CanReadAgreement(p, *a) {
			return Event{}, ErrNotFound
		}
		if !CanTerminateAgreement(p, *a) {
			return Event{}, ErrForbidden
		}
		if err := a.Terminate(reason, now); err != nil {
			return Event{}, err
		}
		return NewEvent("agreement.terminated", a.ID, now, map[string]any{"reason": a.TerminationReason}).
			Scoped(a.StreetID, a.PartyAOrgID, a.PartyBOrgID), nil
	}, func(c *Claim) error {
		if c.EffectiveStatus(now) != ClaimPending {
			return nil // overdue ones are left to expire
		}
		return c.Cancel(p.ActorID(), note, now)
	})
}

// findAgreement returns the agreement covering a claim between owner and claimant, preferring
// the one the caller named, then direct parties over street coverage, then the oldest.
func (m *Marketplace) findAgreement(ctx context.Context, owner, claimant Org, l Listing, occs []schedule.Interval, wanted string) (Agreement, error) {
	ags, err := m.agreements.ActiveAgreementsOf(ctx, []string{owner.ID, claimant.ID})
	if err != nil {
		return Agreement{}, err
	}
	return m.chooseAgreement(ags, owner, claimant, l, occs, wanted)
}

// chooseAgreement is findAgreement among ags, the active agreements of owner and claimant.
func (m *Marketplace) chooseAgreement(ags []Agreement, owner, claimant Org, l Listing, occs []schedule.Interval, wanted string) (Agreement, error) {
	now := m.now()
	var best *Agreement
	for i := range ags {
		a := &ags[i]
		if wanted != "" && a.ID != wanted {
			continue
		}
		if !a.Covers(owner, claimant, l.Category, occs, l.Loc(), now) {
			continue
		}
		direct := a.IsParty(owner.ID) && a.IsParty(claimant.ID)
		if best == nil || (direct && !(best.IsParty(owner.ID) && best.IsParty(claimant.ID))) {
			best = a
		}
	}
	if best == nil {
		if wanted != "" {
			return Agreement{}, Detailed(ErrNoActiveAgreement, map[string]any{"agreement_id": wanted},
				"agreement %s does not cover this claim (parties, category %s, dates, or status)", wanted, l.Category)
		}
		return Agreement{}, Detailed(ErrNoActiveAgreement, nil,
			"no active co-building agreement between the two organisations covers category %s over the claim's dates", l.Category)
	}
	return *best, nil
}
