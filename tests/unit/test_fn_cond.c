/* Function rules compiled to C (br_fn_cond.h) against the same rules run in Lua: every compiled
 * shape on the sample manifest's lines and on edge-case lines, compared rule by rule, reason by
 * reason, failure by failure; and the functions that only look declarative stay Lua. */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_feed.h"
#include "br_profile.h"
#include "br_rules.h"
#include "test_tmpdir.h"

static char *tmp;

#define PACK_INI "[pack]\nname = t\n"

/* The ten function rules of rules/bench30, then more shapes: each is compiled. */
static const char compiled_rules[] =
    "rule { id = 'F-MASS', title = 'm', weight = 20, when = function(l)\n"
    "  local d, m = l.declared_kg, l.measured_kg\n"
    "  return d ~= nil and m ~= nil and m > d * 1.5 end }\n"
    "rule { id = 'F-VALUE', title = 'v', weight = 10, when = function(l)\n"
    "  local v, kg = l.value, l.declared_kg\n"
    "  return v ~= nil and kg ~= nil and kg > 0 and v / kg < 0.2 end }\n"
    "rule { id = 'F-FREIGHT', title = 'f', weight = 10, when = function(l)\n"
    "  local f, v = l.freight_amount, l.value\n"
    "  return f ~= nil and v ~= nil and v > 0 and f / v > 0.5 end }\n"
    "rule { id = 'F-VAGUE', title = 'd', weight = 10, when = function(l)\n"
    "  local d = l.description\n"
    "  return d ~= nil and (d:find('FAK', 1, true) or d:find('STC', 1, true)) ~= nil end }\n"
    "rule { id = 'F-HUBS', title = 'h', weight = 10, when = function(l)\n"
    "  local n = 0\n"
    "  for _ in br.list(l.transship_ports) do n = n + 1 end\n"
    "  return n >= 2, n .. ' transshipments' end }\n"
    "rule { id = 'F-PRECURSOR', title = 'p', weight = 10, when = function(l)\n"
    "  return br.hs_heading(l.hs_code) == '2939' end }\n"
    "rule { id = 'F-ORIGIN', title = 'o', weight = 10, when = function(l)\n"
    "  local o = l.origin_country\n"
    "  return o == 'EC' or o == 'CO' end }\n"
    "rule { id = 'F-REEFER', title = 'r', weight = 5, when = function(l)\n"
    "  local c = l.container_type\n"
    "  return c ~= nil and c:sub(3, 3) == 'R' end }\n"
    "rule { id = 'F-MASS-GAP', title = 'g', weight = 10,\n"
    "  when = function(l)\n"
    "    local d, m = l.declared_kg, l.measured_kg\n"
    "    return d ~= nil and m ~= nil and d > 0 and math.abs(d - m) / d > 0.1 end }\n"
    "rule { id = 'F-CHECK', title = 'c', weight = 10, when = function(l)\n"
    "  local c = l.container\n"
    "  return c ~= nil and not br.iso6346_valid(c) end }\n"
    "rule { id = 'S-SUB', title = 's', weight = 1, when = function(l)\n"
    "  local c = l.container\n"
    "  return c ~= nil and c:sub(-7, -1) ~= '' and c:sub(1, 4) == 'MSCU', c:sub(0, 2) .. c:sub(-2) "
    "end }\n"
    "rule { id = 'S-FIND-INIT', title = 's', weight = 1, when = function(l)\n"
    "  return l.description ~= nil and l.description:find('AK', 3, true) ~= nil end }\n"
    "rule { id = 'S-FIND-BACK', title = 's', weight = 1, when = function(l)\n"
    "  return l.description ~= nil and l.description:find('S', -4) ~= nil end }\n"
    "rule { id = 'S-LEN', title = 's', weight = 1, when = function(l)\n"
    "  local d = l.description\n"
    "  return d and #d > 20, 'long: ' .. #d end }\n"
    "rule { id = 'S-OR-REASON', title = 's', weight = 1, when = function(l)\n"
    "  local o = l.origin_country\n"
    "  return o == 'CN' or o == 'IN', 'from ' .. (o or '-') end }\n"
    "rule { id = 'S-INT', title = 's', weight = 1, when = function(l)\n"
    "  local p = l.packages\n"
    "  return p ~= nil and p * 2 - 1 >= 401 end }\n"
    "rule { id = 'S-NEG', title = 's', weight = 1, when = function(l)\n"
    "  return l.value ~= nil and -l.value < -50000 end }\n"
    "rule { id = 'S-ABS', title = 's', weight = 1, when = function(l)\n"
    "  local a, b = l.declared_kg, l.measured_kg\n"
    "  return math.abs(a - b) > 100 end }\n"
    "rule { id = 'S-HS', title = 's', weight = 1, when = function(l)\n"
    "  return br.hs_chapter(l.hs_code) == '30', br.hs_heading(l.hs_code) end }\n"
    "rule { id = 'S-IMO', title = 's', weight = 1, when = function(l)\n"
    "  return not br.imo_valid(l.vessel_imo) end }\n"
    "rule { id = 'S-BRACKET', title = 's', weight = 1, when = function(l)\n"
    "  return l['Seal Changed'] == 'Y' and l[\"House B/L\"] ~= nil end }\n"
    "rule { id = 'S-CONCAT', title = 's', weight = 1, when = function(l)\n"
    "  local n = 0\n"
    "  for item in br.list(l.transship_ports) do n = n + 1 end\n"
    "  return n > 0, l.load_port .. ' via ' .. n end }\n"
    "rule { id = 'S-NOT', title = 's', weight = 1, when = function(l)\n"
    "  return not (l.currency == 'USD'); end }\n"
    "rule { id = 'S-STRCMP', title = 's', weight = 1, when = function(l)\n"
    "  return l.origin_country ~= nil and l.origin_country < 'M' end }\n"
    "rule { id = 'S-DIV0', title = 's', weight = 1, when = function(l)\n"
    "  return l.value / 0 > 1e308 end }\n"
    "rule { id = 'S-MIXED', title = 's', weight = 1, when = function(l)\n"
    "  local n = 3 local x = n / 2 + 0.5 - 1 * 2 return x == 0 or l.packages == 12, x .. '' end }\n"
    "rule { id = 'S-FALLTHROUGH', title = 's', weight = 1, when = function(l) local x = 1 end }\n"
    /* A comment, and a long string, that must not confuse where functions are. */
    "--[[ rule { id = 'X', when = function(l) return true end } ]]\n"
    "local s = [==[ function(l) return true end ]==]\n";

