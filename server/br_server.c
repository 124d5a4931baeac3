#include "br_server.h"

#include <gio/gio.h>
#include <sodium.h>
#include <stdarg.h>
#include <string.h>

#include "br_audit.h"
#include "br_json.h"
#include "br_server_internal.h"

G_DEFINE_QUARK(br - server - error - quark, br_server_error)

/* The embedded front end (generated from web/ by glib-compile-resources). */
GResource *br_web_get_resource(void);

#define COOKIE "br_session"

enum { PUBLIC = 0 };
#define ANALYST BR_ROLE_ANALYST
#define AUTHOR BR_ROLE_RULE_AUTHOR
#define COMMISSION BR_ROLE_COMMISSION
#define ADMIN BR_ROLE_ADMIN
#define ANY (ANALYST | AUTHOR | COMMISSION | ADMIN)

typedef struct {
  const char *method;
  const char *path;
  guint roles; /* who may call it */
  BrHandler handler;
} Route;

static void api_session(BrRequest *req);
static void api_logout(BrRequest *req);

static const Route routes[] = {
    {"GET", "/api/session", ANY, api_session},
    {"POST", "/api/logout", ANY, api_logout},
    {"GET", "/api/ports", ANALYST | AUTHOR, br_api_ports},
    {"GET", "/api/worklist", ANALYST | AUTHOR, br_api_worklist},
    {"GET", "/api/unit", ANALYST | AUTHOR, br_api_unit},
    {"POST", "/api/result", ANALYST, br_api_result},
    {"GET", "/api/hits", ANALYST | AUTHOR, br_api_hits},
    {"POST", "/api/hits/confirm", ANALYST, br_api_hit_confirm},
    {"POST", "/api/hits/dismiss", ANALYST, br_api_hit_dismiss},
    {"GET", "/api/exceptions", ANALYST | AUTHOR, br_api_exceptions},
    {"POST", "/api/exceptions/approve", ANALYST, br_api_exception_approve},
    {"POST", "/api/exceptions/revoke", ANALYST, br_api_exception_revoke},
    {"GET", "/api/report", COMMISSION | AUTHOR, br_api_report},
    {"GET", "/api/report.csv", COMMISSION | AUTHOR, br_api_report_csv},
    {"GET", "/api/packs", AUTHOR, br_api_packs},
    {"GET", "/api/rules", AUTHOR, br_api_rules},
    {"GET", "/api/audit", ADMIN | COMMISSION, br_api_audit},
    {"GET", "/api/users", ADMIN, br_api_users},
    {"POST", "/api/users", ADMIN, br_api_user_add},
    {"POST", "/api/users/disable", ADMIN, br_api_user_disable},
    {"POST", "/api/users/enable", ADMIN, br_api_user_enable},
    {"POST", "/api/users/update", ADMIN, br_api_user_update},
    {"POST", "/api/users/password", ADMIN, br_api_user_password},
};

typedef struct {
  BrUser *user;
  char *csrf;
  gint64 expires_at; /* Unix seconds */
} CachedSession;

static void
cached_session_free(gpointer data)
{
  CachedSession *c = data;
  br_user_free(c->user);
  g_free(c->csrf);
  g_free(c);
}

typedef struct {
  guint count;
  gint64 since; /* monotonic seconds of the first failure in the window */
} Failures;

/* ---- answering ---- */

static void
security_headers(SoupServerMessage *msg)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
  soup_message_headers_replace(h, "Content-Security-Policy",
                               "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'");
  soup_message_headers_replace(h, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace(h, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace(h, "X-Frame-Options", "DENY");
}

void
br_reply_bytes(BrRequest *req, guint status, const char *content_type, GBytes *bytes)
{
  SoupServerMessage *msg = req->msg;
  soup_server_message_set_status(msg, status, NULL);
  security_headers(msg);
  soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Cache-Control",
                               "no-store");
  /* The body shares the bytes (a cached list is not copied per request). */
  soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Content-Type",
                               content_type);
  soup_message_body_append_bytes(soup_server_message_get_response_body(msg), bytes);
}

