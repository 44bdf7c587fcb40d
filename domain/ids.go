package domain

import "github.com/google/uuid"

// NewID returns a fresh UUIDv7: opaque to clients, time-ordered so keyset pagination by id follows
// creation order.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}
