#include "br_entities.h"

#include <string.h>

G_DEFINE_QUARK(br - entities - error - quark, br_entities_error)

typedef enum { KEY_FIELD, KEY_HS, KEY_ROUTE } KeyKind;

/* One part of a key: a field, an HS prefix or a route. */
typedef struct {
  char *name;
  KeyKind kind;
  guint hs_digits;
  int field;  /* KEY_FIELD: the field; KEY_HS: hs_code; KEY_ROUTE: load_port */
  int field2; /* KEY_ROUTE: discharge_port */
} Part;

/* A key is one part, or several joined by '+' (hs6+origin_country): a combination has a
 * track record of its own that neither part shows. */
typedef struct {
  char *name;
  Part *parts;
  guint nparts;
} Key;

struct BrEntityKeys {
  GArray *keys; /* Key */
};

static void
key_clear(gpointer p)
{
  Key *key = p;
  for (guint i = 0; i < key->nparts; i++)
    g_free(key->parts[i].name);
  g_free(key->parts);
  g_free(key->name);
}

static gboolean
part_name_valid(const char *name)
{
  if (!*name)
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum(*c) && *c != '_' && *c != '-' && *c != '.' && *c != ' ')
      return FALSE;
  return TRUE;
}

static gboolean
key_init(Key *key, const char *name)
{
  char **names = g_strsplit(name, "+", -1);
  key->name = g_strdup(name);
  key->nparts = g_strv_length(names);
  key->parts = g_new0(Part, key->nparts);
  gboolean ok = key->nparts > 0;
  for (guint i = 0; i < key->nparts; i++) {
    Part *part = &key->parts[i];
    part->name = g_strdup(g_strstrip(names[i]));
    part->kind = KEY_FIELD;
    part->field = part->field2 = -1;
    ok = ok && part_name_valid(part->name);
    if (strcmp(part->name, "hs2") == 0 || strcmp(part->name, "hs4") == 0 ||
        strcmp(part->name, "hs6") == 0) {
      part->kind = KEY_HS;
      part->hs_digits = (guint)(part->name[2] - '0');
    } else if (strcmp(part->name, "route") == 0) {
      part->kind = KEY_ROUTE;
    }
  }
  g_strfreev(names);
  return ok;
}

BrEntityKeys *
br_entity_keys_parse(const char *spec, GError **error)
{
  BrEntityKeys *keys = g_new0(BrEntityKeys, 1);
  keys->keys = g_array_new(FALSE, TRUE, sizeof(Key));
  g_array_set_clear_func(keys->keys, key_clear);
  char **names = g_strsplit(spec && *spec ? spec : BR_ENTITY_KEYS_DEFAULT, ",", -1);
  for (guint i = 0; names[i]; i++) {
    char *name = g_strstrip(names[i]);
    if (br_entity_keys_find(keys, name) >= 0) {
      g_set_error(error, BR_ENTITIES_ERROR, BR_ENTITIES_ERROR_KEY,
                  "history key '%s' is given twice", name);
      goto fail;
    }
    Key key = {0};
    gboolean ok = key_init(&key, name);
    g_array_append_val(keys->keys, key);
    if (!ok) {
      g_set_error(error, BR_ENTITIES_ERROR, BR_ENTITIES_ERROR_KEY,
                  "history key %u '%s' is not a field name, hs2/hs4/hs6, route, or a "
                  "combination of those joined by '+'",
                  i + 1, name);
      goto fail;
    }
  }
  g_strfreev(names);
  return keys;
fail:
  g_strfreev(names);
  br_entity_keys_free(keys);
  return NULL;
}

void
br_entity_keys_free(BrEntityKeys *keys)
{
  if (!keys)
    return;
  g_array_unref(keys->keys);
  g_free(keys);
}

guint
br_entity_keys_count(const BrEntityKeys *keys)
{
  return keys->keys->len;
}

const char *
br_entity_keys_name(const BrEntityKeys *keys, guint k)
{
  return g_array_index(keys->keys, Key, k).name;
}

int
br_entity_keys_find(const BrEntityKeys *keys, const char *name)
{
  for (guint k = 0; k < keys->keys->len; k++)
    if (strcmp(g_array_index(keys->keys, Key, k).name, name) == 0)
      return (int)k;
  return -1;
}

static gboolean
part_bind(Part *part, const BrSchema *schema)
{
  switch (part->kind) {
  case KEY_FIELD:
    part->field = br_schema_find(schema, part->name);
    break;
  case KEY_HS:
    part->field = br_schema_find(schema, "hs_code");
    break;
  case KEY_ROUTE:
    part->field = br_schema_find(schema, "load_port");
    part->field2 = br_schema_find(schema, "discharge_port");
    if (part->field2 < 0)
      part->field = -1;
    break;
  }
  return part->field >= 0;
}

static gboolean
key_bound(const Key *key)
{
  for (guint i = 0; i < key->nparts; i++)
    if (key->parts[i].field < 0)
      return FALSE;
  return TRUE;
}

