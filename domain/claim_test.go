package domain

import (
	"errors"
	"github.com/gongjian/gongjian/domain/schedule"
	"testing"
	"time"
)

func TestClaimTransitions(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	fresh := func(st ClaimStatus) *Claim {
		return &Claim{Status: st, OwnerOrgID: "o", ClaimantOrgID: "c", ExpiresAt: now.Add(time.Hour)}
	}
	actions := map[string]func(c *Claim) error{
		"approve": func(c *Claim) error { return c.Approve("a", "", now) },
		"reject":  func(c *Claim) error { return c.Reject("a", "no", now) },
		"cancel":  func(c *Claim) error { return c.Cancel("a", "", now) },
		"expire":  func(c *Claim) error { return c.Expire(now.Add(2 * time.Hour)) },
	}
	want := map[ClaimStatus]map[string]ClaimStatus{
		ClaimPending:  {"approve": ClaimApproved, "reject": ClaimRejected, "cancel": ClaimCancelled, "expire": ClaimExpired},
		ClaimApproved: {"cancel": ClaimCancelled},
	}
	for _, from := range []ClaimStatus{ClaimPending, ClaimApproved, ClaimRejected, ClaimCancelled, ClaimExpired, ClaimFulfilled} {
		for name, act := range actions {
			c := fresh(from)
			err := act(c)
			to, ok := want[from][name]
			switch {
			case ok && (err != nil || c.Status != to):
				t.Errorf("%s from %s: %v, status %s, want %s", name, from, err, c.Status, to)
			case !ok && !errors.Is(err, ErrInvalidTransition):
				t.Errorf("%s from %s: %v, want invalid transition", name, from, err)
			case ok && len(c.Recorded()) != 1:
				t.Errorf("%s from %s recorded %d history entries", name, from, len(c.Recorded()))
			}
		}
	}
	// An overdue pending claim can no longer be approved.
	c := fresh(ClaimPending)
	if err := c.Approve("a", "", now.Add(2*time.Hour)); !errors.Is(err, ErrInvalidTransition) {
		t.Errorf("approving an overdue claim: %v", err)
	}
	// Confirmation: each org once; both make it fulfilled.
	c = fresh(ClaimApproved)
	if err := c.Confirm("x", "a", now); !errors.Is(err, ErrForbidden) {
		t.Errorf("a stranger confirms: %v", err)
	}
	if err := c.Confirm("o", "a", now); err != nil || c.Status != ClaimApproved {
		t.Fatalf("owner confirms: %v %s", err, c.Status)
	}
	if err := c.Confirm("o", "a", now); !errors.Is(err, ErrInvalidTransition) {
		t.Errorf("owner confirms twice: %v", err)
	}
	if err := c.Confirm("c", "b", now); err != nil || c.Status != ClaimFulfilled {
		t.Fatalf("claimant confirms: %v %s", err, c.Status)
	}
}

func TestAgreementCoverage(t *testing.T) {
	t.Parallel()
	street := Org{ID: "s", Kind: KindStreet, StreetID: "s"}
	comm := Org{ID: "c", Kind: KindCommunity, StreetID: "s"}
	comm2 := Org{ID: "c2", Kind: KindCommunity, StreetID: "s"}
	otherComm := Org{ID: "c3", Kind: KindCommunity, StreetID: "t"}
	unit := Org{ID: "u", Kind: KindUnit, StreetID: "s"}
	unit2 := Org{ID: "u2", Kind: KindUnit, StreetID: "s"}
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	base := Agreement{Status: AgreementActive, Categories: []string{"parking"},
		StartsOn: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)}
	direct := base
	direct.PartyAOrgID, direct.PartyBOrgID = "u", "c"
	viaStreet := base
	viaStreet.PartyAOrgID, viaStreet.PartyBOrgID = "s", "u"
	loc := time.UTC
	occ := func(day int) []schedule.Interval {
		s := time.Date(2027, 6, day, 19, 0, 0, 0, loc)
		return []schedule.Interval{{Start: s, End: s.Add(12 * time.Hour)}}
	}
	cases := []struct {
		name     string
		a        Agreement
		x, y     Org
		category string
		occs     []schedule.Interval
		want     bool
	}{
		{"direct parties", direct, unit, comm, "parking", occ(2), true},
		{"either order", direct, comm, unit, "parking", occ(2), true},
		{"another community", direct, unit, comm2, "parking", occ(2), false},
		{"another unit", direct, unit2, comm, "parking", occ(2), false},
		{"category not covered", direct, unit, comm, "venue", occ(2), false},
		{"a street covers its communities", viaStreet, unit, comm2, "parking", occ(2), true},
		{"but not another street's", viaStreet, unit, otherComm, "parking", occ(2), false},
		{"the street itself", viaStreet, unit, street, "parking", occ(2), true},
	}
	for _, tc := range cases {
		if got := tc.a.Covers(tc.x, tc.y, tc.category, tc.occs, loc, now); got != tc.want {
			t.Errorf("%s: Covers = %v", tc.name, got)
		}
	}
	late := direct
	late.EndsOn = time.Date(2027, 6, 2, 0, 0, 0, 0, time.UTC)
	if late.Covers(unit, comm, "parking", occ(2), loc, now) {
		t.Error("an occurrence ending after ends_on is not covered")
	}
	if !late.Covers(unit, comm, "parking", occ(1), loc, now) {
		t.Error("an occurrence ending on the day after ends_on at midnight... is covered only within ends_on")
	}
	if direct.EffectiveStatus(time.Date(2028, 1, 2, 0, 0, 0, 0, time.UTC)) != AgreementExpired {
		t.Error("an agreement reads expired after ends_on")
	}
}
