/* Corroboration beyond the name (br_corroborate.h): an agreeing id confirms, a conflicting
 * country or date of birth lowers, a common name alone stays under the threshold unless
 * something corroborates it, absent fields change nothing; the combination is monotone. */
#include <string.h>

#include "br_corroborate.h"
#include "br_watchset.h"

#define THRESHOLD BR_NAME_DEFAULT_THRESHOLD

static BrWatchParty
party(const char *country, const char *born, const char *id)
{
  BrWatchParty p = {country, country ? strlen(country) : 0,
                    born,    born ? strlen(born) : 0,
                    id,      id ? strlen(id) : 0};
  return p;
}

/* One individual with facts, one without, one vessel, one common-named individual. */
static BrWatchlist *
sample(void)
{
  BrWatchlist *wl = br_watchlist_new("test", "test");
  guint e = br_watchlist_add(wl, BR_WATCH_INDIVIDUAL, "I1", "Vladislav Petrovsky Kuznetsov", NULL,
                             NULL, NULL);
  br_watchlist_add_fact(wl, e, BR_FACT_COUNTRY, "RU", "nationality");
  br_watchlist_add_fact(wl, e, BR_FACT_COUNTRY, "CY", "address");
  br_watchlist_add_fact(wl, e, BR_FACT_BIRTH_DATE, "1961-03-02", NULL);
  br_watchlist_add_fact(wl, e, BR_FACT_ID, "OB 0243318", "Passport");
  br_watchlist_add(wl, BR_WATCH_INDIVIDUAL, "I2", "Nashwan Abdul Razzaq Abdul Baqi", NULL, NULL,
                   NULL);
  br_watchlist_add(wl, BR_WATCH_VESSEL, "V1", "ARTAVIL", "9187629", NULL, NULL);
  e = br_watchlist_add(wl, BR_WATCH_INDIVIDUAL, "I3", "Mohammed Al Hassan", NULL, NULL, NULL);
  br_watchlist_add_fact(wl, e, BR_FACT_COUNTRY, "IQ", "nationality");
  br_watchlist_add_fact(wl, e, BR_FACT_BIRTH_DATE, "1958", NULL);
  br_watchlist_group_facts(wl);
  return wl;
}

