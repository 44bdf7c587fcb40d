package repository

import (
	"context"
)

// Partners answers whether two orgs are parties of an active co-building agreement.
type Partners struct{ db *DB }

// NewPartners returns the partner lookup of db.
func NewPartners(db *DB) *Partners { return &Partners{db: db} }

// ArePartners reports whether a and b have an active agreement between them.
func (s *Partners) ArePartners(ctx context.Context, a, b string) (bool, error) {
	// Agreements arrive with the marketplace; until their table exists no org has partners.
	return false, nil
}
