package repository

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gongjian/gongjian/domain"
)

// Refusals without the lock (PostgreSQL).
//
// Once a hot offer is full, almost every claim on it is refused, and each refusal still queued
// for the listing's lock, read the holds under it, and committed (a row lock is a write: the
// commit waits for its WAL flush), while every other claim on the offer waited behind it. In the
// 32-client mix, claims on the one hot offer were refused nine times in ten and had the longest
// tail of every operation, behind the listing's lock.
//
// A refusal needs no lock to be true. One statement reads, in one snapshot, the listing's
// version, the agreement's status and the listing's holds over the claim's occurrences; if the
// listing is as the domain checked it, the agreement active, and the domain's check refuses on
// those holds, then at that snapshot's instant the claim did not fit, and the refusal stands
// there, exactly as one read under the lock stands at the instant the lock was granted (claims
// in flight can only have added holds; a release in flight may free capacity a moment later in
// either case). Nothing is written and no transaction is opened.
//
// That costs a round trip when the claim does fit, so it is tried only on a listing that refused
// a claim on this replica within the last refusalHintAge; a lock-free read that admits the claim
// clears the hint, and the claim goes on to the locked path, which decides afresh.

// refusalHintAge is how long after a refusal claims on the listing are first tried without the lock.
const refusalHintAge = 2 * time.Second

// pgRefusalRead: $1–$8 holdSumsArgs, $9 the listing, $10 the agreement.
var pgRefusalRead = `SELECT (SELECT version FROM listings WHERE id = $9), (SELECT status FROM agreements WHERE id = $10),
	array_agg(claimant_org_id), array_agg(claimant_person_id), array_agg(starts_at), array_agg(ends_at), array_agg(q)
	FROM (` + numberPlaceholders(holdSumsRead) + `) x (claimant_org_id, claimant_person_id, starts_at, ends_at, q)`

// refusalHints remembers the listings that refused a claim lately, by the monotonic clock.
type refusalHints struct {
	mu  sync.Mutex
	at  map[string]time.Time
	age time.Duration // refusalHintAge unless a test sets it
}

func (h *refusalHints) recent(listing string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	at, ok := h.at[listing]
	return ok && time.Since(at) < h.maxAge()
}

func (h *refusalHints) maxAge() time.Duration {
	if h.age > 0 {
		return h.age
	}
	return refusalHintAge
}

func (h *refusalHints) note(listing string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.at == nil {
		h.at = map[string]time.Time{}
	}
	if len(h.at) >= 4096 { // stale hints go first; what is left bounds the map
		for id, at := range h.at {
			if time.Since(at) >= h.maxAge() || len(h.at) >= 4096 {
				delete(h.at, id)
			}
		}
	}
	h.at[listing] = time.Now()
}

func (h *refusalHints) clear(listing string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.at, listing)
}

// pgRefuseUnlocked reads what a refusal needs, without a lock, and returns the domain's refusal
// when those holds justify one. A nil refusal (and nil err) leaves the decision to the locked path.
func pgRefuseUnlocked(ctx context.Context, pc *pgx.Conn, nc domain.NewClaimTx, now time.Time) (refusal, err error) {
	c, l := nc.Claim, nc.Checked
	starts, ends := occurrenceBounds(nc.Occurrences)
	var (
		version            *int64
		status             *string
		orgs, persons      []string
		froms, tos, amount []int64
	)
	args := append(holdSumsArgs(c.ListingID, starts[0], ends[len(ends)-1], now), c.ListingID, c.AgreementID)
	if err := pc.QueryRow(ctx, pgRefusalRead, args...).Scan(&version, &status, &orgs, &persons, &froms, &tos, &amount); err != nil {
		return nil, err
	}
	if version == nil || *version != l.Version || status == nil || domain.AgreementStatus(*status) != domain.AgreementActive {
		return nil, nil
	}
	holds := make([]domain.Hold, len(orgs))
	for i := range orgs {
		holds[i] = domain.Hold{ClaimantOrgID: orgs[i], ClaimantPersonID: persons[i],
			Start: time.Unix(froms[i], 0).UTC(), End: time.Unix(tos[i], 0).UTC(), Quantity: amount[i]}
	}
	return nc.Check(l, holds, domain.AgreementActive), nil
}
