package repository

import (
	"context"
	"time"

	"github.com/gongjian/gongjian/domain"
)

// Partners finds the orgs that share a current co-building agreement with an org.
type Partners struct{ db *DB }

// NewPartners returns the partner lookup of db.
func NewPartners(db *DB) *Partners { return &Partners{db: db} }

// PartnersOf returns the other parties of org's agreements that are active and have not
// expired by today (ends_on on or after it; domain.Today).
func (s *Partners) PartnersOf(ctx context.Context, org string, today time.Time) ([]string, error) {
	var rows []agreementRow
	err := s.db.conn(ctx).Select("party_a_org_id", "party_b_org_id").
		Where("status = 'active' AND ends_on >= ? AND (party_a_org_id = ? OR party_b_org_id = ?)",
			today.Format(domain.DateLayout), org, org).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		if r.PartyAOrgID == org {
			out = append(out, r.PartyBOrgID)
		} else {
			out = append(out, r.PartyAOrgID)
		}
	}
	return out, nil
}
