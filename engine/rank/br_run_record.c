#include "br_run_record.h"

#include <string.h>

#include "br_output.h"
#include "br_unit_packs.h"

typedef enum {
  STMT_INSERT_RUN,
  STMT_INSERT_INPUT,
  STMT_INSERT_WATCHLIST,
  STMT_INSERT_RULE,
  STMT_INSERT_PORT,
  STMT_UPSERT_UNIT,
  STMT_INSERT_SELECTION,
  STMT_INSERT_SELECTION_RULE,
  STMT_CLEAR_VALUES,
  STMT_INSERT_VALUE,
  STMT_INSERT_ENTITIES,
  STMT_ENTITY_IDS,
  STMT_INSERT_UNIT_PACK,
  STMT_LINK_RUN,
  STMT_COUNT
} RecordStmt;

static const char *const record_sql[STMT_COUNT] = {
    [STMT_INSERT_RUN] =
        "INSERT INTO runs (started_at, finished_at, as_of, pack_name, pack_version, pack_hash,"
        " pack_dir, profile, threads, seed, lines_read, lines_rejected, units, selected, run_key)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [STMT_INSERT_INPUT] =
        "INSERT INTO run_inputs (run_id, ord, path, sha256) VALUES (?1, ?2, ?3, ?4)",
    [STMT_INSERT_WATCHLIST] = "INSERT INTO run_watchlists (run_id, ord, name, sha256, version)"
                              " VALUES (?1, ?2, ?3, ?4, ?5)",
    [STMT_INSERT_RULE] =
        "INSERT INTO run_rules (run_id, ord, rule_id, title, weight, fires, failures, off)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [STMT_INSERT_PORT] = "INSERT INTO run_ports (run_id, port, capacity, units, red, yellow, "
                         "green, targeted, random, explore)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [STMT_UPSERT_UNIT] = "INSERT INTO units (run_id, port, unit) VALUES (?1, ?2, ?3)"
                         " ON CONFLICT (run_id, port, unit) DO UPDATE SET unit = excluded.unit"
                         " RETURNING id",
    [STMT_INSERT_SELECTION] =
        "INSERT INTO selections (unit_id, kind, rank, score, lane, lines, first_line)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_INSERT_SELECTION_RULE] =
        "INSERT INTO selection_rules (unit_id, rule_ord) VALUES (?1, ?2)",
    /* The run's entity values get their store ids in three statements, not one upsert
     * each (81,000 values for a 1M-line manifest): the values go to a temporary table, the
     * new ones into entities in index order, and a join reads every id back. */
    [STMT_CLEAR_VALUES] = "DELETE FROM temp.run_values",
    [STMT_INSERT_VALUE] = "INSERT INTO temp.run_values (id, key, value) VALUES (?1, ?2, ?3)",
    [STMT_INSERT_ENTITIES] = "INSERT OR IGNORE INTO entities (key, value)"
                             " SELECT key, value FROM temp.run_values ORDER BY key, value",
    [STMT_ENTITY_IDS] = "SELECT v.id, e.id FROM temp.run_values v"
                        " JOIN entities e ON e.key = v.key AND e.value = v.value",
    [STMT_INSERT_UNIT_PACK] = "INSERT INTO unit_packs (bucket, run_id, units) VALUES (?1, ?2, ?3)",
    /* Outcomes dated before the run cannot link to it. */
    [STMT_LINK_RUN] = BR_STORE_LINK_OUTCOMES_SQL
    "WHERE id IN (SELECT o.id FROM outcomes o JOIN units u ON u.port = o.port AND u.unit = o.unit"
    " WHERE u.run_id = ?1)"
    " OR id IN (SELECT o.id FROM outcomes o JOIN unit_packs p"
    " ON p.bucket = br_unit_bucket(o.port, o.unit) AND p.run_id = ?1"
    " WHERE o.date >= (SELECT as_of FROM runs WHERE id = ?1)"
    " AND br_unit_pack_has(p.units, o.port, o.unit))",
};

/* The statements of one recording: prepared per run, since a run records once. */
typedef struct {
  BrStore *store;
  sqlite3_stmt *stmts[STMT_COUNT];
} Recorder;

static char *
utc_text(gint64 unix_seconds)
{
  GDateTime *dt = g_date_time_new_from_unix_utc(unix_seconds);
  if (!dt)
    return g_strdup("1970-01-01T00:00:00Z");
  char *text = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
  g_date_time_unref(dt);
  return text;
}

/* Steps an upsert ... RETURNING id and gives the id (0 on failure, error set). */
static gint64
step_returning_id(BrStore *store, sqlite3_stmt *stmt, GError **error)
{
  gint64 id = 0;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    id = sqlite3_column_int64(stmt, 0);
    if (sqlite3_step(stmt) != SQLITE_DONE)
      id = 0;
  }
  if (id == 0)
    br_store_sql_error(store, error, "cannot write");
  sqlite3_reset(stmt);
  return id;
}