void
br_reply_json(BrRequest *req, guint status, GString *json)
{
  GBytes *bytes = g_string_free_to_bytes(json);
  br_reply_bytes(req, status, "application/json; charset=utf-8", bytes);
  g_bytes_unref(bytes);
}

void
br_reply_error(BrRequest *req, guint status, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  char *text = g_strdup_vprintf(format, ap);
  va_end(ap);
  GString *json = g_string_new("{\"error\":");
  br_json_append_string(json, text, -1);
  g_string_append_c(json, '}');
  g_free(text);
  br_reply_json(req, status, json);
}

void
br_reply_store_error(BrRequest *req, GError *error)
{
  if (req->server->options.log)
    fprintf(req->server->options.log, "boxrank serve: %s\n", error ? error->message : "?");
  g_clear_error(&error);
  br_reply_error(req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "the store could not answer");
}

const char *
br_req_query(BrRequest *req, const char *name)
{
  const char *v = req->query ? g_hash_table_lookup(req->query, name) : NULL;
  return v && *v ? v : NULL;
}

const char *
br_req_str(BrRequest *req, const char *name)
{
  if (!req->body || !json_object_has_member(req->body, name))
    return NULL;
  JsonNode *n = json_object_get_member(req->body, name);
  if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string(n);
}

gint64
br_req_int(BrRequest *req, const char *name, gint64 fallback)
{
  if (!req->body || !json_object_has_member(req->body, name))
    return fallback;
  JsonNode *n = json_object_get_member(req->body, name);
  if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int(n);
}

const char *
br_req_actor(BrRequest *req)
{
  return req->user ? req->user->name : "-";
}

typedef struct {
  GBytes *json;
  GBytes *gzip;
} CachedAnswer;

static void
cached_answer_free(gpointer data)
{
  CachedAnswer *c = data;
  g_bytes_unref(c->json);
  g_bytes_unref(c->gzip);
  g_free(c);
}

static GBytes *
gzip_bytes(GBytes *in)
{
  GConverter *z = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6));
  GInputStream *src = g_memory_input_stream_new_from_bytes(in);
  GInputStream *conv = g_converter_input_stream_new(src, z);
  GOutputStream *dst = g_memory_output_stream_new_resizable();
  gboolean ok =
      g_output_stream_splice(dst, conv, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL) >= 0;
  GBytes *out = ok ? g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(dst)) : NULL;
  g_object_unref(dst);
  g_object_unref(conv);
  g_object_unref(src);
  g_object_unref(z);
  return out;
}

static gboolean
accepts_gzip(SoupServerMessage *msg)
{
  const char *ae = soup_message_headers_get_list(soup_server_message_get_request_headers(msg),
                                                 "Accept-Encoding");
  return ae && soup_header_contains(ae, "gzip");
}

static void
reply_answer(BrRequest *req, const CachedAnswer *c)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers(req->msg);
  soup_message_headers_append(h, "Vary", "Accept-Encoding");
  if (c->gzip && accepts_gzip(req->msg)) {
    soup_message_headers_replace(h, "Content-Encoding", "gzip");
    br_reply_bytes(req, SOUP_STATUS_OK, "application/json; charset=utf-8", c->gzip);
  } else {
    br_reply_bytes(req, SOUP_STATUS_OK, "application/json; charset=utf-8", c->json);
  }
}

/* A large list is sent compressed to browsers: it is read far more often than it changes, so
 * it is compressed once, when it is built. */
void
br_reply_cached(BrRequest *req, const char *key, GBytes *json)
{
  CachedAnswer *c = g_new0(CachedAnswer, 1);
  c->json = g_bytes_ref(json);
  c->gzip = gzip_bytes(json);
  reply_answer(req, c);
  g_hash_table_insert(req->server->cache, g_strdup(key), c);
}

gboolean
br_reply_from_cache(BrRequest *req, const char *key)
{
  const CachedAnswer *c = g_hash_table_lookup(req->server->cache, key);
  if (c)
    reply_answer(req, c);
  return c != NULL;
}

