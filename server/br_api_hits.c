/* Watchlist hit review: the parties on a day's list screened against the stored lists, and
 * the analyst's decisions on them (confirm, dismiss as namesake, approve, revoke). */
#include <string.h>

#include "br_api.h"
#include "br_audit.h"
#include "br_json.h"
#include "br_nameindex.h"
#include "br_rules.h"
#include "br_watchlist_store.h"

#define HITS_PER_PARTY 3

static const char *const party_fields[] = {"shipper_name", "consignee_name", "notify_name"};

/* The lists' import stamps: a re-import reloads the set. */
static char *
lists_stamp(BrStore *store)
{
  sqlite3_stmt *s = NULL;
  char *stamp = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT COALESCE(group_concat(name || sha256, ','), '') FROM"
                         " (SELECT name, sha256 FROM watchlists ORDER BY name)",
                         -1, &s, NULL) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW)
    stamp = g_strdup((const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return stamp ? stamp : g_strdup("");
}

static BrWatchSet *
server_watch(BrServer *server, GError **error)
{
  char *stamp = lists_stamp(server->store);
  if (server->watch && g_strcmp0(stamp, server->watch_stamp) == 0) {
    g_free(stamp);
    return server->watch;
  }
  if (server->watch)
    br_watch_set_free(server->watch);
  g_free(server->watch_stamp);
  server->watch_stamp = stamp;
  server->watch = br_watch_set_load(server->store, NULL, NULL, 0, error);
  return server->watch;
}

/* The minimum score per list that the run applied: its pack's on_watchlist(...) calls (the
 * lowest when several rules screen one list). A list the pack does not screen is reviewed at
 * the engine's default, which is what on_watchlist without a minimum applies. */
typedef struct {
  GHashTable *min; /* list name -> double * */
  double lowest;   /* the screening cut: the lowest of them and the default */
  char *source;    /* where they come from, for the page */
} RunScreens;

static void
run_screens_free(gpointer data)
{
  RunScreens *r = data;
  g_hash_table_destroy(r->min);
  g_free(r->source);
  g_free(r);
}

static double
list_threshold(const RunScreens *r, const char *list)
{
  const double *min = g_hash_table_lookup(r->min, list);
  return min ? *min : BR_NAME_DEFAULT_THRESHOLD;
}

/* Read from the pack folder the run recorded, when its hash still matches: a pack edited or
 * moved since cannot say what the run did, and the page says so. Kept per run (a run's pack
 * hash never changes); *owned is set when the answer is not kept (the caller frees it: a
 * missing folder may come back). */
static RunScreens *
run_screens(BrRequest *req, gint64 run_id, gboolean *owned, GError **error)
{
  *owned = FALSE;
  if (!req->server->run_screens)
    req->server->run_screens =
        g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, run_screens_free);
  RunScreens *r = g_hash_table_lookup(req->server->run_screens, &run_id);
  if (r)
    return r;
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(
          br_store_db(req->store),
          "SELECT pack_dir, pack_hash, pack_name, pack_version FROM runs WHERE id = ?1", -1, &s,
          NULL) != SQLITE_OK) {
    br_store_sql_error(req->store, error, "cannot read the run");
    return NULL;
  }
  sqlite3_bind_int64(s, 1, run_id);
  if (sqlite3_step(s) != SQLITE_ROW) {
    sqlite3_finalize(s);
    br_store_sql_error(req->store, error, "cannot read the run");
    return NULL;
  }
  const char *dir = (const char *)sqlite3_column_text(s, 0);
  const char *hash = (const char *)sqlite3_column_text(s, 1);
  r = g_new0(RunScreens, 1);
  r->min = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  r->lowest = BR_NAME_DEFAULT_THRESHOLD;
  BrPack *pack = br_pack_load(dir, NULL);
  gboolean same = pack && strcmp(br_pack_hash(pack), hash) == 0;
  for (guint i = 0; same && i < br_pack_rule_count(pack); i++) {
    const BrRuleInfo *rule = br_pack_rule(pack, i);
    for (guint k = 0; rule->screens && rule->screens[k]; k++) {
      double *min = g_hash_table_lookup(r->min, rule->screens[k]);
      if (!min) {
        min = g_new(double, 1);
        *min = rule->screen_min[k];
        g_hash_table_insert(r->min, g_strdup(rule->screens[k]), min);
      }
      *min = MIN(*min, rule->screen_min[k]);
      r->lowest = MIN(r->lowest, *min);
    }
  }
  const char *name = (const char *)sqlite3_column_text(s, 2);
  const char *version = (const char *)sqlite3_column_text(s, 3);
  if (!same)
    r->source = g_strdup_printf("the engine's default: the run's pack %s is %s since the run", dir,
                                pack ? "changed" : "gone");
  else if (g_hash_table_size(r->min) == 0)
    r->source =
        g_strdup_printf("the engine's default: pack %s %s screens no list with on_watchlist", name,
                        version ? version : "");
  else
    r->source = g_strdup_printf("pack %s %s, as the run screened", name, version ? version : "");
  sqlite3_finalize(s);
  br_pack_free(pack);
  if (same)
    g_hash_table_insert(req->server->run_screens, g_memdup2(&run_id, sizeof run_id), r);
  *owned = !same;
  return r;
}

