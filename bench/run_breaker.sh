#!/usr/bin/env bash
# The breaker's cost: the bench pack (rules/bench) with and without one function rule that fails
# on every line, on the same 1M-line manifest. The failing rule is switched off after 50
# failures ([limits] max_failures), so both runs should take about the same time (target: the
# failing pack within 1.5x). Runs alternate, RUNS=5 each; medians with min-max.
# Usage: bench/run_breaker.sh [LINES] (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
runs=${RUNS:-5}
work=bench/work
mkdir -p "$work"

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j2 >/dev/null
manifest="$work/manifest-$lines.csv"
[ -f "$manifest" ] || build-bench/samples/boxrank-gen manifest --lines "$lines" --seed 1 --out "$manifest"

failing="$work/pack-failing"
rm -rf "$failing"
cp -r rules/bench "$failing"
cat >>"$failing/rules.lua" <<'LUA'
rule { id = "BENCH-ALWAYS-FAILS", title = "A rule that fails on every line", weight = 1,
  when = function(line) local k = "no_such_field" return line[k] > 1 end }
LUA

run() { # pack out -> seconds
  /usr/bin/time -f "%e" -o "$work/time.txt" build-bench/cli/boxrank rank "$manifest" --rules "$1" \
    --profile feeds/profiles/sample.ini --out "$2" --format csv --no-store --threads 2 -q \
    >/dev/null 2>"$work/err.txt" || [ $? -eq 4 ]
  tail -1 "$work/time.txt" # time notes a non-zero exit (4: rule errors) on a line of its own
}
: >"$work/times-plain"
: >"$work/times-failing"
for _ in $(seq 1 "$runs"); do
  run rules/bench "$work/out-plain" >>"$work/times-plain"
  run "$failing" "$work/out-failing" >>"$work/times-failing"
done
grep -q '"rules_switched_off": \["BENCH-ALWAYS-FAILS"\]' "$work/out-failing/summary.json" ||
  { echo "the failing rule was not switched off" >&2; exit 1; }
grep -q '"errors": 50,' "$work/out-failing/summary.json" ||
  { echo "expected 50 failures: $(grep ALWAYS "$work/out-failing/summary.json")" >&2; exit 1; }

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
stats() { echo "$(median <"$1") ($(sort -g "$1" | head -1)-$(sort -g "$1" | tail -1))"; }
p=$(median <"$work/times-plain")
f=$(median <"$work/times-failing")
printf '%-32s %s s\n' "bench pack" "$(stats "$work/times-plain")"
printf '%-32s %s s\n' "bench pack + always-failing rule" "$(stats "$work/times-failing")"
awk -v p="$p" -v f="$f" 'BEGIN { printf "ratio (medians) %.2f (target <= 1.5)\n", f / p }'
