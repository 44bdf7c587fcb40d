// Package repository implements the domain's stores with gorm on two engines: PostgreSQL in
// production and an embedded pure-Go SQLite by default. Rows stay private to this package and are
// converted to and from domain values; schema changes are versioned goose migrations embedded per
// dialect.
package repository
