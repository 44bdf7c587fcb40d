package repository

import (
	"context"
	"errors"
	"time"

	"github.com/gongjian/gongjian/domain"
)

type idempotencyRow struct {
	Owner       string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	RequestHash string
	Status      int
	Body        string
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// StoredResponse is a response remembered under an idempotency key. Status 0 means the first
// request is still running.
type StoredResponse struct {
	RequestHash string
	Status      int
	Body        []byte
}

// Idempotency remembers the responses of creating POSTs per caller and key.
type Idempotency struct{ db *DB }

// NewIdempotency returns the idempotency store of db.
func NewIdempotency(db *DB) *Idempotency { return &Idempotency{db: db} }

// Begin reserves (owner, key) for a request with hash. When the key is already taken it returns
// what is stored and false; the unique primary key decides races between replicas.
func (s *Idempotency) Begin(ctx context.Context, owner, key, hash string, now time.Time, ttl time.Duration) (StoredResponse, bool, error) {
	row := idempotencyRow{Owner: owner, Key: key, RequestHash: hash, CreatedAt: now.UTC()}
	// A key older than the retention period may be reused.
	if err := s.db.conn(ctx).Where("owner = ? AND key = ? AND created_at < ?", owner, key, now.Add(-ttl).UTC()).Delete(&idempotencyRow{}).Error; err != nil {
		return StoredResponse{}, false, translate(err)
	}
	err := translate(s.db.conn(ctx).Create(&row).Error)
	if err == nil {
		return StoredResponse{}, true, nil
	}
	if !errors.Is(err, domain.ErrConflict) {
		return StoredResponse{}, false, err
	}
	var got idempotencyRow
	if err := s.db.conn(ctx).Take(&got, "owner = ? AND key = ?", owner, key).Error; err != nil {
		return StoredResponse{}, false, translate(err)
	}
	return StoredResponse{RequestHash: got.RequestHash, Status: got.Status, Body: []byte(got.Body)}, false, nil
}

// Finish stores the response of the request that reserved the key.
func (s *Idempotency) Finish(ctx context.Context, owner, key string, status int, body []byte) error {
	return translate(s.db.conn(ctx).Model(&idempotencyRow{}).Where("owner = ? AND key = ?", owner, key).
		Updates(map[string]any{"status": status, "body": string(body)}).Error)
}

// Abandon forgets a reservation whose request failed unexpectedly, so a retry can run.
func (s *Idempotency) Abandon(ctx context.Context, owner, key string) error {
	return translate(s.db.conn(ctx).Where("owner = ? AND key = ?", owner, key).Delete(&idempotencyRow{}).Error)
}

// Purge deletes keys older than ttl.
func (s *Idempotency) Purge(ctx context.Context, now time.Time, ttl time.Duration) (int64, error) {
	res := s.db.conn(ctx).Where("created_at < ?", now.Add(-ttl).UTC()).Delete(&idempotencyRow{})
	return res.RowsAffected, translate(res.Error)
}
