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
  echo "record_id,container,port,arrival_date,origin_country,found,hint"
  for m in 01 02; do
    for i in $(seq 1 100); do
      origin=DE found=0
      [ "$i" -le 10 ] && found=1
      [ "$i" -le 5 ] && origin=EC
      [ "$i" -gt 95 ] && origin=EC
      hint=N
      [ "$i" -le 10 ] && hint=Y
      echo "R$m$i,C$m$(printf %03d "$i"),IQUQR,2026-$m-1$((i % 9)),$origin,$found,$hint"
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
# Port load: 10% of 100 units a month over 9 days a month, against the default capacity 20.
grep -Eq '^IQUQR +18 +20 +1\.1 ' "$WORK/out.txt" || fail "load: $(cat "$WORK/out.txt")"

# --compare: pack B flags exactly the positives; each month 5 units enter, 5 leave.
mkdir -p "$WORK/packb"
printf '[pack]\nname = bt-b\nunit = container\n' >"$WORK/packb/pack.ini"
cat >"$WORK/packb/rules.lua" <<'LUA'
rule { id = "BT-HINT", title = "Hint", weight = 10, when = field_in("hint", { "Y" }) }
LUA
expect_status 0 "$BOXRANK" backtest "$WORK/m.csv" --rules "$WORK/pack" --compare "$WORK/packb" \
  --profile "$WORK/p.ini" --label found --period month --k 10 --json "$WORK/cmp.json" >"$WORK/cmp.txt"
# p@10 and r@10 of A, of B and the change (10 positives, 10 inspected), then entering and leaving.
grep -Eq '^2026-01 +10 +0\.500 +1\.000 +\+0\.500 +0\.500 +1\.000 +\+0\.500 +5 +5$' "$WORK/cmp.txt" ||
  fail "compare: $(cat "$WORK/cmp.txt")"
grep -Eq '^2026-02 +10 +0\.500 +1\.000 +\+0\.500 +0\.500 +1\.000 +\+0\.500 +5 +5$' "$WORK/cmp.txt" ||
  fail "compare February"
grep -q '^load on capacity of bt-b ' "$WORK/cmp.txt" || fail "load of pack B"
# JSON: every entering unit of a month with the rule that put it there; the leaving ones are EC.
[ "$(grep -o '"rules":\["BT-HINT"\]' "$WORK/cmp.json" | wc -l)" = 10 ] || fail "compare JSON: $(cat "$WORK/cmp.json")"
[ "$(grep -o '"rules":\["BT-EC"\]' "$WORK/cmp.json" | wc -l)" = 10 ] || fail "compare JSON leaving"
grep -q '^entering at 10% (B.s scores and rules) (10; first 10 by score):' "$WORK/cmp.txt" || fail "entering"
[ "$(grep -c 'BT-HINT +10.00' "$WORK/cmp.txt")" = 10 ] || fail "entering units and their rule"

# --replay: a track-record rule on origin learns from January's labels for February; January
# has no history, so its top 10% is a seeded draw.
mkdir -p "$WORK/packh"
printf '[pack]\nname = bt-h\nunit = container\n[history]\nkeys = origin_country\n' >"$WORK/packh/pack.ini"
cat >"$WORK/packh/rules.lua" <<'LUA'
rule { id = "BT-ORIGIN", title = "Origin record", weight = 1, points = history_logodds("origin_country") }
LUA
expect_status 0 "$BOXRANK" backtest "$WORK/m.csv" --rules "$WORK/packh" --replay \
  --profile "$WORK/p.ini" --label found --period month --k 10 >"$WORK/replay.txt" 2>"$WORK/replay.err"
grep -q 'history of 200 labelled units' "$WORK/replay.err" || fail "replay history: $(cat "$WORK/replay.err")"
grep -Eq '^2026-02 +100 +10 +0\.500 +0\.500' "$WORK/replay.txt" || fail "replay February: $(cat "$WORK/replay.txt")"
grep -Eq '^BT-ORIGIN +10 +5 +0\.500' "$WORK/replay.txt" || fail "replay rule: fires where it raised the score"
expect_status 2 "$BOXRANK" backtest "$WORK/m.csv" --rules "$WORK/pack" --label found --k 0 2>/dev/null
expect_status 1 "$BOXRANK" backtest "$WORK/m.csv" --rules "$WORK/pack" --label nosuch 2>/dev/null
echo ok
