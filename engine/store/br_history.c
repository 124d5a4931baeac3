#include "br_history.h"

#include <stdlib.h>
#include <string.h>

#include "br_unit_packs.h"

/* Cumulative counts through one day: lookups at a date binary-search these. */
typedef struct {
  gint32 day;
  guint32 inspections;
  guint32 hits;
} Event;

typedef struct {
  guint32 inspections;
  guint32 hits;
  guint32 first; /* into events */
  guint32 count;
} Entry;

typedef struct {
  guint32 entry;
  gint32 day;
  guint32 hit;
} Raw;

struct BrHistory {
  const BrEntityKeys *keys;
  double m;
  GStringChunk *strings;
  GHashTable **by_key; /* per key: value -> GUINT_TO_POINTER(entry index + 1) */
  GArray *entries;     /* Entry */
  GArray *events;      /* Event, grouped by entry, by day */
  GArray *global;      /* Event, by day */
  guint64 inspections;
  guint64 hits;
  BrNorms *norms;
};

double
br_history_shrink(guint inspections, guint hits, double global_rate, double m)
{
  return ((double)hits + m * global_rate) / ((double)inspections + m);
}

static int
cmp_raw(const void *a, const void *b)
{
  const Raw *x = a, *y = b;
  if (x->entry != y->entry)
    return x->entry < y->entry ? -1 : 1;
  return (x->day > y->day) - (x->day < y->day);
}

/* Collapses raw (day, hit) rows, sorted by day, into cumulative per-day events. */
static void
append_events(GArray *events, const Raw *raw, guint n)
{
  Event ev = {0, 0, 0};
  for (guint i = 0; i < n; i++) {
    if (i > 0 && raw[i].day != ev.day)
      g_array_append_val(events, ev);
    ev.day = raw[i].day;
    ev.inspections++;
    ev.hits += raw[i].hit;
  }
  if (n)
    g_array_append_val(events, ev);
}

static guint32
entry_for(BrHistory *h, guint k, const char *value)
{
  gpointer found = g_hash_table_lookup(h->by_key[k], value);
  if (found)
    return GPOINTER_TO_UINT(found) - 1;
  Entry e = {0, 0, 0, 0};
  g_array_append_val(h->entries, e);
  g_hash_table_insert(h->by_key[k], g_string_chunk_insert_const(h->strings, value),
                      GUINT_TO_POINTER(h->entries->len));
  return h->entries->len - 1;
}

/* Groups raw (entry, day, hit) rows into per-entry running counts by day. */
static void
build_entries(BrHistory *h, GArray *raw)
{
  if (raw->len == 0)
    return;
  qsort(raw->data, raw->len, sizeof(Raw), cmp_raw);
  const Raw *rows = (const Raw *)(void *)raw->data;
  for (guint i = 0; i < raw->len;) {
    guint j = i;
    while (j < raw->len && rows[j].entry == rows[i].entry)
      j++;
    Entry *e = &g_array_index(h->entries, Entry, rows[i].entry);
    e->first = h->events->len;
    append_events(h->events, rows + i, j - i);
    e->count = h->events->len - e->first;
    const Event *last = &g_array_index(h->events, Event, h->events->len - 1);
    e->inspections = last->inspections;
    e->hits = last->hits;
    i = j;
  }
}

static gboolean
read_date(sqlite3_stmt *s, int col, gint32 *day)
{
  return br_store_date_parse((const char *)sqlite3_column_text(s, col), day);
}

static gboolean
load_global(BrHistory *h, BrStore *store, const char *before, GError **error)
{
  sqlite3_stmt *s = NULL;
  GArray *raw = g_array_new(FALSE, FALSE, sizeof(Raw));
  gboolean ok = FALSE;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT date, result = 'finding' FROM outcomes"
                         " WHERE ?1 IS NULL OR date < ?1 ORDER BY date",
                         -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot read outcomes");
    goto out;
  }
  sqlite3_bind_text(s, 1, before, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    Raw r = {0, 0, (guint32)sqlite3_column_int(s, 1)};
    if (!read_date(s, 0, &r.day))
      continue;
    g_array_append_val(raw, r);
    h->inspections++;
    h->hits += r.hit;
  }
  if (rc != SQLITE_DONE) {
    br_store_sql_error(store, error, "cannot read outcomes");
    goto out;
  }
  append_events(h->global, (const Raw *)(void *)raw->data, raw->len);
  ok = TRUE;
out:
  sqlite3_finalize(s);
  g_array_unref(raw);
  return ok;
}

/* Entity ids resolve through the entities table once each: values recur across outcomes. */
typedef struct {
  sqlite3_stmt *lookup;
  GHashTable *entries; /* gint64 entity id -> GUINT_TO_POINTER(entry), G_MAXUINT32: not kept */
} EntityCache;

