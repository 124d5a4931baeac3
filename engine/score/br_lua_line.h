/* The `line` that function rules receive: a read-only view of the current record.
 *
 * One full userdata per Lua state, reused for every record and rule: a rule call costs no
 * table and no allocation. `line.NAME` is a number for integer and decimal fields, a string
 * for the others, nil when the field is empty; unknown names and writes raise errors. */
#pragma once

#include <glib.h>
#include <lua.h>

#include "br_batch.h"
#include "br_schema.h"

typedef struct BrLuaLine BrLuaLine;

/* Creates the view in L for records of schema (which must outlive L). The view belongs to
 * the state and lives until lua_close. */
BrLuaLine *br_lua_line_new(lua_State *L, const BrSchema *schema);
/* Pushes the view. */
void br_lua_line_push(lua_State *L, const BrLuaLine *view);
/* Points the view at a record; NULL detaches it, after which reads raise an error. */
void br_lua_line_set(BrLuaLine *view, const BrValue *record);
