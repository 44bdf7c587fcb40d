package repository

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"time"

	"github.com/gongjian/gongjian/domain"

	"gorm.io/gorm/clause"
)

type signingKeyRow struct {
	Kid       string `gorm:"primaryKey"`
	Secret    string
	CreatedAt time.Time
}

func (signingKeyRow) TableName() string { return "signing_keys" }

// Keys stores the access-token signing keys shared by every replica.
type Keys struct{ db *DB }

// NewKeys returns the key store of db.
func NewKeys(db *DB) *Keys { return &Keys{db: db} }

// EnsureKey creates a random 256-bit key when none exists. Replicas racing here may each add one;
// every stored key verifies, and the newest signs.
func (s *Keys) EnsureKey(ctx context.Context, now time.Time) error {
	var n int64
	if err := s.db.conn(ctx).Model(&signingKeyRow{}).Count(&n).Error; err != nil || n > 0 {
		return translate(err)
	}
	_, err := s.AddKey(ctx, now)
	return err
}

// AddKey creates a new random key, which becomes the signing key of every replica within a
// minute (see tokens.JWTs); the older keys keep verifying the tokens they signed.
func (s *Keys) AddKey(ctx context.Context, now time.Time) (string, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	kidBytes := make([]byte, 9)
	if _, err := rand.Read(kidBytes); err != nil {
		return "", err
	}
	row := signingKeyRow{
		Kid:       base64.RawURLEncoding.EncodeToString(kidBytes),
		Secret:    base64.StdEncoding.EncodeToString(secret),
		CreatedAt: now.UTC(),
	}
	return row.Kid, translate(s.db.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error)
}

// RetireKey deletes a key; tokens it signed stop verifying once replicas reload (within a
// minute). The newest key cannot be retired: it is the one signing.
func (s *Keys) RetireKey(ctx context.Context, kid string) error {
	keys, err := s.ListKeys(ctx)
	if err != nil {
		return err
	}
	switch {
	case !slices.ContainsFunc(keys, func(k domain.SigningKey) bool { return k.Kid == kid }):
		return domain.ErrNotFound
	case keys[0].Kid == kid:
		return domain.Detailed(domain.ErrConflict, nil, "key %s is the signing key; add a new key first", kid)
	}
	return translate(s.db.conn(ctx).Delete(&signingKeyRow{}, "kid = ?", kid).Error)
}

// ListKeys returns every key, newest first.
func (s *Keys) ListKeys(ctx context.Context) ([]domain.SigningKey, error) {
	var rows []signingKeyRow
	if err := s.db.conn(ctx).Order("created_at DESC, kid").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.SigningKey, 0, len(rows))
	for _, r := range rows {
		b, err := base64.StdEncoding.DecodeString(r.Secret)
		if err != nil {
			return nil, err
		}
		out = append(out, domain.SigningKey{Kid: r.Kid, Secret: b, CreatedAt: r.CreatedAt})
	}
	return out, nil
}
