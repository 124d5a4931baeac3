#include "br_run_details.h"

#include <string.h>

#include "br_audit.h"
#include "br_feed.h"
#include "br_json.h"
#include "br_pipeline.h"

typedef struct {
  guint64 line;
  char *fields; /* JSON object */
} DetailLine;

struct BrRunDetails {
  GHashTable *units; /* "port\x1funit" -> GArray of DetailLine */
  guint64 seq;       /* lines kept so far: their numbers when the run has several inputs */
};

static char *
unit_key(const char *port, const char *unit)
{
  return g_strconcat(port, "\x1f", unit, NULL);
}

static void
lines_free(gpointer data)
{
  GArray *lines = data;
  for (guint i = 0; i < lines->len; i++)
    g_free(g_array_index(lines, DetailLine, i).fields);
  g_array_free(lines, TRUE);
}

static int
field_index(const BrSchema *schema, const char *name)
{
  return name ? br_schema_find(schema, name) : -1;
}

/* The same unit a line rolls up to in scoring (br_pipeline.c): the unit field, else the
 * fallback, else the record id, else the line number. */
static const char *
line_unit(const BrValue *rec, int unit_idx, int fallback_idx, int id_idx, guint64 line_no,
          GString *scratch)
{
  if (unit_idx >= 0 && !rec[unit_idx].missing)
    return rec[unit_idx].str;
  if (fallback_idx >= 0 && !rec[fallback_idx].missing)
    return rec[fallback_idx].str;
  if (id_idx >= 0 && !rec[id_idx].missing)
    return rec[id_idx].str;
  g_string_printf(scratch, "line:%" G_GUINT64_FORMAT, line_no);
  return scratch->str;
}

/* input: the file the line comes from, named in the object when the run has several. */
static char *
record_json(const BrSchema *schema, const BrValue *rec, const char *input, guint64 line_no)
{
  GString *out = g_string_new("{");
  gboolean first = TRUE;
  if (input) {
    g_string_append(out, "\"input\":");
    br_json_append_string(out, input, -1);
    g_string_append_printf(out, ",\"input_line\":\"%" G_GUINT64_FORMAT "\"", line_no);
    first = FALSE;
  }
  for (guint f = 0; f < br_schema_size(schema); f++) {
    if (rec[f].missing)
      continue;
    if (!first)
      g_string_append_c(out, ',');
    first = FALSE;
    br_json_append_string(out, br_schema_field(schema, f)->name, -1);
    g_string_append_c(out, ':');
    br_json_append_string(out, rec[f].str, rec[f].len);
  }
  g_string_append_c(out, '}');
  return g_string_free(out, FALSE);
}

/* Which lines of one input the second read parses: those of the selected units (sorted
 * orders, passed in increasing order) and the versions wanted. */
typedef struct {
  const guint64 *at, *end;
  guint input;
  BrRunVersions *versions;
} LineWant;

static gboolean
line_wanted(guint64 line, gpointer data)
{
  LineWant *w = data;
  guint64 order = BR_AMEND_ORDER(w->input, line);
  while (w->at < w->end && *w->at < order)
    w->at++;
  return (w->at < w->end && *w->at == order) ||
         (w->versions && br_run_versions_wants(w->versions, order));
}

static gint
cmp_order(gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
  return x < y ? -1 : x > y;
}

/* The orders of the lines whose unit hashes as a selected unit's, sorted: a superset of the
 * selected units' lines (hashes collide), which collect_feed narrows. */
static GArray *
selected_lines(const BrRunDetails *details, const GArray *line_units)
{
  GHashTable *hashes = g_hash_table_new(NULL, NULL);
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, details->units);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    char *sep = strchr(key, '\x1f');
    *sep = '\0';
    g_hash_table_add(hashes, GUINT_TO_POINTER(br_unit_key_hash(key, sep + 1)));
    *sep = '\x1f';
  }
  GArray *orders = g_array_new(FALSE, FALSE, sizeof(guint64));
  for (guint i = 0; i < line_units->len; i++) {
    const BrLineUnit *lu = &g_array_index(line_units, BrLineUnit, i);
    if (g_hash_table_contains(hashes, GUINT_TO_POINTER(lu->unit_hash)))
      g_array_append_val(orders, lu->order);
  }
  g_hash_table_destroy(hashes);
  g_array_sort(orders, cmp_order);
  return orders;
}

