/* Watchlist and code-check conditions in rules: on_watchlist over party fields, listed for
 * every exact kind, check digits, and the reasons that say what matched. */
#include <string.h>

#include "br_watchset.h"
#include "rules_fixture.h"
#include "test_tmpdir.h"

static const char *pack_lua =
    "rule { id = 'PARTY', title = 'party listed', weight = 50,\n"
    "  when = on_watchlist({ 'shipper_name', 'consignee_name' }, 'un', 0.85) }\n"
    "rule { id = 'ORIGIN', title = 'origin listed', weight = 10, when = listed('origin_country', "
    "'x') }\n"
    "rule { id = 'ROUTE', title = 'port listed', weight = 10, when = listed('transship_ports', "
    "'x') }\n"
    "rule { id = 'HS', title = 'HS listed', weight = 10, when = listed('hs_code', 'x') }\n"
    "rule { id = 'BOX', title = 'container listed', weight = 10, when = listed('container', 'x') "
    "}\n"
    "rule { id = 'SHIP', title = 'vessel listed', weight = 10, when = listed('vessel_imo', 'x') }\n"
    "rule { id = 'WORD', title = 'keyword', weight = 10, when = listed('description', 'x') }\n"
    "rule { id = 'CHECK', title = 'bad box number', weight = 5, when = bad_container('container') "
    "}\n"
    "rule { id = 'IMO', title = 'bad IMO', weight = 5, when = bad_imo('vessel_imo') }\n"
    "rule { id = 'LUA', title = 'from Lua', weight = 1, when = function(l)\n"
    "  local score, name, ref, tokens = br.watchlist(l.consignee_name, 'un')\n"
    "  if score then return true, name .. ' ' .. ref .. ' ' .. tokens end\n"
    "  return br.listed('country', l.origin_country, 'x') ~= nil end }\n"
    "rule { id = 'LUAPARTY', title = 'from Lua, with the party', weight = 1, when = function(l)\n"
    "  local score, name, ref, tokens, parts =\n"
    "    br.watchlist(l.shipper_name, 'un', 0.85, { country = l.origin_country })\n"
    "  if score then return true, string.format('%.3f %s', score, parts) end end }\n"
    "rule { id = 'LUATYPO', title = 'a misspelt party field', weight = 1, when = function(l)\n"
    "  return br.watchlist(l.shipper_name, 'un', 0.85, { contry = 'IQ' }) ~= nil end }\n";

static BrWatchSet *
make_set(void)
{
  GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_watchlist_free);
  BrWatchlist *un = br_watchlist_new("un", "test");
  guint e = br_watchlist_add(un, BR_WATCH_INDIVIDUAL, "QDi.012",
                             "NASHWAN ABD AL-RAZZAQ ABD AL-BAQI", NULL, NULL, NULL);
  br_watchlist_add_alias(un, e, "Abd Al-Hadi Al-Iraqi", BR_NAME_QUALITY_GOOD);
  br_watchlist_add_fact(un, e, BR_FACT_COUNTRY, "IQ", "nationality");
  g_ptr_array_add(lists, un);
  BrWatchlist *x = br_watchlist_new("x", "test");
  br_watchlist_add(x, BR_WATCH_COUNTRY, "C1", NULL, "IR", NULL, NULL);
  br_watchlist_add(x, BR_WATCH_PORT, "P1", NULL, "AEJEA", NULL, NULL);
  br_watchlist_add(x, BR_WATCH_HS, "H1", NULL, "2939", NULL, NULL);
  br_watchlist_add(x, BR_WATCH_CONTAINER, "B1", NULL, "MSCU1234566", NULL, NULL);
  br_watchlist_add(x, BR_WATCH_VESSEL, "V1", "ARTAVIL", "9187629", NULL, NULL);
  br_watchlist_add(x, BR_WATCH_KEYWORD, "K1", NULL, "used clothing", NULL, NULL);
  g_ptr_array_add(lists, x);
  return br_watch_set_new(lists, 0);
}

