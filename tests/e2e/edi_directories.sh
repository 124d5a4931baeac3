#!/usr/bin/env bash
# EDI files beyond the generator's own: CUSCAR in directories D95B, D03A, D16A and D21B with
# non-default UNA separators, release characters inside names, several messages per
# interchange, several containers per B/L, transhipment places, masses in LBR and TNE and
# dates in formats 102 and 203 (fixtures written here from the UN/EDIFACT segment tables);
# X12 309 with other separators. Each ranks with no reject and gives the values expected.
source "$(dirname "$0")/common.bash"
: "${BR_BUILD_DIR:?}"
GEN="$BR_BUILD_DIR/samples/boxrank-gen"

# A pack whose one rule fires on every line, with room for every unit: each line's fields
# reach the store (selection_lines), where the test reads them.
mkdir -p "$WORK/pack"
printf '[pack]\nname = dirs\nversion = 1\n[lanes]\nred = 10\nyellow = 5\n[capacity]\ndefault = 100\n' \
  >"$WORK/pack/pack.ini"
cat >"$WORK/pack/rules.lua" <<'LUA'
rule {
  id = "DIRS-ALL",
  title = "Every line with a declared mass",
  weight = 20,
  when = gt("declared_kg", 0),
  tests = {
    { line = { declared_kg = 1 }, fires = true },
    { line = { declared_kg = 0 }, fires = false },
  },
}
LUA

