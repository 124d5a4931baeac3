#include "br_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(br - store - error - quark, br_store_error)

/* Long enough to ride out another process's import or run commit, short enough that a stuck
 * lock is reported rather than waited on forever. */
#define BR_STORE_BUSY_TIMEOUT_MS 30000

typedef enum {
  STMT_INSERT_RUN,
  STMT_INSERT_INPUT,
  STMT_INSERT_RULE,
  STMT_INSERT_PORT,
  STMT_UPSERT_UNIT,
  STMT_INSERT_SELECTION,
  STMT_INSERT_SELECTION_RULE,
  STMT_UPSERT_ENTITY,
  STMT_INSERT_UNIT_ENTITY,
  STMT_LINK_RUN,
  STMT_COUNT
} StoreStmt;

static const char *const store_sql[STMT_COUNT] = {
    [STMT_INSERT_RUN] =
        "INSERT INTO runs (started_at, finished_at, as_of, pack_name, pack_version, pack_hash,"
        " pack_dir, profile, threads, seed, lines_read, lines_rejected, units, selected)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    [STMT_INSERT_INPUT] =
        "INSERT INTO run_inputs (run_id, ord, path, sha256) VALUES (?1, ?2, ?3, ?4)",
    [STMT_INSERT_RULE] =
        "INSERT INTO run_rules (run_id, ord, rule_id, title, weight, fires, failures)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_INSERT_PORT] = "INSERT INTO run_ports (run_id, port, capacity, units, red, yellow, "
                         "green, targeted, random)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [STMT_UPSERT_UNIT] = "INSERT INTO units (run_id, port, unit) VALUES (?1, ?2, ?3)"
                         " ON CONFLICT (run_id, port, unit) DO UPDATE SET unit = excluded.unit"
                         " RETURNING id",
    [STMT_INSERT_SELECTION] =
        "INSERT INTO selections (unit_id, kind, rank, score, lane, lines, first_line)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_INSERT_SELECTION_RULE] =
        "INSERT INTO selection_rules (unit_id, rule_ord) VALUES (?1, ?2)",
    [STMT_UPSERT_ENTITY] = "INSERT INTO entities (key, value) VALUES (?1, ?2)"
                           " ON CONFLICT (key, value) DO UPDATE SET value = excluded.value"
                           " RETURNING id",
    [STMT_INSERT_UNIT_ENTITY] =
        "INSERT OR IGNORE INTO unit_entities (unit_id, entity_id) VALUES (?1, ?2)",
    [STMT_LINK_RUN] = BR_STORE_LINK_OUTCOMES_SQL
    "WHERE id IN (SELECT o.id FROM outcomes o JOIN units u ON u.port = o.port AND u.unit = o.unit"
    " WHERE u.run_id = ?1)",
};

struct BrStore {
  char *path;
  sqlite3 *db;
  sqlite3_stmt *stmts[STMT_COUNT];
};

const char *
br_store_default_path(void)
{
  const char *env = g_getenv("BOXRANK_DB");
  return env && *env ? env : "boxrank.db";
}

gboolean
br_store_sql_error(BrStore *store, GError **error, const char *what)
{
  g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_SQL, "%s: %s: %s", store->path, what,
              sqlite3_errmsg(store->db));
  return FALSE;
}

static gboolean
exec_sql(BrStore *store, const char *sql, const char *what, GError **error)
{
  if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, what);
  return TRUE;
}

gboolean
br_store_begin(BrStore *store, GError **error)
{
  return exec_sql(store, "BEGIN IMMEDIATE", "cannot start a transaction", error);
}

gboolean
br_store_commit(BrStore *store, GError **error)
{
  return exec_sql(store, "COMMIT", "cannot commit", error);
}

