#!/usr/bin/env bash
# Hostile and broken inputs: every bad row is rejected with line, column and reason, the run
# goes on, and the exit status says so. Output cells cannot inject formulas, and port codes
# cannot escape the output folder.
source "$(dirname "$0")/common.bash"
make_pack "$WORK/pack"
H="record_id,container,port,origin_country,declared_kg,measured_kg"

# Empty file: a clear failure.
: >"$WORK/empty.csv"
expect_status 1 "$BOXRANK" rank "$WORK/empty.csv" --rules "$WORK/pack" --out "$WORK/o1" -q 2>"$WORK/err"
grep -qi "empty" "$WORK/err" || fail "empty file: message should say so: $(cat "$WORK/err")"

# Header only: no lists, no error.
echo "$H" >"$WORK/header.csv"
expect_status 0 "$BOXRANK" rank "$WORK/header.csv" --rules "$WORK/pack" --out "$WORK/o2" -q
grep -q '"lines_read": 0' "$WORK/o2/summary.json" || fail "header only: lines_read"

# Ragged rows, a bad number, invalid UTF-8, a NUL byte, a 1 MB field: rejected, others kept.
{
  echo "$H"
  echo "L1,C1,IQUQR,EC,1000,1000"
  echo "L2,C2,IQUQR,EC,1000"
  echo "L3,C3,IQUQR,EC,1000,1000,extra"
  echo "L4,C4,IQUQR,EC,lots,1000"
  printf 'L5,C5,IQUQR,E\xff,1000,1000\n'
  printf 'L6,C6,IQUQR,E\x00C,1000,1000\n'
  printf 'L7,C7,IQUQR,%s,1000,1000\n' "$(head -c 1100000 /dev/zero | tr '\0' 'A')"
  echo "L8,C8,IQUQR,DE,1000,1000"
} >"$WORK/bad.csv"
# (6 of 8 lines rejected: over the default --max-reject-share of 5%, which is raised here.)
expect_status 3 "$BOXRANK" rank "$WORK/bad.csv" --rules "$WORK/pack" --out "$WORK/o3" -q \
  --max-reject-share 100%
grep -q '"lines_read": 8' "$WORK/o3/summary.json" || fail "bad rows: lines_read"
grep -q '"lines_rejected": 6' "$WORK/o3/summary.json" || fail "bad rows: 6 rejected: $(cat "$WORK/o3/summary.json")"
rej="$WORK/o3/rejects.csv"
[ -f "$rej" ] || fail "no reject file"
for line in 3 4 5 6 7 8; do
  grep -q "^$line," "$rej" || fail "reject file lacks line $line: $(cut -c1-200 "$rej")"
done
grep -q '^5,declared_kg,' "$rej" || grep -q '^5,Declared\|^5,declared_kg' "$rej" || fail "bad number must name its column"

# A pack with a syntax error: failure naming the file and line.
mkdir -p "$WORK/broken"
cp "$WORK/pack/pack.ini" "$WORK/broken/"
printf 'rule {\n  id = "X",\n  title = "x",\n  weight = 1,\n  when = field_in("port", {"A"}\n}\n' >"$WORK/broken/bad.lua"
expect_status 1 "$BOXRANK" rank "$WORK/header.csv" --rules "$WORK/broken" --out "$WORK/o4" -q 2>"$WORK/err"
grep -q "bad.lua:[0-9]" "$WORK/err" || fail "syntax error should name file:line: $(cat "$WORK/err")"

# Formula injection and path tricks in the data.
{
  echo "$H"
  echo 'L1,=HYPERLINK("http://x"),../../etc,EC,1000,3000'
  echo 'L2,@SUM(A1),IQ/UQR,EC,1000,3000'
  echo 'L3,+1,..,EC,1000,3000'
} >"$WORK/evil.csv"
expect_status 0 "$BOXRANK" rank "$WORK/evil.csv" --rules "$WORK/pack" --out "$WORK/o5" -q
[ -z "$(find "$WORK" -maxdepth 1 -name 'list-*')" ] || fail "a list escaped the output folder"
[ ! -e "$WORK/etc" ] || fail "path trick created a folder"
n=$(find "$WORK/o5" -name 'list-*.csv' | wc -l)
[ "$n" -eq 3 ] || fail "expected 3 port lists, got $n"
if grep -h -v '^port,' "$WORK"/o5/list-*.csv | cut -d, -f4 | grep -q '^[=+@-]'; then
  fail "a CSV cell starts with a formula character"
fi
grep -qh "'=HYPERLINK" "$WORK"/o5/list-*.csv || fail "formula cell not escaped with an apostrophe"
echo "rank hostile: ok"
