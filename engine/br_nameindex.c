#include "br_nameindex.h"

#include <math.h>
#include <string.h>

typedef struct {
  guint32 entry;
  guint16 list;
  guint8 kind;
  guint8 quality;
  guint32 name_off;  /* into names */
  guint32 tok_first; /* into tokens and weights */
  guint8 ntok;
  float wsum;   /* sum of the token weights */
  float free_w; /* weight of tokens without keys (and past the 32nd): pairable with anything */
} Record;

/* One key of the open-addressing table, by its 64-bit hash: two keys sharing a hash would
 * only add candidates, which scoring then rejects. post_n 0 marks an empty slot. */
typedef struct {
  guint64 hash;
  guint32 post_off; /* into postings */
  guint32 post_n;   /* names with this key */
} Slot;

/* A posting: the name's record number and, in the low 8 bits, which of its tokens has the key,
 * so a query knows how much of the listed name's weight it can pair. */
#define POST_TOK_BITS 8
#define POST_REC(p) ((p) >> POST_TOK_BITS)
#define POST_TOK(p) ((p) & ((1u << POST_TOK_BITS) - 1))

typedef struct {
  guint64 hash;
  guint32 post;
} Posting;

struct BrNameIndexBuilder {
  GArray *records;  /* Record */
  GArray *tokens;   /* BrNameToken */
  GString *names;   /* NUL-separated */
  GArray *postings; /* Posting, sorted and grouped at build time */
};

struct BrNameIndex {
  Record *records;
  guint nrecords;
  BrNameToken *tokens;
  float *weights;
  char *names;
  Slot *slots;
  guint64 mask;
  guint32 *postings;
};

#define MAX_RESULTS 32
/* Names that matched nothing: two-way, 6 MB a thread, room for the distinct parties of a few
 * million manifest lines. */
#define CACHE_SLOTS 65536
#define CACHE_NAME 78
/* The bound below counts only tokens that share an index key, and canonical forms can pair
 * without one (a typo in a doubled letter: MUGAAGU / MUGARAGU, canonically MUGAGU / MUGARAGU,
 * are two deletions apart), so it is not quite an upper bound: candidates that fall short of
 * the threshold by less than this are scored too. Measured on the quality set: recall 0.926 ->
 * 0.943 at the same precision (0.979), first sightings about 20% slower. */
#define BOUND_SLACK 0.15

/* Names that matched, with their first HIT_RESULTS matches. */
#define HIT_SLOTS 1024
#define HIT_RESULTS 4

typedef struct {
  guint64 hash;
  guint32 kinds;
  float threshold;
  guint16 len; /* 0: empty */
  char name[CACHE_NAME];
} CacheSlot;

typedef struct {
  CacheSlot key;
  guint nout;
  guint nall; /* matches the query had before max_out cut them */
  BrNameMatch out[HIT_RESULTS];
} HitSlot;

typedef struct {
  float bound;
  float gap; /* |listed weight - query weight|: among equal bounds, names of the query's size */
  guint32 rec;
} Bounded;

struct BrNameScratch {
  const BrNameIndex *index;
  guint32 gen;
  guint32 *stamp; /* per record: gen when it became a candidate of this query */
  guint32 *hits;  /* per record: bit i set when query token i shares a key with it */
  guint32 *ehits; /* per record: bit j set when its token j shares a key with the query */
  guint32 *cand;
  Bounded *pass; /* candidates whose bound reaches the threshold */
  BrNameTokens q;
  float qw[BR_NAME_MAX_TOKENS];
  BrNameMatch results[MAX_RESULTS];
  guint nresults;
  CacheSlot *cache;
  HitSlot *hit_cache;
};

static guint64
hash_bytes(const char *s, gsize len)
{
  guint64 h = 1469598103934665603ull;
  for (gsize i = 0; i < len; i++) {
    h ^= (guchar)s[i];
    h *= 1099511628211ull;
  }
  return h ^ (h >> 29);
}

