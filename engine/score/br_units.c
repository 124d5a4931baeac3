#include "br_units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Units and their ids live in arenas freed all at once: a run holds hundreds of thousands of
 * units, and allocating and freeing each on its own showed in the profile. */
#define UNIT_BLOCK 4096

typedef struct {
  GStringChunk *strings; /* port and unit ids, record ids */
  GPtrArray *blocks;     /* BrUnit[UNIT_BLOCK] */
  guint last_used;       /* units used in the last block */
} Arena;

struct BrUnitTable {
  const BrPack *pack;
  GHashTable *units;   /* BrUnit* -> itself, hashed and compared by (port, unit) */
  Arena *arena;        /* where this table allocates */
  GPtrArray *absorbed; /* arenas of tables merged in: their units now belong to this table */
  gboolean has_points; /* the pack has points rules: units keep each rule's points */
  gsize bytes;         /* what its units take, roughly (br_unit_table_bytes) */
};

/* What a unit, an array of a unit and a reason take on the heap besides their contents:
 * glib's array header and malloc's bookkeeping, measured roughly (RSS over units). */
#define UNIT_BYTES (sizeof(BrUnit) + 48)
#define ARRAY_BYTES 64
#define REASON_BYTES 32

const char *
br_lane_name(BrLane lane)
{
  static const char *names[] = {"green", "yellow", "red"};
  return names[lane];
}

const char *
br_selection_name(BrSelection sel)
{
  static const char *names[] = {"none", "targeted", "random", "explore"};
  return names[sel];
}

static Arena *
arena_new(void)
{
  Arena *a = g_new0(Arena, 1);
  a->strings = g_string_chunk_new(1 << 16);
  a->blocks = g_ptr_array_new();
  a->last_used = UNIT_BLOCK;
  return a;
}

static BrUnit *
arena_unit(Arena *a)
{
  if (a->last_used == UNIT_BLOCK) {
    g_ptr_array_add(a->blocks, g_new0(BrUnit, UNIT_BLOCK));
    a->last_used = 0;
  }
  BrUnit *blk = g_ptr_array_index(a->blocks, a->blocks->len - 1);
  return &blk[a->last_used++];
}

static void
arena_free(Arena *a)
{
  for (guint b = 0; b < a->blocks->len; b++) {
    BrUnit *blk = g_ptr_array_index(a->blocks, b);
    guint n = b + 1 == a->blocks->len ? a->last_used : UNIT_BLOCK;
    for (guint i = 0; i < n; i++) {
      if (blk[i].fired)
        g_array_free(blk[i].fired, TRUE);
      if (blk[i].points)
        g_array_free(blk[i].points, TRUE);
      if (blk[i].reasons)
        g_ptr_array_free(blk[i].reasons, TRUE);
      if (blk[i].reason_rules)
        g_array_free(blk[i].reason_rules, TRUE);
      if (blk[i].reason_points)
        g_array_free(blk[i].reason_points, TRUE);
      g_free(blk[i].entities);
    }
    g_free(blk);
  }
  g_ptr_array_free(a->blocks, TRUE);
  g_string_chunk_free(a->strings);
  g_free(a);
}

guint
br_unit_key_hash(const char *port, const char *unit)
{
  guint64 h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)port; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  h = (h ^ 0x1f) * 0x100000001b3ULL;
  for (const unsigned char *p = (const unsigned char *)unit; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  return (guint)(h ^ (h >> 32));
}

/* The table hashes units by (port, unit) in place, so a lookup needs no key to be built. */
static guint
unit_key_hash(gconstpointer key)
{
  const BrUnit *u = key;
  return br_unit_key_hash(u->port, u->unit);
}

static gboolean
unit_key_equal(gconstpointer a, gconstpointer b)
{
  const BrUnit *x = a, *y = b;
  return strcmp(x->unit, y->unit) == 0 && strcmp(x->port, y->port) == 0;
}

BrUnitTable *
br_unit_table_new(const BrPack *pack)
{
  BrUnitTable *t = g_new0(BrUnitTable, 1);
  t->pack = pack;
  for (guint i = 0; i < br_pack_rule_count(pack); i++)
    t->has_points |= br_pack_rule(pack, i)->points_key != NULL;
  t->units = g_hash_table_new(unit_key_hash, unit_key_equal);
  t->arena = arena_new();
  t->absorbed = g_ptr_array_new_with_free_func((GDestroyNotify)arena_free);
  return t;
}

