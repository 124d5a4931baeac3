/* Rule packs and evaluators: settings, metadata and hash; function rules on the line view;
 * failing and runaway rules; validity dates; results; what `rules check` reports; and, with
 * -m perf, what a line costs. */
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_fields.h"
#include "br_history.h"
#include "br_pack_internal.h"
#include "br_rules.h"
#include "br_sandbox.h"
#include "rules_fixture.h"
#include "test_tmpdir.h"

static char *
source_pack(const char *name)
{
  const char *src = g_getenv("BR_SOURCE_DIR");
  if (src)
    return g_build_filename(src, "tests", "packs", name, NULL);
  char *unit = g_path_get_dirname(__FILE__);
  char *dir = g_build_filename(unit, "..", "packs", name, NULL);
  g_free(unit);
  return dir;
}

static void
test_settings(void)
{
  char *dir = source_pack("good");
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  const BrPackSettings *s = br_pack_settings(pack);
  g_assert_cmpstr(s->name, ==, "good");
  g_assert_cmpstr(s->version, ==, "1");
  g_assert_cmpstr(s->unit_field, ==, "container");
  g_assert_cmpstr(s->unit_fallback, ==, "bol");
  g_assert_cmpstr(s->date_field, ==, "arrival_date");
  g_assert_cmpfloat(s->lane_red, ==, 40);
  g_assert_cmpfloat(s->lane_yellow, ==, 20);
  g_assert_cmpfloat(s->random_share, ==, 0.2);
  g_assert_cmpuint(s->memory_limit, ==, 16u << 20);
  g_assert_cmpuint(s->instruction_limit, ==, 200000);
  g_assert_cmpuint(br_pack_capacity(pack, "IQUQR"), ==, 8);
  g_assert_cmpuint(br_pack_capacity(pack, "IQBSR"), ==, 5);
  g_assert_cmpuint(br_pack_rule_count(pack), ==, 5);
  const BrRuleInfo *r = br_pack_rule(pack, 0);
  g_assert_cmpstr(r->id, ==, "G-ROUTE");
  g_assert_true(g_str_has_suffix(r->file, "rules.lua"));
  g_assert_cmpint(r->line, ==, 2);
  g_assert_cmpfloat(r->weight, ==, 25);
  g_assert_cmpstr(r->tags[0], ==, "route");
  g_assert_null(r->tags[1]);
  g_assert_cmpstr(r->author, ==, "tests");
  g_assert_true(r->declarative);
  g_assert_false(br_pack_rule(pack, 1)->declarative);
  g_assert_cmpstr(br_pack_rule(pack, 3)->valid_until, ==, "2026-12-31");
  br_pack_free(pack);
  g_free(dir);

  /* Defaults, when pack.ini says nothing. */
  dir = rules_make_pack("defaults", "[pack]\n",
                        "rule { id = 'A', title = 'a', weight = 1, "
                        "when = present('bol') }\n");
  pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  s = br_pack_settings(pack);
  g_assert_cmpstr(s->name, ==, "defaults");
  g_assert_cmpfloat(s->lane_red, ==, 50);
  g_assert_cmpuint(s->memory_limit, ==, BR_SANDBOX_DEFAULT_MEMORY);
  g_assert_cmpuint(s->instruction_limit, ==, BR_SANDBOX_DEFAULT_BUDGET);
  g_assert_cmpuint(s->cpu_limit_ms, ==, BR_SANDBOX_DEFAULT_CPU_MS);
  g_assert_cmpuint(br_pack_capacity(pack, "IQUQR"), ==, 20);
  br_pack_free(pack);
  g_free(dir);

  static const char *const bad[] = {"[random]\nshare = 1.5\n", "[lanes]\nred = 10\nyellow = 20\n",
                                    "[capacity]\nIQUQR = -1\n", "[limits]\nmemory_mb = 0\n",
                                    "[limits]\ninstructions = many\n"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    dir = rules_make_pack("bad-settings", bad[i],
                          "rule { id = 'A', title = 'a', weight = 1, "
                          "when = present('bol') }\n");
    g_assert_null(br_pack_load(dir, &error));
    g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_SETTINGS);
    g_assert_nonnull(strstr(error->message, "pack.ini"));
    g_clear_error(&error);
    g_free(dir);
  }
}

static void
test_hash(void)
{
  const char *lua = "rule { id = 'A', title = 'a', weight = 1, when = present('bol') }\n";
  char *dir = rules_make_pack("hash", NULL, lua);
  BrPack *pack = br_pack_load(dir, NULL);
  char *first = g_strdup(br_pack_hash(pack));
  br_pack_free(pack);
  g_assert_cmpuint(strlen(first), ==, 64);
  pack = br_pack_load(dir, NULL);
  g_assert_cmpstr(br_pack_hash(pack), ==, first);
  br_pack_free(pack);
  /* A second rule file changes the hash; so does a changed byte in pack.ini. */
  char *extra = g_build_filename(dir, "z.lua", NULL);
  g_assert_true(g_file_set_contents(extra, "-- nothing\n", -1, NULL));
  pack = br_pack_load(dir, NULL);
  g_assert_cmpstr(br_pack_hash(pack), !=, first);
  char *second = g_strdup(br_pack_hash(pack));
  br_pack_free(pack);
  char *ini = g_build_filename(dir, "pack.ini", NULL);
  g_assert_true(g_file_set_contents(ini, "[pack]\nname = u\n", -1, NULL));
  pack = br_pack_load(dir, NULL);
  g_assert_cmpstr(br_pack_hash(pack), !=, second);
  br_pack_free(pack);
  g_free(ini);
  g_free(extra);
  g_free(second);
  g_free(first);
  g_free(dir);
}

