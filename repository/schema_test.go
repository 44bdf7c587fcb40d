package repository_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// column is one column as both engines can describe it.
type column struct {
	Type    string // a type class: text, integer, float, boolean, timestamp, date, bytes, json
	NotNull bool
	// HasDefault: a DEFAULT clause. Automatic numbering is left out on both sides: SQLite numbers
	// every INTEGER PRIMARY KEY (it is the rowid) whether or not the column asks for it, where
	// PostgreSQL needs a sequence (BIGSERIAL).
	HasDefault bool
	PrimaryKey bool
}

// index is a secondary index: its table, columns in order, uniqueness and whether it is
// partial. Indexes backing a primary key are left out (the columns say PrimaryKey); those backing
// a UNIQUE constraint are named by the engine and so compared without their name.
type index struct {
	Name    string // "" for a UNIQUE constraint's index
	Table   string
	Columns string
	Unique  bool
	Partial bool
}

type schema struct {
	Columns map[string]column // "table.column"
	Indexes []index
}

// TestMigrationsBuildTheSameSchema: the SQLite and PostgreSQL migration sets give the same
// tables, columns (type class, nullability, default present, primary key) and indexes.
func TestMigrationsBuildTheSameSchema(t *testing.T) {
	t.Parallel()
	if !slices.Contains(repotest.Engines(), repository.Postgres) {
		t.Skip(repotest.EnvURL + " not set: nothing to compare SQLite with")
	}
	ctx := context.Background()
	lite := sqliteSchema(t, ctx, repotest.Open(t, repository.SQLite).SQL())
	pg := postgresSchema(t, ctx, repotest.Open(t, repository.Postgres).SQL())
	t.Logf("%d columns, %d indexes on SQLite; %d columns, %d indexes on PostgreSQL", len(lite.Columns), len(lite.Indexes), len(pg.Columns), len(pg.Indexes))
	if len(lite.Columns) < 50 || len(lite.Indexes) < 10 {
		t.Fatalf("only %d columns and %d indexes read from SQLite", len(lite.Columns), len(lite.Indexes))
	}
	for _, k := range union(lite.Columns, pg.Columns) {
		l, lok := lite.Columns[k]
		p, pok := pg.Columns[k]
		switch {
		case !lok:
			t.Errorf("%s: only in PostgreSQL", k)
		case !pok:
			t.Errorf("%s: only in SQLite", k)
		case l != p:
			t.Errorf("%s: SQLite %+v, PostgreSQL %+v", k, l, p)
		}
	}
	for _, i := range lite.Indexes {
		if !slices.Contains(pg.Indexes, i) {
			t.Errorf("index only in SQLite: %+v", i)
		}
	}
	for _, i := range pg.Indexes {
		if !slices.Contains(lite.Indexes, i) {
			t.Errorf("index only in PostgreSQL: %+v", i)
		}
	}
}

func union(a, b map[string]column) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// typeClass maps a declared type of either engine to the class both store it as.
func typeClass(t *testing.T, where, declared string) string {
	d := strings.ToLower(strings.TrimSpace(declared))
	switch {
	case d == "text" || strings.HasPrefix(d, "varchar") || strings.HasPrefix(d, "character"):
		return "text"
	case d == "integer" || d == "bigint" || d == "smallint" || d == "int":
		return "integer"
	case d == "real" || d == "double precision" || d == "float" || d == "numeric":
		return "float"
	case d == "boolean":
		return "boolean"
	case d == "datetime" || d == "timestamp" || strings.HasPrefix(d, "timestamp"):
		return "timestamp"
	case d == "date":
		return "date"
	case d == "blob" || d == "bytea":
		return "bytes"
	case d == "json" || d == "jsonb":
		return "json"
	}
	t.Errorf("%s: type %q has no class; teach typeClass", where, declared)
	return d
}

func rows(t *testing.T, ctx context.Context, db *sql.DB, q string, args []any, scan func(*sql.Rows) error) {
	t.Helper()
	rs, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			t.Fatal(err)
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
}

