/* Replaying history in time order with the feedback an agency really gets.
 *
 * A real agency learns outcomes only for the units it inspects. The replay scores the
 * backtested file period by period, each period with the history gathered so far (the
 * --history files, then the earlier periods' outcomes), selects each day's lists per port as
 * `rank` does (targeted picks within capacity, the random share, the explore share) and then
 * lets the history grow: from every labelled unit of the period (BR_FEEDBACK_ALL, the usual
 * backtest) or only from the units its lists inspected (BR_FEEDBACK_INSPECTED). A pack that
 * only learns from its own picks can drift into a self-fulfilling loop; the replay measures
 * it: precision@k over all units of each period, the hits the lists found, and the hit rates
 * of targeted, explore and random picks. */
#pragma once

#include <glib.h>

#include "br_backtest.h"
#include "br_labels.h"

typedef enum { BR_FEEDBACK_ALL, BR_FEEDBACK_INSPECTED } BrFeedback;

gboolean br_feedback_parse(const char *text, BrFeedback *out);
const char *br_feedback_name(BrFeedback feedback);

/* Inspections and findings of one kind of pick. */
typedef struct {
  guint inspected, hits;
} BrPicks;

typedef struct {
  char *name;
  guint units, positives;
  BrAtK *at;                        /* per k, over all the period's units */
  BrPicks targeted, explore, random; /* the day lists' picks */
  guint learnt;                     /* outcomes the history gained from the period */
} BrFeedbackPeriod;

typedef struct {
  BrFeedback feedback;
  guint nk;
  double *ks;
  GPtrArray *periods; /* BrFeedbackPeriod*, in time order */
} BrFeedbackRun;

/* run->keys must be set. period is month, week or day. */
BrFeedbackRun *br_feedback_run(const BrLabelsRun *run, const char *const *history_files,
                               const char *manifest, BrFeedback feedback, BrPeriod period,
                               const double *ks, guint nk, guint64 seed, guint64 *rejected,
                               GError **error);
void br_feedback_run_free(BrFeedbackRun *fb);
/* The replays side by side, period by period (all of them share periods and ks). */
void br_feedback_text(GString *out, BrFeedbackRun *const *runs, guint nruns);
