#!/usr/bin/env bash
# Builds the demo store of `boxrank serve`: about three months of daily manifests for the sample
# ports, each ranked with the starter pack on its day, and the inspection results of each day
# imported before the next day is ranked, so track records grow the way they would at a real
# agency. The last day's lists are left without results: that is the analysts' work.
#
#   bash samples/demo-store.sh DIR [FIRST_DAY] [DAYS] [LINES_PER_DAY]
#
# Writes DIR/boxrank.db, and DIR/manifests, DIR/lists, DIR/outcomes per day. Deterministic: the
# same arguments give the same manifests, lists and results. Needs the build in build/ and the
# UN and OFAC lists in ${BR_SHARED_DATA:-../shared/data}/watchlists.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: samples/demo-store.sh DIR [FIRST_DAY] [DAYS] [LINES_PER_DAY]}
first=${2:-2026-01-05}
days=${3:-88}
lines=${4:-500}
data=${BR_SHARED_DATA:-../shared/data}
B=./build/cli/boxrank
G=./build/samples/boxrank-gen
db="$dir/boxrank.db"
mkdir -p "$dir/manifests" "$dir/lists" "$dir/outcomes"
rm -f "$db" "$db-wal" "$db-shm"
$B watchlist import --format un "$data/watchlists/un-consolidated.xml" --db "$db" >/dev/null
$B watchlist import --format ofac "$data/watchlists/ofac" --db "$db" >/dev/null
for ((i = 0; i < days; i++)); do
  day=$(date -u -d "$first + $i days" +%Y-%m-%d)
  next=$(date -u -d "$first + $((i + 1)) days" +%Y-%m-%d)
  seed=${day//-/}
  m="$dir/manifests/$day.csv"
  # One world of traders for every day; each day's boxes numbered apart from the others'.
  $G manifest --lines "$lines" --seed "$seed" --world-seed 20260101 --serial-base $((i * 4000)) \
    --start-date "$day" --days 1 --out "$m" --truth "$dir/manifests/$day.truth.csv"
  # A new seed every day, so the random control picks cannot be predicted.
  $B rank "$m" --rules rules/ccp --profile feeds/profiles/sample.ini --db "$db" --date "$day" \
    --seed "$seed" --out "$dir/lists/$day" --quiet || [ $? -eq 3 ]
  if ((i < days - 1)); then
    $G outcomes --manifest "$m" --truth "$dir/manifests/$day.truth.csv" --lists "$dir/lists/$day" \
      --seed "$seed" --date "$next" --out "$dir/outcomes/$day.csv"
    $B outcomes import "$dir/outcomes/$day.csv" --db "$db" >/dev/null
  fi
  [ -t 2 ] && printf '\rdemo store: %s (%d of %d days)' "$day" $((i + 1)) "$days" >&2
done
[ -t 2 ] && printf '\r\033[K' >&2
echo "demo store: $db, $days days from $first, $lines manifest lines a day" >&2
