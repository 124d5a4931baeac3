#include "br_line_versions.h"

#include <string.h>

#define ENTRY 16 /* bytes per line in a key blob: key, then place, little-endian */
#define LINE_MASK ((G_GUINT64_CONSTANT(1) << 40) - 1)

static guint64
get_u64(const guint8 *p)
{
  guint64 v;
  memcpy(&v, p, sizeof v);
  return GUINT64_FROM_LE(v);
}

static void
put_u64(guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE(v);
  memcpy(p, &v, sizeof v);
}

/* Whether a key of this run (keys[i] the first of its group) has a line from a file no
 * earlier run read. */
static gboolean
fresh_key(const BrLineKey *keys, gsize n, gsize i, const gboolean *read_before)
{
  for (gsize k = i; k < n && keys[k].key == keys[i].key; k++)
    if (!read_before[keys[k].order >> 40])
      return TRUE;
  return FALSE;
}

/* Merges one earlier run's sorted blob with the sorted keys of this run; hit: per key of
 * keys, its latest line in the latest run merged so far (key 0: none yet). */
static void
match_run(gint64 run_id, const guint8 *blob, gsize len, const BrLineKey *keys, gsize n,
          const gboolean *read_before, BrLineKeyHit *hit)
{
  gsize i = 0, j = 0, m = len / ENTRY;
  while (i < n && j < m) {
    guint64 k = get_u64(blob + j * ENTRY);
    if (keys[i].key < k) {
      i++;
    } else if (k < keys[i].key) {
      j++;
    } else {
      guint64 order = get_u64(blob + j * ENTRY + 8);
      if ((hit[i].run_id != run_id || order > hit[i].order) && fresh_key(keys, n, i, read_before))
        hit[i] = (BrLineKeyHit){k, run_id, order};
      j++;
    }
  }
}

gboolean *
br_line_keys_read_before(BrStore *store, const char *since, const char *const *input_sha,
                         guint ninputs, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT 1 FROM run_inputs i JOIN runs r ON r.id = i.run_id"
                         " WHERE i.sha256 = ?1 AND r.as_of >= ?2 LIMIT 1",
                         -1, &st, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot read the inputs of earlier runs");
    return NULL;
  }
  gboolean *before = g_new0(gboolean, MAX(ninputs, 1));
  for (guint i = 0; i < ninputs; i++) {
    if (!input_sha || !input_sha[i])
      continue;
    sqlite3_bind_text(st, 1, input_sha[i], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      g_free(before);
      sqlite3_finalize(st);
      br_store_sql_error(store, error, "cannot read the inputs of earlier runs");
      return NULL;
    }
    before[i] = rc == SQLITE_ROW;
  }
  sqlite3_finalize(st);
  return before;
}

gboolean
br_line_keys_find_earlier(BrStore *store, const BrLineKey *keys, gsize n, const char *since,
                          const gboolean *read_before, GArray *hits, GError **error)
{
  sqlite3_stmt *runs = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT r.id, k.keys FROM runs r JOIN run_line_keys k ON k.run_id = r.id"
                         " WHERE r.as_of >= ?1 ORDER BY r.id",
                         -1, &runs, NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot read the line keys of earlier runs");
  sqlite3_bind_text(runs, 1, since, -1, SQLITE_STATIC);
  BrLineKeyHit *hit = g_new0(BrLineKeyHit, MAX(n, 1));
  int rc;
  while ((rc = sqlite3_step(runs)) == SQLITE_ROW)
    match_run(sqlite3_column_int64(runs, 0), sqlite3_column_blob(runs, 1),
              (gsize)sqlite3_column_bytes(runs, 1), keys, n, read_before, hit);
  gboolean ok = rc == SQLITE_DONE ||
                br_store_sql_error(store, error, "cannot read the line keys of earlier runs");
  sqlite3_finalize(runs);
  for (gsize i = 0; ok && i < n; i++)
    if (hit[i].run_id)
      g_array_append_val(hits, hit[i]);
  g_free(hit);
  return ok;
}

enum { V_KEYS, V_INSERT, V_SUPERSEDE, V_EARLIER, V_LINK, V_N };

static const char *const versions_sql[V_N] = {
    [V_KEYS] = "INSERT INTO run_line_keys (run_id, keys) VALUES (?1, ?2)",
    [V_INSERT] = "INSERT INTO line_versions (key, run_id, input_ord, line, bol, container, record,"
                 " port, unit, action, source, received_at, fields, dropped)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    [V_SUPERSEDE] = "UPDATE line_versions SET superseded_by = ?2 WHERE id = ?1",
    /* What this run knows of an earlier line: its key's text and where it was. */
    [V_EARLIER] = "INSERT OR IGNORE INTO line_versions (key, run_id, input_ord, line, bol,"
                  " container, record, received_at)"
                  " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, started_at FROM runs WHERE id = ?2",
    /* The latest version of the key so far, in whichever earlier run, gives way. */
    [V_LINK] = ("UPDATE line_versions SET superseded_by = ?3"
                " WHERE key = ?1 AND run_id <> ?2 AND superseded_by IS NULL"),
};

