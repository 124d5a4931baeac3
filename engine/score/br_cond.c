#include "br_cond.h"

#include <lauxlib.h>
#include <string.h>

#include "br_checks.h"
#include "br_reference.h"
#include "br_rule_api.h"
#include "br_rules.h"

typedef enum {
  OP_IN,
  OP_LIST_ANY,
  OP_HS_PREFIX,
  OP_CONTAINS,
  OP_CMP,
  OP_RATIO,
  OP_SAME,
  OP_DIFFER,
  OP_MISSING,
  OP_PRESENT,
  OP_ALL,
  OP_ANY,
  OP_NOT,
  OP_HISTORY,
  OP_WATCH,
  OP_LISTED,
  OP_BAD_CONTAINER,
  OP_BAD_IMO,
  OP_UNKNOWN_LOCODE,
  OP_UNKNOWN_HS,
  OP_UNKNOWN_SIZE_TYPE,
} Op;

/* Sets of up to this many values are searched in order: for the few values of a typical
 * field_in, comparing lengths and bytes is several times cheaper than hashing the text. */
#define SMALL_SET 16

typedef enum { CMP_GT, CMP_GE, CMP_LT, CMP_LE, CMP_EQ, CMP_NE } Cmp;

struct BrCond {
  Op op;
  Cmp cmp;
  int field, field2;
  char sep;
  double num;
  GHashTable *set; /* OP_IN, OP_LIST_ANY */
  /* OP_HS_PREFIX (digits), OP_CONTAINS (upper case), OP_IN/OP_LIST_ANY of a small set */
  char **needles;
  gsize *needle_len;
  guint nneedles;
  BrCond **kids;
  guint nkids;
  char *key;     /* OP_HISTORY: entity key name */
  int key_index; /* in the bound history's keys, -1 when unbound or unknown */
  guint min_inspections;
  const BrHistory *history;
  const gint32 *cut_day; /* NULL: the whole snapshot */
  /* OP_WATCH (fields screened by name) and OP_LISTED (field, kind): the list is in key */
  int *fields;
  guint nfields;
  int *party; /* OP_WATCH: per field, its party's country, birth date and id fields (-1: none) */
  BrWatchKind kind;
  const BrWatchSet *watch;
  BrNameScratch *scratch;
  guint64 list_mask;
  const guint64 *seq; /* the evaluator's line counter: a hit belongs to the line it was on */
  guint64 hit_seq;
  int hit_field;
  BrWatchHit hit;
  const BrReference *reference; /* OP_UNKNOWN_*: NULL until bound, then they can fire */
};

static const char *const op_names[] = {"in",
                                       "list_any",
                                       "hs_prefix",
                                       "contains",
                                       "cmp",
                                       "ratio",
                                       "same",
                                       "differ",
                                       "missing",
                                       "present",
                                       "all",
                                       "any",
                                       "not",
                                       "history",
                                       "watch",
                                       "listed",
                                       "bad_container",
                                       "bad_imo",
                                       "unknown_locode",
                                       "unknown_hs",
                                       "unknown_size_type"};
static const char *const cmp_names[] = {"gt", "ge", "lt", "le", "eq", "ne"};

void
br_cond_free(BrCond *c)
{
  if (!c)
    return;
  if (c->set)
    g_hash_table_destroy(c->set);
  g_strfreev(c->needles);
  g_free(c->needle_len);
  for (guint i = 0; i < c->nkids; i++)
    br_cond_free(c->kids[i]);
  g_free(c->kids);
  g_free(c->key);
  g_free(c->fields);
  g_free(c->party);
  g_free(c);
}

static int
lookup_index(const char *const *names, guint n, const char *name)
{
  for (guint i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0)
      return (int)i;
  return -1;
}

