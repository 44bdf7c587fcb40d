package repository

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
)

// The lock order of every transaction that touches capacity (DESIGN.md rule 13), with people:
// listing, then agreement, then the claimant person, then claim, then its passes. A person's new
// claim takes the person row shared after the listing and agreement; a deactivation takes the
// person row first and then the person's claims, and never a listing, so the two cannot wait for
// each other in a cycle.

// checkClaimant re-reads the claimant person of a person's claim under a share lock: a person
// deactivated since their token was checked makes no claim.
func (s *Claims) checkClaimant(tx *gorm.DB, c domain.Claim) error {
	if c.ClaimantPersonID == "" {
		return nil
	}
	q := tx.Select("active", "status")
	if s.db.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "SHARE"})
	}
	var r personRow
	if err := q.Take(&r, "id = ?", c.ClaimantPersonID).Error; err != nil {
		return err
	}
	if !r.Active || people.Status(r.Status) != people.StatusVerified {
		return domain.Detailed(domain.ErrForbidden, nil, "the person is no longer a verified, active registrant")
	}
	return nil
}

// claimAftermath does, in the claim's transaction, what a status change implies beyond the
// claim's own rows: a claim that stops being live without being fulfilled revokes its passes,
// and a person's claim on a need that becomes fulfilled records the person's service.
func claimAftermath(tx *gorm.DB, c *domain.Claim) error {
	rec := c.Recorded()
	switch aftermathOf(c) {
	case revokePassesAfter:
		last := rec[len(rec)-1]
		return revokeClaimPasses(tx, *c, last.ActorID, "claim "+string(c.Status), last.At)
	case recordServiceAfter:
		return recordService(tx, c, rec[len(rec)-1])
	}
	return nil
}

// What a claim's status change implies beyond its own rows (claimAftermath).
type aftermath int

const (
	nothingAfter       aftermath = iota
	revokePassesAfter            // the claim stopped being live unfulfilled: its active passes go
	recordServiceAfter           // a person's claim on a need was fulfilled: their service counts
)

func aftermathOf(c *domain.Claim) aftermath {
	rec := c.Recorded()
	if len(rec) == 0 {
		return nothingAfter
	}
	switch last := rec[len(rec)-1]; {
	case !c.Status.Live() && c.Status != domain.ClaimFulfilled:
		return revokePassesAfter
	case c.Status == domain.ClaimFulfilled && last.Action == "fulfilled" && c.ClaimantPersonID != "" && c.ListingSide == domain.SideNeed:
		return recordServiceAfter
	}
	return nothingAfter
}

type serviceRecordRow struct {
	ClaimID       string
	PersonID      string
	CommunityID   string
	StreetID      string
	EmployerOrgID *string
	Category      string
	StartsAt      int64
	EndsAt        int64
	Seconds       int64
}

func (serviceRecordRow) TableName() string { return "service_records" }

// recordService writes one service record per occurrence the person served, with the person's
// community and employer as they are at fulfilment.
func recordService(tx *gorm.DB, c *domain.Claim, at domain.HistoryEntry) error {
	var pr personRow
	if err := tx.Take(&pr, "id = ?", c.ClaimantPersonID).Error; err != nil {
		return err
	}
	x, err := pr.toDomain()
	if err != nil {
		return err
	}
	var lr listingRow
	if err := tx.Select("category").Take(&lr, "id = ?", c.ListingID).Error; err != nil {
		return err
	}
	recs := people.ServiceRecords(*c, x, lr.Category, at.At)
	if len(recs) == 0 {
		return nil
	}
	rows := make([]serviceRecordRow, len(recs))
	for i, r := range recs {
		rows[i] = serviceRecordRow{ClaimID: r.ClaimID, PersonID: r.PersonID, CommunityID: r.CommunityID, StreetID: r.StreetID,
			Category: r.Category, StartsAt: r.Start.Unix(), EndsAt: r.End.Unix(), Seconds: int64(r.End.Sub(r.Start).Seconds())}
		if r.EmployerOrgID != "" {
			emp := r.EmployerOrgID
			rows[i].EmployerOrgID = &emp
		}
	}
	return tx.CreateInBatches(rows, 500).Error
}

// Service is the people.ServiceStore.
type Service struct{ db *DB }

// NewService returns the service-record store of db.
func NewService(db *DB) *Service { return &Service{db: db} }

type serviceSumRow struct {
	Category string
	Seconds  int64
	Claims   int64
}

// PersonService sums a person's records whose occurrence starts in [from, to), per category.
func (s *Service) PersonService(ctx context.Context, personID string, from, to time.Time) (people.ServiceSummary, error) {
	var rows []serviceSumRow
	err := s.db.conn(ctx).Table("service_records").
		Select("category, CAST(SUM(seconds) AS BIGINT) AS seconds, COUNT(DISTINCT claim_id) AS claims").
		Where("person_id = ? AND starts_at >= ? AND starts_at < ?", personID, from.Unix(), to.Unix()).
		Group("category").Order("category").Scan(&rows).Error
	if err != nil {
		return people.ServiceSummary{}, translate(err)
	}
	out := people.ServiceSummary{ByCategory: []people.CategoryService{}}
	for _, r := range rows {
		out.Seconds += r.Seconds
		out.ByCategory = append(out.ByCategory, people.CategoryService{Category: r.Category, Seconds: r.Seconds, Claims: r.Claims})
	}
	// A claim has one category, so the claims of the categories add up.
	for _, c := range out.ByCategory {
		out.Claims += c.Claims
	}
	return out, nil
}

type memberRow struct {
	PersonID      string
	PersonName    string
	CommunityID   string
	CommunityName string
	Seconds       int64
	Claims        int64
}

// MemberService sums the records of a unit's employees (as they were at fulfilment) per person.
func (s *Service) MemberService(ctx context.Context, unit string, from, to time.Time, pg domain.Page) ([]people.MemberService, error) {
	q := s.db.conn(ctx).Table("service_records r").
		Select("r.person_id, p.name AS person_name, p.community_id, o.name AS community_name, "+
			"CAST(SUM(r.seconds) AS BIGINT) AS seconds, COUNT(DISTINCT r.claim_id) AS claims").
		Joins("JOIN people p ON p.id = r.person_id").
		Joins("JOIN orgs o ON o.id = p.community_id").
		Where("r.employer_org_id = ? AND r.starts_at >= ? AND r.starts_at < ?", unit, from.Unix(), to.Unix()).
		Group("r.person_id, p.name, p.community_id, o.name").Order("r.person_id")
	if pg.After != "" {
		q = q.Where("r.person_id > ?", pg.After)
	}
	if pg.Limit > 0 {
		q = q.Limit(pg.Limit + 1)
	}
	var rows []memberRow
	if err := q.Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]people.MemberService, len(rows))
	for i, r := range rows {
		out[i] = people.MemberService(r)
	}
	return out, nil
}
