/* The analyst's worklist: ports, a port's list for a day, a unit's page, recording results. */
#include <string.h>

#include "br_api.h"
#include "br_audit.h"
#include "br_history.h"
#include "br_json.h"
#include "br_line_versions.h"
#include "br_outcomes.h"
#include "br_unit_packs.h"

static gboolean
prepare(BrRequest *req, const char *sql, sqlite3_stmt **s)
{
  if (sqlite3_prepare_v2(br_store_db(req->store), sql, -1, s, NULL) == SQLITE_OK)
    return TRUE;
  GError *error = NULL;
  br_store_sql_error(req->store, &error, "cannot prepare");
  br_reply_store_error(req, error);
  return FALSE;
}

void
br_api_ports(BrRequest *req)
{
  sqlite3_stmt *s = NULL;
  if (!prepare(req,
               "SELECT rp.port, r.as_of, MAX(r.id) FROM run_ports rp JOIN runs r"
               " ON r.id = rp.run_id GROUP BY rp.port, r.as_of ORDER BY rp.port, r.as_of DESC",
               &s))
    return;
  GString *out = g_string_new("[");
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  char *prev = NULL;
  guint n = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const char *port = (const char *)sqlite3_column_text(s, 0);
    if (!br_user_sees_port(req->user, port))
      continue;
    if (!prev || strcmp(prev, port) != 0) {
      if (prev)
        g_string_append(out, "]},");
      g_string_append(out, "{\"port\":");
      br_json_append_string(out, port, -1);
      g_string_append(out, ",\"dates\":[");
      g_free(prev);
      prev = g_strdup(port);
      g_hash_table_add(seen, g_strdup(port));
      n = 0;
    }
    if (n++)
      g_string_append_c(out, ',');
    br_json_append_string(out, (const char *)sqlite3_column_text(s, 1), -1);
  }
  if (prev)
    g_string_append(out, "]}");
  /* An analyst's port without any run yet is still shown, empty. */
  for (guint i = 0; req->user->ports && req->user->ports[i]; i++) {
    if (g_hash_table_contains(seen, req->user->ports[i]))
      continue;
    if (out->len > 1)
      g_string_append_c(out, ',');
    g_string_append(out, "{\"port\":");
    br_json_append_string(out, req->user->ports[i], -1);
    g_string_append(out, ",\"dates\":[]}");
  }
  g_hash_table_destroy(seen);
  g_string_append_c(out, ']');
  g_free(prev);
  sqlite3_finalize(s);
  br_reply_json(req, SOUP_STATUS_OK, out);
}

gboolean
br_api_find_run(BrRequest *req, const char *port, const char *date, BrApiRun *run)
{
  memset(run, 0, sizeof *run);
  if (!port) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "give port");
    return FALSE;
  }
  gint32 day;
  if (date && !br_store_date_parse(date, &day)) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "date takes YYYY-MM-DD");
    return FALSE;
  }
  if (!br_user_sees_port(req->user, port)) {
    br_reply_error(req, SOUP_STATUS_FORBIDDEN, "port %s is not one of yours", port);
    return FALSE;
  }
  /* Asked for on every list request, and changed only by a new run (another process: the
   * cache is emptied then). */
  char *key = g_strdup_printf("%s\x1f%s", port, date ? date : "");
  const BrApiRun *known = g_hash_table_lookup(req->server->runs, key);
  if (known) {
    g_free(key);
    *run = *known;
    return TRUE;
  }
  sqlite3_stmt *s = NULL;
  if (!prepare(req,
               "SELECT r.id, r.as_of FROM runs r JOIN run_ports rp ON rp.run_id = r.id"
               " AND rp.port = ?1 WHERE ?2 IS NULL OR r.as_of = ?2"
               " ORDER BY r.as_of DESC, r.id DESC LIMIT 1",
               &s)) {
    g_free(key);
    return FALSE;
  }
  sqlite3_bind_text(s, 1, port, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, date, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW) {
    run->id = sqlite3_column_int64(s, 0);
    g_strlcpy(run->as_of, (const char *)sqlite3_column_text(s, 1), sizeof run->as_of);
  }
  sqlite3_finalize(s);
  if (!run->id) {
    g_free(key);
    br_reply_error(req, SOUP_STATUS_NOT_FOUND, "no list for %s%s%s", port, date ? " on " : "",
                   date ? date : "");
    return FALSE;
  }
  g_hash_table_insert(req->server->runs, key, g_memdup2(run, sizeof *run));
  return TRUE;
}

