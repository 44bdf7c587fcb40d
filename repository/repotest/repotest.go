// Package repotest gives tests a fresh, migrated database per test on every engine: SQLite in a
// temporary directory always, and PostgreSQL when GONGJIAN_TEST_DATABASE_URL is set (a database
// with a random name, dropped at cleanup).
package repotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/gongjian/gongjian/repository"
)

// EnvURL names the PostgreSQL server tests may create databases on.
const EnvURL = "GONGJIAN_TEST_DATABASE_URL"

// Engines lists the engines available to this test run.
func Engines() []string {
	if os.Getenv(EnvURL) != "" {
		return []string{repository.SQLite, repository.Postgres}
	}
	return []string{repository.SQLite}
}

// Each runs fn as a parallel subtest per engine, each with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *repository.DB)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, engine))
		})
	}
}

// Open returns a fresh migrated database of engine, closed and removed when t ends.
func Open(t testing.TB, engine string) *repository.DB {
	t.Helper()
	ctx := context.Background()
	dbURL := URL(t, engine)
	db, err := repository.Open(ctx, dbURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return db
}

// URL creates an empty database of engine and returns its URL; it is dropped when t ends.
func URL(t testing.TB, engine string) string {
	t.Helper()
	if engine == repository.SQLite {
		return filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " not set")
	}
	name := "gongjian_test_" + randomHex(6)
	admin, err := repository.Open(context.Background(), base, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvURL, err)
	}
	if _, err := admin.SQL().Exec("CREATE DATABASE " + name); err != nil {
		_ = admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.SQL().Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprint("crypto/rand: ", err))
	}
	return hex.EncodeToString(b)
}
