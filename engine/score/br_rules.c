#include "br_rules.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "br_entities.h"
#include "br_nameindex.h"
#include "br_pack_internal.h"
#include "br_rule_api.h"

G_DEFINE_QUARK(br - rules - error - quark, br_rules_error)

gboolean
br_rules_parse_date(const char *text, gint32 *days)
{
  int y, m, d;
  char tail;
  if (!text || strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      text[4] != '-' || text[7] != '-' || !g_date_valid_dmy(d, m, y))
    return FALSE;
  GDate date, epoch;
  g_date_clear(&date, 1);
  g_date_clear(&epoch, 1);
  g_date_set_dmy(&date, d, m, y);
  g_date_set_dmy(&epoch, 1, 1, 1970);
  *days = (gint32)(g_date_get_julian(&date) - g_date_get_julian(&epoch));
  return TRUE;
}

gint32
br_rules_today(void)
{
  return (gint32)(g_get_real_time() / G_USEC_PER_SEC / 86400);
}

static void
rule_info_free(gpointer p)
{
  BrRuleInfo *r = p;
  g_free(r->id);
  g_free(r->title);
  g_strfreev(r->tags);
  g_free(r->author);
  g_free(r->valid_from);
  g_free(r->valid_until);
  g_free(r->file);
  g_free(r->points_key);
  g_strfreev(r->reads);
  g_strfreev(r->screens);
  g_free(r->screen_min);
  g_free(r);
}

static void
diag_free(gpointer p)
{
  BrDiagnostic *d = p;
  g_free(d->file);
  g_free(d->rule_id);
  g_free(d->message);
  g_free(d);
}

static void diag_add(GPtrArray *diags, BrRulesErrorCode code, const char *file, int line,
                     const char *rule_id, const char *fmt, ...) G_GNUC_PRINTF(6, 7);

static void
diag_add(GPtrArray *diags, BrRulesErrorCode code, const char *file, int line, const char *rule_id,
         const char *fmt, ...)
{
  BrDiagnostic *d = g_new0(BrDiagnostic, 1);
  d->code = code;
  d->file = g_strdup(file);
  d->line = line;
  d->rule_id = g_strdup(rule_id);
  va_list ap;
  va_start(ap, fmt);
  d->message = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_ptr_array_add(diags, d);
}

/* Splits a Lua error "file:line: message" so diagnostics can carry the position. */
static void
diag_add_lua_error(GPtrArray *diags, const char *fallback_file, const char *msg)
{
  const char *colon = strchr(msg, ':');
  if (colon && g_ascii_isdigit(colon[1])) {
    char *file = g_strndup(msg, colon - msg);
    int line = atoi(colon + 1);
    const char *rest = strchr(colon + 1, ':');
    diag_add(diags, BR_RULES_ERROR_SYNTAX, file, line, NULL, "%s",
             rest ? g_strchug((char *)rest + 1) : msg);
    g_free(file);
  } else {
    diag_add(diags, BR_RULES_ERROR_SYNTAX, fallback_file, 0, NULL, "%s", msg);
  }
}

typedef struct {
  GPtrArray *diags;
  const char *path;
  gboolean ok;
} ConfigProblems;

static void
config_problem(int line, const char *message, gpointer data)
{
  ConfigProblems *cp = data;
  diag_add(cp->diags, BR_RULES_ERROR_SETTINGS, cp->path, line, NULL, "%s", message);
  cp->ok = FALSE;
}

