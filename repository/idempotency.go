package repository

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/idempotency"
)

type idempotencyRow struct {
	Owner       string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	RequestHash string
	Status      int
	Body        string
	Token       string
	LeaseUntil  int64 // Unix milliseconds
	Ref         string
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

func (r idempotencyRow) record() idempotency.Record {
	return idempotency.Record{RequestHash: r.RequestHash, Status: r.Status, Body: []byte(r.Body), Ref: r.Ref,
		LeaseUntil: time.UnixMilli(r.LeaseUntil).UTC()}
}

// Idempotency is the idempotency.Store: the answers of creating POSTs per caller and key.
type Idempotency struct{ db *DB }

// NewIdempotency returns the idempotency store of db.
func NewIdempotency(db *DB) *Idempotency { return &Idempotency{db: db} }

var _ idempotency.Store = (*Idempotency)(nil)

// Reserve implements idempotency.Store. The unique primary key decides races between replicas;
// a takeover of a lapsed lease is a compare-and-set on its token.
func (s *Idempotency) Reserve(ctx context.Context, owner, key, hash string, now time.Time, lease time.Duration) (idempotency.Reservation, error) {
	db := s.db.conn(ctx)
	for attempt := 0; attempt < 3; attempt++ {
		token := rand.Text()
		until := now.Add(lease).UnixMilli()
		// One statement: a new key, or one older than the TTL (a retry days later is a new
		// request) taken afresh; a live key is left alone and read below.
		values := `VALUES (?, ?, ?, 0, '', ?, ?, '', ?)`
		if s.db.dialect == Postgres {
			values = `SELECT ?::text, ?::text, ?::text, 0, '', ?::text, ?::bigint, '', ?::timestamptz FROM ` + asyncCommit
		}
		res := db.Exec(`INSERT INTO idempotency_keys (owner, key, request_hash, status, body, token, lease_until, ref, created_at)
			`+values+`
			ON CONFLICT (owner, key) DO UPDATE SET request_hash = excluded.request_hash, status = 0, body = '',
				token = excluded.token, lease_until = excluded.lease_until, ref = '', created_at = excluded.created_at
			WHERE idempotency_keys.created_at < ?`,
			owner, key, hash, token, until, now.UTC(), now.Add(-idempotency.TTL).UTC())
		if res.Error != nil {
			return idempotency.Reservation{}, translate(res.Error)
		}
		if res.RowsAffected == 1 {
			return idempotency.Reservation{Outcome: idempotency.Fresh, Token: token}, nil
		}
		var got idempotencyRow
		if err := db.Take(&got, "owner = ? AND key = ?", owner, key).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				continue // released meanwhile: try again
			}
			return idempotency.Reservation{}, translate(err)
		}
		rec := got.record()
		switch {
		case got.RequestHash != hash:
			return idempotency.Reservation{Outcome: idempotency.Mismatch, Record: rec}, nil
		case got.Status != 0:
			return idempotency.Reservation{Outcome: idempotency.Replay, Record: rec}, nil
		case got.LeaseUntil > now.UnixMilli():
			// Still running, or committed and about to store its answer: wait for that answer
			// rather than replay a re-read of the resource.
			return idempotency.Reservation{Outcome: idempotency.InProgress, Record: rec}, nil
		case got.Ref != "":
			// Committed, and the answer was never stored: the request died in between.
			return idempotency.Reservation{Outcome: idempotency.Replay, Record: rec}, nil
		}
		// The lease lapsed with nothing committed: the request that held it died (or its
		// deadline passed, and with it its transaction). Take it over.
		res = db.Exec(`UPDATE idempotency_keys SET token = ?, lease_until = ? `+s.asyncFrom()+`
			WHERE owner = ? AND key = ? AND token = ? AND status = 0 AND ref = ''`, token, until, owner, key, got.Token)
		if res.Error != nil {
			return idempotency.Reservation{}, translate(res.Error)
		}
		if res.RowsAffected == 1 {
			return idempotency.Reservation{Outcome: idempotency.Fresh, Token: token}, nil
		}
		// Another request took it over or finished first: look again.
	}
	return idempotency.Reservation{}, errors.New("idempotency: reservation kept changing")
}

// Finish implements idempotency.Store.
func (s *Idempotency) Finish(ctx context.Context, owner, key, token string, status int, body []byte) error {
	return translate(s.db.conn(ctx).Exec(`UPDATE idempotency_keys SET status = ?, body = ? `+s.asyncFrom()+`
		WHERE owner = ? AND key = ? AND token = ?`, status, string(body), owner, key, token).Error)
}

// Release implements idempotency.Store.
func (s *Idempotency) Release(ctx context.Context, owner, key, token string) error {
	q := `DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND token = ? AND ref = ''`
	if s.db.dialect == Postgres {
		q = `DELETE FROM idempotency_keys USING ` + asyncCommit + ` WHERE owner = ? AND key = ? AND token = ? AND ref = ''`
	}
	return translate(s.db.conn(ctx).Exec(q, owner, key, token).Error)
}

// A key's own statements (reserve, take over, finish, release) commit on PostgreSQL without
// waiting for their WAL to reach the disk: each is a transaction of its own, so a keyed POST
// waited for three flushes (reserve, the change, finish) where one carries what must survive.
// Nothing is lost that matters. WAL is written in order, so the claim's own synchronous
// commit makes the reservation before it durable too, and a crash can lose only a reservation
// nothing was committed under (the retry runs afresh) or a stored answer whose claim is already
// the key's ref (the retry is answered from the claim, as after a crash between commit and
// finish). Other replicas see the rows at once either way.
//
// asyncCommit sets synchronous_commit off for the statement's own transaction (set_config's
// is_local), from within the statement: a one-row source the statement must read.
const asyncCommit = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`

// asyncFrom is the FROM clause of an UPDATE that commits as asyncCommit says, on PostgreSQL.
func (s *Idempotency) asyncFrom() string {
	if s.db.dialect == Postgres {
		return "FROM " + asyncCommit
	}
	return ""
}

// Purge deletes keys older than ttl.
func (s *Idempotency) Purge(ctx context.Context, now time.Time, ttl time.Duration) (int64, error) {
	res := s.db.conn(ctx).Where("created_at < ?", now.Add(-ttl).UTC()).Delete(&idempotencyRow{})
	return res.RowsAffected, translate(res.Error)
}

// noteCreated records, for the idempotency key the request runs under (if any), that tx creates
// the resource ref ("claims/<id>"). inTx writes it under the key's token just before commit.
func noteCreated(tx *gorm.DB, ref string) {
	if p, ok := tx.Statement.Context.Value(pendingEventsKey{}).(*pendingEvents); ok && p.created == "" {
		p.created = ref
	}
}

// markCreated writes the created resource's ref under the request's idempotency ticket, in the
// transaction that creates it. A ticket whose token is gone (its lease lapsed and another
// request took the key over) aborts the transaction.
func markCreated(tx *gorm.DB, ctx context.Context, ref string) error {
	t, ok := idempotency.TicketFrom(ctx)
	if !ok || ref == "" {
		return nil
	}
	res := tx.Model(&idempotencyRow{}).Where("owner = ? AND key = ? AND token = ?", t.Owner, t.Key, t.Token).
		Update("ref", ref)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return idempotency.ErrLeaseLost
	}
	return nil
}
