/* The per-worker evaluator: its own sandboxed Lua state with the pack's rule files run in it,
 * declarative conditions compiled to C, function conditions kept as Lua references, and one
 * reused userdata through which function rules read the current line. */
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#include "br_cond.h"
#include "br_fields.h"
#include "br_fn_cond.h"
#include "br_history.h"
#include "br_lua_line.h"
#include "br_pack_internal.h"
#include "br_rule_api.h"
#include "br_rules.h"
#include "br_sandbox.h"

typedef struct {
  gboolean literal;
  char *text; /* literal text */
  int field;  /* field index when not literal */
} TemplatePart;

typedef struct {
  BrCond *cond; /* declarative, or NULL */
  int fn_ref;   /* function rule: registry reference */
  BrFnCond *fast; /* the function rule compiled to C, or NULL */
  gint32 from, until;
  GArray *reason; /* TemplatePart; NULL: no template */
  const BrRuleInfo *info;
  int points_key; /* points = history_logodds(...): key index in the history, -1 unbound */
} CompiledRule;

struct BrEvaluator {
  const BrPack *pack;
  const BrSchema *schema;
  BrSandbox *sb;
  BrLuaLine *view;
  gboolean lua_ran;  /* Lua code ran since the compiled function rules' bindings were checked */
  gboolean lua_only; /* function rules all run in Lua (tests compare both ways) */
  CompiledRule *rules;
  guint nrules;
  int date_field;
  int value_field, kg_field; /* numeric value and declared_kg, for value norms; -1 absent */
  gint32 today;
  const BrHistory *history;
  BrHistoryCut cut;
  gint32 cut_day; /* of the line being scored; conditions read it through a pointer */
  const BrWatchSet *watch;
  BrNameScratch *watch_scratch;
  guint64 seq; /* lines scored: watchlist conditions tie their hits to it */
  guint64 *fires;
  guint64 *failures;
  char **failure_msgs;
  gint *breaker;     /* failures per rule, shared by a run's evaluators (atomic) */
  gint *own_breaker; /* the counts when none are shared */
  /* per-line results, reused */
  BrLineResult result;
  gsize *reason_off;
  GString *scratch;
};

/* br.history(key, value) -> inspections, findings, shrunk rate (nil without a history or when
 * the key is unknown). The value is normalised the way the store keeps entity values. */
static int
lua_history(lua_State *L)
{
  BrEvaluator *ev = lua_touserdata(L, lua_upvalueindex(1));
  const char *key = luaL_checkstring(L, 1);
  const char *raw = lua_tostring(L, 2);
  if (!ev->history || !raw) {
    lua_pushinteger(L, 0);
    lua_pushinteger(L, 0);
    lua_pushnil(L);
    return 3;
  }
  const BrEntityKeys *keys = br_history_keys(ev->history);
  int k = br_entity_keys_find(keys, key);
  if (k < 0)
    return luaL_error(L, "br.history: \"%s\" is not a history key", key);
  char value[BR_ENTITY_VALUE_MAX];
  guint inspections = 0, hits = 0;
  double rate;
  if (br_entity_keys_normalize(keys, (guint)k, raw, value))
    br_history_lookup_cut(ev->history, (guint)k, value, ev->cut_day, &inspections, &hits, &rate);
  else
    rate = br_history_global_rate_cut(ev->history, ev->cut_day);
  lua_pushinteger(L, inspections);
  lua_pushinteger(L, hits);
  lua_pushnumber(L, rate);
  return 3;
}

/* The party table of br.watchlist: what the line says of the party besides its name. A key
 * that is not one of these is an error, not a field silently ignored. */
static void
lua_watch_party(lua_State *L, int index, BrWatchParty *party)
{
  static const char *const keys[] = {"country", "birth_date", "id"};
  const char **value[] = {&party->country, &party->birth_date, &party->id};
  gsize *len[] = {&party->country_len, &party->birth_date_len, &party->id_len};
  luaL_checktype(L, index, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, index)) {
    guint k = 0;
    const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
    while (k < G_N_ELEMENTS(keys) && strcmp(key, keys[k]) != 0)
      k++;
    if (k == G_N_ELEMENTS(keys))
      luaL_error(L, "br.watchlist: the party table takes country, birth_date and id, not '%s'",
                 key);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "br.watchlist: party.%s must be a string, not a %s", keys[k],
                 luaL_typename(L, -1));
    /* The string lives in the table, which is an argument: it outlives the call. */
    *value[k] = lua_tolstring(L, -1, len[k]);
    lua_pop(L, 1);
  }
}

