/* Amendments: a manifest line re-sent for the same B/L x container.
 *
 * A line is known by its B/L, container and, when the manifest gives one, its record id: a
 * container may carry several goods lines of one B/L, which are not versions of each other.
 * Every scored line leaves its version: a 128-bit hash of that key, its order in the run
 * (input index, then line) and what it does (its "amendment" field: BrAmendAction). After the
 * run the versions are resolved: a replacement or cancellation of a whole B/L first drops the
 * B/L's lines before it, then per key the latest remaining version by that order wins, and a
 * key whose latest version is a deletion loses every line. The order is the order of the files on
 * the command line, then of lines in each file (messages in file order for EDI), so the outcome
 * does not depend on threads or on which worker met which line. When anything is superseded the run
 * is scored again without those lines, and the units of the winning versions are marked amended. */
#pragma once

#include <glib.h>

/* What a version does (docs/profiles.md, Amendments): an original or a change replaces
 * the earlier version of its own line; a deletion deletes its line (a line without a container
 * deletes its whole B/L); a replacement is its whole B/L anew, so the B/L's earlier lines that
 * it leaves out are dropped; a cancellation deletes the whole B/L as sent so far. */
typedef enum {
  BR_AMEND_ORIGINAL,
  BR_AMEND_CHANGE,
  BR_AMEND_REPLACE,
  BR_AMEND_DELETE,
  BR_AMEND_CANCEL,
} BrAmendAction;

typedef struct {
  guint64 key[2];
  guint64 order; /* input index << 40 | line */
  guint64 bol;   /* hash of the B/L alone */
  guint32 msg;   /* hash of the message the line came in (EDI); 0: none (CSV) */
  guint8 action; /* BrAmendAction */
  guint8 whole;  /* the action is on the whole B/L */
} BrLineVersion;

#define BR_AMEND_ORDER(input, line) (((guint64)(input) << 40) | (guint64)(line))

/* The key hash of a line (container and record may be NULL); FALSE when it has no B/L. */
gboolean br_amend_key(const char *bol, const char *container, const char *record, guint64 key[2]);
/* The action named by text (original, change, replace, delete or cancel, ASCII case ignored);
 * NULL or empty is an original. FALSE for any other text. */
gboolean br_amend_action_parse(const char *text, BrAmendAction *out);
const char *br_amend_action_name(BrAmendAction action);
/* Fills v for a line; action is the line's amendment text (an unknown one counts as an
 * original, see br_amend_action_parse), message its source (NULL: none). FALSE when the line
 * has no B/L. */
gboolean br_amend_version(BrLineVersion *v, const char *bol, const char *container,
                          const char *record, const char *action, const char *message,
                          guint64 order);

/* Sorts versions by key, then order: what br_amendments_resolve works on. Each worker sorts
 * its own lines' versions, so that the run's end only merges them. */
void br_amend_sort(GArray *versions);
/* Merges src into dst, both sorted by br_amend_sort; dst stays sorted. */
void br_amend_merge(GArray *dst, const GArray *src);

typedef struct BrAmendments BrAmendments;

/* Resolves versions (sorted in place unless they are already). NULL when no key has two
 * versions and none deletes: nothing to do. */
BrAmendments *br_amendments_resolve(GArray *versions);
void br_amendments_free(BrAmendments *a);
/* A line that a later version of its key supersedes, or whose key is deleted. */
gboolean br_amendments_skip(const BrAmendments *a, guint64 order);
/* The winning version of a key that had several. */
gboolean br_amendments_amended(const BrAmendments *a, guint64 order);
guint br_amendments_keys_amended(const BrAmendments *a);
guint br_amendments_keys_deleted(const BrAmendments *a);
guint br_amendments_lines_dropped(const BrAmendments *a);
