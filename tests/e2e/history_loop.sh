#!/usr/bin/env bash
# History closes the loop: outcomes of one run become track records that rules read in the
# next, and a run dated before the outcomes does not see them. With 3 findings in 6 outcomes the
# global rate is 0.5, so the shrunk rates are 8/13 for BAD CO and 5/13 for GOOD CO.
source "$(dirname "$0")/common.bash"
DB="$WORK/store.db"
mkdir -p "$WORK/pack"
cat >"$WORK/pack/pack.ini" <<'INI'
[pack]
name = history-e2e
[lanes]
red = 30
yellow = 10
[capacity]
default = 10
[random]
share = 0
INI
cat >"$WORK/pack/rules.lua" <<'LUA'
rule {
  id = "H-DECL", title = "Consignee often found with something", weight = 30,
  when = history("consignee_name", ">=", 0.55, 2),
}
rule {
  id = "H-LUA", title = "Consignee record", weight = 1,
  when = function(line)
    local n, hits, rate = br.history("consignee_name", line.consignee_name)
    return n > 0, string.format("%d of %d", hits, n)
  end,
}
LUA
H="record_id,container,port,consignee_name"
{
  echo "$H"
  for i in 1 2 3; do echo "A$i,BADC000000$i,IQUQR,Bad  Co"; echo "B$i,GOOD000000$i,IQUQR,GOOD CO"; done
} >"$WORK/day1.csv"
expect_status 0 "$BOXRANK" rank "$WORK/day1.csv" --rules "$WORK/pack" --out "$WORK/o1" --db "$DB" --date 2026-01-01 -q
{
  echo "unit,port,date,result,category,severity,notes"
  for i in 1 2 3; do
    echo "BADC000000$i,IQUQR,2026-01-02,finding,drugs,4,"
    echo "GOOD000000$i,IQUQR,2026-01-02,no_finding,,,"
  done
} >"$WORK/outcomes.csv"
expect_status 0 "$BOXRANK" outcomes import "$WORK/outcomes.csv" --db "$DB" >/dev/null
{
  echo "$H"
  echo "C1,BADC0000009,IQUQR,BAD CO"
  echo "C2,GOOD0000009,IQUQR,Good Co"
} >"$WORK/day2.csv"
expect_status 0 "$BOXRANK" rank "$WORK/day2.csv" --rules "$WORK/pack" --out "$WORK/o2" --db "$DB" --date 2026-01-10 -q
grep -q '^IQUQR,1,1,BADC0000009,31,red,targeted,H-DECL H-LUA,.*H-LUA +1.00: 3 of 3' "$WORK/o2/list-IQUQR.csv" ||
  fail "the consignee's record should fire: $(cat "$WORK/o2/list-IQUQR.csv")"
grep -q 'GOOD0000009' "$WORK/o2/list-IQUQR.csv" && fail "a clean record must not make the list"
# Dated the day of the outcomes: they are not known yet.
expect_status 0 "$BOXRANK" rank "$WORK/day2.csv" --rules "$WORK/pack" --out "$WORK/o3" --db "$DB" --date 2026-01-02 -q
grep -q 'H-DECL' "$WORK/o3/list-IQUQR.csv" && fail "a run dated 2026-01-02 saw outcomes of 2026-01-02"
echo ok
