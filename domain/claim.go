package domain

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
)

// ClaimStatus is where a claim (认领) stands.
type ClaimStatus string

// Claim statuses. pending and approved claims are live: they hold capacity.
const (
	ClaimPending   ClaimStatus = "pending"
	ClaimApproved  ClaimStatus = "approved"
	ClaimRejected  ClaimStatus = "rejected"
	ClaimCancelled ClaimStatus = "cancelled"
	ClaimExpired   ClaimStatus = "expired"
	ClaimFulfilled ClaimStatus = "fulfilled"
)

// Live reports whether a claim in status s holds capacity.
func (s ClaimStatus) Live() bool { return s == ClaimPending || s == ClaimApproved }

// transitions is the legal status graph; everything else is ErrInvalidTransition.
var transitions = map[ClaimStatus][]ClaimStatus{
	ClaimPending:  {ClaimApproved, ClaimRejected, ClaimCancelled, ClaimExpired},
	ClaimApproved: {ClaimCancelled, ClaimFulfilled},
}

// CanTransition reports whether from → to is an edge of the claim status graph.
func CanTransition(from, to ClaimStatus) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// HistoryEntry is one line of a claim's audit trail.
type HistoryEntry struct {
	At      time.Time
	ActorID string
	Action  string
	From    ClaimStatus
	To      ClaimStatus
	Note    string
}

// Claim is a request by ClaimantOrgID to take Quantity of a listing during every occurrence of
// Window, made under an agreement and decided by the street.
type Claim struct {
	ID            string
	ListingID     string
	ListingSide   Side
	OwnerOrgID    string
	ClaimantOrgID string
	// ClaimantPersonID is set for a person's claim (API.md §10); ClaimantOrgID is then the
	// person's community. AgreementID is empty for a person's claim on a need.
	ClaimantPersonID     string
	AgreementID          string
	StreetID             string
	CounterpartListingID string
	Quantity             int64
	Window               schedule.Window
	TimeZone             string
	Note                 string
	Status               ClaimStatus
	ExpiresAt            time.Time
	OwnerConfirmedAt     *time.Time
	ClaimantConfirmedAt  *time.Time
	Rating               int
	FeedbackComment      string
	FeedbackAt           *time.Time
	Version              int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
	History              []HistoryEntry

	recorded []HistoryEntry // entries added since load, saved by the store
}

// Recorded returns the history entries added since the claim was loaded.
func (c *Claim) Recorded() []HistoryEntry { return c.recorded }

// EffectiveStatus is what a reader sees: a pending claim past its hold reads expired even
// before the sweeper has recorded it (its hold no longer counts either).
func (c Claim) EffectiveStatus(now time.Time) ClaimStatus {
	return ClaimStatus(effective(claimLapses, string(c.Status), !now.Before(c.ExpiresAt)))
}

func (c *Claim) move(to ClaimStatus, action, actor, note string, now time.Time) error {
	from := c.EffectiveStatus(now)
	if to == ClaimExpired {
		from = c.Status // expiring is how an overdue pending claim becomes expired on record
	}
	if !CanTransition(from, to) {
		return fmt.Errorf("%w: a %s claim cannot be %s", ErrInvalidTransition, from, to)
	}
	c.record(action, actor, c.Status, to, note, now)
	c.Status = to
	return nil
}

func (c *Claim) record(action, actor string, from, to ClaimStatus, note string, now time.Time) {
	e := HistoryEntry{At: now, ActorID: actor, Action: action, From: from, To: to, Note: note}
	c.History = append(c.History, e)
	c.recorded = append(c.recorded, e)
	c.Version++
	c.UpdatedAt = now
}

// Approve accepts a pending claim.
func (c *Claim) Approve(actor, note string, now time.Time) error {
	return c.move(ClaimApproved, "approved", actor, strings.TrimSpace(note), now)
}

// Reject refuses a pending claim; its hold is released.
func (c *Claim) Reject(actor, reason string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Invalid("reason", "required", "reason is required")
	}
	return c.move(ClaimRejected, "rejected", actor, reason, now)
}

// Cancel withdraws a pending or approved claim; its hold is released.
func (c *Claim) Cancel(actor, reason string, now time.Time) error {
	return c.move(ClaimCancelled, "cancelled", actor, strings.TrimSpace(reason), now)
}

// Expire ends a pending claim whose hold time has passed.
func (c *Claim) Expire(now time.Time) error {
	if c.Status != ClaimPending || now.Before(c.ExpiresAt) {
		return fmt.Errorf("%w: only an overdue pending claim expires", ErrInvalidTransition)
	}
	return c.move(ClaimExpired, "expired", "system", "", now)
}

// Confirm records fulfilment by org (the owner or the claimant); when both have confirmed the
// claim is fulfilled.
func (c *Claim) Confirm(org, actor string, now time.Time) error {
	if c.EffectiveStatus(now) != ClaimApproved {
		return fmt.Errorf("%w: only an approved claim is confirmed", ErrInvalidTransition)
	}
	var slot **time.Time
	switch org {
	case c.OwnerOrgID:
		slot = &c.OwnerConfirmedAt
	case c.ClaimantOrgID:
		slot = &c.ClaimantConfirmedAt
	default:
		return ErrForbidden
	}
	if *slot != nil {
		return fmt.Errorf("%w: your organisation has already confirmed", ErrInvalidTransition)
	}
	t := now
	*slot = &t
	// A person's claim is fulfilled by the owner's confirmation alone (API.md §10).
	if c.OwnerConfirmedAt != nil && (c.ClaimantConfirmedAt != nil || c.ClaimantPersonID != "") {
		return c.move(ClaimFulfilled, "fulfilled", actor, "", now)
	}
	c.record("confirmed", actor, c.Status, c.Status, "", now)
	return nil
}

