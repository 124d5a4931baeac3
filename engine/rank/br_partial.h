/* Partials: one partition of a run's input, scored and rolled up, written to a file that
 * `boxrank merge` combines with the other partitions' into the lists one process would have
 * written (docs/scale.md has the plan and the format).
 *
 * A partial holds every unit the partition saw, rolled up over the partition's lines: a unit
 * whose lines fall in several partitions is completed by the merge, which rolls the pieces up
 * as the pipeline's workers roll up their tables. Selection runs only after the merge, and it
 * depends on units alone (scores, seeded hashes of port and unit id), so the seed given to the
 * merge draws what one process would draw. */
#pragma once

#include <glib.h>

#include "br_fields.h"
#include "br_output.h"
#include "br_pipeline.h"
#include "br_rank.h"
#include "br_unit_runs.h"
#include "br_watchset.h"

/* What a partition's run knows besides its units. */
typedef struct {
  const char *list_date; /* YYYY-MM-DD: history rules see labels before it */
  const char *input;     /* the partition's input names */
  const char *profile;   /* NULL: none */
  guint64 rows_read;
  guint64 rows_rejected;
  const char *reject_path;         /* NULL when nothing was rejected */
  const BrWatchSet *watch;         /* NULL: none */
  const GArray *rules_off; /* br_output_rules_off of the partition; may be NULL */
  const BrPipelineResult *result; /* its counts */
  BrUnitRuns *runs;               /* its units */
} BrPartialInfo;

/* Writes the partial to path (a temporary file renamed into place). Units are written sorted
 * by (port, unit), each complete (a k-way merge of the runs), so the same partition gives the
 * same bytes with any thread count and memory budget. *units: how many were written. */
gboolean br_partial_write(const char *path, const BrPack *pack, const BrPartialInfo *info,
                          guint64 *units, GError **error);

/* Partials read back: their counts added up, their units read as sorted runs when the lists
 * are drawn. */
typedef struct {
  BrPipelineResult result; /* per-rule counts over every partial */
  BrUnitRuns *runs;        /* the partials' units */
  guint64 units;           /* the run's units, once br_partial_merge_select counted them */
  char *list_date;
  GString *inputs;  /* the partitions' input names, comma-separated, in the order added */
  GString *rejects; /* their reject files, likewise; empty when nothing was rejected */
  char *profile;    /* the first partial's */
  guint64 rows_read;
  guint64 rows_rejected;
  BrWatchSet *watch;         /* the watchlists' names and hashes (no entries); NULL: none */
  GPtrArray *resolutions;    /* BrFieldResolution*, one per partial: the rules each had
                              * switched off for fields its input lacks (br_output_rules_off
                              * makes the run's from them) */
  guint partials;
  /* private */
  const BrPack *pack;
  GStringChunk *strings;
  char *watch_key; /* the watchlists as one string, to check that every partial agrees */
} BrPartialMerge;

BrPartialMerge *br_partial_merge_new(const BrPack *pack);
/* Reads one partial's header and counts into the merge. Fails naming the file when it is not
 * a partial, is cut short, or was made with another pack, list date or watchlists than the
 * partials before. */
gboolean br_partial_merge_add(BrPartialMerge *merge, const char *path, GError **error);
/* Completes every unit in a k-way merge of the partials' sorted units and draws the lists
 * (BrPortList*, by port) with seed, holding per port only what can be listed: the lists one
 * process would write. Fails naming the file and byte when a partial's units are damaged or
 * out of order. */
GPtrArray *br_partial_merge_select(BrPartialMerge *merge, guint64 seed, GError **error);
void br_partial_merge_free(BrPartialMerge *merge);
