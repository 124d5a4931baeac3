/* Lua's pattern functions (string.find, match, gmatch, gsub) for the rule sandbox, with the
 * same semantics as Lua 5.4's, but each matching step counted and charged to the sandbox's
 * budget and deadline.
 *
 * Lua's own matcher runs in C, where neither the count hook nor a deadline signal can stop it:
 * "a?" repeated, back-references, %b or a single ".-" over a long subject run for minutes. This
 * matcher stops as soon as a call's budget or CPU time is spent, whatever the pattern. */
#pragma once

#include <lua.h>

/* Replaces find, match, gmatch and gsub in the table at index lib (the string library). */
void br_lua_pattern_install(lua_State *L, int lib);
