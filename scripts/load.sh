#!/usr/bin/env bash
# The 32-client mix (search, suggestions, hot and spread claims, approvals, cancellations) against
# a fresh server on a throw-away database, on PostgreSQL (default) or SQLite:
#
#   scripts/load.sh [postgres|sqlite] [load flags...]      e.g. scripts/load.sh postgres --duration 30s
#
# The server runs only for the duration of the script. Other load flags: go run ./scripts/load -h
source "$(dirname "$0")/lib.sh"
engine=${1:-postgres}
shift || true
build
port=$(free_port)
db=$(database_url "$engine")
log "starting gongjian on $engine, :$port"
start_server "$db" "$port" >/dev/null
log "machine before: $(machine_load)"
"$LOAD" --url "http://127.0.0.1:$port" "$@"
rc=$?
log "machine after: $(machine_load)"
exit $rc