guint
br_entity_keys_bind(BrEntityKeys *keys, const BrSchema *schema)
{
  guint bound = 0;
  for (guint k = 0; k < keys->keys->len; k++) {
    Key *key = &g_array_index(keys->keys, Key, k);
    for (guint i = 0; i < key->nparts; i++)
      part_bind(&key->parts[i], schema);
    bound += key_bound(key);
  }
  return bound;
}

gboolean
br_entity_keys_bound(const BrEntityKeys *keys, guint k)
{
  return key_bound(&g_array_index(keys->keys, Key, k));
}

/* Appends s[0..len) trimmed, upper-cased, inner whitespace collapsed, at buf+pos; returns the
 * new length, or pos when s has nothing but spaces. Cuts at a character boundary when full. */
static gsize
append_norm(char *buf, gsize pos, const char *s, gsize len)
{
  gboolean space = FALSE;
  gsize start = pos;
  for (gsize i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (g_ascii_isspace(c)) {
      space = pos > start;
      continue;
    }
    if (space) {
      if (pos + 1 >= BR_ENTITY_VALUE_MAX - 1)
        break;
      buf[pos++] = ' ';
      space = FALSE;
    }
    if (pos >= BR_ENTITY_VALUE_MAX - 1)
      break;
    buf[pos++] = g_ascii_toupper((char)c);
  }
  /* Never leave half a UTF-8 sequence behind after a cut. */
  if (pos > start && (unsigned char)buf[pos - 1] >= 0x80) {
    gsize lead = pos - 1;
    while (lead > start && ((unsigned char)buf[lead] & 0xC0) == 0x80)
      lead--;
    gsize need = 1;
    unsigned char c = (unsigned char)buf[lead];
    if (c >= 0xF0)
      need = 4;
    else if (c >= 0xE0)
      need = 3;
    else if (c >= 0xC0)
      need = 2;
    if (pos - lead < need)
      pos = lead;
  }
  buf[pos] = '\0';
  return pos;
}

static gboolean
hs_value(const char *s, guint digits, char *buf)
{
  guint n = 0;
  for (; *s && n < digits; s++) {
    if (g_ascii_isdigit(*s))
      buf[n++] = *s;
    else if (*s != '.' && *s != ' ')
      return FALSE;
  }
  buf[n] = '\0';
  return n == digits;
}

/* Writes one part's value at buf+pos; returns the new length, pos when it has none. */
static gsize
part_value(const Part *part, gsize pos, const char *a, gsize alen, const char *b, gsize blen,
           char *buf)
{
  switch (part->kind) {
  case KEY_FIELD:
    return append_norm(buf, pos, a, alen);
  case KEY_HS:
    if (pos + part->hs_digits >= BR_ENTITY_VALUE_MAX)
      return pos;
    return hs_value(a, part->hs_digits, buf + pos) ? pos + part->hs_digits : pos;
  case KEY_ROUTE: {
    gsize end = append_norm(buf, pos, a, alen);
    if (end == pos || end + 2 >= BR_ENTITY_VALUE_MAX)
      return pos;
    buf[end++] = '>';
    gsize last = append_norm(buf, end, b, blen);
    return last > end ? last : pos;
  }
  }
  return pos;
}

/* Joins the parts' values with '+'; FALSE when any part has none. */
static gboolean
key_append(const Key *key, guint i, gsize *pos, const char *a, gsize alen, const char *b,
           gsize blen, char *buf)
{
  if (i > 0) {
    if (*pos + 2 >= BR_ENTITY_VALUE_MAX)
      return FALSE;
    buf[(*pos)++] = '+';
  }
  gsize end = part_value(&key->parts[i], *pos, a, alen, b, blen, buf);
  if (end == *pos)
    return FALSE;
  *pos = end;
  buf[end] = '\0';
  return TRUE;
}

gboolean
br_entity_keys_value(const BrEntityKeys *keys, guint k, const BrValue *record,
                     char buf[BR_ENTITY_VALUE_MAX])
{
  const Key *key = &g_array_index(keys->keys, Key, k);
  if (!key_bound(key))
    return FALSE;
  gsize pos = 0;
  for (guint i = 0; i < key->nparts; i++) {
    const Part *part = &key->parts[i];
    const BrValue *a = &record[part->field];
    const BrValue *b = part->kind == KEY_ROUTE ? &record[part->field2] : a;
    if (a->missing || b->missing || !key_append(key, i, &pos, a->str, a->len, b->str, b->len, buf))
      return FALSE;
  }
  return TRUE;
}

