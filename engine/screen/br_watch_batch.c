#include "br_watch_batch.h"

#include <string.h>

/* Distinct names a worker takes at a time: few enough that the threads finish together, enough
 * that they rarely meet on the counter. */
#define CLAIM 16

typedef struct {
  BrWatchHit *hits; /* NULL when none */
  guint n;
} Result;

typedef struct {
  const char *s;
  gsize len;
  const BrWatchParty *party; /* NULL: the name alone */
} Name;

struct BrWatchBatch {
  const BrWatchSet *set;
  guint threads;
  guint64 lists;
  double threshold;
  guint top;
  BrNameScratch **scratch; /* one per thread */
  GArray *names;           /* Name: the distinct names of the last batch */
  GArray *results;         /* Result per distinct name */
  GArray *of;              /* guint per input name: its distinct name */
  gint next;               /* the next distinct name to claim */
};

typedef struct {
  BrWatchBatch *batch;
  guint worker;
} Worker;

static guint
hash_bytes(guint h, const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    h = (h ^ (guchar)s[i]) * 16777619u;
  return (h ^ 0xffu) * 16777619u;
}

static guint
name_hash(gconstpointer p)
{
  const Name *k = p;
  guint h = hash_bytes(2166136261u, k->s, k->len);
  if (k->party) {
    h = hash_bytes(h, k->party->country, k->party->country_len);
    h = hash_bytes(h, k->party->birth_date, k->party->birth_date_len);
    h = hash_bytes(h, k->party->id, k->party->id_len);
  }
  return h;
}

static gboolean
same_bytes(const char *a, gsize alen, const char *b, gsize blen)
{
  return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static gboolean
name_equal(gconstpointer a, gconstpointer b)
{
  const Name *x = a, *y = b;
  if (!same_bytes(x->s, x->len, y->s, y->len) || !x->party != !y->party)
    return FALSE;
  const BrWatchParty *p = x->party, *q = y->party;
  return !p || (same_bytes(p->country, p->country_len, q->country, q->country_len) &&
                same_bytes(p->birth_date, p->birth_date_len, q->birth_date, q->birth_date_len) &&
                same_bytes(p->id, p->id_len, q->id, q->id_len));
}

BrWatchBatch *
br_watch_batch_new(const BrWatchSet *set, guint threads, guint64 lists, double threshold, guint top)
{
  g_assert(threads >= 1 && top >= 1);
  BrWatchBatch *b = g_new0(BrWatchBatch, 1);
  b->set = set;
  b->threads = threads;
  b->lists = lists;
  b->threshold = threshold;
  b->top = top;
  b->scratch = g_new(BrNameScratch *, threads);
  for (guint i = 0; i < threads; i++)
    b->scratch[i] = br_name_scratch_new(br_watch_set_index(set));
  b->names = g_array_new(FALSE, FALSE, sizeof(Name));
  b->results = g_array_new(FALSE, TRUE, sizeof(Result));
  b->of = g_array_new(FALSE, FALSE, sizeof(guint));
  return b;
}

static void
clear_results(BrWatchBatch *b)
{
  for (guint i = 0; i < b->results->len; i++)
    g_free(g_array_index(b->results, Result, i).hits);
  g_array_set_size(b->results, 0);
}

void
br_watch_batch_free(BrWatchBatch *b)
{
  if (!b)
    return;
  clear_results(b);
  for (guint i = 0; i < b->threads; i++)
    br_name_scratch_free(b->scratch[i]);
  g_free(b->scratch);
  g_array_free(b->names, TRUE);
  g_array_free(b->results, TRUE);
  g_array_free(b->of, TRUE);
  g_free(b);
}

static gpointer
work(gpointer data)
{
  Worker *w = data;
  BrWatchBatch *b = w->batch;
  BrWatchHit *hits = g_new(BrWatchHit, b->top);
  guint n = b->names->len;
  for (;;) {
    guint first = (guint)g_atomic_int_add(&b->next, CLAIM);
    if (first >= n)
      break;
    for (guint i = first; i < MIN(first + CLAIM, n); i++) {
      const Name *name = &g_array_index(b->names, Name, i);
      guint got =
          br_watch_set_match_party(b->set, b->scratch[w->worker], name->s, (gssize)name->len,
                                   name->party, b->lists, b->threshold, TRUE, hits, b->top);
      Result *r = &g_array_index(b->results, Result, i);
      r->n = got;
      r->hits = got ? g_memdup2(hits, got * sizeof *hits) : NULL;
    }
  }
  g_free(hits);
  return NULL;
}

guint
br_watch_batch_screen(BrWatchBatch *b, const char *const *names, const gsize *lens,
                      const BrWatchParty *parties, guint n)
{
  clear_results(b);
  /* Sized for every name up front: the table's keys point into it, so it must not move. */
  g_array_set_size(b->names, n);
  g_array_set_size(b->of, n);
  Name *distinct = (Name *)(gpointer)b->names->data;
  guint nd = 0;
  GHashTable *seen = g_hash_table_new(name_hash, name_equal);
  for (guint i = 0; i < n; i++) {
    Name k = {names[i], lens[i], parties && br_watch_party_any(&parties[i]) ? &parties[i] : NULL};
    gpointer at;
    if (!g_hash_table_lookup_extended(seen, &k, NULL, &at)) {
      distinct[nd] = k;
      at = GUINT_TO_POINTER(++nd);
      g_hash_table_insert(seen, &distinct[nd - 1], at);
    }
    g_array_index(b->of, guint, i) = GPOINTER_TO_UINT(at) - 1;
  }
  g_hash_table_destroy(seen);
  g_array_set_size(b->names, nd);
  g_array_set_size(b->results, b->names->len);
  g_atomic_int_set(&b->next, 0);
  guint nthreads = MIN(b->threads, MAX(1, b->names->len / CLAIM));
  Worker *workers = g_new(Worker, nthreads);
  GThread **threads = g_new(GThread *, nthreads);
  for (guint t = 0; t < nthreads; t++) {
    workers[t] = (Worker){b, t};
    threads[t] = t ? g_thread_new("screen", work, &workers[t]) : NULL;
  }
  work(&workers[0]);
  for (guint t = 1; t < nthreads; t++)
    g_thread_join(threads[t]);
  g_free(threads);
  g_free(workers);
  return b->names->len;
}

const BrWatchHit *
br_watch_batch_hits(const BrWatchBatch *b, guint i, guint *count)
{
  const Result *r = &g_array_index(b->results, Result, g_array_index(b->of, guint, i));
  *count = r->n;
  return r->hits;
}
