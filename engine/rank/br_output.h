/* Writing inspection lists (CSV, JSON Lines) and the run summary.
 *
 * Lists are byte-identical for the same input, pack and seed but for the run id of their
 * stamp: nothing else here depends on time, thread count or input order. The summary carries
 * the run's timings and lives apart. */
#pragma once

#include <glib.h>

#include "br_fields.h"
#include "br_pipeline.h"
#include "br_rank.h"
#include "br_watchset.h"

typedef enum {
  BR_FORMAT_CSV = 1 << 0,
  BR_FORMAT_JSONL = 1 << 1,
} BrFormat;

/* The file-name-safe form of a port code: letters, digits, '-' and '_' kept; anything else
 * (path separators, dots, control characters) replaced, with a hash suffix so that two
 * different hostile codes can never land in the same file. */
char *br_output_port_filename(const char *port);

/* What every list row carries, so that a list file says which run made it and from what
 * (README "Run stamp"): with the pack's name, version and hash. */
typedef struct {
  const char *run_id;    /* unique per run: UTC start time and random bits */
  const char *list_date; /* YYYY-MM-DD the lists are for */
  guint64 seed;
  const BrWatchSet *watch; /* the watchlists screened against; NULL: none */
  /* The rules switched off for the run, which the lists cannot show (br_output_rules_off);
   * NULL: none. */
  const GArray *rules_off;
} BrListStamp;

/* The rules a run switched off, as BrRuleOff in rule order: for each rule, every field some
 * input lacks (resolutions: BrFieldResolution*, one per input; may be NULL), then field NULL
 * when the breaker switched it off ([limits] max_failures). Free with g_array_unref. */
GArray *br_output_rules_off(const BrPipelineResult *result, GPtrArray *resolutions);
/* Appends why a rule was switched off as the stamp and the store write it: "failing" (the
 * breaker) or "missing:FIELD". */
void br_output_rule_off_why(GString *out, const BrRuleOff *off);

/* A new run id: "YYYYMMDDTHHMMSSZ-" and 8 random hex digits. */
char *br_output_run_id(gint64 unix_seconds);

void br_output_list_csv(GString *out, const BrPortList *list, const BrPack *pack,
                        const BrListStamp *stamp, gboolean header);
void br_output_list_jsonl(GString *out, const BrPortList *list, const BrPack *pack,
                          const BrListStamp *stamp);
/* Removes from dir what an earlier run wrote there (list-*.csv, list-*.jsonl, summary.json),
 * so that no list of an earlier run can be taken for one of this run: a port missing from
 * today's input has no list, not yesterday's. Other files stay. */
gboolean br_output_clear(const char *dir, GError **error);
/* Writes list-<PORT>.csv and/or .jsonl for every port into dir (created if needed), each
 * written whole and renamed into place. */
gboolean br_output_write_lists(GPtrArray *lists, const BrPack *pack, const BrListStamp *stamp,
                               const char *dir, BrFormat formats, GError **error);

typedef struct {
  const char *input;
  const char *profile;
  const BrPack *pack;
  const BrListStamp *stamp;
  guint threads;
  guint64 rows_read;
  guint64 rows_rejected;
  const char *reject_path; /* NULL when nothing was rejected */
  double elapsed_s;
  guint64 units; /* the run's inspection units */
  const BrPipelineResult *result;
  GPtrArray *lists; /* BrPortList* */
} BrRunSummary;

void br_output_summary_json(GString *out, const BrRunSummary *summary);
void br_output_summary_text(GString *out, const BrRunSummary *summary);