/* Functions that look declarative but are not: each stays in Lua. */
static const char lua_rules[] =
    "local limit = 100\n"
    "rule { id = 'N-UPVALUE', title = 'n', weight = 1, when = function(l)\n"
    "  return l.packages ~= nil and l.packages > limit end }\n"
    "rule { id = 'N-GLOBAL', title = 'n', weight = 1, when = function(l)\n"
    "  seen = (seen or 0) + 1 return seen % 2 == 0 end }\n"
    "rule { id = 'N-READ-GLOBAL', title = 'n', weight = 1, when = function(l)\n"
    "  return seen ~= nil and l.packages ~= nil end }\n"
    "rule { id = 'N-VARARG', title = 'n', weight = 1, when = function(...)\n"
    "  local l = ... return l.packages ~= nil end }\n"
    "rule { id = 'N-ERROR', title = 'n', weight = 1, when = function(l)\n"
    "  return error('boom') end }\n"
    "rule { id = 'N-UNKNOWN', title = 'n', weight = 1, when = function(l)\n"
    "  return l.no_such_field == 1 end }\n"
    "rule { id = 'N-STRINGLIB', title = 'n', weight = 1, when = function(l)\n"
    "  return string.find(l.description or '', 'X', 1, true) ~= nil end }\n"
    "rule { id = 'N-PATTERN', title = 'n', weight = 1, when = function(l)\n"
    "  return (l.description or ''):find('^M') ~= nil end }\n"
    "rule { id = 'N-MULTI', title = 'n', weight = 1, when = function(l)\n"
    "  return l.description ~= nil, l.description:find('A', 1, true) end }\n"
    "rule { id = 'N-TWO-A', title = 'n', weight = 1, when = function(l) return l.port == 'IQUQR' "
    "end "
    "} rule { id = 'N-TWO-B', title = 'n', weight = 1, when = function(l) return l.port == 'X' end "
    "}\n"
    "local function helper(x) return x end\n"
    "rule { id = 'N-HELPER', title = 'n', weight = 1, when = function(l)\n"
    "  return helper(l.port) == 'IQUQR' end }\n"
    "rule { id = 'N-IF', title = 'n', weight = 1, when = function(l)\n"
    "  if l.port == 'IQUQR' then return true end return false end }\n"
    "rule { id = 'N-MOD', title = 'n', weight = 1, when = function(l)\n"
    "  return l.packages ~= nil and l.packages % 2 == 0 end }\n";

