#include "br_history.h"
#include "br_outcomes.h"
#include "store_fixture.h"

static void
test_keys(void)
{
  GError *error = NULL;
  BrEntityKeys *keys = br_entity_keys_parse(NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_entity_keys_count(keys), ==, 7);
  g_assert_cmpint(br_entity_keys_find(keys, "route"), ==, 6);
  br_entity_keys_free(keys);

  g_assert_null(br_entity_keys_parse("importer_id,bad key!", &error));
  g_assert_error(error, BR_ENTITIES_ERROR, BR_ENTITIES_ERROR_KEY);
  g_assert_nonnull(strstr(error->message, "bad key!"));
  g_clear_error(&error);
  g_assert_null(br_entity_keys_parse("hs6, hs6", &error));
  g_assert_error(error, BR_ENTITIES_ERROR, BR_ENTITIES_ERROR_KEY);
  g_clear_error(&error);

  keys = br_entity_keys_parse("consignee_name, hs6, route, hs2", &error);
  g_assert_no_error(error);
  char buf[BR_ENTITY_VALUE_MAX];
  g_assert_true(br_entity_keys_normalize(keys, 0, "  acme \t  trading\nltd ", buf));
  g_assert_cmpstr(buf, ==, "ACME TRADING LTD");
  g_assert_false(br_entity_keys_normalize(keys, 0, "   ", buf));
  g_assert_true(br_entity_keys_normalize(keys, 1, "8471.30.00", buf));
  g_assert_cmpstr(buf, ==, "847130");
  g_assert_false(br_entity_keys_normalize(keys, 1, "8471", buf));
  g_assert_false(br_entity_keys_normalize(keys, 1, "84AB3000", buf));
  g_assert_true(br_entity_keys_normalize(keys, 3, "8471.30.00", buf));
  g_assert_cmpstr(buf, ==, "84");
  g_assert_true(br_entity_keys_normalize(keys, 2, "ecgye > iqumq", buf));
  g_assert_cmpstr(buf, ==, "ECGYE>IQUMQ");
  g_assert_false(br_entity_keys_normalize(keys, 2, "ECGYE>", buf));
  g_assert_false(br_entity_keys_normalize(keys, 2, "ECGYE", buf));
  /* A long name is cut at a character boundary, never inside a UTF-8 sequence. */
  GString *longname = g_string_new("A");
  for (int i = 0; i < 200; i++)
    g_string_append(longname, "\xC3\xA9");
  g_assert_true(br_entity_keys_normalize(keys, 0, longname->str, buf));
  g_assert_cmpuint(strlen(buf), <, BR_ENTITY_VALUE_MAX);
  g_assert_true(g_utf8_validate(buf, -1, NULL));
  g_string_free(longname, TRUE);

  /* Bound to a schema, values come from records; a key the schema lacks gives none. */
  BrSchema *schema = br_schema_new();
  br_schema_add(schema, "consignee_name", BR_TYPE_STRING, 0);
  br_schema_add(schema, "hs_code", BR_TYPE_STRING, 1);
  br_schema_add(schema, "load_port", BR_TYPE_STRING, 2);
  g_assert_cmpuint(br_entity_keys_bind(keys, schema), ==, 3);
  g_assert_false(br_entity_keys_bound(keys, 2));
  BrValue rec[3] = {{"Acme  Ltd", 9, FALSE, 0}, {"", 0, TRUE, 0}, {"CNSHA", 5, FALSE, 0}};
  g_assert_true(br_entity_keys_value(keys, 0, rec, buf));
  g_assert_cmpstr(buf, ==, "ACME LTD");
  g_assert_false(br_entity_keys_value(keys, 1, rec, buf));
  g_assert_false(br_entity_keys_value(keys, 2, rec, buf));
  br_schema_free(schema);
  br_entity_keys_free(keys);
}

