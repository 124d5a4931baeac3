/* Declarative conditions: each builder compiled against a schema and evaluated natively,
 * with missing fields, zero divisors, list and HS code forms, and condition tables a rule
 * file tampered with. */
#include <string.h>

#include <glib.h>
#include <lauxlib.h>

#include "br_cond.h"
#include "br_rule_api.h"
#include "br_sandbox.h"
#include "rules_fixture.h"

static BrSandbox *sb;
static RulesLine line;

/* Builds the condition `expr` in Lua and compiles it; NULL with *error on failure. */
static BrCond *
compile(const char *expr, GError **error)
{
  lua_State *L = br_sandbox_lua(sb);
  char *code = g_strconcat("return ", expr, NULL);
  g_assert_cmpint(luaL_loadstring(L, code), ==, LUA_OK);
  g_free(code);
  if (br_sandbox_pcall(sb, 0, 1) != LUA_OK)
    g_error("%s: %s", expr, lua_tostring(L, -1));
  BrCond *c = br_cond_compile(L, -1, line.schema, error);
  lua_pop(L, 1);
  g_assert_cmpint(lua_gettop(L), ==, 0);
  return c;
}

static gboolean
holds(const char *expr)
{
  GError *error = NULL;
  BrCond *c = compile(expr, &error);
  g_assert_no_error(error);
  gboolean v = br_cond_eval(c, line.rec);
  br_cond_free(c);
  return v;
}

/* The Lua error a builder raises for bad arguments. */
static char *
builder_error(const char *expr)
{
  lua_State *L = br_sandbox_lua(sb);
  char *code = g_strconcat("return ", expr, NULL);
  g_assert_cmpint(luaL_loadstring(L, code), ==, LUA_OK);
  g_free(code);
  g_assert_cmpint(br_sandbox_pcall(sb, 0, 1), !=, LUA_OK);
  char *msg = g_strdup(lua_tostring(L, -1));
  lua_pop(L, 1);
  return msg;
}

static void
setup(void)
{
  rules_line_init(&line);
  sb = br_sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  char *msg = NULL;
  g_assert_true(br_rule_api_install(sb, ';', &msg));
}

static void
teardown(void)
{
  br_sandbox_free(sb);
  rules_line_clear(&line);
}

static void
test_sets(void)
{
  setup();
  g_assert_false(holds("field_in('origin_country', {'EC', 'CO'})")); /* missing */
  rules_set_str(&line, "origin_country", "EC");
  g_assert_true(holds("field_in('origin_country', {'EC', 'CO'})"));
  g_assert_true(holds("field_in('origin_country', {' EC '})")); /* values are trimmed */
  g_assert_true(holds("field_in('origin_country', 'EC')"));
  rules_set_str(&line, "origin_country", "ECU");
  g_assert_false(holds("field_in('origin_country', {'EC', 'CO'})"));
  rules_set_num(&line, "packages", 12);
  g_assert_true(holds("field_in('packages', {11, 12})"));

  g_assert_false(holds("list_any('transship_ports', {'AEJEA'})")); /* missing */
  rules_set_str(&line, "transship_ports", "LKCMB; AEJEA ;OMSLL");
  g_assert_true(holds("list_any('transship_ports', {'AEJEA'})"));
  g_assert_true(holds("list_any('transship_ports', {'OMSLL', 'XXXXX'})"));
  g_assert_false(holds("list_any('transship_ports', {'AEJE', 'CMB'})"));
  rules_set_str(&line, "transship_ports", "AEJEAX;;SGSIN");
  g_assert_false(holds("list_any('transship_ports', {'AEJEA'})"));
  g_assert_true(holds("list_any('transship_ports', {'SGSIN'})"));
  teardown();
}

static void
test_text(void)
{
  setup();
  g_assert_false(holds("hs_prefix('hs_code', {'2939'})"));
  g_assert_false(holds("contains('description', {'FAK'})"));
  rules_set_str(&line, "hs_code", "2939.71");
  g_assert_true(holds("hs_prefix('hs_code', {'2939', '1211.2'})"));
  g_assert_true(holds("hs_prefix('hs_code', {'29.39.7'})")); /* dots ignored on both sides */
  g_assert_false(holds("hs_prefix('hs_code', {'29397100', '1211'})"));
  rules_set_str(&line, "hs_code", "1211 20");
  g_assert_true(holds("hs_prefix('hs_code', {'2939', '1211.2'})"));
  rules_set_str(&line, "hs_code", "HS1211");
  g_assert_false(holds("hs_prefix('hs_code', {'1211'})")); /* not an HS code */

  rules_set_str(&line, "description", "Said to contain General Cargo");
  g_assert_true(holds("contains('description', {'general cargo', 'FAK'})"));
  g_assert_false(holds("contains('description', {'generalcargo'})"));
  rules_set_str(&line, "description", "FAKE FUR"); /* a substring test, by design */
  g_assert_true(holds("contains('description', {'fak'})"));
  teardown();
}

