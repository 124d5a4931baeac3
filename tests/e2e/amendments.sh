#!/usr/bin/env bash
# Amendments: a later CUSCAR replacing (BGM function 5) or deleting (3) a B/L, and a later CSV
# row for the same line, win over the earlier versions within a run; the deleted unit leaves
# the lists, the amended one is marked; the latest version is the one later in file order,
# whatever the thread count.
source "$(dirname "$0")/common.bash"
: "${BR_BUILD_DIR:?}"
GEN="$BR_BUILD_DIR/samples/boxrank-gen"
profile="$BR_SOURCE_DIR/feeds/profiles/sample.ini"
# The starter pack without its watchlist rules: no lists need importing here.
mkdir -p "$WORK/pack"
cp "$BR_SOURCE_DIR"/rules/ccp/*.lua "$BR_SOURCE_DIR/rules/ccp/pack.ini" "$WORK/pack/"
rm "$WORK/pack/watchlists.lua"
sed -i '/^\[watchlists\]/,/^lists/d' "$WORK/pack/pack.ini"

expect_status 0 "$GEN" manifest --lines 300 --seed 5 --format cuscar --out "$WORK/day.edi"
msg() { awk -v n="$1" '$0 ~ "^UNH\\+" n "\\+" { on = 1 } on { print } on && /^UNT\+/ { exit }' "$WORK/day.edi"; }
msg 1 >"$WORK/m1"
msg 2 >"$WORK/m2"
box=$(grep -m1 '^EQD' "$WORK/m1" | cut -d+ -f3)
deleted_bol=$(grep -m1 '^BGM' "$WORK/m2" | cut -d+ -f3)
{
  echo "UNA:+.? 'UNB+UNOW:4+CARRIER+CUSTOMS+20260302:0900+2'"
  sed -e "s/^BGM+85+\(.*\)+9'/BGM+85+\1+5'/" -e "s/VGM+KGM:[0-9]*/VGM+KGM:40000/" "$WORK/m1"
  sed -e "s/^BGM+85+\(.*\)+9'/BGM+85+\1+3'/" "$WORK/m2"
  echo "UNZ+2+2'"
} >"$WORK/amend.edi"

expect_status 0 "$BOXRANK" rank "$WORK/day.edi" --rules "$WORK/pack" --out "$WORK/base" --no-store -q
expect_status 0 "$BOXRANK" rank "$WORK/day.edi" "$WORK/amend.edi" --rules "$WORK/pack" \
  --out "$WORK/amended" --no-store 2>"$WORK/err.txt"
grep -q 'amendments: 1 B/L x container replaced, 1 deleted' "$WORK/err.txt" || fail "$(cat "$WORK/err.txt")"
row=$(grep -h "^[A-Z]*,[0-9]*,[0-9]*,$box," "$WORK"/amended/list-*.csv) || fail "amended unit $box not listed"
echo "$row" | grep -q 'weighed 40000 kg' || fail "the replacing version did not win: $row"
echo "$row" | nostamp | grep -q ',yes$' || fail "amended unit not marked: $row"
grep -h ",$box," "$WORK"/base/list-*.csv | grep -q 'weighed 40000' && fail "base already had the amendment"
units() { grep -o '"units": [0-9]*' "$1/summary.json" | head -1 | awk '{ print $2 }'; }
[ "$(units "$WORK/amended")" -eq $(($(units "$WORK/base") - 1)) ] ||
  fail "deleted B/L $deleted_bol still a unit: $(units "$WORK/base") -> $(units "$WORK/amended")"
# The same run on one thread gives the same lists.
expect_status 0 "$BOXRANK" rank "$WORK/day.edi" "$WORK/amend.edi" --rules "$WORK/pack" \
  --out "$WORK/one" --no-store -q --threads 1
for f in "$WORK"/amended/list-*; do cmp -s <(unstamp "$f") <(unstamp "$WORK/one/$(basename "$f")") || fail "threads: $f"; done
# File order decides: the amendment given first is the earlier version, the original wins.
expect_status 0 "$BOXRANK" rank "$WORK/amend.edi" "$WORK/day.edi" --rules "$WORK/pack" \
  --out "$WORK/reversed" --no-store -q
grep -h ",$box," "$WORK"/reversed/list-*.csv | grep -q 'weighed 40000' && fail "earlier file won"

