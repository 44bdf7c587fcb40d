#!/usr/bin/env bash
# Matching benchmarks: top-10 suggestions among 100,000 offers and allocation in the pure engine,
# and an end-to-end POST /matching/runs over HTTP on a street with 2,000 needs and 2,000 offers
# (SQLite, and PostgreSQL when reachable). The solver against LEMON is scripts/bench-mcf.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export GONGJIAN_TEST_DATABASE_URL=${GONGJIAN_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
go test -run '^$' -bench 'BenchmarkTopK100k|BenchmarkAllocate' -benchtime 2s ./matching/
go test -run '^$' -bench 'BenchmarkMatchingRunHTTP' -benchtime 3x -timeout 30m ./api/
