#!/usr/bin/env bash
# Outputs that cannot mislead and settings that mean one thing: the run stamp on every list
# and in the store, no list of an earlier run left beside this run's, the reject-share limit,
# a partial reject file removed, one exit status for imports with rejects, ports validated
# alike by rank and outcomes import, --threads bounded, --seed taking a date, read-only
# commands on a read-only store, and report telling an empty period apart.
source "$(dirname "$0")/common.bash"
make_pack "$WORK/pack"
DB="$WORK/store.db"
H="record_id,container,port,origin_country,declared_kg,measured_kg,vessel_imo"

# A pack screening against a CSV watchlist: the stamp carries its hash.
printf 'kind,id,value,name,quality,program,notes\nvessel,V1,9074729,SHIP,,,\n' >"$WORK/wl.csv"
expect_status 0 "$BOXRANK" watchlist import --format csv --name tl "$WORK/wl.csv" --db "$DB" >/dev/null
wl_hash=$(sha256sum "$WORK/wl.csv" | cut -d' ' -f1)
printf '[watchlists]\nlists = tl\n' >>"$WORK/pack/pack.ini"
cat >>"$WORK/pack/rules.lua" <<'LUA'
rule { id = "E2E-WL", title = "Vessel listed", weight = 50, when = listed("vessel_imo", "tl") }
LUA
pack_hash=$("$BOXRANK" rules check "$WORK/pack" | sed -E 's/.*sha256 ([0-9a-f]+).*/\1/')
{
  echo "$H"
  for i in $(seq 1 20); do
    echo "L$i,C$i,IQUQR,EC,1000,1000,9074729"
    echo "M$i,D$i,IQSAW,DE,1000,1000,"
  done
} >"$WORK/two.csv"

# --- The stamp: every row, the summary and the store carry the same run id.
expect_status 0 "$BOXRANK" rank "$WORK/two.csv" --rules "$WORK/pack" --out "$WORK/o" --db "$DB" \
  --seed 2026-03-01 --date 2026-03-01 -q
run_id=$(sed -nE 's/^  "run_id": "(.*)",$/\1/p' "$WORK/o/summary.json")
[[ "$run_id" =~ ^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$ ]] || fail "summary run_id: '$run_id'"
grep -q '"list_date": "2026-03-01"' "$WORK/o/summary.json" || fail "summary list_date"
grep -q "\"sha256\": \"$wl_hash\"" "$WORK/o/summary.json" || fail "summary watchlist hash"
head -1 "$WORK/o/list-IQUQR.csv" | grep -q ',record,amended,run_id,list_date,pack,pack_version,pack_hash,seed,watchlists,rules_off$' ||
  fail "CSV stamp columns: $(head -1 "$WORK/o/list-IQUQR.csv")"
rows=$(tail -n +2 "$WORK/o/list-IQUQR.csv" | wc -l)
[ "$rows" -gt 0 ] || fail "no rows in the IQUQR list"
[ "$(grep -c ",$run_id,2026-03-01,e2e,1,${pack_hash}[0-9a-f]*,20260301,tl=$wl_hash,\$" "$WORK/o/list-IQUQR.csv")" -eq "$rows" ] ||
  fail "every CSV row carries the stamp: $(sed -n 2p "$WORK/o/list-IQUQR.csv")"
[ "$(grep -c "\"run\":{\"run_id\":\"$run_id\",\"list_date\":\"2026-03-01\",\"pack\":\"e2e\",\"pack_version\":\"1\",\"pack_hash\":\"$pack_hash[0-9a-f]*\",\"seed\":20260301,\"watchlists\":{\"tl\":\"$wl_hash\"},\"rules_off\":\[\]}}\$" "$WORK/o/list-IQUQR.jsonl")" -eq "$rows" ] ||
  fail "every JSON Lines record carries the stamp: $(head -1 "$WORK/o/list-IQUQR.jsonl")"
[ "$(sqlite3 "$DB" "SELECT run_key FROM runs ORDER BY id DESC LIMIT 1")" = "$run_id" ] ||
  fail "store: run_key"
[ "$(sqlite3 "$DB" "SELECT name || '=' || sha256 FROM run_watchlists w JOIN runs r ON r.id = w.run_id WHERE r.run_key = '$run_id'")" = "tl=$wl_hash" ] ||
  fail "store: the run's watchlist hashes"

