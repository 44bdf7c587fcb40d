#!/usr/bin/env bash
# Compares matching's network simplex (`gongjian mcf`) with LEMON 1.3's
# NetworkSimplex (default block-search pivot rule) on the instance families
# of matching/mcfgen, at several sizes, on identical DIMACS files:
#
#   geo      a matching run as ONE network (super source, super sink, bypass)
#   geocomp  the same run in the per-component formulation of Allocate
#   netgen   NETGEN-8 (Klingman, Napier and Stutz's generator)
#   grid     GRIDGEN-like grid with shortcuts
#   alloc    matching.Allocate itself on the geo market (scripts/mcf/alloc),
#            set against LEMON's solve of the geo file of the same size
#
# The solvers run alternately, RUNS times each, and the medians are shown:
# the solve's CPU time and wall time as each reports them (parsing
# excluded), the CPU time of the whole process (parse, build, solve), the
# ratios ours/LEMON, pivots (LEMON's and ours, main loop plus initial
# pivots), and peak RSS. Costs must agree. On a shared machine wall times
# mostly measure the other processes; compare the CPU columns. After each
# size a "warm" line times AllocateWarm after 1 % of the listings changed
# against a cold Allocate of the same run.
#
#   scripts/bench-mcf.sh [-n "2000 40000 200000"] [-f "geo geocomp netgen grid alloc"] [-r RUNS] [-s SEED]
#
# Needs g++ and LEMON's headers (Debian: apt-get install -y g++ liblemon-dev).
# LEMON's pivot counts come from a copy of its header patched on the fly in
# a temporary directory (two counters); without the patch they show as "-".
set -euo pipefail

sizes="2000 40000 200000" families="geo geocomp netgen grid alloc" runs=3 seed=1
while getopts "n:f:r:s:" opt; do
  case $opt in
    n) sizes=$OPTARG ;;
    f) families=$OPTARG ;;
    r) runs=$OPTARG ;;
    s) seed=$OPTARG ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
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

echo "building..." >&2
# Pivot counters: increment after each findLeavingArc of the main loop.
mkdir -p "$tmp/inc"
cp -r /usr/include/lemon "$tmp/inc/"
ns="$tmp/inc/lemon/network_simplex.h"
sed -i 's|^\(\s*\)bool change = findLeavingArc();$|&\n\1++npiv; if (delta == 0) ++ndeg;|' "$ns"
sed -i 's|^\(\s*\)// Heuristic initial pivots$|  public: long long npiv = 0, ndeg = 0; private:\n&|' "$ns"
if grep -q '++npiv' "$ns"; then
  sed 's|std::printf("c solve_ms %.3f\\n", ms);|&\n  std::printf("c pivots %lld degenerate %lld\\n", ns.npiv, ns.ndeg);|' \
    scripts/mcf/lemon_ns.cpp >"$tmp/lemon_ns.cpp"
  g++ -O2 -w -I"$tmp/inc" -o "$tmp/lemon_ns" "$tmp/lemon_ns.cpp"
else
  g++ -O2 -w -o "$tmp/lemon_ns" scripts/mcf/lemon_ns.cpp
fi
go build -o "$tmp/gen" ./scripts/mcf/gen
go build -o "$tmp/alloc" ./scripts/mcf/alloc
go build -o "$tmp/gongjian" ./cmd/gongjian

