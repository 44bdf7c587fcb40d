package repository

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
	"github.com/gongjian/gongjian/domain/schedule"
)

type passRow struct {
	ID           string
	ClaimID      string
	PersonID     string
	Quantity     int64
	WindowStart  time.Time
	WindowEnd    time.Time
	WindowRrule  string
	Timezone     string
	Plate        string
	Note         string
	Code         string
	Status       string
	IssuedBy     string
	RevokedBy    string
	RevokedAt    sql.NullTime
	RevokeReason string
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Read only: the holder's name and phone, joined from people.
	PersonName  string `gorm:"->"`
	PersonPhone string `gorm:"->"`
}

func (passRow) TableName() string { return "passes" }

func toPassRow(p people.Pass) passRow {
	return passRow{
		ID: p.ID, ClaimID: p.ClaimID, PersonID: p.PersonID, Quantity: p.Quantity,
		WindowStart: p.Window.Start.UTC(), WindowEnd: p.Window.End.UTC(), WindowRrule: p.Window.RRule,
		Timezone: p.TimeZone, Plate: p.Plate, Note: p.Note, Code: p.Code, Status: string(p.Status),
		IssuedBy: p.IssuedBy, RevokedBy: p.RevokedBy, RevokedAt: nullTime(p.RevokedAt), RevokeReason: p.RevokeReason,
		Version: p.Version, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(),
	}
}

func (r passRow) toDomain() people.Pass {
	loc := domain.ZoneOr(r.Timezone)
	return people.Pass{
		ID: r.ID, ClaimID: r.ClaimID, PersonID: r.PersonID, Quantity: r.Quantity,
		Window:   schedule.Window{Start: r.WindowStart.In(loc), End: r.WindowEnd.In(loc), RRule: r.WindowRrule},
		TimeZone: r.Timezone, Plate: r.Plate, Note: r.Note, Code: r.Code, Status: people.PassStatus(r.Status),
		IssuedBy: r.IssuedBy, RevokedBy: r.RevokedBy, RevokedAt: timePtr(r.RevokedAt), RevokeReason: r.RevokeReason,
		Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		PersonName: r.PersonName, PersonPhone: r.PersonPhone,
	}
}

// Passes is the people.PassStore.
type Passes struct {
	db     *DB
	claims *Claims
}

// NewPasses returns the pass store of db.
func NewPasses(db *DB) *Passes { return &Passes{db: db, claims: NewClaims(db)} }

// withPerson selects passes with their holder's name and phone.
func withPerson(q *gorm.DB) *gorm.DB {
	return q.Table("passes").Select("passes.*, people.name AS person_name, people.phone AS person_phone").
		Joins("JOIN people ON people.id = passes.person_id")
}

// IssuePass keeps the nested invariant: the claim row is locked (FOR UPDATE on PostgreSQL; on
// SQLite write transactions exclude each other) before its active passes are read, so two
// issues on one claim run one after the other and the second sees the first. A claim's status
// changes take the same lock, so a pass is never issued on a claim being cancelled.
func (s *Passes) IssuePass(ctx context.Context, claimID string, fn func(domain.Claim, []people.Pass) (people.Pass, domain.Event, error)) (people.Pass, error) {
	var p people.Pass
	err := s.db.inTx(ctx, func(tx *gorm.DB) error {
		c, err := s.claims.load(tx, claimID, true)
		if err != nil {
			return err
		}
		var rows []passRow
		if err := withPerson(tx).Where("passes.claim_id = ? AND passes.status = 'active'", claimID).Find(&rows).Error; err != nil {
			return err
		}
		active := make([]people.Pass, len(rows))
		for i, r := range rows {
			active[i] = r.toDomain()
		}
		var ev domain.Event
		if p, ev, err = fn(c, active); err != nil {
			return err
		}
		r := toPassRow(p)
		noteCreated(tx, "passes/"+p.ID)
		if err := tx.Omit("PersonName", "PersonPhone").Create(&r).Error; err != nil {
			return err
		}
		return insertEvent(tx, ev)
	})
	return p, err
}

// GetPass loads one pass with its holder's name.
func (s *Passes) GetPass(ctx context.Context, id string) (people.Pass, error) {
	return s.getBy(ctx, "passes.id = ?", id)
}

