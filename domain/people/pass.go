package people

import (
	"context"
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/schedule"
)

// PassStatus is whether a pass (通行证) may still be used.
type PassStatus string

// Pass statuses.
const (
	PassActive  PassStatus = "active"
	PassRevoked PassStatus = "revoked"
)

// Pass limits.
const (
	PassCodeLen = 8
	MaxPlateLen = 20
	MaxNoteLen  = 500
)

// passAlphabet has 32 symbols that are not easily confused when read aloud or off a phone
// (no 0/O, no 1/I): one code carries 40 random bits, and 32 divides 256, so masking a random
// byte picks each symbol with equal chance.
const passAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// Pass hands part of an approved claim on to one person (API.md §10): a resident's car in a
// unit's car park, say. A guard checks it by its code.
type Pass struct {
	ID           string
	ClaimID      string
	PersonID     string
	Quantity     int64
	Window       schedule.Window
	TimeZone     string
	Plate        string
	Note         string
	Code         string
	Status       PassStatus
	IssuedBy     string
	RevokedBy    string
	RevokedAt    *time.Time
	RevokeReason string
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// Read model, filled by the store: the person's name and phone.
	PersonName  string
	PersonPhone string
}

// PassInput is a pass as the API receives it; Quantity defaults to 1 and Window to the claim's.
type PassInput struct {
	PersonID string
	Quantity *int64
	Window   *domain.WindowInput
	Plate    string
	Note     string
}

// NewPassCode returns a random verification code of PassCodeLen symbols from crypto/rand.
func NewPassCode() string {
	b := make([]byte, PassCodeLen)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = passAlphabet[b[i]&31]
	}
	return string(b)
}

// NormalizeCode upper-cases a code as typed and drops spaces and dashes.
func NormalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}

// claimListing is the claim seen as a listing of its own: its window is the only availability
// and its quantity the capacity, so the passes of a claim obey the rules a claim obeys on its
// listing, checked by the same code (domain.CheckAvailability, domain.CheckCapacity).
func claimListing(c domain.Claim) domain.Listing {
	return domain.Listing{ID: c.ID, Quantity: c.Quantity, Windows: []schedule.Window{c.Window}, TimeZone: c.TimeZone}
}

// NewPass validates a pass on claim c for person x and returns it with its occurrences. The
// capacity check against the claim's other passes runs under the claim's lock (CheckPasses).
func NewPass(in PassInput, c domain.Claim, x Person, issuer string, now time.Time) (Pass, []schedule.Interval, error) {
	v := &domain.ValidationError{}
	pass := Pass{ID: domain.NewID(), ClaimID: c.ID, PersonID: x.ID, Quantity: 1, Window: c.Window, TimeZone: c.TimeZone,
		Plate: strings.ToUpper(strings.TrimSpace(in.Plate)), Note: strings.TrimSpace(in.Note), Code: NewPassCode(),
		Status: PassActive, IssuedBy: issuer, Version: 1, CreatedAt: now, UpdatedAt: now,
		PersonName: x.Name, PersonPhone: x.Phone}
	if in.Quantity != nil {
		pass.Quantity = *in.Quantity
		if pass.Quantity < 1 || pass.Quantity > c.Quantity {
			v.Add("quantity", "out_of_range", "quantity must be from 1 to the claim's quantity (%d)", c.Quantity)
		}
	}
	if utf8.RuneCountInString(pass.Plate) > MaxPlateLen {
		v.Add("plate", "too_long", "plate must be at most %d characters", MaxPlateLen)
	}
	if utf8.RuneCountInString(pass.Note) > MaxNoteLen {
		v.Add("note", "too_long", "note must be at most %d characters", MaxNoteLen)
	}
	cl := claimListing(c)
	if in.Window != nil {
		if w, err := domain.NewWindow("window", *in.Window, cl.Loc(), v); err == nil {
			pass.Window = w
		}
	}
	if err := v.Err(); err != nil {
		return Pass{}, nil, err
	}
	occs := pass.Window.Occurrences(cl.Loc())
	if len(occs) == 0 {
		return Pass{}, nil, domain.Invalid("window", "invalid", "the window has no occurrence")
	}
	if err := domain.CheckAvailability(cl, occs); err != nil {
		return Pass{}, nil, err
	}
	return pass, occs, nil
}

