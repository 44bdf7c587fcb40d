package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DB is a connection pool to one of the two engines, with the few helpers where their dialects
// differ.
type DB struct {
	gorm    *gorm.DB
	sql     *sql.DB
	dialect string
}

// IsPostgresURL reports whether url names a PostgreSQL database rather than a SQLite file.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Open connects to a postgres:// URL, or else opens (creating it if needed) the SQLite file that
// url names ("gongjian.db", "sqlite:///var/lib/gongjian.db", "file:x.db").
func Open(ctx context.Context, dbURL string, log *slog.Logger) (*DB, error) {
	cfg := &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		Logger:                 logger.Discard,
	}
	var (
		dialector gorm.Dialector
		dialect   string
	)
	if IsPostgresURL(dbURL) {
		dialector, dialect = postgres.Open(dbURL), Postgres
	} else {
		dsn, err := sqliteDSN(dbURL)
		if err != nil {
			return nil, err
		}
		dialector, dialect = sqlite.Open(dsn), SQLite
	}
	g, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		// WAL lets readers run beside the one writer; writers queue on the busy timeout because
		// every transaction begins IMMEDIATE (see sqliteDSN).
		sqlDB.SetMaxOpenConns(8)
	} else {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	db := &DB{gorm: g, sql: sqlDB, dialect: dialect}
	if err := db.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	return db, nil
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

// Dialect is Postgres or SQLite.
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Close closes the pool.
func (db *DB) Close() error { return db.sql.Close() }

// SQL is the underlying pool, for migrations and tests.
func (db *DB) SQL() *sql.DB { return db.sql }

func (db *DB) conn(ctx context.Context) *gorm.DB { return db.gorm.WithContext(ctx) }

// forUpdate locks the selected rows on PostgreSQL. SQLite needs nothing: its write transactions
// begin IMMEDIATE and so already exclude each other.
func (db *DB) forUpdate(q *gorm.DB) *gorm.DB {
	if db.dialect == Postgres {
		return q.Clauses(lockingClause)
	}
	return q
}