#define MAX_KEYS (3 + BR_NAME_TOKEN_BYTES)

/* Canonical tokens have no doubled letters, so a deletion that brings two equal letters
 * together ("mugaragu" less its r) is hashed with them collapsed, as the canonical form of
 * the misspelling ("mugaagu" -> "mugagu") would be. */
static guint64
key_hash(char tag, const char *s, gsize len, gsize skip)
{
  guint64 h = 1469598103934665603ull ^ (guchar)tag;
  h *= 1099511628211ull;
  int prev = -1;
  for (gsize i = 0; i < len; i++) {
    if (i == skip || (tag == 'd' && (guchar)s[i] == prev))
      continue;
    prev = (guchar)s[i];
    h ^= (guchar)s[i];
    h *= 1099511628211ull;
  }
  h ^= h >> 31;
  return h ? h : 1;
}

/* The keys of a token: its canonical text, its skeleton, and the text with any one letter
 * deleted (for tokens of 4 letters or more). Two tokens one edit apart (a letter changed,
 * added, dropped, or two swapped) always share a key, so a typo never hides a name from the
 * candidates. Returns how many hashes were written. */
static guint
token_keys(const BrNameToken *t, guint64 keys[MAX_KEYS])
{
  guint n = 0;
  keys[n++] = key_hash('t', t->text, t->len, G_MAXSIZE);
  if (t->skel_len >= 2)
    keys[n++] = key_hash('s', t->skel, t->skel_len, G_MAXSIZE);
  if (t->len >= 4 && (guchar)t->text[0] < 0x80) {
    /* The word itself is a form too: it meets the other side's deletions. */
    keys[n++] = key_hash('d', t->text, t->len, G_MAXSIZE);
    for (gsize i = 0; i < t->len; i++)
      if (i == 0 || t->text[i] != t->text[i - 1]) /* deleting either of a pair is one key */
        keys[n++] = key_hash('d', t->text, t->len, i);
  }
  return n;
}

static gboolean
keyed_token(const BrNameToken *t)
{
  return !(t->flags & (BR_NAME_TOKEN_GENERIC | BR_NAME_TOKEN_PARTICLE | BR_NAME_TOKEN_INITIAL));
}

/* Distinctive tokens shared by many names say less: -0.1 per doubling, down to 0.35. */
static float
idf_factor(guint32 df)
{
  if (df <= 1)
    return 1.0f;
  double f = 1.0 - 0.1 * log2((double)df);
  return (float)CLAMP(f, 0.35, 1.0);
}

BrNameIndexBuilder *
br_name_index_builder_new(void)
{
  BrNameIndexBuilder *b = g_new0(BrNameIndexBuilder, 1);
  b->records = g_array_new(FALSE, FALSE, sizeof(Record));
  b->tokens = g_array_new(FALSE, FALSE, sizeof(BrNameToken));
  b->names = g_string_new(NULL);
  b->postings = g_array_new(FALSE, FALSE, sizeof(Posting));
  return b;
}

gboolean
br_name_index_builder_add(BrNameIndexBuilder *b, const char *name, guint32 entry, guint16 list,
                          guint8 kind, BrNameQuality quality)
{
  BrNameTokens t;
  br_name_tokenize(name, -1, &t);
  if (t.n == 0)
    return FALSE;
  guint32 rec_no = b->records->len;
  if (rec_no >= BR_NAME_INDEX_MAX_NAMES)
    return FALSE;
  Record r = {entry,       list, kind, (guint8)quality, (guint32)b->names->len, b->tokens->len,
              (guint8)t.n, 0,    0};
  g_string_append_len(b->names, name, (gssize)strlen(name) + 1);
  g_array_append_vals(b->tokens, t.tok, t.n);
  g_array_append_val(b->records, r);
  for (guint i = 0; i < t.n; i++) {
    if (!keyed_token(&t.tok[i]))
      continue;
    guint64 keys[MAX_KEYS];
    guint nk = token_keys(&t.tok[i], keys);
    for (guint k = 0; k < nk; k++) {
      Posting p = {keys[k], rec_no << POST_TOK_BITS | i};
      g_array_append_val(b->postings, p);
    }
  }
  return TRUE;
}

