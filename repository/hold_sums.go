package repository

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/schedule"
)

// The hold ledger (table hold_sums, migration 00050).
//
// A claim must see what its listing holds during its occurrences. Read from claim_holds that is
// a row per claim and occurrence, so on a popular listing (the one car park everyone wants at
// 19:00) every claim reads every earlier one: the 20,000th claim reads 20,000 rows while the
// whole queue waits on the listing's lock. The ledger keeps, per listing, claimant and interval,
// the sum of the claim_holds rows present: a claim reads one row per claimant and occurrence,
// however many claims share them.
//
// The invariant is plain: hold_sums[listing, interval, claimant] = SUM(quantity) of the
// claim_holds rows with that key, in every committed state. Every statement that inserts or
// deletes holds changes the ledger in the same transaction (insertClaim, pgClaimTx,
// releaseHolds); approval, which only clears a hold's expiry, leaves it alone.
//
// What counts at an instant is what is present minus the holds of pending claims that have
// expired and are not swept yet (their capacity comes back at their expiry, before the sweeper
// records it). Those are few — the sweeper deletes them — and are read through the partial
// index claim_holds_expiry. Both parts are read in one statement, so under READ COMMITTED one
// snapshot sees them consistent.

// holdSumsRead reads the holds that count on one listing over [from, to) at now, summed per
// claimant and interval. Arguments: holdSumsArgs.
//
// The ledger's key orders a listing's rows by end, so "ends after from" alone would scan every
// later interval of the listing: on a daily car park claimed for a year ahead, a claim for
// tonight would read the whole year. No hold lasts longer than maxHoldSeconds, so a hold that
// starts before to also ends before to + maxHoldSeconds, and that bound closes the range.
var holdSumsRead = ledgerRead("claimant_org_id, claimant_person_id", "claimant_org_id, COALESCE(claimant_person_id, '')", "listing_id = ?")

// holdSumsOfRead is holdSumsRead for the listings of an IN list, summed per listing and interval.
var holdSumsOfRead = ledgerRead("listing_id", "listing_id", "listing_id IN ?")

// ledgerRead is the ledger read grouped by key (as the ledger names its columns; holdsKey is the
// same columns as claim_holds gives them) for the listings that match, with holdSumsArgs.
func ledgerRead(key, holdsKey, listing string) string {
	return `SELECT ` + key + `, starts_at, ends_at, CAST(SUM(q) AS BIGINT) FROM (
	SELECT ` + key + `, starts_at, ends_at, quantity AS q FROM hold_sums
	WHERE ` + listing + ` AND ends_at > ? AND ends_at < ? AND starts_at < ? AND quantity <> 0
	UNION ALL
	SELECT ` + holdsKey + `, starts_at, ends_at, -quantity FROM claim_holds
	WHERE ` + listing + ` AND expires_at IS NOT NULL AND expires_at <= ? AND ends_at > ? AND starts_at < ?
) t GROUP BY ` + key + `, starts_at, ends_at HAVING SUM(q) > 0`
}

// maxHoldSeconds bounds a hold's length: an occurrence of a window, which schedule keeps within
// MaxWindowLength, plus a margin for the zone's offset changes (as the occurrence cache does).
const maxHoldSeconds = int64((schedule.MaxWindowLength + 48*time.Hour) / time.Second)

// endBound is the end below which every hold that starts before to ends.
func endBound(to int64) int64 {
	if to > maxUnix-maxHoldSeconds {
		return maxUnix
	}
	return to + maxHoldSeconds
}

// holdSumsArgs are the arguments of a ledger read: listing is an id, or the ids of an IN list.
func holdSumsArgs(listing any, from, to int64, now time.Time) []any {
	return []any{listing, from, endBound(to), to, listing, now.UnixMilli(), from, to}
}

// liveHoldSums is liveHolds summed per claimant and interval (no claim ids), from the ledger.
func liveHoldSums(q *gorm.DB, listing string, from, to int64, now time.Time) ([]domain.Hold, error) {
	rows, err := q.Raw(holdSumsRead, holdSumsArgs(listing, from, to, now)...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Hold
	for rows.Next() {
		var (
			h    domain.Hold
			s, e int64
		)
		if err := rows.Scan(&h.ClaimantOrgID, &h.ClaimantPersonID, &s, &e, &h.Quantity); err != nil {
			return nil, err
		}
		h.Start, h.End = time.Unix(s, 0).UTC(), time.Unix(e, 0).UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// holdKey is one ledger row's key within a listing.
type holdKey struct {
	org, person string
	start, end  int64
}

// withoutOwn subtracts a claim's own holds (those that count at now) from summed holds.
func withoutOwn(sums []domain.Hold, own []holdRow, now time.Time) []domain.Hold {
	sub := make(map[holdKey]int64, len(own))
	for _, h := range own {
		if !h.ExpiresAt.Valid || h.ExpiresAt.Int64 > now.UnixMilli() {
			sub[holdKey{h.ClaimantOrgID, h.ClaimantPersonID.String, h.StartsAt, h.EndsAt}] += h.Quantity
		}
	}
	out := sums[:0:0]
	for _, h := range sums {
		h.Quantity -= sub[holdKey{h.ClaimantOrgID, h.ClaimantPersonID, h.Start.Unix(), h.End.Unix()}]
		if h.Quantity > 0 {
			out = append(out, h)
		}
	}
	return out
}

// addHoldSums adds qty to the ledger rows of listing and claimant over the intervals (a negative
// qty releases). Rows are written in (ends_at, starts_at) order, as on the PostgreSQL claim path,
// so two transactions touching the same rows lock them in the same order.
func addHoldSums(tx *gorm.DB, listing, org, person string, ivs [][2]int64, qty int64) error {
	// The intervals are one claim's occurrences, which never repeat (a repeat would be two
	// updates of one row in one statement).
	ivs = slices.Clone(ivs)
	slices.SortFunc(ivs, func(a, b [2]int64) int { return cmp.Or(cmp.Compare(a[1], b[1]), cmp.Compare(a[0], b[0])) })
	const per = 500 // 6 parameters a row: within every engine's limit
	for len(ivs) > 0 {
		n := min(len(ivs), per)
		var b strings.Builder
		b.WriteString("INSERT INTO hold_sums (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id, quantity) VALUES ")
		args := make([]any, 0, 6*n)
		for i, iv := range ivs[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, listing, iv[1], iv[0], org, person, qty)
		}
		b.WriteString(" ON CONFLICT (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id) DO UPDATE SET quantity = hold_sums.quantity + excluded.quantity")
		if err := tx.Exec(b.String(), args...).Error; err != nil {
			return err
		}
		ivs = ivs[n:]
	}
	return nil
}

// releaseHolds deletes a claim's holds and takes them out of the ledger.
func releaseHolds(tx *gorm.DB, claimID string) error {
	var rows []holdRow
	if err := tx.Where("claim_id = ?", claimID).Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	// One claim's holds share listing, claimant and quantity.
	ivs := make([][2]int64, len(rows))
	for i, r := range rows {
		ivs[i] = [2]int64{r.StartsAt, r.EndsAt}
	}
	r := rows[0]
	if err := addHoldSums(tx, r.ListingID, r.ClaimantOrgID, r.ClaimantPersonID.String, ivs, -r.Quantity); err != nil {
		return err
	}
	return tx.Where("claim_id = ?", claimID).Delete(&holdRow{}).Error
}
