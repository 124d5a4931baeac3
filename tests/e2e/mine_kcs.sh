#!/usr/bin/env bash
# boxrank mine on the real KCS declarations: the mined rules load, pass their own tests, hold
# up on the held-out months of train and, alone, rank valid well above the 0.21 base rate.
set -euo pipefail
source "$(dirname "$0")/common.bash"
data="$BR_SHARED_DATA/kcs"
profile="$BR_SOURCE_DIR/feeds/profiles/kcs.ini"
mkdir -p "$WORK/mined"
printf '[pack]\nname = mined\nunit = record_id\nunit_fallback = record_id\n' >"$WORK/mined/pack.ini"
"$BOXRANK" mine "$data/train.csv" --profile "$profile" --label Fraud --ignore "Critical Fraud" \
  --unit record_id --out "$WORK/mined/mined.lua" >"$WORK/table.txt"
grep -q '^fit before 2020-10-19: 30274 units' "$WORK/table.txt" || fail "split: $(head -1 "$WORK/table.txt")"
[ "$(grep -c '^MINED-' "$WORK/table.txt")" = 20 ] || fail "20 rules: $(cat "$WORK/table.txt")"
grep -q 'Critical' "$WORK/mined/mined.lua" && fail "mined the ignored outcome column"
# Every kept rule holds up on held-out lines: lift (7th column) at least 1.25.
awk '/^MINED-/ && $7 < 1.25 { exit 1 }' "$WORK/table.txt" || fail "a rule that does not hold up"
"$BOXRANK" rules check "$WORK/mined" --profile "$profile" --input "$data/train.csv" >/dev/null ||
  fail "rules check"
# As written, with the profile alone: every field a mined rule names is known to it.
"$BOXRANK" rules check "$WORK/mined" --profile "$profile" >"$WORK/check.txt" ||
  fail "rules check --profile: $(cat "$WORK/check.txt")"
# Fixture numbers read as the source wrote them (372254.4, not 372254.40000000002).
grep -oE '\] = -?[0-9][0-9.e+-]*' "$WORK/mined/mined.lua" | cut -c5- | sort -u >"$WORK/numbers.txt"
[ -s "$WORK/numbers.txt" ] || fail "no fixture numbers"
while read -r n; do
  grep -qE "(^|,)$n(\\.0)?(,|$)" "$data/train.csv" || fail "fixture number $n is not in the source as written"
done <"$WORK/numbers.txt"
"$BOXRANK" rules test "$WORK/mined" --strict >/dev/null || fail "rules test"
"$BOXRANK" backtest "$data/valid.csv" --rules "$WORK/mined" --profile "$profile" --label Fraud \
  --period all >"$WORK/bt.txt"
read -r p5 < <(awk '$1 == "all" { print $8 }' "$WORK/bt.txt")
awk -v p="$p5" 'BEGIN { exit !(p >= 0.30) }' || fail "mined pack p@5 $p5"
echo ok
