package repository

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/idempotency"
)

// The claim in one round trip (PostgreSQL), when the database alone can tell that it fits.
//
// The transaction of claims_pg.go holds the listing's lock across a round trip: the lock is
// granted, the holds are read and sent back, the service runs the domain's check, and only then
// come the holds, the events and the commit. On a hot offer every other claim waits through that
// hop, and on a busy machine the hop is the service waiting for a core. Most claims on a hot
// offer are far from its limits, though, and for them the check's answer is known in advance:
// domain.NewClaimTx.Checked says when Check cannot fail (the listing unchanged since the
// domain checked it, the agreement active, and every occurrence's overlapping holds, summed,
// leaving room). That condition is plain SQL. So the whole transaction goes out as one
// pipeline, its writes conditional on it:
//
//	BEGIN; the listing FOR NO KEY UPDATE;
//	one statement: the condition (with the agreement FOR SHARE), then, only if it holds, the
//	  idempotency ref, the claim, its history, its holds and their ledger rows;
//	its events, only if the claim was written; COMMIT.
//
// If the condition fails, nothing is written and the empty transaction commits. When the listing
// was as checked and the agreement active (the offer is full, or nearly: summing overlapping
// holds overstates the peak), the statement also returns the exact hold read, made under the
// lock, and the domain's check decides on it at once: a refusal stands (it was true while the
// lock was held), naming the occurrence, with no second transaction, which is what most claims
// on a sold-out offer get. A claim it admits, and any claim on a changed listing or agreement,
// takes the two-round-trip path, whose check is exact. A sum of overlapping holds is at least the peak of any
// instant of the occurrence, so the condition never admits a claim the check would refuse.
//
// The condition is a statement of its own after the lock's: under READ COMMITTED a statement's
// snapshot is taken when it starts, so it sees every claim committed before the lock was
// granted.

// pgFastClaim parameters: $1–$25 the claim row as pgInsertClaim's, $26–$31 its history, $32 the
// listing's checked version, $33 its quantity, $34 max_per_claimant (0: none), $35/$36 the
// occurrences' starts and ends (Unix seconds), $37 now (Unix milliseconds), $38 maxHoldSeconds,
// $39 maxUnix − maxHoldSeconds, $40 the holds' expiry, $41–$48 the exact hold read's; keyed:
// $49–$52 the ref, owner, key and token. It answers whether the claim fit, how many keys it
// marked (keyed), whether the listing was as checked and the agreement active, and, when the
// claim did not fit although both were, the holds (pgFastHolds).
const (
	pgFastCondition = `q AS (SELECT
	EXISTS (SELECT 1 FROM listings WHERE id = $2 AND version = $32::bigint) AS same,
	EXISTS (SELECT 1 FROM agreements WHERE id = $6 AND status = 'active' FOR SHARE) AS active,
	NOT EXISTS (
		SELECT 1 FROM unnest($35::bigint[], $36::bigint[]) AS o(s, e), LATERAL (
			SELECT COALESCE(SUM(q), 0) AS total, COALESCE(SUM(q) FILTER (WHERE mine), 0) AS mine FROM (
				SELECT quantity AS q, claimant_org_id = $5 AND claimant_person_id = '' AS mine FROM hold_sums
				WHERE listing_id = $2 AND ends_at > o.s AND ends_at < LEAST(o.e, $39::bigint) + $38::bigint
					AND starts_at < o.e AND quantity <> 0
				UNION ALL
				SELECT -quantity, claimant_org_id = $5 AND claimant_person_id IS NULL FROM claim_holds
				WHERE listing_id = $2 AND expires_at IS NOT NULL AND expires_at <= $37::bigint
					AND ends_at > o.s AND starts_at < o.e
			) x
		) t
		WHERE t.total + $9::bigint > $33::bigint OR ($34::bigint > 0 AND t.mine + $9::bigint > $34::bigint)
	) AS room),
	ok AS (SELECT same, active, same AND active AND room AS ok FROM q)`
	pgFastClaimInsert = `INSERT INTO claims (id, ` + claimDataColumns + `)
	SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::bigint,
		$10::timestamptz, $11::timestamptz, $12::text, $13::text, $14::text, $15::text, $16::timestamptz,
		$17::timestamptz, $18::timestamptz, $19::bigint, $20::text, $21::timestamptz, $22::bigint,
		$23::timestamptz, $24::timestamptz, $25::text`
	pgFastClaimRest = `h AS (INSERT INTO claim_history (claim_id, at, actor_id, action, from_status, to_status, note)
	SELECT c.id, at, actor, action, from_s, to_s, note FROM c,
	unnest($26::timestamptz[], $27::text[], $28::text[], $29::text[], $30::text[], $31::text[])
		WITH ORDINALITY AS t(at, actor, action, from_s, to_s, note, n)
	ORDER BY n),
	hd AS (INSERT INTO claim_holds (claim_id, listing_id, claimant_org_id, claimant_person_id, starts_at, ends_at, quantity, expires_at)
	SELECT c.id, $2, $5, NULL, s, e, $9::bigint, $40::bigint FROM c, unnest($35::bigint[], $36::bigint[]) AS t(s, e)),
	hs AS (INSERT INTO hold_sums (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id, quantity)
	SELECT $2, e, s, $5, '', $9::bigint FROM c, unnest($35::bigint[], $36::bigint[]) AS t(s, e) ORDER BY e, s
	ON CONFLICT (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id)
	DO UPDATE SET quantity = hold_sums.quantity + excluded.quantity)`

	pgFastLock = `SELECT 1 FROM listings WHERE id = $1 FOR NO KEY UPDATE`
)

