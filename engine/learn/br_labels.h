/* Labelled history as track records.
 *
 * Backtests and weight tuning learn from files whose lines carry a known outcome (a label
 * column) instead of from inspections recorded in the store. Each unit of such a file with a
 * label counts as one inspection of each of its entity values, a finding when the label is
 * above 0, dated by the unit's earliest line: the same counting br_history_load does for
 * stored outcomes, so a pack scores labelled history the way it would score live runs. */
#pragma once

#include <glib.h>

#include "br_history.h"
#include "br_pipeline.h"

/* What scoring labelled files needs: the input's profile, the pack, the label column, the
 * entity keys whose values units collect (may be NULL; history given to a scoring must have
 * these keys), reference tables for the pack's code checks (may be NULL), worker threads. */
typedef struct {
  const BrProfile *profile;
  const BrPack *pack;
  const char *label_field;
  BrEntityKeys *keys;
  const BrReference *reference;
  guint threads;
} BrLabelsRun;

/* Scores a labelled file with history rules reading history (may be NULL) cut per line by cut
 * (BrHistoryCut). Rows the feed rejects are added to *rejected (may be NULL). */
gboolean br_labels_score_file(const BrLabelsRun *run, const char *path, const BrHistory *history,
                              int cut, BrPipelineResult *result, guint64 *rejected, GError **error);
/* The history of the labelled units of files (NULL-terminated paths; may be NULL) and of also
 * (one more file, e.g. the backtested one; may be NULL) for run->keys, which must outlive it;
 * *units (may be NULL) is set to how many units it learnt from. When the pack has value_norm
 * rules, the history also gets the value norms (br_norms.h) of every declaration of those
 * files, labelled or not. */
BrHistory *br_labels_history(const BrLabelsRun *run, const char *const *files, const char *also,
                             guint *units, guint64 *rejected, GError **error);

/* Outcomes gathered step by step, for a history that grows as a replay goes: the labelled
 * units of files first, then of scored results, as chosen. */
typedef struct BrLabelsOutcomes BrLabelsOutcomes;
/* Starts with the labelled units of files (NULL-terminated; may be NULL). run and files must
 * outlive it. */
BrLabelsOutcomes *br_labels_outcomes_new(const BrLabelsRun *run, const char *const *files,
                                         guint64 *rejected, GError **error);
/* Adds the labelled units of result that keep accepts (NULL: all); returns how many. */
guint br_labels_outcomes_add(BrLabelsOutcomes *acc, const BrPipelineResult *result,
                             gboolean (*keep)(const BrUnit *, gpointer), gpointer data);
/* A history of everything gathered so far, with the value norms of the declarations of the
 * starting files (those of the replayed periods are not added). */
BrHistory *br_labels_outcomes_history(const BrLabelsOutcomes *acc, GError **error);
void br_labels_outcomes_free(BrLabelsOutcomes *acc);