func sqliteSchema(t *testing.T, ctx context.Context, db *sql.DB) schema {
	s := schema{Columns: map[string]column{}}
	var tables []string
	rows(t, ctx, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`, nil,
		func(r *sql.Rows) error {
			var name string
			err := r.Scan(&name)
			tables = append(tables, name)
			return err
		})
	for _, tb := range tables {
		rows(t, ctx, db, `SELECT name, type, "notnull", dflt_value IS NOT NULL, pk FROM pragma_table_info(?)`, []any{tb}, func(r *sql.Rows) error {
			var name, typ string
			var notNull, hasDefault bool
			var pk int
			if err := r.Scan(&name, &typ, &notNull, &hasDefault, &pk); err != nil {
				return err
			}
			// A primary key column is never NULL in PostgreSQL; SQLite lets a non-integer one be,
			// for backward compatibility, but the service never stores NULL there.
			s.Columns[tb+"."+name] = column{Type: typeClass(t, tb+"."+name, typ), NotNull: notNull || pk > 0, HasDefault: hasDefault, PrimaryKey: pk > 0}
			return nil
		})
		type idx struct {
			name, origin    string
			unique, partial bool
		}
		var idxs []idx
		rows(t, ctx, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, []any{tb}, func(r *sql.Rows) error {
			var i idx
			if err := r.Scan(&i.name, &i.unique, &i.origin, &i.partial); err != nil {
				return err
			}
			idxs = append(idxs, i)
			return nil
		})
		for _, i := range idxs {
			if i.origin == "pk" {
				continue
			}
			var cols []string
			rows(t, ctx, db, `SELECT coalesce(name, '<expr>') FROM pragma_index_info(?) ORDER BY seqno`, []any{i.name}, func(r *sql.Rows) error {
				var c string
				cols = append(cols, c)
				return r.Scan(&cols[len(cols)-1])
			})
			name := i.name
			if i.origin == "u" {
				name = ""
			}
			s.Indexes = append(s.Indexes, index{Name: name, Table: tb, Columns: strings.Join(cols, ","), Unique: i.unique, Partial: i.partial})
		}
	}
	return s
}

func postgresSchema(t *testing.T, ctx context.Context, db *sql.DB) schema {
	s := schema{Columns: map[string]column{}}
	pks := map[string]bool{}
	rows(t, ctx, db, `
		SELECT c.relname, a.attname
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
		WHERE i.indisprimary AND n.nspname = current_schema()`, nil, func(r *sql.Rows) error {
		var tb, col string
		if err := r.Scan(&tb, &col); err != nil {
			return err
		}
		pks[tb+"."+col] = true
		return nil
	})
	rows(t, ctx, db, `
		SELECT table_name, column_name, data_type, is_nullable = 'NO',
		       column_default IS NOT NULL AND column_default NOT LIKE 'nextval(%' 
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`, nil, func(r *sql.Rows) error {
		var tb, name, typ string
		var notNull, hasDefault bool
		if err := r.Scan(&tb, &name, &typ, &notNull, &hasDefault); err != nil {
			return err
		}
		k := tb + "." + name
		s.Columns[k] = column{Type: typeClass(t, k, typ), NotNull: notNull, HasDefault: hasDefault, PrimaryKey: pks[k]}
		return nil
	})
	rows(t, ctx, db, `
		SELECT ic.relname, c.relname, i.indisunique, i.indpred IS NOT NULL,
		       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype = 'u'),
		       array_to_string(ARRAY(
		           SELECT coalesce(a.attname, '<expr>')
		           FROM unnest(i.indkey) WITH ORDINALITY AS u(attnum, ord)
		           LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum AND u.attnum > 0
		           ORDER BY u.ord), ',')
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT i.indisprimary AND n.nspname = current_schema() AND c.relname <> 'goose_db_version'`, nil, func(r *sql.Rows) error {
		var i index
		var constraint bool
		if err := r.Scan(&i.Name, &i.Table, &i.Unique, &i.Partial, &constraint, &i.Columns); err != nil {
			return err
		}
		if constraint {
			i.Name = ""
		}
		s.Indexes = append(s.Indexes, i)
		return nil
	})
	if len(s.Columns) == 0 {
		t.Fatal("no columns read from PostgreSQL")
	}
	return s
}