/* The run's stamp and the port's counts. */
static gboolean
stamp_json(BrRequest *req, gint64 run_id, const char *port, GString *out)
{
  sqlite3_stmt *s = NULL;
  if (!prepare(req,
               "SELECT r.id AS run_id, r.as_of AS date, r.pack_name, r.pack_version,"
               " r.pack_hash, CAST(r.seed AS TEXT) AS seed, r.started_at, rp.capacity,"
               " rp.units, rp.red, rp.yellow, rp.green, rp.targeted, rp.random, rp.explore"
               " FROM runs r JOIN run_ports rp ON rp.run_id = r.id AND rp.port = ?2"
               " WHERE r.id = ?1",
               &s))
    return FALSE;
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_text(s, 2, port, -1, SQLITE_STATIC);
  GString *rows = g_string_new(NULL);
  GError *error = NULL;
  gboolean ok = br_json_rows(rows, req->store, s, &error);
  sqlite3_finalize(s);
  if (!ok) {
    g_string_free(rows, TRUE);
    br_reply_store_error(req, error);
    return FALSE;
  }
  /* One row: drop the array brackets. */
  g_string_append_len(out, rows->str + 1, (gssize)rows->len - 2);
  g_string_free(rows, TRUE);
  return TRUE;
}

/* Starts an answer about a port's list: {"port": ..., "stamp": {...} */
static gboolean
port_answer(BrRequest *req, gint64 run_id, const char *port, GString *out)
{
  g_string_append(out, "{\"port\":");
  br_json_append_string(out, port, -1);
  g_string_append(out, ",\"stamp\":");
  return stamp_json(req, run_id, port, out);
}

enum { W_UNITS, W_LINE, W_REASONS, W_OUTCOME, W_N };

static const char *const worklist_sql[W_N] = {
    [W_UNITS] = "SELECT u.id, u.unit, s.kind, s.rank, s.score, s.lane, s.lines"
                " FROM units u JOIN selections s ON s.unit_id = u.id"
                " WHERE u.run_id = ?1 AND u.port = ?2 ORDER BY s.kind = 'random', s.rank",
    /* Only what a row shows (the unit page has every field); json_patch drops absent ones. */
    [W_LINE] = "SELECT json_patch('{}', json_object('bol', json_extract(fields, '$.bol'),"
               " 'shipper_name', json_extract(fields, '$.shipper_name'),"
               " 'consignee_name', json_extract(fields, '$.consignee_name'),"
               " 'description', json_extract(fields, '$.description'),"
               " 'hs_code', json_extract(fields, '$.hs_code'),"
               " 'origin_country', json_extract(fields, '$.origin_country'),"
               " 'load_port', json_extract(fields, '$.load_port'),"
               " 'vessel_name', json_extract(fields, '$.vessel_name'),"
               " 'voyage', json_extract(fields, '$.voyage'),"
               " 'carrier', json_extract(fields, '$.carrier'),"
               " 'arrival_date', json_extract(fields, '$.arrival_date')))"
               " FROM selection_lines WHERE unit_id = ?1 ORDER BY line LIMIT 1",
    [W_REASONS] = "SELECT rr.rule_id AS rule, sr.points, sr.text FROM selection_reasons sr"
                  " JOIN units u ON u.id = sr.unit_id"
                  " JOIN run_rules rr ON rr.run_id = u.run_id AND rr.ord = sr.rule_ord"
                  " WHERE sr.unit_id = ?1 ORDER BY sr.ord",
    [W_OUTCOME] = "SELECT o.id, o.date, o.result, o.category, o.severity, o.notes,"
                  " o.recorded_by, COALESCE(o.recorded_at, i.imported_at) AS recorded_at,"
                  " (SELECT COUNT(*) FROM outcome_versions v WHERE v.outcome_id = o.id)"
                  " AS corrections"
                  " FROM outcomes o JOIN imports i ON i.id = o.import_id"
                  " WHERE o.unit = ?1 AND o.port = ?2 AND o.date >= ?3"
                  " ORDER BY o.date DESC LIMIT 1",
};