static const Slot *
find_slot(const BrNameIndex *ix, guint64 h)
{
  for (guint64 i = h & ix->mask;; i = (i + 1) & ix->mask) {
    const Slot *s = &ix->slots[i];
    if (s->post_n == 0)
      return NULL;
    if (s->hash == h)
      return s;
  }
}

static guint32
token_df(const BrNameIndex *ix, const BrNameToken *t)
{
  const Slot *s = find_slot(ix, key_hash('t', t->text, t->len, G_MAXSIZE));
  return s ? s->post_n : 0;
}

static int
compare_postings(const void *a, const void *b)
{
  const Posting *x = a, *y = b;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return x->post < y->post ? -1 : (x->post > y->post);
}

BrNameIndex *
br_name_index_build(BrNameIndexBuilder *b)
{
  BrNameIndex *ix = g_new0(BrNameIndex, 1);
  GArray *all = b->postings;
  if (all->len > 0) /* qsort must not see the NULL data of an empty array */
    qsort(all->data, all->len, sizeof(Posting), compare_postings);
  guint nkeys = 0;
  for (guint i = 0; i < all->len; i++)
    nkeys +=
        i == 0 || g_array_index(all, Posting, i).hash != g_array_index(all, Posting, i - 1).hash;
  guint64 cap = 16;
  while (cap < (guint64)nkeys * 2)
    cap <<= 1;
  ix->slots = g_new0(Slot, cap);
  ix->mask = cap - 1;
  ix->postings = g_new(guint32, MAX(all->len, 1));
  guint32 pos = 0;
  for (guint i = 0; i < all->len;) {
    guint64 h = g_array_index(all, Posting, i).hash;
    guint32 start = pos;
    for (; i < all->len && g_array_index(all, Posting, i).hash == h; i++) {
      guint32 post = g_array_index(all, Posting, i).post;
      /* A token with two equal keys (a doubled letter deleted either way) is posted once. */
      if (pos == start || ix->postings[pos - 1] != post)
        ix->postings[pos++] = post;
    }
    guint64 slot = h & ix->mask;
    while (ix->slots[slot].post_n != 0)
      slot = (slot + 1) & ix->mask;
    ix->slots[slot] = (Slot){h, start, pos - start};
  }
  g_array_free(all, TRUE);
  ix->nrecords = b->records->len;
  ix->records = (Record *)g_array_free(b->records, FALSE);
  guint ntok = b->tokens->len;
  ix->tokens = (BrNameToken *)g_array_free(b->tokens, FALSE);
  ix->names = g_string_free(b->names, FALSE);
  g_free(b);

  ix->weights = g_new(float, MAX(ntok, 1));
  for (guint r = 0; r < ix->nrecords; r++) {
    Record *rec = &ix->records[r];
    rec->wsum = rec->free_w = 0;
    for (guint i = 0; i < rec->ntok; i++) {
      const BrNameToken *t = &ix->tokens[rec->tok_first + i];
      float w = t->weight;
      if (keyed_token(t))
        w *= idf_factor(token_df(ix, t));
      ix->weights[rec->tok_first + i] = w;
      rec->wsum += w;
      if (!keyed_token(t) || i >= 32)
        rec->free_w += w;
    }
  }
  return ix;
}

void
br_name_index_free(BrNameIndex *ix)
{
  if (!ix)
    return;
  g_free(ix->records);
  g_free(ix->tokens);
  g_free(ix->weights);
  g_free(ix->names);
  g_free(ix->slots);
  g_free(ix->postings);
  g_free(ix);
}

guint
br_name_index_size(const BrNameIndex *ix)
{
  return ix->nrecords;
}