static gboolean
load_settings(BrPack *pack, GPtrArray *diags)
{
  BrPackSettings *s = &pack->settings;
  s->unit_field = g_strdup("container");
  s->unit_fallback = g_strdup("bol");
  s->port_field = g_strdup("port");
  s->date_field = g_strdup("arrival_date");
  s->lane_red = 50;
  s->lane_yellow = 25;
  s->capacity_default = 20;
  s->random_share = 0.10;
  s->memory_limit = BR_SANDBOX_DEFAULT_MEMORY;
  s->instruction_limit = BR_SANDBOX_DEFAULT_BUDGET;
  s->cpu_limit_ms = BR_SANDBOX_DEFAULT_CPU_MS;
  s->max_failures = BR_PACK_DEFAULT_MAX_FAILURES;
  s->capacity = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

  char *path = g_build_filename(pack->dir, "pack.ini", NULL);
  GKeyFile *kf = g_key_file_new();
  GError *error = NULL;
  gboolean ok = TRUE;
  char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, &error)) {
    diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL, "%s", error->message);
    g_error_free(error);
    ok = FALSE;
    goto out;
  }
  /* GKeyFile cuts a value at a NUL byte without a word ("name = n\0ul" is "n"). */
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    int line = 1;
    for (const char *c = text; c < nul; c++)
      line += *c == '\n';
    diag_add(diags, BR_RULES_ERROR_SETTINGS, path, line, NULL,
             "a NUL byte: pack.ini is text (UTF-8)");
    g_free(text);
    ok = FALSE;
    goto out;
  }
  /* Windows editors start UTF-8 files with a byte order mark, which GKeyFile takes for text. */
  const char *body = g_str_has_prefix(text, "\xef\xbb\xbf") ? text + 3 : text;
  if (!g_key_file_load_from_data(kf, body, len - (gsize)(body - text), G_KEY_FILE_NONE, &error)) {
    diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL, "%s", error->message);
    g_error_free(error);
    g_free(text);
    ok = FALSE;
    goto out;
  }
  ConfigProblems cp = {diags, path, TRUE};
  br_pack_config_check(kf, body, config_problem, &cp);
  g_free(text);
  ok = cp.ok;
  char *base = g_path_get_basename(pack->dir);
  s->name = g_key_file_get_string(kf, "pack", "name", NULL);
  if (!s->name)
    s->name = g_strdup(base);
  g_free(base);
  s->version = g_key_file_get_string(kf, "pack", "version", NULL);
  static const struct {
    const char *key;
    gsize offset;
  } fields[] = {{"unit", G_STRUCT_OFFSET(BrPackSettings, unit_field)},
                {"unit_fallback", G_STRUCT_OFFSET(BrPackSettings, unit_fallback)},
                {"port_field", G_STRUCT_OFFSET(BrPackSettings, port_field)},
                {"date_field", G_STRUCT_OFFSET(BrPackSettings, date_field)}};
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    char *v = g_key_file_get_string(kf, "pack", fields[i].key, NULL);
    if (v) {
      char **slot = G_STRUCT_MEMBER_P(s, fields[i].offset);
      g_free(*slot);
      *slot = g_strstrip(v);
    }
  }
  const struct {
    const char *group, *key;
    double *dst;
    double lo, hi;
  } nums[] = {{"lanes", "red", &s->lane_red, -1e9, 1e9},
              {"lanes", "yellow", &s->lane_yellow, -1e9, 1e9},
              {"random", "share", &s->random_share, 0, 1},
              {"explore", "share", &s->explore_share, 0, 1}};
  for (guint i = 0; i < G_N_ELEMENTS(nums); i++) {
    if (!g_key_file_has_key(kf, nums[i].group, nums[i].key, NULL))
      continue;
    double v = g_key_file_get_double(kf, nums[i].group, nums[i].key, &error);
    if (error || !(v >= nums[i].lo && v <= nums[i].hi)) { /* NaN too */
      diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL,
               "[%s] %s must be a number from %g to %g", nums[i].group, nums[i].key, nums[i].lo,
               nums[i].hi);
      g_clear_error(&error);
      ok = FALSE;
      continue;
    }
    *nums[i].dst = v;
  }
  if (s->random_share + s->explore_share > 1 + 1e-9) {
    diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL,
             "[random] share (%g) and [explore] share (%g) add up to more than the capacity",
             s->random_share, s->explore_share);
    ok = FALSE;
  }
  if (s->lane_yellow > s->lane_red) {
    diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL, "[lanes] yellow (%g) is above red (%g)",
             s->lane_yellow, s->lane_red);
    ok = FALSE;
  }
  const struct {
    const char *key;
    gint64 lo, hi;
  } limits[] = {{"memory_mb", 1, 4096},
                {"instructions", 1000, G_GINT64_CONSTANT(10000000000)},
                {"cpu_ms", 1, 600000},
                {"max_failures", 1, G_MAXINT32}};
  for (guint i = 0; i < G_N_ELEMENTS(limits); i++) {
    if (!g_key_file_has_key(kf, "limits", limits[i].key, NULL))
      continue;
    gint64 v = g_key_file_get_int64(kf, "limits", limits[i].key, &error);
    if (error || v < limits[i].lo || v > limits[i].hi) {
      diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL,
               "[limits] %s must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
               limits[i].key, limits[i].lo, limits[i].hi);
      g_clear_error(&error);
      ok = FALSE;
    } else if (i == 0) {
      s->memory_limit = (gsize)v << 20;
    } else if (i == 1) {
      s->instruction_limit = (guint64)v;
    } else if (i == 2) {
      s->cpu_limit_ms = (guint)v;
    } else {
      s->max_failures = (guint)v;
    }
  }
  s->history_keys = g_key_file_get_string(kf, "history", "keys", NULL);
  if (s->history_keys) {
    BrEntityKeys *parsed = br_entity_keys_parse(g_strstrip(s->history_keys), &error);
    if (!parsed) {
      diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL, "[history] keys: %s", error->message);
      g_clear_error(&error);
      ok = FALSE;
    }
    br_entity_keys_free(parsed);
  }
  char *required = g_key_file_get_string(kf, "fields", "required", NULL);
  if (required) {
    s->required_fields = g_strsplit_set(required, ",;", -1);
    g_free(required);
    guint k = 0;
    for (char **f = s->required_fields; *f; f++) {
      if (*g_strstrip(*f))
        s->required_fields[k++] = *f;
      else
        g_free(*f);
    }
    s->required_fields[k] = NULL;
  }
  char *lists = g_key_file_get_string(kf, "watchlists", "lists", NULL);
  if (lists) {
    GPtrArray *names = g_ptr_array_new();
    char **parts = g_strsplit_set(lists, ",;", -1);
    for (char **l = parts; *l; l++)
      if (*g_strstrip(*l))
        g_ptr_array_add(names, g_strdup(*l));
    g_strfreev(parts);
    g_free(lists);
    if (names->len == 0) {
      diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL,
               "[watchlists] lists names no list (e.g. lists = un, ofac)");
      ok = FALSE;
    }
    g_ptr_array_add(names, NULL);
    s->watchlists = (char **)g_ptr_array_free(names, FALSE);
  }
  gsize n = 0;
  char **keys = g_key_file_get_keys(kf, "capacity", &n, NULL);
  for (gsize i = 0; i < n; i++) {
    gint64 v = g_key_file_get_int64(kf, "capacity", keys[i], &error);
    if (error || v < 0 || v > 1000000) {
      diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL,
               "[capacity] %s must be a whole number from 0 to 1000000", keys[i]);
      g_clear_error(&error);
      ok = FALSE;
      continue;
    }
    if (strcmp(keys[i], "default") == 0)
      s->capacity_default = (guint)v;
    else
      g_hash_table_insert(s->capacity, g_strdup(keys[i]), GUINT_TO_POINTER((guint)v));
  }
  g_strfreev(keys);
