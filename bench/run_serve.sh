#!/usr/bin/env bash
# boxrank serve under load: a 1,000-unit port list as JSON (GET /api/worklist) at 50 concurrent
# clients with wrk, on loopback only, each run bounded to DURATION seconds; the anchor is the
# same server's smallest static file (the HTTP stack alone). Also the list's cold answer (built
# from the store after a result was recorded, which empties the cache), timed with curl.
# Usage: bench/run_serve.sh; RUNS=5 DURATION=10 CONNECTIONS=50 THREADS=2. Loopback only.
# BASE=/path/to/boxrank adds an older build, measured on the same list (ranked by it into its
# own store, since an older build may not open a newer schema), runs interleaved
# (run 1 of each server, then run 2 ...) so that the machine's load hits both alike.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
duration=${DURATION:-10}
conns=${CONNECTIONS:-50}
threads=${THREADS:-2}
work=bench/work/serve
rm -rf "$work" && mkdir -p "$work"
command -v wrk >/dev/null || { echo "bench/run_serve.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
B=build-bench/cli/boxrank
build-bench/samples/boxrank-gen manifest --lines 5000 --seed 3 --start-date 2026-03-01 --days 1 \
  --out "$work/manifest.csv"
# make_store LABEL BINARY: the same list ranked by that build into its own store (an older build
# may not open a store of a newer schema).
make_store() {
  "$2" rank "$work/manifest.csv" --rules bench/serve-pack --profile feeds/profiles/sample.ini \
    --db "$work/store-$1.db" --date 2026-03-01 --seed 3 --out "$work/out-$1" --quiet
  echo "bench password" | "$2" user add bench --role analyst --port IQUQR --db "$work/store-$1.db" >/dev/null
}
# start_server LABEL BINARY: starts it on a free loopback port, logs in; sets url_LABEL etc.
servers=()
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
start_server() {
  make_store "$1" "$2"
  "$2" serve --db "$work/store-$1.db" --listen 127.0.0.1:0 --quiet 2>"$work/serve-$1.log" &
  pids+=($!)
  local url=
  for _ in $(seq 100); do
    url=$(sed -n 's/^boxrank serve: \(http[^ ]*\) on .*/\1/p' "$work/serve-$1.log")
    [ -n "$url" ] && break
    sleep 0.1
  done
  local login
  login=$(curl -s -D "$work/headers" -H 'Content-Type: application/json' \
    -d '{"name":"bench","password":"bench password"}' "$url/api/login")
  printf -v "url_$1" %s "$url"
  printf -v "cookie_$1" %s "$(sed -n 's/^Set-Cookie: \(br_session=[0-9a-f]*\);.*/\1/p' "$work/headers" | tr -d '\r')"
  printf -v "csrf_$1" %s "$(echo "$login" | sed 's/.*"csrf":"\([0-9a-f]*\)".*/\1/')"
  servers+=("$1")
}
# BASE=path/to/an/older/boxrank measures it side by side, runs interleaved.
[ -n "${BASE:-}" ] && start_server base "$BASE"
start_server this "$B"
url=$url_this
cookie=$cookie_this
list="$url/api/worklist?port=IQUQR"
units=$(curl -s -H "Cookie: $cookie" "$list" | grep -o '"position":' | wc -l)
bytes=$(curl -s -H "Cookie: $cookie" "$list" | wc -c)
gz=$(curl -s -H "Cookie: $cookie" -H "Accept-Encoding: gzip" "$list" | wc -c)
echo "list: $units units, $bytes bytes of JSON, $gz gzipped" >&2

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
range() { echo "$(median <"$1") ($(sort -g "$1" | head -1)–$(sort -g "$1" | tail -1))"; }
# p99 in ms from wrk --latency ("99%  12.34ms" or "1.02s" or "850.00us").
p99() { awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else { sub(/s$/, "", v); v *= 1000 } print v }'; }
rps() { awk '/^Requests\/sec:/ { print $2 }'; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }
one() { # name server path
  local u c
  u=url_$2 c=cookie_$2
  # As a browser asks: gzip accepted.
  wrk -t"$threads" -c"$conns" -d"${duration}s" --latency -H "Cookie: ${!c}" \
    -H "Accept-Encoding: gzip" "${!u}$3" >"$work/wrk.txt"
  grep -q "Non-2xx" "$work/wrk.txt" && { echo "$1 $2: non-2xx answers" >&2; cat "$work/wrk.txt" >&2; exit 1; }
  p99 <"$work/wrk.txt" >>"$work/p99-$1-$2"
  rps <"$work/wrk.txt" >>"$work/rps-$1-$2"
  loadavg >>"$work/load"
}
loadavg >"$work/load"
for _ in $(seq 1 "$runs"); do
  for s in "${servers[@]}"; do
    one list "$s" "/api/worklist?port=IQUQR"
    one static "$s" "/print.css"
  done
done
# Cold: each GET follows a recorded result, which empties the cache.
for s in "${servers[@]}"; do
  u=url_$s c=cookie_$s x=csrf_$s
  for i in $(seq 1 "$runs"); do
    curl -s -o /dev/null -H "Cookie: ${!c}" -H "X-CSRF-Token: ${!x}" -H 'Content-Type: application/json' \
      -d "{\"port\":\"IQUQR\",\"unit\":\"BENCH$s$i\",\"date\":\"2026-03-02\",\"result\":\"no_finding\"}" "${!u}/api/result"
    curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: ${!c}" "${!u}/api/worklist?port=IQUQR" |
      awk '{ print $1 * 1000 }' >>"$work/cold-$s"
  done
done
echo "| server | answer | clients | p99 ms, median (min–max) of $runs | requests/s, median (min–max) | cold list ms, median (min–max) |"
echo "|---|---|---|---|---|---|"
for s in "${servers[@]}"; do
  echo "| $s | 1,000-unit list (JSON, $bytes bytes, $gz gzipped) | $conns | $(range "$work/p99-list-$s") | $(range "$work/rps-list-$s") | $(range "$work/cold-$s") |"
  echo "| $s | static print.css (anchor) | $conns | $(range "$work/p99-static-$s") | $(range "$work/rps-static-$s") | |"
done
echo
echo "load average (1 min) over the runs: $(sort -g "$work/load" | head -1)–$(sort -g "$work/load" | tail -1)"
