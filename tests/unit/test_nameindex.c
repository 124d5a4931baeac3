#include <string.h>

#include <glib.h>

#include "br_nameindex.h"
#include "br_watchlist.h"

typedef struct {
  BrWatchlist *un;
  BrWatchlist *ofac;
  BrNameIndex *index;
} Lists;

static Lists lists;

enum { LIST_UN = 1, LIST_OFAC = 2 };

static void
load_lists(void)
{
  if (lists.index)
    return;
  GError *error = NULL;
  char *un =
      g_build_filename(g_getenv("BR_SHARED_DATA"), "watchlists", "un-consolidated.xml", NULL);
  char *ofac = g_build_filename(g_getenv("BR_SHARED_DATA"), "watchlists", "ofac", NULL);
  lists.un = br_watchlist_load_un(un, &error);
  g_assert_no_error(error);
  lists.ofac = br_watchlist_load_ofac(ofac, &error);
  g_assert_no_error(error);
  BrNameIndexBuilder *b = br_name_index_builder_new();
  br_watchlist_index_names(lists.un, LIST_UN, 0, b);
  br_watchlist_index_names(lists.ofac, LIST_OFAC, 0, b);
  lists.index = br_name_index_build(b);
  g_free(un);
  g_free(ofac);
}

static const BrWatchEntry *
entry_of(const BrNameMatch *m)
{
  const BrWatchlist *wl = m->list == LIST_UN ? lists.un : lists.ofac;
  return &g_array_index(wl->entries, BrWatchEntry, m->entry);
}

static void
test_finds_listed_names(void)
{
  load_lists();
  g_assert_cmpuint(br_name_index_size(lists.index), >, 20000);
  BrNameScratch *s = br_name_scratch_new(lists.index);
  BrNameMatch m[5];
  guint n = br_name_index_match(lists.index, s, "Sadam Husein al-Tikriti", -1, BR_WATCH_PARTY_KINDS,
                                BR_NAME_DEFAULT_THRESHOLD, m, 5);
  g_assert_cmpuint(n, >=, 1);
  g_assert_cmpstr(entry_of(&m[0])->source_id, ==, "IQi.001");
  g_assert_cmpfloat(m[0].score, >=, 0.9);
  gboolean paired = FALSE;
  for (guint i = 0; i < m[0].npairs; i++)
    paired |=
        strcmp(m[0].pairs[i].query, "tikriti") == 0 && strcmp(m[0].pairs[i].entry, "tikriti") == 0;
  g_assert_true(paired);
  for (guint i = 1; i < n; i++)
    g_assert_cmpfloat(m[i].score, <=, m[i - 1].score);

  /* The name in Arabic script finds the Latin entry. */
  n = br_name_index_match(lists.index, s, "صدام حسين التكريتي", -1, BR_WATCH_PARTY_KINDS,
                          BR_NAME_DEFAULT_THRESHOLD, m, 5);
  g_assert_cmpuint(n, >=, 1);
  g_assert_cmpstr(entry_of(&m[0])->source_id, ==, "IQi.001");

  /* Token order, legal form and punctuation do not matter. */
  n = br_name_index_match(lists.index, s, "Caribbean-Anglo Company Limited", -1,
                          BR_WATCH_PARTY_KINDS, BR_NAME_DEFAULT_THRESHOLD, m, 5);
  g_assert_cmpuint(n, >=, 1);
  g_assert_cmpstr(entry_of(&m[0])->name, ==, "ANGLO-CARIBBEAN CO., LTD.");
  g_assert_cmpfloat(m[0].score, ==, 1.0);
  br_name_scratch_free(s);
}

