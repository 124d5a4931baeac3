#!/usr/bin/env bash
# Runs one libFuzzer target over its seed corpus: run.sh FUZZER SEEDS WORK [libFuzzer options].
# The seeds are copied into WORK/corpus, so a run never adds files to the source tree and a
# later run in the same WORK starts from what earlier ones found. Exits non-zero on a crash,
# leak, timeout or out-of-memory; the input is then kept as WORK/crash-* (leak-*, timeout-*,
# oom-*) and its reproduction command printed.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3
shift 3
mkdir -p "$work/corpus"
cp -n "$seeds"/* "$work/corpus/"
status=0
"$fuzzer" -artifact_prefix="$work/" -max_len=4096 -timeout=30 -rss_limit_mb=2560 \
  -print_final_stats=1 "$@" "$work/corpus" || status=$?
if [ "$status" -ne 0 ]; then
  for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -e "$f" ] && echo "reproduce: $fuzzer $f" >&2
  done
fi
exit "$status"
