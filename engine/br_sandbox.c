#include "br_sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>

#define HOOK_EVERY 1000

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

static void
budget_hook(lua_State *L, lua_Debug *ar)
{
  void *ud;
  lua_getallocf(L, &ud);
  BrSandbox *sb = ud;
  sb->spent += HOOK_EVERY;
  if (sb->spent > sb->budget)
    luaL_error(L, "instruction budget of %I exceeded (endless loop?)", (lua_Integer)sb->budget);
}

static const char *const removed_globals[] = {"load", "loadfile", "dofile", "collectgarbage",
                                              "require", "print", NULL};

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
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},     {LUA_STRLIBNAME, luaopen_string},
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
  lua_getglobal(L, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
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
  sb->spent = 0;
  int rc = lua_pcall(sb->L, nargs, nresults, 0);
  if (rc == LUA_ERRMEM)
    lua_gc(sb->L, LUA_GCCOLLECT);
  return rc;
}

gboolean
br_sandbox_run(BrSandbox *sb, const char *code, gsize len, const char *name,
               char **error_message)
{
  char *chunk = g_strconcat("@", name, NULL);
  int rc = luaL_loadbufferx(sb->L, code, len, chunk, "t");
  g_free(chunk);
  if (rc == LUA_OK)
    rc = br_sandbox_pcall(sb, 0, 0);
  if (rc == LUA_OK)
    return TRUE;
  const char *msg = lua_tostring(sb->L, -1);
  *error_message = g_strdup(msg ? msg : "error object is not a string");
  lua_pop(sb->L, 1);
  return FALSE;
}