static const char *
reason_of(const BrLineResult *r, const BrPack *pack, const char *id)
{
  for (guint k = 0; k < r->nfired; k++)
    if (strcmp(br_pack_rule(pack, r->fired[k])->id, id) == 0)
      return r->reasons[k];
  return NULL;
}

static void
test_watch_conditions(void)
{
  char *dir = rules_make_pack("watch", "[pack]\nname = w\n[watchlists]\nlists = un, x\n", pack_lua);
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  RulesLine l;
  rules_line_init(&l);
  br_schema_add(l.schema, "shipper_name", BR_TYPE_STRING, -1);
  br_schema_add(l.schema, "consignee_name", BR_TYPE_STRING, -1);
  br_schema_add(l.schema, "vessel_imo", BR_TYPE_STRING, -1);
  br_batch_free(l.batch);
  l.batch = br_batch_new(l.schema, 1);
  l.rec = br_batch_append(l.batch, 1);
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);

  /* Without a watch set nothing screens; check digits need none. */
  rules_set_str(&l, "consignee_name", "Nashwan Abdul Razzaq Abdul Baqi");
  rules_set_str(&l, "container", "MSCU1234567");
  const BrLineResult *r = br_evaluator_eval(ev, l.rec, 1);
  g_assert_null(reason_of(r, pack, "PARTY"));
  g_assert_nonnull(reason_of(r, pack, "CHECK"));

  BrWatchSet *set = make_set();
  g_assert_true(br_evaluator_set_watch(ev, set, &error));
  r = br_evaluator_eval(ev, l.rec, 2);
  const char *why = reason_of(r, pack, "PARTY");
  g_assert_nonnull(why);
  g_assert_true(g_str_has_prefix(why, "consignee_name \"Nashwan Abdul Razzaq Abdul Baqi\" ~ un "
                                      "QDi.012 \"NASHWAN ABD AL-RAZZAQ ABD AL-BAQI\" 1.00 ["));
  g_assert_nonnull(strstr(why, "nashwan=nashwan"));
  why = reason_of(r, pack, "LUA");
  g_assert_nonnull(why);
  g_assert_true(g_str_has_prefix(why, "NASHWAN ABD AL-RAZZAQ ABD AL-BAQI QDi.012 nashwan=nashwan"));

  /* An alias that matched is named; the other party field is screened too. */
  rules_set_str(&l, "consignee_name", NULL);
  rules_set_str(&l, "shipper_name", "ABDUL HADI AL IRAQI");
  r = br_evaluator_eval(ev, l.rec, 3);
  why = reason_of(r, pack, "PARTY");
  g_assert_nonnull(why);
  g_assert_nonnull(strstr(why, "shipper_name \"ABDUL HADI AL IRAQI\" ~ un QDi.012"));
  g_assert_nonnull(strstr(why, "(as \"Abd Al-Hadi Al-Iraqi\")"));
  rules_set_str(&l, "shipper_name", "Basra Date Palm Growers");
  r = br_evaluator_eval(ev, l.rec, 4);
  g_assert_null(reason_of(r, pack, "PARTY"));

  /* br.watchlist's party table corroborates the name as on_watchlist's fields do: a listed
   * country lifts a near spelling, another one drops it under the threshold; a field the
   * table does not know is the rule's error, not a field ignored. */
  rules_set_str(&l, "shipper_name", "Nashwan Abdulrazaq Albaqi");
  r = br_evaluator_eval(ev, l.rec, 41);
  why = reason_of(r, pack, "LUAPARTY");
  g_assert_nonnull(why);
  g_assert_true(g_str_has_suffix(why, " "));
  double alone = g_ascii_strtod(why, NULL);
  rules_set_str(&l, "origin_country", "IQ");
  r = br_evaluator_eval(ev, l.rec, 42);
  why = reason_of(r, pack, "LUAPARTY");
  g_assert_nonnull(why);
  g_assert_nonnull(strstr(why, " country IQ as listed +0.03"));
  g_assert_cmpfloat(g_ascii_strtod(why, NULL), >, alone);
  rules_set_str(&l, "origin_country", "DE");
  r = br_evaluator_eval(ev, l.rec, 43);
  why = reason_of(r, pack, "LUAPARTY");
  g_assert_true(!why || g_ascii_strtod(why, NULL) < alone);
  g_assert_null(reason_of(r, pack, "LUATYPO"));
  guint typo = 0;
  while (strcmp(br_pack_rule(pack, typo)->id, "LUATYPO") != 0)
    typo++;
  g_assert_nonnull(strstr(br_evaluator_failure_message(ev, typo),
                          "the party table takes country, birth_date and id, not 'contry'"));
  rules_set_str(&l, "origin_country", NULL);

  /* Exact kinds: any element of a list field, an HS prefix, IMO digits, whole words. */
  rules_set_str(&l, "origin_country", "IR");
  rules_set_str(&l, "transship_ports", "CNSHA;AEJEA");
  rules_set_str(&l, "hs_code", "2939.41.00");
  rules_set_str(&l, "container", "MSCU1234566");
  rules_set_str(&l, "vessel_imo", "IMO 9187629");
  rules_set_str(&l, "description", "bales of USED CLOTHING, mixed");
  r = br_evaluator_eval(ev, l.rec, 5);
  g_assert_cmpstr(reason_of(r, pack, "ORIGIN"), ==, "origin_country IR listed on x (country C1)");
  g_assert_cmpstr(reason_of(r, pack, "ROUTE"), ==, "transship_ports AEJEA listed on x (port P1)");
  g_assert_cmpstr(reason_of(r, pack, "HS"), ==, "hs_code 2939 listed on x (hs H1)");
  g_assert_cmpstr(reason_of(r, pack, "BOX"), ==,
                  "container MSCU1234566 listed on x (container B1)");
  g_assert_cmpstr(reason_of(r, pack, "SHIP"), ==, "vessel_imo 9187629 listed on x (vessel V1)");
  g_assert_nonnull(reason_of(r, pack, "WORD"));
  g_assert_null(reason_of(r, pack, "CHECK"));
  g_assert_null(reason_of(r, pack, "IMO"));
  g_assert_nonnull(reason_of(r, pack, "LUA")); /* br.listed('country', 'IR', 'x') */

  rules_set_str(&l, "origin_country", "IQ");
  rules_set_str(&l, "transship_ports", "CNSHA;OMSLL");
  rules_set_str(&l, "hs_code", "2940.00");
  rules_set_str(&l, "container", "MSCU1234573");
  rules_set_str(&l, "vessel_imo", "9187628");
  rules_set_str(&l, "description", "UNUSED CLOTHINGS");
  r = br_evaluator_eval(ev, l.rec, 6);
  for (const char *const *id =
           (const char *const[]){"ORIGIN", "ROUTE", "HS", "BOX", "SHIP", "WORD", NULL};
       *id; id++)
    g_assert_null(reason_of(r, pack, *id));
  g_assert_nonnull(reason_of(r, pack, "CHECK"));
  g_assert_nonnull(reason_of(r, pack, "IMO"));
  br_evaluator_free(ev);

  /* A rule screening a list the run has not loaded is an error naming the rule. */
  char *bad = rules_make_pack("watch-bad", "[pack]\nname = b\n",
                              "rule { id = 'NOLIST', title = 't', weight = 1,\n"
                              "  when = on_watchlist('shipper_name', 'ofac') }\n");
  BrPack *badpack = br_pack_load(bad, &error);
  g_assert_no_error(error);
  ev = br_evaluator_new(badpack, l.schema, &error);
  g_assert_no_error(error);
  g_assert_false(br_evaluator_set_watch(ev, set, &error));
  g_assert_nonnull(strstr(error->message, "rule NOLIST screens against watchlist \"ofac\""));
  g_clear_error(&error);
  br_evaluator_free(ev);
  br_pack_free(badpack);
  g_free(bad);

  br_watch_set_free(set);
  rules_line_clear(&l);
  br_pack_free(pack);
  g_free(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  rules_tmpdir = g_dir_make_tmp("br-watchrules-XXXXXX", NULL);
  g_test_add_func("/watchrules/conditions", test_watch_conditions);
  return br_test_run_in(rules_tmpdir);
}