gboolean
br_entity_keys_normalize(const BrEntityKeys *keys, guint k, const char *raw,
                         char buf[BR_ENTITY_VALUE_MAX])
{
  const Key *key = &g_array_index(keys->keys, Key, k);
  char **values = key->nparts > 1 ? g_strsplit(raw, "+", -1) : NULL;
  gboolean ok = !values || g_strv_length(values) == key->nparts;
  gsize pos = 0;
  for (guint i = 0; ok && i < key->nparts; i++) {
    const char *v = values ? values[i] : raw;
    const char *b = v;
    gsize alen = strlen(v), blen = 0;
    if (key->parts[i].kind == KEY_ROUTE) {
      const char *gt = strchr(v, '>');
      if (!gt) {
        ok = FALSE;
        break;
      }
      alen = (gsize)(gt - v);
      b = gt + 1;
      blen = strlen(b);
    }
    ok = key_append(key, i, &pos, v, alen, b, blen, buf);
  }
  g_strfreev(values);
  return ok;
}

typedef struct {
  const char *port; /* interned */
  const char *unit; /* interned */
  GArray *pairs;    /* BrEntityPair */
} EntityUnit;

struct BrEntityTable {
  const BrEntityKeys *keys;
  GStringChunk *strings;
  GHashTable *units; /* EntityUnit* -> same */
};

static guint
unit_hash(gconstpointer p)
{
  const EntityUnit *u = p;
  return g_str_hash(u->port) * 31u + g_str_hash(u->unit);
}

static gboolean
unit_equal(gconstpointer a, gconstpointer b)
{
  const EntityUnit *x = a, *y = b;
  return strcmp(x->port, y->port) == 0 && strcmp(x->unit, y->unit) == 0;
}

static void
unit_free(gpointer p)
{
  EntityUnit *u = p;
  g_array_unref(u->pairs);
  g_free(u);
}

BrEntityTable *
br_entity_table_new(const BrEntityKeys *keys)
{
  BrEntityTable *t = g_new0(BrEntityTable, 1);
  t->keys = keys;
  t->strings = g_string_chunk_new(64 * 1024);
  t->units = g_hash_table_new_full(unit_hash, unit_equal, unit_free, NULL);
  return t;
}

void
br_entity_table_free(BrEntityTable *table)
{
  if (!table)
    return;
  g_hash_table_unref(table->units);
  g_string_chunk_free(table->strings);
  g_free(table);
}

static EntityUnit *
table_unit(BrEntityTable *t, const char *port, const char *unit)
{
  EntityUnit probe = {.port = port, .unit = unit};
  EntityUnit *u = g_hash_table_lookup(t->units, &probe);
  if (u)
    return u;
  u = g_new0(EntityUnit, 1);
  u->port = g_string_chunk_insert_const(t->strings, port);
  u->unit = g_string_chunk_insert_const(t->strings, unit);
  u->pairs = g_array_new(FALSE, FALSE, sizeof(BrEntityPair));
  g_hash_table_add(t->units, u);
  return u;
}

/* Units carry a handful of values, so a linear scan beats any index here. */
static void
unit_add_value(BrEntityTable *t, EntityUnit *u, guint key, const char *value)
{
  for (guint i = 0; i < u->pairs->len; i++) {
    const BrEntityPair *p = &g_array_index(u->pairs, BrEntityPair, i);
    if (p->key == key && strcmp(p->value, value) == 0)
      return;
  }
  BrEntityPair pair = {.key = key, .value = g_string_chunk_insert_const(t->strings, value)};
  g_array_append_val(u->pairs, pair);
}

void
br_entity_table_add(BrEntityTable *table, const char *port, const char *unit, const BrValue *record)
{
  EntityUnit *u = table_unit(table, port, unit);
  char buf[BR_ENTITY_VALUE_MAX];
  for (guint k = 0; k < br_entity_keys_count(table->keys); k++)
    if (br_entity_keys_value(table->keys, k, record, buf))
      unit_add_value(table, u, k, buf);
}

void
br_entity_table_merge(BrEntityTable *dst, BrEntityTable *src)
{
  GHashTableIter it;
  gpointer p;
  g_hash_table_iter_init(&it, src->units);
  while (g_hash_table_iter_next(&it, &p, NULL)) {
    const EntityUnit *s = p;
    EntityUnit *d = table_unit(dst, s->port, s->unit);
    for (guint i = 0; i < s->pairs->len; i++) {
      const BrEntityPair *pair = &g_array_index(s->pairs, BrEntityPair, i);
      unit_add_value(dst, d, pair->key, pair->value);
    }
  }
  g_hash_table_remove_all(src->units);
}

guint
br_entity_table_size(const BrEntityTable *table)
{
  return g_hash_table_size(table->units);
}

const BrEntityKeys *
br_entity_table_keys(const BrEntityTable *table)
{
  return table->keys;
}

gboolean
br_entity_table_foreach(const BrEntityTable *table, BrEntityUnitFunc func, gpointer data)
{
  GHashTableIter it;
  gpointer p;
  g_hash_table_iter_init(&it, table->units);
  while (g_hash_table_iter_next(&it, &p, NULL)) {
    const EntityUnit *u = p;
    if (!func(u->port, u->unit, (const BrEntityPair *)(void *)u->pairs->data, u->pairs->len, data))
      return FALSE;
  }
  return TRUE;
}
