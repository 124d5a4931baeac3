#include "br_sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_EVERY 1000

/* Registry keys. */
#define ENV_MT "br.sandbox.env_mt"
#define READONLY_MT "br.sandbox.readonly_mt" /* table: library name -> its proxy metatable */

static const char *const shared_libs[] = {LUA_STRLIBNAME,  LUA_TABLIBNAME, LUA_MATHLIBNAME,
                                          LUA_UTF8LIBNAME, "br",           NULL};

struct BrSandbox {
  lua_State *L;
  gsize used;
  gsize cap;
  guint64 budget;
  guint64 spent;
};

/* The counting allocator: refusing a growth past the cap makes Lua raise a memory error in
 * the rule that asked, which the pcall around it turns into a rule failure. */
static void *
sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  BrSandbox *sb = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    sb->used -= old;
    return NULL;
  }
  if (nsize > old && sb->used + (nsize - old) > sb->cap)
    return NULL;
  void *p = realloc(ptr, nsize);
  if (p)
    sb->used = sb->used - old + nsize;
  return p;
}

static BrSandbox *
sandbox_of(lua_State *L)
{
  void *ud;
  lua_getallocf(L, &ud);
  return ud;
}

static gboolean
exhausted(const BrSandbox *sb)
{
  return sb->spent > sb->budget;
}

static int
budget_error(lua_State *L)
{
  return luaL_error(L, "instruction budget of %I exceeded (endless loop?)",
                    (lua_Integer)sandbox_of(L)->budget);
}

static void
budget_hook(lua_State *L, lua_Debug *ar)
{
  (void)ar;
  BrSandbox *sb = sandbox_of(L);
  sb->spent += HOOK_EVERY;
  if (exhausted(sb))
    budget_error(L);
}

/* pcall and xpcall with the budget made uncatchable: without this, a rule that wraps an
 * endless loop in pcall swallows every budget error and never returns. */
static int
guarded_call(lua_State *L)
{
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  if (exhausted(sandbox_of(L)))
    return budget_error(L);
  return lua_gettop(L);
}

/* Finalizers run with hooks off (lgc.c), so a __gc that loops could never be stopped:
 * metatables with __gc are refused. */
static int
guarded_setmetatable(lua_State *L)
{
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: __gc is not allowed in rules");
    lua_pop(L, 1);
  }
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, 1);
  return 1;
}

/* Lua's pattern matcher runs in C, where the instruction budget never looks: a pattern with
 * several backtracking quantifiers can take len^k steps on a long field (".-.-.-.-b" on 100 kB
 * would run for ages). Each pattern function first estimates that bound from the subject's
 * length and the pattern's quantifiers and refuses what could exceed ~10^9 steps. One
 * quantifier is at most quadratic and always allowed; a plain find (4th argument true) does no
 * pattern matching at all. */
#define PATTERN_MAX_LOG10_STEPS 9.0

static guint
pattern_quantifiers(const char *p, size_t len)
{
  guint q = 0;
  for (size_t i = 0; i < len; i++) {
    if (p[i] == '%') {
      i++; /* an escaped character, or a class such as %d */
    } else if (p[i] == '[') {
      /* a set: its '-' are ranges; ']' right after '[' or '[^' is a member */
      i++;
      if (i < len && p[i] == '^')
        i++;
      if (i < len && p[i] == ']')
        i++;
      while (i < len && p[i] != ']') {
        if (p[i] == '%')
          i++;
        i++;
      }
    } else if (i > 0 && (p[i] == '*' || p[i] == '+' || p[i] == '-')) {
      q++;
    }
  }
  return q;
}

static int
guarded_pattern(lua_State *L)
{
  size_t slen = 0, plen = 0;
  const char *s = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &slen) : NULL;
  const char *p = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &plen) : NULL;
  gboolean plain = lua_toboolean(L, lua_upvalueindex(2)) && lua_toboolean(L, 4);
  if (s && p && !plain) {
    guint q = pattern_quantifiers(p, plen);
    if (q >= 2 && q * log10((double)slen + 1) > PATTERN_MAX_LOG10_STEPS)
      return luaL_error(L,
                        "pattern '%s' too costly for a text of %d bytes (%d quantifiers): "
                        "simplify it, anchor it, or use a plain find",
                        p, (int)MIN(slen, G_MAXINT), (int)q);
  }
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

static int
readonly_newindex(lua_State *L)
{
  return luaL_error(L, "the %s library is read-only", lua_tostring(L, lua_upvalueindex(1)));
}

static void
guard_global(lua_State *L, const char *name, lua_CFunction guard)
{
  lua_getglobal(L, name);
  lua_pushcclosure(L, guard, 1);
  lua_setglobal(L, name);
}

