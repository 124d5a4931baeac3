#include "br_logreg.h"

#include <float.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK(br - logreg - error - quark, br_logreg_error)

#define MAX_ITERATIONS 100
#define MAX_HALVINGS 60

/* log(1 + e^z) without overflow for large |z|. */
static double
softplus(double z)
{
  return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

static double
sigmoid(double z)
{
  if (z >= 0)
    return 1.0 / (1.0 + exp(-z));
  double e = exp(z);
  return e / (1.0 + e);
}

/* beta[0] is the intercept, beta[1..p] the weights. */
static double
linear(const double *beta, const double *row, guint p)
{
  double z = beta[0];
  for (guint j = 0; j < p; j++)
    z += beta[j + 1] * row[j];
  return z;
}

/* A sum that carries its own rounding error along (Neumaier's compensated summation): summed
 * naively over 45,000 rows, the objective of two nearby points differs by noise of order
 * sqrt(n) ulps of the sum (about 1e-9 on the KCS data), which drowned the last Newton steps. */
typedef struct {
  double sum, carry, magnitude; /* magnitude: the sum of |terms|, which bounds the noise */
} Sum;

static void
sum_add(Sum *s, double term)
{
  double t = s->sum + term;
  s->carry += fabs(s->sum) >= fabs(term) ? (s->sum - t) + term : (term - t) + s->sum;
  s->sum = t;
  s->magnitude += fabs(term);
}

/* The objective at beta; *noise (when not NULL) bounds its rounding error: each term is
 * computed to a few ulps, and the compensated sum adds about one more. */
static double
objective(const double *x, const double *y, gsize n, guint p, double l2, const double *beta,
          double *noise)
{
  Sum s = {0};
  for (gsize i = 0; i < n; i++) {
    double z = linear(beta, x + i * p, p);
    sum_add(&s, softplus(z));
    sum_add(&s, -y[i] * z);
  }
  for (guint j = 0; j < p; j++)
    sum_add(&s, 0.5 * l2 * beta[j + 1] * beta[j + 1]);
  if (noise)
    *noise = 8 * DBL_EPSILON * s.magnitude;
  return s.sum + s.carry;
}

/* Gradient g and Hessian h (m x m, m = p + 1) of the objective at beta. */
static void
derivatives(const double *x, const double *y, gsize n, guint p, double l2, const double *beta,
            double *g, double *h)
{
  guint m = p + 1;
  memset(g, 0, m * sizeof *g);
  memset(h, 0, (gsize)m * m * sizeof *h);
  for (gsize i = 0; i < n; i++) {
    const double *row = x + i * p;
    double mu = sigmoid(linear(beta, row, p));
    double r = mu - y[i];
    double w = mu * (1.0 - mu);
    g[0] += r;
    h[0] += w;
    for (guint j = 0; j < p; j++) {
      if (row[j] == 0)
        continue;
      double wx = w * row[j];
      g[j + 1] += r * row[j];
      h[j + 1] += wx;
      for (guint k = j; k < p; k++)
        h[(gsize)(j + 1) * m + k + 1] += wx * row[k];
    }
  }
  for (guint j = 0; j < p; j++) {
    g[j + 1] += l2 * beta[j + 1];
    h[(gsize)(j + 1) * m + j + 1] += l2;
  }
  /* Only the upper triangle was summed; the first row doubles as the first column. */
  for (guint j = 1; j < m; j++) {
    h[(gsize)j * m] = h[j];
    for (guint k = j + 1; k < m; k++)
      h[(gsize)k * m + j] = h[(gsize)j * m + k];
  }
}

/* Solves h d = g in place of h (Cholesky, lower factor) and writes d. FALSE when h is not
 * positive definite to working precision. */
static gboolean
cholesky_solve(double *h, const double *g, double *d, guint m)
{
  double scale = 0;
  for (guint j = 0; j < m; j++)
    scale = MAX(scale, fabs(h[(gsize)j * m + j]));
  for (guint j = 0; j < m; j++) {
    double s = h[(gsize)j * m + j];
    for (guint k = 0; k < j; k++)
      s -= h[(gsize)j * m + k] * h[(gsize)j * m + k];
    if (!(s > 1e-12 * (1.0 + scale)))
      return FALSE;
    double ljj = sqrt(s);
    h[(gsize)j * m + j] = ljj;
    for (guint i = j + 1; i < m; i++) {
      double t = h[(gsize)i * m + j];
      for (guint k = 0; k < j; k++)
        t -= h[(gsize)i * m + k] * h[(gsize)j * m + k];
      h[(gsize)i * m + j] = t / ljj;
    }
  }
  for (guint i = 0; i < m; i++) {
    double t = g[i];
    for (guint k = 0; k < i; k++)
      t -= h[(gsize)i * m + k] * d[k];
    d[i] = t / h[(gsize)i * m + i];
  }
  for (guint i = m; i-- > 0;) {
    double t = d[i];
    for (guint k = i + 1; k < m; k++)
      t -= h[(gsize)k * m + i] * d[k];
    d[i] = t / h[(gsize)i * m + i];
  }
  return TRUE;
}

static gboolean
check_input(const double *x, const double *y, gsize n, guint p, double l2, GError **error)
{
  if (n == 0) {
    g_set_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_INPUT, "no rows to fit");
    return FALSE;
  }
  if (!(l2 >= 0) || !isfinite(l2)) {
    g_set_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_INPUT,
                "the L2 penalty must be a finite number >= 0, not %g", l2);
    return FALSE;
  }
  for (gsize i = 0; i < n; i++) {
    if (!(y[i] >= 0 && y[i] <= 1)) {
      g_set_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_INPUT,
                  "row %" G_GSIZE_FORMAT ": label %g is not in [0, 1]", i + 1, y[i]);
      return FALSE;
    }
    for (guint j = 0; j < p; j++)
      if (!isfinite(x[i * p + j])) {
        g_set_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_INPUT,
                    "row %" G_GSIZE_FORMAT ", feature %u: value is not finite", i + 1, j + 1);
        return FALSE;
      }
  }
  return TRUE;
}

