/* The scoring pipeline: the calling thread reads batches from the feed, N worker threads
 * score them (each with its own evaluator, i.e. its own Lua state) and roll lines up into
 * their own unit tables, which merge when the input ends.
 *
 * Batches circulate between a free queue and a work queue, so the number of records in
 * flight, and the memory they take, is bounded whatever the input size. */
#pragma once

#include <glib.h>

#include "br_amend.h"
#include "br_entities.h"
#include "br_feed.h"
#include "br_unit_runs.h"
#include "br_units.h"
#include "br_rules.h"

/* A scored line and the unit it rolled up to: what lets a second read of the input parse
 * only the lines of the units it needs. */
typedef struct {
  guint64 order;   /* BR_AMEND_ORDER(input, line) */
  guint unit_hash; /* br_unit_key_hash(port, unit) */
} BrLineUnit;

typedef void (*BrProgressFunc)(guint64 rows, guint64 bytes, gpointer data);

typedef struct {
  guint threads;                /* 0: one per core */
  guint batch_size;             /* records per batch; 0: default */
  BrProgressFunc progress;      /* called from the reading thread after each batch; may be NULL */
  BrEntityKeys *entity_keys;    /* when set, bound to the input and each unit's entity values
                                 * (parties, HS6, route ...) are collected for the store */
  const BrHistory *history;     /* track records for history rules; its keys must be
                                 * entity_keys */
  int history_cut;              /* BrHistoryCut: where each line's view of the history ends */
  const BrWatchSet *watch;      /* watchlists for on_watchlist/listed rules; NULL: none */
  const BrReference *reference; /* code tables for unknown_locode/hs/size_type rules */
  gboolean parse_only;          /* read and parse, score nothing: the throughput ceiling */
  const char *label_field;      /* backtests: a numeric field giving each line's known outcome */
  guint input_index;            /* the input's place in the run: orders versions across files */
  gboolean track_versions;      /* keep each line's version (br_amend.h) in the result */
  gboolean tag_lines;           /* keep each scored line's BrLineUnit in the result */
  const BrAmendments *amendments; /* resolved versions: superseded lines are skipped */
  gpointer progress_data;
  /* When set, the units go to these sorted runs instead of result->units: each worker sorts
   * its own table at the end and adds it, and spills it to disk whenever it passes its share
   * of unit_budget bytes (0: never), so that memory stays bounded whatever the input size.
   * Entity values are not kept (result->entities stays NULL). */
  BrUnitRuns *runs;
  gsize unit_budget;
} BrPipelineOptions;

typedef struct {
  BrUnitTable *units;      /* every unit seen, rolled up; NULL when they went to runs */
  BrEntityTable *entities; /* entity values per unit; NULL without entity_keys */
  guint64 lines_scored;
  guint64 lines_numbered;  /* lines with no unit, fallback or record id: their unit is named
                            * after the line number, which only the whole input gives */
  guint nrules;
  guint64 *fire_counts;    /* per rule, over all lines */
  guint64 *failure_counts; /* per rule */
  char **failure_messages; /* per rule: first failure, or NULL */
  gboolean *disabled;      /* per rule: switched off by the breaker ([limits] max_failures) */
  guint threads_used;
  GArray *versions;        /* BrLineVersion of every line with a B/L, when tracked; sorted
                            * (br_amend_sort) */
  GArray *line_units;      /* BrLineUnit of every scored line, when tagged; in no set order */
} BrPipelineResult;

gboolean br_pipeline_run(BrFeed *feed, const BrPack *pack, const BrPipelineOptions *options,
                         BrPipelineResult *result, GError **error);
void br_pipeline_result_clear(BrPipelineResult *result);
/* Adds the result of another input of the same run (same pack) to dst and clears src. Units
 * of the same port and id roll up across inputs as they do within one. */
void br_pipeline_result_merge(BrPipelineResult *dst, BrPipelineResult *src);
