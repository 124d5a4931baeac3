/* A sandboxed Lua state for rules: only safe libraries, a memory cap enforced by the
 * allocator, and an instruction budget per call enforced by a count hook.
 *
 * Rule authors are customs officers, and rule files come from a shared folder: a rule must not
 * reach files, processes or bytecode, and a rule that loops or allocates without end must fail
 * alone instead of taking the run down. */
#pragma once

#include <glib.h>
#include <lua.h>

#define BR_SANDBOX_DEFAULT_MEMORY (64u << 20)
#define BR_SANDBOX_DEFAULT_BUDGET 1000000u

typedef struct BrSandbox BrSandbox;

/* mem_cap: bytes the state may hold; budget: VM instructions one call may run. NULL when
 * Lua cannot even create the state within mem_cap. */
BrSandbox *br_sandbox_new(gsize mem_cap, guint64 budget);
void br_sandbox_free(BrSandbox *sb);
lua_State *br_sandbox_lua(BrSandbox *sb);
/* lua_pcall with the budget reset. On failure the error message is on the stack (the caller
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
