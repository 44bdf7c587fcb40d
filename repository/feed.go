package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

// Events is the domain.EventStore: the feed of events in commit order.
type Events struct{ db *DB }

// NewEvents returns the event store of db.
func NewEvents(db *DB) *Events { return &Events{db: db} }

// ListEvents reads up to q.Limit+1 events after q.After in seq order, up to the horizon below
// which every numbered event is committed (or rolled back for good), so that a reader moving its
// cursor past an event can never leave an earlier one behind.
func (s *Events) ListEvents(ctx context.Context, q domain.EventQuery) ([]domain.Event, error) {
	db := s.db.conn(ctx)
	var after int64
	if q.After != "" {
		var r eventRow
		if err := db.Select("seq").Take(&r, "id = ?", q.After).Error; err != nil {
			return nil, translate(err)
		}
		after = r.Seq
	}
	upTo := q.UpTo
	if upTo <= 0 {
		var err error
		if upTo, err = s.Horizon(ctx); err != nil {
			return nil, err
		}
	}
	sel := db.Table("events e").Select("e.seq, e.id, e.type, e.at, e.subject_id, e.street_id, e.data")
	switch {
	case q.OrgID != "":
		// Walk the org's index range and join each event by primary key; the seq condition is on
		// event_orgs so that the range starts at after rather than at the org's first event.
		sel = sel.Joins("JOIN event_orgs o ON o.event_seq = e.seq").
			Where("o.org_id = ? AND o.event_seq > ? AND o.event_seq <= ?", q.OrgID, after, upTo).Order("o.event_seq")
	case q.StreetID != "":
		sel = sel.Where("e.street_id = ? AND e.seq > ? AND e.seq <= ?", q.StreetID, after, upTo).Order("e.seq")
	default:
		sel = sel.Where("e.seq > ? AND e.seq <= ?", after, upTo).Order("e.seq")
	}
	if len(q.Types) > 0 {
		sel = sel.Where("e.type IN ?", q.Types)
	}
	var rows []eventRow
	if err := sel.Limit(q.Limit + 1).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.Event, len(rows))
	for i, r := range rows {
		var data map[string]any
		if err := json.Unmarshal([]byte(r.Data), &data); err != nil {
			return nil, fmt.Errorf("event %s: data: %w", r.ID, err)
		}
		out[i] = domain.Event{ID: r.ID, Type: r.Type, At: r.At.UTC(), SubjectID: r.SubjectID, Data: data, StreetID: r.StreetID}
	}
	return out, nil
}

// Horizon is the highest seq at or below which no event can still appear. On PostgreSQL it is
// read while holding the writers' advisory lock exclusively (see writeEvents): the lock waits for
// writers between numbering and commit, so the highest committed seq then is final below. The
// lock is held for one index lookup, so writers wait at most that long, plus the tails of the
// writers already in flight. On SQLite writers are serial, and every committed seq is final.
func (s *Events) Horizon(ctx context.Context) (int64, error) {
	if s.db.dialect != Postgres {
		return math.MaxInt64, nil
	}
	var h int64
	err := s.db.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", eventLockKey).Error; err != nil {
			return err
		}
		// A statement begun after the lock was granted, so its snapshot has every numbered
		// event committed or gone.
		return tx.Raw("SELECT COALESCE(MAX(seq), 0) FROM events").Scan(&h).Error
	})
	return h, translate(err)
}