out:
  g_key_file_free(kf);
  g_free(path);
  return ok;
}

static int
cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static gboolean
read_rule_files(BrPack *pack, GPtrArray *diags)
{
  GError *error = NULL;
  GDir *dir = g_dir_open(pack->dir, 0, &error);
  if (!dir) {
    diag_add(diags, BR_RULES_ERROR_IO, pack->dir, 0, NULL, "%s", error->message);
    g_error_free(error);
    return FALSE;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(dir)))
    if (g_str_has_suffix(name, ".lua"))
      g_ptr_array_add(names, g_strdup(name));
  g_dir_close(dir);
  g_ptr_array_sort(names, cmp_str);

  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  char *ini = g_build_filename(pack->dir, "pack.ini", NULL);
  char *text;
  gsize len;
  if (g_file_get_contents(ini, &text, &len, NULL)) {
    g_checksum_update(sum, (const guchar *)"pack.ini", 9);
    g_checksum_update(sum, (const guchar *)text, (gssize)len);
    g_free(text);
  }
  g_free(ini);
  char *weights = g_build_filename(pack->dir, BR_PACK_WEIGHTS_FILE, NULL);
  if (g_file_get_contents(weights, &text, &len, NULL)) {
    g_checksum_update(sum, (const guchar *)BR_PACK_WEIGHTS_FILE, sizeof BR_PACK_WEIGHTS_FILE);
    g_checksum_update(sum, (const guchar *)text, (gssize)len);
    g_free(text);
    pack->settings.weights_file = weights;
  } else {
    g_free(weights);
  }
  gboolean ok = TRUE;
  for (guint i = 0; i < names->len; i++) {
    char *path = g_build_filename(pack->dir, g_ptr_array_index(names, i), NULL);
    if (!g_file_get_contents(path, &text, &len, &error)) {
      diag_add(diags, BR_RULES_ERROR_IO, path, 0, NULL, "%s", error->message);
      g_clear_error(&error);
      g_free(path);
      ok = FALSE;
      continue;
    }
    const char *fname = g_ptr_array_index(names, i);
    g_checksum_update(sum, (const guchar *)fname, (gssize)strlen(fname) + 1);
    g_checksum_update(sum, (const guchar *)text, (gssize)len);
    g_ptr_array_add(pack->paths, path);
    g_ptr_array_add(pack->contents, g_bytes_new_take(text, len));
  }
  pack->hash = g_strdup(g_checksum_get_string(sum));
  g_checksum_free(sum);
  g_ptr_array_free(names, TRUE);
  return ok;
}

