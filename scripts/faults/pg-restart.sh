#!/usr/bin/env bash
# PostgreSQL restart under claim load, on a throw-away cluster this script creates (initdb in a
# temporary directory, its own port; the machine's clusters are never touched): the service
# answers 503 while the database is down, recovers without a restart of its own, and loses
# nothing acknowledged.
#
#   scripts/faults/pg-restart.sh          PG_STOP_MODE=fast (default) or immediate (a crash)
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
ENGINE=postgres
MODE=${PG_STOP_MODE:-fast}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PGBIN/initdb" ] || { log "no initdb (set PGBIN)"; exit 1; }
build
pgdir="$WORK/pg"
mkdir -p "$pgdir"
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: the throw-away cluster belongs to user postgres.
  chmod 755 "$WORK"
  chown postgres "$pgdir"
  as_pg() { runuser -u postgres -- "$@"; }
fi
pgport=$(free_port)
as_pg "$PGBIN/initdb" -D "$pgdir/data" -U postgres -A trust --no-sync >"$WORK/initdb.log" 2>&1
pgctl() { as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/pg.log" -w -t 60 "$@" >/dev/null; }
pgctl -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=on" start
CLEANUPS+=("as_pg $PGBIN/pg_ctl -D $pgdir/data -m immediate -w stop >/dev/null 2>&1")
PG_ADMIN_URL="postgres://postgres@127.0.0.1:$pgport/postgres?sslmode=disable"
db=$(new_pg_db)
port=$(free_port)
start_server "$db" "$port" GONGJIAN_REQUEST_TIMEOUT=10s >/dev/null
start_load "$port"
sleep "$FAULT_AFTER"
log "restarting PostgreSQL (-m $MODE) under load"
t0=$(date +%s%N)
pgctl -m "$MODE" restart -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1"
pg_up=$(( ($(date +%s%N) - t0) / 1000000 ))
ready=$(wait_ready "$port" 60)
recovery=$(( ($(date +%s%N) - t0) / 1000000 ))
problem=
kill -0 "$SERVER_PID" 2>/dev/null || problem="the server exited when PostgreSQL restarted"
log "PostgreSQL back after ${pg_up} ms; gongjian ready ${recovery} ms after the restart began"
finish_load "pg-restart-$MODE" "$recovery" "$problem"