static void
test_combination(void)
{
  BrWatchlist *wl = sample();
  BrCorroboration c;
  BrWatchParty p;
  /* An agreeing id confirms, whatever the spelling of the number. */
  p = party(NULL, NULL, "ob-0243318");
  g_assert_cmpfloat(br_corroborate(&p, wl, 0, 0.80, 0.80, &c), ==, 1.0);
  g_assert_cmpint(c.id, ==, BR_CORROB_AGREES);
  /* ... but not a name that hardly matches. */
  g_assert_cmpfloat(br_corroborate(&p, wl, 0, 0.50, 0.50, &c), ==, 0.50);
  /* Another id of the party says nothing: people hold several documents. */
  p = party(NULL, NULL, "X1234567");
  g_assert_cmpfloat(br_corroborate(&p, wl, 0, 0.90, 0.90, &c), ==, 0.90);
  g_assert_cmpint(c.id, ==, BR_CORROB_ABSENT);
  /* A conflicting country or date of birth lowers. */
  p = party("DE", NULL, NULL);
  g_assert_cmpfloat_with_epsilon(br_corroborate(&p, wl, 0, 0.90, 0.90, &c), 0.80, 1e-9);
  g_assert_cmpint(c.country, ==, BR_CORROB_CONFLICTS);
  p = party(NULL, "1965-07-01", NULL);
  g_assert_cmpfloat_with_epsilon(br_corroborate(&p, wl, 0, 0.90, 0.90, &c), 0.75, 1e-9);
  g_assert_cmpint(c.birth, ==, BR_CORROB_CONFLICTS);
  /* Any listed country agrees (the address in Cyprus); names of countries are codes. */
  p = party("Cyprus", "02 Mar 1961", NULL);
  g_assert_cmpfloat_with_epsilon(br_corroborate(&p, wl, 0, 0.80, 0.80, &c), 0.93, 1e-9);
  g_assert_cmpint(c.country, ==, BR_CORROB_AGREES);
  g_assert_cmpint(c.birth, ==, BR_CORROB_AGREES);
  /* A year alone agrees less than a day. */
  p = party(NULL, "1961", NULL);
  g_assert_cmpfloat_with_epsilon(br_corroborate(&p, wl, 0, 0.80, 0.80, &c), 0.84, 1e-9);
  g_assert_cmpint(c.birth, ==, BR_CORROB_AGREES_YEAR);
  /* Absent fields change nothing: the entry has no facts, the party none, or an unknown
   * country or a date that is none. */
  p = party("DE", "1965-07-01", "X1234567");
  g_assert_cmpfloat(br_corroborate(&p, wl, 1, 0.90, 0.90, &c), ==, 0.90);
  g_assert_cmpfloat(br_corroborate(NULL, wl, 0, 0.90, 0.90, &c), ==, 0.90);
  g_assert_false(c.any);
  p = party("Atlantis", "someday", NULL);
  g_assert_cmpfloat(br_corroborate(&p, wl, 0, 0.90, 0.90, &c), ==, 0.90);
  /* A vessel's IMO number confirms it, another number rules it out. */
  p = party(NULL, NULL, "IMO 9187629");
  g_assert_cmpfloat(br_corroborate(&p, wl, 2, 0.88, 0.88, &c), ==, 1.0);
  p = party(NULL, NULL, "9321483");
  g_assert_cmpfloat_with_epsilon(br_corroborate(&p, wl, 2, 0.88, 0.88, &c), 0.68, 1e-9);
  GString *s = g_string_new(NULL);
  br_corroboration_describe(&c, s);
  g_assert_cmpstr(s->str, ==, "IMO differs from listed 9187629 -0.20");
  g_string_free(s, TRUE);
  br_watchlist_free(wl);
}

/* The final score never falls when the name score rises or a field moves from conflicting to
 * absent to agreeing. */
static void
test_monotone(void)
{
  BrWatchlist *wl = sample();
  const char *countries[] = {"DE", NULL, "RU"};        /* conflicts, absent, agrees */
  const char *births[] = {"1970-01-01", NULL, "1961"}; /* conflicts, absent, agrees */
  const char *ids[] = {NULL, "OB0243318"};             /* absent, agrees */
  BrCorroboration c;
  for (guint ci = 0; ci < 3; ci++)
    for (guint bi = 0; bi < 3; bi++)
      for (guint ii = 0; ii < 2; ii++) {
        double last = -1;
        for (guint step = 0; step <= 100; step++) {
          double s = step / 100.0;
          BrWatchParty p = party(countries[ci], births[bi], ids[ii]);
          double f = br_corroborate(&p, wl, 0, s, s, &c);
          g_assert_cmpfloat(f, >=, last);
          last = f;
          /* One step better in any field never lowers the score. */
          if (ci < 2) {
            BrWatchParty q = party(countries[ci + 1], births[bi], ids[ii]);
            g_assert_cmpfloat(br_corroborate(&q, wl, 0, s, s, &c), >=, f);
          }
          if (bi < 2) {
            BrWatchParty q = party(countries[ci], births[bi + 1], ids[ii]);
            g_assert_cmpfloat(br_corroborate(&q, wl, 0, s, s, &c), >=, f);
          }
          if (ii < 1) {
            BrWatchParty q = party(countries[ci], births[bi], ids[ii + 1]);
            g_assert_cmpfloat(br_corroborate(&q, wl, 0, s, s, &c), >=, f);
          }
        }
      }
  br_watchlist_free(wl);
}

/* Through the set: a common name alone stays under the threshold, corroboration lifts it, a
 * conflict drops a name match under it, and the parts are shown. */
