// Package idempotency is the model of Idempotency-Key (API.md §1), shared by the HTTP middleware
// that speaks it and the store that keeps it, and owned by neither.
//
// A key is reserved by a lease, not for ever: a request that dies between reserving its key and
// committing its change leaves a reservation that lapses when its lease ends (its deadline plus a
// margin), and a retry then runs afresh. The change's own transaction writes, under the
// reservation's fencing token, the reference of the resource it created (MarkCreated), so a crash
// between that commit and storing the answer leaves a key that replays the committed resource
// rather than one that runs again. A request whose lease another took over cannot commit: its
// mark finds the token gone and its transaction rolls back.
package idempotency

import (
	"context"
	"errors"
	"time"
)

// TTL is how long answers are kept (API.md §1: at least 24 h).
const TTL = 48 * time.Hour

// Outcome is what a reservation found.
type Outcome int

// Outcomes of Store.Reserve.
const (
	// Fresh: the key is this request's to run, under Reservation.Token.
	Fresh Outcome = iota
	// Replay: a finished request stored its answer (Record.Status, Record.Body), or committed a
	// resource (Record.Ref) and its lease lapsed before its answer was stored.
	Replay
	// InProgress: another request holds the key's lease until Record.LeaseUntil (it may have
	// committed already and be about to store its answer).
	InProgress
	// Mismatch: the key was used with another request (Record.RequestHash differs).
	Mismatch
)

// Record is what the store keeps under (owner, key).
type Record struct {
	RequestHash string
	// Status and Body are the stored answer; Status 0 until it is stored.
	Status int
	Body   []byte
	// Ref names the resource the request committed ("claims/<id>"), set in the change's own
	// transaction; empty until then.
	Ref        string
	LeaseUntil time.Time
}

// Reservation is the result of Store.Reserve.
type Reservation struct {
	Outcome Outcome
	// Token fences a Fresh reservation: only its holder can mark, finish or release it.
	Token  string
	Record Record
}

// Store keeps keys; repository.Idempotency implements it.
type Store interface {
	// Reserve takes (owner, key) for a request with hash until now+lease, unless it is taken:
	// by an answered or committed request (Replay), a live lease (InProgress) or another
	// request (Mismatch). A lapsed lease without a committed resource is taken over. Keys older
	// than TTL are forgotten first.
	Reserve(ctx context.Context, owner, key, hash string, now time.Time, lease time.Duration) (Reservation, error)
	// Finish stores the answer of the reservation holding token.
	Finish(ctx context.Context, owner, key, token string, status int, body []byte) error
	// Release forgets the reservation holding token, unless it committed a resource, so that a
	// retry runs afresh at once.
	Release(ctx context.Context, owner, key, token string) error
}

// ErrLeaseLost is returned by a transaction whose reservation was taken over after its lease
// lapsed: its change must not commit, since the request that took over runs it again.
var ErrLeaseLost = errors.New("idempotency: the key's lease was taken over")

// Ticket identifies the reservation a request runs under.
type Ticket struct {
	Owner, Key, Token string
}

type ticketKey struct{}

// WithTicket returns ctx carrying t: a store that creates a resource within ctx records it under
// t in the same transaction.
func WithTicket(ctx context.Context, t Ticket) context.Context {
	return context.WithValue(ctx, ticketKey{}, t)
}

// TicketFrom returns the ticket ctx carries.
func TicketFrom(ctx context.Context) (Ticket, bool) {
	t, ok := ctx.Value(ticketKey{}).(Ticket)
	return t, ok
}
