/* The sandbox around every rule: what rules cannot reach, and limits that stop runaway code
 * without losing the state. */
#include <string.h>

#include <glib.h>
#include <lauxlib.h>
#include <lualib.h>

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

/* A sandbox whose deadline is far enough not to race the limit a test is about (sanitizer
 * builds run several times slower). */
static BrSandbox *
sandbox_new(gsize mem_cap, guint64 budget)
{
  BrSandbox *sb = br_sandbox_new(mem_cap, budget);
  if (sb)
    br_sandbox_set_cpu_limit(sb, 20000);
  return sb;
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
  BrSandbox *sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
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
  /* An error without a Lua position (a memory error, an error object that is not text) still
   * names the file: a pack's file that fails while an evaluator loads it is found. */
  BrSandbox *small = sandbox_new(2u << 20, 100000000);
  const char *hog = "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end";
  g_assert_false(br_sandbox_run(small, hog, strlen(hog), "m.lua", 0, &msg));
  g_assert_cmpstr(msg, ==, "m.lua: not enough memory");
  g_clear_pointer(&msg, g_free);
  br_sandbox_free(small);
  g_assert_false(br_sandbox_run(sb, "error({})", 9, "e.lua", 0, &msg));
  g_assert_cmpstr(msg, ==, "e.lua: error object is not a string");
  g_clear_pointer(&msg, g_free);
  g_assert_cmpint(lua_gettop(br_sandbox_lua(sb)), ==, 0);
  br_sandbox_free(sb);
}

static void
test_budget(void)
{
  BrSandbox *sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, 100000);
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
  BrSandbox *sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
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
  BrSandbox *sb = sandbox_new(4u << 20, BR_SANDBOX_DEFAULT_BUDGET * 10);
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
  g_assert_null(sandbox_new(64, BR_SANDBOX_DEFAULT_BUDGET));
}