void
br_server_invalidate(BrServer *server)
{
  g_hash_table_remove_all(server->cache);
  g_hash_table_remove_all(server->sessions);
  g_hash_table_remove_all(server->runs);
}

/* The caches hold what the store said; another process (an outcomes import, a new run,
 * `boxrank user disable`) may have changed it since. SQLite's data_version moves exactly
 * when another connection commits, so one prepared step per request tells. */
static void
notice_other_writers(BrServer *server)
{
  if (sqlite3_step(server->data_version) == SQLITE_ROW) {
    gint64 version = sqlite3_column_int64(server->data_version, 0);
    if (version != server->data_version_seen) {
      server->data_version_seen = version;
      br_server_invalidate(server);
      g_clear_pointer(&server->history, br_history_free);
    }
  }
  sqlite3_reset(server->data_version);
}

/* ---- JSON helpers ---- */

void
br_json_member(GString *out, gboolean *first, const char *key)
{
  if (!*first)
    g_string_append_c(out, ',');
  *first = FALSE;
  br_json_append_string(out, key, -1);
  g_string_append_c(out, ':');
}

void
br_json_str_member(GString *out, gboolean *first, const char *key, const char *value)
{
  br_json_member(out, first, key);
  if (value)
    br_json_append_string(out, value, -1);
  else
    g_string_append(out, "null");
}

void
br_json_int_member(GString *out, gboolean *first, const char *key, gint64 value)
{
  br_json_member(out, first, key);
  g_string_append_printf(out, "%" G_GINT64_FORMAT, value);
}

void
br_json_num_member(GString *out, gboolean *first, const char *key, double value)
{
  br_json_member(out, first, key);
  br_json_append_number(out, value);
}

void
br_json_column(GString *out, sqlite3_stmt *s, int i)
{
  switch (sqlite3_column_type(s, i)) {
  case SQLITE_NULL:
    g_string_append(out, "null");
    break;
  case SQLITE_INTEGER:
    g_string_append_printf(out, "%lld", (long long)sqlite3_column_int64(s, i));
    break;
  case SQLITE_FLOAT:
    br_json_append_number(out, sqlite3_column_double(s, i));
    break;
  default:
    br_json_append_string(out, (const char *)sqlite3_column_text(s, i), sqlite3_column_bytes(s, i));
  }
}

gboolean
br_json_rows(GString *out, BrStore *store, sqlite3_stmt *s, GError **error)
{
  g_string_append_c(out, '[');
  int rc, n = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    g_string_append(out, n++ ? ",{" : "{");
    for (int i = 0; i < sqlite3_column_count(s); i++) {
      if (i)
        g_string_append_c(out, ',');
      br_json_append_string(out, sqlite3_column_name(s, i), -1);
      g_string_append_c(out, ':');
      br_json_column(out, s, i);
    }
    g_string_append_c(out, '}');
  }
  g_string_append_c(out, ']');
  if (rc != SQLITE_DONE)
    return br_store_sql_error(store, error, "cannot read");
  return TRUE;
}

gboolean
br_json_one_row(GString *out, BrStore *store, sqlite3_stmt *s, GError **error)
{
  GString *rows = g_string_new(NULL);
  gboolean ok = br_json_rows(rows, store, s, error);
  sqlite3_reset(s);
  if (ok && rows->len > 2)
    g_string_append_len(out, rows->str + 1, (gssize)rows->len - 2);
  else if (ok)
    g_string_append(out, "null");
  g_string_free(rows, TRUE);
  return ok;
}

