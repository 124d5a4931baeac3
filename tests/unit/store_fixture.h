/* Shared set-up for the store, outcomes, history and report tests: a temporary folder with a
 * store and a small rule pack, hand-built rank results, and a fingerprint of every table. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "br_entities.h"
#include "br_rank.h"
#include "br_rules.h"
#include "br_run_record.h"
#include "br_store.h"

typedef struct {
  char *dir;
  char *db_path;
  BrStore *store;
  BrPack *pack;
  GPtrArray *units; /* BrUnit* built by fixture_unit, freed with the fixture */
} Fixture;

static inline void
fixture_write(const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  g_free(path);
}

/* A pack with three rules: one that fires on origin, one on mass, one that never will. */
static inline void
fixture_setup(Fixture *fx, gconstpointer data)
{
  GError *error = NULL;
  fx->dir = g_dir_make_tmp("br-store-XXXXXX", &error);
  g_assert_no_error(error);
  char *pack_dir = g_build_filename(fx->dir, "pack", NULL);
  g_assert_cmpint(g_mkdir(pack_dir, 0700), ==, 0);
  fixture_write(pack_dir, "pack.ini",
                "[pack]\nname = unit-pack\nversion = 7\n[lanes]\nred = 50\nyellow = 20\n"
                "[capacity]\ndefault = 3\n[random]\nshare = 0.34\n");
  fixture_write(pack_dir, "rules.lua",
                "rule {\n  id = \"T-ORIGIN\",\n  title = \"Origin <on> the \\\"list\\\"\",\n"
                "  weight = 30,\n  when = field_in(\"origin_country\", { \"EC\", \"CO\" }),\n"
                "  tests = {\n    { line = { origin_country = \"EC\" }, fires = true },\n"
                "    { line = { origin_country = \"DE\" }, fires = false },\n  },\n}\n"
                "rule {\n  id = \"T-MASS\",\n  title = \"=HYPERLINK(mass)\",\n  weight = 40,\n"
                "  when = gt(\"measured_kg\", 1000),\n"
                "  tests = {\n    { line = { measured_kg = 2000 }, fires = true },\n"
                "    { line = { measured_kg = 10 }, fires = false },\n  },\n}\n"
                "rule {\n  id = \"T-NEVER\",\n  title = \"Never fires\",\n  weight = 5,\n"
                "  when = field_in(\"origin_country\", { \"XX\" }),\n"
                "  tests = {\n    { line = { origin_country = \"XX\" }, fires = true },\n"
                "    { line = { origin_country = \"DE\" }, fires = false },\n  },\n}\n");
  fx->pack = br_pack_load(pack_dir, &error);
  g_assert_no_error(error);
  g_free(pack_dir);
  fx->db_path = g_build_filename(fx->dir, "store.db", NULL);
  fx->store = br_store_open(fx->db_path, BR_STORE_CREATE, &error);
  g_assert_no_error(error);
  fx->units = g_ptr_array_new();
}

static inline void
fixture_unit_free(BrUnit *u)
{
  g_free(u->port);
  g_free(u->unit);
  if (u->fired)
    g_array_unref(u->fired);
  g_free(u);
}

static inline void
remove_tree(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
      remove_tree(path);
    else
      g_unlink(path);
    g_free(path);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(dir);
}

static inline void
fixture_teardown(Fixture *fx, gconstpointer data)
{
  br_store_close(fx->store);
  br_pack_free(fx->pack);
  for (guint i = 0; i < fx->units->len; i++)
    fixture_unit_free(g_ptr_array_index(fx->units, i));
  g_ptr_array_unref(fx->units);
  remove_tree(fx->dir);
  g_free(fx->dir);
  g_free(fx->db_path);
}

/* A selected unit; fired is a -1-terminated list of rule indices. */
static inline BrUnit *
fixture_unit(Fixture *fx, const char *port, const char *unit, BrSelection sel, BrLane lane,
             guint rank, double score, const int *fired)
{
  BrUnit *u = g_new0(BrUnit, 1);
  u->port = g_strdup(port);
  u->unit = g_strdup(unit);
  u->score = score;
  u->nlines = 1;
  u->first_line = rank + 1;
  u->lane = lane;
  u->selection = sel;
  u->rank = rank;
  if (fired && fired[0] >= 0) {
    u->fired = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; fired[i] >= 0; i++) {
      guint r = (guint)fired[i];
      g_array_append_val(u->fired, r);
    }
  }
  g_ptr_array_add(fx->units, u);
  return u;
}

