#!/usr/bin/env bash
# Every shipped rule pack checks clean against the sample profile and passes its own tests.
source "$(dirname "$0")/common.bash"
n=0
for pack in "$BR_SOURCE_DIR"/rules/*/; do
  [ -f "$pack/pack.ini" ] || continue
  "$BOXRANK" rules check "$pack" --profile "$BR_SOURCE_DIR/feeds/profiles/sample.ini" >"$WORK/check.txt" ||
    fail "rules check $pack: $(cat "$WORK/check.txt")"
  "$BOXRANK" rules test "$pack" --reference "$BR_SHARED_DATA/reference" >"$WORK/test.txt" ||
    fail "rules test $pack: $(cat "$WORK/test.txt")"
  n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "expected at least 3 shipped packs, found $n"
echo "ok: $n packs"
