/* Every version of an amended manifest line, with its time (docs/store.md "Line versions").
 *
 * A line is known by its key: a hash of its B/L, container and record id (br_amend_key). Two
 * things are stored per run:
 * - run_line_keys: one blob per run with every line's key (its first 64 bits) and place
 *   (input << 40 | line), 16 bytes a line, sorted by key, so that a later run can find the
 *   lines it sends again without a row per line;
 * - line_versions: one row per version of a key that has more than one (within the run, or
 *   across runs), linked to the version that superseded it.
 * History and outcomes do not read these tables: they go by unit and port as before. */
#pragma once

#include <glib.h>

#include "br_store.h"

typedef struct {
  guint64 key;   /* the first 64 bits of the line's key hash */
  guint64 order; /* input << 40 | line, as BR_AMEND_ORDER */
} BrLineKey;

/* A line of an earlier run with the key of a line of this run. */
typedef struct {
  guint64 key;
  gint64 run_id;
  guint64 order; /* its place in that run */
} BrLineKeyHit;

/* Which of this run's ninputs inputs (input_sha: their SHA-256, NULL for standard input) a
 * run stored with an as_of on or after since (YYYY-MM-DD) read already: ranking a file again
 * sends nothing anew. An array of ninputs (free with g_free), or NULL with error set. */
gboolean *br_line_keys_read_before(BrStore *store, const char *since, const char *const *input_sha,
                                   guint ninputs, GError **error);

/* Finds, for each key of keys (sorted by key) with a line from a file not read_before, the
 * latest line with that key in the latest run stored with an as_of on or after since, and
 * appends them to hits (BrLineKeyHit, sorted by key). */
gboolean br_line_keys_find_earlier(BrStore *store, const BrLineKey *keys, gsize n,
                                   const char *since, const gboolean *read_before, GArray *hits,
                                   GError **error);

/* One version of this run's lines. */
typedef struct {
  guint64 key;
  guint64 order;
  const char *bol, *container, *record, *port, *unit;
  const char *action; /* original, change, replace, delete or cancel; NULL: not given */
  const char *source; /* NULL: none */
  const char *fields; /* JSON object */
  gboolean dropped;   /* off the lists: a whole-B/L replacement or a deletion came after it */
} BrStoredVersion;

/* Records, in the caller's transaction, run run_id's key blob (keys sorted by key), its
 * versions (sorted by key, then order; each is superseded by the next of its key) and the
 * earlier lines of hits: the first version of their key in this run supersedes the latest
 * version stored so far (an earlier line that has no row yet gets one, without fields).
 * received_at: ISO 8601 UTC. */
gboolean br_line_versions_record(BrStore *store, gint64 run_id, const char *received_at,
                                 const BrLineKey *keys, gsize nkeys,
                                 const BrStoredVersion *versions, guint nversions,
                                 const BrLineKeyHit *hits, guint nhits, GError **error);

/* Every version of the lines of a unit (?1 unit or NULL, ?2 port or NULL) or of a B/L (?3 or
 * NULL), as columns status (current, superseded or deleted), bol, container, record, port,
 * unit, run (the run id of the list stamp), received_at, file, line, source, action and
 * fields (JSON text or NULL), oldest first per line. */
#define BR_LINE_VERSIONS_SQL                                                                       \
  "SELECT CASE WHEN v.superseded_by IS NOT NULL THEN 'superseded'"                                 \
  " WHEN v.dropped = 1 OR v.action IN ('delete', 'cancel') THEN 'deleted'"                         \
  " ELSE 'current' END AS status,"                                                                 \
  " v.bol, v.container, v.record, v.port, v.unit, COALESCE(r.run_key, r.id) AS run,"               \
  " v.received_at, ri.path AS file, v.line, v.source, v.action, v.fields"                          \
  " FROM line_versions v JOIN runs r ON r.id = v.run_id"                                           \
  " LEFT JOIN run_inputs ri ON ri.run_id = v.run_id AND ri.ord = v.input_ord"                      \
  " WHERE v.key IN (SELECT key FROM line_versions WHERE (?1 IS NULL OR unit = ?1)"                 \
  " AND (?2 IS NULL OR port = ?2) AND (?3 IS NULL OR bol = ?3))"                                   \
  " ORDER BY v.bol, v.container, v.record, v.run_id, v.input_ord, v.line"
