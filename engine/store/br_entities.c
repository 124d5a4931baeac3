#include "br_entities.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "br_unit_packs.h"

G_DEFINE_QUARK(br - entities - error - quark, br_entities_error)

typedef enum { KEY_FIELD, KEY_HS, KEY_ROUTE, KEY_BAND, KEY_BAND_PER_KG } KeyKind;

/* One part of a key: a field, an HS prefix, a route, or the band of a number. */
typedef struct {
  char *name;
  KeyKind kind;
  guint hs_digits;
  int field;  /* KEY_FIELD: the field; KEY_HS: hs_code; KEY_ROUTE: load_port; KEY_BAND: the
                 number; KEY_BAND_PER_KG: value */
  int field2; /* KEY_ROUTE: discharge_port; KEY_BAND_PER_KG: declared_kg */
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
    if (i == BR_ENTITY_KEYS_MAX) {
      g_set_error(error, BR_ENTITIES_ERROR, BR_ENTITIES_ERROR_KEY,
                  "at most %d history keys, not more ('%s')", BR_ENTITY_KEYS_MAX, name);
      goto fail;
    }
    Key key = {0};
    gboolean ok = key_init(&key, name);
    g_array_append_val(keys->keys, key);
    if (!ok) {
      g_set_error(error, BR_ENTITIES_ERROR, BR_ENTITIES_ERROR_KEY,
                  "history key %u '%s' is not a field name, hs2/hs4/hs6, route, a band "
                  "(NAME_band), or a combination of those joined by '+'",
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

/* A field of the schema holding numbers, or -1. */
static int
numeric_field(const BrSchema *schema, const char *name)
{
  int f = br_schema_find(schema, name);
  if (f < 0)
    return -1;
  BrType t = br_schema_field(schema, (guint)f)->type;
  return t == BR_TYPE_DECIMAL || t == BR_TYPE_INT ? f : -1;
}

static gboolean
part_bind(Part *part, const BrSchema *schema)
{
  part->field = part->field2 = -1;
  /* NAME_band is the band of field NAME, unless the input has a field of that very name. */
  if (part->kind != KEY_HS && part->kind != KEY_ROUTE) {
    gsize len = strlen(part->name);
    gboolean band = g_str_has_suffix(part->name, BR_ENTITY_BAND_SUFFIX) &&
                    br_schema_find(schema, part->name) < 0;
    part->kind = KEY_FIELD;
    if (band && strcmp(part->name, "value_per_kg" BR_ENTITY_BAND_SUFFIX) == 0) {
      part->kind = KEY_BAND_PER_KG;
      part->field = numeric_field(schema, "value");
      part->field2 = numeric_field(schema, "declared_kg");
      if (part->field2 < 0)
        part->field = -1;
      return part->field >= 0;
    }
    if (band) {
      char *base = g_strndup(part->name, len - strlen(BR_ENTITY_BAND_SUFFIX));
      part->kind = KEY_BAND;
      part->field = numeric_field(schema, base);
      g_free(base);
      return part->field >= 0;
    }
  }
  switch (part->kind) {
  case KEY_BAND:
  case KEY_BAND_PER_KG:
    break;
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
    buf[pos++] = (char)(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
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

/* A number written as text, whole (surrounding spaces aside); FALSE for anything else. */
static gboolean
parse_number(const char *s, gsize len, double *x)
{
  char tmp[64];
  if (len == 0 || len >= sizeof tmp)
    return FALSE;
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  char *end;
  *x = g_ascii_strtod(tmp, &end);
  while (g_ascii_isspace(*end))
    end++;
  return end != tmp && *end == '\0' && isfinite(*x);
}

/* A band bound in 3 digits, thousands as K, millions as M, billions as G: "298K". */
static void
bound_text(double x, char out[16])
{
  static const char *const suffix[] = {"", "K", "M", "G"};
  guint i = 0;
  for (; i + 1 < G_N_ELEMENTS(suffix) && x >= 1000; i++)
    x /= 1000;
  g_snprintf(out, 16, "%.3g%s", x, suffix[i]);
}

/* Writes the band of x > 0 at buf+pos as its bounds, "LOW..HIGH"; pos when x has none. */
static gsize
band_value(double x, gsize pos, char *buf)
{
  if (!(x > 0) || !isfinite(x))
    return pos;
  double b = floor(log(x) / BR_ENTITY_BAND_WIDTH);
  char lo[16], hi[16];
  bound_text(exp(b * BR_ENTITY_BAND_WIDTH), lo);
  bound_text(exp((b + 1) * BR_ENTITY_BAND_WIDTH), hi);
  int n = g_snprintf(buf + pos, BR_ENTITY_VALUE_MAX - pos, "%s..%s", lo, hi);
  return n > 0 && pos + (gsize)n < BR_ENTITY_VALUE_MAX ? pos + (gsize)n : pos;
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
  case KEY_BAND: {
    double x;
    return parse_number(a, alen, &x) ? band_value(x, pos, buf) : pos;
  }
  case KEY_BAND_PER_KG: {
    double value, kg;
    return parse_number(a, alen, &value) && parse_number(b, blen, &kg) && kg > 0
               ? band_value(value / kg, pos, buf)
               : pos;
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
    const BrValue *b =
        part->kind == KEY_ROUTE || part->kind == KEY_BAND_PER_KG ? &record[part->field2] : a;
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
    if (key->parts[i].kind == KEY_ROUTE || key->parts[i].kind == KEY_BAND_PER_KG) {
      const char *gt = strchr(v, key->parts[i].kind == KEY_ROUTE ? '>' : '/');
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

/* The raw text a line gives a key (its fields' bytes as written, with the kinds of the
 * parts), mapped to the id of the value it normalises to: a million lines carry a few tens of
 * thousands of distinct texts, so each is normalised and interned once, and a line costs a
 * hash of its raw bytes and one probe per key. Each key has a table of its own: the keys
 * with a few hundred values (countries, HS codes, routes) keep theirs in cache, and only the
 * party keys' probes go to memory. */
typedef struct {
  guint32 tag; /* the hash's low half, never 0; 0: empty */
  guint32 off; /* the raw text in raw */
  guint32 len;
  guint32 id; /* MEMO_NONE: the text has no value (all spaces, an HS code without digits) */
} MemoSlot;

typedef struct {
  MemoSlot *slots; /* open addressing, a power of two, at most half full */
  guint mask, used;
  guint32 last; /* the slot of the last line's raw text, MEMO_NONE: none */
} Memo;

#define MEMO_NONE G_MAXUINT32
#define MEMO_RAW_MAX 512 /* longer raw texts are normalised every time */

/* A value is interned as one byte, its key + 1, then its text: one string is the whole
 * identity, hashed and compared in one go. */
struct BrEntityDict {
  GStringChunk *strings;
  GHashTable *ids;  /* interned string -> GUINT_TO_POINTER(id + 1) */
  GPtrArray *texts; /* id -> interned string */
  Memo memo[BR_ENTITY_KEYS_MAX];
  GByteArray *raw; /* the memos' raw texts */
  guchar *scratch; /* the raw texts of the line being read, MEMO_RAW_MAX bytes per key */
};

BrEntityDict *
br_entity_dict_new(void)
{
  BrEntityDict *d = g_new0(BrEntityDict, 1);
  d->strings = g_string_chunk_new(64 * 1024);
  d->ids = g_hash_table_new(g_str_hash, g_str_equal);
  d->texts = g_ptr_array_new();
  d->raw = g_byte_array_new();
  for (guint k = 0; k < BR_ENTITY_KEYS_MAX; k++)
    d->memo[k].last = MEMO_NONE;
  return d;
}

void
br_entity_dict_free(BrEntityDict *dict)
{
  if (!dict)
    return;
  g_hash_table_unref(dict->ids);
  g_ptr_array_free(dict->texts, TRUE);
  g_string_chunk_free(dict->strings);
  for (guint k = 0; k < BR_ENTITY_KEYS_MAX; k++)
    g_free(dict->memo[k].slots);
  g_byte_array_unref(dict->raw);
  g_free(dict->scratch);
  g_free(dict);
}

guint
br_entity_dict_size(const BrEntityDict *dict)
{
  return dict->texts->len;
}

/* text: the key byte and the value. */
static guint32
dict_intern(BrEntityDict *d, const char *text)
{
  gpointer found = g_hash_table_lookup(d->ids, text);
  if (found)
    return GPOINTER_TO_UINT(found) - 1;
  char *copy = g_string_chunk_insert(d->strings, text);
  g_ptr_array_add(d->texts, copy);
  g_hash_table_insert(d->ids, copy, GUINT_TO_POINTER(d->texts->len));
  return d->texts->len - 1;
}

BrEntityPair
br_entity_dict_pair(const BrEntityDict *dict, guint32 id)
{
  const char *text = g_ptr_array_index(dict->texts, id);
  return (BrEntityPair){.key = (guchar)text[0] - 1u, .value = text + 1, .id = id};
}

/* Writes the raw text of a key in the record to raw (the kind of each part, then its field's
 * bytes, a second field's after a separator) and returns its length; -1 when a field is
 * missing or the key is not bound (no value), -2 when longer than MEMO_RAW_MAX. */
static gssize
raw_text(const Key *key, const BrValue *record, guchar raw[MEMO_RAW_MAX])
{
  gsize pos = 0;
  for (guint i = 0; i < key->nparts; i++) {
    const Part *part = &key->parts[i];
    if (part->field < 0)
      return -1;
    gboolean two = part->kind == KEY_ROUTE || part->kind == KEY_BAND_PER_KG;
    const BrValue *a = &record[part->field];
    const BrValue *b = two ? &record[part->field2] : NULL;
    if (a->missing || (b && b->missing))
      return -1;
    gsize need = 1 + a->len + (b ? 1 + b->len : 0);
    if (pos + need > MEMO_RAW_MAX)
      return -2;
    raw[pos++] = (guchar)part->kind;
    memcpy(raw + pos, a->str, a->len);
    pos += a->len;
    if (b) {
      raw[pos++] = 0x1f;
      memcpy(raw + pos, b->str, b->len);
      pos += b->len;
    }
  }
  return (gssize)pos;
}

/* A multiply-xorshift hash eight bytes at a time. */
static guint64
memo_hash(const guchar *p, gsize n)
{
  guint64 h = 0x9e3779b97f4a7c15ULL ^ n;
  for (; n >= 8; p += 8, n -= 8) {
    guint64 w;
    memcpy(&w, p, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 29;
  }
  guint64 w = 0;
  memcpy(&w, p, n);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 32);
}

static guint32
memo_tag(guint64 hash)
{
  return (guint32)hash | 1;
}

static guint
memo_at(const Memo *m, guint64 hash)
{
  return (guint)(hash >> 32) & m->mask;
}

static void
memo_grow(Memo *m, const guchar *raw)
{
  guint mask = m->slots ? m->mask * 2 + 1 : 255;
  MemoSlot *slots = g_new0(MemoSlot, mask + 1);
  for (guint i = 0; m->slots && i <= m->mask; i++) {
    const MemoSlot *s = &m->slots[i];
    if (!s->tag)
      continue;
    guint at = (guint)(memo_hash(raw + s->off, s->len) >> 32) & mask;
    while (slots[at].tag)
      at = (at + 1) & mask;
    slots[at] = *s;
  }
  g_free(m->slots);
  m->slots = slots;
  m->mask = mask;
  m->last = MEMO_NONE;
}

/* One key's raw text of the line being read. */
typedef struct {
  gssize len; /* as raw_text */
  guint64 hash;
  guint32 id;
  gboolean done;
} Pending;

/* Finds or adds the memo slot of a raw text, normalising it the first time it is seen. */
static guint32
memo_resolve(BrEntityDict *d, const BrEntityKeys *keys, guint k, const BrValue *record,
             const guchar *raw, gsize len, guint64 hash)
{
  Memo *m = &d->memo[k];
  guint32 tag = memo_tag(hash);
  guint at = memo_at(m, hash);
  for (; m->slots[at].tag; at = (at + 1) & m->mask) {
    const MemoSlot *s = &m->slots[at];
    if (s->tag == tag && s->len == len && memcmp(d->raw->data + s->off, raw, len) == 0) {
      m->last = at;
      return s->id;
    }
  }
  char buf[BR_ENTITY_VALUE_MAX + 1];
  guint32 id = MEMO_NONE;
  if (br_entity_keys_value(keys, k, record, buf + 1)) {
    buf[0] = (char)(k + 1);
    id = dict_intern(d, buf);
  }
  m->slots[at] = (MemoSlot){tag, d->raw->len, (guint32)len, id};
  m->last = at;
  g_byte_array_append(d->raw, raw, (guint)len);
  if (++m->used * 2 > m->mask)
    memo_grow(m, d->raw->data);
  return id;
}

/* The keys of a line are looked up together, in three passes: the slots of all keys are
 * fetched from memory at once, then their raw texts, then compared. One at a time, each
 * lookup waited for its cache misses in turn. */
guint
br_entity_dict_line(BrEntityDict *d, const BrEntityKeys *keys, const BrValue *record, guint32 *ids)
{
  guint nkeys = br_entity_keys_count(keys);
  Pending pend[BR_ENTITY_KEYS_MAX];
  if (!d->scratch)
    d->scratch = g_malloc((gsize)BR_ENTITY_KEYS_MAX * MEMO_RAW_MAX);
  for (guint k = 0; k < nkeys; k++) {
    Pending *p = &pend[k];
    Memo *m = &d->memo[k];
    guchar *raw = d->scratch + (gsize)k * MEMO_RAW_MAX;
    p->len = raw_text(&g_array_index(keys->keys, Key, k), record, raw);
    p->done = p->len < 0;
    p->id = MEMO_NONE;
    if (p->len == -2) {
      char buf[BR_ENTITY_VALUE_MAX + 1];
      if (br_entity_keys_value(keys, k, record, buf + 1)) {
        buf[0] = (char)(k + 1);
        p->id = dict_intern(d, buf);
      }
    }
    if (p->done)
      continue;
    if (!m->slots)
      memo_grow(m, d->raw->data);
    const MemoSlot *last = m->last != MEMO_NONE ? &m->slots[m->last] : NULL;
    if (last && last->len == (guint32)p->len &&
        memcmp(d->raw->data + last->off, raw, (gsize)p->len) == 0) {
      p->id = last->id;
      p->done = TRUE;
      continue;
    }
    p->hash = memo_hash(raw, (gsize)p->len);
    __builtin_prefetch(&m->slots[memo_at(m, p->hash)]);
  }
  for (guint k = 0; k < nkeys; k++) {
    if (pend[k].done)
      continue;
    const MemoSlot *slot = &d->memo[k].slots[memo_at(&d->memo[k], pend[k].hash)];
    if (slot->tag == memo_tag(pend[k].hash))
      __builtin_prefetch(d->raw->data + slot->off);
  }
  guint n = 0;
  for (guint k = 0; k < nkeys; k++) {
    Pending *p = &pend[k];
    if (!p->done)
      p->id = memo_resolve(d, keys, k, record, d->scratch + (gsize)k * MEMO_RAW_MAX, (gsize)p->len,
                           p->hash);
    if (p->id != MEMO_NONE)
      ids[n++] = p->id;
  }
  return n;
}

guint32 *
br_entity_dict_absorb(BrEntityDict *dst, const BrEntityDict *src)
{
  guint32 *map = g_new(guint32, src->texts->len + 1);
  for (guint i = 0; i < src->texts->len; i++)
    map[i] = dict_intern(dst, g_ptr_array_index(src->texts, i));
  return map;
}

typedef struct {
  const char *port; /* interned, or the caller's (br_entity_table_add_ids) */
  const char *unit;
  const guint32 *borrowed; /* the caller's ids (br_entity_table_add_ids); NULL: in ids */
  guint32 first;           /* into ids */
  guint32 n;
  guint32 bucket; /* br_unit_pack_bucket(port, unit) */
} EntityUnit;

struct BrEntityTable {
  const BrEntityKeys *keys;
  BrEntityDict *dict;
  GStringChunk *strings; /* ports and units */
  GArray *units;         /* EntityUnit */
  GArray *ids;           /* guint32: each unit's ids, distinct, in a run of their own */
  GHashTable *index;     /* "port\x1funit" -> unit index + 1; only units added by record */
};

static BrEntityTable *
table_new(const BrEntityKeys *keys, BrEntityDict *dict)
{
  BrEntityTable *t = g_new0(BrEntityTable, 1);
  t->keys = keys;
  t->dict = dict;
  t->strings = g_string_chunk_new(64 * 1024);
  t->units = g_array_new(FALSE, FALSE, sizeof(EntityUnit));
  t->ids = g_array_new(FALSE, FALSE, sizeof(guint32));
  t->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  return t;
}

BrEntityTable *
br_entity_table_new(const BrEntityKeys *keys)
{
  return table_new(keys, br_entity_dict_new());
}

BrEntityTable *
br_entity_table_new_from_dict(const BrEntityKeys *keys, BrEntityDict *dict)
{
  return table_new(keys, dict);
}

void
br_entity_table_free(BrEntityTable *table)
{
  if (!table)
    return;
  br_entity_dict_free(table->dict);
  g_string_chunk_free(table->strings);
  g_array_unref(table->units);
  g_array_unref(table->ids);
  g_hash_table_unref(table->index);
  g_free(table);
}

static EntityUnit *
unit_append(BrEntityTable *t, const char *port, const char *unit)
{
  EntityUnit u = {.port = g_string_chunk_insert_const(t->strings, port),
                  .unit = g_string_chunk_insert(t->strings, unit),
                  .first = t->ids->len,
                  .bucket = br_unit_pack_bucket(port, unit)};
  g_array_append_val(t->units, u);
  return &g_array_index(t->units, EntityUnit, t->units->len - 1);
}

void
br_entity_table_add_ids(BrEntityTable *table, const char *port, const char *unit, guint32 bucket,
                        const guint32 *ids, guint n)
{
  EntityUnit u = {.port = port, .unit = unit, .borrowed = ids, .n = n, .bucket = bucket};
  g_array_append_val(table->units, u);
}

static const guint32 *
unit_ids(const BrEntityTable *table, const EntityUnit *u)
{
  return u->borrowed ? u->borrowed : &g_array_index(table->ids, guint32, u->first);
}

/* Adds id to the unit unless it has it; the unit's ids move to the end of the array first
 * when another unit's follow them. */
static void
unit_add_id(BrEntityTable *t, EntityUnit *u, guint32 id)
{
  for (guint i = 0; i < u->n; i++)
    if (g_array_index(t->ids, guint32, u->first + i) == id)
      return;
  if (u->first + u->n != t->ids->len) {
    guint first = t->ids->len;
    for (guint i = 0; i < u->n; i++) {
      guint32 v = g_array_index(t->ids, guint32, u->first + i);
      g_array_append_val(t->ids, v);
    }
    u->first = first;
  }
  g_array_append_val(t->ids, id);
  u->n++;
}

void
br_entity_table_add(BrEntityTable *table, const char *port, const char *unit, const BrValue *record)
{
  char *key = g_strconcat(port, "\x1f", unit, NULL);
  guint at = GPOINTER_TO_UINT(g_hash_table_lookup(table->index, key));
  if (at == 0) {
    unit_append(table, port, unit);
    at = table->units->len;
    g_hash_table_insert(table->index, key, GUINT_TO_POINTER(at));
  } else {
    g_free(key);
  }
  guint32 ids[BR_ENTITY_KEYS_MAX];
  guint n = br_entity_dict_line(table->dict, table->keys, record, ids);
  for (guint i = 0; i < n; i++)
    unit_add_id(table, &g_array_index(table->units, EntityUnit, at - 1), ids[i]);
}

guint
br_entity_table_size(const BrEntityTable *table)
{
  return table->units->len;
}

const BrEntityKeys *
br_entity_table_keys(const BrEntityTable *table)
{
  return table->keys;
}

const BrEntityDict *
br_entity_table_dict(const BrEntityTable *table)
{
  return table->dict;
}

gboolean
br_entity_table_foreach(const BrEntityTable *table, BrEntityUnitFunc func, gpointer data)
{
  BrEntityPair pairs[BR_ENTITY_KEYS_MAX];
  GArray *many = NULL; /* for the rare unit with more values than keys */
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < table->units->len; i++) {
    const EntityUnit *u = &g_array_index(table->units, EntityUnit, i);
    BrEntityPair *out = pairs;
    if (u->n > BR_ENTITY_KEYS_MAX) {
      if (!many)
        many = g_array_new(FALSE, FALSE, sizeof(BrEntityPair));
      g_array_set_size(many, u->n);
      out = (BrEntityPair *)(void *)many->data;
    }
    const guint32 *ids = unit_ids(table, u);
    for (guint j = 0; j < u->n; j++)
      out[j] = br_entity_dict_pair(table->dict, ids[j]);
    ok = func(u->port, u->unit, out, u->n, data);
  }
  if (many)
    g_array_unref(many);
  return ok;
}

void
br_entity_table_unit(const BrEntityTable *table, guint i, const char **port, const char **unit,
                     const guint32 **ids, guint *n)
{
  const EntityUnit *u = &g_array_index(table->units, EntityUnit, i);
  *port = u->port;
  *unit = u->unit;
  *ids = unit_ids(table, u);
  *n = u->n;
}

guint32
br_entity_table_bucket(const BrEntityTable *table, guint i, guint *n)
{
  const EntityUnit *u = &g_array_index(table->units, EntityUnit, i);
  *n = u->n;
  return u->bucket;
}

void
br_entity_table_prefetch_unit(const BrEntityTable *table, guint i)
{
  __builtin_prefetch(&g_array_index(table->units, EntityUnit, i));
}

void
br_entity_table_prefetch(const BrEntityTable *table, guint i)
{
  const EntityUnit *u = &g_array_index(table->units, EntityUnit, i);
  __builtin_prefetch(u->port);
  __builtin_prefetch(u->unit);
  __builtin_prefetch(unit_ids(table, u));
}