BrNameScratch *
br_name_scratch_new(const BrNameIndex *ix)
{
  BrNameScratch *s = g_new0(BrNameScratch, 1);
  s->index = ix;
  guint n = MAX(ix->nrecords, 1);
  s->stamp = g_new0(guint32, n);
  s->hits = g_new0(guint32, n);
  s->ehits = g_new0(guint32, n);
  s->cand = g_new(guint32, n);
  s->pass = g_new(Bounded, n);
  s->cache = g_new0(CacheSlot, CACHE_SLOTS);
  s->hit_cache = g_new0(HitSlot, HIT_SLOTS);
  return s;
}

void
br_name_scratch_free(BrNameScratch *s)
{
  if (!s)
    return;
  g_free(s->stamp);
  g_free(s->hits);
  g_free(s->ehits);
  g_free(s->cand);
  g_free(s->pass);
  g_free(s->cache);
  g_free(s->hit_cache);
  g_free(s);
}

static double
quality_factor(guint8 quality)
{
  return quality == BR_NAME_QUALITY_LOW ? BR_NAME_LOW_QUALITY : 1.0;
}

/* Keeps the best score per (list, entry) among at most MAX_RESULTS, dropping the worst. */
static void
keep_result(BrNameScratch *s, const Record *rec, double score, const BrNamePair *pairs,
            guint npairs)
{
  const BrNameIndex *ix = s->index;
  BrNameMatch *slot = NULL;
  for (guint i = 0; i < s->nresults; i++)
    if (s->results[i].entry == rec->entry && s->results[i].list == rec->list) {
      if (s->results[i].score >= score)
        return;
      slot = &s->results[i];
      break;
    }
  if (!slot && s->nresults < MAX_RESULTS)
    slot = &s->results[s->nresults++];
  if (!slot) {
    guint worst = 0;
    for (guint i = 1; i < s->nresults; i++)
      if (s->results[i].score < s->results[worst].score)
        worst = i;
    if (s->results[worst].score >= score)
      return;
    slot = &s->results[worst];
  }
  slot->entry = rec->entry;
  slot->list = rec->list;
  slot->kind = rec->kind;
  slot->quality = rec->quality;
  slot->name = ix->names + rec->name_off;
  slot->score = score;
  slot->npairs = MIN(npairs, BR_NAME_MATCH_PAIRS);
  for (guint i = 0; i < slot->npairs; i++) {
    BrNameMatchPair *p = &slot->pairs[i];
    memcpy(p->query, s->q.tok[pairs[i].q].text, sizeof p->query);
    memcpy(p->entry, ix->tokens[rec->tok_first + pairs[i].e].text, sizeof p->entry);
    p->sim = pairs[i].sim;
  }
}

static int
compare_matches(const void *a, const void *b)
{
  const BrNameMatch *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->list != y->list)
    return x->list < y->list ? -1 : 1;
  return x->entry < y->entry ? -1 : (x->entry > y->entry);
}

/* Adds the records of one key's postings to the candidates, marking query token bit. */
static guint
collect(BrNameScratch *s, const Slot *slot, guint32 bit, guint nc)
{
  const guint32 *post = s->index->postings + slot->post_off;
  for (guint32 i = 0; i < slot->post_n; i++) {
    guint32 r = POST_REC(post[i]), tok = POST_TOK(post[i]);
    if (s->stamp[r] != s->gen) {
      s->stamp[r] = s->gen;
      s->hits[r] = s->ehits[r] = 0;
      s->cand[nc++] = r;
    }
    s->hits[r] |= bit;
    if (tok < 32)
      s->ehits[r] |= 1u << tok;
  }
  return nc;
}

static int
compare_bounded(const void *a, const void *b)
{
  const Bounded *x = a, *y = b;
  if (x->bound != y->bound)
    return x->bound > y->bound ? -1 : 1;
  if (x->gap != y->gap)
    return x->gap < y->gap ? -1 : 1;
  return x->rec < y->rec ? -1 : (x->rec > y->rec);
}

