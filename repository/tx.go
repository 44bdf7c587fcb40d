package repository

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gongjian/gongjian/domain"
)

// lockingClause is FOR NO KEY UPDATE: it excludes every other writer of the row, as FOR UPDATE
// would, but not the KEY SHARE locks that foreign-key checks take, since no transaction here
// changes or deletes a key it has locked. So a claim inserted while its listing is locked by an
// approval (or the listing by a claim) is not held up, and no FOR UPDATE waiter can be starved
// by a stream of foreign-key checks on a popular row.
var lockingClause = clause.Locking{Strength: "NO KEY UPDATE"}

const maxTxAttempts = 5

// inTx runs fn in one transaction, retrying a bounded number of times when the database reports a
// serialization failure or deadlock (PostgreSQL 40001, 40P01) or a busy SQLite file.
func (db *DB) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.inTxOpts(ctx, nil, fn)
}

func (db *DB) inTxOpts(ctx context.Context, opts *sql.TxOptions, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		// Events are written last, after fn's work (see writeEvents); each attempt starts afresh.
		txCtx, events := withPendingEvents(ctx)
		body := func(tx *gorm.DB) error {
			if err := fn(tx); err != nil {
				return err
			}
			if err := markCreated(tx, ctx, events.created); err != nil {
				return err
			}
			return writeEvents(tx, events.events)
		}
		if opts != nil {
			err = db.tx(txCtx).Transaction(body, opts)
		} else {
			err = db.tx(txCtx).Transaction(body)
		}
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return translate(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		// SQLITE_BUSY (5) and SQLITE_LOCKED (6), including their extended codes.
		c := coded.Code() & 0xff
		return c == 5 || c == 6
	}
	return false
}

// translate maps driver errors to domain sentinels; other errors pass through unchanged.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return domain.ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return domain.ErrConflict
	case !errors.Is(err, domain.ErrUnavailable) && unavailable(err):
		return fmt.Errorf("%w: %w", domain.ErrUnavailable, err)
	}
	return err
}

// unavailable reports errors that say "not now" rather than "no": the database cannot be reached
// or went away, it is shutting down or full, a statement or lock wait ran past its timeout, or
// SQLite stayed busy. The request may succeed when retried (503 unavailable).
func unavailable(err error) bool {
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true // whatever the server said (down, starting, not accepting connections)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"), // connection exception
			pgErr.Code == "57014",                                               // query_canceled: statement_timeout
			pgErr.Code == "55P03",                                               // lock_not_available: lock_timeout
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // shutting down, starting
			pgErr.Code == "53300": // too_many_connections
			return true
		}
		return false
	}
	var netErr net.Error
	var coded interface{ Code() int }
	switch {
	case errors.As(err, &netErr), pgconn.Timeout(err), pgconn.SafeToRetry(err),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET):
		return true
	case errors.As(err, &coded):
		c := coded.Code() & 0xff
		return c == 5 || c == 6 // SQLITE_BUSY, SQLITE_LOCKED after the busy timeout and retries
	}
	return false
}

// updateLocked is the read-modify-write of one row: in one transaction it locks the row with id,
// converts it to its domain value, lets fn change that, and saves it back. fn's errors (domain
// rules, version mismatches) abort the transaction and are returned as they are.
func updateLocked[R any, D any](ctx context.Context, db *DB, id string, toDomain func(R) (D, error), toRow func(D) (R, error), fn func(*D) error) (D, error) {
	var d D
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		var r R
		if err := db.forUpdate(tx).Take(&r, "id = ?", id).Error; err != nil {
			return err
		}
		var err error
		if d, err = toDomain(r); err != nil {
			return err
		}
		if err := fn(&d); err != nil {
			return err
		}
		nr, err := toRow(d)
		if err != nil {
			return err
		}
		return tx.Save(&nr).Error
	})
	return d, err
}

// createOne inserts one row in its own transaction, noting ref as the resource it creates for
// the request's idempotency key (see markCreated).
func (db *DB) createOne(ctx context.Context, ref string, row any) error {
	return db.inTx(ctx, func(tx *gorm.DB) error {
		noteCreated(tx, ref)
		return tx.Create(row).Error
	})
}

// infallible adapts a conversion that cannot fail to updateLocked.
func infallible[A, B any](f func(A) B) func(A) (B, error) {
	return func(a A) (B, error) { return f(a), nil }
}
