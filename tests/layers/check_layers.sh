#!/usr/bin/env bash
# Proves that the build refuses an include that climbs the folder graph (docs/architecture.md):
# in a scratch copy of the tree, each case adds one forbidden include to a file of a lower
# folder and expects that folder's library to fail to build for that reason; with the file
# restored, the library builds again (so the failure was the include and nothing else).
set -euo pipefail
src=${BR_SOURCE_DIR:?}
scratch=$(mktemp -d "${BR_BUILD_DIR:-/tmp}/layers.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

tar -C "$src" --exclude='./build*' --exclude=./.git --exclude='*/node_modules' -cf - . |
  tar -C "$scratch" -xf -
mkdir "$scratch/_b"
cmake -S "$scratch" -B "$scratch/_b" -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=OFF >/dev/null

# file of the lower folder | its library | a header of a folder it may not use
cases=(
  "engine/core/br_schema.c|br_core|br_names.h"
  "engine/names/br_names.c|br_names|br_feed.h"
  "feeds/br_feed.c|br_feeds|br_store.h"
  "engine/store/br_store.c|br_store|br_watchset.h"
  "engine/screen/br_watchset.c|br_screen|br_rules.h"
  "engine/score/br_pipeline.c|br_score|br_rank.h"
  "engine/rank/br_rank.c|br_rank|br_backtest.h"
  "engine/rank/br_output.c|br_rank|br_report.h"
  "engine/learn/br_backtest.c|br_learn|br_report.h"
  "engine/report/br_report.c|br_report|br_backtest.h"
  "engine/report/br_report.c|br_report|br_server.h"
  "engine/store/br_store.c|br_store|br_users.h"
)

failed=0
for c in "${cases[@]}"; do
  IFS='|' read -r file lib header <<<"$c"
  cp "$scratch/$file" "$scratch/$file.orig"
  printf '#include "%s"\n' "$header" >>"$scratch/$file"
  if out=$(cmake --build "$scratch/_b" --target "$lib" 2>&1); then
    echo "FAIL: $file may include $header ($lib built)"
    failed=1
  elif ! grep -q "$header: No such file" <<<"$out"; then
    echo "FAIL: $lib did not build with $header in $file, but not for that reason:"
    tail -5 <<<"$out"
    failed=1
  else
    echo "ok: $lib refuses $header in $file"
  fi
  mv "$scratch/$file.orig" "$scratch/$file"
  if ! cmake --build "$scratch/_b" --target "$lib" >/dev/null 2>&1; then
    echo "FAIL: $lib does not build even without the forbidden include"
    failed=1
  fi
done
exit $failed
