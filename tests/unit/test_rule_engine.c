/* The rule engine: sandbox limits, declarative conditions, function rules, validity dates,
 * check digits, and the problems `rules check` reports. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <lauxlib.h>

#include "br_checks.h"
#include "test_tmpdir.h"
#include "br_rules.h"
#include "br_sandbox.h"

static char *tmpdir;

static char *
make_pack(const char *name, const char *ini, const char *lua)
{
  char *dir = g_build_filename(tmpdir, name, NULL);
  g_mkdir_with_parents(dir, 0700);
  char *p = g_build_filename(dir, "pack.ini", NULL);
  g_assert_true(g_file_set_contents(p, ini ? ini : "[pack]\nname = t\n", -1, NULL));
  g_free(p);
  p = g_build_filename(dir, "rules.lua", NULL);
  g_assert_true(g_file_set_contents(p, lua, -1, NULL));
  g_free(p);
  return dir;
}

/* A schema with a few canonical fields and one record we fill per test. */
typedef struct {
  BrSchema *schema;
  BrBatch *batch;
  BrValue *rec;
} Line;

static void
line_init(Line *l)
{
  l->schema = br_schema_new();
  br_schema_add(l->schema, "origin_country", BR_TYPE_STRING, -1);
  br_schema_add(l->schema, "declared_kg", BR_TYPE_DECIMAL, -1);
  br_schema_add(l->schema, "measured_kg", BR_TYPE_DECIMAL, -1);
  br_schema_add(l->schema, "hs_code", BR_TYPE_STRING, -1);
  br_schema_add(l->schema, "description", BR_TYPE_STRING, -1);
  br_schema_add(l->schema, "transship_ports", BR_TYPE_LIST, -1);
  br_schema_add(l->schema, "arrival_date", BR_TYPE_DATE, -1);
  br_schema_add(l->schema, "container", BR_TYPE_STRING, -1);
  l->batch = br_batch_new(l->schema, 1);
  l->rec = br_batch_append(l->batch, 1);
}

static void
line_clear(Line *l)
{
  br_batch_free(l->batch);
  br_schema_free(l->schema);
}

static void
set_str(Line *l, const char *field, const char *v)
{
  BrValue *x = &l->rec[br_schema_find(l->schema, field)];
  x->str = v ? v : "";
  x->len = v ? (guint32)strlen(v) : 0;
  x->missing = v == NULL || !*v;
}

static void
set_num(Line *l, const char *field, double v)
{
  BrValue *x = &l->rec[br_schema_find(l->schema, field)];
  x->str = "n";
  x->len = 1;
  x->missing = FALSE;
  x->num = v;
}

static gboolean
fired(const BrLineResult *r, guint rule, const char **reason)
{
  for (guint k = 0; k < r->nfired; k++)
    if (r->fired[k] == rule) {
      if (reason)
        *reason = r->reasons[k];
      return TRUE;
    }
  return FALSE;
}

static void
test_sandbox_has_no_escape(void)
{
  BrSandbox *sb = br_sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  static const char *probes[] = {
    "return os == nil and io == nil and package == nil and debug == nil",
    "return load == nil and loadfile == nil and dofile == nil and require == nil",
    "return collectgarbage == nil and string.dump == nil",
  };
  lua_State *L = br_sandbox_lua(sb);
  for (guint i = 0; i < G_N_ELEMENTS(probes); i++) {
    g_assert_cmpint(luaL_loadstring(L, probes[i]), ==, LUA_OK);
    g_assert_cmpint(br_sandbox_pcall(sb, 0, 1), ==, LUA_OK);
    g_assert_true(lua_toboolean(L, -1));
    lua_pop(L, 1);
  }
  char *msg = NULL;
  g_assert_false(br_sandbox_run(sb, "os.execute('touch /tmp/pwned')", 30, "x.lua", 0, &msg));
  g_assert_nonnull(strstr(msg, "x.lua:1:"));
  g_free(msg);
  g_assert_false(br_sandbox_run(sb, "io.open('/etc/passwd')", 22, "y.lua", 0, &msg));
  g_free(msg);
  /* Bytecode is refused even when handed over as a chunk. */
  g_assert_false(br_sandbox_run(sb, "\x1bLua", 4, "z.luac", 0, &msg));
  g_assert_nonnull(strstr(msg, "binary"));
  g_free(msg);
  g_assert_cmpint(lua_gettop(L), ==, 0);
  br_sandbox_free(sb);
}

static const char *limits_pack =
  "rule { id = 'LOOP', title = 'loops', weight = 1, when = function(l) while true do end end }\n"
  "rule { id = 'BOMB', title = 'allocates', weight = 1, when = function(l)\n"
  "  local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1024) .. i end end }\n"
  "rule { id = 'ERR', title = 'errors', weight = 1, when = function(l) return l.nosuch end }\n"
  "rule { id = 'OK', title = 'works', weight = 7, when = function(l)\n"
  "  return l.declared_kg ~= nil, 'has a mass' end }\n";

