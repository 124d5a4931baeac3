/* Watchlists in the store: save is idempotent and replaces, load round-trips, exceptions are
 * checked, keyed on canonical party tokens and in force until their expiry day. */
#include <string.h>

#include "br_unit_packs.h"
#include "br_watchlist_store.h"
#include "br_watchset.h"
#include "test_tmpdir.h"

static char *tmpdir;

static BrWatchlist *
sample_list(const char *alias)
{
  BrWatchlist *wl = br_watchlist_new("local", "test");
  guint e = br_watchlist_add(wl, BR_WATCH_ENTITY, "E1", "Zarqawi Blue Horizon Shipping LLC", NULL,
                             "prog", NULL);
  br_watchlist_add_alias(wl, e, alias, BR_NAME_QUALITY_LOW);
  br_watchlist_add(wl, BR_WATCH_INDIVIDUAL, NULL, "Vladislav Petrovsky Kuznetsov", NULL, NULL,
                   "note");
  br_watchlist_add(wl, BR_WATCH_PORT, NULL, NULL, "AEJEA", NULL, NULL);
  br_watchlist_reject(wl, "test:9", "bad row");
  wl->content_hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, alias, -1);
  return wl;
}

static BrStore *
open_store(const char *name)
{
  GError *error = NULL;
  char *path = g_build_filename(tmpdir, name, NULL);
  BrStore *store = br_store_open(path, BR_STORE_CREATE, &error);
  g_assert_no_error(error);
  g_free(path);
  return store;
}

