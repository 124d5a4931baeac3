#!/usr/bin/env bash
# Corroboration beyond the name, against the real UN list: UN QDi.012 (NASHWAN ABD AL-RAZZAQ ABD
# AL-BAQI) is listed with nationality Iraq, born 1961, national id 0094195. A consignee whose
# name matches but whose country conflicts drops out of the red lane; one whose name alone is
# short of the threshold is confirmed by an agreeing id; the reason and `watchlist match` show
# each part of the score. The rule's threshold is set just under the name's own score, so that
# the name scorer's calibration does not move the test.
set -euo pipefail
source "$(dirname "$0")/common.bash"
import_watchlists "$BOXRANK_DB"
near="Nashwan Abdulrazaq Albaqi" # a spelling of QDi.012 that matches on the name alone
weak="Nashwan Abd Razzaq Baqi"   # one that does not
score() { "$BOXRANK" watchlist match "$1" --list un --min-score 0.5 --top 1 | awk -F'\t' 'NR == 2 && $3 == "QDi.012" { print $1 }'; }
s_near=$(score "$near")
s_weak=$(score "$weak")
[ -n "$s_near" ] && [ -n "$s_weak" ] || fail "QDi.012 not found: near '$s_near', weak '$s_weak'"
cut=$(awk -v s="$s_near" 'BEGIN { printf "%.3f", s - 0.05 }')
awk -v w="$s_weak" -v c="$cut" 'BEGIN { exit !(w >= 0.60 && w < c) }' ||
  fail "the weak spelling should score in [0.60, $cut): $s_weak"

mkdir -p "$WORK/pack"
printf '[pack]\nname = wl\n[watchlists]\nlists = un\n[lanes]\nred = 50\nyellow = 25\n' \
  >"$WORK/pack/pack.ini"
cat >"$WORK/pack/rules.lua" <<LUA
rule {
  id = "WL-UN",
  title = "Party on the UN list",
  weight = 60,
  when = on_watchlist({ "consignee_name" }, "un", $cut),
}
LUA
# C1: the name alone. C2: the same name, consignee in Germany. C3: in Iraq. C4: the weak
# spelling alone. C5: the weak spelling with the listed id. C6: the weak spelling, another id.
cat >"$WORK/m.csv" <<CSV
record_id,container,port,arrival_date,consignee_name,consignee_country,consignee_id
R1,C1,IQUQR,2026-03-01,$near,,
R2,C2,IQUQR,2026-03-01,$near,DE,
R3,C3,IQUQR,2026-03-01,$near,IQ,
R4,C4,IQUQR,2026-03-01,$weak,,
R5,C5,IQUQR,2026-03-01,$weak,,0094195
R6,C6,IQUQR,2026-03-01,$weak,,A1234567
CSV
expect_status 0 "$BOXRANK" rank "$WORK/m.csv" --rules "$WORK/pack" --out "$WORK/out" \
  --date 2026-03-01 --no-store -q --format csv
list="$WORK/out/list-IQUQR.csv"
lane() { awk -F, -v u="$1" '$4 == u { print $6 }' "$list"; }
for u in C1 C3 C5; do [ "$(lane "$u")" = red ] || fail "$u should be red: $(grep ",$u," "$list")"; done
for u in C2 C4 C6; do [ "$(lane "$u")" != red ] || fail "$u should not be red: $(grep ",$u," "$list")"; done
grep ',C3,' "$list" | grep -q "(name $s_near; country IQ as listed +0.03; final " ||
  fail "C3's reason should show the parts: $(grep ',C3,' "$list")"
grep ',C5,' "$list" | grep -q "(name $s_weak; id 0094195 as listed: confirmed; final 1.000)" ||
  fail "C5's reason should show the confirmation: $(grep ',C5,' "$list")"
grep ',C1,' "$list" | grep -q "WL-UN" && ! grep ',C1,' "$list" | grep -q "final" ||
  fail "C1's reason has no corroboration to show: $(grep ',C1,' "$list")"

# show lists the facts the store keeps of an entry.
"$BOXRANK" watchlist show un --limit 1000 | grep $'^QDi.012\t' >"$WORK/show.txt"
grep -q 'country IQ (nationality); birth_date 1961; id 0094195 (National Identification Number' \
  "$WORK/show.txt" || fail "show facts: $(cat "$WORK/show.txt")"

# watchlist match shows the parts: name, each field, final.
"$BOXRANK" watchlist match "$near" --list un --country DE --birth-date 1961-05-01 \
  --min-score 0.5 --top 1 >"$WORK/match.txt"
grep -q $'\tname '"$s_near"'; country DE, listed IQ -0.10; born 1961-05-01 as listed 1961 +0.04; final ' \
  "$WORK/match.txt" || fail "match parts: $(cat "$WORK/match.txt")"
"$BOXRANK" watchlist match "$weak" --list un --id "0094195" --top 1 >"$WORK/id.txt"
grep -q $'^1.000\tun\tQDi.012\t.*id 0094195 as listed: confirmed; final 1.000$' "$WORK/id.txt" ||
  fail "match by id: $(cat "$WORK/id.txt")"
# A vessel: its IMO number confirms it (OFAC 15036 ARTAVIL, IMO 9187629) or rules it out.
"$BOXRANK" watchlist match "ARTAVILL" --list ofac --id "IMO 9187629" --top 1 >"$WORK/imo.txt"
grep -q $'^1.000\tofac\t15036\t' "$WORK/imo.txt" || fail "IMO confirms: $(cat "$WORK/imo.txt")"
"$BOXRANK" watchlist match "ARTAVIL" --list ofac --id "9321483" --min-score 0.5 --top 1 >"$WORK/imo2.txt"
grep -q 'IMO differs from listed 9187629 -0.20; final 0.800$' "$WORK/imo2.txt" ||
  fail "another IMO lowers: $(cat "$WORK/imo2.txt")"
echo ok
