#!/usr/bin/env bash
# Amendments: a later CUSCAR replacing (BGM function 5) or deleting (3) a B/L, and a later CSV
# row for the same line, win over the earlier versions within a run; the deleted unit leaves
# the lists, the amended one is marked; the latest version is the one later in file order,
# whatever the thread count.
source "$(dirname "$0")/common.bash"
: "${BR_BUILD_DIR:?}"
GEN="$BR_BUILD_DIR/samples/boxrank-gen"
profile="$BR_SOURCE_DIR/feeds/profiles/sample.ini"
# The starter pack without its watchlist rules: no lists need importing here.
mkdir -p "$WORK/pack"
cp "$BR_SOURCE_DIR"/rules/ccp/*.lua "$BR_SOURCE_DIR/rules/ccp/pack.ini" "$WORK/pack/"
rm "$WORK/pack/watchlists.lua"
sed -i '/^\[watchlists\]/,/^lists/d' "$WORK/pack/pack.ini"

expect_status 0 "$GEN" manifest --lines 300 --seed 5 --format cuscar --out "$WORK/day.edi"
msg() { awk -v n="$1" '$0 ~ "^UNH\\+" n "\\+" { on = 1 } on { print } on && /^UNT\+/ { exit }' "$WORK/day.edi"; }
msg 1 >"$WORK/m1"
msg 2 >"$WORK/m2"
box=$(grep -m1 '^EQD' "$WORK/m1" | cut -d+ -f3)
deleted_bol=$(grep -m1 '^BGM' "$WORK/m2" | cut -d+ -f3)
{
  echo "UNA:+.? 'UNB+UNOW:4+CARRIER+CUSTOMS+20260302:0900+2'"
  sed -e "s/^BGM+85+\(.*\)+9'/BGM+85+\1+5'/" -e "s/VGM+KGM:[0-9]*/VGM+KGM:40000/" "$WORK/m1"
  sed -e "s/^BGM+85+\(.*\)+9'/BGM+85+\1+3'/" "$WORK/m2"
  echo "UNZ+2+2'"
} >"$WORK/amend.edi"

expect_status 0 "$BOXRANK" rank "$WORK/day.edi" --rules "$WORK/pack" --out "$WORK/base" --no-store -q
expect_status 0 "$BOXRANK" rank "$WORK/day.edi" "$WORK/amend.edi" --rules "$WORK/pack" \
  --out "$WORK/amended" --no-store 2>"$WORK/err.txt"
grep -q 'amendments: 1 B/L x container replaced, 1 deleted' "$WORK/err.txt" || fail "$(cat "$WORK/err.txt")"
row=$(grep -h "^[A-Z]*,[0-9]*,[0-9]*,$box," "$WORK"/amended/list-*.csv) || fail "amended unit $box not listed"
echo "$row" | grep -q 'weighed 40000 kg' || fail "the replacing version did not win: $row"
echo "$row" | nostamp | grep -q ',yes$' || fail "amended unit not marked: $row"
grep -h ",$box," "$WORK"/base/list-*.csv | grep -q 'weighed 40000' && fail "base already had the amendment"
units() { grep -o '"units": [0-9]*' "$1/summary.json" | head -1 | awk '{ print $2 }'; }
[ "$(units "$WORK/amended")" -eq $(($(units "$WORK/base") - 1)) ] ||
  fail "deleted B/L $deleted_bol still a unit: $(units "$WORK/base") -> $(units "$WORK/amended")"
# The same run on one thread gives the same lists.
expect_status 0 "$BOXRANK" rank "$WORK/day.edi" "$WORK/amend.edi" --rules "$WORK/pack" \
  --out "$WORK/one" --no-store -q --threads 1
for f in "$WORK"/amended/list-*; do cmp -s <(unstamp "$f") <(unstamp "$WORK/one/$(basename "$f")") || fail "threads: $f"; done
# File order decides: the amendment given first is the earlier version, the original wins.
expect_status 0 "$BOXRANK" rank "$WORK/amend.edi" "$WORK/day.edi" --rules "$WORK/pack" \
  --out "$WORK/reversed" --no-store -q
grep -h ",$box," "$WORK"/reversed/list-*.csv | grep -q 'weighed 40000' && fail "earlier file won"

# CSV: a later row for the same line (same Line ID, B/L and container) replaces the first.
expect_status 0 "$GEN" manifest --lines 50 --seed 5 --out "$WORK/day.csv"
# The first six columns (line, B/L, container, seal, type, gross) are never quoted.
sed -n '2s/^\(\([^,]*,\)\{6\}\)[^,]*/\140000/p' "$WORK/day.csv" >"$WORK/late.csv"
cat "$WORK/day.csv" "$WORK/late.csv" >"$WORK/both.csv"
csv_box=$(sed -n 2p "$WORK/day.csv" | cut -d, -f3)
[ -n "$csv_box" ] || fail "the row has no container"
expect_status 0 "$BOXRANK" rank "$WORK/both.csv" --rules "$WORK/pack" --profile "$profile" \
  --out "$WORK/csv" --no-store -q
grep -h ",$csv_box," "$WORK"/csv/list-*.csv | nostamp | grep -q 'weighed 40000 kg.*,yes$' ||
  fail "CSV amendment: $(grep -h ",$csv_box," "$WORK"/csv/list-*.csv)"
grep -q '"lines_scored": 50,' "$WORK/csv/summary.json" || fail "superseded row scored: $(grep lines_ "$WORK/csv/summary.json")"
