#define _GNU_SOURCE /* SIGEV_THREAD_ID, gettid */
#include "br_sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "br_lua_pattern.h"

#define HOOK_EVERY 1000
/* Lua calls may nest this deep: endless recursion otherwise grows the stack to a million slots
 * and costs a tenth of a second per line to build and collect. */
#define MAX_CALL_DEPTH 200
/* Bytes of text a C function may build, or scan, for the cost of one VM instruction: at the
 * default budget a call builds up to 4 MB, far more than any rule needs, so building tens of
 * megabytes fails before the first byte is copied. */
#define BYTES_PER_INSTRUCTION 4
#define SCANNED_PER_INSTRUCTION 16

/* Registry keys. */
#define ENV_MT "br.sandbox.env_mt"
#define READONLY_MT "br.sandbox.readonly_mt" /* table: library name -> its proxy metatable */

static const char *const shared_libs[] = {LUA_STRLIBNAME,  LUA_TABLIBNAME, LUA_MATHLIBNAME,
                                          LUA_UTF8LIBNAME, "br",           NULL};

typedef enum { LIMIT_NONE, LIMIT_BUDGET, LIMIT_DEADLINE, LIMIT_DEPTH } Limit;

struct BrSandbox {
  lua_State *L;
  gsize used;
  gsize cap;
  guint64 budget;
  guint64 spent;
  guint cpu_ms;
  Limit tripped; /* the limit the current call ran past: every instruction fails from then on */
  volatile sig_atomic_t expired; /* set by the deadline signal */
  volatile sig_atomic_t ticks;   /* of the timer, during the current call */
  int depth;                     /* nested br_sandbox_pcall */
  gboolean has_timer;
  pid_t timer_tid;    /* the thread the timer measures (an evaluator moves to its worker) */
  guint timer_period; /* ms of CPU time between ticks */
  int limit_ticks;    /* ticks during one call that mean its deadline has passed */
  timer_t timer;
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

static int
limit_error(lua_State *L)
{
  BrSandbox *sb = sandbox_of(L);
  if (sb->tripped == LIMIT_DEADLINE)
    return luaL_error(L, "CPU time limit of %d ms exceeded (endless loop?)", (int)sb->cpu_ms);
  if (sb->tripped == LIMIT_DEPTH)
    return luaL_error(L, "calls nested more than %d deep (endless recursion?)", MAX_CALL_DEPTH);
  return luaL_error(L, "instruction budget of %I exceeded (endless loop?)",
                    (lua_Integer)sb->budget);
}

static void limit_hook(lua_State *L, lua_Debug *ar);

/* Once a call has run past a limit, every instruction and every function call fails, so no
 * error handler or cleanup code the rule wrote can keep running. */
static int
trip(lua_State *L, BrSandbox *sb, Limit limit)
{
  if (!sb->tripped) {
    sb->tripped = limit;
    lua_sethook(L, limit_hook, LUA_MASKCOUNT | LUA_MASKCALL, 1);
  }
  return limit_error(L);
}

static void
limit_hook(lua_State *L, lua_Debug *ar)
{
  BrSandbox *sb = sandbox_of(L);
  if (sb->tripped)
    limit_error(L);
  if (sb->expired)
    trip(L, sb, LIMIT_DEADLINE);
  if (ar->event == LUA_HOOKCOUNT) {
    sb->spent += HOOK_EVERY;
    if (sb->spent > sb->budget)
      trip(L, sb, LIMIT_BUDGET);
    /* Walks at most MAX_CALL_DEPTH frames, and only as many as there are. */
    lua_Debug deep;
    if (lua_getstack(L, MAX_CALL_DEPTH, &deep))
      trip(L, sb, LIMIT_DEPTH);
  }
}

void
br_sandbox_charge(lua_State *L, guint64 instructions)
{
  BrSandbox *sb = sandbox_of(L);
  if (sb->tripped)
    limit_error(L);
  if (sb->expired)
    trip(L, sb, LIMIT_DEADLINE);
  sb->spent += instructions;
  if (sb->spent > sb->budget)
    trip(L, sb, LIMIT_BUDGET);
}

void
br_sandbox_charge_bytes(lua_State *L, gsize bytes)
{
  br_sandbox_charge(L, bytes / BYTES_PER_INSTRUCTION);
}

void
br_sandbox_charge_scan(lua_State *L, gsize bytes)
{
  br_sandbox_charge(L, bytes / SCANNED_PER_INSTRUCTION + 1);
}

/* The deadline: a periodic timer on the thread's CPU time ticks every quarter of cpu_ms, and a
 * call that sees more than four ticks has run for cpu_ms to 1.25 cpu_ms. The signal handler
 * only counts and, past the deadline, sets a flag and turns the hook on for the next
 * instruction (lua_sethook is the one Lua call safe in a signal handler). C functions that
 * loop check the same flag through br_sandbox_charge. Arming a one-shot timer per call would
 * be exact but costs two system calls per rule and line: several times the cost of a call. */
static _Thread_local BrSandbox *running; /* the sandbox in a call on this thread */

static int
deadline_signal(void)
{
  return SIGRTMIN + 2;
}

static void
on_deadline(int sig, siginfo_t *info, void *context)
{
  (void)sig;
  (void)context;
  BrSandbox *sb = running;
  /* Ticks of other sandboxes' timers on this thread, or between calls, are not this call's. */
  if (!sb || info->si_value.sival_ptr != sb)
    return;
  if (++sb->ticks < sb->limit_ticks)
    return;
  sb->expired = 1;
  lua_sethook(sb->L, limit_hook, LUA_MASKCOUNT | LUA_MASKCALL, 1);
}

static gpointer
install_handler(gpointer data)
{
  (void)data;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_deadline;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(deadline_signal(), &sa, NULL);
  return NULL;
}

/* Makes sure the calling thread's timer ticks for this sandbox: system calls only when the
 * sandbox first runs on a thread or its limit changed. */
static void
deadline_start(BrSandbox *sb)
{
  sb->ticks = 0;
  if (sb->cpu_ms == 0)
    return;
  static _Thread_local pid_t tid; /* gettid is a system call: once per thread */
  if (!tid)
    tid = gettid();
  guint period = MAX(1, sb->cpu_ms / 4);
  if (sb->has_timer && sb->timer_tid == tid && sb->timer_period == period)
    return;
  if (sb->has_timer && sb->timer_tid != tid) {
    timer_delete(sb->timer);
    sb->has_timer = FALSE;
  }
  if (!sb->has_timer) {
    static GOnce once = G_ONCE_INIT;
    g_once(&once, install_handler, NULL);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = deadline_signal();
    ev.sigev_value.sival_ptr = sb;
    ev._sigev_un._tid = tid;
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &sb->timer) != 0)
      g_error("cannot create the rule deadline timer: %s", g_strerror(errno));
    sb->has_timer = TRUE;
    sb->timer_tid = tid;
  }
  sb->timer_period = period;
  sb->limit_ticks = (int)(sb->cpu_ms / period) + 1;
  struct itimerspec spec;
  spec.it_value.tv_sec = period / 1000;
  spec.it_value.tv_nsec = (long)(period % 1000) * 1000000L;
  spec.it_interval = spec.it_value;
  timer_settime(sb->timer, 0, &spec, NULL);
}

