# Shared helpers for the end-to-end tests (sourced, not a test itself).
set -euo pipefail
: "${BOXRANK:?BOXRANK must point at the built boxrank binary}"
: "${BR_SOURCE_DIR:?}"
WORK=$(mktemp -d)
export BOXRANK_DB="$WORK/boxrank.db"
trap 'rm -rf "$WORK"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Runs a command and checks its exit status: expect_status N cmd args...
expect_status() {
  local want=$1
  shift
  local got=0
  "$@" || got=$?
  [ "$got" -eq "$want" ] || fail "expected exit $want, got $got: $*"
}

# A list file with its run id masked: lists of two runs over the same input, pack and seed
# differ only there.
unstamp() { # FILE...
  sed -E 's/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}/RUN/g' "$@"
}

# List rows without their stamp (the run id and all after it).
nostamp() { # FILE...
  sed -E 's/,[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8},.*$//' "$@"
}

# A small pack with one declarative rule, one function rule with a reason, and settings.
make_pack() {
  local dir=$1
  mkdir -p "$dir"
  cat >"$dir/pack.ini" <<'INI'
[pack]
name = e2e
version = 1
[lanes]
red = 50
yellow = 20
[capacity]
default = 3
[random]
share = 0.34
INI
  cat >"$dir/rules.lua" <<'LUA'
rule {
  id = "E2E-ORIGIN",
  title = "Origin on the test list",
  weight = 30,
  when = field_in("origin_country", { "EC", "CO" }),
  tests = {
    { line = { origin_country = "EC" }, fires = true },
    { line = { origin_country = "DE" }, fires = false },
  },
}
rule {
  id = "E2E-MASS",
  title = "Weighed mass far above declared",
  weight = 40,
  when = function(line)
    local d, m = line.declared_kg, line.measured_kg
    if d and m and m > d * 1.5 then
      return true, string.format("declared %.0f kg, weighed %.0f kg", d, m)
    end
    return false
  end,
  tests = {
    { line = { declared_kg = 1000, measured_kg = 3000 }, fires = true,
      reason = "declared 1000 kg, weighed 3000 kg" },
    { line = { declared_kg = 1000, measured_kg = 1010 }, fires = false },
  },
}
LUA
}

# The starter pack screens parties against the UN and OFAC lists: its store must hold them.
import_watchlists() { # DB
  "$BOXRANK" watchlist import --format un "$BR_SHARED_DATA/watchlists/un-consolidated.xml" \
    --db "$1" >/dev/null
  "$BOXRANK" watchlist import --format ofac "$BR_SHARED_DATA/watchlists/ofac" --db "$1" >/dev/null
}

# Waits for `boxrank serve` to log its address in LOG and prints it (http://127.0.0.1:PORT).
serve_url() { # LOG
  local url=""
  for _ in $(seq 100); do
    url=$(sed -n 's/^boxrank serve: \(http[^ ]*\) on .*/\1/p' "$1")
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || fail "boxrank serve did not start: $(cat "$1")"
  echo "$url"
}