static void
test_load_errors(void)
{
  GError *error = NULL;
  char *dir =
      rules_make_pack("syntax", NULL, "rule {\n  id = 'S',\n  title = 'x'\n  weight = 1 }\n");
  g_assert_null(br_pack_load(dir, &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_SYNTAX);
  g_assert_nonnull(strstr(error->message, "rules.lua:4:"));
  g_clear_error(&error);
  g_free(dir);

  dir = rules_make_pack("dup", NULL,
                        "rule { id = 'A', title = 'a', weight = 1, when = present('bol') }\n"
                        "rule { id = 'A', title = 'a', weight = 1, when = present('bol') }\n");
  g_assert_null(br_pack_load(dir, &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID);
  g_assert_nonnull(strstr(error->message, "rules.lua:2: rule A: duplicate id"));
  g_clear_error(&error);
  g_free(dir);

  char *missing = g_build_filename(rules_tmpdir, "no-such-pack", NULL);
  g_assert_null(br_pack_load(missing, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_free(missing);

  /* A rule reading a field the input lacks (in its condition, its reason or as a function's
   * line.NAME) is disabled, not an error: the others run. */
  dir = rules_make_pack("unknown", NULL,
                        "rule { id = 'U', title = 't', weight = 1,\n"
                        "  when = all{ present('hs_code'), gt('wieght_kg', 1) } }\n"
                        "rule { id = 'R', title = 't', weight = 1, when = present('hs_code'),\n"
                        "  reason = 'HS {hs_code} from {origin}' }\n"
                        "rule { id = 'F', title = 't', weight = 1,\n"
                        "  when = function(ln)\n"
                        "    local x = ln . hs_code\n"
                        "    return ln['Seal Changed'] == 'Y' and x ~= nil\n"
                        "  end }\n"
                        "rule { id = 'OK', title = 't', weight = 2, when = present('hs_code') }\n"
                        "rule { id = 'W1', title = 't', weight = 1,\n"
                        "  when = on_watchlist({ 'notify_name', 'description' }, 'un') }\n"
                        "rule { id = 'W0', title = 't', weight = 1,\n"
                        "  when = on_watchlist({ 'notify_name', 'shipper_name' }, 'un') }\n");
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  RulesLine l;
  rules_line_init(&l);
  BrFieldResolution *res = br_fields_resolve(pack, l.schema, &error);
  g_assert_no_error(error);
  /* A party list needs one of its fields only: W1 screens the description it has. */
  g_assert_cmpuint(res->off->len, ==, 4);
  static const char *const want[][2] = {{"U", "wieght_kg"},
                                        {"R", "origin"},
                                        {"F", "Seal Changed"},
                                        {"W0", "notify_name|shipper_name"}};
  for (guint i = 0; i < 4; i++) {
    const BrRuleOff *off = &g_array_index(res->off, BrRuleOff, i);
    g_assert_cmpstr(br_pack_rule(pack, off->rule)->id, ==, want[i][0]);
    g_assert_cmpstr(off->field, ==, want[i][1]);
    g_assert_true(res->disabled[off->rule]);
  }
  g_assert_false(res->disabled[3]);
  char *why = br_fields_describe(pack, &g_array_index(res->off, BrRuleOff, 0));
  g_assert_cmpstr(why, ==,
                  "rule U reads wieght_kg, which the input does not have: the rule is "
                  "disabled");
  g_free(why);
  why = br_fields_describe(pack, &g_array_index(res->off, BrRuleOff, 3));
  g_assert_cmpstr(why, ==,
                  "rule W0 reads one of notify_name, shipper_name, none of which the "
                  "input has: the rule is disabled");
  g_free(why);
  g_assert_false(res->disabled[4]);
  br_fields_resolution_free(res);
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);
  rules_set_str(&l, "hs_code", "870323");
  const BrLineResult *r = br_evaluator_eval(ev, l.rec, 1);
  g_assert_cmpuint(r->nfired, ==, 1);
  g_assert_cmpfloat(r->score, ==, 2);
  br_evaluator_free(ev);
  br_pack_free(pack);
  g_free(dir);

  /* A field the pack requires fails instead, naming every one missing. */
  dir = rules_make_pack("required", "[fields]\nrequired = hs_code, voyage; vessel_imo\n",
                        "rule { id = 'OK', title = 't', weight = 2, when = present('hs_code') }\n");
  pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  g_assert_null(br_fields_resolve(pack, l.schema, &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD);
  g_assert_nonnull(strstr(error->message, "requires voyage, vessel_imo, which the input"));
  g_clear_error(&error);
  g_assert_null(br_evaluator_new(pack, l.schema, &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD);
  g_clear_error(&error);
  br_pack_free(pack);
  g_free(dir);
  rules_line_clear(&l);
}

static const char *limits_pack =
    "rule { id = 'LOOP', title = 'loops', weight = 1, when = function(l) while true do end end }\n"
    "rule { id = 'BOMB', title = 'allocates', weight = 1, when = function(l)\n"
    "  local s = 'x' .. l.declared_kg while true do s = s .. s end end }\n"
    "rule { id = 'ERR', title = 'errors', weight = 1, when = function(l) local k = 'nosuch' "
    "return l[k] end }\n"
    "rule { id = 'OK', title = 'works', weight = 7, when = function(l)\n"
    "  return l.declared_kg ~= nil, 'has a mass' end }\n"
    "rule { id = 'REP', title = 'big string', weight = 1, when = function(l)\n"
    "  return #string.rep('y', 64 * 1024 * 1024) > 0 end }\n"
    "rule { id = 'LONG', title = 'long reason', weight = 2, when = function(l)\n"
    "  return true, string.rep('ab', 2000) end }\n";

static void
test_runaway_rules_fail_alone(void)
{
  char *dir =
      rules_make_pack("limits", "[limits]\nmemory_mb = 8\ninstructions = 100000\n", limits_pack);
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  RulesLine l;
  rules_line_init(&l);
  rules_set_num(&l, "declared_kg", 10);
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);
  for (int round = 0; round < 3; round++) {
    const BrLineResult *r = br_evaluator_eval(ev, l.rec, 42 + round);
    const char *reason = NULL;
    g_assert_cmpuint(r->nfired, ==, 2);
    g_assert_true(rules_fired(r, 3, &reason));
    g_assert_cmpstr(reason, ==, "has a mass");
    g_assert_true(rules_fired(r, 5, &reason));
    g_assert_cmpuint(strlen(reason), ==, 500); /* reasons are clipped */
    g_assert_cmpfloat(r->score, ==, 9);
  }
  const guint64 *fails = br_evaluator_failure_counts(ev);
  const guint64 expect[] = {3, 3, 3, 0, 3, 0};
  for (guint i = 0; i < G_N_ELEMENTS(expect); i++)
    g_assert_cmpuint(fails[i], ==, expect[i]);
  g_assert_cmpuint(br_evaluator_fire_counts(ev)[3], ==, 3);
  g_assert_cmpuint(br_evaluator_fire_counts(ev)[0], ==, 0);
  const char *m = br_evaluator_failure_message(ev, 0);
  g_assert_nonnull(strstr(m, "rules.lua:1: rule LOOP"));
  g_assert_nonnull(strstr(m, "instruction budget of 100000"));
  g_assert_nonnull(strstr(m, "(input line 42)")); /* the first failure is kept */
  m = br_evaluator_failure_message(ev, 1);
  g_assert_nonnull(strstr(m, "rules.lua:2: rule BOMB"));
  g_assert_nonnull(strstr(m, "memory"));
  m = br_evaluator_failure_message(ev, 2);
  g_assert_nonnull(strstr(m, "rules.lua:4: rule ERR"));
  g_assert_nonnull(strstr(m, "rules.lua:4: the line has no field \"nosuch\""));
  /* Building 64 MB in one call is refused before the copy, not at the memory cap. */
  g_assert_nonnull(strstr(br_evaluator_failure_message(ev, 4), "instruction budget"));
  g_assert_null(br_evaluator_failure_message(ev, 3));
  br_evaluator_free(ev);
  rules_line_clear(&l);
  br_pack_free(pack);
  g_free(dir);
}

/* The breaker: a rule that keeps failing is switched off after [limits] max_failures failures,
 * counted over every evaluator that shares the counts, while the other rules go on. */
static void
test_breaker(void)
{
  char *dir = rules_make_pack(
      "breaker", "[limits]\nmax_failures = 5\n",
      "rule { id = 'ERR', title = 'errors', weight = 1, when = function(l) local k = 'nosuch' "
      "return l[k] end }\n"
      "rule { id = 'OK', title = 'works', weight = 7, when = function(l) return true end }\n");
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_pack_settings(pack)->max_failures, ==, 5);
  RulesLine l;
  rules_line_init(&l);
  BrEvaluator *a = br_evaluator_new(pack, l.schema, &error);
  BrEvaluator *b = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);
  gint shared[2] = {0, 0};
  br_evaluator_share_failures(a, shared);
  br_evaluator_share_failures(b, shared);
  for (int i = 0; i < 10; i++) {
    g_assert_cmpfloat(br_evaluator_eval(i % 2 ? b : a, l.rec, (guint64)i + 2)->score, ==, 7);
    g_assert_cmpint(br_evaluator_rule_disabled(a, 0), ==, i >= 4);
  }
  g_assert_cmpuint(br_evaluator_failure_counts(a)[0] + br_evaluator_failure_counts(b)[0], ==, 5);
  g_assert_true(br_evaluator_rule_disabled(b, 0));
  g_assert_false(br_evaluator_rule_disabled(a, 1));
  g_assert_cmpuint(br_evaluator_fire_counts(a)[1] + br_evaluator_fire_counts(b)[1], ==, 10);
  br_evaluator_free(a);
  br_evaluator_free(b);
  br_pack_free(pack);
  g_free(dir);
  /* Without shared counts an evaluator counts alone; the default is 50. */
  dir = rules_make_pack("breaker50", "",
                        "rule { id = 'ERR', title = 'e', weight = 1, when = function(l) "
                        "local k = 'nosuch' return l[k] end }\n");
  pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  a = br_evaluator_new(pack, l.schema, &error);
  for (int i = 0; i < 60; i++)
    br_evaluator_eval(a, l.rec, (guint64)i + 2);
  g_assert_cmpuint(br_evaluator_failure_counts(a)[0], ==, BR_PACK_DEFAULT_MAX_FAILURES);
  br_evaluator_free(a);
  br_pack_free(pack);
  g_free(dir);
  rules_line_clear(&l);
}

/* Rule ids keep to the documented alphabet: rules check reports the others, and a pack holding
 * one does not load. */
static void
test_rule_ids(void)
{
  const char *const bad[] = {"A\\nB", "A/B", "=HYPERLINK(1)", "<b>X</b>", "-X", ".X", "A B",
                             "X\\0Y", "\\xc3\\xa9T\\xc3\\xa9", NULL};
  for (const char *const *id = bad; *id; id++) {
    char *lua = g_strdup_printf(
        "rule { id = \"%s\", title = 't', weight = 1, when = present('bol') }\n", *id);
    char *dir = rules_make_pack("ids", "", lua);
    GPtrArray *diags = br_pack_check(dir, NULL, NULL);
    g_assert_cmpuint(diags->len, ==, 1);
    const BrDiagnostic *d = g_ptr_array_index(diags, 0);
    g_assert_nonnull(strstr(d->message, "is not allowed: letters, digits"));
    g_assert_null(strchr(d->message, '\n'));
    g_assert_cmpint(d->line, ==, 1);
    g_ptr_array_free(diags, TRUE);
    GError *error = NULL;
    g_assert_null(br_pack_load(dir, &error));
    g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID);
    g_clear_error(&error);
    g_free(lua);
    g_free(dir);
  }
  char *dir = rules_make_pack("ids-ok", "",
                              "rule { id = 'CCP-ROUTE_001.v2', title = 't', weight = 1, "
                              "when = present('bol') }\n"
                              "rule { id = '7X', title = 't', weight = 1, when = present('bol') }\n");
  GPtrArray *diags = br_pack_check(dir, NULL, NULL);
  g_assert_cmpuint(diags->len, ==, 0);
  g_ptr_array_free(diags, TRUE);
  g_free(dir);
}

/* Messages of br_pack_check on a pack, as "line: message" lines. */
static char *
check_messages(const char *dir)
{
  GPtrArray *diags = br_pack_check(dir, NULL, NULL);
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < diags->len; i++) {
    const BrDiagnostic *d = g_ptr_array_index(diags, i);
    g_string_append_printf(out, "%d: %s\n", d->line, d->message);
  }
  g_ptr_array_free(diags, TRUE);
  return g_string_free(out, FALSE);
}

