/* Packed unit entities: which entity values each unit of a run carried, stored for every unit
 * of the input (listed or not) so that any unit's outcome can be credited to its parties and
 * commodities (docs/store.md).
 *
 * One row per (bucket, run) instead of one per unit and value: a unit's bucket is a hash of
 * (port, unit) into BR_UNIT_PACK_BUCKETS, and a bucket's blob holds its units one after the
 * other, each as varint length + port, varint length + unit, varint count + that many varint
 * entity ids. Finding a unit reads one small blob per run that saw its bucket.
 *
 * The store's connections know three SQL functions over this layout:
 *   br_unit_bucket(port, unit)          the unit's bucket
 *   br_unit_pack_has(blob, port, unit)  1 when the blob holds the unit, else 0
 *   br_unit_pack_agg(port, unit, id)    aggregate: the blob of the (port, unit, entity id)
 *                                       rows given (used by the migration from the earlier
 *                                       row-per-value layout) */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "br_store.h"

#define BR_UNIT_PACK_BUCKETS 65536u

guint32 br_unit_pack_bucket(const char *port, const char *unit);
/* The most bytes one unit with n entity ids takes in a blob. */
gsize br_unit_pack_size_max(gsize plen, gsize ulen, guint n);
/* Writes one unit with its entity ids at p (room for br_unit_pack_size_max); returns the end. */
guint8 *br_unit_pack_put(guint8 *p, const char *port, gsize plen, const char *unit, gsize ulen,
                         const gint64 *ids, guint n);
/* Appends one unit with its entity ids to a bucket's blob. */
void br_unit_pack_append(GByteArray *blob, const char *port, const char *unit, const gint64 *ids,
                         guint n);
/* Appends the unit's entity ids to ids (gint64) and returns TRUE when the blob holds the
 * unit; FALSE when it does not or the blob is damaged. */
gboolean br_unit_pack_find(const guint8 *blob, gsize len, const char *port, const char *unit,
                           GArray *ids);
/* Appends to ids (gint64) the entity ids that run run_id recorded for the unit; none when the
 * run did not see it or it carried no values. FALSE with error set on a store failure. */
gboolean br_unit_pack_read(BrStore *store, gint64 run_id, const char *port, const char *unit,
                           GArray *ids, GError **error);
/* Registers the SQL functions above on a connection; FALSE with SQLite's error set. */
gboolean br_unit_packs_register(sqlite3 *db);
