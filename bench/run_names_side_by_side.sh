#!/usr/bin/env bash
# Name screening, builds side by side: bench_names (first sight of a name, 1M lines on 2
# threads) and rank with the starter pack rules/ccp (UN + OFAC screening) on a 1M-line
# manifest, RUNS interleaved runs of each build (run 1 of every build, then run 2 ...), printing
# medians with min-max and the load average at start and end.
# Usage: BR_SHARED_DATA=../shared/data bench/run_names_side_by_side.sh BUILD_DIR...
#   each BUILD_DIR a Release build with bench/bench_names and cli/boxrank built; the first also
#   has samples/boxrank-gen (it writes the manifest).
#   RUNS=5  LINES=1000000  WORK=bench/work
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n 2,9p "$0" >&2; exit 2; }
: "${BR_SHARED_DATA:?set BR_SHARED_DATA to the shared data folder}"
runs=${RUNS:-5}
lines=${LINES:-1000000}
work=${WORK:-bench/work}
mkdir -p "$work"
manifest="$work/manifest-$lines.csv"
[ -f "$manifest" ] || "$1/samples/boxrank-gen" manifest --lines "$lines" --seed 1 --out "$manifest"

median() { sort -g | awk '{ a[NR] = $1 } END { printf "%s (%s-%s)", a[int((NR + 1) / 2)], a[1], a[NR] }'; }

for b in "$@"; do
  db="$work/lists-$(echo "$b" | tr '/' '_').db"
  if [ ! -f "$db" ]; then
    "$b/cli/boxrank" watchlist import --format un --db "$db" \
      "$BR_SHARED_DATA/watchlists/un-consolidated.xml" >/dev/null || [ $? -eq 3 ]
    "$b/cli/boxrank" watchlist import --format ofac --db "$db" \
      "$BR_SHARED_DATA/watchlists/ofac" >/dev/null || [ $? -eq 3 ]
  fi
done

load0=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq 1 "$runs"); do
  for b in "$@"; do
    key=$(echo "$b" | tr '/' '_')
    out=$("$b/bench/bench_names" "$lines")
    echo "$out" | awk '/first sight/ { print $6 }' >>"$work/first-$key"
    echo "$out" | awk '/^2 threads/ { print $3 }' >>"$work/two-$key"
    db="$work/lists-$key.db"
    t0=$(date +%s.%N)
    "$b/cli/boxrank" rank "$manifest" --rules rules/ccp --profile feeds/profiles/sample.ini \
      --db "$db" --no-store --out "$work/out-rank-$key" --format csv --threads 2 -q
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc >>"$work/rank-$key"
    echo "run $i $b done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average at start: $load0; at end: $load1; $runs runs each, interleaved"
printf '| build | first sight, names/s | bench_names %s lines, 2 threads, s | rank rules/ccp, 2 threads, s |\n|---|---|---|---|\n' "$lines"
for b in "$@"; do
  key=$(echo "$b" | tr '/' '_')
  printf '| %s | %s | %s | %s |\n' "$b" "$(median <"$work/first-$key")" \
    "$(median <"$work/two-$key")" "$(median <"$work/rank-$key")"
  rm -f "$work/first-$key" "$work/two-$key" "$work/rank-$key"
done
