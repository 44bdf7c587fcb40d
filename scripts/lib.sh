# Shared helpers of the operator scripts (bench-hot.sh, load.sh, faults/*.sh): build the binary,
# make a throw-away database, start and stop one server, clean up on exit. Sourced, not run.
#
# Every script that sources this owns what it creates and removes it on exit: the database it
# created (never an existing one), its temporary directory, and the server it started.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gongjian-ops.XXXXXX")
# The PostgreSQL server to create the throw-away database on (superuser, for CREATE DATABASE).
PG_ADMIN_URL=${GONGJIAN_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
ADMIN_USER=load-admin
ADMIN_PASSWORD=${GONGJIAN_LOAD_ADMIN_PASSWORD:-load-admin-$RANDOM$RANDOM}
export GONGJIAN_LOAD_ADMIN="$ADMIN_USER:$ADMIN_PASSWORD"
SERVER_PID=
CLEANUPS=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

cleanup() {
  local rc=$?
  stop_server KILL || true
  # new_pg_db runs in command substitutions (a subshell), so it lists its databases in a file.
  if [ -f "$WORK/databases" ]; then
    while read -r url db; do
      psql "$url" -qAtc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || log "could not drop database $db"
    done <"$WORK/databases"
  fi
  for c in "${CLEANUPS[@]}"; do eval "$c" || true; done
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build() {
  log "building gongjian and the load generator"
  (cd "$ROOT" && go build -o "$WORK/gongjian" ./cmd/gongjian && go build -o "$WORK/load" ./scripts/load)
  # GONGJIAN_BIN runs another build of the server (an earlier commit, for a before/after).
  GJ="${GONGJIAN_BIN:-$WORK/gongjian}"
  LOAD="$WORK/load"
}

# new_pg_db: creates a fresh database and prints its URL; it is dropped on exit.
new_pg_db() {
  local name="gongjian_ops_$$_$RANDOM"
  psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE \"$name\"" >/dev/null
  echo "$PG_ADMIN_URL $name" >>"$WORK/databases"
  echo "${PG_ADMIN_URL%%/postgres\?*}/$name?sslmode=disable"
}

# database_url ENGINE: a fresh database of engine postgres or sqlite.
database_url() {
  case "$1" in
    postgres) new_pg_db ;;
    sqlite) echo "$WORK/gongjian-$RANDOM.db" ;;
    *) log "unknown engine $1"; return 1 ;;
  esac
}

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  return 1
}

# start_server DATABASE_URL PORT [VAR=value ...]: starts gongjian serve in the background and
# waits until /readyz answers (at most 30 s). Its log is $WORK/server.log.
start_server() {
  local db=$1 port=$2
  shift 2
  env GONGJIAN_ADDR="127.0.0.1:$port" GONGJIAN_DATABASE_URL="$db" \
    GONGJIAN_BOOTSTRAP_ADMIN="$GONGJIAN_LOAD_ADMIN" GONGJIAN_BCRYPT_COST=4 GONGJIAN_LOG_LEVEL=warn \
    "$@" "$GJ" serve >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$port" 30
}

# wait_ready PORT SECONDS: polls /readyz every 50 ms; prints the milliseconds it took.
wait_ready() {
  local port=$1 limit=$2 t0
  t0=$(date +%s%N)
  while true; do
    if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/readyz" 2>/dev/null; then
      echo $(( ($(date +%s%N) - t0) / 1000000 ))
      return 0
    fi
    if [ $(( ($(date +%s%N) - t0) / 1000000000 )) -ge "$limit" ]; then
      log "server on :$port not ready within ${limit}s; its log:"
      tail -n 20 "$WORK/server.log" >&2
      return 1
    fi
    sleep 0.05
  done
}

# stop_server [SIGNAL]: stops the server this script started (TERM by default) and waits.
stop_server() {
  local sig=${1:-TERM}
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "-$sig" "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}

machine_load() { uptime | sed 's/.*load average: /load /'; }