static void
test_generic_and_unlisted(void)
{
  load_lists();
  BrNameScratch *s = br_name_scratch_new(lists.index);
  BrNameMatch m[5];
  const char *clean[] = {"GENERAL TRADING CO",       "INTERNATIONAL TRADING GROUP LLC",
                         "GLOBAL SHIPPING SERVICES", "Maersk Line A/S",
                         "Hapag-Lloyd AG",           "Anna Kowalska"};
  for (guint i = 0; i < G_N_ELEMENTS(clean); i++)
    for (guint pass = 0; pass < 2; pass++) /* the second pass is answered from the cache */
      g_assert_cmpuint(br_name_index_match(lists.index, s, clean[i], -1, BR_WATCH_PARTY_KINDS,
                                           BR_NAME_DEFAULT_THRESHOLD, m, 5),
                       ==, 0);
  /* A lower threshold is a different question: not answered from the cache. */
  g_assert_cmpuint(
      br_name_index_match(lists.index, s, "Sadam Tikriti", -1, BR_WATCH_PARTY_KINDS, 0.99, m, 5),
      ==, 0);
  g_assert_cmpuint(
      br_name_index_match(lists.index, s, "Sadam Tikriti", -1, BR_WATCH_PARTY_KINDS, 0.5, m, 5), >=,
      1);
  br_name_scratch_free(s);
}

/* A middle name left out of a name with one common given name: the surname makes it a name
 * (issue 16); a name of common names only stays under the threshold however contained. */
static void
test_dropped_middle_name(void)
{
  load_lists();
  BrNameScratch *s = br_name_scratch_new(lists.index);
  BrNameMatch m[8];
  guint n = br_name_index_match(lists.index, s, "HASSAN AWEYS", -1, BR_WATCH_PARTY_KINDS,
                                BR_NAME_DEFAULT_THRESHOLD, m, G_N_ELEMENTS(m));
  gboolean found = FALSE;
  for (guint i = 0; i < n; i++)
    found |= strcmp(entry_of(&m[i])->name, "HASSAN DAHIR AWEYS") == 0;
  g_assert_true(found);
  n = br_name_index_match(lists.index, s, "HASSAN OMAR", -1, BR_WATCH_PARTY_KINDS,
                          BR_NAME_DEFAULT_THRESHOLD, m, G_N_ELEMENTS(m));
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr(entry_of(&m[i])->name, !=, "HASSAN MAHAT OMAR");
  br_name_scratch_free(s);
}

static void
test_kinds_and_quality(void)
{
  load_lists();
  BrNameScratch *s = br_name_scratch_new(lists.index);
  BrNameMatch m[5];
  g_assert_cmpuint(br_name_index_match(lists.index, s, "ARTAVIL", -1, 1u << BR_WATCH_VESSEL,
                                       BR_NAME_DEFAULT_THRESHOLD, m, 5),
                   ==, 1);
  g_assert_cmpstr(entry_of(&m[0])->value, ==, "9187629");
  g_assert_cmpuint(br_name_index_match(lists.index, s, "ARTAVIL", -1, BR_WATCH_PARTY_KINDS,
                                       BR_NAME_DEFAULT_THRESHOLD, m, 5),
                   ==, 0);
  /* "BNC" is only a weak alias (in the remarks) of BANCO NACIONAL DE CUBA. */
  guint n = br_name_index_match(lists.index, s, "BNC", -1, BR_WATCH_PARTY_KINDS, 0.5, m, 5);
  gboolean found = FALSE;
  for (guint i = 0; i < n; i++)
    if (strcmp(entry_of(&m[i])->source_id, "306") == 0) {
      found = TRUE;
      g_assert_cmpint(m[i].quality, ==, BR_NAME_QUALITY_LOW);
      g_assert_cmpfloat(m[i].score, ==, br_name_calibrate(BR_NAME_LOW_QUALITY));
    }
  g_assert_true(found);
  br_name_scratch_free(s);
}

/* Names whose every key is common are still screened, on their rarest key. */
static void
test_common_keys(void)
{
  BrNameIndexBuilder *b = br_name_index_builder_new();
  for (guint i = 0; i < BR_NAME_POSTINGS_CAP + 100; i++) {
    char *name = g_strdup_printf("MUHAMMAD ALI Z%c%c%c", 'A' + i % 26, 'A' + (i / 26) % 26,
                                 'A' + (i / 676) % 26);
    br_name_index_builder_add(b, name, i, 1, 0, BR_NAME_QUALITY_PRIMARY);
    g_free(name);
  }
  br_name_index_builder_add(b, "MUHAMMAD ALI", 99999, 1, 0, BR_NAME_QUALITY_PRIMARY);
  g_assert_false(br_name_index_builder_add(b, "L.L.C.", 100000, 1, 0, BR_NAME_QUALITY_PRIMARY));
  BrNameIndex *ix = br_name_index_build(b);
  BrNameScratch *s = br_name_scratch_new(ix);
  BrNameMatch m[3];
  /* Found, and held under the threshold: Muhammad and Ali are common names. */
  guint n = br_name_index_match(ix, s, "Mohammed Ali", -1, 0, BR_NAME_COMMON_CAP, m, 3);
  g_assert_cmpuint(n, >=, 1);
  g_assert_cmpuint(m[0].entry, ==, 99999);
  g_assert_cmpfloat(m[0].name_score, ==, 1.0);
  g_assert_true(m[0].common);
  g_assert_cmpfloat(m[0].score, ==, BR_NAME_COMMON_CAP);
  g_assert_cmpuint(
      br_name_index_match(ix, s, "Mohammed Ali", -1, 0, BR_NAME_DEFAULT_THRESHOLD, m, 3), ==, 0);
  br_name_scratch_free(s);
  br_name_index_free(ix);
}

