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
      g_assert_cmpfloat(m[i].score, ==, BR_NAME_LOW_QUALITY);
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
  guint n = br_name_index_match(ix, s, "Mohammed Ali", -1, 0, BR_NAME_DEFAULT_THRESHOLD, m, 3);
  g_assert_cmpuint(n, >=, 1);
  g_assert_cmpuint(m[0].entry, ==, 99999);
  g_assert_cmpfloat(m[0].score, ==, 1.0);
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
  g_test_add_func("/nameindex/kinds-and-quality", test_kinds_and_quality);
  g_test_add_func("/nameindex/common-keys", test_common_keys);
  g_test_add_func("/nameindex/threads", test_threads);
  int rc = g_test_run();
  br_name_index_free(lists.index);
  br_watchlist_free(lists.un);
  br_watchlist_free(lists.ofac);
  return rc;
}