/* br.watchlist(text, "LIST" [, min_score [, party]]) -> score, entry name, entry ref, matched
 * tokens and the corroboration's parts ("" without one) of the best hit not under an
 * exception, or nil. party = {country = ..., birth_date = ..., id = ...} corroborates the name
 * as on_watchlist's X_country, X_birth_date and X_id fields do. */
static int
lua_watchlist(lua_State *L)
{
  BrEvaluator *ev = lua_touserdata(L, lua_upvalueindex(1));
  size_t len;
  const char *text = luaL_optlstring(L, 1, "", &len);
  const char *list = luaL_checkstring(L, 2);
  double min = luaL_optnumber(L, 3, BR_NAME_DEFAULT_THRESHOLD);
  BrWatchParty party = {0};
  if (!lua_isnoneornil(L, 4))
    lua_watch_party(L, 4, &party);
  guint64 mask = ev->watch ? br_watch_set_list_mask(ev->watch, list) : 0;
  if (ev->watch && !mask)
    return luaL_error(L, "br.watchlist: no watchlist \"%s\" in this run", list);
  BrWatchHit hit;
  if (!mask || len == 0 ||
      br_watch_set_match_party(ev->watch, ev->watch_scratch, text, (gssize)len, &party, mask, min,
                               FALSE, &hit, 1) != 1) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushnumber(L, hit.score);
  lua_pushstring(L, hit.entry_name);
  lua_pushstring(L, hit.entry_ref);
  lua_pushstring(L, hit.tokens);
  /* Copied out before pushing: a push may raise (the sandbox's memory limit) and would leak
   * the GString. */
  char text_parts[256] = "";
  if (hit.corroboration.any) {
    GString *parts = g_string_new(NULL);
    br_corroboration_describe(&hit.corroboration, parts);
    g_strlcpy(text_parts, parts->str, sizeof text_parts);
    g_string_free(parts, TRUE);
  }
  lua_pushstring(L, text_parts);
  return 5;
}

/* br.listed(kind, value, "LIST") -> the entry ref (or true) when value is listed, else nil. */
static int
lua_listed(lua_State *L)
{
  BrEvaluator *ev = lua_touserdata(L, lua_upvalueindex(1));
  BrWatchKind kind;
  if (!br_watch_kind_parse(luaL_checkstring(L, 1), &kind))
    return luaL_error(L, "br.listed: kind is country, port, hs, container, vessel or keyword");
  size_t len;
  const char *value = luaL_optlstring(L, 2, "", &len);
  const char *list = luaL_checkstring(L, 3);
  guint64 mask = ev->watch ? br_watch_set_list_mask(ev->watch, list) : 0;
  if (ev->watch && !mask)
    return luaL_error(L, "br.listed: no watchlist \"%s\" in this run", list);
  BrWatchHit hit;
  if (!mask || len == 0 || !br_watch_set_lookup(ev->watch, kind, value, (gssize)len, mask, &hit)) {
    lua_pushnil(L);
    return 1;
  }
  if (hit.entry_ref)
    lua_pushstring(L, hit.entry_ref);
  else
    lua_pushboolean(L, TRUE);
  return 1;
}

static GArray *
compile_template(const char *tmpl, const BrSchema *schema, GError **error)
{
  GArray *parts = g_array_new(FALSE, TRUE, sizeof(TemplatePart));
  const char *p = tmpl;
  while (*p) {
    const char *open = strchr(p, '{');
    const char *close = open ? strchr(open, '}') : NULL;
    if (!open || !close) {
      TemplatePart lit = {TRUE, g_strdup(p), -1};
      g_array_append_val(parts, lit);
      break;
    }
    if (open > p) {
      TemplatePart lit = {TRUE, g_strndup(p, open - p), -1};
      g_array_append_val(parts, lit);
    }
    char *name = g_strndup(open + 1, close - open - 1);
    int f = br_schema_find(schema, name);
    if (f < 0) {
      g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD,
                  "the reason names unknown field \"%s\"", name);
      g_free(name);
      for (guint i = 0; i < parts->len; i++)
        g_free(g_array_index(parts, TemplatePart, i).text);
      g_array_free(parts, TRUE);
      return NULL;
    }
    g_free(name);
    TemplatePart fld = {FALSE, NULL, f};
    g_array_append_val(parts, fld);
    p = close + 1;
  }
  return parts;
}

