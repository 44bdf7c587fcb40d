package domain

import (
	"slices"
	"time"
)

// Event is a domain event, written in the same transaction as the change it reports; the events
// feed and webhooks read them in commit order.
type Event struct {
	ID        string
	Type      string
	At        time.Time
	SubjectID string
	Data      map[string]any
	// StreetID and OrgIDs scope the event for readers (API.md §8): coordinators see the events of
	// their street, staff, liaison officers and apps those of the orgs they act for. They are
	// stored beside the event, not in Data, so the feed filters them with an index.
	StreetID string
	OrgIDs   []string
}

// NewEvent builds an event about subject.
func NewEvent(typ, subject string, at time.Time, data map[string]any) Event {
	return Event{ID: NewID(), Type: typ, At: at, SubjectID: subject, Data: data}
}

// Scoped returns e concerning street and orgs (empty and repeated ids are dropped).
func (e Event) Scoped(street string, orgs ...string) Event {
	e.StreetID = street
	e.OrgIDs = nil
	for _, o := range orgs {
		if o != "" && !slices.Contains(e.OrgIDs, o) {
			e.OrgIDs = append(e.OrgIDs, o)
		}
	}
	return e
}