enum { H_LINES, H_EXCEPTION, H_REVIEW, H_N };

static const char *const hits_sql[H_N] = {
    [H_LINES] = "SELECT u.unit, l.fields FROM units u JOIN selection_lines l ON l.unit_id = u.id"
                " WHERE u.run_id = ?1 AND u.port = ?2 ORDER BY u.unit, l.line",
    [H_EXCEPTION] = "SELECT id, status, party, created_by, created_at, reason, expires,"
                    " approved_by, approved_at FROM watchlist_exceptions"
                    " WHERE list_name = ?1 AND entry_ref = ?2 AND party_key = ?3"
                    " AND status != 'revoked' AND (expires IS NULL OR expires >= date('now'))"
                    " ORDER BY id DESC LIMIT 1",
    [H_REVIEW] = "SELECT decision, by, at, reason, exception_id FROM hit_reviews"
                 " WHERE run_id = ?1 AND port = ?2 AND unit = ?3 AND party = ?4"
                 " AND list_name = ?5 AND entry_ref = ?6 ORDER BY id DESC LIMIT 1",
};

typedef struct {
  BrRequest *req;
  sqlite3_stmt **st;
  const BrApiRun *run;
  const char *port;
  BrWatchSet *watch;
  const RunScreens *screens;
  BrNameScratch *scratch;
  GHashTable *seen; /* "unit\x1fparty" screened already */
  GString *out;
  guint n;
} HitScan;

