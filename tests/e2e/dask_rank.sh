#!/usr/bin/env bash
# bench/dask_rank.py on a small manifest: a Dask scheduler and two worker processes on
# loopback rank three file chunks with --partial, the client merges: the lists are those of
# one boxrank rank over the whole file, byte for byte but for the run id.
source "$(dirname "$0")/common.bash"
: "${BR_BUILD_DIR:?}"
profile="$BR_SOURCE_DIR/feeds/profiles/sample.ini"
# Debian's interpreter, where python3-distributed (scripts/install-deps.sh) is installed.
py=/usr/bin/python3
"$py" -c 'import distributed' 2>"$WORK/err" ||
  fail "python3-distributed is missing (bash scripts/install-deps.sh): $(cat "$WORK/err")"
# The starter pack without its watchlist rules: no lists need importing here.
mkdir -p "$WORK/pack"
cp "$BR_SOURCE_DIR"/rules/ccp/*.lua "$BR_SOURCE_DIR/rules/ccp/pack.ini" "$WORK/pack/"
rm "$WORK/pack/watchlists.lua"
sed -i '/^\[watchlists\]/,/^lists/d' "$WORK/pack/pack.ini"
expect_status 0 "$BR_BUILD_DIR/samples/boxrank-gen" manifest --lines 3000 --seed 9 --out "$WORK/day.csv"
opts=(--rules "$WORK/pack" --profile "$profile" --date 2026-03-02 --no-store)

expect_status 0 "$BOXRANK" rank "$WORK/day.csv" "${opts[@]}" --seed 4 --out "$WORK/one" -q
"$py" "$BR_SOURCE_DIR/bench/dask_rank.py" "$WORK/day.csv" "${opts[@]}" --seed 4 --partitions 3 \
  --workers 2 --boxrank "$BOXRANK" --out "$WORK/dask" >"$WORK/figures.json" 2>"$WORK/err" ||
  fail "dask_rank.py: $(tail -20 "$WORK/err")"
grep -q '"worker_processes": 2' "$WORK/figures.json" || fail "not on two workers: $(cat "$WORK/figures.json")"
n=0
for f in "$WORK"/one/list-*; do
  cmp -s <(unstamp "$f") <(unstamp "$WORK/dask/$(basename "$f")") || fail "$(basename "$f") differs"
  n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n list files"
[ "$(ls "$WORK"/dask/list-* | wc -l)" -eq "$n" ] || fail "other list files: $(ls "$WORK/dask")"
counts() { grep -v -E '"(input|run_id|elapsed_s|lines_per_s|threads|reject_file)"' "$1/summary.json"; }
diff <(counts "$WORK/one") <(counts "$WORK/dask") >&2 || fail "summary counts differ"
echo ok
