/* The sandbox around every rule: what rules cannot reach, and limits that stop runaway code
 * without losing the state. */
#include <string.h>

#include <glib.h>
#include <lauxlib.h>

#include "br_sandbox.h"

/* Runs code in the sandbox's globals; returns the Lua status and leaves nothing on the stack.
 * The error message, if any, goes to *msg. */
static int
run(BrSandbox *sb, const char *code, char **msg)
{
  lua_State *L = br_sandbox_lua(sb);
  int top = lua_gettop(L);
  g_assert_cmpint(luaL_loadstring(L, code), ==, LUA_OK);
  int rc = br_sandbox_pcall(sb, 0, 0);
  if (rc != LUA_OK) {
    if (msg)
      *msg = g_strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  g_assert_cmpint(lua_gettop(L), ==, top);
  return rc;
}

static gboolean
truthy(BrSandbox *sb, const char *expr)
{
  lua_State *L = br_sandbox_lua(sb);
  char *code = g_strconcat("return ", expr, NULL);
  g_assert_cmpint(luaL_loadstring(L, code), ==, LUA_OK);
  g_free(code);
  g_assert_cmpint(br_sandbox_pcall(sb, 0, 1), ==, LUA_OK);
  gboolean v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

static void
test_no_escape(void)
{
  BrSandbox *sb = br_sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  g_assert_true(truthy(sb, "os == nil and io == nil and package == nil and debug == nil"));
  g_assert_true(truthy(sb, "load == nil and loadfile == nil and dofile == nil and require == nil"));
  g_assert_true(truthy(sb, "collectgarbage == nil and string.dump == nil and print == nil"));
  g_assert_true(truthy(sb, "coroutine == nil and warn == nil"));
  g_assert_true(truthy(sb, "getmetatable('') == false"));
  g_assert_true(truthy(sb, "string.format('%d', 7) == '7' and math.max(1, 2) == 2"));

  char *msg = NULL;
  g_assert_false(br_sandbox_run(sb, "os.execute('touch /tmp/pwned')", 30, "x.lua", 0, &msg));
  g_assert_nonnull(strstr(msg, "x.lua:1:"));
  g_assert_nonnull(strstr(msg, "os"));
  g_clear_pointer(&msg, g_free);
  g_assert_false(br_sandbox_run(sb, "io.open('/etc/passwd')", 22, "y.lua", 0, &msg));
  g_assert_nonnull(strstr(msg, "y.lua:1:"));
  g_clear_pointer(&msg, g_free);
  /* Bytecode is refused even when handed over as a chunk. */
  g_assert_false(br_sandbox_run(sb, "\x1bLua", 4, "z.luac", 0, &msg));
  g_assert_nonnull(strstr(msg, "binary"));
  g_clear_pointer(&msg, g_free);
  g_assert_cmpint(lua_gettop(br_sandbox_lua(sb)), ==, 0);
  br_sandbox_free(sb);
}

static void
test_budget(void)
{
  BrSandbox *sb = br_sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, 100000);
  char *msg = NULL;
  g_assert_cmpint(run(sb, "while true do end", &msg), ==, LUA_ERRRUN);
  g_assert_nonnull(strstr(msg, "instruction budget of 100000 exceeded"));
  g_clear_pointer(&msg, g_free);
  /* pcall cannot swallow the budget: the loop around it would never end. */
  g_assert_cmpint(run(sb, "while true do pcall(function() while true do end end) end", &msg), ==,
                  LUA_ERRRUN);
  g_assert_nonnull(strstr(msg, "instruction budget"));
  g_clear_pointer(&msg, g_free);
  g_assert_cmpint(
      run(sb,
          "while true do xpcall(function() while true do end end, function(e) return e end) end",
          &msg),
      ==, LUA_ERRRUN);
  g_clear_pointer(&msg, g_free);
  /* The budget is per call: the next call starts afresh. */
  g_assert_cmpint(run(sb, "local n = 0 for i = 1, 1000 do n = n + i end", NULL), ==, LUA_OK);
  /* Ordinary errors stay catchable. */
  g_assert_true(truthy(sb, "not pcall(error, 'x')"));
  br_sandbox_free(sb);
}

static void
test_no_finalizers(void)
{
  BrSandbox *sb = br_sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  char *msg = NULL;
  g_assert_cmpint(run(sb, "setmetatable({}, { __gc = function() while true do end end })", &msg),
                  ==, LUA_ERRRUN);
  g_assert_nonnull(strstr(msg, "__gc"));
  g_clear_pointer(&msg, g_free);
  g_assert_true(truthy(sb, "getmetatable(setmetatable({}, { __index = { a = 1 } })) ~= nil"));
  br_sandbox_free(sb);
}

static void
test_memory_cap(void)
{
  BrSandbox *sb = br_sandbox_new(4u << 20, BR_SANDBOX_DEFAULT_BUDGET * 10);
  gsize base = br_sandbox_memory_used(sb);
  char *msg = NULL;
  g_assert_cmpint(run(sb, "local s = string.rep('x', 8 * 1024 * 1024)", &msg), ==, LUA_ERRMEM);
  g_assert_nonnull(strstr(msg, "memory"));
  g_clear_pointer(&msg, g_free);
  g_assert_cmpint(run(sb, "local t = {} for i = 1, 1e9 do t[i] = i .. 'x' end", &msg), ==,
                  LUA_ERRMEM);
  g_clear_pointer(&msg, g_free);
  /* The garbage of the failed calls is collected (what stays is the grown string table): the
   * state works as before. */
  g_assert_cmpuint(br_sandbox_memory_used(sb), <, base + (1u << 20));
  g_assert_true(truthy(sb, "#string.rep('ab', 1000) == 2000"));
  br_sandbox_free(sb);
  /* A cap too small for Lua itself is refused cleanly. */
  g_assert_null(br_sandbox_new(64, BR_SANDBOX_DEFAULT_BUDGET));
}

/* A file's globals and library changes stay in its own environment. */
static void
test_file_environments(void)
{
  BrSandbox *sb = br_sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  lua_State *L = br_sandbox_lua(sb);
  char *msg = NULL;
  const char *a = "x = 1; _G.y = 2; rawset(string, 'evil', 1); assert(string.evil == 1)";
  br_sandbox_push_env(sb);
  g_assert_true(br_sandbox_run(sb, a, strlen(a), "a.lua", -1, &msg));
  lua_pop(L, 1);
  const char *b = "assert(x == nil and y == nil and string.evil == nil)\n"
                  "assert(getmetatable(_ENV) == false and _G == _ENV)\n"
                  "string.upper = nil";
  br_sandbox_push_env(sb);
  g_assert_false(br_sandbox_run(sb, b, strlen(b), "b.lua", -1, &msg));
  lua_pop(L, 1);
  g_assert_nonnull(strstr(msg, "b.lua:3: the string library is read-only"));
  g_free(msg);
  g_assert_true(truthy(sb, "x == nil and string.upper('a') == 'A'"));
  g_assert_cmpint(lua_gettop(L), ==, 0);
  br_sandbox_free(sb);
}

/* Pattern matching runs in C, out of the instruction budget's reach: a pattern that would
 * backtrack for hours on a long field is refused before it starts, and the call reports it;
 * ordinary patterns, plain finds and string methods keep working. */
static void
test_pattern_cost(void)
{
  BrSandbox *sb = br_sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  gint64 start = g_get_monotonic_time();
  char *msg = NULL;
  g_assert_cmpint(run(sb,
                      "local s = string.rep('a', 100000)\n"
                      "return string.find(s, '.-.-.-.-.-.-b')",
                      &msg),
                  ==, LUA_ERRRUN);
  g_assert_nonnull(strstr(msg, "pattern"));
  g_assert_nonnull(strstr(msg, "too costly"));
  g_clear_pointer(&msg, g_free);
  g_assert_cmpint(run(sb, "local s = string.rep('a', 5000) return s:match('a*a*a*a*b')", &msg), ==,
                  LUA_ERRRUN);
  g_clear_pointer(&msg, g_free);
  g_assert_cmpint(run(sb,
                      "local s = string.rep('ab', 30000)\n"
                      "return s:gsub('a.-b.-a.-b', 'x')",
                      &msg),
                  ==, LUA_ERRRUN);
  g_clear_pointer(&msg, g_free);
  for (const char *const *fn = (const char *const[]){"gmatch", "match", NULL}; *fn; fn++) {
    char *code =
        g_strdup_printf("local s = string.rep('a', 50000) return string.%s(s, '.*.*.*x')", *fn);
    g_assert_cmpint(run(sb, code, NULL), ==, LUA_ERRRUN);
    g_free(code);
  }
  /* Refused at once, not after the work. */
  g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);

  g_assert_true(
      truthy(sb, "string.find(string.rep('a', 100000) .. 'b', '.-.-.-.-b', 1, true) == nil"));
  g_assert_true(truthy(sb, "('MSCU 1234566'):match('^(%a+)%s*(%d+)$') == 'MSCU'"));
  g_assert_true(
      truthy(sb, "select(2, ('4 t of steel, 12 t weighed'):gsub('(%d+) t', '%1000 kg')) == 2"));
  g_assert_true(truthy(sb, "string.find(string.rep('x', 60000) .. 'FAK', 'FAK') == 60001"));
  g_assert_true(truthy(sb, "(function() local n = 0 for w in ('a b c'):gmatch('%a') do n = n + 1 "
                           "end return n == 3 end)()"));
  br_sandbox_free(sb);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sandbox/no-escape", test_no_escape);
  g_test_add_func("/sandbox/budget", test_budget);
  g_test_add_func("/sandbox/no-finalizers", test_no_finalizers);
  g_test_add_func("/sandbox/memory-cap", test_memory_cap);
  g_test_add_func("/sandbox/file-environments", test_file_environments);
  g_test_add_func("/sandbox/pattern-cost", test_pattern_cost);
  return g_test_run();
}