void
br_reply_rows(BrRequest *req, const char *sql, const char *const *params, guint nparams)
{
  sqlite3_stmt *s = NULL;
  GError *error = NULL;
  if (sqlite3_prepare_v2(br_store_db(req->store), sql, -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(req->store, &error, "cannot prepare");
    br_reply_store_error(req, error);
    return;
  }
  for (guint i = 0; i < nparams; i++)
    sqlite3_bind_text(s, (int)i + 1, params[i], -1, SQLITE_STATIC);
  GString *out = g_string_new(NULL);
  gboolean ok = br_json_rows(out, req->store, s, &error);
  sqlite3_finalize(s);
  if (!ok) {
    g_string_free(out, TRUE);
    br_reply_store_error(req, error);
    return;
  }
  br_reply_json(req, SOUP_STATUS_OK, out);
}

/* ---- sessions ---- */

static char *
session_token(SoupServerMessage *msg)
{
  const char *header =
      soup_message_headers_get_list(soup_server_message_get_request_headers(msg), "Cookie");
  if (!header)
    return NULL;
  GHashTable *params = soup_header_parse_semi_param_list(header);
  char *token = g_strdup(g_hash_table_lookup(params, COOKIE));
  soup_header_free_param_list(params);
  return token;
}

static void
set_cookie(BrServer *server, SoupServerMessage *msg, const char *token, gint64 max_age)
{
  char *cookie = g_strdup_printf(COOKIE "=%s; Path=/; Max-Age=%" G_GINT64_FORMAT
                                        "; HttpOnly; SameSite=Strict%s",
                                 token, max_age, server->tls ? "; Secure" : "");
  soup_message_headers_append(soup_server_message_get_response_headers(msg), "Set-Cookie", cookie);
  g_free(cookie);
}

static void
session_json(GString *out, const BrUser *user, const char *csrf)
{
  gboolean first = TRUE;
  g_string_append_c(out, '{');
  br_json_str_member(out, &first, "user", user->name);
  br_json_str_member(out, &first, "role", br_role_name(user->role));
  br_json_str_member(out, &first, "csrf", csrf);
  br_json_member(out, &first, "ports");
  g_string_append_c(out, '[');
  for (guint i = 0; user->ports && user->ports[i]; i++) {
    if (i)
      g_string_append_c(out, ',');
    br_json_append_string(out, user->ports[i], -1);
  }
  g_string_append(out, "]}");
}

static void
api_session(BrRequest *req)
{
  char *csrf = g_object_get_data(G_OBJECT(req->msg), "br-csrf");
  GString *out = g_string_new(NULL);
  session_json(out, req->user, csrf);
  br_reply_json(req, SOUP_STATUS_OK, out);
}

static void
api_logout(BrRequest *req)
{
  char *token = session_token(req->msg);
  GError *error = NULL;
  if (token && !br_sessions_delete(req->store, token, &error)) {
    g_free(token);
    br_reply_store_error(req, error);
    return;
  }
  g_free(token);
  set_cookie(req->server, req->msg, "", 0);
  br_reply_json(req, SOUP_STATUS_OK, g_string_new("{}"));
}

static Failures *
failures_get(BrServer *server, const char *key)
{
  Failures *f = g_hash_table_lookup(server->failures, key);
  gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC;
  if (f && now - f->since >= BR_SERVER_LOGIN_WINDOW_S) {
    f->count = 0;
    f->since = now;
  }
  return f;
}

static void
failures_add(BrServer *server, const char *key)
{
  Failures *f = failures_get(server, key);
  if (!f) {
    f = g_new0(Failures, 1);
    f->since = g_get_monotonic_time() / G_USEC_PER_SEC;
    g_hash_table_insert(server->failures, g_strdup(key), f);
  }
  f->count++;
}

static gboolean
failures_blocked(BrServer *server, const char *key, guint limit)
{
  Failures *f = failures_get(server, key);
  return f && f->count >= limit;
}

static void
api_login(BrRequest *req)
{
  const char *name = br_req_str(req, "name");
  const char *password = br_req_str(req, "password");
  if (!name || !password) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "give name and password");
    return;
  }
  char *name_key = g_strconcat("name:", name, NULL);
  char *addr_key = g_strconcat("addr:", soup_server_message_get_remote_host(req->msg), NULL);
  GError *error = NULL;
  char *token = NULL, *csrf = NULL;
  BrUser *user = NULL;
  if (failures_blocked(req->server, name_key, BR_SERVER_LOGIN_FAILURES) ||
      failures_blocked(req->server, addr_key, BR_SERVER_LOGIN_FAILURES_ADDR)) {
    soup_message_headers_replace(soup_server_message_get_response_headers(req->msg), "Retry-After",
                                 G_STRINGIFY(BR_SERVER_LOGIN_WINDOW_S));
    br_reply_error(req, 429 /* Too Many Requests */,
                   "too many failed logins; try again in 15 minutes");
    goto out;
  }
  user = br_users_verify(req->store, name, password, &error);
  if (g_error_matches(error, BR_USERS_ERROR, BR_USERS_ERROR_DISABLED)) {
    br_reply_error(req, SOUP_STATUS_FORBIDDEN, "%s", error->message);
    g_clear_error(&error);
    goto out;
  }
  if (error) {
    br_reply_store_error(req, error);
    goto out;
  }
  if (!user) {
    failures_add(req->server, name_key);
    failures_add(req->server, addr_key);
    if (!br_audit_append(req->store, name, "login.failed",
                         soup_server_message_get_remote_host(req->msg), "", &error)) {
      br_reply_store_error(req, error);
      goto out;
    }
    br_reply_error(req, SOUP_STATUS_UNAUTHORIZED, "wrong name or password");
    goto out;
  }
  gint64 ttl =
      req->server->options.session_s ? req->server->options.session_s : BR_SERVER_SESSION_S;
  if (!br_sessions_create(req->store, user->id, ttl, &token, &csrf, &error) ||
      !br_audit_append(req->store, user->name, "login",
                       soup_server_message_get_remote_host(req->msg), br_role_name(user->role),
                       &error)) {
    br_reply_store_error(req, error);
    goto out;
  }
  g_hash_table_remove(req->server->failures, name_key);
  set_cookie(req->server, req->msg, token, ttl);
  req->user = user;
  GString *out = g_string_new(NULL);
  session_json(out, user, csrf);
  br_reply_json(req, SOUP_STATUS_OK, out);