static gboolean
worklist_rows(BrRequest *req, sqlite3_stmt **st, const BrApiRun *run, const char *port,
              GString *out, GError **error)
{
  sqlite3_bind_int64(st[W_UNITS], 1, run->id);
  sqlite3_bind_text(st[W_UNITS], 2, port, -1, SQLITE_STATIC);
  g_string_append_c(out, '[');
  guint position = 0;
  int rc;
  while ((rc = sqlite3_step(st[W_UNITS])) == SQLITE_ROW) {
    gint64 uid = sqlite3_column_int64(st[W_UNITS], 0);
    const char *unit = (const char *)sqlite3_column_text(st[W_UNITS], 1);
    gboolean first = TRUE;
    g_string_append(out, position ? ",{" : "{");
    br_json_int_member(out, &first, "position", ++position);
    br_json_str_member(out, &first, "unit", unit);
    br_json_str_member(out, &first, "selection", (const char *)sqlite3_column_text(st[W_UNITS], 2));
    br_json_int_member(out, &first, "rank", sqlite3_column_int64(st[W_UNITS], 3));
    br_json_num_member(out, &first, "score", sqlite3_column_double(st[W_UNITS], 4));
    br_json_str_member(out, &first, "lane", (const char *)sqlite3_column_text(st[W_UNITS], 5));
    br_json_int_member(out, &first, "lines", sqlite3_column_int64(st[W_UNITS], 6));
    /* The first line's manifest fields, stored as a JSON object written by br_json. */
    br_json_member(out, &first, "manifest");
    sqlite3_bind_int64(st[W_LINE], 1, uid);
    if (sqlite3_step(st[W_LINE]) == SQLITE_ROW)
      g_string_append(out, (const char *)sqlite3_column_text(st[W_LINE], 0));
    else
      g_string_append(out, "null");
    sqlite3_reset(st[W_LINE]);
    br_json_member(out, &first, "reasons");
    sqlite3_bind_int64(st[W_REASONS], 1, uid);
    gboolean ok = br_json_rows(out, req->store, st[W_REASONS], error);
    sqlite3_reset(st[W_REASONS]);
    br_json_member(out, &first, "outcome");
    sqlite3_bind_text(st[W_OUTCOME], 1, unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st[W_OUTCOME], 2, port, -1, SQLITE_STATIC);
    sqlite3_bind_text(st[W_OUTCOME], 3, run->as_of, -1, SQLITE_STATIC);
    ok = ok && br_json_one_row(out, req->store, st[W_OUTCOME], error);
    sqlite3_reset(st[W_OUTCOME]);
    g_string_append_c(out, '}');
    if (!ok)
      return FALSE;
  }
  g_string_append_c(out, ']');
  if (rc != SQLITE_DONE)
    return br_store_sql_error(req->store, error, "cannot read the list");
  return TRUE;
}

