/* A sandboxed Lua state for rules: only safe libraries, a memory cap enforced by the
 * allocator, and per call an instruction budget (a count hook, plus what library functions
 * written in C charge for their work) and a CPU-time deadline (a timer on the calling thread
 * whose signal fails the next instruction).
 *
 * Rule authors are customs officers, and rule files come from a shared folder: a rule must not
 * reach files, processes or bytecode, and a rule that loops or allocates without end must fail
 * alone instead of taking the run down. */
#pragma once

#include <glib.h>
#include <lua.h>

#define BR_SANDBOX_DEFAULT_MEMORY (64u << 20)
#define BR_SANDBOX_DEFAULT_BUDGET 1000000u
#define BR_SANDBOX_DEFAULT_CPU_MS 100u

typedef struct BrSandbox BrSandbox;

/* mem_cap: bytes the state may hold; budget: VM instructions one call may run. NULL when
 * Lua cannot even create the state within mem_cap. */
BrSandbox *br_sandbox_new(gsize mem_cap, guint64 budget);
void br_sandbox_free(BrSandbox *sb);
lua_State *br_sandbox_lua(BrSandbox *sb);
/* CPU time one call may take, in milliseconds (0: no deadline). */
void br_sandbox_set_cpu_limit(BrSandbox *sb, guint ms);
/* lua_pcall with the budget and the deadline reset; a limit run past cannot be caught inside
 * the call (pcall, xpcall handlers and to-be-closed variables fail at once). On failure the error message is on the stack (the caller
 * pops it) and garbage is collected, so the state stays usable after a memory error. */
int br_sandbox_pcall(BrSandbox *sb, int nargs, int nresults);
/* Loads text (never bytecode) as a chunk named "@name" and runs it with env (a table index)
 * as its _ENV, or the globals when env is 0. FALSE with a "file:line: message" error on
 * failure. */
gboolean br_sandbox_run(BrSandbox *sb, const char *code, gsize len, const char *name, int env,
                        char **error_message);
/* Pushes a fresh environment for one rule file: reads fall through to the sandbox's globals,
 * writes stay in it, and the libraries are read-only views, so one file cannot change what
 * another sees. */
void br_sandbox_push_env(BrSandbox *sb);
gsize br_sandbox_memory_used(const BrSandbox *sb);
/* For library functions in C, called inside a sandbox call: counts work worth `instructions`
 * VM instructions (or `bytes` of text built) against the call's budget, and raises the limit
 * error when the budget or the deadline has passed. */
void br_sandbox_charge(lua_State *L, guint64 instructions);
void br_sandbox_charge_bytes(lua_State *L, gsize bytes);
/* Reading `bytes` of text costs less than building them. */
void br_sandbox_charge_scan(lua_State *L, gsize bytes);