static void
free_template(GArray *parts)
{
  if (!parts)
    return;
  for (guint i = 0; i < parts->len; i++)
    g_free(g_array_index(parts, TemplatePart, i).text);
  g_array_free(parts, TRUE);
}

/* A field of the schema holding numbers, or -1. */
static int
numeric_field(const BrSchema *schema, const char *name)
{
  int f = br_schema_find(schema, name);
  if (f < 0)
    return -1;
  BrType t = br_schema_field(schema, (guint)f)->type;
  return t == BR_TYPE_DECIMAL || t == BR_TYPE_INT ? f : -1;
}

/* The function rule at idx as C when its body allows (br_fn_cond.h), else NULL. */
static BrFnCond *
compile_function(BrEvaluator *ev, lua_State *L, int idx)
{
  lua_Debug ar;
  lua_pushvalue(L, idx);
  lua_getinfo(L, ">S", &ar);
  if (ar.source[0] != '@')
    return NULL;
  for (guint f = 0; f < ev->pack->paths->len; f++) {
    if (strcmp(g_ptr_array_index(ev->pack->paths, f), ar.source + 1) != 0)
      continue;
    gsize len;
    const char *text = g_bytes_get_data(g_ptr_array_index(ev->pack->contents, f), &len);
    return br_fn_cond_compile(L, idx, text, len, ev->schema, br_schema_list_separator(ev->schema),
                              ev->pack->settings.instruction_limit);
  }
  return NULL;
}

