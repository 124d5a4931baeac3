#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_output.h"
#include "br_rank.h"

/* A real pack on disk: three rules with known weights; capacity 4 with half drawn at random. */
static BrPack *
load_pack(char **dir_out)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp("br-rank-XXXXXX", &error);
  g_assert_no_error(error);
  char *ini = g_build_filename(dir, "pack.ini", NULL);
  char *lua = g_build_filename(dir, "r.lua", NULL);
  g_file_set_contents(ini,
                      "[pack]\nname = t\n[lanes]\nred = 50\nyellow = 20\n"
                      "[capacity]\ndefault = 4\nIQSAW = 2\n[random]\nshare = 0.5\n",
                      -1, &error);
  g_assert_no_error(error);
  g_file_set_contents(lua,
                      "rule { id = 'A', title = 'a', weight = 30, when = present('container') }\n"
                      "rule { id = 'B', title = 'b', weight = 25, when = present('bol') }\n"
                      "rule { id = 'C', title = 'c', weight = 5, when = present('seal') }\n",
                      -1, &error);
  g_assert_no_error(error);
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_pack_rule_count(pack), ==, 3);
  g_free(ini);
  g_free(lua);
  *dir_out = dir;
  return pack;
}

static void
remove_pack(char *dir)
{
  char *ini = g_build_filename(dir, "pack.ini", NULL);
  char *lua = g_build_filename(dir, "r.lua", NULL);
  g_unlink(ini);
  g_unlink(lua);
  g_rmdir(dir);
  g_free(ini);
  g_free(lua);
  g_free(dir);
}

static void
add_line(BrUnitTable *t, const char *port, const char *unit, guint64 line, double score,
         guint nfired, const guint *fired, const char **reasons)
{
  BrLineResult r = {.score = score, .nfired = nfired, .fired = (guint *)fired,
                    .reasons = reasons};
  char record[32];
  g_snprintf(record, sizeof record, "R%05" G_GUINT64_FORMAT, line);
  br_unit_table_add(t, port, unit, record, line, &r);
}

static BrUnit *
find_unit(BrUnitTable *t, const char *port, const char *unit)
{
  GPtrArray *units = br_unit_table_port_units(t, port);
  BrUnit *found = NULL;
  for (guint i = 0; i < units->len; i++)
    if (strcmp(((BrUnit *)units->pdata[i])->unit, unit) == 0)
      found = units->pdata[i];
  g_ptr_array_free(units, TRUE);
  return found;
}

static void
test_rollup(void)
{
  char *dir;
  BrPack *pack = load_pack(&dir);
  BrUnitTable *t = br_unit_table_new(pack);
  guint f_c[] = {2};
  const char *r_c[] = {"seal c"};
  guint f_ab[] = {0, 1};
  const char *r_ab[] = {"why a", "why b"};
  guint f_a[] = {0};
  const char *r_a2[] = {"why a again"};
  add_line(t, "IQUQR", "MSCU1", 9, 5, 1, f_c, r_c);
  add_line(t, "IQUQR", "MSCU1", 4, 55, 2, f_ab, r_ab);
  add_line(t, "IQUQR", "MSCU1", 12, 30, 1, f_a, r_a2);
  add_line(t, "IQUQR", "MSCU1", 13, 30, 1, f_a, r_a2);
  add_line(t, "IQSAW", "MSCU1", 2, 0, 0, NULL, NULL);
  g_assert_cmpuint(br_unit_table_size(t), ==, 2);

  GPtrArray *lists = br_rank_select(t, pack, 1);
  BrUnit *u = find_unit(t, "IQUQR", "MSCU1");
  g_assert_nonnull(u);
  g_assert_cmpfloat(u->score, ==, 55);
  g_assert_cmpuint(u->nlines, ==, 4);
  g_assert_cmpuint(u->first_line, ==, 4);
  g_assert_cmpstr(u->record, ==, "R00004");
  g_assert_cmpuint(u->fired->len, ==, 3);
  g_assert_cmpuint(g_array_index(u->fired, guint, 0), ==, 0);
  g_assert_cmpuint(g_array_index(u->fired, guint, 2), ==, 2);
  /* Distinct reasons by contribution (the weight, rules without points), then text order. */
  GArray *reasons = br_unit_reasons(u, pack);
  g_assert_cmpuint(reasons->len, ==, 4);
  g_assert_cmpstr(g_array_index(reasons, BrReason, 0).text, ==, "why a");
  g_assert_cmpstr(g_array_index(reasons, BrReason, 1).text, ==, "why a again");
  g_assert_cmpstr(g_array_index(reasons, BrReason, 2).text, ==, "why b");
  g_assert_cmpstr(g_array_index(reasons, BrReason, 3).text, ==, "seal c");
  g_assert_cmpfloat(g_array_index(reasons, BrReason, 3).contribution, ==, 5);
  g_array_free(reasons, TRUE);
  g_assert_cmpint(u->lane, ==, BR_LANE_RED);
  g_ptr_array_free(lists, TRUE);
  br_unit_table_free(t);
  br_pack_free(pack);
  remove_pack(dir);
}

