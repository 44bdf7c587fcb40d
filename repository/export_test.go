package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

// InsertEvents writes evs in one transaction, the way the stores do.
func (db *DB) InsertEvents(ctx context.Context, evs ...domain.Event) error {
	return db.inTx(ctx, func(tx *gorm.DB) error {
		for _, ev := range evs {
			if err := insertEvent(tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteEventsAndWait writes evs in a transaction, closes written, and commits only once release
// is closed: a writer caught between numbering its events and committing them.
func (db *DB) WriteEventsAndWait(ctx context.Context, evs []domain.Event, written chan<- struct{}, release <-chan struct{}) error {
	return db.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := writeEvents(tx, evs); err != nil {
			return err
		}
		close(written)
		<-release
		return nil
	})
}

// HoldsScanned runs the hold read of a claim (liveHolds) on listing over [from, to) at now and
// returns how many claim_holds rows the database visited to answer it: on PostgreSQL the rows
// the scan returned plus those it filtered out (EXPLAIN ANALYZE, with sequential scans off so a
// tiny test table is read through its index as a large one would be), on SQLite the rows in the
// index range the query plan says it searches.
func (db *DB) HoldsScanned(ctx context.Context, listing string, from, to int64, now time.Time) (int64, error) {
	q := "listing_id = ? AND ends_at > ? AND starts_at < ? AND (expires_at IS NULL OR expires_at > ?)"
	args := []any{listing, from, to, now.UnixMilli()}
	if db.dialect == Postgres {
		var visited int64
		err := db.tx(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
				return err
			}
			var plan string
			if err := tx.Raw("EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM claim_holds WHERE "+q, args...).Scan(&plan).Error; err != nil {
				return err
			}
			var nodes []map[string]any
			if err := json.Unmarshal([]byte(plan), &nodes); err != nil {
				return err
			}
			var walk func(n map[string]any)
			walk = func(n map[string]any) {
				if n["Relation Name"] == "claim_holds" {
					for _, k := range []string{"Actual Rows", "Rows Removed by Filter", "Rows Removed by Index Recheck"} {
						if v, ok := n[k].(float64); ok {
							visited += int64(v)
						}
					}
				}
				if kids, ok := n["Plans"].([]any); ok {
					for _, k := range kids {
						walk(k.(map[string]any))
					}
				}
			}
			walk(nodes[0]["Plan"].(map[string]any))
			return nil
		})
		return visited, err
	}
	var plan []struct {
		ID, Parent, Notused int
		Detail              string
	}
	if err := db.conn(ctx).Raw("EXPLAIN QUERY PLAN SELECT * FROM claim_holds WHERE "+q, args...).Scan(&plan).Error; err != nil {
		return 0, err
	}
	if len(plan) != 1 || !strings.Contains(plan[0].Detail, "claim_holds_live (listing_id=? AND ends_at>?)") {
		return 0, fmt.Errorf("unexpected plan %+v", plan)
	}
	var n int64
	err := db.conn(ctx).Raw("SELECT COUNT(*) FROM claim_holds WHERE listing_id = ? AND ends_at > ?", listing, from).Scan(&n).Error
	return n, err
}