static gboolean
compile_rule(BrEvaluator *ev, lua_State *L, guint i, GError **error)
{
  CompiledRule *cr = &ev->rules[i];
  const BrRuleInfo *info = br_pack_rule(ev->pack, i);
  cr->info = info;
  cr->fn_ref = LUA_NOREF;
  cr->points_key = -1;
  cr->from = G_MININT32;
  cr->until = G_MAXINT32;
  if (info->valid_from)
    br_rules_parse_date(info->valid_from, &cr->from);
  if (info->valid_until)
    br_rules_parse_date(info->valid_until, &cr->until);
  GError *local = NULL;
  br_rule_api_push_rule(L, (int)i);
  int t = lua_gettop(L);
  lua_getfield(L, t, "when");
  if (br_rule_api_is_cond(L, -1)) {
    cr->cond = br_cond_compile(L, -1, ev->schema, &local);
    lua_pop(L, 1);
  } else if (lua_isnil(L, -1)) {
    lua_pop(L, 1); /* a points rule with no condition: its track record alone decides */
  } else {
    cr->fast = compile_function(ev, L, -1);
    cr->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  if (!local && lua_getfield(L, t, "reason") == LUA_TSTRING)
    cr->reason = compile_template(lua_tostring(L, -1), ev->schema, &local);
  lua_settop(L, t - 1);
  if (local) {
    g_set_error(error, BR_RULES_ERROR, local->code, "%s:%d: rule %s: %s", info->file, info->line,
                info->id, local->message);
    g_error_free(local);
    return FALSE;
  }
  return TRUE;
}

BrEvaluator *
br_evaluator_new(const BrPack *pack, const BrSchema *schema, GError **error)
{
  BrEvaluator *ev = g_new0(BrEvaluator, 1);
  ev->pack = pack;
  ev->schema = schema;
  ev->nrules = br_pack_rule_count(pack);
  ev->rules = g_new0(CompiledRule, ev->nrules);
  for (guint i = 0; i < ev->nrules; i++)
    ev->rules[i].fn_ref = LUA_NOREF;
  ev->fires = g_new0(guint64, ev->nrules);
  ev->failures = g_new0(guint64, ev->nrules);
  ev->failure_msgs = g_new0(char *, ev->nrules + 1);
  ev->own_breaker = g_new0(gint, ev->nrules);
  ev->breaker = ev->own_breaker;
  ev->result.fired = g_new0(guint, ev->nrules);
  ev->result.reasons = g_new0(const char *, ev->nrules);
  ev->result.points = g_new0(double, ev->nrules);
  ev->cut_day = BR_HISTORY_NO_CUT;
  ev->reason_off = g_new0(gsize, ev->nrules);
  ev->scratch = g_string_sized_new(256);
  ev->today = br_rules_today();
  ev->date_field = br_schema_find(schema, pack->settings.date_field);
  if (ev->date_field >= 0 && br_schema_field(schema, (guint)ev->date_field)->type != BR_TYPE_DATE)
    ev->date_field = -1;
  ev->value_field = numeric_field(schema, "value");
  ev->kg_field = numeric_field(schema, "declared_kg");

  char *msg = NULL;
  ev->sb = br_sandbox_new(pack->settings.memory_limit, pack->settings.instruction_limit);
  if (!ev->sb) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_SETTINGS,
                "%s: [limits] memory_mb is too small to start Lua", pack->dir);
    goto fail;
  }
  br_sandbox_set_cpu_limit(ev->sb, pack->settings.cpu_limit_ms);
  if (!br_rule_api_install(ev->sb, br_schema_list_separator(schema), &msg) ||
      !br_rule_api_run_files(ev->sb, pack->paths, pack->contents, &msg)) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_SYNTAX, "%s", msg);
    g_free(msg);
    goto fail;
  }
  lua_State *L = br_sandbox_lua(ev->sb);
  /* The files ran again in this state: their rules must be the ones the pack loaded. */
  if ((guint)br_rule_api_rule_count(L) != ev->nrules) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID,
                "%s: the rule files registered a different number of rules on a second run",
                pack->dir);
    goto fail;
  }
  ev->view = br_lua_line_new(L, schema);
  ev->lua_ran = TRUE;
  lua_getglobal(L, "br");
  lua_pushlightuserdata(L, ev);
  lua_pushcclosure(L, lua_history, 1);
  lua_setfield(L, -2, "history");
  lua_pushlightuserdata(L, ev);
  lua_pushcclosure(L, lua_watchlist, 1);
  lua_setfield(L, -2, "watchlist");
  lua_pushlightuserdata(L, ev);
  lua_pushcclosure(L, lua_listed, 1);
  lua_setfield(L, -2, "listed");
  lua_pop(L, 1);
  BrFieldResolution *fields = br_fields_resolve(pack, schema, error);
  if (!fields)
    goto fail;
  for (guint i = 0; i < ev->nrules; i++) {
    CompiledRule *cr = &ev->rules[i];
    cr->info = br_pack_rule(pack, i);
    cr->points_key = -1;
    /* A rule reading a field the input lacks (br_fields.h) gets an empty validity window, so
     * the scoring loop skips it with the test it makes anyway. */
    cr->from = G_MAXINT32;
    cr->until = G_MININT32;
    if (!fields->disabled[i] && !compile_rule(ev, L, i, error)) {
      br_fields_resolution_free(fields);
      goto fail;
    }
  }
  br_fields_resolution_free(fields);
  return ev;

fail:
  br_evaluator_free(ev);
  return NULL;
}

void
br_evaluator_free(BrEvaluator *ev)
{
  if (!ev)
    return;
  for (guint i = 0; i < ev->nrules; i++) {
    br_cond_free(ev->rules[i].cond);
    br_fn_cond_free(ev->rules[i].fast);
    free_template(ev->rules[i].reason);
  }
  br_sandbox_free(ev->sb);
  g_free(ev->rules);
  g_free(ev->fires);
  g_free(ev->failures);
  g_free(ev->own_breaker);
  /* Sparse: most rules never fail, so g_strfreev would stop at the first gap. */
  for (guint i = 0; i < ev->nrules; i++)
    g_free(ev->failure_msgs[i]);
  g_free(ev->failure_msgs);
  g_free(ev->result.fired);
  g_free(ev->result.reasons);
  g_free(ev->result.points);
  g_free(ev->reason_off);
  g_string_free(ev->scratch, TRUE);
  br_name_scratch_free(ev->watch_scratch);
  g_free(ev);
}

/* Reasons and failure messages end up in inspection lists and summaries: a rule cannot make
 * them unbounded. Cut on a UTF-8 character boundary. */
#define TEXT_MAX 500

static gsize
clip(const char *s, gsize len)
{
  if (len <= TEXT_MAX)
    return len;
  gsize n = TEXT_MAX;
  while (n > 0 && ((guchar)s[n] & 0xC0) == 0x80)
    n--;
  return n;
}

static void
append_reason(GString *out, const char *s, gsize len)
{
  g_string_append_len(out, s, (gssize)clip(s, len));
}

