#!/usr/bin/env bash
# rank on a small canonical-header manifest: lists per port, reasons, roll-up, selection
# kinds, stdin/stdout, and byte-identical output when the input order changes.
source "$(dirname "$0")/common.bash"
make_pack "$WORK/pack"

{
  echo "record_id,container,port,origin_country,declared_kg,measured_kg"
  for i in $(seq 1 40); do
    origin=DE
    [ $((i % 7)) -eq 0 ] && origin=EC
    measured=1000
    [ $((i % 5)) -eq 0 ] && measured=2500
    # Two lines per container; odd containers arrive at Umm Qasr, even ones at Safwan.
    k=$(((i + 1) / 2))
    port=IQUQR
    [ $((k % 2)) -eq 0 ] && port=IQSAW
    printf "L%d,CONT%04d,%s,%s,1000,%d\n" "$i" "$k" "$port" "$origin" "$measured"
  done
} >"$WORK/m.csv"

expect_status 0 "$BOXRANK" rank "$WORK/m.csv" --rules "$WORK/pack" --out "$WORK/out" --seed 7 -q
[ -f "$WORK/out/list-IQUQR.csv" ] || fail "no list for IQUQR"
[ -f "$WORK/out/list-IQSAW.csv" ] || fail "no list for IQSAW"
[ -f "$WORK/out/list-IQUQR.jsonl" ] || fail "no JSON Lines list for IQUQR"
[ -f "$WORK/out/summary.json" ] || fail "no summary"
# The run is recorded with its input's SHA-256 (hashed on a thread while the input is scored).
[ "$(sqlite3 "$BOXRANK_DB" "SELECT sha256 FROM run_inputs ORDER BY run_id DESC LIMIT 1")" = \
  "$(sha256sum "$WORK/m.csv" | cut -d' ' -f1)" ] || fail "the recorded input hash is not the file's"
head -1 "$WORK/out/list-IQUQR.csv" | grep -qx "port,position,rank,unit,score,lane,selection,rules,reasons,lines,record,amended,run_id,list_date,pack,pack_version,pack_hash,seed,watchlists,rules_off" ||
  fail "unexpected CSV header"
# Line 35 (EC origin and heavy) is on container CONT0018 at Safwan: both rules, score 70, the
# only red unit there. Umm Qasr has no red unit, so only its random pick is listed.
grep -q '^IQSAW,1,1,CONT0018,70,red,targeted,E2E-ORIGIN E2E-MASS,' "$WORK/out/list-IQSAW.csv" ||
  fail "CONT0018 should lead IQSAW with both rules: $(cat "$WORK/out/list-IQSAW.csv")"
grep -q 'E2E-MASS +[0-9.]*: declared 1000 kg, weighed 2500 kg' "$WORK/out/list-IQSAW.csv" || fail "reason missing"
[ "$(grep -c ',targeted,' "$WORK/out/list-IQUQR.csv" || true)" -eq 0 ] || fail "IQUQR has no red unit"
# Capacity 3 with share 0.34: one random pick per port, two targeted at most.
for port in IQUQR IQSAW; do
  n_random=$(grep -c ',random,' "$WORK/out/list-$port.csv" || true)
  [ "$n_random" -eq 1 ] || fail "$port: expected 1 random pick, got $n_random"
  n_rows=$(($(wc -l <"$WORK/out/list-$port.csv") - 1))
  [ "$n_rows" -le 3 ] || fail "$port: list exceeds capacity"
done
grep -q '"lines_read": 40' "$WORK/out/summary.json" || fail "summary lines_read"
grep -q '"units": 20' "$WORK/out/summary.json" || fail "summary units (two lines per container)"

# Shuffled input, other thread count: identical lists.
{ head -1 "$WORK/m.csv"; tail -n +2 "$WORK/m.csv" | shuf --random-source=<(yes); } >"$WORK/shuffled.csv"
expect_status 0 "$BOXRANK" rank "$WORK/shuffled.csv" --rules "$WORK/pack" --out "$WORK/out2" --seed 7 -q --threads 1
for f in "$WORK"/out/list-*; do
  cmp -s <(unstamp "$f") <(unstamp "$WORK/out2/$(basename "$f")") ||
    fail "$(basename "$f") differs after shuffling"
done

# A different seed may change the random pick but never the targeted ones.
expect_status 0 "$BOXRANK" rank "$WORK/m.csv" --rules "$WORK/pack" --out "$WORK/out3" --seed 8 -q
diff <(grep ',targeted,' "$WORK/out/list-IQSAW.csv" | nostamp) \
  <(grep ',targeted,' "$WORK/out3/list-IQSAW.csv" | nostamp) ||
  fail "targeted picks depend on the seed"

# stdin to stdout.
"$BOXRANK" rank - --rules "$WORK/pack" --out - --seed 7 -q <"$WORK/m.csv" >"$WORK/stdout.jsonl"
unstamp "$WORK"/out/list-*.jsonl | cmp -s - <(unstamp "$WORK/stdout.jsonl") ||
  fail "stdout JSON Lines differ from the files"
"$BOXRANK" rank - --rules "$WORK/pack" --out - --format csv --seed 7 -q <"$WORK/m.csv" >"$WORK/stdout.csv"
[ "$(grep -c '^port,' "$WORK/stdout.csv")" -eq 1 ] || fail "CSV to stdout must have one header"

# --help with an example on the command.
"$BOXRANK" rank --help | grep -q "Example:" || fail "rank --help has no example"
expect_status 2 "$BOXRANK" rank "$WORK/m.csv"
# The parse-only ceiling reads everything and writes no list.
expect_status 0 "$BOXRANK" rank "$WORK/m.csv" --rules "$WORK/pack" --out "$WORK/po" --parse-only -q
grep -q '"lines_read": 40' "$WORK/po/summary.json" || fail "parse-only: lines_read"
[ -z "$(find "$WORK/po" -name 'list-*')" ] || fail "parse-only wrote lists"
echo "rank basics: ok"