/* Lua code that rebinds what a compiled rule reads: from then on the compiled rule is Lua. */
static const char rebind_rules[] =
    "rule { id = 'R-CHAPTER', title = 'r', weight = 1, when = function(l)\n"
    "  return br.hs_chapter(l.hs_code) == '30' end }\n"
    "rule { id = 'R-LIST', title = 'r', weight = 1, when = function(l)\n"
    "  local n = 0 for _ in br.list(l.transship_ports) do n = n + 1 end return n > 0 end }\n"
    "rule { id = 'R-REBIND', title = 'r', weight = 1, when = function(l)\n"
    "  if l.packages ~= nil and l.packages > 500 then\n"
    "    br = { hs_chapter = function() return '30' end, list = function() return next, {} end }\n"
    "  end return false end }\n";

static const char rawset_rules[] =
    "rule { id = 'R-ABS', title = 'r', weight = 1, when = function(l)\n"
    "  return l.declared_kg ~= nil and math.abs(l.declared_kg) > 10000 end }\n"
    "rule { id = 'R-RAWSET', title = 'r', weight = 1, when = function(l)\n"
    "  if l.packages ~= nil and l.packages > 500 then\n"
    "    rawset(math, 'abs', function() return 1e9 end)\n"
    "  end return false end }\n";

static const char *const edge_columns[] = {"Line ID",
                                           "B/L No",
                                           "Container No",
                                           "Place of Inspection",
                                           "Gross Weight (kg)",
                                           "VGM (kg)",
                                           "Invoice Value",
                                           "HS Code",
                                           "Description of Goods",
                                           "Transshipment",
                                           "Country of Origin",
                                           "Size Type",
                                           "Packages",
                                           "Port of Loading",
                                           "Vessel IMO",
                                           "Freight Charges"};

/* Lines a generator does not make: zero and missing masses, odd HS codes, short and odd
 * containers, list fields with empty items, texts at the edges of find and sub. */
static const char *const edge_rows[][G_N_ELEMENTS(edge_columns)] = {
    {"E1", "B1", "MSCU1234565", "IQUQR", "0", "5", "100", "30.04.90", "FAK", " ; ;AEJEA ; ", "CN",
     "45R1", "0", "CNSHA", "9074729", "60"},
    {"E2", "B2", "AB", "IQUQR", "", "", "", "3", "SAID TO CONTAIN", ";;", "", "R", "", "", "1", ""},
    {"E3", "B3", "mscu1234565", "IQBSR", "-5", "-500", "-100000", "2939.11", "XFAKS", "AEJEA", "EC",
     "22R1", "201", "", "", "-60"},
    {"E4", "B4", "MSCU", "IQBSR", "1e300", "1e-300", "0", "", "", "", "ZZ", "", "99999", "X", "",
     "0"},
};

static char *
edge_csv(const char *sample)
{
  /* The sample's header, then the edge rows with every other column empty. */
  char *text = NULL;
  g_assert_true(g_file_get_contents(sample, &text, NULL, NULL));
  char *nl = strchr(text, '\n');
  *nl = '\0';
  if (nl > text && nl[-1] == '\r')
    nl[-1] = '\0';
  GString *out = g_string_new(text);
  g_string_append_c(out, '\n');
  char **header = g_strsplit(text, ",", -1);
  guint ncols = g_strv_length(header);
  for (guint r = 0; r < G_N_ELEMENTS(edge_rows); r++) {
    for (guint c = 0; c < ncols; c++) {
      if (c)
        g_string_append_c(out, ',');
      for (guint k = 0; k < G_N_ELEMENTS(edge_columns); k++)
        if (strcmp(header[c], edge_columns[k]) == 0)
          g_string_append_printf(out, "\"%s\"", edge_rows[r][k]);
    }
    g_string_append_c(out, '\n');
  }
  /* A list of 1,000 transshipment ports: past the smallest budget when counted in Lua. */
  for (guint c = 0; c < ncols; c++) {
    if (c)
      g_string_append_c(out, ',');
    if (strcmp(header[c], "Line ID") == 0 || strcmp(header[c], "B/L No") == 0 ||
        strcmp(header[c], "Container No") == 0)
      g_string_append(out, "E5");
    else if (strcmp(header[c], "Place of Inspection") == 0)
      g_string_append(out, "IQUQR");
    else if (strcmp(header[c], "Transshipment") == 0)
      for (guint k = 0; k < 1000; k++)
        g_string_append(out, k ? ";AEJEA" : "AEJEA");
  }
  g_string_append_c(out, '\n');
  g_strfreev(header);
  g_free(text);
  return g_string_free(out, FALSE);
}