static gint64
count(BrStore *store, const char *sql)
{
  sqlite3_stmt *s;
  g_assert_cmpint(sqlite3_prepare_v2(br_store_db(store), sql, -1, &s, NULL), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
  gint64 n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return n;
}

static void
test_save_load(void)
{
  BrStore *store = open_store("save.db");
  GError *error = NULL;
  BrWatchlistSaved saved;
  BrWatchlist *wl = sample_list("Blue Horizon Marine");
  g_assert_true(br_watchlist_store_save(store, wl, "csv", &saved, &error));
  g_assert_no_error(error);
  g_assert_false(saved.unchanged);
  g_assert_false(saved.replaced);
  g_assert_true(br_watchlist_store_save(store, wl, "csv", &saved, &error));
  g_assert_true(saved.unchanged);
  g_assert_cmpint(count(store, "SELECT COUNT(*) FROM watchlist_imports"), ==, 1);

  BrWatchlist *back = br_watchlist_store_load(store, "local", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(back->entries->len, ==, 3);
  g_assert_cmpuint(back->aliases->len, ==, 1);
  g_assert_cmpuint(back->counts[BR_WATCH_ENTITY], ==, 1);
  g_assert_cmpstr(back->content_hash, ==, wl->content_hash);
  const BrWatchEntry *e = &g_array_index(back->entries, BrWatchEntry, 1);
  g_assert_cmpstr(e->source_id, ==, "#2");
  g_assert_cmpstr(e->notes, ==, "note");
  e = &g_array_index(back->entries, BrWatchEntry, 2);
  g_assert_cmpstr(e->value, ==, "AEJEA");
  g_assert_null(e->name);
  const BrWatchAlias *a = &g_array_index(back->aliases, BrWatchAlias, 0);
  g_assert_cmpuint(a->entry, ==, 0);
  g_assert_cmpint(a->quality, ==, BR_NAME_QUALITY_LOW);

  BrWatchlist *changed = sample_list("Blue Horizon Maritime");
  g_assert_true(br_watchlist_store_save(store, changed, "csv", &saved, &error));
  g_assert_true(saved.replaced);
  g_assert_cmpint(count(store, "SELECT COUNT(*) FROM watchlist_entries"), ==, 3);
  g_assert_cmpint(count(store, "SELECT COUNT(*) FROM watchlist_aliases"), ==, 1);
  g_assert_cmpint(count(store, "SELECT COUNT(*) FROM watchlist_rejects"), ==, 1);
  g_assert_cmpint(count(store, "SELECT COUNT(*) FROM watchlist_imports"), ==, 2);

  g_assert_null(br_watchlist_store_load(store, "absent", &error));
  g_assert_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_NOT_FOUND);
  g_clear_error(&error);
  br_watchlist_free(wl);
  br_watchlist_free(changed);
  br_watchlist_free(back);
  br_store_close(store);
}

static void
test_exceptions(void)
{
  BrStore *store = open_store("except.db");
  GError *error = NULL;
  BrWatchlistSaved saved;
  BrWatchlist *wl = sample_list("Blue Horizon Marine");
  g_assert_true(br_watchlist_store_save(store, wl, "csv", &saved, &error));

  BrWatchException bad[] = {
      {"local", "E9", "x", "a", "b", NULL},         /* no such entry */
      {"local", "#3", "x", "a", "b", NULL},         /* a port: not matched by name */
      {"local", "E1", "x", "a", "b", "2026-02-30"}, /* not a date */
      {"local", "E1", "LLC", "a", "b", NULL},       /* no token to match on */
      {"local", "E1", "x", " ", "b", NULL},         /* nobody */
      {"local", "E1", "x", "a", "", NULL},          /* no reason */
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_assert_cmpint(br_watchlist_store_add_exception(store, &bad[i], &error), ==, 0);
    g_assert_nonnull(error);
    g_clear_error(&error);
  }
  BrWatchException ok = {"local",   "E1",         "ZARQAWI blue-horizon shipping",
                         "analyst", "other firm", "2030-06-30"};
  g_assert_cmpint(br_watchlist_store_add_exception(store, &ok, &error), >, 0);
  g_assert_no_error(error);

  const char *days[] = {"2030-06-30", "2030-07-01"};
  for (guint d = 0; d < 2; d++) {
    BrWatchSet *set = br_watch_set_load(store, NULL, days[d], BR_WATCH_PARTY_KINDS, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(br_watch_set_nexceptions(set), ==, d == 0 ? 1 : 0);
    BrNameScratch *scratch = br_name_scratch_new(br_watch_set_index(set));
    BrWatchHit hit;
    guint64 mask = br_watch_set_list_mask(set, "local");
    g_assert_cmpuint(mask, ==, 1);
    g_assert_cmpuint(br_watch_set_list_mask(set, "other"), ==, 0);
    /* Same tokens, other case and punctuation: silenced while in force. */
    gboolean found = br_watchlist_screen(set, scratch, "Zarqawi Blue Horizon Shipping", -1, mask,
                                         BR_NAME_DEFAULT_THRESHOLD, &hit);
    g_assert_cmpint(found, ==, d == 1);
    g_assert_cmpuint(br_watch_set_match(set, scratch, "Zarqawi Blue Horizon Shipping", -1, mask,
                                        BR_NAME_DEFAULT_THRESHOLD, TRUE, &hit, 1),
                     ==, 1);
    g_assert_cmpint(hit.excepted, ==, d == 0);
    /* Another party matching the same entry still fires. */
    g_assert_true(br_watchlist_screen(set, scratch, "Zarqawi Blue Horizon Shipping Dubai", -1, 0,
                                      BR_NAME_DEFAULT_THRESHOLD, &hit));
    g_assert_cmpstr(hit.list, ==, "local");
    g_assert_cmpstr(hit.entry_ref, ==, "E1");
    g_assert_cmpstr(hit.entry_name, ==, "Zarqawi Blue Horizon Shipping LLC");
    g_assert_nonnull(strstr(hit.tokens, "horizon=horizon"));
    g_assert_false(br_watchlist_screen(set, scratch, "General Trading Shipping", -1, 0,
                                       BR_NAME_DEFAULT_THRESHOLD, &hit));
    br_name_scratch_free(scratch);
    br_watch_set_free(set);
  }
  const char *missing[] = {"nope", NULL};
  g_assert_null(br_watch_set_load(store, missing, NULL, 0, &error));
  g_assert_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_NOT_FOUND);
  g_clear_error(&error);
  br_watchlist_free(wl);
  br_store_close(store);
}

/* The facts of the real UN list go to the store and come back; importing the same file again
 * changes nothing. */
static void
test_facts_round_trip(void)
{
  char *path =
      g_build_filename(g_getenv("BR_SHARED_DATA"), "watchlists", "un-consolidated.xml", NULL);
  GError *error = NULL;
  BrWatchlist *wl = br_watchlist_load_un(path, &error);
  g_assert_no_error(error);
  BrStore *store = open_store("facts.db");
  BrWatchlistSaved saved;
  g_assert_true(br_watchlist_store_save(store, wl, "un", &saved, &error));
  g_assert_no_error(error);
  g_assert_cmpint(count(store, "SELECT COUNT(*) FROM watchlist_facts"), ==, wl->facts->len);
  g_assert_cmpint(count(store, "SELECT facts FROM watchlists"), ==, wl->facts->len);
  BrWatchlist *back = br_watchlist_store_load(store, "un", &error);
  g_assert_no_error(error);
  for (BrWatchFactKind k = 0; k < BR_FACT_KIND_COUNT; k++)
    g_assert_cmpuint(br_watchlist_count_facts(back, k), ==, br_watchlist_count_facts(wl, k));
  g_assert_cmpuint(br_watchlist_count_facts(back, BR_FACT_BIRTH_DATE), ==, 677);
  g_assert_true(br_watchlist_store_save(store, wl, "un", &saved, &error));
  g_assert_true(saved.unchanged);
  g_assert_cmpint(count(store, "SELECT COUNT(*) FROM watchlist_facts"), ==, wl->facts->len);
  br_watchlist_free(back);
  br_store_close(store);
  br_watchlist_free(wl);
  g_free(path);
}

/* A store written before facts were kept: opening it adds the table, and importing the same
 * file again reads the facts instead of answering "unchanged". */
static void
test_facts_migration(void)
{
  guint facts = 0;
  while (strcmp(br_store_migrations[facts].name, "watchlist facts") != 0)
    facts++;
  char *path = g_build_filename(tmpdir, "old.db", NULL);
  sqlite3 *db;
  g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
  g_assert_true(br_unit_packs_register(db)); /* the functions older migrations call */
  g_assert_cmpint(sqlite3_exec(db,
                               "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                               " name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                               NULL, NULL, NULL),
                  ==, SQLITE_OK);
  for (guint v = 0; v < facts; v++) {
    char *sql = g_strdup_printf("INSERT INTO schema_version VALUES (%u, 'm', 'x')", v + 1);
    char *err = NULL;
    sqlite3_exec(db, br_store_migrations[v].sql, NULL, NULL, &err);
    g_assert_cmpstr(err, ==, NULL);
    g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    g_free(sql);
  }
  /* What the older boxrank's import left: the list and its entry, no facts. */
  g_assert_cmpint(
      sqlite3_exec(db,
                   "INSERT INTO watchlists (name, format, source, sha256, imported_at,"
                   " entries, aliases, rejects) VALUES ('local', 'csv', 'test', 'abc',"
                   " 'x', 1, 0, 0);"
                   "INSERT INTO watchlist_entries (list_id, ord, ref, kind, name)"
                   " VALUES (1, 0, 'I1', 'individual', 'Vladislav Petrovsky Kuznetsov')",
                   NULL, NULL, NULL),
      ==, SQLITE_OK);
  sqlite3_close(db);
  BrWatchlist *wl = br_watchlist_new("local", "test");
  guint e = br_watchlist_add(wl, BR_WATCH_INDIVIDUAL, "I1", "Vladislav Petrovsky Kuznetsov", NULL,
                             NULL, NULL);
  br_watchlist_add_fact(wl, e, BR_FACT_BIRTH_DATE, "1961-03-02", NULL);
  wl->content_hash = g_strdup("abc");
  GError *error = NULL;
  BrStore *store = br_store_open(path, BR_STORE_CREATE, &error);
  g_assert_no_error(error);
  g_assert_cmpint(count(store, "SELECT COUNT(*) FROM watchlist_facts"), ==, 0);
  BrWatchlistSaved saved;
  g_assert_true(br_watchlist_store_save(store, wl, "csv", &saved, &error));
  g_assert_no_error(error);
  g_assert_false(saved.unchanged);
  g_assert_true(saved.replaced);
  g_assert_cmpint(count(store, "SELECT COUNT(*) FROM watchlist_facts"), ==, 1);
  g_assert_true(br_watchlist_store_save(store, wl, "csv", &saved, &error));
  g_assert_true(saved.unchanged);
  br_store_close(store);
  br_watchlist_free(wl);
  g_free(path);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  tmpdir = g_dir_make_tmp("br-wlstore-XXXXXX", &error);
  g_assert_no_error(error);
  g_test_add_func("/watchlist_store/save_load", test_save_load);
  g_test_add_func("/watchlist_store/exceptions", test_exceptions);
  g_test_add_func("/watchlist_store/facts-round-trip", test_facts_round_trip);
  g_test_add_func("/watchlist_store/facts-migration", test_facts_migration);
  return br_test_run_in(tmpdir);
}