BrLogreg *
br_logreg_fit(const double *x, const double *y, gsize n, guint p, double l2, GError **error)
{
  if (!check_input(x, y, n, p, l2, error))
    return NULL;
  guint m = p + 1;
  double *beta = g_new0(double, m);
  double *next = g_new(double, m);
  double *g = g_new(double, m);
  double *d = g_new(double, m);
  double *h = g_new(double, (gsize)m *m);
  BrLogreg *model = NULL;

  double mean = 0;
  for (gsize i = 0; i < n; i++)
    mean += y[i];
  mean = CLAMP(mean / (double)n, 1e-6, 1 - 1e-6);
  beta[0] = log(mean / (1 - mean));
  double noise = 0;
  double f = objective(x, y, n, p, l2, beta, &noise);

  guint iter = 0;
  double decrement = 0;
  for (; iter < MAX_ITERATIONS; iter++) {
    derivatives(x, y, n, p, l2, beta, g, h);
    if (!cholesky_solve(h, g, d, m)) {
      g_set_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_SINGULAR,
                  "no unique fit: features are constant or collinear, or the labels are "
                  "separated by them; use an L2 penalty above 0");
      goto out;
    }
    /* The Newton decrement g.d/2 is how far above its minimum the objective still is. Below
     * the objective's rounding noise no step can be told from another: beta is the optimum
     * as far as the data can say. */
    decrement = 0;
    for (guint j = 0; j < m; j++)
      decrement += g[j] * d[j];
    if (decrement / 2 <= MAX(noise, 1e-14 * (1.0 + fabs(f))))
      break;
    double t = 1, fnext = f;
    guint halvings = 0;
    for (; halvings < MAX_HALVINGS; halvings++, t /= 2) {
      for (guint j = 0; j < m; j++)
        next[j] = beta[j] - t * d[j];
      fnext = objective(x, y, n, p, l2, next, &noise);
      if (fnext <= f - 1e-4 * t * decrement)
        break;
    }
    if (halvings == MAX_HALVINGS)
      break; /* no descent left at working precision: beta is the optimum */
    memcpy(beta, next, m * sizeof *beta);
    f = fnext;
  }
  if (iter == MAX_ITERATIONS) {
    /* Not a matter of the penalty: any penalty makes the problem strictly convex. */
    g_set_error(error, BR_LOGREG_ERROR, BR_LOGREG_ERROR_DIVERGED,
                "no convergence in %d Newton steps (still %.3g above the optimum, rounding noise "
                "%.3g): a feature with extreme values?",
                MAX_ITERATIONS, decrement / 2, noise);
    goto out;
  }
  model = g_new0(BrLogreg, 1);
  model->nfeatures = p;
  model->intercept = beta[0];
  model->weights = g_memdup2(beta + 1, p * sizeof *beta);
  model->iterations = iter;
  model->objective = f;
out:
  g_free(beta);
  g_free(next);
  g_free(g);
  g_free(d);
  g_free(h);
  return model;
}

void
br_logreg_free(BrLogreg *model)
{
  if (!model)
    return;
  g_free(model->weights);
  g_free(model);
}

double
br_logreg_logit(const BrLogreg *model, const double *row)
{
  double z = model->intercept;
  for (guint j = 0; j < model->nfeatures; j++)
    z += model->weights[j] * row[j];
  return z;
}