/* A file's globals and library changes stay in its own environment. */
static void
test_file_environments(void)
{
  BrSandbox *sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
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

/* Runs code expecting a failure whose message contains want. */
static void
assert_fails(BrSandbox *sb, const char *code, const char *want)
{
  char *msg = NULL;
  int rc = run(sb, code, &msg);
  if (rc == LUA_OK || !strstr(msg, want))
    g_error("expected \"%s\" from:\n%s\ngot: %s", want, code, msg ? msg : "success");
  g_free(msg);
}

/* Pattern matching runs in C, out of the count hook's sight: every matching step is charged to
 * the call's budget, so no pattern can run for long on any text (optional items, back-references,
 * balanced matches, one quantifier on a long subject), while ordinary patterns keep Lua's
 * behaviour. */
static void
test_pattern_budget(void)
{
  BrSandbox *sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  const char *const hostile[] = {
      "local s = string.rep('a', 100000) return string.find(s, '.-.-.-.-.-.-b')",
      "local s = string.rep('a', 5000) return s:match('a*a*a*a*b')",
      "return string.find(string.rep('a', 40), string.rep('a?', 40) .. string.rep('a', 40))",
      "return (string.rep('ab', 50000) .. 'c'):find('(.-)%1d')",
      "return string.find(string.rep('(', 200000), '%b()')",
      "return string.find(string.rep('a', 300000), '.-b')",
      "for w in string.rep('a', 50000):gmatch('.*.*x') do end",
      "return string.rep('a', 3000):match('(a*)%1%1x')",
  };
  for (guint i = 0; i < G_N_ELEMENTS(hostile); i++)
    assert_fails(sb, hostile[i], "instruction budget");
  /* A plain find is linear: a long subject is fine. */
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

/* The sandbox's pattern functions against Lua's own, case by case: same results, same
 * failures. */
static const char pattern_cases[] =
    "local cases = {\n"
    "  {'hello world', 'o'}, {'hello world', '(o)(r)'}, {'hello world', 'l+'},\n"
    "  {'hello world', 'l-o'}, {'hello', '^h'}, {'hello', '^e'}, {'hello', 'o$'},\n"
    "  {'he$llo', 'e$l'}, {'hello', '()ll()'}, {'abc', ''}, {'', ''}, {'', 'a*'},\n"
    "  {'key = value', '(%w+)%s*=%s*(%w+)'}, {'THE (quick) fox', '%((%a+)%)'},\n"
    "  {'f(a(b)c)d', '%b()'}, {'abcabc', '(abc)%1'}, {'THE (quick) fox', '%f[%a]%a+'},\n"
    "  {'x = 1, y = 22', '%d+'}, {'[test]', '[%[%]]'}, {'a-b-c', '[a-c]'},\n"
    "  {'a-b-c', '[^%-]+'}, {']x]', '[]]'}, {'a.b', '%.'}, {'aaa', 'a?a?a?aaa'},\n"
    "  {'aaab', 'a-b'}, {'hello', 'l*'}, {'MSCU1234566', '^(%u%u%u%u)(%d+)$'},\n"
    "  {'abc', '%'}, {'abc', '[a'}, {'abc', '(a'}, {'abc', 'a)'}, {'abc', '%1'},\n"
    "  {'abc', '%ba'}, {'abc', '%f'}, {'\\xc3\\xa1\\xc3\\xa9 x', '[\\x80-\\xff]+'},\n"
    "  {'a,b,,c', '([^,]*)'}, {'hello world from lua', '%a+', 1, '%0 %0'},\n"
    "  {'hello', 'l', -2}, {'hello', 'l', 10}, {'hello', '()', 6}, {'hello', 'l', -10},\n"
    "  {'abc', 'b', 1, '%2'}, {'abc', 'b', 1, '%'}, {'abc', '', 1, '-'},\n"
    "  {'aaa', 'a', 1, 'b', 2}, {'one two', '(%w+) (%w+)', 1, '%2 %1'},\n"
    "  {'x1y22z333', '%d*'}, {'x1y22z333', '%a%d?'}, {'THE END', '%u+$'},\n"
    "  {'tab\\tsep', '%c'}, {'a.b;c', '%p'}, {'AbC', '%l'}, {'AbC', '[%L]+'},\n"
    "  {'0x1F', '%x+'}, {'a  b', '%s+', 1, ' '}, {'caf\\0e', '\\0'}, {'a\\0b', '[%z]'},\n"
    "  {'((a)', '%b()'}, {'ab', '(a)(b)', 1, '%0%1%2'}, {'abc', '((a)(b))'},\n"
    "  {'hello', '(h)(e)(l)(l)(o)', 1, '%5%4%3%2%1'}, {'aXb', '%f[%u]'}, {'aXb', '%f[%l]', 2},\n"
    "}\n"
    "local function ser(ok, ...)\n"
    "  if not ok then return 'ERR' end\n"
    "  local t = { select('#', ...) }\n"
    "  for k = 1, select('#', ...) do t[#t + 1] = tostring((select(k, ...))) end\n"
    "  return table.concat(t, ',')\n"
    "end\n"
    "local out = {}\n"
    "for _, c in ipairs(cases) do\n"
    "  local s, p, init, repl, n = c[1], c[2], c[3], c[4] or '<%0>', c[5]\n"
    "  out[#out + 1] = ser(pcall(string.find, s, p, init))\n"
    "  out[#out + 1] = ser(pcall(string.find, s, p, init, true))\n"
    "  out[#out + 1] = ser(pcall(string.match, s, p, init))\n"
    "  out[#out + 1] = ser(pcall(function()\n"
    "    local r = {}\n"
    "    for a, b in string.gmatch(s, p, init) do r[#r + 1] = tostring(a) .. '/' .. tostring(b) "
    "end\n"
    "    return table.concat(r, ';')\n"
    "  end))\n"
    "  out[#out + 1] = ser(pcall(string.gsub, s, p, repl, n))\n"
    "  out[#out + 1] = ser(pcall(string.gsub, s, p, { hello = 'HI', a = false }))\n"
    "  out[#out + 1] = ser(pcall(string.gsub, s, p, function(w, x)\n"
    "    if type(w) == 'string' and #w > 2 then return w:upper() .. tostring(x) end end))\n"
    "end\n"
    "return table.concat(out, '\\n')\n";

static char *
run_cases(lua_State *L, int (*call)(lua_State *))
{
  g_assert_cmpint(luaL_loadstring(L, pattern_cases), ==, LUA_OK);
  g_assert_cmpint(call(L), ==, LUA_OK);
  char *out = g_strdup(lua_tostring(L, -1));
  lua_pop(L, 1);
  return out;
}

static BrSandbox *cases_sb;

static int
sandbox_call(lua_State *L)
{
  (void)L;
  return br_sandbox_pcall(cases_sb, 0, 1);
}

static int
plain_call(lua_State *L)
{
  return lua_pcall(L, 0, 1, 0);
}

static void
test_pattern_semantics(void)
{
  lua_State *plain = luaL_newstate();
  luaL_openlibs(plain);
  char *want = run_cases(plain, plain_call);
  lua_close(plain);
  cases_sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  char *got = run_cases(br_sandbox_lua(cases_sb), sandbox_call);
  br_sandbox_free(cases_sb);
  char **w = g_strsplit(want, "\n", -1), **g = g_strsplit(got, "\n", -1);
  g_assert_cmpuint(g_strv_length(w), ==, g_strv_length(g));
  g_assert_cmpuint(g_strv_length(w), >, 350);
  for (guint i = 0; w[i]; i++)
    if (strcmp(w[i], g[i]) != 0)
      g_error("pattern case %u (call %u): Lua gives \"%s\", the sandbox \"%s\"", i / 7 + 1, i % 7,
              w[i], g[i]);
  g_strfreev(w);
  g_strfreev(g);
  g_free(want);
  g_free(got);
}

/* Work done inside C library functions is charged before it runs, so building, sorting or
 * concatenating megabytes fails at once instead of after seconds per call. */
static void
test_c_work(void)
{
  BrSandbox *sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  const char *const hostile[] = {
      "for i = 1, 1e6 do local x = string.rep('x', 1e7) end",
      "local x = string.rep('x', 1e8)",
      "error(string.rep('x', 5e7))",
      "local t = { 'x' } for k = 1, 20 do table.move(t, 1, #t, #t + 1) end "
      "for i = 1, 1e6 do table.sort(t) end",
      "local s = string.rep('x', 1e6) local t = {} for i = 1, 30 do t[i] = s end "
      "for i = 1, 1e6 do local x = table.concat(t) end",
      "local s = string.rep('x', 1e6) for i = 1, 1e6 do s = s:gsub('x', 'xx') end",
      "local s = string.rep('x', 1e6) for i = 1, 1e6 do local u = s:upper() end",
      "local t = {} for i = 1, 1e5 do t[i] = i end for i = 1, 1e6 do table.insert(t, 1, i) end",
      /* Padding built byte by byte in C, bounded only by the memory cap, which a pack may
       * raise to gigabytes. */
      "local x = string.pack('c2000000000', '')",
      "for i = 1, 1e6 do local x = string.pack('i16c30000000x', 1, '') end",
  };
  for (guint i = 0; i < G_N_ELEMENTS(hostile); i++)
    assert_fails(sb, hostile[i], "instruction budget");
  /* What a rule does with fields stays well inside the budget. */
  g_assert_true(truthy(sb, "#table.concat({ string.rep('ab', 1000), 'c' }, ';') == 2002"));
  g_assert_true(truthy(sb, "(function() local t = {} for i = 1, 1000 do t[i] = -i end "
                           "table.sort(t) return t[1] == -1000 end)()"));
  g_assert_true(truthy(sb, "string.unpack('<i4', string.pack('<i4c3', 7, 'abc')) == 7"));
  br_sandbox_free(sb);
}

/* The deadline holds where the instruction count cannot see: a loop of operators that copy
 * megabytes per instruction, with a budget that would allow hours. */
static void
test_deadline(void)
{
  BrSandbox *sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, G_GUINT64_CONSTANT(10000000000));
  br_sandbox_set_cpu_limit(sb, 50);
  assert_fails(sb, "local s = string.rep('x', 1e6) while true do local t = s .. s end",
               "CPU time limit of 50 ms");
  assert_fails(sb,
               "while true do pcall(function() local s = ('x'):rep(1e6) local t = s .. s end) end",
               "CPU time limit");
  /* The next call has its own deadline. */
  g_assert_true(truthy(sb, "#(('x'):rep(1000) .. 'y') == 1001"));
  br_sandbox_free(sb);
}

/* After a limit, no handler or cleanup code of the rule runs on: the message handler of xpcall,
 * a pcall inside it and to-be-closed variables all fail at once. */
static void
test_limits_uncatchable(void)
{
  BrSandbox *sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, 100000);
  const char *const hostile[] = {
      "xpcall(function() while true do end end, function(e) while true do end end)",
      "xpcall(function() while true do end end, function(e) while true do pcall(error) end end)",
      "while true do xpcall(function() while true do end end, function(e) return e end) end",
      "local x <close> = setmetatable({}, { __close = function() while true do end end }) "
      "while true do end",
      "while true do pcall(string.rep, 'x', 1e9) end",
  };
  for (guint i = 0; i < G_N_ELEMENTS(hostile); i++)
    assert_fails(sb, hostile[i], "instruction budget");
  /* Ordinary errors stay catchable, and xpcall's handler sees them. */
  g_assert_true(truthy(sb, "select(2, xpcall(error, function(e) return 'h:' .. e end, 'x')) "
                           "== 'h:x'"));
  g_assert_true(truthy(sb, "select('#', xpcall(function() return 1, 2 end, tostring)) == 3"));
  br_sandbox_free(sb);
}

/* Endless recursion fails at a fixed depth, before growing a huge stack. */
static void
test_recursion(void)
{
  BrSandbox *sb = sandbox_new(BR_SANDBOX_DEFAULT_MEMORY, BR_SANDBOX_DEFAULT_BUDGET);
  assert_fails(sb, "local function f(n) return 1 + f(n + 1) end return f(1)",
               "nested more than 200 deep");
  g_assert_true(truthy(sb, "(function() local function f(n) if n == 0 then return 0 end "
                           "return 1 + f(n - 1) end return f(100) == 100 end)()"));
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
  g_test_add_func("/sandbox/pattern-budget", test_pattern_budget);
  g_test_add_func("/sandbox/pattern-semantics", test_pattern_semantics);
  g_test_add_func("/sandbox/c-work", test_c_work);
  g_test_add_func("/sandbox/deadline", test_deadline);
  g_test_add_func("/sandbox/limits-uncatchable", test_limits_uncatchable);
  g_test_add_func("/sandbox/recursion", test_recursion);
  return g_test_run();
}