void
br_api_worklist(BrRequest *req)
{
  const char *port = br_req_query(req, "port");
  const char *date = br_req_query(req, "date");
  BrApiRun run;
  if (!br_api_find_run(req, port, date, &run))
    return;
  /* The list of a run changes only when a result is recorded, which empties the cache. */
  char *key = g_strdup_printf("worklist\x1f%" G_GINT64_FORMAT "\x1f%s", run.id, port);
  if (br_reply_from_cache(req, key)) {
    g_free(key);
    return;
  }
  sqlite3_stmt *st[W_N] = {0};
  GError *error = NULL;
  if (!br_store_prepare(req->store, worklist_sql, W_N, st, &error)) {
    g_free(key);
    br_reply_store_error(req, error);
    return;
  }
  GString *out = g_string_new(NULL);
  gboolean ok = port_answer(req, run.id, port, out);
  if (ok) {
    g_string_append(out, ",\"units\":");
    ok = worklist_rows(req, st, &run, port, out, &error);
    if (!ok)
      br_reply_store_error(req, error);
  }
  br_store_finalize(st, W_N);
  if (!ok) {
    g_free(key);
    g_string_free(out, TRUE);
    return;
  }
  g_string_append_c(out, '}');
  GBytes *bytes = g_string_free_to_bytes(out);
  br_reply_cached(req, key, bytes);
  g_bytes_unref(bytes);
  g_free(key);
}

/* ---- a unit's page ---- */

static BrHistory *
server_history(BrRequest *req, GError **error)
{
  BrServer *server = req->server;
  if (!server->history) {
    if (!server->keys && !(server->keys = br_entity_keys_parse(NULL, error)))
      return NULL;
    server->history = br_history_load(req->store, server->keys, NULL, 0, error);
  }
  return server->history;
}

static gboolean
track_records(BrRequest *req, gint64 unit_id, const char *as_of, GString *out, GError **error)
{
  BrHistory *history = server_history(req, error);
  if (!history)
    return FALSE;
  /* The unit's entity ids are packed with its run's (br_unit_packs.h); they come back as a
   * JSON array for one ordered query. */
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(req->store),
                         "SELECT run_id, port, unit FROM units WHERE id = ?1", -1, &s,
                         NULL) != SQLITE_OK)
    return br_store_sql_error(req->store, error, "cannot read entities");
  sqlite3_bind_int64(s, 1, unit_id);
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
  gboolean ok = sqlite3_step(s) != SQLITE_ROW ||
                br_unit_pack_read(req->store, sqlite3_column_int64(s, 0),
                                  (const char *)sqlite3_column_text(s, 1),
                                  (const char *)sqlite3_column_text(s, 2), ids, error);
  sqlite3_finalize(s);
  GString *json = g_string_new("[");
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf(json, "%s%" G_GINT64_FORMAT, i ? "," : "",
                           g_array_index(ids, gint64, i));
  g_string_append_c(json, ']');
  g_array_unref(ids);
  if (!ok ||
      sqlite3_prepare_v2(br_store_db(req->store),
                         "SELECT key, value FROM entities"
                         " WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY key, value",
                         -1, &s, NULL) != SQLITE_OK) {
    g_string_free(json, TRUE);
    return ok ? br_store_sql_error(req->store, error, "cannot read entities") : FALSE;
  }
  sqlite3_bind_text(s, 1, json->str, -1, SQLITE_TRANSIENT);
  g_string_free(json, TRUE);
  gint32 day;
  br_store_date_parse(as_of, &day);
  g_string_append_c(out, '[');
  guint n = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(s, 0);
    const char *value = (const char *)sqlite3_column_text(s, 1);
    int k = br_entity_keys_find(br_history_keys(history), key);
    guint insp = 0, hits = 0;
    double rate = br_history_global_rate_cut(history, day);
    if (k >= 0)
      br_history_lookup_at(history, (guint)k, value, day, &insp, &hits, &rate);
    gboolean first = TRUE;
    g_string_append(out, n++ ? ",{" : "{");
    br_json_str_member(out, &first, "key", key);
    br_json_str_member(out, &first, "value", value);
    br_json_int_member(out, &first, "inspections", insp);
    br_json_int_member(out, &first, "findings", hits);
    br_json_num_member(out, &first, "rate", rate);
    g_string_append_c(out, '}');
  }
  g_string_append_c(out, ']');
  sqlite3_finalize(s);
  return TRUE;
}

enum { U_UNIT, U_LINES, U_RULES, U_OUTCOMES, U_VERSIONS, U_LINE_VERSIONS, U_N };

