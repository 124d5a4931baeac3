#!/usr/bin/env bash
# A partitioned run: the sample cut into file chunks (and, apart, into interleaved records so
# that most multi-line units fall in two partitions), each chunk ranked with --partial, the
# partials merged: the lists are the single run's byte for byte but for the run id, and the
# summary's counts are the same. The partials read the store (watchlists) and record nothing.
source "$(dirname "$0")/common.bash"
pack="$BR_SOURCE_DIR/rules/ccp"
profile="$BR_SOURCE_DIR/feeds/profiles/sample.ini"
sample="$WORK/day.csv"
chunks="$BR_SOURCE_DIR/bench/chunks.py"
import_watchlists "$BOXRANK_DB"
# Two rows the profile rejects, so that the reject counts have something to add up.
{
  cat "$BR_SOURCE_DIR/samples/manifests/iraq-sample.csv"
  echo "L999999998,BAD,,,,not a weight,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
  echo "L999999999,BAD,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
} >"$sample"
opts=(--rules "$pack" --profile "$profile" --date 2026-03-02)

expect_status 3 "$BOXRANK" rank "$sample" "${opts[@]}" --seed 11 --out "$WORK/one" --no-store -q

# The summary without what names the run, its inputs and its timing.
counts() { grep -v -E '"(input|run_id|elapsed_s|lines_per_s|threads|reject_file)"' "$1/summary.json"; }
same_as_one() { # DIR: the merge's output
  local f n=0
  for f in "$WORK"/one/list-*; do
    cmp -s <(unstamp "$f") <(unstamp "$1/$(basename "$f")") || fail "$1/$(basename "$f") differs"
    n=$((n + 1))
  done
  [ "$n" -ge 10 ] || fail "only $n list files"
  [ "$(ls "$1"/list-* | wc -l)" -eq "$n" ] || fail "$1 holds other list files: $(ls "$1")"
  diff <(counts "$WORK/one") <(counts "$1") >&2 || fail "$1/summary.json counts differ"
}

# File chunks, as a cluster would cut them.
python3 "$chunks" "$sample" 3 "$WORK/chunk"
for i in 1 2 3; do
  head -1 "$WORK/chunk$i.csv" | grep -q '^Line ID,' || fail "chunk $i has no header"
  status=0
  "$BOXRANK" rank "$WORK/chunk$i.csv" "${opts[@]}" --partial "$WORK/p$i.part" -q || status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 3 ] || fail "rank --partial of chunk $i: exit $status"
done
[ "$(sqlite3 "$BOXRANK_DB" 'SELECT COUNT(*) FROM runs')" -eq 0 ] || fail "a partial recorded a run"
expect_status 3 "$BOXRANK" merge "$WORK"/p{1,2,3}.part --rules "$pack" --seed 11 --out "$WORK/merged" -q
same_as_one "$WORK/merged"
grep -q '"input": ".*chunk1.csv, .*chunk2.csv, .*chunk3.csv"' "$WORK/merged/summary.json" ||
  fail "the merged summary does not name the chunks"
grep -q '"reject_file": ".*p3.part.rejects.csv"' "$WORK/merged/summary.json" ||
  fail "the merged summary does not name the reject file: $(grep reject_file "$WORK/merged/summary.json")"
# Another seed draws other random picks: the seed is the merge's.
expect_status 3 "$BOXRANK" merge "$WORK"/p{1,2,3}.part --rules "$pack" --seed 12 --out "$WORK/seed12" -q
cmp -s <(unstamp "$WORK/one/list-IQUQR.csv") <(unstamp "$WORK/seed12/list-IQUQR.csv") &&
  fail "seed 12 drew what seed 11 drew"