/* A misspelt group or key in pack.ini is an error naming its line and the likely intended
 * name, never a silent default; so is an unknown rule in weights.ini. */
static void
test_settings_typos(void)
{
  const char *lua =
      "rule { id = 'CCP-ROUTE-001', title = 't', weight = 1, when = present('bol') }\n";
  char *dir = rules_make_pack("typos",
                              "[pack]\nname = t\n"
                              "[capacities]\ndefault = 3\n"
                              "[limits]\nmemroy_mb = 3\nred = 4\nfoo = 1\n"
                              "[capacity]\ndefualt = 4\nIQUQR = 3\nbasra = 2\n"
                              "[lane]\nred = 1\n[zzz]\n",
                              lua);
  char *got = check_messages(dir);
  const char *const want[] = {
      "3: unknown group [capacities] (did you mean [capacity]?)",
      "6: [limits] memroy_mb: unknown key (did you mean memory_mb?)",
      "7: [limits] red: no such key in [limits]; it belongs in [lanes]",
      "8: [limits] foo: unknown key (the group takes: memory_mb, instructions, cpu_ms, "
      "max_failures)",
      "10: [capacity] defualt: unknown key (did you mean default?)",
      "12: [capacity] basra: neither default nor a port code (UN/LOCODE such as IQUQR)",
      "13: unknown group [lane] (did you mean [lanes]?)",
      "15: unknown group [zzz] (pack.ini has",
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    if (!strstr(got, want[i]))
      g_error("expected \"%s\" in:\n%s", want[i], got);
  g_free(got);
  GError *error = NULL;
  g_assert_null(br_pack_load(dir, &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_SETTINGS);
  g_clear_error(&error);
  g_free(dir);

  dir = rules_make_pack("typos-weights", "[pack]\nname = t\n", lua);
  char *weights = g_build_filename(dir, "weights.ini", NULL);
  g_assert_true(
      g_file_set_contents(weights, "[weight]\nx = 1\n[weights]\nCCP-ROUTE-01 = 2\n", -1, NULL));
  got = check_messages(dir);
  g_assert_nonnull(strstr(got, "1: unknown group [weight] (did you mean [weights]?)"));
  g_assert_nonnull(strstr(
      got, "4: [weights] CCP-ROUTE-01: the pack has no such rule (did you mean CCP-ROUTE-001?)"));
  g_free(got);
  g_free(weights);
  g_free(dir);
}

/* A pack folder with pack.ini and no rule file is refused with its reason (the file list is
 * empty, which once reached qsort as NULL); a value of pack.ini that is not UTF-8 is an error
 * naming the file, group and key, never the folder name or a default instead. */
static void
test_settings_broken_folders(void)
{
  char *dir = g_build_filename(rules_tmpdir, "no-lua", NULL);
  g_mkdir_with_parents(dir, 0700);
  char *ini = br_test_write_file(dir, "pack.ini", "[pack]\nname = t\n", -1);
  GError *error = NULL;
  g_assert_null(br_pack_load(dir, &error));
  g_assert_nonnull(error);
  g_assert_nonnull(strstr(error->message, "no rules"));
  g_clear_error(&error);
  g_free(ini);
  g_free(dir);

  const char *lua =
      "rule { id = 'CCP-ROUTE-001', title = 't', weight = 1, when = present('bol') }\n";
  static const struct {
    const char *ini, *want;
  } bad[] = {
      {"[pack]\nname = caf\xe9\n", "pack.ini:2: [pack] name: not UTF-8"},
      {"[pack]\nname = t\nversion = \xff\xfe\n", "pack.ini:3: [pack] version: not UTF-8"},
      {"[pack]\nname = t\nunit = bo\xc3l\n", "pack.ini:3: [pack] unit: not UTF-8"},
      {"[pack]\nname = t\n[watchlists]\nlists = un,\x80\n",
       "pack.ini:4: [watchlists] lists: not UTF-8"},
      {"[pack]\nname = t\n[fields]\nrequired = bol,\xc0\n",
       "pack.ini:4: [fields] required: not UTF-8"},
      {"[pack]\nname = t\n[capacity]\ndefault = 3\n[lanes]\nred = 9\n[capacity]\ndefault = 30\n",
       "pack.ini:8: [capacity] default: set again (first on line 4); keep one"},
      {"[pack]\nname = t\nname = u\n", "pack.ini:3: [pack] name: set again (first on line 2)"},
      /* Found by the hostile campaign: each of these once loaded without a word. */
      {"[pack]\nname = t\n[lanes]\nred = nan\n", "[lanes] red must be a number from"},
      {"[pack]\nname = t\nunit = container # the box\n",
       "pack.ini:3: [pack] unit: a comment after a value is part of the value"},
      {"[pack]\nname = t\nversion = 2 ; draft\n",
       "pack.ini:3: [pack] version: a comment after a value is part of the value"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *name = g_strdup_printf("bad-utf8-%u", i);
    dir = rules_make_pack(name, bad[i].ini, lua);
    g_assert_null(br_pack_load(dir, &error));
    g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_SETTINGS);
    if (!strstr(error->message, bad[i].want))
      g_error("expected \"%s\" in: %s", bad[i].want, error->message);
    g_clear_error(&error);
    g_free(name);
    g_free(dir);
  }
  /* A NUL byte once cut the name at it; a name of a megabyte went into every list row. */
  dir = rules_make_pack("nul-byte", NULL, lua);
  ini = br_test_write_file(dir, "pack.ini", "[pack]\nname = n\0ul\n", 17);
  g_assert_null(br_pack_load(dir, &error));
  g_assert_nonnull(strstr(error->message, "pack.ini:2: a NUL byte"));
  g_clear_error(&error);
  g_free(ini);
  g_free(dir);
  GString *big = g_string_new("[pack]\nname = ");
  for (guint i = 0; i < 1000; i++)
    g_string_append(big, "long name ");
  dir = rules_make_pack("long-name", big->str, lua);
  g_assert_null(br_pack_load(dir, &error));
  if (!strstr(error->message, "pack.ini:2: [pack] name: 10000 characters, at most 200"))
    g_error("%s", error->message);
  g_clear_error(&error);
  g_string_free(big, TRUE);
  g_free(dir);
  /* A byte order mark at the start (Windows editors write one) is not part of the file. */
  dir = rules_make_pack("bom", "\xef\xbb\xbf[pack]\nname = with-bom\n", lua);
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(br_pack_settings(pack)->name, ==, "with-bom");
  br_pack_free(pack);
  g_free(dir);
}

/* pack dump prints every setting with its default, as a pack.ini that loads to the same
 * settings. */
static void
test_settings_dump(void)
{
  const char *lua = "rule { id = 'R', title = 't', weight = 1, when = present('bol') }\n";
  char *dir = rules_make_pack("dump",
                              "[pack]\nname = d\n[capacity]\nIQUQR = 7\nIQBSR = 2\n"
                              "[limits]\ncpu_ms = 250\n[fields]\nrequired = port\n",
                              lua);
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  GString *first = g_string_new(NULL);
  br_pack_settings_dump(pack, first);
  br_pack_free(pack);
  const char *const want[] = {"[pack]\nname = d\nversion = \nunit = container\n",
                              "[lanes]\nred = 50\nyellow = 25\n",
                              "[capacity]\ndefault = 20\nIQBSR = 2\nIQUQR = 7\n",
                              "[random]\nshare = 0.1\n",
                              "[limits]\nmemory_mb = 64\ninstructions = 1000000\ncpu_ms = 250\n"
                              "max_failures = 50\n",
                              "[fields]\nrequired = port\n",
                              "# [watchlists]\n"};
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    if (!strstr(first->str, want[i]))
      g_error("expected \"%s\" in:\n%s", want[i], first->str);
  /* The dump is a pack.ini with the same meaning. */
  char *again = rules_make_pack("dump-again", strchr(first->str, '\n') + 1, lua);
  pack = br_pack_load(again, &error);
  g_assert_no_error(error);
  GString *second = g_string_new(NULL);
  br_pack_settings_dump(pack, second);
  br_pack_free(pack);
  g_assert_cmpstr(strchr(first->str, '\n'), ==, strchr(second->str, '\n'));
  g_string_free(first, TRUE);
  g_string_free(second, TRUE);
  g_free(again);
  g_free(dir);
}

static const char *view_pack =
    "rule { id = 'TYPES', title = 't', weight = 1, when = function(l)\n"
    "  return true, table.concat({ math.type(l.declared_kg) or type(l.declared_kg),\n"
    "    type(l.packages), type(l.arrival_date), l.arrival_date, type(l.transship_ports),\n"
    "    tostring(l.hs_code), tostring(l.measured_kg) }, ',') end }\n"
    "rule { id = 'WRITE', title = 'w', weight = 1, when = function(l) l.hs_code = 'x' end }\n"
    "rule { id = 'KEEP', title = 'k', weight = 1, when = function(l) kept = kept or l return false "
    "end }\n"
    "rule { id = 'LATER', title = 'l', weight = 1, when = function(l)\n"
    "  return kept.hs_code == '0803' end }\n"
    "rule { id = 'META', title = 'm', weight = 1, when = function(l)\n"
    "  return getmetatable(l) == false and l[1] end }\n"
    "rule { id = 'HELPERS', title = 'h', weight = 1, when = function(l)\n"
    "  local n = 0 for p in br.list(l.transship_ports) do n = n + 1 end\n"
    "  return br.iso6346_valid(l.container) and br.imo_valid('IMO 9074729')\n"
    "    and not br.imo_valid('9074728') and br.hs_chapter('2939.41') == '29'\n"
    "    and br.hs_heading('2939.41') == '2939' and br.hs_heading('29') == nil\n"
    "    and n == 2 and br.upper('fak') == 'FAK', 'n=' .. n end }\n";

static void
test_line_view(void)
{
  char *dir = rules_make_pack("view", NULL, view_pack);
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  RulesLine l;
  rules_line_init(&l);
  rules_set_num(&l, "declared_kg", 1250.5);
  rules_set_num(&l, "packages", 3);
  rules_set_str(&l, "arrival_date", "2026-03-01");
  rules_set_str(&l, "transship_ports", "AEJEA; ;OMSLL");
  rules_set_str(&l, "container", "CSQU3054383");
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);
  const BrLineResult *r = br_evaluator_eval(ev, l.rec, 1);
  const char *reason = NULL;
  g_assert_true(rules_fired(r, 0, &reason));
  g_assert_cmpstr(reason, ==, "float,number,string,2026-03-01,string,nil,nil");
  g_assert_true(rules_fired(r, 5, &reason));
  g_assert_cmpstr(reason, ==, "n=2");
  g_assert_false(rules_fired(r, 3, NULL));
  g_assert_cmpuint(br_evaluator_failure_counts(ev)[1], ==, 1);
  g_assert_nonnull(strstr(br_evaluator_failure_message(ev, 1), "read-only"));
  g_assert_cmpuint(br_evaluator_failure_counts(ev)[4], ==, 1);
  g_assert_nonnull(strstr(br_evaluator_failure_message(ev, 4), "no field \"1\""));
  /* A view kept in a global shows the current line, never an old one. */
  rules_set_str(&l, "hs_code", "0803");
  r = br_evaluator_eval(ev, l.rec, 2);
  g_assert_true(rules_fired(r, 3, NULL));
  br_evaluator_free(ev);
  rules_line_clear(&l);
  br_pack_free(pack);
  g_free(dir);
}

static const char *dates_pack =
    "rule { id = 'ALWAYS', title = 'always', weight = 1, when = present('container') }\n"
    "rule { id = 'H1', title = 'first half of 2026', weight = 10, valid_from = '2026-01-01',\n"
    "  valid_until = '2026-06-30', when = present('container'),\n"
    "  reason = 'container {container} from {origin_country}' }\n"
    "rule { id = 'PAST', title = 'until 2001', weight = 100, valid_until = '2001-12-31',\n"
    "  when = present('container') }\n"
    "rule { id = 'SINCE', title = 'since 2001', weight = 0.5, valid_from = '2001-01-01',\n"
    "  when = function(l) return l.container ~= nil end }\n";

static guint
fire_mask(BrEvaluator *ev, RulesLine *l, double *score)
{
  const BrLineResult *r = br_evaluator_eval(ev, l->rec, 1);
  guint mask = 0;
  for (guint k = 0; k < r->nfired; k++) {
    if (k > 0)
      g_assert_cmpuint(r->fired[k], >, r->fired[k - 1]);
    mask |= 1u << r->fired[k];
  }
  if (score)
    *score = r->score;
  return mask;
}

static void
test_validity_and_results(void)
{
  char *dir = rules_make_pack("dates", NULL, dates_pack);
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  RulesLine l;
  rules_line_init(&l);
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(fire_mask(ev, &l, NULL), ==, 0);
  rules_set_str(&l, "container", "MSKU1234565");
  gint32 day;
  g_assert_true(br_rules_parse_date("2026-06-30", &day));
  rules_set_num(&l, "arrival_date", day);
  double score;
  g_assert_cmpuint(fire_mask(ev, &l, &score), ==, 1 | 2 | 8);
  g_assert_cmpfloat(score, ==, 11.5);
  const BrLineResult *r = br_evaluator_eval(ev, l.rec, 1);
  g_assert_cmpstr(r->reasons[0], ==, "always"); /* the title when there is no reason */
  g_assert_cmpstr(r->reasons[1], ==, "container MSKU1234565 from -");
  g_assert_cmpstr(r->reasons[2], ==, "since 2001");
  rules_set_num(&l, "arrival_date", day + 1);
  g_assert_cmpuint(fire_mask(ev, &l, NULL), ==, 1 | 8);
  g_assert_true(br_rules_parse_date("2001-12-31", &day));
  rules_set_num(&l, "arrival_date", day);
  g_assert_cmpuint(fire_mask(ev, &l, &score), ==, 1 | 4 | 8);
  g_assert_cmpfloat(score, ==, 101.5);
  /* No date on the line: the run date decides, and today is past 2001 and 2026-06-30. */
  rules_set_str(&l, "arrival_date", NULL);
  g_assert_cmpuint(fire_mask(ev, &l, NULL), ==, 1 | 8);
  g_assert_cmpuint(br_evaluator_fire_counts(ev)[0], ==, 5);
  br_evaluator_free(ev);
  rules_line_clear(&l);
  br_pack_free(pack);
  g_free(dir);
}

static gboolean
has_diag(GPtrArray *d, const char *file, int line, BrRulesErrorCode code, const char *text)
{
  for (guint i = 0; i < d->len; i++) {
    BrDiagnostic *x = g_ptr_array_index(d, i);
    if (g_str_has_suffix(x->file, file) && x->line == line && x->code == code &&
        strstr(x->message, text))
      return TRUE;
  }
  return FALSE;
}

static void
test_check_reports_problems(void)
{
  char *dir = source_pack("problems");
  GPtrArray *d = br_pack_check(dir, NULL, "2026-11-23");
  for (guint i = 0; i < d->len; i++) {
    BrDiagnostic *x = g_ptr_array_index(d, i);
    g_test_message("%s:%d: %s", x->file, x->line, x->message);
  }
  const BrRulesErrorCode S = BR_RULES_ERROR_SYNTAX, I = BR_RULES_ERROR_INVALID,
                         F = BR_RULES_ERROR_FIELD;
  g_assert_true(has_diag(d, "b_syntax.lua", 4, S, "'}' expected"));
  g_assert_true(has_diag(d, "a_rules.lua", 2, I, "rule P-OK: duplicate id"));
  g_assert_true(has_diag(d, "a_rules.lua", 3, I, "rule P-NOTITLE: no title"));
  g_assert_true(has_diag(d, "a_rules.lua", 4, I, "weight must be a number"));
  g_assert_true(has_diag(d, "a_rules.lua", 5, F, "unknown field \"gross_kg\""));
  g_assert_true(has_diag(d, "a_rules.lua", 6, I, "expired on 2020-01-31"));
  g_assert_true(has_diag(d, "a_rules.lua", 8, I, "unknown key \"wieght\""));
  g_assert_true(has_diag(d, "a_rules.lua", 9, I, "\"2026-13-01\" is not a date"));
  g_assert_true(has_diag(d, "a_rules.lua", 11, I, "valid_until is before valid_from"));
  g_assert_true(has_diag(d, "a_rules.lua", 13, I, "rule without an id"));
  g_assert_true(has_diag(d, "a_rules.lua", 14, I, "\"when\" must be a condition"));
  g_assert_true(has_diag(d, "a_rules.lua", 15, F, "unknown field \"bol_number\""));
  g_assert_cmpuint(d->len, ==, 12);
  g_ptr_array_free(d, TRUE);

  /* The profile's fields are known too, and expiry depends on the day of the check. */
  const char *extra[] = {"gross_kg", "bol_number", NULL};
  d = br_pack_check(dir, extra, "2019-01-01");
  g_assert_false(has_diag(d, "a_rules.lua", 5, F, "unknown field"));
  g_assert_false(has_diag(d, "a_rules.lua", 15, F, "unknown field"));
  g_assert_false(has_diag(d, "a_rules.lua", 6, I, "expired"));
  g_assert_cmpuint(d->len, ==, 9);
  g_ptr_array_free(d, TRUE);
  g_free(dir);

  dir = source_pack("good");
  d = br_pack_check(dir, (const char *[]){"Seal Changed", NULL}, "2026-11-23");
  g_assert_cmpuint(d->len, ==, 0);
  g_ptr_array_free(d, TRUE);
  g_free(dir);
}

/* 20 declarative and 10 function rules on one record, the record changing a little per
 * evaluation so nothing is constant-folded. Run with -m perf. */
static void
test_perf(void)
{
  GString *lua = g_string_new(NULL);
  static const char *const conds[] = {
      "field_in('origin_country', {'EC', 'CO', 'PE', 'BO', 'VE'})",
      "list_any('transship_ports', {'ECGYE', 'COBUN', 'PAONX'})",
      "hs_prefix('hs_code', {'2939', '1211', '3003', '0803'})",
      "contains('description', {'FAK', 'STC', 'GENERAL CARGO'})",
      "gt('declared_kg', 20000)",
      "ratio('measured_kg', 'declared_kg', '>', 1.3)",
      "missing('load_port')",
      "all{ present('hs_code'), field_in('origin_country', {'EC'}) }",
      "differ('load_port', 'discharge_port')",
      "no(present('container'))",
  };
  for (guint i = 0; i < 20; i++)
    g_string_append_printf(lua, "rule { id = 'D%u', title = 'd', weight = 1, when = %s }\n", i,
                           conds[i % G_N_ELEMENTS(conds)]);
  for (guint i = 0; i < 10; i++)
    g_string_append_printf(lua,
                           "rule { id = 'F%u', title = 'f', weight = 1, when = function(l)\n"
                           "  local d, m = l.declared_kg, l.measured_kg\n"
                           "  if d and m and m > d * 1.%u then return true, 'heavy' end\n"
                           "  return false end }\n",
                           i, i);
  char *dir = rules_make_pack("perf", NULL, lua->str);
  g_string_free(lua, TRUE);
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  RulesLine l;
  rules_line_init(&l);
  rules_set_str(&l, "origin_country", "EC");
  rules_set_str(&l, "transship_ports", "CNSHA;SGSIN;AEJEA");
  rules_set_str(&l, "hs_code", "2939.71");
  rules_set_str(&l, "description", "SAID TO CONTAIN GENERAL CARGO OF VARIOUS KINDS");
  rules_set_str(&l, "load_port", "ECGYE");
  rules_set_str(&l, "discharge_port", "IQUQR");
  rules_set_str(&l, "container", "MSKU1234565");
  rules_set_num(&l, "declared_kg", 18000);
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);
  const guint n = 1000000;
  BrValue *measured = &l.rec[br_schema_find(l.schema, "measured_kg")];
  measured->str = "x";
  measured->len = 1;
  measured->missing = FALSE;
  double total = 0;
  gint64 t0 = g_get_monotonic_time();
  for (guint i = 0; i < n; i++) {
    measured->num = 18000 + (i % 16) * 1000;
    total += br_evaluator_eval(ev, l.rec, i)->score;
  }
  gint64 t1 = g_get_monotonic_time();
  double ns = (double)(t1 - t0) * 1000.0 / n;
  g_test_minimized_result(ns, "%.0f ns per line (20 declarative + 10 function rules)", ns);
  g_assert_cmpfloat(total, >, 0);
  br_evaluator_free(ev);

  /* The same record through the 20 declarative rules alone. */
  GString *decl = g_string_new(NULL);
  for (guint i = 0; i < 20; i++)
    g_string_append_printf(decl, "rule { id = 'D%u', title = 'd', weight = 1, when = %s }\n", i,
                           conds[i % G_N_ELEMENTS(conds)]);
  char *dir2 = rules_make_pack("perf-decl", NULL, decl->str);
  g_string_free(decl, TRUE);
  BrPack *pack2 = br_pack_load(dir2, &error);
  g_assert_no_error(error);
  ev = br_evaluator_new(pack2, l.schema, &error);
  g_assert_no_error(error);
  t0 = g_get_monotonic_time();
  for (guint i = 0; i < n; i++) {
    measured->num = 18000 + (i % 16) * 1000;
    total += br_evaluator_eval(ev, l.rec, i)->score;
  }
  t1 = g_get_monotonic_time();
  ns = (double)(t1 - t0) * 1000.0 / n;
  g_test_minimized_result(ns, "%.0f ns per line (20 declarative rules)", ns);
  br_evaluator_free(ev);
  br_pack_free(pack2);
  g_free(dir2);
  rules_line_clear(&l);
  br_pack_free(pack);
  g_free(dir);
}

