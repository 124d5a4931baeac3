/* Entity keys: the things a track record is kept for (importer, consignee, shipper, declarant,
 * HS6, origin, route ...), how their values are read from a record, and the per-run table of
 * which entity values each inspection unit carries.
 *
 * A key is a schema field name, pass-through columns and numbers included (its value as
 * written, trimmed, ASCII upper case, inner whitespace runs collapsed to one space, so
 * "Acme  ltd" and "ACME LTD" are one party), or a derived key:
 *   hs2, hs4, hs6  the first 2/4/6 digits of hs_code (dots and spaces ignored)
 *   route          load_port>discharge_port (both present)
 *   NAME_band      the band of numeric field NAME (value_band, declared_kg_band) on a log
 *                  scale, each band a factor e^BR_ENTITY_BAND_WIDTH (1.65) wide, written as
 *                  its bounds ("298K..492K"): a price level, not an exact price, so
 *                  a track record of it survives a value declared a little differently
 *   value_per_kg_band  the band of value / declared_kg (normalised from "VALUE/KG")
 * (an input with a field of the very name NAME_band reads that field instead)
 * or a combination of those joined by '+' (hs6+origin_country: "440890+BE"), which has a
 * value only when every part has one.
 * Values longer than BR_ENTITY_VALUE_MAX - 1 bytes are cut at a UTF-8 character boundary.
 *
 * The store records, for every unit of a run, the distinct entity values of its lines, so an
 * inspection outcome can be credited to every party and commodity of the unit it opened.
 * Values are numbered in a dictionary, and units carry the numbers; the dictionary remembers
 * each raw text it normalised, so a line's values cost one probe per key of a table keyed by
 * the fields' bytes as written, and no string is copied per unit. */
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
#define BR_ENTITY_BAND_SUFFIX "_band"
#define BR_ENTITY_BAND_WIDTH 0.5 /* in ln: bands a factor e^0.5 = 1.65 wide */
#define BR_ENTITY_KEYS_MAX 64
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
  const char *value; /* interned in the dictionary */
  guint32 id;        /* the value's id in the dictionary, below br_entity_dict_size */
} BrEntityPair;

/* A dictionary numbering entity values (key, value) from 0 in first-seen order. Each
 * pipeline worker has its own; they are absorbed into one when the input ends. */
typedef struct BrEntityDict BrEntityDict;

BrEntityDict *br_entity_dict_new(void);
void br_entity_dict_free(BrEntityDict *dict);
guint br_entity_dict_size(const BrEntityDict *dict);
BrEntityPair br_entity_dict_pair(const BrEntityDict *dict, guint32 id);
/* Writes the ids of the record's values (one per key that has a value, at most
 * br_entity_keys_count) to ids and returns how many. Normalises and allocates only for a raw
 * text not seen before: the scoring hot path. */
guint br_entity_dict_line(BrEntityDict *dict, const BrEntityKeys *keys, const BrValue *record,
                          guint32 *ids);
/* Interns every value of src into dst; returns the map from src ids to dst ids (g_free). */
guint32 *br_entity_dict_absorb(BrEntityDict *dst, const BrEntityDict *src);

/* Which entity values each unit of a run carried: what the store records for history. */
typedef struct BrEntityTable BrEntityTable;

/* A table with a dictionary of its own, filled line by line with br_entity_table_add.
 * keys must outlive it. */
BrEntityTable *br_entity_table_new(const BrEntityKeys *keys);
/* A table taking over dict, filled unit by unit with br_entity_table_add_ids (the pipeline,
 * whose units already hold their ids). */
BrEntityTable *br_entity_table_new_from_dict(const BrEntityKeys *keys, BrEntityDict *dict);
void br_entity_table_free(BrEntityTable *table);
/* Adds the entity values of one line of unit (port, unit). */
void br_entity_table_add(BrEntityTable *table, const char *port, const char *unit,
                         const BrValue *record);
/* Adds a unit not in the table yet with its distinct value ids (of the table's dictionary)
 * and its br_unit_pack_bucket. Borrows port, unit and ids, which must outlive the table: the
 * pipeline's units, which hold them, live as long as its table (a copy of 800,000 units
 * showed in the profile). */
void br_entity_table_add_ids(BrEntityTable *table, const char *port, const char *unit,
                             guint32 bucket, const guint32 *ids, guint n);
guint br_entity_table_size(const BrEntityTable *table); /* units */
const BrEntityKeys *br_entity_table_keys(const BrEntityTable *table);
const BrEntityDict *br_entity_table_dict(const BrEntityTable *table);

typedef gboolean (*BrEntityUnitFunc)(const char *port, const char *unit, const BrEntityPair *pairs,
                                     guint npairs, gpointer data);
/* Calls func once per unit, in the order they were added, until it returns FALSE; returns
 * FALSE then, TRUE when every unit was visited. */
gboolean br_entity_table_foreach(const BrEntityTable *table, BrEntityUnitFunc func, gpointer data);
/* Unit i of the table, i below br_entity_table_size, in the order they were added: its port,
 * unit and value ids (of br_entity_table_dict). */
void br_entity_table_unit(const BrEntityTable *table, guint i, const char **port, const char **unit,
                          const guint32 **ids, guint *n);
/* Unit i's br_unit_pack_bucket and how many value ids it has, without reading its strings. */
guint32 br_entity_table_bucket(const BrEntityTable *table, guint i, guint *n);
/* Asks the CPU to fetch unit i's strings and ids into cache: a reader in another order than
 * the units' memory, the store packing them by bucket, waits for memory on every unit. The
 * unit's own record is read for that: br_entity_table_prefetch_unit fetches it a step
 * earlier. */
void br_entity_table_prefetch(const BrEntityTable *table, guint i);
void br_entity_table_prefetch_unit(const BrEntityTable *table, guint i);
