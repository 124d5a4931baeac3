/* Batch screening (br_watch_batch.h): every name gets what br_watch_set_match gives it, by its
 * position, on one thread or several, with repeated names matched once. */
#include <string.h>

#include "br_watch_batch.h"

static BrWatchSet *
make_set(void)
{
  BrWatchlist *un = br_watchlist_new("un", "test");
  guint e = br_watchlist_add(un, BR_WATCH_INDIVIDUAL, "QDi.012",
                             "Nashwan Abd Al-Razzaq Abd Al-Baqi", NULL, NULL, NULL);
  br_watchlist_add_alias(un, e, "Abd Al-Hadi Al-Iraqi", BR_NAME_QUALITY_GOOD);
  br_watchlist_add_fact(un, e, BR_FACT_COUNTRY, "IQ", "nationality");
  br_watchlist_add_fact(un, e, BR_FACT_BIRTH_DATE, "1961-03-02", NULL);
  br_watchlist_add_fact(un, e, BR_FACT_ID, "P229856", "Passport");
  br_watchlist_add(un, BR_WATCH_ENTITY, "QDe.105", "Al Rashid Trust", NULL, NULL, NULL);
  br_watchlist_add(un, BR_WATCH_ENTITY, "QDe.106", "Al Rashid Trading Company", NULL, NULL, NULL);
  BrWatchlist *ofac = br_watchlist_new("ofac", "test");
  br_watchlist_add(ofac, BR_WATCH_ENTITY, "36", "Huaxin Shipping Hongkong Ltd.", NULL, NULL, NULL);
  br_watchlist_add(ofac, BR_WATCH_ENTITY, "37", "Al Rashid Trust Fund", NULL, NULL, NULL);
  GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_watchlist_free);
  g_ptr_array_add(lists, un);
  g_ptr_array_add(lists, ofac);
  return br_watch_set_new(lists, BR_WATCH_PARTY_KINDS);
}

static const char *const samples[] = {
    "Al Rashid Trust",       "Huaxin Shipping Hongkon Ltd",
    "Abd Al Hadi Al Iraqi",  "Nobody In Particular",
    "-Al Rashid Trading Co", "NASHWAN ABDUL RAZZAQ ABDUL BAQI",
    "Golden Star Logistics", "al-rashid trust",
};

/* n names drawn from samples, with made-up names in between. */
static char **
make_names(guint n)
{
  char **names = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = i % 3 ? g_strdup(samples[(i * 7) % G_N_ELEMENTS(samples)])
                     : g_strdup_printf("Trader %u Import Export", i);
  return names;
}

static void
assert_same_hits(const BrWatchHit *a, guint na, const BrWatchHit *b, guint nb)
{
  g_assert_cmpuint(na, ==, nb);
  for (guint k = 0; k < na; k++) {
    g_assert_cmpstr(a[k].list, ==, b[k].list);
    g_assert_cmpstr(a[k].entry_ref, ==, b[k].entry_ref);
    g_assert_cmpfloat(a[k].score, ==, b[k].score);
    g_assert_cmpstr(a[k].tokens, ==, b[k].tokens);
  }
}

/* ref is another set of the same lists, so that its answers do not come from the memo the
 * batch filled. */
static void
check_batch(const BrWatchSet *set, const BrWatchSet *ref, guint threads, guint64 lists, guint top,
            char **names, guint n)
{
  gsize *lens = g_new(gsize, n);
  for (guint i = 0; i < n; i++)
    lens[i] = strlen(names[i]);
  BrWatchBatch *batch = br_watch_batch_new(set, threads, lists, 0.7, top);
  guint distinct = br_watch_batch_screen(batch, (const char *const *)names, lens, NULL, n);
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    g_hash_table_add(seen, names[i]);
  g_assert_cmpuint(distinct, ==, g_hash_table_size(seen));
  g_hash_table_destroy(seen);
  BrNameScratch *scratch = br_name_scratch_new(br_watch_set_index(ref));
  BrWatchHit *want = g_new(BrWatchHit, top);
  guint with_hits = 0;
  for (guint i = 0; i < n; i++) {
    guint nw = br_watch_set_match(ref, scratch, names[i], -1, lists, 0.7, TRUE, want, top);
    guint ng;
    const BrWatchHit *got = br_watch_batch_hits(batch, i, &ng);
    assert_same_hits(got, ng, want, nw);
    with_hits += ng > 0;
  }
  g_assert_cmpuint(with_hits, >, 0);
  g_free(want);
  br_name_scratch_free(scratch);
  br_watch_batch_free(batch);
  g_free(lens);
}