# msg REF DIRECTORY SEP TERM SEGMENT...: a message with its UNH and a UNT that counts it.
msg() {
  local ref=$1 dir=$2 sep=$3 term=$4
  shift 4
  printf 'UNH%s%s%sCUSCAR%s%s\n' "$sep" "$ref" "$sep" "$dir" "$term"
  printf '%s\n' "$@"
  printf 'UNT%s%d%s%s%s\n' "$sep" $(($# + 2)) "$sep" "$ref" "$term"
}

# D03A: UNA with '>' components, '*' elements, a decimal comma, '!' release and '~' ending
# segments; two messages; B/L D03ABL1 in two containers, its goods in LBR and TNE.
{
  echo 'UNA>*,! ~UNB*UNOC>3*SENDER*CUSTOMS*260302>0900*IC03A~'
  msg 1 '>D>03A>UN' '*' '~' 'BGM*85*M03A1*9~' \
    'TDT*20*V03A*1**MAEU>172>20>MAERSK LINE***9846029>146>11>MAERSK KOWLOON~' \
    'LOC*9*CNSHA~' 'LOC*13*SGSIN~' 'LOC*13*AEJEA~' 'LOC*11*IQUQR~' 'DTM*132>202603041530>203~' \
    'CNI*1*D03ABL1~' 'RFF*BM>D03ABL1~' \
    'NAD*CZ***SMITH !* SONS!! TRADING>LTD*NO 1 ROAD*SHANGHAI***CN~' \
    'NAD*CN*1234567890**AL-NOOR !> PARTNERS*BLDG 1****IQ~' \
    'GID*1*100>CT~' 'FTX*AAA***MACHINE PARTS~' 'PIA*5*847130>HS~' 'MEA*AAE*G*LBR>1000~' \
    'RFF*ZZZ>D03A-1~' 'SGP*MSCU1234565*100~' \
    'GID*2*50>CT~' 'FTX*AAA***SPARE PARTS~' 'PIA*5*847330>HS~' 'MEA*AAE*G*TNE>2,5~' \
    'RFF*ZZZ>D03A-2~' 'SGP*TGHU3456780*50~' \
    'EQD*CN*MSCU1234565*45G1~' 'MEA*AAE*VGM*KGM>500~' 'SEL*S1*CA*1~' \
    'EQD*CN*TGHU3456780*22G1~' 'MEA*AAE*VGM*TNE>2,6~' 'SEL*S2*CA*1~'
  msg 2 '>D>03A>UN' '*' '~' 'BGM*85*M03A2*9~' 'TDT*20*V03A*1~' 'LOC*9*CNSHA~' 'LOC*11*IQUQR~' \
    'DTM*132>20260305>102~' 'CNI*1*D03ABL2~' 'RFF*BM>D03ABL2~' \
    'NAD*CZ***NINGBO TOOLS~' 'GID*1*10>CT~' 'FTX*AAA***HAND TOOLS~' 'PIA*5*820540>HS~' \
    'MEA*AAE*G*KGM>1200,5~' 'RFF*ZZZ>D03A-3~' 'EQD*CN*CAIU7654323*20G1~'
  echo 'UNZ*2*IC03A~'
} >"$WORK/d03a.edi"

# D95B with the default separators and release characters in names; D16A and D21B without
# UNA (the defaults), syntax 4, UTF-8 (UNOW) with an Arabic consignee.
{
  echo "UNA:+.? 'UNB+UNOA:2+SENDER+CUSTOMS+260302:0900+IC95B'"
  msg 7 ':D:95B:UN' '+' "'" "BGM+85+M95B+9'" "TDT+20+V95B+1'" "LOC+9+TRMER'" "LOC+13+EGPSD'" \
    "LOC+11+IQUQR'" "DTM+132:20260306:102'" "CNI+1+D95BBL1'" "RFF+BM:D95BBL1'" \
    "NAD+CZ+++ACME ?+ CO?: LTD?'S++++TR'" "GID+1+5:PK'" "FTX+AAA+++DYED FABRIC'" \
    "PIA+5+540752:HS'" "MEA+AAE+G+KGM:17000'" "RFF+ZZZ:D95B-1'" "EQD+CN+MSCU7654329+45G1'"
  echo "UNZ+1+IC95B'"
} >"$WORK/d95b.edi"
for d in 16A 21B; do
  {
    echo "UNB+UNOW:4+SENDER+CUSTOMS+20260302:0900+IC$d'"
    msg 1 ":D:$d:UN" '+' "'" "BGM+85+M$d+9'" "TDT+20+V$d+1'" "LOC+9+INNSA'" "LOC+11+IQUQR'" \
      "DTM+132:202603071200:203'" "CNI+1+D${d}BL1'" "RFF+BM:D${d}BL1'" \
      "NAD+CN+++شركة البصرة للتجارة'" "GID+1+7:PK'" "FTX+AAA+++RICE'" "PIA+5+100630:HS'" \
      "MEA+AAE+G+TNE:25'" "RFF+ZZZ:D$d-1'" "EQD+CN+MSCU1111112+40HC'" "EQD+CN+MSCU2222228+40HC'"
    echo "UNZ+1+IC$d'"
  } >"$WORK/d${d,,}.edi"
done

db="$WORK/dirs.db"
for f in d03a d95b d16a d21b; do
  expect_status 0 "$BOXRANK" rank "$WORK/$f.edi" --rules "$WORK/pack" --out "$WORK/$f" --db "$db" -q
  grep -q '"lines_rejected": 0' "$WORK/$f/summary.json" || fail "$f: $(cat "$WORK/$f/summary.json")"
done
field() { # RECORD FIELD: the value a line of the store's last runs carries
  sqlite3 "$db" "SELECT json_extract(fields, '\$.$2') FROM selection_lines
                 WHERE json_extract(fields, '\$.record_id') = '$1' LIMIT 1"
}
check() { # RECORD FIELD WANT
  local got
  got=$(field "$1" "$2")
  [ "$got" = "$3" ] || fail "$1 $2: got '$got', want '$3'"
}
check D03A-1 declared_kg 453.592
check D03A-1 container MSCU1234565
check D03A-1 shipper_name 'SMITH * SONS! TRADING LTD'
check D03A-1 consignee_name 'AL-NOOR > PARTNERS'
check D03A-1 transship_ports 'SGSIN;AEJEA'
check D03A-1 arrival_date 2026-03-04
check D03A-1 measured_kg 500
check D03A-2 declared_kg 2500
check D03A-2 measured_kg 2600
check D03A-2 container TGHU3456780
check D03A-3 declared_kg 1200.5
check D03A-3 arrival_date 2026-03-05
check D95B-1 shipper_name "ACME + CO: LTD'S"
check D95B-1 transship_ports EGPSD
check D16A-1 consignee_name 'شركة البصرة للتجارة'
check D21B-1 declared_kg 25000
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM selection_lines WHERE json_extract(fields, '\$.record_id') = 'D21B-1'")" -eq 2 ] ||
  fail "D21B: one line per container of the B/L expected"

# The generator's sample in the other directories, and its X12 with other separators ('|'
# elements, '^' components, '#' ending segments): the same lists.
expect_status 0 "$GEN" manifest --lines 200 --seed 4 --format cuscar --out "$WORK/gen.edi"
expect_status 0 "$GEN" manifest --lines 200 --seed 4 --format x12 --out "$WORK/gen.x12"
expect_status 0 "$BOXRANK" rank "$WORK/gen.edi" --rules "$WORK/pack" --out "$WORK/gen" --no-store -q
for d in D03A D16A D21B; do
  sed "s/CUSCAR:D:95B:UN/CUSCAR:D:${d#D}:UN/" "$WORK/gen.edi" >"$WORK/gen-$d.edi"
  grep -q "CUSCAR:D:${d#D}:UN" "$WORK/gen-$d.edi" || fail "$d: directory not rewritten"
  expect_status 0 "$BOXRANK" rank "$WORK/gen-$d.edi" --rules "$WORK/pack" --out "$WORK/gen-$d" --no-store -q
  for l in "$WORK"/gen/list-*; do
    cmp -s <(unstamp "$l") <(unstamp "$WORK/gen-$d/$(basename "$l")") || fail "$d: $(basename "$l") differs"
  done
done
grep -q '[|^#]' "$WORK/gen.x12" && fail "the sample X12 holds a character the test uses as a separator"
sep=$(head -c 106 "$WORK/gen.x12" | tail -c 2)
tr "*${sep:0:1}${sep:1:1}" '|^#' <"$WORK/gen.x12" >"$WORK/other.x12"
expect_status 0 "$BOXRANK" rank "$WORK/gen.x12" --rules "$WORK/pack" --out "$WORK/x12" --no-store -q
expect_status 0 "$BOXRANK" rank "$WORK/other.x12" --rules "$WORK/pack" --out "$WORK/other" --no-store -q
for l in "$WORK"/x12/list-*; do
  cmp -s <(unstamp "$l") <(unstamp "$WORK/other/$(basename "$l")") || fail "X12 separators: $(basename "$l") differs"
done
