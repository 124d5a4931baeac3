#!/usr/bin/env bash
# Times the bench pack (rules/bench) on one generated manifest with boxrank, sqlite3, DuckDB
# and a plain Lua loop, and checks that all four list the same scores per port.
# Usage: bench/run.sh [LINES] (default 1000000); RUNS=5 repeats, the median is reported.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
runs=${RUNS:-5}
work=bench/work
mkdir -p "$work"

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
[ -d bench/node_modules/@duckdb/node-api ] || (cd bench && npm install --no-audit --no-fund >/dev/null)

manifest="$work/manifest-$lines.csv"
[ -f "$manifest" ] || build-bench/samples/boxrank-gen manifest --lines "$lines" --seed 1 --out "$manifest"
bytes=$(stat -c %s "$manifest")

expand() { # $1: engine
  if [ "$1" = sqlite ]; then
    sed -E "s/\{N:([^}]*)\}/CAST(NULLIF(\"\1\", '') AS REAL)/g" bench/rules.sql.in
  else
    sed -E 's/\{N:([^}]*)\}/"\1"/g' bench/rules.sql.in
  fi
}
expand sqlite >"$work/rules-sqlite.sql"
expand duckdb >"$work/rules-duckdb.sql"
{
  echo ".mode csv"
  echo ".import $manifest m"
  echo ".headers on"
  echo ".output $work/out-sqlite.csv"
  cat "$work/rules-sqlite.sql"
  echo ";"
} >"$work/sqlite-script.sql"

declare -A cmd
cmd[boxrank]="build-bench/cli/boxrank rank $manifest --rules rules/bench --profile feeds/profiles/sample.ini --out $work/out-boxrank --format csv --no-store --threads 2 -q"
cmd[boxrank-1t]="build-bench/cli/boxrank rank $manifest --rules rules/bench --profile feeds/profiles/sample.ini --out $work/out-boxrank-1t --format csv --no-store --threads 1 -q"
cmd[duckdb]="node bench/duckdb_run.mjs $manifest $work/rules-duckdb.sql 2 $work/out-duckdb.csv"
cmd[sqlite3]="sqlite3 :memory: -init $work/sqlite-script.sql .quit"
cmd[lua]="lua5.4 bench/plain_loop.lua $manifest $work/out-lua.csv"
order=(boxrank boxrank-1t duckdb sqlite3 lua)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A secs rss
for tool in "${order[@]}"; do
  : >"$work/times-$tool"
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" ${cmd[$tool]} >/dev/null 2>"$work/err-$tool.txt" ||
      { echo "$tool failed: $(tail -3 "$work/err-$tool.txt")" >&2; exit 1; }
    cat "$work/time.txt" >>"$work/times-$tool"
  done
  secs[$tool]=$(cut -d' ' -f1 "$work/times-$tool" | median)
  rss[$tool]=$(cut -d' ' -f2 "$work/times-$tool" | median)
done

# Same work: every tool must list the same top scores per port (ties may pick other units).
scores() { awk -F, 'NR > 1 { print $1 "," $NF }' | sort; }
cat "$work"/out-boxrank/list-*.csv | grep -v '^port,' |
  awk -F, '{ print $1 "," $5 }' | sort >"$work/check-boxrank"
for tool in duckdb sqlite lua; do
  scores <"$work/out-$tool.csv" >"$work/check-$tool"
  cmp -s "$work/check-boxrank" "$work/check-$tool" ||
    { echo "boxrank and $tool list different scores: see $work/check-*" >&2; exit 1; }
done

echo "| tool | wall s (median of $runs) | lines/s | MB/s | peak RSS MiB | time vs DuckDB |"
echo "|---|---|---|---|---|---|"
for tool in "${order[@]}"; do
  awk -v t="$tool" -v s="${secs[$tool]}" -v r="${rss[$tool]}" -v n="$lines" -v b="$bytes" \
      -v d="${secs[duckdb]}" 'BEGIN { printf "| %s | %.2f | %.0f | %.0f | %.0f | %.2f |\n",
      t, s, n / s, b / s / 1e6, r / 1024, s / d }'
done
echo
echo "$lines lines, $((bytes / 1000000)) MB; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%d)"