void
br_store_rollback(BrStore *store)
{
  if (!sqlite3_get_autocommit(store->db))
    sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
br_store_prepare(BrStore *store, const char *const *sql, guint n, sqlite3_stmt **stmts,
                 GError **error)
{
  for (guint i = 0; i < n; i++) {
    if (sqlite3_prepare_v3(store->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &stmts[i], NULL) !=
        SQLITE_OK) {
      br_store_sql_error(store, error, "cannot prepare a statement");
      br_store_finalize(stmts, i);
      return FALSE;
    }
  }
  return TRUE;
}

void
br_store_finalize(sqlite3_stmt **stmts, guint n)
{
  for (guint i = 0; i < n; i++) {
    sqlite3_finalize(stmts[i]);
    stmts[i] = NULL;
  }
}

gboolean
br_store_exec_stmt(BrStore *store, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return br_store_sql_error(store, error, "cannot write");
  return TRUE;
}

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

static gboolean
migrate(BrStore *store, GError **error)
{
  if (!exec_sql(store,
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                " name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                "cannot create the schema_version table", error))
    return FALSE;
  if (!br_store_begin(store, error))
    return FALSE;
  sqlite3_stmt *stmt = NULL;
  gint64 version = 0;
  if (sqlite3_prepare_v2(store->db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1,
                         &stmt, NULL) != SQLITE_OK ||
      sqlite3_step(stmt) != SQLITE_ROW) {
    br_store_sql_error(store, error, "cannot read the schema version");
    goto fail;
  }
  version = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  stmt = NULL;
  if (version > (gint64)br_store_migration_count) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_VERSION,
                "%s: schema version %" G_GINT64_FORMAT " is newer than this boxrank knows (%u);"
                " use a newer boxrank",
                store->path, version, br_store_migration_count);
    goto fail;
  }
  if (sqlite3_prepare_v2(store->db,
                         "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2,"
                         " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                         -1, &stmt, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot prepare the schema version update");
    goto fail;
  }
  for (guint v = (guint)version; v < br_store_migration_count; v++) {
    const BrStoreMigration *m = &br_store_migrations[v];
    char *what = g_strdup_printf("migration %u (%s) failed", v + 1, m->name);
    gboolean ok = exec_sql(store, m->sql, what, error);
    g_free(what);
    if (!ok)
      goto fail;
    sqlite3_bind_int64(stmt, 1, v + 1);
    sqlite3_bind_text(stmt, 2, m->name, -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(store, stmt, error))
      goto fail;
  }
  sqlite3_finalize(stmt);
  return br_store_commit(store, error);
fail:
  sqlite3_finalize(stmt);
  br_store_rollback(store);
  return FALSE;
}

static gboolean
pragma(BrStore *store, const char *sql, const char *expect, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, sql);
    goto out;
  }
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    br_store_sql_error(store, error, sql);
    goto out;
  }
  if (expect && (rc != SQLITE_ROW ||
                 g_ascii_strcasecmp((const char *)sqlite3_column_text(stmt, 0), expect) != 0)) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_OPEN, "%s: %s did not give %s", store->path,
                sql, expect);
    goto out;
  }
  ok = TRUE;
out:
  sqlite3_finalize(stmt);
  return ok;
}

BrStore *
br_store_open(const char *path, BrStoreOpenMode mode, GError **error)
{
  BrStore *store = g_new0(BrStore, 1);
  store->path = g_strdup(path);
  if (mode == BR_STORE_EXISTING && !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_OPEN,
                "%s: no store there (record a run with 'boxrank rank' or pass --db)", path);
    goto fail;
  }
  /* A store is used by one thread at a time (workers never touch it), so SQLite's own
   * per-call mutex is dropped; a run records a row per unit and per unit entity (6 million
   * for a 1M-line manifest), whose index pages a 2 MiB cache kept spilling and reading back
   * (36.6 s -> 28.0 s for that run with the 64 MiB cache and no mutex). */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
              (mode == BR_STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path, &store->db, flags, NULL) != SQLITE_OK) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_OPEN, "%s: cannot open the store: %s", path,
                store->db ? sqlite3_errmsg(store->db) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(store->db, BR_STORE_BUSY_TIMEOUT_MS);
  if (!pragma(store, "PRAGMA journal_mode = WAL", "wal", error) ||
      !pragma(store, "PRAGMA foreign_keys = ON", NULL, error) ||
      !pragma(store, "PRAGMA synchronous = FULL", NULL, error) ||
      !pragma(store, "PRAGMA cache_size = -65536", NULL, error) || !migrate(store, error) ||
      !br_store_prepare(store, store_sql, STMT_COUNT, store->stmts, error))
    goto fail;
  return store;
fail:
  br_store_close(store);
  return NULL;
}

void
br_store_close(BrStore *store)
{
  if (!store)
    return;
  br_store_finalize(store->stmts, STMT_COUNT);
  if (store->db)
    sqlite3_close(store->db);
  g_free(store->path);
  g_free(store);
}