static gboolean
screen_party(HitScan *h, const char *unit, const char *field, const char *party, GError **error)
{
  BrWatchHit hits[HITS_PER_PARTY];
  guint n = br_watch_set_match(h->watch, h->scratch, party, -1, 0, h->screens->lowest, TRUE, hits,
                               HITS_PER_PARTY);
  GString *key = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    const BrWatchHit *hit = &hits[i];
    double threshold = list_threshold(h->screens, hit->list);
    if (hit->score < threshold)
      continue;
    gboolean first = TRUE;
    GString *out = h->out;
    g_string_append(out, h->n++ ? ",{" : "{");
    br_json_str_member(out, &first, "unit", unit);
    br_json_str_member(out, &first, "field", field);
    br_json_str_member(out, &first, "party", party);
    br_json_str_member(out, &first, "list", hit->list);
    br_json_str_member(out, &first, "entry", hit->entry_ref);
    br_json_str_member(out, &first, "entry_name", hit->entry_name);
    br_json_str_member(out, &first, "matched", hit->matched);
    br_json_num_member(out, &first, "score", hit->score);
    br_json_num_member(out, &first, "threshold", threshold);
    br_json_str_member(out, &first, "tokens", hit->tokens);
    br_json_member(out, &first, "exception");
    g_string_truncate(key, 0);
    br_watchlist_party_key(party, -1, key);
    sqlite3_stmt *ex = h->st[H_EXCEPTION];
    sqlite3_bind_text(ex, 1, hit->list, -1, SQLITE_STATIC);
    sqlite3_bind_text(ex, 2, hit->entry_ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(ex, 3, key->str, -1, SQLITE_STATIC);
    if (!br_json_one_row(out, h->req->store, ex, error))
      break;
    br_json_member(out, &first, "review");
    sqlite3_stmt *rv = h->st[H_REVIEW];
    sqlite3_bind_int64(rv, 1, h->run->id);
    sqlite3_bind_text(rv, 2, h->port, -1, SQLITE_STATIC);
    sqlite3_bind_text(rv, 3, unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(rv, 4, party, -1, SQLITE_STATIC);
    sqlite3_bind_text(rv, 5, hit->list, -1, SQLITE_STATIC);
    sqlite3_bind_text(rv, 6, hit->entry_ref, -1, SQLITE_STATIC);
    if (!br_json_one_row(out, h->req->store, rv, error))
      break;
    g_string_append_c(out, '}');
  }
  g_string_free(key, TRUE);
  return error == NULL || *error == NULL;
}

static gboolean
scan_lines(HitScan *h, GError **error)
{
  sqlite3_stmt *s = h->st[H_LINES];
  sqlite3_bind_int64(s, 1, h->run->id);
  sqlite3_bind_text(s, 2, h->port, -1, SQLITE_STATIC);
  JsonParser *parser = json_parser_new();
  gboolean ok = TRUE;
  while (ok && sqlite3_step(s) == SQLITE_ROW) {
    const char *unit = (const char *)sqlite3_column_text(s, 0);
    if (!json_parser_load_from_data(parser, (const char *)sqlite3_column_text(s, 1), -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
      continue;
    JsonObject *fields = json_node_get_object(json_parser_get_root(parser));
    for (guint f = 0; ok && f < G_N_ELEMENTS(party_fields); f++) {
      if (!json_object_has_member(fields, party_fields[f]))
        continue;
      const char *party = json_object_get_string_member(fields, party_fields[f]);
      char *seen = g_strconcat(unit, "\x1f", party, NULL);
      if (!party || g_hash_table_contains(h->seen, seen)) {
        g_free(seen);
        continue;
      }
      g_hash_table_add(h->seen, seen);
      ok = screen_party(h, unit, party_fields[f], party, error);
    }
  }
  g_object_unref(parser);
  return ok;
}

void
br_api_hits(BrRequest *req)
{
  const char *port = br_req_query(req, "port");
  BrApiRun run;
  if (!br_api_find_run(req, port, br_req_query(req, "date"), &run))
    return;
  GError *error = NULL;
  BrWatchSet *watch = server_watch(req->server, &error);
  if (!watch) {
    br_reply_store_error(req, error);
    return;
  }
  gboolean owned;
  RunScreens *screens = run_screens(req, run.id, &owned, &error);
  if (!screens) {
    br_reply_store_error(req, error);
    return;
  }
  sqlite3_stmt *st[H_N] = {0};
  if (!br_store_prepare(req->store, hits_sql, H_N, st, &error)) {
    if (owned)
      run_screens_free(screens);
    br_reply_store_error(req, error);
    return;
  }
  GString *out = g_string_new("{");
  gboolean first = TRUE;
  br_json_str_member(out, &first, "port", port);
  br_json_int_member(out, &first, "run_id", run.id);
  br_json_str_member(out, &first, "date", run.as_of);
  br_json_num_member(out, &first, "threshold", screens->lowest);
  br_json_num_member(out, &first, "default_threshold", BR_NAME_DEFAULT_THRESHOLD);
  br_json_str_member(out, &first, "threshold_source", screens->source);
  br_json_member(out, &first, "thresholds");
  g_string_append_c(out, '{');
  GHashTableIter it;
  gpointer list, min;
  g_hash_table_iter_init(&it, screens->min);
  for (gboolean f = TRUE; g_hash_table_iter_next(&it, &list, &min);)
    br_json_num_member(out, &f, list, *(double *)min);
  g_string_append_c(out, '}');
  br_json_member(out, &first, "four_eyes");
  g_string_append(out, req->server->options.four_eyes ? "true" : "false");
  br_json_member(out, &first, "hits");
  g_string_append_c(out, '[');
  HitScan h = {
      .req = req,
      .st = st,
      .run = &run,
      .port = port,
      .watch = watch,
      .screens = screens,
      .scratch = br_name_scratch_new(br_watch_set_index(watch)),
      .seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
      .out = out,
  };
  gboolean ok = scan_lines(&h, &error);
  if (owned)
    run_screens_free(screens);
  br_name_scratch_free(h.scratch);
  g_hash_table_destroy(h.seen);
  br_store_finalize(st, H_N);
  if (!ok) {
    g_string_free(out, TRUE);
    br_reply_store_error(req, error);
    return;
  }
  g_string_append(out, "]}");
  br_reply_json(req, SOUP_STATUS_OK, out);
}

/* ---- decisions ---- */

typedef struct {
  gint64 run_id;
  const char *port, *unit, *party, *list, *entry, *reason;
} Decision;

static gboolean
read_decision(BrRequest *req, Decision *d)
{
  d->run_id = br_req_int(req, "run_id", 0);
  d->port = br_req_str(req, "port");
  d->unit = br_req_str(req, "unit");
  d->party = br_req_str(req, "party");
  d->list = br_req_str(req, "list");
  d->entry = br_req_str(req, "entry");
  d->reason = br_req_str(req, "reason");
  if (!d->run_id || !d->port || !d->unit || !d->party || !d->list || !d->entry) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "give run_id, port, unit, party, list, entry");
    return FALSE;
  }
  if (!br_user_sees_port(req->user, d->port)) {
    br_reply_error(req, SOUP_STATUS_FORBIDDEN, "port %s is not one of yours", d->port);
    return FALSE;
  }
  return TRUE;
}

static gboolean
insert_review(BrRequest *req, const Decision *d, const char *decision, gint64 exception_id,
              GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(req->store),
                         "INSERT INTO hit_reviews (run_id, port, unit, party, list_name,"
                         " entry_ref, decision, exception_id, by, at, reason) VALUES (?1, ?2, ?3,"
                         " ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?10)",
                         -1, &s, NULL) != SQLITE_OK)
    return br_store_sql_error(req->store, error, "cannot record the review");
  sqlite3_bind_int64(s, 1, d->run_id);
  sqlite3_bind_text(s, 2, d->port, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, d->unit, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, d->party, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, d->list, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 6, d->entry, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 7, decision, -1, SQLITE_STATIC);
  if (exception_id)
    sqlite3_bind_int64(s, 8, exception_id);
  sqlite3_bind_text(s, 9, br_req_actor(req), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 10, d->reason ? d->reason : "", -1, SQLITE_STATIC);
  gboolean ok = br_store_exec_stmt(req->store, s, error);
  sqlite3_finalize(s);
  if (!ok && sqlite3_extended_errcode(br_store_db(req->store)) == SQLITE_CONSTRAINT_FOREIGNKEY)
    g_prefix_error(error, "no such run: ");
  return ok;
}