# --seed YYYY-MM-DD is the number YYYYMMDD: the same lists but for the run id.
expect_status 0 "$BOXRANK" rank "$WORK/two.csv" --rules "$WORK/pack" --out "$WORK/o2" --db "$DB" \
  --seed 20260301 --date 2026-03-01 -q
for f in "$WORK"/o/list-*; do
  cmp -s <(unstamp "$f") <(unstamp "$WORK/o2/$(basename "$f")") || fail "--seed date: $(basename "$f")"
done
expect_status 2 "$BOXRANK" rank "$WORK/two.csv" --rules "$WORK/pack" --seed 2026-02-30 --db "$DB" --no-store -q 2>/dev/null

# --- No list of an earlier run survives: a port missing from today's input has no list.
grep -v IQSAW "$WORK/two.csv" >"$WORK/one.csv"
expect_status 0 "$BOXRANK" rank "$WORK/one.csv" --rules "$WORK/pack" --out "$WORK/o" --db "$DB" -q
[ -e "$WORK/o/list-IQUQR.csv" ] || fail "today's list missing"
[ ! -e "$WORK/o/list-IQSAW.csv" ] && [ ! -e "$WORK/o/list-IQSAW.jsonl" ] ||
  fail "yesterday's IQSAW list is still in --out"

# --- Rejects over --max-reject-share: exit 7, no lists, no summary, the rejects kept.
{
  cat "$WORK/two.csv"
  echo "X1,X1,IQUQR,EC,lots,1000,"
  echo "X2,X2,IQUQR,EC,lots,1000,"
  echo "X3,X3,IQUQR,EC,lots,1000,"
} >"$WORK/bad.csv" # 3 of 43 lines: 7%
runs_before=$(sqlite3 "$DB" "SELECT COUNT(*) FROM runs")
expect_status 7 "$BOXRANK" rank "$WORK/bad.csv" --rules "$WORK/pack" --out "$WORK/o" --db "$DB" \
  -q 2>"$WORK/err"
grep -q "3 of 43 lines rejected" "$WORK/err" || fail "reject share message: $(cat "$WORK/err")"
[ -z "$(find "$WORK/o" -name 'list-*')" ] || fail "lists written over the reject share"
[ ! -e "$WORK/o/summary.json" ] || fail "a summary written over the reject share"
[ "$(wc -l <"$WORK/o/rejects.csv")" -eq 4 ] || fail "the rejects must stay to say why"
[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM runs")" = "$runs_before" ] || fail "the run was recorded"
expect_status 3 "$BOXRANK" rank "$WORK/bad.csv" --rules "$WORK/pack" --out "$WORK/o" --db "$DB" \
  --max-reject-share 10% -q
expect_status 2 "$BOXRANK" rank "$WORK/bad.csv" --rules "$WORK/pack" --max-reject-share 1.5 -q 2>/dev/null
# A later clean run leaves no reject file of the failed one.
expect_status 0 "$BOXRANK" rank "$WORK/two.csv" --rules "$WORK/pack" --out "$WORK/o" --db "$DB" -q
[ ! -e "$WORK/o/rejects.csv" ] || fail "a reject file of an earlier run is still in --out"

# --- A full disk while writing rejects (a file size limit here): no partial reject file.
{
  echo "$H"
  for i in $(seq 1 3000); do echo "X$i,X$i,IQUQR,EC,lots,1000,"; done
} >"$WORK/many.csv"
(
  trap '' XFSZ
  ulimit -f 64
  expect_status 1 "$BOXRANK" rank "$WORK/many.csv" --rules "$WORK/pack" --out "$WORK/full" --db "$DB" \
    --no-store --max-reject-share 100% -q 2>"$WORK/err"
)
grep -q "rejects.csv: cannot write" "$WORK/err" || fail "full disk message: $(cat "$WORK/err")"
[ ! -e "$WORK/full/rejects.csv" ] || fail "a partial reject file was left"

