#!/usr/bin/env bash
# watchlist import | list | show | match | except | exceptions on the real UN and OFAC lists
# and a small CSV list: counts and rejects, idempotence, replacement, exceptions in force.
source "$(dirname "$0")/common.bash"
: "${BR_SHARED_DATA:?}"
DB="$WORK/db"
WL="$BR_SHARED_DATA/watchlists"

"$BOXRANK" watchlist import --format un "$WL/un-consolidated.xml" --db "$DB" >"$WORK/out.txt"
grep -Eq '^un: imported from .* [0-9]+ entries \(individual [0-9]+, entity [0-9]+\), [0-9]+ aliases, 0 rejected$' \
  "$WORK/out.txt" || fail "UN import summary: $(cat "$WORK/out.txt")"
"$BOXRANK" watchlist import --format ofac "$WL/ofac" --db "$DB" >"$WORK/out.txt"
grep -q 'vessel [0-9]' "$WORK/out.txt" || fail "OFAC vessels not counted: $(cat "$WORK/out.txt")"

# The same content again changes nothing.
before=$(sqlite3 "$DB" .dump | sha256sum)
"$BOXRANK" watchlist import --format un "$WL/un-consolidated.xml" --db "$DB" >"$WORK/out.txt"
grep -q '^un: unchanged' "$WORK/out.txt" || fail "re-import not recognised: $(cat "$WORK/out.txt")"
[ "$(sqlite3 "$DB" .dump | sha256sum)" = "$before" ] || fail "re-import changed the store"

# A CSV list with bad rows: rejects name the line and reason, exit 3.
cat >"$WORK/local.csv" <<'CSV'
kind,id,value,name,quality,program,notes
entity,E1,Zarqawi Blue Horizon Shipping LLC,,,,
entity,E1,Blue Horizon Marine,,low,,
container,,MSCU1234566,,,,
container,,MSCU1234567,,,,
port,,AEJEA,Jebel Ali,,,
country,,XX1,,,,
CSV
expect_status 3 "$BOXRANK" watchlist import --format csv --name local "$WORK/local.csv" --db "$DB" \
  >"$WORK/out.txt" 2>"$WORK/err.txt"
grep -q 'entity 1, port 1, container 1), 1 aliases, 2 rejected' "$WORK/out.txt" ||
  fail "CSV counts: $(cat "$WORK/out.txt")"
grep -q 'local.csv:5: ' "$WORK/err.txt" || fail "bad check digit not rejected: $(cat "$WORK/err.txt")"
grep -q 'local.csv:7: ' "$WORK/err.txt" || fail "bad country not rejected: $(cat "$WORK/err.txt")"
expect_status 2 "$BOXRANK" watchlist import --format csv "$WORK/local.csv" --db "$DB" 2>/dev/null
expect_status 1 "$BOXRANK" watchlist import --format un "$WORK/missing.xml" --db "$DB" 2>/dev/null

"$BOXRANK" watchlist list --db "$DB" >"$WORK/list.txt"
[ "$(wc -l <"$WORK/list.txt")" -eq 4 ] || fail "list should show a header and 3 lists"
grep -q $'^local\tcsv\t' "$WORK/list.txt" || fail "local list missing: $(cat "$WORK/list.txt")"
"$BOXRANK" watchlist show local --db "$DB" >"$WORK/show.txt"
grep -q $'^E1\tentity\tZarqawi Blue Horizon Shipping LLC\t.*Blue Horizon Marine (low)' "$WORK/show.txt" ||
  fail "show: $(cat "$WORK/show.txt")"
"$BOXRANK" watchlist show local --rejects --db "$DB" | grep -q 'local.csv:7' || fail "show --rejects"
[ "$(BOXRANK_DB="$DB" "$BOXRANK" watchlist show un --limit 3 | wc -l)" -eq 4 ] || fail "show --limit"
expect_status 1 "$BOXRANK" watchlist match "x" --list nosuch --db "$DB" 2>/dev/null

