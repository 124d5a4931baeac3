#include <math.h>

#include "br_logreg.h"

static double
logit(double p)
{
  return log(p / (1 - p));
}

/* One binary feature and no penalty: the fit is the two groups' log-odds exactly. */
static void
test_closed_form(void)
{
  /* group 0: 100 rows, 20 positive; group 1: 50 rows, 40 positive */
  double x[150], y[150];
  for (int i = 0; i < 150; i++) {
    x[i] = i < 100 ? 0 : 1;
    y[i] = i < 100 ? (i < 20) : (i - 100 < 40);
  }
  GError *error = NULL;
  BrLogreg *m = br_logreg_fit(x, y, 150, 1, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat_with_epsilon(m->intercept, logit(0.2), 1e-7);
  g_assert_cmpfloat_with_epsilon(m->weights[0], logit(0.8) - logit(0.2), 1e-7);
  double row = 1;
  g_assert_cmpfloat_with_epsilon(br_logreg_logit(m, &row), logit(0.8), 1e-7);
  br_logreg_free(m);
}

/* Simulated data with known coefficients: the fit recovers them. */
static void
test_recovers_coefficients(void)
{
  enum { N = 40000, P = 3 };
  const double b = -1.5, w[P] = {2.0, -0.7, 0.0};
  double *x = g_new(double, N *P), *y = g_new(double, N);
  GRand *rand = g_rand_new_with_seed(42);
  for (int i = 0; i < N; i++) {
    x[i * P] = g_rand_double(rand) < 0.3;
    double u1 = g_rand_double_range(rand, 1e-12, 1), u2 = g_rand_double(rand);
    x[i * P + 1] = sqrt(-2 * log(u1)) * cos(2 * G_PI * u2);
    x[i * P + 2] = g_rand_double(rand) < 0.5;
    double z = b + w[0] * x[i * P] + w[1] * x[i * P + 1] + w[2] * x[i * P + 2];
    y[i] = g_rand_double(rand) < 1 / (1 + exp(-z));
  }
  GError *error = NULL;
  BrLogreg *m = br_logreg_fit(x, y, N, P, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat(fabs(m->intercept - b), <, 0.08);
  for (int j = 0; j < P; j++)
    g_assert_cmpfloat(fabs(m->weights[j] - w[j]), <, 0.08);
  g_assert_cmpuint(m->iterations, <=, 15);

  /* A penalty shrinks the weights toward 0, never past it. */
  BrLogreg *shrunk = br_logreg_fit(x, y, N, P, 20000, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat(shrunk->weights[0], >, 0);
  g_assert_cmpfloat(shrunk->weights[0], <, m->weights[0] - 0.3);
  g_assert_cmpfloat(shrunk->weights[1], <, 0);
  g_assert_cmpfloat(shrunk->weights[1], >, m->weights[1] + 0.1);
  br_logreg_free(shrunk);
  br_logreg_free(m);
  g_rand_free(rand);
  g_free(x);
  g_free(y);
}

/* A pack-sized fit at the scale of the KCS data: 45,000 rows, track-record points up to +-8
 * and binary mined rules, some overlapping. The objective is a sum of 45,000 terms, whose
 * rounding noise is far above 1e-14 of its value: the solver must stop at that noise, not
 * crawl on in steps the noise lets through, at every penalty. */
static void
test_converges_at_rounding_noise(void)
{
  enum { N = 45000, P = 35 };
  double *x = g_new(double, (gsize)N *P), *y = g_new(double, N);
  GRand *rand = g_rand_new_with_seed(17);
  for (int i = 0; i < N; i++) {
    double z = -1.3;
    for (int j = 0; j < P; j++) {
      double v;
      if (j < 15)
        v = g_rand_double(rand) < 0.9 ? g_rand_double_range(rand, -1.5, 1.5) * (1 + j % 5) * 3 : 0;
      else if (j < 30)
        v = g_rand_double(rand) < 0.01 * (1 + j % 4);
      else
        v = x[(gsize)i * P + j - 15]; /* a mined rule saying what another says */
      x[(gsize)i * P + j] = v;
      z += (j % 3 == 0 ? 0.6 : -0.1) * v;
    }
    y[i] = g_rand_double(rand) < 1 / (1 + exp(-z));
  }
  for (double l2 = 9; l2 <= 12; l2 += 0.5) {
    GError *error = NULL;
    BrLogreg *m = br_logreg_fit(x, y, N, P, l2, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(m->iterations, <=, 20);
    br_logreg_free(m);
  }
  g_rand_free(rand);
  g_free(x);
  g_free(y);
}

/* At the optimum the penalised gradient vanishes. */
static void
test_gradient_zero_at_optimum(void)
{
  const double x[] = {1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0.5, 2};
  const double y[] = {1, 0, 1, 0, 0, 1, 1, 0};
  const double l2 = 0.7;
  GError *error = NULL;
  BrLogreg *m = br_logreg_fit(x, y, 8, 2, l2, &error);
  g_assert_no_error(error);
  double g[3] = {0, 0, 0};
  for (int i = 0; i < 8; i++) {
    double r = 1 / (1 + exp(-br_logreg_logit(m, x + 2 * i))) - y[i];
    g[0] += r;
    g[1] += r * x[2 * i];
    g[2] += r * x[2 * i + 1];
  }
  g[1] += l2 * m->weights[0];
  g[2] += l2 * m->weights[1];
  for (int j = 0; j < 3; j++)
    g_assert_cmpfloat(fabs(g[j]), <, 1e-6);
  br_logreg_free(m);
}

/* Two copies of one feature have no unique split of weight between them without a penalty;
 * with one, they share it equally. */
static void
test_collinear(void)
{
  double x[40], y[20];
  for (int i = 0; i < 20; i++) {
    x[2 * i] = x[2 * i + 1] = i % 3 == 0;
    y[i] = i % 2;
  }
  GError *error = NULL;
  g_assert_null(br_logreg_fit(x, y, 20, 2, 0, &error));
  g_assert_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_SINGULAR);
  g_clear_error(&error);
  BrLogreg *m = br_logreg_fit(x, y, 20, 2, 1, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat_with_epsilon(m->weights[0], m->weights[1], 1e-9);
  br_logreg_free(m);
}

/* A feature that separates the labels perfectly has no finite unpenalised optimum. */
static void
test_separable(void)
{
  double x[10], y[10];
  for (int i = 0; i < 10; i++)
    x[i] = y[i] = i >= 5;
  GError *error = NULL;
  g_assert_null(br_logreg_fit(x, y, 10, 1, 0, &error));
  g_assert_nonnull(error);
  g_assert_true(error->domain == BR_LOGREG_ERROR);
  g_clear_error(&error);
  BrLogreg *m = br_logreg_fit(x, y, 10, 1, 1, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat(m->weights[0], >, 1);
  g_assert_true(isfinite(m->weights[0]));
  br_logreg_free(m);
}

static void
test_bad_input(void)
{
  double x[2] = {1, 0}, y[2] = {1, 2};
  GError *error = NULL;
  g_assert_null(br_logreg_fit(x, y, 2, 1, 1, &error));
  g_assert_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_INPUT);
  g_assert_nonnull(strstr(error->message, "row 2"));
  g_clear_error(&error);
  y[1] = 0;
  x[0] = NAN;
  g_assert_null(br_logreg_fit(x, y, 2, 1, 1, &error));
  g_assert_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_INPUT);
  g_clear_error(&error);
  g_assert_null(br_logreg_fit(x, y, 0, 1, 1, &error));
  g_assert_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_INPUT);
  g_clear_error(&error);
  x[0] = 1;
  g_assert_null(br_logreg_fit(x, y, 2, 1, -1, &error));
  g_assert_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_INPUT);
  g_clear_error(&error);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/logreg/rounding-noise", test_converges_at_rounding_noise);
  g_test_add_func("/logreg/closed_form", test_closed_form);
  g_test_add_func("/logreg/recovers_coefficients", test_recovers_coefficients);
  g_test_add_func("/logreg/gradient_zero_at_optimum", test_gradient_zero_at_optimum);
  g_test_add_func("/logreg/collinear", test_collinear);
  g_test_add_func("/logreg/separable", test_separable);
  g_test_add_func("/logreg/bad_input", test_bad_input);
  return g_test_run();
}
