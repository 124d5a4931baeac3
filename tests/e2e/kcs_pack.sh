#!/usr/bin/env bash
# rules/kcs on the real KCS declarations: tune on train, backtest valid with history from train.
# Floors sit just under the measured figures (bench/README.md, KCS); XGBoost's published
# figures are 0.82 / 0.85 / 0.80 / 0.71.
set -euo pipefail
source "$(dirname "$0")/common.bash"
data="$BR_SHARED_DATA/kcs"
common=(--profile "$BR_SOURCE_DIR/feeds/profiles/kcs.ini" --label Fraud)

cp -r "$BR_SOURCE_DIR/rules/kcs" "$WORK/kcs"
rm "$WORK/kcs/weights.ini"
"$BOXRANK" tune "$data/train.csv" --rules "$WORK/kcs" "${common[@]}" \
  --holdout "$data/valid.csv" --out "$WORK/kcs/weights.ini" >"$WORK/tune.txt"
grep -q '^37385 labelled units, 8114 positive' "$WORK/tune.txt" || fail "tune: unit counts"
# Without --out nothing is written, the pack's weights least of all.
cp "$WORK/kcs/weights.ini" "$WORK/before.ini"
"$BOXRANK" tune "$data/train.csv" --rules "$WORK/kcs" "${common[@]}" --l2 3 >"$WORK/tune2.txt"
cmp -s "$WORK/kcs/weights.ini" "$WORK/before.ini" || fail "tune without --out changed the pack"
grep -q 'weights not written' "$WORK/tune2.txt" || fail "tune without --out: $(tail -2 "$WORK/tune2.txt")"
# The fit is deterministic: the shipped weights are this fit.
diff <(grep -v '^#' "$WORK/kcs/weights.ini") <(grep -v '^#' "$BR_SOURCE_DIR/rules/kcs/weights.ini") \
  || fail "shipped weights.ini is not what tune fits"

"$BOXRANK" backtest "$data/valid.csv" --rules "$BR_SOURCE_DIR/rules/kcs" "${common[@]}" \
  --history "$data/train.csv" --period all >"$WORK/bt.txt"
# "all  units positive  p@1 r@1  p@2 r@2  p@5 r@5  p@10 r@10"
read -r p1 p2 p5 p10 < <(awk '$1 == "all" { print $4, $6, $8, $10 }' "$WORK/bt.txt")
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
above "$p1" 0.90 || fail "p@1 $p1"
above "$p2" 0.92 || fail "p@2 $p2"
above "$p5" 0.93 || fail "p@5 $p5"
above "$p10" 0.90 || fail "p@10 $p10"

# Without the exact-value rules, on valid with every price and net mass moved by up to 0.5%
# (scripts/perturb-values.lua): what the pack knows that generalises. Floors just under the
# measured 0.915 / 0.939 / 0.939 / 0.869 (bench/README.md, KCS), and issue 17's goal
# (p@1 >= 0.90, p@5 >= 0.85) among them.
cp -r "$BR_SOURCE_DIR/rules/kcs" "$WORK/general"
rm "$WORK/general/weights.ini" "$WORK/general/values.lua"
"$BOXRANK" tune "$data/train.csv" --rules "$WORK/general" "${common[@]}" \
  --out "$WORK/general/weights.ini" >/dev/null
lua5.4 "$BR_SOURCE_DIR/scripts/perturb-values.lua" 1 <"$data/valid.csv" >"$WORK/valid-perturbed.csv"
"$BOXRANK" backtest "$WORK/valid-perturbed.csv" --rules "$WORK/general" "${common[@]}" \
  --history "$data/train.csv" --period all >"$WORK/bt-general.txt"
read -r p1 p2 p5 p10 < <(awk '$1 == "all" { print $4, $6, $8, $10 }' "$WORK/bt-general.txt")
above "$p1" 0.90 || fail "general, perturbed: p@1 $p1"
above "$p2" 0.92 || fail "general, perturbed: p@2 $p2"
above "$p5" 0.92 || fail "general, perturbed: p@5 $p5"
above "$p10" 0.85 || fail "general, perturbed: p@10 $p10"

# The lists explain every pick: each targeted unit names the track records behind its score.
"$BOXRANK" rank "$data/valid.csv" --rules "$BR_SOURCE_DIR/rules/kcs" "${common[@]}" \
  --history "$data/train.csv" --no-store --out "$WORK/lists" -q
targeted=$(cat "$WORK"/lists/list-*.csv | grep -c ',targeted,')
[ "$targeted" -gt 100 ] || fail "only $targeted targeted units"
explained=$(cat "$WORK"/lists/list-*.csv | grep ',targeted,' | grep -c 'past inspections found something')
[ "$explained" = "$targeted" ] || fail "$explained of $targeted targeted units explained"
echo ok
