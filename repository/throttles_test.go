package repository_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestThrottles: rows appear on first use as zero throttles, come back in the order of the keys
// asked for, keep what fn leaves, keep nothing when fn fails, and parallel updates of the same
// keys are serialised by the row locks (no update is lost).
func TestThrottles(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		ctx := context.Background()
		store := repository.NewThrottles(db)
		now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
		keys := []string{"z-key", "a-key"}
		err := store.UpdateThrottles(ctx, keys, now, func(ts []domain.LoginThrottle) error {
			if len(ts) != 2 || ts[0].Failures != 0 || ts[0].LockedUntil != nil {
				t.Fatalf("fresh throttles %+v", ts)
			}
			until := now.Add(time.Minute)
			ts[0] = domain.LoginThrottle{Failures: 7, LockedUntil: &until, UpdatedAt: now}
			ts[1] = domain.LoginThrottle{Failures: 1, UpdatedAt: now}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err = store.UpdateThrottles(ctx, keys, now, func(ts []domain.LoginThrottle) error {
			if ts[0].Failures != 7 || ts[0].LockedUntil == nil || !ts[0].LockedUntil.Equal(now.Add(time.Minute)) || ts[1].Failures != 1 {
				t.Fatalf("stored throttles %+v", ts)
			}
			ts[0].Failures = 100
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("fn's error: %v", err)
		}

		const n = 12
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := store.UpdateThrottles(ctx, []string{"a-key", "shared"}, now, func(ts []domain.LoginThrottle) error {
					ts[0].Failures++
					ts[1].Failures++
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		_ = store.UpdateThrottles(ctx, []string{"z-key", "a-key", "shared"}, now, func(ts []domain.LoginThrottle) error {
			if ts[0].Failures != 7 || ts[1].Failures != 1+n || ts[2].Failures != n {
				t.Fatalf("after %d parallel updates: %+v", n, ts)
			}
			return nil
		})
	})
}
