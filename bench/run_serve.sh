#!/usr/bin/env bash
# boxrank serve under load: a 1,000-unit port list as JSON (GET /api/worklist) at 50 concurrent
# clients with wrk, on loopback only, each run bounded to DURATION seconds; the anchor is the
# same server's smallest static file (the HTTP stack alone). Also the list's cold answer (built
# from the store after a result was recorded, which empties the cache), timed with curl.
# Usage: bench/run_serve.sh; RUNS=5 DURATION=10 CONNECTIONS=50 THREADS=2. Loopback only.
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
$B rank "$work/manifest.csv" --rules bench/serve-pack --profile feeds/profiles/sample.ini \
  --db "$work/store.db" --date 2026-03-01 --seed 3 --out "$work/out" --quiet
echo "bench password" | $B user add bench --role analyst --port IQUQR --db "$work/store.db" >/dev/null
$B serve --db "$work/store.db" --listen 127.0.0.1:0 --quiet 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  url=$(sed -n 's/^boxrank serve: \(http[^ ]*\) on .*/\1/p' "$work/serve.log")
  [ -n "$url" ] && break
  sleep 0.1
done
login=$(curl -s -D "$work/headers" -H 'Content-Type: application/json' \
  -d '{"name":"bench","password":"bench password"}' "$url/api/login")
cookie=$(sed -n 's/^Set-Cookie: \(br_session=[0-9a-f]*\);.*/\1/p' "$work/headers" | tr -d '\r')
csrf=$(echo "$login" | sed 's/.*"csrf":"\([0-9a-f]*\)".*/\1/')
list="$url/api/worklist?port=IQUQR"
units=$(curl -s -H "Cookie: $cookie" "$list" | grep -o '"position":' | wc -l)
bytes=$(curl -s -H "Cookie: $cookie" "$list" | wc -c)
gz=$(curl -s -H "Cookie: $cookie" -H "Accept-Encoding: gzip" "$list" | wc -c)
echo "list: $units units, $bytes bytes of JSON, $gz gzipped" >&2

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# p99 in ms from wrk --latency ("99%  12.34ms" or "1.02s" or "850.00us").
p99() { awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else { sub(/s$/, "", v); v *= 1000 } print v }'; }
rps() { awk '/^Requests\/sec:/ { print $2 }'; }
load() { # label url
  : >"$work/p99" && : >"$work/rps"
  for _ in $(seq 1 "$runs"); do
    # As a browser asks: gzip accepted.
    wrk -t"$threads" -c"$conns" -d"${duration}s" --latency -H "Cookie: $cookie" \
      -H "Accept-Encoding: gzip" "$2" >"$work/wrk.txt"
    grep -q "Non-2xx" "$work/wrk.txt" && { echo "$1: non-2xx answers" >&2; cat "$work/wrk.txt" >&2; exit 1; }
    p99 <"$work/wrk.txt" >>"$work/p99"
    rps <"$work/wrk.txt" >>"$work/rps"
  done
  printf "| %s | %s | %s (%s–%s) | %s (%s–%s) |\n" "$1" "$conns" \
    "$(median <"$work/p99")" "$(sort -g "$work/p99" | head -1)" "$(sort -g "$work/p99" | tail -1)" \
    "$(median <"$work/rps")" "$(sort -g "$work/rps" | head -1)" "$(sort -g "$work/rps" | tail -1)"
}
echo "| answer | clients | p99 ms, median (min–max) of $runs | requests/s, median (min–max) |"
echo "|---|---|---|---|"
load "1,000-unit list (JSON, $bytes bytes, $gz gzipped)" "$list"
load "static print.css (anchor)" "$url/print.css"
# Cold: each GET follows a recorded result, which empties the cache.
: >"$work/cold"
for i in $(seq 1 "$runs"); do
  curl -s -o /dev/null -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d "{\"port\":\"IQUQR\",\"unit\":\"BENCH$i\",\"date\":\"2026-03-02\",\"result\":\"no_finding\"}" "$url/api/result"
  curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $cookie" "$list" | awk '{ print $1 * 1000 }' >>"$work/cold"
done
echo
echo "cold list (built from the store), ms: median $(median <"$work/cold") (min $(sort -g "$work/cold" | head -1), max $(sort -g "$work/cold" | tail -1)) of $runs"
