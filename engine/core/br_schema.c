#include "br_schema.h"

#include <string.h>

struct BrSchema {
  GPtrArray *fields;    /* BrField* */
  GHashTable *by_name;  /* name -> index + 1 */
  char list_sep;
};

static const BrCanonicalField canonical[] = {
  {"record_id", BR_TYPE_STRING, "identifier of the manifest line"},
  {"bol", BR_TYPE_STRING, "bill of lading number"},
  {"container", BR_TYPE_STRING, "container number (ISO 6346)"},
  {"seal", BR_TYPE_STRING, "seal number"},
  {"container_type", BR_TYPE_STRING, "ISO 6346 size/type code, e.g. 45R1"},
  {"declared_kg", BR_TYPE_DECIMAL, "declared gross mass, kg"},
  {"measured_kg", BR_TYPE_DECIMAL, "weighed (VGM or scale) mass, kg"},
  {"packages", BR_TYPE_INT, "number of packages"},
  {"hs_code", BR_TYPE_STRING, "HS code as declared (digits)"},
  {"description", BR_TYPE_STRING, "goods description"},
  {"value", BR_TYPE_DECIMAL, "declared value"},
  {"currency", BR_TYPE_STRING, "ISO 4217 currency of value"},
  {"freight_terms", BR_TYPE_STRING, "prepaid / collect"},
  {"freight_amount", BR_TYPE_DECIMAL, "freight charges"},
  {"shipper_name", BR_TYPE_STRING, "shipper"},
  {"shipper_address", BR_TYPE_STRING, "shipper address"},
  {"shipper_country", BR_TYPE_STRING, "shipper country (ISO 3166 alpha-2)"},
  {"consignee_name", BR_TYPE_STRING, "consignee"},
  {"consignee_address", BR_TYPE_STRING, "consignee address"},
  {"consignee_country", BR_TYPE_STRING, "consignee country (ISO 3166 alpha-2)"},
  {"notify_name", BR_TYPE_STRING, "notify party"},
  {"importer_id", BR_TYPE_STRING, "importer identifier"},
  {"declarant_id", BR_TYPE_STRING, "declarant / broker identifier"},
  {"origin_country", BR_TYPE_STRING, "country of origin of the goods"},
  {"load_port", BR_TYPE_STRING, "port of loading (UN/LOCODE)"},
  {"transship_ports", BR_TYPE_LIST, "transshipment ports (UN/LOCODEs)"},
  {"discharge_port", BR_TYPE_STRING, "port of discharge (UN/LOCODE)"},
  {"port", BR_TYPE_STRING, "where the unit is inspected (UN/LOCODE)"},
  {"vessel_imo", BR_TYPE_STRING, "vessel IMO number"},
  {"vessel_name", BR_TYPE_STRING, "vessel name"},
  {"voyage", BR_TYPE_STRING, "voyage number"},
  {"carrier", BR_TYPE_STRING, "carrier or NVOCC"},
  {"arrival_date", BR_TYPE_DATE, "expected arrival date"},
};

const BrCanonicalField *
br_canonical_fields(guint *count)
{
  *count = G_N_ELEMENTS(canonical);
  return canonical;
}

const BrCanonicalField *
br_canonical_find(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(canonical); i++)
    if (strcmp(canonical[i].name, name) == 0)
      return &canonical[i];
  return NULL;
}

static void
field_free(gpointer p)
{
  BrField *f = p;
  g_free(f->name);
  g_free(f);
}

BrSchema *
br_schema_new(void)
{
  BrSchema *s = g_new0(BrSchema, 1);
  s->fields = g_ptr_array_new_with_free_func(field_free);
  s->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  s->list_sep = ';';
  return s;
}

void
br_schema_free(BrSchema *schema)
{
  if (!schema)
    return;
  g_hash_table_destroy(schema->by_name);
  g_ptr_array_free(schema->fields, TRUE);
  g_free(schema);
}

int
br_schema_add(BrSchema *schema, const char *name, BrType type, int source_col)
{
  int existing = br_schema_find(schema, name);
  if (existing >= 0)
    return existing;
  BrField *f = g_new0(BrField, 1);
  f->name = g_strdup(name);
  f->type = type;
  f->source_col = source_col;
  g_ptr_array_add(schema->fields, f);
  g_hash_table_insert(schema->by_name, f->name, GUINT_TO_POINTER(schema->fields->len));
  return (int)schema->fields->len - 1;
}

int
br_schema_find(const BrSchema *schema, const char *name)
{
  gpointer v = g_hash_table_lookup(schema->by_name, name);
  return v ? (int)GPOINTER_TO_UINT(v) - 1 : -1;
}

guint
br_schema_size(const BrSchema *schema)
{
  return schema->fields->len;
}

const BrField *
br_schema_field(const BrSchema *schema, guint index)
{
  g_return_val_if_fail(index < schema->fields->len, NULL);
  return g_ptr_array_index(schema->fields, index);
}

char
br_schema_list_separator(const BrSchema *schema)
{
  return schema->list_sep;
}

void
br_schema_set_list_separator(BrSchema *schema, char sep)
{
  schema->list_sep = sep;
}

static const char *type_names[] = {"string", "integer", "decimal", "date", "list"};

const char *
br_type_name(BrType type)
{
  return (guint)type < G_N_ELEMENTS(type_names) ? type_names[type] : "?";
}

gboolean
br_type_parse(const char *text, BrType *out)
{
  for (guint i = 0; i < G_N_ELEMENTS(type_names); i++) {
    if (g_ascii_strcasecmp(text, type_names[i]) == 0) {
      *out = (BrType)i;
      return TRUE;
    }
  }
  if (g_ascii_strcasecmp(text, "int") == 0) {
    *out = BR_TYPE_INT;
    return TRUE;
  }
  return FALSE;
}
