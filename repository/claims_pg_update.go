package repository

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/schedule"
)

// A claim's decisions on PostgreSQL (approve, reject, cancel, confirm, feedback, expiry) in two
// round trips.
//
// Through gorm an approval is thirteen round trips, the hot listing's lock held across eleven of
// them: the claim's listing, the listing's lock, the claim's lock, its history, its holds, the
// ledger, the claim's save, its holds' expiry, its history, its passes, its event and the
// commit, with gorm's reflection between each two. On a hot offer every claim queues behind that
// (claims_pg.go says why a lock hold is what a hot listing can take), and in the 32-client mix
// the claims on the hot offer waited longest of all. Here the same transaction is two pipelines:
//
//  1. BEGIN; for an approval, the claim's listing FOR NO KEY UPDATE (found by subquery); the claim
//     FOR NO KEY UPDATE; its history; for other decisions, whether it has active passes; for an
//     approval, its holds that have not ended and the ledger's sums over their span (bounds by
//     subquery: a statement of its own after the lock's, so its snapshot sees every claim
//     committed before the lock);
//  2. once the domain has decided: the claim's row, its holds (approved: no expiry; no longer
//     live: deleted and taken out of the ledger) and its new history in one statement; its events;
//     COMMIT.
//
// The locks are the gorm path's, in its order (listing, then claim; ledger rows in (ends_at,
// starts_at) order, as every writer of them). What the gorm path does beyond the claim's rows
// (claimAftermath) stays there: a decision that revokes passes or records a person's service
// rolls this transaction back and runs on the gorm path, which repeats the decision on rows it
// reads afresh. Those are decisions on claims that people use (passes, service), not the load
// of a busy evening.

var (
	// pgApprovalLedger is holdSumsRead over the span of claim $1's holds that end after $2 (Unix
	// seconds), at $3 (Unix milliseconds); $4 is maxUnix − maxHoldSeconds and $5 maxHoldSeconds
	// (endBound). With no such holds the bounds are NULL and it reads nothing.
	pgApprovalLedger = func() string {
		const (
			listing = `(SELECT listing_id FROM claims WHERE id = $1)`
			from    = `(SELECT min(starts_at) FROM claim_holds WHERE claim_id = $1 AND ends_at > $2)`
			to      = `(SELECT max(ends_at) FROM claim_holds WHERE claim_id = $1 AND ends_at > $2)`
		)
		return fillPlaceholders(holdSumsRead, listing, from, `LEAST(`+to+`, $4) + $5`, to, listing, `$3`, from, to)
	}()
)

const (
	pgLockClaimListing = `SELECT * FROM listings WHERE id = (SELECT listing_id FROM claims WHERE id = $1) FOR NO KEY UPDATE`
	pgLockClaim        = `SELECT * FROM claims WHERE id = $1 FOR NO KEY UPDATE`
	pgClaimHistoryOf   = `SELECT * FROM claim_history WHERE claim_id = $1 ORDER BY seq`
	pgHasActivePasses  = `SELECT EXISTS (SELECT 1 FROM passes WHERE claim_id = $1 AND status = 'active')`
	pgOwnHolds         = `SELECT * FROM claim_holds WHERE claim_id = $1 AND ends_at > $2 ORDER BY starts_at`

	// pgSaveClaim writes the claim's row ($1–$25, claimArgs) and its new history ($26–$31) in one
	// statement; pgSaveApproved also clears its holds' expiry, pgSaveReleased deletes its holds
	// and takes them out of the ledger.
	pgSaveClaimRow = `c AS (UPDATE claims SET (` + claimDataColumns + `) =
	($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
	WHERE id = $1 RETURNING id)`
	pgSaveClaim    = `WITH ` + pgSaveClaimRow + ` ` + pgClaimHistory
	pgSaveApproved = `WITH ` + pgSaveClaimRow + `,
	x AS (UPDATE claim_holds SET expires_at = NULL WHERE claim_id = $1) ` + pgClaimHistory
	pgSaveReleased = `WITH ` + pgSaveClaimRow + `,
	d AS (DELETE FROM claim_holds WHERE claim_id = $1
		RETURNING listing_id, claimant_org_id, claimant_person_id, starts_at, ends_at, quantity),
	x AS (INSERT INTO hold_sums (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id, quantity)
		SELECT listing_id, ends_at, starts_at, claimant_org_id, COALESCE(claimant_person_id, ''), -quantity FROM d
		ORDER BY ends_at, starts_at
		ON CONFLICT (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id)
		DO UPDATE SET quantity = hold_sums.quantity + excluded.quantity) ` + pgClaimHistory
)

// fillPlaceholders replaces q's placeholders, in order, by exprs (one each).
func fillPlaceholders(q string, exprs ...string) string {
	n := 0
	out := replacePlaceholders(q, func(i int) string { n = i + 1; return exprs[i] })
	if n != len(exprs) {
		panic("repository: fillPlaceholders: the query's placeholders and the expressions differ in number")
	}
	return out
}

// errToGorm says that a decision needs what only the gorm path does (claimAftermath); its
// attempt rolled back.
var errToGorm = errors.New("repository: the decision takes the gorm path")

