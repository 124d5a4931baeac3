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

echo
echo "== without the exact-value rules (values.lua), tuned the same way"
cp -r rules/kcs "$tmp/general"
rm -f "$tmp/general/weights.ini" "$tmp/general/values.lua"
"$boxrank" tune "$data/train.csv" --rules "$tmp/general" "${common[@]}" \
  --holdout "$data/valid.csv" | tail -6

echo
echo "== without the exact-value rules and the price levels (values.lua, levels.lua)"
cp -r "$tmp/general" "$tmp/no-levels"
rm -f "$tmp/no-levels/levels.lua"
"$boxrank" tune "$data/train.csv" --rules "$tmp/no-levels" "${common[@]}" \
  --holdout "$data/valid.csv" | tail -6

echo
echo "== the 13 track records alone (without values.lua, levels.lua and norms.lua)"
cp -r "$tmp/no-levels" "$tmp/records"
rm -f "$tmp/records/norms.lua"
"$boxrank" tune "$data/train.csv" --rules "$tmp/records" "${common[@]}" \
  --holdout "$data/valid.csv" | tail -6

echo
echo "== every price and net mass of valid multiplied by a factor within +-0.5% (seed 1)"
lua5.4 scripts/perturb-values.lua 1 <"$data/valid.csv" >"$tmp/valid-perturbed.csv"
for pack in "$tmp/general" "$tmp/no-levels" "$tmp/records"; do
  "$boxrank" tune "$data/train.csv" --rules "$pack" "${common[@]}" --out "$pack/weights.ini" >/dev/null
done
for pack in rules/kcs "$tmp/general" "$tmp/no-levels" "$tmp/records"; do
  echo "-- $pack"
  "$boxrank" backtest "$tmp/valid-perturbed.csv" --rules "$pack" "${common[@]}" \
    --history "$data/train.csv" --period all | head -5
done