# A listed UN name, spelt differently, is the best candidate with its matched tokens.
ref=$(sqlite3 "$DB" "SELECT e.ref FROM watchlist_entries e JOIN watchlists w ON w.id = e.list_id
  WHERE w.name = 'un' AND e.kind = 'individual' AND e.name LIKE '% % %' ORDER BY e.ord LIMIT 1")
name=$(sqlite3 "$DB" "SELECT lower(name) FROM watchlist_entries WHERE ref = '$ref'")
"$BOXRANK" watchlist match "$name" --list un --top 3 --db "$DB" >"$WORK/match.txt"
head -1 "$WORK/match.txt" | grep -q $'^score\tlist\tentry' || fail "match header"
sed -n 2p "$WORK/match.txt" | grep -q $'^1.000\tun\t'"$ref"$'\t' || fail "match: $(cat "$WORK/match.txt")"
tok=$(echo "$name" | awk '{print $NF}')
sed -n 2p "$WORK/match.txt" | grep -q "=$tok" || fail "matched tokens missing: $(cat "$WORK/match.txt")"
"$BOXRANK" watchlist match "Zarkawi Blue Horizon Shipping" --db "$DB" >"$WORK/match.txt"
grep -q $'\tlocal\tE1\tentity\t' "$WORK/match.txt" || fail "typo not matched: $(cat "$WORK/match.txt")"
# Generic words alone never match.
expect_status 1 "$BOXRANK" watchlist match "General Trading Shipping LLC" --list local --db "$DB" >/dev/null

# An exception silences the pair until it expires; other parties still match.
expect_status 1 "$BOXRANK" watchlist except --list local --entry E9 --party x --by a --reason b \
  --db "$DB" 2>/dev/null
expect_status 1 "$BOXRANK" watchlist except --list local --entry E1 --party x --by a --reason b \
  --until 2026-02-30 --db "$DB" 2>/dev/null
expect_status 2 "$BOXRANK" watchlist except --list local --entry E1 --party x --db "$DB" 2>/dev/null
"$BOXRANK" watchlist except --list local --entry E1 --party "ZARKAWI blue-horizon shipping" \
  --by analyst1 --reason "different company, checked registry" --until 2030-12-31 --db "$DB" \
  >"$WORK/out.txt"
grep -q "^exception 1: " "$WORK/out.txt" || fail "except: $(cat "$WORK/out.txt")"
"$BOXRANK" watchlist match "Zarkawi Blue Horizon Shipping" --as-of 2030-12-31 --db "$DB" >"$WORK/match.txt"
grep -q $'\tlocal\tE1\t.*\texcepted$' "$WORK/match.txt" || fail "exception not applied: $(cat "$WORK/match.txt")"
"$BOXRANK" watchlist match "Zarkawi Blue Horizon Shipping" --as-of 2031-01-01 --db "$DB" >"$WORK/match.txt"
if grep -q 'excepted' "$WORK/match.txt"; then fail "expired exception still applied"; fi
"$BOXRANK" watchlist match "Zarqawi Blue Horizon Shipping Dubai" --as-of 2030-01-01 --db "$DB" >"$WORK/match.txt"
grep -q $'\tlocal\tE1\t' "$WORK/match.txt" || fail "other party should match: $(cat "$WORK/match.txt")"
if grep -q 'excepted' "$WORK/match.txt"; then fail "exception applied to another party"; fi
"$BOXRANK" watchlist exceptions --db "$DB" >"$WORK/exc.txt"
grep -q $'^1\tlocal\tE1\tZARKAWI blue-horizon shipping\tanalyst1\t.*\t2030-12-31\t.*\tdifferent company' \
  "$WORK/exc.txt" || fail "exceptions: $(cat "$WORK/exc.txt")"

# New content replaces the list; exceptions stay.
sed -i 's/Blue Horizon Marine/Blue Horizon Maritime/' "$WORK/local.csv"
expect_status 3 "$BOXRANK" watchlist import --format csv --name local "$WORK/local.csv" --db "$DB" \
  >"$WORK/out.txt" 2>/dev/null
grep -q '^local: replaced' "$WORK/out.txt" || fail "replacement: $(cat "$WORK/out.txt")"
[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM watchlist_aliases WHERE name LIKE 'Blue Horizon Mar%'")" -eq 1 ] ||
  fail "old aliases left behind"
[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM watchlist_exceptions")" -eq 1 ] || fail "exception lost"
"$BOXRANK" watchlist --help | grep -q 'watchlist match' || fail "help"
echo ok
