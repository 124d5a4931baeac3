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

/* Scores a labelled file: opens it with the profile and runs the pipeline with the label
 * column, collecting each unit's values of keys (may be NULL), with history rules reading
 * history (may be NULL; its keys must be keys) cut per line by cut (BrHistoryCut). Rows the
 * feed rejects are added to *rejected (may be NULL). */
gboolean br_labels_score_file(const char *path, const BrProfile *profile, const BrPack *pack,
                              const char *label_field, BrEntityKeys *keys, const BrHistory *history,
                              int cut, guint threads, BrPipelineResult *result, guint64 *rejected,
                              GError **error);
/* The history of the labelled units of files (NULL-terminated paths; may be NULL) and of also
 * (one more file, e.g. the backtested one; may be NULL) for keys, which must outlive it; *units
 * (may be NULL) is set to how many units it learnt from. */
BrHistory *br_labels_history(const char *const *files, const char *also, const BrProfile *profile,
                             const BrPack *pack, const char *label_field, BrEntityKeys *keys,
                             guint threads, guint *units, guint64 *rejected, GError **error);