static gint64
upsert_unit(Recorder *rec, gint64 run_id, const char *port, const char *unit, GError **error)
{
  sqlite3_stmt *s = rec->stmts[STMT_UPSERT_UNIT];
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_text(s, 2, port, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, unit, -1, SQLITE_STATIC);
  return step_returning_id(rec->store, s, error);
}

static gboolean
record_selection(Recorder *rec, gint64 run_id, const BrUnit *u, GError **error)
{
  gint64 unit_id = upsert_unit(rec, run_id, u->port, u->unit, error);
  if (!unit_id)
    return FALSE;
  sqlite3_stmt *s = rec->stmts[STMT_INSERT_SELECTION];
  sqlite3_bind_int64(s, 1, unit_id);
  sqlite3_bind_text(s, 2, br_selection_name(u->selection), -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, u->rank);
  sqlite3_bind_double(s, 4, u->score);
  sqlite3_bind_text(s, 5, br_lane_name(u->lane), -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 6, (gint64)u->nlines);
  sqlite3_bind_int64(s, 7, (gint64)u->first_line);
  if (!br_store_exec_stmt(rec->store, s, error))
    return FALSE;
  s = rec->stmts[STMT_INSERT_SELECTION_RULE];
  for (guint i = 0; u->fired && i < u->fired->len; i++) {
    sqlite3_bind_int64(s, 1, unit_id);
    sqlite3_bind_int64(s, 2, g_array_index(u->fired, guint, i));
    if (!br_store_exec_stmt(rec->store, s, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
record_port(Recorder *rec, gint64 run_id, const BrPortList *list, GError **error)
{
  sqlite3_stmt *s = rec->stmts[STMT_INSERT_PORT];
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_text(s, 2, list->port, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, list->capacity);
  sqlite3_bind_int64(s, 4, list->units);
  sqlite3_bind_int64(s, 5, list->red);
  sqlite3_bind_int64(s, 6, list->yellow);
  sqlite3_bind_int64(s, 7, list->green);
  sqlite3_bind_int64(s, 8, list->targeted);
  sqlite3_bind_int64(s, 9, list->random);
  sqlite3_bind_int64(s, 10, list->explore);
  if (!br_store_exec_stmt(rec->store, s, error))
    return FALSE;
  for (guint i = 0; i < list->selected->len; i++)
    if (!record_selection(rec, run_id, g_ptr_array_index(list->selected, i), error))
      return FALSE;
  return TRUE;
}

/* Fills ids (per dictionary id) with the store's entity ids, adding the values it lacks. */
static gboolean
entity_ids(Recorder *rec, const BrEntityTable *table, gint64 *ids, GError **error)
{
  const BrEntityKeys *keys = br_entity_table_keys(table);
  const BrEntityDict *dict = br_entity_table_dict(table);
  if (!br_store_exec_stmt(rec->store, rec->stmts[STMT_CLEAR_VALUES], error))
    return FALSE;
  sqlite3_stmt *s = rec->stmts[STMT_INSERT_VALUE];
  for (guint i = 0; i < br_entity_dict_size(dict); i++) {
    BrEntityPair pair = br_entity_dict_pair(dict, i);
    sqlite3_bind_int64(s, 1, i);
    sqlite3_bind_text(s, 2, br_entity_keys_name(keys, pair.key), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, pair.value, -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(rec->store, s, error))
      return FALSE;
  }
  if (!br_store_exec_stmt(rec->store, rec->stmts[STMT_INSERT_ENTITIES], error))
    return FALSE;
  s = rec->stmts[STMT_ENTITY_IDS];
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    ids[sqlite3_column_int64(s, 0)] = sqlite3_column_int64(s, 1);
  sqlite3_reset(s);
  return rc == SQLITE_DONE || br_store_sql_error(rec->store, error, "cannot read entity ids");
}

#define AHEAD 16 /* units fetched ahead of the one packed; their records twice as far */

/* The units with entity values, sorted by bucket: bucket b's are order[first[b]] up to
 * order[first[b + 1]] (first: BR_UNIT_PACK_BUCKETS + 1 entries, g_free). Reads only the
 * table's own records, in their order: the buckets came with the units. */
static guint32 *
units_by_bucket(const BrEntityTable *table, guint32 **first, guint32 *npacked)
{
  guint nunits = br_entity_table_size(table);
  guint32 *bucket = g_new(guint32, MAX(nunits, 1));
  guint32 *start = g_new0(guint32, BR_UNIT_PACK_BUCKETS + 1);
  guint n;
  for (guint i = 0; i < nunits; i++) {
    bucket[i] = br_entity_table_bucket(table, i, &n);
    if (!n)
      bucket[i] = BR_UNIT_PACK_BUCKETS;
    else
      start[bucket[i] + 1]++;
  }
  for (guint b = 0; b < BR_UNIT_PACK_BUCKETS; b++)
    start[b + 1] += start[b];
  *npacked = start[BR_UNIT_PACK_BUCKETS];
  guint32 *order = g_new(guint32, MAX(*npacked, 1));
  guint32 *next = g_memdup2(start, BR_UNIT_PACK_BUCKETS * sizeof *start);
  for (guint i = 0; i < nunits; i++)
    if (bucket[i] < BR_UNIT_PACK_BUCKETS)
      order[next[bucket[i]]++] = i;
  g_free(next);
  g_free(bucket);
  *first = start;
  return order;
}

/* The packs of buckets [from, to), written into one buffer bucket after bucket. */
typedef struct {
  const BrEntityTable *table;
  const guint32 *order, *first;
  const gint64 *store_ids;
  guint from, to;
  guint8 *blob;
  gsize *ends; /* where each bucket's pack ends in blob, to - from of them */
} PackJob;

static gpointer
pack_buckets(gpointer data)
{
  PackJob *job = data;
  const char *port, *unit;
  const guint32 *ids;
  guint n;
  guint32 lo = job->first[job->from], hi = job->first[job->to];
  gsize cap = (gsize)(hi - lo) * 48 + 64, used = 0;
  job->blob = g_malloc(cap);
  job->ends = g_new(gsize, job->to - job->from);
  gint64 out[BR_ENTITY_KEYS_MAX];
  GArray *many = g_array_new(FALSE, FALSE, sizeof(gint64)); /* a unit with more values */
  for (guint b = job->from; b < job->to; b++) {
    for (guint k = job->first[b]; k < job->first[b + 1]; k++) {
      if (k + 2 * AHEAD < hi)
        br_entity_table_prefetch_unit(job->table, job->order[k + 2 * AHEAD]);
      if (k + AHEAD < hi)
        br_entity_table_prefetch(job->table, job->order[k + AHEAD]);
      br_entity_table_unit(job->table, job->order[k], &port, &unit, &ids, &n);
      gint64 *mapped = out;
      if (n > BR_ENTITY_KEYS_MAX) {
        g_array_set_size(many, n);
        mapped = (gint64 *)(void *)many->data;
      }
      for (guint j = 0; j < n; j++)
        mapped[j] = job->store_ids[ids[j]];
      gsize plen = strlen(port), ulen = strlen(unit);
      gsize need = br_unit_pack_size_max(plen, ulen, n);
      if (used + need > cap) {
        cap = MAX(cap * 2, used + need);
        job->blob = g_realloc(job->blob, cap);
      }
      used = (gsize)(br_unit_pack_put(job->blob + used, port, plen, unit, ulen, mapped, n) -
                     job->blob);
    }
    job->ends[b - job->from] = used;
  }
  g_array_unref(many);
  return NULL;
}

static gboolean
insert_packs(Recorder *rec, gint64 run_id, const PackJob *job, GError **error)
{
  sqlite3_stmt *s = rec->stmts[STMT_INSERT_UNIT_PACK];
  for (guint b = job->from; b < job->to; b++) {
    gsize start = b > job->from ? job->ends[b - job->from - 1] : 0;
    gsize end = job->ends[b - job->from];
    if (end == start)
      continue;
    sqlite3_bind_int64(s, 1, b);
    sqlite3_bind_int64(s, 2, run_id);
    sqlite3_bind_blob(s, 3, job->blob + start, (int)(end - start), SQLITE_STATIC);
    if (!br_store_exec_stmt(rec->store, s, error))
      return FALSE;
  }
  return TRUE;
}

/* Every unit's entity values, packed by bucket: a few tens of thousands of rows for a run of
 * a million units (one row per unit and value took 93% of such a run). The units are sorted
 * by bucket first (a counting sort) and written bucket after bucket, with their records,
 * strings and ids fetched ahead: appending each unit to its bucket's blob in the table's
 * order waited for memory twice per unit (its ids, its bucket). Packing waits for memory
 * more than it computes, so the upper half of the buckets is packed on a second thread while
 * this one packs and stores the lower half. A unit without entity values is not packed: no
 * outcome of it could credit anything. */
static gboolean
record_entities(Recorder *rec, gint64 run_id, const BrEntityTable *table, GError **error)
{
  gint64 *store_ids = g_new0(gint64, br_entity_dict_size(br_entity_table_dict(table)) + 1);
  if (!entity_ids(rec, table, store_ids, error)) {
    g_free(store_ids);
    return FALSE;
  }
  guint32 *first, npacked;
  guint32 *order = units_by_bucket(table, &first, &npacked);
  PackJob jobs[2];
  for (guint i = 0; i < 2; i++)
    jobs[i] = (PackJob){.table = table,
                        .order = order,
                        .first = first,
                        .store_ids = store_ids,
                        .from = i * (BR_UNIT_PACK_BUCKETS / 2),
                        .to = (i + 1) * (BR_UNIT_PACK_BUCKETS / 2)};
  GThread *upper = g_thread_new("br-packs", pack_buckets, &jobs[1]);
  pack_buckets(&jobs[0]);
  gboolean ok = insert_packs(rec, run_id, &jobs[0], error);
  g_thread_join(upper);
  ok = ok && insert_packs(rec, run_id, &jobs[1], error);
  for (guint i = 0; i < 2; i++) {
    g_free(jobs[i].blob);
    g_free(jobs[i].ends);
  }
  g_free(order);
  g_free(first);
  g_free(store_ids);
  return ok;
}

/* Why rule was switched off, as run_rules.off holds it; NULL when it was not. */
static char *
rule_off_text(const GArray *rules_off, guint rule)
{
  GString *s = NULL;
  for (guint i = 0; rules_off && i < rules_off->len; i++) {
    const BrRuleOff *o = &g_array_index(rules_off, BrRuleOff, i);
    if (o->rule != rule)
      continue;
    s = s ? g_string_append_c(s, ' ') : g_string_new(NULL);
    br_output_rule_off_why(s, o);
  }
  return s ? g_string_free(s, FALSE) : NULL;
}

static gboolean
record_rules(Recorder *rec, gint64 run_id, const BrRunRecord *run, const BrPack *pack,
             GError **error)
{
  sqlite3_stmt *s = rec->stmts[STMT_INSERT_RULE];
  for (guint i = 0; i < br_pack_rule_count(pack); i++) {
    const BrRuleInfo *rule = br_pack_rule(pack, i);
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, i);
    sqlite3_bind_text(s, 3, rule->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, rule->title ? rule->title : "", -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 5, rule->weight);
    if (run->fire_counts)
      sqlite3_bind_int64(s, 6, (gint64)run->fire_counts[i]);
    else
      sqlite3_bind_null(s, 6);
    if (run->failure_counts)
      sqlite3_bind_int64(s, 7, (gint64)run->failure_counts[i]);
    else
      sqlite3_bind_null(s, 7);
    sqlite3_bind_text(s, 8, rule_off_text(run->rules_off, i), -1, g_free);
    if (!br_store_exec_stmt(rec->store, s, error))
      return FALSE;
  }
  return TRUE;
}

static gint64
insert_run(Recorder *rec, const BrRunRecord *run, GPtrArray *port_lists, const BrPack *pack,
           GError **error)
{
  const BrPackSettings *settings = br_pack_settings(pack);
  char *started = utc_text(run->started_at);
  char *finished = utc_text(run->finished_at);
  char as_of[11];
  g_strlcpy(as_of, started, sizeof as_of);
  gint64 selected = 0;
  for (guint i = 0; i < port_lists->len; i++)
    selected += ((const BrPortList *)g_ptr_array_index(port_lists, i))->selected->len;
  sqlite3_stmt *s = rec->stmts[STMT_INSERT_RUN];
  sqlite3_bind_text(s, 1, started, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, finished, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, run->as_of ? run->as_of : as_of, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, settings->name ? settings->name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, settings->version, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 6, br_pack_hash(pack), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 7, br_pack_dir(pack), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 8, run->profile, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 9, run->threads);
  sqlite3_bind_int64(s, 10, (gint64)run->seed);
  sqlite3_bind_int64(s, 11, (gint64)run->lines_read);
  sqlite3_bind_int64(s, 12, (gint64)run->lines_rejected);
  sqlite3_bind_int64(s, 13, (gint64)run->units);
  sqlite3_bind_int64(s, 14, selected);
  sqlite3_bind_text(s, 15, run->run_key, -1, SQLITE_STATIC);
  gint64 id = 0;
  if (br_store_exec_stmt(rec->store, s, error))
    id = sqlite3_last_insert_rowid(br_store_db(rec->store));
  g_free(started);
  g_free(finished);
  return id;
}

gint64
br_store_record_run(BrStore *store, const BrRunRecord *run, GPtrArray *port_lists,
                    const BrPack *pack, GError **error)
{
  gint32 days;
  if (run->as_of && !br_store_date_parse(run->as_of, &days)) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_INVALID,
                "run date '%s' is not a date (YYYY-MM-DD)", run->as_of);
    return 0;
  }
  Recorder rec = {.store = store};
  /* Temporary tables live outside the store's file and its migrations. */
  if (sqlite3_exec(br_store_db(store),
                   "CREATE TEMP TABLE IF NOT EXISTS run_values (id INTEGER PRIMARY KEY,"
                   " key TEXT NOT NULL, value TEXT NOT NULL)",
                   NULL, NULL, NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot create a temporary table");
  if (!br_store_prepare(store, record_sql, STMT_COUNT, rec.stmts, error))
    return 0;
  if (!br_store_begin(store, error)) {
    br_store_finalize(rec.stmts, STMT_COUNT);
    return 0;
  }
  gint64 run_id = insert_run(&rec, run, port_lists, pack, error);
  if (!run_id)
    goto fail;
  sqlite3_stmt *s = rec.stmts[STMT_INSERT_INPUT];
  for (guint i = 0; i < run->ninputs; i++) {
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, i);
    sqlite3_bind_text(s, 3, run->inputs[i].path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, run->inputs[i].sha256, -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(store, s, error))
      goto fail;
  }
  s = rec.stmts[STMT_INSERT_WATCHLIST];
  for (guint i = 0; run->watch && i < br_watch_set_nlists(run->watch); i++) {
    const BrWatchlist *wl = br_watch_set_list(run->watch, i);
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, i);
    sqlite3_bind_text(s, 3, wl->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, wl->content_hash ? wl->content_hash : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, wl->version, -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(store, s, error))
      goto fail;
  }
  if (!record_rules(&rec, run_id, run, pack, error))
    goto fail;
  for (guint i = 0; i < port_lists->len; i++)
    if (!record_port(&rec, run_id, g_ptr_array_index(port_lists, i), error))
      goto fail;
  if (run->entities && !record_entities(&rec, run_id, run->entities, error))
    goto fail;
  s = rec.stmts[STMT_LINK_RUN];
  sqlite3_bind_int64(s, 1, run_id);
  if (!br_store_exec_stmt(store, s, error) || !br_store_commit(store, error))
    goto fail;
  br_store_finalize(rec.stmts, STMT_COUNT);
  return run_id;
fail:
  br_store_rollback(store);
  br_store_finalize(rec.stmts, STMT_COUNT);
  return 0;
}
