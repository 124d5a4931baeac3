/* Comparing two packs on the same labelled units: entering and leaving units and port load. */
#include "br_backtest_compare.h"
#include "rules_fixture.h"
#include "test_tmpdir.h"

/* 20 units of port P on one day, U00..U03 positive. At k = 20% each pack inspects 4: pack A
 * flags U00, U01, U18, U19, pack B exactly the positives. So U02 and U03 enter, U18 and U19
 * leave. A's port capacity is 1 (4 a day overruns it), B's 10. */
static BrUnitTable *
score_units(const BrPack *pack, gboolean is_b)
{
  BrUnitTable *table = br_unit_table_new(pack);
  guint fired[1] = {0};
  const char *reasons[1] = {"r"};
  double points[1] = {1};
  for (guint i = 0; i < 20; i++) {
    gboolean fires = is_b ? i < 4 : (i < 2 || i >= 18);
    BrLineResult res = {.score = fires ? 10 : 0,
                        .nfired = fires ? 1 : 0,
                        .fired = fired,
                        .points = points,
                        .reasons = reasons};
    char unit[8];
    g_snprintf(unit, sizeof unit, "U%02u", i);
    BrUnit *u = br_unit_table_add(table, "P", unit, unit, i + 1, &res);
    u->label = i < 4 ? 1 : 0;
    u->day = 20000;
  }
  return table;
}

static void
test_compare(void)
{
  char *dir_a = rules_make_pack(
      "a", "[pack]\nname = pa\n[capacity]\ndefault = 1\n",
      "rule { id = 'A-ONE', title = 'a', weight = 10, when = present('hs_code') }\n");
  char *dir_b = rules_make_pack(
      "b", "[pack]\nname = pb\n[capacity]\ndefault = 10\n",
      "rule { id = 'B-ONE', title = 'b', weight = 10, when = present('hs_code') }\n");
  GError *error = NULL;
  BrPack *pa = br_pack_load(dir_a, &error);
  g_assert_no_error(error);
  BrPack *pb = br_pack_load(dir_b, &error);
  g_assert_no_error(error);
  BrUnitTable *ta = score_units(pa, FALSE), *tb = score_units(pb, TRUE);
  const double ks[1] = {20};
  BrBacktest *a = br_backtest_run(ta, pa, BR_PERIOD_ALL, ks, 1, 7);
  BrBacktest *b = br_backtest_run(tb, pb, BR_PERIOD_ALL, ks, 1, 7);

  GString *out = g_string_new(NULL);
  br_backtest_compare_text(out, a, pa, b, pb, 1);
  /* p@k and r@k of A, of B and the changes; 2 units enter, 2 leave. */
  g_assert_nonnull(strstr(out->str,
                          "\nall            20     0.500   1.000  +0.500   0.500   1.000  "
                          "+0.500          2        2\n"));
  /* Only the first (show = 1) of each list, in rank order, with the rule that put it there. */
  g_assert_nonnull(strstr(out->str,
                          "entering at 20% (B's scores and rules) (2; first 1 by score):\n"
                          "  P        U0"));
  g_assert_nonnull(strstr(out->str, "B-ONE +10.00"));
  g_assert_nonnull(strstr(out->str, "leaving at 20% (A's scores and rules) (2; first 1 by score):\n"
                                    "  P        U1"));
  g_assert_nonnull(strstr(out->str, "A-ONE +10.00"));

  /* The JSON holds every moved unit: U02 and U03 enter, U18 and U19 leave. */
  g_string_truncate(out, 0);
  br_backtest_compare_json(out, a, pa, b, pb);
  const char *cmp = strstr(out->str, "\"compare\":[{\"period\":\"all\",\"k\":20,\"entering\":[");
  g_assert_nonnull(cmp);
  const char *leaving = strstr(cmp, "\"leaving\":[");
  g_assert_nonnull(leaving);
  for (guint i = 0; i < 20; i++) {
    char unit[16];
    g_snprintf(unit, sizeof unit, "\"unit\":\"U%02u\"", i);
    const char *at = strstr(cmp, unit);
    gboolean enters = i == 2 || i == 3, leaves = i >= 18;
    g_assert_true((at && at < leaving) == enters);
    g_assert_true((at && at > leaving) == leaves);
  }

  /* Load: 4 a day against capacity 1 is flagged, against 10 it is not. */
  g_string_truncate(out, 0);
  br_backtest_load_text(out, a, pa);
  g_assert_nonnull(strstr(out->str, "load on capacity of pa "));
  g_assert_nonnull(strstr(out->str, "\nP                1         1     4.0!\n"));
  g_string_truncate(out, 0);
  br_backtest_load_text(out, b, pb);
  g_assert_nonnull(strstr(out->str, "\nP                1        10     4.0 \n"));

  g_string_free(out, TRUE);
  br_backtest_free(a);
  br_backtest_free(b);
  br_unit_table_free(ta);
  br_unit_table_free(tb);
  br_pack_free(pa);
  br_pack_free(pb);
  g_free(dir_a);
  g_free(dir_b);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  rules_tmpdir = g_dir_make_tmp("br-compare-XXXXXX", NULL);
  g_test_add_func("/backtest_compare/entering_leaving_load", test_compare);
  return br_test_run_in(rules_tmpdir);
}
