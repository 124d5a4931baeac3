#!/usr/bin/env bash
# A store or a reject file that cannot grow (a full disk, here a file size limit): rank and
# outcomes import fail with a message naming the file, leave the store as it was, leave no
# list or partial reject file behind, and the next run without the limit works. The faults
# at every call inside SQLite are in tests/unit/test_store_faults.c.
source "$(dirname "$0")/common.bash"
make_pack "$WORK/pack"
DB="$WORK/store.db"
{
  echo "record_id,container,port,origin_country,declared_kg,measured_kg,importer_id,hs_code"
  for i in $(seq 1 3000); do echo "L$i,C$i,IQUQR,EC,1000,1000,IMP$i,8471$i"; done
} >"$WORK/m.csv"
store_state() {
  sqlite3 "$DB" "PRAGMA integrity_check; SELECT COUNT(*) FROM runs; SELECT COUNT(*) FROM outcomes;
                 SELECT COUNT(*) FROM audit;" | tr '\n' ' '
}

expect_status 0 "$BOXRANK" rank "$WORK/m.csv" --rules "$WORK/pack" --out "$WORK/o1" --db "$DB" \
  --date 2026-03-01 -q
before=$(store_state)
[ "$before" = "ok 1 0 1 " ] || fail "store after one run: $before"

# --- rank: the run's rows do not fit. The lists written before the store refused are gone.
(
  trap '' XFSZ
  ulimit -f 120
  expect_status 1 "$BOXRANK" rank "$WORK/m.csv" --rules "$WORK/pack" --out "$WORK/o2" --db "$DB" \
    --date 2026-03-02 -q 2>"$WORK/err"
)
# Where the limit is met depends on when SQLite writes: a statement that spills pages, or the
# commit that writes the WAL (a run's packs are appended since migration 12).
grep -Eq "run not recorded, its lists removed from $WORK/o2: $DB: cannot (write|commit): " "$WORK/err" ||
  fail "rank on a full store: $(cat "$WORK/err")"
[ -z "$(ls "$WORK/o2")" ] || fail "a run that was not recorded left outputs: $(ls "$WORK/o2")"
[ "$(store_state)" = "$before" ] || fail "a failed run changed the store: $(store_state)"
expect_status 0 "$BOXRANK" rank "$WORK/m.csv" --rules "$WORK/pack" --out "$WORK/o2" --db "$DB" \
  --date 2026-03-02 -q
[ "$(store_state)" = "ok 2 0 2 " ] || fail "the next run: $(store_state)"
[ -s "$WORK/o2/list-IQUQR.csv" ] || fail "the next run wrote no list"

# --- outcomes import: the reject file fills up first; nothing is stored, no partial rejects.
{
  echo "unit,port,date,result,category,severity,notes"
  echo "C1,IQUQR,2026-03-03,no_finding,,,"
  for i in $(seq 1 3000); do echo "X$i,IQUQR,2026-02-31,no_finding,,,a note that makes the row longer"; done
} >"$WORK/oc.csv"
before=$(store_state)
(
  trap '' XFSZ
  ulimit -f 64
  expect_status 1 "$BOXRANK" outcomes import "$WORK/oc.csv" --rejects "$WORK/rej.csv" --db "$DB" \
    >/dev/null 2>"$WORK/err"
)
grep -q "rej.csv: cannot write the reject file" "$WORK/err" ||
  fail "outcomes import, rejects on a full disk: $(cat "$WORK/err")"
[ ! -e "$WORK/rej.csv" ] || fail "a partial reject file was left"
[ "$(store_state)" = "$before" ] || fail "a failed import changed the store: $(store_state)"
# A device that is always full: the same error, and the device is left alone.
expect_status 1 "$BOXRANK" outcomes import "$WORK/oc.csv" --rejects /dev/full --db "$DB" \
  >/dev/null 2>"$WORK/err"
grep -q "/dev/full: cannot write the reject file: No space left on device" "$WORK/err" ||
  fail "outcomes import --rejects /dev/full: $(cat "$WORK/err")"
[ -c /dev/full ] || fail "/dev/full is gone"
expect_status 3 "$BOXRANK" outcomes import "$WORK/oc.csv" --rejects "$WORK/rej.csv" --db "$DB" \
  >/dev/null 2>&1
[ "$(store_state)" = "ok 2 1 2 " ] || fail "the next import: $(store_state)"
[ "$(wc -l <"$WORK/rej.csv")" -eq 3001 ] || fail "the next import's rejects: $(wc -l <"$WORK/rej.csv")"

# --- rank: rejects to a full device fail the run before any list is written.
printf 'record_id,container,port,origin_country,declared_kg,measured_kg\nB1,C1,IQUQR,EC,x,1\n' \
  >"$WORK/bad.csv"
expect_status 1 "$BOXRANK" rank "$WORK/bad.csv" --rules "$WORK/pack" --out "$WORK/o3" --db "$DB" \
  --rejects /dev/full --max-reject-share 100% -q 2>"$WORK/err"
grep -q "/dev/full: cannot write: No space left on device" "$WORK/err" ||
  fail "rank --rejects /dev/full: $(cat "$WORK/err")"
[ -z "$(ls "$WORK/o3")" ] || fail "rank with unwritable rejects left outputs: $(ls "$WORK/o3")"
[ "$(store_state)" = "ok 2 1 2 " ] || fail "rank with unwritable rejects changed the store"
echo "ok"