static void
record_failure(BrEvaluator *ev, guint i, const char *msg, guint64 line_no)
{
  ev->failures[i]++;
  g_atomic_int_inc(&ev->breaker[i]);
  if (ev->failure_msgs[i])
    return;
  const BrRuleInfo *info = ev->rules[i].info;
  if (!msg)
    msg = "error object is not a text";
  ev->failure_msgs[i] =
      g_strdup_printf("%s:%d: rule %s: %.*s (input line %" G_GUINT64_FORMAT ")", info->file,
                      info->line, info->id, (int)clip(msg, strlen(msg)), msg, line_no);
}

static void
expand_template(GString *out, const GArray *parts, const BrValue *rec)
{
  for (guint i = 0; i < parts->len; i++) {
    const TemplatePart *p = &g_array_index(parts, TemplatePart, i);
    if (p->literal)
      g_string_append(out, p->text);
    else if (rec[p->field].missing)
      g_string_append_c(out, '-');
    else
      g_string_append_len(out, rec[p->field].str, rec[p->field].len);
  }
}

static double
logit(double p)
{
  p = CLAMP(p, 1e-6, 1 - 1e-6);
  return log(p / (1 - p));
}

/* Below this MAD (in ln of value per kg: 5%) a norm counts as this wide, so that a norm of
 * identical declarations does not make a rounding difference look like a far outlier. */
#define NORM_MAD_FLOOR 0.05
/* A value_norm rule fires from this robust z on its side of the norm, its points capped. */
#define NORM_Z_FIRE 2.0
#define NORM_Z_MAX 10.0

/* The evidence of a value_norm rule: how many robust standard deviations the line's value per
 * kg lies on the rule's side of the norm of its key value (br_norms.h). FALSE when it lies
 * nearer than NORM_Z_FIRE, or the value has no norm of enough declarations. */
static gboolean
norm_eval(BrEvaluator *ev, const CompiledRule *cr, const BrValue *record, double *x, GString *out,
          gboolean explain)
{
  const BrNorms *norms = br_history_norms(ev->history);
  const BrEntityKeys *keys = br_history_keys(ev->history);
  char value[BR_ENTITY_VALUE_MAX];
  double lv;
  BrNorm norm;
  if (!norms || ev->value_field < 0 || ev->kg_field < 0 || record[ev->value_field].missing ||
      record[ev->kg_field].missing ||
      !br_norms_log_value_per_kg(record[ev->value_field].num, record[ev->kg_field].num, &lv) ||
      !br_entity_keys_value(keys, (guint)cr->points_key, record, value) ||
      !br_norms_lookup(norms, (guint)cr->points_key, value, ev->cut_day, &norm) ||
      norm.declarations < cr->info->points_min)
    return FALSE;
  double z = br_norms_z(&norm, lv, NORM_MAD_FLOOR);
  if (z * cr->info->points_norm < NORM_Z_FIRE)
    return FALSE;
  *x = MIN(fabs(z), NORM_Z_MAX);
  if (explain)
    g_string_append_printf(out,
                           "value/kg %.4g is %.2gx the %s %s median (%.4g) of %u declarations "
                           "(robust z %+.1f)",
                           exp(lv), exp(lv - norm.median), cr->info->points_key, value,
                           exp(norm.median), norm.declarations, z);
  return TRUE;
}

/* The evidence of a points rule: how far the track record of the line's value moves the
 * log-odds from the overall rate. FALSE when the value has too short a record to count; the
 * reason goes to out unless the rule wrote one (lists add what it contributed). */
static gboolean
points_eval(BrEvaluator *ev, const CompiledRule *cr, const BrValue *record, double *x, GString *out,
            gboolean explain)
{
  if (cr->points_key < 0)
    return FALSE;
  if (cr->info->points_norm)
    return norm_eval(ev, cr, record, x, out, explain);
  const BrEntityKeys *keys = br_history_keys(ev->history);
  char value[BR_ENTITY_VALUE_MAX];
  guint inspections = 0, hits = 0;
  double rate = 0;
  if (!br_entity_keys_value(keys, (guint)cr->points_key, record, value) ||
      !br_history_lookup_cut(ev->history, (guint)cr->points_key, value, ev->cut_day, &inspections,
                             &hits, &rate) ||
      inspections < cr->info->points_min)
    return FALSE;
  double global = br_history_global_rate_cut(ev->history, ev->cut_day);
  *x = logit(rate) - logit(global);
  if (explain)
    g_string_append_printf(
        out, "%s %s: %u of %u past inspections found something (rate %.2f vs %.2f overall)",
        cr->info->points_key, value, hits, inspections, rate, global);
  return TRUE;
}