void
br_unit_table_free(BrUnitTable *table)
{
  if (!table)
    return;
  g_hash_table_destroy(table->units);
  arena_free(table->arena);
  g_ptr_array_free(table->absorbed, TRUE);
  g_free(table);
}

guint
br_unit_table_size(const BrUnitTable *table)
{
  return g_hash_table_size(table->units);
}

void
br_unit_table_clear(BrUnitTable *table)
{
  g_hash_table_remove_all(table->units);
  arena_free(table->arena);
  table->arena = arena_new();
  g_ptr_array_set_size(table->absorbed, 0);
  table->bytes = 0;
}

gsize
br_unit_table_bytes(const BrUnitTable *table)
{
  return table->bytes;
}

/* points: parallel to rules, or NULL when the pack has no points rules (then every rule
 * that fires gives 1 and the unit keeps no points). */
static void
fired_union(BrUnit *u, const guint *rules, const double *points, guint n)
{
  if (n == 0)
    return;
  if (!u->fired)
    u->fired = g_array_sized_new(FALSE, FALSE, sizeof(guint), n);
  if (points && !u->points)
    u->points = g_array_sized_new(FALSE, FALSE, sizeof(double), n);
  /* Both sides are short and sorted: merge in place by insertion. */
  for (guint k = 0; k < n; k++) {
    guint r = rules[k], i = 0;
    while (i < u->fired->len && g_array_index(u->fired, guint, i) < r)
      i++;
    if (i < u->fired->len && g_array_index(u->fired, guint, i) == r) {
      if (points)
        g_array_index(u->points, double, i) = MAX(g_array_index(u->points, double, i), points[k]);
      continue;
    }
    g_array_insert_val(u->fired, i, r);
    if (points)
      g_array_insert_val(u->points, i, points[k]);
  }
}

/* Adds "ID: reason" unless the unit has it; allocates only for a new reason. A reason's text
 * names the value that gave its points, so the same text means the same points. Returns the
 * bytes a new reason takes, 0 when the unit had it. */
static gsize
reason_add(BrUnit *u, guint rule, const char *id, const char *reason, double points)
{
  if (!u->reasons) {
    u->reasons = g_ptr_array_new_with_free_func(g_free);
    u->reason_rules = g_array_new(FALSE, FALSE, sizeof(guint));
    u->reason_points = g_array_new(FALSE, FALSE, sizeof(double));
  }
  gsize idlen = strlen(id);
  for (guint i = 0; i < u->reasons->len; i++) {
    const char *have = g_ptr_array_index(u->reasons, i);
    if (g_array_index(u->reason_rules, guint, i) == rule && strncmp(have, id, idlen) == 0 &&
        have[idlen] == ':' && strcmp(have + idlen + 2, reason) == 0)
      return 0;
  }
  g_ptr_array_add(u->reasons, g_strconcat(id, ": ", reason, NULL));
  g_array_append_val(u->reason_rules, rule);
  g_array_append_val(u->reason_points, points);
  return REASON_BYTES + idlen + strlen(reason) + 3;
}