# --- One exit status for imports with rejected rows, on every import of the file.
printf 'kind,id,value,name,quality,program,notes\nvessel,V1,9074729,SHIP,,,\nbogus,V2,x,,,,\n' >"$WORK/wl2.csv"
expect_status 3 "$BOXRANK" watchlist import --format csv --name t2 "$WORK/wl2.csv" --db "$DB" >/dev/null 2>&1
expect_status 3 "$BOXRANK" watchlist import --format csv --name t2 "$WORK/wl2.csv" --db "$DB" >/dev/null 2>&1
printf 'unit,port,date,result,category,severity,notes\nC1,IQUQR,2026-03-02,no_finding,,,\nC2,IQUQR,2026-13-01,no_finding,,,\n' >"$WORK/oc.csv"
expect_status 3 "$BOXRANK" outcomes import "$WORK/oc.csv" --db "$DB" >/dev/null 2>&1
expect_status 3 "$BOXRANK" outcomes import "$WORK/oc.csv" --db "$DB" >/dev/null 2>&1

# --- Ports: what outcomes import refuses, rank refuses too (a list nobody could report on).
long=IQUQRIQUQRIQUQRXX # 17 characters
{
  echo "$H"
  for i in $(seq 1 40); do echo "L$i,C$i,IQUQR,EC,1000,1000,"; done
  echo "P1,P1,$long,EC,1000,1000,"
  printf 'P2,P2,IQ\001UQR,EC,1000,1000,\n'
} >"$WORK/ports.csv"
expect_status 3 "$BOXRANK" rank "$WORK/ports.csv" --rules "$WORK/pack" --out "$WORK/p" --db "$DB" --no-store -q
grep -q "^42,port,\"port must be 1 to 16 characters" "$WORK/p/rejects.csv" || fail "rank: long port"
grep -q "^43,port,\"port must be 1 to 16 characters" "$WORK/p/rejects.csv" || fail "rank: control byte"
[ -z "$(find "$WORK/p" -name "list-*$long*")" ] || fail "rank listed the long port"
printf 'unit,port,date,result,category,severity,notes\nP1,%s,2026-03-02,no_finding,,,\n' "$long" >"$WORK/op.csv"
expect_status 3 "$BOXRANK" outcomes import "$WORK/op.csv" --db "$DB" 2>"$WORK/err" >/dev/null
grep -q "port must be 1 to 16 characters" "$WORK/err" || fail "outcomes: long port"

# --- --threads is bounded.
expect_status 2 "$BOXRANK" rank "$WORK/two.csv" --rules "$WORK/pack" --threads 1000 --db "$DB" --no-store -q 2>"$WORK/err"
grep -q "at most\|to 64" "$WORK/err" || fail "--threads message: $(cat "$WORK/err")"
expect_status 0 "$BOXRANK" rank "$WORK/two.csv" --rules "$WORK/pack" --threads 64 --out "$WORK/t" --db "$DB" --no-store -q

# --- report: an empty period or an unknown port says so, with its own status.
expect_status 8 "$BOXRANK" report --db "$DB" --from 2020-01-01 --to 2020-01-31 --format csv \
  >/dev/null 2>"$WORK/err"
grep -q "no inspections from 2020-01-01 to 2020-01-31" "$WORK/err" || fail "empty period: $(cat "$WORK/err")"
expect_status 8 "$BOXRANK" report --db "$DB" --from 2026-03-01 --to 2026-03-31 --port IQXXX \
  --format csv >/dev/null 2>"$WORK/err"
grep -q "no run or outcome in the store names this port" "$WORK/err" || fail "unknown port: $(cat "$WORK/err")"
expect_status 0 "$BOXRANK" report --db "$DB" --from 2026-03-01 --to 2026-03-31 --format csv >/dev/null

# --- Read-only commands open the store read-only: they work on a read-only file system.
mkdir "$WORK/ro"
cp "$DB" "$WORK/ro/store.db"
ro() { unshare -rm bash -c 'mount --bind -o ro "$0" "$0" && "$@"' "$WORK/ro" "$@"; }
ro touch "$WORK/ro/probe" 2>/dev/null && fail "the bind mount is not read-only"
expect_status 0 ro "$BOXRANK" report --db "$WORK/ro/store.db" --from 2026-03-01 --to 2026-03-31 \
  --format csv >/dev/null
expect_status 0 ro "$BOXRANK" outcomes list --db "$WORK/ro/store.db" >/dev/null
expect_status 0 ro "$BOXRANK" watchlist list --db "$WORK/ro/store.db" >/dev/null
expect_status 0 ro "$BOXRANK" watchlist match SHIP --db "$WORK/ro/store.db" >/dev/null
expect_status 0 ro "$BOXRANK" rank "$WORK/two.csv" --rules "$WORK/pack" --db "$WORK/ro/store.db" \
  --no-store --out "$WORK/ro-out" -q
echo ok
