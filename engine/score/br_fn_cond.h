/* Function rules run as C: a rule's `when = function(l) ... end` whose body is only locals read
 * from the line, comparisons, arithmetic, and/or/not, a few pure library calls (string find and
 * sub, br.hs_heading, br.iso6346_valid, math.abs ...) and the counting loop over br.list, is
 * compiled from its source text to a small expression tree. Any line on which the Lua function
 * could raise an error, convert a string to a number or the like is handed back to Lua, so
 * results, reasons and failures are Lua's own; everything else in a function keeps it in Lua. */
#pragma once

#include <glib.h>
#include <lua.h>

#include "br_batch.h"
#include "br_schema.h"

typedef struct BrFnCond BrFnCond;

typedef enum {
  BR_FN_NOT_FIRED,
  BR_FN_FIRED,
  BR_FN_ASK_LUA, /* this line needs the Lua function itself */
} BrFnResult;

/* Compiles the Lua function at idx, whose file's text is source, or returns NULL when its body
 * is not in the compiled subset (or cannot be told apart from another function on its line).
 * list_sep is the schema's list separator (br.list); steps is the instruction budget of one
 * call: a line needing more work than that goes to Lua, which enforces the budget. */
BrFnCond *br_fn_cond_compile(lua_State *L, int idx, const char *source, gsize len,
                             const BrSchema *schema, char list_sep, guint64 steps);
void br_fn_cond_free(BrFnCond *c);

/* Evaluates on one record; on BR_FN_FIRED *reason (when not NULL) is the reason the function
 * returned, *reason_len bytes, valid until the next call. */
BrFnResult br_fn_cond_eval(BrFnCond *c, const BrValue *rec, const char **reason, gsize *reason_len);

/* FALSE when Lua code has since rebound a global the function reads (br, math) in its file's
 * environment: the compiled form no longer says what the function does. */
gboolean br_fn_cond_env_intact(BrFnCond *c, lua_State *L);
