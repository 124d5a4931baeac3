#!/usr/bin/env bash
# The starter pack rules/ccp: it checks clean against the sample profile, its own tests pass
# in strict mode, and on the shipped sample exactly the units that carry a planted pattern
# (per boxrank-gen --truth) reach the red lane.
source "$(dirname "$0")/common.bash"
: "${BR_BUILD_DIR:?}"
GEN="$BR_BUILD_DIR/samples/boxrank-gen"
pack="$BR_SOURCE_DIR/rules/ccp"
profile="$BR_SOURCE_DIR/feeds/profiles/sample.ini"
sample="$BR_SOURCE_DIR/samples/manifests/iraq-sample.csv"

expect_status 0 "$BOXRANK" rules check "$pack" --profile "$profile"
expect_status 0 "$BOXRANK" rules check "$pack" --profile "$profile" --input "$sample"
"$BOXRANK" rules test "$pack" --strict >"$WORK/test.txt" || fail "rules test: $(cat "$WORK/test.txt")"
grep -q "[0-9]* rules, .* 0 rules failing" "$WORK/test.txt" || fail "unexpected: $(cat "$WORK/test.txt")"

# Without the lists the pack screens against, ranking stops with a clear error.
"$BOXRANK" rank "$sample" --rules "$pack" --profile "$profile" --out "$WORK/none" --no-store -q \
  2>"$WORK/nolists.txt" && fail "ranked without the watchlists the pack names"
grep -q 'pack ccp screens against watchlists un, ofac; import them first' "$WORK/nolists.txt" ||
  fail "unclear error without watchlists: $(cat "$WORK/nolists.txt")"
import_watchlists "$BOXRANK_DB"
expect_status 0 "$BOXRANK" rank "$sample" --rules "$pack" --profile "$profile" --out "$WORK/out" \
  --seed 1 --no-store -q
# The planted units: container number, or the B/L when the goods came on a trailer.
expect_status 0 "$GEN" manifest --lines 3000 --seed 20260301 --start-date 2026-03-01 --days 7 \
  --out "$WORK/sample.csv" --truth "$WORK/truth.csv"
planted=$(awk -F, 'NR > 1 { print ($2 != "" ? $2 : $3) }' "$WORK/truth.csv" | sort -u | wc -l)
red=$(grep -o '"red": [0-9]*' "$WORK/out/summary.json" | awk '{ s += $2 } END { print s }')
[ "$planted" -gt 80 ] || fail "too few planted units in the sample: $planted"
[ "$red" -eq "$planted" ] || fail "$red red units, but $planted units carry a planted pattern"
# Umm Qasr has more red units than places: its list is full (25), about 10% of it random.
uqr_targeted=$(grep -c ',targeted,' "$WORK/out/list-IQUQR.csv" || true)
uqr_random=$(grep -c ',random,' "$WORK/out/list-IQUQR.csv" || true)
[ $((uqr_targeted + uqr_random)) -eq 25 ] || fail "Umm Qasr list holds $uqr_targeted + $uqr_random"
[ "$uqr_random" -ge 2 ] && [ "$uqr_random" -le 3 ] || fail "Umm Qasr random picks: $uqr_random"
# Every targeted unit is a planted one.
awk -F, 'NR > 1 { print ($2 != "" ? $2 : $3) }' "$WORK/truth.csv" | sort -u >"$WORK/planted"
cat "$WORK"/out/list-*.csv | awk -F, '$7 == "targeted" { print $4 }' | sort -u >"$WORK/targeted"
[ -z "$(comm -13 "$WORK/planted" "$WORK/targeted")" ] || fail "targeted units that are not planted"
echo ok
