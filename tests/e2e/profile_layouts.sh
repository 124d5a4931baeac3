#!/usr/bin/env bash
# A foreign layout through a column profile (tests/layouts, docs/profiles.md): the header on
# line 3, semicolons, decimal commas, US dates, weights in KG/LB/T/MT, national port codes
# through a code map, two seal columns, Arabic names; the same file in Windows-1256 gives the
# same lists; a rule on a field the layout lacks is disabled and named, the same way by rank and
# rules check; a field the pack requires fails the run.
source "$(dirname "$0")/common.bash"
L="$BR_SOURCE_DIR/tests/layouts"
M="$L/manifest-umq.csv"
P="$L/umq-export.ini"

# profile check: the mapping, the first records as canonical values, the reject at its line.
expect_status 6 "$BOXRANK" profile check "$P" --input "$M" --rows 2 >"$WORK/check.txt"
for want in 'header line     3' 'declared_kg        decimal  <- "Weight", in the unit of "Unit", to kg' \
  'seal               string   <- "Seal 1" + "Seal 2"' 'absent: measured_kg, vessel_imo' \
  "$M:4:" '  declared_kg        22679.6185' '  load_port          INNSA' '  seal               SL0001;SL0002' \
  '  arrival_date       2026-03-05' '  consignee_name     شركة البصرة للتجارة العامة' \
  "$M:16: column \"Load port\": code \"XXLOL9\" is not in the code map $L/ports.csv" \
  '13 rows read, 12 accepted, 1 rejected'; do
  grep -qF -- "$want" "$WORK/check.txt" || fail "profile check lacks: $want ($(cat "$WORK/check.txt"))"
done
expect_status 0 "$BOXRANK" profile check "$P" >/dev/null
"$BOXRANK" profile check --help | grep -qF 'Example:' || fail "profile check --help has no example"
"$BOXRANK" fields | grep -qE '^declared_kg +decimal +declared gross mass, kg$' || fail "fields"
printf '[profile]\ndelimeter = ;\n' >"$WORK/typo.ini"
expect_status 6 "$BOXRANK" profile check "$WORK/typo.ini" >"$WORK/typo.txt"
grep -qF '(did you mean "delimiter"?)' "$WORK/typo.txt" || fail "no did-you-mean: $(cat "$WORK/typo.txt")"

# rank: 12 units, one reject at line 16 of the file, LAY-VGM disabled (measured_kg is absent).
expect_status 3 "$BOXRANK" rank "$M" --rules "$L/pack" --profile "$P" --out "$WORK/utf8" \
  --no-store -q --max-reject-share 10% 2>"$WORK/rank.err"
grep -qF 'boxrank: rule LAY-VGM reads measured_kg, which the input does not have: the rule is disabled' \
  "$WORK/rank.err" || fail "rank does not name the disabled rule: $(cat "$WORK/rank.err")"
grep -qF '{"rule": "LAY-VGM", "field": "measured_kg", "disabled": true}' "$WORK/utf8/summary.json" ||
  fail "summary.json does not name the disabled rule"
grep -q '^16,Load port,' "$WORK/utf8/rejects.csv" || fail "reject not at line 16: $(cat "$WORK/utf8/rejects.csv")"
list="$WORK/utf8/list-IQUMQ.csv"
# Weights in LB, T and MT are compared in kg: 50,000 LB is 22,680 kg (over 20 t), 40,000 LB is
# 18,144 kg (not), 44,092.5 LB just over 20 t, 21 MT over, 18 T not.
while IFS='|' read -r unit row reason; do
  grep -F ",$unit,$row," "$list" | grep -qF -- "$reason" || fail "list lacks: $unit $row $reason ($(cat "$list"))"
