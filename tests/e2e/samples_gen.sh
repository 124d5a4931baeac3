#!/usr/bin/env bash
# boxrank-gen: same arguments give the same bytes, another seed other bytes; the shipped
# sample is what its documented command writes; every container number and IMO number
# passes its check digit except the ones the truth file says were planted wrong.
source "$(dirname "$0")/common.bash"
: "${BR_BUILD_DIR:?}"
GEN="$BR_BUILD_DIR/samples/boxrank-gen"
[ -x "$GEN" ] || fail "boxrank-gen not built at $GEN"

expect_status 0 "$GEN" manifest --lines 5000 --seed 42 --out "$WORK/a.csv" --truth "$WORK/a.truth"
expect_status 0 "$GEN" manifest --lines 5000 --seed 42 --out "$WORK/b.csv" --truth "$WORK/b.truth"
cmp -s "$WORK/a.csv" "$WORK/b.csv" || fail "same seed, different manifests"
cmp -s "$WORK/a.truth" "$WORK/b.truth" || fail "same seed, different truth files"
"$GEN" manifest --lines 5000 --seed 42 >"$WORK/stdout.csv"
cmp -s "$WORK/a.csv" "$WORK/stdout.csv" || fail "stdout differs from --out"
expect_status 0 "$GEN" manifest --lines 5000 --seed 43 --out "$WORK/c.csv"
cmp -s "$WORK/a.csv" "$WORK/c.csv" && fail "seeds 42 and 43 wrote the same manifest"

[ "$(wc -l <"$WORK/a.csv")" -eq 5001 ] || fail "expected header + 5000 lines, got $(wc -l <"$WORK/a.csv")"
header="Line ID,B/L No,Container No,Seal No,Size Type,Gross Weight (kg),VGM (kg),Packages,HS Code,Description of Goods,Invoice Value,Currency,Freight Terms,Freight Charges,Shipper,Shipper Address,Shipper Country,Consignee,Consignee Address,Consignee Country,Notify Party,Importer TIN,Declarant,Country of Origin,Port of Loading,Transshipment,Port of Discharge,Place of Inspection,Vessel IMO,Vessel Name,Voyage,Carrier,ETA,Seal Changed,House B/L"
[ "$(head -1 "$WORK/a.csv")" = "$header" ] || fail "header differs from the sample profile's"
# ETAs stay within --start-date .. +days-1.
"$GEN" manifest --lines 300 --seed 5 --start-date 2025-12-30 --days 3 --out "$WORK/d.csv"
grep -q ',2025-12-30,' "$WORK/d.csv" || fail "no line on the start date"
grep -q ',2026-01-01,' "$WORK/d.csv" || fail "no line on the last day"
grep -q ',2026-01-02,' "$WORK/d.csv" && fail "a line after the last day"

# The shipped sample is exactly what samples/README.md says made it.
expect_status 0 "$GEN" manifest --lines 3000 --seed 20260301 --start-date 2026-03-01 --days 7 \
  --out "$WORK/sample.csv"
cmp -s "$WORK/sample.csv" "$BR_SOURCE_DIR/samples/manifests/iraq-sample.csv" ||
  fail "samples/manifests/iraq-sample.csv is not what its documented command writes"

# Check digits, computed here independently of the generator. The first three columns are
# never quoted (line, B/L, container); the IMO number follows the two IQ port columns.
awk -F, 'NR > 1 { print $1, $3 }' "$WORK/a.csv" >"$WORK/containers"
sed -nE 's/^(L[0-9]+),.*,IQ[A-Z]{3},IQ[A-Z]{3},([0-9]*),.*$/\1 \2/p' "$WORK/a.csv" >"$WORK/imos"
[ "$(wc -l <"$WORK/imos")" -eq 5000 ] || fail "IMO column not found on every line"
awk -F, 'FNR == 1 { next } $4 == "bad_container_check" { print $1 }' "$WORK/a.truth" | sort >"$WORK/want-bad-box"
awk -F, 'FNR == 1 { next } $4 == "bad_imo" { print $1 }' "$WORK/a.truth" | sort >"$WORK/want-bad-imo"
awk '
  BEGIN { letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"; v = 10
          for (i = 1; i <= 26; i++) { if (v % 11 == 0) v++; val[substr(letters, i, 1)] = v++ } }
  $2 != "" {
    c = $2; s = 0; w = 1
    for (i = 1; i <= 10; i++) {
      ch = substr(c, i, 1); s += (ch ~ /[A-Z]/ ? val[ch] : ch + 0) * w; w *= 2
    }
    if (length(c) != 11 || (s % 11) % 10 != substr(c, 11, 1) + 0) print $1
  }' "$WORK/containers" | sort >"$WORK/got-bad-box"
awk '$2 != "" {
    s = 0
    for (i = 1; i <= 6; i++) s += substr($2, i, 1) * (8 - i)
    if (length($2) != 7 || s % 10 != substr($2, 7, 1) + 0) print $1
  }' "$WORK/imos" | sort >"$WORK/got-bad-imo"
cmp -s "$WORK/want-bad-box" "$WORK/got-bad-box" ||
  fail "containers failing ISO 6346 are not exactly the planted ones: $(diff "$WORK/want-bad-box" "$WORK/got-bad-box" | head -5)"
cmp -s "$WORK/want-bad-imo" "$WORK/got-bad-imo" ||
  fail "IMO numbers failing the check are not exactly the planted ones"
[ -s "$WORK/want-bad-box" ] && [ -s "$WORK/want-bad-imo" ] || fail "no planted bad check digits"
[ "$(awk '$2 != ""' "$WORK/containers" | wc -l)" -gt 3000 ] || fail "too few container numbers"
planted=$(($(wc -l <"$WORK/a.truth") - 1))
[ "$planted" -ge 100 ] && [ "$planted" -le 250 ] || fail "expected 2-5% planted lines, got $planted of 5000"

expect_status 2 "$GEN" manifest --seed 1
expect_status 2 "$GEN" manifest --lines 10 --start-date 2026-02-30
expect_status 2 "$GEN" manifest --lines 10 --days 0
expect_status 1 "$GEN" manifest --lines 10 --out "$WORK/no/such/dir/x.csv"
expect_status 0 "$GEN" manifest --help
echo "ok"
