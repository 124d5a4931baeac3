#include "br_store.h"

#include "br_unit_packs.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(br - store - error - quark, br_store_error)

/* Long enough to ride out another process's import or run commit, short enough that a stuck
 * lock is reported rather than waited on forever. */
#define BR_STORE_BUSY_TIMEOUT_MS 30000

struct BrStore {
  char *path;
  sqlite3 *db;
  guint depth; /* transactions open: the outer one, then savepoints */
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
  /* SQLite rolls a whole transaction back by itself on some errors: a level whose caller
   * has not yet seen that failure is gone all the same, and nothing is left to nest in. */
  if (sqlite3_get_autocommit(store->db))
    store->depth = 0;
  char *sql =
      store->depth ? g_strdup_printf("SAVEPOINT br_%u", store->depth) : g_strdup("BEGIN IMMEDIATE");
  gboolean ok = exec_sql(store, sql, "cannot start a transaction", error);
  g_free(sql);
  if (ok)
    store->depth++;
  return ok;
}

gboolean
br_store_commit(BrStore *store, GError **error)
{
  g_assert(store->depth > 0);
  char *sql =
      store->depth > 1 ? g_strdup_printf("RELEASE br_%u", store->depth - 1) : g_strdup("COMMIT");
  gboolean ok = exec_sql(store, sql, "cannot commit", error);
  g_free(sql);
  if (ok)
    store->depth--;
  return ok;
}

void
br_store_rollback(BrStore *store)
{
  if (store->depth > 1) {
    /* SQLite may have rolled the whole transaction back already (a full disk, I/O errors):
     * then there is no savepoint left, and the outer level's rollback finds nothing to do. */
    char *sql =
        g_strdup_printf("ROLLBACK TO br_%u; RELEASE br_%u", store->depth - 1, store->depth - 1);
    if (!sqlite3_get_autocommit(store->db))
      sqlite3_exec(store->db, sql, NULL, NULL, NULL);
    g_free(sql);
    store->depth--;
    return;
  }
  if (!sqlite3_get_autocommit(store->db))
    sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
  store->depth = 0;
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

/* A WAL store read on a read-only file system cannot get the -shm file its readers share, and
 * its first read fails: no writer can be at work there either, so it is read as immutable. */
static gboolean
read_only_ready(BrStore *store, GError **error)
{
  if (sqlite3_exec(store->db, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL) !=
      SQLITE_CANTOPEN)
    return TRUE;
  sqlite3_close(store->db);
  store->db = NULL;
  GString *uri = g_string_new("file:");
  for (const char *p = store->path; *p; p++) {
    if (*p == '%' || *p == '?' || *p == '#')
      g_string_append_printf(uri, "%%%02X", (unsigned char)*p);
    else
      g_string_append_c(uri, *p);
  }
  g_string_append(uri, "?immutable=1");
  int rc = sqlite3_open_v2(uri->str, &store->db,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
  g_string_free(uri, TRUE);
  if (rc != SQLITE_OK) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_OPEN, "%s: cannot open the store: %s",
                store->path, store->db ? sqlite3_errmsg(store->db) : "out of memory");
    return FALSE;
  }
  sqlite3_busy_timeout(store->db, BR_STORE_BUSY_TIMEOUT_MS);
  return TRUE;
}

/* A store opened read-only cannot be migrated: it must be at this boxrank's version. */
static gboolean
check_version(BrStore *store, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  if (sqlite3_prepare_v2(store->db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1,
                         &stmt, NULL) != SQLITE_OK ||
      sqlite3_step(stmt) != SQLITE_ROW) {
    br_store_sql_error(store, error, "cannot read the schema version");
    goto out;
  }
  gint64 version = sqlite3_column_int64(stmt, 0);
  if (version != (gint64)br_store_migration_count) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_VERSION,
                "%s: schema version %" G_GINT64_FORMAT " but this boxrank reads %u only; %s",
                store->path, version, br_store_migration_count,
                version > (gint64)br_store_migration_count
                    ? "use a newer boxrank"
                    : "a command that writes (e.g. boxrank outcomes import) upgrades it");
    goto out;
  }
  ok = TRUE;
