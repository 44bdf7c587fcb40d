#!/usr/bin/env bash
# SIGTERM under claim load: the server must drain — /readyz answers 503 for the drain period
# (GONGJIAN_SHUTDOWN_DRAIN, 2 s here) while requests are still served, then the listener
# closes and in-flight requests finish — and nothing acknowledged may be lost. After it exits
# it is started again so that the load's retried claims complete.
#
#   scripts/faults/sigterm.sh [postgres|sqlite]
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
ENGINE=${1:-postgres}
DRAIN_MS=2000
build
db=$(database_url "$ENGINE")
port=$(free_port)
env=(GONGJIAN_SHUTDOWN_DRAIN=2s GONGJIAN_REQUEST_TIMEOUT=10s)
start_server "$db" "$port" "${env[@]}" >/dev/null
start_load "$port"
sleep "$FAULT_AFTER"
pid=$SERVER_PID
log "SIGTERM the server (pid $pid) under load"
t0=$(date +%s%N)
kill -TERM "$pid"
# Watch /readyz until the listener closes: 503s first (the drain), then refused connections.
first503= closed= served_during_drain=0
while kill -0 "$pid" 2>/dev/null; do
  now=$(( ($(date +%s%N) - t0) / 1000000 ))
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/readyz" || true)
  if [ "$code" = 503 ] && [ -z "$first503" ]; then first503=$now; fi
  if [ "$code" = 503 ]; then
    # Other routes still answer while draining.
    h=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/healthz" || true)
    [ "$h" = 200 ] && served_during_drain=$((served_during_drain + 1))
  fi
  if [ "$code" = 000 ] && [ -z "$closed" ]; then closed=$now; fi
  [ "$now" -gt 60000 ] && break
  sleep 0.05
done
wait "$pid" 2>/dev/null || true
SERVER_PID=
exited=$(( ($(date +%s%N) - t0) / 1000000 ))
log "readyz 503 from ${first503:-never} ms, listener closed at ${closed:-?} ms, exited at ${exited} ms; healthz served ${served_during_drain}x while draining"
problem=
if [ -z "$first503" ]; then
  problem="no 503 from /readyz before the listener closed (GONGJIAN_SHUTDOWN_DRAIN)"
elif [ -n "$closed" ] && [ $((closed - first503)) -lt $((DRAIN_MS * 8 / 10)) ]; then
  problem="the listener closed $((closed - first503)) ms after the first 503, want about $DRAIN_MS"
fi
t1=$(date +%s%N)
start_server "$db" "$port" "${env[@]}" >/dev/null
recovery=$(( ($(date +%s%N) - t0) / 1000000 ))
log "restarted, ready $(( ($(date +%s%N) - t1) / 1000000 )) ms after the start; ${recovery} ms after SIGTERM"
finish_load sigterm "$recovery" "$problem"