static BrPack *
make_pack(const char *name, const char *ini_text, const char *lua)
{
  char *dir = g_build_filename(tmp, name, NULL);
  g_mkdir_with_parents(dir, 0700);
  char *ini = g_build_filename(dir, "pack.ini", NULL);
  char *file = g_build_filename(dir, "rules.lua", NULL);
  g_assert_true(g_file_set_contents(ini, ini_text, -1, NULL));
  g_assert_true(g_file_set_contents(file, lua, -1, NULL));
  GError *error = NULL;
  BrPack *pack = br_pack_load(dir, &error);
  g_assert_no_error(error);
  g_free(ini);
  g_free(file);
  g_free(dir);
  return pack;
}

static void
compare_line(BrEvaluator *fast, BrEvaluator *lua, const BrPack *pack, const BrValue *rec,
             guint64 line_no)
{
  const BrLineResult *a = br_evaluator_eval(fast, rec, line_no);
  guint nfired = a->nfired;
  double score = a->score;
  guint fired[64];
  char *reasons[64];
  g_assert_cmpuint(nfired, <=, G_N_ELEMENTS(fired));
  for (guint k = 0; k < nfired; k++) {
    fired[k] = a->fired[k];
    reasons[k] = g_strdup(a->reasons[k]);
  }
  const BrLineResult *b = br_evaluator_eval(lua, rec, line_no);
  g_assert_cmpuint(nfired, ==, b->nfired);
  g_assert_cmpfloat(score, ==, b->score);
  for (guint k = 0; k < nfired; k++) {
    if (fired[k] != b->fired[k] || strcmp(reasons[k], b->reasons[k]) != 0)
      g_error("line %" G_GUINT64_FORMAT ": rule %s / %s: \"%s\" against Lua's \"%s\"", line_no,
              br_pack_rule(pack, fired[k])->id, br_pack_rule(pack, b->fired[k])->id, reasons[k],
              b->reasons[k]);
    g_free(reasons[k]);
  }
}

static void
run_feed(BrFeed *feed, BrEvaluator *fast, BrEvaluator *lua, const BrPack *pack, guint *lines)
{
  GError *error = NULL;
  BrBatch *batch = br_batch_new(br_feed_schema(feed), 256);
  while (br_feed_next_batch(feed, batch, &error) > 0)
    for (guint i = 0; i < batch->count; i++) {
      compare_line(fast, lua, pack, br_batch_record(batch, i), batch->line_no[i]);
      ++*lines;
    }
  g_assert_no_error(error);
  br_batch_free(batch);
}

/* Runs the pack both ways over the sample manifest and the edge lines; returns the fast
 * evaluator's count of compiled function rules before the run and after it. */
