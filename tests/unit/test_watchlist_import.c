#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_watchlist.h"

#define UN_WITH_COUNTRY 867
#define UN_WITH_DOB 677
#define UN_WITH_ID 272
#define UN_WITH_ADDRESS 338
#define OFAC_WITH_COUNTRY 6429
#define OFAC_WITH_DOB 3662
#define OFAC_WITH_ID 3063
#define OFAC_WITH_ADDRESS 4014

static char *
shared(const char *a, const char *b)
{
  return g_build_filename(g_getenv("BR_SHARED_DATA"), a, b, NULL);
}

static guint
entries_with_value(const BrWatchlist *wl, BrWatchKind kind)
{
  guint n = 0;
  for (guint i = 0; i < wl->entries->len; i++) {
    const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
    n += e->kind == kind && e->value;
  }
  return n;
}

static const BrWatchEntry *
find_entry(const BrWatchlist *wl, const char *id)
{
  for (guint i = 0; i < wl->entries->len; i++) {
    const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
    if (g_strcmp0(e->source_id, id) == 0)
      return e;
  }
  return NULL;
}

static gboolean
has_alias(const BrWatchlist *wl, const BrWatchEntry *e, const char *name, BrNameQuality q)
{
  guint idx = (guint)(e - &g_array_index(wl->entries, BrWatchEntry, 0));
  for (guint i = 0; i < wl->aliases->len; i++) {
    const BrWatchAlias *a = &g_array_index(wl->aliases, BrWatchAlias, i);
    if (a->entry == idx && strcmp(a->name, name) == 0 && a->quality == q)
      return TRUE;
  }
  return FALSE;
}

/* Whether entry e has the fact kind=value (and note, when note is not NULL). */
static gboolean
has_fact(BrWatchlist *wl, const BrWatchEntry *e, BrWatchFactKind kind, const char *value,
         const char *note)
{
  guint idx = (guint)(e - &g_array_index(wl->entries, BrWatchEntry, 0)), n;
  br_watchlist_group_facts(wl);
  const BrWatchFact *f = br_watchlist_entry_facts(wl, idx, &n);
  for (guint i = 0; i < n; i++)
    if (f[i].kind == kind && strcmp(f[i].value, value) == 0 &&
        (!note || !g_strcmp0(f[i].note, note)))
      return TRUE;
  return FALSE;
}

/* What the UN list says of its entries besides names: nationality, addresses, dates and places
 * of birth, documents. Counts of the shared list of 2026-02-27. */
static void
test_un_facts(void)
{
  char *path = shared("watchlists", "un-consolidated.xml");
  GError *error = NULL;
  BrWatchlist *wl = br_watchlist_load_un(path, &error);
  g_assert_no_error(error);
  for (guint i = 0; i < wl->rejects->len; i++) {
    const BrWatchReject *r = g_ptr_array_index(wl->rejects, i);
    g_test_message("%s: %s", r->where, r->reason);
  }
  g_assert_cmpuint(wl->rejects->len, ==, 0);
  g_test_message("UN: %u entries with a country, %u with a date of birth, %u with an id, %u with "
                 "an address",
                 br_watchlist_count_facts(wl, BR_FACT_COUNTRY),
                 br_watchlist_count_facts(wl, BR_FACT_BIRTH_DATE),
                 br_watchlist_count_facts(wl, BR_FACT_ID),
                 br_watchlist_count_facts(wl, BR_FACT_ADDRESS));
  g_assert_cmpuint(br_watchlist_count_facts(wl, BR_FACT_COUNTRY), ==, UN_WITH_COUNTRY);
  g_assert_cmpuint(br_watchlist_count_facts(wl, BR_FACT_BIRTH_DATE), ==, UN_WITH_DOB);
  g_assert_cmpuint(br_watchlist_count_facts(wl, BR_FACT_ID), ==, UN_WITH_ID);
  g_assert_cmpuint(br_watchlist_count_facts(wl, BR_FACT_ADDRESS), ==, UN_WITH_ADDRESS);
  /* CDi.001: nationality "Democratic Republic of the Congo", living in Rwanda, born 1971. */
  const BrWatchEntry *e = find_entry(wl, "CDi.001");
  g_assert_true(has_fact(wl, e, BR_FACT_COUNTRY, "CD", "nationality"));
  g_assert_true(has_fact(wl, e, BR_FACT_COUNTRY, "RW", "address"));
  g_assert_true(has_fact(wl, e, BR_FACT_BIRTH_DATE, "1971", NULL));
  e = find_entry(wl, "CDi.019");
  g_assert_true(has_fact(wl, e, BR_FACT_ID, "1-78-09-44621-80", "National Identification Number"));
  e = find_entry(wl, "CDi.002");
  g_assert_true(has_fact(wl, e, BR_FACT_ADDRESS, "Kinshasa", "Democratic Republic of the Congo"));
  /* "Iran (Islamic Republic of)" and "Democratic People's Republic of Korea" are codes too. */
  guint ir = 0, kp = 0;
  for (guint i = 0; i < wl->facts->len; i++) {
    const BrWatchFact *f = &g_array_index(wl->facts, BrWatchFact, i);
    ir += f->kind == BR_FACT_COUNTRY && strcmp(f->value, "IR") == 0;
    kp += f->kind == BR_FACT_COUNTRY && strcmp(f->value, "KP") == 0;
  }
  g_assert_cmpuint(ir, >, 0);
  g_assert_cmpuint(kp, >=, 79);
  br_watchlist_free(wl);
  g_free(path);
}