static char *
opt_string(lua_State *L, int idx, const char *key)
{
  char *v = NULL;
  if (lua_getfield(L, idx, key) == LUA_TSTRING)
    v = g_strdup(lua_tostring(L, -1));
  lua_pop(L, 1);
  return v;
}

typedef struct {
  GPtrArray *diags;
  const char *file;
  int line;
  const char *id;
  GHashTable *known; /* NULL: don't check */
} FieldCheck;

static void
check_field(const char *name, gpointer data)
{
  FieldCheck *fc = data;
  if (fc->known && !g_hash_table_contains(fc->known, name))
    diag_add(fc->diags, BR_RULES_ERROR_FIELD, fc->file, fc->line, fc->id,
             "rule %s: unknown field \"%s\"", fc->id, name);
}

static void
add_read(const char *name, gpointer data)
{
  GPtrArray *reads = data;
  for (guint i = 0; i < reads->len; i++)
    if (strcmp(g_ptr_array_index(reads, i), name) == 0)
      return;
  g_ptr_array_add(reads, g_strdup(name));
}

/* The fields a condition reads: each field and field2, and a party list (on_watchlist's
 * fields) as one read "a|b|c" that any of them satisfies. */
static void
cond_reads(lua_State *L, int idx, GPtrArray *reads)
{
  idx = lua_absindex(L, idx);
  static const char *const keys[] = {"field", "field2"};
  for (guint k = 0; k < G_N_ELEMENTS(keys); k++) {
    if (lua_getfield(L, idx, keys[k]) == LUA_TSTRING)
      add_read(lua_tostring(L, -1), reads);
    lua_pop(L, 1);
  }
  if (lua_getfield(L, idx, "fields") == LUA_TTABLE) {
    GString *any = g_string_new(NULL);
    for (int i = 1, n = (int)lua_rawlen(L, -1); i <= n; i++) {
      if (lua_rawgeti(L, -1, i) == LUA_TSTRING)
        g_string_append_printf(any, "%s%s", any->len ? "|" : "", lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    if (any->len)
      add_read(any->str, reads);
    g_string_free(any, TRUE);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "kids") == LUA_TTABLE) {
    for (int i = 1, n = (int)lua_rawlen(L, -1); i <= n; i++) {
      lua_rawgeti(L, -1, i);
      cond_reads(L, -1, reads);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

/* The lists a condition's on_watchlist(...) calls screen, each with its minimum score, so that
 * a hit review can apply the threshold the run applied. */
static void
cond_screens(lua_State *L, int idx, GPtrArray *lists, GArray *mins)
{
  idx = lua_absindex(L, idx);
  gboolean watch =
      lua_getfield(L, idx, "op") == LUA_TSTRING && strcmp(lua_tostring(L, -1), "watch") == 0;
  lua_pop(L, 1);
  if (watch && lua_getfield(L, idx, "list") == LUA_TSTRING) {
    g_ptr_array_add(lists, g_strdup(lua_tostring(L, -1)));
    lua_getfield(L, idx, "num");
    double min = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : BR_NAME_DEFAULT_THRESHOLD;
    g_array_append_val(mins, min);
    lua_pop(L, 1);
  }
  if (watch)
    lua_pop(L, 1);
  if (lua_getfield(L, idx, "kids") == LUA_TTABLE) {
    for (int i = 1, n = (int)lua_rawlen(L, -1); i <= n; i++) {
      lua_rawgeti(L, -1, i);
      cond_screens(L, -1, lists, mins);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

static gboolean
is_ident_char(char c)
{
  return g_ascii_isalnum(c) || c == '_';
}

/* The fields a function rule reads from its line parameter, as its source text writes them:
 * line.NAME and line["NAME"] (with its own parameter name) between the function's first and
 * last line. A read through a helper the line is passed to is not seen: it fails at run time
 * as any other error of the rule. The function is on the stack top. */
static void
function_reads(lua_State *L, const BrPack *pack, GPtrArray *reads)
{
  const char *param = lua_getlocal(L, NULL, 1);
  if (!param)
    return;
  char *name = g_strdup(param);
  lua_Debug ar;
  lua_pushvalue(L, -1);
  lua_getinfo(L, ">S", &ar);
  const char *file = ar.source[0] == '@' || ar.source[0] == '=' ? ar.source + 1 : ar.source;
  GBytes *content = NULL;
  for (guint i = 0; i < pack->paths->len && !content; i++)
    if (strcmp(g_ptr_array_index(pack->paths, i), file) == 0)
      content = g_ptr_array_index(pack->contents, i);
  if (!content || ar.linedefined <= 0) {
    g_free(name);
    return;
  }
  gsize len;
  const char *text = g_bytes_get_data(content, &len), *end = text + len, *p = text;
  for (int line = 1; line < ar.linedefined && p < end; p++)
    line += *p == '\n';
  const char *stop = p;
  for (int line = ar.linedefined; line <= ar.lastlinedefined && stop < end; stop++)
    line += *stop == '\n';
  gsize nlen = strlen(name);
  for (; p + nlen < stop; p++) {
    if (memcmp(p, name, nlen) != 0 || (p > text && (is_ident_char(p[-1]) || p[-1] == '.')) ||
        is_ident_char(p[nlen]))
      continue;
    const char *q = p + nlen;
    while (q < stop && (*q == ' ' || *q == '\t'))
      q++;
    const char *b = NULL, *e = NULL;
    if (q < stop && *q == '.' && q + 1 < stop && q[1] != '.') {
      b = e = q + 1;
      while (e < stop && is_ident_char(*e))
        e++;
    } else if (q + 1 < stop && *q == '[' && (q[1] == '"' || q[1] == '\'')) {
      b = q + 2;
      e = memchr(b, q[1], (gsize)(stop - b));
      if (!e || e + 1 >= stop || e[1] != ']')
        e = NULL;
    }
    if (b && e && e > b) {
      char *field = g_strndup(b, (gsize)(e - b));
      add_read(field, reads);
      g_free(field);
    }
  }
  g_free(name);
}

/* Rule ids end up in list files, summaries, the store, URLs of the web front end and
 * weights.ini keys: letters, digits, '-', '_' and '.', starting with a letter or digit (a
 * leading '-', '=' or '+' would read as a formula in a spreadsheet). */
#define RULE_ID_MAX 64

static gboolean
rule_id_valid(const char *id)
{
  if (!g_ascii_isalnum(id[0]) || strlen(id) > RULE_ID_MAX)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum(*p) && !strchr("-_.", *p))
      return FALSE;
  return TRUE;
}

/* Reads one registered rule table (on the stack top) into metadata, reporting every problem. */
static BrRuleInfo *
read_rule(lua_State *L, const BrPack *pack, GPtrArray *diags, GHashTable *seen, GHashTable *known,
          gint32 today)
{
  GPtrArray *reads = g_ptr_array_new();
  GPtrArray *screens = g_ptr_array_new();
  GArray *screen_min = g_array_new(FALSE, FALSE, sizeof(double));
  int t = lua_gettop(L);
  BrRuleInfo *r = g_new0(BrRuleInfo, 1);
  r->file = opt_string(L, t, "__file");
  lua_getfield(L, t, "__line");
  r->line = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  r->id = opt_string(L, t, "id");
  lua_getfield(L, t, "id");
  gboolean id_has_nul = r->id && lua_rawlen(L, -1) != strlen(r->id);
  lua_pop(L, 1);
  gboolean ok = TRUE;
  const char *id = r->id ? r->id : "?";
  if (!r->id || !*r->id) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, NULL, "rule without an id");
    ok = FALSE;
  } else if (id_has_nul || !rule_id_valid(r->id)) {
    char *shown = g_strescape(r->id, NULL);
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, NULL,
             "rule id \"%.80s\" is not allowed: letters, digits, '-', '_' and '.', starting "
             "with a letter or digit, at most %d characters",
             shown, RULE_ID_MAX);
    g_free(shown);
    id = "?";
    ok = FALSE;
  } else if (g_hash_table_contains(seen, r->id)) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
             "rule %s: duplicate id (first defined at %s)", id,
             (const char *)g_hash_table_lookup(seen, r->id));
    ok = FALSE;
  } else {
    g_hash_table_insert(seen, g_strdup(r->id), g_strdup_printf("%s:%d", r->file, r->line));
  }
  r->title = opt_string(L, t, "title");
  if (!r->title || !*g_strstrip(r->title)) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
             "rule %s: no title (what the officer reads)", id);
    ok = FALSE;
  }
  int wt = lua_getfield(L, t, "weight");
  if (wt != LUA_TNUMBER || !isfinite(lua_tonumber(L, -1))) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
             "rule %s: weight must be a number", id);
    ok = FALSE;
  }
  r->weight = lua_tonumber(L, -1);
  lua_pop(L, 1);
  r->author = opt_string(L, t, "author");
  r->valid_from = opt_string(L, t, "valid_from");
  r->valid_until = opt_string(L, t, "valid_until");
  gint32 from = G_MININT32, until = G_MAXINT32;
  if (r->valid_from && !br_rules_parse_date(r->valid_from, &from)) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
             "rule %s: valid_from \"%s\" is not a date (YYYY-MM-DD)", id, r->valid_from);
    ok = FALSE;
  }
  if (r->valid_until && !br_rules_parse_date(r->valid_until, &until)) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
             "rule %s: valid_until \"%s\" is not a date (YYYY-MM-DD)", id, r->valid_until);
    ok = FALSE;
  } else if (r->valid_until && until < from) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
             "rule %s: valid_until is before valid_from", id);
    ok = FALSE;
  } else if (r->valid_until && until < today && known) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id, "rule %s: expired on %s", id,
             r->valid_until);
  }
  GPtrArray *tags = g_ptr_array_new();
  if (lua_getfield(L, t, "tags") == LUA_TTABLE) {
    int n = (int)lua_rawlen(L, -1);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) == LUA_TSTRING)
        g_ptr_array_add(tags, g_strdup(lua_tostring(L, -1)));
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  g_ptr_array_add(tags, NULL);
  r->tags = (char **)g_ptr_array_free(tags, FALSE);

  int pt = lua_getfield(L, t, "points");
  if (pt != LUA_TNIL &&
      !br_rule_api_points(L, -1, &r->points_key, &r->points_min, &r->points_norm)) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
             "rule %s: points must be history_logodds(\"key\" [, min]) or value_norm(\"key\", "
             "\"low\"|\"high\" [, min])",
             id);
    ok = FALSE;
  }
  lua_pop(L, 1);
  int wh = lua_getfield(L, t, "when");
  if (br_rule_api_is_cond(L, -1)) {
    r->declarative = TRUE;
    FieldCheck fc = {diags, r->file, r->line, id, known};
    br_rule_api_cond_fields(L, -1, check_field, &fc);
    cond_reads(L, -1, reads);
    cond_screens(L, -1, screens, screen_min);
  } else if (lua_isfunction(L, -1)) {
    function_reads(L, pack, reads);
  } else if (wh == LUA_TNIL && r->points_key) {
    r->declarative = TRUE; /* fires on the track record alone */
  } else if (!lua_isfunction(L, -1)) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
             "rule %s: \"when\" must be a condition (field_in, gt, all, ...) or a function", id);
    ok = FALSE;
  }
  lua_pop(L, 1);
  int rt = lua_getfield(L, t, "reason");
  if (rt == LUA_TSTRING) {
    FieldCheck fc = {diags, r->file, r->line, id, known};
    for (const char *p = lua_tostring(L, -1); (p = strchr(p, '{'));) {
      const char *close = strchr(p, '}');
      if (!close)
        break;
      char *name = g_strndup(p + 1, (gsize)(close - p - 1));
      check_field(name, &fc);
      add_read(name, reads);
      g_free(name);
      p = close + 1;
    }
  } else if (rt != LUA_TNIL) {
    diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
             "rule %s: reason must be a text", id);
    ok = FALSE;
  }
  lua_pop(L, 1);

  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      continue;
    const char *key = lua_tostring(L, -1);
    if (g_str_has_prefix(key, "__"))
      continue;
    gboolean allowed = FALSE;
    for (const char *const *k = br_rule_api_keys; *k && !allowed; k++)
      allowed = strcmp(*k, key) == 0;
    if (!allowed)
      diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
               "rule %s: unknown key \"%s\" (misspelt?)", id, key);
  }
  if (r->points_norm) { /* a value norm compares the line's value per kg */
    add_read("value", reads);
    add_read("declared_kg", reads);
  }
  g_ptr_array_add(reads, NULL);
  r->reads = (char **)g_ptr_array_free(reads, FALSE);
  g_ptr_array_add(screens, NULL);
  r->screens = (char **)g_ptr_array_free(screens, FALSE);
  r->screen_min = (double *)g_array_free(screen_min, FALSE);
  if (!ok) {
    rule_info_free(r);
    return NULL;
  }
  return r;
}

