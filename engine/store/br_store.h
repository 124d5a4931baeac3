/* The store: one SQLite database holding runs, their selections, inspection outcomes and
 * whatever else must outlive a run (docs/store.md describes the tables).
 *
 * Path: the --db option of each command; without it $BOXRANK_DB; without that ./boxrank.db.
 * The database runs in WAL mode with foreign keys on, synchronous=FULL and a busy timeout,
 * so a reader never blocks the writer and a killed writer leaves the last committed state.
 * Every write that belongs together (a run, an import) is one transaction.
 *
 * The schema is versioned: schema_version holds one row per applied migration, and opening
 * the store applies the missing ones in order, each in its own transaction. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "br_entities.h"

#define BR_STORE_ERROR (br_store_error_quark())
GQuark br_store_error_quark(void);

typedef enum {
  BR_STORE_ERROR_OPEN,    /* cannot open or create the database file */
  BR_STORE_ERROR_VERSION, /* the database was written by a newer boxrank */
  BR_STORE_ERROR_SQL,     /* a statement failed */
  BR_STORE_ERROR_IO,      /* an input file to hash cannot be read */
  BR_STORE_ERROR_INVALID, /* a caller gave a value the store cannot hold (bad date ...) */
} BrStoreErrorCode;

/* A schema migration. The list lives in br_store_schema.c: modules that need tables append
 * their migration at the end; an entry, once released, is never edited or reordered. */
typedef struct {
  const char *name;
  const char *sql; /* one or more statements */
} BrStoreMigration;

extern const BrStoreMigration br_store_migrations[];
extern const guint br_store_migration_count;

typedef struct BrStore BrStore;

typedef enum {
  BR_STORE_CREATE,   /* create the file when missing (commands that write) */
  BR_STORE_EXISTING, /* fail when missing (commands that read, and write what they read) */
  BR_STORE_READ_ONLY, /* fail when missing; never write, not even the journal mode or a
                       * migration, so a store on a read-only file system or medium opens
                       * (commands that only read: report, outcomes list ...) */
} BrStoreOpenMode;

/* $BOXRANK_DB when set and not empty, else "boxrank.db" in the working directory. */
const char *br_store_default_path(void);
BrStore *br_store_open(const char *path, BrStoreOpenMode mode, GError **error);
void br_store_close(BrStore *store);
const char *br_store_path(const BrStore *store);
sqlite3 *br_store_db(BrStore *store);
guint br_store_schema_version(BrStore *store);

/* Transactions. begin takes the write lock at once (BEGIN IMMEDIATE), so a concurrent writer
 * waits for the busy timeout instead of failing half-way. They nest: a begin inside an open
 * transaction is a savepoint, which commit releases and rollback undoes alone; whatever is
 * committed inside stays uncommitted until the outer commit, so a caller can make one
 * transaction of several writes that are each a transaction of their own. Every begin that
 * succeeds takes one commit or one rollback (a failed commit takes a rollback). */
gboolean br_store_begin(BrStore *store, GError **error);
gboolean br_store_commit(BrStore *store, GError **error);
void br_store_rollback(BrStore *store);

/* Sets error to "PATH: what: sqlite message". Returns FALSE for use in return statements. */
gboolean br_store_sql_error(BrStore *store, GError **error, const char *what);
/* Prepares n statements of a module's table (indexed by the module's enum) once; on failure
 * finalizes what was prepared and sets error. */
gboolean br_store_prepare(BrStore *store, const char *const *sql, guint n, sqlite3_stmt **stmts,
                          GError **error);
void br_store_finalize(sqlite3_stmt **stmts, guint n);
/* Steps a statement expected to finish without rows, then resets it. */
gboolean br_store_exec_stmt(BrStore *store, sqlite3_stmt *stmt, GError **error);

/* Dates are YYYY-MM-DD (proleptic Gregorian); days count from 1970-01-01. */
gboolean br_store_date_parse(const char *text, gint32 *days);
/* Writes YYYY-MM-DD into buf (11 bytes). */
void br_store_date_format(gint32 days, char buf[11]);

/* SHA-256 of a file's bytes, lower-case hex (free with g_free). */
char *br_store_sha256_file(const char *path, GError **error);
/* The same, on a thread of its own: a run hashes its input while it scores it. Every start
 * needs its finish, which waits for the hash and gives it (or NULL with error set). */
typedef struct BrStoreHash BrStoreHash;
BrStoreHash *br_store_sha256_start(const char *path);
char *br_store_sha256_finish(BrStoreHash *hash, GError **error);

/* The SQL that (re)links outcomes to the latest selection of their unit at their port in a
 * run whose as_of is not after the outcome's date, and to the latest such run whose packed
 * entities hold the unit (br_unit_packs.h). Append a WHERE clause restricting outcomes (table
 * name "outcomes"). */
#define BR_STORE_LINK_OUTCOMES_SQL                                                                 \
  "UPDATE outcomes SET "                                                                           \
  "selection_unit = (SELECT u.id FROM units u JOIN runs r ON r.id = u.run_id "                     \
  "  JOIN selections s ON s.unit_id = u.id "                                                       \
  "  WHERE u.port = outcomes.port AND u.unit = outcomes.unit AND r.as_of <= outcomes.date "        \
  "  ORDER BY r.as_of DESC, r.id DESC LIMIT 1), "                                                  \
  "entity_run = (SELECT r.id FROM unit_packs p JOIN runs r ON r.id = p.run_id "                    \
  "  WHERE p.bucket = br_unit_bucket(outcomes.port, outcomes.unit) AND r.as_of <= outcomes.date "  \
  "  AND br_unit_pack_has(p.units, outcomes.port, outcomes.unit) "                                 \
  "  ORDER BY r.as_of DESC, r.id DESC LIMIT 1) "