static void
both_ways(const char *name, const char *ini, const char *lua_text, guint *compiled_before,
          guint *compiled_after)
{
  const char *src = g_getenv("BR_SOURCE_DIR");
  g_assert_nonnull(src);
  char *sample = g_build_filename(src, "samples", "manifests", "iraq-sample.csv", NULL);
  char *profile_path = g_build_filename(src, "feeds", "profiles", "sample.ini", NULL);
  GError *error = NULL;
  BrProfile *profile = br_profile_load(profile_path, &error);
  g_assert_no_error(error);
  BrPack *pack = make_pack(name, ini, lua_text);
  BrFeed *feed = br_feed_open(sample, profile, NULL, &error);
  g_assert_no_error(error);
  const BrSchema *schema = br_feed_schema(feed);
  BrEvaluator *fast = br_evaluator_new(pack, schema, &error);
  g_assert_no_error(error);
  BrEvaluator *lua = br_evaluator_new(pack, schema, &error);
  g_assert_no_error(error);
  br_evaluator_set_lua_only(lua, TRUE);
  guint nrules = br_pack_rule_count(pack);
  *compiled_before = 0;
  for (guint i = 0; i < nrules; i++)
    *compiled_before += br_evaluator_function_compiled(fast, i);

  guint lines = 0;
  run_feed(feed, fast, lua, pack, &lines);
  char *edges = edge_csv(sample);
  BrFeed *edge_feed = br_feed_open_memory("edges", edges, strlen(edges), profile, NULL, &error);
  g_assert_no_error(error);
  g_assert_true(br_schema_size(br_feed_schema(edge_feed)) == br_schema_size(schema));
  run_feed(edge_feed, fast, lua, pack, &lines);
  g_assert_cmpuint(lines, >, 1000);

  for (guint i = 0; i < nrules; i++) {
    g_assert_cmpuint(br_evaluator_fire_counts(fast)[i], ==, br_evaluator_fire_counts(lua)[i]);
    g_assert_cmpuint(br_evaluator_failure_counts(fast)[i], ==, br_evaluator_failure_counts(lua)[i]);
    g_assert_cmpstr(br_evaluator_failure_message(fast, i), ==,
                    br_evaluator_failure_message(lua, i));
  }
  *compiled_after = 0;
  for (guint i = 0; i < nrules; i++)
    *compiled_after += br_evaluator_function_compiled(fast, i);
  br_feed_close(edge_feed);
  g_free(edges);
  br_evaluator_free(fast);
  br_evaluator_free(lua);
  br_feed_close(feed);
  br_pack_free(pack);
  br_profile_free(profile);
  g_free(sample);
  g_free(profile_path);
}

static void
test_compiled_shapes(void)
{
  guint before, after;
  both_ways("compiled", PACK_INI, compiled_rules, &before, &after);
  g_assert_cmpuint(before, ==, 27);
  g_assert_cmpuint(after, ==, 27);
}

static void
test_lua_shapes(void)
{
  guint before, after;
  both_ways("lua", PACK_INI, lua_rules, &before, &after);
  g_assert_cmpuint(before, ==, 0);
  g_assert_cmpuint(after, ==, 0);
}

/* Both orders of compiled and Lua rules in one file: rules firing and failing in Lua between
 * compiled ones. */
static void
test_mixed_shapes(void)
{
  char *both = g_strconcat(lua_rules, compiled_rules, NULL);
  guint before, after;
  both_ways("mixed", PACK_INI, both, &before, &after);
  g_assert_cmpuint(before, ==, 27);
  g_assert_cmpuint(after, ==, 27);
  g_free(both);
}

/* The smallest instruction budget: a long list's counting loop runs past it in Lua, so the
 * compiled rule hands that line to Lua, and both fail it alike. */
static void
test_budget(void)
{
  guint before, after;
  both_ways("budget", PACK_INI "[limits]\ninstructions = 1000\n", compiled_rules, &before, &after);
  g_assert_cmpuint(before, ==, 27);
}

static void
test_rebound_globals(void)
{
  guint before, after;
  both_ways("rebind", PACK_INI, rebind_rules, &before, &after);
  g_assert_cmpuint(before, ==, 2);
  g_assert_cmpuint(after, ==, 0);
  both_ways("rawset", PACK_INI, rawset_rules, &before, &after);
  g_assert_cmpuint(before, ==, 1);
  g_assert_cmpuint(after, ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  tmp = g_dir_make_tmp("br-fn-cond-XXXXXX", NULL);
  g_test_add_func("/fn_cond/compiled-shapes", test_compiled_shapes);
  g_test_add_func("/fn_cond/lua-shapes", test_lua_shapes);
  g_test_add_func("/fn_cond/mixed-shapes", test_mixed_shapes);
  g_test_add_func("/fn_cond/budget", test_budget);
  g_test_add_func("/fn_cond/rebound-globals", test_rebound_globals);
  return br_test_run_in(tmp);
}
