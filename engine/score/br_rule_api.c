#include "br_rule_api.h"

#include <lauxlib.h>
#include <string.h>

#include "br_checks.h"

const char *const br_rule_api_keys[] = {"id",          "title",       "weight", "tags",   "author",
                                        "valid_from",  "valid_until", "when",   "reason", "tests",
                                        "description", "points",      NULL};

/* The condition builders are Lua: they only check their arguments and describe the
 * condition as a table; the evaluator compiles those tables to C. Kept one Lua line per C
 * line, unformatted, so it reads as Lua. */
/* clang-format off */
static const char prelude[] =
  "local COND = ...\n"
  "local made = setmetatable({}, { __mode = 'k' })\n"
  "local function cond(t) made[t] = true return setmetatable(t, COND) end\n"
  "local function values(v, fn)\n"
  "  if type(v) == 'string' then v = { v } end\n"
  "  if type(v) ~= 'table' or #v == 0 then\n"
  "    error(fn .. ': give a list of values, e.g. { \"EC\", \"CO\" }', 3) end\n"
  "  for i = 1, #v do\n"
  "    if type(v[i]) ~= 'string' and type(v[i]) ~= 'number' then\n"
  "      error(fn .. ': value ' .. i .. ' is a ' .. type(v[i]), 3) end\n"
  "    v[i] = tostring(v[i])\n"
  "  end\n"
  "  return v\n"
  "end\n"
  "local function field(f, fn)\n"
  "  if type(f) ~= 'string' or f == '' then error(fn .. ': the first argument is a field name', 3) end\n"
  "  return f\n"
  "end\n"
  "local function number(n, fn)\n"
  "  if type(n) ~= 'number' then error(fn .. ': compare with a number, not a ' .. type(n), 3) end\n"
  "  return n\n"
  "end\n"
  "local function kids(list, fn)\n"
  "  if type(list) ~= 'table' or #list == 0 then error(fn .. ': give a list of conditions', 3) end\n"
  "  for i = 1, #list do\n"
  "    if not made[list[i]] then error(fn .. ': item ' .. i .. ' is not a condition', 3) end\n"
  "  end\n"
  "  return list\n"
  "end\n"
  "function field_in(f, v) return cond{ op = 'in', field = field(f, 'field_in'), values = values(v, 'field_in') } end\n"
  "function list_any(f, v) return cond{ op = 'list_any', field = field(f, 'list_any'), values = values(v, 'list_any') } end\n"
  "function hs_prefix(f, v)\n"
  "  v = values(v, 'hs_prefix')\n"
  "  for i = 1, #v do\n"
  "    if not v[i]:find('^[%d%.%s]*%d[%d%.%s]*$') then\n"
  "      error('hs_prefix: \"' .. v[i] .. '\" is not an HS code prefix (digits, dots, spaces)', 2) end\n"
  "  end\n"
  "  return cond{ op = 'hs_prefix', field = field(f, 'hs_prefix'), values = v }\n"
  "end\n"
  "function contains(f, v) return cond{ op = 'contains', field = field(f, 'contains'), values = values(v, 'contains') } end\n"
  "for _, op in ipairs{ 'gt', 'ge', 'lt', 'le', 'eq', 'ne' } do\n"
  "  _ENV[op] = function(f, n) return cond{ op = 'cmp', cmp = op, field = field(f, op), num = number(n, op) } end\n"
  "end\n"
  "local ops = { ['>'] = 'gt', ['>='] = 'ge', ['<'] = 'lt', ['<='] = 'le', ['=='] = 'eq', ['~='] = 'ne', ['!='] = 'ne' }\n"
  "function ratio(a, b, op, n)\n"
  "  if not ops[op] then error('ratio: the operator is one of > >= < <= == ~=', 2) end\n"
  "  return cond{ op = 'ratio', field = field(a, 'ratio'), field2 = field(b, 'ratio'), cmp = ops[op], num = number(n, 'ratio') }\n"
  "end\n"
  "function same(a, b) return cond{ op = 'same', field = field(a, 'same'), field2 = field(b, 'same') } end\n"
  "function differ(a, b) return cond{ op = 'differ', field = field(a, 'differ'), field2 = field(b, 'differ') } end\n"
  "function missing(f) return cond{ op = 'missing', field = field(f, 'missing') } end\n"
  "function present(f) return cond{ op = 'present', field = field(f, 'present') } end\n"
  "function all(list) return cond{ op = 'all', kids = kids(list, 'all') } end\n"
  "function any(list) return cond{ op = 'any', kids = kids(list, 'any') } end\n"
  "function no(c) return cond{ op = 'not', kids = kids({ c }, 'no') } end\n"
  "function history(key, op, n, min)\n"
  "  if type(key) ~= 'string' or key == '' then error('history: the first argument is an entity key, e.g. \"consignee_name\"', 2) end\n"
  "  if not ops[op] then error('history: the operator is one of > >= < <= == ~=', 2) end\n"
  "  if min ~= nil and type(min) ~= 'number' then error('history: the minimum of inspections is a number', 2) end\n"
  "  return cond{ op = 'history', key = key, cmp = ops[op], num = number(n, 'history'), min = min or 1 }\n"
  "end\n"
  "function on_watchlist(f, list, min)\n"
  "  if type(f) == 'string' then f = { f } end\n"
  "  if type(f) ~= 'table' or #f == 0 then error('on_watchlist: give a field or a list of fields, e.g. { \"shipper_name\", \"consignee_name\" }', 2) end\n"
  "  for i = 1, #f do field(f[i], 'on_watchlist') end\n"
  "  if type(list) ~= 'string' or list == '' then error('on_watchlist: the second argument is a watchlist name, e.g. \"un\"', 2) end\n"
  "  if min ~= nil and (type(min) ~= 'number' or min <= 0 or min > 1) then error('on_watchlist: the minimum score is a number in (0, 1]', 2) end\n"
  "  return cond{ op = 'watch', fields = f, list = list, num = min }\n"
  "end\n"
  "local kinds = { country = true, port = true, hs = true, container = true, vessel = true, keyword = true }\n"
  "function listed(f, list, kind)\n"
  "  field(f, 'listed')\n"
  "  if type(list) ~= 'string' or list == '' then error('listed: the second argument is a watchlist name, e.g. \"un\"', 2) end\n"
  "  if kind ~= nil and not kinds[kind] then error('listed: the kind is country, port, hs, container, vessel or keyword', 2) end\n"
  "  return cond{ op = 'listed', field = f, list = list, kind = kind }\n"
  "end\n"
  "for _, op in ipairs{ 'bad_container', 'bad_imo', 'unknown_locode', 'unknown_hs', 'unknown_size_type' } do\n"
  "  _ENV[op] = function(f) return cond{ op = op, field = field(f, op) } end\n"
  "end\n"
  "function history_logodds(key, min)\n"
  "  if type(key) ~= 'string' or key == '' then error('history_logodds: the first argument is an entity key, e.g. \"hs6+origin_country\"', 2) end\n"
  "  if min ~= nil and (type(min) ~= 'number' or min < 1) then error('history_logodds: the minimum of inspections is a number >= 1', 2) end\n"
  "  return cond{ op = 'logodds', key = key, min = min or 1 }\n"
  "end\n"
  "function value_norm(key, side, min)\n"
  "  if type(key) ~= 'string' or key == '' then error('value_norm: the first argument is an entity key, e.g. \"hs6+origin_country\"', 2) end\n"
  "  if side ~= 'low' and side ~= 'high' then error('value_norm: the side is \"low\" (value per kg below the norm) or \"high\"', 2) end\n"
  "  if min ~= nil and (type(min) ~= 'number' or min < 1) then error('value_norm: the minimum of past declarations is a number >= 1', 2) end\n"
  "  return cond{ op = 'norm', key = key, side = side, min = min or 5 }\n"
  "end\n";