done <<'LIST'
MSCU1234565|30,red,targeted,LAY-HEAVY|declared 22679.6185 kg
MSKU6677889|30,red,targeted,LAY-HEAVY|declared 20000.02157 kg
TGHU5566778|85,red,targeted,LAY-HEAVY LAY-ORIGIN LAY-LOAD|declared 21000 kg
CMAU3344556|30,red,targeted,LAY-HEAVY|declared 25000.5 kg
TGHU1122334|25,red,targeted,LAY-SEAL|No seal
LIST
for unit in MSCU7654321 TGHU1122334; do
  ! grep -F "$unit" "$list" | grep -q LAY-HEAVY || fail "$unit is not over 20 t"
done
[ "$(grep -c ',red,' "$list")" = 6 ] || fail "expected 6 red units: $(cat "$list")"

# The same file in Windows-1256: the same lists, byte for byte.
iconv -f UTF-8 -t WINDOWS-1256 "$M" >"$WORK/manifest-1256.csv"
cmp -s "$M" "$WORK/manifest-1256.csv" && fail "iconv wrote the same bytes"
sed 's/^header_line = 3$/header_line = 3\nencoding = WINDOWS-1256/; s/^code_map = ports.csv$/code_map = '"${L//\//\\/}"'\/ports.csv/' \
  "$P" >"$WORK/umq-1256.ini"
expect_status 3 "$BOXRANK" rank "$WORK/manifest-1256.csv" --rules "$L/pack" \
  --profile "$WORK/umq-1256.ini" --out "$WORK/cp1256" --no-store -q --max-reject-share 10% 2>/dev/null
for f in list-IQUMQ.csv list-IQUMQ.jsonl; do
  cmp -s <(unstamp "$WORK/utf8/$f") <(unstamp "$WORK/cp1256/$f") || fail "Windows-1256 copy changed $f"
done
grep -q '^16,Load port,' "$WORK/cp1256/rejects.csv" || fail "Windows-1256: reject not at line 16"
# Read as UTF-8, the Windows-1256 bytes of the Arabic names are rejects, never names.
# (All 13 lines rejected: over --max-reject-share, so no lists; the reject file says why.)
expect_status 7 "$BOXRANK" rank "$WORK/manifest-1256.csv" --rules "$L/pack" --profile "$P" \
  --out "$WORK/wrong" --no-store -q 2>/dev/null
[ "$(grep -c 'invalid UTF-8' "$WORK/wrong/rejects.csv")" = 13 ] || fail "undeclared encoding"

# rules check agrees with rank on what runs for this input.
expect_status 0 "$BOXRANK" rules check "$L/pack" --profile "$P" --input "$M" >"$WORK/rc.txt"
grep -qF "$L/pack/rules.lua:42: note: rule LAY-VGM reads measured_kg, which the input does not have: the rule is disabled" \
  "$WORK/rc.txt" || fail "rules check: $(cat "$WORK/rc.txt")"
grep -qF '5 rules, no problems' "$WORK/rc.txt" && grep -qF '1 disabled for this input' "$WORK/rc.txt" ||
  fail "rules check summary: $(cat "$WORK/rc.txt")"

# A field the pack requires and the input lacks: an error in both.
cp -r "$L/pack" "$WORK/strict"
sed -i 's/^required = container, port$/required = container, port, measured_kg/' "$WORK/strict/pack.ini"
expect_status 1 "$BOXRANK" rank "$M" --rules "$WORK/strict" --profile "$P" --out "$WORK/strict-out" \
  --no-store -q 2>"$WORK/strict.err"
grep -qF 'the pack requires measured_kg, which the input does not have' "$WORK/strict.err" ||
  fail "rank: $(cat "$WORK/strict.err")"
[ ! -e "$WORK/strict-out/list-IQUMQ.csv" ] || fail "lists written despite a missing required field"
expect_status 6 "$BOXRANK" rules check "$WORK/strict" --profile "$P" --input "$M" >"$WORK/strict.txt"
grep -qF 'the pack requires measured_kg' "$WORK/strict.txt" || fail "rules check: $(cat "$WORK/strict.txt")"
echo ok
