#!/usr/bin/env bash
# Hostile rule packs (tests/packs/hostile): each has one function rule that tries to escape
# its limits (a loop in an xpcall message handler, patterns that backtrack for hours, megabytes
# built in C per call, endless recursion, huge error messages, allocating gsub, concatenation
# loops only a deadline stops). A 300-line sample must end, score every line, and report the
# rule as failed. The watchdog is generous: before the fix each of these ran for minutes or
# never ended.
source "$(dirname "$0")/common.bash"
packs="$BR_SOURCE_DIR/tests/packs/hostile"
{
  echo "container,port,origin_country,declared_kg,measured_kg"
  for i in $(seq 1 300); do printf 'CONT%07d,IQUQR,EC,1000,1200\n' "$i"; done
} >"$WORK/s300.csv"
n=0
for pack in "$packs"/*/; do
  name=$(basename "$pack")
  out="$WORK/out-$name"
  got=0
  timeout 300 "$BOXRANK" rank "$WORK/s300.csv" --rules "$pack" --out "$out" -q 2>"$WORK/err" || got=$?
  [ "$got" -ne 124 ] || fail "$name: the run did not end within 300 s"
  [ "$got" -eq 4 ] || fail "$name: expected exit 4 (rule errors), got $got: $(head -c 500 "$WORK/err")"
  grep -q '"lines_scored": 300' "$out/summary.json" || fail "$name: not every line was scored"
  grep -q '"errors": [1-9]' "$out/summary.json" || fail "$name: the rule is not reported as failed"
  # The breaker (default 50 failures) switches the rule off for the rest of the run.
  grep -q '"rules_switched_off": \["H-' "$out/summary.json" || fail "$name: the rule was not switched off"
  grep -q "rule H-.* switched off" "$WORK/err" || fail "$name: no notice on stderr: $(cat "$WORK/err")"
  grep -q '"first_error": ".*\(budget\|CPU time\|nested\|memory\)' "$out/summary.json" ||
    fail "$name: the failure does not name the limit: $(grep first_error "$out/summary.json")"
  n=$((n + 1))
done
[ "$n" -ge 17 ] || fail "expected 17 hostile packs, found $n"

# A rule failing on every line of 3,000 is switched off after the pack's max_failures.
mkdir -p "$WORK/failing"
printf '[pack]\nname = failing\n[limits]\nmax_failures = 5\n' >"$WORK/failing/pack.ini"
cat >"$WORK/failing/rules.lua" <<'LUA'
rule { id = "ALWAYS-FAILS", title = "fails on every line", weight = 1,
  when = function(line) local k = "no_such_field" return line[k] > 1 end }
rule { id = "WORKS", title = "works", weight = 1, when = function(line) return true end }
rule { id = "NEEDS-HS", title = "reads a field the input lacks", weight = 1,
  when = present("hs_code") }
LUA
{
  echo "container,port,origin_country,declared_kg,measured_kg"
  for i in $(seq 1 3000); do printf 'CONT%07d,IQUQR,EC,1000,1200\n' "$i"; done
} >"$WORK/s3000.csv"
expect_status 4 "$BOXRANK" rank "$WORK/s3000.csv" --rules "$WORK/failing" --out "$WORK/of" -q \
  --db "$WORK/f.db" 2>"$WORK/err"
grep -q '"id": "ALWAYS-FAILS", "weight": 1, "fired": 0, "errors": 5,.*"switched_off": true' \
  "$WORK/of/summary.json" || fail "breaker: $(grep ALWAYS "$WORK/of/summary.json")"
grep -q '"id": "WORKS", "weight": 1, "fired": 3000, "errors": 0}' "$WORK/of/summary.json" ||
  fail "breaker: the other rule must go on"
grep -q "rule ALWAYS-FAILS switched off for the rest of the run after 5 failures" "$WORK/err" ||
  fail "breaker: no notice on stderr: $(cat "$WORK/err")"
# Every list row, the summary and stderr name the rules switched off for the run: the breaker's
# and those reading a field the input lacks. A list cannot show a rule that never ran.
grep -q "rule NEEDS-HS reads hs_code, which the input does not have" "$WORK/err" ||
  fail "stamp: no notice of the missing field on stderr: $(cat "$WORK/err")"
head -1 "$WORK/of/list-IQUQR.csv" | grep -q ',watchlists,rules_off$' || fail "stamp: no rules_off column"
rows=$(tail -n +2 "$WORK/of/list-IQUQR.csv" | wc -l)
[ "$rows" -gt 0 ] || fail "stamp: empty list"
[ "$(grep -c ',ALWAYS-FAILS=failing NEEDS-HS=missing:hs_code$' "$WORK/of/list-IQUQR.csv")" -eq "$rows" ] ||
  fail "stamp: a CSV row does not name the rules switched off: $(tail -1 "$WORK/of/list-IQUQR.csv")"
[ "$(grep -c '"rules_off":\[{"rule":"ALWAYS-FAILS","why":"failing"},{"rule":"NEEDS-HS","why":"missing_field","field":"hs_code"}\]}}$' \
  "$WORK/of/list-IQUQR.jsonl")" -eq "$rows" ] ||
  fail "stamp: a JSONL record does not name the rules switched off: $(tail -1 "$WORK/of/list-IQUQR.jsonl")"
tr -d '\n ' <"$WORK/of/summary.json" |
  grep -q '"rules_off":\[{"rule":"ALWAYS-FAILS","why":"failing"},{"rule":"NEEDS-HS","why":"missing_field","field":"hs_code"}\]' ||
  fail "stamp: summary.json rules_off: $(grep -A3 rules_off "$WORK/of/summary.json")"
grep -q '"missing_fields": \[$' "$WORK/of/summary.json" && grep -q '{"rule": "NEEDS-HS", "field": "hs_code", "disabled": true}' "$WORK/of/summary.json" ||
  fail "stamp: summary.json missing_fields"
# The store keeps them too, so a report on the run months later can tell a rule that found
# nothing from one that never ran.
got=$(sqlite3 "$WORK/f.db" "SELECT rule_id || '=' || COALESCE(off, '') FROM run_rules ORDER BY ord" | tr '\n' ' ')
[ "$got" = "ALWAYS-FAILS=failing WORKS= NEEDS-HS=missing:hs_code " ] || fail "store: run_rules.off: $got"
# Several inputs: a rule off in any of them is named, each field once.
cp "$WORK/s3000.csv" "$WORK/s3000b.csv"
expect_status 4 "$BOXRANK" rank "$WORK/s3000.csv" "$WORK/s3000b.csv" --rules "$WORK/failing" --out "$WORK/of2" \
  --no-store -q 2>/dev/null
grep -q ',ALWAYS-FAILS=failing NEEDS-HS=missing:hs_code$' "$WORK/of2/list-IQUQR.csv" ||
  fail "stamp, two inputs: $(tail -1 "$WORK/of2/list-IQUQR.csv")"
echo "rank hostile rules: ok ($n packs)"
