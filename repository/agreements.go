package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

type agreementRow struct {
	ID                string
	PartyAOrgID       string `gorm:"column:party_a_org_id"`
	PartyBOrgID       string `gorm:"column:party_b_org_id"`
	Title             string
	Categories        string
	StartsOn          string
	EndsOn            string
	Terms             string
	AutoApprove       bool
	Status            string
	StreetID          string
	CreatedBy         string
	TerminatedAt      sql.NullTime
	TerminationReason string
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (agreementRow) TableName() string { return "agreements" }

type signatureRow struct {
	AgreementID string `gorm:"primaryKey"`
	OrgID       string `gorm:"primaryKey"`
	UserID      string
	SignedAt    time.Time
}

func (signatureRow) TableName() string { return "agreement_signatures" }

func toAgreementRow(a domain.Agreement) (agreementRow, error) {
	cats, err := json.Marshal(a.Categories)
	if err != nil {
		return agreementRow{}, err
	}
	return agreementRow{
		ID: a.ID, PartyAOrgID: a.PartyAOrgID, PartyBOrgID: a.PartyBOrgID, Title: a.Title,
		Categories: string(cats), StartsOn: a.StartsOn.Format(domain.DateLayout), EndsOn: a.EndsOn.Format(domain.DateLayout),
		Terms: a.Terms, AutoApprove: a.AutoApprove, Status: string(a.Status), StreetID: a.StreetID,
		CreatedBy: a.CreatedBy, TerminatedAt: nullTime(a.TerminatedAt), TerminationReason: a.TerminationReason,
		Version: a.Version, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
	}, nil
}

func (r agreementRow) toDomain(sigs []signatureRow) (domain.Agreement, error) {
	a := domain.Agreement{
		ID: r.ID, PartyAOrgID: r.PartyAOrgID, PartyBOrgID: r.PartyBOrgID, Title: r.Title, Terms: r.Terms,
		AutoApprove: r.AutoApprove, Status: domain.AgreementStatus(r.Status), StreetID: r.StreetID,
		CreatedBy: r.CreatedBy, TerminatedAt: timePtr(r.TerminatedAt), TerminationReason: r.TerminationReason,
		Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Signatures: []domain.Signature{},
	}
	if err := json.Unmarshal([]byte(r.Categories), &a.Categories); err != nil {
		return a, err
	}
	var err error
	if a.StartsOn, err = time.Parse(domain.DateLayout, r.StartsOn); err != nil {
		return a, err
	}
	if a.EndsOn, err = time.Parse(domain.DateLayout, r.EndsOn); err != nil {
		return a, err
	}
	for _, s := range sigs {
		a.Signatures = append(a.Signatures, domain.Signature{OrgID: s.OrgID, UserID: s.UserID, SignedAt: s.SignedAt.UTC()})
	}
	return a, nil
}

// Agreements is the domain.AgreementStore.
type Agreements struct {
	db     *DB
	claims *Claims
}

// NewAgreements returns the agreement store of db.
func NewAgreements(db *DB) *Agreements { return &Agreements{db: db, claims: NewClaims(db)} }

// CreateAgreement inserts a.
func (s *Agreements) CreateAgreement(ctx context.Context, a domain.Agreement) error {
	r, err := toAgreementRow(a)
	if err != nil {
		return err
	}
	return s.db.createOne(ctx, "agreements/"+a.ID, &r)
}

// GetAgreement loads an agreement with its signatures.
func (s *Agreements) GetAgreement(ctx context.Context, id string) (domain.Agreement, error) {
	return s.get(s.db.conn(ctx), id, false)
}

func (s *Agreements) get(q *gorm.DB, id string, lock bool) (domain.Agreement, error) {
	var r agreementRow
	sel := q
	if lock {
		sel = s.db.forUpdate(q)
	}
	if err := sel.Take(&r, "id = ?", id).Error; err != nil {
		return domain.Agreement{}, translate(err)
	}
	out, err := s.withSignatures(q, []agreementRow{r})
	if err != nil {
		return domain.Agreement{}, err
	}
	return out[0], nil
}

func (s *Agreements) withSignatures(q *gorm.DB, rows []agreementRow) ([]domain.Agreement, error) {
	if len(rows) == 0 {
		return []domain.Agreement{}, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var sigs []signatureRow
	if err := q.Where("agreement_id IN ?", ids).Order("signed_at").Find(&sigs).Error; err != nil {
		return nil, translate(err)
	}
	by := map[string][]signatureRow{}
	for _, sg := range sigs {
		by[sg.AgreementID] = append(by[sg.AgreementID], sg)
	}
	out := make([]domain.Agreement, len(rows))
	for i, r := range rows {
		a, err := r.toDomain(by[r.ID])
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// ListAgreements lists agreements in id order.
func (s *Agreements) ListAgreements(ctx context.Context, f domain.AgreementFilter) ([]domain.Agreement, error) {
	q := page(s.db.conn(ctx), f.Page)
	if len(f.Statuses) > 0 {
		q = whereStatus(q, "ends_on", domain.AgreementStatusTerms(f.Statuses, f.Today))
	}
	for _, org := range []string{f.OrgID, f.PartyOf} {
		if org != "" {
			q = q.Where("(party_a_org_id = ? OR party_b_org_id = ?)", org, org)
		}
	}
	if f.StreetID != "" {
		q = q.Where("street_id = ?", f.StreetID)
	}
	var rows []agreementRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	return s.withSignatures(s.db.conn(ctx), rows)
}

// ActiveAgreementsOf returns the active agreements any of orgs is a party of, oldest first,
// without their signatures (see domain.AgreementStore).
func (s *Agreements) ActiveAgreementsOf(ctx context.Context, orgs []string) ([]domain.Agreement, error) {
	rows, err := findAll[agreementRow](ctx, s.db, s.db.conn(ctx).
		Where("status = 'active' AND (party_a_org_id IN ? OR party_b_org_id IN ?)", orgs, orgs).Order("created_at, id"))
	if err != nil {
		return nil, translate(err)
	}
	out := make([]domain.Agreement, len(rows))
	for i, r := range rows {
		if out[i], err = r.toDomain(nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UpdateAgreement locks the agreement, applies fn, saves it (signatures are append-only), and
// applies cancel to its pending claims in the same transaction.
func (s *Agreements) UpdateAgreement(ctx context.Context, id string, fn func(*domain.Agreement) (domain.Event, error), cancel func(*domain.Claim) error) (domain.Agreement, error) {
	var a domain.Agreement
	err := s.db.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if a, err = s.get(tx, id, true); err != nil {
			return err
		}
		before := len(a.Signatures)
		ev, err := fn(&a)
		if err != nil {
			return err
		}
		r, err := toAgreementRow(a)
		if err != nil {
			return err
		}
		if err := tx.Save(&r).Error; err != nil {
			return err
		}
		for _, sg := range a.Signatures[before:] {
			if err := tx.Create(&signatureRow{AgreementID: a.ID, OrgID: sg.OrgID, UserID: sg.UserID, SignedAt: sg.SignedAt.UTC()}).Error; err != nil {
				return err
			}
		}
		if err := insertEvent(tx, ev); err != nil {
			return err
		}
		if cancel == nil {
			return nil
		}
		return s.cancelPending(tx, a.ID, cancel)
	})
	return a, err
}

// cancelPending applies cancel to each pending claim of the agreement, in id order so that
// concurrent terminations and claim updates lock claims in the same order.
func (s *Agreements) cancelPending(tx *gorm.DB, agreementID string, cancel func(*domain.Claim) error) error {
	var ids []string
	if err := tx.Model(&claimRow{}).Where("agreement_id = ? AND status = 'pending'", agreementID).Order("id").Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		c, err := s.claims.load(tx, id, true)
		if err != nil {
			return err
		}
		if err := cancel(&c); err != nil {
			return err
		}
		if err := s.claims.saveClaim(tx, &c); err != nil {
			return err
		}
	}
	return nil
}
