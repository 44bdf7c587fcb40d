package repository

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/schedule"
	"github.com/gongjian/gongjian/idempotency"
)

// The claim transaction on PostgreSQL, in two round trips, with as little as possible under the
// listing's lock.
//
// Claims on one listing queue on its row lock, so what a hot listing can take is one claim per
// lock hold: from the moment the lock is granted to the commit. Through gorm that hold spans ten
// round trips (the listing lock, the holds, the agreement, the claim, its holds, its history,
// the idempotency ref, the event, and the commit), each with gorm's reflection and SQL building
// in between, and on a busy machine the process can be descheduled between any two of them while
// every other claim waits. Here the same statements go out as two pgx pipelines (batches):
//
//  1. BEGIN; the listing FOR NO KEY UPDATE; the claim row, its history and the idempotency ref
//     in one statement; then, in one statement, the agreement FOR SHARE and the listing's live
//     holds from the ledger (summed per claimant and interval, which is all the check needs;
//     hold_sums.go);
//  2. the claim's holds and their ledger rows in one INSERT … SELECT FROM unnest; its events
//     (under the feed's shared advisory lock, last, as writeEvents requires); COMMIT.
//
// The claim row is written under the lock, not before it. Its foreign-key checks take KEY SHARE
// locks on the listing, the agreement and both orgs; taken while another transaction holds the
// listing FOR NO KEY UPDATE, each of them turns the row's locker into a MultiXact (every waiting
// claim adding itself to a new one), which the lock and every later reader of the row must then
// resolve: on a hot offer that was ~23 MultiXact members and ~13 SLRU lookups per claim, and
// MultiXact space that vacuum must later reclaim. Taken by the holder of the listing's lock,
// they are the only lockers of those rows: no MultiXact at all, and 13 % less database CPU per
// claim, for a longer lock hold (the insert's) on a machine where CPU, not the lock, was the
// limit.
//
// Statements cost the database more than their execution (each is bound, run and answered on
// its own), so related writes share one statement through data-modifying CTEs: a claim's
// transaction is seven statements (one more per further event), down from twelve.
//
// Between them runs the domain's check, exactly as in the gorm path; a refused claim rolls the
// inserted rows back. Every statement has a fixed text, so pgx's statement cache prepares each
// once per connection. The lock order is the gorm path's: listing, then agreement (the
// idempotency row is the request's own, leased to it alone; no transaction that locks it goes
// on to lock a listing). SQLite, proposal acceptance and people's
// claims (which also share-lock the person, and may have no agreement) keep the gorm path, as do
// the strategies kept for the benchmark.
//
// A column added to listings, claims, claim_holds, hold_sums or claim_history must be added here
// too; the conformance tests of the claim store run this path on PostgreSQL.

