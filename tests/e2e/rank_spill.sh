#!/usr/bin/env bash
# Units spilled to disk: a run whose unit tables pass --unit-memory writes them as sorted runs
# and merges them at the end, with the lists of a run that kept them all in memory byte for
# byte (but for the run id), the same summary counts and the same partial; the spill folder
# is gone afterwards. --unit-memory is parsed strictly.
source "$(dirname "$0")/common.bash"
pack="$BR_SOURCE_DIR/rules/ccp"
profile="$BR_SOURCE_DIR/feeds/profiles/sample.ini"
import_watchlists "$BOXRANK_DB"
expect_status 0 "$BR_BUILD_DIR/samples/boxrank-gen" manifest --lines 20000 --seed 4 --out "$WORK/day.csv"
opts=(--rules "$pack" --profile "$profile" --date 2026-03-02 --seed 7 --no-store --threads 2)

"$BOXRANK" rank "$WORK/day.csv" "${opts[@]}" -q --out "$WORK/mem"
"$BOXRANK" rank "$WORK/day.csv" "${opts[@]}" --out "$WORK/spill" --unit-memory 1M 2>"$WORK/err"
grep -q 'sorted runs spilled to disk' "$WORK/err" || fail "nothing was spilled: $(cat "$WORK/err")"
counts() { grep -v -E '"(input|run_id|elapsed_s|lines_per_s)"' "$1/summary.json"; }
n=0
for f in "$WORK"/mem/list-*; do
  cmp -s <(unstamp "$f") <(unstamp "$WORK/spill/$(basename "$f")") || fail "$(basename "$f") differs"
  n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n list files"
grep -q '"random": [1-9]' "$WORK/mem/summary.json" || fail "no random picks: their ranks went untested"
diff <(counts "$WORK/mem") <(counts "$WORK/spill") >&2 || fail "the summary counts differ"
[ -z "$(ls -A "$WORK/spill" | grep -v -E '^(list-.*|summary\.json|rejects\.csv)$')" ] ||
  fail "the spill folder was left behind: $(ls -A "$WORK/spill")"

# With --out -, the spill folder is made in TMPDIR, and removed.
mkdir "$WORK/tmp"
TMPDIR="$WORK/tmp" "$BOXRANK" rank "$WORK/day.csv" "${opts[@]}" -q --out - --unit-memory 1M \
  --format csv >"$WORK/stdout.csv"
[ -z "$(ls -A "$WORK/tmp")" ] || fail "the spill folder in TMPDIR was left behind"
cmp -s <(unstamp "$WORK/stdout.csv" | grep -v '^port,' | sort) \
  <(unstamp "$WORK"/mem/list-*.csv | grep -v '^port,' | sort) || fail "the lists on stdout differ"

# A partition's partial is the same file whatever the budget.
mkdir "$WORK/p1" "$WORK/p2"
"$BOXRANK" rank "$WORK/day.csv" "${opts[@]}" -q --partial "$WORK/p1/day.part"
"$BOXRANK" rank "$WORK/day.csv" "${opts[@]}" -q --partial "$WORK/p2/day.part" --unit-memory 1M
cmp <(sed "s#$WORK/p1#P#g" "$WORK/p1/day.part") <(sed "s#$WORK/p2#P#g" "$WORK/p2/day.part") ||
  fail "the partials differ"
[ "$(ls -A "$WORK/p2")" = day.part ] || fail "the spill folder next to the partial was left behind"

for bad in 0 1 1K 100 2X 1MB -5M 1.5G 99999999999G; do
  expect_status 2 "$BOXRANK" rank "$WORK/day.csv" "${opts[@]}" -q --out "$WORK/x" --unit-memory "$bad"
done