out:
  g_free(token);
  g_free(csrf);
  g_free(name_key);
  g_free(addr_key);
}

/* ---- static files ---- */

static const char *
content_type(const char *name)
{
  if (g_str_has_suffix(name, ".html"))
    return "text/html; charset=utf-8";
  if (g_str_has_suffix(name, ".css"))
    return "text/css; charset=utf-8";
  if (g_str_has_suffix(name, ".js"))
    return "text/javascript; charset=utf-8";
  if (g_str_has_suffix(name, ".svg"))
    return "image/svg+xml";
  return "application/octet-stream";
}

/* Only names of the embedded files: one path segment of [A-Za-z0-9._-], no "..". Nothing is
 * read from disk, so no path can reach outside web/. */
static void
serve_static(BrRequest *req, const char *path)
{
  const char *name = strcmp(path, "/") == 0 ? "index.html" : path + 1;
  gboolean ok = *name && !strstr(name, "..");
  for (const char *p = name; ok && *p; p++)
    ok = g_ascii_isalnum(*p) || strchr("._-", *p);
  GBytes *bytes = NULL;
  if (ok) {
    char *rpath = g_strconcat("/boxrank/web/", name, NULL);
    bytes = g_resources_lookup_data(rpath, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    g_free(rpath);
  }
  if (!bytes) {
    br_reply_error(req, SOUP_STATUS_NOT_FOUND, "no such page");
    return;
  }
  br_reply_bytes(req, SOUP_STATUS_OK, content_type(name), bytes);
  g_bytes_unref(bytes);
}

/* ---- dispatch ---- */

static gboolean
parse_body(BrRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body(req->msg);
  if (body->length > BR_SERVER_BODY_MAX) {
    br_reply_error(req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "the request is too large");
    return FALSE;
  }
  const char *ct = soup_message_headers_get_content_type(
      soup_server_message_get_request_headers(req->msg), NULL);
  if (!ct || g_ascii_strcasecmp(ct, "application/json") != 0) {
    br_reply_error(req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "send application/json");
    return FALSE;
  }
  GBytes *bytes = soup_message_body_flatten(body);
  gsize n;
  const char *data = g_bytes_get_data(bytes, &n);
  JsonParser *parser = json_parser_new_immutable();
  gboolean ok = n > 0 && json_parser_load_from_data(parser, data, (gssize)n, NULL) &&
                JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser));
  if (ok)
    req->body = json_object_ref(json_node_get_object(json_parser_get_root(parser)));
  g_object_unref(parser);
  g_bytes_unref(bytes);
  if (!ok)
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "the body is not a JSON object");
  return ok;
}

