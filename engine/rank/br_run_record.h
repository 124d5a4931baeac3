/* Recording a run in the store: what was ranked, with which pack, and what was selected. */
#pragma once

#include <glib.h>

#include "br_entities.h"
#include "br_fields.h"
#include "br_rank.h"
#include "br_rules.h"
#include "br_store.h"
#include "br_watchset.h"

typedef struct {
  const char *path;
  const char *sha256; /* hex, from br_store_sha256_file */
} BrRunInput;

typedef struct {
  const char *run_key;     /* the run id of the list stamp; NULL: none */
  const BrWatchSet *watch; /* the watchlists screened against, whose hashes are recorded;
                            * NULL: none */
  gint64 started_at;       /* Unix seconds, UTC */
  gint64 finished_at; /* Unix seconds, UTC */
  const char *as_of;  /* YYYY-MM-DD the lists are for; NULL: the UTC date of started_at.
                       * Outcomes link to selections of runs with as_of <= their date. */
  const BrRunInput *inputs;
  guint ninputs;
  const char *profile; /* column profile name or path; NULL for the identity profile */
  guint threads;
  guint64 seed;
  guint64 lines_read;
  guint64 lines_rejected;
  guint64 units;
  const guint64 *fire_counts;    /* per rule index, over all lines; NULL when not counted */
  const guint64 *failure_counts; /* per rule index; NULL when not counted */
  const GArray *rules_off;       /* BrRuleOff of br_output_rules_off; NULL: none */
  const BrEntityTable *entities; /* entity values of every unit; NULL records none */
} BrRunRecord;

/* Records a run in one transaction: the run (pack name, version, hash and folder from pack),
 * its inputs, the pack's rules (id, title, weight, fire and failure counts) so reports can
 * name them after the pack changes, and which were switched off; per-port counts, every selection with its fired rules,
 * and the entity values of the units in run->entities. Outcomes already stored for units of
 * this run are linked again (a run recorded after its outcomes were imported still counts).
 * Returns the run id, or 0 with error set. */
gint64 br_store_record_run(BrStore *store, const BrRunRecord *run, GPtrArray *port_lists,
                           const BrPack *pack, GError **error);