/* Keeps the lines of the selected units that this feed gives, and the versions wanted. */
static gboolean
collect_feed(BrRunDetails *details, BrFeed *feed, guint input_index, const char *input,
             const BrPack *pack, const BrAmendments *amend, BrRunVersions *versions, GError **error)
{
  const BrSchema *schema = br_feed_schema(feed);
  const BrPackSettings *settings = br_pack_settings(pack);
  int port_idx = field_index(schema, settings->port_field);
  int unit_idx = field_index(schema, settings->unit_field);
  int fallback_idx = field_index(schema, settings->unit_fallback);
  int id_idx = field_index(schema, "record_id");
  BrBatch *batch = br_batch_new(schema, 2048);
  GString *scratch = g_string_new(NULL);
  GString *key = g_string_new(NULL);
  gint n;
  while ((n = br_feed_next_batch(feed, batch, error)) > 0) {
    for (guint i = 0; i < batch->count; i++) {
      const BrValue *rec = br_batch_record(batch, i);
      guint64 line_no = batch->line_no[i];
      guint64 order = BR_AMEND_ORDER(input_index, line_no);
      const char *port = port_idx >= 0 && !rec[port_idx].missing ? rec[port_idx].str : "UNASSIGNED";
      const char *unit = line_unit(rec, unit_idx, fallback_idx, id_idx, line_no, scratch);
      if (versions && br_run_versions_wants(versions, order)) {
        char *fields = record_json(schema, rec, NULL, line_no);
        br_run_versions_take(versions, order, schema, rec, port, unit, fields);
        g_free(fields);
      }
      if (amend && br_amendments_skip(amend, order))
        continue;
      g_string_assign(key, port);
      g_string_append_c(key, '\x1f');
      g_string_append(key, unit);
      GArray *lines = g_hash_table_lookup(details->units, key->str);
      if (!lines)
        continue;
      /* Line numbers repeat across inputs: with several, lines are numbered in reading
       * order and the object names the input and its line. */
      details->seq++;
      DetailLine dl = {input ? details->seq : line_no, record_json(schema, rec, input, line_no)};
      g_array_append_val(lines, dl);
    }
  }
  g_string_free(key, TRUE);
  g_string_free(scratch, TRUE);
  br_batch_free(batch);
  return n >= 0;
}

BrRunDetails *
br_run_details_collect(const char *const *paths, guint npaths, BrInputFormat format,
                       const BrProfile *profile, const BrPack *pack, GPtrArray *lists,
                       const BrAmendments *amend, BrRunVersions *versions, const GArray *line_units,
                       GError **error)
{
  BrRunDetails *details = g_new0(BrRunDetails, 1);
  details->units = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, lines_free);
  for (guint i = 0; i < lists->len; i++) {
    const BrPortList *list = g_ptr_array_index(lists, i);
    for (guint k = 0; k < list->selected->len; k++) {
      const BrUnit *u = g_ptr_array_index(list->selected, k);
      g_hash_table_insert(details->units, unit_key(u->port, u->unit),
                          g_array_new(FALSE, FALSE, sizeof(DetailLine)));
    }
  }
  if (g_hash_table_size(details->units) == 0 && !(versions && br_run_versions_wanted(versions)))
    return details;

  GArray *wanted = line_units ? selected_lines(details, line_units) : NULL;
  const guint64 *next = wanted ? (const guint64 *)(void *)wanted->data : NULL;
  const guint64 *end = wanted ? next + wanted->len : NULL;
  for (guint p = 0; p < npaths; p++) {
    if (strcmp(paths[p], "-") == 0)
      continue;
    BrFeedOptions opts = {0};
    BrInput *in = br_input_open(paths[p], format, profile, &opts, error);
    LineWant want = {next, end, p, versions};
    if (in && wanted)
      br_feed_set_line_filter(br_input_feed(in), line_wanted, &want);
    if (!in || !collect_feed(details, br_input_feed(in), p, npaths > 1 ? paths[p] : NULL, pack,
                             amend, versions, error)) {
      br_input_close(in);
      br_run_details_free(details);
      details = NULL;
      break;
    }
    br_input_close(in);
    next = want.at;
  }
  if (wanted)
    g_array_free(wanted, TRUE);
  return details;
}

