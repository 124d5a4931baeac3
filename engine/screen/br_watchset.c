#include "br_watchset.h"

#include <string.h>

#include "br_watchlist_store.h"

#define MAX_LISTS 64
/* Candidates asked of the index per query before exceptions and list filters. */
#define MATCH_POOL 32

/* Workers see the same parties (a port's regular shippers and consignees), and matching a
 * name the first time is what screening costs: each worker's scratch caches its own results,
 * and this memo, shared by every worker, lets a name be matched once per run rather than once
 * per worker. Sharded so that workers rarely wait on each other. */
#define MEMO_SHARDS 32
#define MEMO_MAX_BYTES ((gsize)512 << 20) /* past this, names are matched but not remembered */
#define MEMO_KEY_MAX 480

/* A name's hits, filled once (the matched tokens written, exceptions looked up: both depend
 * on the name alone) and never changed or freed before the set, so readers use it after the
 * shard's lock is let go. */
typedef struct {
  guint list; /* position in the set, for the callers' list masks */
  BrWatchHit hit;
} MemoHit;

typedef struct {
  guint n;
  MemoHit hits[]; /* n hits, best first */
} Memo;

/* A name at a threshold, hashed once: the hash picks the shard and serves the table. */
typedef struct {
  guint hash;
  guint threshold; /* millionths */
  gsize len;
  char text[];
} MemoKey;

typedef struct {
  GMutex lock;
  GHashTable *names; /* MemoKey* -> Memo* */
} MemoShard;

struct BrWatchSet {
  GPtrArray *lists; /* BrWatchlist*, position = list id in the index */
  MemoShard memo[MEMO_SHARDS];
  gsize memo_bytes;
  BrNameIndex *index;
  GHashTable *exceptions; /* "list\x1fref\x1fparty key" -> NULL */
  GHashTable *values;     /* value_key() -> entry + 1, for exact-value kinds */
  GPtrArray *keywords;    /* per list: GPtrArray of Keyword* */
};

/* A description keyword, upper case, and its entry. */
typedef struct {
  char *word;
  guint entry;
} Keyword;

static void
keyword_free(gpointer p)
{
  g_free(((Keyword *)p)->word);
  g_free(p);
}

/* The key of an exact value in set->values: a byte for the list and one for the kind (each
 * plus one, never NUL), then the value in the form values are compared in: upper case without
 * spaces; HS codes and IMO numbers as their digits only (an "IMO" prefix, dots and spaces
 * dropped). key needs len + 3 bytes; returns the value's length (the key's, less 2). Built
 * for every screened line, so without printf or allocation. */
static gsize
value_key(guint list, BrWatchKind kind, const char *s, gsize len, char *key)
{
  gsize at = 2;
  key[0] = (char)(list + 1);
  key[1] = (char)(kind + 1);
  for (gsize i = 0; i < len; i++) {
    char c = s[i];
    if ((kind == BR_WATCH_HS || kind == BR_WATCH_VESSEL) && !g_ascii_isdigit(c))
      continue;
    if (!g_ascii_isspace(c))
      key[at++] = g_ascii_toupper(c);
  }
  key[at] = '\0';
  return at - 2;
}

static guint
memo_key_hash(gconstpointer k)
{
  return ((const MemoKey *)k)->hash;
}

static gboolean
memo_key_equal(gconstpointer a, gconstpointer b)
{
  const MemoKey *x = a, *y = b;
  return x->hash == y->hash && x->threshold == y->threshold && x->len == y->len &&
         memcmp(x->text, y->text, x->len) == 0;
}

