/* Declarative rule conditions compiled to native checks.
 *
 * Most indicators are a set lookup, a prefix, a comparison or a ratio: compiled once per
 * worker against the input's schema (field names become indices, value lists become hash
 * sets), they run with no Lua and no allocation. */
#pragma once

#include <glib.h>
#include <lua.h>

#include "br_batch.h"
#include "br_history.h"
#include "br_reference.h"
#include "br_schema.h"
#include "br_watchset.h"

typedef struct BrCond BrCond;

/* Compiles the condition table at idx (built by field_in, gt, all, ...). Fails naming the
 * field when the schema lacks it or a comparison names a text field. */
BrCond *br_cond_compile(lua_State *L, int idx, const BrSchema *schema, GError **error);
/* history(...) conditions read the track record of the line's entity values: they never
 * fire without a history. The history's keys must be bound to the condition's schema. */
void br_cond_bind_history(BrCond *c, const BrHistory *history);
/* The same, reading the history as of *cut_day (br_history_cut_day), which the caller sets
 * before each evaluation; NULL reads the whole snapshot. */
void br_cond_bind_history_cut(BrCond *c, const BrHistory *history, const gint32 *cut_day);
/* on_watchlist(...) and listed(...) conditions screen against watch (NULL: they never fire),
 * with the caller's scratch, and remember their hit for the line numbered *seq. */
void br_cond_bind_watch(BrCond *c, const BrWatchSet *watch, BrNameScratch *scratch,
                        const guint64 *seq);
/* unknown_locode/unknown_hs/unknown_size_type read these tables; unbound they never fire. */
void br_cond_bind_reference(BrCond *c, const BrReference *reference);
gboolean br_cond_needs_reference(const BrCond *c);
/* The first list a bound condition names that the watch set does not hold, or NULL. */
const char *br_cond_unknown_list(const BrCond *c);
/* Appends what the watchlist conditions that fired on the current line matched (party, list,
 * entry, score and matched tokens; or the listed value); FALSE when none did. */
gboolean br_cond_explain(const BrCond *c, const BrSchema *schema, const BrValue *record,
                         GString *out);
gboolean br_cond_eval(const BrCond *c, const BrValue *record);
void br_cond_free(BrCond *c);
