package repository

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

type sessionRow struct {
	ID        string
	UserID    string
	UserEpoch int64
	CreatedAt time.Time
	RevokedAt sql.NullTime
}

func (sessionRow) TableName() string { return "sessions" }

type refreshTokenRow struct {
	Hash      string `gorm:"primaryKey"`
	SessionID string
	ExpiresAt time.Time
	SpentAt   sql.NullTime
}

func (refreshTokenRow) TableName() string { return "refresh_tokens" }

// Auth is the domain.AuthStore.
type Auth struct{ db *DB }

// NewAuth returns the session store of db.
func NewAuth(db *DB) *Auth { return &Auth{db: db} }

// CreateSession stores a session and its first refresh token.
func (s *Auth) CreateSession(ctx context.Context, sess domain.Session, tokenHash string, expiresAt time.Time) error {
	return s.db.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&sessionRow{ID: sess.ID, UserID: sess.UserID, UserEpoch: sess.Epoch, CreatedAt: sess.CreatedAt.UTC()}).Error; err != nil {
			return err
		}
		return tx.Create(&refreshTokenRow{Hash: tokenHash, SessionID: sess.ID, ExpiresAt: expiresAt.UTC()}).Error
	})
}

// RotateRefreshToken spends old and stores next. The conditional UPDATE (spent_at IS NULL) makes
// two concurrent refreshes with the same token end with exactly one winner; the loser is treated
// as reuse and revokes the session, as a stolen token would.
func (s *Auth) RotateRefreshToken(ctx context.Context, old, next string, now, nextExpires time.Time) (domain.Session, error) {
	var sess domain.Session
	reused := false
	err := s.db.inTx(ctx, func(tx *gorm.DB) error {
		var tok refreshTokenRow
		if err := tx.Take(&tok, "hash = ?", old).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return domain.ErrUnauthenticated
			}
			return err
		}
		var sr sessionRow
		if err := s.db.forUpdate(tx).Take(&sr, "id = ?", tok.SessionID).Error; err != nil {
			return err
		}
		if sr.RevokedAt.Valid {
			return domain.ErrUnauthenticated
		}
		// The user must still be active and in the session's epoch (no password change or
		// deactivation since the login). Read in this transaction, after the session lock.
		var live int64
		if err := tx.Model(&userRow{}).Where("id = ? AND active AND session_epoch = ?", sr.UserID, sr.UserEpoch).
			Count(&live).Error; err != nil {
			return err
		}
		if live == 0 {
			return domain.ErrUnauthenticated
		}
		res := tx.Model(&refreshTokenRow{}).Where("hash = ? AND spent_at IS NULL", old).Update("spent_at", now.UTC())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			reused = true
			return tx.Model(&sessionRow{}).Where("id = ?", sr.ID).Update("revoked_at", now.UTC()).Error
		}
		if !tok.ExpiresAt.After(now) {
			return domain.ErrUnauthenticated
		}
		if err := tx.Create(&refreshTokenRow{Hash: next, SessionID: sr.ID, ExpiresAt: nextExpires.UTC()}).Error; err != nil {
			return err
		}
		sess = domain.Session{ID: sr.ID, UserID: sr.UserID, Epoch: sr.UserEpoch, CreatedAt: sr.CreatedAt}
		return nil
	})
	if err == nil && reused {
		return domain.Session{}, domain.ErrRefreshReused
	}
	return sess, err
}

// RevokeSessionByToken revokes the session a refresh token belongs to.
func (s *Auth) RevokeSessionByToken(ctx context.Context, tokenHash string, now time.Time) error {
	sub := s.db.conn(ctx).Model(&refreshTokenRow{}).Select("session_id").Where("hash = ?", tokenHash)
	err := s.db.conn(ctx).Model(&sessionRow{}).
		Where("id IN (?) AND revoked_at IS NULL", sub).
		Update("revoked_at", now.UTC()).Error
	return translate(err)
}

// loadPrincipal is LoadPrincipal's query: the user, their org, and a live session of theirs.
const loadPrincipal = `SELECT u.id AS user_id, u.role, u.org_id, o.kind AS org_kind, o.street_id, o.district_id,
	CASE WHEN u.display_name = '' THEN u.username ELSE u.display_name END AS name
	FROM users u JOIN orgs o ON o.id = u.org_id JOIN sessions s ON s.user_id = u.id
	WHERE u.id = ? AND u.active AND s.id = ? AND s.revoked_at IS NULL AND s.user_epoch = u.session_epoch`

var pgLoadPrincipal = numberPlaceholders(loadPrincipal)

type principalRow struct {
	UserID     string
	Role       string
	OrgID      string
	OrgKind    string
	StreetID   sql.NullString
	DistrictID sql.NullString
	Name       string
}

// LoadPrincipal resolves a user and their org in one query, requiring an active user and a live
// session.
//
// Every signed-in request runs it, so on PostgreSQL it goes straight to pgx (one prepared
// statement, no gorm statement building or reflection); SQLite runs the same text through gorm.
func (s *Auth) LoadPrincipal(ctx context.Context, userID, sessionID string) (domain.Principal, error) {
	var r principalRow
	var err error
	if s.db.dialect == Postgres {
		err = withPgx(ctx, s.db.sql, func(pc *pgx.Conn) error {
			return pc.QueryRow(ctx, pgLoadPrincipal, userID, sessionID).Scan(&r.UserID, &r.Role, &r.OrgID, &r.OrgKind, &r.StreetID, &r.DistrictID, &r.Name)
		})
		if errors.Is(err, pgx.ErrNoRows) {
			err = gorm.ErrRecordNotFound
		}
	} else {
		err = s.db.conn(ctx).Raw(loadPrincipal, userID, sessionID).Take(&r).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Principal{}, domain.ErrUnauthenticated
	}
	if err != nil {
		return domain.Principal{}, translate(err)
	}
	role := domain.Role(r.Role)
	return domain.Principal{
		UserID: r.UserID, SessionID: sessionID, Role: role, OrgID: r.OrgID,
		OrgKind: domain.OrgKind(r.OrgKind), StreetID: r.StreetID.String, DistrictID: r.DistrictID.String,
		Scopes: domain.RoleScopes(role), Name: r.Name,
	}, nil
}
