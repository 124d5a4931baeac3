#!/usr/bin/env bash
# Hostile manifests: a byte order mark inside a line (two files joined into one, a field
# copied from a document), NUL bytes in a field or in the header, a 1 MB field, 10^5 columns,
# a row of 10^5 fields, UTF-16, an unclosed quote, numbers C would read but a manifest cannot
# mean. Each run ends with a clear report: a row it cannot use is rejected naming its column,
# a header it cannot use fails the run naming the column, and nothing invisible changes a
# score in silence.
source "$(dirname "$0")/common.bash"
make_pack "$WORK/pack"
H="record_id,container,port,origin_country,declared_kg,measured_kg"
run() { # NAME EXPECTED-EXIT: ranks $WORK/NAME.csv into $WORK/o-NAME, stderr in $WORK/err
  local got=0
  timeout 300 "$BOXRANK" rank "$WORK/$1.csv" --rules "$WORK/pack" --out "$WORK/o-$1" --no-store -q \
    --max-reject-share 100% >/dev/null 2>"$WORK/err" || got=$?
  [ "$got" -ne 124 ] || fail "$1: the run did not end within 300 s"
  [ "$got" -eq "$2" ] || fail "$1: expected exit $2, got $got: $(head -c 300 "$WORK/err")"
}
rejected() { # NAME LINE COLUMN REASON-PATTERN
  grep -q "^$2,$3,$4" "$WORK/o-$1/rejects.csv" ||
    fail "$1: line $2 not rejected for $3 ($4): $(head -c 600 "$WORK/o-$1/rejects.csv")"
}

# --- A byte order mark inside a line: at the start of a row (a second file's BOM after cat)
# or inside a field. "\ufeffEC" is not EC: the row would lose the origin rule's points unseen.
{
  printf '\xef\xbb\xbf%s\n' "$H"
  echo "R1,C1,IQUQR,EC,1000,1200"
  printf '\xef\xbb\xbfR2,C2,IQUQR,EC,1000,1200\n'
  printf 'R3,C3,IQUQR,\xef\xbb\xbfEC,1000,1200\n'
  printf 'R4,C4,IQUQR,"E\xef\xbb\xbfC, quoted",1000,1200\n'
} >"$WORK/bom.csv"
run bom 3
rejected bom 3 record_id '.*byte order mark'
rejected bom 4 origin_country '.*byte order mark'
rejected bom 5 origin_country '.*byte order mark'
grep -q '"lines_scored": 1,' "$WORK/o-bom/summary.json" || fail "bom: the clean row must be scored"
# The header's own BOM at the start of the file is not data; one inside the header is.
printf 'record_id,\xef\xbb\xbfcontainer,port,origin_country,declared_kg,measured_kg\nR1,C1,IQUQR,EC,1,1\n' \
  >"$WORK/bomhdr.csv"
run bomhdr 1
grep -q "bomhdr.csv: line 1: column 2 of the header holds a byte order mark" "$WORK/err" ||
  fail "bomhdr: $(cat "$WORK/err")"

# --- NUL bytes: in a field the row is rejected; in the header the run fails, naming the column
# (the name was once cut at the NUL, and "contai" silently became an unknown column).
{
  echo "$H"
  printf 'R1,C1,IQUQR,E\0C,1000,1200\n'
  echo "R2,C2,IQUQR,EC,1000,1200"
} >"$WORK/nul.csv"
run nul 3
rejected nul 2 origin_country 'field contains a NUL byte'
printf 'record_id,contai\0ner,port,origin_country,declared_kg,measured_kg\nR1,C1,IQUQR,EC,1,1\n' \
  >"$WORK/nulhdr.csv"
run nulhdr 1
grep -q "nulhdr.csv: line 1: the header cannot be read: a NUL byte in column 2" "$WORK/err" ||
  fail "nulhdr: $(cat "$WORK/err")"

# --- A 1 MB field, and a 1 MB quoted field spanning 20,000 lines: rejected at the field limit.
{
  echo "$H"
  printf 'R1,C1,IQUQR,'
  head -c 1048576 /dev/zero | tr '\0' 'A'
  printf ',1000,1200\n'
  printf 'R2,C2,IQUQR,"'
  for i in $(seq 1 20000); do printf 'line %05d of a long quoted field, fifty bytes\n' "$i"; done
  printf '",1000,1200\n'
  echo "R3,C3,IQUQR,EC,1000,1200"
} >"$WORK/big.csv"
run big 3
rejected big 2 origin_country '"*field is 1048576 bytes, over the limit'
rejected big 3 origin_country '"*field is [0-9]* bytes, over the limit'
grep -q '"lines_scored": 1,' "$WORK/o-big/summary.json" || fail "big: the clean row must be scored"

# --- 10^5 columns in the header (extra columns are kept); a row of 10^5 fields is rejected.
awk -v h="$H" 'BEGIN {
  printf "%s", h; for (i = 0; i < 100000; i++) printf ",x%d", i; printf "\n"
  for (r = 1; r <= 3; r++) { printf "R%d,C%d,IQUQR,EC,1000,1200", r, r; for (i = 0; i < 100000; i++) printf ",v"; printf "\n" }
}' >"$WORK/wide.csv"
run wide 0
grep -q '"lines_scored": 3,' "$WORK/o-wide/summary.json" || fail "wide: every row must be scored"
awk -v h="$H" 'BEGIN {
  print h; printf "R1,C1,IQUQR,EC,1000,1200"; for (i = 0; i < 100000; i++) printf ",v"; printf "\n"
  print "R2,C2,IQUQR,EC,1000,1200" }' >"$WORK/widerow.csv"
run widerow 3
rejected widerow 2 '' '"*expected 6 fields, found 100006'

# --- Encodings and broken CSV.
printf '%s\nR1,C1,IQUQR,EC,1000,1200\n' "$H" | iconv -f utf-8 -t utf-16 >"$WORK/utf16.csv"
run utf16 1
grep -q "utf16.csv: line 1: the header cannot be read: a NUL byte in column 1 (a UTF-16 file? save it as UTF-8)" "$WORK/err" ||
  fail "utf16: $(cat "$WORK/err")"
printf '%s\nR1,"C1,IQUQR,EC,1000,1200\n' "$H" >"$WORK/openquote.csv"
run openquote 3
rejected openquote 2 container 'a quoted field is still open at the end of the input'
{
  echo "$H"
  echo "R1,C1,IQUQR,EC,1e400,1"
  echo "R2,C2,IQUQR,EC,inf,1"
  echo "R3,C3,IQUQR,EC,0x10,1"
  echo "R4,C4,IQUQR,EC,1,nan"
  echo "R5,C5,IQUQR,EC,1,1e-400"
} >"$WORK/nums.csv"
run nums 3
for l in 2 3 4; do rejected nums $l declared_kg '"*not a decimal number'; done
for l in 5 6; do rejected nums $l measured_kg '"*not a decimal number'; done
echo "rank hostile inputs: ok"