/* OFAC's remarks ("DOB 10 Dec 1948; POB ...; nationality ...; Passport ...") and add.csv. */
static void
test_ofac_facts(void)
{
  char *dir = shared("watchlists", "ofac");
  GError *error = NULL;
  BrWatchlist *wl = br_watchlist_load_ofac(dir, &error);
  g_assert_no_error(error);
  for (guint i = 0; i < wl->rejects->len && i < 20; i++) {
    const BrWatchReject *r = g_ptr_array_index(wl->rejects, i);
    g_test_message("%s: %s", r->where, r->reason);
  }
  g_assert_cmpuint(wl->rejects->len, ==, 0);
  g_test_message("OFAC: %u entries with a country, %u with a date of birth, %u with an id, %u "
                 "with an address",
                 br_watchlist_count_facts(wl, BR_FACT_COUNTRY),
                 br_watchlist_count_facts(wl, BR_FACT_BIRTH_DATE),
                 br_watchlist_count_facts(wl, BR_FACT_ID),
                 br_watchlist_count_facts(wl, BR_FACT_ADDRESS));
  g_assert_cmpuint(br_watchlist_count_facts(wl, BR_FACT_COUNTRY), ==, OFAC_WITH_COUNTRY);
  g_assert_cmpuint(br_watchlist_count_facts(wl, BR_FACT_BIRTH_DATE), ==, OFAC_WITH_DOB);
  g_assert_cmpuint(br_watchlist_count_facts(wl, BR_FACT_ID), ==, OFAC_WITH_ID);
  g_assert_cmpuint(br_watchlist_count_facts(wl, BR_FACT_ADDRESS), ==, OFAC_WITH_ADDRESS);
  /* 7831 DUMONT, Lionel: three dates of birth, born in France. */
  const BrWatchEntry *e = find_entry(wl, "7831");
  g_assert_true(has_fact(wl, e, BR_FACT_BIRTH_DATE, "1971-01-21", NULL));
  g_assert_true(has_fact(wl, e, BR_FACT_BIRTH_DATE, "1975-01-29", NULL));
  g_assert_true(has_fact(wl, e, BR_FACT_COUNTRY, "FR", "birth"));
  /* 8096: "Passport P229856 issued 01 Nov 2002 expires 31 Oct 2007". */
  e = find_entry(wl, "8096");
  g_assert_true(has_fact(wl, e, BR_FACT_ID, "P229856", "Passport"));
  g_assert_true(has_fact(wl, e, BR_FACT_COUNTRY, "TN", "birth")); /* and nationality: kept once */
  /* 306 National Bank of Cuba: its address in Havana (add.csv). */
  e = find_entry(wl, "306");
  g_assert_true(has_fact(wl, e, BR_FACT_COUNTRY, "CH", "address"));
  br_watchlist_free(wl);
  g_free(dir);
}

