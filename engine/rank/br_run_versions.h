/* Which versions of a run's lines go to the store (br_line_versions.h), and their text.
 *
 * After scoring, every line with a B/L has left its version (br_amend.h). Those of a key met
 * more than once in the run are versions to keep; so are this run's lines whose key an
 * earlier run within BR_RUN_VERSIONS_DAYS read from another file (a deletion of a line no
 * run has seen has nothing to supersede and is not kept). Their text comes from
 * the second read of the inputs that collects the worklist's lines (br_run_details.h), so
 * scoring keeps nothing per line beyond its 16-byte key. */
#pragma once

#include <glib.h>

#include "br_amend.h"
#include "br_feed.h"
#include "br_store.h"

/* How far back, in days before the list date, a run looks for earlier versions of its lines:
 * amendments of a manifest come before its goods are released, well within this. */
#define BR_RUN_VERSIONS_DAYS 90

typedef struct BrRunVersions BrRunVersions;

/* versions: the run's BrLineVersion, sorted by br_amendments_resolve, which gave amend (NULL
 * when nothing was amended); input_sha: the SHA-256 of each of the ninputs inputs by index
 * (NULL for standard input). */
BrRunVersions *br_run_versions_plan(BrStore *store, const GArray *versions,
                                    const BrAmendments *amend, const char *list_date,
                                    const char *const *input_sha, guint ninputs, GError **error);
void br_run_versions_free(BrRunVersions *rv);
/* Lines whose text is still wanted (0: the second read may skip them all). */
guint br_run_versions_wanted(const BrRunVersions *rv);
/* The line at order is one of the versions to record. */
gboolean br_run_versions_wants(const BrRunVersions *rv, guint64 order);
/* Keeps the line at order, which br_run_versions_wants. fields: its JSON. */
void br_run_versions_take(BrRunVersions *rv, guint64 order, const BrSchema *schema,
                          const BrValue *rec, const char *port, const char *unit,
                          const char *fields);
/* Versions recorded for this run, and earlier lines found again (for messages and tests). */
guint br_run_versions_kept(const BrRunVersions *rv);
guint br_run_versions_earlier(const BrRunVersions *rv);
/* Writes the run's key blob and versions in the caller's transaction. started_at: Unix s. */
gboolean br_run_versions_record(BrStore *store, gint64 run_id, gint64 started_at, BrRunVersions *rv,
                                GError **error);
