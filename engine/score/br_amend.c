#include "br_amend.h"

#include <string.h>

struct BrAmendments {
  GHashTable *skip;    /* order -> itself */
  GHashTable *amended; /* order -> itself */
  guint keys_amended, keys_deleted;
};

static guint64
fnv(guint64 h, const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  return (h ^ 0x1f) * 0x100000001b3ULL;
}

gboolean
br_amend_key(const char *bol, const char *container, const char *record, guint64 key[2])
{
  if (!bol || !*bol)
    return FALSE;
  const char *c = container ? container : "", *r = record ? record : "";
  /* Two independent 64-bit hashes: a collision would drop a line, so make one unthinkable. */
  key[0] = fnv(fnv(fnv(0xcbf29ce484222325ULL, bol), c), r);
  key[1] = fnv(fnv(fnv(0x84222325cbf29ce4ULL, r), c), bol);
  return TRUE;
}

static gint
cmp_version(gconstpointer a, gconstpointer b)
{
  const BrLineVersion *x = a, *y = b;
  for (int i = 0; i < 2; i++)
    if (x->key[i] != y->key[i])
      return x->key[i] < y->key[i] ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static guint
order_hash(gconstpointer p)
{
  guint64 v = *(const guint64 *)p;
  return (guint)(v ^ (v >> 29));
}

static gboolean
order_equal(gconstpointer a, gconstpointer b)
{
  return *(const guint64 *)a == *(const guint64 *)b;
}

static void
add(GHashTable *set, guint64 order)
{
  guint64 *o = g_new(guint64, 1);
  *o = order;
  g_hash_table_add(set, o);
}

BrAmendments *
br_amendments_resolve(GArray *versions)
{
  g_array_sort(versions, cmp_version);
  BrAmendments *a = NULL;
  for (guint i = 0; i < versions->len;) {
    guint j = i + 1;
    const BrLineVersion *first = &g_array_index(versions, BrLineVersion, i);
    while (j < versions->len && memcmp(g_array_index(versions, BrLineVersion, j).key, first->key,
                                       sizeof first->key) == 0)
      j++;
    const BrLineVersion *last = &g_array_index(versions, BrLineVersion, j - 1);
    if (j - i > 1 || last->deleted) {
      if (!a) {
        a = g_new0(BrAmendments, 1);
        a->skip = g_hash_table_new_full(order_hash, order_equal, g_free, NULL);
        a->amended = g_hash_table_new_full(order_hash, order_equal, g_free, NULL);
      }
      for (guint k = i; k + 1 < j; k++)
        add(a->skip, g_array_index(versions, BrLineVersion, k).order);
      if (last->deleted) {
        add(a->skip, last->order);
        a->keys_deleted++;
      } else {
        add(a->amended, last->order);
        a->keys_amended++;
      }
    }
    i = j;
  }
  return a;
}

void
br_amendments_free(BrAmendments *a)
{
  if (!a)
    return;
  g_hash_table_destroy(a->skip);
  g_hash_table_destroy(a->amended);
  g_free(a);
}

gboolean
br_amendments_skip(const BrAmendments *a, guint64 order)
{
  return g_hash_table_contains(a->skip, &order);
}

gboolean
br_amendments_amended(const BrAmendments *a, guint64 order)
{
  return g_hash_table_contains(a->amended, &order);
}

guint
br_amendments_keys_amended(const BrAmendments *a)
{
  return a->keys_amended;
}

guint
br_amendments_keys_deleted(const BrAmendments *a)
{
  return a->keys_deleted;
}

guint
br_amendments_lines_dropped(const BrAmendments *a)
{
  return g_hash_table_size(a->skip);
}