/* Reasons read decisive first: by weight x points, a reason that lowers the score says so
 * with its signed points, one that adds nothing is left out of lists but kept in the JSON
 * breakdown; lists show three reasons in full and the rest by id and points. */
static void
test_reasons_by_contribution(void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp("br-reasons-XXXXXX", &error);
  g_assert_no_error(error);
  char *ini = g_build_filename(dir, "pack.ini", NULL);
  char *lua = g_build_filename(dir, "r.lua", NULL);
  g_file_set_contents(ini,
                      "[pack]\nname = t\n[lanes]\nred = 1\nyellow = 1\n[capacity]\n"
                      "default = 1\n[random]\nshare = 0\n",
                      -1, &error);
  g_assert_no_error(error);
  g_file_set_contents(lua,
                      "rule { id = 'A', title = 'a', weight = 1, when = present('container') }\n"
                      "rule { id = 'B', title = 'b', weight = 2, when = present('container') }\n"
                      "rule { id = 'C', title = 'c', weight = -1, when = present('container') }\n"
                      "rule { id = 'D', title = 'd', weight = 3, when = present('container') }\n"
                      "rule { id = 'E', title = 'e', weight = 0.5, when = present('container') }\n",
                      -1, &error);
  g_assert_no_error(error);
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  BrUnitTable *t = br_unit_table_new(pack);
  guint fired[] = {0, 1, 2, 3, 4};
  const char *why[] = {"why a", "why b", "why c", "why d", "why e"};
  double points[] = {0.5, -0.4, 0.3, 1.0, 0.001};
  BrLineResult r = {.score = 3.0, .nfired = 5, .fired = fired, .reasons = why, .points = points};
  br_unit_table_add(t, "P", "U1", "R1", 1, &r);
  GPtrArray *lists = br_rank_select(t, pack, 1);
  GString *csv = g_string_new(NULL), *json = g_string_new(NULL);
  /* Rules switched off for the run are named on every row: the lists cannot show them. */
  GArray *off = g_array_new(FALSE, FALSE, sizeof(BrRuleOff));
  BrRuleOff missing = {1, "hs_code"}, failing = {4, NULL};
  g_array_append_val(off, missing);
  g_array_append_val(off, failing);
  BrListStamp stamp = {"20260301T000000Z-00000000", "2026-03-01", 1, NULL, off};
  br_output_list_csv(csv, lists->pdata[0], pack, &stamp, FALSE);
  br_output_list_jsonl(json, lists->pdata[0], pack, &stamp);
  g_assert_true(g_str_has_suffix(csv->str, ",1,,B=missing:hs_code E=failing\n"));
  g_assert_nonnull(strstr(json->str,
                          "\"rules_off\":[{\"rule\":\"B\",\"why\":\"missing_field\","
                          "\"field\":\"hs_code\"},{\"rule\":\"E\",\"why\":\"failing\"}]}}\n"));
  g_array_unref(off);
  /* D +3, A +0.5, C -0.3, B -0.8; E's 0.0005 rounds to nothing. */
  g_assert_nonnull(strstr(csv->str, ",D +3.00: why d | A +0.50: why a | "
                                    "C -0.30 lowers the score: why c | 1 more: B -0.80,"));
  g_assert_null(strstr(csv->str, "why e"));
  g_assert_nonnull(strstr(json->str, "\"reasons\":[\"D +3.00: why d\",\"A +0.50: why a\","
                                     "\"C -0.30 lowers the score: why c\","
                                     "\"B -0.80 lowers the score: why b\"]"));
  g_assert_nonnull(strstr(json->str, "{\"rule\":\"E\",\"weight\":0.5,\"points\":0.001,"
                                     "\"contribution\":0.001,\"reason\":\"why e\"}"));
  g_assert_nonnull(strstr(json->str, "{\"rule\":\"B\",\"weight\":2,\"points\":-0.4,"
                                     "\"contribution\":-0.8,\"reason\":\"why b\"}"));
  g_string_free(csv, TRUE);
  g_string_free(json, TRUE);
  g_ptr_array_free(lists, TRUE);
  br_unit_table_free(t);
  br_pack_free(pack);
  g_unlink(ini);
  g_unlink(lua);
  g_rmdir(dir);
  g_free(ini);
  g_free(lua);
  g_free(dir);
}

