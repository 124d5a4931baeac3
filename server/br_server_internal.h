/* What the API modules share with the server core: the request being answered and the
 * helpers that answer it. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "br_history.h"
#include "br_server.h"
#include "br_store.h"
#include "br_users.h"
#include "br_watchset.h"

struct BrServer {
  BrServerOptions options;
  BrStore *store;
  SoupServer *soup;
  char *url;
  guint16 port;
  gboolean tls;
  GHashTable *failures;       /* "name:..." / "addr:..." -> Failures */
  GHashTable *cache;          /* key -> CachedAnswer of a JSON answer; emptied by every change */
  GHashTable *sessions;       /* session token -> CachedSession; emptied with the cache */
  GHashTable *runs;           /* "port\x1fdate" -> the BrApiRun a list request found; likewise */
  sqlite3_stmt *data_version; /* PRAGMA data_version: moves when another process writes */
  gint64 data_version_seen;
  BrEntityKeys *keys;      /* the default entity keys, for track records */
  BrHistory *history;      /* track records; loaded when a unit page asks, dropped by results */
  BrWatchSet *watch;       /* loaded on the first hit review */
  GHashTable *run_screens; /* run id -> the thresholds its pack screened at (br_api_hits.c) */
  char *watch_stamp;       /* the lists' import times it was loaded at */
};

typedef struct {
  BrServer *server;
  BrStore *store;
  SoupServerMessage *msg;
  BrUser *user;
  GHashTable *query; /* may be NULL */
  JsonObject *body;  /* the parsed JSON body of a POST, else NULL */
} BrRequest;

typedef void (*BrHandler)(BrRequest *req);

/* Answers with a JSON body (taken) and status. */
void br_reply_json(BrRequest *req, guint status, GString *json);
/* Answers {"error": message} with status. */
void br_reply_error(BrRequest *req, guint status, const char *format, ...) G_GNUC_PRINTF(3, 4);
void br_reply_bytes(BrRequest *req, guint status, const char *content_type, GBytes *bytes);
/* Answers a JSON body and keeps it, and its gzip form, under key until the next change. */
void br_reply_cached(BrRequest *req, const char *key, GBytes *json);
/* Answers from the cache; FALSE when key is not there. */
gboolean br_reply_from_cache(BrRequest *req, const char *key);
/* A store failure: logged, answered 500 without details. */
void br_reply_store_error(BrRequest *req, GError *error);

/* Query parameter, or NULL. */
const char *br_req_query(BrRequest *req, const char *name);
/* String member of the body, or NULL when absent or not a string. */
const char *br_req_str(BrRequest *req, const char *name);
/* Integer member, or fallback. */
gint64 br_req_int(BrRequest *req, const char *name, gint64 fallback);
/* The actor for audit rows: the account name. */
const char *br_req_actor(BrRequest *req);
/* Forgets every cached answer, session and run: something changed. */
void br_server_invalidate(BrServer *server);

/* JSON writing helpers over br_json. */
void br_json_member(GString *out, gboolean *first, const char *key);
void br_json_str_member(GString *out, gboolean *first, const char *key, const char *value);
void br_json_int_member(GString *out, gboolean *first, const char *key, gint64 value);
void br_json_num_member(GString *out, gboolean *first, const char *key, double value);
/* Appends column i of the row as a JSON value (null, number or string). */
void br_json_column(GString *out, sqlite3_stmt *s, int i);
/* Appends every row of a prepared, bound statement as an array of objects keyed by the
 * column names; FALSE on a store error. */
gboolean br_json_rows(GString *out, BrStore *store, sqlite3_stmt *s, GError **error);
/* Appends the one row of a statement as an object, or null when it has none; resets it. */
gboolean br_json_one_row(GString *out, BrStore *store, sqlite3_stmt *s, GError **error);
/* Answers the rows of sql (a literal), with text parameters bound in order (NULL binds NULL). */
void br_reply_rows(BrRequest *req, const char *sql, const char *const *params, guint nparams);

/* The API handlers (br_api_*.c). */
void br_api_ports(BrRequest *req);
void br_api_worklist(BrRequest *req);
void br_api_unit(BrRequest *req);
void br_api_result(BrRequest *req);
void br_api_hits(BrRequest *req);
void br_api_hit_confirm(BrRequest *req);
void br_api_hit_dismiss(BrRequest *req);
void br_api_exceptions(BrRequest *req);
void br_api_exception_approve(BrRequest *req);
void br_api_exception_revoke(BrRequest *req);
void br_api_report(BrRequest *req);
void br_api_report_csv(BrRequest *req);
void br_api_packs(BrRequest *req);
void br_api_rules(BrRequest *req);
void br_api_audit(BrRequest *req);
void br_api_users(BrRequest *req);
void br_api_user_add(BrRequest *req);
void br_api_user_disable(BrRequest *req);
void br_api_user_enable(BrRequest *req);
void br_api_user_update(BrRequest *req);
void br_api_user_password(BrRequest *req);
