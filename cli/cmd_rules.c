/* boxrank rules check | test: what a rule author runs before switching a pack on. */
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_entities.h"
#include "br_feed.h"
#include "br_fields.h"
#include "br_history.h"
#include "br_pack_internal.h"
#include "br_reference.h"
#include "br_rule_api.h"
#include "br_rules.h"
#include "br_watchset.h"

static void
print_diag(const BrDiagnostic *d)
{
  if (d->line > 0)
    printf("%s:%d: %s\n", d->file, d->line, d->message);
  else
    printf("%s: %s\n", d->file, d->message);
}

static int
rules_check(int argc, char **argv)
{
  char *profile_path = NULL, *input = NULL, *today = NULL;
  GOptionEntry entries[] = {
      {"profile", 'p', 0, G_OPTION_ARG_FILENAME, &profile_path,
       "Column profile: its fields count as known", "FILE"},
      {"input", 'i', 0, G_OPTION_ARG_FILENAME, &input,
       "A manifest whose header (through --profile) gives the known fields", "FILE"},
      {"today", 0, 0, G_OPTION_ARG_STRING, &today, "Date for the expiry check (default: today)",
       "YYYY-MM-DD"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("PACK");
  g_option_context_set_summary(ctx,
                               "Report every problem of a rule pack as file:line: message:\n"
                               "syntax errors, unknown fields, duplicate ids, missing titles,\n"
                               "bad weights or dates, expired rules, misspelt keys.\n"
                               "Exit status 0 when clean, 6 when problems were found.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_USAGE;
  BrProfile *profile = NULL;
  char **fields = NULL;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank rules check rules/ccp --profile feeds/profiles/sample.ini"))
    goto out;
  if (argc != 2) {
    fprintf(stderr, "boxrank rules check: give one pack folder\n");
    goto out;
  }
  status = BR_EXIT_FAILURE;
  if (!g_file_test(argv[1], G_FILE_TEST_IS_DIR)) {
    fprintf(stderr, "boxrank: %s: not a rule pack folder\n", argv[1]);
    goto out;
  }
  if (profile_path && !(profile = br_profile_load(profile_path, &error)))
    goto fail;
  if (input) {
    BrProfile *p = profile ? NULL : br_profile_new_identity();
    BrFeed *feed = br_feed_open(input, profile ? profile : p, NULL, &error);
    if (!feed) {
      br_profile_free(p);
      goto fail;
    }
    const BrSchema *schema = br_feed_schema(feed);
    guint n = br_schema_size(schema);
    fields = g_new0(char *, n + 1);
    for (guint i = 0; i < n; i++)
      fields[i] = g_strdup(br_schema_field(schema, i)->name);
    br_feed_close(feed);
    br_profile_free(p);
  } else if (profile) {
    fields = br_profile_field_names(profile);
  }
  GPtrArray *diags = br_pack_check(argv[1], (const char *const *)fields, today);
  /* With an input, whether a rule's fields exist is what the input says, and the resolution
   * below says it the way rank will: those rules are disabled, not problems of the pack. */
  for (guint i = diags->len; input && i-- > 0;)
    if (((BrDiagnostic *)g_ptr_array_index(diags, i))->code == BR_RULES_ERROR_FIELD)
      g_ptr_array_remove_index(diags, i);
  for (guint i = 0; i < diags->len; i++)
    print_diag(g_ptr_array_index(diags, i));
  guint problems = diags->len, disabled = 0;
  if (problems == 0) {
    BrPack *pack = br_pack_load(argv[1], NULL);
    /* What rank would run on this input: the same resolution as the evaluators'. */
    if (pack && fields) {
      BrSchema *present = br_schema_new();
      for (char **f = fields; *f; f++)
        br_schema_add(present, *f, BR_TYPE_STRING, -1);
      BrFieldResolution *res = br_fields_resolve(pack, present, &error);
      if (!res) {
        printf("%s\n", error->message);
        g_clear_error(&error);
        problems++;
      }
      for (guint i = 0; res && i < res->off->len; i++) {
        const BrRuleOff *off = &g_array_index(res->off, BrRuleOff, i);
        const BrRuleInfo *info = br_pack_rule(pack, off->rule);
        char *why = br_fields_describe(pack, off);
        printf("%s:%d: note: %s\n", info->file, info->line, why);
        g_free(why);
        disabled++;
      }
      br_fields_resolution_free(res);
      br_schema_free(present);
    }
    if (problems == 0) {
      printf("%s: %u rules, no problems (pack %s, sha256 %.12s)", argv[1],
             pack ? br_pack_rule_count(pack) : 0, pack ? br_pack_settings(pack)->name : "?",
             pack ? br_pack_hash(pack) : "?");
      if (disabled)
        printf("; %u disabled for this input", disabled);
      printf("\n");
    }
    br_pack_free(pack);
  }
  status = problems ? BR_EXIT_CHECK_FAILED : BR_EXIT_OK;
  g_ptr_array_free(diags, TRUE);
  goto out;
fail:
  br_cli_error(error);
out:
  g_strfreev(fields);
  br_profile_free(profile);
  g_option_context_free(ctx);
  g_free(profile_path);
  g_free(input);
  g_free(today);
  return status;
}

/* The schema fixtures run against: canonical fields, then every other name a test line or a
 * condition uses (a number in any fixture makes the field decimal). */
static void
add_name(const char *name, gpointer data)
{
  BrSchema *schema = data;
  br_schema_add(schema, name, BR_TYPE_STRING, -1);
}

static BrSchema *
fixture_schema(lua_State *L, int nrules)
{
  BrSchema *schema = br_schema_new();
  guint n;
  const BrCanonicalField *canon = br_canonical_fields(&n);
  for (guint i = 0; i < n; i++)
    br_schema_add(schema, canon[i].name, canon[i].type, -1);
  for (int pass = 0; pass < 2; pass++) {
    for (int r = 0; r < nrules; r++) {
      br_rule_api_push_rule(L, r);
      if (pass == 1) {
        lua_getfield(L, -1, "when");
        if (br_rule_api_is_cond(L, -1))
          br_rule_api_cond_fields(L, -1, add_name, schema);
        lua_pop(L, 1);
      } else if (lua_getfield(L, -1, "tests") == LUA_TTABLE) {
        int nt = (int)lua_rawlen(L, -1);
        for (int t = 1; t <= nt; t++) {
          lua_rawgeti(L, -1, t);
          if (lua_getfield(L, -1, "line") == LUA_TTABLE) {
            lua_pushnil(L);
            while (lua_next(L, -2)) {
              if (lua_type(L, -2) == LUA_TSTRING)
                br_schema_add(schema, lua_tostring(L, -2),
                              lua_type(L, -1) == LUA_TNUMBER ? BR_TYPE_DECIMAL : BR_TYPE_STRING,
                              -1);
              lua_pop(L, 1);
            }
          }
          lua_pop(L, 2);
        }
      }
      lua_pop(L, pass == 1 ? 1 : 2);
    }
  }
  return schema;
}

/* Fills the batch's one record from the fixture table on the stack top: numbers and texts
 * only, keyed by field names. */
static gboolean
fixture_record(lua_State *L, BrBatch *batch, GString *err)
{
  br_batch_reset(batch);
  BrValue *rec = br_batch_append(batch, 1);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    int vt = lua_type(L, -1);
    if (lua_type(L, -2) != LUA_TSTRING || (vt != LUA_TSTRING && vt != LUA_TNUMBER)) {
      g_string_printf(err, "the test line must map field names to texts or numbers, not %s = %s",
                      luaL_typename(L, -2), luaL_typename(L, -1));
      lua_pop(L, 2);
      return FALSE;
    }
    const char *name = lua_tostring(L, -2);
    int f = br_schema_find(batch->schema, name);
    g_assert(f >= 0); /* fixture_schema added every name of every test line */
    size_t len;
    const char *text = lua_tolstring(L, -1, &len); /* converts a number value in place */
    BrValue *v = &rec[f];
    BrType type = br_schema_field(batch->schema, (guint)f)->type;
    v->str = br_batch_strdup(batch, text, len);
    v->len = (guint32)len;
    v->missing = len == 0;
    if (type == BR_TYPE_INT || type == BR_TYPE_DECIMAL) {
      if (!lua_isnumber(L, -1)) {
        g_string_printf(err, "field %s should be a number in the test line", name);
        lua_pop(L, 2);
        return FALSE;
      }
      v->num = lua_tonumber(L, -1);
    } else if (type == BR_TYPE_DATE && !v->missing) {
      gint32 days;
      if (!br_rules_parse_date(text, &days)) {
        g_string_printf(err, "field %s should be a date YYYY-MM-DD in the test line", name);
        lua_pop(L, 2);
        return FALSE;
      }
      v->num = days;
    }
    lua_pop(L, 1);
  }
  return TRUE;
}

/* A test may state the past declarations of value norms: norms = { hs6 = { 45.0, 47.5, 44 } },
 * the values per kg declared before its line for the line's value of each key. Table of the
 * test entry at idx; NULL when it states none. */
static BrNorms *
fixture_norms(lua_State *L, int idx, BrEntityKeys *keys, const BrValue *rec)
{
  if (lua_getfield(L, idx, "norms") != LUA_TTABLE) {
    lua_pop(L, 1);
    return NULL;
  }
  GArray *obs = g_array_new(FALSE, FALSE, sizeof(BrNormObs));
  char values[BR_ENTITY_KEYS_MAX][BR_ENTITY_VALUE_MAX];
  for (guint k = 0; k < br_entity_keys_count(keys) && k < BR_ENTITY_KEYS_MAX; k++) {
    if (lua_getfield(L, -1, br_entity_keys_name(keys, k)) == LUA_TTABLE &&
        br_entity_keys_value(keys, k, rec, values[k])) {
      for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TNUMBER; i++) {
        BrNormObs o = {k, values[k], 0, 0};
        if (br_norms_log_value_per_kg(lua_tonumber(L, -1), 1, &o.x))
          g_array_append_val(obs, o);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  BrNorms *norms =
      br_norms_new(br_entity_keys_count(keys), (const BrNormObs *)(void *)obs->data, obs->len);
  g_array_free(obs, TRUE);
  return norms;
}

/* A test may state track records: history = { consignee_name = { inspections = 4, hits = 3 } },
 * for the values of its line, against a global record (default 100 inspections, 10 findings)
 * given as global = { inspections = ..., hits = ... }, and value norms (fixture_norms). Table
 * of the test entry at idx. */
static BrHistory *
fixture_history(lua_State *L, int idx, BrEntityKeys *keys, const BrValue *rec)
{
  idx = lua_absindex(L, idx);
  int ht = lua_getfield(L, idx, "history");
  lua_pop(L, 1);
  int nt = lua_getfield(L, idx, "norms");
  lua_pop(L, 1);
  if (ht != LUA_TTABLE && nt != LUA_TTABLE)
    return NULL;
  lua_newtable(L);
  if (ht == LUA_TTABLE) {
    lua_pop(L, 1);
    lua_getfield(L, idx, "history");
  }
  GArray *outcomes = g_array_new(FALSE, TRUE, sizeof(BrHistoryOutcome));
  GPtrArray *values = g_ptr_array_new_with_free_func(g_free);
  int ginsp = 100, ghits = 10;
  if (lua_getfield(L, idx, "global") == LUA_TTABLE) {
    lua_getfield(L, -1, "inspections");
    lua_getfield(L, -2, "hits");
    ginsp = (int)lua_tointeger(L, -2);
    ghits = (int)lua_tointeger(L, -1);
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  for (int i = 0; i < ginsp; i++) {
    BrHistoryOutcome o = {-1, NULL, 0, i < ghits};
    g_array_append_val(outcomes, o);
  }
  for (guint k = 0; k < br_entity_keys_count(keys); k++) {
    char value[BR_ENTITY_VALUE_MAX];
    if (lua_getfield(L, -1, br_entity_keys_name(keys, k)) == LUA_TTABLE &&
        br_entity_keys_value(keys, k, rec, value)) {
      lua_getfield(L, -1, "inspections");
      lua_getfield(L, -2, "hits");
      int insp = (int)lua_tointeger(L, -2), hits = (int)lua_tointeger(L, -1);
      lua_pop(L, 2);
      char *v = g_strdup(value);
      g_ptr_array_add(values, v);
      for (int i = 0; i < insp; i++) {
        BrHistoryOutcome o = {(int)k, v, 0, i < hits};
        g_array_append_val(outcomes, o);
      }
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  BrHistory *h = br_history_new_from_outcomes(
      keys, 0, (const BrHistoryOutcome *)(void *)outcomes->data, outcomes->len);
  br_history_set_norms(h, fixture_norms(L, idx, keys, rec));
  g_array_free(outcomes, TRUE);
  g_ptr_array_free(values, TRUE);
  return h;
}

/* A test may state the watchlists it assumes: watchlists = { un = { "KIM JONG UN",
 * { kind = "container", value = "MSCU1234566" } } }: a text is an entity's name, a table an
 * entry of any kind. Every list the pack names exists (empty unless the test fills it), so a
 * rule screening a list the pack does not load is caught. Table of the test entry at idx. */
static BrWatchSet *
fixture_watch(lua_State *L, int idx, const BrPack *pack, GString *err)
{
  idx = lua_absindex(L, idx);
  GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_watchlist_free);
  char **names = br_pack_settings(pack)->watchlists;
  gboolean given = lua_getfield(L, idx, "watchlists") == LUA_TTABLE;
  for (guint i = 0; names && names[i]; i++) {
    BrWatchlist *wl = br_watchlist_new(names[i], "rule test");
    g_ptr_array_add(lists, wl);
    if (!given || lua_getfield(L, -1, names[i]) != LUA_TTABLE) {
      if (given)
        lua_pop(L, 1);
      continue;
    }
    int n = (int)lua_rawlen(L, -1);
    for (int e = 1; e <= n; e++) {
      int t = lua_rawgeti(L, -1, e);
      BrWatchKind kind = BR_WATCH_ENTITY;
      if (t == LUA_TSTRING) {
        br_watchlist_add(wl, kind, NULL, lua_tostring(L, -1), NULL, NULL, NULL);
      } else if (t == LUA_TTABLE) {
        lua_getfield(L, -1, "kind");
        lua_getfield(L, -2, "name");
        lua_getfield(L, -3, "value");
        if (lua_isstring(L, -3) && !br_watch_kind_parse(lua_tostring(L, -3), &kind))
          g_string_printf(err, "watchlists.%s[%d]: unknown kind \"%s\"", names[i], e,
                          lua_tostring(L, -3));
        else
          br_watchlist_add(wl, kind, NULL, lua_tostring(L, -2), lua_tostring(L, -1), NULL, NULL);
        lua_pop(L, 3);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (err->len) {
    g_ptr_array_unref(lists);
    return NULL;
  }
  return br_watch_set_new(lists, 0);
}

static int
rules_test(int argc, char **argv)
{
  gboolean strict = FALSE;
  char *reference_dir = NULL;
  GOptionEntry entries[] = {
      {"strict", 0, 0, G_OPTION_ARG_NONE, &strict,
       "Fail rules that lack a test that fires and one that does not", NULL},
      {"reference", 0, 0, G_OPTION_ARG_FILENAME, &reference_dir,
       "Folder of the code tables unknown_locode/unknown_hs/unknown_size_type rules read", "DIR"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("PACK");
  g_option_context_set_summary(ctx, "Run every rule's tests: each test line must fire or not fire\n"
                                    "as it says, with the expected reason when one is given.\n"
                                    "Exit status 0 when all pass, 6 otherwise.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_USAGE;
  BrPack *pack = NULL;
  BrSandbox *sb = NULL;
  BrSchema *schema = NULL;
  BrEvaluator *ev = NULL;
  BrBatch *batch = NULL;
  BrEntityKeys *keys = NULL;
  BrReference *reference = NULL;
  GError *error = NULL;
  char *msg = NULL;
  if (!br_cli_parse(ctx, &argc, &argv, "boxrank rules test rules/ccp --strict"))
    goto out;
  if (argc != 2) {
    fprintf(stderr, "boxrank rules test: give one pack folder\n");
    goto out;
  }
  status = BR_EXIT_FAILURE;
  if (!(pack = br_pack_load(argv[1], &error)))
    goto fail;
  sb = br_sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET * 100);
  br_sandbox_set_cpu_limit(sb, BR_SANDBOX_DEFAULT_CPU_MS * 100);
  if (!br_rule_api_install(sb, ';', &msg) ||
      !br_rule_api_run_files(sb, pack->paths, pack->contents, &msg)) {
    fprintf(stderr, "boxrank: %s\n", msg);
    goto out;
  }
  lua_State *L = br_sandbox_lua(sb);
  guint nrules = br_pack_rule_count(pack);
  schema = fixture_schema(L, (int)nrules);
  /* The names function rules read too: a test line gives any field it likes. */
  for (guint i = 0; i < nrules; i++)
    for (char **f = br_pack_rule(pack, i)->reads; f && *f; f++)
      if (!strchr(*f, '|'))
        br_schema_add(schema, *f, BR_TYPE_STRING, -1);
  if (!(ev = br_evaluator_new(pack, schema, &error)) ||
      (reference_dir && !(reference = br_reference_load(reference_dir, &error))) ||
      !br_evaluator_set_reference(ev, reference, &error))
    goto fail;
  batch = br_batch_new(schema, 1);
  keys = br_entity_keys_parse(br_pack_settings(pack)->history_keys, NULL);
  br_entity_keys_bind(keys, schema);

  guint tests = 0, failed_rules = 0;
  GString *err = g_string_new(NULL);
  for (guint r = 0; r < nrules; r++) {
    const BrRuleInfo *info = br_pack_rule(pack, r);
    guint fires_seen = 0, quiet_seen = 0, failures = 0;
    br_rule_api_push_rule(L, (int)r);
    int nt = lua_getfield(L, -1, "tests") == LUA_TTABLE ? (int)lua_rawlen(L, -1) : 0;
    for (int t = 1; t <= nt; t++) {
      lua_rawgeti(L, -1, t);
      gboolean has_want = lua_getfield(L, -1, "fires") == LUA_TBOOLEAN;
      gboolean want = lua_toboolean(L, -1);
      lua_getfield(L, -2, "reason");
      const char *want_reason = lua_tostring(L, -1);
      lua_getfield(L, -3, "line");
      g_string_truncate(err, 0);
      tests++;
      if (!lua_istable(L, -1)) {
        g_string_assign(err, "the test has no line = { ... }");
      } else if (!has_want) {
        g_string_assign(err, "the test has no fires = true or fires = false");
      } else if (fixture_record(L, batch, err)) {
        BrHistory *history = fixture_history(L, -4, keys, br_batch_record(batch, 0));
        br_evaluator_set_history(ev, history);
        BrWatchSet *watch = fixture_watch(L, -4, pack, err);
        GError *werr = NULL;
        if (watch && !br_evaluator_set_watch(ev, watch, &werr)) {
          g_string_assign(err, werr->message);
          g_error_free(werr);
        }
        guint64 before = br_evaluator_failure_counts(ev)[r];
        const BrLineResult *res = br_evaluator_eval(ev, br_batch_record(batch, 0), 1);
        br_evaluator_set_history(ev, NULL);
        br_evaluator_set_watch(ev, NULL, NULL);
        br_watch_set_free(watch);
        br_history_free(history);
        const char *got_reason = NULL;
        for (guint k = 0; k < res->nfired; k++)
          if (res->fired[k] == r)
            got_reason = res->reasons[k];
        /* A wrong fixture (err already set) is the failure to report, not the outcome. */
        if (err->len == 0) {
          if (br_evaluator_failure_counts(ev)[r] > before)
            g_string_printf(err, "the rule failed: %s", br_evaluator_failure_message(ev, r));
          else if ((got_reason != NULL) != want)
            g_string_printf(err, "expected it %s, but it %s", want ? "to fire" : "not to fire",
                            got_reason ? "fired" : "did not fire");
          else if (want && want_reason && strcmp(want_reason, got_reason) != 0)
            g_string_printf(err, "expected reason \"%s\", got \"%s\"", want_reason, got_reason);
        }
      }
      if (err->len) {
        printf("FAIL %s (%s:%d) test %d: %s\n", info->id, info->file, info->line, t, err->str);
        failures++;
      }
      if (has_want && want)
        fires_seen++;
      else if (has_want)
        quiet_seen++;
      lua_pop(L, 4);
    }
    lua_pop(L, 2);
    if (strict && (fires_seen == 0 || quiet_seen == 0)) {
      printf("FAIL %s (%s:%d): needs a test line that fires and one that does not\n", info->id,
             info->file, info->line);
      failures++;
    } else if (fires_seen == 0 || quiet_seen == 0) {
      printf("WARN %s (%s:%d): %s\n", info->id, info->file, info->line,
             fires_seen + quiet_seen == 0 ? "no tests"
             : fires_seen == 0            ? "no test that fires"
                                          : "no test that does not fire");
    }
    if (failures)
      failed_rules++;
    else
      printf("PASS %s (%s:%d): tests %d\n", info->id, info->file, info->line, nt);
  }
  g_string_free(err, TRUE);
  printf("%s: %u rules, %u tests, %u rules failing\n", argv[1], nrules, tests, failed_rules);
  status = failed_rules ? BR_EXIT_CHECK_FAILED : BR_EXIT_OK;
  goto out;
fail:
  br_cli_error(error);
out:
  g_free(msg);
  br_entity_keys_free(keys);
  br_batch_free(batch);
  br_evaluator_free(ev);
  br_schema_free(schema);
  br_sandbox_free(sb);
  br_pack_free(pack);
  br_reference_free(reference);
  g_free(reference_dir);
  g_option_context_free(ctx);
  return status;
}

int
br_cmd_rules(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "check") == 0)
    return rules_check(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "test") == 0)
    return rules_test(argc - 1, argv + 1);
  return br_cli_usage(
      argc, argv,
      "Usage: boxrank rules check PACK [--profile FILE] [--input FILE]\n"
      "       boxrank rules test PACK [--strict]\n"
      "Example:\n  boxrank rules check rules/ccp --profile feeds/profiles/sample.ini\n");
}
