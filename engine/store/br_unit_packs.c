#include "br_unit_packs.h"

#include <string.h>

#include "br_store.h"

guint32
br_unit_pack_bucket(const char *port, const char *unit)
{
  guint64 h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)port; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  h = (h ^ 0x1f) * 0x100000001b3ULL;
  for (const unsigned char *p = (const unsigned char *)unit; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  return (guint32)((h ^ (h >> 32)) % BR_UNIT_PACK_BUCKETS);
}

static guint8 *
put_varint(guint8 *p, guint64 v)
{
  do {
    *p++ = (guint8)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  return p;
}

/* FALSE when the varint runs past the end or past 64 bits. */
static gboolean
get_varint(const guint8 **p, const guint8 *end, guint64 *v)
{
  *v = 0;
  for (guint shift = 0; *p < end && shift < 64; shift += 7) {
    guint8 c = *(*p)++;
    *v |= (guint64)(c & 0x7f) << shift;
    if (!(c & 0x80))
      return TRUE;
  }
  return FALSE;
}

static guint8 *
put_text(guint8 *p, const char *s, gsize len)
{
  p = put_varint(p, len);
  memcpy(p, s, len);
  return p + len;
}

gsize
br_unit_pack_size_max(gsize plen, gsize ulen, guint n)
{
  return plen + ulen + 10 * (3 + (gsize)n);
}

guint8 *
br_unit_pack_put(guint8 *p, const char *port, gsize plen, const char *unit, gsize ulen,
                 const gint64 *ids, guint n)
{
  p = put_text(p, port, plen);
  p = put_text(p, unit, ulen);
  p = put_varint(p, n);
  for (guint i = 0; i < n; i++)
    p = put_varint(p, (guint64)ids[i]);
  return p;
}

/* The blob grows once per unit, to the most the unit can take, and is cut back after. */
void
br_unit_pack_append(GByteArray *blob, const char *port, const char *unit, const gint64 *ids,
                    guint n)
{
  gsize plen = strlen(port), ulen = strlen(unit), at = blob->len;
  g_byte_array_set_size(blob, (guint)(at + br_unit_pack_size_max(plen, ulen, n)));
  guint8 *p = br_unit_pack_put(blob->data + at, port, plen, unit, ulen, ids, n);
  g_byte_array_set_size(blob, (guint)(p - blob->data));
}

/* Reads a length-prefixed text and tells whether it equals want (of length wlen). */
static gboolean
text_is(const guint8 **p, const guint8 *end, const char *want, gsize wlen, gboolean *equal)
{
  guint64 len;
  if (!get_varint(p, end, &len) || len > (guint64)(end - *p))
    return FALSE;
  *equal = len == wlen && memcmp(*p, want, wlen) == 0;
  *p += len;
  return TRUE;
}

gboolean
br_unit_pack_find(const guint8 *blob, gsize len, const char *port, const char *unit, GArray *ids)
{
  const guint8 *p = blob, *end = blob + len;
  gsize plen = strlen(port), ulen = strlen(unit);
  while (p < end) {
    gboolean port_eq, unit_eq;
    guint64 n, id;
    if (!text_is(&p, end, port, plen, &port_eq) || !text_is(&p, end, unit, ulen, &unit_eq) ||
        !get_varint(&p, end, &n))
      return FALSE;
    for (guint64 i = 0; i < n; i++) {
      if (!get_varint(&p, end, &id))
        return FALSE;
      if (port_eq && unit_eq && ids)
        g_array_append_val(ids, id);
    }
    if (port_eq && unit_eq)
      return TRUE;
  }
  return FALSE;
}

gboolean
br_unit_pack_read(BrStore *store, gint64 run_id, const char *port, const char *unit, GArray *ids,
                  GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT units FROM unit_packs WHERE bucket = ?1 AND run_id = ?2", -1, &s,
                         NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot read unit entities");
  sqlite3_bind_int64(s, 1, br_unit_pack_bucket(port, unit));
  sqlite3_bind_int64(s, 2, run_id);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    br_unit_pack_find(sqlite3_column_blob(s, 0), (gsize)sqlite3_column_bytes(s, 0), port, unit,
                      ids);
  gboolean ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
  if (!ok)
    br_store_sql_error(store, error, "cannot read unit entities");
  sqlite3_finalize(s);
  return ok;
}

static void
sql_bucket(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  (void)argc;
  const char *port = (const char *)sqlite3_value_text(argv[0]);
  const char *unit = (const char *)sqlite3_value_text(argv[1]);
  if (!port || !unit) {
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_result_int64(ctx, br_unit_pack_bucket(port, unit));
}

static void
sql_has(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  (void)argc;
  const guint8 *blob = sqlite3_value_blob(argv[0]);
  int len = sqlite3_value_bytes(argv[0]);
  const char *port = (const char *)sqlite3_value_text(argv[1]);
  const char *unit = (const char *)sqlite3_value_text(argv[2]);
  sqlite3_result_int(ctx,
                     blob && port && unit && br_unit_pack_find(blob, (gsize)len, port, unit, NULL));
}

/* The aggregate gathers ids per unit in first-seen order, then packs them. */
typedef struct {
  GHashTable *units; /* "port\x1funit" -> GArray of gint64 */
  GPtrArray *order;  /* keys in first-seen order: the blob does not depend on hash order */
} Agg;

static void
agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  (void)argc;
  Agg **slot = sqlite3_aggregate_context(ctx, sizeof(Agg *));
  if (!slot)
    return;
  if (!*slot) {
    *slot = g_new0(Agg, 1);
    (*slot)->units =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
    (*slot)->order = g_ptr_array_new();
  }
  const char *port = (const char *)sqlite3_value_text(argv[0]);
  const char *unit = (const char *)sqlite3_value_text(argv[1]);
  if (!port || !unit)
    return;
  char *key = g_strconcat(port, "\x1f", unit, NULL);
  GArray *ids = g_hash_table_lookup((*slot)->units, key);
  if (!ids) {
    ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_hash_table_insert((*slot)->units, key, ids);
    g_ptr_array_add((*slot)->order, key);
  } else {
    g_free(key);
  }
  if (sqlite3_value_type(argv[2]) != SQLITE_NULL) {
    gint64 id = sqlite3_value_int64(argv[2]);
    g_array_append_val(ids, id);
  }
}

static void
agg_final(sqlite3_context *ctx)
{
  Agg **slot = sqlite3_aggregate_context(ctx, 0);
  if (!slot || !*slot) {
    sqlite3_result_null(ctx);
    return;
  }
  Agg *agg = *slot;
  GByteArray *blob = g_byte_array_new();
  for (guint i = 0; i < agg->order->len; i++) {
    const char *key = g_ptr_array_index(agg->order, i);
    const char *sep = strchr(key, '\x1f');
    char *port = g_strndup(key, (gsize)(sep - key));
    GArray *ids = g_hash_table_lookup(agg->units, key);
    br_unit_pack_append(blob, port, sep + 1, (const gint64 *)(void *)ids->data, ids->len);
    g_free(port);
  }
  sqlite3_result_blob(ctx, blob->data, (int)blob->len, SQLITE_TRANSIENT);
  g_byte_array_unref(blob);
  g_ptr_array_free(agg->order, TRUE);
  g_hash_table_unref(agg->units);
  g_free(agg);
}

gboolean
br_unit_packs_register(sqlite3 *db)
{
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  return sqlite3_create_function(db, "br_unit_bucket", 2, flags, NULL, sql_bucket, NULL, NULL) ==
             SQLITE_OK &&
         sqlite3_create_function(db, "br_unit_pack_has", 3, flags, NULL, sql_has, NULL, NULL) ==
             SQLITE_OK &&
         sqlite3_create_function(db, "br_unit_pack_agg", 3, flags, NULL, NULL, agg_step,
                                 agg_final) == SQLITE_OK;
}