static const char *const unit_sql[U_N] = {
    [U_UNIT] = "SELECT u.id, s.kind, s.rank, s.score, s.lane, s.lines FROM units u"
               " LEFT JOIN selections s ON s.unit_id = u.id"
               " WHERE u.run_id = ?1 AND u.port = ?2 AND u.unit = ?3",
    [U_LINES] = "SELECT line, fields FROM selection_lines WHERE unit_id = ?1 ORDER BY line",
    /* Every rule of the run, with what it contributed to this unit (0 when it did not fire). */
    [U_RULES] = "SELECT rr.rule_id AS rule, rr.title, rr.weight,"
                " COALESCE(sr.points, 0) AS points, sr.text AS reason"
                " FROM run_rules rr LEFT JOIN selection_reasons sr"
                " ON sr.unit_id = ?2 AND sr.rule_ord = rr.ord"
                " WHERE rr.run_id = ?1 ORDER BY points DESC, rr.rule_id",
    [U_OUTCOMES] = "SELECT o.id, o.date, o.result, o.category, o.severity, o.notes, o.source,"
                   " o.recorded_by, COALESCE(o.recorded_at, i.imported_at) AS recorded_at,"
                   " CASE WHEN o.recorded_by IS NULL THEN i.path END AS file"
                   " FROM outcomes o JOIN imports i ON i.id = o.import_id"
                   " WHERE o.unit = ?1 AND o.port = ?2 ORDER BY o.date DESC",
    [U_VERSIONS] = "SELECT v.outcome_id, v.result, v.category, v.severity, v.notes,"
                   " v.recorded_by, v.recorded_at, v.replaced_by, v.replaced_at"
                   " FROM outcome_versions v JOIN outcomes o ON o.id = v.outcome_id"
                   " WHERE o.unit = ?1 AND o.port = ?2 ORDER BY v.id DESC",
    [U_LINE_VERSIONS] = BR_LINE_VERSIONS_SQL,
};

static gboolean
unit_body(BrRequest *req, sqlite3_stmt **st, const BrApiRun *run, const char *port,
          const char *unit, GString *out, GError **error)
{
  sqlite3_bind_int64(st[U_UNIT], 1, run->id);
  sqlite3_bind_text(st[U_UNIT], 2, port, -1, SQLITE_STATIC);
  sqlite3_bind_text(st[U_UNIT], 3, unit, -1, SQLITE_STATIC);
  if (sqlite3_step(st[U_UNIT]) != SQLITE_ROW)
    return FALSE;
  gint64 uid = sqlite3_column_int64(st[U_UNIT], 0);
  gboolean first = FALSE;
  br_json_str_member(out, &first, "unit", unit);
  br_json_member(out, &first, "selection");
  if (sqlite3_column_type(st[U_UNIT], 1) == SQLITE_NULL) {
    g_string_append(out, "null");
  } else {
    gboolean f2 = TRUE;
    g_string_append_c(out, '{');
    br_json_str_member(out, &f2, "kind", (const char *)sqlite3_column_text(st[U_UNIT], 1));
    br_json_int_member(out, &f2, "rank", sqlite3_column_int64(st[U_UNIT], 2));
    br_json_num_member(out, &f2, "score", sqlite3_column_double(st[U_UNIT], 3));
    br_json_str_member(out, &f2, "lane", (const char *)sqlite3_column_text(st[U_UNIT], 4));
    br_json_int_member(out, &f2, "lines", sqlite3_column_int64(st[U_UNIT], 5));
    g_string_append_c(out, '}');
  }
  br_json_member(out, &first, "lines");
  g_string_append_c(out, '[');
  sqlite3_bind_int64(st[U_LINES], 1, uid);
  for (guint n = 0; sqlite3_step(st[U_LINES]) == SQLITE_ROW; n++) {
    g_string_append_printf(out, "%s{\"line\":%lld,\"fields\":%s}", n ? "," : "",
                           (long long)sqlite3_column_int64(st[U_LINES], 0),
                           (const char *)sqlite3_column_text(st[U_LINES], 1));
  }
  g_string_append_c(out, ']');
  br_json_member(out, &first, "rules");
  sqlite3_bind_int64(st[U_RULES], 1, run->id);
  sqlite3_bind_int64(st[U_RULES], 2, uid);
  if (!br_json_rows(out, req->store, st[U_RULES], error))
    return FALSE;
  br_json_member(out, &first, "outcomes");
  sqlite3_bind_text(st[U_OUTCOMES], 1, unit, -1, SQLITE_STATIC);
  sqlite3_bind_text(st[U_OUTCOMES], 2, port, -1, SQLITE_STATIC);
  if (!br_json_rows(out, req->store, st[U_OUTCOMES], error))
    return FALSE;
  br_json_member(out, &first, "corrections");
  sqlite3_bind_text(st[U_VERSIONS], 1, unit, -1, SQLITE_STATIC);
  sqlite3_bind_text(st[U_VERSIONS], 2, port, -1, SQLITE_STATIC);
  if (!br_json_rows(out, req->store, st[U_VERSIONS], error))
    return FALSE;
  /* Every version of the unit's lines the store keeps, superseded ones included. */
  br_json_member(out, &first, "line_versions");
  sqlite3_bind_text(st[U_LINE_VERSIONS], 1, unit, -1, SQLITE_STATIC);
  sqlite3_bind_text(st[U_LINE_VERSIONS], 2, port, -1, SQLITE_STATIC);
  if (!br_json_rows(out, req->store, st[U_LINE_VERSIONS], error))
    return FALSE;
  br_json_member(out, &first, "track_records");
  return track_records(req, uid, run->as_of, out, error);
}

