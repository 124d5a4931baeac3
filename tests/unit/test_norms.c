#include <math.h>

#include "br_history.h"
#include "br_norms.h"

/* ln of a value per kg */
static double
lv(double per_kg)
{
  return log(per_kg);
}

static void
test_median_mad(void)
{
  /* 9 declarations around 100 per kg, one absurd at a millionth of it: the median and MAD
   * barely notice it, where a mean would fall by a factor of four. */
  const double per_kg[] = {100, 102, 98, 101, 99, 105, 95, 100, 100, 0.0001};
  BrNormObs obs[G_N_ELEMENTS(per_kg)];
  for (guint i = 0; i < G_N_ELEMENTS(per_kg); i++)
    obs[i] = (BrNormObs){0, "847130", 10, lv(per_kg[i])};
  BrNorms *norms = br_norms_new(1, obs, G_N_ELEMENTS(obs));
  BrNorm n;
  g_assert_true(br_norms_lookup(norms, 0, "847130", G_MAXINT32, &n));
  g_assert_cmpuint(n.declarations, ==, 10);
  g_assert_cmpfloat_with_epsilon(exp(n.median), 100, 1.0);
  /* The deviations sorted: 0 0 0 .01 .01 .02 .02 .05 .05 16: the 5th is about 0.01-0.02. */
  g_assert_cmpfloat(n.mad, >=, 0.0);
  g_assert_cmpfloat(n.mad, <=, 0.03);
  /* Under the floor the MAD counts as the floor: 10 per kg is 2.3 / (1.4826 * 0.05) = 31 away. */
  double z = br_norms_z(&n, lv(10), 0.05);
  g_assert_cmpfloat(z, <, -30);
  g_assert_cmpfloat(z, >, -32);
  g_assert_false(br_norms_lookup(norms, 0, "847131", G_MAXINT32, &n));
  br_norms_free(norms);
}

static void
test_time_order(void)
{
  /* Day 1 at 10 per kg (3 declarations), day 5 at 1000 (5): a line of day 5 sees only day 1,
   * one of day 6 sees both. Given in reverse order, which must not matter. */
  BrNormObs obs[8];
  for (guint i = 0; i < 5; i++)
    obs[i] = (BrNormObs){0, "A", 5, lv(1000)};
  for (guint i = 5; i < 8; i++)
    obs[i] = (BrNormObs){0, "A", 1, lv(10)};
  BrNorms *norms = br_norms_new(1, obs, G_N_ELEMENTS(obs));
  BrNorm n;
  g_assert_false(br_norms_lookup(norms, 0, "A", 1, &n));
  g_assert_true(br_norms_lookup(norms, 0, "A", 2, &n));
  g_assert_cmpuint(n.declarations, ==, 3);
  g_assert_cmpfloat_with_epsilon(exp(n.median), 10, 0.1);
  g_assert_true(br_norms_lookup(norms, 0, "A", 5, &n));
  g_assert_cmpuint(n.declarations, ==, 3);
  g_assert_true(br_norms_lookup(norms, 0, "A", 6, &n));
  g_assert_cmpuint(n.declarations, ==, 8);
  g_assert_cmpfloat_with_epsilon(exp(n.median), 1000, 10);
  /* 3 of 8 lie ln(100) = 4.6 away: the MAD (the 4th smallest deviation) is still 0. */
  g_assert_cmpfloat(n.mad, <, 0.011);
  br_norms_free(norms);
}

static void
test_keys_apart(void)
{
  BrNormObs obs[] = {
      {0, "X", 1, lv(5)},
      {1, "X", 1, lv(500)},
      {2, "X", 1, lv(1)}, /* a key the norms do not have: ignored */
      {0, "Y", 1, NAN},   /* not a number: ignored */
  };
  BrNorms *norms = br_norms_new(2, obs, G_N_ELEMENTS(obs));
  BrNorm n;
  g_assert_true(br_norms_lookup(norms, 0, "X", 2, &n));
  g_assert_cmpfloat_with_epsilon(exp(n.median), 5, 0.05);
  g_assert_true(br_norms_lookup(norms, 1, "X", 2, &n));
  g_assert_cmpfloat_with_epsilon(exp(n.median), 500, 5);
  g_assert_false(br_norms_lookup(norms, 2, "X", 2, &n));
  g_assert_false(br_norms_lookup(norms, 0, "Y", 2, &n));
  br_norms_free(norms);
}

static void
test_bounded(void)
{
  /* 200,000 declarations of one commodity over 30 days take 30 steps, not 200,000 rows. */
  guint n = 200000;
  BrNormObs *obs = g_new(BrNormObs, n);
  for (guint i = 0; i < n; i++)
    obs[i] = (BrNormObs){0, "847130", (gint32)(i % 30), lv(50 + (i % 101))};
  BrNorms *norms = br_norms_new(1, obs, n);
  g_free(obs);
  g_assert_cmpuint(br_norms_memory(norms), <=, 30 * 16 + 64);
  BrNorm norm;
  g_assert_true(br_norms_lookup(norms, 0, "847130", G_MAXINT32, &norm));
  g_assert_cmpuint(norm.declarations, ==, n);
  /* 50..150 uniform: the median 100 and the MAD about ln(100/75) .. ln(125/100). */
  g_assert_cmpfloat_with_epsilon(exp(norm.median), 100, 1.5);
  g_assert_cmpfloat(norm.mad, >, 0.2);
  g_assert_cmpfloat(norm.mad, <, 0.3);
  br_norms_free(norms);
}

static void
test_value_per_kg(void)
{
  double x;
  g_assert_true(br_norms_log_value_per_kg(1000, 10, &x));
  g_assert_cmpfloat_with_epsilon(x, log(100), 1e-12);
  g_assert_false(br_norms_log_value_per_kg(1000, 0, &x));
  g_assert_false(br_norms_log_value_per_kg(0, 10, &x));
  g_assert_false(br_norms_log_value_per_kg(-5, 10, &x));
  g_assert_false(br_norms_log_value_per_kg(INFINITY, 10, &x));
}

static void
test_history_owns(void)
{
  GError *error = NULL;
  BrEntityKeys *keys = br_entity_keys_parse("hs6", &error);
  g_assert_no_error(error);
  BrHistory *h = br_history_new_from_outcomes(keys, 0, NULL, 0);
  g_assert_null(br_history_norms(h));
  BrNormObs o = {0, "847130", 1, lv(20)};
  br_history_set_norms(h, br_norms_new(1, &o, 1));
  br_history_set_norms(h, br_norms_new(1, &o, 1));
  BrNorm n;
  g_assert_true(br_norms_lookup(br_history_norms(h), 0, "847130", 2, &n));
  br_history_free(h);
  br_entity_keys_free(keys);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/norms/median_mad", test_median_mad);
  g_test_add_func("/norms/time_order", test_time_order);
  g_test_add_func("/norms/keys_apart", test_keys_apart);
  g_test_add_func("/norms/bounded", test_bounded);
  g_test_add_func("/norms/value_per_kg", test_value_per_kg);
  g_test_add_func("/norms/history_owns", test_history_owns);
  return g_test_run();
}
