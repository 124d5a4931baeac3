#include "br_norms.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The norm through one day: lookups at a date binary-search these. */
typedef struct {
  gint32 day;
  guint32 declarations;
  float median;
  float mad;
} Step;

typedef struct {
  guint32 first; /* into steps */
  guint32 count;
} Entry;

typedef struct {
  guint32 entry;
  gint32 day;
  guint32 bucket;
} Raw;

struct BrNorms {
  guint nkeys;
  GStringChunk *strings;
  GHashTable **by_key; /* per key: value -> GUINT_TO_POINTER(entry index + 1) */
  GArray *entries;     /* Entry */
  GArray *steps;       /* Step, grouped by entry, by day */
};

/* Counts per bucket as a Fenwick tree: adding, prefix sums and the k-th smallest all cost
 * log2(BR_NORMS_BUCKETS) steps. Index 1..BR_NORMS_BUCKETS. */
typedef struct {
  guint32 tree[BR_NORMS_BUCKETS + 1];
} Counts;

static void
counts_add(Counts *c, guint bucket, gint delta)
{
  for (guint i = bucket + 1; i <= BR_NORMS_BUCKETS; i += i & -i)
    c->tree[i] = (guint32)((gint64)c->tree[i] + delta);
}

/* Declarations in buckets 0..bucket; 0 when bucket < 0. */
static guint32
counts_upto(const Counts *c, gint64 bucket)
{
  if (bucket < 0)
    return 0;
  guint32 sum = 0;
  for (gint64 i = MIN(bucket + 1, BR_NORMS_BUCKETS); i > 0; i -= i & -i)
    sum += c->tree[i];
  return sum;
}

/* The bucket of the k-th smallest declaration (k >= 1). */
static guint
counts_kth(const Counts *c, guint32 k)
{
  guint pos = 0;
  for (guint step = BR_NORMS_BUCKETS; step; step >>= 1)
    if (pos + step <= BR_NORMS_BUCKETS && c->tree[pos + step] < k) {
      pos += step;
      k -= c->tree[pos];
    }
  return pos;
}

static guint32
bucket_of(double x)
{
  double b = floor(x / BR_NORMS_STEP) + BR_NORMS_BUCKETS / 2;
  return (guint32)CLAMP(b, 0, BR_NORMS_BUCKETS - 1);
}

static double
bucket_center(guint b)
{
  return ((double)b - BR_NORMS_BUCKETS / 2 + 0.5) * BR_NORMS_STEP;
}

/* Median (the lower one, the k-th smallest with k = ceil(n / 2)) and MAD of n counted
 * declarations, in buckets: the MAD is the smallest d with k declarations within d buckets of
 * the median's. */
static void
counts_norm(const Counts *c, guint32 n, Step *out)
{
  guint32 k = (n + 1) / 2;
  guint m = counts_kth(c, k);
  guint lo = 0, hi = BR_NORMS_BUCKETS;
  while (lo < hi) {
    guint d = (lo + hi) / 2;
    if (counts_upto(c, (gint64)m + d) - counts_upto(c, (gint64)m - d - 1) >= k)
      hi = d;
    else
      lo = d + 1;
  }
  out->median = (float)bucket_center(m);
  out->mad = (float)(lo * BR_NORMS_STEP);
}

static int
cmp_raw(const void *a, const void *b)
{
  const Raw *x = a, *y = b;
  if (x->entry != y->entry)
    return x->entry < y->entry ? -1 : 1;
  return (x->day > y->day) - (x->day < y->day);
}

static guint32
entry_for(BrNorms *norms, guint k, const char *value)
{
  gpointer found = g_hash_table_lookup(norms->by_key[k], value);
  if (found)
    return GPOINTER_TO_UINT(found) - 1;
  Entry e = {0, 0};
  g_array_append_val(norms->entries, e);
  g_hash_table_insert(norms->by_key[k], g_string_chunk_insert_const(norms->strings, value),
                      GUINT_TO_POINTER(norms->entries->len));
  return norms->entries->len - 1;
}