static BrPack *
load_ini(const char *ini_text, char **dir_out, GError **error)
{
  char *dir = g_dir_make_tmp("br-explore-XXXXXX", NULL);
  char *ini = g_build_filename(dir, "pack.ini", NULL);
  char *lua = g_build_filename(dir, "r.lua", NULL);
  g_file_set_contents(ini, ini_text, -1, NULL);
  g_file_set_contents(lua, "rule { id = 'A', title = 'a', weight = 60, when = present('x') }\n", -1,
                      NULL);
  BrPack *pack = br_pack_load(dir, error);
  g_free(ini);
  g_free(lua);
  *dir_out = dir;
  return pack;
}

/* Exploration: a share of the capacity goes to the units the history knows least (highest
 * uncertainty), after the targeted picks and the random draw, listed between them; the
 * shares are validated. */
static void
test_explore(void)
{
  char *dir;
  GError *error = NULL;
  BrPack *pack = load_ini("[pack]\nname = t\n[lanes]\nred = 50\nyellow = 20\n[capacity]\n"
                          "default = 10\n[random]\nshare = 0.2\n[explore]\nshare = 0.3\n",
                          &dir, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat(br_pack_settings(pack)->explore_share, ==, 0.3);
  BrUnitTable *t = br_unit_table_new(pack);
  guint f[] = {0};
  const char *why[] = {"x"};
  for (guint i = 0; i < 100; i++) {
    char unit[16];
    g_snprintf(unit, sizeof unit, "U%03u", i);
    /* Ten red units; U090..U099 are the least known. */
    BrLineResult r = {.score = i < 10 ? 60 : 0,
                      .nfired = i < 10,
                      .fired = f,
                      .reasons = why,
                      .uncertainty = i >= 90 ? 0.1 + i / 1000.0 : 0.01};
    br_unit_table_add(t, "P", unit, unit, i + 1, &r);
  }
  GPtrArray *lists = br_rank_select(t, pack, 7);
  const BrPortList *l = lists->pdata[0];
  g_assert_cmpuint(l->targeted, ==, 5);
  g_assert_cmpuint(l->random, ==, 2);
  g_assert_cmpuint(l->explore, ==, 3);
  g_assert_cmpuint(l->selected->len, ==, 10);
  guint explored[3], n = 0;
  for (guint i = 0; i < l->selected->len; i++) {
    const BrUnit *u = l->selected->pdata[i];
    BrSelection want = i < 5 ? BR_SEL_TARGETED : i < 8 ? BR_SEL_EXPLORE : BR_SEL_RANDOM;
    g_assert_cmpint(u->selection, ==, want);
    if (u->selection == BR_SEL_EXPLORE)
      explored[n++] = (guint)atoi(u->unit + 1);
  }
  /* The three least known, unless the random draw took one of them first. */
  for (guint k = 0; k < 3; k++)
    g_assert_cmpuint(explored[k], >=, 90);
  GString *json = g_string_new(NULL);
  BrListStamp stamp = {"20260301T000000Z-00000000", "2026-03-01", 1, NULL, NULL};
  br_output_list_jsonl(json, l, pack, &stamp);
  g_assert_nonnull(strstr(json->str, "\"selection\":\"explore\""));
  g_assert_nonnull(strstr(json->str, "\"uncertainty\":0.19"));
  g_string_free(json, TRUE);
  g_ptr_array_free(lists, TRUE);
  br_unit_table_free(t);
  br_pack_free(pack);
  remove_pack(dir);

  /* Random and explore shares together may not exceed the capacity. */
  g_assert_null(
      load_ini("[pack]\nname = t\n[random]\nshare = 0.6\n[explore]\nshare = 0.5\n", &dir, &error));
  g_assert_nonnull(error);
  g_assert_nonnull(strstr(error->message, "[explore] share"));
  g_clear_error(&error);
  remove_pack(dir);
}

/* Fills a table with n units at one port; scores repeat so that ties are common. */
static void
fill(BrUnitTable *t, guint n, gboolean reverse)
{
  guint f[] = {0};
  const char *r[] = {"x"};
  for (guint k = 0; k < n; k++) {
    guint i = reverse ? n - 1 - k : k;
    char unit[32];
    g_snprintf(unit, sizeof unit, "U%03u", i);
    double score = (i % 4) * 20.0; /* 0, 20, 40, 60 */
    add_line(t, "IQUQR", unit, i + 1, score, score > 0, f, r);
  }
}

static char *
render(GPtrArray *lists, const BrPack *pack)
{
  BrListStamp stamp = {"20260301T000000Z-00000000", "2026-03-01", 42, NULL, NULL};
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < lists->len; i++)
    br_output_list_csv(s, lists->pdata[i], pack, &stamp, i == 0);
  return g_string_free(s, FALSE);
}

