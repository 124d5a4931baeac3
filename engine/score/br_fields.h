/* Which rules of a pack can run on an input: the one place where a pack's field reads meet
 * the fields an input gives, for `rank` (and every command that scores) and `rules check`
 * alike, so that they always agree.
 *
 * A rule that reads a field the input does not have (a layout without VGM weights, a profile
 * declaring measured_kg absent) is disabled for the run instead of failing it: it never fires,
 * and the rule and the first such field are reported. A field the pack lists as required
 * ([fields] required in pack.ini) and the input lacks fails the run instead. */
#pragma once

#include <glib.h>

#include "br_rules.h"
#include "br_schema.h"

typedef struct {
  guint rule;        /* index in the pack */
  const char *field; /* the first field it reads that the input lacks (owned by the pack) */
} BrRuleOff;

typedef struct {
  GArray *off;        /* BrRuleOff, in rule order */
  gboolean *disabled; /* per rule */
} BrFieldResolution;

/* Resolves the pack's reads against the fields of schema. NULL with BR_RULES_ERROR_FIELD set
 * (naming every required field missing) when a required field is absent. */
BrFieldResolution *br_fields_resolve(const BrPack *pack, const BrSchema *schema, GError **error);
void br_fields_resolution_free(BrFieldResolution *resolution);
/* "rule ID reads FIELD, which the input does not have: the rule is disabled". */
char *br_fields_describe(const BrPack *pack, const BrRuleOff *off);
