#include "br_lua_line.h"

#include <lauxlib.h>

struct BrLuaLine {
  const BrValue *rec;
  int ref; /* registry reference that keeps the userdata alive */
};

/* The field table maps each name to (index << 1) | numeric, so a read needs no schema call. */
static int
line_index(lua_State *L)
{
  /* No luaL_checkudata: this function is reachable only as the view's __index, and the view's
   * metatable is hidden (__metatable), so argument 1 is always a view. */
  const BrLuaLine *v = lua_touserdata(L, 1);
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNUMBER)
    return luaL_error(L, "the line has no field \"%s\"", luaL_tolstring(L, 2, NULL));
  if (!v->rec)
    return luaL_error(L, "the line is read outside its rule call");
  lua_Integer code = lua_tointeger(L, -1);
  const BrValue *val = &v->rec[code >> 1];
  if (val->missing)
    lua_pushnil(L);
  else if (code & 1)
    lua_pushnumber(L, val->num);
  else
    lua_pushlstring(L, val->str, val->len);
  return 1;
}

static int
line_newindex(lua_State *L)
{
  return luaL_error(L, "the line is read-only");
}

BrLuaLine *
br_lua_line_new(lua_State *L, const BrSchema *schema)
{
  BrLuaLine *view = lua_newuserdatauv(L, sizeof(BrLuaLine), 0);
  view->rec = NULL;
  lua_createtable(L, 0, 4);
  guint n = br_schema_size(schema);
  lua_createtable(L, 0, (int)n);
  for (guint i = 0; i < n; i++) {
    const BrField *f = br_schema_field(schema, i);
    gboolean numeric = f->type == BR_TYPE_INT || f->type == BR_TYPE_DECIMAL;
    lua_pushinteger(L, ((lua_Integer)i << 1) | numeric);
    lua_setfield(L, -2, f->name);
  }
  lua_pushcclosure(L, line_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, line_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushliteral(L, "line");
  lua_setfield(L, -2, "__name");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  view->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return view;
}

void
br_lua_line_push(lua_State *L, const BrLuaLine *view)
{
  lua_rawgeti(L, LUA_REGISTRYINDEX, view->ref);
}

void
br_lua_line_set(BrLuaLine *view, const BrValue *record)
{
  view->rec = record;
}