static void
test_numbers(void)
{
  setup();
  /* A comparison on a missing field never fires, so its negation does. */
  g_assert_false(holds("gt('declared_kg', 1000)"));
  g_assert_false(holds("le('declared_kg', 1000)"));
  g_assert_true(holds("no(gt('declared_kg', 1000))"));
  rules_set_num(&line, "declared_kg", 1000);
  g_assert_false(holds("gt('declared_kg', 1000)"));
  g_assert_true(holds("ge('declared_kg', 1000)"));
  g_assert_true(holds("eq('declared_kg', 1000)"));
  g_assert_false(holds("ne('declared_kg', 1000)"));
  g_assert_true(holds("lt('declared_kg', 1000.5)"));
  g_assert_true(holds("le('declared_kg', 1000)"));
  g_assert_false(holds("no(gt('declared_kg', 999))"));

  g_assert_false(holds("ratio('measured_kg', 'declared_kg', '>', 1.5)")); /* a side missing */
  rules_set_num(&line, "measured_kg", 3100);
  g_assert_true(holds("ratio('measured_kg', 'declared_kg', '>', 1.5)"));
  g_assert_true(holds("ratio('measured_kg', 'declared_kg', '>=', 3.1)"));
  g_assert_true(holds("ratio('declared_kg', 'measured_kg', '<', 0.5)"));
  g_assert_true(holds("ratio('measured_kg', 'declared_kg', '~=', 1)"));
  g_assert_true(holds("ratio('measured_kg', 'declared_kg', '!=', 1)"));
  g_assert_false(holds("ratio('measured_kg', 'declared_kg', '==', 1)"));
  rules_set_num(&line, "declared_kg", 0); /* zero divisor: never fires, whatever the operator */
  g_assert_false(holds("ratio('measured_kg', 'declared_kg', '>', 1.5)"));
  g_assert_false(holds("ratio('measured_kg', 'declared_kg', '<', 1.5)"));
  g_assert_false(holds("ratio('measured_kg', 'declared_kg', '~=', 0)"));
  teardown();
}

static void
test_fields_and_logic(void)
{
  setup();
  g_assert_true(holds("missing('load_port')"));
  g_assert_false(holds("present('load_port')"));
  g_assert_false(holds("same('load_port', 'discharge_port')"));
  g_assert_false(holds("differ('load_port', 'discharge_port')"));
  rules_set_str(&line, "load_port", "CNSHA");
  g_assert_false(holds("differ('load_port', 'discharge_port')")); /* one side missing */
  rules_set_str(&line, "discharge_port", "CNSHA");
  g_assert_true(holds("same('load_port', 'discharge_port')"));
  rules_set_str(&line, "discharge_port", "CNSHAX");
  g_assert_true(holds("differ('load_port', 'discharge_port')"));
  g_assert_true(holds("present('load_port')"));

  g_assert_true(holds("all{ present('load_port'), missing('hs_code') }"));
  g_assert_false(holds("all{ present('load_port'), present('hs_code') }"));
  g_assert_true(holds("any{ present('hs_code'), same('load_port', 'load_port') }"));
  g_assert_false(holds("any{ present('hs_code'), missing('load_port') }"));
  g_assert_true(holds("no(any{ present('hs_code'), missing('load_port') })"));
  teardown();
}

static void
test_compile_errors(void)
{
  setup();
  GError *error = NULL;
  g_assert_null(compile("all{ present('bol'), gt('declared_kg', 1) }", &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD);
  g_assert_nonnull(strstr(error->message, "\"bol\""));
  g_clear_error(&error);
  g_assert_null(compile("gt('description', 3)", &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD);
  g_assert_nonnull(strstr(error->message, "not a number"));
  g_clear_error(&error);
  /* Conditions changed after the builder checked them are refused, not trusted. */
  static const char *const tampered[] = {
      "(function() local c = no(present('hs_code')) c.kids = {} return c end)()",
      "(function() local c = all{ present('hs_code') } c.kids = { {} } return c end)()",
      "(function() local c = field_in('hs_code', {'1'}) c.values = { true } return c end)()",
      "(function() local c = gt('declared_kg', 1) c.num = 'x' return c end)()",
      "(function() local c = gt('declared_kg', 1) c.cmp = 'between' return c end)()",
      "(function() local c = gt('declared_kg', 1) c.op = 'explode' return c end)()",
      "{ op = 'present', field = 'hs_code' }",
  };
  for (guint i = 0; i < G_N_ELEMENTS(tampered); i++) {
    g_assert_null(compile(tampered[i], &error));
    g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID);
    g_clear_error(&error);
  }

  /* Builders check their arguments where the rule author wrote them. */
  static const struct {
    const char *expr, *text;
  } bad[] = {
      {"field_in('origin_country', {})", "field_in: give a list of values"},
      {"gt('declared_kg', '5')", "gt: compare with a number"},
      {"hs_prefix('hs_code', {'29A'})", "not an HS code prefix"},
      {"ratio('a', 'b', '=>', 1)", "ratio: the operator is one of"},
      {"all{ present('hs_code'), 'x' }", "all: item 2 is not a condition"},
      {"no(setmetatable({ op = 'present', field = 'hs_code' }, getmetatable(present('x'))))",
       "bad argument"},
      {"present(nil)", "present: the first argument is a field name"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *msg = builder_error(bad[i].expr);
    if (!strstr(msg, bad[i].text))
      g_error("%s: expected \"%s\", got \"%s\"", bad[i].expr, bad[i].text, msg);
    g_free(msg);
  }
  teardown();
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/cond/sets", test_sets);
  g_test_add_func("/cond/text", test_text);
  g_test_add_func("/cond/numbers", test_numbers);
  g_test_add_func("/cond/fields-and-logic", test_fields_and_logic);
  g_test_add_func("/cond/compile-errors", test_compile_errors);
  return g_test_run();
}
