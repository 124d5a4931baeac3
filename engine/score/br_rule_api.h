/* What rule files see: the Lua side of the rule API (docs/rules.md), shared by the pack loader
 * and the evaluators. Internal to the engine. */
#pragma once

#include <glib.h>
#include <lua.h>

#include "br_sandbox.h"

/* Registry keys. */
#define BR_RULE_API_COND_MT "br.cond" /* metatable that marks condition tables */
#define BR_RULE_API_RULES "br.rules"  /* array of registered rule tables */
/* "lib.fn" -> the library functions compiled function rules stand for, as installed before any
 * rule file ran (br_fn_cond.h) */
#define BR_RULE_API_GENUINE "br.genuine"

/* Keys a rule table may have; anything else is reported (typos such as "wieght"). */
extern const char *const br_rule_api_keys[];

/* Installs the builders, rule() and br.* into a fresh sandbox. list_sep is the separator of
 * list fields for br.list. */
gboolean br_rule_api_install(BrSandbox *sb, char list_sep, char **error_message);
/* Runs one rule file in a fresh environment of its own (br_sandbox_push_env); its rule tables
 * collect in the registry. FALSE with a "file:line: message" error when it fails. */
gboolean br_rule_api_run_file(BrSandbox *sb, const char *path, GBytes *code, char **error_message);
/* Runs the rule files of a pack (name-ordered paths and contents) in the sandbox; rule tables
 * collect in the registry. Returns FALSE at the first file that fails, with its message. */
gboolean br_rule_api_run_files(BrSandbox *sb, GPtrArray *paths, GPtrArray *contents,
                               char **error_message);
/* Pushes registered rule i (0-based) and returns the count when i < 0 without pushing. */
int br_rule_api_rule_count(lua_State *L);
void br_rule_api_push_rule(lua_State *L, int i);
gboolean br_rule_api_is_cond(lua_State *L, int idx);
/* Reads points = history_logodds(key, min) (*norm_side 0) or value_norm(key, side, min)
 * (*norm_side -1 for "low", +1 for "high") at idx; FALSE when it is something else. */
gboolean br_rule_api_points(lua_State *L, int idx, char **key, guint *min, int *norm_side);
/* Visits every field name a condition at idx names. */
void br_rule_api_cond_fields(lua_State *L, int idx, void (*visit)(const char *, gpointer),
                             gpointer data);
/* The next item of a list field value from *pos on: trimmed of spaces, empty items skipped
 * (br.list). FALSE at the end. */
gboolean br_rule_api_list_item(const char *s, gsize len, char sep, gsize *pos, gsize *start,
                               gsize *end);