/* The history entry of an entity id; FALSE for a key this history does not keep. */
static gboolean
entity_entry(BrHistory *h, EntityCache *cache, gint64 id, guint32 *entry)
{
  gpointer found;
  if (g_hash_table_lookup_extended(cache->entries, &id, NULL, &found)) {
    *entry = GPOINTER_TO_UINT(found);
    return *entry != G_MAXUINT32;
  }
  *entry = G_MAXUINT32;
  sqlite3_bind_int64(cache->lookup, 1, id);
  if (sqlite3_step(cache->lookup) == SQLITE_ROW) {
    int k = br_entity_keys_find(h->keys, (const char *)sqlite3_column_text(cache->lookup, 0));
    if (k >= 0)
      *entry = entry_for(h, (guint)k, (const char *)sqlite3_column_text(cache->lookup, 1));
  }
  sqlite3_reset(cache->lookup);
  g_hash_table_insert(cache->entries, g_memdup2(&id, sizeof id), GUINT_TO_POINTER(*entry));
  return *entry != G_MAXUINT32;
}

static gboolean
load_entities(BrHistory *h, BrStore *store, const char *before, GError **error)
{
  sqlite3_stmt *s = NULL;
  EntityCache cache = {.entries = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL)};
  GArray *raw = g_array_new(FALSE, FALSE, sizeof(Raw));
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
  gboolean ok = FALSE;
  /* Each outcome's unit is found in the packed entities of the run it is linked to. */
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT o.date, o.result = 'finding', o.port, o.unit, p.units"
                         " FROM outcomes o JOIN unit_packs p"
                         " ON p.bucket = br_unit_bucket(o.port, o.unit) AND p.run_id = o.entity_run"
                         " WHERE ?1 IS NULL OR o.date < ?1",
                         -1, &s, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(br_store_db(store), "SELECT key, value FROM entities WHERE id = ?1", -1,
                         &cache.lookup, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot read outcome entities");
    goto out;
  }
  sqlite3_bind_text(s, 1, before, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    Raw r = {0, 0, (guint32)sqlite3_column_int(s, 1)};
    if (!read_date(s, 0, &r.day))
      continue;
    g_array_set_size(ids, 0);
    br_unit_pack_find(sqlite3_column_blob(s, 4), (gsize)sqlite3_column_bytes(s, 4),
                      (const char *)sqlite3_column_text(s, 2),
                      (const char *)sqlite3_column_text(s, 3), ids);
    for (guint i = 0; i < ids->len; i++) {
      if (!entity_entry(h, &cache, g_array_index(ids, gint64, i), &r.entry))
        continue;
      g_array_append_val(raw, r);
    }
  }
  if (rc != SQLITE_DONE) {
    br_store_sql_error(store, error, "cannot read outcome entities");
    goto out;
  }
  build_entries(h, raw);
  ok = TRUE;
out:
  sqlite3_finalize(s);
  sqlite3_finalize(cache.lookup);
  g_hash_table_unref(cache.entries);
  g_array_unref(ids);
  g_array_unref(raw);
  return ok;
}

static BrHistory *
history_new(const BrEntityKeys *keys, double m)
{
  BrHistory *h = g_new0(BrHistory, 1);
  h->keys = keys;
  h->m = m > 0 ? m : BR_HISTORY_PRIOR_STRENGTH;
  h->strings = g_string_chunk_new(64 * 1024);
  guint nkeys = br_entity_keys_count(keys);
  h->by_key = g_new0(GHashTable *, nkeys);
  for (guint k = 0; k < nkeys; k++)
    h->by_key[k] = g_hash_table_new(g_str_hash, g_str_equal);
  h->entries = g_array_new(FALSE, FALSE, sizeof(Entry));
  h->events = g_array_new(FALSE, FALSE, sizeof(Event));
  h->global = g_array_new(FALSE, FALSE, sizeof(Event));
  return h;
}

BrHistory *
br_history_load(BrStore *store, const BrEntityKeys *keys, const char *before, double m,
                GError **error)
{
  gint32 day;
  if (before && !br_store_date_parse(before, &day)) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_INVALID,
                "history cut-off '%s' is not a date (YYYY-MM-DD)", before);
    return NULL;
  }
  BrHistory *h = history_new(keys, m);
  if (!load_global(h, store, before, error) || !load_entities(h, store, before, error)) {
    br_history_free(h);
    return NULL;
  }
  return h;
}

BrHistory *
br_history_new_from_outcomes(const BrEntityKeys *keys, double m, const BrHistoryOutcome *outcomes,
                             guint n)
{
  BrHistory *h = history_new(keys, m);
  GArray *global = g_array_new(FALSE, FALSE, sizeof(Raw));
  GArray *raw = g_array_new(FALSE, FALSE, sizeof(Raw));
  for (guint i = 0; i < n; i++) {
    const BrHistoryOutcome *o = &outcomes[i];
    Raw r = {0, o->day, o->hit ? 1u : 0u};
    if (o->key < 0) {
      g_array_append_val(global, r);
      h->inspections++;
      h->hits += r.hit;
    } else if ((guint)o->key < br_entity_keys_count(keys)) {
      r.entry = entry_for(h, (guint)o->key, o->value);
      g_array_append_val(raw, r);
    }
  }
  if (global->len)
    qsort(global->data, global->len, sizeof(Raw), cmp_raw);
  append_events(h->global, (const Raw *)(void *)global->data, global->len);
  build_entries(h, raw);
  g_array_unref(global);
  g_array_unref(raw);
  return h;
}