static void
test_same_as_match(void)
{
  BrWatchSet *set = make_set(), *ref = make_set();
  char **names = make_names(2000);
  for (guint threads = 1; threads <= 3; threads++) {
    check_batch(set, ref, threads, 0, 5, names, 2000);
    check_batch(set, ref, threads, br_watch_set_list_mask(set, "ofac"), 1, names, 37);
  }
  g_strfreev(names);
  br_watch_set_free(ref);
  br_watch_set_free(set);
}

/* A batch is reused: each call's results replace the last's, and an empty call is fine. */
static void
test_reuse(void)
{
  BrWatchSet *set = make_set();
  BrWatchBatch *batch = br_watch_batch_new(set, 2, 0, 0.7, 3);
  const char *a[] = {"Al Rashid Trust", "Al Rashid Trust", "Nobody"};
  gsize la[] = {15, 15, 6};
  g_assert_cmpuint(br_watch_batch_screen(batch, a, la, NULL, 3), ==, 2);
  guint n0, n1, n2;
  const BrWatchHit *h0 = br_watch_batch_hits(batch, 0, &n0);
  const BrWatchHit *h1 = br_watch_batch_hits(batch, 1, &n1);
  br_watch_batch_hits(batch, 2, &n2);
  g_assert_cmpuint(n0, >=, 1);
  g_assert_true(h0 == h1 && n0 == n1);
  g_assert_cmpstr(h0[0].entry_ref, ==, "QDe.105");
  g_assert_cmpuint(n2, ==, 0);
  /* A name's length is its own: "Al Rashid" out of the same bytes is another name. */
  gsize lb[] = {9};
  g_assert_cmpuint(br_watch_batch_screen(batch, a, lb, NULL, 1), ==, 1);
  g_assert_cmpuint(br_watch_batch_screen(batch, a, lb, NULL, 0), ==, 0);
  br_watch_batch_free(batch);
  br_watch_set_free(set);
}

/* With what the input says of each party, a name gets what br_watch_set_match_party gives it:
 * the same name with other fields is another screening, and a name without fields is
 * screened on the name alone. */
static void
test_parties(void)
{
  BrWatchSet *set = make_set(), *ref = make_set();
  const char *name = "Nashwan Abdulrazaq Albaqi";
  const char *names[] = {name, name, name, name, name};
  gsize lens[G_N_ELEMENTS(names)];
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    lens[i] = strlen(names[i]);
  BrWatchParty parties[] = {
      {0},
      {"DE", 2, NULL, 0, NULL, 0},
      {"IQ", 2, "1961-03-02", 10, NULL, 0},
      {NULL, 0, NULL, 0, "P229856", 7},
      {"DE", 2, NULL, 0, NULL, 0},
  };
  for (guint threads = 1; threads <= 2; threads++) {
    BrWatchBatch *batch = br_watch_batch_new(set, threads, 0, 0.5, 3);
    g_assert_cmpuint(br_watch_batch_screen(batch, names, lens, parties, 5), ==, 4);
    BrNameScratch *scratch = br_name_scratch_new(br_watch_set_index(ref));
    BrWatchHit want[3];
    double score[G_N_ELEMENTS(names)];
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
      guint nw =
          br_watch_set_match_party(ref, scratch, name, -1, &parties[i], 0, 0.5, TRUE, want, 3);
      guint ng;
      const BrWatchHit *got = br_watch_batch_hits(batch, i, &ng);
      assert_same_hits(got, ng, want, nw);
      g_assert_cmpuint(ng, >=, 1);
      g_assert_cmpstr(got[0].entry_ref, ==, "QDi.012");
      g_assert_cmpint(got[0].corroboration.any, ==, i != 0);
      score[i] = got[0].score;
    }
    g_assert_cmpfloat(score[1], <, score[0]);
    g_assert_cmpfloat(score[2], >, score[0]);
    g_assert_cmpfloat(score[3], ==, 1.0);
    br_name_scratch_free(scratch);
    br_watch_batch_free(batch);
  }
  br_watch_set_free(ref);
  br_watch_set_free(set);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/watch_batch/same_as_match", test_same_as_match);
  g_test_add_func("/watch_batch/reuse", test_reuse);
  g_test_add_func("/watch_batch/parties", test_parties);
  return g_test_run();
}
