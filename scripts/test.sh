#!/usr/bin/env bash
# Installs dependencies, builds boxrank with AddressSanitizer and UndefinedBehaviorSanitizer,
# and runs every test (unit, rule, end-to-end) under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
BR_WITH_BROWSER=1 bash scripts/install-deps.sh
cmake -S . -B build-test -DBR_SANITIZE=ON -DBR_WERROR=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)" --timeout 600