void
br_history_free(BrHistory *history)
{
  if (!history)
    return;
  for (guint k = 0; k < br_entity_keys_count(history->keys); k++)
    g_hash_table_unref(history->by_key[k]);
  g_free(history->by_key);
  g_array_unref(history->entries);
  g_array_unref(history->events);
  g_array_unref(history->global);
  g_string_chunk_free(history->strings);
  br_norms_free(history->norms);
  g_free(history);
}

void
br_history_set_norms(BrHistory *history, BrNorms *norms)
{
  br_norms_free(history->norms);
  history->norms = norms;
}

const BrNorms *
br_history_norms(const BrHistory *history)
{
  return history->norms;
}

const BrEntityKeys *
br_history_keys(const BrHistory *history)
{
  return history->keys;
}

double
br_history_prior_strength(const BrHistory *history)
{
  return history->m;
}

guint64
br_history_inspections(const BrHistory *history)
{
  return history->inspections;
}

guint64
br_history_hits(const BrHistory *history)
{
  return history->hits;
}

double
br_history_global_rate(const BrHistory *history)
{
  return history->inspections ? (double)history->hits / (double)history->inspections : 0.0;
}

/* The last event dated before day, or NULL. */
static const Event *
event_before(const Event *events, guint n, gint32 day)
{
  guint lo = 0, hi = n;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (events[mid].day < day)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo ? &events[lo - 1] : NULL;
}

static gboolean
answer(const BrHistory *h, guint32 insp, guint32 hits, double global, guint *inspections,
       guint *out_hits, double *rate)
{
  if (inspections)
    *inspections = insp;
  if (out_hits)
    *out_hits = hits;
  if (rate)
    *rate = br_history_shrink(insp, hits, global, h->m);
  return insp > 0;
}

static const Entry *
find_entry(const BrHistory *h, guint k, const char *value)
{
  gpointer found = g_hash_table_lookup(h->by_key[k], value);
  return found ? &g_array_index(h->entries, Entry, GPOINTER_TO_UINT(found) - 1) : NULL;
}

gboolean
br_history_lookup(const BrHistory *history, guint k, const char *value, guint *inspections,
                  guint *hits, double *rate)
{
  const Entry *e = find_entry(history, k, value);
  return answer(history, e ? e->inspections : 0, e ? e->hits : 0, br_history_global_rate(history),
                inspections, hits, rate);
}

gboolean
br_history_lookup_at(const BrHistory *history, guint k, const char *value, gint32 day,
                     guint *inspections, guint *hits, double *rate)
{
  const Event *g =
      event_before((const Event *)(void *)history->global->data, history->global->len, day);
  double global = g ? (double)g->hits / (double)g->inspections : 0.0;
  const Entry *e = find_entry(history, k, value);
  const Event *ev =
      e ? event_before(&g_array_index(history->events, Event, e->first), e->count, day) : NULL;
  return answer(history, ev ? ev->inspections : 0, ev ? ev->hits : 0, global, inspections, hits,
                rate);
}

gint32
br_history_cut_day(BrHistoryCut cut, gint32 day)
{
  switch (cut) {
  case BR_HISTORY_CUT_NONE:
    return BR_HISTORY_NO_CUT;
  case BR_HISTORY_CUT_DAY:
    return day;
  case BR_HISTORY_CUT_WEEK:
    /* 1970-01-01 was a Thursday: three days after a Monday. */
    return day - (((day + 3) % 7) + 7) % 7;
  case BR_HISTORY_CUT_MONTH: {
    GDate d;
    g_date_clear(&d, 1);
    g_date_set_julian(&d, (guint32)(day + 719163));
    return day - (gint32)g_date_get_day(&d) + 1;
  }
  }
  return day;
}

gboolean
br_history_lookup_cut(const BrHistory *history, guint k, const char *value, gint32 cut_day,
                      guint *inspections, guint *hits, double *rate)
{
  if (cut_day == BR_HISTORY_NO_CUT)
    return br_history_lookup(history, k, value, inspections, hits, rate);
  return br_history_lookup_at(history, k, value, cut_day, inspections, hits, rate);
}

double
br_history_global_rate_cut(const BrHistory *history, gint32 cut_day)
{
  if (cut_day == BR_HISTORY_NO_CUT)
    return br_history_global_rate(history);
  const Event *g =
      event_before((const Event *)(void *)history->global->data, history->global->len, cut_day);
  return g ? (double)g->hits / (double)g->inspections : 0.0;
}
