#!/usr/bin/env bash
# outcomes import on its own: rejects with line and column, exit codes, idempotence, listing,
# and a SIGKILL in the middle of an import leaving the store exactly as it was.
source "$(dirname "$0")/common.bash"
DB="$WORK/store.db"

cat >"$WORK/a.csv" <<'CSV'
unit,port,date,result,category,severity,notes
MSCU1234565,IQUQR,2026-01-11,finding,drugs,4,"=cmd|' /C calc'!A0"
TGHU7654321,IQUQR,2026-01-12,no_finding,,,
CAIU1111111,IQBSR,2026-01-32,no_finding,,,
CAIU2222222,IQBSR,2026-01-12,finding,,3,
CSV
expect_status 3 "$BOXRANK" outcomes import "$WORK/a.csv" --db "$DB" --rejects "$WORK/rejects.csv" \
  >"$WORK/out.txt" 2>"$WORK/err.txt"
grep -q "4 rows: 2 new outcomes (0 of selected units, 2 other inspections), 0 already stored, 2 rejected" \
  "$WORK/out.txt" || fail "unexpected summary: $(cat "$WORK/out.txt")"
grep -q "a.csv:4: date: not a date" "$WORK/err.txt" || fail "bad date not reported: $(cat "$WORK/err.txt")"
grep -q "a.csv:5: category: a finding needs a category" "$WORK/err.txt" || fail "missing category not reported"
[ "$(head -1 "$WORK/rejects.csv" | tr -d '\r')" = "line,column,reason,unit,port,date,result,category,severity,notes" ] ||
  fail "reject file header: $(head -1 "$WORK/rejects.csv")"
[ "$(wc -l <"$WORK/rejects.csv")" -eq 3 ] || fail "reject file should hold 2 rows"

# The same file again: nothing changes; it still holds rejected rows, so the status says so
# (as watchlist import does).
before=$(sqlite3 "$DB" .dump | sha256sum)
expect_status 3 "$BOXRANK" outcomes import "$WORK/a.csv" --db "$DB" >"$WORK/out.txt"
grep -q "imported before (import 1, 4 rows, 2 rejected)" "$WORK/out.txt" ||
  fail "re-import not recognised: $(cat "$WORK/out.txt")"
[ "$(sqlite3 "$DB" .dump | sha256sum)" = "$before" ] || fail "re-import changed the store"

# Listing: CSV, formula-looking notes cannot run in a spreadsheet.
BOXRANK_DB="$DB" "$BOXRANK" outcomes list --port IQUQR >"$WORK/list.csv"
[ "$(wc -l <"$WORK/list.csv")" -eq 3 ] || fail "list should hold a header and 2 outcomes"
grep -q ',other,' "$WORK/list.csv" || fail "unselected units must be marked other"
if grep -q ',=cmd' "$WORK/list.csv" || grep -q ',"=cmd' "$WORK/list.csv"; then
  fail "formula injection in the listing"
fi
expect_status 2 "$BOXRANK" outcomes list --db "$DB" --from 2026-13-01 2>/dev/null
expect_status 1 "$BOXRANK" outcomes list --db "$WORK/absent.db" 2>/dev/null
expect_status 1 "$BOXRANK" outcomes import "$WORK/missing.csv" --db "$DB" 2>/dev/null
printf 'unit,port\n' >"$WORK/bad.csv"
expect_status 1 "$BOXRANK" outcomes import "$WORK/bad.csv" --db "$DB" 2>"$WORK/err.txt"
grep -q "bad.csv:1: column 'date' is missing" "$WORK/err.txt" || fail "header error: $(cat "$WORK/err.txt")"

# Crash safety: kill -9 while the import's transaction holds 30000 rows.
{
  echo "unit,port,date,result,category,severity,notes"
  for i in $(seq 1 50000); do
    echo "B$i,IQUQR,2026-02-0$((i % 9 + 1)),no_finding,,,"
  done
} >"$WORK/big.csv"
before=$(sqlite3 "$DB" .dump | sha256sum)
BOXRANK_FAULT_PAUSE_AFTER_ROWS=30000 "$BOXRANK" outcomes import "$WORK/big.csv" --db "$DB" \
  >/dev/null 2>"$WORK/pause.txt" &
pid=$!
for _ in $(seq 1 600); do
  grep -q "paused" "$WORK/pause.txt" && break
  sleep 0.1
done
grep -q "boxrank: paused" "$WORK/pause.txt" || { kill -9 $pid; fail "importer never paused"; }
kill -9 $pid
wait $pid 2>/dev/null || true
[ "$(sqlite3 "$DB" .dump | sha256sum)" = "$before" ] || fail "a killed import changed the store"
expect_status 0 "$BOXRANK" outcomes import "$WORK/big.csv" --db "$DB" >"$WORK/out.txt"
grep -q "50000 new outcomes" "$WORK/out.txt" || fail "import after the kill: $(cat "$WORK/out.txt")"
[ "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM outcomes')" -eq 50002 ] || fail "wrong outcome count"
echo "ok"