/* A track-record rule on a key the pack keeps no record of would never fire: say so. */
static void
check_points_keys(BrPack *pack, GPtrArray *diags)
{
  BrEntityKeys *keys = br_entity_keys_parse(pack->settings.history_keys, NULL);
  for (guint i = 0; keys && i < pack->rules->len; i++) {
    const BrRuleInfo *r = g_ptr_array_index(pack->rules, i);
    if (r->points_key && br_entity_keys_find(keys, r->points_key) < 0)
      diag_add(diags, BR_RULES_ERROR_INVALID, r->file, r->line, r->id,
               "rule %s: history key \"%s\" is not one of the pack's [history] keys (%s)", r->id,
               r->points_key,
               pack->settings.history_keys ? pack->settings.history_keys : BR_ENTITY_KEYS_DEFAULT);
  }
  br_entity_keys_free(keys);
}

/* weights.ini ([weights] RULE-ID = number, written by boxrank tune) overrides the weights the
 * rule files give; a weight for a rule the pack lacks is a problem, not ignored, since it
 * means the file belongs to another version of the pack. */
static void
load_weights(BrPack *pack, GPtrArray *diags)
{
  const char *path = pack->settings.weights_file;
  GKeyFile *kf = g_key_file_new();
  GError *error = NULL;
  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &error)) {
    diag_add(diags, BR_RULES_ERROR_SETTINGS, path, 0, NULL, "%s", error->message);
    g_error_free(error);
    g_key_file_free(kf);
    return;
  }
  char *text = NULL;
  g_file_get_contents(path, &text, NULL, NULL);
  GHashTable *by_id = g_hash_table_new(g_str_hash, g_str_equal);
  const char **ids_known = g_new0(const char *, pack->rules->len + 1);
  for (guint i = 0; i < pack->rules->len; i++) {
    BrRuleInfo *r = g_ptr_array_index(pack->rules, i);
    g_hash_table_insert(by_id, r->id, r);
    ids_known[i] = r->id;
  }
  gsize ngroups = 0;
  char **groups = g_key_file_get_groups(kf, &ngroups);
  const char *const weights_group[] = {"weights"};
  for (gsize g = 0; g < ngroups; g++)
    if (strcmp(groups[g], "weights") != 0)
      diag_add(diags, BR_RULES_ERROR_SETTINGS, path, br_pack_ini_line(text, groups[g], NULL), NULL,
               "unknown group [%s] (%s)", groups[g],
               br_pack_suggest(groups[g], weights_group, 1) ? "did you mean [weights]?"
                                                            : "only [weights]");
  g_strfreev(groups);
  gsize n = 0;
  char **ids = g_key_file_get_keys(kf, "weights", &n, NULL);
  for (gsize i = 0; i < n; i++) {
    BrRuleInfo *r = g_hash_table_lookup(by_id, ids[i]);
    double w = g_key_file_get_double(kf, "weights", ids[i], &error);
    int line = br_pack_ini_line(text, "weights", ids[i]);
    if (error || !isfinite(w)) {
      diag_add(diags, BR_RULES_ERROR_SETTINGS, path, line, ids[i], "[weights] %s is not a number",
               ids[i]);
      g_clear_error(&error);
    } else if (!r) {
      const char *near = br_pack_suggest(ids[i], ids_known, pack->rules->len);
      diag_add(diags, BR_RULES_ERROR_SETTINGS, path, line, ids[i],
               "[weights] %s: the pack has no such rule%s%s%s", ids[i],
               near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
    } else {
      r->weight = w;
    }
  }
  g_strfreev(ids);
  g_hash_table_destroy(by_id);
  g_free(ids_known);
  g_free(text);
  g_key_file_free(kf);
}