out:
  sqlite3_finalize(stmt);
  return ok;
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
  stmt = NULL;
  /* Migrations run with foreign keys off (a table rebuild needs it): check them all before
   * the commit, so that a migration cannot leave a dangling reference behind. */
  if (sqlite3_prepare_v2(store->db, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot check foreign keys after the migrations");
    goto fail;
  }
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_VERSION,
                "%s: the migrations left a row of %s without its parent", store->path,
                (const char *)sqlite3_column_text(stmt, 0));
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
  if (mode != BR_STORE_CREATE && !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_OPEN,
                "%s: no store there (record a run with 'boxrank rank' or pass --db)", path);
    goto fail;
  }
  /* A store is used by one thread at a time (workers never touch it), so SQLite's own
   * per-call mutex is dropped; the 64 MiB page cache dates from when a run recorded a row per
   * unit and per unit entity (6 million for a 1M-line manifest), whose index pages a 2 MiB
   * cache kept spilling and reading back. */
  int flags = SQLITE_OPEN_NOMUTEX |
              (mode == BR_STORE_READ_ONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
              (mode == BR_STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path, &store->db, flags, NULL) != SQLITE_OK) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_OPEN, "%s: cannot open the store: %s", path,
                store->db ? sqlite3_errmsg(store->db) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(store->db, BR_STORE_BUSY_TIMEOUT_MS);
  if (mode == BR_STORE_READ_ONLY && !read_only_ready(store, error))
    goto fail;
  /* Before the migrations: the packed entities' migration uses them. */
  if (!br_unit_packs_register(store->db)) {
    br_store_sql_error(store, error, "cannot register the store's SQL functions");
    goto fail;
  }
  if (mode == BR_STORE_READ_ONLY) {
    if (!pragma(store, "PRAGMA cache_size = -65536", NULL, error) || !check_version(store, error))
      goto fail;
    return store;
  }
  if (!pragma(store, "PRAGMA journal_mode = WAL", "wal", error) ||
      !pragma(store, "PRAGMA synchronous = FULL", NULL, error) ||
      !pragma(store, "PRAGMA cache_size = -65536", NULL, error) || !migrate(store, error) ||
      !pragma(store, "PRAGMA foreign_keys = ON", NULL, error))
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

/* OpenSSL's SHA-256 uses the CPU's SHA extensions where it has them: 0.3 s of CPU for a
 * 466 MB manifest against 2.2 s for GLib's portable code, which was a fifth of a run with
 * the store on. */
char *
br_store_sha256_file(const char *path, GError **error)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_IO, "%s: cannot read: %s", path,
                g_strerror(errno));
    return NULL;
  }
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  gboolean ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  guchar buf[256 * 1024];
  size_t n;
  while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
    ok = EVP_DigestUpdate(ctx, buf, n);
  guchar md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, &mdlen);
  char *hex = NULL;
  if (!ok) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_IO, "%s: read error", path);
  } else {
    hex = g_malloc(2 * mdlen + 1);
    for (unsigned int i = 0; i < mdlen; i++)
      g_snprintf(hex + 2 * i, 3, "%02x", md[i]);
  }
  EVP_MD_CTX_free(ctx);
  fclose(f);
  return hex;
}

struct BrStoreHash {
  char *path;
  char *hex;
  GError *error;
  GThread *thread;
};

static gpointer
hash_main(gpointer data)
{
  BrStoreHash *h = data;
  h->hex = br_store_sha256_file(h->path, &h->error);
  return NULL;
}

BrStoreHash *
br_store_sha256_start(const char *path)
{
  BrStoreHash *h = g_new0(BrStoreHash, 1);
  h->path = g_strdup(path);
  h->thread = g_thread_new("br-sha256", hash_main, h);
  return h;
}

char *
br_store_sha256_finish(BrStoreHash *hash, GError **error)
{
  g_thread_join(hash->thread);
  char *hex = hash->hex;
  if (hash->error)
    g_propagate_error(error, hash->error);
  g_free(hash->path);
  g_free(hash);
  return hex;
}
