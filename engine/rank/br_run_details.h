/* What a worklist needs of each selected unit beyond its score: the manifest lines it carries
 * (B/L, parties, goods, HS code, origin, ports, vessel or truck, arrival ...) and its reasons
 * with the points each rule contributed, so that an officer can work from the list alone.
 *
 * The lines are collected by reading the input a second time after selection, keeping only
 * the lines of the few units selected: scoring, which reads every line, stays untouched. An
 * input read from standard input cannot be read again; its units get reasons but no lines. */
#pragma once

#include <glib.h>

#include "br_amend.h"
#include "br_input.h"
#include "br_profile.h"
#include "br_rank.h"
#include "br_rules.h"
#include "br_run_record.h"
#include "br_run_versions.h"
#include "br_store.h"

typedef struct BrRunDetails BrRunDetails;

/* Reads the inputs (those not "-"; CSV ones through profile, EDI ones in their own layout,
 * format as br_input_open takes it) and keeps, for every unit in lists (BrPortList*), each of
 * its lines as a JSON object of the fields present, keyed by the schema's names. Lines that
 * amend (may be NULL) supersedes or deletes are not the unit's: they are left out. The lines
 * versions (may be NULL) wants are handed to it. line_units (BrLineUnit of the scoring, may
 * be NULL: every line is parsed) names the lines to parse; the rest are passed over. */
BrRunDetails *br_run_details_collect(const char *const *paths, guint npaths, BrInputFormat format,
                                     const BrProfile *profile, const BrPack *pack, GPtrArray *lists,
                                     const BrAmendments *amend, BrRunVersions *versions,
                                     const GArray *line_units, GError **error);
void br_run_details_free(BrRunDetails *details);
/* Lines kept for a unit (0 when it has none). */
guint br_run_details_lines(const BrRunDetails *details, const char *port, const char *unit);

/* Writes, in one transaction, the reasons of every selected unit of run run_id (best
 * contribution first: rule weight times its points) and their lines from details (may be
 * NULL), the run's line versions (may be NULL; started_at: Unix seconds) and an audit row for
 * the run. */
gboolean br_run_details_record(BrStore *store, gint64 run_id, GPtrArray *lists, const BrPack *pack,
                               const BrRunDetails *details, BrRunVersions *versions,
                               gint64 started_at, GError **error);

/* Where a run's details come from: what br_run_details_collect reads. */
typedef struct {
  const char *const *paths;
  guint npaths;
  BrInputFormat format;
  const BrProfile *profile;
  const BrAmendments *amend; /* may be NULL */
  BrRunVersions *versions;   /* may be NULL */
  const GArray *line_units;  /* BrLineUnit of the scoring; may be NULL */
} BrRunDetailsSource;

/* Records a run (br_store_record_run) and the details of its selected units
 * (br_run_details_record, with the run's started_at) in one transaction, so that no run is
 * ever stored without its reasons, line versions and audit row: the details are read from
 * source on a thread of their own while the run is recorded. Returns the run id, or 0 with
 * error set and the store as it was. */
gint64 br_run_details_record_run(BrStore *store, const BrRunRecord *run, GPtrArray *lists,
                                 const BrPack *pack, const BrRunDetailsSource *source,
                                 GError **error);
