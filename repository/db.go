package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gongjian/gongjian/domain"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DB is the connections to one of the two engines, with the few helpers where their dialects
// differ. It keeps two pools: transactions (which may wait for row locks, or on SQLite for the
// write lock) take theirs from one, plain reads from the other, so a queue of writers waiting
// for a hot row can never leave a reader without a connection.
type DB struct {
	gorm    *gorm.DB // plain reads and single statements
	writer  *gorm.DB // transactions
	sql     *sql.DB
	wsql    *sql.DB
	dialect string
	holds   *holdCache // recent ledger reads, for suggestions (hold_cache.go)
}

// Options tune Open.
type Options struct {
	// StatementTimeout, when positive, bounds every statement and every lock wait on PostgreSQL
	// (statement_timeout and lock_timeout): a backstop behind the request's own deadline, for
	// work that runs without one.
	StatementTimeout time.Duration
}

// IsPostgresURL reports whether url names a PostgreSQL database rather than a SQLite file.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Open connects to a postgres:// URL, or else opens (creating it if needed) the SQLite file that
// url names ("gongjian.db", "sqlite:///var/lib/gongjian.db", "file:x.db").
func Open(ctx context.Context, dbURL string, log *slog.Logger) (*DB, error) {
	return OpenWith(ctx, dbURL, log, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dbURL string, log *slog.Logger, o Options) (*DB, error) {
	dialect, open, err := dialectorFor(dbURL, o)
	if err != nil {
		return nil, err
	}
	db := &DB{dialect: dialect, holds: newHoldCache()}
	readers, writers := 10, 20
	if dialect == SQLite {
		// WAL lets readers run beside the one writer; writers queue on the busy timeout because
		// every transaction begins IMMEDIATE (see sqliteDSN).
		readers, writers = 8, 4
	}
	if db.gorm, db.sql, err = openPool(open, dialect, readers); err == nil {
		db.writer, db.wsql, err = openPool(open, dialect, writers)
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	return db, nil
}

func dialectorFor(dbURL string, o Options) (string, func() gorm.Dialector, error) {
	if IsPostgresURL(dbURL) {
		if o.StatementTimeout > 0 {
			u, err := url.Parse(dbURL)
			if err != nil {
				return "", nil, fmt.Errorf("database URL: %w", err)
			}
			q := u.Query()
			ms := strconv.FormatInt(o.StatementTimeout.Milliseconds(), 10)
			q.Set("statement_timeout", ms) // pgx sends unknown parameters as run-time settings
			q.Set("lock_timeout", ms)
			u.RawQuery = q.Encode()
			dbURL = u.String()
		}
		return Postgres, func() gorm.Dialector { return postgres.Open(dbURL) }, nil
	}
	dsn, err := sqliteDSN(dbURL)
	if err != nil {
		return "", nil, err
	}
	return SQLite, func() gorm.Dialector { return sqlite.Open(dsn) }, nil
}

func openPool(open func() gorm.Dialector, dialect string, size int) (*gorm.DB, *sql.DB, error) {
	g, err := gorm.Open(open(), &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		Logger:                 logger.Discard,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	if err := markUnavailable(g); err != nil {
		return nil, nil, err
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, nil, err
	}
	sqlDB.SetMaxOpenConns(size)
	sqlDB.SetMaxIdleConns(size)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return g, sqlDB, nil
}

// sqliteDSN turns a file name into a DSN with the pragmas the service relies on: WAL with
// synchronous=FULL (a committed claim survives a power cut, which NORMAL does not promise), a
// busy timeout, foreign keys, and BEGIN IMMEDIATE so that write transactions serialise at their
// start instead of failing when a reader upgrades to a writer.
func sqliteDSN(u string) (string, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(u, "sqlite://"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return "", errors.New("empty SQLite file name")
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode(), nil
}

// markUnavailable makes every statement's outage error (see unavailable) wrap
// domain.ErrUnavailable, wherever a store returns it from, so it answers 503 and not 500.
func markUnavailable(g *gorm.DB) error {
	mark := func(tx *gorm.DB) {
		if tx.Error != nil && !errors.Is(tx.Error, domain.ErrUnavailable) && unavailable(tx.Error) {
			tx.Error = fmt.Errorf("%w: %w", domain.ErrUnavailable, tx.Error)
		}
	}
	cb := g.Callback()
	for _, err := range []error{
		cb.Create().After("*").Register("gongjian:unavailable", mark),
		cb.Query().After("*").Register("gongjian:unavailable", mark),
		cb.Update().After("*").Register("gongjian:unavailable", mark),
		cb.Delete().After("*").Register("gongjian:unavailable", mark),
		cb.Row().After("*").Register("gongjian:unavailable", mark),
		cb.Raw().After("*").Register("gongjian:unavailable", mark),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// Dialect is Postgres or SQLite.
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Close closes the pools.
func (db *DB) Close() error {
	var errs []error
	for _, p := range []*sql.DB{db.sql, db.wsql} {
		if p != nil {
			errs = append(errs, p.Close())
		}
	}
	return errors.Join(errs...)
}

// Stats are the two pools' statistics, for /metrics.
func (db *DB) Stats() (reads, writes sql.DBStats) { return db.sql.Stats(), db.wsql.Stats() }

// SQL is the pool of plain reads, for migrations and tests.
func (db *DB) SQL() *sql.DB { return db.sql }

// TxSQL is the pool transactions run on.
func (db *DB) TxSQL() *sql.DB { return db.wsql }

func (db *DB) conn(ctx context.Context) *gorm.DB { return db.gorm.WithContext(ctx) }

// tx is the pool transactions run on.
func (db *DB) tx(ctx context.Context) *gorm.DB { return db.writer.WithContext(ctx) }

// forUpdate locks the selected rows on PostgreSQL. SQLite needs nothing: its write transactions
// begin IMMEDIATE and so already exclude each other.
func (db *DB) forUpdate(q *gorm.DB) *gorm.DB {
	if db.dialect == Postgres {
		return q.Clauses(lockingClause)
	}
	return q
}