static gboolean
resolve_field(lua_State *L, int idx, const char *key, const BrSchema *schema, int *out,
              gboolean numeric, GError **error)
{
  const char *name = lua_getfield(L, idx, key) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  int f = name ? br_schema_find(schema, name) : -1;
  if (f < 0) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD, "unknown field \"%s\"",
                name ? name : "?");
    lua_pop(L, 1);
    return FALSE;
  }
  BrType type = br_schema_field(schema, (guint)f)->type;
  if (numeric && type != BR_TYPE_INT && type != BR_TYPE_DECIMAL && type != BR_TYPE_DATE) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD,
                "field \"%s\" is %s, not a number: give it a number type in the column profile",
                name, br_type_name(type));
    lua_pop(L, 1);
    return FALSE;
  }
  lua_pop(L, 1);
  *out = f;
  return TRUE;
}

/* Reads the condition's "values" list as trimmed strings. A condition table is a plain table
 * the rule file could have changed after the builder checked it, so it is checked again. */
static GPtrArray *
read_values(lua_State *L, int idx, GError **error)
{
  GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
  int n = lua_getfield(L, idx, "values") == LUA_TTABLE ? (int)lua_rawlen(L, -1) : 0;
  for (int i = 1; i <= n; i++) {
    int t = lua_rawgeti(L, -1, i);
    if (t == LUA_TSTRING || t == LUA_TNUMBER)
      g_ptr_array_add(vals, g_strstrip(g_strdup(lua_tostring(L, -1))));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (n == 0 || vals->len != (guint)n) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID,
                "the condition's values must be a list of texts or numbers");
    g_ptr_array_free(vals, TRUE);
    return NULL;
  }
  return vals;
}

static gboolean
read_cmp(lua_State *L, int idx, BrCond *c, GError **error)
{
  lua_getfield(L, idx, "cmp");
  int cmp = lua_type(L, -1) == LUA_TSTRING
                ? lookup_index(cmp_names, G_N_ELEMENTS(cmp_names), lua_tostring(L, -1))
                : -1;
  int isnum = 0;
  lua_getfield(L, idx, "num");
  c->num = lua_tonumberx(L, -1, &isnum);
  lua_pop(L, 2);
  if (cmp < 0 || !isnum) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID,
                "the comparison needs an operator and a number");
    return FALSE;
  }
  c->cmp = (Cmp)cmp;
  return TRUE;
}

static char *
read_list_name(lua_State *L, int idx)
{
  lua_getfield(L, idx, "list");
  char *name = lua_type(L, -1) == LUA_TSTRING ? g_strdup(lua_tostring(L, -1)) : NULL;
  lua_pop(L, 1);
  return name;
}

/* The fields that say more of the party a name field names: consignee_name has
 * consignee_country, consignee_birth_date and consignee_id; vessel_name has vessel_imo as its
 * id. Those a layout lacks are -1. */
static void
party_fields(const BrSchema *schema, const char *name_field, int out[3])
{
  static const char *const suffix[3] = {"_country", "_birth_date", "_id"};
  out[0] = out[1] = out[2] = -1;
  if (!g_str_has_suffix(name_field, "_name"))
    return;
  gsize stem = strlen(name_field) - 5;
  for (guint k = 0; k < 3; k++) {
    gboolean vessel_id = k == 2 && stem == 6 && strncmp(name_field, "vessel", 6) == 0;
    char *f = g_strdup_printf("%.*s%s", (int)stem, name_field, vessel_id ? "_imo" : suffix[k]);
    out[k] = br_schema_find(schema, f);
    g_free(f);
  }
}

