/* L2-regularised logistic regression, fitted by Newton's method.
 *
 * Rule weights are additive log-odds points (DESIGN.md §2), so fitting them from outcomes is a
 * logistic regression of the label on the rules' contributions. Packs have tens to a few
 * hundred rules, so the (p+1)x(p+1) Hessian is small and Newton converges in a handful of
 * iterations where gradient descent would need step-size tuning; a backtracking line search
 * keeps every step a descent step.
 *
 * The objective minimised is
 *
 *     sum_i [ log(1 + exp(z_i)) - y_i z_i ]  +  l2/2 * sum_j w_j^2,   z_i = b + sum_j w_j x_ij
 *
 * over all n rows (not their mean: l2 is worth l2 pseudo-rows of evidence against each weight);
 * the intercept b is not penalised. Labels y_i lie in [0, 1]. */
#pragma once

#include <glib.h>

#define BR_LOGREG_ERROR (br_logreg_error_quark())
GQuark br_logreg_error_quark(void);

typedef enum {
  BR_LOGREG_ERROR_INPUT,    /* no rows, a label outside [0, 1], a value not finite */
  BR_LOGREG_ERROR_SINGULAR, /* no unique optimum (l2 = 0 with collinear or constant features) */
  BR_LOGREG_ERROR_DIVERGED, /* no convergence within the iteration limit */
} BrLogregErrorCode;

typedef struct {
  guint nfeatures;
  double intercept;
  double *weights; /* nfeatures */
  guint iterations;
  double objective; /* at the optimum */
} BrLogreg;

/* x: n rows of p features, row-major; y: n labels. l2 >= 0. Returns NULL with error set when
 * the data admit no fit. */
BrLogreg *br_logreg_fit(const double *x, const double *y, gsize n, guint p, double l2,
                        GError **error);
void br_logreg_free(BrLogreg *model);
/* The fitted log-odds b + w.x of one row of p features. */
double br_logreg_logit(const BrLogreg *model, const double *row);