# Interleaved records: every unit with lines next to each other is split in two, and the
# partials are given in the other order.
python3 - "$sample" "$WORK/odd.csv" "$WORK/even.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
for name, part in ((sys.argv[2], rows[1::2]), (sys.argv[3], rows[2::2])):
    with open(name, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([rows[0]] + part)
PY
split=$(python3 - "$WORK/odd.csv" "$WORK/even.csv" <<'PY'
import csv, sys
units = [{r[2] for r in list(csv.reader(open(p, newline="")))[1:] if r[2]} for p in sys.argv[1:]]
print(len(units[0] & units[1]))
PY
)
[ "$split" -ge 50 ] || fail "only $split units split between the interleaved partitions"
for half in odd even; do
  status=0
  "$BOXRANK" rank "$WORK/$half.csv" "${opts[@]}" --partial "$WORK/$half.part" --no-store -q ||
    status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 3 ] || fail "rank --partial of $half: exit $status"
done
expect_status 3 "$BOXRANK" merge "$WORK/even.part" "$WORK/odd.part" --rules "$pack" --seed 11 \
  --out "$WORK/interleaved" -q
same_as_one "$WORK/interleaved"
# A partial with any thread count is the same file.
expect_status 0 "$BOXRANK" rank "$WORK/chunk1.csv" "${opts[@]}" --partial "$WORK/t1.part" -q -t 1
cmp -s "$WORK/p1.part" "$WORK/t1.part" || fail "the partial depends on the thread count"

# What the merge refuses, and says why.
cp -r "$pack" "$WORK/other"
sed -i 's/^default = 10/default = 11/' "$WORK/other/pack.ini"
expect_status 1 "$BOXRANK" merge "$WORK/p1.part" --rules "$WORK/other" --out "$WORK/x" 2>"$WORK/err"
grep -q 'p1.part: made with pack hash .*rank every partition with the same pack' "$WORK/err" ||
  fail "other pack: $(cat "$WORK/err")"
head -c 5000 "$WORK/p2.part" >"$WORK/cut.part"
expect_status 1 "$BOXRANK" merge "$WORK/p1.part" "$WORK/cut.part" --rules "$pack" --out "$WORK/x" 2>"$WORK/err"
grep -q 'cut.part: not a whole boxrank partial: .*the file ends early at byte' "$WORK/err" ||
  fail "cut partial: $(cat "$WORK/err")"
expect_status 1 "$BOXRANK" merge "$sample" --rules "$pack" --out "$WORK/x" 2>"$WORK/err"
grep -q 'day.csv: not a whole boxrank partial: no partial header' "$WORK/err" ||
  fail "not a partial: $(cat "$WORK/err")"
expect_status 0 "$BOXRANK" rank "$WORK/chunk1.csv" --rules "$pack" --profile "$profile" \
  --date 2026-03-03 --partial "$WORK/later.part" -q
expect_status 1 "$BOXRANK" merge "$WORK/p2.part" "$WORK/later.part" --rules "$pack" --out "$WORK/x" 2>"$WORK/err"
grep -q 'later.part: lists for 2026-03-03, but the partials before it are for 2026-03-02' "$WORK/err" ||
  fail "other date: $(cat "$WORK/err")"
# Without a profile the sample has no unit, B/L or record id column: units would be named
# after line numbers, which differ from partition to partition.
expect_status 1 "$BOXRANK" rank "$WORK/chunk1.csv" --rules "$pack" --partial "$WORK/x.part" 2>"$WORK/err"
grep -q 'chunk1.csv: [0-9]* lines have no unit, fallback or record id' "$WORK/err" ||
  fail "units by line number: $(cat "$WORK/err")"
[ ! -e "$WORK/x.part" ] || fail "a partial written for units named by line number"
expect_status 2 "$BOXRANK" rank "$WORK/chunk1.csv" "${opts[@]}" --partial "$WORK/x.part" --out "$WORK/x"
expect_status 2 "$BOXRANK" merge --rules "$pack"
# Over --max-reject-share across every partition's lines: no lists.
expect_status 7 "$BOXRANK" merge "$WORK"/p{1,2,3}.part --rules "$pack" --out "$WORK/strict" \
  --max-reject-share 0.0001 -q
[ -z "$(ls "$WORK/strict")" ] || fail "lists written over --max-reject-share"
"$BOXRANK" merge --help | grep -q 'boxrank merge p1.part p2.part' || fail "merge --help has no example"
echo ok
