#!/usr/bin/env bash
# `boxrank rules check`: every problem of a pack as file:line: message, exit 6; a clean pack
# gets a one-line summary and exit 0.
source "$(dirname "$0")/common.bash"
packs="$BR_SOURCE_DIR/tests/packs"

expect_status 6 "$BOXRANK" rules check "$packs/problems" --today 2026-11-23 >"$WORK/out.txt"
a="$packs/problems/a_rules.lua"
while IFS= read -r want; do
  grep -qF -- "$want" "$WORK/out.txt" || fail "missing diagnostic: $want (got: $(cat "$WORK/out.txt"))"
done <<EOF2
$packs/problems/b_syntax.lua:4: '}' expected (to close '{' at line 1) near 'weight'
$a:2: rule P-OK: duplicate id (first defined at $a:1)
$a:3: rule P-NOTITLE: no title
$a:4: rule P-WEIGHT: weight must be a number
$a:5: rule P-FIELD: unknown field "gross_kg"
$a:6: rule P-EXPIRED: expired on 2020-01-31
$a:8: rule P-TYPO: unknown key "wieght" (misspelt?)
$a:9: rule P-DATE: valid_from "2026-13-01" is not a date (YYYY-MM-DD)
$a:11: rule P-ORDER: valid_until is before valid_from
$a:13: rule without an id
$a:14: rule P-WHEN: "when" must be a condition
$a:15: rule P-REASON: unknown field "bol_number"
EOF2
[ "$(wc -l <"$WORK/out.txt")" -eq 12 ] || fail "expected 12 diagnostics: $(cat "$WORK/out.txt")"

# Before the rule expired, it is no problem.
"$BOXRANK" rules check "$packs/problems" --today 2019-06-01 >"$WORK/early.txt" || true
grep -q "expired" "$WORK/early.txt" && fail "expiry reported before the date"

# The sample profile passes "Seal Changed" through, so the good pack knows that field.
expect_status 6 "$BOXRANK" rules check "$packs/good" >"$WORK/noprofile.txt"
grep -qF 'unknown field "Seal Changed"' "$WORK/noprofile.txt" || fail "Seal Changed should be unknown without a profile"
expect_status 0 "$BOXRANK" rules check "$packs/good" --profile "$BR_SOURCE_DIR/feeds/profiles/sample.ini" >"$WORK/good.txt"
[ "$(wc -l <"$WORK/good.txt")" -eq 1 ] || fail "expected a one-line summary: $(cat "$WORK/good.txt")"
grep -qE "good: 5 rules, no problems \(pack good, sha256 [0-9a-f]{12}\)" "$WORK/good.txt" || fail "summary: $(cat "$WORK/good.txt")"

expect_status 0 "$BOXRANK" rules check --help >"$WORK/help.txt"
grep -q "Example" "$WORK/help.txt" || fail "rules check --help has no example"
expect_status 2 "$BOXRANK" rules check
expect_status 1 "$BOXRANK" rules check "$WORK/no-such-pack"
echo ok
