#!/usr/bin/env bash
# backtest --feedback on the real KCS declarations: valid replayed month by month with history
# from train. With inspected, the history learns only from the units the day lists inspected
# (fewer outcomes than with all, never more), and both replays are reported side by side.
set -euo pipefail
source "$(dirname "$0")/common.bash"
data="$BR_SHARED_DATA/kcs"
args=(--rules "$BR_SOURCE_DIR/rules/kcs" --profile "$BR_SOURCE_DIR/feeds/profiles/kcs.ini"
  --label Fraud --history "$data/train.csv" --k 1,5)
"$BOXRANK" backtest "$data/valid.csv" "${args[@]}" --feedback inspected >"$WORK/fb.txt"
[ "$(grep -c '^inspected  2021-0[123] ' "$WORK/fb.txt")" = 3 ] || fail "inspected rows: $(cat "$WORK/fb.txt")"
[ "$(grep -c '^all        2021-0[123] ' "$WORK/fb.txt")" = 3 ] || fail "all rows: $(cat "$WORK/fb.txt")"
grep -q '^inspected  drift, first to last period: p@1 ' "$WORK/fb.txt" || fail "no drift line"
# The first month sees the same history either way: the same precision and picks.
diff <(awk '$1 == "inspected" && $2 == "2021-01" { $1 = ""; $NF = ""; print }' "$WORK/fb.txt") \
  <(awk '$1 == "all" && $2 == "2021-01" { $1 = ""; $NF = ""; print }' "$WORK/fb.txt") >/dev/null ||
  fail "January differs between the replays"
# Learnt: inspected = the month's inspections; all = every unit of the month.
awk '$1 == "inspected" && $2 ~ /^2021/ && $NF != $6 { exit 1 }' "$WORK/fb.txt" ||
  fail "inspected learnt other than its inspections"
awk '$1 == "all" && $2 ~ /^2021/ && $NF != $3 { exit 1 }' "$WORK/fb.txt" ||
  fail "all learnt other than every unit"
# Targeted picks find far more than random ones.
awk '$1 == "inspected" && $2 ~ /^2021/ && $9 < 3 * $13 { exit 1 }' "$WORK/fb.txt" ||
  fail "targeted rate not well above random: $(cat "$WORK/fb.txt")"
expect_status 2 "$BOXRANK" backtest "$data/valid.csv" "${args[@]}" --feedback sometimes
expect_status 2 "$BOXRANK" backtest "$data/valid.csv" "${args[@]}" --feedback all --period all
echo ok