static gboolean
read_watch(lua_State *L, int idx, const BrSchema *schema, BrCond *c, GError **error)
{
  int n = lua_getfield(L, idx, "fields") == LUA_TTABLE ? (int)lua_rawlen(L, -1) : 0;
  c->fields = g_new0(int, n > 0 ? n : 1);
  char *first_unknown = NULL;
  for (int i = 1; i <= n; i++) {
    const char *name = lua_rawgeti(L, -1, i) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int f = name ? br_schema_find(schema, name) : -1;
    /* The parties a layout lacks are left out: screening the ones it has goes on
     * (br_fields.h). */
    if (f >= 0)
      c->fields[c->nfields++] = f;
    else if (!first_unknown)
      first_unknown = g_strdup(name ? name : "?");
    lua_pop(L, 1);
  }
  if (c->nfields == 0 && n > 0) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD, "unknown field \"%s\"", first_unknown);
    g_free(first_unknown);
    lua_pop(L, 1);
    return FALSE;
  }
  g_free(first_unknown);
  lua_pop(L, 1);
  c->party = g_new(int, 3 * MAX(c->nfields, 1));
  for (guint i = 0; i < c->nfields; i++)
    party_fields(schema, br_schema_field(schema, (guint)c->fields[i])->name, c->party + 3 * i);
  lua_getfield(L, idx, "num");
  c->num = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : BR_NAME_DEFAULT_THRESHOLD;
  lua_pop(L, 1);
  c->key = read_list_name(L, idx);
  if (c->nfields == 0 || !c->key) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID,
                "on_watchlist needs fields and a watchlist name");
    return FALSE;
  }
  return TRUE;
}

/* The kind of value a field holds, from its canonical name. */
static gboolean
kind_of_field(const char *name, BrWatchKind *kind)
{
  static const struct {
    const char *field;
    BrWatchKind kind;
  } kinds[] = {{"container", BR_WATCH_CONTAINER},
               {"origin_country", BR_WATCH_COUNTRY},
               {"shipper_country", BR_WATCH_COUNTRY},
               {"consignee_country", BR_WATCH_COUNTRY},
               {"port", BR_WATCH_PORT},
               {"load_port", BR_WATCH_PORT},
               {"discharge_port", BR_WATCH_PORT},
               {"transship_ports", BR_WATCH_PORT},
               {"hs_code", BR_WATCH_HS},
               {"vessel_imo", BR_WATCH_VESSEL},
               {"description", BR_WATCH_KEYWORD}};
  for (guint i = 0; i < G_N_ELEMENTS(kinds); i++)
    if (strcmp(name, kinds[i].field) == 0) {
      *kind = kinds[i].kind;
      return TRUE;
    }
  return FALSE;
}

static gboolean
read_listed(lua_State *L, int idx, const BrSchema *schema, BrCond *c, GError **error)
{
  const char *fname = br_schema_field(schema, (guint)c->field)->name;
  c->key = read_list_name(L, idx);
  lua_getfield(L, idx, "kind");
  gboolean ok = lua_type(L, -1) == LUA_TSTRING ? br_watch_kind_parse(lua_tostring(L, -1), &c->kind)
                                               : kind_of_field(fname, &c->kind);
  lua_pop(L, 1);
  if (!ok || !c->key) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID,
                "listed: say which kind of value \"%s\" holds: listed(\"%s\", \"LIST\", "
                "\"country\"), or port, hs, container, vessel, keyword",
                fname, fname);
    return FALSE;
  }
  return TRUE;
}