static void
test_runaway_rules_fail_alone(void)
{
  char *dir = make_pack("limits", NULL, limits_pack);
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  Line l;
  line_init(&l);
  set_num(&l, "declared_kg", 10);
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);
  for (int round = 0; round < 2; round++) {
    const BrLineResult *r = br_evaluator_eval(ev, l.rec, 42);
    const char *reason = NULL;
    g_assert_cmpuint(r->nfired, ==, 1);
    g_assert_true(fired(r, 3, &reason));
    g_assert_cmpstr(reason, ==, "has a mass");
    g_assert_cmpfloat(r->score, ==, 7);
  }
  const guint64 *fails = br_evaluator_failure_counts(ev);
  g_assert_cmpuint(fails[0], ==, 2);
  g_assert_cmpuint(fails[1], ==, 2);
  g_assert_cmpuint(fails[2], ==, 2);
  g_assert_cmpuint(fails[3], ==, 0);
  const char *m0 = br_evaluator_failure_message(ev, 0);
  g_test_message("%s", m0);
  g_assert_nonnull(strstr(m0, "rules.lua:1: rule LOOP"));
  g_assert_nonnull(strstr(m0, "instruction budget"));
  g_assert_nonnull(strstr(br_evaluator_failure_message(ev, 1), "rule BOMB"));
  g_assert_nonnull(strstr(br_evaluator_failure_message(ev, 1), "memory"));
  g_assert_nonnull(strstr(br_evaluator_failure_message(ev, 2), "no field \"nosuch\""));
  g_assert_nonnull(strstr(br_evaluator_failure_message(ev, 2), "input line 42"));
  br_evaluator_free(ev);
  line_clear(&l);
  br_pack_free(pack);
  g_free(dir);
}

static const char *conds_pack =
  "rule { id = 'IN', title = 't', weight = 1, when = field_in('origin_country', {'EC', 'CO'}) }\n"
  "rule { id = 'LIST', title = 't', weight = 1, when = list_any('transship_ports', {'AEJEA'}) }\n"
  "rule { id = 'HS', title = 't', weight = 1, when = hs_prefix('hs_code', {'2939', '1211.2'}) }\n"
  "rule { id = 'TXT', title = 't', weight = 1, when = contains('description', {'general cargo', 'FAK'}) }\n"
  "rule { id = 'GT', title = 't', weight = 1, when = gt('declared_kg', 1000) }\n"
  "rule { id = 'RATIO', title = 't', weight = 1, when = ratio('measured_kg', 'declared_kg', '>', 1.5),\n"
  "       reason = 'declared {declared_kg}, weighed {measured_kg}' }\n"
  "rule { id = 'MISS', title = 'no mass', weight = 1, when = missing('declared_kg') }\n"
  "rule { id = 'NOT', title = 't', weight = 1, when = no(gt('declared_kg', 1000)) }\n"
  "rule { id = 'ALL', title = 't', weight = 1, when = all{ present('hs_code'), any{ field_in('origin_country', {'EC'}), missing('origin_country') } } }\n"
  "rule { id = 'DATE', title = 't', weight = 1, valid_from = '2026-01-01', valid_until = '2026-06-30', when = present('container') }\n";

static guint
fire_mask(BrEvaluator *ev, Line *l)
{
  const BrLineResult *r = br_evaluator_eval(ev, l->rec, 1);
  guint mask = 0;
  for (guint k = 0; k < r->nfired; k++)
    mask |= 1u << r->fired[k];
  return mask;
}

enum { IN = 1, LIST = 2, HS = 4, TXT = 8, GT = 16, RATIO = 32, MISS = 64, NOT = 128, ALL = 256,
       DATE = 512 };

