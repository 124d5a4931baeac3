#!/usr/bin/env bash
# boxrank user add, watchlist revoke, and boxrank serve from the shell: bad accounts refused,
# exceptions revoked and audited, HTTPS with Secure cookies, a clean stop on SIGTERM, and SQL
# in server/ only as literals bound through prepared statements.
source "$(dirname "$0")/common.bash"
DB="$WORK/store.db"

# ---- accounts ----
echo "short" | expect_status 1 "$BOXRANK" user add ana --role analyst --port IQUQR --db "$DB"
echo "long enough password" | expect_status 1 "$BOXRANK" user add ana --role analyst --db "$DB"
echo "long enough password" | expect_status 2 "$BOXRANK" user add ana --role officer --db "$DB"
echo "long enough password" | expect_status 1 "$BOXRANK" user add "bad name" --role admin --db "$DB"
echo "long enough password" | expect_status 1 "$BOXRANK" user add cora --role commission --port IQUQR --db "$DB"
echo "long enough password" | "$BOXRANK" user add ana --role analyst --port IQUQR --port IQBSR --db "$DB" >"$WORK/out"
grep -q "user ana added as analyst" "$WORK/out" || fail "user add: $(cat "$WORK/out")"
echo "long enough password" | expect_status 1 "$BOXRANK" user add ana --role admin --db "$DB"
[ "$(sqlite3 "$DB" "SELECT group_concat(port, ' ') FROM user_ports")" = "IQBSR IQUQR" ] || fail "ports not stored"
sqlite3 "$DB" "SELECT password_hash FROM users WHERE name = 'ana'" | grep -q '^\$argon2id\$' ||
  fail "the password is not stored as an Argon2id hash"
"$BOXRANK" user --help | grep -q "Example" || fail "user --help has no example"
# Disable, enable, role and ports, password; the last admin stays.
echo "long enough password" | "$BOXRANK" user add root --role admin --db "$DB" >/dev/null
echo "long enough password" | "$BOXRANK" user add ema --role analyst --port IQUQR --port IQBSR --db "$DB" >/dev/null
"$BOXRANK" user disable ema --db "$DB" | grep -q "ema: disabled" || fail "user disable"
"$BOXRANK" user list --db "$DB" | grep -q "^ema .* analyst .* disabled .* IQBSR IQUQR" ||
  fail "user list: $("$BOXRANK" user list --db "$DB")"
expect_status 1 "$BOXRANK" user disable ema --db "$DB"
expect_status 1 "$BOXRANK" user disable nobody --db "$DB"
expect_status 1 "$BOXRANK" user disable root --db "$DB"
expect_status 2 "$BOXRANK" user set ema --db "$DB"
expect_status 1 "$BOXRANK" user set root --role commission --db "$DB"
"$BOXRANK" user enable ema --db "$DB" >/dev/null
"$BOXRANK" user set ema --port IQBSR --db "$DB" >/dev/null
[ "$(sqlite3 "$DB" "SELECT group_concat(port, ' ') FROM user_ports p JOIN users u ON u.id = p.user_id WHERE u.name = 'ema'")" = "IQBSR" ] || fail "user set --port"
echo "short" | expect_status 1 "$BOXRANK" user password ema --db "$DB"
echo "another long password" | "$BOXRANK" user password ema --db "$DB" >/dev/null
[ "$(sqlite3 "$DB" "SELECT group_concat(action, ' ') FROM audit WHERE target = 'ema' AND action <> 'user.add'")" = \
  "user.disable user.enable user.update user.password" ] || fail "user changes not audited"
for verb in list disable enable set password; do
  "$BOXRANK" user "$verb" --help | grep -q "Example" || fail "user $verb --help has no example"
done
"$BOXRANK" serve --help | grep -q "Example" || fail "serve --help has no example"

# ---- exceptions revoked from the CLI ----
printf 'kind,id,value,name,quality,program,notes\nentity,E1,Zarqa Precision Machining Company,,,T,\n' >"$WORK/list.csv"
"$BOXRANK" watchlist import --format csv --name test "$WORK/list.csv" --db "$DB" >/dev/null
"$BOXRANK" watchlist except --list test --entry E1 --party "Zarqa Precision Machining Co" \
  --by j.smith --reason "local machine shop" --db "$DB" >/dev/null
