package repository

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

type orgRow struct {
	ID           string
	Kind         string
	Name         string
	ParentID     sql.NullString
	StreetID     sql.NullString
	DistrictID   sql.NullString
	CommunityID  sql.NullString
	Address      string
	Lat          sql.NullFloat64
	Lng          sql.NullFloat64
	ContactName  string
	ContactPhone string
	AdminCode    string
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (orgRow) TableName() string { return "orgs" }

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func toOrgRow(o domain.Org) orgRow {
	r := orgRow{
		ID: o.ID, Kind: string(o.Kind), Name: o.Name,
		ParentID: nullString(o.ParentID), StreetID: nullString(o.StreetID),
		DistrictID: nullString(o.DistrictID), CommunityID: nullString(o.CommunityID),
		Address: o.Address, ContactName: o.ContactName, ContactPhone: o.ContactPhone,
		AdminCode: o.AdminCode, Version: o.Version,
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
	if o.Location != nil {
		r.Lat = sql.NullFloat64{Float64: o.Location.Lat, Valid: true}
		r.Lng = sql.NullFloat64{Float64: o.Location.Lng, Valid: true}
		r.Address = o.Location.Address
	}
	return r
}

func (r orgRow) toDomain() domain.Org {
	o := domain.Org{
		ID: r.ID, Kind: domain.OrgKind(r.Kind), Name: r.Name,
		ParentID: r.ParentID.String, StreetID: r.StreetID.String,
		DistrictID: r.DistrictID.String, CommunityID: r.CommunityID.String,
		Address: r.Address, ContactName: r.ContactName, ContactPhone: r.ContactPhone,
		AdminCode: r.AdminCode, Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.Lat.Valid && r.Lng.Valid {
		o.Location = &domain.Location{Lat: r.Lat.Float64, Lng: r.Lng.Float64, Address: r.Address}
	}
	return o
}

// Orgs is the domain.OrgStore.
type Orgs struct{ db *DB }

// NewOrgs returns the org store of db.
func NewOrgs(db *DB) *Orgs { return &Orgs{db: db} }

// CreateOrg inserts o.
func (s *Orgs) CreateOrg(ctx context.Context, o domain.Org) error {
	r := toOrgRow(o)
	return s.db.createOne(ctx, "orgs/"+o.ID, &r)
}

// GetOrg loads one org.
func (s *Orgs) GetOrg(ctx context.Context, id string) (domain.Org, error) {
	var r orgRow
	if err := s.db.conn(ctx).Take(&r, "id = ?", id).Error; err != nil {
		return domain.Org{}, translate(err)
	}
	return r.toDomain(), nil
}

// ListOrgs lists orgs in id order.
func (s *Orgs) ListOrgs(ctx context.Context, f domain.OrgFilter) ([]domain.Org, error) {
	q := page(s.db.conn(ctx), f.Page)
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return []domain.Org{}, nil
		}
		q = q.Where("id IN ?", f.IDs)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", string(f.Kind))
	}
	if f.ParentID != "" {
		q = q.Where("parent_id = ?", f.ParentID)
	}
	if f.StreetID != "" {
		q = q.Where("street_id = ?", f.StreetID)
	}
	rows, err := findAll[orgRow](ctx, s.db, q)
	if err != nil {
		return nil, translate(err)
	}
	out := make([]domain.Org, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// UpdateOrg loads the org under lock, applies fn and saves it in one transaction.
func (s *Orgs) UpdateOrg(ctx context.Context, id string, fn func(*domain.Org) error) (domain.Org, error) {
	return updateLocked(ctx, s.db, id, infallible(orgRow.toDomain), infallible(toOrgRow), fn)
}

// page applies keyset pagination: ids after p.After, in id order, one more than the limit.
func page(q *gorm.DB, p domain.Page) *gorm.DB {
	if p.After != "" {
		q = q.Where("id > ?", p.After)
	}
	if p.Limit > 0 {
		q = q.Limit(p.Limit + 1)
	}
	return q.Order("id")
}