void
br_api_unit(BrRequest *req)
{
  const char *port = br_req_query(req, "port");
  const char *unit = br_req_query(req, "unit");
  BrApiRun run;
  if (!unit) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "give port and unit");
    return;
  }
  if (!br_api_find_run(req, port, br_req_query(req, "date"), &run))
    return;
  sqlite3_stmt *st[U_N] = {0};
  GError *error = NULL;
  if (!br_store_prepare(req->store, unit_sql, U_N, st, &error)) {
    br_reply_store_error(req, error);
    return;
  }
  GString *out = g_string_new(NULL);
  gboolean ok = port_answer(req, run.id, port, out);
  gboolean found = ok && unit_body(req, st, &run, port, unit, out, &error);
  br_store_finalize(st, U_N);
  if (!ok) {
    g_string_free(out, TRUE);
  } else if (error) {
    g_string_free(out, TRUE);
    br_reply_store_error(req, error);
  } else if (!found) {
    g_string_free(out, TRUE);
    br_reply_error(req, SOUP_STATUS_NOT_FOUND, "unit %s is not on the list of %s", unit, port);
  } else {
    g_string_append_c(out, '}');
    br_reply_json(req, SOUP_STATUS_OK, out);
  }
}

/* ---- recording a result ---- */

typedef struct {
  const char *unit, *port, *date, *result, *category, *notes;
  gint64 severity; /* 0 when none */
} Result;

static const char *
check_result(BrRequest *req, Result *r)
{
  r->unit = br_req_str(req, "unit");
  r->port = br_req_str(req, "port");
  r->date = br_req_str(req, "date");
  r->result = br_req_str(req, "result");
  r->category = br_req_str(req, "category");
  r->notes = br_req_str(req, "notes");
  r->severity = br_req_int(req, "severity", 0);
  gint32 day;
  if (!r->unit || !*r->unit || !r->port || !*r->port)
    return "give unit and port";
  if (!r->date || !br_store_date_parse(r->date, &day))
    return "date takes YYYY-MM-DD";
  if (!r->result || (strcmp(r->result, "finding") && strcmp(r->result, "no_finding")))
    return "result is finding or no_finding";
  if (r->category && !*r->category)
    r->category = NULL;
  if (!r->notes)
    r->notes = "";
  if (strlen(r->notes) > BR_OUTCOMES_NOTES_MAX)
    return "notes take at most 4096 bytes";
  if (strcmp(r->result, "finding") == 0) {
    if (!r->category || !g_strv_contains(br_outcome_categories(), r->category))
      return "a finding needs a category from the list";
    if (r->severity < 1 || r->severity > 5)
      return "a finding needs a severity from 1 (minor) to 5 (critical)";
  } else if (r->category || r->severity) {
    return "no_finding takes no category and no severity";
  }
  return NULL;
}

