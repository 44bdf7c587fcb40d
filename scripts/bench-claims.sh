#!/usr/bin/env bash
# Claims per second with 8 concurrent clients, on one hot offer and on 1,000 offers, for both
# capacity strategies, on SQLite and (when reachable) PostgreSQL.
#   scripts/bench-claims.sh [count]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
export GONGJIAN_TEST_DATABASE_URL=${GONGJIAN_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
go test -run '^$' -bench 'BenchmarkCreateClaim' -benchtime "${n}x" ./repository/
