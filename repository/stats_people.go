package repository

import (
	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

type peopleCountRow struct {
	Registered int64
	Verified   int64
}

// peopleStats adds the people figures of API.md §10 to d: active people in scope now (a
// street's; an org's: its community's residents or its unit's employees), the verified among
// them, and the service seconds recorded for occurrences starting in [From, To).
func peopleStats(db *gorm.DB, s domain.StatsScope, d *domain.StatsData) error {
	var pc peopleCountRow
	q := db.Table("people").Where("active").
		Select("COUNT(*) AS registered, COALESCE(SUM(CASE WHEN status = 'verified' THEN 1 ELSE 0 END), 0) AS verified")
	if s.StreetID != "" {
		q = q.Where("street_id = ?", s.StreetID)
	}
	if s.OrgID != "" {
		q = q.Where("(community_id = ? OR employer_org_id = ?)", s.OrgID, s.OrgID)
	}
	if err := q.Scan(&pc).Error; err != nil {
		return err
	}
	d.PeopleRegistered, d.PeopleVerified = pc.Registered, pc.Verified

	var secs struct{ Seconds int64 }
	q = db.Table("service_records").Select("CAST(COALESCE(SUM(seconds), 0) AS BIGINT) AS seconds").
		Where("starts_at >= ? AND starts_at < ?", s.From.Unix(), s.To.Unix())
	if s.StreetID != "" {
		q = q.Where("street_id = ?", s.StreetID)
	}
	if s.OrgID != "" {
		q = q.Where("(community_id = ? OR employer_org_id = ?)", s.OrgID, s.OrgID)
	}
	if err := q.Scan(&secs).Error; err != nil {
		return err
	}
	d.VolunteerSeconds = secs.Seconds
	return nil
}
