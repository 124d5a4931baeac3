#!/usr/bin/env bash
# Installs dependencies, builds boxrank, builds a demo store from about three months of generated
# daily manifests and inspection results (samples/demo-store.sh), and serves it in the browser
# on http://127.0.0.1:8080 with demo accounts printed here. Ctrl-C stops the server.
# BR_DEMO_LISTEN=HOST:PORT serves elsewhere; BR_DEMO_REBUILD=1 builds the store again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
B=./build/cli/boxrank
dir=demo
db="$dir/boxrank.db"
accounts="$dir/accounts.txt"
if [ ! -s "$accounts" ] || [ "${BR_DEMO_REBUILD:-0}" = 1 ]; then
  echo "Building the demo store (about two minutes)..." >&2
  rm -f "$accounts"
  bash samples/demo-store.sh "$dir"
  # A watchlist of namesakes: entries named like three consignees on the last day's Umm Qasr
  # list, so the analyst has hits to confirm or dismiss.
  last=$(sqlite3 "$db" "SELECT MAX(as_of) FROM runs")
  {
    echo "kind,id,value,name,quality,program,notes"
    sqlite3 -csv "$db" "SELECT 'entity', 'DEMO-' || ROW_NUMBER() OVER (), name, '', '', 'DEMO', \
      'made for the demo' FROM (SELECT DISTINCT json_extract(l.fields, '\$.consignee_name') AS name \
      FROM selection_lines l JOIN units u ON u.id = l.unit_id JOIN runs r ON r.id = u.run_id \
      WHERE r.as_of = '$last' AND u.port = 'IQUQR' AND name IS NOT NULL ORDER BY name LIMIT 3)"
  } >"$dir/namesakes.csv"
  $B watchlist import --format csv --name demo-namesakes "$dir/namesakes.csv" --db "$db" >/dev/null
  password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  ports=$(sqlite3 "$db" "SELECT DISTINCT port FROM run_ports ORDER BY port" | sed 's/^/--port /')
  # shellcheck disable=SC2086
  echo "$password" | $B user add demo.analyst --role analyst $ports --db "$db" >/dev/null
  echo "$password" | $B user add demo.second --role analyst --port IQUQR --db "$db" >/dev/null
  echo "$password" | $B user add demo.author --role rule_author --db "$db" >/dev/null
  echo "$password" | $B user add demo.commission --role commission --db "$db" >/dev/null
  echo "$password" | $B user add demo.admin --role admin --db "$db" >/dev/null
  (umask 077 && echo "$password" >"$accounts")
fi
listen=${BR_DEMO_LISTEN:-127.0.0.1:8080}
cat >&2 <<TXT

  boxrank demo: open http://$listen/ in a browser.
  Log in as demo.analyst (works every port's list), demo.second (a second analyst at IQUQR),
  demo.author (rule author), demo.commission or demo.admin,
  all with the password: $(cat "$accounts")

TXT
exec $B serve --db "$db" --listen "$listen"