# run NAME CMD... : runs CMD once, appending "cost solve_ms solve_cpu_ms
# total_cpu_ms rss_kb pivots" to $tmp/NAME (total: the whole process).
run() {
  local name=$1; shift
  local out
  out=$(/usr/bin/time -f 'c time %U %S %M' "$@" 2>&1)
  awk '$1 == "s" { c = $2 } $1 == "c" && $2 == "solve_ms" { t = $3 } $1 == "c" && $2 == "solve_cpu_ms" { u = $3 }
       $1 == "c" && $2 == "pivots" { p = $3 } $1 == "c" && $2 == "time" { w = ($3 + $4) * 1000; m = $5 }
       END { if (p == "") p = "-"; print c, t, u, w, m, p }' <<<"$out" >>"$tmp/$name"
}
# med FILE COL: median of a column.
med() { awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
col() { awk -v c="$2" 'NR == 1 { print $c }' "$1"; }

printf '%-8s %6s %8s | %9s %9s %5s | %9s %9s %5s | %9s %9s %5s | %8s %8s | %6s %6s\n' \
  family nodes arcs "LEMON cpu" "ours cpu" ratio "LEMON wal" "ours wall" ratio \
  "LEMON b+s" "ours b+s" ratio "LEMON pv" "ours pv" "L MB" "ours MB"
fail=0
for n in $sizes; do
  for fam in $families; do
    gfam=$fam
    [ "$fam" = alloc ] && gfam=geo
    file="$tmp/$gfam-$n.min"
    [ -f "$file" ] || "$tmp/gen" -family "$gfam" -nodes "$n" -seed "$seed" -o "$file"
    rm -f "$tmp/ours" "$tmp/lemon"
    for ((i = 1; i <= runs; i++)); do
      if [ "$fam" = alloc ]; then
        run ours "$tmp/alloc" -nodes "$n" -seed "$seed"
      else
        run ours "$tmp/gongjian" mcf "$file"
      fi
      run lemon "$tmp/lemon_ns" "$file"
    done
    if [ "$(awk '{ print $1 }' "$tmp/ours" "$tmp/lemon" | sort -u | wc -l)" != 1 ]; then
      echo "bench-mcf: $fam $n: COSTS DIFFER: $(awk '{ print $1 }' "$tmp/ours" "$tmp/lemon" | sort -u | tr '\n' ' ')" >&2
      fail=1
    fi
    arcs=$(sed -n 2p "$file" | awk '{ print $4 }')
    awk -v f="$fam" -v n="$n" -v a="$arcs" \
      -v lc="$(med "$tmp/lemon" 3)" -v oc="$(med "$tmp/ours" 3)" \
      -v lw="$(med "$tmp/lemon" 2)" -v ow="$(med "$tmp/ours" 2)" \
      -v lt="$(med "$tmp/lemon" 4)" -v ot="$(med "$tmp/ours" 4)" \
      -v lp="$(col "$tmp/lemon" 6)" -v op="$(col "$tmp/ours" 6)" \
      -v lm="$(med "$tmp/lemon" 5)" -v om="$(med "$tmp/ours" 5)" '
      function r(x, y) { return y > 0 ? x / y : 0 }
      BEGIN {
        printf "%-8s %6d %8d | %9.1f %9.1f %5.2f | %9.1f %9.1f %5.2f | %9.0f %9.0f %5.2f | %8s %8s | %6.0f %6.0f\n",
          f, n, a, lc, oc, r(oc, lc), lw, ow, r(ow, lw), lt, ot, r(ot, lt), lp, op, lm / 1024, om / 1024 }'
  done
  # Warm start: AllocateWarm after 1 % of the listings changed, against a
  # cold Allocate of the same changed run (CPU time, median of RUNS).
  rm -f "$tmp/warm"
  for ((i = 1; i <= runs; i++)); do
    "$tmp/alloc" -nodes "$n" -seed "$seed" -warm 0.01 |
      awk '$2 == "changed_cold_cpu_ms" { c = $3 } $2 == "changed_warm_cpu_ms" { w = $3 } END { print c, w, (c > 0 ? w / c : 0) }' >>"$tmp/warm"
  done
  awk -v n="$n" -v c="$(med "$tmp/warm" 1)" -v w="$(med "$tmp/warm" 2)" -v r="$(med "$tmp/warm" 3)" \
    'BEGIN { printf "warm     %6d  Allocate cold %.1f ms cpu, AllocateWarm after 1%% changed %.1f ms cpu: %.2f of cold\n", n, c, w, r }'
done
echo "costs: $([ $fail = 0 ] && echo "equal on every instance" || echo "SOME DIFFER")"
echo "alloc: Allocate (build and solve of every component) on the geo market against LEMON's solve of the geo file;"
echo "       its arcs column is the geo file's; b+s for alloc includes generating the market."
exit $fail