/* pcall and xpcall that cannot catch a limit: without this, a rule that wraps an endless loop
 * in pcall swallows every budget error and never returns. xpcall's handler runs after the
 * failed call has unwound (the sandbox has no debug library, so it could not look at the stack
 * anyway), and never after a limit. */
static int
sandbox_pcall_fn(lua_State *L)
{
  luaL_checkany(L, 1);
  int rc = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  if (rc != LUA_OK && sandbox_of(L)->tripped)
    return lua_error(L);
  lua_pushboolean(L, rc == LUA_OK);
  lua_insert(L, 1);
  return lua_gettop(L);
}

static int
sandbox_xpcall_fn(lua_State *L)
{
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2); /* f handler args... -> handler f args... */
  lua_remove(L, 2);
  lua_insert(L, 1);
  int rc = lua_pcall(L, n - 2, LUA_MULTRET, 0);
  if (rc == LUA_OK) {
    lua_pushboolean(L, 1);
    lua_replace(L, 1);
    return lua_gettop(L);
  }
  if (sandbox_of(L)->tripped)
    return lua_error(L);
  rc = lua_pcall(L, 1, 1, 0); /* handler(error) */
  if (rc != LUA_OK && sandbox_of(L)->tripped)
    return lua_error(L);
  lua_pushboolean(L, 0);
  lua_insert(L, 1);
  return 2;
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

