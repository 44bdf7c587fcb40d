package people

import (
	"context"
	"errors"
	"time"

	"github.com/gongjian/gongjian/domain"
)

// PassView is a pass as one reader sees it.
type PassView struct {
	Pass
	ShowPhone bool
	ValidNow  bool
}

// IssuePass hands part of an approved claim on to a person (POST /claims/{id}/passes). The
// claimant org issues; the person must be a verified resident of the claimant community or an
// employee of the claimant unit. The checks against the claim's other passes run with the claim
// row locked.
func (s *Service) IssuePass(ctx context.Context, p domain.Principal, claimID string, in PassInput) (PassView, error) {
	if in.PersonID == "" {
		return PassView{}, domain.Invalid("person_id", "required", "person_id is required")
	}
	x, err := s.d.Store.Get(ctx, in.PersonID)
	if errors.Is(err, domain.ErrNotFound) {
		return PassView{}, domain.Invalid("person_id", "not_found", "person_id names no person")
	}
	if err != nil {
		return PassView{}, err
	}
	var (
		pass    Pass
		claim   domain.Claim
		written time.Time
	)
	for attempt := 0; ; attempt++ {
		pass, err = s.d.Passes.IssuePass(ctx, claimID, func(c domain.Claim, active []Pass) (Pass, domain.Event, error) {
			claim = c
			if !domain.CanReadClaim(p, c) {
				return Pass{}, domain.Event{}, domain.ErrNotFound
			}
			if p.IsPerson() && in.PersonID != p.PersonID {
				return Pass{}, domain.Event{}, domain.Invalid("person_id", "invalid", "a person takes passes for themself only")
			}
			if !CanIssuePass(p, c) {
				return Pass{}, domain.Event{}, domain.ErrForbidden
			}
			now := s.d.Now()
			written = now
			if st := c.EffectiveStatus(now); st != domain.ClaimApproved {
				return Pass{}, domain.Event{}, domain.Detailed(domain.ErrInvalidTransition, nil,
					"passes are issued on approved claims; this one is %s", st)
			}
			if !MayHoldPass(x, c) {
				return Pass{}, domain.Event{}, domain.Invalid("person_id", "invalid",
					"the person must be a verified resident of the claimant community or an employee of the claimant unit")
			}
			np, occs, err := NewPass(in, c, x, p.ActorID(), now)
			if err != nil {
				return Pass{}, domain.Event{}, err
			}
			if err := CheckPasses(c, active, occs, np.Quantity); err != nil {
				return Pass{}, domain.Event{}, err
			}
			return np, PassEvent("pass.issued", np, c, now), nil
		})
		// A taken code (one in 2^40 per existing pass) is drawn again.
		if !errors.Is(err, domain.ErrConflict) || attempt == 2 {
			break
		}
	}
	if err != nil {
		return PassView{}, err
	}
	return PassView{Pass: pass, ShowPhone: s.passPhone(p, claim, pass), ValidNow: pass.ValidAt(claim, written)}, nil
}

// GetPass returns a pass p may read.
func (s *Service) GetPass(ctx context.Context, p domain.Principal, id string) (PassView, error) {
	x, err := s.d.Passes.GetPass(ctx, id)
	if err != nil {
		return PassView{}, err
	}
	c, err := s.d.Claims.GetClaim(ctx, x.ClaimID)
	if err != nil {
		return PassView{}, err
	}
	if !CanReadPass(p, c, x) {
		return PassView{}, domain.ErrNotFound
	}
	return PassView{Pass: x, ShowPhone: s.passPhone(p, c, x), ValidNow: x.ValidAt(c, s.d.Now())}, nil
}

// ListPasses lists the passes p may read, narrowed by f.
func (s *Service) ListPasses(ctx context.Context, p domain.Principal, f PassFilter) ([]PassView, error) {
	if f.ClaimID != "" {
		// One claim: its readers see all of its passes, a person its own.
		c, err := s.d.Claims.GetClaim(ctx, f.ClaimID)
		if err != nil {
			return nil, err
		}
		if !CanReadPasses(p, c) {
			if !p.IsPerson() {
				return nil, domain.ErrNotFound
			}
			f.OnlyPerson = p.PersonID
		}
	} else {
		var err error
		if f, err = PassListScope(p, f); err != nil {
			return nil, err
		}
	}
	ps, err := s.d.Passes.ListPasses(ctx, f)
	if err != nil {
		return nil, err
	}
	now := s.d.Now()
	out := make([]PassView, len(ps))
	claims := map[string]domain.Claim{}
	for i, x := range ps {
		c, ok := claims[x.ClaimID]
		if !ok {
			if c, err = s.d.Claims.GetClaim(ctx, x.ClaimID); err != nil {
				return nil, err
			}
			claims[x.ClaimID] = c
		}
		out[i] = PassView{Pass: x, ShowPhone: s.passPhone(p, c, x), ValidNow: x.ValidAt(c, now)}
	}
	return out, nil
}

// passPhone: the person's phone is unmasked to the claimant org (who issued the pass), the
// street's coordinators, admins and the person; the owner's guard sees it masked.
func (s *Service) passPhone(p domain.Principal, c domain.Claim, x Pass) bool {
	return oversees(p, c) || actsAs(p, c.ClaimantOrgID, domain.ScopeClaimsRead) || (p.IsPerson() && p.PersonID == x.PersonID)
}

// RevokePass ends a pass (POST /passes/{id}/revoke).
func (s *Service) RevokePass(ctx context.Context, p domain.Principal, id, reason string) (PassView, error) {
	current, err := s.d.Passes.GetPass(ctx, id)
	if err != nil {
		return PassView{}, err
	}
	c, err := s.d.Claims.GetClaim(ctx, current.ClaimID)
	if err != nil {
		return PassView{}, err
	}
	if !CanReadPass(p, c, current) {
		return PassView{}, domain.ErrNotFound
	}
	if !CanRevokePass(p, c) {
		return PassView{}, domain.ErrForbidden
	}
	var now time.Time
	x, err := s.d.Passes.RevokePass(ctx, id, func(x *Pass) (domain.Event, error) {
		now = s.d.Now()
		if !x.Revoke(p.ActorID(), reason, now) {
			return domain.Event{}, nil // revoking twice is not an error
		}
		return PassEvent("pass.revoked", *x, c, now), nil
	})
	if err != nil {
		return PassView{}, err
	}
	return PassView{Pass: x, ShowPhone: s.passPhone(p, c, x), ValidNow: x.ValidAt(c, now)}, nil
}

// VerifyPass finds a pass by its code for the listing's owner org (GET /passes/verify): the
// guard sees the pass, the person's name, the phone masked, and whether it is valid now. A code
// of a claim on another org's listing reads as unknown.
func (s *Service) VerifyPass(ctx context.Context, p domain.Principal, code string) (PassView, error) {
	code = NormalizeCode(code)
	if len(code) != PassCodeLen {
		return PassView{}, domain.Invalid("code", "invalid", "code must have %d characters", PassCodeLen)
	}
	x, err := s.d.Passes.GetPassByCode(ctx, code)
	if err != nil {
		return PassView{}, err
	}
	c, err := s.d.Claims.GetClaim(ctx, x.ClaimID)
	if err != nil {
		return PassView{}, err
	}
	if !CanVerifyPass(p, c) {
		return PassView{}, domain.ErrNotFound
	}
	return PassView{Pass: x, ShowPhone: s.passPhone(p, c, x), ValidNow: x.ValidAt(c, s.d.Now())}, nil
}