/* Combined keys join their parts' values with '+'; each part normalises as on its own. */
static void
test_combined_keys(void)
{
  GError *error = NULL;
  BrEntityKeys *keys = br_entity_keys_parse("hs6+origin_country, Tax Rate, route+hs2", &error);
  g_assert_no_error(error);
  char buf[BR_ENTITY_VALUE_MAX];
  g_assert_true(br_entity_keys_normalize(keys, 0, "4408.90+be", buf));
  g_assert_cmpstr(buf, ==, "440890+BE");
  g_assert_false(br_entity_keys_normalize(keys, 0, "440890", buf));
  g_assert_false(br_entity_keys_normalize(keys, 0, "4408+BE", buf));
  g_assert_true(br_entity_keys_normalize(keys, 2, "cnsha>iqumq+8471", buf));
  g_assert_cmpstr(buf, ==, "CNSHA>IQUMQ+84");

  BrSchema *schema = br_schema_new();
  br_schema_add(schema, "hs_code", BR_TYPE_STRING, 0);
  br_schema_add(schema, "origin_country", BR_TYPE_STRING, 1);
  br_schema_add(schema, "Tax Rate", BR_TYPE_DECIMAL, 2);
  g_assert_cmpuint(br_entity_keys_bind(keys, schema), ==, 2);
  g_assert_false(br_entity_keys_bound(keys, 2));
  BrValue rec[3] = {{"440890", 6, FALSE, 0}, {"be", 2, FALSE, 0}, {"8.0", 3, FALSE, 8}};
  g_assert_true(br_entity_keys_value(keys, 0, rec, buf));
  g_assert_cmpstr(buf, ==, "440890+BE");
  g_assert_true(br_entity_keys_value(keys, 1, rec, buf));
  g_assert_cmpstr(buf, ==, "8.0");
  g_assert_false(br_entity_keys_value(keys, 2, rec, buf));
  rec[1].missing = TRUE;
  g_assert_false(br_entity_keys_value(keys, 0, rec, buf));
  br_schema_free(schema);
  br_entity_keys_free(keys);

  g_assert_null(br_entity_keys_parse("hs6+", &error));
  g_assert_error(error, BR_ENTITIES_ERROR, BR_ENTITIES_ERROR_KEY);
  g_clear_error(&error);
}

/* The dictionary normalises each raw text once and remembers its id: the ids it gives must be
 * those of the normalised values, whatever the spelling, for texts seen again after the memo
 * grew, for texts with no value and for texts too long to remember. */
static void
test_dict_memo(void)
{
  GError *error = NULL;
  BrEntityKeys *keys = br_entity_keys_parse("consignee_name, hs6, route", &error);
  g_assert_no_error(error);
  BrSchema *schema = br_schema_new();
  br_schema_add(schema, "consignee_name", BR_TYPE_STRING, 0);
  br_schema_add(schema, "hs_code", BR_TYPE_STRING, 1);
  br_schema_add(schema, "load_port", BR_TYPE_STRING, 2);
  br_schema_add(schema, "discharge_port", BR_TYPE_STRING, 3);
  g_assert_cmpuint(br_entity_keys_bind(keys, schema), ==, 3);
  BrEntityDict *dict = br_entity_dict_new();
  GString *long_name = g_string_new(NULL);
  for (int i = 0; i < 700; i++)
    g_string_append_c(long_name, i % 2 ? 'b' : ' ');
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (int i = 0; i < 3000; i++)
    g_ptr_array_add(names, g_strdup_printf(i % 3 ? "party %d" : "  PARTY\t%d ", i / 2));
  g_ptr_array_add(names, g_strdup("Acme  Ltd"));
  g_ptr_array_add(names, g_strdup("   "));
  g_ptr_array_add(names, g_strdup(long_name->str));
  const char *hs[] = {"8471.30.00", "847130", "84", "8471 30"};
  const char *ports[] = {"cnsha", "CNSHA ", "IQUMQ"};
  for (int round = 0; round < 2; round++) {
    for (guint i = 0; i < names->len; i++) {
      const char *name = g_ptr_array_index(names, i);
      const char *h = hs[i % G_N_ELEMENTS(hs)], *from = ports[i % G_N_ELEMENTS(ports)];
      BrValue rec[4] = {{name, (guint32)strlen(name), FALSE, 0},
                        {h, (guint32)strlen(h), FALSE, 0},
                        {from, (guint32)strlen(from), FALSE, 0},
                        {"iqumq", 5, i % 7 == 0, 0}};
      guint32 ids[3];
      guint n = br_entity_dict_line(dict, keys, rec, ids), at = 0;
      for (guint k = 0; k < 3; k++) {
        char want[BR_ENTITY_VALUE_MAX];
        if (!br_entity_keys_value(keys, k, rec, want))
          continue;
        g_assert_cmpuint(at, <, n);
        BrEntityPair pair = br_entity_dict_pair(dict, ids[at++]);
        g_assert_cmpuint(pair.key, ==, k);
        g_assert_cmpstr(pair.value, ==, want);
      }
      g_assert_cmpuint(at, ==, n);
    }
  }
  /* 1,500 party names, ACME LTD, the long name; HS 847130; routes CNSHA>IQUMQ, IQUMQ>IQUMQ. */
  g_assert_cmpuint(br_entity_dict_size(dict), ==, 1500 + 2 + 1 + 2);
  g_ptr_array_free(names, TRUE);
  g_string_free(long_name, TRUE);
  br_entity_dict_free(dict);
  br_schema_free(schema);
  br_entity_keys_free(keys);
}

