#!/usr/bin/env bash
# kill -9 under claim load, then restart: nothing acknowledged may be lost, no Idempotency-Key
# may make two claims, no listing may be over-booked, and the retried claims must get through.
#
#   scripts/faults/kill9.sh [postgres|sqlite]
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
ENGINE=${1:-postgres}
build
db=$(database_url "$ENGINE")
port=$(free_port)
start_server "$db" "$port" >/dev/null
start_load "$port"
sleep "$FAULT_AFTER"
log "kill -9 the server (pid $SERVER_PID) under load"
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
t0=$(date +%s%N)
start_server "$db" "$port" >/dev/null
recovery=$(( ($(date +%s%N) - t0) / 1000000 ))
log "restarted, ready after ${recovery} ms"
finish_load kill9 "$recovery"
