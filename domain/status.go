package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// A lapse is how a status changes by itself with time, without anything being written: a row
// stored with status From reads as To once its deadline has passed. Every status rule of that
// kind is declared once, here; the entities' EffectiveStatus methods read these tables, and the
// stores turn them into SQL through StatusTerms, so a list filtered by status and the status a
// reader is shown never disagree.
type lapse struct{ from, to string }

// The deadlines: a claim's expires_at, a listing's valid_until, an agreement's ends_on (the day
// after it, in fact: an agreement is still active on its last day).
var (
	claimLapses     = []lapse{{string(ClaimPending), string(ClaimExpired)}}
	listingLapses   = []lapse{{string(ListingOpen), string(ListingClosed)}, {string(ListingPaused), string(ListingClosed)}}
	agreementLapses = []lapse{{string(AgreementActive), string(AgreementExpired)}}
)

// ClaimStatuses, ListingStatuses and AgreementStatuses are every status a reader may see, in
// the order the API documents them.
var (
	ClaimStatuses     = []ClaimStatus{ClaimPending, ClaimApproved, ClaimRejected, ClaimCancelled, ClaimExpired, ClaimFulfilled}
	ListingStatuses   = []ListingStatus{ListingOpen, ListingPaused, ListingClosed}
	AgreementStatuses = []AgreementStatus{AgreementPending, AgreementActive, AgreementTerminated, AgreementExpired}
)

// effective applies lapses to a stored status whose deadline has (passed) or has not.
func effective(lapses []lapse, stored string, passed bool) string {
	if passed {
		for _, l := range lapses {
			if l.from == stored {
				return l.to
			}
		}
	}
	return stored
}

// StatusTerm is one way a stored row reads as a wanted status. Stored is the stored status
// (empty: any). Deadline says what the row's deadline must be:
//   - DeadlineAny: anything;
//   - DeadlineAhead: unset, or after Bound (the lapse has not happened);
//   - DeadlinePassed: set and at or before Bound (the lapse has happened).
//
// A row matches a filter when it matches any of the filter's terms.
type StatusTerm struct {
	Stored   string
	Deadline Deadline
	Bound    any // a time.Time, or for agreements a date string YYYY-MM-DD
}

// Deadline is the condition a StatusTerm puts on a row's deadline.
type Deadline int

// The conditions of StatusTerm.Deadline.
const (
	DeadlineAny Deadline = iota
	DeadlineAhead
	DeadlinePassed
)

// statusTerms lists the terms that select the rows reading as any of want. bound is the value a
// deadline is compared with.
func statusTerms(lapses []lapse, want []string, bound any) []StatusTerm {
	var out []StatusTerm
	for _, w := range want {
		lapsesFrom := slices.ContainsFunc(lapses, func(l lapse) bool { return l.from == w })
		if lapsesFrom {
			out = append(out, StatusTerm{Stored: w, Deadline: DeadlineAhead, Bound: bound})
		} else {
			out = append(out, StatusTerm{Stored: w})
		}
		for _, l := range lapses {
			if l.to == w {
				out = append(out, StatusTerm{Stored: l.from, Deadline: DeadlinePassed, Bound: bound})
			}
		}
	}
	return out
}

func asStrings[S ~string](ss []S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// ClaimStatusTerms selects the claims that read as any of want at now (deadline: expires_at).
func ClaimStatusTerms(want []ClaimStatus, now time.Time) []StatusTerm {
	return statusTerms(claimLapses, asStrings(want), now.UTC())
}

// ListingStatusTerms selects the listings that read as any of want at now (deadline:
// valid_until).
func ListingStatusTerms(want []ListingStatus, now time.Time) []StatusTerm {
	return statusTerms(listingLapses, asStrings(want), now.UTC())
}

// AgreementStatusTerms selects the agreements that read as any of want on the civil date today
// (deadline: ends_on, compared as a date; an agreement lapses the day after it ends).
func AgreementStatusTerms(want []AgreementStatus, today time.Time) []StatusTerm {
	return statusTerms(agreementLapses, asStrings(want), today.AddDate(0, 0, -1).Format(DateLayout))
}

// OverdueClaimTerms selects the claims stored as pending whose hold has expired at now: those
// the sweeper records as expired.
func OverdueClaimTerms(now time.Time) []StatusTerm {
	return []StatusTerm{{Stored: string(ClaimPending), Deadline: DeadlinePassed, Bound: now.UTC()}}
}

// ParseStatuses reads a comma-separated status filter (API.md §1: status=pending,approved)
// against the statuses a reader may see; an unknown value is a field error of field. An empty
// string is no filter (nil).
func ParseStatuses[S ~string](field, raw string, known []S) ([]S, error) {
	if raw == "" {
		return nil, nil
	}
	var out []S
	for _, part := range strings.Split(raw, ",") {
		s := S(strings.TrimSpace(part))
		if !slices.Contains(known, s) {
			return nil, Invalid(field, "invalid", "%s must be a comma-separated list of %s", field, joinStatuses(known))
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

func joinStatuses[S ~string](ss []S) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, ", ")
}
