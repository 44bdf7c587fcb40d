package repository_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestEventsCommitOrder: on PostgreSQL, while a writer that numbered its event has not committed,
// the feed must not hand out a later event that did commit, or a reader would move its cursor
// past the earlier one and never see it. SQLite has one writer at a time, so numbering order is
// commit order there.
func TestEventsCommitOrder(t *testing.T) {
	t.Parallel()
	if !slices.Contains(repotest.Engines(), repository.Postgres) {
		t.Skip(repotest.EnvURL + " not set")
	}
	db := repotest.Open(t, repository.Postgres)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ids := func(evs []domain.Event) []string {
		out := make([]string, len(evs))
		for i, e := range evs {
			out[i] = e.ID
		}
		return out
	}
	now := time.Now()
	first := domain.NewEvent("claim.created", "c1", now, nil).Scoped("s", "o")
	second := domain.NewEvent("claim.created", "c2", now, nil).Scoped("s", "o")

	// The first writer numbers its event and stays open; the second numbers its own after it
	// and commits.
	written, release := make(chan struct{}), make(chan struct{})
	firstDone := make(chan error, 1)
	go func() { firstDone <- db.WriteEventsAndWait(ctx, []domain.Event{first}, written, release) }()
	<-written
	if err := db.InsertEvents(ctx, second); err != nil {
		t.Fatal(err)
	}
	var committed []string
	rows, err := db.SQL().QueryContext(ctx, "SELECT id FROM events ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		committed = append(committed, id)
	}
	if rows.Close(); !slices.Equal(committed, []string{second.ID}) {
		t.Fatalf("committed events %v: the test no longer sets up the race", committed)
	}

	// A reader now waits for the first writer instead of answering [second].
	type result struct {
		ids []string
		err error
	}
	read := make(chan result, 1)
	go func() {
		evs, err := repository.NewEvents(db).ListEvents(ctx, domain.EventQuery{Limit: 10})
		read <- result{ids(evs), err}
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var waiting int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 || len(read) > 0 || time.Now().After(deadline) {
			break
		}
	}
	select {
	case r := <-read:
		t.Fatalf("the feed answered %v (err %v) while an earlier event was in flight", r.ids, r.err)
	default:
	}

	close(release)
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	r := <-read
	if want := []string{first.ID, second.ID}; r.err != nil || !slices.Equal(r.ids, want) {
		t.Fatalf("feed after the first committed: %v, %v; want %v", r.ids, r.err, want)
	}
}
