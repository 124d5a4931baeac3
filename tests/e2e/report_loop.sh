#!/usr/bin/env bash
# The feedback loop end to end: rank records its selections in the store, outcomes come back,
# and the hit-rate report shows them; the HTML renders in headless Chromium with its tables and
# SVG charts. Needs Debian's chromium package (CI installs it).
source "$(dirname "$0")/common.bash"
command -v chromium >/dev/null || fail "chromium is required (apt-get install -y chromium)"
"$BOXRANK" rank --help | grep -q -- '--db' || fail "boxrank rank has no --db option: runs are not recorded"
make_pack "$WORK/pack"
DB="$WORK/store.db"
{
  echo "record_id,container,port,origin_country,declared_kg,measured_kg"
  for i in $(seq 1 60); do
    origin=DE
    [ $((i % 4)) -eq 0 ] && origin=EC
    measured=1000
    [ $((i % 3)) -eq 0 ] && measured=2500
    port=IQUQR
    [ $((i % 2)) -eq 0 ] && port=IQSAW
    printf "L%d,CONT%04d,%s,%s,1000,%d\n" "$i" "$i" "$port" "$origin" "$measured"
  done
} >"$WORK/m.csv"
expect_status 0 "$BOXRANK" rank "$WORK/m.csv" --rules "$WORK/pack" --out "$WORK/out" --seed 3 -q --db "$DB"
[ "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM runs')" -eq 1 ] || fail "the run was not recorded"

# Outcomes dated the run's list date: targeted units found something, random ones did not;
# one inspection of a unit no list held.
day=$(sqlite3 "$DB" 'SELECT as_of FROM runs')
{
  echo "unit,port,date,result,category,severity,notes"
  for list in "$WORK"/out/list-*.csv; do
    tail -n +2 "$list" | while IFS=, read -r port _ _ unit _ _ selection _; do
      if [ "$selection" = targeted ]; then
        echo "$unit,$port,$day,finding,drugs,4,seized"
      else
        echo "$unit,$port,$day,no_finding,,,"
      fi
    done
  done
  echo "NOTLISTED,IQUQR,$day,finding,counterfeit,2,"
} >"$WORK/outcomes.csv"
expect_status 0 "$BOXRANK" outcomes import "$WORK/outcomes.csv" --db "$DB" >"$WORK/import.txt"
grep -q "1 other inspections" "$WORK/import.txt" || fail "import: $(cat "$WORK/import.txt")"
[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM outcomes WHERE source = 'selection'")" -gt 0 ] ||
  fail "no outcome was linked to a selection"

expect_status 0 "$BOXRANK" report --db "$DB" --from "$day" --to "$day" --format json --out "$WORK/r.json"
grep -q '"dimension":"rule","rule":"E2E-ORIGIN"' "$WORK/r.json" || fail "no rule rows in the JSON report"
expect_status 0 "$BOXRANK" report --db "$DB" --from "$day" --to "$day" --format csv >"$WORK/r.csv"
grep -q '^overall,' "$WORK/r.csv" || fail "no overall row in the CSV report"
expect_status 0 "$BOXRANK" report --db "$DB" --from "$day" --to "$day" --out "$WORK/r.html"
expect_status 2 "$BOXRANK" report --db "$DB" --from "$day" 2>/dev/null
expect_status 2 "$BOXRANK" report --db "$DB" --from "$day" --to "$day" --format pdf 2>/dev/null

chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$WORK/chrome" "$@" 2>/dev/null
}
chrome --dump-dom "file://$WORK/r.html" >"$WORK/dom.html" || fail "chromium could not load the report"
for id in table-port table-rule table-lane table-port-month rules-never-fired rules-never-hit; do
  grep -q "id=\"$id\"" "$WORK/dom.html" || fail "rendered report lacks #$id"
done
for chart in chart-time chart-rules; do
  grep -q "<svg id=\"$chart\"" "$WORK/dom.html" || fail "rendered report lacks the $chart SVG"
done
grep -q '<polyline' "$WORK/dom.html" || fail "time chart has no series"
grep -q '<circle' "$WORK/dom.html" || fail "charts have no points"
chrome --window-size=1200,1600 --screenshot="$WORK/shot.png" "file://$WORK/r.html" >/dev/null ||
  fail "chromium could not take a screenshot"
[ "$(stat -c %s "$WORK/shot.png")" -gt 20000 ] || fail "the screenshot is blank"
echo "ok"
