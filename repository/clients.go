package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

type clientRow struct {
	ID                      string
	ClientID                string
	Name                    string
	OrgID                   string
	Scopes                  string // JSON array
	SecretHash              string
	PreviousSecretHash      sql.NullString
	PreviousSecretExpiresAt sql.NullTime
	RevokedAt               sql.NullTime
	CreatedBy               string
	Version                 int64
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

func (clientRow) TableName() string { return "clients" }

func toClientRow(c domain.Client) (clientRow, error) {
	scopes, err := json.Marshal(c.Scopes)
	if err != nil {
		return clientRow{}, err
	}
	return clientRow{
		ID: c.ID, ClientID: c.ClientID, Name: c.Name, OrgID: c.OrgID, Scopes: string(scopes),
		SecretHash: c.SecretHash, PreviousSecretHash: nullString(c.PreviousSecretHash),
		PreviousSecretExpiresAt: nullTime(c.PreviousSecretExpiresAt), RevokedAt: nullTime(c.RevokedAt),
		CreatedBy: c.CreatedBy, Version: c.Version, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}, nil
}

func (r clientRow) toDomain() (domain.Client, error) {
	c := domain.Client{
		ID: r.ID, ClientID: r.ClientID, Name: r.Name, OrgID: r.OrgID,
		SecretHash: r.SecretHash, PreviousSecretHash: r.PreviousSecretHash.String,
		PreviousSecretExpiresAt: timePtr(r.PreviousSecretExpiresAt), RevokedAt: timePtr(r.RevokedAt),
		CreatedBy: r.CreatedBy, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if err := json.Unmarshal([]byte(r.Scopes), &c.Scopes); err != nil {
		return domain.Client{}, fmt.Errorf("client %s: scopes: %w", r.ID, err)
	}
	return c, nil
}

// Clients is the domain.ClientStore.
type Clients struct{ db *DB }

// NewClients returns the app store of db.
func NewClients(db *DB) *Clients { return &Clients{db: db} }

// CreateClient inserts c.
func (s *Clients) CreateClient(ctx context.Context, c domain.Client) error {
	r, err := toClientRow(c)
	if err != nil {
		return err
	}
	return s.db.createOne(ctx, "clients/"+c.ID, &r)
}

// GetClient loads an app by its resource id.
func (s *Clients) GetClient(ctx context.Context, id string) (domain.Client, error) {
	return s.getBy(ctx, "id = ?", id)
}

// GetClientByClientID loads an app by its public client id.
func (s *Clients) GetClientByClientID(ctx context.Context, clientID string) (domain.Client, error) {
	return s.getBy(ctx, "client_id = ?", clientID)
}

func (s *Clients) getBy(ctx context.Context, where, arg string) (domain.Client, error) {
	var r clientRow
	if err := s.db.conn(ctx).Take(&r, where, arg).Error; err != nil {
		return domain.Client{}, translate(err)
	}
	return r.toDomain()
}

// ListClients lists apps in id (creation) order.
func (s *Clients) ListClients(ctx context.Context, f domain.ClientFilter) ([]domain.Client, error) {
	q := page(s.db.conn(ctx), f.Page)
	if f.OrgID != "" {
		q = q.Where("org_id = ?", f.OrgID)
	}
	var rows []clientRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.Client, len(rows))
	for i, r := range rows {
		c, err := r.toDomain()
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// UpdateClient loads the app under lock, applies fn and saves it in one transaction, so two
// rotations at once cannot both keep the same secret as "previous".
func (s *Clients) UpdateClient(ctx context.Context, id string, fn func(*domain.Client) error) (domain.Client, error) {
	return updateLocked(ctx, s.db, id, clientRow.toDomain, toClientRow, fn)
}

type appPrincipalRow struct {
	ClientID   string
	OrgID      string
	Scopes     string
	OrgKind    string
	StreetID   sql.NullString
	DistrictID sql.NullString
}

// LoadAppPrincipal (of domain.AuthStore) resolves an app and its org in one query, requiring the
// app not to be revoked. It runs on every request of an app, which is what makes revocation
// immediate.
func (s *Auth) LoadAppPrincipal(ctx context.Context, clientID string) (domain.Principal, error) {
	var r appPrincipalRow
	err := s.db.conn(ctx).Table("clients c").
		Select("c.client_id, c.org_id, c.scopes, o.kind AS org_kind, o.street_id, o.district_id").
		Joins("JOIN orgs o ON o.id = c.org_id").
		Where("c.client_id = ? AND c.revoked_at IS NULL", clientID).
		Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Principal{}, domain.ErrUnauthenticated
	}
	if err != nil {
		return domain.Principal{}, err
	}
	var scopes []string
	if err := json.Unmarshal([]byte(r.Scopes), &scopes); err != nil {
		return domain.Principal{}, fmt.Errorf("client %s: scopes: %w", r.ClientID, err)
	}
	return domain.Principal{
		ClientID: r.ClientID, Role: domain.RoleApp, OrgID: r.OrgID, OrgKind: domain.OrgKind(r.OrgKind),
		StreetID: r.StreetID.String, DistrictID: r.DistrictID.String, Scopes: scopes,
	}, nil
}
