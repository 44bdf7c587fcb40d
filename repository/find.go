package repository

import (
	"context"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// findAll runs q (a gorm query built as usual: its filters, order and limit) and returns its rows
// as T. On PostgreSQL gorm only writes the statement; pgx runs it and scans the rows into T by
// column name, strictly as ClaimContext does, which costs a fraction of gorm's scan through
// database/sql and reflection: on the listing search (the search and every suggestion read up
// to thousands of listings) that scan was the largest part of the server's own work.
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
