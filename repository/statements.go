package repository

import (
	"sync/atomic"

	"gorm.io/gorm"
)

// StatementCounter counts the SQL statements a DB runs, for tests that check a request costs a
// fixed number of queries whatever the size of its page.
type StatementCounter struct{ n atomic.Int64 }

// Count is the number of statements run since the counter was installed.
func (c *StatementCounter) Count() int64 { return c.n.Load() }

// CountStatements installs a counter of every statement db runs (queries, inserts, updates,
// deletes, raw SQL). Install one per DB.
func (db *DB) CountStatements() (*StatementCounter, error) {
	c := &StatementCounter{}
	count := func(*gorm.DB) { c.n.Add(1) }
	cb := db.gorm.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("gongjian:count_query", count),
		cb.Create().After("gorm:create").Register("gongjian:count_create", count),
		cb.Update().After("gorm:update").Register("gongjian:count_update", count),
		cb.Delete().After("gorm:delete").Register("gongjian:count_delete", count),
		cb.Row().After("gorm:row").Register("gongjian:count_row", count),
		cb.Raw().After("gorm:raw").Register("gongjian:count_raw", count),
	} {
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}
