/* Entity keys: the things a track record is kept for (importer, consignee, shipper, declarant,
 * HS6, origin, route ...), how their values are read from a record, and the per-run table of
 * which entity values each inspection unit carries.
 *
 * A key is a schema field name, pass-through columns and numbers included (its value as
 * written, trimmed, ASCII upper case, inner whitespace runs collapsed to one space, so
 * "Acme  ltd" and "ACME LTD" are one party), or a derived key:
 *   hs2, hs4, hs6  the first 2/4/6 digits of hs_code (dots and spaces ignored)
 *   route          load_port>discharge_port (both present)
 * or a combination of those joined by '+' (hs6+origin_country: "440890+BE"), which has a
 * value only when every part has one.
 * Values longer than BR_ENTITY_VALUE_MAX - 1 bytes are cut at a UTF-8 character boundary.
 *
 * The store records, for every unit of a run, the distinct entity values of its lines, so an
 * inspection outcome can be credited to every party and commodity of the unit it opened. */
#pragma once

#include <glib.h>

#include "br_batch.h"
#include "br_schema.h"

#define BR_ENTITIES_ERROR (br_entities_error_quark())
GQuark br_entities_error_quark(void);

typedef enum {
  BR_ENTITIES_ERROR_KEY, /* a key spec names something that is not a key */
} BrEntitiesErrorCode;

#define BR_ENTITY_VALUE_MAX 256
#define BR_ENTITY_KEYS_DEFAULT                                                                     \
  "importer_id,consignee_name,shipper_name,declarant_id,hs6,origin_country,route"

typedef struct BrEntityKeys BrEntityKeys;

/* spec: comma-separated key names; NULL or "" gives BR_ENTITY_KEYS_DEFAULT. */
BrEntityKeys *br_entity_keys_parse(const char *spec, GError **error);
void br_entity_keys_free(BrEntityKeys *keys);
guint br_entity_keys_count(const BrEntityKeys *keys);
const char *br_entity_keys_name(const BrEntityKeys *keys, guint k);
int br_entity_keys_find(const BrEntityKeys *keys, const char *name); /* -1 when absent */
/* Resolves the fields each key reads in this schema. A key whose fields the schema lacks
 * yields no values (an input without declarant_id simply has no declarant record). Returns
 * the number of keys that could be bound. Call before sharing the keys between threads. */
guint br_entity_keys_bind(BrEntityKeys *keys, const BrSchema *schema);
gboolean br_entity_keys_bound(const BrEntityKeys *keys, guint k);
/* Writes key k's value for the record into buf; FALSE when the record has none. Does not
 * allocate: safe in the scoring hot path. */
gboolean br_entity_keys_value(const BrEntityKeys *keys, guint k, const BrValue *record,
                              char buf[BR_ENTITY_VALUE_MAX]);
/* Normalises a raw value given for key k (e.g. a rule's literal "acme ltd", "8471.30.00" for
 * hs6, "cnsha > iqumq" for route) the way record values are; FALSE when it has no value. */
gboolean br_entity_keys_normalize(const BrEntityKeys *keys, guint k, const char *raw,
                                  char buf[BR_ENTITY_VALUE_MAX]);

typedef struct {
  guint key;         /* index into the keys */
  const char *value; /* interned in the table */
} BrEntityPair;

typedef struct BrEntityTable BrEntityTable;

/* One table per worker; tables merge at the end like BrUnitTable. keys must outlive it. */
BrEntityTable *br_entity_table_new(const BrEntityKeys *keys);
void br_entity_table_free(BrEntityTable *table);
/* Adds the entity values of one line of unit (port, unit). Allocates only for a unit or a
 * value not seen before. */
void br_entity_table_add(BrEntityTable *table, const char *port, const char *unit,
                         const BrValue *record);
void br_entity_table_merge(BrEntityTable *dst, BrEntityTable *src);
guint br_entity_table_size(const BrEntityTable *table); /* units */
const BrEntityKeys *br_entity_table_keys(const BrEntityTable *table);

typedef gboolean (*BrEntityUnitFunc)(const char *port, const char *unit, const BrEntityPair *pairs,
                                     guint npairs, gpointer data);
/* Calls func once per unit (in no particular order) until it returns FALSE; returns FALSE
 * then, TRUE when every unit was visited. */
gboolean br_entity_table_foreach(const BrEntityTable *table, BrEntityUnitFunc func, gpointer data);
