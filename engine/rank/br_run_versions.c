#include "br_run_versions.h"

#include <stdlib.h>
#include <string.h>

#include "br_line_versions.h"

struct BrRunVersions {
  GArray *keys;   /* BrLineKey of every line with a B/L, sorted by key */
  GArray *hits;   /* BrLineKeyHit: earlier lines with a key of this run */
  GArray *wanted; /* guint64 orders of the versions to keep, sorted */
  GArray *kept;   /* BrStoredVersion whose strings this owns */
  const BrAmendments *amend;
};

static gint
cmp_u64(gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
  return x < y ? -1 : x > y;
}

static gint
cmp_hit_key(const void *k, const void *h)
{
  guint64 x = *(const guint64 *)k, y = ((const BrLineKeyHit *)h)->key;
  return x < y ? -1 : x > y;
}

static gboolean
has_hit(const GArray *hits, guint64 key)
{
  return hits->len && bsearch(&key, hits->data, hits->len, sizeof(BrLineKeyHit), cmp_hit_key);
}

BrRunVersions *
br_run_versions_plan(BrStore *store, const GArray *versions, const BrAmendments *amend,
                     const char *list_date, const char *const *input_sha, guint ninputs,
                     GError **error)
{
  BrRunVersions *rv = g_new0(BrRunVersions, 1);
  rv->amend = amend;
  guint n = versions ? versions->len : 0;
  rv->keys = g_array_sized_new(FALSE, FALSE, sizeof(BrLineKey), n);
  rv->hits = g_array_new(FALSE, FALSE, sizeof(BrLineKeyHit));
  rv->wanted = g_array_new(FALSE, FALSE, sizeof(guint64));
  rv->kept = g_array_new(FALSE, FALSE, sizeof(BrStoredVersion));
  for (guint i = 0; i < n; i++) {
    const BrLineVersion *v = &g_array_index(versions, BrLineVersion, i);
    BrLineKey k = {v->key[0], v->order};
    g_array_append_val(rv->keys, k);
  }
  gint32 day;
  char since[11];
  if (!br_store_date_parse(list_date, &day))
    g_assert_not_reached();
  br_store_date_format(day - BR_RUN_VERSIONS_DAYS, since);
  gboolean *before = br_line_keys_read_before(store, since, input_sha, ninputs, error);
  if (!before || (n && !br_line_keys_find_earlier(store, (const BrLineKey *)rv->keys->data, n,
                                                  since, before, rv->hits, error))) {
    g_free(before);
    br_run_versions_free(rv);
    return NULL;
  }
  /* A key's versions are kept when one of its lines is fresh (from a file no earlier run
   * read) and it has another version, in this run or an earlier one, or a replacement of
   * its whole B/L dropped it. */
  for (guint i = 0; i < n;) {
    const BrLineVersion *first = &g_array_index(versions, BrLineVersion, i);
    guint j = i + 1;
    gboolean fresh = !before[first->order >> 40];
    gboolean dropped = amend && br_amendments_skip(amend, first->order);
    for (; j < n && memcmp(g_array_index(versions, BrLineVersion, j).key, first->key,
                           sizeof first->key) == 0;
         j++)
      fresh |= !before[g_array_index(versions, BrLineVersion, j).order >> 40];
    if (fresh && (j - i > 1 || dropped || has_hit(rv->hits, first->key[0])))
      for (guint k = i; k < j; k++)
        g_array_append_val(rv->wanted, g_array_index(versions, BrLineVersion, k).order);
    i = j;
  }
  g_free(before);
  g_array_sort(rv->wanted, cmp_u64);
  return rv;
}

static void
kept_clear(BrStoredVersion *v)
{
  g_free((char *)v->bol);
  g_free((char *)v->container);
  g_free((char *)v->record);
  g_free((char *)v->port);
  g_free((char *)v->unit);
  g_free((char *)v->source);
  g_free((char *)v->fields);
}

void
br_run_versions_free(BrRunVersions *rv)
{
  if (!rv)
    return;
  for (guint i = 0; i < rv->kept->len; i++)
    kept_clear(&g_array_index(rv->kept, BrStoredVersion, i));
  g_array_free(rv->kept, TRUE);
  g_array_free(rv->keys, TRUE);
  g_array_free(rv->hits, TRUE);
  g_array_free(rv->wanted, TRUE);
  g_free(rv);
}

guint
br_run_versions_wanted(const BrRunVersions *rv)
{
  return rv->wanted->len;
}

static const char *
field_text(const BrSchema *schema, const BrValue *rec, const char *name)
{
  int idx = br_schema_find(schema, name);
  return idx >= 0 && !rec[idx].missing ? rec[idx].str : NULL;
}

gboolean
br_run_versions_wants(const BrRunVersions *rv, guint64 order)
{
  return rv->wanted->len &&
         bsearch(&order, rv->wanted->data, rv->wanted->len, sizeof(guint64), cmp_u64);
}

void
br_run_versions_take(BrRunVersions *rv, guint64 order, const BrSchema *schema, const BrValue *rec,
                     const char *port, const char *unit, const char *fields)
{
  const char *bol = field_text(schema, rec, "bol");
  const char *container = field_text(schema, rec, "container");
  const char *record = field_text(schema, rec, "record_id");
  guint64 key[2];
  if (!br_amend_key(bol, container, record, key))
    return;
  BrAmendAction act;
  const char *text = field_text(schema, rec, "amendment");
  const char *action = text && br_amend_action_parse(text, &act) ? br_amend_action_name(act) : NULL;
  BrStoredVersion v = {
      .key = key[0],
      .order = order,
      .bol = g_strdup(bol),
      .container = g_strdup(container),
      .record = g_strdup(record),
      .port = g_strdup(port),
      .unit = g_strdup(unit),
      .action = action,
      .source = g_strdup(field_text(schema, rec, "source")),
      .fields = g_strdup(fields),
      .dropped = rv->amend && br_amendments_skip(rv->amend, order),
  };
  g_array_append_val(rv->kept, v);
}

guint
br_run_versions_kept(const BrRunVersions *rv)
{
  return rv->kept->len;
}

guint
br_run_versions_earlier(const BrRunVersions *rv)
{
  return rv->hits->len;
}

static gint
cmp_stored(gconstpointer a, gconstpointer b)
{
  const BrStoredVersion *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

gboolean
br_run_versions_record(BrStore *store, gint64 run_id, gint64 started_at, BrRunVersions *rv,
                       GError **error)
{
  g_array_sort(rv->kept, cmp_stored);
  GDateTime *t = g_date_time_new_from_unix_utc(started_at);
  char *at = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
  g_date_time_unref(t);
  gboolean ok =
      br_line_versions_record(store, run_id, at, (const BrLineKey *)rv->keys->data, rv->keys->len,
                              (const BrStoredVersion *)rv->kept->data, rv->kept->len,
                              (const BrLineKeyHit *)rv->hits->data, rv->hits->len, error);
  g_free(at);
  return ok;
}
