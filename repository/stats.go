package repository

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

// Stats is the domain.StatsStore. Every figure is one GROUP BY in SQL both engines speak (CASE,
// EXISTS, CAST to BIGINT so PostgreSQL's numeric sums scan as integers); only the median is left
// to Go, from the decision times.
type Stats struct{ db *DB }

// NewStats returns the statistics store of db.
func NewStats(db *DB) *Stats { return &Stats{db: db} }

type listingStatsRow struct {
	Category string
	Side     string
	N        int64
	Quantity int64
}

type claimStatsRow struct {
	Category        string
	Claims          int64
	Approved        int64
	Fulfilled       int64
	QuantityClaimed int64
}

type decisionRow struct {
	CreatedAt time.Time
	DecidedAt time.Time
}

type ratingRow struct {
	N   int64
	Sum int64
}

// StatsData aggregates the figures of s; see domain.StatsStore for what each counts.
func (st *Stats) StatsData(ctx context.Context, s domain.StatsScope) (domain.StatsData, error) {
	db := st.db.conn(ctx)
	from, to := s.From.UTC(), s.To.UTC()
	byCat := map[string]*domain.CategoryStats{}
	cat := func(code string) *domain.CategoryStats {
		if byCat[code] == nil {
			byCat[code] = &domain.CategoryStats{Category: code}
		}
		return byCat[code]
	}

	var ls []listingStatsRow
	q := db.Table("listings").Select("category, side, COUNT(*) AS n, CAST(SUM(quantity) AS BIGINT) AS quantity").
		Where("created_at >= ? AND created_at < ?", from, to)
	if s.StreetID != "" {
		q = q.Where("street_id = ?", s.StreetID)
	}
	if s.OrgID != "" {
		q = q.Where("org_id = ?", s.OrgID)
	}
	if err := q.Group("category, side").Scan(&ls).Error; err != nil {
		return domain.StatsData{}, err
	}
	for _, r := range ls {
		c := cat(r.Category)
		if r.Side == string(domain.SideOffer) {
			c.Offers, c.QuantityOffered = r.N, r.Quantity
		} else {
			c.Needs = r.N
		}
	}

	var cs []claimStatsRow
	q = claimScope(db.Table("claims c").Joins("JOIN listings l ON l.id = c.listing_id"), s).
		Select(`l.category AS category, COUNT(*) AS claims,
			CAST(SUM(CASE WHEN c.status IN ('approved', 'fulfilled') OR EXISTS (
				SELECT 1 FROM claim_history h WHERE h.claim_id = c.id AND h.action = 'approved')
				THEN 1 ELSE 0 END) AS BIGINT) AS approved,
			CAST(SUM(CASE WHEN c.status = 'fulfilled' THEN 1 ELSE 0 END) AS BIGINT) AS fulfilled,
			CAST(SUM(c.quantity) AS BIGINT) AS quantity_claimed`).
		Where("c.created_at >= ? AND c.created_at < ?", from, to)
	if err := q.Group("l.category").Scan(&cs).Error; err != nil {
		return domain.StatsData{}, err
	}
	for _, r := range cs {
		c := cat(r.Category)
		c.Claims, c.Approved, c.Fulfilled, c.QuantityClaimed = r.Claims, r.Approved, r.Fulfilled, r.QuantityClaimed
	}

	out := domain.StatsData{ByCategory: make([]domain.CategoryStats, 0, len(byCat))}
	for _, c := range byCat {
		out.ByCategory = append(out.ByCategory, *c)
	}

	var ds []decisionRow
	q = claimScope(db.Table("claim_history h").Joins("JOIN claims c ON c.id = h.claim_id"), s).
		Select("c.created_at AS created_at, h.at AS decided_at").
		Where("h.action IN ('approved', 'rejected') AND h.at >= ? AND h.at < ?", from, to)
	if err := q.Scan(&ds).Error; err != nil {
		return domain.StatsData{}, err
	}
	for _, d := range ds {
		// A decision recorded with the claim itself (auto-approval, an accepted matching
		// proposal) kept nobody waiting; counting it would pull the median towards zero.
		if d.DecidedAt.After(d.CreatedAt) {
			out.Decisions = append(out.Decisions, d.DecidedAt.Sub(d.CreatedAt))
		}
	}

	var rr ratingRow
	q = claimScope(db.Table("claims c"), s).
		Select("COUNT(c.rating) AS n, CAST(COALESCE(SUM(c.rating), 0) AS BIGINT) AS sum").
		Where("c.rating IS NOT NULL AND c.feedback_at >= ? AND c.feedback_at < ?", from, to)
	if err := q.Scan(&rr).Error; err != nil {
		return domain.StatsData{}, err
	}
	out.RatingSum, out.RatingCount = rr.Sum, rr.N
	if err := peopleStats(db, s, &out); err != nil {
		return domain.StatsData{}, err
	}
	return out, nil
}

// claimScope limits a query over claims aliased c to the street and org of s.
func claimScope(q *gorm.DB, s domain.StatsScope) *gorm.DB {
	if s.StreetID != "" {
		q = q.Where("c.street_id = ?", s.StreetID)
	}
	if s.OrgID != "" {
		q = q.Where("(c.owner_org_id = ? OR c.claimant_org_id = ?)", s.OrgID, s.OrgID)
	}
	return q
}