/* A port list over some of the fixture's units (owned by the fixture). */
static inline BrPortList *
fixture_port(const char *port, guint nunits, BrUnit **units, guint n)
{
  BrPortList *list = g_new0(BrPortList, 1);
  list->port = g_strdup(port);
  list->capacity = 3;
  list->units = nunits;
  list->selected = g_ptr_array_new();
  for (guint i = 0; i < n; i++) {
    g_ptr_array_add(list->selected, units[i]);
    if (units[i]->selection == BR_SEL_TARGETED)
      list->targeted++;
    else
      list->random++;
    if (units[i]->lane == BR_LANE_RED)
      list->red++;
    else if (units[i]->lane == BR_LANE_YELLOW)
      list->yellow++;
    else
      list->green++;
  }
  return list;
}

static inline void
fixture_port_free(gpointer p)
{
  BrPortList *list = p;
  g_free(list->port);
  g_ptr_array_unref(list->selected);
  g_free(list);
}

/* Entity keys importer_id and hs6 bound to a schema of importer_id and hs_code (in that
 * order), for entity tables built by hand; free both. */
static inline BrEntityKeys *
fixture_importer_hs6_keys(BrSchema **schema)
{
  BrEntityKeys *keys = br_entity_keys_parse("importer_id,hs6", NULL);
  *schema = br_schema_new();
  br_schema_add(*schema, "importer_id", BR_TYPE_STRING, 0);
  br_schema_add(*schema, "hs_code", BR_TYPE_STRING, 1);
  br_entity_keys_bind(keys, *schema);
  return keys;
}

static inline gint64
fixture_record(Fixture *fx, const char *as_of, GPtrArray *ports, const BrEntityTable *entities)
{
  static const guint64 fires[] = {12, 3, 0};
  BrRunInput input = {"manifest.csv", "00ff"};
  BrRunRecord run = {.started_at = 1767225600,
                     .finished_at = 1767225601,
                     .as_of = as_of,
                     .inputs = &input,
                     .ninputs = 1,
                     .threads = 2,
                     .seed = 42,
                     .lines_read = 20,
                     .units = 10,
                     .fire_counts = fires,
                     .entities = entities};
  GError *error = NULL;
  gint64 id = br_store_record_run(fx->store, &run, ports, fx->pack, &error);
  g_assert_no_error(error);
  g_assert_cmpint(id, >, 0);
  return id;
}

static inline gint64
fixture_count(Fixture *fx, const char *sql)
{
  sqlite3_stmt *s = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(br_store_db(fx->store), sql, -1, &s, NULL), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
  gint64 n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return n;
}

static inline char *
fixture_text(Fixture *fx, const char *sql)
{
  sqlite3_stmt *s = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(br_store_db(fx->store), sql, -1, &s, NULL), ==, SQLITE_OK);
  char *text = NULL;
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
    text = g_strdup((const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return text;
}

/* SHA-256 over every row of every table (in a fixed order), opened on its own connection. */
static inline char *
fixture_fingerprint(const char *db_path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  sqlite3_stmt *tables = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db,
                                     "SELECT name FROM sqlite_master WHERE type = 'table'"
                                     " ORDER BY name",
                                     -1, &tables, NULL),
                  ==, SQLITE_OK);
  while (sqlite3_step(tables) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(tables, 0);
    char *sql = g_strdup_printf("SELECT * FROM \"%s\"", name);
    sqlite3_stmt *probe = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &probe, NULL), ==, SQLITE_OK);
    int ncols = sqlite3_column_count(probe);
    sqlite3_finalize(probe);
    GString *order = g_string_new(sql);
    for (int c = 1; c <= ncols; c++)
      g_string_append_printf(order, "%s%d", c == 1 ? " ORDER BY " : ", ", c);
    sqlite3_stmt *rows = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, order->str, -1, &rows, NULL), ==, SQLITE_OK);
    g_checksum_update(sum, (const guchar *)name, -1);
    while (sqlite3_step(rows) == SQLITE_ROW) {
      for (int c = 0; c < ncols; c++) {
        const unsigned char *v = sqlite3_column_text(rows, c);
        g_checksum_update(sum, v ? v : (const guchar *)"\x01NULL", -1);
        g_checksum_update(sum, (const guchar *)"\x1f", 1);
      }
      g_checksum_update(sum, (const guchar *)"\n", 1);
    }
    sqlite3_finalize(rows);
    g_string_free(order, TRUE);
    g_free(sql);
  }
  sqlite3_finalize(tables);
  sqlite3_close(db);
  char *hex = g_strdup(g_checksum_get_string(sum));
  g_checksum_free(sum);
  return hex;
}