BrUnit *
br_unit_table_add(BrUnitTable *table, const char *port, const char *unit, const char *record,
                  guint64 line_no, const BrLineResult *result)
{
  BrUnit probe = {.port = (char *)port, .unit = (char *)unit};
  BrUnit *u = g_hash_table_lookup(table->units, &probe);
  if (!u) {
    u = arena_unit(table->arena);
    /* Port codes repeat, so they are interned once. */
    u->port = g_string_chunk_insert_const(table->arena->strings, port);
    u->unit = g_string_chunk_insert(table->arena->strings, unit);
    u->score = result->score;
    u->uncertainty = result->uncertainty;
    u->first_line = line_no;
    u->record = g_string_chunk_insert(table->arena->strings, record);
    u->label = -1;
    u->day = G_MAXINT32;
    g_hash_table_add(table->units, u);
    table->bytes += UNIT_BYTES + strlen(unit) + strlen(record) + 2;
  } else {
    u->score = MAX(u->score, result->score);
    u->uncertainty = MAX(u->uncertainty, result->uncertainty);
    u->first_line = MIN(u->first_line, line_no);
    if (strcmp(record, u->record) < 0)
      u->record = g_string_chunk_insert(table->arena->strings, record);
  }
  u->nlines++;
  if (result->nfired && !u->fired)
    table->bytes += (table->has_points ? 2 : 1) * ARRAY_BYTES + 3 * ARRAY_BYTES;
  fired_union(u, result->fired, table->has_points ? result->points : NULL, result->nfired);
  for (guint k = 0; k < result->nfired; k++)
    table->bytes += reason_add(u, result->fired[k], br_pack_rule(table->pack, result->fired[k])->id,
                               result->reasons[k], result->points ? result->points[k] : 1.0);
  return u;
}

GPtrArray *
br_unit_table_all(BrUnitTable *table)
{
  GPtrArray *all = g_ptr_array_sized_new(g_hash_table_size(table->units));
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, table->units);
  while (g_hash_table_iter_next(&it, NULL, &value))
    g_ptr_array_add(all, value);
  return all;
}

void
br_unit_add_entities(BrUnit *u, const guint32 *ids, guint n)
{
  /* ids are distinct: a line has one value per key, and the first line's are kept whole. */
  if (u->nentities == 0 && n > 0) {
    u->entities = g_memdup2(ids, n * sizeof *ids);
    u->nentities = n;
    return;
  }
  /* A unit's lines mostly repeat its values: grow only for a new one. */
  for (guint k = 0; k < n; k++) {
    guint i = 0;
    while (i < u->nentities && u->entities[i] != ids[k])
      i++;
    if (i < u->nentities)
      continue;
    u->entities = g_renew(guint32, u->entities, u->nentities + 1);
    u->entities[u->nentities++] = ids[k];
  }
}

void
br_unit_table_map_entities(BrUnitTable *table, const guint32 *map)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, table->units);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    BrUnit *u = value;
    for (guint i = 0; i < u->nentities; i++)
      u->entities[i] = map[u->entities[i]];
  }
}

/* Everything of src's lines but the record id, whose string each caller keeps its own way. */
static void
absorb_lines(BrUnit *dst, const BrUnit *src, const BrPack *dst_pack)
{
  br_unit_add_entities(dst, src->entities, src->nentities);
  dst->score = MAX(dst->score, src->score);
  dst->uncertainty = MAX(dst->uncertainty, src->uncertainty);
  dst->first_line = MIN(dst->first_line, src->first_line);
  dst->label = MAX(dst->label, src->label);
  dst->day = MIN(dst->day, src->day);
  dst->nlines += src->nlines;
  dst->amended |= src->amended;
  if (src->fired)
    fired_union(dst, (const guint *)src->fired->data,
                src->points ? (const double *)(void *)src->points->data : NULL, src->fired->len);
  for (guint i = 0; src->reasons && i < src->reasons->len; i++) {
    guint rule = g_array_index(src->reason_rules, guint, i);
    const char *id = br_pack_rule(dst_pack, rule)->id;
    reason_add(dst, rule, id, (const char *)g_ptr_array_index(src->reasons, i) + strlen(id) + 2,
               g_array_index(src->reason_points, double, i));
  }
}

static void
unit_absorb(BrUnit *dst, BrUnit *src, const BrPack *dst_pack)
{
  absorb_lines(dst, src, dst_pack);
  if (strcmp(src->record, dst->record) < 0)
    dst->record = src->record; /* src's strings are adopted by dst's table */
}

static GArray *
array_copy(const GArray *a)
{
  return a ? g_array_copy((GArray *)a) : NULL;
}

BrUnit *
br_unit_copy(const BrUnit *src)
{
  BrUnit *u = g_new(BrUnit, 1);
  *u = *src;
  u->port = g_strdup(src->port);
  u->unit = g_strdup(src->unit);
  u->record = g_strdup(src->record);
  u->fired = array_copy(src->fired);
  u->points = array_copy(src->points);
  u->reason_rules = array_copy(src->reason_rules);
  u->reason_points = array_copy(src->reason_points);
  u->reasons =
      src->reasons ? g_ptr_array_copy(src->reasons, (GCopyFunc)(void *)g_strdup, NULL) : NULL;
  if (u->reasons)
    g_ptr_array_set_free_func(u->reasons, g_free);
  u->entities =
      src->nentities ? g_memdup2(src->entities, src->nentities * sizeof *src->entities) : NULL;
  return u;
}