static guint64
cache_hash(const char *name, gsize len, guint32 kinds)
{
  return hash_bytes(name, len) ^ ((guint64)kinds * 0x9E3779B97F4A7C15ull);
}

static gboolean
cache_same(const CacheSlot *c, guint64 hash, const char *name, gsize len, guint32 kinds,
           float threshold)
{
  return c->len == len && c->hash == hash && c->kinds == kinds && c->threshold == threshold &&
         memcmp(c->name, name, len) == 0;
}

static void
cache_set(CacheSlot *c, guint64 hash, const char *name, gsize len, guint32 kinds, float threshold)
{
  c->hash = hash;
  c->kinds = kinds;
  c->threshold = threshold;
  c->len = (guint16)len;
  memcpy(c->name, name, len);
}

/* Looks name up in both caches; returns its number of matches (copied to out) or -1. */
static gint
cache_lookup(BrNameScratch *s, guint64 hash, const char *name, gsize len, guint32 kinds,
             float threshold, BrNameMatch *out, guint max_out)
{
  CacheSlot *pair = &s->cache[hash & (CACHE_SLOTS - 2)];
  if (cache_same(&pair[0], hash, name, len, kinds, threshold) ||
      cache_same(&pair[1], hash, name, len, kinds, threshold))
    return 0;
  HitSlot *h = &s->hit_cache[(hash >> 20) & (HIT_SLOTS - 1)];
  /* A hit stored with fewer matches than asked for serves only if it had no more. */
  if (!cache_same(&h->key, hash, name, len, kinds, threshold) ||
      (max_out > h->nout && h->nall > h->nout))
    return -1;
  guint n = MIN(max_out, h->nout);
  memcpy(out, h->out, n * sizeof(BrNameMatch));
  return (gint)n;
}

/* Remembers a miss as the newest of its pair of slots, the older one dropping out. */
static void
cache_miss(BrNameScratch *s, guint64 hash, const char *name, gsize len, guint32 kinds,
           float threshold)
{
  CacheSlot *pair = &s->cache[hash & (CACHE_SLOTS - 2)];
  pair[1] = pair[0];
  cache_set(&pair[0], hash, name, len, kinds, threshold);
}

static void
cache_hit(BrNameScratch *s, guint64 hash, const char *name, gsize len, guint32 kinds,
          float threshold, guint nall)
{
  HitSlot *h = &s->hit_cache[(hash >> 20) & (HIT_SLOTS - 1)];
  cache_set(&h->key, hash, name, len, kinds, threshold);
  h->nall = nall;
  h->nout = MIN(nall, HIT_RESULTS);
  memcpy(h->out, s->results, h->nout * sizeof(BrNameMatch));
}

