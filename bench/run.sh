#!/usr/bin/env bash
# Times the bench pack (rules/bench) on one generated manifest with boxrank, DuckDB (the query
# a DuckDB user tuning for speed writes, and the literal translation bench/rules.sql.in),
# sqlite3 and a plain Lua loop; checks that they all list the same scores per port, that
# boxrank's full red lists and per-rule fire counts equal DuckDB's, and prints medians with
# min-max, then the table of issue 15's targets 2-6, each a ratio taken within each round
# (so that a change in the machine's load hits both sides alike), its median and min-max over
# the rounds, the goal and whether the median meets it.
# Usage: bench/run.sh [LINES] (default 1000000)
#   RUNS=5    runs per tool, interleaved (run 1 of every tool, then run 2 ...)
#   TOOLS="boxrank duckdb ..."  a subset of: boxrank boxrank-1t boxrank-store duckdb
#             duckdb-literal sqlite3 lua boxrank-big bench30 parse-only (default: all)
#   BIG=4000000  lines of the second manifest, for target 3 (memory and time per line against
#             LINES); BIG=0 leaves it out (its manifest is 1.87 GB at 4M lines)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
runs=${RUNS:-5}
big=${BIG:-4000000}
work=bench/work
mkdir -p "$work"

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
[ -d bench/node_modules/@duckdb/node-api ] || (cd bench && npm install --no-audit --no-fund >/dev/null)

read -r -a order <<<"${TOOLS:-boxrank boxrank-1t boxrank-store duckdb duckdb-literal sqlite3 lua boxrank-big bench30 parse-only}"
[ "$big" -gt 0 ] || { read -r -a order <<<"${order[*]/boxrank-big/}"; }
manifest="$work/manifest-$lines.csv"
[ -f "$manifest" ] || build-bench/samples/boxrank-gen manifest --lines "$lines" --seed 1 --out "$manifest"
bytes=$(stat -c %s "$manifest")
manifest_big="$work/manifest-$big.csv"
if [[ " ${order[*]} " == *" boxrank-big "* ]] && [ ! -f "$manifest_big" ]; then
  build-bench/samples/boxrank-gen manifest --lines "$big" --seed 1 --out "$manifest_big"
fi

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
  echo ".output $work/out-sqlite3.csv"
  cat "$work/rules-sqlite.sql"
  echo ";"
} >"$work/sqlite-script.sql"

rank="build-bench/cli/boxrank rank $manifest --rules rules/bench --profile feeds/profiles/sample.ini --format csv -q"
ceiling="build-bench/cli/boxrank rank $manifest --rules rules/bench30 --profile feeds/profiles/sample.ini -q --no-store --threads 2"
declare -A cmd
cmd[boxrank]="$rank --out $work/out-boxrank --no-store --threads 2"
cmd[boxrank-1t]="$rank --out $work/out-boxrank-1t --no-store --threads 1"
cmd[boxrank-store]="$rank --out $work/out-boxrank-store --db $work/store.db --threads 2"
cmd[duckdb]="node bench/duckdb_run.mjs $manifest 2 declared bench/duckdb_tuned.sql $work/out-duckdb.csv"
cmd[duckdb-literal]="node bench/duckdb_run.mjs $manifest 2 sniffed $work/rules-duckdb.sql $work/out-duckdb-literal.csv"
cmd[sqlite3]="sqlite3 :memory: -init $work/sqlite-script.sql .quit"
cmd[lua]="lua5.4 bench/plain_loop.lua $manifest $work/out-lua.csv"
cmd[boxrank-big]="${rank/$manifest/$manifest_big} --out $work/out-boxrank-big --no-store --threads 2"
cmd[bench30]="$ceiling --out $work/out-bench30"
cmd[parse-only]="$ceiling --out $work/out-parse-only --parse-only"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[1], a[NR] }'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
# Interleaved, so that a change in the machine's load hits every tool alike.
rm -f "$work"/times-* # a tool left out of this run has no row from an earlier one
for tool in "${order[@]}"; do : >"$work/times-$tool"; done
: >"$work/load-rounds"
for _ in $(seq 1 "$runs"); do
  cut -d' ' -f1 /proc/loadavg >>"$work/load-rounds"
  for tool in "${order[@]}"; do
    rm -f "$work"/store.db*  # each store run records into a new store, as a first run does
    /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" ${cmd[$tool]} >/dev/null 2>"$work/err-$tool.txt" ||
      { echo "$tool failed: $(tail -3 "$work/err-$tool.txt")" >&2; exit 1; }
    cat "$work/time.txt" >>"$work/times-$tool"
  done
done
declare -A secs lo hi rss cpu
for tool in "${order[@]}"; do
  read -r secs[$tool] lo[$tool] hi[$tool] < <(cut -d' ' -f1 "$work/times-$tool" | median)
  read -r rss[$tool] _ _ < <(cut -d' ' -f2 "$work/times-$tool" | median)
  read -r cpu[$tool] _ _ < <(awk '{ print $3 + $4 }' "$work/times-$tool" | median)
done

# Same work. Every tool lists the same top scores per port (ties may pick other units) ...
boxrank_top() { cat "$1"/list-*.csv | grep -v '^port,' | awk -F, '{ print $1 "," $5 }' | sort; }
sql_top() { awk -F, 'NR > 1 { print $1 "," $NF }' "$1" | sort; }
same=()
for tool in "${order[@]}"; do
  case $tool in
  boxrank-big | bench30 | parse-only) continue ;; # another input or another pack
  boxrank*) boxrank_top "$work/out-$tool" >"$work/check-$tool" ;;
  *) sql_top "$work/out-$tool.csv" >"$work/check-$tool" ;;
  esac
  same+=("$tool")
  cmp -s "$work/check-${same[0]}" "$work/check-$tool" ||
    { echo "${same[0]} and $tool list different scores: see $work/check-*" >&2; exit 1; }
