package repository

import (
	"context"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// findAll runs q (a gorm query built as usual: its filters, order and limit) and returns its rows
// as T. On PostgreSQL gorm only writes the statement; pgx runs it and scans the rows into T by
// column name, strictly, as ClaimContext does. That costs less than gorm's scan through
// database/sql and reflection: the listing search, which the search and every suggestion run
// over up to thousands of listings, went from 12 % to 10 % of the server's CPU in the 32-client
// mix (profiles).
func findAll[T any](ctx context.Context, db *DB, q *gorm.DB) ([]T, error) {
	var rows []T
	if db.dialect != Postgres || q.Statement.ConnPool != gorm.ConnPool(db.sql) {
		// SQLite, or a query inside a transaction, which must stay on the transaction's connection.
		err := q.Find(&rows).Error
		return rows, err
	}
	stmt := q.Session(&gorm.Session{DryRun: true}).Find(&rows).Statement
	if stmt.Error != nil {
		return nil, stmt.Error
	}
	sql, vars := stmt.SQL.String(), stmt.Vars
	err := withPgx(ctx, db.sql, func(pc *pgx.Conn) error {
		res, err := pc.Query(ctx, sql, vars...)
		if err != nil {
			return err
		}
		rows, err = pgx.CollectRows(res, pgx.RowToStructByName[T])
		return err
	})
	return rows, err
}
