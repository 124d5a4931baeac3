#!/usr/bin/env bash
# `boxrank rules test`: every rule's fixture lines through a real evaluator; PASS/FAIL per rule
# with file:line, exit 6 on any failure; --strict also fails rules without both kinds of test.
source "$(dirname "$0")/common.bash"
packs="$BR_SOURCE_DIR/tests/packs"

expect_status 0 "$BOXRANK" rules test "$packs/good" --strict >"$WORK/good.txt"
[ "$(grep -c '^PASS ' "$WORK/good.txt")" -eq 5 ] || fail "expected 5 PASS lines: $(cat "$WORK/good.txt")"
grep -qF "PASS G-SEASON ($packs/good/rules.lua:40)" "$WORK/good.txt" || fail "PASS line without file:line"

expect_status 6 "$BOXRANK" rules test "$packs/failing" >"$WORK/failing.txt"
f="$packs/failing/rules.lua"
while IFS= read -r want; do
  grep -qF -- "$want" "$WORK/failing.txt" || fail "missing: $want (got: $(cat "$WORK/failing.txt"))"
done <<EOF2
FAIL F-WRONG ($f:1) test 1: expected it to fire, but it did not fire
FAIL F-WRONG ($f:1) test 2: expected it not to fire, but it fired
FAIL F-REASON ($f:9) test 1: expected reason "consignee NOT ACME", got "consignee ACME"
FAIL F-ERROR ($f:17) test 1: the rule failed:
the line has no field "no_such_field"
PASS F-PASS ($f:25)
failing: 4 rules, 8 tests, 3 rules failing
EOF2

# Rules without both kinds of test: a warning, and a failure under --strict.
expect_status 0 "$BOXRANK" rules test "$packs/untested" >"$WORK/untested.txt"
grep -qF "WARN U-ONESIDED ($packs/untested/rules.lua:1): no test that does not fire" "$WORK/untested.txt" || fail "$(cat "$WORK/untested.txt")"
grep -qF "WARN U-NONE ($packs/untested/rules.lua:6): no tests" "$WORK/untested.txt" || fail "$(cat "$WORK/untested.txt")"
expect_status 6 "$BOXRANK" rules test "$packs/untested" --strict >"$WORK/strict.txt"
[ "$(grep -c '^FAIL ' "$WORK/strict.txt")" -eq 2 ] || fail "expected 2 FAIL lines: $(cat "$WORK/strict.txt")"

# A malformed fixture line is a failing test, not a crash.
mkdir -p "$WORK/bad"
printf '[pack]\nname = bad\n' >"$WORK/bad/pack.ini"
cat >"$WORK/bad/rules.lua" <<'LUA'
rule { id = "B", title = "b", weight = 1, when = present("bol"),
  tests = { { line = { "B1" }, fires = true }, { line = { bol = true }, fires = true },
            { line = { bol = "B1" } }, { line = { arrival_date = "soon" }, fires = false } } }
LUA
expect_status 6 "$BOXRANK" rules test "$WORK/bad" >"$WORK/bad.txt"
[ "$(grep -c '^FAIL B' "$WORK/bad.txt")" -eq 4 ] || fail "expected 4 failing tests: $(cat "$WORK/bad.txt")"
grep -qF "should be a date YYYY-MM-DD" "$WORK/bad.txt" || fail "$(cat "$WORK/bad.txt")"

# The shipped packs that carry tests for every rule pass under --strict.
for pack in ccp bench; do
  "$BOXRANK" rules test "$BR_SOURCE_DIR/rules/$pack" --strict >"$WORK/$pack.txt" || fail "rules test --strict rules/$pack: $(grep -v '^PASS' "$WORK/$pack.txt")"
done

expect_status 0 "$BOXRANK" rules test --help >"$WORK/help.txt"
grep -q "Example" "$WORK/help.txt" || fail "rules test --help has no example"
expect_status 2 "$BOXRANK" rules test
echo ok
