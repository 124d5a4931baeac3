#!/usr/bin/env bash
# Installs dependencies, builds boxrank, and ranks the shipped sample manifest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
# The starter pack screens parties and vessels against the UN and OFAC lists in the store.
data=${BR_SHARED_DATA:-../shared/data}
./build/cli/boxrank watchlist import --format un "$data/watchlists/un-consolidated.xml" --db boxrank.db
./build/cli/boxrank watchlist import --format ofac "$data/watchlists/ofac" --db boxrank.db
./build/cli/boxrank rank samples/manifests/iraq-sample.csv --db boxrank.db \
  --rules rules/ccp --profile feeds/profiles/sample.ini --out out/ --seed 20261123
echo "Inspection lists per port: out/list-*.csv (and .jsonl); run summary: out/summary.json" >&2