/* Loads settings and rules, collecting every problem. known: field names to check against
 * (NULL: no field check, and expiry is not a problem — a run may replay old dates). */
static BrPack *
pack_load(const char *dir, GPtrArray *diags, GHashTable *known, gint32 today)
{
  BrPack *pack = g_new0(BrPack, 1);
  pack->dir = g_strdup(dir);
  pack->paths = g_ptr_array_new_with_free_func(g_free);
  pack->contents = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  pack->rules = g_ptr_array_new_with_free_func(rule_info_free);
  guint before = diags->len;
  load_settings(pack, diags);
  read_rule_files(pack, diags);
  if (diags->len > before)
    return pack;

  /* Top-level code of rule files only builds tables: a generous budget, the pack's memory. */
  BrSandbox *sb = br_sandbox_new(pack->settings.memory_limit, BR_SANDBOX_DEFAULT_BUDGET * 100);
  if (sb)
    br_sandbox_set_cpu_limit(sb, BR_SANDBOX_DEFAULT_CPU_MS * 100);
  char *msg = NULL;
  if (!sb) {
    diag_add(diags, BR_RULES_ERROR_SETTINGS, dir, 0, NULL,
             "[limits] memory_mb is too small to start Lua");
    return pack;
  }
  if (!br_rule_api_install(sb, ';', &msg)) {
    diag_add_lua_error(diags, dir, msg);
    g_free(msg);
    br_sandbox_free(sb);
    return pack;
  }
  /* Every file runs even after one fails, so a check reports each file's error. */
  for (guint i = 0; i < pack->paths->len; i++) {
    if (!br_rule_api_run_file(sb, g_ptr_array_index(pack->paths, i),
                              g_ptr_array_index(pack->contents, i), &msg)) {
      diag_add_lua_error(diags, g_ptr_array_index(pack->paths, i), msg);
      g_clear_pointer(&msg, g_free);
    }
  }
  lua_State *L = br_sandbox_lua(sb);
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  int n = br_rule_api_rule_count(L);
  for (int i = 0; i < n; i++) {
    br_rule_api_push_rule(L, i);
    BrRuleInfo *r = read_rule(L, pack, diags, seen, known, today);
    lua_pop(L, 1);
    if (r)
      g_ptr_array_add(pack->rules, r);
  }
  if (n == 0 && diags->len == before)
    diag_add(diags, BR_RULES_ERROR_INVALID, dir, 0, NULL, "the pack has no rules");
  if (pack->settings.weights_file)
    load_weights(pack, diags);
  check_points_keys(pack, diags);
  g_hash_table_destroy(seen);
  br_sandbox_free(sb);
  return pack;
}