void
br_unit_free(BrUnit *u)
{
  if (!u)
    return;
  g_free(u->port);
  g_free(u->unit);
  g_free((char *)u->record);
  if (u->fired)
    g_array_free(u->fired, TRUE);
  if (u->points)
    g_array_free(u->points, TRUE);
  if (u->reasons)
    g_ptr_array_free(u->reasons, TRUE);
  if (u->reason_rules)
    g_array_free(u->reason_rules, TRUE);
  if (u->reason_points)
    g_array_free(u->reason_points, TRUE);
  g_free(u->entities);
  g_free(u);
}

void
br_unit_absorb(BrUnit *dst, const BrUnit *src, const BrPack *pack)
{
  absorb_lines(dst, src, pack);
  if (strcmp(src->record, dst->record) < 0) {
    g_free((char *)dst->record);
    dst->record = g_strdup(src->record);
  }
}

gint
br_unit_cmp_key(const BrUnit *a, const BrUnit *b)
{
  int c = strcmp(a->port, b->port);
  return c ? c : strcmp(a->unit, b->unit);
}

/* Sorting compares small keys in one array rather than chasing every unit's strings: the
 * port's place among the table's ports, then the unit id's first sixteen bytes as two
 * big-endian numbers (the same order as strcmp), then the rest of the id. Sixteen bytes hold a
 * whole container number (eleven) or most B/L numbers, so the strings are rarely read: eight
 * left container numbers of one owner and serial block (MSCU1234...) to strcmp, a cache miss
 * per comparison. */
typedef struct {
  guint32 port;
  guint64 prefix[2];
  BrUnit *unit;
} SortKey;

static gint
cmp_sort_key(gconstpointer a, gconstpointer b)
{
  const SortKey *x = a, *y = b;
  if (x->port != y->port)
    return x->port < y->port ? -1 : 1;
  for (guint k = 0; k < 2; k++)
    if (x->prefix[k] != y->prefix[k])
      return x->prefix[k] < y->prefix[k] ? -1 : 1;
  return strcmp(x->unit->unit, y->unit->unit);
}

/* The first sixteen bytes of s as two big-endian numbers, zeros past its end. */
static void
unit_prefix(const char *s, guint64 prefix[2])
{
  guint8 b[16] = {0};
  for (guint i = 0; i < 16 && s[i]; i++)
    b[i] = (guint8)s[i];
  for (guint k = 0; k < 2; k++) {
    guint64 v = 0;
    for (guint i = 0; i < 8; i++)
      v = v << 8 | b[8 * k + i];
    prefix[k] = v;
  }
}

static gint
cmp_str_ptr(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
br_unit_table_sorted(BrUnitTable *table)
{
  guint n = g_hash_table_size(table->units);
  SortKey *keys = g_new(SortKey, MAX(n, 1));
  /* Port codes are interned per arena, so a code can have several pointers: ranked by text. */
  GHashTable *ports = g_hash_table_new(g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, table->units);
  for (guint i = 0; g_hash_table_iter_next(&it, NULL, &value); i++) {
    BrUnit *u = value;
    g_hash_table_add(ports, u->port);
    keys[i] = (SortKey){0, {0, 0}, u};
    unit_prefix(u->unit, keys[i].prefix);
  }
  guint nports;
  gpointer *names = g_hash_table_get_keys_as_array(ports, &nports);
  qsort(names, nports, sizeof *names, cmp_str_ptr);
  for (guint p = 0; p < nports; p++)
    g_hash_table_insert(ports, names[p], GUINT_TO_POINTER(p));
  const char *last = NULL;
  guint32 rank = 0;
  for (guint i = 0; i < n; i++) {
    if (keys[i].unit->port != last) {
      last = keys[i].unit->port;
      rank = GPOINTER_TO_UINT(g_hash_table_lookup(ports, last));
    }
    keys[i].port = rank;
  }
  qsort(keys, n, sizeof *keys, cmp_sort_key);
  GPtrArray *sorted = g_ptr_array_sized_new(n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(sorted, keys[i].unit);
  g_free(names);
  g_hash_table_destroy(ports);
  g_free(keys);
  return sorted;
}

void
br_unit_table_merge(BrUnitTable *dst, BrUnitTable *src)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, src->units);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    BrUnit *existing = g_hash_table_lookup(dst->units, value);
    if (existing) {
      unit_absorb(existing, value, dst->pack);
      continue;
    }
    /* Move the unit: it stays in src's arena, which dst adopts below. */
    g_hash_table_add(dst->units, value);
  }
  g_hash_table_remove_all(src->units);
  dst->bytes += src->bytes;
  src->bytes = 0;
  g_ptr_array_add(dst->absorbed, src->arena);
  for (guint i = 0; i < src->absorbed->len; i++)
    g_ptr_array_add(dst->absorbed, g_ptr_array_steal_index(src->absorbed, i--));
  src->arena = arena_new();
}

