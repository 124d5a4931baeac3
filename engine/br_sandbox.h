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

/* mem_cap: bytes the state may hold; budget: VM instructions one call may run. */
BrSandbox *br_sandbox_new(gsize mem_cap, guint64 budget);
void br_sandbox_free(BrSandbox *sb);
lua_State *br_sandbox_lua(BrSandbox *sb);
/* lua_pcall with the budget reset. On failure the error message is on the stack (the caller
 * pops it) and, after a memory error, garbage is collected so the state stays usable. */
int br_sandbox_pcall(BrSandbox *sb, int nargs, int nresults);
/* Loads text (never bytecode) as a chunk named "@name" and runs it. FALSE with a
 * "file:line: message" error on failure. */
gboolean br_sandbox_run(BrSandbox *sb, const char *code, gsize len, const char *name,
                        char **error_message);
gsize br_sandbox_memory_used(const BrSandbox *sb);