/* points = history_logodds(key): the rule gives weight x (logit of the value's shrunk rate -
 * logit of the overall rate), only once the value has min inspections; weights.ini overrides
 * weights; a replay cut hides outcomes of the line's own period. */
static void
test_points_rules(void)
{
  char *dir = rules_make_pack(
      "points", "[pack]\nname = p\n[history]\nkeys = hs6+origin_country, origin_country\n",
      "rule { id = 'HO', title = 'HS from origin', weight = 2,\n"
      "  points = history_logodds('hs6+origin_country') }\n"
      "rule { id = 'OR', title = 'origin', weight = 1, when = present('container'),\n"
      "  points = history_logodds('origin_country', 5) }\n"
      "rule { id = 'PLAIN', title = 'plain', weight = 3, when = present('hs_code') }\n");
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(br_pack_settings(pack)->history_keys, ==, "hs6+origin_country, origin_country");
  g_assert_cmpstr(br_pack_rule(pack, 0)->points_key, ==, "hs6+origin_country");
  g_assert_cmpuint(br_pack_rule(pack, 1)->points_min, ==, 5);

  RulesLine l;
  rules_line_init(&l);
  BrEntityKeys *keys = br_entity_keys_parse(br_pack_settings(pack)->history_keys, &error);
  g_assert_no_error(error);
  br_entity_keys_bind(keys, l.schema);
  /* 100 outcomes overall, 20 hits, on day 10; 4 of 5 on HS 440890 from BE on day 10 and 5 more
   * clean ones on day 20; origin BE 3 inspections. */
  GArray *o = g_array_new(FALSE, FALSE, sizeof(BrHistoryOutcome));
  for (int i = 0; i < 100; i++) {
    BrHistoryOutcome g = {-1, NULL, 10, i < 20};
    g_array_append_val(o, g);
  }
  for (int i = 0; i < 10; i++) {
    BrHistoryOutcome e = {0, "440890+BE", i < 5 ? 10 : 20, i < 4};
    g_array_append_val(o, e);
  }
  for (int i = 0; i < 3; i++) {
    BrHistoryOutcome e = {1, "BE", 10, TRUE};
    g_array_append_val(o, e);
  }
  BrHistory *h =
      br_history_new_from_outcomes(keys, 10, (BrHistoryOutcome *)(void *)o->data, o->len);
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);
  br_evaluator_set_history(ev, h);
  rules_set_str(&l, "hs_code", "4408.90");
  rules_set_str(&l, "origin_country", "BE");
  rules_set_str(&l, "container", "MSCU1234565");
  const BrLineResult *r = br_evaluator_eval(ev, l.rec, 1);
  /* Whole snapshot: 4 of 10, shrunk (4 + 10 * 0.2) / 20 = 0.3 against 0.2 overall. */
  double x = log(0.3 / 0.7) - log(0.2 / 0.8);
  const char *reason = NULL;
  g_assert_true(rules_fired(r, 0, &reason));
  g_assert_cmpstr(reason, ==,
                  "hs6+origin_country 440890+BE: 4 of 10 past inspections found something "
                  "(rate 0.30 vs 0.20 overall)");
  g_assert_cmpfloat_with_epsilon(r->points[0], x, 1e-9);
  g_assert_false(rules_fired(r, 1, NULL)); /* BE has 3 inspections, the rule wants 5 */
  g_assert_true(rules_fired(r, 2, NULL));
  g_assert_cmpfloat_with_epsilon(r->points[1], 1, 1e-12);
  g_assert_cmpfloat_with_epsilon(r->score, 2 * x + 3, 1e-9);

  /* Cut per day on a line of day 15: only the 5 outcomes of day 10 count, 4 hits. */
  br_evaluator_set_history_cut(ev, BR_HISTORY_CUT_DAY);
  int datef = br_schema_find(l.schema, "arrival_date");
  l.rec[datef] = (BrValue){"1970-01-16", 10, FALSE, 15};
  r = br_evaluator_eval(ev, l.rec, 2);
  g_assert_true(rules_fired(r, 0, &reason));
  g_assert_cmpfloat_with_epsilon(r->points[0], log(0.4 / 0.6) - log(0.2 / 0.8), 1e-9);
  /* A line of day 10 sees no outcome at all: nothing to go on, the rule stays silent. */
  l.rec[datef].num = 10;
  r = br_evaluator_eval(ev, l.rec, 3);
  g_assert_false(rules_fired(r, 0, NULL));
  br_evaluator_free(ev);

  /* weights.ini overrides the file's weights and takes part in the pack hash. */
  char *old_hash = g_strdup(br_pack_hash(pack));
  br_pack_free(pack);
  char *wpath = g_build_filename(dir, "weights.ini", NULL);
  g_assert_true(g_file_set_contents(wpath, "[weights]\nHO = 0.5\nPLAIN = -1.25\n", -1, NULL));
  pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat(br_pack_rule(pack, 0)->weight, ==, 0.5);
  g_assert_cmpfloat(br_pack_rule(pack, 1)->weight, ==, 1);
  g_assert_cmpfloat(br_pack_rule(pack, 2)->weight, ==, -1.25);
  g_assert_cmpstr(br_pack_hash(pack), !=, old_hash);
  br_pack_free(pack);
  g_assert_true(g_file_set_contents(wpath, "[weights]\nNOSUCH = 1\n", -1, NULL));
  g_assert_null(br_pack_load(dir, &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_SETTINGS);
  g_assert_nonnull(strstr(error->message, "NOSUCH: the pack has no such rule"));
  g_clear_error(&error);
  g_free(wpath);
  g_free(old_hash);

  /* Misused: points on a condition's place, a bad key. */
  char *bad = rules_make_pack("points-bad", "[pack]\nname = b\n[history]\nkeys = hs6\n",
                              "rule { id = 'W', title = 't', weight = 1,\n"
                              "  when = history_logodds('hs6') }\n");
  g_assert_null(br_pack_load(bad, &error));
  g_assert_nonnull(strstr(error->message, "rule W: \"when\" must be a condition"));
  g_clear_error(&error);
  g_free(bad);
  bad = rules_make_pack("points-key", "[pack]\nname = b\n[history]\nkeys = hs6\n",
                        "rule { id = 'PK', title = 't', weight = 1,\n"
                        "  points = history_logodds('importer_id') }\n");
  g_assert_null(br_pack_load(bad, &error));
  g_assert_nonnull(
      strstr(error->message, "rule PK: history key \"importer_id\" is not one of the pack's"));
  g_clear_error(&error);
  g_free(bad);
  bad = rules_make_pack("keys-bad", "[pack]\nname = b\n[history]\nkeys = hs6+\n",
                        "rule { id = 'K', title = 't', weight = 1, when = present('hs_code') }\n");
  g_assert_null(br_pack_load(bad, &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_SETTINGS);
  g_assert_nonnull(strstr(error->message, "[history] keys: history key 1 'hs6+'"));
  g_clear_error(&error);
  g_free(bad);

  br_history_free(h);
  g_array_free(o, TRUE);
  br_entity_keys_free(keys);
  rules_line_clear(&l);
  g_free(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  rules_tmpdir = g_dir_make_tmp("br-rules-XXXXXX", NULL);
  g_test_add_func("/rules/settings", test_settings);
  g_test_add_func("/rules/hash", test_hash);
  g_test_add_func("/rules/load-errors", test_load_errors);
  g_test_add_func("/rules/runaway-rules", test_runaway_rules_fail_alone);
  g_test_add_func("/rules/breaker", test_breaker);
  g_test_add_func("/rules/ids", test_rule_ids);
  g_test_add_func("/rules/settings-typos", test_settings_typos);
  g_test_add_func("/rules/settings-dump", test_settings_dump);
  g_test_add_func("/rules/settings-broken-folders", test_settings_broken_folders);
  g_test_add_func("/rules/line-view", test_line_view);
  g_test_add_func("/rules/validity-and-results", test_validity_and_results);
  g_test_add_func("/rules/check", test_check_reports_problems);
  g_test_add_func("/rules/points", test_points_rules);
  if (g_test_perf())
    g_test_add_func("/rules/perf", test_perf);
  return br_test_run_in(rules_tmpdir);
}