// approvalCheck is ApproveClaim's fn; decide is UpdateClaim's fn.
type approvalCheck = func(c *domain.Claim, l domain.Listing, mine []schedule.Interval, others []domain.Hold) error

// updateClaimPG is UpdateClaim (approve nil) or ApproveClaim on PostgreSQL, retried like inTx.
// handled is false when the decision needs the gorm path, which the caller then runs.
func (s *Claims) updateClaimPG(ctx context.Context, id string, now time.Time, decide func(*domain.Claim) error, approve approvalCheck) (c domain.Claim, handled bool, err error) {
	err = pgRetry(ctx, func() error {
		return withPgx(ctx, s.db.wsql, func(pc *pgx.Conn) error {
			var err error
			if c, err = pgUpdateClaimTx(ctx, pc, id, now, decide, approve); err != nil {
				rollbackOpen(ctx, pc)
			}
			return err
		})
	})
	if errors.Is(err, errToGorm) {
		return domain.Claim{}, false, nil
	}
	return c, true, err
}

func pgUpdateClaimTx(ctx context.Context, pc *pgx.Conn, id string, now time.Time, decide func(*domain.Claim) error, approve approvalCheck) (domain.Claim, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	if approve != nil {
		b.Queue(pgLockClaimListing, id)
	}
	b.Queue(pgLockClaim, id)
	b.Queue(pgClaimHistoryOf, id)
	if approve == nil { // an approved claim stays live: its passes stay too
		b.Queue(pgHasActivePasses, id)
	}
	if approve != nil {
		b.Queue(pgOwnHolds, id, now.Unix())
		b.Queue(pgApprovalLedger, id, now.Unix(), now.UnixMilli(), maxUnix-maxHoldSeconds, maxHoldSeconds)
	}
	r, err := readDecisionBatch(pc.SendBatch(ctx, b), approve != nil)
	if err != nil {
		return domain.Claim{}, err
	}
	c := r.claim
	if approve != nil {
		mine, others := approvalHolds(r.own, r.ledger, now)
		err = approve(&c, r.listing, mine, others)
	} else {
		err = decide(&c)
	}
	if err != nil {
		return c, err
	}
	switch aftermathOf(&c) {
	case revokePassesAfter:
		if r.activePasses {
			return c, errToGorm
		}
	case recordServiceAfter:
		return c, errToGorm
	}
	if ctx.Err() != nil {
		return c, ctx.Err() // past the deadline: roll back rather than commit
	}

	hs, evs := claimRecords(&c)
	save := pgSaveClaim
	switch {
	case !c.Status.Live():
		save = pgSaveReleased
	case c.Status == domain.ClaimApproved:
		save = pgSaveApproved
	}
	b = &pgx.Batch{}
	b.Queue(save, claimArgs(c, hs)...)
	if err := queueEvents(b, pgInsertEventN, evs); err != nil {
		return c, err
	}
	b.Queue("COMMIT")
	br := pc.SendBatch(ctx, b)
	for range b.Len() {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return c, err
		}
	}
	return c, br.Close()
}

type decisionRead struct {
	listing      domain.Listing
	claim        domain.Claim
	activePasses bool
	own          []holdRow
	ledger       []domain.Hold
}

// readDecisionBatch reads the first pipeline of pgUpdateClaimTx.
func readDecisionBatch(br pgx.BatchResults, approval bool) (r decisionRead, err error) {
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if errors.Is(err, pgx.ErrNoRows) {
			err = domain.ErrNotFound
		}
	}()
	if _, err = br.Exec(); err != nil { // BEGIN
		return
	}
	if approval {
		var lr listingRow
		if lr, err = collectOne[listingRow](br); err != nil {
			return
		}
		if r.listing, err = lr.toDomain(); err != nil {
			return
		}
	}
	cr, err := collectOne[claimRow](br)
	if err != nil {
		return
	}
	rows, err := br.Query()
	if err != nil {
		return
	}
	hs, err := pgx.CollectRows(rows, pgx.RowToStructByName[historyRow])
	if err != nil {
		return
	}
	r.claim = cr.withHistory(hs)
	if !approval {
		err = br.QueryRow().Scan(&r.activePasses)
		return
	}
	if rows, err = br.Query(); err != nil {
		return
	}
	if r.own, err = pgx.CollectRows(rows, pgx.RowToStructByName[holdRow]); err != nil {
		return
	}
	if rows, err = br.Query(); err != nil {
		return
	}
	r.ledger, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Hold, error) {
		var (
			h    domain.Hold
			s, e int64
		)
		err := row.Scan(&h.ClaimantOrgID, &h.ClaimantPersonID, &s, &e, &h.Quantity)
		h.Start, h.End = time.Unix(s, 0).UTC(), time.Unix(e, 0).UTC()
		return h, err
	})
	return
}

// collectOne reads the next result of br as exactly one row of T, by column name.
func collectOne[T any](br pgx.BatchResults) (T, error) {
	rows, err := br.Query()
	if err != nil {
		var zero T
		return zero, err
	}
	return pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[T])
}