void
br_run_details_free(BrRunDetails *details)
{
  if (!details)
    return;
  g_hash_table_destroy(details->units);
  g_free(details);
}

guint
br_run_details_lines(const BrRunDetails *details, const char *port, const char *unit)
{
  char *key = unit_key(port, unit);
  GArray *lines = g_hash_table_lookup(details->units, key);
  g_free(key);
  return lines ? lines->len : 0;
}

enum { STMT_UNIT, STMT_REASON, STMT_LINE, STMT_N };

static const char *const details_sql[STMT_N] = {
    [STMT_UNIT] = "SELECT u.id FROM units u JOIN selections s ON s.unit_id = u.id"
                  " WHERE u.run_id = ?1 AND u.port = ?2 AND u.unit = ?3",
    [STMT_REASON] = "INSERT INTO selection_reasons (unit_id, ord, rule_ord, points, text)"
                    " VALUES (?1, ?2, ?3, ?4, ?5)",
    [STMT_LINE] = "INSERT INTO selection_lines (unit_id, line, fields) VALUES (?1, ?2, ?3)",
};

static gboolean
record_unit(BrStore *store, sqlite3_stmt **st, gint64 unit_id, const BrUnit *u, const BrPack *pack,
            const BrRunDetails *details, GError **error)
{
  /* One row per rule, in the order lists show reasons (br_unit_reasons): a rule's rows come
   * at its largest contribution, its reasons joined in that order. */
  GArray *reasons = br_unit_reasons(u, pack);
  gboolean *done = g_new0(gboolean, br_pack_rule_count(pack));
  gboolean ok = TRUE;
  guint ord = 0;
  for (guint k = 0; ok && k < reasons->len; k++) {
    const BrReason *r = &g_array_index(reasons, BrReason, k);
    if (done[r->rule])
      continue;
    done[r->rule] = TRUE;
    GString *text = g_string_new(NULL);
    for (guint j = k; j < reasons->len; j++) {
      const BrReason *o = &g_array_index(reasons, BrReason, j);
      if (o->rule != r->rule)
        continue;
      if (text->len)
        g_string_append(text, " | ");
      g_string_append_printf(text, "%s: %s", br_pack_rule(pack, o->rule)->id, o->text);
    }
    sqlite3_bind_int64(st[STMT_REASON], 1, unit_id);
    sqlite3_bind_int(st[STMT_REASON], 2, (int)ord++);
    sqlite3_bind_int(st[STMT_REASON], 3, (int)r->rule);
    sqlite3_bind_double(st[STMT_REASON], 4, r->contribution);
    sqlite3_bind_text(st[STMT_REASON], 5, g_string_free(text, FALSE), -1, g_free);
    ok = br_store_exec_stmt(store, st[STMT_REASON], error);
  }
  g_free(done);
  g_array_free(reasons, TRUE);
  if (!ok || !details)
    return ok;
  char *key = unit_key(u->port, u->unit);
  GArray *lines = g_hash_table_lookup(details->units, key);
  g_free(key);
  for (guint i = 0; ok && lines && i < lines->len; i++) {
    const DetailLine *dl = &g_array_index(lines, DetailLine, i);
    sqlite3_bind_int64(st[STMT_LINE], 1, unit_id);
    sqlite3_bind_int64(st[STMT_LINE], 2, (sqlite3_int64)dl->line);
    sqlite3_bind_text(st[STMT_LINE], 3, dl->fields, -1, SQLITE_STATIC);
    ok = br_store_exec_stmt(store, st[STMT_LINE], error);
  }
  return ok;
}