static gint
cmp_reason(gconstpointer a, gconstpointer b)
{
  const BrReason *x = a, *y = b;
  if (x->contribution != y->contribution)
    return x->contribution > y->contribution ? -1 : 1;
  if (x->rule != y->rule)
    return x->rule < y->rule ? -1 : 1;
  return strcmp(x->text, y->text);
}

GArray *
br_unit_reasons(const BrUnit *u, const BrPack *pack)
{
  guint n = u->reasons ? u->reasons->len : 0;
  GArray *out = g_array_sized_new(FALSE, FALSE, sizeof(BrReason), n);
  for (guint i = 0; i < n; i++) {
    BrReason r = {.rule = g_array_index(u->reason_rules, guint, i),
                  .points = g_array_index(u->reason_points, double, i)};
    const BrRuleInfo *info = br_pack_rule(pack, r.rule);
    r.contribution = info->weight * r.points;
    r.text = (const char *)g_ptr_array_index(u->reasons, i) + strlen(info->id) + 2;
    g_array_append_val(out, r);
  }
  g_array_sort(out, cmp_reason);
  return out;
}

gboolean
br_reason_counts(const BrReason *r)
{
  return fabs(r->contribution) >= 0.005;
}

void
br_reason_format(GString *out, const BrReason *r, const BrPack *pack)
{
  g_string_append(out, br_pack_rule(pack, r->rule)->id);
  g_string_append_c(out, ' ');
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  /* Fixed decimals and the C locale: lists stay byte-identical across platforms. */
  g_ascii_formatd(num, sizeof num, "%.2f", fabs(r->contribution));
  g_string_append_printf(out, "%c%s%s: %s", r->contribution < 0 ? '-' : '+', num,
                         r->contribution < 0 ? " lowers the score" : "", r->text);
}

/* A 64-bit hash of a unit under a seed: FNV-1a over the bytes, finished with splitmix64 so
 * that nearby seeds give unrelated orders. */
guint64
br_unit_hash(const char *port, const char *unit, guint64 seed)
{
  guint64 h = 0xcbf29ce484222325ULL ^ seed;
  for (const unsigned char *p = (const unsigned char *)port; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  h = (h ^ 0x1f) * 0x100000001b3ULL;
  for (const unsigned char *p = (const unsigned char *)unit; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  h += 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

gint
br_unit_cmp_rank(gconstpointer a, gconstpointer b)
{
  const BrUnit *x = *(BrUnit *const *)a, *y = *(BrUnit *const *)b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->tiebreak != y->tiebreak)
    return x->tiebreak < y->tiebreak ? -1 : 1;
  return strcmp(x->unit, y->unit);
}

GPtrArray *
br_unit_table_port_units(BrUnitTable *table, const char *port)
{
  GPtrArray *arr = g_ptr_array_new();
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, table->units);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    BrUnit *u = value;
    if (strcmp(u->port, port) == 0)
      g_ptr_array_add(arr, u);
  }
  g_ptr_array_sort(arr, br_unit_cmp_rank);
  return arr;
}