enum { R_FIND, R_KEEP, R_UPDATE, R_IMPORT, R_INSERT, R_LINK, R_N };

static const char *const result_sql[R_N] = {
    [R_FIND] = "SELECT id, result, category, severity, notes FROM outcomes"
               " WHERE unit = ?1 AND port = ?2 AND date = ?3",
    [R_KEEP] = "INSERT INTO outcome_versions (outcome_id, result, category, severity, notes,"
               " recorded_by, recorded_at, replaced_by, replaced_at)"
               " SELECT o.id, o.result, o.category, o.severity, o.notes,"
               " COALESCE(o.recorded_by, 'import: ' || i.path),"
               " COALESCE(o.recorded_at, i.imported_at), ?2,"
               " strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
               " FROM outcomes o JOIN imports i ON i.id = o.import_id WHERE o.id = ?1",
    [R_UPDATE] = "UPDATE outcomes SET result = ?2, category = ?3, severity = ?4, notes = ?5,"
                 " recorded_by = ?6, recorded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                 " WHERE id = ?1",
    /* Results entered in the browser count as one import per analyst and day, so they are
     * the same outcomes an imported file gives and reports treat them alike. */
    [R_IMPORT] = "INSERT INTO imports (sha256, path, imported_at, rows, accepted, duplicates,"
                 " rejected) VALUES ('browser:' || ?1 || ':' || date('now'), 'browser: ' || ?1,"
                 " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 1, 1, 0, 0)"
                 " ON CONFLICT (sha256) DO UPDATE SET rows = rows + 1, accepted = accepted + 1"
                 " RETURNING id, rows",
    [R_INSERT] = "INSERT INTO outcomes (unit, port, date, result, category, severity, notes,"
                 " import_id, line, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                 " ?7, ?8, ?9, ?10, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) RETURNING id",
    [R_LINK] = BR_STORE_LINK_OUTCOMES_SQL "WHERE id = ?1",
};

static void
bind_content(sqlite3_stmt *s, int at, const Result *r)
{
  sqlite3_bind_text(s, at, r->result, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, at + 1, r->category, -1, SQLITE_STATIC);
  if (r->severity)
    sqlite3_bind_int64(s, at + 2, r->severity);
  else
    sqlite3_bind_null(s, at + 2);
  sqlite3_bind_text(s, at + 3, r->notes, -1, SQLITE_STATIC);
}

static gboolean
same_content(sqlite3_stmt *s, const Result *r)
{
  const char *cat = (const char *)sqlite3_column_text(s, 2);
  return strcmp((const char *)sqlite3_column_text(s, 1), r->result) == 0 &&
         g_strcmp0(cat, r->category) == 0 && sqlite3_column_int64(s, 3) == r->severity &&
         strcmp((const char *)sqlite3_column_text(s, 4), r->notes) == 0;
}

/* Writes the result; *action says what happened ("result.record", "result.correct" or NULL
 * when the same result was stored already). */
