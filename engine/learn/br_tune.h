/* Fitting a pack's rule weights from outcomes.
 *
 * A unit's score is the sum over its rules of weight x points (1 for a rule that fires, the
 * evidence of a track record for a points rule), so the weights that best rank units by their
 * odds of a finding are those of a logistic regression of the label on the rules' points
 * (br_logreg.h). The L2 penalty keeps weights of rare or overlapping rules from running off:
 * the fit is meant for next month's manifests, not for the training ones. */
#pragma once

#include <glib.h>

#include "br_rank.h"
#include "br_rules.h"

typedef struct {
  guint nrules;
  double *weights;  /* per rule: fitted, or the pack's weight when the rule never fired */
  gboolean *fitted; /* per rule: it fired on some training unit */
  guint *fires;     /* per rule: training units it fired on */
  double intercept; /* log-odds of a finding for a unit with score 0 */
  guint units, positives;
  guint iterations;
} BrTune;

/* Fits on the labelled units of table (units without a label are left out). */
BrTune *br_tune_fit(BrUnitTable *table, const BrPack *pack, double l2, GError **error);
void br_tune_free(BrTune *tune);
/* weights.ini text: a comment with provenance (may be NULL), then [weights] for fitted rules. */
char *br_tune_weights_ini(const BrTune *tune, const BrPack *pack, const char *provenance);