static void
test_declarative_conditions(void)
{
  char *dir = make_pack("conds", NULL, conds_pack);
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  for (guint i = 0; i < 9; i++)
    g_assert_true(br_pack_rule(pack, i)->declarative);
  Line l;
  line_init(&l);
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);

  /* Everything missing: only the rules about absence fire. */
  set_num(&l, "arrival_date", 20500); /* 2026-02-15: DATE could fire, but no container */
  g_assert_cmpuint(fire_mask(ev, &l), ==, MISS | NOT);

  set_str(&l, "origin_country", "EC");
  set_str(&l, "transship_ports", "LKCMB; AEJEA ;OMSLL");
  set_str(&l, "hs_code", "2939.71");
  set_str(&l, "description", "Said to contain General Cargo");
  set_num(&l, "declared_kg", 2000);
  set_num(&l, "measured_kg", 3100);
  set_str(&l, "container", "MSCU1234565");
  g_assert_cmpuint(fire_mask(ev, &l), ==, IN | LIST | HS | TXT | GT | RATIO | ALL | DATE);
  const char *reason = NULL;
  g_assert_true(fired(br_evaluator_eval(ev, l.rec, 1), 5, &reason));
  g_assert_cmpstr(reason, ==, "declared n, weighed n"); /* template copies the field text */

  set_str(&l, "origin_country", "ECU");
  set_str(&l, "transship_ports", "AEJEAX;SGSIN");
  set_str(&l, "hs_code", "121130");
  set_str(&l, "description", "FAKE FUR"); /* contains FAK: substring by design */
  set_num(&l, "declared_kg", 0);            /* ratio with zero divisor never fires */
  set_num(&l, "arrival_date", 20700);       /* 2026-09-03: past valid_until */
  g_assert_cmpuint(fire_mask(ev, &l), ==, TXT | NOT);
  set_str(&l, "hs_code", "1211.20");
  g_assert_cmpuint(fire_mask(ev, &l) & HS, ==, HS);

  br_evaluator_free(ev);
  line_clear(&l);
  br_pack_free(pack);
  g_free(dir);
}

static void
test_unknown_field_fails_compile(void)
{
  char *dir = make_pack("unknown", NULL,
                        "rule { id = 'U', title = 't', weight = 1, when = gt('wieght_kg', 1) }\n");
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  Line l;
  line_init(&l);
  g_assert_null(br_evaluator_new(pack, l.schema, &error));
  g_assert_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD);
  g_assert_nonnull(strstr(error->message, "rules.lua:1: rule U"));
  g_assert_nonnull(strstr(error->message, "wieght_kg"));
  g_clear_error(&error);
  line_clear(&l);
  br_pack_free(pack);
  g_free(dir);
}

static gboolean
has_diag(GPtrArray *d, int line, const char *text)
{
  for (guint i = 0; i < d->len; i++) {
    BrDiagnostic *x = g_ptr_array_index(d, i);
    if (x->line == line && strstr(x->message, text))
      return TRUE;
  }
  return FALSE;
}

static void
test_check_reports_problems(void)
{
  char *dir = make_pack("problems", "[pack]\nname = p\n",
                        "rule { id = 'A', title = 'a', weight = 1, when = present('bol') }\n"
                        "rule { id = 'A', title = 'again', weight = 1, when = present('bol') }\n"
                        "rule { id = 'B', weight = 1, when = present('bol') }\n"
                        "rule { id = 'C', title = 'c', weight = 'high', when = present('bol') }\n"
                        "rule { id = 'D', title = 'd', weight = 1, when = gt('no_such', 3) }\n"
                        "rule { id = 'E', title = 'e', weight = 1, valid_until = '2020-01-31',\n"
                        "       when = present('bol') }\n"
                        "rule { id = 'F', title = 'f', wieght = 1, weight = 2, when = present('bol') }\n"
                        "rule { id = 'G', title = 'g', weight = 1, valid_from = '2026-13-01',\n"
                        "       when = present('bol') }\n"
                        "rule { id = 'H', title = 'h', weight = 1, when = 'always' }\n");
  GPtrArray *d = br_pack_check(dir, NULL, "2026-11-23");
  g_assert_true(has_diag(d, 2, "duplicate id"));
  g_assert_true(has_diag(d, 3, "no title"));
  g_assert_true(has_diag(d, 4, "weight must be a number"));
  g_assert_true(has_diag(d, 5, "unknown field \"no_such\""));
  g_assert_true(has_diag(d, 6, "expired on 2020-01-31"));
  g_assert_true(has_diag(d, 8, "unknown key \"wieght\""));
  g_assert_true(has_diag(d, 9, "not a date"));
  g_assert_true(has_diag(d, 11, "\"when\" must be a condition"));
  g_ptr_array_free(d, TRUE);

  /* The profile's fields are known too. */
  const char *extra[] = {"no_such", NULL};
  d = br_pack_check(dir, extra, "2026-11-23");
  g_assert_false(has_diag(d, 5, "unknown field"));
  g_ptr_array_free(d, TRUE);

  char *syntax = make_pack("syntax", NULL, "rule {\n  id = 'S',\n  title = 'x'\n  weight = 1 }\n");
  d = br_pack_check(syntax, NULL, NULL);
  g_assert_cmpuint(d->len, ==, 1);
  BrDiagnostic *x = g_ptr_array_index(d, 0);
  g_assert_true(g_str_has_suffix(x->file, "rules.lua"));
  g_assert_cmpint(x->line, ==, 4);
  g_ptr_array_free(d, TRUE);
  GError *error = NULL;
  g_assert_null(br_pack_load(syntax, &error));
  g_assert_nonnull(strstr(error->message, "rules.lua:4:"));
  g_clear_error(&error);
  g_free(syntax);
  g_free(dir);
}

