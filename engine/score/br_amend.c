#include "br_amend.h"

#include <stdlib.h>
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

static const char *const action_names[] = {"original", "change", "replace", "delete", "cancel"};

const char *
br_amend_action_name(BrAmendAction action)
{
  return action_names[action];
}

gboolean
br_amend_action_parse(const char *text, BrAmendAction *out)
{
  const char *const *names = action_names;
  if (!text || !*text) {
    *out = BR_AMEND_ORIGINAL;
    return TRUE;
  }
  for (guint i = 0; i < G_N_ELEMENTS(action_names); i++)
    if (g_ascii_strcasecmp(text, names[i]) == 0) {
      *out = (BrAmendAction)i;
      return TRUE;
    }
  return FALSE;
}

gboolean
br_amend_version(BrLineVersion *v, const char *bol, const char *container, const char *record,
                 const char *action, const char *message, guint64 order)
{
  memset(v, 0, sizeof *v);
  if (!br_amend_key(bol, container, record, v->key))
    return FALSE;
  BrAmendAction act;
  if (!br_amend_action_parse(action, &act))
    act = BR_AMEND_ORIGINAL;
  v->order = order;
  v->bol = fnv(0xcbf29ce484222325ULL, bol);
  v->msg = message && *message ? (guint32)fnv(0x84222325cbf29ce4ULL, message) | 1u : 0;
  v->action = (guint8)act;
  v->whole = act == BR_AMEND_REPLACE || act == BR_AMEND_CANCEL ||
             (act == BR_AMEND_DELETE && (!container || !*container));
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

static gboolean
sorted(const GArray *versions)
{
  const BrLineVersion *v = (const BrLineVersion *)versions->data;
  for (guint i = 1; i < versions->len; i++)
    if (cmp_version(&v[i - 1], &v[i]) > 0)
      return FALSE;
  return TRUE;
}

/* Keys are hashes, so their top bits spread lines evenly over buckets: one pass scatters them
 * and each bucket, a handful of versions, is sorted on its own. A million versions took a
 * tenth of a run's CPU through qsort on the main thread. A bucket that is large all the same
 * (the same line sent again and again) is sorted by qsort. */
#define SMALL_BUCKET 16
void
br_amend_sort(GArray *versions)
{
  guint n = versions->len;
  if (n < 1024) {
    g_array_sort(versions, cmp_version);
    return;
  }
  guint bits = MIN(g_bit_storage(n) - 3, 22);
  guint nb = 1u << bits, shift = 64 - bits;
  guint *start = g_new0(guint, nb + 1);
  BrLineVersion *v = (BrLineVersion *)versions->data, *tmp = g_new(BrLineVersion, n);
  for (guint i = 0; i < n; i++)
    start[(v[i].key[0] >> shift) + 1]++;
  for (guint b = 0; b < nb; b++)
    start[b + 1] += start[b];
  guint *fill = g_memdup2(start, sizeof *start * nb);
  for (guint i = 0; i < n; i++)
    tmp[fill[v[i].key[0] >> shift]++] = v[i];
  for (guint b = 0; b < nb; b++) {
    BrLineVersion *s = tmp + start[b];
    guint m = start[b + 1] - start[b];
    if (m > SMALL_BUCKET) {
      qsort(s, m, sizeof *s, cmp_version);
      continue;
    }
    for (guint i = 1; i < m; i++) {
      BrLineVersion x = s[i];
      guint j = i;
      for (; j > 0 && cmp_version(&s[j - 1], &x) > 0; j--)
        s[j] = s[j - 1];
      s[j] = x;
    }
  }
  memcpy(v, tmp, sizeof *v * n);
  g_free(fill);
  g_free(tmp);
  g_free(start);
}

void
br_amend_merge(GArray *dst, const GArray *src)
{
  guint a = dst->len, b = src->len;
  g_array_set_size(dst, a + b);
  BrLineVersion *d = (BrLineVersion *)dst->data;
  const BrLineVersion *s = (const BrLineVersion *)src->data;
  /* From the back, into the room dst just grew by: nothing of dst is overwritten unread. */
  while (b > 0) {
    if (a > 0 && cmp_version(&d[a - 1], &s[b - 1]) > 0) {
      d[a + b - 1] = d[a - 1];
      a--;
    } else {
      d[a + b - 1] = s[b - 1];
      b--;
    }
  }
}

static gint
cmp_bol(gconstpointer a, gconstpointer b)
{
  const BrLineVersion *x = *(const BrLineVersion *const *)a, *y = *(const BrLineVersion *const *)b;
  if (x->bol != y->bol)
    return x->bol < y->bol ? -1 : 1;
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

/* Lines of a B/L that a later replacement or cancellation of the whole B/L drops; NULL when
 * no version acts on a whole B/L. A replacement is the run of replacing lines of its message
 * (for CSV, without messages, of consecutive lines) that ends with the B/L's last one. */
static GHashTable *
bol_cuts(const GArray *versions)
{
  GPtrArray *by_bol = NULL;
  for (guint i = 0; i < versions->len; i++) {
    const BrLineVersion *v = &g_array_index(versions, BrLineVersion, i);
    if (v->whole && !by_bol)
      by_bol = g_ptr_array_sized_new(versions->len);
  }
  if (!by_bol)
    return NULL;
  for (guint i = 0; i < versions->len; i++)
    g_ptr_array_add(by_bol, &g_array_index(versions, BrLineVersion, i));
  g_ptr_array_sort(by_bol, cmp_bol);
  GHashTable *cut = g_hash_table_new_full(order_hash, order_equal, g_free, NULL);
  for (guint i = 0; i < by_bol->len;) {
    const BrLineVersion *const *g = (const BrLineVersion *const *)&by_bol->pdata[i];
    guint n = 1;
    while (i + n < by_bol->len && g[n]->bol == g[0]->bol)
      n++;
    gint last = -1;
    for (guint k = 0; k < n; k++)
      if (g[k]->whole)
        last = (gint)k;
    if (last >= 0) {
      guint64 upto = g[last]->order + 1; /* a cancellation: everything up to it goes */
      if (g[last]->action == BR_AMEND_REPLACE) {
        guint s = (guint)last;
        while (s > 0 && g[s - 1]->action == BR_AMEND_REPLACE && g[s - 1]->msg == g[last]->msg &&
               (g[last]->msg || g[s - 1]->order + 1 == g[s]->order))
          s--;
        upto = g[s]->order;
      }
      for (guint k = 0; k < n && g[k]->order < upto; k++)
        add(cut, g[k]->order);
    }
    i += n;
  }
  g_ptr_array_free(by_bol, TRUE);
  return cut;
}

static BrAmendments *
amendments_new(void)
{
  BrAmendments *a = g_new0(BrAmendments, 1);
  a->skip = g_hash_table_new_full(order_hash, order_equal, g_free, NULL);
  a->amended = g_hash_table_new_full(order_hash, order_equal, g_free, NULL);
  return a;
}

BrAmendments *
br_amendments_resolve(GArray *versions)
{
  if (!sorted(versions))
    br_amend_sort(versions);
  GHashTable *cut = bol_cuts(versions);
  BrAmendments *a = NULL;
  for (guint i = 0; i < versions->len;) {
    guint j = i + 1;
    const BrLineVersion *first = &g_array_index(versions, BrLineVersion, i);
    while (j < versions->len && memcmp(g_array_index(versions, BrLineVersion, j).key, first->key,
                                       sizeof first->key) == 0)
      j++;
    /* The versions a whole-B/L action left standing; the latest of them wins. */
    const BrLineVersion *last = NULL;
    guint standing = 0, dropped = 0;
    for (guint k = i; k < j; k++) {
      const BrLineVersion *v = &g_array_index(versions, BrLineVersion, k);
      if (cut && g_hash_table_contains(cut, &v->order)) {
        dropped++;
      } else {
        standing++;
        last = v;
      }
    }
    gboolean deletes = last && (last->action == BR_AMEND_DELETE || last->action == BR_AMEND_CANCEL);
    if (j - i > 1 || dropped || deletes) {
      if (!a)
        a = amendments_new();
      for (guint k = i; k < j; k++) {
        const BrLineVersion *v = &g_array_index(versions, BrLineVersion, k);
        if (v != last || deletes)
          add(a->skip, v->order);
      }
      if (!last || deletes)
        a->keys_deleted++;
      else if (standing > 1 || dropped) {
        add(a->amended, last->order);
        a->keys_amended++;
      }
    }
    i = j;
  }
  if (cut)
    g_hash_table_destroy(cut);
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
