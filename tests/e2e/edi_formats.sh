#!/usr/bin/env bash
# The sample manifest written as CSV, UN/EDIFACT CUSCAR and ANSI X12 309 by boxrank-gen ranks
# to byte-identical lists with the starter pack, each format detected from the file's content;
# a day's files in several formats rank in one run; a broken message is rejected with its
# interchange, message, segment and reason while the rest of the file is ranked.
source "$(dirname "$0")/common.bash"
: "${BR_BUILD_DIR:?}"
GEN="$BR_BUILD_DIR/samples/boxrank-gen"
pack="$BR_SOURCE_DIR/rules/ccp"
profile="$BR_SOURCE_DIR/feeds/profiles/sample.ini"
import_watchlists "$BOXRANK_DB"

for f in csv cuscar x12; do
  expect_status 0 "$GEN" manifest --lines 600 --seed 11 --start-date 2026-03-01 --days 3 \
    --format "$f" --out "$WORK/day.$f"
done
head -c 3 "$WORK/day.cuscar" | grep -q UNA || fail "CUSCAR does not start with UNA"
head -c 3 "$WORK/day.x12" | grep -q ISA || fail "X12 does not start with ISA"

expect_status 0 "$BOXRANK" rank "$WORK/day.csv" --rules "$pack" --profile "$profile" \
  --out "$WORK/csv" --seed 3 --no-store -q
for f in cuscar x12; do
  # The profile is for CSV inputs: EDI files ignore it.
  expect_status 0 "$BOXRANK" rank "$WORK/day.$f" --rules "$pack" --profile "$profile" \
    --out "$WORK/$f" --seed 3 --no-store -q --threads 2
  n=0
  for list in "$WORK"/csv/list-*; do
    cmp -s <(unstamp "$list") <(unstamp "$WORK/$f/$(basename "$list")") || fail "$f: $(basename "$list") differs from CSV"
    n=$((n + 1))
  done
  [ "$n" -ge 4 ] || fail "too few lists: $n"
  ls "$WORK/$f"/list-* | wc -l | grep -qx "$n" || fail "$f: a list CSV did not give"
  grep -q '"lines_rejected": 0' "$WORK/$f/summary.json" || fail "$f: rejects: $(cat "$WORK/$f/summary.json")"
done
red=$(grep -c ',red,' "$WORK"/csv/list-*.csv | awk -F: '{ s += $2 } END { print s }')
[ "$red" -gt 5 ] || fail "the sample put too few units in the red lane: $red"

# --input-format overrides detection: the CUSCAR file read as CSV is one column of segments,
# with no field the rules read.
"$BOXRANK" rank "$WORK/day.cuscar" --input-format csv --rules "$pack" --out "$WORK/forced" --max-reject-share 100% \
  --no-store -q 2>"$WORK/forced.txt" || true
segments=$(($(wc -l <"$WORK/day.cuscar") - 1))
grep -q "\"lines_read\": $segments," "$WORK/forced/summary.json" || fail "not read as CSV"
grep -q 'disabled' "$WORK/forced.txt" || fail "no rule disabled: $(cat "$WORK/forced.txt")"
expect_status 2 "$BOXRANK" rank "$WORK/day.csv" --input-format edi --rules "$pack" \
  --out "$WORK/bad" --no-store -q 2>/dev/null

# Three files of one day in one run: every line of each is read, and each unit seen three times.
expect_status 0 "$BOXRANK" rank "$WORK/day.csv" "$WORK/day.cuscar" "$WORK/day.x12" \
  --rules "$pack" --profile "$profile" --out "$WORK/all" --seed 3 -q
grep -q '"lines_read": 1800' "$WORK/all/summary.json" || fail "not every line read: $(cat "$WORK/all/summary.json")"
grep -q "day.csv, .*day.cuscar, .*day.x12" "$WORK/all/summary.json" || fail "inputs not named"

# A broken message (segment count wrong) is rejected; the other messages are ranked.
awk 'BEGIN { done = 0 } /^UNT\+/ && !done { sub(/UNT\+[0-9]+/, "UNT+99"); done = 1 } { print }' \
  "$WORK/day.cuscar" >"$WORK/broken.edi"
expect_status 3 "$BOXRANK" rank "$WORK/broken.edi" "$WORK/day.x12" --rules "$pack" \
  --out "$WORK/broken" --no-store -q
rej="$WORK/broken/rejects-broken.edi.csv"
[ -f "$rej" ] || fail "no reject file for the broken input: $(ls "$WORK/broken")"
[ ! -f "$WORK/broken/rejects-day.x12.csv" ] || fail "a reject file for the clean input"
head -1 "$rej" | grep -qx 'interchange,message,segment,tag,reason' || fail "reject header: $(head -1 "$rej")"
grep -q '^1,1,[0-9]*,UNT,"UNT counts 99 segments' "$rej" || fail "reject row: $(cat "$rej")"
grep -q '"lines_rejected": 1' "$WORK/broken/summary.json" || fail "reject not counted"