static const char *const removed_globals[] = {"load",    "loadfile", "dofile", "collectgarbage",
                                              "require", "print",    "warn",   NULL};

BrSandbox *
br_sandbox_new(gsize mem_cap, guint64 budget)
{
  BrSandbox *sb = g_new0(BrSandbox, 1);
  sb->cap = mem_cap;
  sb->budget = budget;
  sb->L = lua_newstate(sandbox_alloc, sb);
  if (!sb->L) {
    g_free(sb);
    return NULL;
  }
  lua_State *L = sb->L;
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},       {LUA_STRLIBNAME, luaopen_string},
                                  {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
                                  {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}};
  for (const luaL_Reg *lib = libs; lib->func; lib++) {
    luaL_requiref(L, lib->name, lib->func, 1);
    lua_pop(L, 1);
  }
  for (const char *const *name = removed_globals; *name; name++) {
    lua_pushnil(L);
    lua_setglobal(L, *name);
  }
  /* string.dump is the way back to bytecode. */
  lua_getglobal(L, LUA_STRLIBNAME);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  /* The string library is also every string's __index: s:find(...) goes through this too. */
  static const char *const pattern_fns[] = {"find", "match", "gmatch", "gsub", NULL};
  for (const char *const *fn = pattern_fns; *fn; fn++) {
    lua_getfield(L, -1, *fn);
    lua_pushboolean(L, strcmp(*fn, "find") == 0);
    lua_pushcclosure(L, guarded_pattern, 2);
    lua_setfield(L, -2, *fn);
  }
  lua_pop(L, 1);
  /* getmetatable("").__index is the string library itself: hide it so no file can patch it. */
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
  guard_global(L, "pcall", guarded_call);
  guard_global(L, "xpcall", guarded_call);
  guard_global(L, "setmetatable", guarded_setmetatable);

  lua_newtable(L);
  lua_pushglobaltable(L);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setfield(L, LUA_REGISTRYINDEX, ENV_MT);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, READONLY_MT);
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return sb;
}

void
br_sandbox_free(BrSandbox *sb)
{
  if (!sb)
    return;
  lua_close(sb->L);
  g_free(sb);
}

lua_State *
br_sandbox_lua(BrSandbox *sb)
{
  return sb->L;
}

gsize
br_sandbox_memory_used(const BrSandbox *sb)
{
  return sb->used;
}

int
br_sandbox_pcall(BrSandbox *sb, int nargs, int nresults)
{
  int base = lua_gettop(sb->L) - nargs - 1;
  sb->spent = 0;
  int rc = lua_pcall(sb->L, nargs, nresults, 0);
  if (rc != LUA_OK)
    lua_gc(sb->L, LUA_GCCOLLECT);
  g_assert(nresults == LUA_MULTRET || lua_gettop(sb->L) == base + (rc == LUA_OK ? nresults : 1));
  return rc;
}

/* The read-only view of library `name` (a global), its metatable made once per state. */
static void
push_readonly_lib(lua_State *L, const char *name)
{
  lua_newtable(L);
  lua_getfield(L, LUA_REGISTRYINDEX, READONLY_MT);
  if (lua_getfield(L, -1, name) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_getglobal(L, name);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_pushcclosure(L, readonly_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name);
  }
  lua_setmetatable(L, -3);
  lua_pop(L, 1);
}

void
br_sandbox_push_env(BrSandbox *sb)
{
  lua_State *L = sb->L;
  lua_newtable(L);
  for (const char *const *lib = shared_libs; *lib; lib++) {
    lua_getglobal(L, *lib);
    gboolean present = lua_istable(L, -1);
    lua_pop(L, 1);
    if (!present)
      continue;
    push_readonly_lib(L, *lib);
    lua_setfield(L, -2, *lib);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, LUA_GNAME);
  lua_getfield(L, LUA_REGISTRYINDEX, ENV_MT);
  lua_setmetatable(L, -2);
}

gboolean
br_sandbox_run(BrSandbox *sb, const char *code, gsize len, const char *name, int env,
               char **error_message)
{
  lua_State *L = sb->L;
  if (env)
    env = lua_absindex(L, env);
  char *chunk = g_strconcat("@", name, NULL);
  int rc = luaL_loadbufferx(L, code, len, chunk, "t");
  g_free(chunk);
  if (rc == LUA_OK && env) {
    lua_pushvalue(L, env);
    lua_setupvalue(L, -2, 1);
  }
  if (rc == LUA_OK)
    rc = br_sandbox_pcall(sb, 0, 0);
  if (rc == LUA_OK)
    return TRUE;
  const char *msg = lua_tostring(L, -1);
  *error_message = g_strdup(msg ? msg : "error object is not a string");
  lua_pop(L, 1);
  return FALSE;
}