/* Library functions whose work grows with their arguments run in C, out of the hook's sight:
 * each is charged before it runs for the work its arguments ask for (so string.rep of a
 * gigabyte or a sort of a million items is refused at once), and after it returns for the text
 * it built. The deadline covers what the charge misses: it fails the next instruction. */
typedef enum {
  COST_OUTPUT, /* only the text returned */
  COST_REP,    /* string.rep(s, n [, sep]) */
  COST_SCAN,   /* linear in the first argument's length (utf8.len, string.byte ...) */
  COST_CONCAT, /* table.concat(t, sep, i, j): j - i + 1 items */
  COST_UNPACK, /* table.unpack(t, i, j): j - i + 1 items */
  COST_MOVE,   /* table.move(a, f, e, t): e - f + 1 items */
  COST_SORT,   /* table.sort(t): n log n comparisons */
  COST_SHIFT,  /* table.insert/remove with a position: moves up to #t items */
  COST_PACK,   /* string.pack(fmt, ...): the bytes its format asks for */
} Cost;

/* A numeric argument (Lua accepts 1e7 where an integer belongs), or dflt. */
static double
number_arg(lua_State *L, int idx, double dflt)
{
  int isnum;
  double v = lua_tonumberx(L, idx, &isnum);
  return isnum ? v : dflt;
}

static double
length_of(lua_State *L, int idx)
{
  return lua_type(L, idx) == LUA_TTABLE ? (double)lua_rawlen(L, idx) : 0;
}

static double
cost_before(lua_State *L, Cost cost)
{
  switch (cost) {
  case COST_OUTPUT:
    return 0;
  case COST_REP: {
    double n = number_arg(L, 2, 0);
    size_t ls = 0, lsep = 0;
    if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER)
      lua_tolstring(L, 1, &ls);
    if (lua_type(L, 3) == LUA_TSTRING)
      lua_tolstring(L, 3, &lsep);
    return n > 0 ? n * (double)(ls + lsep) / BYTES_PER_INSTRUCTION : 0;
  }
  case COST_SCAN: {
    size_t len = 0;
    if (lua_type(L, 1) == LUA_TSTRING)
      lua_tolstring(L, 1, &len);
    return (double)len / SCANNED_PER_INSTRUCTION;
  }
  case COST_CONCAT:
  case COST_UNPACK: {
    int first = cost == COST_CONCAT ? 3 : 2;
    double i = number_arg(L, first, 1);
    double j = number_arg(L, first + 1, length_of(L, 1));
    return j >= i ? j - i + 1 : 0;
  }
  case COST_MOVE: {
    double f = number_arg(L, 2, 0);
    double e = number_arg(L, 3, 0);
    return e >= f ? e - f + 1 : 0;
  }
  case COST_SORT: {
    double n = length_of(L, 1);
    return n > 1 ? n * log2(n) : 0;
  }
  case COST_SHIFT:
    return lua_gettop(L) >= 2 ? length_of(L, 1) : 0;
  case COST_PACK: {
    /* At most the sizes the format names ("c2000000000" pads two gigabytes one byte at a
     * time) plus 16 bytes an option: an over-estimate that costs one pass over the format. */
    size_t len = 0;
    const char *fmt = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : "";
    double bytes = 16.0 * (double)len, n = 0;
    for (size_t i = 0; i <= len; i++) {
      if (i < len && g_ascii_isdigit(fmt[i])) {
        n = n * 10 + (fmt[i] - '0');
      } else {
        bytes += n;
        n = 0;
      }
    }
    return bytes / BYTES_PER_INSTRUCTION;
  }
  }
  return 0;
}

static int
charged_call(lua_State *L)
{
  Cost cost = (Cost)lua_tointeger(L, lua_upvalueindex(2));
  double before = cost_before(L, cost);
  br_sandbox_charge(L, before > 1e18 ? G_MAXUINT64 / 2 : (guint64)before);
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  gsize bytes = 0;
  for (int i = 1; i <= lua_gettop(L); i++)
    if (lua_type(L, i) == LUA_TSTRING)
      bytes += lua_rawlen(L, i);
  br_sandbox_charge_bytes(L, bytes);
  return lua_gettop(L);
}

static void
charge_field(lua_State *L, int lib, const char *name, Cost cost)
{
  lua_getfield(L, lib, name);
  lua_pushinteger(L, cost);
  lua_pushcclosure(L, charged_call, 2);
  lua_setfield(L, lib, name);
}

