package domain

import (
	"context"
	"errors"
	"strings"
)

// createPersonClaim is a person's claim on an open_to_people listing (API.md §10), made through
// the app acting for them. The claimant org is the person's community and own_listing does not
// apply. A need qualifies when its owner is the person's community or street; an offer when an
// active agreement between its owner and the person's community covers it (§5). The capacity
// invariant and the lock order are those of every claim (the store is the same); max_per_claimant
// caps each person (DefaultPersonCap when unset). The claim is pending until the owner org or a
// coordinator of the street approves it, unless the listing has people_auto_approve.
func (m *Marketplace) createPersonClaim(ctx context.Context, p Principal, in ClaimInput) (Claim, error) {
	v := &ValidationError{}
	if in.ListingID == "" {
		v.Add("listing_id", "required", "listing_id is required")
	}
	if in.Quantity < 1 || in.Quantity > MaxQuantity {
		v.Add("quantity", "out_of_range", "quantity must be a positive integer")
	}
	if in.CounterpartListingID != "" {
		v.Add("counterpart_listing_id", "invalid", "a person's claim has no counterpart listing")
	}
	in.Note = strings.TrimSpace(in.Note)
	checkLen(v, "note", in.Note, 2000)
	if err := v.Err(); err != nil {
		return Claim{}, err
	}
	l, err := m.listings.GetListing(ctx, in.ListingID)
	if errors.Is(err, ErrNotFound) || (err == nil && !CanReadListing(p, l)) {
		return Claim{}, Invalid("listing_id", "not_found", "listing_id names no listing you can see")
	}
	if err != nil {
		return Claim{}, err
	}
	if !l.OpenToPeople {
		return Claim{}, Detailed(ErrListingNotOpen, map[string]any{"open_to_people": false}, "the listing is not open to people")
	}
	if l.Side == SideNeed && l.OrgID != p.CommunityID && l.OrgID != p.StreetID {
		return Claim{}, Detailed(ErrListingNotOpen, map[string]any{"open_to_people": true},
			"a need is open to the people of its own community or street only")
	}
	now := m.now()
	if st := l.EffectiveStatus(now); st != ListingOpen {
		return Claim{}, Detailed(ErrListingNotOpen, map[string]any{"status": string(st)}, "the listing is %s", st)
	}
	win, occs, err := claimOccurrences(l, in.Window)
	if err != nil {
		return Claim{}, err
	}
	if !occs[0].End.After(now) {
		return Claim{}, Invalid("window.start", "in_the_past", "the claim's first occurrence has already ended")
	}
	if err := CheckAvailability(l, occs); err != nil {
		return Claim{}, err
	}
	var ag Agreement
	if l.Side == SideOffer {
		owner, err := m.orgs.GetOrg(ctx, l.OrgID)
		if err != nil {
			return Claim{}, err
		}
		community, err := m.orgs.GetOrg(ctx, p.CommunityID)
		if err != nil {
			return Claim{}, err
		}
		if ag, err = m.findAgreement(ctx, owner, community, l, occs, in.AgreementID); err != nil {
			return Claim{}, err
		}
	} else if in.AgreementID != "" {
		return Claim{}, Invalid("agreement_id", "invalid", "a person's claim on a need is made under no agreement")
	}
	c := Claim{
		ID: NewID(), ListingID: l.ID, ListingSide: l.Side, OwnerOrgID: l.OrgID, ClaimantOrgID: p.CommunityID,
		ClaimantPersonID: p.PersonID, AgreementID: ag.ID, StreetID: l.StreetID, Quantity: in.Quantity,
		Window: win, TimeZone: l.TimeZone, Note: in.Note, Status: ClaimPending,
		ExpiresAt: now.Add(m.claimHold), CreatedAt: now, UpdatedAt: now,
	}
	c.record("created", p.ActorID(), "", ClaimPending, in.Note, now)
	if l.PeopleAutoApprove {
		if err := c.Approve("system", "auto-approved: the listing approves people's claims", now); err != nil {
			return Claim{}, err
		}
	}
	err = m.claims.CreateClaim(ctx, NewClaimTx{
		Claim: c, Occurrences: occs,
		Check: func(locked Listing, holds []Hold, agreement AgreementStatus) error {
			if ag.ID != "" && agreement != AgreementActive {
				return Detailed(ErrNoActiveAgreement, map[string]any{"agreement_id": ag.ID},
					"agreement %s was %s meanwhile", ag.ID, agreement)
			}
			if !locked.OpenToPeople {
				return Detailed(ErrListingNotOpen, map[string]any{"open_to_people": false}, "the listing is not open to people")
			}
			if st := locked.EffectiveStatus(now); st != ListingOpen {
				return Detailed(ErrListingNotOpen, map[string]any{"status": string(st)}, "the listing is %s", st)
			}
			if err := CheckAvailability(locked, occs); err != nil {
				return err
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