guint
br_name_index_match(const BrNameIndex *ix, BrNameScratch *s, const char *name, gssize len,
                    guint32 kinds, double threshold, BrNameMatch *out, guint max_out)
{
  g_assert(s->index == ix);
  gsize n = len < 0 ? strlen(name) : (gsize)len;
  gboolean cacheable = n > 0 && n < CACHE_NAME;
  guint64 ch = 0;
  if (cacheable) {
    ch = cache_hash(name, n, kinds);
    gint got = cache_lookup(s, ch, name, n, kinds, (float)threshold, out, max_out);
    if (got >= 0)
      return (guint)got;
  }

  br_name_tokenize(name, (gssize)n, &s->q);
  s->nresults = 0;
  double wq = 0, unkeyed = 0;
  guint nunkeyed = 0;
  for (guint i = 0; i < s->q.n; i++) {
    const BrNameToken *t = &s->q.tok[i];
    s->qw[i] = keyed_token(t) ? t->weight * idf_factor(token_df(ix, t)) : t->weight;
    wq += s->qw[i];
    if (!keyed_token(t) || i >= 32) {
      unkeyed += s->qw[i];
      nunkeyed++;
    }
  }

  if (++s->gen == 0) {
    memset(s->stamp, 0, ix->nrecords * sizeof(guint32));
    s->gen = 1;
  }
  guint nc = 0;
  const Slot *fallback = NULL;
  guint32 keyed_bits = 0; /* query tokens with a common key */
  for (guint i = 0; i < s->q.n && i < 32; i++) {
    const BrNameToken *t = &s->q.tok[i];
    if (!keyed_token(t))
      continue;
    guint64 keys[MAX_KEYS];
    guint nk = token_keys(t, keys);
    for (guint k = 0; k < nk; k++) {
      const Slot *slot = find_slot(ix, keys[k]);
      if (!slot)
        continue;
      if (slot->post_n > BR_NAME_POSTINGS_CAP) {
        if (!fallback || slot->post_n < fallback->post_n)
          fallback = slot;
        keyed_bits |= 1u << i;
        continue;
      }
      nc = collect(s, slot, 1u << i, nc);
    }
  }
  /* Only common keys: a name like "Muhammad Ali" is still screened, on its rarest key. */
  if (nc == 0 && fallback)
    nc = collect(s, fallback, 0, nc);
  /* A query token with a common key may pair through it, unseen: the bound counts it as hit
   * on both sides. */
  guint nskipped = 0;
  for (guint i = 0; i < s->q.n && i < 32; i++)
    if (keyed_bits & (1u << i)) {
      unkeyed += s->qw[i];
      nskipped++;
    }

  guint npass = 0;
  for (guint c = 0; c < nc; c++) {
    guint32 r = s->cand[c];
    const Record *rec = &ix->records[r];
    if (kinds && !(kinds & (1u << rec->kind)))
      continue;
    /* Only tokens that share a key can pair, besides those without keys on either side: a
     * query's generic word, particle, initial or token with a common key may pair with one
     * listed token each. */
    double hq = unkeyed, he = rec->free_w;
    for (guint i = 0; i < s->q.n && i < 32; i++)
      if ((s->hits[r] & ~keyed_bits) & (1u << i))
        hq += s->qw[i];
    const float *ew = ix->weights + rec->tok_first;
    for (guint j = 0; j < rec->ntok && j < 32; j++)
      if (s->ehits[r] & (1u << j))
        he += ew[j];
    he = MIN(rec->wsum, he + nunkeyed + nskipped);
    double bound = quality_factor(rec->quality) * (hq + he) / (wq + rec->wsum);
    if (bound >= threshold - BOUND_SLACK)
      s->pass[npass++] = (Bounded){(float)bound, (float)fabs(rec->wsum - wq), r};
  }
  /* A name made of common words can leave thousands of candidates: score the most promising. */
  if (npass > BR_NAME_SCORED_CAP) {
    qsort(s->pass, npass, sizeof(Bounded), compare_bounded);
    npass = BR_NAME_SCORED_CAP;
  }
  BrNamePair pairs[BR_NAME_MAX_TOKENS];
  for (guint c = 0; c < npass; c++) {
    const Record *rec = &ix->records[s->pass[c].rec];
    guint np = 0;
    double score = quality_factor(rec->quality) *
                   br_name_similarity(s->q.tok, s->q.n, s->qw, ix->tokens + rec->tok_first,
                                      rec->ntok, ix->weights + rec->tok_first, pairs, &np);
    if (score >= threshold && score > 0)
      keep_result(s, rec, score, pairs, np);
  }

  if (s->nresults == 0) {
    if (cacheable)
      cache_miss(s, ch, name, n, kinds, (float)threshold);
    return 0;
  }
  qsort(s->results, s->nresults, sizeof(BrNameMatch), compare_matches);
  if (cacheable)
    cache_hit(s, ch, name, n, kinds, (float)threshold, s->nresults);
  guint nout = MIN(s->nresults, max_out);
  memcpy(out, s->results, nout * sizeof(BrNameMatch));
  return nout;
}