/* Exact values and keywords of every list, and the name index: what screening reads. */
static void
index_lists(BrWatchSet *set, guint32 name_kinds)
{
  for (guint i = 0; i < MEMO_SHARDS; i++) {
    g_mutex_init(&set->memo[i].lock);
    set->memo[i].names = g_hash_table_new_full(memo_key_hash, memo_key_equal, g_free, g_free);
  }
  set->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  set->keywords = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  BrNameIndexBuilder *b = br_name_index_builder_new();
  for (guint i = 0; i < set->lists->len; i++) {
    BrWatchlist *wl = g_ptr_array_index(set->lists, i);
    br_watchlist_group_facts(wl);
    br_watchlist_index_names(wl, (guint16)i, name_kinds, b);
    GPtrArray *words = g_ptr_array_new_with_free_func(keyword_free);
    for (guint e = 0; e < wl->entries->len; e++) {
      const BrWatchEntry *entry = &g_array_index(wl->entries, BrWatchEntry, e);
      if (!entry->value)
        continue;
      if (entry->kind == BR_WATCH_KEYWORD) {
        Keyword *k = g_new(Keyword, 1);
        k->word = g_ascii_strup(entry->value, -1);
        k->entry = e;
        g_ptr_array_add(words, k);
        continue;
      }
      gsize len = strlen(entry->value);
      char *key = g_malloc(len + 3);
      if (value_key(i, entry->kind, entry->value, len, key) > 0 &&
          !g_hash_table_contains(set->values, key))
        g_hash_table_insert(set->values, key, GUINT_TO_POINTER(e + 1));
      else
        g_free(key);
    }
    g_ptr_array_add(set->keywords, words);
  }
  set->index = br_name_index_build(b);
}

BrWatchSet *
br_watch_set_new(GPtrArray *lists, guint32 name_kinds)
{
  BrWatchSet *set = g_new0(BrWatchSet, 1);
  set->lists = lists;
  set->exceptions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  index_lists(set, name_kinds);
  return set;
}

static char *
exception_key(const char *list, const char *ref, const char *party_key)
{
  return g_strconcat(list, "\x1f", ref, "\x1f", party_key, NULL);
}

static gboolean
load_exceptions(BrWatchSet *set, BrStore *store, const char *as_of, GError **error)
{
  sqlite3_stmt *s = NULL;
  gboolean ok = FALSE;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT list_name, entry_ref, party_key FROM watchlist_exceptions"
                         " WHERE status = 'active'"
                         " AND (expires IS NULL OR expires >= COALESCE(?1, date('now')))",
                         -1, &s, NULL) != SQLITE_OK)
    goto sql_error;
  sqlite3_bind_text(s, 1, as_of, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    g_hash_table_add(set->exceptions, exception_key((const char *)sqlite3_column_text(s, 0),
                                                    (const char *)sqlite3_column_text(s, 1),
                                                    (const char *)sqlite3_column_text(s, 2)));
  if (rc == SQLITE_DONE) {
    ok = TRUE;
    goto out;
  }
sql_error:
  br_store_sql_error(store, error, "cannot load watchlist exceptions");
out:
  sqlite3_finalize(s);
  return ok;
}

BrWatchSet *
br_watch_set_load(BrStore *store, const char *const *lists, const char *as_of, guint32 name_kinds,
                  GError **error)
{
  BrWatchSet *set = g_new0(BrWatchSet, 1);
  set->lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_watchlist_free);
  set->exceptions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  char **all = NULL;
  gboolean ok = FALSE;
  gint32 day;
  if (as_of && !br_store_date_parse(as_of, &day)) {
    g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_INVALID,
                "date '%s' is not YYYY-MM-DD", as_of);
    goto out;
  }
  if (!lists || !lists[0]) {
    if (!(all = br_watchlist_store_names(store, error)))
      goto out;
    lists = (const char *const *)all;
  }
  for (guint i = 0; lists[i]; i++) {
    if (i >= MAX_LISTS) {
      g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_INVALID,
                  "at most %d watchlists can be screened at once", MAX_LISTS);
      goto out;
    }
    BrWatchlist *wl = br_watchlist_store_load(store, lists[i], error);
    if (!wl)
      goto out;
    g_ptr_array_add(set->lists, wl);
  }
  if (!load_exceptions(set, store, as_of, error))
    goto out;
  index_lists(set, name_kinds);
  ok = TRUE;
out:
  g_strfreev(all);
  if (!ok) {
    br_watch_set_free(set);
    set = NULL;
  }
  return set;
}