# CSV: a later row for the same line (same Line ID, B/L and container) replaces the first.
expect_status 0 "$GEN" manifest --lines 50 --seed 5 --out "$WORK/day.csv"
# The first six columns (line, B/L, container, seal, type, gross) are never quoted.
sed -n '2s/^\(\([^,]*,\)\{6\}\)[^,]*/\140000/p' "$WORK/day.csv" >"$WORK/late.csv"
cat "$WORK/day.csv" "$WORK/late.csv" >"$WORK/both.csv"
csv_box=$(sed -n 2p "$WORK/day.csv" | cut -d, -f3)
[ -n "$csv_box" ] || fail "the row has no container"
expect_status 0 "$BOXRANK" rank "$WORK/both.csv" --rules "$WORK/pack" --profile "$profile" \
  --out "$WORK/csv" --no-store -q
grep -h ",$csv_box," "$WORK"/csv/list-*.csv | nostamp | grep -q 'weighed 40000 kg.*,yes$' ||
  fail "CSV amendment: $(grep -h ",$csv_box," "$WORK"/csv/list-*.csv)"
grep -q '"lines_scored": 50,' "$WORK/csv/summary.json" || fail "superseded row scored: $(grep lines_ "$WORK/csv/summary.json")"

# The store keeps every version with its time; the lists are the same with it as without.
db="$WORK/versions.db"
expect_status 0 "$BOXRANK" rank "$WORK/day.edi" "$WORK/amend.edi" --rules "$WORK/pack" \
  --out "$WORK/stored" --db "$db" -q
for f in "$WORK"/amended/list-*; do
  cmp -s <(unstamp "$f") <(unstamp "$WORK/stored/$(basename "$f")") || fail "the store changed $f"
done
versions() { "$BOXRANK" unit versions "$@" --db "$db"; }
versions "$box" >"$WORK/v1.csv"
[ "$(wc -l <"$WORK/v1.csv")" -eq 3 ] || fail "two versions of $box expected: $(cat "$WORK/v1.csv")"
grep -q "^superseded,.*/day\.edi,[0-9]*,\"interchange 1, message 1\",original," "$WORK/v1.csv" ||
  fail "the superseded original: $(cat "$WORK/v1.csv")"
grep -q "^current,.*/amend\.edi,[0-9]*,\"interchange 2, message 1\",replace," "$WORK/v1.csv" ||
  fail "the replacing version: $(cat "$WORK/v1.csv")"
grep -q "^current,.*,20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]*Z," "$WORK/v1.csv" || fail "no time: $(cat "$WORK/v1.csv")"
versions --bol "$deleted_bol" | grep -q '^deleted,.*,delete,' || fail "the deletion: $(versions --bol "$deleted_bol")"
# The worklist keeps the unit's current line only.
n=$(sqlite3 "$db" "SELECT COUNT(*) FROM selection_lines WHERE fields LIKE '%$box%' AND fields LIKE '%\"amendment\":\"original\"%'")
[ "$n" -eq 0 ] || fail "the worklist kept the superseded line of $box"
# Ranking a file again sends nothing anew; a later file with another version supersedes.
expect_status 0 "$BOXRANK" rank "$WORK/day.edi" --rules "$WORK/pack" --out "$WORK/again" --db "$db" -q
versions "$box" | cmp -s - "$WORK/v1.csv" || fail "a re-run made versions: $(versions "$box")"
sed 's/VGM+KGM:40000/VGM+KGM:41000/' "$WORK/amend.edi" >"$WORK/amend2.edi"
expect_status 0 "$BOXRANK" rank "$WORK/amend2.edi" --rules "$WORK/pack" --out "$WORK/later" --db "$db" -q
versions "$box" >"$WORK/v2.csv"
[ "$(grep -c '^current,' "$WORK/v2.csv")" -eq 1 ] || fail "one current version: $(cat "$WORK/v2.csv")"
grep -q "^current,.*/amend2\.edi," "$WORK/v2.csv" || fail "the later run's version: $(cat "$WORK/v2.csv")"
grep -q "^superseded,.*/amend\.edi,.*,replace," "$WORK/v2.csv" || fail "the earlier replacement: $(cat "$WORK/v2.csv")"
grep '^current,' "$WORK/v2.csv" | grep -q '""measured_kg"":""41000""' || fail "the later version's fields"

