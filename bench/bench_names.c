/* Party screening throughput: 3 party fields x N manifest lines against a 100k-name index.
 *
 * The index holds the real UN and OFAC party names plus generated ones up to 100,000 names.
 * Manifest parties come from a universe of distinct names drawn with a skew (a few shippers
 * and consignees recur often, as in real manifests), about 1% of them listed names. Reports
 * lines/s at 1 and 2 threads, and the cost of a first sight of a name (no cache help).
 *
 * Usage: bench_names [LINES] (default 1000000); needs BR_SHARED_DATA. */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "br_nameindex.h"
#include "br_watchlist.h"

static const char *const syll[] = {"ka", "ra", "mi", "to", "sa", "li", "no", "ba", "de", "fu",
                                   "ha", "je", "ko", "lu", "ma", "ne", "pi", "qu", "ro", "si",
                                   "ta", "vo", "wa", "ya", "zi", "an", "el", "or", "um", "ix"};
static const char *const tails[] = {"Trading LLC",
                                    "Shipping Co",
                                    "Logistics FZE",
                                    "Industries",
                                    "General Trading",
                                    "Import Export",
                                    "Ltd",
                                    "",
                                    "",
                                    ""};

static char *
gen_name(GRand *r)
{
  GString *s = g_string_new(NULL);
  guint words = (guint)g_rand_int_range(r, 2, 4);
  for (guint w = 0; w < words; w++) {
    if (w)
      g_string_append_c(s, ' ');
    guint n = (guint)g_rand_int_range(r, 2, 4);
    for (guint k = 0; k < n; k++)
      g_string_append(s, syll[g_rand_int_range(r, 0, G_N_ELEMENTS(syll))]);
    s->str[s->len - 2 * n] = g_ascii_toupper(s->str[s->len - 2 * n]);
  }
  if (g_rand_boolean(r))
    g_string_append_printf(s, " %s", tails[g_rand_int_range(r, 0, G_N_ELEMENTS(tails))]);
  return g_string_free(s, FALSE);
}

typedef struct {
  const BrNameIndex *index;
  char **fields; /* 3 per line */
  guint first, last;
  guint64 hits;
} Work;

static gpointer
screen(gpointer data)
{
  Work *w = data;
  BrNameScratch *s = br_name_scratch_new(w->index);
  BrNameMatch m[4];
  for (guint i = w->first * 3; i < w->last * 3; i++)
    w->hits += br_name_index_match(w->index, s, w->fields[i], -1, BR_WATCH_PARTY_KINDS,
                                   BR_NAME_DEFAULT_THRESHOLD, m, 4) > 0;
  br_name_scratch_free(s);
  return NULL;
}

static double
run(const BrNameIndex *ix, char **fields, guint lines, guint threads, guint64 *hits)
{
  Work work[8];
  GThread *t[8];
  gint64 start = g_get_monotonic_time();
  for (guint k = 0; k < threads; k++) {
    work[k] = (Work){ix, fields, lines * k / threads, lines * (k + 1) / threads, 0};
    t[k] = g_thread_new("screen", screen, &work[k]);
  }
  *hits = 0;
  for (guint k = 0; k < threads; k++) {
    g_thread_join(t[k]);
    *hits += work[k].hits;
  }
  return (double)(g_get_monotonic_time() - start) / 1e6;
}

int
main(int argc, char **argv)
{
  guint lines = argc > 1 ? (guint)atoi(argv[1]) : 1000000;
  const char *data = g_getenv("BR_SHARED_DATA");
  if (!data || lines == 0) {
    fprintf(stderr, "usage: BR_SHARED_DATA=DIR bench_names [LINES]\n");
    return 2;
  }
  GError *error = NULL;
  char *un_path = g_build_filename(data, "watchlists", "un-consolidated.xml", NULL);
  char *ofac_path = g_build_filename(data, "watchlists", "ofac", NULL);
  BrWatchlist *un = br_watchlist_load_un(un_path, &error);
  BrWatchlist *ofac = un ? br_watchlist_load_ofac(ofac_path, &error) : NULL;
  if (!ofac) {
    fprintf(stderr, "bench_names: %s\n", error->message);
    return 1;
  }
  GRand *r = g_rand_new_with_seed(7);
  gint64 t0 = g_get_monotonic_time();
  BrNameIndexBuilder *b = br_name_index_builder_new();
  br_watchlist_index_names(un, 1, BR_WATCH_PARTY_KINDS, b);
  br_watchlist_index_names(ofac, 2, BR_WATCH_PARTY_KINDS, b);
  guint real = un->entries->len + un->aliases->len + ofac->entries->len + ofac->aliases->len;
  for (guint i = 0; i < 100000 - MIN(real, 100000); i++) {
    char *n = gen_name(r);
    br_name_index_builder_add(b, n, i, 3, BR_WATCH_ENTITY, BR_NAME_QUALITY_PRIMARY);
    g_free(n);
  }
  BrNameIndex *ix = br_name_index_build(b);
  double build = (double)(g_get_monotonic_time() - t0) / 1e6;

  /* 60,000 distinct parties, 1% of them listed names; lines draw them with a skew. */
  guint universe = 60000;
  char **parties = g_new(char *, universe);
  for (guint i = 0; i < universe; i++) {
    if (i % 100 == 0) {
      const BrWatchEntry *e =
          &g_array_index(ofac->entries, BrWatchEntry, (i / 100 * 7) % ofac->entries->len);
      parties[i] = g_strdup(e->name);
    } else {
      parties[i] = gen_name(r);
    }
  }
  char **fields = g_new(char *, (gsize)lines * 3);
  for (guint i = 0; i < lines * 3; i++) {
    double u = g_rand_double(r);
    fields[i] = parties[(guint)(u * u * universe)];
  }
  guint64 hits;
  double first = run(ix, parties, universe / 3, 1, &hits);
  printf("index: %u names, built in %.2f s\n", br_name_index_size(ix), build);
  printf("first sight (no cache help): %.0f names/s on 1 thread\n", universe / first);
  for (guint threads = 1; threads <= 2; threads++) {
    double secs = run(ix, fields, lines, threads, &hits);
    printf("%u thread%s: %u lines x 3 parties in %.2f s = %.0f lines/s (%llu party matches)\n",
           threads, threads > 1 ? "s" : "", lines, secs, lines / secs, (unsigned long long)hits);
  }
  for (guint i = 0; i < universe; i++)
    g_free(parties[i]);
  g_free(parties);
  g_free(fields);
  br_name_index_free(ix);
  br_watchlist_free(un);
  br_watchlist_free(ofac);
  g_rand_free(r);
  g_free(un_path);
  g_free(ofac_path);
  return 0;
}