typedef struct {
  const char *const *names;
  guint count;
  GString *out;
} Job;

static gpointer
screen_all(gpointer data)
{
  Job *job = data;
  BrNameScratch *s = br_name_scratch_new(lists.index);
  BrNameMatch m[3];
  for (guint round = 0; round < 50; round++)
    for (guint i = 0; i < job->count; i++) {
      guint n = br_name_index_match(lists.index, s, job->names[i], -1, BR_WATCH_PARTY_KINDS,
                                    BR_NAME_DEFAULT_THRESHOLD, m, 3);
      if (round == 0)
        for (guint k = 0; k < n; k++)
          g_string_append_printf(job->out, "%u:%u:%u:%.4f;", i, m[k].list, m[k].entry, m[k].score);
    }
  br_name_scratch_free(s);
  return NULL;
}

/* One index, several threads, each with its own scratch: the same answers as one thread. */
static void
test_threads(void)
{
  load_lists();
  static const char *const names[] = {
      "Sadam Husein al-Tikriti", "Banco Nacional de Cuba", "ACME Widgets",
      "Osama bin Ladin",         "عزت ابراهيم الدوري",     "GENERAL TRADING CO"};
  Job jobs[3];
  GThread *threads[3];
  for (guint t = 0; t < 3; t++) {
    jobs[t] = (Job){names, G_N_ELEMENTS(names), g_string_new(NULL)};
    threads[t] = g_thread_new("screen", screen_all, &jobs[t]);
  }
  for (guint t = 0; t < 3; t++)
    g_thread_join(threads[t]);
  g_assert_cmpuint(jobs[0].out->len, >, 0);
  for (guint t = 1; t < 3; t++)
    g_assert_cmpstr(jobs[t].out->str, ==, jobs[0].out->str);
  for (guint t = 0; t < 3; t++)
    g_string_free(jobs[t].out, TRUE);
}

/* Variants of a listed name a screening must still find: a letter dropped from its longest
 * word, its words reversed, a legal form and a trade word added, its first word an initial;
 * and two listed names' words mixed, which should find either only when close enough. */
static GPtrArray *
variants_of(const char *name, const char *other)
{
  GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
  char **w = g_strsplit_set(name, " ,", -1);
  char **o = g_strsplit_set(other, " ,", -1);
  guint n = g_strv_length(w), longest = 0;
  for (guint i = 0; i < n; i++)
    if (strlen(w[i]) > strlen(w[longest]))
      longest = i;
  g_ptr_array_add(v, g_strdup(name));
  GString *g = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    const char *word = w[i];
    if (i == longest && strlen(word) > 4)
      g_string_append_printf(g, "%.*s%s ", 2, word, word + 3);
    else
      g_string_append_printf(g, "%s ", word);
  }
  g_ptr_array_add(v, g_string_free(g, FALSE));
  g = g_string_new(NULL);
  for (guint i = n; i > 0; i--)
    g_string_append_printf(g, "%s ", w[i - 1]);
  g_ptr_array_add(v, g_string_free(g, FALSE));
  g_ptr_array_add(v, g_strdup_printf("%s General Trading LLC", name));
  if (n > 1 && w[0][0])
    g_ptr_array_add(v, g_strdup_printf("%c. %s", w[0][0], name + strlen(w[0])));
  if (n > 1 && g_strv_length(o) > 1)
    g_ptr_array_add(v, g_strdup_printf("%s %s", w[0], o[g_strv_length(o) - 1]));
  g_strfreev(w);
  g_strfreev(o);
  return v;
}