// pgFastHolds is the exact hold read ($41–$48, holdSumsArgs), as arrays, for a claim that did
// not surely fit on a listing and agreement as checked: the domain's check then decides on them
// at once. They were read under the listing's lock, so a refusal they justify is as sound as the
// exact path's; a claim they admit takes the exact path (the lock is gone by then).
var (
	pgFastClaim = `WITH ` + pgFastCondition + `,
	c AS (` + pgFastClaimInsert + ` FROM ok WHERE ok.ok RETURNING id),
	` + pgFastClaimRest + `
	SELECT ok.ok, 0::bigint, ok.same, ok.active, h.* FROM ok LEFT JOIN LATERAL (` + pgFastHolds + `) h ON true`
	pgFastClaimKeyed = `WITH ` + pgFastCondition + `,
	m AS (UPDATE idempotency_keys SET ref = $49 WHERE owner = $50 AND key = $51 AND token = $52 AND (SELECT ok FROM ok) RETURNING 1),
	c AS (` + pgFastClaimInsert + ` FROM ok, m WHERE ok.ok RETURNING id),
	` + pgFastClaimRest + `
	SELECT ok.ok, (SELECT count(*) FROM m), ok.same, ok.active, h.* FROM ok LEFT JOIN LATERAL (` + pgFastHolds + `) h ON true`
	pgFastHolds = `SELECT array_agg(claimant_org_id) AS orgs, array_agg(claimant_person_id) AS persons,
	array_agg(starts_at) AS starts, array_agg(ends_at) AS ends, array_agg(q) AS qtys
	FROM (` + numberPlaceholdersFrom(holdSumsRead, 41) + `) x (claimant_org_id, claimant_person_id, starts_at, ends_at, q)
	WHERE NOT ok.ok AND ok.same AND ok.active`
)

// pgInsertEventIfClaimed is pgInsertEventN for a claim the same transaction may not have
// written ($9): no event without its claim.
var pgInsertEventIfClaimed = func() string {
	const from = " FROM l RETURNING seq"
	if !strings.Contains(pgInsertEventN, from) {
		panic("repository: pgInsertEvent no longer reads its lock as" + from)
	}
	return strings.Replace(pgInsertEventN, from, " FROM l WHERE EXISTS (SELECT 1 FROM claims WHERE id = $9) RETURNING seq", 1)
}()

// fastOutcome is how a claim in one round trip ended.
type fastOutcome int

const (
	fastUnsure    fastOutcome = iota // nothing written: the exact path decides
	fastCommitted                    // the claim committed
	fastRefused                      // refused on the holds read under the lock (the error says why)
)

// pgFastClaimTx tries the claim in one round trip. A non-nil error with fastUnsure is a failure
// of the attempt itself (or a lost lease), not a decision on the claim.
func pgFastClaimTx(ctx context.Context, pc *pgx.Conn, nc domain.NewClaimTx, now time.Time, hs []historyRow, evs []domain.Event) (fastOutcome, error) {
	c, l := nc.Claim, nc.Checked
	ticket, keyed := idempotency.TicketFrom(ctx)
	starts, ends := occurrenceBounds(nc.Occurrences)
	args := append(claimArgs(c, hs), l.Version, l.Quantity, l.MaxPerClaimant, starts, ends, now.UnixMilli(),
		maxHoldSeconds, maxUnix-maxHoldSeconds, holdExpiry(c))
	args = append(args, holdSumsArgs(c.ListingID, starts[0], ends[len(ends)-1], now)...)
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(pgFastLock, c.ListingID)
	if keyed {
		b.Queue(pgFastClaimKeyed, append(args, "claims/"+c.ID, ticket.Owner, ticket.Key, ticket.Token)...)
	} else {
		b.Queue(pgFastClaim, args...)
	}
	if err := queueEvents(b, pgInsertEventIfClaimed, evs, c.ID); err != nil {
		return fastUnsure, err
	}
	b.Queue("COMMIT")
	br := pc.SendBatch(ctx, b)
	res, err := readFastClaim(br, len(evs))
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return fastUnsure, err
	case res.fits && keyed && res.marked != 1:
		return fastUnsure, idempotency.ErrLeaseLost // nothing was written: the claim hangs on the ref
	case res.fits:
		return fastCommitted, nil
	case res.same && res.active:
		// Read under the lock: a refusal stands; an admission needs the exact path.
		if err := nc.Check(l, res.holds, domain.AgreementActive); err != nil {
			return fastRefused, err
		}
	}
	return fastUnsure, nil
}

type fastResult struct {
	fits, same, active bool
	marked             int64
	holds              []domain.Hold
}

func readFastClaim(br pgx.BatchResults, events int) (r fastResult, err error) {
	if _, err = br.Exec(); err != nil { // BEGIN
		return
	}
	var one int
	if err = br.QueryRow().Scan(&one); err != nil {
		if err == pgx.ErrNoRows {
			err = domain.ErrNotFound
		}
		return
	}
	var (
		orgs, persons      []string
		starts, ends, qtys []int64
	)
	if err = br.QueryRow().Scan(&r.fits, &r.marked, &r.same, &r.active, &orgs, &persons, &starts, &ends, &qtys); err != nil {
		return
	}
	for i := range orgs {
		r.holds = append(r.holds, domain.Hold{ClaimantOrgID: orgs[i], ClaimantPersonID: persons[i],
			Start: time.Unix(starts[i], 0).UTC(), End: time.Unix(ends[i], 0).UTC(), Quantity: qtys[i]})
	}
	for range events + 1 { // the events, COMMIT
		if _, err = br.Exec(); err != nil {
			return
		}
	}
	return
}