// Occurrences are the pass's occurrences overlapping [from, to).
func (p Pass) Occurrences(from, to time.Time) []schedule.Interval {
	return p.Window.OccurrencesBetween(domain.ZoneOr(p.TimeZone), from, to)
}

// CheckPasses is the nested invariant: with the new pass's occurrences occs and quantity qty,
// the active passes of claim c never hold more than its quantity at any instant. It runs with
// the claim row locked, so concurrent issues on one claim see each other.
func CheckPasses(c domain.Claim, active []Pass, occs []schedule.Interval, qty int64) error {
	from, to := occs[0].Start, occs[len(occs)-1].End
	var holds []domain.Hold
	for _, p := range active {
		if p.Status != PassActive {
			continue
		}
		for _, o := range p.Occurrences(from, to) {
			holds = append(holds, domain.Hold{Start: o.Start, End: o.End, Quantity: p.Quantity})
		}
	}
	return domain.CheckCapacity(claimListing(c), holds, "", occs, qty)
}

// Revoke ends a pass; revoking twice changes nothing.
func (p *Pass) Revoke(actor, reason string, now time.Time) bool {
	if p.Status != PassActive {
		return false
	}
	p.Status, p.RevokedBy, p.RevokedAt, p.RevokeReason = PassRevoked, actor, &now, strings.TrimSpace(reason)
	p.Version++
	p.UpdatedAt = now
	return true
}

// ValidAt reports whether the pass may be used at t: active, on a live claim, and t inside one
// of its occurrences.
func (p Pass) ValidAt(c domain.Claim, t time.Time) bool {
	if p.Status != PassActive || c.EffectiveStatus(t) != domain.ClaimApproved {
		return false
	}
	return len(p.Occurrences(t, t.Add(time.Nanosecond))) > 0
}

// PassEvent is an event about a pass on claim c, scoped like the claim's events; it names the
// person by id only.
func PassEvent(typ string, p Pass, c domain.Claim, now time.Time) domain.Event {
	return domain.NewEvent(typ, p.ID, now, map[string]any{
		"claim_id": c.ID, "listing_id": c.ListingID, "person_id": p.PersonID, "quantity": p.Quantity,
		"status": string(p.Status),
	}).Scoped(c.StreetID, c.OwnerOrgID, c.ClaimantOrgID)
}

// PassFilter selects passes; the Only* fields are visibility limits.
type PassFilter struct {
	ClaimID    string
	PersonID   string
	OnlyStreet string
	OnlyOrg    string // owner or claimant of the claim
	OnlyPerson string
	Page       domain.Page
}

// PassStore persists passes. The lock order is the one of every capacity change: the claim row,
// then its passes.
type PassStore interface {
	// IssuePass locks claim claimID, loads its active passes, lets fn build the pass (fn runs
	// the checks), and inserts the pass and its event in one transaction. A taken code is
	// domain.ErrConflict.
	IssuePass(ctx context.Context, claimID string, fn func(c domain.Claim, active []Pass) (Pass, domain.Event, error)) (Pass, error)
	GetPass(ctx context.Context, id string) (Pass, error)
	GetPassByCode(ctx context.Context, code string) (Pass, error)
	ListPasses(ctx context.Context, f PassFilter) ([]Pass, error)
	// RevokePass locks the pass, lets fn change it, and saves it with fn's event.
	RevokePass(ctx context.Context, id string, fn func(p *Pass) (domain.Event, error)) (Pass, error)
}