/* The session's user (a copy) and CSRF token, from memory when this session was seen since
 * the last change; only sessions that exist are remembered. */
static BrUser *
session_user(BrRequest *req, char **csrf, GError **error)
{
  char *token = session_token(req->msg);
  if (!token)
    return NULL;
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  CachedSession *c = g_hash_table_lookup(req->server->sessions, token);
  if (c && c->expires_at > now) {
    g_free(token);
    *csrf = g_strdup(c->csrf);
    return br_user_copy(c->user);
  }
  g_hash_table_remove(req->server->sessions, token);
  gint64 expires_at = 0;
  BrUser *user = br_sessions_lookup(req->store, token, csrf, &expires_at, error);
  if (!user) {
    g_free(token);
    return NULL;
  }
  c = g_new0(CachedSession, 1);
  c->user = br_user_copy(user);
  c->csrf = g_strdup(*csrf);
  c->expires_at = expires_at;
  g_hash_table_insert(req->server->sessions, token, c);
  return user;
}

static const Route *
find_route(const char *method, const char *path, gboolean *path_known)
{
  *path_known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(routes); i++) {
    if (strcmp(routes[i].path, path) != 0)
      continue;
    *path_known = TRUE;
    if (strcmp(routes[i].method, method) == 0)
      return &routes[i];
  }
  return NULL;
}

static void
dispatch_api(BrRequest *req, const char *method, const char *path)
{
  gboolean post = strcmp(method, "POST") == 0;
  if (post && !parse_body(req))
    return;
  if (post && strcmp(path, "/api/login") == 0) {
    api_login(req);
    return;
  }
  GError *error = NULL;
  char *csrf = NULL;
  req->user = session_user(req, &csrf, &error);
  if (error) {
    br_reply_store_error(req, error);
    return;
  }
  if (!req->user) {
    br_reply_error(req, SOUP_STATUS_UNAUTHORIZED, "log in first");
    return;
  }
  g_object_set_data_full(G_OBJECT(req->msg), "br-csrf", csrf, g_free);
  gboolean known;
  const Route *route = find_route(method, path, &known);
  if (!route) {
    if (known)
      br_reply_error(req, SOUP_STATUS_METHOD_NOT_ALLOWED, "%s is not allowed here", method);
    else
      br_reply_error(req, SOUP_STATUS_NOT_FOUND, "no such API");
    return;
  }
  if (!(route->roles & req->user->role)) {
    br_reply_error(req, SOUP_STATUS_FORBIDDEN, "a %s may not do this",
                   br_role_name(req->user->role));
    return;
  }
  if (post) {
    const char *sent = soup_message_headers_get_one(
        soup_server_message_get_request_headers(req->msg), "X-CSRF-Token");
    if (!sent || strlen(sent) != strlen(csrf) || sodium_memcmp(sent, csrf, strlen(csrf)) != 0) {
      br_reply_error(req, SOUP_STATUS_FORBIDDEN, "missing or wrong CSRF token; reload the page");
      return;
    }
  }
  route->handler(req);
  if (post && soup_server_message_get_status(req->msg) < 400)
    br_server_invalidate(req->server);
}

