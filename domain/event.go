package domain

import "time"

// Event is a domain event, written in the same transaction as the change it reports; the events
// feed and webhooks read them in commit order.
type Event struct {
	ID        string
	Type      string
	At        time.Time
	SubjectID string
	Data      map[string]any
}

// NewEvent builds an event about subject.
func NewEvent(typ, subject string, at time.Time, data map[string]any) Event {
	return Event{ID: NewID(), Type: typ, At: at, SubjectID: subject, Data: data}
}
