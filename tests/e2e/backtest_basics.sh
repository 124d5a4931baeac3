#!/usr/bin/env bash
# backtest on labelled lines: precision and recall at k% and per-rule figures, checked against
# counts known by construction.
source "$(dirname "$0")/common.bash"
mkdir -p "$WORK/pack"
printf '[pack]\nname = bt\nunit = container\n' >"$WORK/pack/pack.ini"
cat >"$WORK/pack/rules.lua" <<'LUA'
rule { id = "BT-EC", title = "Origin EC", weight = 10, when = field_in("origin_country", { "EC" }) }
LUA
# 100 units in January and 100 in February; each month 10 positives, 5 of them from EC, and 5
# negatives from EC: the 10 EC units of a month are its top 10%.
{
  echo "record_id,container,port,arrival_date,origin_country,found"
  for m in 01 02; do
    for i in $(seq 1 100); do
      origin=DE found=0
      [ "$i" -le 10 ] && found=1
      [ "$i" -le 5 ] && origin=EC
      [ "$i" -gt 95 ] && origin=EC
      echo "R$m$i,C$m$(printf %03d "$i"),IQUQR,2026-$m-1$((i % 9)),$origin,$found"
    done
  done
} >"$WORK/m.csv"
printf '[profile]\nname = bt\n[types]\nfound = integer\n' >"$WORK/p.ini"
expect_status 0 "$BOXRANK" backtest "$WORK/m.csv" --rules "$WORK/pack" --profile "$WORK/p.ini" \
  --label found --period month --k 10 --json "$WORK/bt.json" >"$WORK/out.txt"
grep -q '^200 units, 20 positive (base rate 0.100)' "$WORK/out.txt" || fail "totals: $(cat "$WORK/out.txt")"
grep -Eq '^2026-01 +100 +10 +0\.500 +0\.500' "$WORK/out.txt" || fail "January p@10/r@10: $(cat "$WORK/out.txt")"
grep -Eq '^2026-02 +100 +10 +0\.500 +0\.500' "$WORK/out.txt" || fail "February p@10/r@10"
grep -Eq '^BT-EC +20 +10 +0\.500 +5\.00' "$WORK/out.txt" || fail "rule line: $(cat "$WORK/out.txt")"
grep -q '"period":"2026-01","units":100,"positives":10,"at":\[{"k":10,"inspected":10,"hits":5' "$WORK/bt.json" ||
  fail "JSON: $(cat "$WORK/bt.json")"
expect_status 2 "$BOXRANK" backtest "$WORK/m.csv" --rules "$WORK/pack" --label found --k 0 2>/dev/null
expect_status 1 "$BOXRANK" backtest "$WORK/m.csv" --rules "$WORK/pack" --label nosuch 2>/dev/null
echo ok
