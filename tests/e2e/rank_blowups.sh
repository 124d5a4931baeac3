#!/usr/bin/env bash
# Inputs that once crashed rank or blew up its time or memory: a profile value that is not
# UTF-8, a header of a million columns, a file with CR-only line ends.
source "$(dirname "$0")/common.bash"
make_pack "$WORK/pack"

# A profile value that is not UTF-8: an error naming the file and key (was a segfault).
printf '[profile]\nname = x\n[columns]\ncontainer = \xff\xfe\n' >"$WORK/p.ini"
echo "container,port" >"$WORK/in.csv"
expect_status 1 "$BOXRANK" rank "$WORK/in.csv" --rules "$WORK/pack" --profile "$WORK/p.ini" \
  --out "$WORK/o1" --no-store -q 2>"$WORK/err"
grep -q "p.ini:4: \[columns\] container: .*not UTF-8" "$WORK/err" || fail "profile bytes: $(cat "$WORK/err")"

# A million columns: a batch holds records x columns values, so it holds fewer records (a
# fixed 2,048 once asked for 49 GB). 7 s under ASan on the reference machine.
n=1000000
awk -v n="$n" 'BEGIN {
  printf "origin_country,port,container,declared_kg,measured_kg"
  for (i = 6; i <= n; i++) printf ",c%d", i
  printf "\nEC,IQUQR,MSKU1234565,1000,1000"
  for (i = 6; i <= n; i++) printf ",x"
  printf "\n"
}' >"$WORK/wide.csv"
expect_status 0 "$BOXRANK" rank "$WORK/wide.csv" --rules "$WORK/pack" --out "$WORK/o2" \
  --no-store -q
grep -q '"lines_read": 1' "$WORK/o2/summary.json" || fail "wide: lines_read"
grep -q 'MSKU1234565' "$WORK/o2/list-IQUQR.csv" || fail "wide: the unit is not listed"

# CR-only line ends: an error that says so, no run over a header that swallowed the data.
printf 'origin_country,port,container\rEC,IQUQR,MSKU1234565\r' >"$WORK/cr.csv"
expect_status 1 "$BOXRANK" rank "$WORK/cr.csv" --rules "$WORK/pack" --out "$WORK/o3" \
  --no-store -q 2>"$WORK/err"
grep -q "carriage return" "$WORK/err" || fail "CR-only: $(cat "$WORK/err")"
[ ! -e "$WORK/o3/summary.json" ] || fail "CR-only: a run was written"
echo ok