BrCond *
br_cond_compile(lua_State *L, int idx, const BrSchema *schema, GError **error)
{
  idx = lua_absindex(L, idx);
  BrCond *c = g_new0(BrCond, 1);
  c->sep = br_schema_list_separator(schema);
  int op = -1;
  if (br_rule_api_is_cond(L, idx)) {
    if (lua_getfield(L, idx, "op") == LUA_TSTRING)
      op = lookup_index(op_names, G_N_ELEMENTS(op_names), lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  if (op < 0) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID, "not a condition");
    goto fail;
  }
  c->op = (Op)op;
  switch (c->op) {
  case OP_IN:
  case OP_LIST_ANY: {
    if (!resolve_field(L, idx, "field", schema, &c->field, FALSE, error))
      goto fail;
    GPtrArray *vals = read_values(L, idx, error);
    if (!vals)
      goto fail;
    if (vals->len <= SMALL_SET) {
      c->nneedles = vals->len;
      c->needles = g_new0(char *, vals->len + 1);
      c->needle_len = g_new0(gsize, vals->len);
      for (guint i = 0; i < vals->len; i++) {
        c->needles[i] = g_strdup(g_ptr_array_index(vals, i));
        c->needle_len[i] = strlen(c->needles[i]);
      }
    } else {
      c->set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < vals->len; i++)
        g_hash_table_add(c->set, g_strdup(g_ptr_array_index(vals, i)));
    }
    g_ptr_array_free(vals, TRUE);
    break;
  }
  case OP_HS_PREFIX:
  case OP_CONTAINS: {
    if (!resolve_field(L, idx, "field", schema, &c->field, FALSE, error))
      goto fail;
    GPtrArray *vals = read_values(L, idx, error);
    if (!vals)
      goto fail;
    c->nneedles = vals->len;
    c->needles = g_new0(char *, vals->len + 1);
    c->needle_len = g_new0(gsize, vals->len);
    for (guint i = 0; i < vals->len; i++) {
      const char *v = g_ptr_array_index(vals, i);
      if (c->op == OP_HS_PREFIX) {
        char digits[32];
        if (br_hs_digits(v, strlen(v), digits, sizeof digits) == 0) {
          g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID,
                      "hs_prefix: \"%s\" is not an HS code prefix (digits)", v);
          g_ptr_array_free(vals, TRUE);
          goto fail;
        }
        c->needles[i] = g_strdup(digits);
      } else {
        c->needles[i] = g_ascii_strup(v, -1);
      }
      c->needle_len[i] = strlen(c->needles[i]);
    }
    g_ptr_array_free(vals, TRUE);
    break;
  }
  case OP_CMP:
  case OP_RATIO: {
    gboolean ratio = c->op == OP_RATIO;
    if (!resolve_field(L, idx, "field", schema, &c->field, TRUE, error) ||
        (ratio && !resolve_field(L, idx, "field2", schema, &c->field2, TRUE, error)) ||
        !read_cmp(L, idx, c, error))
      goto fail;
    break;
  }
  case OP_SAME:
  case OP_DIFFER:
    if (!resolve_field(L, idx, "field", schema, &c->field, FALSE, error) ||
        !resolve_field(L, idx, "field2", schema, &c->field2, FALSE, error))
      goto fail;
    break;
  case OP_MISSING:
  case OP_PRESENT:
  case OP_BAD_CONTAINER:
  case OP_BAD_IMO:
  case OP_UNKNOWN_LOCODE:
  case OP_UNKNOWN_HS:
  case OP_UNKNOWN_SIZE_TYPE:
    if (!resolve_field(L, idx, "field", schema, &c->field, FALSE, error))
      goto fail;
    break;
  case OP_WATCH:
    if (!read_watch(L, idx, schema, c, error))
      goto fail;
    break;
  case OP_LISTED:
    if (!resolve_field(L, idx, "field", schema, &c->field, FALSE, error) ||
        !read_listed(L, idx, schema, c, error))
      goto fail;
    break;
  case OP_HISTORY:
    if (!read_cmp(L, idx, c, error))
      goto fail;
    lua_getfield(L, idx, "key");
    c->key = g_strdup(lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "");
    lua_getfield(L, idx, "min");
    c->min_inspections = (guint)CLAMP(lua_tointeger(L, -1), 0, G_MAXINT);
    lua_pop(L, 2);
    c->key_index = -1;
    break;
  case OP_ALL:
  case OP_ANY:
  case OP_NOT: {
    guint n = lua_getfield(L, idx, "kids") == LUA_TTABLE ? (guint)lua_rawlen(L, -1) : 0;
    if (n == 0 || (c->op == OP_NOT && n != 1)) {
      lua_pop(L, 1);
      g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_INVALID,
                  "all/any need a list of conditions, no one condition");
      goto fail;
    }
    c->nkids = n;
    c->kids = g_new0(BrCond *, c->nkids);
    for (guint i = 0; i < c->nkids; i++) {
      lua_rawgeti(L, -1, (lua_Integer)i + 1);
      c->kids[i] = br_cond_compile(L, -1, schema, error);
      lua_pop(L, 1);
      if (!c->kids[i]) {
        lua_pop(L, 1);
        goto fail;
      }
    }
    lua_pop(L, 1);
    break;
  }
  }
  return c;

fail:
  br_cond_free(c);
  return NULL;
}