BrPack *
br_pack_load(const char *dir, GError **error)
{
  GPtrArray *diags = g_ptr_array_new_with_free_func(diag_free);
  BrPack *pack = pack_load(dir, diags, NULL, br_rules_today());
  if (diags->len > 0) {
    BrDiagnostic *d = g_ptr_array_index(diags, 0);
    GString *msg = g_string_new(NULL);
    if (d->line > 0)
      g_string_printf(msg, "%s:%d: %s", d->file, d->line, d->message);
    else
      g_string_printf(msg, "%s: %s", d->file, d->message);
    if (diags->len > 1)
      g_string_append_printf(msg, " (and %u more problems: run 'boxrank rules check')",
                             diags->len - 1);
    g_set_error_literal(error, BR_RULES_ERROR, (gint)d->code, msg->str);
    g_string_free(msg, TRUE);
    br_pack_free(pack);
    pack = NULL;
  }
  g_ptr_array_free(diags, TRUE);
  return pack;
}

GPtrArray *
br_pack_check(const char *dir, const char *const *extra_fields, const char *today)
{
  GPtrArray *diags = g_ptr_array_new_with_free_func(diag_free);
  GHashTable *known = g_hash_table_new(g_str_hash, g_str_equal);
  guint n;
  const BrCanonicalField *canon = br_canonical_fields(&n);
  for (guint i = 0; i < n; i++)
    g_hash_table_add(known, (gpointer)canon[i].name);
  for (const char *const *f = extra_fields; f && *f; f++)
    g_hash_table_add(known, (gpointer)*f);
  gint32 day;
  if (!today || !br_rules_parse_date(today, &day))
    day = br_rules_today();
  BrPack *pack = pack_load(dir, diags, known, day);
  br_pack_free(pack);
  g_hash_table_destroy(known);
  return diags;
}

