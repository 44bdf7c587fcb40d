package domain

import (
	"testing"
	"time"
)

// matches evaluates terms the way the stores' SQL does, for a row with a stored status and a
// deadline (nil: none), so that the test checks the terms against EffectiveStatus.
func matches(terms []StatusTerm, stored string, deadline func(bound any) (int, bool)) bool {
	for _, t := range terms {
		if t.Stored != "" && t.Stored != stored {
			continue
		}
		if t.Deadline == DeadlineAny {
			return true
		}
		cmp, set := deadline(t.Bound)
		switch t.Deadline {
		case DeadlineAhead:
			if set && cmp <= 0 {
				continue
			}
		case DeadlinePassed:
			if !set || cmp > 0 {
				continue
			}
		}
		return true
	}
	return false
}

// TestStatusTermsAgreeWithEffectiveStatus: for every stored status and deadline (none, passed,
// ahead), a row matches the terms of a wanted status exactly when a reader is shown that status.
func TestStatusTermsAgreeWithEffectiveStatus(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	offsets := []*time.Duration{nil, ptr(-time.Hour), ptr(time.Duration(0)), ptr(time.Hour)}
	for _, off := range offsets {
		cmp := func(at time.Time) func(any) (int, bool) {
			return func(bound any) (int, bool) {
				if off == nil {
					return 0, false
				}
				return at.Compare(bound.(time.Time)), true
			}
		}
		for _, stored := range ClaimStatuses {
			c := Claim{Status: stored}
			if off != nil {
				c.ExpiresAt = now.Add(*off)
			}
			for _, want := range ClaimStatuses {
				if off == nil && stored == ClaimPending {
					continue // a pending claim always has an expiry
				}
				got := matches(ClaimStatusTerms([]ClaimStatus{want}, now), string(stored), cmp(c.ExpiresAt))
				if got != (c.EffectiveStatus(now) == want) {
					t.Errorf("claim %s expiring %v: terms of %s match=%v, effective %s", stored, off, want, got, c.EffectiveStatus(now))
				}
			}
		}
		for _, stored := range ListingStatuses {
			l := Listing{Status: stored}
			var at time.Time
			if off != nil {
				at = now.Add(*off)
				l.ValidUntil = &at
			}
			for _, want := range ListingStatuses {
				got := matches(ListingStatusTerms([]ListingStatus{want}, now), string(stored), cmp(at))
				if got != (l.EffectiveStatus(now) == want) {
					t.Errorf("listing %s valid until %v: terms of %s match=%v, effective %s", stored, off, want, got, l.EffectiveStatus(now))
				}
			}
		}
	}
	// Agreements compare dates: ends yesterday, today, tomorrow.
	for _, days := range []int{-1, 0, 1} {
		for _, stored := range AgreementStatuses {
			if stored == AgreementExpired {
				continue // never stored
			}
			ends := Today(now).AddDate(0, 0, days)
			a := Agreement{Status: stored, EndsOn: ends}
			for _, want := range AgreementStatuses {
				terms := AgreementStatusTerms([]AgreementStatus{want}, Today(now))
				got := matches(terms, string(stored), func(bound any) (int, bool) {
					s, _ := bound.(string)
					return compareStrings(ends.Format(DateLayout), s), true
				})
				if got != (a.EffectiveStatus(now) == want) {
					t.Errorf("agreement %s ending %+d days: terms of %s match=%v, effective %s", stored, days, want, got, a.EffectiveStatus(now))
				}
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestParseStatuses(t *testing.T) {
	got, err := ParseStatuses("status", "pending, approved,pending", ClaimStatuses)
	if err != nil || len(got) != 2 || got[0] != ClaimPending || got[1] != ClaimApproved {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range []string{"pending,", "nope", ",", "PENDING"} {
		if _, err := ParseStatuses("status", bad, ClaimStatuses); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if got, err := ParseStatuses("status", "", ClaimStatuses); got != nil || err != nil {
		t.Errorf("empty: %v %v", got, err)
	}
}