void
br_watch_set_free(BrWatchSet *set)
{
  if (!set)
    return;
  g_ptr_array_unref(set->lists);
  br_name_index_free(set->index);
  g_hash_table_unref(set->exceptions);
  if (set->values)
    g_hash_table_unref(set->values);
  for (guint i = 0; set->index && i < MEMO_SHARDS; i++) {
    g_hash_table_unref(set->memo[i].names);
    g_mutex_clear(&set->memo[i].lock);
  }
  if (set->keywords)
    g_ptr_array_unref(set->keywords);
  g_free(set);
}

const BrNameIndex *
br_watch_set_index(const BrWatchSet *set)
{
  return set->index;
}

guint
br_watch_set_nlists(const BrWatchSet *set)
{
  return set->lists->len;
}

const BrWatchlist *
br_watch_set_list(const BrWatchSet *set, guint i)
{
  return g_ptr_array_index(set->lists, i);
}

guint
br_watch_set_nexceptions(const BrWatchSet *set)
{
  return g_hash_table_size(set->exceptions);
}

guint64
br_watch_set_list_mask(const BrWatchSet *set, const char *name)
{
  for (guint i = 0; i < set->lists->len; i++)
    if (strcmp(((BrWatchlist *)g_ptr_array_index(set->lists, i))->name, name) == 0)
      return G_GUINT64_CONSTANT(1) << i;
  return 0;
}

static void
fill_hit(const BrWatchSet *set, const BrNameMatch *m, BrWatchHit *hit)
{
  const BrWatchlist *wl = g_ptr_array_index(set->lists, m->list);
  const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, m->entry);
  hit->list = wl->name;
  hit->entry_ref = e->source_id;
  hit->entry_name = e->name;
  hit->matched = m->name;
  hit->kind = e->kind;
  hit->quality = (BrNameQuality)m->quality;
  hit->score = m->score;
  hit->name_score = m->name_score;
  hit->common = m->common;
  hit->excepted = FALSE;
  hit->entry = m->entry;
  memset(&hit->corroboration, 0, sizeof hit->corroboration);
  hit->corroboration.name = m->score;
  gsize at = 0;
  hit->tokens[0] = '\0';
  for (guint i = 0; i < m->npairs && at < sizeof hit->tokens; i++)
    at += (gsize)g_snprintf(hit->tokens + at, sizeof hit->tokens - at, "%s%s=%s", i ? ", " : "",
                            m->pairs[i].query, m->pairs[i].entry);
}

/* Every hit of a name at threshold, exceptions marked, in a new Memo. */
static Memo *
match_name(const BrWatchSet *set, BrNameScratch *scratch, const char *text, gsize len,
           double threshold)
{
  BrNameMatch m[MATCH_POOL];
  guint n =
      br_name_index_match(set->index, scratch, text, (gssize)len, 0, threshold, m, MATCH_POOL);
  Memo *memo = g_malloc(sizeof(Memo) + n * sizeof(MemoHit));
  memo->n = n;
  /* Exceptions are rare and matches rarer still: the party key is built only here. */
  GString *party = NULL;
  for (guint i = 0; i < n; i++) {
    memo->hits[i].list = m[i].list;
    BrWatchHit *hit = &memo->hits[i].hit;
    fill_hit(set, &m[i], hit);
    if (g_hash_table_size(set->exceptions) > 0) {
      if (!party) {
        party = g_string_new(NULL);
        br_watchlist_party_key(text, (gssize)len, party);
      }
      char *key = exception_key(hit->list, hit->entry_ref, party->str);
      hit->excepted = g_hash_table_contains(set->exceptions, key);
      g_free(key);
    }
  }
  if (party)
    g_string_free(party, TRUE);
  return memo;
}

/* The hits of a name through the shared memo. The set is immutable to its callers; the memo
 * inside it is guarded by its shard's lock. *owned is set when the caller must free the
 * result (a name too long to remember, or the memo full). */
