package people

import (
	"context"
	"errors"

	"github.com/gongjian/gongjian/domain"
)

// Errors of the token exchange (RFC 8693 §2.2.2). The API answers both with 400.
var (
	// ErrNoSubject: no active, verified person has this external id in the calling app (or the
	// person lives outside the app's street). RFC 6749's invalid_request.
	ErrNoSubject = errors.New("no person to act for")
	// ErrNoActScope: the app is not granted people:act. RFC 6749's invalid_scope.
	ErrNoActScope = errors.New("the app may not act for people")
)

// Filter selects people. Statuses empty means any; the Only* fields are the visibility limits
// the service applies (ListScope).
type Filter struct {
	CommunityID   string
	EmployerOrgID string
	Statuses      []Status
	Query         string // part of the name
	OnlyStreet    string
	OnlyCommunity string
	OnlyEmployer  string
	OnlyID        string
	Page          domain.Page
}

// Store persists people.
type Store interface {
	// Create inserts the person and its events in one transaction; an external id already taken
	// in that app by an active person is domain.ErrConflict.
	Create(ctx context.Context, p Person, evs ...domain.Event) error
	Get(ctx context.Context, id string) (Person, error)
	// GetByExternal finds the active person with externalID in the app clientID.
	GetByExternal(ctx context.Context, clientID, externalID string) (Person, error)
	// List returns active people matching f in id order, Limit+1 of them.
	List(ctx context.Context, f Filter) ([]Person, error)
	// Update locks the person, applies fn and saves it with the events fn returns, in one
	// transaction; a taken external id is domain.ErrConflict.
	Update(ctx context.Context, id string, fn func(*Person) ([]domain.Event, error)) (Person, error)
	// Deactivate locks the person and applies fn; when the person was deactivated by it, it
	// cancels each of their live claims with cancel (each claim row locked in turn: person,
	// then claim, then passes) and revokes the passes they hold, all in one transaction.
	Deactivate(ctx context.Context, id string, fn func(*Person) (bool, error), cancel func(*domain.Claim) error) (Person, error)
	// Acting loads, in one read, the person and the app (by client id) that acts for them; an
	// unknown app or person is domain.ErrNotFound.
	Acting(ctx context.Context, personID, clientID string) (Person, ActingApp, error)
}