static void
test_selection_is_order_independent(void)
{
  char *dir;
  BrPack *pack = load_pack(&dir);
  BrUnitTable *a = br_unit_table_new(pack), *b = br_unit_table_new(pack);
  fill(a, 40, FALSE);
  fill(b, 40, TRUE);
  GPtrArray *la = br_rank_select(a, pack, 42), *lb = br_rank_select(b, pack, 42);
  char *ra = render(la, pack), *rb = render(lb, pack);
  g_assert_cmpstr(ra, ==, rb);

  BrPortList *l = la->pdata[0];
  g_assert_cmpuint(l->capacity, ==, 4);
  g_assert_cmpuint(l->units, ==, 40);
  g_assert_cmpuint(l->red, ==, 10);
  g_assert_cmpuint(l->targeted, ==, 2);
  g_assert_cmpuint(l->random, ==, 2);
  for (guint i = 0; i < l->selected->len; i++) {
    BrUnit *u = l->selected->pdata[i];
    if (u->selection == BR_SEL_TARGETED) {
      g_assert_cmpint(u->lane, ==, BR_LANE_RED);
      g_assert_cmpuint(u->rank, ==, i + 1);
    }
  }
  g_free(ra);
  g_free(rb);
  g_ptr_array_free(la, TRUE);
  g_ptr_array_free(lb, TRUE);
  br_unit_table_free(a);
  br_unit_table_free(b);
  br_pack_free(pack);
  remove_pack(dir);
}