/* clang-format on */

static int
api_rule(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Debug ar;
  const char *file = "?";
  int line = 0;
  /* A rule made by a helper function of its file is reported where the file's own code called
   * the helper: the outermost frame of the same file, not the helper's rule { } line. */
  char *source = NULL;
  for (int level = 1; lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar); level++) {
    if (source && strcmp(source, ar.source) != 0)
      break;
    if (!source)
      source = g_strdup(ar.source);
    line = ar.currentline;
  }
  if (source)
    file = source[0] == '@' || source[0] == '=' ? source + 1 : source;
  lua_pushstring(L, file);
  lua_setfield(L, 1, "__file");
  g_free(source);
  lua_pushinteger(L, line);
  lua_setfield(L, 1, "__line");
  lua_getfield(L, LUA_REGISTRYINDEX, BR_RULE_API_RULES);
  lua_pushvalue(L, 1);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pop(L, 1);
  return 0;
}

static int
api_iso6346(lua_State *L)
{
  size_t len;
  const char *s = lua_tolstring(L, 1, &len);
  lua_pushboolean(L, s && br_check_iso6346(s, len));
  return 1;
}

static int
api_imo(lua_State *L)
{
  size_t len;
  const char *s = lua_tolstring(L, 1, &len);
  lua_pushboolean(L, s && br_check_imo(s, len));
  return 1;
}

