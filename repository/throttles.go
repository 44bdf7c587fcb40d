package repository

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gongjian/gongjian/domain"
)

type loginThrottleRow struct {
	Key         string `gorm:"primaryKey"`
	Failures    int
	LockedUntil sql.NullTime
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
}

func (loginThrottleRow) TableName() string { return "login_throttles" }

// Throttles is the domain.ThrottleStore.
type Throttles struct{ db *DB }

// NewThrottles returns the login throttle store of db.
func NewThrottles(db *DB) *Throttles { return &Throttles{db: db} }

// UpdateThrottles inserts the missing rows, locks all of them in key order (so that two logins
// never wait on each other in a cycle), applies fn and saves, in one transaction. On PostgreSQL
// the lock is SELECT ... FOR UPDATE; SQLite transactions begin IMMEDIATE, so writers are
// serialised anyway. Now and then it also forgets throttles untouched for a day.
func (s *Throttles) UpdateThrottles(ctx context.Context, keys []string, now time.Time, fn func([]domain.LoginThrottle) error) error {
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	return s.db.inTx(ctx, func(tx *gorm.DB) error {
		for _, k := range sorted {
			row := loginThrottleRow{Key: k, UpdatedAt: time.Unix(0, 0).UTC()}
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
				return err
			}
		}
		var rows []loginThrottleRow
		if err := s.db.forUpdate(tx).Where("key IN ?", sorted).Order("key").Find(&rows).Error; err != nil {
			return err
		}
		byKey := make(map[string]loginThrottleRow, len(rows))
		for _, r := range rows {
			byKey[r.Key] = r
		}
		ts := make([]domain.LoginThrottle, len(keys))
		for i, k := range keys {
			r := byKey[k]
			ts[i] = domain.LoginThrottle{Failures: r.Failures, LockedUntil: timePtr(r.LockedUntil), UpdatedAt: r.UpdatedAt.UTC()}
		}
		if err := fn(ts); err != nil {
			return err
		}
		for i, k := range keys {
			t := ts[i]
			err := tx.Model(&loginThrottleRow{}).Where("key = ?", k).Updates(map[string]any{
				"failures": t.Failures, "locked_until": nullTime(t.LockedUntil), "updated_at": t.UpdatedAt.UTC(),
			}).Error
			if err != nil {
				return err
			}
		}
		if rand.IntN(256) == 0 {
			forget := now.Add(-domain.FailureMemory - domain.MaxLoginLock)
			return tx.Where("updated_at < ? AND key NOT IN ?", forget, sorted).Delete(&loginThrottleRow{}).Error
		}
		return nil
	})
}