gboolean
br_run_details_record(BrStore *store, gint64 run_id, GPtrArray *lists, const BrPack *pack,
                      const BrRunDetails *details, BrRunVersions *versions, gint64 started_at,
                      GError **error)
{
  sqlite3_stmt *st[STMT_N] = {0};
  if (!br_store_prepare(store, details_sql, STMT_N, st, error))
    return FALSE;
  gboolean ok = br_store_begin(store, error);
  guint selected = 0;
  for (guint i = 0; ok && i < lists->len; i++) {
    const BrPortList *list = g_ptr_array_index(lists, i);
    for (guint k = 0; ok && k < list->selected->len; k++) {
      const BrUnit *u = g_ptr_array_index(list->selected, k);
      sqlite3_bind_int64(st[STMT_UNIT], 1, run_id);
      sqlite3_bind_text(st[STMT_UNIT], 2, u->port, -1, SQLITE_STATIC);
      sqlite3_bind_text(st[STMT_UNIT], 3, u->unit, -1, SQLITE_STATIC);
      int rc = sqlite3_step(st[STMT_UNIT]);
      gint64 unit_id = rc == SQLITE_ROW ? sqlite3_column_int64(st[STMT_UNIT], 0) : 0;
      sqlite3_reset(st[STMT_UNIT]);
      if (!unit_id) {
        ok = br_store_sql_error(store, error, "a selected unit of the run is not in the store");
        break;
      }
      ok = record_unit(store, st, unit_id, u, pack, details, error);
      selected++;
    }
  }
  if (ok && versions)
    ok = br_run_versions_record(store, run_id, started_at, versions, error);
  if (ok) {
    char *actor = br_audit_cli_actor();
    char *target = g_strdup_printf("run %" G_GINT64_FORMAT, run_id);
    char *detail =
        g_strdup_printf("pack %s %s, %u ports, %u selected", br_pack_settings(pack)->name,
                        br_pack_hash(pack), lists->len, selected);
    ok = br_audit_append(store, actor, "run.record", target, detail, error);
    g_free(detail);
    g_free(target);
    g_free(actor);
  }
  ok = ok && br_store_commit(store, error);
  if (!ok)
    br_store_rollback(store);
  br_store_finalize(st, STMT_N);
  return ok;
}

typedef struct {
  const BrRunDetailsSource *source;
  const BrPack *pack;
  GPtrArray *lists;
  GError *error;
} CollectJob;

static gpointer
collect_main(gpointer data)
{
  CollectJob *job = data;
  const BrRunDetailsSource *src = job->source;
  return br_run_details_collect(src->paths, src->npaths, src->format, src->profile, job->pack,
                                job->lists, src->amend, src->versions, src->line_units,
                                &job->error);
}

gint64
br_run_details_record_run(BrStore *store, const BrRunRecord *run, GPtrArray *lists,
                          const BrPack *pack, const BrRunDetailsSource *source, GError **error)
{
  if (!br_store_begin(store, error))
    return 0;
  /* Both only read the lists. */
  CollectJob job = {source, pack, lists, NULL};
  GThread *collector = g_thread_new("br-details", collect_main, &job);
  gint64 run_id = br_store_record_run(store, run, lists, pack, error);
  BrRunDetails *details = g_thread_join(collector);
  if (run_id && !details)
    g_propagate_error(error, job.error);
  else
    g_clear_error(&job.error);
  gboolean ok = run_id && details &&
                br_run_details_record(store, run_id, lists, pack, details, source->versions,
                                      run->started_at, error) &&
                br_store_commit(store, error);
  br_run_details_free(details);
  if (!ok) {
    br_store_rollback(store);
    return 0;
  }
  return run_id;
}
