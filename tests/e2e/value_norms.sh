#!/usr/bin/env bash
# value_norm end to end: norms learnt from the declarations of --history files, each line of the
# ranked file compared only with those dated before it, and the reason saying against what.
set -euo pipefail
source "$(dirname "$0")/common.bash"
header="Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud"
row() { # id date price (net mass 100 kg) [fraud]
  echo "$1,$2,30,B,11,21,11,10,D1,I1,S1,,847130,CN,CN,8.0,A,Y,100.0,$3,${4:-},"
}
{
  echo "$header"
  # January: 45 per kg; March: 4.5 per kg, twice as many. Labelled or not: norms count both.
  for i in 1 2 3 4 5 6 7 8 9 10; do row "10$i" 2020-01-1$((i % 9)) 4500 $((i % 2)); done
  for i in $(seq 1 20); do row "20$i" 2020-03-02 450; done
} >"$WORK/history.csv"
{
  echo "$header"
  row 301 2020-02-03 450   # February, 4.5 per kg: only January counts, ten times below it
  row 302 2020-02-03 4500  # at the norm
  row 303 2020-04-01 450   # April: most earlier declarations are at 4.5 per kg now
} >"$WORK/new.csv"
mkdir "$WORK/pack"
cat >"$WORK/pack/pack.ini" <<'INI'
[pack]
unit = record_id
unit_fallback = record_id
[history]
keys = hs6+origin_country
[lanes]
red = 0.5
yellow = 0.1
INI
cat >"$WORK/pack/norms.lua" <<'LUA'
rule { id = "LOW", title = "Value per kg far below the norm", weight = 1,
       points = value_norm("hs6+origin_country", "low") }
LUA
"$BOXRANK" rank "$WORK/new.csv" --rules "$WORK/pack" --profile "$BR_SOURCE_DIR/feeds/profiles/kcs.ini" \
  --history "$WORK/history.csv" --label Fraud --no-store --out "$WORK/lists" -q
cat "$WORK"/lists/list-*.csv >"$WORK/all.csv"
grep -q '^.*301.*LOW +[0-9.]*: value/kg 4.5 is 0.1x the hs6+origin_country 847130+CN median (44.[0-9]*) of 10 declarations' \
  "$WORK/all.csv" || fail "301 not explained against January's 10 declarations: $(cat "$WORK/all.csv")"
if grep -E '(^|,)30[23],.*LOW' "$WORK/all.csv"; then fail "302 or 303 fired"; fi
# Without history there is no norm, and the rule does not fire.
"$BOXRANK" rank "$WORK/new.csv" --rules "$WORK/pack" --profile "$BR_SOURCE_DIR/feeds/profiles/kcs.ini" \
  --no-store --out "$WORK/lists2" -q
if grep -q 'value/kg' "$WORK"/lists2/list-*.csv; then fail "fired without a history"; fi
echo ok
