package repository

import (
	"context"
	"time"

	"github.com/gongjian/gongjian/domain"
)

type userRow struct {
	ID           string
	Username     string
	DisplayName  string
	Phone        string
	Role         string
	OrgID        string
	PasswordHash string
	Active       bool
	SessionEpoch int64
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (userRow) TableName() string { return "users" }

func toUserRow(u domain.User) userRow {
	return userRow{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Phone: u.Phone,
		Role: string(u.Role), OrgID: u.OrgID, PasswordHash: u.PasswordHash, Active: u.Active,
		SessionEpoch: u.SessionEpoch,
		Version:      u.Version, CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC(),
	}
}

func (r userRow) toDomain() domain.User {
	return domain.User{
		ID: r.ID, Username: r.Username, DisplayName: r.DisplayName, Phone: r.Phone,
		Role: domain.Role(r.Role), OrgID: r.OrgID, PasswordHash: r.PasswordHash, Active: r.Active,
		SessionEpoch: r.SessionEpoch,
		Version:      r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// Users is the domain.UserStore.
type Users struct{ db *DB }

// NewUsers returns the user store of db.
func NewUsers(db *DB) *Users { return &Users{db: db} }

// CreateUser inserts u; a taken username is domain.ErrConflict (the unique index decides, not a
// prior check).
func (s *Users) CreateUser(ctx context.Context, u domain.User) error {
	r := toUserRow(u)
	return s.db.createOne(ctx, "users/"+u.ID, &r)
}

// GetUser loads one user.
func (s *Users) GetUser(ctx context.Context, id string) (domain.User, error) {
	return s.getBy(ctx, "id = ?", id)
}

// GetUserByUsername loads the user with that (lower-case) username.
func (s *Users) GetUserByUsername(ctx context.Context, username string) (domain.User, error) {
	return s.getBy(ctx, "username = ?", username)
}

func (s *Users) getBy(ctx context.Context, where string, arg string) (domain.User, error) {
	var r userRow
	if err := s.db.conn(ctx).Take(&r, where, arg).Error; err != nil {
		return domain.User{}, translate(err)
	}
	return r.toDomain(), nil
}

// ListUsers lists users in id order.
func (s *Users) ListUsers(ctx context.Context, f domain.UserFilter) ([]domain.User, error) {
	q := page(s.db.conn(ctx), f.Page)
	if f.OrgID != "" {
		q = q.Where("org_id = ?", f.OrgID)
	}
	if f.OrgIDs != nil {
		q = q.Where("org_id IN ?", f.OrgIDs)
	}
	if f.StreetID != "" {
		q = q.Where("org_id IN (?)", s.db.conn(ctx).Model(&orgRow{}).Select("id").Where("street_id = ?", f.StreetID))
	}
	var rows []userRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.User, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// UpdateUser loads the user under lock, applies fn and saves it in one transaction.
func (s *Users) UpdateUser(ctx context.Context, id string, fn func(*domain.User) error) (domain.User, error) {
	return updateLocked(ctx, s.db, id, infallible(userRow.toDomain), infallible(toUserRow), fn)
}

// CountUsers counts every user, active or not.
func (s *Users) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.conn(ctx).Model(&userRow{}).Count(&n).Error
	return n, translate(err)
}