/* The index finds what scoring every listed name finds: nothing else, and all of it here (a
 * pair a score can make shares an index key; what it could still miss are names of common
 * words past the candidate cap). The floor leaves room for those only. */
static void
test_agrees_with_exhaustive(void)
{
  load_lists();
  BrNameScratch *s = br_name_scratch_new(lists.index);
  BrNameMatch fast[32], all[32];
  guint queries = 0, expected = 0, found = 0;
  const GArray *entries = lists.ofac->entries;
  for (guint e = 0; e < entries->len; e += 131) {
    const BrWatchEntry *en = &g_array_index(entries, BrWatchEntry, e);
    const BrWatchEntry *other = &g_array_index(entries, BrWatchEntry, (e * 7 + 13) % entries->len);
    if (!en->name || !other->name)
      continue;
    GPtrArray *v = variants_of(en->name, other->name);
    for (guint i = 0; i < v->len; i++) {
      const char *q = g_ptr_array_index(v, i);
      guint nf = br_name_index_match(lists.index, s, q, -1, 0, BR_NAME_DEFAULT_THRESHOLD, fast, 32);
      guint na = br_name_index_match_exhaustive(lists.index, s, q, -1, 0, BR_NAME_DEFAULT_THRESHOLD,
                                                all, 32);
      queries++;
      expected += na;
      for (guint a = 0; a < na && g_getenv("BR_NAMEINDEX_VERBOSE"); a++) {
        gboolean got = FALSE;
        for (guint f = 0; f < nf; f++)
          got |= all[a].entry == fast[f].entry && all[a].list == fast[f].list;
        if (!got)
          g_printerr("missed: %s -> %s (%.3f)\n", q, all[a].name, all[a].score);
      }
      for (guint f = 0; f < nf; f++) {
        gboolean in_all = FALSE;
        /* The index may reach an entry through another of its names than the best one (a
         * join with a typo has no key), never score it higher. */
        for (guint a = 0; a < na; a++)
          if (all[a].entry == fast[f].entry && all[a].list == fast[f].list) {
            g_assert_cmpfloat(fast[f].score, <=, all[a].score);
            in_all = TRUE;
          }
        if (!in_all)
          g_error("%s: the index found %s, which scoring everything did not", q, fast[f].name);
        found++;
      }
    }
    g_ptr_array_unref(v);
  }
  g_test_message("%u queries: %u of %u exhaustive matches found", queries, found, expected);
  g_assert_cmpuint(queries, >=, 300);
  g_assert_cmpuint(expected, >=, 280);
  g_assert_cmpfloat((double)found / expected, >=, 0.99);
  br_name_scratch_free(s);
}

/* The threshold only cuts: what a name matches at threshold t is what it matches at 0 with
 * the matches under t left out, so a line red at 0.85 is never green because the rule asked
 * for more, and pruning at the asked threshold drops nothing that scores above it. Queries:
 * the variants above of every 40th UN and OFAC party name, and a name whose listed word was
 * first indexed as a join of two others (HONG KONG), so its typo keys were missing. */
static void
check_threshold_only_cuts(BrNameScratch *s, const char *q, guint *compared)
{
  static const double thresholds[] = {0.3, 0.5, 0.6, 0.7, 0.78, 0.8, 0.85, 0.9, 0.95};
  BrNameMatch low[32], at[32];
  guint nl = br_name_index_match(lists.index, s, q, -1, 0, 0.0, low, 32);
  for (guint t = 0; t < G_N_ELEMENTS(thresholds); t++) {
    guint na = br_name_index_match(lists.index, s, q, -1, 0, thresholds[t], at, 32);
    guint kept = 0;
    for (guint i = 0; i < nl; i++) {
      if (low[i].score < thresholds[t])
        continue;
      if (kept >= na || at[kept].entry != low[i].entry || at[kept].list != low[i].list ||
          at[kept].score != low[i].score)
        g_error("%s: %s scores %.3f at 0 but is not matched at %.2f", q, low[i].name, low[i].score,
                thresholds[t]);
      kept++;
    }
    if (kept != na)
      g_error("%s: %s matched at %.2f but not at 0", q, at[kept].name, thresholds[t]);
    *compared += kept;
  }
}