void
br_pack_free(BrPack *pack)
{
  if (!pack)
    return;
  BrPackSettings *s = &pack->settings;
  g_free(s->name);
  g_free(s->version);
  g_free(s->unit_field);
  g_free(s->unit_fallback);
  g_free(s->port_field);
  g_free(s->date_field);
  g_free(s->history_keys);
  g_free(s->weights_file);
  g_strfreev(s->watchlists);
  g_strfreev(s->required_fields);
  if (s->capacity)
    g_hash_table_destroy(s->capacity);
  g_ptr_array_free(pack->paths, TRUE);
  g_ptr_array_free(pack->contents, TRUE);
  g_ptr_array_free(pack->rules, TRUE);
  g_free(pack->hash);
  g_free(pack->dir);
  g_free(pack);
}

const char *
br_pack_dir(const BrPack *pack)
{
  return pack->dir;
}

const BrPackSettings *
br_pack_settings(const BrPack *pack)
{
  return &pack->settings;
}

guint
br_pack_rule_count(const BrPack *pack)
{
  return pack->rules->len;
}

const BrRuleInfo *
br_pack_rule(const BrPack *pack, guint index)
{
  g_return_val_if_fail(index < pack->rules->len, NULL);
  return g_ptr_array_index(pack->rules, index);
}

const char *
br_pack_hash(const BrPack *pack)
{
  return pack->hash;
}

guint
br_pack_capacity(const BrPack *pack, const char *port)
{
  gpointer v;
  if (g_hash_table_lookup_extended(pack->settings.capacity, port, NULL, &v))
    return GPOINTER_TO_UINT(v);
  return pack->settings.capacity_default;
}

void
br_pack_set_weight(BrPack *pack, guint index, double weight)
{
  g_return_if_fail(index < pack->rules->len);
  ((BrRuleInfo *)g_ptr_array_index(pack->rules, index))->weight = weight;
}