/* One run on 2026-01-01 seeing U1, U2 (importer IMP-A) and U3 (IMP-B); U9 unseen. */
static BrEntityKeys *
history_data(Fixture *fx)
{
  static const int none[] = {-1};
  BrUnit *units[] = {fixture_unit(fx, "IQUQR", "U1", BR_SEL_TARGETED, BR_LANE_RED, 1, 70, none)};
  GPtrArray *ports = g_ptr_array_new_with_free_func(fixture_port_free);
  g_ptr_array_add(ports, fixture_port("IQUQR", 3, units, 1));
  BrSchema *schema = NULL;
  BrEntityKeys *keys = fixture_importer_hs6_keys(&schema);
  BrEntityTable *entities = br_entity_table_new(keys);
  BrValue a[2] = {{"imp-a", 5, FALSE, 0}, {"847130", 6, FALSE, 0}};
  BrValue b[2] = {{"IMP-B", 5, FALSE, 0}, {"847130", 6, FALSE, 0}};
  br_entity_table_add(entities, "IQUQR", "U1", a);
  br_entity_table_add(entities, "IQUQR", "U2", a);
  br_entity_table_add(entities, "IQUQR", "U3", b);
  /* Two lines with the same importer credit it once per inspection. */
  br_entity_table_add(entities, "IQUQR", "U3", b);
  fixture_record(fx, "2026-01-01", ports, entities);
  br_entity_table_free(entities);
  br_schema_free(schema);
  g_ptr_array_unref(ports);

  char *path = g_build_filename(fx->dir, "o.csv", NULL);
  g_assert_true(g_file_set_contents(path,
                                    "unit,port,date,result,category,severity,notes\n"
                                    "U1,IQUQR,2026-01-05,finding,drugs,4,\n"
                                    "U9,IQUQR,2026-01-07,no_finding,,,\n"
                                    "U2,IQUQR,2026-01-10,no_finding,,,\n"
                                    "U3,IQUQR,2026-01-10,finding,weapons,5,\n",
                                    -1, NULL));
  BrOutcomesSummary s;
  GError *error = NULL;
  g_assert_true(br_outcomes_import(fx->store, path, NULL, &s, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(s.accepted, ==, 4);
  br_outcomes_summary_clear(&s);
  g_free(path);
  return keys;
}

static void
test_history(Fixture *fx, gconstpointer data)
{
  BrEntityKeys *keys = history_data(fx);
  GError *error = NULL;
  BrHistory *h = br_history_load(fx->store, keys, NULL, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat(br_history_prior_strength(h), ==, BR_HISTORY_PRIOR_STRENGTH);
  g_assert_cmpuint(br_history_inspections(h), ==, 4);
  g_assert_cmpuint(br_history_hits(h), ==, 2);
  g_assert_cmpfloat_with_epsilon(br_history_global_rate(h), 0.5, 1e-12);
  guint n, hits;
  double rate;
  g_assert_true(br_history_lookup(h, 0, "IMP-A", &n, &hits, &rate));
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpuint(hits, ==, 1);
  g_assert_cmpfloat_with_epsilon(rate, (1 + 10 * 0.5) / (2 + 10.0), 1e-12);
  g_assert_true(br_history_lookup(h, 0, "IMP-B", &n, &hits, &rate));
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpuint(hits, ==, 1);
  g_assert_cmpfloat_with_epsilon(rate, 6.0 / 11.0, 1e-12);
  g_assert_true(br_history_lookup(h, 1, "847130", &n, &hits, NULL));
  g_assert_cmpuint(n, ==, 3);
  g_assert_cmpuint(hits, ==, 2);
  g_assert_false(br_history_lookup(h, 0, "IMP-Z", &n, &hits, &rate));
  g_assert_cmpuint(n, ==, 0);
  g_assert_cmpfloat_with_epsilon(rate, 0.5, 1e-12);
  /* Keys are separate spaces: an importer id is not an HS code. */
  g_assert_false(br_history_lookup(h, 1, "IMP-A", NULL, NULL, NULL));

  /* At a date, only what was known strictly before it, global rate included. */
  gint32 day;
  g_assert_true(br_store_date_parse("2026-01-05", &day));
  g_assert_false(br_history_lookup_at(h, 0, "IMP-A", day, &n, &hits, &rate));
  g_assert_cmpfloat(rate, ==, 0.0);
  g_assert_true(br_history_lookup_at(h, 0, "IMP-A", day + 1, &n, &hits, &rate));
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpfloat_with_epsilon(rate, 1.0, 1e-12);
  g_assert_true(br_store_date_parse("2026-01-10", &day));
  g_assert_true(br_history_lookup_at(h, 0, "IMP-A", day, &n, &hits, &rate));
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpfloat_with_epsilon(rate, (1 + 10 * 0.5) / 11.0, 1e-12);
  g_assert_true(br_history_lookup_at(h, 0, "IMP-A", day + 1, &n, &hits, NULL));
  g_assert_cmpuint(n, ==, 2);
  br_history_free(h);

  /* A snapshot cut at a date never sees the outcomes of that day or later. */
  h = br_history_load(fx->store, keys, "2026-01-10", 2, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_history_inspections(h), ==, 2);
  g_assert_true(br_history_lookup(h, 0, "IMP-A", &n, &hits, &rate));
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpfloat_with_epsilon(rate, (1 + 2 * 0.5) / 3.0, 1e-12);
  g_assert_false(br_history_lookup(h, 0, "IMP-B", &n, NULL, NULL));
  br_history_free(h);

  g_assert_null(br_history_load(fx->store, keys, "10/01/2026", 0, &error));
  g_assert_error(error, BR_STORE_ERROR, BR_STORE_ERROR_INVALID);
  g_clear_error(&error);
  br_entity_keys_free(keys);
}

/* A later run that saw a unit with other entity values takes its outcomes over: the outcome
 * of U2 on 2026-01-10 now credits IMP-C, the importer of the run of 2026-01-08. */
static void
test_history_latest_run(Fixture *fx, gconstpointer data)
{
  BrEntityKeys *keys = history_data(fx);
  GPtrArray *ports = g_ptr_array_new_with_free_func(fixture_port_free);
  g_ptr_array_add(ports, fixture_port("IQUQR", 0, NULL, 0));
  BrSchema *schema = br_schema_new();
  br_schema_add(schema, "importer_id", BR_TYPE_STRING, 0);
  br_schema_add(schema, "hs_code", BR_TYPE_STRING, 1);
  br_entity_keys_bind(keys, schema);
  BrEntityTable *entities = br_entity_table_new(keys);
  BrValue c[2] = {{"IMP-C", 5, FALSE, 0}, {"847130", 6, FALSE, 0}};
  br_entity_table_add(entities, "IQUQR", "U2", c);
  fixture_record(fx, "2026-01-08", ports, entities);
  br_entity_table_free(entities);
  br_schema_free(schema);
  g_ptr_array_unref(ports);

  GError *error = NULL;
  BrHistory *h = br_history_load(fx->store, keys, NULL, 0, &error);
  g_assert_no_error(error);
  guint n, hits;
  g_assert_true(br_history_lookup(h, 0, "IMP-A", &n, &hits, NULL));
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpuint(hits, ==, 1);
  g_assert_true(br_history_lookup(h, 0, "IMP-C", &n, &hits, NULL));
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpuint(hits, ==, 0);
  g_assert_true(br_history_lookup(h, 1, "847130", &n, NULL, NULL));
  g_assert_cmpuint(n, ==, 3);
  br_history_free(h);
  br_entity_keys_free(keys);
}

/* A store written before entities were packed (one row per unit and value) is migrated when
 * opened, and its outcomes credit the same entities as before. */
static void
test_history_migrated(Fixture *fx, gconstpointer data)
{
  char *path = g_build_filename(fx->dir, "old.db", NULL);
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_exec(db,
                               "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                               " name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                               NULL, NULL, NULL),
                  ==, SQLITE_OK);
  for (guint v = 0; v < 3; v++) {
    g_assert_cmpint(sqlite3_exec(db, br_store_migrations[v].sql, NULL, NULL, NULL), ==, SQLITE_OK);
    char *sql = g_strdup_printf("INSERT INTO schema_version VALUES (%u, 'old', 'x')", v + 1);
    g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    g_free(sql);
  }
  /* history_data's store as the earlier layout held it: U1 selected, U1 and U2 of IMP-A, U3
   * of IMP-B, all of HS 847130; U9 seen by no run. */
  g_assert_cmpint(
      sqlite3_exec(
          db,
          "INSERT INTO runs VALUES (1, 'x', 'x', '2026-01-01', 'p', '1', 'h', 'd', NULL, 1, 0,"
          " 4, 0, 3, 1);"
          "INSERT INTO units VALUES (1, 1, 'IQUQR', 'U1'), (2, 1, 'IQUQR', 'U2'),"
          " (3, 1, 'IQUQR', 'U3');"
          "INSERT INTO selections VALUES (1, 'targeted', 1, 70, 'red', 1, 1);"
          "INSERT INTO entities VALUES (1, 'importer_id', 'IMP-A'), (2, 'hs6', '847130'),"
          " (3, 'importer_id', 'IMP-B');"
          "INSERT INTO unit_entities VALUES (1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (3, 2);"
          "INSERT INTO imports VALUES (1, 'ab', 'o.csv', 'x', 4, 4, 0, 0);"
          "INSERT INTO outcomes (unit, port, date, result, category, severity, notes, import_id,"
          " line, selection_unit, entity_unit) VALUES"
          " ('U1', 'IQUQR', '2026-01-05', 'finding', 'drugs', 4, '', 1, 2, 1, 1),"
          " ('U9', 'IQUQR', '2026-01-07', 'no_finding', NULL, NULL, '', 1, 3, NULL, NULL),"
          " ('U2', 'IQUQR', '2026-01-10', 'no_finding', NULL, NULL, '', 1, 4, NULL, 2),"
          " ('U3', 'IQUQR', '2026-01-10', 'finding', 'weapons', 5, '', 1, 5, NULL, 3);",
          NULL, NULL, NULL),
      ==, SQLITE_OK);
  sqlite3_close(db);

  GError *error = NULL;
  BrStore *store = br_store_open(path, BR_STORE_EXISTING, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_store_schema_version(store), ==, br_store_migration_count);
  BrEntityKeys *keys = br_entity_keys_parse("importer_id,hs6", NULL);
  BrHistory *h = br_history_load(store, keys, NULL, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_history_inspections(h), ==, 4);
  guint n, hits;
  g_assert_true(br_history_lookup(h, 0, "IMP-A", &n, &hits, NULL));
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpuint(hits, ==, 1);
  g_assert_true(br_history_lookup(h, 0, "IMP-B", &n, &hits, NULL));
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpuint(hits, ==, 1);
  g_assert_true(br_history_lookup(h, 1, "847130", &n, &hits, NULL));
  g_assert_cmpuint(n, ==, 3);
  g_assert_cmpuint(hits, ==, 2);
  br_history_free(h);

  /* Units rows not selected are gone with the layout they served; selections stay linked. */
  sqlite3_stmt *s = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(br_store_db(store),
                                     "SELECT (SELECT COUNT(*) FROM units),"
                                     " (SELECT COUNT(*) FROM outcomes WHERE selection_unit = 1),"
                                     " (SELECT COUNT(*) FROM outcomes WHERE entity_run = 1)",
                                     -1, &s, NULL),
                  ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
  g_assert_cmpint(sqlite3_column_int(s, 0), ==, 1);
  g_assert_cmpint(sqlite3_column_int(s, 1), ==, 1);
  g_assert_cmpint(sqlite3_column_int(s, 2), ==, 3);
  sqlite3_finalize(s);
  br_entity_keys_free(keys);
  br_store_close(store);
  g_free(path);
}

/* Bands: a price level on a log scale, a factor e^0.5 wide, written as its bounds. Prices a
 * few percent apart share a band; a field named like a band is read as that field. */
/* A field's text as a feed gives it: the length goes with the text. */
static void
set_text(BrValue *v, const char *text)
{
  v->str = text;
  v->len = (guint32)strlen(text);
}

static void
test_band_keys(void)
{
  GError *error = NULL;
  BrEntityKeys *keys =
      br_entity_keys_parse("value_band, hs6+declared_kg_band, value_per_kg_band, odd_band", &error);
  g_assert_no_error(error);
  BrSchema *schema = br_schema_new();
  br_schema_add(schema, "value", BR_TYPE_DECIMAL, 0);
  br_schema_add(schema, "declared_kg", BR_TYPE_DECIMAL, 1);
  br_schema_add(schema, "hs_code", BR_TYPE_STRING, 2);
  br_schema_add(schema, "odd_band", BR_TYPE_STRING, 3);
  g_assert_cmpuint(br_entity_keys_bind(keys, schema), ==, 4);
  char buf[BR_ENTITY_VALUE_MAX], other[BR_ENTITY_VALUE_MAX];
  BrValue rec[4] = {
      {"1000", 4, FALSE, 1000}, {"10", 2, FALSE, 10}, {"847130", 6, FALSE, 0}, {"x", 1, FALSE, 0}};
  /* ln 1000 = 6.91: band 13, e^6.5 = 665 .. e^7 = 1097. */
  g_assert_true(br_entity_keys_value(keys, 0, rec, buf));
  g_assert_cmpstr(buf, ==, "665..1.1K");
  set_text(&rec[0], "1005"); /* half a percent more: the same band */
  g_assert_true(br_entity_keys_value(keys, 0, rec, other));
  g_assert_cmpstr(other, ==, buf);
  set_text(&rec[0], "1200"); /* the next band */
  g_assert_true(br_entity_keys_value(keys, 0, rec, other));
  g_assert_cmpstr(other, ==, "1.1K..1.81K");
  g_assert_true(br_entity_keys_value(keys, 1, rec, buf));
  g_assert_cmpstr(buf, ==, "847130+7.39..12.2");
  /* 1200 / 10 = 120 per kg, ln 4.79: e^4.5 = 90 .. e^5 = 148. */
  g_assert_true(br_entity_keys_value(keys, 2, rec, buf));
  g_assert_cmpstr(buf, ==, "90..148");
  g_assert_true(br_entity_keys_value(keys, 3, rec, buf));
  g_assert_cmpstr(buf, ==, "X");
  /* No band of 0, of a negative number or of text; none per kg without a mass. */
  set_text(&rec[0], "0");
  g_assert_false(br_entity_keys_value(keys, 0, rec, buf));
  set_text(&rec[0], "-5");
  g_assert_false(br_entity_keys_value(keys, 0, rec, buf));
  set_text(&rec[0], "12x");
  g_assert_false(br_entity_keys_value(keys, 0, rec, buf));
  set_text(&rec[0], "1200");
  set_text(&rec[1], "0");
  g_assert_false(br_entity_keys_value(keys, 2, rec, buf));
  /* A rule's literal is normalised the same way: a number, or value/kg for value per kg. */
  g_assert_true(br_entity_keys_normalize(keys, 0, "1005", buf));
  g_assert_cmpstr(buf, ==, "665..1.1K");
  g_assert_true(br_entity_keys_normalize(keys, 2, "1200/10", buf));
  g_assert_cmpstr(buf, ==, "90..148");
  g_assert_false(br_entity_keys_normalize(keys, 2, "1200", buf));
  br_schema_free(schema);
  br_entity_keys_free(keys);

  /* Without the number field there is no band. */
  keys = br_entity_keys_parse("value_band", &error);
  schema = br_schema_new();
  br_schema_add(schema, "value", BR_TYPE_STRING, 0);
  g_assert_cmpuint(br_entity_keys_bind(keys, schema), ==, 0);
  br_schema_free(schema);
  br_entity_keys_free(keys);
}

static void
test_shrink(void)
{
  g_assert_cmpfloat_with_epsilon(br_history_shrink(0, 0, 0.2, 10), 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon(br_history_shrink(10, 10, 0.2, 10), 0.6, 1e-12);
  g_assert_cmpfloat_with_epsilon(br_history_shrink(1000, 0, 0.2, 10), 2.0 / 1010, 1e-12);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/history/keys", test_keys);
  g_test_add_func("/history/combined_keys", test_combined_keys);
  g_test_add_func("/history/dict_memo", test_dict_memo);
  g_test_add_func("/history/band_keys", test_band_keys);
  g_test_add_func("/history/shrink", test_shrink);
  g_test_add("/history/lookup", Fixture, NULL, fixture_setup, test_history, fixture_teardown);
  g_test_add("/history/latest-run", Fixture, NULL, fixture_setup, test_history_latest_run,
             fixture_teardown);
  g_test_add("/history/migrated", Fixture, NULL, fixture_setup, test_history_migrated,
             fixture_teardown);
  return g_test_run();
}
