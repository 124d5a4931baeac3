/* Amendments: a manifest line re-sent for the same B/L x container.
 *
 * A line is known by its B/L, container and, when the manifest gives one, its record id: a
 * container may carry several goods lines of one B/L, which are not versions of each other.
 * Every scored line leaves its version: a 128-bit hash of that key, its order
 * in the run (input index, then line) and whether it deletes (an "amendment" field reading
 * "delete", as CUSCAR function 3/1 and X12 M13 D give it). After the run the versions are
 * resolved: per key the latest version by that order wins, and a key whose latest version is
 * a deletion loses every line. The order is the order of the files on the command line, then
 * of lines in each file (messages in file order for EDI), so the outcome does not depend on
 * threads or on which worker met which line. When anything is superseded the run is scored
 * again without those lines, and the units of the winning versions are marked amended. */
#pragma once

#include <glib.h>

typedef struct {
  guint64 key[2];
  guint64 order; /* input index << 40 | line */
  gboolean deleted;
} BrLineVersion;

#define BR_AMEND_ORDER(input, line) (((guint64)(input) << 40) | (guint64)(line))

/* The key hash of a line (container and record may be NULL); FALSE when it has no B/L. */
gboolean br_amend_key(const char *bol, const char *container, const char *record, guint64 key[2]);

typedef struct BrAmendments BrAmendments;

/* Resolves versions (sorted in place). NULL when no key has two versions and none deletes:
 * nothing to do. */
BrAmendments *br_amendments_resolve(GArray *versions);
void br_amendments_free(BrAmendments *a);
/* A line that a later version of its key supersedes, or whose key is deleted. */
gboolean br_amendments_skip(const BrAmendments *a, guint64 order);
/* The winning version of a key that had several. */
gboolean br_amendments_amended(const BrAmendments *a, guint64 order);
guint br_amendments_keys_amended(const BrAmendments *a);
guint br_amendments_keys_deleted(const BrAmendments *a);
guint br_amendments_lines_dropped(const BrAmendments *a);