static void
charge_library(lua_State *L)
{
  static const struct {
    const char *lib, *name;
    Cost cost;
  } fns[] = {
      {LUA_STRLIBNAME, "rep", COST_REP},         {LUA_STRLIBNAME, "byte", COST_SCAN},
      {LUA_STRLIBNAME, "format", COST_OUTPUT},   {LUA_STRLIBNAME, "upper", COST_SCAN},
      {LUA_STRLIBNAME, "lower", COST_SCAN},      {LUA_STRLIBNAME, "reverse", COST_SCAN},
      {LUA_STRLIBNAME, "sub", COST_OUTPUT},      {LUA_STRLIBNAME, "char", COST_OUTPUT},
      {LUA_TABLIBNAME, "concat", COST_CONCAT},   {LUA_TABLIBNAME, "unpack", COST_UNPACK},
      {LUA_TABLIBNAME, "move", COST_MOVE},       {LUA_TABLIBNAME, "sort", COST_SORT},
      {LUA_TABLIBNAME, "insert", COST_SHIFT},    {LUA_TABLIBNAME, "remove", COST_SHIFT},
      {LUA_STRLIBNAME, "pack", COST_PACK},       {LUA_UTF8LIBNAME, "len", COST_SCAN},
      {LUA_UTF8LIBNAME, "codepoint", COST_SCAN}, {LUA_UTF8LIBNAME, "offset", COST_SCAN},
      {LUA_UTF8LIBNAME, "char", COST_OUTPUT},    {LUA_GNAME, "tostring", COST_OUTPUT},
  };
  for (guint i = 0; i < G_N_ELEMENTS(fns); i++) {
    if (strcmp(fns[i].lib, LUA_GNAME) == 0)
      lua_pushglobaltable(L);
    else
      lua_getglobal(L, fns[i].lib);
    charge_field(L, lua_gettop(L), fns[i].name, fns[i].cost);
    lua_pop(L, 1);
  }
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
  sb->cpu_ms = BR_SANDBOX_DEFAULT_CPU_MS;
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
  br_lua_pattern_install(L, -1);
  lua_pop(L, 1);
  /* getmetatable("").__index is the string library itself: hide it so no file can patch it. */
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
  lua_register(L, "pcall", sandbox_pcall_fn);
  lua_register(L, "xpcall", sandbox_xpcall_fn);
  charge_library(L);
  guard_global(L, "setmetatable", guarded_setmetatable);

  lua_newtable(L);
  lua_pushglobaltable(L);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setfield(L, LUA_REGISTRYINDEX, ENV_MT);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, READONLY_MT);
  lua_sethook(L, limit_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return sb;
}

void
br_sandbox_free(BrSandbox *sb)
{
  if (!sb)
    return;
  if (sb->has_timer)
    timer_delete(sb->timer);
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

void
br_sandbox_set_cpu_limit(BrSandbox *sb, guint ms)
{
  sb->cpu_ms = ms;
}

int
br_sandbox_pcall(BrSandbox *sb, int nargs, int nresults)
{
  int base = lua_gettop(sb->L) - nargs - 1;
  /* A nested call (a helper running Lua from inside a rule) stays under the outer limits. */
  if (sb->depth++ == 0) {
    sb->spent = 0;
    sb->tripped = LIMIT_NONE;
    sb->expired = 0;
    lua_sethook(sb->L, limit_hook, LUA_MASKCOUNT, HOOK_EVERY);
    deadline_start(sb);
    running = sb;
  }
  int rc = lua_pcall(sb->L, nargs, nresults, 0);
  if (--sb->depth == 0) {
    running = NULL;
    sb->tripped = LIMIT_NONE;
    sb->expired = 0;
    lua_sethook(sb->L, limit_hook, LUA_MASKCOUNT, HOOK_EVERY);
  }
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
  if (!msg)
    msg = "error object is not a string";
  /* A memory error, or a limit that trips inside a C function, has no Lua line to name: the
   * file at least is named, or a pack that fails to load in a worker says only "not enough
   * memory". */
  *error_message =
      g_str_has_prefix(msg, name) ? g_strdup(msg) : g_strdup_printf("%s: %s", name, msg);
  lua_pop(L, 1);
  return FALSE;
}