const char *
br_store_path(const BrStore *store)
{
  return store->path;
}

sqlite3 *
br_store_db(BrStore *store)
{
  return store->db;
}

guint
br_store_schema_version(BrStore *store)
{
  sqlite3_stmt *stmt = NULL;
  guint version = 0;
  if (sqlite3_prepare_v2(store->db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1,
                         &stmt, NULL) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    version = (guint)sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return version;
}

gboolean
br_store_date_parse(const char *text, gint32 *days)
{
  if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit(text[i]))
      return FALSE;
  int y = atoi(text), m = atoi(text + 5), d = atoi(text + 8);
  if (y < 1 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return FALSE;
  GDate date;
  g_date_clear(&date, 1);
  g_date_set_dmy(&date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
  /* Julian day 719163 is 1970-01-01 in GLib's count (day 1 = 0001-01-01). */
  *days = (gint32)((gint64)g_date_get_julian(&date) - 719163);
  return TRUE;
}

void
br_store_date_format(gint32 days, char buf[11])
{
  GDate date;
  g_date_clear(&date, 1);
  g_date_set_julian(&date, (guint32)(days + 719163));
  g_snprintf(buf, 11, "%04d-%02d-%02d", g_date_get_year(&date), g_date_get_month(&date),
             g_date_get_day(&date));
}

char *
br_store_sha256_file(const char *path, GError **error)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_IO, "%s: cannot read: %s", path,
                g_strerror(errno));
    return NULL;
  }
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  guchar buf[64 * 1024];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    g_checksum_update(sum, buf, (gssize)n);
  char *hex = NULL;
  if (ferror(f))
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_IO, "%s: read error", path);
  else
    hex = g_strdup(g_checksum_get_string(sum));
  g_checksum_free(sum);
  fclose(f);
  return hex;
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
upsert_unit(BrStore *store, gint64 run_id, const char *port, const char *unit, GError **error)
{
  sqlite3_stmt *s = store->stmts[STMT_UPSERT_UNIT];
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_text(s, 2, port, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, unit, -1, SQLITE_STATIC);
  return step_returning_id(store, s, error);
}

