#!/usr/bin/env bash
# The README's walk through the loop on the shipped samples: rank, import the shipped
# outcomes, report. The shipped outcomes are exactly what their documented command writes,
# and targeted inspections find more than the random control sample.
source "$(dirname "$0")/common.bash"
: "${BR_BUILD_DIR:?}"
GEN="$BR_BUILD_DIR/samples/boxrank-gen"
S="$BR_SOURCE_DIR/samples"
DB="$WORK/store.db"
rank() {
  "$BOXRANK" rank "$S/manifests/iraq-sample.csv" --rules "$BR_SOURCE_DIR/rules/ccp" \
    --profile "$BR_SOURCE_DIR/feeds/profiles/sample.ini" --out "$WORK/out" --seed 20261123 \
    --date 2026-03-01 -q "$@"
}
import_watchlists "$BOXRANK_DB"
import_watchlists "$DB"
expect_status 0 rank --no-store
expect_status 0 "$GEN" outcomes --manifest "$S/manifests/iraq-sample.csv" \
  --truth "$S/manifests/iraq-sample.truth.csv" --lists "$WORK/out" --seed 7 --date 2026-03-02 \
  --out "$WORK/outcomes.csv"
cmp -s "$WORK/outcomes.csv" "$S/outcomes/iraq-sample-outcomes.csv" ||
  fail "samples/outcomes/iraq-sample-outcomes.csv is not what its command writes"

expect_status 0 rank --db "$DB"
expect_status 0 "$BOXRANK" outcomes import "$S/outcomes/iraq-sample-outcomes.csv" --db "$DB" >/dev/null
expect_status 0 "$BOXRANK" report --from 2026-03-01 --to 2026-03-31 --db "$DB" --format csv \
  --out "$WORK/report.csv"
expect_status 0 "$BOXRANK" report --from 2026-03-01 --to 2026-03-31 --db "$DB" --out "$WORK/report.html"
grep -q '<svg' "$WORK/report.html" || fail "the HTML report has no chart"
# overall row: targeted_rate is column 14, random_rate column 19.
awk -F, '$1 == "overall" { exit !($14 > $19 && $12 >= 30) }' "$WORK/report.csv" ||
  fail "targeted inspections should find more than random ones: $(grep '^overall' "$WORK/report.csv")"
echo ok