/* Over many seeds, every unit that is not targeted must be drawn about equally often. */
static void
test_random_draw_is_uniform(void)
{
  char *dir;
  BrPack *pack = load_pack(&dir);
  guint counts[40] = {0};
  const guint seeds = 4000;
  for (guint seed = 0; seed < seeds; seed++) {
    BrUnitTable *t = br_unit_table_new(pack);
    fill(t, 40, FALSE);
    GPtrArray *lists = br_rank_select(t, pack, seed);
    BrPortList *l = lists->pdata[0];
    for (guint i = 0; i < l->selected->len; i++) {
      BrUnit *u = l->selected->pdata[i];
      if (u->selection == BR_SEL_RANDOM)
        counts[atoi(u->unit + 1)]++;
    }
    g_ptr_array_free(lists, TRUE);
    br_unit_table_free(t);
  }
  /* 2 picks from 38 non-targeted units: expected 4000 * 2 / 38 = 210 each. Targeted units
   * (two of the ten red ones, varying with the tie-break) are drawn less often. */
  guint total = 0;
  for (guint i = 0; i < 40; i++) {
    total += counts[i];
    if (i % 4 != 3) {
      g_assert_cmpuint(counts[i], >, 150);
      g_assert_cmpuint(counts[i], <, 280);
    }
  }
  g_assert_cmpuint(total, ==, seeds * 2);
  br_pack_free(pack);
  remove_pack(dir);
}

static void
test_merge_equals_single_table(void)
{
  char *dir;
  BrPack *pack = load_pack(&dir);
  BrUnitTable *whole = br_unit_table_new(pack);
  BrUnitTable *part1 = br_unit_table_new(pack), *part2 = br_unit_table_new(pack);
  guint f0[] = {0}, f1[] = {1};
  const char *r0[] = {"zero"}, *r1[] = {"one"};
  for (guint i = 0; i < 30; i++) {
    char unit[16];
    g_snprintf(unit, sizeof unit, "C%u", i % 10);
    const guint *f = i % 3 ? f0 : f1;
    const char **r = i % 3 ? r0 : r1;
    double score = i % 3 ? 30 : 25;
    add_line(whole, i % 2 ? "IQUQR" : "IQSAW", unit, i + 1, score, 1, f, r);
    add_line(i < 15 ? part1 : part2, i % 2 ? "IQUQR" : "IQSAW", unit, i + 1, score, 1, f, r);
  }
  br_unit_table_merge(part2, part1);
  br_unit_table_free(part1);
  GPtrArray *lw = br_rank_select(whole, pack, 3), *lm = br_rank_select(part2, pack, 3);
  char *rw = render(lw, pack), *rm = render(lm, pack);
  g_assert_cmpstr(rw, ==, rm);
  g_assert_cmpuint(br_unit_table_size(whole), ==, br_unit_table_size(part2));
  g_free(rw);
  g_free(rm);
  g_ptr_array_free(lw, TRUE);
  g_ptr_array_free(lm, TRUE);
  br_unit_table_free(whole);
  br_unit_table_free(part2);
  br_pack_free(pack);
  remove_pack(dir);
}

static void
test_port_filenames(void)
{
  char *a = br_output_port_filename("IQUQR");
  char *b = br_output_port_filename("../../etc");
  char *c = br_output_port_filename("..//..etc");
  char *d = br_output_port_filename("");
  g_assert_cmpstr(a, ==, "IQUQR");
  g_assert_null(strchr(b, '/'));
  g_assert_false(g_str_has_prefix(b, "."));
  g_assert_cmpstr(b, !=, c); /* same sanitised stem, told apart by the hash suffix */
  g_assert_cmpuint(strlen(d), >, 0);
  g_free(a);
  g_free(b);
  g_free(c);
  g_free(d);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rank/rollup", test_rollup);
  g_test_add_func("/rank/reasons-by-contribution", test_reasons_by_contribution);
  g_test_add_func("/rank/explore", test_explore);
  g_test_add_func("/rank/order-independent", test_selection_is_order_independent);
  g_test_add_func("/rank/random-uniform", test_random_draw_is_uniform);
  g_test_add_func("/rank/merge", test_merge_equals_single_table);
  g_test_add_func("/output/port-filenames", test_port_filenames);
  return g_test_run();
}