// Feedback records the claimant's rating (1–5) of a fulfilled claim, once.
func (c *Claim) Feedback(actor string, rating int, comment string, now time.Time) error {
	v := &ValidationError{}
	if rating < 1 || rating > 5 {
		v.Add("rating", "out_of_range", "rating must be 1 to 5")
	}
	comment = strings.TrimSpace(comment)
	checkLen(v, "comment", comment, 2000)
	if err := v.Err(); err != nil {
		return err
	}
	if c.Status != ClaimFulfilled || c.FeedbackAt != nil {
		return fmt.Errorf("%w: feedback is given once, after fulfilment", ErrInvalidTransition)
	}
	c.Rating, c.FeedbackComment, c.FeedbackAt = rating, comment, &now
	c.record("feedback", actor, c.Status, c.Status, comment, now)
	return nil
}

// EventType is the domain event of a history action, or "" for actions without one.
func EventType(action string) string {
	switch action {
	case "created", "approved", "rejected", "cancelled", "expired", "fulfilled":
		return "claim." + action
	}
	return ""
}

// ClaimFilter selects claims.
type ClaimFilter struct {
	Statuses  []ClaimStatus // any of these (none: all)
	StreetID  string
	OrgID     string // owner or claimant
	ListingID string
	// Visibility limits applied by the service.
	OnlyStreet string
	OnlyOrg    string
	OnlyPerson string // a person reads their own claims only
	Now        time.Time
	Page       Page
}

// NewClaimTx is what the store needs to create a claim atomically: the occurrences the claim
// covers, and a check run under the listing's lock with the listing as it is then and the
// live holds overlapping the claim.
type NewClaimTx struct {
	Claim       Claim
	Occurrences []schedule.Interval
	// ProposalID, when set, is the matching proposal this claim accepts; the store marks it in
	// the same transaction and fails with ErrConflict if it was accepted already.
	ProposalID string
	// Check also receives the status of the claim's agreement, read under a share lock: a
	// termination committed meanwhile (which cancels pending claims) must not be missed.
	Check func(l Listing, holds []Hold, agreement AgreementStatus) error
	// Checked is the listing as the claim was checked against before the transaction (empty
	// when the caller has no such check). A store may commit without calling Check when Check
	// cannot fail: the locked listing still has Checked's version, the agreement is active, and
	// for every occurrence the holds that count and overlap it, summed, leave room for the
	// claim's quantity within Checked.Quantity and, for the claimant org's own holds, within
	// Checked.MaxPerClaimant when that is set (no instant holds more than that sum, so
	// CheckClaimCapacity passes). Only an org's claim under an agreement qualifies.
	Checked Listing
}

// ClaimContext is what ClaimStore.ClaimContext reads.
type ClaimContext struct {
	Listing    Listing
	Orgs       []Org
	Agreements []Agreement
}

// org returns the org with id among c.Orgs.
func (c ClaimContext) org(id string) (Org, bool) {
	for _, o := range c.Orgs {
		if o.ID == id {
			return o, true
		}
	}
	return Org{}, false
}

// ClaimStore persists claims, their holds, history and events.
type ClaimStore interface {
	// ClaimContext reads what creating a claim on listingID by claimantOrg decides with, before
	// its transaction, in one round trip where the database allows: the listing (ErrNotFound if
	// there is none), the orgs of its owner, its street and the claimant, and the active
	// agreements that may cover the claim: those whose two parties are among the owner, the
	// claimant and their streets (without signatures).
	ClaimContext(ctx context.Context, listingID, claimantOrg string) (ClaimContext, error)
	// CreateClaim locks the listing, runs tx.Check, and inserts the claim, its holds, its first
	// history entry and its event, in one transaction.
	// The holds tx.Check sees are those that count at now (see ListingStore.Holds).
	CreateClaim(ctx context.Context, tx NewClaimTx, now time.Time) error
	GetClaim(ctx context.Context, id string) (Claim, error)
	ListClaims(ctx context.Context, f ClaimFilter) ([]Claim, error)
	// UpdateClaim locks the claim, applies fn, saves it with its new history entries and events,
	// and releases its holds if it is no longer live (or marks them approved).
	UpdateClaim(ctx context.Context, id string, fn func(*Claim) error) (Claim, error)
	// ApproveClaim locks the claim's listing, then the claim (the lock order of CreateClaim),
	// and lets fn decide with the claim's occurrences not ended at now and the other holds that
	// count at now overlapping them; then saves as UpdateClaim does.
	ApproveClaim(ctx context.Context, id string, now time.Time, fn func(c *Claim, l Listing, mine []schedule.Interval, others []Hold) error) (Claim, error)
	// OverdueClaims returns ids of pending claims whose hold expired before now.
	OverdueClaims(ctx context.Context, now time.Time, limit int) ([]string, error)
}
