#!/usr/bin/env bash
# Installs what boxrank needs to build and test, from Debian packages.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libglib2.0-dev liblua5.4-dev lua5.4 libcsv-dev libsqlite3-dev sqlite3 libxml2-dev
  libsoup-3.0-dev libjson-glib-dev libsodium-dev libssl-dev
  curl openssl
  # the libFuzzer targets (tests/fuzz): clang and its runtime libraries (libFuzzer, ASan)
  clang libclang-rt-dev
  # the Dask demo and its test (bench/dask_rank.py, docs/scale.md)
  python3 python3-distributed
)
if [ "${BR_WITH_BROWSER:-0}" = 1 ]; then
  packages+=(chromium)
  # The browser tests drive Chromium with puppeteer-core from npm; a Node.js installed from
  # elsewhere (with its own npm) is used as it is.
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