/* Ends a decision's transaction and answers: FALSE from the work rolls back. A store error
 * is a 500; a refusal of the watchlist store (bad date, unknown entry) is the user's 400. */
static void
finish(BrRequest *req, gboolean ok, GError *error, GString *answer)
{
  ok = ok && br_store_commit(req->store, &error);
  if (ok) {
    br_reply_json(req, SOUP_STATUS_OK, answer);
    return;
  }
  br_store_rollback(req->store);
  g_string_free(answer, TRUE);
  if (error && error->domain == BR_WATCHLIST_STORE_ERROR) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "%s", error->message);
    g_error_free(error);
  } else {
    br_reply_store_error(req, error);
  }
}

void
br_api_hit_confirm(BrRequest *req)
{
  Decision d;
  if (!read_decision(req, &d))
    return;
  GError *error = NULL;
  char *target = g_strdup_printf("%s on %s %s", d.party, d.list, d.entry);
  gboolean ok =
      br_store_begin(req->store, &error) && insert_review(req, &d, "confirmed", 0, &error) &&
      br_audit_append(req->store, br_req_actor(req), "hit.confirm", target, d.unit, &error);
  g_free(target);
  finish(req, ok, error, g_string_new("{\"decision\":\"confirmed\"}"));
}

void
br_api_hit_dismiss(BrRequest *req)
{
  Decision d;
  if (!read_decision(req, &d))
    return;
  const char *expires = br_req_str(req, "expires");
  if (expires && !*expires)
    expires = NULL;
  BrWatchException ex = {d.list, d.entry, d.party, br_req_actor(req), d.reason, expires};
  GError *error = NULL;
  gboolean four = req->server->options.four_eyes;
  gint64 id = 0;
  gboolean ok = br_store_begin(req->store, &error) &&
                (id = br_watchlist_store_add_exception(req->store, &ex, &error)) != 0;
  if (ok && four) {
    sqlite3_stmt *s = NULL;
    ok = sqlite3_prepare_v2(br_store_db(req->store),
                            "UPDATE watchlist_exceptions SET status = 'pending' WHERE id = ?1", -1,
                            &s, NULL) == SQLITE_OK;
    if (ok) {
      sqlite3_bind_int64(s, 1, id);
      ok = br_store_exec_stmt(req->store, s, &error);
    } else {
      br_store_sql_error(req->store, &error, "cannot mark the exception pending");
    }
    sqlite3_finalize(s);
  }
  ok = ok && insert_review(req, &d, "dismissed", id, &error);
  if (ok) {
    char *target = g_strdup_printf("exception %" G_GINT64_FORMAT, id);
    char *detail =
        g_strdup_printf("%s is not %s %s (%s), until %s%s", d.party, d.list, d.entry, d.reason,
                        expires ? expires : "revoked", four ? "; awaits a second analyst" : "");
    ok = br_audit_append(req->store, br_req_actor(req), "exception.add", target, detail, &error);
    g_free(detail);
    g_free(target);
  }
  GString *answer = g_string_new(NULL);
  g_string_printf(answer, "{\"exception\":%" G_GINT64_FORMAT ",\"status\":\"%s\"}", id,
                  four ? "pending" : "active");
  finish(req, ok, error, answer);
}

