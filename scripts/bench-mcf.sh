#!/usr/bin/env bash
# Compares matching's network simplex with LEMON's NetworkSimplex on the
# same DIMACS transportation instance: same file, solve time only (parsing
# excluded), median of RUNS runs each, and checks that the costs agree.
#
#   scripts/bench-mcf.sh [-n SOURCES_AND_SINKS] [-d DEGREE] [-s SEED] [-r RUNS] [-c "GO SOLVER CMD"]
#
# The Go side is the real command, `gongjian mcf FILE`, built here; pass -c
# to time another solver (it must print "s COST" and "c solve_ms X").
# Needs g++ and LEMON's headers (Debian: apt-get install -y g++ liblemon-dev).
set -euo pipefail

size=20000 degree=50 seed=1 runs=3 gocmd=""
while getopts "n:d:s:r:c:" opt; do
  case $opt in
    n) size=$OPTARG ;;
    d) degree=$OPTARG ;;
    s) seed=$OPTARG ;;
    r) runs=$OPTARG ;;
    c) gocmd=$OPTARG ;;
    *) sed -n '2,11p' "$0"; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ ! -f /usr/include/lemon/network_simplex.h ]; then
  echo "bench-mcf: LEMON headers missing; run: apt-get install -y g++ liblemon-dev" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "building..."
g++ -O2 -o "$tmp/lemon_ns" scripts/mcf/lemon_ns.cpp
go build -o "$tmp/gen" ./scripts/mcf/gen
if [ -z "$gocmd" ]; then
  go build -o "$tmp/gongjian" ./cmd/gongjian
  gocmd="$tmp/gongjian mcf"
fi

file="$tmp/transport.min"
"$tmp/gen" -sources "$size" -sinks "$size" -degree "$degree" -seed "$seed" -o "$file"
echo "instance: $(sed -n 2p "$file") (sources=sinks=$size degree=$degree seed=$seed)"

# solve NAME CMD... : runs CMD on the instance once, prints the run and
# appends the cost and solve time to $tmp/NAME.costs and $tmp/NAME.ms.
solve() {
  local name=$1; shift
  local out c t
  out=$("$@" "$file")
  c=$(awk '$1 == "s" { print $2 }' <<<"$out")
  t=$(awk '$1 == "c" && $2 == "solve_ms" { print $3 }' <<<"$out")
  echo "  $name: cost $c, solve $t ms"
  echo "$c" >>"$tmp/$name.costs"
  echo "$t" >>"$tmp/$name.ms"
}

# Alternate the solvers so that a slow spell of a shared machine hits both.
for ((i = 1; i <= runs; i++)); do
  echo "run $i"
  solve gongjian $gocmd
  solve lemon "$tmp/lemon_ns"
done

# cost_of NAME: the cost, which must be the same in every run.
cost_of() {
  if [ "$(sort -u "$tmp/$1.costs" | wc -l)" != 1 ]; then
    echo "bench-mcf: $1 gave different costs across runs" >&2
    exit 1
  fi
  head -1 "$tmp/$1.costs"
}
median_of() {
  sort -g "$tmp/$1.ms" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
go_cost=$(cost_of gongjian) lemon_cost=$(cost_of lemon)
go_ms=$(median_of gongjian) lemon_ms=$(median_of lemon)

echo
printf '%-10s %16s %12s\n' solver cost "median ms"
printf '%-10s %16s %12s\n' gongjian "$go_cost" "$go_ms"
printf '%-10s %16s %12s\n' lemon "$lemon_cost" "$lemon_ms"
awk -v g="$go_ms" -v l="$lemon_ms" 'BEGIN { printf "ratio gongjian/lemon: %.2f\n", g / l }'
if [ "$go_cost" = "$lemon_cost" ]; then
  echo "costs equal"
else
  echo "COSTS DIFFER" >&2
  exit 1
fi
