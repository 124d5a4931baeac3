#!/usr/bin/env bash
# Browser tests of boxrank serve in Debian's Chromium, driven by puppeteer-core: a store built
# by the real CLI, a server on a loopback port, then worklist.mjs logs in as each role.
# Screenshots are kept in $BR_BUILD_DIR/browser-screenshots/.
source "$(dirname "$0")/../e2e/common.bash"
HERE="$BR_SOURCE_DIR/tests/browser"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing: BR_WITH_BROWSER=1 bash scripts/install-deps.sh"
if [ ! -d "$HERE/node_modules/puppeteer-core" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund >/dev/null) || fail "npm ci in tests/browser failed"
fi
SHOTS="${BR_BUILD_DIR:-$WORK}/browser-screenshots"
rm -rf "$SHOTS" && mkdir -p "$SHOTS"

DB="$WORK/store.db"
make_pack "$WORK/pack"
cat >"$WORK/list.csv" <<'CSV'
kind,id,value,name,quality,program,notes
entity,E1,Zarqa Precision Machining Company,,,TEST,
CSV
{
  echo "record_id,bol,container,port,shipper_name,consignee_name,description,hs_code,origin_country,load_port,vessel_name,voyage,arrival_date,declared_kg,measured_kg"
  # An earlier version of line L1, which the next row supersedes (the unit page shows both).
  echo 'L1,MEDU4410001,MSCU1000001,IQUQR,ZARQA PRECISION MACHINING CO,"<img src=x onerror=alert(1)><script>window.__xss=1</script> TRADING",MACHINE PARTS,847130,EC,ECGYE,MSC ANNA,AG101E,2026-03-02,4200,4300'
  echo 'L1,MEDU4410001,MSCU1000001,IQUQR,ZARQA PRECISION MACHINING CO,"<img src=x onerror=alert(1)><script>window.__xss=1</script> TRADING",MACHINE PARTS,847130,EC,ECGYE,MSC ANNA,AG101E,2026-03-02,4200,9800'
  echo 'L2,MEDU4410002,MSCU1000002,IQUQR,PACIFIC FRUIT EXPORTS S.A.,AL-RAFIDAIN FOODSTUFF TRADING CO.,FRESH BANANAS 18KG CARTONS,080390,CO,COSMR,MSC ANNA,AG101E,2026-03-02,18000,29500'
  for i in 3 4 5 6 7 8 9; do
    echo "L$i,MEDU441000$i,MSCU100000$i,IQUQR,EGE TEKSTIL SAN. VE TIC. LTD. STI.,BAGHDAD CLOTHING CO.,POLYESTER DYED FABRIC,540752,TR,TRMER,CMA CGM EUPHRATES,AG930W,2026-03-03,17000,17100"
  done
} >"$WORK/manifest.csv"
"$BOXRANK" watchlist import --format csv --name test "$WORK/list.csv" --db "$DB" >/dev/null
"$BOXRANK" rank "$WORK/manifest.csv" --rules "$WORK/pack" --out "$WORK/out" --db "$DB" \
  --seed 11 --date 2026-03-02 2>/dev/null
for u in "ana analyst --port IQUQR" "bob analyst --port IQUQR" "rita rule_author" \
  "cora commission" "adam admin"; do
  set -- $u
  name=$1 role=$2
  shift 2
  echo "browser test password" | "$BOXRANK" user add "$name" --role "$role" "$@" --db "$DB" >/dev/null
done

# A saved backtest comparison for the rule author to open: pack B flags exactly the 10
# positives of 100 units, pack A half of them (as in tests/e2e/backtest_basics.sh).
mkdir -p "$WORK/bta" "$WORK/btb"
printf '[pack]\nname = bt\nunit = container\n' >"$WORK/bta/pack.ini"
echo 'rule { id = "BT-EC", title = "Origin EC", weight = 10, when = field_in("origin_country", { "EC" }) }' >"$WORK/bta/rules.lua"
printf '[pack]\nname = bt-b\nunit = container\n' >"$WORK/btb/pack.ini"
echo 'rule { id = "BT-HINT", title = "Hint", weight = 10, when = field_in("hint", { "Y" }) }' >"$WORK/btb/rules.lua"
{
  echo "record_id,container,port,arrival_date,origin_country,found,hint"
  for i in $(seq 1 100); do
    origin=DE found=0 hint=N
    [ "$i" -le 10 ] && found=1 && hint=Y
    { [ "$i" -le 5 ] || [ "$i" -gt 95 ]; } && origin=EC
    echo "R$i,C$(printf %03d "$i"),IQUQR,2026-02-1$((i % 9)),$origin,$found,$hint"
  done
} >"$WORK/bt.csv"
printf '[profile]\nname = bt\n[types]\nfound = integer\n' >"$WORK/bt.ini"
"$BOXRANK" backtest "$WORK/bt.csv" --rules "$WORK/bta" --compare "$WORK/btb" --profile "$WORK/bt.ini" \
  --label found --period month --k 10 --json "$WORK/compare.json" >/dev/null

"$BOXRANK" serve --db "$DB" --listen 127.0.0.1:0 2>"$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
URL=$(serve_url "$WORK/serve.log")

node "$HERE/worklist.mjs" "$URL" "$SHOTS" "$CHROMIUM" "$WORK/compare.json" || fail "browser tests failed (screenshots in $SHOTS)"
kill -TERM $SERVER
wait $SERVER || fail "boxrank serve did not stop cleanly on SIGTERM"
grep -q "boxrank serve: stopped" "$WORK/serve.log" || fail "no clean stop in the log"
grep -Eq ' 127\.0\.0\.1 POST /api/result 200 [0-9.]+ms ana$' "$WORK/serve.log" ||
  fail "request log lacks the result: $(tail -5 "$WORK/serve.log")"
echo "browser tests passed; screenshots in $SHOTS"
