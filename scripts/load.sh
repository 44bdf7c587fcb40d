#!/usr/bin/env bash
# The 32-client mix (search, suggestions, hot and spread claims, approvals, cancellations) against
# a fresh server on a throw-away database, on PostgreSQL (default) or SQLite:
#
#   scripts/load.sh [postgres|sqlite] [load flags...]      e.g. scripts/load.sh postgres --duration 30s
#   PROFILE=cpu.pprof scripts/load.sh postgres             also write a CPU profile of the server
#                                                          (20 s from 5 s into the load)
#
# The server runs only for the duration of the script. Other load flags: go run ./scripts/load -h
source "$(dirname "$0")/lib.sh"
engine=${1:-postgres}
shift || true
build
port=$(free_port)
db=$(database_url "$engine")
extra=()
if [ -n "${PROFILE:-}" ]; then
  pprof_port=$(free_port)
  extra=(GONGJIAN_PPROF_ADDR="127.0.0.1:$pprof_port")
fi
log "starting gongjian on $engine, :$port"
start_server "$db" "$port" "${extra[@]}" >/dev/null
log "machine before: $(machine_load)"
if [ -n "${PROFILE:-}" ]; then
  (sleep 5 && curl -fsS -o "$PROFILE" "http://127.0.0.1:$pprof_port/debug/pprof/profile?seconds=20" && log "CPU profile in $PROFILE") &
  profiler=$!
  CLEANUPS+=("kill $profiler 2>/dev/null")
fi
rc=0
"$LOAD" --url "http://127.0.0.1:$port" "$@" || rc=$?
# Only the profiler: a bare wait would also wait for the server, which runs until the exit trap.
[ -z "${profiler:-}" ] || wait "$profiler" 2>/dev/null || true
log "machine after: $(machine_load)"
exit $rc
