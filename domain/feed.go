package domain

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// EventTypes are the types of the events feed (API.md §8).
var EventTypes = []string{
	"listing.created", "listing.updated",
	"agreement.activated", "agreement.terminated",
	"claim.created", "claim.approved", "claim.rejected", "claim.cancelled", "claim.expired", "claim.fulfilled",
	"person.registered", "person.verified", "pass.issued", "pass.revoked",
}

// EventQuery selects one page of the events feed.
type EventQuery struct {
	// After is the id of the event to continue after; "" starts from the first event.
	After string
	// Types keeps only these types; empty keeps all.
	Types []string
	Limit int
	// Visibility limits set by the service: at most one is non-empty.
	StreetID string
	OrgID    string
	// UpTo, when positive, is a horizon the caller read before (a store's Horizon): events
	// past it are left for later. Zero reads the horizon afresh.
	UpTo int64
}

// EventStore reads the events feed.
type EventStore interface {
	// ListEvents returns up to q.Limit+1 events after q.After in commit order. An After that
	// names no event is ErrNotFound.
	ListEvents(ctx context.Context, q EventQuery) ([]Event, error)
}

// Feed is the use-case service of the events feed.
type Feed struct{ events EventStore }

// NewFeed returns the feed service reading from events.
func NewFeed(events EventStore) (*Feed, error) {
	if events == nil {
		return nil, errors.New("feed: nil dependency")
	}
	return &Feed{events: events}, nil
}

// ParseEventTypes splits a comma-separated list of event types; an unknown type is a
// validation error of field "types".
func ParseEventTypes(list string) ([]string, error) {
	var out []string
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		switch {
		case t == "" || slices.Contains(out, t):
		case !slices.Contains(EventTypes, t):
			return nil, Invalid("types", "unknown", "unknown event type %q; known: %s", t, strings.Join(EventTypes, ", "))
		default:
			out = append(out, t)
		}
	}
	return out, nil
}

// EventScope is what part of the feed p may read: everything (both empty) for admins, one street
// for coordinators, and one org for community staff, liaison officers and apps holding
// events:read. Anyone else is ErrForbidden.
func EventScope(p Principal) (streetID, orgID string, err error) {
	switch {
	case p.IsAdmin():
		return "", "", nil
	case p.Role == RoleCoordinator && p.StreetID != "":
		return p.StreetID, "", nil
	case (p.Role == RoleCommunityStaff || p.Role == RoleLiaison) && p.OrgID != "":
		return "", p.OrgID, nil
	case p.Role == RoleApp && p.OrgID != "" && p.HasScope(ScopeEventsRead):
		return "", p.OrgID, nil
	}
	return "", "", ErrForbidden
}

// Events returns the page of the feed q names that p may read, in commit order, fetched with
// q.Limit+1 items so the caller can tell whether more follow.
func (f *Feed) Events(ctx context.Context, p Principal, q EventQuery) ([]Event, error) {
	street, org, err := EventScope(p)
	if err != nil {
		return nil, err
	}
	for _, t := range q.Types {
		if !slices.Contains(EventTypes, t) {
			return nil, Invalid("types", "unknown", "unknown event type %q", t)
		}
	}
	q.StreetID, q.OrgID = street, org
	evs, err := f.events.ListEvents(ctx, q)
	if errors.Is(err, ErrNotFound) {
		// Positions are not secret: after only says where to continue, never what an event holds.
		return nil, Invalid("after", "unknown", "after names no event")
	}
	return evs, err
}
