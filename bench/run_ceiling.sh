#!/usr/bin/env bash
# The 30-rule pack (rules/bench30: 20 declarative, 10 Lua function rules) against the
# parse-only ceiling, at 1 and 2 threads, on the manifest of bench/run.sh.
# Usage: bench/run_ceiling.sh [LINES] (default 1000000); RUNS=5 repeats, medians reported.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
runs=${RUNS:-5}
work=bench/work
manifest="$work/manifest-$lines.csv"
mkdir -p "$work"
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
[ -f "$manifest" ] || build-bench/samples/boxrank-gen manifest --lines "$lines" --seed 1 --out "$manifest"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # label args...
  local label=$1
  shift
  : >"$work/t"
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" build-bench/cli/boxrank rank "$manifest" \
      --profile feeds/profiles/sample.ini --no-store -q "$@" >/dev/null
    cat "$work/time.txt" >>"$work/t"
  done
  printf "%s %s %s\n" "$label" "$(cut -d' ' -f1 "$work/t" | median)" "$(cut -d' ' -f2 "$work/t" | median)"
}
{
  for t in 1 2; do
    timeit "parse-only,$t" --rules rules/bench30 --out "$work/po" --parse-only --threads "$t"
    timeit "bench30,$t" --rules rules/bench30 --out "$work/b30" --threads "$t"
  done
} >"$work/ceiling.txt"
echo "| mode | threads | wall s | lines/s | peak RSS MiB | share of the ceiling |"
echo "|---|---|---|---|---|---|"
awk -v n="$lines" '{ split($1, k, ","); t = $2; ceil[k[2]] = (k[1] == "parse-only") ? t : ceil[k[2]];
    printf "| %s | %s | %.2f | %.0f | %.0f | %s |\n", k[1], k[2], t, n / t, $3 / 1024,
      (k[1] == "parse-only") ? "1.00" : sprintf("%.2f", ceil[k[2]] / t) }' "$work/ceiling.txt"
