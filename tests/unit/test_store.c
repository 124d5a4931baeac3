#include "br_unit_packs.h"
#include "store_fixture.h"

static void
test_open_migrates(Fixture *fx, gconstpointer data)
{
  g_assert_cmpuint(br_store_schema_version(fx->store), ==, br_store_migration_count);
  char *mode = fixture_text(fx, "PRAGMA journal_mode");
  g_assert_cmpstr(mode, ==, "wal");
  g_free(mode);
  g_assert_cmpint(fixture_count(fx, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM schema_version"), ==,
                  br_store_migration_count);

  /* Reopening applies nothing twice. */
  br_store_close(fx->store);
  GError *error = NULL;
  fx->store = br_store_open(fx->db_path, BR_STORE_EXISTING, &error);
  g_assert_no_error(error);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM schema_version"), ==,
                  br_store_migration_count);
}

static void
test_newer_schema_refused(Fixture *fx, gconstpointer data)
{
  g_assert_cmpint(sqlite3_exec(br_store_db(fx->store),
                               "INSERT INTO schema_version VALUES (999, 'future', 'x')", NULL, NULL,
                               NULL),
                  ==, SQLITE_OK);
  br_store_close(fx->store);
  GError *error = NULL;
  fx->store = br_store_open(fx->db_path, BR_STORE_EXISTING, &error);
  g_assert_null(fx->store);
  g_assert_error(error, BR_STORE_ERROR, BR_STORE_ERROR_VERSION);
  g_assert_nonnull(strstr(error->message, "999"));
  g_error_free(error);
}

static void
test_missing_store(void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp("br-store-XXXXXX", NULL);
  char *path = g_build_filename(dir, "absent.db", NULL);
  BrStore *store = br_store_open(path, BR_STORE_EXISTING, &error);
  g_assert_null(store);
  g_assert_error(error, BR_STORE_ERROR, BR_STORE_ERROR_OPEN);
  g_assert_nonnull(strstr(error->message, "absent.db"));
  g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  g_error_free(error);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
}

static void
test_default_path(void)
{
  g_setenv("BOXRANK_DB", "/tmp/elsewhere.db", TRUE);
  g_assert_cmpstr(br_store_default_path(), ==, "/tmp/elsewhere.db");
  g_setenv("BOXRANK_DB", "", TRUE);
  g_assert_cmpstr(br_store_default_path(), ==, "boxrank.db");
  g_unsetenv("BOXRANK_DB");
  g_assert_cmpstr(br_store_default_path(), ==, "boxrank.db");
}

static void
test_dates(void)
{
  gint32 d;
  g_assert_true(br_store_date_parse("1970-01-01", &d));
  g_assert_cmpint(d, ==, 0);
  g_assert_true(br_store_date_parse("2024-02-29", &d));
  g_assert_cmpint(d, ==, 19782);
  char buf[11];
  br_store_date_format(d, buf);
  g_assert_cmpstr(buf, ==, "2024-02-29");
  g_assert_false(br_store_date_parse("2023-02-29", &d));
  g_assert_false(br_store_date_parse("2024-2-29", &d));
  g_assert_false(br_store_date_parse("2024-02-29x", &d));
  g_assert_false(br_store_date_parse("", &d));
}

