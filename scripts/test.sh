#!/usr/bin/env bash
# Installs dependencies, builds boxrank with AddressSanitizer and UndefinedBehaviorSanitizer,
# and runs every test (unit, rule, end-to-end) under ctest; then builds the libFuzzer targets
# with clang and fuzzes each parser for BR_FUZZ_SECONDS (default 30; 0 skips them), failing on
# any crash, leak or timeout (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
BR_WITH_BROWSER=1 bash scripts/install-deps.sh
cmake -S . -B build-test -DBR_SANITIZE=ON -DBR_WERROR=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test -j"$(nproc)"
(cd build-test && ctest --output-on-failure -j"$(nproc)" --timeout 600)

fuzz_seconds=${BR_FUZZ_SECONDS:-30}
[ "$fuzz_seconds" -gt 0 ] || exit 0
# No -Werror here: warnings are gcc's to judge (the build above), and clang's own ones (a
# string concatenated in an array initialiser) would stop the fuzzing for no defect.
CC=clang cmake -S . -B build-fuzz -DBR_FUZZ=ON -DBR_SANITIZE=ON -DBR_WERROR=OFF \
  -DBR_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_targets
cd build-fuzz
ctest --output-on-failure -j"$(nproc)" -L fuzz