# A replacing message (BGM function 5) is its whole B/L anew: the consignment it leaves out is
# dropped; a change (4) leaves it; a cancellation (1) drops the whole B/L.
# Message 46 of the sample has three consignments (record ids) of one B/L.
msg 46 >"$WORK/m46"
[ "$(grep -c '^CNI+' "$WORK/m46")" -eq 3 ] || fail "message 46 no longer has three consignments"
resend() { # FUNCTION OUT: message 46 without its third consignment, with that function
  {
    echo "UNA:+.? 'UNB+UNOW:4+CARRIER+CUSTOMS+20260302:0900+$1'"
    sed -e "s/^BGM+85+\(.*\)+9'/BGM+85+\1+$1'/" -e '/^CNI+3+/,/^UNT+/{/^UNT+/!d}' "$WORK/m46" |
      awk '/^UNT\+/ { sub(/^UNT\+[0-9]+/, "UNT+" n + 1) } { n++; print }'
    echo "UNZ+1+$1'"
  } >"$2"
}
scored() { grep -o '"lines_scored": [0-9]*' "$1/summary.json" | awk '{ print $2 }'; }
base=$(scored "$WORK/base")
for f in 5 4 1; do
  resend "$f" "$WORK/f$f.edi"
  expect_status 0 "$BOXRANK" rank "$WORK/day.edi" "$WORK/f$f.edi" --rules "$WORK/pack" \
    --out "$WORK/f$f" --no-store -q
done
[ "$(scored "$WORK/f5")" -eq $((base - 1)) ] || fail "replace: $(scored "$WORK/f5") lines, base $base"
[ "$(scored "$WORK/f4")" -eq "$base" ] || fail "change: $(scored "$WORK/f4") lines, base $base"
[ "$(scored "$WORK/f1")" -eq $((base - 3)) ] || fail "cancel: $(scored "$WORK/f1") lines, base $base"
# The store marks the left-out consignment deleted.
expect_status 0 "$BOXRANK" rank "$WORK/day.edi" "$WORK/f5.edi" --rules "$WORK/pack" \
  --out "$WORK/f5s" --db "$WORK/replace.db" -q
bol46=$(grep -m1 '^BGM' "$WORK/m46" | cut -d+ -f3)
"$BOXRANK" unit versions --bol "$bol46" --db "$WORK/replace.db" >"$WORK/v46.csv"
grep -q '^deleted,.*,original,' "$WORK/v46.csv" || fail "the dropped consignment: $(cat "$WORK/v46.csv")"
[ "$(grep -c '^current,.*,replace,' "$WORK/v46.csv")" -eq 2 ] || fail "the replacement: $(cat "$WORK/v46.csv")"

# CSV: a profile names the action column and maps its codes (R replaces the whole B/L, C
# changes a line, D deletes a line, X cancels a B/L); an unknown code is a reject. Without a
# record id a line is its B/L x container.
mkdir -p "$WORK/actions"
printf 'code,canonical\nN,original\nC,change\nR,replace\nD,delete\nX,cancel\n' >"$WORK/actions/actions.csv"
cat >"$WORK/actions/actions.ini" <<'INI'
[profile]
name = actions
[columns]
bol = BL
container = Box
port = Port
measured_kg = VGM
[field amendment]
column = Action
code_map = actions.csv
unmapped = reject
INI
cat >"$WORK/actions/day.csv" <<'CSV'
Line,BL,Box,Port,VGM,Action
1,B1,MSCU0000011,IQUQR,1000,N
2,B1,MSCU0000012,IQUQR,1000,N
3,B2,MSCU0000021,IQUQR,1000,N
4,B2,MSCU0000022,IQUQR,1000,N
5,B3,MSCU0000031,IQUQR,1000,N
6,B1,MSCU0000011,IQUQR,1200,R
7,B2,MSCU0000021,IQUQR,1200,C
8,B3,MSCU0000031,IQUQR,1000,X
9,B2,MSCU0000022,IQUQR,1000,Q
CSV
make_pack "$WORK/actions/pack"
expect_status 3 "$BOXRANK" rank "$WORK/actions/day.csv" --rules "$WORK/actions/pack" \
  --profile "$WORK/actions/actions.ini" --out "$WORK/actions/out" --no-store -q \
  --max-reject-share 0.2 2>/dev/null
# Standing: B1 line 6 (its box 12 dropped), B2 lines 7 and 4; B3 cancelled; line 9 rejected.
[ "$(scored "$WORK/actions/out")" -eq 3 ] || fail "CSV actions: $(scored "$WORK/actions/out") lines scored"
grep -q 'Q' "$WORK/actions/out/rejects.csv" || fail "the unknown action code was not rejected"