static gboolean
compare(Cmp cmp, double a, double b)
{
  switch (cmp) {
  case CMP_GT:
    return a > b;
  case CMP_GE:
    return a >= b;
  case CMP_LT:
    return a < b;
  case CMP_LE:
    return a <= b;
  case CMP_EQ:
    return a == b;
  case CMP_NE:
    return a != b;
  }
  return FALSE;
}

/* g_ascii_toupper is a function call per byte; this is the same for ASCII, inline. */
#define UPPER(c) ((c) >= 'a' && (c) <= 'z' ? (char)((c) - 'a' + 'A') : (c))

static gboolean
contains_upper(const char *hay, gsize hay_len, const char *needle, gsize n)
{
  if (n == 0)
    return TRUE;
  for (gsize i = 0; i + n <= hay_len; i++) {
    if (UPPER(hay[i]) != needle[0])
      continue;
    gsize k = 1;
    while (k < n && UPPER(hay[i + k]) == needle[k])
      k++;
    if (k == n)
      return TRUE;
  }
  return FALSE;
}

/* TRUE when the text s (NUL-terminated, len bytes) is in the set of an OP_IN or OP_LIST_ANY
 * condition, compared as C strings as the hash table does. */
static gboolean
set_has(const BrCond *c, const char *s, gsize len)
{
  if (c->set)
    return g_hash_table_contains(c->set, s);
  for (guint i = 0; i < c->nneedles; i++) {
    gsize n = c->needle_len[i];
    /* n <= len keeps the n + 1 bytes read (the terminator included) inside s. */
    if (n <= len && s[0] == c->needles[i][0] && memcmp(s, c->needles[i], n + 1) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Each list element is trimmed and looked up without copying to the heap; an element longer
 * than any sensible code cannot be in the set. */
static gboolean
list_any(const BrCond *c, const BrValue *v)
{
  const char *s = v->str, *end = v->str + v->len;
  char buf[256];
  while (s < end) {
    const char *e = memchr(s, c->sep, (gsize)(end - s));
    if (!e)
      e = end;
    const char *a = s, *b = e;
    while (a < b && *a == ' ')
      a++;
    while (b > a && b[-1] == ' ')
      b--;
    gsize n = (gsize)(b - a);
    if (n > 0 && n < sizeof buf) {
      memcpy(buf, a, n);
      buf[n] = '\0';
      if (set_has(c, buf, n))
        return TRUE;
    }
    s = e + 1;
  }
  return FALSE;
}

void
br_cond_bind_history_cut(BrCond *c, const BrHistory *history, const gint32 *cut_day)
{
  if (c->op == OP_HISTORY) {
    c->history = history;
    c->cut_day = cut_day;
    c->key_index = history ? br_entity_keys_find(br_history_keys(history), c->key) : -1;
  }
  for (guint i = 0; i < c->nkids; i++)
    br_cond_bind_history_cut(c->kids[i], history, cut_day);
}

void
br_cond_bind_history(BrCond *c, const BrHistory *history)
{
  br_cond_bind_history_cut(c, history, NULL);
}

static gboolean
history_eval(const BrCond *c, const BrValue *rec)
{
  if (c->key_index < 0)
    return FALSE;
  const BrEntityKeys *keys = br_history_keys(c->history);
  char value[BR_ENTITY_VALUE_MAX];
  guint inspections = 0;
  double rate = 0;
  if (!br_entity_keys_value(keys, (guint)c->key_index, rec, value))
    return FALSE;
  br_history_lookup_cut(c->history, (guint)c->key_index, value,
                        c->cut_day ? *c->cut_day : BR_HISTORY_NO_CUT, &inspections, NULL, &rate);
  return inspections >= c->min_inspections && compare(c->cmp, rate, c->num);
}

/* A hit is kept in the node (each worker compiles its own tree) for the reason. */
static gboolean
watch_eval(BrCond *c, const BrValue *rec)
{
  if (!c->list_mask)
    return FALSE;
  for (guint i = 0; i < c->nfields; i++) {
    const BrValue *v = &rec[c->fields[i]];
    if (v->missing)
      continue;
    BrWatchParty party = {0};
    const int *pf = c->party + 3 * i;
    const char **text[3] = {&party.country, &party.birth_date, &party.id};
    gsize *len[3] = {&party.country_len, &party.birth_date_len, &party.id_len};
    for (guint k = 0; k < 3; k++)
      if (pf[k] >= 0 && !rec[pf[k]].missing) {
        *text[k] = rec[pf[k]].str;
        *len[k] = rec[pf[k]].len;
      }
    if (br_watch_set_match_party(c->watch, c->scratch, v->str, v->len, &party, c->list_mask, c->num,
                                 FALSE, &c->hit, 1) == 1) {
      c->hit_field = c->fields[i];
      c->hit_seq = *c->seq;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
listed_eval(BrCond *c, const BrValue *rec)
{
  const BrValue *v = &rec[c->field];
  if (!c->list_mask || v->missing)
    return FALSE;
  /* A list field (transship_ports) is listed when any element is. */
  const char *s = v->str, *end = v->str + v->len;
  gboolean split = c->kind != BR_WATCH_KEYWORD && memchr(s, c->sep, v->len) != NULL;
  while (s < end) {
    const char *e = split ? memchr(s, c->sep, (gsize)(end - s)) : NULL;
    if (!e)
      e = end;
    while (s < e && *s == ' ')
      s++;
    if (e > s && br_watch_set_lookup(c->watch, c->kind, s, e - s, c->list_mask, &c->hit)) {
      c->hit_field = c->field;
      c->hit_seq = *c->seq;
      return TRUE;
    }
    s = e + 1;
  }
  return FALSE;
}

void
br_cond_bind_watch(BrCond *c, const BrWatchSet *watch, BrNameScratch *scratch, const guint64 *seq)
{
  if (c->op == OP_WATCH || c->op == OP_LISTED) {
    c->watch = watch;
    c->scratch = scratch;
    c->seq = seq;
    c->hit_seq = G_MAXUINT64;
    c->list_mask = watch ? br_watch_set_list_mask(watch, c->key) : 0;
  }
  for (guint i = 0; i < c->nkids; i++)
    br_cond_bind_watch(c->kids[i], watch, scratch, seq);
}

void
br_cond_bind_reference(BrCond *c, const BrReference *reference)
{
  c->reference = reference;
  for (guint i = 0; i < c->nkids; i++)
    br_cond_bind_reference(c->kids[i], reference);
}

gboolean
br_cond_needs_reference(const BrCond *c)
{
  if (c->op == OP_UNKNOWN_LOCODE || c->op == OP_UNKNOWN_HS || c->op == OP_UNKNOWN_SIZE_TYPE)
    return TRUE;
  for (guint i = 0; i < c->nkids; i++)
    if (br_cond_needs_reference(c->kids[i]))
      return TRUE;
  return FALSE;
}

const char *
br_cond_unknown_list(const BrCond *c)
{
  if ((c->op == OP_WATCH || c->op == OP_LISTED) && c->watch && !c->list_mask)
    return c->key;
  for (guint i = 0; i < c->nkids; i++) {
    const char *name = br_cond_unknown_list(c->kids[i]);
    if (name)
      return name;
  }
  return NULL;
}

/* start: where this explanation began in out, so hits are joined with "; " after it only. */
static gboolean
explain(const BrCond *c, const BrSchema *schema, const BrValue *rec, GString *out, gsize start)
{
  if ((c->op == OP_WATCH || c->op == OP_LISTED) && c->seq && c->hit_seq == *c->seq) {
    const BrWatchHit *h = &c->hit;
    const char *field = br_schema_field(schema, (guint)c->hit_field)->name;
    if (out->len > start)
      g_string_append(out, "; ");
    if (c->op == OP_WATCH) {
      /* The listed name that matched, when it is an alias rather than the entry's name. */
      gboolean alias = h->matched && h->entry_name && strcmp(h->matched, h->entry_name) != 0;
      const BrValue *v = &rec[c->hit_field];
      g_string_append_printf(out, "%s \"%.*s\" ~ %s %s \"%s\"", field, (int)MIN(v->len, 200u),
                             v->str, h->list, h->entry_ref ? h->entry_ref : "-",
                             h->entry_name ? h->entry_name : "");
      if (alias)
        g_string_append_printf(out, " (as \"%s\")", h->matched);
      g_string_append_printf(out, " %.2f [%s]", h->score, h->tokens);
      if (h->common || h->corroboration.any) {
        g_string_append(out, " (");
        br_watch_hit_describe(h, out);
        g_string_append_c(out, ')');
      }
    } else {
      g_string_append_printf(out, "%s %s listed on %s (%s %s)", field, h->tokens, h->list,
                             br_watch_kind_name(h->kind), h->entry_ref ? h->entry_ref : "-");
    }
    return TRUE;
  }
  gboolean any = FALSE;
  for (guint i = 0; i < c->nkids; i++)
    any |= explain(c->kids[i], schema, rec, out, start);
  return any;
}

gboolean
br_cond_explain(const BrCond *c, const BrSchema *schema, const BrValue *rec, GString *out)
{
  return explain(c, schema, rec, out, out->len);
}

gboolean
br_cond_eval(const BrCond *c, const BrValue *rec)
{
  const BrValue *v = &rec[c->field];
  switch (c->op) {
  case OP_IN:
    return !v->missing && set_has(c, v->str, v->len);
  case OP_LIST_ANY:
    return !v->missing && list_any(c, v);
  case OP_HS_PREFIX: {
    char digits[32];
    gsize n = v->missing ? 0 : br_hs_digits(v->str, v->len, digits, sizeof digits);
    for (guint i = 0; i < c->nneedles; i++)
      if (n >= c->needle_len[i] && memcmp(digits, c->needles[i], c->needle_len[i]) == 0)
        return TRUE;
    return FALSE;
  }
  case OP_CONTAINS:
    if (v->missing)
      return FALSE;
    for (guint i = 0; i < c->nneedles; i++)
      if (contains_upper(v->str, v->len, c->needles[i], c->needle_len[i]))
        return TRUE;
    return FALSE;
  case OP_CMP:
    return !v->missing && compare(c->cmp, v->num, c->num);
  case OP_RATIO: {
    const BrValue *w = &rec[c->field2];
    return !v->missing && !w->missing && w->num != 0 && compare(c->cmp, v->num / w->num, c->num);
  }
  case OP_SAME:
  case OP_DIFFER: {
    const BrValue *w = &rec[c->field2];
    if (v->missing || w->missing)
      return FALSE;
    gboolean same = v->len == w->len && memcmp(v->str, w->str, v->len) == 0;
    return c->op == OP_SAME ? same : !same;
  }
  case OP_MISSING:
    return v->missing;
  case OP_PRESENT:
    return !v->missing;
  case OP_ALL:
    for (guint i = 0; i < c->nkids; i++)
      if (!br_cond_eval(c->kids[i], rec))
        return FALSE;
    return TRUE;
  case OP_ANY:
    for (guint i = 0; i < c->nkids; i++)
      if (br_cond_eval(c->kids[i], rec))
        return TRUE;
    return FALSE;
  case OP_NOT:
    return !br_cond_eval(c->kids[0], rec);
  case OP_HISTORY:
    return history_eval(c, rec);
  case OP_BAD_CONTAINER:
    return !v->missing && !br_check_iso6346(v->str, v->len);
  case OP_BAD_IMO:
    return !v->missing && !br_check_imo(v->str, v->len);
  case OP_UNKNOWN_LOCODE:
    return c->reference && !v->missing && !br_reference_locode(c->reference, v->str, v->len);
  case OP_UNKNOWN_HS:
    return c->reference && !v->missing && !br_reference_hs(c->reference, v->str, v->len);
  case OP_UNKNOWN_SIZE_TYPE:
    return c->reference && !v->missing && !br_reference_size_type(c->reference, v->str, v->len);
  case OP_WATCH:
    return watch_eval((BrCond *)c, rec);
  case OP_LISTED:
    return listed_eval((BrCond *)c, rec);
  }
  return FALSE;
}
