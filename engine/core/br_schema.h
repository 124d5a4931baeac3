/* Field names and types of the records one run works on.
 *
 * A schema is built once per input: the column profile's canonical fields first, then every
 * unmapped source column under its own name, so rules can name either. Rules are compiled
 * against it, which turns field names into indices before any record is read. */
#pragma once

#include <glib.h>

typedef enum {
  BR_TYPE_STRING = 0,
  BR_TYPE_INT,
  BR_TYPE_DECIMAL,
  BR_TYPE_DATE, /* stored as days since 1970-01-01 in BrValue.num, text kept as ISO 8601 */
  BR_TYPE_LIST, /* text kept as given; elements split on the profile's list separator */
} BrType;

typedef struct {
  char *name;
  BrType type;
  int source_col; /* 0-based column in the source file, -1 when the source lacks it */
} BrField;

typedef struct BrSchema BrSchema;

BrSchema *br_schema_new(void);
void br_schema_free(BrSchema *schema);
/* Adds a field, or returns the index of the field of that name already there. */
int br_schema_add(BrSchema *schema, const char *name, BrType type, int source_col);
int br_schema_find(const BrSchema *schema, const char *name); /* -1 when absent */
guint br_schema_size(const BrSchema *schema);
const BrField *br_schema_field(const BrSchema *schema, guint index);
/* The character that separates list elements in BR_TYPE_LIST fields (';' by default). */
char br_schema_list_separator(const BrSchema *schema);
void br_schema_set_list_separator(BrSchema *schema, char sep);

const char *br_type_name(BrType type);
gboolean br_type_parse(const char *text, BrType *out);

/* The canonical manifest fields (DESIGN.md §4) and their default types. */
typedef struct {
  const char *name;
  BrType type;
  const char *meaning;
} BrCanonicalField;

const BrCanonicalField *br_canonical_fields(guint *count);
const BrCanonicalField *br_canonical_find(const char *name);
