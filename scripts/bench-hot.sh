#!/usr/bin/env bash
# One hot offer on PostgreSQL, side by side with its physical limit, in one run:
#
#   1. pgbench, 8 clients, a custom transaction doing what one claim on one hot row must do at
#      the least: a conditional UPDATE of the listing row plus an INSERT of the claim (BEGIN;
#      UPDATE … WHERE held + 1 <= quantity; INSERT …; END), prepared, for PGBENCH_SECONDS;
#   2. gongjian serve on the same database, and the load generator's --hot mode with the same
#      number of clients: every client claims the same offer until CLAIMS claims succeeded;
#   3. pgbench again (the machine is shared: a figure that moved between the two runs says so).
#
#   scripts/bench-hot.sh [CLAIMS] [CLIENTS]        default 21000 claims, 8 clients
#
# Prints the pgbench rate, gongjian's claims/s after 1,000 and after 20,000 claims on the offer,
# and the ratios. Everything it creates (a database, a server, a temp dir) is removed on exit.
source "$(dirname "$0")/lib.sh"
claims=${1:-21000}
clients=${2:-8}
seconds=${PGBENCH_SECONDS:-20}
build
db=$(new_pg_db)
log "machine: $(machine_load)"

psql "$db" -qX -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE bench_listing (id int PRIMARY KEY, quantity bigint NOT NULL, held bigint NOT NULL);
INSERT INTO bench_listing VALUES (1, 1000000000, 0);
CREATE TABLE bench_claim (id bigserial PRIMARY KEY, listing_id int NOT NULL, quantity int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
SQL
cat >"$WORK/claim.sql" <<'SQL'
BEGIN;
UPDATE bench_listing SET held = held + 1 WHERE id = 1 AND held + 1 <= quantity;
INSERT INTO bench_claim (listing_id, quantity) VALUES (1, 1);
END;
SQL

pgbench_tps() {
  pgbench -n -M prepared -c "$clients" -j "$(( clients < 2 ? clients : 2 ))" -T "$seconds" -f "$WORK/claim.sql" "$db" 2>&1 \
    | tee -a "$WORK/pgbench.log" | awk '/^tps = / { printf "%.1f", $3 }'
}

log "pgbench: $clients clients, conditional UPDATE + INSERT, ${seconds}s"
tps1=$(pgbench_tps)
log "pgbench: $tps1 tps"

port=$(free_port)
start_server "$db" "$port" >/dev/null
log "gongjian --hot: $clients clients, $claims claims on one offer; machine: $(machine_load)"
"$LOAD" --url "http://127.0.0.1:$port" --hot --clients "$clients" --claims "$claims" --duration 8m | tee "$WORK/hot.txt"
stop_server TERM

log "pgbench again"
tps2=$(pgbench_tps)
log "pgbench: $tps2 tps; machine: $(machine_load)"

result=$(grep '^RESULT' "$WORK/hot.txt")
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$result"; }
r1k=$(val rate_1k); r20k=$(val rate_20k)
awk -v a="$tps1" -v b="$tps2" -v r1="$r1k" -v r20="$r20k" -v c="$clients" 'BEGIN {
  pg = (a + b) / 2
  printf "\n== hot offer, %d clients, PostgreSQL ==\n", c
  printf "pgbench UPDATE+INSERT      %8.1f tps (before %.1f, after %.1f)\n", pg, a, b
  printf "gongjian after 1,000       %8.1f claims/s  = %.2f x pgbench\n", r1, r1 / pg
  printf "gongjian after 20,000      %8.1f claims/s  = %.2f x pgbench\n", r20, r20 / pg
  if (r1 > 0) printf "20,000 vs 1,000            %8.0f %%\n", 100 * r20 / r1
  printf "BENCH pgbench_tps=%.1f rate_1k=%.1f rate_20k=%.1f ratio_1k=%.3f ratio_20k=%.3f\n", pg, r1, r20, r1 / pg, r20 / pg
}'
log "machine: $(machine_load)"