static void
test_birth_dates(void)
{
  static const struct {
    const char *text, *want;
    gboolean approx;
  } cases[] = {
      {"10 Dec 1948", "1948-12-10", FALSE},
      {"Dec 1948", "1948-12", FALSE},
      {"1948", "1948", FALSE},
      {"circa 1948", "1948", TRUE},
      {"1948 to 1950", "1948/1950", FALSE},
      {"circa 1979-1982", "1979/1982", TRUE},
      {"01 Jan 1973 to 31 Dec 1973", "1973", FALSE},
      {"1978-04-28", "1978-04-28", FALSE},
      {"yesterday", NULL, FALSE},
      {"1950 to 1948", NULL, FALSE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char out[16];
    gboolean approx;
    gboolean ok = br_watchlist_parse_birth_date(cases[i].text, out, &approx);
    g_assert_cmpint(ok, ==, cases[i].want != NULL);
    if (ok) {
      g_assert_cmpstr(out, ==, cases[i].want);
      g_assert_cmpint(approx, ==, cases[i].approx);
    }
  }
}

static void
test_un(void)
{
  char *path = shared("watchlists", "un-consolidated.xml");
  GError *error = NULL;
  BrWatchlist *wl = br_watchlist_load_un(path, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(wl->counts[BR_WATCH_INDIVIDUAL], ==, 730);
  g_assert_cmpuint(wl->counts[BR_WATCH_ENTITY], ==, 273);
  g_assert_cmpuint(wl->rejects->len, ==, 0);
  g_assert_cmpstr(wl->version, ==, "2026-02-27T00:00:09.554Z");
  g_assert_cmpuint(strlen(wl->content_hash), ==, 64);

  const BrWatchEntry *e = find_entry(wl, "CDi.002");
  g_assert_nonnull(e);
  g_assert_cmpstr(e->name, ==, "FRANK KAKOLELE BWAMBALE");
  g_assert_cmpstr(e->program, ==, "DRC");
  g_assert_true(has_alias(wl, e, "FRANK KAKORERE", BR_NAME_QUALITY_GOOD));
  /* Names in original script are aliases; low-quality aliases keep their quality. */
  e = find_entry(wl, "IQi.001");
  g_assert_nonnull(e);
  g_assert_true(has_alias(wl, e, "صدام حسين التكريتي", BR_NAME_QUALITY_GOOD));
  guint low = 0;
  for (guint i = 0; i < wl->aliases->len; i++)
    low += g_array_index(wl->aliases, BrWatchAlias, i).quality == BR_NAME_QUALITY_LOW;
  g_assert_cmpuint(low, >=, 600);
  /* "A (X) ; B (Y)": the name A, aliases X, B and Y. */
  e = find_entry(wl, "CDe.003");
  g_assert_cmpstr(e->name, ==, "COMPAGNIE AERIENNE DES GRANDS LACS");
  g_assert_true(has_alias(wl, e, "CAGL", BR_NAME_QUALITY_GOOD));
  g_assert_true(has_alias(wl, e, "GREAT LAKES BUSINESS COMPANY", BR_NAME_QUALITY_GOOD));
  g_assert_true(has_alias(wl, e, "GLBC", BR_NAME_QUALITY_GOOD));

  /* Same file, same content hash: the store uses it to make imports idempotent. */
  BrWatchlist *again = br_watchlist_load_un(path, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(again->content_hash, ==, wl->content_hash);
  g_assert_cmpuint(again->aliases->len, ==, wl->aliases->len);
  br_watchlist_free(again);
  br_watchlist_free(wl);
  g_free(path);
}

static void
test_ofac(void)
{
  char *dir = shared("watchlists", "ofac");
  GError *error = NULL;
  BrWatchlist *wl = br_watchlist_load_ofac(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(wl->counts[BR_WATCH_INDIVIDUAL], ==, 3845);
  g_assert_cmpuint(wl->counts[BR_WATCH_ENTITY], ==, 2994);
  g_assert_cmpuint(wl->counts[BR_WATCH_VESSEL], ==, 323);
  g_assert_cmpuint(wl->counts[BR_WATCH_AIRCRAFT], ==, 217);
  g_assert_cmpuint(entries_with_value(wl, BR_WATCH_VESSEL), ==, 316);
  g_assert_cmpuint(wl->rejects->len, ==, 0);
  const BrWatchEntry *e = find_entry(wl, "15036");
  g_assert_cmpint(e->kind, ==, BR_WATCH_VESSEL);
  g_assert_cmpstr(e->name, ==, "ARTAVIL");
  g_assert_cmpstr(e->value, ==, "9187629");
  e = find_entry(wl, "306");
  g_assert_cmpint(e->kind, ==, BR_WATCH_ENTITY);
  g_assert_cmpstr(e->program, ==, "CUBA");
  g_assert_true(has_alias(wl, e, "NATIONAL BANK OF CUBA", BR_NAME_QUALITY_GOOD));
  g_assert_true(has_alias(wl, e, "BNC", BR_NAME_QUALITY_LOW));
  /* -0- is empty, not a name or a programme. */
  for (guint i = 0; i < wl->entries->len; i++) {
    const BrWatchEntry *x = &g_array_index(wl->entries, BrWatchEntry, i);
    g_assert_true(x->notes == NULL || strcmp(x->notes, "-0-") != 0);
  }
  br_watchlist_free(wl);
  g_free(dir);
}

static void
test_ofac_rejects(void)
{
  char *dir = g_dir_make_tmp("br-ofac-XXXXXX", NULL);
  char *sdn = g_build_filename(dir, "sdn.csv", NULL);
  char *alt = g_build_filename(dir, "alt.csv", NULL);
  g_assert_true(g_file_set_contents(
      sdn,
      "10,\"GOOD CO\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "x1,\"BAD ID\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "11,\"SHIP\",\"vessel\",\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"IMO 9187620\"\n"
      "12,\"ODD\",\"spaceship\",\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "13,\"SHORT\",-0- \n"
      "10,\"GOOD CO AGAIN\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n",
      -1, NULL));
  g_assert_true(g_file_set_contents(alt,
                                    "10,1,\"aka\",\"FINE ALIAS\",-0- \n"
                                    "99,2,\"aka\",\"ORPHAN\",-0- \n"
                                    "10,3,\"zzz\",\"ODD TYPE\",-0- \n",
                                    -1, NULL));
  GError *error = NULL;
  BrWatchlist *wl = br_watchlist_load_ofac(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(wl->counts[BR_WATCH_ENTITY], ==, 1);
  g_assert_cmpuint(wl->counts[BR_WATCH_VESSEL], ==, 1);
  g_assert_cmpuint(entries_with_value(wl, BR_WATCH_VESSEL), ==, 0);
  g_assert_cmpuint(wl->aliases->len, ==, 1);
  const char *expect[] = {"sdn.csv:2", "sdn.csv:3", "sdn.csv:4", "sdn.csv:5",
                          "sdn.csv:6", "alt.csv:2", "alt.csv:3"};
  const char *why[] = {"ent_num",       "check digit",   "unknown SDN type", "expected 12",
                       "appears twice", "does not have", "alias type"};
  g_assert_cmpuint(wl->rejects->len, ==, G_N_ELEMENTS(expect));
  for (guint i = 0; i < G_N_ELEMENTS(expect); i++) {
    const BrWatchReject *r = wl->rejects->pdata[i];
    g_assert_true(g_str_has_suffix(r->where, expect[i]));
    g_assert_nonnull(strstr(r->reason, why[i]));
  }
  br_watchlist_free(wl);
  g_unlink(alt);
  g_assert_null(br_watchlist_load_ofac(dir, &error));
  g_assert_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_IO);
  g_clear_error(&error);
  g_unlink(sdn);
  g_rmdir(dir);
  g_free(sdn);
  g_free(alt);
  g_free(dir);
}

/* Found by fuzz_ofac and fuzz_watchlist_csv: a field in another encoding (Latin-1 here) was
 * taken as it was, into names that cannot match and text the store cannot hold as UTF-8. */
static void
test_not_utf8(void)
{
  char *dir = g_dir_make_tmp("br-wl-XXXXXX", NULL);
  char *sdn = g_build_filename(dir, "sdn.csv", NULL);
  char *alt = g_build_filename(dir, "alt.csv", NULL);
  char *csv = g_build_filename(dir, "list.csv", NULL);
  g_assert_true(g_file_set_contents(
      sdn,
      "10,\"GOOD CO\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "11,\"A\xe9ROPUERTO\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "12,\"FINE\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'B\xfcro'\"\n",
      -1, NULL));
  g_assert_true(g_file_set_contents(alt,
                                    "10,1,\"aka\",\"M\xfcLLER\",-0- \n"
                                    "10,2,\"aka\",\"MUELLER\",-0- \n",
                                    -1, NULL));
  GError *error = NULL;
  BrWatchlist *wl = br_watchlist_load_ofac(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(wl->entries->len, ==, 1);
  g_assert_cmpuint(wl->aliases->len, ==, 1);
  const char *where[] = {"sdn.csv:2", "sdn.csv:3", "alt.csv:1"};
  g_assert_cmpuint(wl->rejects->len, ==, G_N_ELEMENTS(where));
  for (guint i = 0; i < G_N_ELEMENTS(where); i++) {
    const BrWatchReject *r = wl->rejects->pdata[i];
    g_assert_true(g_str_has_suffix(r->where, where[i]));
    g_assert_nonnull(strstr(r->reason, "not valid UTF-8"));
  }
  br_watchlist_free(wl);

  g_assert_true(g_file_set_contents(csv,
                                    "kind,id,value\n"
                                    "entity,E1,M\xfcller GmbH\n"
                                    "entity,E2,Mueller GmbH\n",
                                    -1, NULL));
  wl = br_watchlist_load_csv(csv, "local", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(wl->entries->len, ==, 1);
  g_assert_cmpuint(wl->rejects->len, ==, 1);
  g_assert_true(g_str_has_suffix(((BrWatchReject *)wl->rejects->pdata[0])->where, ":2"));
  g_assert_nonnull(strstr(((BrWatchReject *)wl->rejects->pdata[0])->reason, "field 3"));
  br_watchlist_free(wl);
  g_assert_true(g_file_set_contents(csv, "kind,id,v\xe4lue\n", -1, NULL));
  g_assert_null(br_watchlist_load_csv(csv, "local", &error));
  g_assert_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT);
  g_assert_nonnull(strstr(error->message, "not valid UTF-8"));
  g_clear_error(&error);
  g_unlink(sdn);
  g_unlink(alt);
  g_unlink(csv);
  g_rmdir(dir);
  g_free(sdn);
  g_free(alt);
  g_free(csv);
  g_free(dir);
}

static void
test_csv(void)
{
  char *dir = g_dir_make_tmp("br-wl-XXXXXX", NULL);
  char *path = g_build_filename(dir, "list.csv", NULL);
  g_assert_true(g_file_set_contents(path,
                                    "kind,id,value,name,quality,notes\n"
                                    "entity,E1,Al Noor General Trading LLC,,,\n"
                                    "entity,E1,Noor Trading,,low,\n"
                                    "individual,P1,Mohammed Abdul Rahman,,,\n"
                                    "vessel,V1,IMO 9187629,ARTAVIL,,\n"
                                    "vessel,V2,9187620,BAD SHIP,,\n"
                                    "container,,MSCU 123456 6,,,\n"
                                    "container,,MSCU1234565,,,\n"
                                    "port,,aejea,Jebel Ali,,\n"
                                    "port,,AEJ1A,,,\n"
                                    "country,,ir,,,\n"
                                    "hs,,2939.71,,,\n"
                                    "hs,,29x9,,,\n"
                                    "keyword,,Used clothing,,,\n"
                                    "planet,,Mars,,,\n"
                                    "entity,E2,LLC,,,\n"
                                    "entity,E3,Orphan alias,,good,\n"
                                    "country,,IR,,,\n",
                                    -1, NULL));
  GError *error = NULL;
  BrWatchlist *wl = br_watchlist_load_csv(path, "local", &error);
  g_assert_no_error(error);
  g_assert_cmpstr(wl->name, ==, "local");
  g_assert_cmpuint(wl->counts[BR_WATCH_ENTITY], ==, 1);
  g_assert_cmpuint(wl->counts[BR_WATCH_INDIVIDUAL], ==, 1);
  g_assert_cmpuint(wl->counts[BR_WATCH_VESSEL], ==, 1);
  g_assert_cmpuint(wl->counts[BR_WATCH_CONTAINER], ==, 1);
  g_assert_cmpuint(wl->counts[BR_WATCH_PORT], ==, 1);
  g_assert_cmpuint(wl->counts[BR_WATCH_COUNTRY], ==, 1);
  g_assert_cmpuint(wl->counts[BR_WATCH_HS], ==, 1);
  g_assert_cmpuint(wl->counts[BR_WATCH_KEYWORD], ==, 1);
  g_assert_cmpuint(wl->aliases->len, ==, 1);
  g_assert_cmpint(g_array_index(wl->aliases, BrWatchAlias, 0).quality, ==, BR_NAME_QUALITY_LOW);
  const BrWatchEntry *v = find_entry(wl, "V1");
  g_assert_cmpstr(v->value, ==, "9187629");
  g_assert_cmpstr(v->name, ==, "ARTAVIL");
  for (guint i = 0; i < wl->entries->len; i++) {
    const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
    if (e->kind == BR_WATCH_CONTAINER)
      g_assert_cmpstr(e->value, ==, "MSCU1234566");
    if (e->kind == BR_WATCH_PORT)
      g_assert_cmpstr(e->value, ==, "AEJEA");
    if (e->kind == BR_WATCH_HS)
      g_assert_cmpstr(e->value, ==, "293971");
  }
  const guint lines[] = {6, 8, 10, 13, 15, 16, 17, 18};
  g_assert_cmpuint(wl->rejects->len, ==, G_N_ELEMENTS(lines));
  for (guint i = 0; i < G_N_ELEMENTS(lines); i++) {
    char *suffix = g_strdup_printf(":%u", lines[i]);
    g_assert_true(g_str_has_suffix(((BrWatchReject *)wl->rejects->pdata[i])->where, suffix));
    g_free(suffix);
  }
  br_watchlist_free(wl);

  g_assert_true(g_file_set_contents(path, "kind,value,colour\n", -1, NULL));
  g_assert_null(br_watchlist_load_csv(path, "local", &error));
  g_assert_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT);
  g_assert_nonnull(strstr(error->message, "colour"));
  g_clear_error(&error);
  g_assert_true(g_file_set_contents(path, "id,name\n", -1, NULL));
  g_assert_null(br_watchlist_load_csv(path, "local", &error));
  g_assert_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT);
  g_clear_error(&error);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
}

/* Found by fuzz_un: bytes its declared encoding cannot convert made libxml2 print its own
 * messages ("encoding error : ...", "I/O error : encoder error") on stderr, past the loader's
 * error, which also named line 0. Only the loader's error may come out. */
static void
test_un_encoding(void)
{
  if (g_test_subprocess()) {
    char *dir = g_dir_make_tmp("br-un-XXXXXX", NULL);
    char *path = g_build_filename(dir, "un.xml", NULL);
    g_assert_true(g_file_set_contents(
        path,
        "<?xml version=\"1.0\" encoding=\"EUC-JP\"?>\n<CONSOLIDATED_LIST><ENTITIES>\n"
        "<ENTITY><DATAID>1</DATAID><FIRST_NAME>\xff\xff\xff\xff</FIRST_NAME></ENTITY>\n"
        "</ENTITIES></CONSOLIDATED_LIST>\n",
        -1, NULL));
    GError *error = NULL;
    g_assert_null(br_watchlist_load_un(path, &error));
    g_assert_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT);
    g_assert_true(g_str_has_prefix(error->message, path));
    g_assert_null(strstr(error->message, ":0:"));
    g_assert_nonnull(strstr(error->message, "conversion"));
    g_error_free(error);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed();
  g_test_trap_assert_stderr("");
}

static void
test_un_hostile(void)
{
  char *dir = g_dir_make_tmp("br-un-XXXXXX", NULL);
  char *path = g_build_filename(dir, "un.xml", NULL);
  /* An external entity must not be fetched or expanded. */
  g_assert_true(g_file_set_contents(
      path,
      "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY ext SYSTEM \"file:///etc/passwd\">]>\n"
      "<CONSOLIDATED_LIST dateGenerated=\"2026-01-01\"><INDIVIDUALS>\n"
      "<INDIVIDUAL><DATAID>1</DATAID><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER>"
      "<FIRST_NAME>JOHN &ext;</FIRST_NAME><SECOND_NAME>DOE</SECOND_NAME></INDIVIDUAL>\n"
      "<INDIVIDUAL><DATAID>2</DATAID><REFERENCE_NUMBER>X.2</REFERENCE_NUMBER>"
      "<FIRST_NAME></FIRST_NAME></INDIVIDUAL>\n"
      "<INDIVIDUAL><REFERENCE_NUMBER>X.3</REFERENCE_NUMBER><FIRST_NAME>A</FIRST_NAME>"
      "<INDIVIDUAL_ALIAS><QUALITY>Maybe</QUALITY><ALIAS_NAME>B</ALIAS_NAME></INDIVIDUAL_ALIAS>"
      "</INDIVIDUAL>\n</INDIVIDUALS></CONSOLIDATED_LIST>\n",
      -1, NULL));
  GError *error = NULL;
  BrWatchlist *wl = br_watchlist_load_un(path, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(wl->counts[BR_WATCH_INDIVIDUAL], ==, 2);
  const BrWatchEntry *e = find_entry(wl, "X.1");
  g_assert_null(strstr(e->name, "root"));
  g_assert_cmpuint(wl->rejects->len, ==, 2);
  g_assert_nonnull(strstr(((BrWatchReject *)wl->rejects->pdata[0])->reason, "no name"));
  g_assert_nonnull(strstr(((BrWatchReject *)wl->rejects->pdata[1])->reason, "Maybe"));
  br_watchlist_free(wl);

  g_assert_true(g_file_set_contents(path, "<CONSOLIDATED_LIST><INDIVIDUALS><INDIV", -1, NULL));
  g_assert_null(br_watchlist_load_un(path, &error));
  g_assert_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT);
  g_clear_error(&error);
  g_assert_true(g_file_set_contents(path, "<html></html>", -1, NULL));
  g_assert_null(br_watchlist_load_un(path, &error));
  g_assert_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT);
  g_assert_nonnull(strstr(error->message, "html"));
  g_clear_error(&error);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
}

static void
test_check_digits(void)
{
  g_assert_true(br_watchlist_iso6346_valid("CSQU3054383"));
  g_assert_false(br_watchlist_iso6346_valid("CSQU3054384"));
  g_assert_true(br_watchlist_iso6346_valid("MSCU1234566"));
  g_assert_false(br_watchlist_iso6346_valid("MSCU123456"));
  char d[8];
  g_assert_true(br_watchlist_imo_valid("IMO 9074729", d));
  g_assert_cmpstr(d, ==, "9074729");
  g_assert_false(br_watchlist_imo_valid("9074728", NULL));
  g_assert_false(br_watchlist_imo_valid("90747290", NULL));
}

/* A parenthesised place says where an entity's branch is ("AL-HARAMAIN FOUNDATION (KENYA)"),
 * and a parenthesised note what a name is ("previously listed as"): neither is a name of the
 * entry. An acronym is, and so is the name typed with its acronym. */
static void
test_un_parentheses(void)
{
  GError *error = NULL;
  char *path = shared("watchlists", "un-consolidated.xml");
  BrWatchlist *wl = br_watchlist_load_un(path, &error);
  g_assert_no_error(error);
  static const char *const not_names[] = {"KENYA",
                                          "PAKISTAN",
                                          "TANZANIA",
                                          "HONG KONG",
                                          "UNION OF THE COMOROS",
                                          "previously listed as",
                                          "birth name",
                                          "third",
                                          "martyrs",
                                          "Sheikh"};
  for (guint i = 0; i < wl->aliases->len; i++) {
    const BrWatchAlias *a = &g_array_index(wl->aliases, BrWatchAlias, i);
    for (guint k = 0; k < G_N_ELEMENTS(not_names); k++)
      if (g_ascii_strcasecmp(a->name, not_names[k]) == 0)
        g_error("'%s' became an alias of %s", a->name,
                g_array_index(wl->entries, BrWatchEntry, a->entry).source_id);
  }
  const BrWatchEntry *hqn = find_entry(wl, "TAe.012");
  g_assert_nonnull(hqn);
  g_assert_true(has_alias(wl, hqn, "HQN", BR_NAME_QUALITY_GOOD));

  /* Every UN entity typed exactly as listed (FIRST_NAME, acronyms and all) finds its entry. */
  char *xml = NULL;
  g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
  GRegex *re = g_regex_new("<ENTITY>.*?<FIRST_NAME>([^<]*)</FIRST_NAME>.*?"
                           "<REFERENCE_NUMBER>([^<]*)</REFERENCE_NUMBER>",
                           G_REGEX_DOTALL, 0, NULL);
  GRegex *amp = g_regex_new("&amp;", 0, 0, NULL);
  BrNameIndexBuilder *b = br_name_index_builder_new();
  br_watchlist_index_names(wl, 0, BR_WATCH_PARTY_KINDS, b);
  BrNameIndex *ix = br_name_index_build(b);
  BrNameScratch *s = br_name_scratch_new(ix);
  GMatchInfo *mi = NULL;
  guint entities = 0, below = 0;
  for (g_regex_match(re, xml, 0, &mi); g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
    char *raw = g_match_info_fetch(mi, 1), *ref = g_match_info_fetch(mi, 2);
    char *name = g_regex_replace_literal(amp, raw, -1, 0, "&", 0, NULL);
    g_free(raw);
    g_strstrip(ref);
    /* "A (X) ; B (Y)" lists two names: each is typed on its own. */
    char **names = g_strsplit(name, ";", -1);
    gboolean found = TRUE;
    for (guint k = 0; names[k]; k++) {
      BrNameMatch m[8];
      guint n = br_name_index_match(ix, s, names[k], -1, 0, BR_NAME_DEFAULT_THRESHOLD, m, 8);
      gboolean own = FALSE;
      for (guint j = 0; j < n; j++)
        own |= strcmp(g_array_index(wl->entries, BrWatchEntry, m[j].entry).source_id, ref) == 0;
      if (!own && g_getenv("BR_QUALITY_VERBOSE"))
        g_printerr("own entry missed: %s %s\n", ref, names[k]);
      found &= own;
    }
    g_strfreev(names);
    entities++;
    below += !found;
    g_free(name);
    g_free(ref);
  }
  g_match_info_free(mi);
  g_test_message("%u of %u UN entities typed as listed miss their own entry", below, entities);
  g_assert_cmpuint(entities, ==, 273);
  g_assert_cmpuint(below, ==, 0);
  br_name_scratch_free(s);
  br_name_index_free(ix);
  g_regex_unref(re);
  g_regex_unref(amp);
  g_free(xml);
  g_free(path);
  br_watchlist_free(wl);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/watchlist/un", test_un);
  g_test_add_func("/watchlist/un-hostile", test_un_hostile);
  g_test_add_func("/watchlist/un-encoding", test_un_encoding);
  g_test_add_func("/watchlist/un-parentheses", test_un_parentheses);
  g_test_add_func("/watchlist/ofac", test_ofac);
  g_test_add_func("/watchlist/un-facts", test_un_facts);
  g_test_add_func("/watchlist/ofac-facts", test_ofac_facts);
  g_test_add_func("/watchlist/birth-dates", test_birth_dates);
  g_test_add_func("/watchlist/ofac-rejects", test_ofac_rejects);
  g_test_add_func("/watchlist/csv", test_csv);
  g_test_add_func("/watchlist/not-utf8", test_not_utf8);
  g_test_add_func("/watchlist/check-digits", test_check_digits);
  return g_test_run();
}