static void
bind_text_or_null(sqlite3_stmt *st, int at, const char *text)
{
  if (text)
    sqlite3_bind_text(st, at, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, at);
}

static gboolean
write_keys(BrStore *store, sqlite3_stmt *st, gint64 run_id, const BrLineKey *keys, gsize n,
           GError **error)
{
  guint8 *blob = g_malloc(MAX(n, 1) * ENTRY);
  for (gsize i = 0; i < n; i++) {
    put_u64(blob + i * ENTRY, keys[i].key);
    put_u64(blob + i * ENTRY + 8, keys[i].order);
  }
  sqlite3_bind_int64(st, 1, run_id);
  sqlite3_bind_blob64(st, 2, blob, n * ENTRY, g_free);
  return br_store_exec_stmt(store, st, error);
}

/* Inserts this run's versions; first: key -> 1 + index of the key's first version, ids: the
 * row id of each version. */
static gboolean
write_versions(BrStore *store, sqlite3_stmt **st, gint64 run_id, const char *received_at,
               const BrStoredVersion *v, guint n, GHashTable *first, gint64 *ids, GError **error)
{
  sqlite3 *db = br_store_db(store);
  for (guint i = 0; i < n; i++) {
    sqlite3_stmt *s = st[V_INSERT];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)v[i].key);
    sqlite3_bind_int64(s, 2, run_id);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)(v[i].order >> 40));
    sqlite3_bind_int64(s, 4, (sqlite3_int64)(v[i].order & LINE_MASK));
    sqlite3_bind_text(s, 5, v[i].bol, -1, SQLITE_STATIC);
    bind_text_or_null(s, 6, v[i].container);
    bind_text_or_null(s, 7, v[i].record);
    bind_text_or_null(s, 8, v[i].port);
    bind_text_or_null(s, 9, v[i].unit);
    bind_text_or_null(s, 10, v[i].action);
    bind_text_or_null(s, 11, v[i].source);
    sqlite3_bind_text(s, 12, received_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 13, v[i].fields, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 14, v[i].dropped);
    if (!br_store_exec_stmt(store, s, error))
      return FALSE;
    ids[i] = sqlite3_last_insert_rowid(db);
    if (i > 0 && v[i - 1].key == v[i].key) {
      sqlite3_bind_int64(st[V_SUPERSEDE], 1, ids[i - 1]);
      sqlite3_bind_int64(st[V_SUPERSEDE], 2, ids[i]);
      if (!br_store_exec_stmt(store, st[V_SUPERSEDE], error))
        return FALSE;
    } else {
      g_hash_table_insert(first, (gpointer)&v[i].key, GUINT_TO_POINTER(i + 1));
    }
  }
  return TRUE;
}

static gboolean
write_earlier(BrStore *store, sqlite3_stmt **st, gint64 this_run, const BrStoredVersion *v,
              gint64 to, const BrLineKeyHit *h, GError **error)
{
  sqlite3_int64 input = (sqlite3_int64)(h->order >> 40);
  sqlite3_int64 line = (sqlite3_int64)(h->order & LINE_MASK);
  sqlite3_stmt *s = st[V_EARLIER];
  sqlite3_bind_int64(s, 1, (sqlite3_int64)h->key);
  sqlite3_bind_int64(s, 2, h->run_id);
  sqlite3_bind_int64(s, 3, input);
  sqlite3_bind_int64(s, 4, line);
  sqlite3_bind_text(s, 5, v->bol, -1, SQLITE_STATIC);
  bind_text_or_null(s, 6, v->container);
  bind_text_or_null(s, 7, v->record);
  if (!br_store_exec_stmt(store, s, error))
    return FALSE;
  s = st[V_LINK];
  sqlite3_bind_int64(s, 1, (sqlite3_int64)h->key);
  sqlite3_bind_int64(s, 2, this_run);
  sqlite3_bind_int64(s, 3, to);
  return br_store_exec_stmt(store, s, error);
}

gboolean
br_line_versions_record(BrStore *store, gint64 run_id, const char *received_at,
                        const BrLineKey *keys, gsize nkeys, const BrStoredVersion *versions,
                        guint nversions, const BrLineKeyHit *hits, guint nhits, GError **error)
{
  sqlite3_stmt *st[V_N] = {0};
  if (!br_store_prepare(store, versions_sql, V_N, st, error))
    return FALSE;
  GHashTable *first = g_hash_table_new(g_int64_hash, g_int64_equal);
  gint64 *ids = g_new(gint64, MAX(nversions, 1));
  gboolean ok =
      write_keys(store, st[V_KEYS], run_id, keys, nkeys, error) &&
      write_versions(store, st, run_id, received_at, versions, nversions, first, ids, error);
  for (guint i = 0; ok && i < nhits; i++) {
    guint at = GPOINTER_TO_UINT(g_hash_table_lookup(first, &hits[i].key));
    if (at == 0)
      continue; /* a line not read again (standard input): nothing to tell of it */
    ok = write_earlier(store, st, run_id, &versions[at - 1], ids[at - 1], &hits[i], error);
  }
  g_free(ids);
  g_hash_table_destroy(first);
  br_store_finalize(st, V_N);
  return ok;
}