static gboolean
record_selection(BrStore *store, gint64 run_id, const BrUnit *u, GError **error)
{
  gint64 unit_id = upsert_unit(store, run_id, u->port, u->unit, error);
  if (!unit_id)
    return FALSE;
  sqlite3_stmt *s = store->stmts[STMT_INSERT_SELECTION];
  sqlite3_bind_int64(s, 1, unit_id);
  sqlite3_bind_text(s, 2, br_selection_name(u->selection), -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, u->rank);
  sqlite3_bind_double(s, 4, u->score);
  sqlite3_bind_text(s, 5, br_lane_name(u->lane), -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 6, (gint64)u->nlines);
  sqlite3_bind_int64(s, 7, (gint64)u->first_line);
  if (!br_store_exec_stmt(store, s, error))
    return FALSE;
  s = store->stmts[STMT_INSERT_SELECTION_RULE];
  for (guint i = 0; u->fired && i < u->fired->len; i++) {
    sqlite3_bind_int64(s, 1, unit_id);
    sqlite3_bind_int64(s, 2, g_array_index(u->fired, guint, i));
    if (!br_store_exec_stmt(store, s, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
record_port(BrStore *store, gint64 run_id, const BrPortList *list, GError **error)
{
  sqlite3_stmt *s = store->stmts[STMT_INSERT_PORT];
  sqlite3_bind_int64(s, 1, run_id);
  sqlite3_bind_text(s, 2, list->port, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, list->capacity);
  sqlite3_bind_int64(s, 4, list->units);
  sqlite3_bind_int64(s, 5, list->red);
  sqlite3_bind_int64(s, 6, list->yellow);
  sqlite3_bind_int64(s, 7, list->green);
  sqlite3_bind_int64(s, 8, list->targeted);
  sqlite3_bind_int64(s, 9, list->random);
  if (!br_store_exec_stmt(store, s, error))
    return FALSE;
  for (guint i = 0; i < list->selected->len; i++)
    if (!record_selection(store, run_id, g_ptr_array_index(list->selected, i), error))
      return FALSE;
  return TRUE;
}

typedef struct {
  BrStore *store;
  gint64 run_id;
  GHashTable **entity_ids; /* per key: interned value pointer -> entity id */
  const BrEntityKeys *keys;
  GError **error;
} EntityCtx;

static gint64
entity_id(EntityCtx *ctx, const BrEntityPair *pair)
{
  gpointer found = g_hash_table_lookup(ctx->entity_ids[pair->key], pair->value);
  if (found)
    return (gint64)GPOINTER_TO_SIZE(found);
  sqlite3_stmt *s = ctx->store->stmts[STMT_UPSERT_ENTITY];
  sqlite3_bind_text(s, 1, br_entity_keys_name(ctx->keys, pair->key), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, pair->value, -1, SQLITE_STATIC);
  gint64 id = step_returning_id(ctx->store, s, ctx->error);
  if (id)
    g_hash_table_insert(ctx->entity_ids[pair->key], (gpointer)pair->value,
                        GSIZE_TO_POINTER((gsize)id));
  return id;
}

static gboolean
record_unit_entities(const char *port, const char *unit, const BrEntityPair *pairs, guint npairs,
                     gpointer data)
{
  EntityCtx *ctx = data;
  gint64 unit_id = upsert_unit(ctx->store, ctx->run_id, port, unit, ctx->error);
  if (!unit_id)
    return FALSE;
  sqlite3_stmt *s = ctx->store->stmts[STMT_INSERT_UNIT_ENTITY];
  for (guint i = 0; i < npairs; i++) {
    gint64 eid = entity_id(ctx, &pairs[i]);
    if (!eid)
      return FALSE;
    sqlite3_bind_int64(s, 1, unit_id);
    sqlite3_bind_int64(s, 2, eid);
    if (!br_store_exec_stmt(ctx->store, s, ctx->error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
record_entities(BrStore *store, gint64 run_id, const BrEntityTable *table, GError **error)
{
  const BrEntityKeys *keys = br_entity_table_keys(table);
  guint nkeys = br_entity_keys_count(keys);
  EntityCtx ctx = {.store = store, .run_id = run_id, .keys = keys, .error = error};
  ctx.entity_ids = g_new0(GHashTable *, nkeys);
  for (guint k = 0; k < nkeys; k++)
    ctx.entity_ids[k] = g_hash_table_new(g_direct_hash, g_direct_equal);
  gboolean ok = br_entity_table_foreach(table, record_unit_entities, &ctx);
  for (guint k = 0; k < nkeys; k++)
    g_hash_table_unref(ctx.entity_ids[k]);
  g_free(ctx.entity_ids);
  return ok;
}

static gboolean
record_rules(BrStore *store, gint64 run_id, const BrRunRecord *run, const BrPack *pack,
             GError **error)
{
  sqlite3_stmt *s = store->stmts[STMT_INSERT_RULE];
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
    if (!br_store_exec_stmt(store, s, error))
      return FALSE;
  }
  return TRUE;
}

static gint64
insert_run(BrStore *store, const BrRunRecord *run, GPtrArray *port_lists, const BrPack *pack,
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
  sqlite3_stmt *s = store->stmts[STMT_INSERT_RUN];
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
  gint64 id = 0;
  if (br_store_exec_stmt(store, s, error))
    id = sqlite3_last_insert_rowid(store->db);
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
  if (!br_store_begin(store, error))
    return 0;
  gint64 run_id = insert_run(store, run, port_lists, pack, error);
  if (!run_id)
    goto fail;
  sqlite3_stmt *s = store->stmts[STMT_INSERT_INPUT];
  for (guint i = 0; i < run->ninputs; i++) {
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, i);
    sqlite3_bind_text(s, 3, run->inputs[i].path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, run->inputs[i].sha256, -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(store, s, error))
      goto fail;
  }
  if (!record_rules(store, run_id, run, pack, error))
    goto fail;
  for (guint i = 0; i < port_lists->len; i++)
    if (!record_port(store, run_id, g_ptr_array_index(port_lists, i), error))
      goto fail;
  if (run->entities && !record_entities(store, run_id, run->entities, error))
    goto fail;
  s = store->stmts[STMT_LINK_RUN];
  sqlite3_bind_int64(s, 1, run_id);
  if (!br_store_exec_stmt(store, s, error) || !br_store_commit(store, error))
    goto fail;
  return run_id;
fail:
  br_store_rollback(store);
  return 0;
}
