#!/usr/bin/env bash
# Starts the local PostgreSQL server (installing Debian's package if it is missing), makes sure
# the tests can connect to it over TCP, and prints the line to export for the PostgreSQL half of
# the tests:
#
#   eval "$(scripts/pg-local.sh)"      # or: scripts/pg-local.sh, then copy the export line
#   go test ./...
#
# Run as root (or a user who may run apt-get, pg_ctlcluster and su postgres). Progress goes to
# stderr; only the export line goes to stdout.
set -euo pipefail

host=127.0.0.1 port=5432

log() { echo "pg-local: $*" >&2; }

ready() { command -v pg_isready >/dev/null && pg_isready -q -h "$host" -p "$port"; }

# Newest cluster version under /etc/postgresql (Debian's layout), empty when none.
cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

start() {
  if ready; then
    return
  fi
  if [ -z "$(cluster_version)" ]; then
    log "installing PostgreSQL from Debian's packages"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  local version
  version=$(cluster_version)
  if [ -z "$version" ]; then
    log "no cluster under /etc/postgresql after installing postgresql"
    exit 1
  fi
  if ! ready; then
    log "starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  fi
  for _ in $(seq 1 60); do
    if ready; then
      return
    fi
    sleep 1
  done
  log "PostgreSQL did not become ready on $host:$port within 60 s"
  exit 1
}

# Prints a URL that connects as a superuser (the tests create and drop databases). The default
# is trust auth for role postgres on 127.0.0.1; a stock Debian install wants a password over TCP
# instead, so then role postgres gets one through the local socket (peer auth as OS user postgres).
url() {
  local trust="postgres://postgres@$host:$port/postgres?sslmode=disable"
  if psql "$trust" -Atqc 'select 1' >/dev/null 2>&1; then
    echo "$trust"
    return
  fi
  log "cannot connect as postgres without a password; setting one through su postgres -c psql"
  su postgres -s /bin/sh -c "psql -v ON_ERROR_STOP=1 -qc \"ALTER ROLE postgres WITH LOGIN SUPERUSER PASSWORD 'postgres'\"" >&2
  local pass="postgres://postgres:postgres@$host:$port/postgres?sslmode=disable"
  if ! psql "$pass" -Atqc 'select 1' >/dev/null; then
    log "still cannot connect to $pass"
    exit 1
  fi
  echo "$pass"
}

start
echo "export GONGJIAN_TEST_DATABASE_URL='$(url)'"
