#!/usr/bin/env bash
# configtest for packs: a misspelt group or key in pack.ini, or an unknown rule in weights.ini,
# is an error naming the line and the likely intended name, in rules check and in rank; rule ids
# outside the alphabet are refused; pack dump prints the effective settings.
source "$(dirname "$0")/common.bash"
make_pack "$WORK/pack"
echo "record_id,container,port,origin_country,declared_kg,measured_kg" >"$WORK/in.csv"
echo "L1,C1,IQUQR,EC,1000,3000" >>"$WORK/in.csv"

# [capacities] for [capacity]: every port's capacity would silently change.
cp -r "$WORK/pack" "$WORK/typo"
sed -i 's/^\[capacity\]/[capacities]/; s/^share = /shrae = /' "$WORK/typo/pack.ini"
expect_status 6 "$BOXRANK" rules check "$WORK/typo" >"$WORK/out"
grep -q "pack.ini:7: unknown group \[capacities\] (did you mean \[capacity\]?)" "$WORK/out" ||
  fail "rules check: $(cat "$WORK/out")"
grep -q "pack.ini:10: \[random\] shrae: unknown key (did you mean share?)" "$WORK/out" ||
  fail "rules check: $(cat "$WORK/out")"
expect_status 1 "$BOXRANK" rank "$WORK/in.csv" --rules "$WORK/typo" --out "$WORK/o1" -q 2>"$WORK/err"
grep -q "did you mean" "$WORK/err" || fail "rank: $(cat "$WORK/err")"
[ ! -e "$WORK/o1/summary.json" ] || fail "rank ran with a misspelt pack.ini"

# weights.ini naming a rule the pack does not have.
cp -r "$WORK/pack" "$WORK/weights"
printf '[weights]\nE2E-ORIGN = 3\n' >"$WORK/weights/weights.ini"
expect_status 6 "$BOXRANK" rules check "$WORK/weights" >"$WORK/out"
grep -q "weights.ini:2: \[weights\] E2E-ORIGN: the pack has no such rule (did you mean E2E-ORIGIN?)" \
  "$WORK/out" || fail "weights: $(cat "$WORK/out")"

# Rule ids outside the alphabet: a newline, a slash, a leading '=', HTML.
for id in 'A\nB' 'A/B' '=CMD()' '<b>X</b>'; do
  mkdir -p "$WORK/ids"
  cp "$WORK/pack/pack.ini" "$WORK/ids/"
  printf 'rule { id = "%s", title = "t", weight = 1, when = present("bol") }\n' "$id" >"$WORK/ids/rules.lua"
  expect_status 6 "$BOXRANK" rules check "$WORK/ids" >"$WORK/out"
  grep -q "rules.lua:1: rule id .* is not allowed" "$WORK/out" || fail "id $id: $(cat "$WORK/out")"
  expect_status 1 "$BOXRANK" rank "$WORK/in.csv" --rules "$WORK/ids" --out "$WORK/o2" -q 2>/dev/null
done

# pack dump: the settings with defaults filled in, as a pack.ini that loads the same.
"$BOXRANK" pack dump "$WORK/pack" >"$WORK/dump.ini"
for want in '^\[capacity\]$' '^default = 3$' '^share = 0.34$' '^memory_mb = 64$' \
  '^instructions = 1000000$' '^cpu_ms = 100$' '^max_failures = 50$' '^unit = container$' \
  '^date_field = arrival_date$'; do
  grep -q "$want" "$WORK/dump.ini" || fail "pack dump lacks $want: $(cat "$WORK/dump.ini")"
done
mkdir -p "$WORK/again"
cp "$WORK/pack/rules.lua" "$WORK/again/"
tail -n +2 "$WORK/dump.ini" >"$WORK/again/pack.ini"
"$BOXRANK" pack dump "$WORK/again" | tail -n +2 | cmp - <(tail -n +2 "$WORK/dump.ini") ||
  fail "the dump does not load to the same settings"
expect_status 1 "$BOXRANK" pack dump "$WORK/typo" 2>/dev/null
"$BOXRANK" pack dump --help | grep -q "Example" || fail "pack dump --help has no example"
expect_status 2 "$BOXRANK" pack dump
echo "pack config: ok"
