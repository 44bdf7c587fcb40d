package repository

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

type eventRow struct {
	Seq       int64 `gorm:"primaryKey;autoIncrement"`
	ID        string
	Type      string
	At        time.Time
	SubjectID string
	StreetID  string
	Data      string
}

func (eventRow) TableName() string { return "events" }

// eventOrgRow says that an event concerns an org. A side table rather than an array column: both
// engines index (org_id, event_seq), so "the events of org X after seq N, in order" is one
// index range scan, where a JSON or comma-separated column would be scanned in full.
type eventOrgRow struct {
	OrgID    string
	EventSeq int64
}

func (eventOrgRow) TableName() string { return "event_orgs" }

// eventLockKey names the PostgreSQL advisory lock that event writers hold, shared, from
// numbering their events to their commit, and that the feed takes exclusively to find which
// events are final (see writeEvents). Any constant works if nothing else uses it.
const eventLockKey int64 = 0x67_6a_5f_65_76_65_6e_74 // "gj_event"

// pendingEvents collects the events of one transaction; inTx writes them just before commit.
// pendingEvents collects, for one transaction attempt, the events to write before commit and the
// resource it creates (noteCreated), for the request's idempotency key.
type pendingEvents struct {
	events  []domain.Event
	created string
}

type pendingEventsKey struct{}

// withPendingEvents returns ctx carrying a fresh collector for one transaction attempt. The
// collector travels in the context because gorm hands it to every statement of the transaction,
// so insertEvent keeps its signature wherever a store writes an event.
func withPendingEvents(ctx context.Context) (context.Context, *pendingEvents) {
	p := &pendingEvents{}
	return context.WithValue(ctx, pendingEventsKey{}, p), p
}

// insertEvent records ev for tx, the transaction of the change it reports; inTx writes it just
// before commit. A zero event is skipped. Outside inTx it is an error rather than an immediate
// write: taking the events lock before the transaction's row locks could deadlock (see
// writeEvents).
func insertEvent(tx *gorm.DB, ev domain.Event) error {
	if ev.Type == "" {
		return nil
	}
	p, ok := tx.Statement.Context.Value(pendingEventsKey{}).(*pendingEvents)
	if !ok {
		return errors.New("repository: an event written outside inTx")
	}
	p.events = append(p.events, ev)
	return nil
}

// writeEvents numbers and inserts evs with the orgs they concern.
//
// The feed must list events in commit order and never skip one, but a PostgreSQL sequence hands
// out numbers at insert time: a reader could see seq 11 committed while seq 10 is still in flight,
// move its cursor past 10 and never see it. So on PostgreSQL a writer holds the advisory lock
// eventLockKey in shared mode from numbering its events to its commit, and the feed takes it in
// exclusive mode for an instant to learn a horizon: once it holds the lock no numbered event is
// in flight, so every seq up to the highest committed one is final, and the feed lists only
// those (see Events.horizon). Writers share the lock, so they neither queue for each other nor
// lose group commit. Events are written last (inTx calls this after the transaction's work), so
// no row lock is ever requested while the advisory lock is held, and the two cannot deadlock.
// SQLite needs nothing: its writers are serial, so seq order is commit order.
func writeEvents(tx *gorm.DB, evs []domain.Event) error {
	postgres := tx.Dialector.Name() == Postgres
	var orgs []eventOrgRow
	for _, ev := range evs {
		data, err := json.Marshal(ev.Data)
		if err != nil {
			return err
		}
		r := eventRow{ID: ev.ID, Type: ev.Type, At: ev.At.UTC(), SubjectID: ev.SubjectID, StreetID: ev.StreetID, Data: string(data)}
		scope := ev.Scoped(ev.StreetID, ev.OrgIDs...).OrgIDs // Scoped drops repeats
		if postgres {
			// One round trip per event on the hot path: every claim move writes one.
			err := tx.Exec(pgInsertEvent, eventLockKey, r.ID, r.Type, r.At, r.SubjectID, r.StreetID, r.Data,
				strings.Join(scope, ",")).Error
			if err != nil {
				return err
			}
			continue
		}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		for _, org := range scope {
			orgs = append(orgs, eventOrgRow{OrgID: org, EventSeq: r.Seq})
		}
	}
	if len(orgs) == 0 {
		return nil
	}
	return tx.Create(&orgs).Error
}

// pgInsertEvent takes the shared lock, then numbers and inserts one event and its orgs (ids
// contain no commas). The lock is taken in the CTE the INSERT reads from, so before the sequence
// hands out the number; a volatile function keeps the CTE from being inlined away.
const pgInsertEvent = `WITH l AS (SELECT pg_advisory_xact_lock_shared(?)),
e AS (INSERT INTO events (id, type, at, subject_id, street_id, data)
      SELECT ?::text, ?::text, ?::timestamptz, ?::text, ?::text, ?::text FROM l RETURNING seq)
INSERT INTO event_orgs (org_id, event_seq)
SELECT o, e.seq FROM e CROSS JOIN unnest(string_to_array(NULLIF(?::text, ''), ',')) AS o`
