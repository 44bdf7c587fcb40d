package repository

import (
	"context"
)

// Partners answers whether two orgs are parties of an active co-building agreement.
type Partners struct{ db *DB }

// NewPartners returns the partner lookup of db.
func NewPartners(db *DB) *Partners { return &Partners{db: db} }

// ArePartners reports whether a and b are the two parties of an active agreement.
func (s *Partners) ArePartners(ctx context.Context, a, b string) (bool, error) {
	var n int64
	err := s.db.conn(ctx).Model(&agreementRow{}).
		Where("status = 'active' AND ((party_a_org_id = ? AND party_b_org_id = ?) OR (party_a_org_id = ? AND party_b_org_id = ?))", a, b, b, a).
		Count(&n).Error
	return n > 0, translate(err)
}