"$BOXRANK" watchlist match "Zarqa Precision Machining Co" --list test --db "$DB" >"$WORK/out" || true
expect_status 2 "$BOXRANK" watchlist revoke --id 1 --db "$DB"
"$BOXRANK" watchlist revoke --id 1 --by k.ali --reason "same director as the listed firm" --db "$DB" >"$WORK/out"
grep -q "exception 1 revoked" "$WORK/out" || fail "revoke: $(cat "$WORK/out")"
expect_status 1 "$BOXRANK" watchlist revoke --id 1 --by k.ali --reason again --db "$DB"
expect_status 1 "$BOXRANK" watchlist revoke --id 99 --by k.ali --reason none --db "$DB"
"$BOXRANK" watchlist exceptions --db "$DB" | grep -q "	revoked	" || fail "exceptions does not show the revocation"
[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM audit WHERE action IN ('exception.add', 'exception.revoke')")" = 2 ] ||
  fail "the exception and its revocation are not audited"

# ---- serving ----
expect_status 1 "$BOXRANK" serve --db "$DB" --listen "not an address"
expect_status 1 "$BOXRANK" serve --db "$DB" --tls-cert "$WORK/none.pem"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
  -subj "/CN=127.0.0.1" >/dev/null 2>&1
# Leak checking stays on. Without intercept_tls_get_addr=0 LeakSanitizer's tracer crashes at
# exit ("Tracer caught signal 11"; LSAN_OPTIONS=verbosity=1:log_threads=1 shows "DTLS 11 at
# 0x000200000139-0x00120000123b" for the GTask worker that ran the TLS handshake): the
# sanitizer runtime misreads the dynamic TLS of the dlopen'ed GnuTLS backend (glib-networking)
# as a block at a bogus address (google/sanitizers#1322: its glibc 2.19 header heuristic fires
# on newer glibc). Nothing leaks: with that option the same run checks leaks and finds none.
# The option only stops tracking dynamic TLS, so a pointer held only in a dlopen'ed module's
# thread-locals could show up as a leak here; none does.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:intercept_tls_get_addr=0 \
  "$BOXRANK" serve --db "$DB" --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" \
  2>"$WORK/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$WORK"' EXIT
url=$(serve_url "$WORK/serve.log")
case "$url" in https://127.0.0.1:*) ;; *) fail "no HTTPS address in the log: $(cat "$WORK/serve.log")" ;; esac
curl -sk -D "$WORK/headers" -o "$WORK/body" -H 'Content-Type: application/json' \
  -d '{"name":"ana","password":"long enough password"}' "$url/api/login"
grep -qi '^Set-Cookie: br_session=[0-9a-f]\{64\}; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure' \
  "$WORK/headers" || fail "the session cookie under TLS: $(grep -i set-cookie "$WORK/headers")"
[ "$(curl -sk -o /dev/null -w '%{http_code}' "$url/")" = 200 ] || fail "the page over HTTPS"
[ "$(curl -sk -o /dev/null -w '%{http_code}' "$url/api/ports")" = 401 ] || fail "the API without a session"
# A body sent without a length is refused before it is read.
[ "$(curl -sk -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/json' \
  -d '{}' "$url/api/login")" = 411 ] || fail "a chunked body was accepted"
kill -TERM $server
wait $server || fail "serve did not exit 0 on SIGTERM"
grep -q "boxrank serve: stopped" "$WORK/serve.log" || fail "no clean stop"
grep -Eq ' POST /api/login 200 [0-9.]+ms ana$' "$WORK/serve.log" || fail "the login is not in the request log"

# ---- SQL only as literals, bound through prepared statements ----
! grep -nE 'sqlite3_(exec|mprintf)|printf\(.*(SELECT|INSERT|UPDATE|DELETE) ' "$BR_SOURCE_DIR"/server/*.c ||
  fail "server/ builds SQL text at run time"