static gboolean
write_result(BrRequest *req, sqlite3_stmt **st, const Result *r, gint64 *id, const char **action,
             GError **error)
{
  BrStore *store = req->store;
  sqlite3_bind_text(st[R_FIND], 1, r->unit, -1, SQLITE_STATIC);
  sqlite3_bind_text(st[R_FIND], 2, r->port, -1, SQLITE_STATIC);
  sqlite3_bind_text(st[R_FIND], 3, r->date, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st[R_FIND]);
  *action = NULL;
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st[R_FIND], 0);
    if (same_content(st[R_FIND], r))
      return TRUE;
    *action = "result.correct";
    sqlite3_bind_int64(st[R_KEEP], 1, *id);
    sqlite3_bind_text(st[R_KEEP], 2, br_req_actor(req), -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(store, st[R_KEEP], error))
      return FALSE;
    sqlite3_bind_int64(st[R_UPDATE], 1, *id);
    bind_content(st[R_UPDATE], 2, r);
    sqlite3_bind_text(st[R_UPDATE], 6, br_req_actor(req), -1, SQLITE_STATIC);
    return br_store_exec_stmt(store, st[R_UPDATE], error);
  }
  if (rc != SQLITE_DONE)
    return br_store_sql_error(store, error, "cannot read outcomes");
  *action = "result.record";
  sqlite3_bind_text(st[R_IMPORT], 1, br_req_actor(req), -1, SQLITE_STATIC);
  if (sqlite3_step(st[R_IMPORT]) != SQLITE_ROW)
    return br_store_sql_error(store, error, "cannot record the result");
  gint64 import_id = sqlite3_column_int64(st[R_IMPORT], 0);
  gint64 line = sqlite3_column_int64(st[R_IMPORT], 1);
  sqlite3_reset(st[R_IMPORT]);
  sqlite3_stmt *ins = st[R_INSERT];
  sqlite3_bind_text(ins, 1, r->unit, -1, SQLITE_STATIC);
  sqlite3_bind_text(ins, 2, r->port, -1, SQLITE_STATIC);
  sqlite3_bind_text(ins, 3, r->date, -1, SQLITE_STATIC);
  bind_content(ins, 4, r);
  sqlite3_bind_int64(ins, 8, import_id);
  sqlite3_bind_int64(ins, 9, line);
  sqlite3_bind_text(ins, 10, br_req_actor(req), -1, SQLITE_STATIC);
  if (sqlite3_step(ins) != SQLITE_ROW)
    return br_store_sql_error(store, error, "cannot record the result");
  *id = sqlite3_column_int64(ins, 0);
  sqlite3_reset(ins);
  sqlite3_bind_int64(st[R_LINK], 1, *id);
  return br_store_exec_stmt(store, st[R_LINK], error);
}

void
br_api_result(BrRequest *req)
{
  Result r;
  const char *problem = check_result(req, &r);
  if (problem) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "%s", problem);
    return;
  }
  if (!br_user_sees_port(req->user, r.port)) {
    br_reply_error(req, SOUP_STATUS_FORBIDDEN, "port %s is not one of yours", r.port);
    return;
  }
  sqlite3_stmt *st[R_N] = {0};
  GError *error = NULL;
  gint64 id = 0;
  const char *action = NULL;
  gboolean ok = br_store_prepare(req->store, result_sql, R_N, st, &error) &&
                br_store_begin(req->store, &error);
  ok = ok && write_result(req, st, &r, &id, &action, &error);
  if (ok && action) {
    char *target = g_strdup_printf("%s at %s on %s", r.unit, r.port, r.date);
    char *detail = r.severity ? g_strdup_printf("%s %s, severity %" G_GINT64_FORMAT, r.result,
                                                r.category, r.severity)
                              : g_strdup(r.result);
    ok = br_audit_append(req->store, br_req_actor(req), action, target, detail, &error);
    g_free(detail);
    g_free(target);
  }
  ok = ok && br_store_commit(req->store, &error);
  if (!ok)
    br_store_rollback(req->store);
  br_store_finalize(st, R_N);
  if (!ok) {
    br_reply_store_error(req, error);
    return;
  }
  /* Track records change with every result. */
  g_clear_pointer(&req->server->history, br_history_free);
  GString *out = g_string_new("{");
  gboolean first = TRUE;
  br_json_int_member(out, &first, "id", id);
  br_json_str_member(out, &first, "action", action ? action : "unchanged");
  g_string_append_c(out, '}');
  br_reply_json(req, SOUP_STATUS_OK, out);
}
