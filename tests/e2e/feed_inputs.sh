#!/usr/bin/env bash
# The manifest feed through the CLI: both shipped profiles read their sources without a
# reject; standard input, CRLF line ends and a byte order mark change nothing in the lists;
# a row with broken quoting is rejected whole with its line and reason while the rows after
# it are still scored.
source "$(dirname "$0")/common.bash"
: "${BR_BUILD_DIR:?}"
: "${BR_SHARED_DATA:?}"
GEN="$BR_BUILD_DIR/samples/boxrank-gen"
[ -x "$GEN" ] || fail "boxrank-gen not built at $GEN"
make_pack "$WORK/pack"
SAMPLE_PROFILE="$BR_SOURCE_DIR/feeds/profiles/sample.ini"

summary_count() { # summary_count FILE KEY
  sed -n "s/^ *\"$2\": \([0-9]*\),*$/\1/p" "$1"
}

# The generator's manifest through sample.ini: every line read, none rejected.
"$GEN" manifest --lines 2000 --seed 7 --out "$WORK/m.csv"
expect_status 0 "$BOXRANK" rank "$WORK/m.csv" --rules "$WORK/pack" --profile "$SAMPLE_PROFILE" \
  --out "$WORK/lf" --no-store -q
[ "$(summary_count "$WORK/lf/summary.json" lines_read)" = 2000 ] || fail "sample: lines_read"
[ "$(summary_count "$WORK/lf/summary.json" lines_rejected)" = 0 ] || fail "sample: rejects"
[ ! -e "$WORK/lf/rejects.csv" ] || fail "sample: a reject file with nothing rejected"

# The same bytes as CRLF with a BOM, read from a pipe: the same lists.
{
  printf '\xEF\xBB\xBF'
  sed 's/$/\r/' "$WORK/m.csv"
} >"$WORK/m-crlf.csv"
cat "$WORK/m-crlf.csv" | expect_status 0 "$BOXRANK" rank - --rules "$WORK/pack" \
  --profile "$SAMPLE_PROFILE" --out "$WORK/crlf" --no-store -q
n=0
for list in "$WORK"/lf/list-*.csv; do
  cmp -s <(unstamp "$list") <(unstamp "$WORK/crlf/$(basename "$list")") ||
    fail "CRLF/BOM/stdin changed $(basename "$list")"
  n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "sample: no lists written"

# KCS declarations through kcs.ini: all 37,385 rows, none rejected.
expect_status 0 "$BOXRANK" rank "$BR_SHARED_DATA/kcs/train.csv" --rules "$WORK/pack" \
  --profile "$BR_SOURCE_DIR/feeds/profiles/kcs.ini" --out "$WORK/kcs" --parse-only -q
[ "$(summary_count "$WORK/kcs/summary.json" lines_read)" = 37385 ] || fail "kcs: lines_read"
[ "$(summary_count "$WORK/kcs/summary.json" lines_rejected)" = 0 ] || fail "kcs: rejects"

# Broken quoting: text after a closing quote on line 3, an unclosed quote on line 6.
{
  echo "record_id,container,port,origin_country,declared_kg,measured_kg,description"
  echo 'L1,C1,IQUQR,EC,1000,1000,STEEL PIPE 12" DIA'
  echo 'L2,C2,IQUQR,EC,1000,1000,"SAID TO "CONTAIN" PARTS"'
  echo 'L3,C3,IQUQR,EC,1000,3000,"TWO'
  echo 'LINES"'
  echo 'L4,C4,IQUQR,EC,1000,1000,"NEVER CLOSED'
  echo 'L5,C5,IQUQR,EC,1000,1000,LAST'
} >"$WORK/quotes.csv"
expect_status 3 "$BOXRANK" rank "$WORK/quotes.csv" --rules "$WORK/pack" --out "$WORK/q" \
  --no-store -q --max-reject-share 0.5
[ "$(summary_count "$WORK/q/summary.json" lines_read)" = 4 ] || fail "quotes: lines_read"
[ "$(summary_count "$WORK/q/summary.json" lines_rejected)" = 2 ] || fail "quotes: rejects"
grep -q '^3,description,text after the closing quote of a quoted field,"L2,' "$WORK/q/rejects.csv" ||
  fail "quotes: line 3 not rejected for its quoting: $(cat "$WORK/q/rejects.csv")"
grep -q '^6,description,a quoted field is still open at the end of the input' "$WORK/q/rejects.csv" ||
  fail "quotes: unclosed quote on line 6 not named: $(cat "$WORK/q/rejects.csv")"
grep -q 'L5,C5' "$WORK/q/rejects.csv" || fail "quotes: the swallowed row is not kept in the reject"
grep -qh '^IQUQR,.*C3' "$WORK"/q/list-*.csv || fail "quotes: the row after the broken one was not scored"
echo "feed inputs: ok"