static void
test_screen(void)
{
  GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_watchlist_free);
  g_ptr_array_add(lists, sample());
  BrWatchSet *set = br_watch_set_new(lists, BR_WATCH_PARTY_KINDS);
  BrNameScratch *scratch = br_name_scratch_new(br_watch_set_index(set));
  BrWatchHit hit;
  const char *common = "Muhammad al-Hasan";
  g_assert_cmpuint(br_watch_set_match(set, scratch, common, -1, 0, THRESHOLD, FALSE, &hit, 1), ==,
                   0);
  /* The country alone is not enough for a common name, nor the year of birth alone ... */
  BrWatchParty p = party("IQ", NULL, NULL);
  g_assert_cmpuint(
      br_watch_set_match_party(set, scratch, common, -1, &p, 0, THRESHOLD, FALSE, &hit, 1), ==, 0);
  p = party(NULL, "1958", NULL);
  g_assert_cmpuint(
      br_watch_set_match_party(set, scratch, common, -1, &p, 0, THRESHOLD, FALSE, &hit, 1), ==, 0);
  /* ... the country and the year of birth are. */
  p = party("IQ", "1958", NULL);
  g_assert_cmpuint(
      br_watch_set_match_party(set, scratch, common, -1, &p, 0, THRESHOLD, FALSE, &hit, 1), ==, 1);
  g_assert_cmpstr(hit.entry_ref, ==, "I3");
  g_assert_true(hit.common);
  g_assert_cmpfloat_with_epsilon(hit.score, BR_NAME_COMMON_CAP + 0.07, 1e-9);
  GString *s = g_string_new(NULL);
  br_watch_hit_describe(&hit, s);
  g_test_message("%s", s->str);
  g_assert_nonnull(strstr(s->str, "common names only: capped at 0.80; country IQ as listed +0.03; "
                                  "born 1958 as listed +0.04; final 0.870"));
  /* A name match that stands alone falls under the threshold when the country conflicts (the
   * threshold is set just under the name's own score, so that the name scorer's calibration
   * does not move this test). */
  const char *near = "Vladislav Kuznetsov";
  g_assert_cmpuint(br_watch_set_match(set, scratch, near, -1, 0, 0.6, FALSE, &hit, 1), ==, 1);
  double alone = hit.score, cut = alone - 0.05;
  g_assert_cmpfloat(alone, <, 1.0);
  p = party("DE", NULL, NULL);
  g_assert_cmpuint(br_watch_set_match_party(set, scratch, near, -1, &p, 0, cut, FALSE, &hit, 1), ==,
                   0);
  g_assert_cmpuint(br_watch_set_match_party(set, scratch, near, -1, &p, 0, 0.6, FALSE, &hit, 1), ==,
                   1);
  g_assert_cmpfloat_with_epsilon(hit.score, alone - 0.10, 1e-9);
  g_string_truncate(s, 0);
  br_watch_hit_describe(&hit, s);
  g_test_message("%s", s->str);
  g_assert_nonnull(strstr(s->str, "; country DE, listed RU -0.10; final "));
  /* An agreeing passport confirms it. */
  p = party("DE", NULL, "OB0243318");
  g_assert_cmpuint(br_watch_set_match_party(set, scratch, near, -1, &p, 0, cut, FALSE, &hit, 1), ==,
                   1);
  g_assert_cmpfloat(hit.score, ==, 1.0);
  g_string_truncate(s, 0);
  br_watch_hit_describe(&hit, s);
  g_assert_nonnull(strstr(s->str, "id OB 0243318 as listed: confirmed; final 1.000"));
  /* A party without any field screens as the name alone. */
  p = party(NULL, NULL, NULL);
  g_assert_cmpuint(br_watch_set_match_party(set, scratch, near, -1, &p, 0, cut, FALSE, &hit, 1), ==,
                   1);
  g_assert_cmpfloat(hit.score, ==, alone);
  g_assert_false(hit.corroboration.any);
  g_string_free(s, TRUE);
  br_name_scratch_free(scratch);
  br_watch_set_free(set);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/corroborate/combination", test_combination);
  g_test_add_func("/corroborate/monotone", test_monotone);
  g_test_add_func("/corroborate/screen", test_screen);
  return g_test_run();
}