static void
handle(SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  BrServer *server = data;
  BrRequest req = {.server = server, .store = server->store, .msg = msg, .query = query};
  const char *method = soup_server_message_get_method(msg);
  if (g_str_has_prefix(path, "/api/")) {
    notice_other_writers(server);
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
      br_reply_error(&req, SOUP_STATUS_METHOD_NOT_ALLOWED, "%s is not allowed here", method);
    else
      dispatch_api(&req, method, path);
  } else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
    serve_static(&req, path);
  } else {
    br_reply_error(&req, SOUP_STATUS_METHOD_NOT_ALLOWED, "%s is not allowed here", method);
  }
  if (req.user)
    g_object_set_data_full(G_OBJECT(msg), "br-user", g_strdup(req.user->name), g_free);
  br_user_free(req.user);
  if (req.body)
    json_object_unref(req.body);
}

/* Refuses a body over the limit before it is read. */
static void
early(SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers(msg);
  SoupEncoding enc = soup_message_headers_get_encoding(h);
  BrRequest req = {.server = data, .msg = msg};
  if (enc == SOUP_ENCODING_CHUNKED || enc == SOUP_ENCODING_EOF)
    br_reply_error(&req, SOUP_STATUS_LENGTH_REQUIRED, "send Content-Length");
  else if (enc == SOUP_ENCODING_CONTENT_LENGTH &&
           soup_message_headers_get_content_length(h) > BR_SERVER_BODY_MAX)
    br_reply_error(&req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "the request is too large");
}

/* ---- request log ---- */

static void
request_started(SoupServer *soup, SoupServerMessage *msg, gpointer data)
{
  gint64 *start = g_new(gint64, 1);
  *start = g_get_monotonic_time();
  g_object_set_data_full(G_OBJECT(msg), "br-start", start, g_free);
}

static void
request_finished(SoupServer *soup, SoupServerMessage *msg, gpointer data)
{
  BrServer *server = data;
  if (!server->options.log)
    return;
  gint64 *start = g_object_get_data(G_OBJECT(msg), "br-start");
  const char *user = g_object_get_data(G_OBJECT(msg), "br-user");
  GDateTime *now = g_date_time_new_now_utc();
  char *stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
  GUri *uri = soup_server_message_get_uri(msg);
  fprintf(server->options.log, "%s %s %s %s %u %.1fms %s\n", stamp,
          soup_server_message_get_remote_host(msg) ? soup_server_message_get_remote_host(msg) : "-",
          soup_server_message_get_method(msg), uri ? g_uri_get_path(uri) : "-",
          soup_server_message_get_status(msg),
          start ? (g_get_monotonic_time() - *start) / 1000.0 : 0.0, user ? user : "-");
  fflush(server->options.log);
  g_free(stamp);
  g_date_time_unref(now);
}

/* ---- life cycle ---- */

static GSocketAddress *
parse_listen(const char *listen, GError **error)
{
  GSocketConnectable *addr = g_network_address_parse(listen, 8080, error);
  if (!addr)
    return NULL;
  const char *host = g_network_address_get_hostname(G_NETWORK_ADDRESS(addr));
  guint16 port = g_network_address_get_port(G_NETWORK_ADDRESS(addr));
  GInetAddress *inet = g_inet_address_new_from_string(host);
  GSocketAddress *sa = NULL;
  if (!inet)
    g_set_error(error, BR_SERVER_ERROR, BR_SERVER_ERROR_LISTEN,
                "--listen %s: give an IP address and port, e.g. 127.0.0.1:8080", listen);
  else
    sa = g_inet_socket_address_new(inet, port);
  g_clear_object(&inet);
  g_object_unref(addr);
  return sa;
}

/* The kernel's queue of connections not yet accepted. soup_server_listen() leaves GLib's
 * default of 10, so a burst of clients (a shift opening its worklists, or wrk's 50) had the
 * rest dropped and retried by TCP 200 ms to 1 s later; the kernel caps this at somaxconn. */
#define LISTEN_BACKLOG 1024

