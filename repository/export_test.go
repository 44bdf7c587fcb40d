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

// HoldsScanned runs the hold read of a claim (holdSumsRead: the hold ledger, less the expired
// pending holds not yet swept) on listing over [from, to) at now and returns how many rows of
// hold_sums and claim_holds the database visited to answer it: on PostgreSQL the rows the scans
// returned plus those they filtered out (EXPLAIN ANALYZE, with sequential scans off so a tiny
// test table is read through its index as a large one would be), on SQLite the rows in the
// index ranges the query plan says it searches.
func (db *DB) HoldsScanned(ctx context.Context, listing string, from, to int64, now time.Time) (int64, error) {
	args := holdSumsArgs(listing, from, to, now)
	if db.dialect == Postgres {
		var visited int64
		err := db.tx(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
				return err
			}
			var plan string
			if err := tx.Raw("EXPLAIN (ANALYZE, FORMAT JSON) "+holdSumsRead, args...).Scan(&plan).Error; err != nil {
				return err
			}
			var nodes []map[string]any
			if err := json.Unmarshal([]byte(plan), &nodes); err != nil {
				return err
			}
			var walk func(n map[string]any)
			walk = func(n map[string]any) {
				if n["Relation Name"] == "claim_holds" || n["Relation Name"] == "hold_sums" {
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
	if err := db.conn(ctx).Raw("EXPLAIN QUERY PLAN "+holdSumsRead, args...).Scan(&plan).Error; err != nil {
		return 0, err
	}
	var details []string
	for _, p := range plan {
		details = append(details, p.Detail)
	}
	all := strings.Join(details, "; ")
	if !strings.Contains(all, "hold_sums USING INDEX sqlite_autoindex_hold_sums_1 (listing_id=? AND ends_at>? AND ends_at<?)") ||
		!strings.Contains(all, "claim_holds USING INDEX claim_holds_expiry (listing_id=? AND expires_at>? AND expires_at<?)") {
		return 0, fmt.Errorf("unexpected plan %s", all)
	}
	var n, m int64
	if err := db.conn(ctx).Raw("SELECT COUNT(*) FROM hold_sums WHERE listing_id = ? AND ends_at > ? AND ends_at < ?", listing, from, endBound(to)).Scan(&n).Error; err != nil {
		return 0, err
	}
	err := db.conn(ctx).Raw("SELECT COUNT(*) FROM claim_holds WHERE listing_id = ? AND expires_at IS NOT NULL AND expires_at <= ?", listing, now.UnixMilli()).Scan(&m).Error
	return n + m, err
}

// LedgerMismatches compares the hold ledger with the claim_holds rows it sums and describes every
// key where they differ (an absent row counts as 0).
func (db *DB) LedgerMismatches(ctx context.Context) ([]string, error) {
	var rows []struct {
		ListingID, ClaimantOrgID, ClaimantPersonID string
		StartsAt, EndsAt, Ledger, Holds            int64
	}
	err := db.conn(ctx).Raw(`SELECT listing_id, claimant_org_id, claimant_person_id, starts_at, ends_at,
		CAST(SUM(l) AS BIGINT) AS ledger, CAST(SUM(h) AS BIGINT) AS holds FROM (
			SELECT listing_id, claimant_org_id, claimant_person_id, starts_at, ends_at, quantity AS l, 0 AS h FROM hold_sums
			UNION ALL
			SELECT listing_id, claimant_org_id, COALESCE(claimant_person_id, ''), starts_at, ends_at, 0, quantity FROM claim_holds
		) t GROUP BY listing_id, claimant_org_id, claimant_person_id, starts_at, ends_at HAVING SUM(l) <> SUM(h)`).Scan(&rows).Error
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%+v", r))
	}
	return out, err
}

// ClaimContextEach is ClaimContext as three queries of the other stores (SQLite's path), to
// compare PostgreSQL's one round trip with.
func (s *Claims) ClaimContextEach(ctx context.Context, listingID, claimantOrg string) (domain.ClaimContext, error) {
	return s.claimContextEach(ctx, listingID, claimantOrg)
}

// FastClaims is how many claims s committed in one round trip (claims_pg_fast.go).
func (s *Claims) FastClaims() int64 { return s.fast.Load() }

// FastRefusals is how many claims s refused in one round trip (claims_pg_fast.go).
func (s *Claims) FastRefusals() int64 { return s.refused.Load() }

// UnlockedRefusals is how many claims s refused without the listing's lock (claims_pg_refuse.go).
func (s *Claims) UnlockedRefusals() int64 { return s.unlocked.Load() }

// HoldRefusalHints makes s's refusal hints last age (a test on a slow machine must not see
// them lapse between two steps).
func (s *Claims) HoldRefusalHints(age time.Duration) { s.hints.age = age }

// FindOrgNames lists the names of the orgs ids, in id order, through findAll: on the pool when
// rename is empty, else inside a transaction that first renames them and is then rolled back
// (findAll must read the transaction's own change, on its connection).
func (db *DB) FindOrgNames(ctx context.Context, ids []string, rename string) ([]string, error) {
	names := func(q *gorm.DB) ([]string, error) {
		rows, err := findAll[orgRow](ctx, db, q.Where("id IN ?", ids).Order("id"))
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = r.Name
		}
		return out, err
	}
	if rename == "" {
		return names(db.conn(ctx))
	}
	var out []string
	errRollback := fmt.Errorf("roll back")
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("UPDATE orgs SET name = ? WHERE id IN ?", rename, ids).Error; err != nil {
			return err
		}
		var err error
		if out, err = names(tx); err != nil {
			return err
		}
		return errRollback
	})
	if err != errRollback {
		return nil, err
	}
	return out, nil
}