/* How little the history knows of the line's values, for exploration: over the history keys,
 * the sum of the variances of each value's finding rate under the Beta prior the history
 * shrinks with, Beta(hits + m g, misses + m (1 - g)). A value never inspected keeps the
 * prior's variance g (1 - g) / (m + 1); each inspection narrows it. */
static double
uncertainty(const BrEvaluator *ev, const BrValue *record)
{
  const BrEntityKeys *keys = br_history_keys(ev->history);
  double g = br_history_global_rate_cut(ev->history, ev->cut_day);
  double m = br_history_prior_strength(ev->history);
  double sum = 0;
  char value[BR_ENTITY_VALUE_MAX];
  for (guint k = 0; k < br_entity_keys_count(keys); k++) {
    if (!br_entity_keys_value(keys, k, record, value))
      continue;
    guint inspections = 0, hits = 0;
    double rate;
    br_history_lookup_cut(ev->history, k, value, ev->cut_day, &inspections, &hits, &rate);
    double a = hits + m * g, b = (double)(inspections - hits) + m * (1 - g);
    sum += a * b / ((a + b) * (a + b) * (a + b + 1));
  }
  return sum;
}

/* Lua code may have rebound a global a compiled function rule reads: such a rule runs in Lua
 * from then on. */
static void
check_bindings(BrEvaluator *ev, lua_State *L)
{
  for (guint i = 0; i < ev->nrules; i++) {
    CompiledRule *cr = &ev->rules[i];
    if (cr->fast && !br_fn_cond_env_intact(cr->fast, L)) {
      br_fn_cond_free(cr->fast);
      cr->fast = NULL;
    }
  }
  ev->lua_ran = FALSE;
}

const BrLineResult *
br_evaluator_eval(BrEvaluator *ev, const BrValue *record, guint64 line_no)
{
  BrLineResult *res = &ev->result;
  res->score = 0;
  res->nfired = 0;
  g_string_truncate(ev->scratch, 0);
  gint32 date = ev->today;
  if (ev->date_field >= 0 && !record[ev->date_field].missing)
    date = (gint32)record[ev->date_field].num;
  ev->cut_day = br_history_cut_day(ev->cut, date);
  ev->seq++;
  lua_State *L = br_sandbox_lua(ev->sb);

  for (guint i = 0; i < ev->nrules; i++) {
    CompiledRule *cr = &ev->rules[i];
    if (date < cr->from || date > cr->until)
      continue;
    gboolean fired = TRUE;
    double x = 1;
    gsize off = ev->scratch->len;
    if (cr->cond) {
      fired = br_cond_eval(cr->cond, record);
      if (fired && cr->reason)
        expand_template(ev->scratch, cr->reason, record);
      else if (fired && ev->watch)
        br_cond_explain(cr->cond, ev->schema, record, ev->scratch);
    } else if (cr->fn_ref != LUA_NOREF) {
      if (br_evaluator_rule_disabled(ev, i))
        continue;
      BrFnResult r = BR_FN_ASK_LUA;
      if (cr->fast && !ev->lua_only) {
        if (ev->lua_ran)
          check_bindings(ev, L);
        const char *s = NULL;
        gsize len = 0;
        if (cr->fast)
          r = br_fn_cond_eval(cr->fast, record, &s, &len);
        if (r == BR_FN_FIRED && s)
          append_reason(ev->scratch, s, len);
      }
      if (r != BR_FN_ASK_LUA) {
        fired = r == BR_FN_FIRED;
        goto points;
      }
      ev->lua_ran = TRUE;
      lua_rawgeti(L, LUA_REGISTRYINDEX, cr->fn_ref);
      br_lua_line_push(L, ev->view);
      br_lua_line_set(ev->view, record);
      int rc = br_sandbox_pcall(ev->sb, 1, 2);
      if (rc != LUA_OK) {
        record_failure(ev, i, lua_tostring(L, -1), line_no);
        lua_pop(L, 1);
        continue;
      }
      fired = lua_toboolean(L, -2);
      if (fired && lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        append_reason(ev->scratch, s, len);
      }
      lua_pop(L, 2);
    }
  points:
    if (fired && cr->info->points_key)
      fired = points_eval(ev, cr, record, &x, ev->scratch, ev->scratch->len == off);
    if (!fired) {
      g_string_truncate(ev->scratch, off);
      continue;
    }
    if (ev->scratch->len == off)
      g_string_append(ev->scratch, cr->info->title);
    g_string_append_c(ev->scratch, '\0');
    ev->reason_off[res->nfired] = off;
    res->points[res->nfired] = x;
    res->fired[res->nfired++] = i;
    res->score += cr->info->weight * x;
    ev->fires[i]++;
  }
  br_lua_line_set(ev->view, NULL);
  res->uncertainty =
      ev->history && ev->pack->settings.explore_share > 0 ? uncertainty(ev, record) : 0;
  /* The scratch buffer may have moved while growing: point at the reasons only now. */
  for (guint k = 0; k < res->nfired; k++)
    res->reasons[k] = ev->scratch->str + ev->reason_off[k];
  return res;
}

