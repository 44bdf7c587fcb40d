package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
)

type personRow struct {
	ID               string
	Name             string
	Phone            string
	CommunityID      string
	StreetID         string
	EmployerOrgID    sql.NullString
	PartyMember      bool
	Skills           string
	Status           string
	Active           bool
	ExternalClientID sql.NullString
	ExternalID       sql.NullString
	RegisteredBy     string
	VerifiedBy       string
	VerifiedAt       sql.NullTime
	DeactivatedAt    sql.NullTime
	Version          int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (personRow) TableName() string { return "people" }

func toPersonRow(p people.Person) (personRow, error) {
	skills, err := json.Marshal(p.Skills)
	if err != nil {
		return personRow{}, err
	}
	return personRow{
		ID: p.ID, Name: p.Name, Phone: p.Phone, CommunityID: p.CommunityID, StreetID: p.StreetID,
		EmployerOrgID: nullString(p.EmployerOrgID), PartyMember: p.PartyMember, Skills: string(skills),
		Status: string(p.Status), Active: p.Active, ExternalClientID: nullString(p.ExternalClientID),
		ExternalID: nullString(p.ExternalID), RegisteredBy: p.RegisteredBy, VerifiedBy: p.VerifiedBy,
		VerifiedAt: nullTime(p.VerifiedAt), DeactivatedAt: nullTime(p.DeactivatedAt), Version: p.Version,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(),
	}, nil
}

func (r personRow) toDomain() (people.Person, error) {
	skills := []string{}
	if err := json.Unmarshal([]byte(r.Skills), &skills); err != nil {
		return people.Person{}, fmt.Errorf("person %s: skills: %w", r.ID, err)
	}
	return people.Person{
		ID: r.ID, Name: r.Name, Phone: r.Phone, CommunityID: r.CommunityID, StreetID: r.StreetID,
		EmployerOrgID: r.EmployerOrgID.String, PartyMember: r.PartyMember, Skills: skills,
		Status: people.Status(r.Status), Active: r.Active, ExternalClientID: r.ExternalClientID.String,
		ExternalID: r.ExternalID.String, RegisteredBy: r.RegisteredBy, VerifiedBy: r.VerifiedBy,
		VerifiedAt: timePtr(r.VerifiedAt), DeactivatedAt: timePtr(r.DeactivatedAt), Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}, nil
}

// People is the people.Store.
type People struct{ db *DB }

// NewPeople returns the people store of db.
func NewPeople(db *DB) *People { return &People{db: db} }

// Create inserts a person and its events; a taken external id is domain.ErrConflict (the
// partial unique index decides).
func (s *People) Create(ctx context.Context, p people.Person, evs ...domain.Event) error {
	r, err := toPersonRow(p)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *gorm.DB) error {
		noteCreated(tx, "people/"+p.ID)
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		for _, ev := range evs {
			if err := insertEvent(tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// Get loads one person, active or not.
func (s *People) Get(ctx context.Context, id string) (people.Person, error) {
	var r personRow
	if err := s.db.conn(ctx).Take(&r, "id = ?", id).Error; err != nil {
		return people.Person{}, translate(err)
	}
	return r.toDomain()
}

// GetByExternal finds the active person with an external id in an app.
func (s *People) GetByExternal(ctx context.Context, clientID, externalID string) (people.Person, error) {
	var r personRow
	err := s.db.conn(ctx).Take(&r, "external_client_id = ? AND external_id = ? AND active", clientID, externalID).Error
	if err != nil {
		return people.Person{}, translate(err)
	}
	return r.toDomain()
}

// List lists active people in id order.
func (s *People) List(ctx context.Context, f people.Filter) ([]people.Person, error) {
	q := page(s.db.conn(ctx), f.Page).Where("active")
	for col, v := range map[string]string{
		"community_id": f.CommunityID, "employer_org_id": f.EmployerOrgID, "street_id": f.OnlyStreet,
	} {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	// Visibility limits are separate conditions, so that a filter cannot widen them.
	if f.OnlyCommunity != "" {
		q = q.Where("community_id = ?", f.OnlyCommunity)
	}
	if f.OnlyEmployer != "" {
		q = q.Where("employer_org_id = ?", f.OnlyEmployer)
	}
	if f.OnlyID != "" {
		q = q.Where("id = ?", f.OnlyID)
	}
	if len(f.Statuses) > 0 {
		sts := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			sts[i] = string(st)
		}
		q = q.Where("status IN ?", sts)
	}
	if f.Query != "" {
		q = q.Where(`LOWER(name) LIKE ? ESCAPE '\'`, "%"+escapeLike(strings.ToLower(f.Query))+"%")
	}
	var rows []personRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]people.Person, len(rows))
	for i, r := range rows {
		p, err := r.toDomain()
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// Update locks the person, applies fn and saves it with fn's events in one transaction.
func (s *People) Update(ctx context.Context, id string, fn func(*people.Person) ([]domain.Event, error)) (people.Person, error) {
	var p people.Person
	err := s.db.inTx(ctx, func(tx *gorm.DB) error {
		var r personRow
		if err := s.db.forUpdate(tx).Take(&r, "id = ?", id).Error; err != nil {
			return err
		}
		var err error
		if p, err = r.toDomain(); err != nil {
			return err
		}
		evs, err := fn(&p)
		if err != nil {
			return err
		}
		nr, err := toPersonRow(p)
		if err != nil {
			return err
		}
		if err := tx.Save(&nr).Error; err != nil {
			return err
		}
		for _, ev := range evs {
			if err := insertEvent(tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	return p, err
}

// Deactivate locks the person, applies fn, and when fn deactivated them cancels their live
// claims and revokes the passes they hold, in one transaction.
func (s *People) Deactivate(ctx context.Context, id string, fn func(*people.Person) (bool, error), cancel func(*domain.Claim) error) (people.Person, error) {
	var p people.Person
	claims := NewClaims(s.db)
	err := s.db.inTx(ctx, func(tx *gorm.DB) error {
		var r personRow
		if err := s.db.forUpdate(tx).Take(&r, "id = ?", id).Error; err != nil {
			return err
		}
		var err error
		if p, err = r.toDomain(); err != nil {
			return err
		}
		changed, err := fn(&p)
		if err != nil || !changed {
			return err
		}
		nr, err := toPersonRow(p)
		if err != nil {
			return err
		}
		if err := tx.Save(&nr).Error; err != nil {
			return err
		}
		var live []string
		if err := tx.Model(&claimRow{}).Where("claimant_person_id = ? AND status IN ('pending', 'approved')", id).
			Order("id").Pluck("id", &live).Error; err != nil {
			return err
		}
		for _, cid := range live {
			c, err := claims.load(tx, cid, true)
			if err != nil {
				return err
			}
			if err := cancel(&c); err != nil {
				return err
			}
			if err := claims.saveClaim(tx, &c); err != nil {
				return err
			}
		}
		// Passes the person holds on other claims (their community's, their employer's) end too.
		var held []string
		if err := tx.Model(&passRow{}).Where("person_id = ? AND status = 'active'", id).Distinct().Pluck("claim_id", &held).Error; err != nil {
			return err
		}
		for _, cid := range held {
			c, err := claims.load(tx, cid, true)
			if err != nil {
				return err
			}
			if err := revokePersonPasses(tx, c, id, "the person's registration was ended", p.UpdatedAt); err != nil {
				return err
			}
		}
		return nil
	})
	return p, err
}

type actingRow struct {
	Person       personRow `gorm:"embedded"`
	AppClientID  string
	AppScopes    string
	AppRevokedAt sql.NullTime
	AppStreetID  sql.NullString
}

// Acting loads a person and the app acting for them in one query; it runs on every request
// made with a person token.
func (s *People) Acting(ctx context.Context, personID, clientID string) (people.Person, people.ActingApp, error) {
	var r actingRow
	err := s.db.conn(ctx).Table("people p").
		Select("p.*, c.client_id AS app_client_id, c.scopes AS app_scopes, c.revoked_at AS app_revoked_at, o.street_id AS app_street_id").
		Joins("JOIN clients c ON c.client_id = ?", clientID).
		Joins("JOIN orgs o ON o.id = c.org_id").
		Where("p.id = ?", personID).Take(&r).Error
	if err != nil {
		return people.Person{}, people.ActingApp{}, translate(err)
	}
	p, err := r.Person.toDomain()
	if err != nil {
		return people.Person{}, people.ActingApp{}, err
	}
	var scopes []string
	if err := json.Unmarshal([]byte(r.AppScopes), &scopes); err != nil {
		return people.Person{}, people.ActingApp{}, fmt.Errorf("client %s: scopes: %w", r.AppClientID, err)
	}
	return p, people.ActingApp{ClientID: r.AppClientID, Scopes: scopes, Revoked: r.AppRevokedAt.Valid, StreetID: r.AppStreetID.String}, nil
}