void
br_api_exceptions(BrRequest *req)
{
  br_reply_rows(req,
                "SELECT id, list_name AS list, entry_ref AS entry, party, status,"
                " created_by, created_at, reason, expires, approved_by, approved_at,"
                " revoked_by, revoked_at, revoke_reason FROM watchlist_exceptions"
                " ORDER BY id DESC LIMIT 1000",
                NULL, 0);
}

void
br_api_exception_approve(BrRequest *req)
{
  gint64 id = br_req_int(req, "id", 0);
  GError *error = NULL;
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(req->store),
                         "SELECT status, created_by FROM watchlist_exceptions WHERE id = ?1", -1,
                         &s, NULL) != SQLITE_OK) {
    br_store_sql_error(req->store, &error, "cannot read the exception");
    br_reply_store_error(req, error);
    return;
  }
  sqlite3_bind_int64(s, 1, id);
  gboolean found = sqlite3_step(s) == SQLITE_ROW;
  gboolean pending = found && strcmp((const char *)sqlite3_column_text(s, 0), "pending") == 0;
  gboolean own = found && strcmp((const char *)sqlite3_column_text(s, 1), br_req_actor(req)) == 0;
  sqlite3_finalize(s);
  if (!pending) {
    br_reply_error(req, SOUP_STATUS_CONFLICT, "exception %" G_GINT64_FORMAT " awaits no approval",
                   id);
    return;
  }
  if (own) {
    br_reply_error(req, SOUP_STATUS_FORBIDDEN,
                   "four eyes: a second analyst must approve your own dismissal");
    return;
  }
  gboolean ok = br_store_begin(req->store, &error);
  if (ok && sqlite3_prepare_v2(br_store_db(req->store),
                               "UPDATE watchlist_exceptions SET status = 'active', approved_by ="
                               " ?2, approved_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                               " WHERE id = ?1 AND status = 'pending'",
                               -1, &s, NULL) != SQLITE_OK)
    ok = br_store_sql_error(req->store, &error, "cannot approve");
  if (ok) {
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, br_req_actor(req), -1, SQLITE_STATIC);
    ok = br_store_exec_stmt(req->store, s, &error);
  }
  sqlite3_finalize(s);
  char *target = g_strdup_printf("exception %" G_GINT64_FORMAT, id);
  ok =
      ok && br_audit_append(req->store, br_req_actor(req), "exception.approve", target, "", &error);
  g_free(target);
  finish(req, ok, error, g_string_new("{\"status\":\"active\"}"));
}

void
br_api_exception_revoke(BrRequest *req)
{
  gint64 id = br_req_int(req, "id", 0);
  const char *reason = br_req_str(req, "reason");
  GError *error = NULL;
  char *target = g_strdup_printf("exception %" G_GINT64_FORMAT, id);
  gboolean ok =
      br_store_begin(req->store, &error) &&
      br_watchlist_store_revoke_exception(req->store, id, br_req_actor(req), reason, &error) &&
      br_audit_append(req->store, br_req_actor(req), "exception.revoke", target, reason, &error);
  g_free(target);
  finish(req, ok, error, g_string_new("{\"status\":\"revoked\"}"));
}