/* Every candidate's bounds are upper bounds of its score (score <= bound <= first bound), on
 * the variants of every 40th UN and OFAC name: typos, reordering, legal forms, initials,
 * another name's words, names contained in longer ones, acronyms and Arabic script. */
static void
check_bounds(BrNameScratch *s, const char *q, guint *pairs, guint *above)
{
  static BrNameBoundAudit audit[20000];
  guint n = br_name_index_audit_bounds(lists.index, s, q, -1, audit, G_N_ELEMENTS(audit));
  for (guint i = 0; i < n; i++) {
    const BrNameBoundAudit *a = &audit[i];
    if (a->score > a->bound + 1e-6)
      g_error("%s ~ %s: score %.6f over its bound %.6f", q, a->name, a->score, a->bound);
    if (a->bound > a->first_bound + 1e-4)
      g_error("%s ~ %s: bound %.6f over its first bound %.6f", q, a->name, a->bound,
              a->first_bound);
    *above += a->score >= br_name_uncalibrate(BR_NAME_DEFAULT_THRESHOLD);
  }
  *pairs += n;
}

static void
for_each_variant(void (*check)(BrNameScratch *, const char *, guint *, guint *), BrNameScratch *s,
                 guint *a, guint *b)
{
  static const char *const extra[] = {"HUAXIN SHIPPING HONGKON LTD.",
                                      "HAQQANI NETWORK (HQN)",
                                      "FOREIGN TRADE BANK (FTB)",
                                      "GUZMAN SALAZAR, Jesus",
                                      "Jack Taylor",
                                      "J. Taylor",
                                      "نشوان عبد الرزاق عبد الباقي",
                                      "Ahmed Hassan Ali",
                                      "Muhammad Ali",
                                      "KENYA TRADING LTD",
                                      "Wali Jan",
                                      "AL NUSRAH"};
  for (guint i = 0; i < G_N_ELEMENTS(extra); i++)
    check(s, extra[i], a, b);
  const BrWatchlist *both[] = {lists.un, lists.ofac};
  for (guint l = 0; l < G_N_ELEMENTS(both); l++) {
    const GArray *entries = both[l]->entries;
    for (guint e = 0; e < entries->len; e += 40) {
      const BrWatchEntry *en = &g_array_index(entries, BrWatchEntry, e);
      const BrWatchEntry *other =
          &g_array_index(entries, BrWatchEntry, (e * 7 + 13) % entries->len);
      if (!en->name || !other->name)
        continue;
      GPtrArray *v = variants_of(en->name, other->name);
      for (guint i = 0; i < v->len; i++)
        check(s, g_ptr_array_index(v, i), a, b);
      g_ptr_array_unref(v);
    }
  }
}

static void
threshold_check(BrNameScratch *s, const char *q, guint *compared, guint *unused)
{
  (void)unused;
  check_threshold_only_cuts(s, q, compared);
}

static void
test_threshold_only_cuts(void)
{
  load_lists();
  BrNameScratch *s = br_name_scratch_new(lists.index);
  guint compared = 0, unused = 0;
  check_threshold_only_cuts(s, "HUAXIN SHIPPING HONGKON LTD.", &compared);
  g_assert_cmpuint(compared, >=, 3);
  for_each_variant(threshold_check, s, &compared, &unused);
  g_test_message("%u matches compared across thresholds", compared);
  g_assert_cmpuint(compared, >=, 5000);
  br_name_scratch_free(s);
}

static void
test_bounds_hold(void)
{
  load_lists();
  BrNameScratch *s = br_name_scratch_new(lists.index);
  guint pairs = 0, above = 0;
  for_each_variant(check_bounds, s, &pairs, &above);
  g_test_message("%u (query, listed name) pairs bounded, %u scoring %.2f or more", pairs, above,
                 BR_NAME_DEFAULT_THRESHOLD);
  g_assert_cmpuint(pairs, >=, 100000);
  g_assert_cmpuint(above, >=, 1000);
  br_name_scratch_free(s);
}

/* Names no manifest should hold but some will: very long, dozens of the commonest words,
 * invalid UTF-8, mixed scripts, marks and controls only, a listed name buried in noise. Each is
 * screened and checked for what a match promises (sorted, in range, within max_out); under
 * the sanitizers this is also the check that none of them reads or writes out of bounds. */
