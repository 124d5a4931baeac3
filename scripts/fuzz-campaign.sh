#!/usr/bin/env bash
# The long fuzz campaign (docs/fuzzing.md): runs each libFuzzer target in turn at the lowest
# CPU priority until it has executed RUNS inputs (default 10^7), SECONDS have passed (default:
# no limit) or it found something, keeping its corpus, log and findings in OUT/TARGET/; then
# prints one line of figures per target.
#
#   scripts/fuzz-campaign.sh [TARGET...]          all targets when none is named
#   RUNS=1000000 SECONDS_EACH=600 OUT=/tmp/fz scripts/fuzz-campaign.sh fuzz_x12
#
# FUZZ_BIN names a folder of already built targets (the default builds build-fuzz with clang,
# ASan and UBSan); a campaign run from a copy of them is not disturbed by rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
runs=${RUNS:-10000000}
out=${OUT:-build-fuzz/campaign}
bin=${FUZZ_BIN:-}
if [ -z "$bin" ]; then
  CC=clang cmake -S . -B build-fuzz -DBR_FUZZ=ON -DBR_SANITIZE=ON >/dev/null
  cmake --build build-fuzz -j2 --target fuzz_targets >/dev/null
  bin=build-fuzz/tests/fuzz
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(cd "$src/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//'))
limit=()
[ -z "${SECONDS_EACH:-}" ] || limit=(-max_total_time="$SECONDS_EACH")
status=0
for t in "${targets[@]}"; do
  mkdir -p "$out/$t"
  start=$(date +%s)
  nice -n 19 bash "$src/tests/fuzz/run.sh" "$bin/$t" "$src/tests/fuzz/corpus/${t#fuzz_}" \
    "$out/$t" -runs="$runs" "${limit[@]}" >"$out/$t/log" 2>&1 || status=1
  wall=$(($(date +%s) - start))
  last=$(grep -E '^#[0-9]+' "$out/$t/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t/log")
  found=$(ls "$out/$t" | grep -cE '^(crash|leak|timeout|oom)-' || true)
  echo "$t: $last wall ${wall}s exec/s ${rate:-?} findings $found" | tee -a "$out/summary"
done
exit "$status"