static const Memo *
memo_get(const BrWatchSet *set, BrNameScratch *scratch, const char *text, gssize len,
         double threshold, Memo **owned)
{
  gsize n = len < 0 ? strlen(text) : (gsize)len;
  *owned = NULL;
  if (n > MEMO_KEY_MAX)
    return *owned = match_name(set, scratch, text, n, threshold);
  union {
    MemoKey k;
    char bytes[sizeof(MemoKey) + MEMO_KEY_MAX];
  } buf;
  MemoKey *key = &buf.k;
  key->threshold = (guint)(threshold * 1e6);
  key->len = n;
  memcpy(key->text, text, n);
  guint32 h = 2166136261u ^ key->threshold;
  for (gsize i = 0; i < n; i++)
    h = (h ^ (guchar)text[i]) * 16777619u;
  key->hash = h;
  MemoShard *shard = (MemoShard *)&set->memo[(h >> 16) % MEMO_SHARDS];
  g_mutex_lock(&shard->lock);
  const Memo *memo = g_hash_table_lookup(shard->names, key);
  g_mutex_unlock(&shard->lock);
  if (memo)
    return memo;
  Memo *add = match_name(set, scratch, text, n, threshold);
  BrWatchSet *mutable = (BrWatchSet *)set;
  gsize bytes = sizeof(Memo) + add->n * sizeof(MemoHit) + sizeof(MemoKey) + n;
  if (g_atomic_pointer_get(&mutable->memo_bytes) + bytes > MEMO_MAX_BYTES)
    return *owned = add;
  g_mutex_lock(&shard->lock);
  /* Another worker may have matched the name meanwhile: its memo stays, readers may hold it. */
  memo = g_hash_table_lookup(shard->names, key);
  if (!memo) {
    g_hash_table_insert(shard->names, g_memdup2(key, sizeof(MemoKey) + n), add);
    g_atomic_pointer_add(&mutable->memo_bytes, (gssize)bytes);
    memo = add;
    add = NULL;
  }
  g_mutex_unlock(&shard->lock);
  g_free(add);
  return memo;
}

guint
br_watch_set_match(const BrWatchSet *set, BrNameScratch *scratch, const char *text, gssize len,
                   guint64 lists, double threshold, gboolean with_excepted, BrWatchHit *out,
                   guint max)
{
  return br_watch_set_match_party(set, scratch, text, len, NULL, lists, threshold, with_excepted,
                                  out, max);
}

static gint
by_score_desc(gconstpointer a, gconstpointer b, gpointer unused)
{
  double x = ((const BrWatchHit *)a)->score, y = ((const BrWatchHit *)b)->score;
  return (x < y) - (x > y);
}

guint
br_watch_set_match_party(const BrWatchSet *set, BrNameScratch *scratch, const char *text,
                         gssize len, const BrWatchParty *party, guint64 lists, double threshold,
                         gboolean with_excepted, BrWatchHit *out, guint max)
{
  Memo *owned;
  gboolean corroborate = br_watch_party_any(party);
  /* Names only corroboration could lift are looked for too. */
  double floor = corroborate ? br_corroborate_floor(party, threshold) : threshold;
  const Memo *memo = memo_get(set, scratch, text, len, floor, &owned);
  guint nout = 0;
  /* Most names have no hit: only those that have pay for corroborating. A memo holds at most
   * MATCH_POOL hits, so they fit on the stack. */
  BrWatchHit pool[MATCH_POOL];
  corroborate = corroborate && memo->n > 0;
  BrWatchHit *all = corroborate ? pool : out;
  guint cap = corroborate ? memo->n : max;
  for (guint i = 0; i < memo->n && nout < cap; i++) {
    const BrWatchHit *hit = &memo->hits[i].hit;
    if (lists && !(lists & (G_GUINT64_CONSTANT(1) << memo->hits[i].list)))
      continue;
    if (hit->excepted && !with_excepted)
      continue;
    BrWatchHit *h = &all[nout];
    *h = *hit;
    if (corroborate) {
      const BrWatchlist *wl = g_ptr_array_index(set->lists, memo->hits[i].list);
      h->score =
          br_corroborate(party, wl, h->entry, hit->score, hit->name_score, &h->corroboration);
      if (h->score < threshold)
        continue;
    }
    nout++;
  }
  if (corroborate) {
    g_qsort_with_data(all, (gint)nout, sizeof *all, by_score_desc, NULL);
    nout = MIN(nout, max);
    memcpy(out, all, nout * sizeof *all);
  }
  g_free(owned);
  return nout;
}