static void
test_hostile_names(void)
{
  load_lists();
  BrNameScratch *s = br_name_scratch_new(lists.index);
  GRand *r = g_rand_new_with_seed(31);
  static const char *const parts[] = {"Mohammed",  "Ali",
                                      "AL",        "bin",
                                      "Trading",   "LLC",
                                      "\xff\xfe",  "\xc3",
                                      "محمد",      "ابن",
                                      "Иван",      "\u200f",
                                      "\u0301",    "&&&",
                                      "A.",        "1234",
                                      "CO., LTD.", "Abd al-Aziz",
                                      "ځدران",     "\t",
                                      "COMPANI",   "'",
                                      "-",         "ALNUSRAH",
                                      "ولی",       "Banco Nacional de Cuba"};
  BrNameMatch m[8];
  for (guint q = 0; q < 400; q++) {
    GString *name = g_string_new(NULL);
    guint n = q < 10 ? 400 + q * 50 : (guint)g_rand_int_range(r, 1, 40);
    for (guint i = 0; i < n; i++) {
      g_string_append(name, parts[g_rand_int_range(r, 0, G_N_ELEMENTS(parts))]);
      if (g_rand_boolean(r))
        g_string_append_c(name, ' ');
    }
    guint max_out = (guint)g_rand_int_range(r, 1, 9);
    guint got = br_name_index_match(lists.index, s, name->str, (gssize)name->len, 0,
                                    BR_NAME_DEFAULT_THRESHOLD, m, max_out);
    g_assert_cmpuint(got, <=, max_out);
    for (guint i = 0; i < got; i++) {
      g_assert_cmpfloat(m[i].score, >=, BR_NAME_DEFAULT_THRESHOLD);
      g_assert_cmpfloat(m[i].score, <=, 1.0);
      g_assert_cmpuint(m[i].npairs, <=, BR_NAME_MATCH_PAIRS);
      if (i > 0)
        g_assert_cmpfloat(m[i].score, <=, m[i - 1].score);
    }
    g_string_free(name, TRUE);
  }
  /* A listed name inside noise is still found. */
  guint got = br_name_index_match(lists.index, s, "\xff\xfe  Banco   Nacional de Cuba \u200f", -1,
                                  0, BR_NAME_DEFAULT_THRESHOLD, m, 1);
  g_assert_cmpuint(got, ==, 1);
  g_assert_cmpstr(entry_of(&m[0])->name, ==, "BANCO NACIONAL DE CUBA");
  g_rand_free(r);
  br_name_scratch_free(s);
}

/* An index of no names (a run whose lists hold no parties) builds and matches nothing. */
static void
test_empty_index(void)
{
  BrNameIndex *ix = br_name_index_build(br_name_index_builder_new());
  g_assert_cmpuint(br_name_index_size(ix), ==, 0);
  BrNameScratch *scratch = br_name_scratch_new(ix);
  BrNameMatch m[4];
  g_assert_cmpuint(br_name_index_match(ix, scratch, "KIM JONG UN", -1, 0, 0.5, m, 4), ==, 0);
  br_name_scratch_free(scratch);
  br_name_index_free(ix);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/nameindex/finds-listed-names", test_finds_listed_names);
  g_test_add_func("/nameindex/empty", test_empty_index);
  g_test_add_func("/nameindex/generic-and-unlisted", test_generic_and_unlisted);
  g_test_add_func("/nameindex/dropped-middle-name", test_dropped_middle_name);
  g_test_add_func("/nameindex/kinds-and-quality", test_kinds_and_quality);
  g_test_add_func("/nameindex/common-keys", test_common_keys);
  g_test_add_func("/nameindex/threads", test_threads);
  g_test_add_func("/nameindex/agrees-with-exhaustive", test_agrees_with_exhaustive);
  g_test_add_func("/nameindex/hostile-names", test_hostile_names);
  g_test_add_func("/nameindex/threshold-only-cuts", test_threshold_only_cuts);
  g_test_add_func("/nameindex/bounds-hold", test_bounds_hold);
  int rc = g_test_run();
  br_name_index_free(lists.index);
  br_watchlist_free(lists.un);
  br_watchlist_free(lists.ofac);
  return rc;
}
