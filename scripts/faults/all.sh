#!/usr/bin/env bash
# Every fault script, ROUNDS times (default 3) in a row, on both engines where it applies; exits
# non-zero if any run failed. Prints one FAULT line per run.
#
#   scripts/faults/all.sh [ROUNDS]
set -uo pipefail
dir=$(dirname "$0")
rounds=${1:-3}
fail=0
for round in $(seq 1 "$rounds"); do
  for run in "kill9.sh postgres" "kill9.sh sqlite" "sigterm.sh postgres" "sigterm.sh sqlite" "pg-restart.sh"; do
    echo "== round $round: $run ($(uptime | sed 's/.*load average: /load /'))"
    out=$("$dir"/$run 2>"${TMPDIR:-/tmp}/gongjian-fault.err")
    rc=$?
    echo "$out" | grep '^FAULT' || { echo "FAULT $run: no verdict"; tail -n 15 "${TMPDIR:-/tmp}/gongjian-fault.err"; }
    [ $rc -eq 0 ] || fail=1
  done
done
rm -f "${TMPDIR:-/tmp}/gongjian-fault.err"
exit $fail