// GetPassByCode finds a pass by its verification code.
func (s *Passes) GetPassByCode(ctx context.Context, code string) (people.Pass, error) {
	return s.getBy(ctx, "passes.code = ?", code)
}

func (s *Passes) getBy(ctx context.Context, where, arg string) (people.Pass, error) {
	var r passRow
	if err := withPerson(s.db.conn(ctx)).Where(where, arg).Take(&r).Error; err != nil {
		return people.Pass{}, translate(err)
	}
	return r.toDomain(), nil
}

// ListPasses lists passes in id order.
func (s *Passes) ListPasses(ctx context.Context, f people.PassFilter) ([]people.Pass, error) {
	q := withPerson(s.db.conn(ctx))
	if f.Page.After != "" {
		q = q.Where("passes.id > ?", f.Page.After)
	}
	if f.Page.Limit > 0 {
		q = q.Limit(f.Page.Limit + 1)
	}
	q = q.Order("passes.id")
	if f.ClaimID != "" {
		q = q.Where("passes.claim_id = ?", f.ClaimID)
	}
	if f.PersonID != "" {
		q = q.Where("passes.person_id = ?", f.PersonID)
	}
	if f.OnlyPerson != "" {
		q = q.Where("passes.person_id = ?", f.OnlyPerson)
	}
	if f.OnlyStreet != "" || f.OnlyOrg != "" {
		q = q.Joins("JOIN claims ON claims.id = passes.claim_id")
		if f.OnlyStreet != "" {
			q = q.Where("claims.street_id = ?", f.OnlyStreet)
		}
		if f.OnlyOrg != "" {
			q = q.Where("(claims.owner_org_id = ? OR claims.claimant_org_id = ?)", f.OnlyOrg, f.OnlyOrg)
		}
	}
	var rows []passRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]people.Pass, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// RevokePass locks the pass, applies fn, and saves it with fn's event.
func (s *Passes) RevokePass(ctx context.Context, id string, fn func(*people.Pass) (domain.Event, error)) (people.Pass, error) {
	var p people.Pass
	err := s.db.inTx(ctx, func(tx *gorm.DB) error {
		var r passRow
		if err := s.db.forUpdate(tx).Take(&r, "id = ?", id).Error; err != nil {
			return err
		}
		var pr passRow
		if err := withPerson(tx).Where("passes.id = ?", id).Take(&pr).Error; err != nil {
			return err
		}
		p = pr.toDomain()
		ev, err := fn(&p)
		if err != nil {
			return err
		}
		nr := toPassRow(p)
		if err := tx.Omit("PersonName", "PersonPhone").Save(&nr).Error; err != nil {
			return err
		}
		return insertEvent(tx, ev)
	})
	return p, err
}

// revokeClaimPasses revokes the active passes of claim c in tx, with one pass.revoked event
// each: a cancelled claim's passes end with it, in the same transaction. The claim row is
// locked already (lock order: claim, then its passes).
func revokeClaimPasses(tx *gorm.DB, c domain.Claim, actor, reason string, now time.Time) error {
	return revokePasses(tx, c, tx.Table("passes").Where("claim_id = ? AND status = 'active'", c.ID), actor, reason, now)
}

// revokePersonPasses revokes the active passes person holds on claim c (locked already).
func revokePersonPasses(tx *gorm.DB, c domain.Claim, person, reason string, now time.Time) error {
	q := tx.Table("passes").Where("claim_id = ? AND person_id = ? AND status = 'active'", c.ID, person)
	return revokePasses(tx, c, q, "system", reason, now)
}

func revokePasses(tx *gorm.DB, c domain.Claim, q *gorm.DB, actor, reason string, now time.Time) error {
	var rows []passRow
	if err := q.Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		p := r.toDomain()
		if !p.Revoke(actor, reason, now) {
			continue
		}
		nr := toPassRow(p)
		if err := tx.Omit("PersonName", "PersonPhone").Save(&nr).Error; err != nil {
			return err
		}
		if err := insertEvent(tx, people.PassEvent("pass.revoked", p, c, now)); err != nil {
			return err
		}
	}
	return nil
}