static gboolean
listen_on(BrServer *server, GSocketAddress *sa, GError **error)
{
  GSocket *sock = g_socket_new(g_socket_address_get_family(sa), G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_TCP, error);
  if (!sock)
    return FALSE;
  g_socket_set_listen_backlog(sock, LISTEN_BACKLOG);
  gboolean ok = g_socket_bind(sock, sa, TRUE, error) && g_socket_listen(sock, error) &&
                soup_server_listen_socket(server->soup, sock,
                                          server->tls ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
  g_object_unref(sock);
  return ok;
}

BrServer *
br_server_new(const BrServerOptions *options, GError **error)
{
  BrServer *server = g_new0(BrServer, 1);
  server->options = *options;
  server->failures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  server->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_answer_free);
  server->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_session_free);
  server->runs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_resources_register(br_web_get_resource());
  if (sodium_init() < 0) {
    g_set_error(error, BR_SERVER_ERROR, BR_SERVER_ERROR_LISTEN, "libsodium cannot start");
    goto fail;
  }
  if (!(server->store = br_store_open(options->db_path, BR_STORE_CREATE, error)))
    goto fail;
  if (sqlite3_prepare_v2(br_store_db(server->store), "PRAGMA data_version", -1,
                         &server->data_version, NULL) != SQLITE_OK) {
    br_store_sql_error(server->store, error, "cannot prepare");
    goto fail;
  }
  server->soup = soup_server_new("server-header", "boxrank", NULL);
  if ((options->tls_cert != NULL) != (options->tls_key != NULL)) {
    g_set_error(error, BR_SERVER_ERROR, BR_SERVER_ERROR_TLS,
                "give both --tls-cert and --tls-key, or neither");
    goto fail;
  }
  if (options->tls_cert) {
    GTlsCertificate *cert =
        g_tls_certificate_new_from_files(options->tls_cert, options->tls_key, error);
    if (!cert) {
      g_prefix_error(error, "%s: ", options->tls_cert);
      goto fail;
    }
    soup_server_set_tls_certificate(server->soup, cert);
    g_object_unref(cert);
    server->tls = TRUE;
  }
  soup_server_add_early_handler(server->soup, NULL, early, server, NULL);
  soup_server_add_handler(server->soup, NULL, handle, server, NULL);
  g_signal_connect(server->soup, "request-started", G_CALLBACK(request_started), server);
  g_signal_connect(server->soup, "request-finished", G_CALLBACK(request_finished), server);
  GSocketAddress *sa = parse_listen(options->listen ? options->listen : "127.0.0.1:8080", error);
  if (!sa)
    goto fail;
  gboolean ok = listen_on(server, sa, error);
  g_object_unref(sa);
  if (!ok)
    goto fail;
  GSList *uris = soup_server_get_uris(server->soup);
  GUri *uri = uris->data;
  server->port = (guint16)g_uri_get_port(uri);
  const char *host = g_uri_get_host(uri);
  server->url = g_strdup_printf("%s://%s%s%s:%u", server->tls ? "https" : "http",
                                strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
                                server->port);
  g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
  return server;
fail:
  br_server_free(server);
  return NULL;
}

guint16
br_server_port(const BrServer *server)
{
  return server->port;
}

const char *
br_server_url(const BrServer *server)
{
  return server->url;
}

void
br_server_free(BrServer *server)
{
  if (!server)
    return;
  if (server->soup) {
    soup_server_disconnect(server->soup);
    g_object_unref(server->soup);
  }
  if (server->watch)
    br_watch_set_free(server->watch);
  if (server->history)
    br_history_free(server->history);
  if (server->keys)
    br_entity_keys_free(server->keys);
  g_free(server->watch_stamp);
  sqlite3_finalize(server->data_version);
  br_store_close(server->store);
  g_hash_table_destroy(server->failures);
  g_hash_table_destroy(server->cache);
  g_hash_table_destroy(server->sessions);
  g_hash_table_destroy(server->runs);
  if (server->run_screens)
    g_hash_table_destroy(server->run_screens);
  g_free(server->url);
  g_free(server);
}
