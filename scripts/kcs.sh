#!/usr/bin/env bash
# The KCS figures of bench/README.md: fit rules/kcs on the 2020 declarations (train), rank the
# 2021-Q1 ones (valid) with history learnt from train, report precision@1/2/5/10%; then the
# same without the exact-value rules (rules/kcs/values.lua), also without the price levels
# (levels.lua), also without the value norms (norms.lua), then each with prices and net masses
# perturbed.
# Usage: bash scripts/kcs.sh   (data from ${BR_SHARED_DATA:-../shared/data}/kcs)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${BR_SHARED_DATA:-../shared/data}/kcs
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
boxrank=build/cli/boxrank
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(--profile feeds/profiles/kcs.ini --label Fraud)

echo "== tune rules/kcs on train, held out: valid"
cp -r rules/kcs "$tmp/kcs"
rm -f "$tmp/kcs/weights.ini"
"$boxrank" tune "$data/train.csv" --rules "$tmp/kcs" "${common[@]}" --holdout "$data/valid.csv" \
  --out "$tmp/kcs/weights.ini"
if diff <(grep -v '^#' "$tmp/kcs/weights.ini") <(grep -v '^#' rules/kcs/weights.ini) >/dev/null; then
  echo "(rules/kcs/weights.ini is this fit)"
else
  echo "(rules/kcs/weights.ini differs from this fit)"
fi

echo
echo "== rules/kcs with its weights on valid, history from train"
"$boxrank" backtest "$data/valid.csv" --rules rules/kcs "${common[@]}" \
  --history "$data/train.csv" --period all

# A variant of a pack: a copy without some rule files and without weights, tuned on train and
# shown on valid. Usage: variant NAME FROM TITLE FILE...
variant() {
  local name=$1 from=$2 title=$3
  shift 3
  echo
  echo "== $title"
  cp -r "$from" "$tmp/$name"
  for f in weights.ini "$@"; do rm -f "$tmp/$name/$f"; done
  "$boxrank" tune "$data/train.csv" --rules "$tmp/$name" "${common[@]}" \
    --holdout "$data/valid.csv" | tail -6
}
variant general rules/kcs "without the exact-value rules (values.lua), tuned the same way" \
  values.lua
variant no-levels "$tmp/general" \
  "without the exact-value rules and the price levels (values.lua, levels.lua)" levels.lua
variant records "$tmp/no-levels" \
  "the 13 track records alone (without values.lua, levels.lua and norms.lua)" norms.lua

echo
echo "== every price and net mass of valid multiplied by a factor within +-0.5% (seed 1)"
lua5.4 scripts/perturb-values.lua 1 <"$data/valid.csv" >"$tmp/valid-perturbed.csv"
for pack in "$tmp/general" "$tmp/no-levels" "$tmp/records"; do
  "$boxrank" tune "$data/train.csv" --rules "$pack" "${common[@]}" --out "$pack/weights.ini" >/dev/null
done
for pack in rules/kcs "$tmp/general" "$tmp/no-levels" "$tmp/records"; do
  echo "-- $pack"
  "$boxrank" backtest "$tmp/valid-perturbed.csv" --rules "$pack" "${common[@]}" \
    --history "$data/train.csv" --period all | sed -n 1,5p
done