/* Steps of one entry's raw rows (sorted by day), through the shared counts, which it leaves
 * empty again for the next entry. */
static void
build_entry(BrNorms *norms, Counts *counts, const Raw *rows, guint n)
{
  Entry *e = &g_array_index(norms->entries, Entry, rows[0].entry);
  e->first = norms->steps->len;
  for (guint i = 0; i < n;) {
    guint j = i;
    for (; j < n && rows[j].day == rows[i].day; j++)
      counts_add(counts, rows[j].bucket, 1);
    Step s = {rows[i].day, j, 0, 0};
    counts_norm(counts, j, &s);
    g_array_append_val(norms->steps, s);
    i = j;
  }
  e->count = norms->steps->len - e->first;
  for (guint i = 0; i < n; i++)
    counts_add(counts, rows[i].bucket, -1);
}

BrNorms *
br_norms_new(guint nkeys, const BrNormObs *obs, guint n)
{
  BrNorms *norms = g_new0(BrNorms, 1);
  norms->nkeys = nkeys;
  norms->strings = g_string_chunk_new(64 * 1024);
  norms->by_key = g_new(GHashTable *, MAX(nkeys, 1));
  for (guint k = 0; k < nkeys; k++)
    norms->by_key[k] = g_hash_table_new(g_str_hash, g_str_equal);
  norms->entries = g_array_new(FALSE, FALSE, sizeof(Entry));
  norms->steps = g_array_new(FALSE, FALSE, sizeof(Step));
  Raw *raw = g_new(Raw, MAX(n, 1));
  guint nraw = 0;
  for (guint i = 0; i < n; i++) {
    if (obs[i].key >= nkeys || !isfinite(obs[i].x))
      continue;
    raw[nraw++] =
        (Raw){entry_for(norms, obs[i].key, obs[i].value), obs[i].day, bucket_of(obs[i].x)};
  }
  qsort(raw, nraw, sizeof(Raw), cmp_raw);
  Counts *counts = g_new0(Counts, 1);
  for (guint i = 0; i < nraw;) {
    guint j = i;
    while (j < nraw && raw[j].entry == raw[i].entry)
      j++;
    build_entry(norms, counts, raw + i, j - i);
    i = j;
  }
  g_free(counts);
  g_free(raw);
  return norms;
}

void
br_norms_free(BrNorms *norms)
{
  if (!norms)
    return;
  for (guint k = 0; k < norms->nkeys; k++)
    g_hash_table_unref(norms->by_key[k]);
  g_free(norms->by_key);
  g_array_unref(norms->entries);
  g_array_unref(norms->steps);
  g_string_chunk_free(norms->strings);
  g_free(norms);
}

gboolean
br_norms_lookup(const BrNorms *norms, guint k, const char *value, gint32 cut_day, BrNorm *out)
{
  if (!norms || k >= norms->nkeys)
    return FALSE;
  gpointer found = g_hash_table_lookup(norms->by_key[k], value);
  if (!found)
    return FALSE;
  const Entry *e = &g_array_index(norms->entries, Entry, GPOINTER_TO_UINT(found) - 1);
  const Step *steps = &g_array_index(norms->steps, Step, e->first);
  /* The last step dated before cut_day. */
  guint lo = 0, hi = e->count;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (steps[mid].day < cut_day)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return FALSE;
  const Step *s = &steps[lo - 1];
  *out = (BrNorm){s->declarations, s->median, s->mad};
  return TRUE;
}

gsize
br_norms_memory(const BrNorms *norms)
{
  return norms->steps->len * sizeof(Step) + norms->entries->len * sizeof(Entry);
}

gboolean
br_norms_log_value_per_kg(double value, double kg, double *x)
{
  if (!(value > 0) || !(kg > 0) || !isfinite(value) || !isfinite(kg))
    return FALSE;
  *x = log(value / kg);
  return isfinite(*x);
}

double
br_norms_z(const BrNorm *norm, double x, double floor)
{
  return (x - norm->median) / (1.4826 * MAX(norm->mad, floor));
}