static void
test_sha256(Fixture *fx, gconstpointer data)
{
  char *path = g_build_filename(fx->dir, "abc.txt", NULL);
  g_assert_true(g_file_set_contents(path, "abc", 3, NULL));
  GError *error = NULL;
  char *hex = br_store_sha256_file(path, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(hex, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_free(hex);
  g_unlink(path);
  g_assert_null(br_store_sha256_file(path, &error));
  g_assert_error(error, BR_STORE_ERROR, BR_STORE_ERROR_IO);
  g_error_free(error);
  g_free(path);
}

static void
test_record_run(Fixture *fx, gconstpointer data)
{
  static const int both[] = {0, 1, -1}, origin[] = {0, -1}, none[] = {-1};
  BrUnit *a[] = {
      fixture_unit(fx, "IQUQR", "MSCU1234565", BR_SEL_TARGETED, BR_LANE_RED, 1, 70, both),
      fixture_unit(fx, "IQUQR", "TGHU7654321", BR_SEL_RANDOM, BR_LANE_GREEN, 5, 0, none)};
  BrUnit *b[] = {
      fixture_unit(fx, "IQBSR", "CAIU1111111", BR_SEL_TARGETED, BR_LANE_RED, 1, 55, origin)};
  GPtrArray *ports = g_ptr_array_new_with_free_func(fixture_port_free);
  g_ptr_array_add(ports, fixture_port("IQBSR", 4, b, 1));
  g_ptr_array_add(ports, fixture_port("IQUQR", 6, a, 2));

  GError *error = NULL;
  BrEntityKeys *keys = br_entity_keys_parse("importer_id,hs6,route", &error);
  g_assert_no_error(error);
  BrSchema *schema = br_schema_new();
  br_schema_add(schema, "importer_id", BR_TYPE_STRING, 0);
  br_schema_add(schema, "hs_code", BR_TYPE_STRING, 1);
  br_schema_add(schema, "load_port", BR_TYPE_STRING, 2);
  br_schema_add(schema, "discharge_port", BR_TYPE_STRING, 3);
  g_assert_cmpuint(br_entity_keys_bind(keys, schema), ==, 3);
  BrEntityTable *entities = br_entity_table_new(keys);
  BrValue rec[4] = {{"imp-1", 5, FALSE, 0},
                    {"8471.30.00", 10, FALSE, 0},
                    {"ecgye", 5, FALSE, 0},
                    {"IQUQR", 5, FALSE, 0}};
  br_entity_table_add(entities, "IQUQR", "MSCU1234565", rec);
  rec[0] = (BrValue){"IMP-2", 5, FALSE, 0};
  br_entity_table_add(entities, "IQUQR", "MSCU1234565", rec);
  /* A unit not selected: its entities are kept so outcomes from other sources count. */
  br_entity_table_add(entities, "IQUQR", "ZZZU0000000", rec);

  gint64 run = fixture_record(fx, "2026-01-15", ports, entities);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM runs"), ==, 1);
  char *text = fixture_text(fx, "SELECT pack_name || '/' || pack_version || '/' || as_of || '/'"
                                " || started_at || '/' || seed || '/' || selected FROM runs");
  g_assert_cmpstr(text, ==, "unit-pack/7/2026-01-15/2026-01-01T00:00:00Z/42/3");
  g_free(text);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM run_inputs WHERE sha256 = '00ff'"), ==,
                  1);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM run_rules"), ==, 3);
  g_assert_cmpint(fixture_count(fx, "SELECT fires FROM run_rules WHERE rule_id = 'T-ORIGIN'"), ==,
                  12);
  text = fixture_text(fx, "SELECT title FROM run_rules WHERE rule_id = 'T-MASS'");
  g_assert_cmpstr(text, ==, "=HYPERLINK(mass)");
  g_free(text);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM selections"), ==, 3);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM selections WHERE kind = 'random'"
                                    " AND lane = 'green' AND rank = 5"),
                  ==, 1);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM selection_rules"), ==, 3);
  g_assert_cmpint(fixture_count(fx, "SELECT random + targeted FROM run_ports WHERE port = 'IQUQR'"),
                  ==, 2);
  /* Units rows are the selected ones; every unit's entities are packed by bucket. */
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM units"), ==, 3);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM entities"), ==, 4);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM unit_packs WHERE bucket ="
                                    " br_unit_bucket('IQUQR', 'MSCU1234565') AND"
                                    " br_unit_pack_has(units, 'IQUQR', 'MSCU1234565')"),
                  ==, 1);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM unit_packs WHERE"
                                    " br_unit_pack_has(units, 'IQUQR', 'ZZZU0000000')"),
                  ==, 1);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM unit_packs WHERE"
                                    " br_unit_pack_has(units, 'IQBSR', 'MSCU1234565')"),
                  ==, 0);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(br_store_db(fx->store),
                                     "SELECT units FROM unit_packs WHERE bucket ="
                                     " br_unit_bucket('IQUQR', 'MSCU1234565')",
                                     -1, &st, NULL),
                  ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
  g_assert_true(br_unit_pack_find(sqlite3_column_blob(st, 0), (gsize)sqlite3_column_bytes(st, 0),
                                  "IQUQR", "MSCU1234565", ids));
  /* Two importers, one HS6, one route: each id once, and each an entity. */
  g_assert_cmpuint(ids->len, ==, 4);
  for (guint i = 0; i < ids->len; i++) {
    char *sql = g_strdup_printf("SELECT COUNT(*) FROM entities WHERE id = %" G_GINT64_FORMAT,
                                g_array_index(ids, gint64, i));
    g_assert_cmpint(fixture_count(fx, sql), ==, 1);
    g_free(sql);
  }
  g_array_unref(ids);
  sqlite3_finalize(st);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM entities WHERE key = 'route' AND"
                                    " value = 'ECGYE>IQUQR'"),
                  ==, 1);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM entities WHERE key = 'hs6' AND"
                                    " value = '847130'"),
                  ==, 1);

  /* A second run reuses the entities and numbers its own units. */
  gint64 run2 = fixture_record(fx, "2026-01-16", ports, entities);
  g_assert_cmpint(run2, ==, run + 1);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM entities"), ==, 4);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM selections"), ==, 6);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(DISTINCT run_id) FROM unit_packs"), ==, 2);
  /* Keyed by run first, so that a run's packs are appended after the earlier runs' instead of
   * going between them (which rewrote every page of the table on every run). */
  g_assert_cmpint(fixture_count(fx, "SELECT seqno FROM pragma_index_info("
                                    "'sqlite_autoindex_unit_packs_1') WHERE name = 'run_id'"),
                  ==, 0);

  br_entity_table_free(entities);
  br_schema_free(schema);
  br_entity_keys_free(keys);
  g_ptr_array_unref(ports);
}