static int
push_hs_part(lua_State *L, gsize n)
{
  size_t len;
  const char *s = lua_tolstring(L, 1, &len);
  char digits[32];
  if (!s || br_hs_digits(s, len, digits, sizeof digits) < n)
    lua_pushnil(L);
  else
    lua_pushlstring(L, digits, n);
  return 1;
}

static int
api_hs_chapter(lua_State *L)
{
  return push_hs_part(L, 2);
}

static int
api_hs_heading(lua_State *L)
{
  return push_hs_part(L, 4);
}

static int
api_upper(lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, len);
  for (size_t i = 0; i < len; i++)
    p[i] = g_ascii_toupper(s[i]);
  luaL_pushresultsize(&b, len);
  return 1;
}

gboolean
br_rule_api_list_item(const char *s, gsize len, char sep, gsize *pos, gsize *start, gsize *end)
{
  while (*pos < len) {
    gsize a = *pos;
    while (*pos < len && s[*pos] != sep)
      ++*pos;
    gsize b = (*pos)++;
    while (a < b && s[a] == ' ')
      a++;
    while (b > a && s[b - 1] == ' ')
      b--;
    if (b > a) {
      *start = a;
      *end = b;
      return TRUE;
    }
  }
  return FALSE;
}

/* br.list(s): iterator over the trimmed, non-empty elements of a list field value. */
static int
list_next(lua_State *L)
{
  size_t len;
  const char *s = lua_tolstring(L, lua_upvalueindex(1), &len);
  char sep = (char)lua_tointeger(L, lua_upvalueindex(2));
  gsize pos = (gsize)lua_tointeger(L, lua_upvalueindex(3)), start, end;
  if (br_rule_api_list_item(s, len, sep, &pos, &start, &end)) {
    lua_pushinteger(L, (lua_Integer)pos);
    lua_replace(L, lua_upvalueindex(3));
    lua_pushlstring(L, s + start, end - start);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)len + 1);
  lua_replace(L, lua_upvalueindex(3));
  return 0;
}

static int
api_list(lua_State *L)
{
  if (lua_isnil(L, 1))
    lua_pushliteral(L, "");
  else
    luaL_checkstring(L, 1);
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, list_next, 3);
  return 1;
}

gboolean
br_rule_api_install(BrSandbox *sb, char list_sep, char **error_message)
{
  lua_State *L = br_sandbox_lua(sb);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, BR_RULE_API_RULES);
  lua_newtable(L);
  lua_pushliteral(L, "condition");
  lua_setfield(L, -2, "__name");
  /* getmetatable() on a condition gives this text, never the table: conditions cannot be
   * forged from Lua. */
  lua_pushliteral(L, "condition");
  lua_setfield(L, -2, "__metatable");
  lua_setfield(L, LUA_REGISTRYINDEX, BR_RULE_API_COND_MT);

  lua_pushcfunction(L, api_rule);
  lua_setglobal(L, "rule");
  lua_newtable(L);
  static const luaL_Reg br[] = {{"iso6346_valid", api_iso6346}, {"imo_valid", api_imo},
                                {"hs_chapter", api_hs_chapter}, {"hs_heading", api_hs_heading},
                                {"upper", api_upper},           {NULL, NULL}};
  luaL_setfuncs(L, br, 0);
  lua_pushinteger(L, list_sep);
  lua_pushcclosure(L, api_list, 1);
  lua_setfield(L, -2, "list");
  lua_setglobal(L, "br");

  if (luaL_loadbufferx(L, prelude, sizeof prelude - 1, "=rule-api", "t") != LUA_OK) {
    *error_message = g_strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return FALSE;
  }
  lua_getfield(L, LUA_REGISTRYINDEX, BR_RULE_API_COND_MT);
  if (br_sandbox_pcall(sb, 1, 0) != LUA_OK) {
    *error_message = g_strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return FALSE;
  }
  static const char *const genuine[][2] = {
      {"string", "find"},      {"string", "sub"},   {"br", "hs_heading"}, {"br", "hs_chapter"},
      {"br", "iso6346_valid"}, {"br", "imo_valid"}, {"br", "list"},       {"math", "abs"}};
  lua_newtable(L);
  for (guint i = 0; i < G_N_ELEMENTS(genuine); i++) {
    lua_getglobal(L, genuine[i][0]);
    lua_getfield(L, -1, genuine[i][1]);
    char *key = g_strconcat(genuine[i][0], ".", genuine[i][1], NULL);
    lua_setfield(L, -3, key);
    g_free(key);
    lua_pop(L, 1);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, BR_RULE_API_GENUINE);
  return TRUE;
}

