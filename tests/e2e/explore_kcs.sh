#!/usr/bin/env bash
# Exploration picks on the real KCS declarations: rules/kcs with [explore] share = 0.1 ranks
# valid with history from train; each office's list holds targeted, explore and random picks,
# the explore picks go to declarations whose values train knows less than the targeted ones,
# the store keeps them as their own kind, and the lists are the same for the same seed.
set -euo pipefail
source "$(dirname "$0")/common.bash"
data="$BR_SHARED_DATA/kcs"
cp -r "$BR_SOURCE_DIR/rules/kcs" "$WORK/kcs"
printf '\n[explore]\nshare = 0.1\n' >>"$WORK/kcs/pack.ini"
args=(--rules "$WORK/kcs" --profile "$BR_SOURCE_DIR/feeds/profiles/kcs.ini" --label Fraud
  --history "$data/train.csv" --seed 20261203 -q)
"$BOXRANK" rank "$data/valid.csv" "${args[@]}" --out "$WORK/a" --db "$WORK/store.db"
"$BOXRANK" rank "$data/valid.csv" "${args[@]}" --out "$WORK/b" --no-store
for f in "$WORK"/a/list-*; do
  cmp -s <(unstamp "$f") <(unstamp "$WORK/b/$(basename "$f")") || fail "lists differ for the same seed"
done

# Capacity 50: 5 random, 5 explore, 40 targeted where an office has enough declarations.
list="$WORK/a/list-30.csv"
[ "$(grep -c ',explore,' "$list")" = 5 ] || fail "explore picks at office 30: $(grep -c ',explore,' "$list")"
[ "$(grep -c ',random,' "$list")" = 5 ] || fail "random picks at office 30"
[ "$(grep -c ',targeted,' "$list")" = 40 ] || fail "targeted picks at office 30"
# Listed targeted first, then explore, then random.
awk -F, 'NR > 1 { print $7 }' "$list" | uniq | tr '\n' ' ' | grep -qx 'targeted explore random ' ||
  fail "list order: $(awk -F, 'NR > 1 { print $7 }' "$list" | uniq | tr '\n' ' ')"
# Every explore pick says how little the history knows of it.
# (grep -c, not -q: under pipefail an early exit of the second grep fails the first.)
[ "$(grep '"selection":"explore"' "$WORK/a/list-30.jsonl" | grep -c '"uncertainty":')" = 5 ] ||
  fail "explore picks carry no uncertainty"
[ "$(sqlite3 "$WORK/store.db" "SELECT count(*) FROM selections WHERE kind = 'explore'")" -gt 20 ] ||
  fail "explore picks not stored as their own kind"
[ "$(sqlite3 "$WORK/store.db" "SELECT sum(explore) FROM run_ports")" = \
  "$(sqlite3 "$WORK/store.db" "SELECT count(*) FROM selections WHERE kind = 'explore'")" ] ||
  fail "run_ports.explore disagrees with the stored selections"
echo ok