gboolean
br_watchlist_screen(const BrWatchSet *set, BrNameScratch *scratch, const char *text, gssize len,
                    guint64 lists, double min_score, BrWatchHit *hit)
{
  return br_watch_set_match_party(set, scratch, text, len, NULL, lists, min_score, FALSE, hit, 1) ==
         1;
}

void
br_watch_hit_describe(const BrWatchHit *hit, GString *out)
{
  const BrCorroboration *c = &hit->corroboration;
  g_string_append_printf(out, "name %.3f", hit->name_score);
  if (hit->common)
    g_string_append_printf(out, "; common names only: capped at %.2f", BR_NAME_COMMON_CAP);
  if (!c->any)
    return;
  gsize before = out->len;
  g_string_append(out, "; ");
  br_corroboration_describe(c, out);
  if (out->len == before + 2)
    g_string_truncate(out, before);
  g_string_append_printf(out, "; final %.3f", hit->score);
}

static void
fill_value_hit(const BrWatchSet *set, guint list, guint entry, const char *matched, BrWatchHit *hit)
{
  const BrWatchlist *wl = g_ptr_array_index(set->lists, list);
  const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, entry);
  memset(hit, 0, sizeof *hit);
  hit->list = wl->name;
  hit->entry_ref = e->source_id;
  hit->entry_name = e->name ? e->name : e->value;
  hit->matched = e->value;
  hit->kind = e->kind;
  hit->quality = BR_NAME_QUALITY_PRIMARY;
  hit->score = 1.0;
  hit->entry = entry;
  g_strlcpy(hit->tokens, matched, sizeof hit->tokens);
}

/* Whole-word, case-insensitive (ASCII): the keyword's ends fall on non-alphanumerics. */
static gboolean
contains_word(const char *upper_text, gsize len, const char *word)
{
  gsize wlen = strlen(word);
  if (wlen == 0 || wlen > len)
    return FALSE;
  for (const char *p = upper_text;
       (p = g_strstr_len(p, (gssize)(len - (gsize)(p - upper_text)), word)); p++) {
    gboolean left = p == upper_text || !g_ascii_isalnum(p[-1]);
    gboolean right = (gsize)(p - upper_text) + wlen == len || !g_ascii_isalnum(p[wlen]);
    if (left && right)
      return TRUE;
  }
  return FALSE;
}

gboolean
br_watch_set_lookup(const BrWatchSet *set, BrWatchKind kind, const char *text, gssize len,
                    guint64 lists, BrWatchHit *hit)
{
  gsize n = len < 0 ? strlen(text) : (gsize)len;
  if (kind == BR_WATCH_KEYWORD) {
    char *upper = g_ascii_strup(text, (gssize)n);
    gboolean found = FALSE;
    for (guint i = 0; i < set->lists->len && !found; i++) {
      if (lists && !(lists & (G_GUINT64_CONSTANT(1) << i)))
        continue;
      const GPtrArray *words = g_ptr_array_index(set->keywords, i);
      for (guint k = 0; k < words->len && !found; k++) {
        const Keyword *kw = g_ptr_array_index(words, k);
        if ((found = contains_word(upper, n, kw->word)))
          fill_value_hit(set, i, kw->entry, kw->word, hit);
      }
    }
    g_free(upper);
    return found;
  }
  char small[128];
  char *key = n + 3 <= sizeof small ? small : g_malloc(n + 3);
  gboolean found = FALSE;
  for (guint i = 0; i < set->lists->len && !found; i++) {
    if (lists && !(lists & (G_GUINT64_CONSTANT(1) << i)))
      continue;
    gsize vlen = value_key(i, kind, text, n, key);
    /* An HS entry is a prefix: try the line's code from its longest prefix down to a chapter. */
    gsize shortest = kind == BR_WATCH_HS ? MIN(vlen, 2) : vlen;
    for (gsize l = vlen; l >= shortest && l > 0 && !found; l--) {
      char saved = key[l + 2];
      key[l + 2] = '\0';
      gpointer e = g_hash_table_lookup(set->values, key);
      if (e) {
        fill_value_hit(set, i, GPOINTER_TO_UINT(e) - 1, key + 2, hit);
        found = TRUE;
      }
      key[l + 2] = saved;
    }
  }
  if (key != small)
    g_free(key);
  return found;
}