static void
test_settings(void)
{
  char *dir = make_pack("settings",
                        "[pack]\nname = s\nversion = 3\nunit = bol\n[lanes]\nred = 70\nyellow = 30\n"
                        "[capacity]\ndefault = 5\nIQUQR = 40\n[random]\nshare = 0.2\n",
                        "rule { id = 'A', title = 'a', weight = 1, when = present('bol') }\n");
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  const BrPackSettings *s = br_pack_settings(pack);
  g_assert_cmpstr(s->name, ==, "s");
  g_assert_cmpstr(s->unit_field, ==, "bol");
  g_assert_cmpfloat(s->lane_red, ==, 70);
  g_assert_cmpfloat(s->random_share, ==, 0.2);
  g_assert_cmpuint(br_pack_capacity(pack, "IQUQR"), ==, 40);
  g_assert_cmpuint(br_pack_capacity(pack, "IQBSR"), ==, 5);
  g_assert_cmpuint(strlen(br_pack_hash(pack)), ==, 64);
  br_pack_free(pack);
  g_free(dir);

  dir = make_pack("bad-settings", "[random]\nshare = 1.5\n",
                  "rule { id = 'A', title = 'a', weight = 1, when = present('bol') }\n");
  g_assert_null(br_pack_load(dir, &error));
  g_assert_nonnull(strstr(error->message, "share"));
  g_clear_error(&error);
  g_free(dir);
}

static void
test_check_digits(void)
{
  g_assert_true(br_check_iso6346("CSQU3054383", 11));
  g_assert_false(br_check_iso6346("CSQU3054384", 11));
  g_assert_true(br_check_iso6346("MSKU6011672", 11));
  g_assert_false(br_check_iso6346("MSKX6011672", 11)); /* category must be U, J or Z */
  g_assert_false(br_check_iso6346("csqu3054383", 11));
  g_assert_false(br_check_iso6346("CSQU305438", 10));
  g_assert_true(br_check_imo("9074729", 7));
  g_assert_true(br_check_imo("IMO 9074729", 11));
  g_assert_false(br_check_imo("9074728", 7));
  g_assert_false(br_check_imo("907472", 6));
  char d[32];
  g_assert_cmpuint(br_hs_digits("8471.30 00", 10, d, sizeof d), ==, 8);
  g_assert_cmpstr(d, ==, "84713000");
  g_assert_cmpuint(br_hs_digits("84A1", 4, d, sizeof d), ==, 0);
}

static void
test_lua_helpers(void)
{
  char *dir = make_pack("helpers", NULL,
                        "rule { id = 'H', title = 'h', weight = 1, when = function(l)\n"
                        "  local n = 0 for p in br.list(l.transship_ports) do n = n + 1 end\n"
                        "  return br.iso6346_valid(l.container) and br.imo_valid('IMO 9074729')\n"
                        "    and br.hs_chapter(l.hs_code) == '29' and br.hs_heading(l.hs_code) == '2939'\n"
                        "    and n == 2 and br.upper('fak') == 'FAK', 'n=' .. n end }\n"
                        "rule { id = 'W', title = 'w', weight = 1, when = function(l) l.hs_code = 'x' end }\n");
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  Line l;
  line_init(&l);
  set_str(&l, "transship_ports", "AEJEA; ;OMSLL");
  set_str(&l, "container", "CSQU3054383");
  set_str(&l, "hs_code", "2939.41");
  BrEvaluator *ev = br_evaluator_new(pack, l.schema, &error);
  g_assert_no_error(error);
  const char *reason = NULL;
  g_assert_true(fired(br_evaluator_eval(ev, l.rec, 1), 0, &reason));
  g_assert_cmpstr(reason, ==, "n=2");
  g_assert_cmpuint(br_evaluator_failure_counts(ev)[1], ==, 1);
  g_assert_nonnull(strstr(br_evaluator_failure_message(ev, 1), "read-only"));
  br_evaluator_free(ev);
  line_clear(&l);
  br_pack_free(pack);
  g_free(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp("br-rules-XXXXXX", NULL);
  g_test_add_func("/sandbox/no-escape", test_sandbox_has_no_escape);
  g_test_add_func("/evaluator/runaway-rules", test_runaway_rules_fail_alone);
  g_test_add_func("/evaluator/declarative", test_declarative_conditions);
  g_test_add_func("/evaluator/unknown-field", test_unknown_field_fails_compile);
  g_test_add_func("/evaluator/lua-helpers", test_lua_helpers);
  g_test_add_func("/pack/check", test_check_reports_problems);
  g_test_add_func("/pack/settings", test_settings);
  g_test_add_func("/checks/digits", test_check_digits);
  return br_test_run_in(tmpdir);
}