const (
	pgLockListing = `SELECT id, side, org_id, street_id, category, title, description, quantity, lat, lng, address,
	radius_km, windows, timezone, visibility, valid_until, max_per_claimant, open_to_people, people_auto_approve, status,
	span_start, span_end, version, created_at, updated_at FROM listings WHERE id = $1 FOR NO KEY UPDATE`
	// pgInsertClaim inserts the claim row ($1–$25) and its history ($26–$31, in the order given:
	// a creation and an auto-approval share their instant). pgInsertClaimKeyed also records the
	// claim as the idempotency key's ref ($32–$35) and answers how many keys it marked (1, or 0
	// when the key's lease was lost).
	//
	// claimDataColumns are the claim row's columns after its id, in claimArgs' order.
	claimDataColumns = `listing_id, listing_side, owner_org_id, claimant_org_id, agreement_id,
	street_id, counterpart_listing_id, quantity, window_start, window_end, window_rrule, timezone, note, status,
	expires_at, owner_confirmed_at, claimant_confirmed_at, rating, feedback_comment, feedback_at, version,
	created_at, updated_at, claimant_person_id`
	pgClaimColumns = `INSERT INTO claims (id, ` + claimDataColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
	RETURNING id`
	pgClaimHistory = `INSERT INTO claim_history (claim_id, at, actor_id, action, from_status, to_status, note)
	SELECT c.id, at, actor, action, from_s, to_s, note FROM c,
	unnest($26::timestamptz[], $27::text[], $28::text[], $29::text[], $30::text[], $31::text[])
		WITH ORDINALITY AS t(at, actor, action, from_s, to_s, note, n)
	ORDER BY n`
	pgInsertClaim      = `WITH c AS (` + pgClaimColumns + `) ` + pgClaimHistory
	pgInsertClaimKeyed = `WITH m AS (UPDATE idempotency_keys SET ref = $32 WHERE owner = $33 AND key = $34 AND token = $35 RETURNING 1),
	c AS (` + pgClaimColumns + `),
	h AS (` + pgClaimHistory + `)
	SELECT count(*) FROM m`
	// pgInsertHolds inserts the claim's holds and adds them to the ledger (addHoldSums for one
	// claim's occurrences, in the same row order), in one statement.
	pgInsertHolds = `WITH h AS (INSERT INTO claim_holds (claim_id, listing_id, claimant_org_id, claimant_person_id, starts_at, ends_at, quantity, expires_at)
	SELECT $1, $2, $3, $8, s, e, $6, $7 FROM unnest($4::bigint[], $5::bigint[]) AS t(s, e))
	INSERT INTO hold_sums (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id, quantity)
	SELECT $2, e, s, $3, $9, $6 FROM unnest($4::bigint[], $5::bigint[]) AS t(s, e) ORDER BY e, s
	ON CONFLICT (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id)
	DO UPDATE SET quantity = hold_sums.quantity + excluded.quantity`
)

// pgInsertEventN is pgInsertEvent with PostgreSQL's numbered placeholders, for pgx.
//
// pgHoldsAndAgreement share-locks the agreement ($9) and reads the listing's holds from the
// ledger in one statement, after the listing's lock (a statement of its own: a statement's
// snapshot is taken when it starts, so the holds must be read by one that starts once the lock
// is granted). It answers one row per ledger entry beside the agreement's status, or one with
// NULL holds when there are none, or none when the agreement is gone.
var (
	pgInsertEventN      = numberPlaceholders(pgInsertEvent)
	pgHoldsAndAgreement = `SELECT a.status, h.* FROM (SELECT status FROM agreements WHERE id = $9 FOR SHARE) a
	LEFT JOIN (` + numberPlaceholders(holdSumsRead) + `) h ON true`
)

func numberPlaceholders(q string) string { return numberPlaceholdersFrom(q, 1) }

// numberPlaceholdersFrom numbers q's placeholders from first on.
func numberPlaceholdersFrom(q string, first int) string {
	return replacePlaceholders(q, func(i int) string { return "$" + strconv.Itoa(first+i) })
}

// replacePlaceholders replaces the i-th placeholder of q (from 0) by with(i).
func replacePlaceholders(q string, with func(i int) string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			b.WriteString(with(n))
			n++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// createClaimPG is CreateClaim on PostgreSQL with LockListing, retried like inTx.
func (s *Claims) createClaimPG(ctx context.Context, nc domain.NewClaimTx, now time.Time) error {
	c := nc.Claim
	hs, evs := claimRecords(&c)
	return pgRetry(ctx, func() error { return s.pgClaimOnce(ctx, nc, now, hs, evs) })
}

// pgRetry runs once until it succeeds, fails for good, or has failed maxTxAttempts times, with
// inTx's back-off between attempts.
func pgRetry(ctx context.Context, once func() error) error {
	for attempt := 1; ; attempt++ {
		err := once()
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return translate(err)
		}
		select {
		case <-ctx.Done():
			return translate(ctx.Err())
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

// pgClaimOnce runs one attempt on a connection of the transaction pool, through its pgx
// connection.
func (s *Claims) pgClaimOnce(ctx context.Context, nc domain.NewClaimTx, now time.Time, hs []historyRow, evs []domain.Event) error {
	return withPgx(ctx, s.db.wsql, func(pc *pgx.Conn) error {
		listing := nc.Claim.ListingID
		if nc.Checked.ID != "" && s.hints.recent(listing) {
			refusal, err := pgRefuseUnlocked(ctx, pc, nc, now)
			switch {
			case err != nil:
				return err
			case refusal != nil:
				s.unlocked.Add(1)
				return refusal
			}
			s.hints.clear(listing)
		}
		outcome, err := fastUnsure, error(nil)
		if nc.Checked.ID != "" {
			outcome, err = pgFastClaimTx(ctx, pc, nc, now, hs, evs)
			switch outcome {
			case fastCommitted:
				s.fast.Add(1)
			case fastRefused:
				s.refused.Add(1)
			}
		}
		if outcome == fastUnsure && err == nil {
			err = pgClaimTx(ctx, pc, nc, now, hs, evs)
		}
		if errors.Is(err, domain.ErrCapacityExceeded) {
			s.hints.note(listing)
		}
		if err != nil {
			rollbackOpen(ctx, pc)
		}
		return err
	})
}

// rollbackOpen rolls back the transaction a failed attempt left open on pc, if any. A connection
// left in an unknown state is closed rather than returned (withPgx then has database/sql discard
// it).
func rollbackOpen(ctx context.Context, pc *pgx.Conn) {
	if pc.IsClosed() || pc.PgConn().TxStatus() == 'I' {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := pc.Exec(rctx, "ROLLBACK"); err != nil {
		_ = pc.Close(rctx)
	}
}

func pgClaimTx(ctx context.Context, pc *pgx.Conn, nc domain.NewClaimTx, now time.Time, hs []historyRow, evs []domain.Event) error {
	c, occs := nc.Claim, nc.Occurrences
	ticket, keyed := idempotency.TicketFrom(ctx)

	args := claimArgs(c, hs)
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(pgLockListing, c.ListingID)
	if keyed {
		b.Queue(pgInsertClaimKeyed, append(args, "claims/"+c.ID, ticket.Owner, ticket.Key, ticket.Token)...)
	} else {
		b.Queue(pgInsertClaim, args...)
	}
	b.Queue(pgHoldsAndAgreement, append(holdSumsArgs(c.ListingID, occs[0].Start.Unix(), occs[len(occs)-1].End.Unix(), now), c.AgreementID)...)
	l, holds, status, err := readClaimBatch(pc.SendBatch(ctx, b), keyed)
	if err != nil {
		return err
	}
	if err := nc.Check(l, holds, status); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err() // past the deadline: roll back rather than commit
	}

	b = &pgx.Batch{}
	starts, ends := occurrenceBounds(occs)
	b.Queue(pgInsertHolds, c.ID, c.ListingID, c.ClaimantOrgID, starts, ends, c.Quantity, holdExpiry(c),
		nullString(c.ClaimantPersonID), c.ClaimantPersonID)
	if err := queueEvents(b, pgInsertEventN, evs); err != nil {
		return err
	}
	b.Queue("COMMIT")
	br := pc.SendBatch(ctx, b)
	for i := 0; i < b.Len(); i++ {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return err
		}
	}
	return br.Close()
}

// occurrenceBounds are the starts and ends of occs in Unix seconds, as the holds store them.
func occurrenceBounds(occs []schedule.Interval) (starts, ends []int64) {
	starts, ends = make([]int64, len(occs)), make([]int64, len(occs))
	for i, o := range occs {
		starts[i], ends[i] = o.Start.Unix(), o.End.Unix()
	}
	return starts, ends
}

// queueEvents queues one insert per event: query is pgInsertEventN or a variant of it that takes
// extra arguments after the event's own.
func queueEvents(b *pgx.Batch, query string, evs []domain.Event, extra ...any) error {
	for _, ev := range evs {
		data, err := json.Marshal(ev.Data)
		if err != nil {
			return err
		}
		scope := ev.Scoped(ev.StreetID, ev.OrgIDs...).OrgIDs
		b.Queue(query, append([]any{eventLockKey, ev.ID, ev.Type, ev.At.UTC(), ev.SubjectID, ev.StreetID, string(data),
			strings.Join(scope, ",")}, extra...)...)
	}
	return nil
}

// claimArgs are the claim row's and its history's arguments of pgInsertClaim ($1–$31).
func claimArgs(c domain.Claim, hs []historyRow) []any {
	r := toClaimRow(c)
	cols := make([][]string, 5)
	ats := make([]time.Time, len(hs))
	for i, h := range hs {
		ats[i] = h.At
		for j, v := range []string{h.ActorID, h.Action, h.FromStatus, h.ToStatus, h.Note} {
			cols[j] = append(cols[j], v)
		}
	}
	return []any{r.ID, r.ListingID, r.ListingSide, r.OwnerOrgID, r.ClaimantOrgID, r.AgreementID,
		r.StreetID, r.CounterpartListingID, r.Quantity, r.WindowStart, r.WindowEnd, r.WindowRrule, r.Timezone, r.Note,
		r.Status, r.ExpiresAt, r.OwnerConfirmedAt, r.ClaimantConfirmedAt, r.Rating, r.FeedbackComment, r.FeedbackAt,
		r.Version, r.CreatedAt, r.UpdatedAt, r.ClaimantPersonID, ats, cols[0], cols[1], cols[2], cols[3], cols[4]}
}

// readClaimBatch reads the first batch's results: BEGIN, the claim (with its history and, when
// keyed, the idempotency ref), the locked listing, its holds and the agreement's status.
func readClaimBatch(br pgx.BatchResults, keyed bool) (l domain.Listing, holds []domain.Hold, status domain.AgreementStatus, err error) {
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	if _, err = br.Exec(); err != nil {
		return
	}
	var (
		lr         listingRow
		validUntil *time.Time
		maxPer     *int64
	)
	err = br.QueryRow().Scan(&lr.ID, &lr.Side, &lr.OrgID, &lr.StreetID, &lr.Category, &lr.Title, &lr.Description,
		&lr.Quantity, &lr.Lat, &lr.Lng, &lr.Address, &lr.RadiusKm, &lr.Windows, &lr.Timezone, &lr.Visibility,
		&validUntil, &maxPer, &lr.OpenToPeople, &lr.PeopleAutoApprove, &lr.Status, &lr.SpanStart, &lr.SpanEnd, &lr.Version, &lr.CreatedAt, &lr.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		err = domain.ErrNotFound
	}
	if err != nil {
		return
	}
	if validUntil != nil {
		lr.ValidUntil.Time, lr.ValidUntil.Valid = *validUntil, true
	}
	if maxPer != nil {
		lr.MaxPerClaimant.Int64, lr.MaxPerClaimant.Valid = *maxPer, true
	}
	if l, err = lr.toDomain(); err != nil {
		return
	}
	if keyed {
		var marked int64
		if err = br.QueryRow().Scan(&marked); err != nil {
			return
		}
		if marked != 1 {
			err = idempotency.ErrLeaseLost
			return
		}
	} else if _, err = br.Exec(); err != nil {
		return
	}
	rows, e := br.Query()
	if err = e; err != nil {
		return
	}
	found := false
	for rows.Next() {
		var (
			st        string
			org, pers *string
			s, f, qty *int64
		)
		if err = rows.Scan(&st, &org, &pers, &s, &f, &qty); err != nil {
			rows.Close()
			return
		}
		found, status = true, domain.AgreementStatus(st)
		if org != nil {
			holds = append(holds, domain.Hold{ClaimantOrgID: *org, ClaimantPersonID: *pers,
				Start: time.Unix(*s, 0).UTC(), End: time.Unix(*f, 0).UTC(), Quantity: *qty})
		}
	}
	rows.Close()
	if err = rows.Err(); err == nil && !found {
		err = domain.ErrNotFound
	}
	return
}