void
br_evaluator_set_history(BrEvaluator *ev, const BrHistory *history)
{
  ev->history = history;
  for (guint i = 0; i < ev->nrules; i++) {
    CompiledRule *cr = &ev->rules[i];
    if (cr->cond)
      br_cond_bind_history_cut(cr->cond, history, &ev->cut_day);
    cr->points_key = history && cr->info->points_key
                         ? br_entity_keys_find(br_history_keys(history), cr->info->points_key)
                         : -1;
  }
}

gboolean
br_evaluator_set_watch(BrEvaluator *ev, const BrWatchSet *watch, GError **error)
{
  br_name_scratch_free(ev->watch_scratch);
  ev->watch = watch;
  ev->watch_scratch = watch ? br_name_scratch_new(br_watch_set_index(watch)) : NULL;
  for (guint i = 0; i < ev->nrules; i++) {
    CompiledRule *cr = &ev->rules[i];
    if (!cr->cond)
      continue;
    br_cond_bind_watch(cr->cond, watch, ev->watch_scratch, &ev->seq);
    const char *missing = br_cond_unknown_list(cr->cond);
    if (missing) {
      g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID,
                  "%s:%d: rule %s screens against watchlist \"%s\", which the run has not "
                  "loaded (pack.ini [watchlists] lists, and boxrank watchlist import)",
                  cr->info->file, cr->info->line, cr->info->id, missing);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
br_evaluator_set_reference(BrEvaluator *ev, const BrReference *reference, GError **error)
{
  for (guint i = 0; i < ev->nrules; i++) {
    CompiledRule *cr = &ev->rules[i];
    if (!cr->cond)
      continue;
    if (!reference && br_cond_needs_reference(cr->cond)) {
      g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID,
                  "%s:%d: rule %s checks codes against reference tables: give the folder "
                  "holding unlocode.csv, harmonized-system.csv and iso6346-size-type-codes.csv "
                  "(--reference DIR)",
                  cr->info->file, cr->info->line, cr->info->id);
      return FALSE;
    }
    br_cond_bind_reference(cr->cond, reference);
  }
  return TRUE;
}

void
br_evaluator_set_history_cut(BrEvaluator *ev, int cut)
{
  ev->cut = (BrHistoryCut)cut;
}

void
br_evaluator_share_failures(BrEvaluator *ev, gint *counts)
{
  ev->breaker = counts ? counts : ev->own_breaker;
}

gboolean
br_evaluator_rule_disabled(const BrEvaluator *ev, guint rule)
{
  return (guint)g_atomic_int_get(&ev->breaker[rule]) >= ev->pack->settings.max_failures;
}

const guint64 *
br_evaluator_fire_counts(const BrEvaluator *ev)
{
  return ev->fires;
}

const guint64 *
br_evaluator_failure_counts(const BrEvaluator *ev)
{
  return ev->failures;
}

const char *
br_evaluator_failure_message(const BrEvaluator *ev, guint rule)
{
  return rule < ev->nrules ? ev->failure_msgs[rule] : NULL;
}

void
br_evaluator_set_lua_only(BrEvaluator *ev, gboolean lua_only)
{
  ev->lua_only = lua_only;
}

gboolean
br_evaluator_function_compiled(const BrEvaluator *ev, guint rule)
{
  return rule < ev->nrules && ev->rules[rule].fast != NULL;
}