done
# ... and boxrank's full red lists (every red unit, with its score) and the lines each rule
# fired on are DuckDB's: a pack with room for every unit lists all red ones.
mkdir -p "$work/bench-all"
cp rules/bench/rules.lua "$work/bench-all/"
sed 's/^default = .*/default = 1000000/' rules/bench/pack.ini >"$work/bench-all/pack.ini"
build-bench/cli/boxrank rank "$manifest" --rules "$work/bench-all" --profile feeds/profiles/sample.ini \
  --format csv -q --no-store --threads 2 --out "$work/out-all"
node bench/duckdb_run.mjs "$manifest" 2 declared bench/duckdb_tuned.sql "$work/out-duckdb.csv" \
  bench/duckdb_check_red.sql "$work/duckdb-red.csv" bench/duckdb_check_fires.sql "$work/duckdb-fires.csv"
cat "$work"/out-all/list-*.csv | grep -v '^port,' | awk -F, '{ print $1 "," $4 "," $5 }' | sort >"$work/red-boxrank"
tail -n +2 "$work/duckdb-red.csv" | sort >"$work/red-duckdb"
cmp -s "$work/red-boxrank" "$work/red-duckdb" ||
  { echo "boxrank and DuckDB red lists differ: see $work/red-*" >&2; exit 1; }
sed -n 's/.*{"id": "\([^"]*\)".*"fired": \([0-9]*\).*/\1,\2/p' "$work/out-all/summary.json" | sort >"$work/fires-boxrank"
tail -n +2 "$work/duckdb-fires.csv" | sort >"$work/fires-duckdb"
cmp -s "$work/fires-boxrank" "$work/fires-duckdb" ||
  { echo "boxrank and DuckDB fire counts differ: see $work/fires-*" >&2; exit 1; }
nred=$(wc -l <"$work/red-boxrank")

anchor=${order[0]}
for t in "${order[@]}"; do [ "$t" = duckdb ] && anchor=duckdb; done
echo "| tool | wall s, median of $runs (min-max) | CPU s (user + system) | lines/s | MB/s | peak RSS MiB | time vs $anchor |"
echo "|---|---|---|---|---|---|---|"
for tool in "${order[@]}"; do
  n=$lines b=$bytes
  [ "$tool" = boxrank-big ] && n=$big b=$(stat -c %s "$manifest_big")
  awk -v t="$tool" -v s="${secs[$tool]}" -v l="${lo[$tool]}" -v h="${hi[$tool]}" -v r="${rss[$tool]}" \
      -v c="${cpu[$tool]}" -v n="$n" -v b="$b" -v d="${secs[$anchor]}" 'BEGIN {
      printf "| %s | %.2f (%.2f-%.2f) | %.2f | %.0f | %.0f | %.0f | %.2f |\n",
      t, s, l, h, c, n / s, b / s / 1e6, r / 1024, s / d }'
done
echo
# Each target is a ratio taken within each round, then its median and min-max over the rounds.
# $1 $2: the tools; $3: column of the times file (1 wall s, 2 peak RSS KB, 3 user s, 4 system
# s); $4: factor.
rounds() {
  [ -s "$work/times-$1" ] && [ -s "$work/times-$2" ] || return 0
  paste -d' ' "$work/times-$1" "$work/times-$2" |
    awk -v c="$3" -v f="$4" '{ print $c / $(c + 4) * f }' | median
}
target() { # number, what, goal (<= or >= and a figure), tool a, tool b, column, factor
  local r
  r=$(rounds "$4" "$5" "$6" "$7")
  [ -n "$r" ] || return 0
  awk -v n="$1" -v w="$2" -v g="$3" -v r="$r" 'BEGIN {
    split(r, m, " "); split(g, q, " ");
    met = (q[1] == "<=") ? m[1] <= q[2] : m[1] >= q[2];
    printf "| %s | %s | %.2f (%.2f-%.2f) | %s | %s |\n", n, w, m[1], m[2], m[3], g, met ? "met" : "**not met**" }'
}
echo "| target | ratio, per round | median of $runs (min-max) | goal | |"
echo "|---|---|---|---|---|"
target 2 "boxrank / tuned DuckDB, 2 threads, time" "<= 0.80" boxrank duckdb 1 1
target 3 "peak RSS, $big / $lines lines" "<= 1.20" boxrank-big boxrank 2 1
target 3 "time per line, $big / $lines lines" "<= 1.10" boxrank-big boxrank 1 "$(awk -v a="$lines" -v b="$big" 'BEGIN { print a / b }')"
target 4 "store on / --no-store, time" "<= 1.30" boxrank-store boxrank 1 1
target 5 "1 thread / 2 threads, time" ">= 1.80" boxrank-1t boxrank 1 1
target 6 "bench30 share of the parse-only ceiling (parse-only / bench30), 2 threads" ">= 0.35" parse-only bench30 1 1
echo
echo "- checked: top 25 scores per port of ${same[*]}; all $nred red units with their scores and the 10 rules' fire counts, boxrank against DuckDB"
echo
echo "$lines lines, $((bytes / 1000000)) MB; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average (1, 5, 15 min) at the start $load0, at the end $(cut -d' ' -f1-3 /proc/loadavg), 1 min at the start of each round $(paste -sd' ' "$work/load-rounds"); $(date -u '+%Y-%m-%d %H:%M UTC')"