static void
test_record_run_atomic(Fixture *fx, gconstpointer data)
{
  static const int none[] = {-1};
  /* The same unit twice on one list cannot be stored: the whole run must roll back. */
  BrUnit *u = fixture_unit(fx, "IQUQR", "MSCU1234565", BR_SEL_TARGETED, BR_LANE_RED, 1, 70, none);
  BrUnit *twice[] = {u, u};
  GPtrArray *ports = g_ptr_array_new_with_free_func(fixture_port_free);
  g_ptr_array_add(ports, fixture_port("IQUQR", 2, twice, 2));
  char *before = fixture_fingerprint(fx->db_path);
  BrRunRecord run = {.started_at = 1767225600, .finished_at = 1767225600};
  GError *error = NULL;
  g_assert_cmpint(br_store_record_run(fx->store, &run, ports, fx->pack, &error), ==, 0);
  g_assert_error(error, BR_STORE_ERROR, BR_STORE_ERROR_SQL);
  g_clear_error(&error);
  char *after = fixture_fingerprint(fx->db_path);
  g_assert_cmpstr(before, ==, after);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM runs"), ==, 0);

  run.as_of = "2026-13-01";
  g_assert_cmpint(br_store_record_run(fx->store, &run, ports, fx->pack, &error), ==, 0);
  g_assert_error(error, BR_STORE_ERROR, BR_STORE_ERROR_INVALID);
  g_clear_error(&error);
  g_free(before);
  g_free(after);
  g_ptr_array_unref(ports);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/store/open-migrates", Fixture, NULL, fixture_setup, test_open_migrates,
             fixture_teardown);
  g_test_add("/store/newer-schema-refused", Fixture, NULL, fixture_setup, test_newer_schema_refused,
             fixture_teardown);
  g_test_add_func("/store/missing-store", test_missing_store);
  g_test_add_func("/store/default-path", test_default_path);
  g_test_add_func("/store/dates", test_dates);
  g_test_add("/store/sha256", Fixture, NULL, fixture_setup, test_sha256, fixture_teardown);
  g_test_add("/store/record-run", Fixture, NULL, fixture_setup, test_record_run, fixture_teardown);
  g_test_add("/store/record-run-atomic", Fixture, NULL, fixture_setup, test_record_run_atomic,
             fixture_teardown);
  return g_test_run();
}
