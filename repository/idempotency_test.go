package repository_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gongjian/gongjian/idempotency"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestIdempotencyKeyLifetime: a key answers its replay within the TTL, and after the TTL it is
// a new request again (the reservation takes the old row over in one statement).
func TestIdempotencyKeyLifetime(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		ctx := context.Background()
		s := repository.NewIdempotency(db)
		now := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
		r, err := s.Reserve(ctx, "u1", "k", "hash-a", now, time.Minute)
		if err != nil || r.Outcome != idempotency.Fresh {
			t.Fatalf("first: %+v %v", r, err)
		}
		if err := s.Finish(ctx, "u1", "k", r.Token, http.StatusCreated, []byte(`{"id":"x"}`)); err != nil {
			t.Fatal(err)
		}
		later := now.Add(idempotency.TTL - time.Second)
		if r, err := s.Reserve(ctx, "u1", "k", "hash-a", later, time.Minute); err != nil || r.Outcome != idempotency.Replay || string(r.Record.Body) != `{"id":"x"}` {
			t.Fatalf("replay within the TTL: %+v %v", r, err)
		}
		if r, err := s.Reserve(ctx, "u1", "k", "hash-b", later, time.Minute); err != nil || r.Outcome != idempotency.Mismatch {
			t.Fatalf("other body within the TTL: %+v %v", r, err)
		}
		if r, err := s.Reserve(ctx, "u2", "k", "hash-b", later, time.Minute); err != nil || r.Outcome != idempotency.Fresh {
			t.Fatalf("same key, other caller: %+v %v", r, err)
		}
		after := now.Add(idempotency.TTL + time.Second)
		r, err = s.Reserve(ctx, "u1", "k", "hash-b", after, time.Minute)
		if err != nil || r.Outcome != idempotency.Fresh {
			t.Fatalf("after the TTL: %+v %v", r, err)
		}
		if r2, err := s.Reserve(ctx, "u1", "k", "hash-b", after, time.Minute); err != nil || r2.Outcome != idempotency.InProgress {
			t.Fatalf("retry while the new lease runs: %+v %v", r2, err)
		}
	})
}