gboolean
br_rule_api_run_file(BrSandbox *sb, const char *path, GBytes *code, char **error_message)
{
  gsize len;
  const char *text = g_bytes_get_data(code, &len);
  br_sandbox_push_env(sb);
  gboolean ok = br_sandbox_run(sb, text, len, path, -1, error_message);
  lua_pop(br_sandbox_lua(sb), 1);
  return ok;
}

gboolean
br_rule_api_run_files(BrSandbox *sb, GPtrArray *paths, GPtrArray *contents, char **error_message)
{
  for (guint i = 0; i < paths->len; i++)
    if (!br_rule_api_run_file(sb, g_ptr_array_index(paths, i), g_ptr_array_index(contents, i),
                              error_message))
      return FALSE;
  return TRUE;
}

int
br_rule_api_rule_count(lua_State *L)
{
  lua_getfield(L, LUA_REGISTRYINDEX, BR_RULE_API_RULES);
  int n = (int)lua_rawlen(L, -1);
  lua_pop(L, 1);
  return n;
}

void
br_rule_api_push_rule(lua_State *L, int i)
{
  lua_getfield(L, LUA_REGISTRYINDEX, BR_RULE_API_RULES);
  lua_rawgeti(L, -1, i + 1);
  lua_remove(L, -2);
}

/* TRUE when the table at idx was made by the builders, with op `op` (NULL: any). */
static gboolean
is_made(lua_State *L, int idx, const char *op)
{
  idx = lua_absindex(L, idx);
  if (!lua_istable(L, idx) || !lua_getmetatable(L, idx))
    return FALSE;
  lua_getfield(L, LUA_REGISTRYINDEX, BR_RULE_API_COND_MT);
  gboolean is = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  if (is && op) {
    lua_getfield(L, idx, "op");
    is = g_strcmp0(lua_tostring(L, -1), op) == 0;
    lua_pop(L, 1);
  }
  return is;
}

gboolean
br_rule_api_is_cond(lua_State *L, int idx)
{
  return is_made(L, idx, NULL) && !is_made(L, idx, "logodds") && !is_made(L, idx, "norm");
}

gboolean
br_rule_api_points(lua_State *L, int idx, char **key, guint *min, int *norm_side)
{
  *norm_side = 0;
  if (is_made(L, idx, "norm")) {
    lua_getfield(L, idx, "side");
    *norm_side = g_strcmp0(lua_tostring(L, -1), "low") == 0 ? -1 : 1;
    lua_pop(L, 1);
  } else if (!is_made(L, idx, "logodds")) {
    return FALSE;
  }
  idx = lua_absindex(L, idx);
  lua_getfield(L, idx, "key");
  lua_getfield(L, idx, "min");
  *key = g_strdup(lua_tostring(L, -2));
  *min = (guint)lua_tointeger(L, -1);
  lua_pop(L, 2);
  return TRUE;
}

void
br_rule_api_cond_fields(lua_State *L, int idx, void (*visit)(const char *, gpointer), gpointer data)
{
  idx = lua_absindex(L, idx);
  static const char *const keys[] = {"field", "field2"};
  for (guint k = 0; k < G_N_ELEMENTS(keys); k++) {
    if (lua_getfield(L, idx, keys[k]) == LUA_TSTRING)
      visit(lua_tostring(L, -1), data);
    lua_pop(L, 1);
  }
  if (lua_getfield(L, idx, "fields") == LUA_TTABLE) {
    int n = (int)lua_rawlen(L, -1);
    for (int i = 1; i <= n; i++) {
      if (lua_rawgeti(L, -1, i) == LUA_TSTRING)
        visit(lua_tostring(L, -1), data);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "kids") == LUA_TTABLE) {
    int n = (int)lua_rawlen(L, -1);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      br_rule_api_cond_fields(L, -1, visit, data);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}
