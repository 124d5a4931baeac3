/* Weight tuning: a logistic regression of unit labels on the rules' points. */
#include <math.h>

#include "br_tune.h"
#include "rules_fixture.h"
#include "test_tmpdir.h"

/* Units where rule A fired are positive 80% of the time, the rest 20%; rule B fires at random;
 * rule C never fires. */
static void
test_fit(void)
{
  char *dir =
      rules_make_pack("tune", NULL,
                      "rule { id = 'A', title = 'a', weight = 5, when = present('hs_code') }\n"
                      "rule { id = 'B', title = 'b', weight = 5, when = present('hs_code') }\n"
                      "rule { id = 'C', title = 'c', weight = 7, when = present('hs_code') }\n");
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  BrUnitTable *table = br_unit_table_new(pack);
  guint fired[2];
  const char *reasons[2] = {"a", "b"};
  double points[2] = {1, 1};
  BrLineResult res = {.fired = fired, .reasons = reasons, .points = points};
  for (guint i = 0; i < 1000; i++) {
    gboolean a = i < 500, b = i % 2 == 0;
    res.nfired = 0;
    if (a)
      fired[res.nfired++] = 0;
    if (b)
      fired[res.nfired++] = 1;
    char unit[16];
    g_snprintf(unit, sizeof unit, "U%u", i);
    BrUnit *u = br_unit_table_add(table, "P", unit, unit, i + 1, &res);
    guint j = a ? i : i - 500; /* 0..499 within the group */
    u->label = (a ? j % 5 != 0 : j % 5 == 0) ? 1 : 0;
  }
  /* A unit with no known outcome stays out of the fit. */
  res.nfired = 1;
  fired[0] = 0;
  br_unit_table_add(table, "P", "UNLABELLED", "x", 2000, &res);

  BrTune *tune = br_tune_fit(table, pack, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(tune->units, ==, 1000);
  g_assert_cmpuint(tune->positives, ==, 500);
  g_assert_cmpuint(tune->fires[0], ==, 500);
  g_assert_true(tune->fitted[0] && tune->fitted[1] && !tune->fitted[2]);
  /* logit(0.8) - logit(0.2) = 2 ln 4; B carries nothing (within sampling of the design). */
  g_assert_cmpfloat_with_epsilon(tune->weights[0], 2 * log(4), 1e-6);
  g_assert_cmpfloat(fabs(tune->weights[1]), <, 0.05);
  g_assert_cmpfloat(tune->weights[2], ==, 7);
  g_assert_cmpfloat_with_epsilon(tune->intercept, log(0.2 / 0.8), 0.05);

  char *ini = br_tune_weights_ini(tune, pack, "fitted in a test\nsecond line");
  g_assert_true(g_str_has_prefix(ini, "# fitted in a test\n# second line\n"));
  g_assert_nonnull(strstr(ini, "[weights]\nA = 2.77259\nB = "));
  g_assert_null(strstr(ini, "C = "));
  /* The file it writes is one the pack reads back. */
  char *path = g_build_filename(dir, "weights.ini", NULL);
  g_assert_true(g_file_set_contents(path, ini, -1, NULL));
  BrPack *tuned = br_pack_load(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat_with_epsilon(br_pack_rule(tuned, 0)->weight, 2 * log(4), 1e-5);
  g_assert_cmpfloat(br_pack_rule(tuned, 2)->weight, ==, 7);
  br_pack_free(tuned);
  g_free(path);
  g_free(ini);

  /* A penalty shrinks the evidence. */
  BrTune *shrunk = br_tune_fit(table, pack, 200, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat(shrunk->weights[0], <, tune->weights[0] - 0.1);
  g_assert_cmpfloat(shrunk->weights[0], >, 0);
  br_tune_free(shrunk);
  br_tune_free(tune);
  br_unit_table_free(table);
  br_pack_free(pack);
  g_free(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  rules_tmpdir = g_dir_make_tmp("br-tune-XXXXXX", NULL);
  g_test_add_func("/tune/fit", test_fit);
  return br_test_run_in(rules_tmpdir);
}
