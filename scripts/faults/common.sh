# Helpers of the fault scripts: run claim load in the background while a fault is injected,
# then read its verdict. Sourced after ../lib.sh.

LOAD_SECONDS=${LOAD_SECONDS:-20}
FAULT_AFTER=${FAULT_AFTER:-6}
LOAD_PID=

# start_load PORT [flags]: claims only (hot and spread), 8 clients, each claim retried with its
# Idempotency-Key while the server is unavailable, for LOAD_SECONDS.
start_load() {
  local port=$1
  shift
  "$LOAD" --url "http://127.0.0.1:$port" --mode claims --clients 8 --retry-for 60s \
    --duration "${LOAD_SECONDS}s" --fail-on-5xx=false "$@" >"$WORK/load.txt" 2>&1 &
  LOAD_PID=$!
  CLEANUPS+=("kill $LOAD_PID 2>/dev/null")
  # Wait until the load has made its data and started claiming.
  for _ in $(seq 1 300); do
    grep -q '^bootstrap' "$WORK/load.txt" 2>/dev/null && return 0
    kill -0 "$LOAD_PID" 2>/dev/null || { cat "$WORK/load.txt" >&2; return 1; }
    sleep 0.1
  done
  log "the load did not start"; return 1
}

# finish_load NAME RECOVERY_MS [EXTRA_FAILURE]: waits for the load, prints the verdict line and
# returns non-zero on any loss, duplicate, invariant violation, 5xx other than 503 (an outage
# must answer 503 unavailable, API.md §1) or EXTRA_FAILURE (a message).
finish_load() {
  local name=$1 recovery=$2 extra=${3:-} rc=0
  wait "$LOAD_PID" || rc=$?
  LOAD_PID=
  local result
  result=$(grep '^RESULT' "$WORK/load.txt" || true)
  if [ -z "$result" ]; then
    log "$name: the load gave no result:"; tail -n 20 "$WORK/load.txt" >&2
    return 1
  fi
  val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$result"; }
  local verdict=PASS
  if [ "$(val 5xx_not_503)" != 0 ] && [ -z "$extra" ]; then
    extra="$(val 5xx_not_503) answers were 5xx other than 503 unavailable"
  fi
  if [ "$rc" -ne 0 ] || [ "$(val lost)" != 0 ] || [ "$(val duplicated)" != 0 ] || [ "$(val violations)" != 0 ] || [ "$(val unexpected)" != 0 ] || [ -n "$extra" ]; then
    verdict=FAIL
  fi
  grep -E '^(claim_|all|problem codes|5xx)' "$WORK/load.txt" >&2 || true
  printf 'FAULT %s engine=%s acknowledged=%s lost=%s duplicated=%s violations=%s created_although_refused=%s unanswered=%s 5xx=%s recovery_ms=%s client_gap_ms=%s %s%s\n' \
    "$name" "$ENGINE" "$(val acknowledged)" "$(val lost)" "$(val duplicated)" "$(val violations)" "$(val unexpected)" \
    "$(val unanswered)" "$(val 5xx)" "$recovery" "$(val max_gap_ms)" "$verdict" "${extra:+ ($extra)}"
  [ "$verdict" = PASS ]
}
