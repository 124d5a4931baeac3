/* Writing inspection lists (CSV, JSON Lines) and the run summary.
 *
 * Lists are byte-identical for the same input, pack and seed: nothing here depends on time,
 * thread count or input order. The summary carries the run's timings and lives apart. */
#pragma once

#include <glib.h>

#include "br_fields.h"
#include "br_pipeline.h"
#include "br_rank.h"

typedef enum {
  BR_FORMAT_CSV = 1 << 0,
  BR_FORMAT_JSONL = 1 << 1,
} BrFormat;

/* The file-name-safe form of a port code: letters, digits, '-' and '_' kept; anything else
 * (path separators, dots, control characters) replaced, with a hash suffix so that two
 * different hostile codes can never land in the same file. */
char *br_output_port_filename(const char *port);

void br_output_list_csv(GString *out, const BrPortList *list, const BrPack *pack,
                        gboolean header);
void br_output_list_jsonl(GString *out, const BrPortList *list, const BrPack *pack);
/* Writes list-<PORT>.csv and/or .jsonl for every port into dir (created if needed). */
gboolean br_output_write_lists(GPtrArray *lists, const BrPack *pack, const char *dir,
                               BrFormat formats, GError **error);

typedef struct {
  const char *input;
  const char *profile;
  const BrPack *pack;
  guint64 seed;
  guint threads;
  guint64 rows_read;
  guint64 rows_rejected;
  const char *reject_path; /* NULL when nothing was rejected */
  double elapsed_s;
  const BrPipelineResult *result;
  GPtrArray *lists;                /* BrPortList* */
  const BrFieldResolution *fields; /* rules disabled for fields the input lacks; may be NULL */
} BrRunSummary;

void br_output_summary_json(GString *out, const BrRunSummary *summary);
void br_output_summary_text(GString *out, const BrRunSummary *summary);
