#include "br_nameindex.h"

#include <math.h>
#include <string.h>

typedef struct {
  guint32 entry;
  guint16 list;
  guint8 kind;
  guint8 quality;
  guint32 name_off;  /* into names */
  guint32 tok_first; /* into tokens, weights and tok_words */
  guint8 ntok;
  guint8 slow; /* initials, which pair by letter: no first bound */
  float wsum;  /* sum of the token weights */
  float w_unc; /* weight of the tokens that never give candidates (generic, common words) */
} Record;

/* One key of the open-addressing table, by its 64-bit hash: two keys sharing a hash would
 * only add tokens, which the token similarity then rejects. n 0 marks an empty slot. */
typedef struct {
  guint64 hash;
  guint32 off; /* into key_words */
  guint32 n;   /* distinct listed tokens with this key */
} Slot;

/* A distinct listed token (text, skeleton and kind), with the names holding it when it is
 * distinctive. Keys lead to words, not names: a query token compares itself once with each
 * word its keys reach, and the credit of every pair it can make is known before any name is
 * looked at; a name is then visited once per word it holds, not once per shared key, and its
 * bound reads the credits of its own words. */
typedef struct {
  BrNameToken tok;
  guint32 post_off;   /* into postings */
  guint32 post_n;     /* names holding the word (a name holding it twice counts twice) */
  gboolean join_only; /* only ever two adjacent tokens of a name written as one */
} Word;

#define NO_WORD G_MAXUINT32

/* A posting: the name's record number and, in the low 8 bits, which of its tokens has the key,
 * so a query knows how much of the listed name's weight it can pair. */
#define POST_TOK_BITS 8
#define POST_REC(p) ((p) >> POST_TOK_BITS)
#define POST_TOK(p) ((p) & (POST_JOIN - 1))
/* The posting is of tokens POST_TOK and the next, joined (AL DULAYMI holds ALDULAYMI). */
#define POST_JOIN 0x80u

typedef struct {
  guint64 hash;
  guint32 word;
} KeyWord;

typedef struct {
  guint32 word;
  guint32 post;
} Posting;

struct BrNameIndexBuilder {
  GArray *records;    /* Record */
  GArray *tokens;     /* BrNameToken */
  GArray *tok_words;  /* guint32 per token: its word, NO_WORD for an initial */
  GArray *join_words; /* guint32 per token: the word it and the next make, or NO_WORD */
  GString *names;     /* NUL-separated */
  GArray *words;      /* Word (postings filled at build time) */
  GHashTable *vocab;  /* word identity -> word number + 1 */
  GArray *keys;       /* KeyWord, sorted and grouped at build time */
  GArray *postings;   /* Posting, grouped by word at build time */
};

struct BrNameIndex {
  Record *records;
  guint nrecords;
  BrNameToken *tokens;
  float *weights;
  guint32 *tok_words;
  guint32 *join_words;
  char *names;
  Word *words;
  guint nwords;
  Slot *slots;
  guint64 mask;
  guint32 *key_words;
  guint32 *postings;
  float *post_w; /* per posting: the weight of the name's token holding the word */
  guint32 npostings;
};

#define MAX_RESULTS 32
/* Names that matched nothing: two-way, 6 MB a thread, room for the distinct parties of a few
 * million manifest lines. */
#define CACHE_SLOTS 65536
#define CACHE_NAME 78
/* Bounds add float credits in another order than the score does: this much is rounding. */
#define BOUND_ROUNDING 1e-6

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

/* A pair a query token can make with a listed word: the word's pairs form a list. */
typedef struct {
  guint8 q;
  float credit;
  gint32 next; /* the word's next pair, -1 at the end */
} WordPair;

/* A word a query token pairs with that gives candidates. */
typedef struct {
  guint32 word;
  guint8 q;
  guint8 update_only; /* a pair no match can rest on: updates candidates, adds none */
  float credit;
} Collect;

/* A candidate name while its words' postings come: what of each side they pair, so most
 * candidates are ruled out by a bound read in one place. */
typedef struct {
  guint32 stamp; /* gen when the name became a candidate of this query */
  guint32 hits;  /* bit i: query token i pairs with one of the name's collected words */
  guint32 ehits; /* bit j: the name's token j holds a collected word */
  guint32 ejoin; /* bit j: the name's tokens j and j + 1 written as one are a collected word */
  float hq;      /* query weight x best credit of the tokens in hits */
  float he;      /* name's weight x best credit of the tokens in ehits and the joins in ejoin */
} Cand;

/* Pairs a query may hold; past this (a name of 24 very common short tokens) every candidate
 * is bounded at 1. */
#define MAX_WORD_PAIRS 4096

typedef struct {
  float bound;
  float gap; /* |listed weight - query weight|: among equal bounds, names of the query's size */
  guint32 rec;
} Bounded;

struct BrNameScratch {
  const BrNameIndex *index;
  guint32 gen;
  guint32 tgen;
  guint32 *wstamp; /* per word: gen when a query token could pair with it */
  guint32 *tstamp; /* per word: tgen when the current query token reached it */
  gint32 *wfirst;  /* per word stamped: its first pair */
  float *wmaxc;    /* per word stamped: its best credit with any query token */
  Cand *cands;     /* per record */
  Collect *collects;
  guint ncollects;
  WordPair *wpairs;
  guint nwpairs;
  gboolean overflow; /* more pairs than MAX_WORD_PAIRS: bounds are 1 */
  guint32 *cand;
  Bounded *pass; /* heap of the best candidates whose bound reaches the threshold */
  BrNameTokens q;
  float qw[BR_NAME_MAX_TOKENS];
  double lambda;         /* br_name_containment of the query */
  guint32 distinct_mask; /* bit i: query token i is distinctive */
  BrNameMatch results[MAX_RESULTS];
  guint32 result_rec[MAX_RESULTS]; /* the record each result came from */
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
  b->tok_words = g_array_new(FALSE, FALSE, sizeof(guint32));
  b->join_words = g_array_new(FALSE, FALSE, sizeof(guint32));
  b->names = g_string_new(NULL);
  b->words = g_array_new(FALSE, FALSE, sizeof(Word));
  b->vocab = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  b->keys = g_array_new(FALSE, FALSE, sizeof(KeyWord));
  b->postings = g_array_new(FALSE, FALSE, sizeof(Posting));
  return b;
}

/* The word number of a listed token, added with its keys when new. A word is its text,
 * skeleton and kind together: the same text from Arabic script compares differently. */
static guint32
word_of(BrNameIndexBuilder *b, const BrNameToken *t, gboolean join)
{
  char id[2 * BR_NAME_TOKEN_BYTES + 2];
  g_snprintf(id, sizeof id, "%c%s%c%s", 'A' + t->flags, t->text, 1, t->skel);
  guint32 known = GPOINTER_TO_UINT(g_hash_table_lookup(b->vocab, id));
  guint32 w = known - 1;
  guint64 keys[BR_NAME_MAX_KEYS];
  guint first = 0, nk;
  if (known) {
    Word *word = &g_array_index(b->words, Word, w);
    if (join || !word->join_only)
      return w;
    /* First met as two tokens written as one (HONG KONG), now a token of its own (HUAXIN
     * SHIPPING HONGKONG): it needs the typo keys a join does not get. */
    word->join_only = FALSE;
    first = br_name_join_keys(t, keys);
    nk = br_name_token_keys(t, keys);
  } else {
    w = b->words->len;
    Word word = {*t, 0, 0, join};
    g_array_append_val(b->words, word);
    g_hash_table_insert(b->vocab, g_strdup(id), GUINT_TO_POINTER(w + 1));
    nk = join ? br_name_join_keys(t, keys) : br_name_token_keys(t, keys);
  }
  for (guint k = first; k < nk; k++) {
    KeyWord kw = {keys[k], w};
    g_array_append_val(b->keys, kw);
  }
  return w;
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
  /* Weights and what depends on them are set when the index is built. */
  Record r = {.entry = entry,
              .list = list,
              .kind = kind,
              .quality = (guint8)quality,
              .name_off = (guint32)b->names->len,
              .tok_first = b->tokens->len,
              .ntok = (guint8)t.n};
  g_string_append_len(b->names, name, (gssize)strlen(name) + 1);
  g_array_append_vals(b->tokens, t.tok, t.n);
  g_array_append_val(b->records, r);
  for (guint i = 0; i < t.n; i++) {
    gboolean initial = (t.tok[i].flags & BR_NAME_TOKEN_INITIAL) != 0;
    guint32 w = initial ? NO_WORD : word_of(b, &t.tok[i], FALSE);
    g_array_append_val(b->tok_words, w);
    if (keyed_token(&t.tok[i])) {
      Posting p = {w, rec_no << POST_TOK_BITS | i};
      g_array_append_val(b->postings, p);
    }
    /* The name written with this token and the next as one, as other spellings do. */
    guint32 jw = NO_WORD;
    if (i + 1 < t.n && !initial && !(t.tok[i + 1].flags & BR_NAME_TOKEN_INITIAL)) {
      BrNameToken joined;
      br_name_token_join(&t.tok[i], &t.tok[i + 1], &joined);
      jw = word_of(b, &joined, TRUE);
      if (keyed_token(&joined)) {
        Posting p = {jw, rec_no << POST_TOK_BITS | POST_JOIN | i};
        g_array_append_val(b->postings, p);
      }
    }
    g_array_append_val(b->join_words, jw);
  }
  return TRUE;
}

static const Slot *
find_slot(const BrNameIndex *ix, guint64 h)
{
  for (guint64 i = h & ix->mask;; i = (i + 1) & ix->mask) {
    const Slot *s = &ix->slots[i];
    if (s->n == 0)
      return NULL;
    if (s->hash == h)
      return s;
  }
}

/* Names holding the token's text, whatever its kind. */
static guint32
token_df(const BrNameIndex *ix, const BrNameToken *t)
{
  const Slot *s = find_slot(ix, br_name_key_hash('t', t->text, t->len, G_MAXSIZE));
  guint32 df = 0;
  for (guint32 i = 0; s && i < s->n; i++) {
    const Word *w = &ix->words[ix->key_words[s->off + i]];
    if (w->tok.len == t->len && memcmp(w->tok.text, t->text, t->len) == 0)
      df += w->post_n;
  }
  return df;
}

static int
compare_keys(const void *a, const void *b)
{
  const KeyWord *x = a, *y = b;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return x->word < y->word ? -1 : (x->word > y->word);
}

/* Groups the postings by word (a counting sort keeps each word's names in name order). */
static guint32 *
group_postings(GArray *all, Word *words, guint nwords)
{
  for (guint i = 0; i < all->len; i++)
    words[g_array_index(all, Posting, i).word].post_n++;
  guint32 off = 0;
  for (guint w = 0; w < nwords; w++) {
    words[w].post_off = off;
    off += words[w].post_n;
    words[w].post_n = 0;
  }
  guint32 *postings = g_new(guint32, MAX(all->len, 1));
  for (guint i = 0; i < all->len; i++) {
    const Posting *p = &g_array_index(all, Posting, i);
    Word *w = &words[p->word];
    postings[w->post_off + w->post_n++] = p->post;
  }
  return postings;
}

BrNameIndex *
br_name_index_build(BrNameIndexBuilder *b)
{
  BrNameIndex *ix = g_new0(BrNameIndex, 1);
  GArray *all = b->keys;
  if (all->len > 0) /* qsort must not see the NULL data of an empty array */
    qsort(all->data, all->len, sizeof(KeyWord), compare_keys);
  guint nkeys = 0;
  for (guint i = 0; i < all->len; i++)
    nkeys +=
        i == 0 || g_array_index(all, KeyWord, i).hash != g_array_index(all, KeyWord, i - 1).hash;
  guint64 cap = 16;
  while (cap < (guint64)nkeys * 2)
    cap <<= 1;
  ix->slots = g_new0(Slot, cap);
  ix->mask = cap - 1;
  ix->key_words = g_new(guint32, MAX(all->len, 1));
  guint32 pos = 0;
  for (guint i = 0; i < all->len;) {
    guint64 h = g_array_index(all, KeyWord, i).hash;
    guint32 start = pos;
    for (; i < all->len && g_array_index(all, KeyWord, i).hash == h; i++) {
      guint32 word = g_array_index(all, KeyWord, i).word;
      /* A word with two equal keys (a doubled letter deleted either way) is listed once. */
      if (pos == start || ix->key_words[pos - 1] != word)
        ix->key_words[pos++] = word;
    }
    guint64 slot = h & ix->mask;
    while (ix->slots[slot].n != 0)
      slot = (slot + 1) & ix->mask;
    ix->slots[slot] = (Slot){h, start, pos - start};
  }
  g_array_free(all, TRUE);
  ix->nwords = b->words->len;
  ix->words = (Word *)g_array_free(b->words, FALSE);
  ix->npostings = b->postings->len;
  ix->postings = group_postings(b->postings, ix->words, ix->nwords);
  g_array_free(b->postings, TRUE);
  g_hash_table_destroy(b->vocab);
  ix->nrecords = b->records->len;
  ix->records = (Record *)g_array_free(b->records, FALSE);
  guint ntok = b->tokens->len;
  ix->tokens = (BrNameToken *)g_array_free(b->tokens, FALSE);
  ix->tok_words = (guint32 *)g_array_free(b->tok_words, FALSE);
  ix->join_words = (guint32 *)g_array_free(b->join_words, FALSE);
  ix->names = g_string_free(b->names, FALSE);
  g_free(b);

  ix->weights = g_new(float, MAX(ntok, 1));
  for (guint r = 0; r < ix->nrecords; r++) {
    Record *rec = &ix->records[r];
    rec->wsum = rec->w_unc = 0;
    rec->slow = FALSE;
    for (guint i = 0; i < rec->ntok; i++) {
      const BrNameToken *t = &ix->tokens[rec->tok_first + i];
      float w = t->weight;
      if (keyed_token(t))
        w *= idf_factor(token_df(ix, t));
      ix->weights[rec->tok_first + i] = w;
      rec->wsum += w;
      rec->slow |= (t->flags & BR_NAME_TOKEN_INITIAL) != 0;
    }
    /* Tokens whose pairs may come through a word that gives no candidates: generic ones, a
     * common word, or a common join with a neighbour. */
    for (guint i = 0; i < rec->ntok; i++) {
      const BrNameToken *t = &ix->tokens[rec->tok_first + i];
      guint32 word = ix->tok_words[rec->tok_first + i];
      guint32 join = ix->join_words[rec->tok_first + i];
      guint32 prev = i > 0 ? ix->join_words[rec->tok_first + i - 1] : NO_WORD;
      gboolean unc = !keyed_token(t) || ix->words[word].post_n > BR_NAME_POSTINGS_CAP ||
                     (join != NO_WORD && ix->words[join].post_n > BR_NAME_POSTINGS_CAP) ||
                     (prev != NO_WORD && ix->words[prev].post_n > BR_NAME_POSTINGS_CAP);
      if (unc)
        rec->w_unc += ix->weights[rec->tok_first + i];
    }
  }
  ix->post_w = g_new(float, MAX(ix->npostings, 1));
  for (guint32 k = 0; k < ix->npostings; k++) {
    guint32 p = ix->postings[k];
    const float *w = ix->weights + ix->records[POST_REC(p)].tok_first + POST_TOK(p);
    ix->post_w[k] = (p & POST_JOIN) ? w[0] + w[1] : w[0];
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
  g_free(ix->words);
  g_free(ix->slots);
  g_free(ix->key_words);
  g_free(ix->postings);
  g_free(ix->post_w);
  g_free(ix->tok_words);
  g_free(ix->join_words);
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
  guint nw = MAX(ix->nwords, 1);
  s->wstamp = g_new0(guint32, nw);
  s->tstamp = g_new0(guint32, nw);
  s->wfirst = g_new(gint32, nw);
  s->wmaxc = g_new(float, nw);
  s->cands = g_new0(Cand, n);
  s->collects = g_new(Collect, MAX_WORD_PAIRS);
  s->wpairs = g_new(WordPair, MAX_WORD_PAIRS);
  s->cand = g_new(guint32, n);
  s->pass = g_new(Bounded, BR_NAME_SCORED_CAP);
  s->cache = g_new0(CacheSlot, CACHE_SLOTS);
  s->hit_cache = g_new0(HitSlot, HIT_SLOTS);
  return s;
}

void
br_name_scratch_free(BrNameScratch *s)
{
  if (!s)
    return;
  g_free(s->wstamp);
  g_free(s->tstamp);
  g_free(s->wfirst);
  g_free(s->wmaxc);
  g_free(s->cands);
  g_free(s->collects);
  g_free(s->wpairs);
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

/* Whether score a of record ra goes before score b of record rb: the higher score, then the
 * lower record, so what is kept does not depend on the order candidates are scored in (and a
 * higher threshold, scoring fewer, keeps the same names). */
static gboolean
ranks_before(double a, guint32 ra, double b, guint32 rb)
{
  return a > b || (a == b && ra < rb);
}

/* Keeps the best score per (list, entry) among at most MAX_RESULTS, dropping the worst. */
static void
keep_result(BrNameScratch *s, guint32 r, double score, double name_score, const BrNamePair *pairs,
            guint npairs)
{
  const BrNameIndex *ix = s->index;
  const Record *rec = &ix->records[r];
  guint slot = s->nresults;
  for (guint i = 0; i < s->nresults; i++)
    if (s->results[i].entry == rec->entry && s->results[i].list == rec->list) {
      if (!ranks_before(score, r, s->results[i].score, s->result_rec[i]))
        return;
      slot = i;
      break;
    }
  if (slot == s->nresults && s->nresults < MAX_RESULTS) {
    s->nresults++;
  } else if (slot == s->nresults) {
    guint worst = 0;
    for (guint i = 1; i < s->nresults; i++)
      if (ranks_before(s->results[worst].score, s->result_rec[worst], s->results[i].score,
                       s->result_rec[i]))
        worst = i;
    if (!ranks_before(score, r, s->results[worst].score, s->result_rec[worst]))
      return;
    slot = worst;
  }
  BrNameMatch *m = &s->results[slot];
  s->result_rec[slot] = r;
  m->entry = rec->entry;
  m->list = rec->list;
  m->kind = rec->kind;
  m->quality = rec->quality;
  m->name = ix->names + rec->name_off;
  m->score = score;
  m->name_score = name_score;
  m->common = score < name_score;
  m->npairs = MIN(npairs, BR_NAME_MATCH_PAIRS);
  for (guint i = 0; i < m->npairs; i++) {
    BrNameMatchPair *p = &m->pairs[i];
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

/* Adds the names holding a word to the candidates (or, for a pair no match rests on, updates
 * those already in). A query token's words come best credit first, so the first of them a
 * name holds is the one its bound counts. */
static guint
collect(BrNameScratch *s, const Collect *cl, guint nc)
{
  guint32 word = cl->word;
  float qw = s->qw[cl->q], credit = cl->credit;
  const Word *w = &s->index->words[word];
  const guint32 *post = s->index->postings + w->post_off;
  const float *post_w = s->index->post_w + w->post_off;
  float ec = s->wmaxc[word];
  guint32 bit = 1u << cl->q;
  for (guint32 i = 0; i < w->post_n; i++) {
    if (i + 8 < w->post_n)
      __builtin_prefetch(&s->cands[POST_REC(post[i + 8])], 1);
    guint32 r = POST_REC(post[i]), tok = POST_TOK(post[i]);
    Cand *c = &s->cands[r];
    if (c->stamp != s->gen) {
      if (cl->update_only)
        continue;
      *c = (Cand){s->gen, 0, 0, 0, 0, 0};
      s->cand[nc++] = r;
    }
    if (!(c->hits & bit)) {
      c->hits |= bit;
      c->hq += qw * credit;
    }
    /* A token's own word and the joins it is in count apart, each at its best credit: a
     * join may come first at a lower credit than the token alone, and the bound must still
     * count the token's best. */
    guint32 *seen = (post[i] & POST_JOIN) ? &c->ejoin : &c->ehits;
    if (!(*seen & (1u << tok))) {
      *seen |= 1u << tok;
      c->he += post_w[i] * ec;
    }
  }
  return nc;
}

static int
compare_collects(const void *a, const void *b)
{
  const Collect *x = a, *y = b;
  if (x->update_only != y->update_only)
    return x->update_only < y->update_only ? -1 : 1;
  if (x->q != y->q)
    return x->q < y->q ? -1 : 1;
  if (x->credit != y->credit)
    return x->credit > y->credit ? -1 : 1;
  return x->word < y->word ? -1 : (x->word > y->word);
}

/* Records that query token q can pair with word w for credit. */
static void
add_word_pair(BrNameScratch *s, guint32 w, guint q, double credit)
{
  if (s->nwpairs == MAX_WORD_PAIRS) {
    s->overflow = TRUE;
    return;
  }
  if (s->wstamp[w] != s->gen) {
    s->wstamp[w] = s->gen;
    s->wfirst[w] = -1;
    s->wmaxc[w] = 0;
  }
  s->wmaxc[w] = MAX(s->wmaxc[w], (float)credit);
  s->wpairs[s->nwpairs] = (WordPair){(guint8)q, (float)credit, s->wfirst[w]};
  s->wfirst[w] = (gint32)s->nwpairs++;
}

/* The query's containment factor when each of its distinctive tokens may pair (best credit
 * above 0), else 1: br_name_similarity discounts a listed name's unpaired weight only for a
 * query it contains. */
static double
contained_factor(const BrNameScratch *s, const double qbest[BR_NAME_MAX_TOKENS])
{
  for (guint i = 0; i < s->q.n; i++)
    if (qbest[i] <= 0 && (s->distinct_mask & (1u << i)))
      return 1.0;
  return s->lambda;
}

/* An upper bound of br_name_similarity between the query and a listed name, from the pairs
 * the query's tokens can make with the name's words: each token of either side counts its
 * weight times the best credit it could get, as if it could take that pair whatever the
 * others take, and the name's weight counts at the query's containment factor when the query
 * may be contained in it. Initials pair by their letter and are compared directly. */
static double
name_bound(const BrNameScratch *s, const BrNameIndex *ix, const Record *rec, double wq,
           gboolean query_initials)
{
  double qbest[BR_NAME_MAX_TOKENS] = {0}, eb[BR_NAME_MAX_TOKENS] = {0}, eb_next = 0;
  const guint32 *words = ix->tok_words + rec->tok_first;
  const guint32 *joins = ix->join_words + rec->tok_first;
  const float *ew = ix->weights + rec->tok_first;
  guint ne = MIN(rec->ntok, BR_NAME_MAX_TOKENS);
  for (guint j = 0; j < ne; j++) {
    /* A pair with this token and the next written as one counts for both. */
    eb[j] = eb_next;
    eb_next = 0;
    guint32 w = words[j], jw = joins[j];
    if (w != NO_WORD && s->wstamp[w] == s->gen)
      for (gint32 p = s->wfirst[w]; p >= 0; p = s->wpairs[p].next) {
        const WordPair *wp = &s->wpairs[p];
        qbest[wp->q] = MAX(qbest[wp->q], wp->credit);
        eb[j] = MAX(eb[j], wp->credit);
      }
    if (jw != NO_WORD && s->wstamp[jw] == s->gen)
      for (gint32 p = s->wfirst[jw]; p >= 0; p = s->wpairs[p].next) {
        const WordPair *wp = &s->wpairs[p];
        qbest[wp->q] = MAX(qbest[wp->q], wp->credit);
        eb[j] = MAX(eb[j], wp->credit);
        eb_next = MAX(eb_next, wp->credit);
      }
    if (w == NO_WORD || query_initials) {
      const BrNameToken *e = &ix->tokens[rec->tok_first + j];
      for (guint i = 0; i < s->q.n; i++) {
        const BrNameToken *q = &s->q.tok[i];
        if (!((q->flags | e->flags) & BR_NAME_TOKEN_INITIAL))
          continue;
        double sim = br_name_token_similarity(q, e);
        double c = (float)sim >= (float)BR_NAME_PAIR_MIN ? br_name_pair_credit(sim) : 0;
        qbest[i] = MAX(qbest[i], c);
        eb[j] = MAX(eb[j], c);
      }
    }
  }
  double hq = 0, he = 0;
  for (guint i = 0; i < s->q.n; i++)
    hq += s->qw[i] * qbest[i];
  for (guint j = 0; j < ne; j++)
    he += ew[j] * eb[j];
  return quality_factor(rec->quality) * (hq + he) / (wq + contained_factor(s, qbest) * rec->wsum);
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

/* Keeps the BR_NAME_SCORED_CAP candidates first in compare_bounded order in heap[0..*n), a
 * heap whose root is the last of them: a name of common words can leave thousands of
 * candidates, and sorting them all cost more than scoring the few kept. */
static void
keep_bounded(Bounded *heap, guint *n, Bounded b)
{
  guint i;
  if (*n < BR_NAME_SCORED_CAP) {
    for (i = (*n)++; i > 0 && compare_bounded(&heap[(i - 1) / 2], &b) < 0; i = (i - 1) / 2)
      heap[i] = heap[(i - 1) / 2];
    heap[i] = b;
    return;
  }
  if (compare_bounded(&b, &heap[0]) >= 0)
    return;
  for (i = 0;;) {
    guint c = 2 * i + 1;
    if (c >= *n)
      break;
    if (c + 1 < *n && compare_bounded(&heap[c + 1], &heap[c]) > 0)
      c++;
    if (compare_bounded(&heap[c], &b) <= 0)
      break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = b;
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

/* What the pairs of a query's tokens leave for the bound and the fallback. */
typedef struct {
  const Word *fallback; /* the rarest common word a distinctive query token pairs with */
  guint32 fallback_no;
  guint8 fallback_q;
  float fallback_credit;
  float
      cunc[BR_NAME_MAX_TOKENS]; /* per query token: best credit of its pairs giving no candidates */
  float cmax_unc;
} QueryPairs;

/* Every pair query token t (tokens qa..qb of the query: one, or two written as one) can make
 * with a listed word (at BR_NAME_PAIR_MIN, or br_name_join_min for two written as one), and the
 * words giving candidates: distinctive words a distinctive query token pairs with (no name matches
 * without such a pair). Words held by too many names give no candidates while a rarer one does. The
 * other pairs are what a candidate's collected words do not show: their best credit per query token
 * (cunc) bounds what they can add. */
static void
pair_token(BrNameScratch *s, const BrNameToken *t, guint qa, guint qb, QueryPairs *qp)
{
  gboolean joined = qb > qa;
  const BrNameIndex *ix = s->index;
  if (++s->tgen == 0) {
    memset(s->tstamp, 0, ix->nwords * sizeof(guint32));
    s->tgen = 1;
  }
  guint64 keys[BR_NAME_MAX_KEYS];
  guint nk = joined ? br_name_join_keys(t, keys) : br_name_token_keys(t, keys);
  for (guint k = 0; k < nk; k++) {
    const Slot *slot = find_slot(ix, keys[k]);
    for (guint32 m = 0; slot && m < slot->n; m++) {
      guint32 wn = ix->key_words[slot->off + m];
      if (s->tstamp[wn] == s->tgen)
        continue;
      s->tstamp[wn] = s->tgen;
      const Word *word = &ix->words[wn];
      /* Two tokens written as one pair with a listed token, never with two (those pair one
       * by one). */
      if (joined && (word->join_only || !br_name_could_join(t, &word->tok)))
        continue;
      double sim = br_name_token_similarity(t, &word->tok);
      if ((float)sim < (float)(joined ? br_name_join_min(t, &word->tok) : BR_NAME_PAIR_MIN))
        continue;
      float credit = (float)br_name_pair_credit(sim);
      gboolean gives = keyed_token(t) && keyed_token(&word->tok);
      if (gives && word->post_n > BR_NAME_POSTINGS_CAP) {
        if (!qp->fallback || word->post_n < qp->fallback->post_n) {
          qp->fallback = word;
          qp->fallback_no = wn;
          qp->fallback_q = (guint8)qa;
          qp->fallback_credit = credit;
        }
        gives = FALSE;
      }
      /* A generic query word paired with a listed name's distinctive one (a name of generic
       * words only has them promoted) shows on the candidates it is in, never making one. */
      gboolean shows = gives || (keyed_token(&word->tok) && word->post_n <= BR_NAME_POSTINGS_CAP);
      for (guint q = qa; q <= qb; q++) {
        add_word_pair(s, wn, q, credit);
        if (!gives) {
          qp->cunc[q] = MAX(qp->cunc[q], credit);
          qp->cmax_unc = MAX(qp->cmax_unc, credit);
        }
        if (shows && s->ncollects < MAX_WORD_PAIRS)
          s->collects[s->ncollects++] = (Collect){wn, (guint8)q, !gives, credit};
        else if (shows)
          s->overflow = TRUE;
      }
    }
  }
}

/* Tokenises the query into the scratch with its tokens' weights; returns its weight. */
static double
prepare_query(const BrNameIndex *ix, BrNameScratch *s, const char *name, gsize n,
              gboolean *initials)
{
  br_name_tokenize(name, (gssize)n, &s->q);
  s->nresults = 0;
  double wq = 0;
  *initials = FALSE;
  for (guint i = 0; i < s->q.n; i++) {
    const BrNameToken *t = &s->q.tok[i];
    s->qw[i] = keyed_token(t) ? t->weight * idf_factor(token_df(ix, t)) : t->weight;
    wq += s->qw[i];
    *initials |= (t->flags & BR_NAME_TOKEN_INITIAL) != 0;
  }
  s->lambda = br_name_containment(s->q.tok, s->q.n, s->qw);
  s->distinct_mask = 0;
  for (guint i = 0; i < s->q.n; i++)
    if (keyed_token(&s->q.tok[i]))
      s->distinct_mask |= 1u << i;
  return wq;
}

/* The raw score of a listed name, with its pairs in pairs (room for BR_NAME_MAX_TOKENS), and in
 * *common whether every paired distinctive listed word is a common name. */
static double
record_score(const BrNameScratch *s, const Record *rec, BrNamePair *pairs, guint *np,
             gboolean *common)
{
  const BrNameIndex *ix = s->index;
  const BrNameToken *e = ix->tokens + rec->tok_first;
  const float *ew = ix->weights + rec->tok_first;
  double score = quality_factor(rec->quality) *
                 br_name_similarity(s->q.tok, s->q.n, s->qw, e, rec->ntok, ew, pairs, np);
  *common = score > 0;
  for (guint i = 0; i < *np && *common; i++)
    if (keyed_token(&e[pairs[i].e]))
      *common = (e[pairs[i].e].flags & BR_NAME_TOKEN_COMMON) != 0;
  return score;
}

/* The map through (0, 0), (x, y) and (1, 1), linear between, clamped to 0..1: with (x, y) swapped,
 * its inverse. */
static double
through_knot(double v, double x, double y)
{
  if (v <= 0)
    return 0;
  if (v >= 1)
    return 1;
  return v <= x ? v * y / x : y + (v - x) * (1 - y) / (1 - x);
}

double
br_name_calibrate(double raw)
{
  return through_knot(raw, BR_NAME_CALIBRATION_RAW, BR_NAME_DEFAULT_THRESHOLD);
}

double
br_name_uncalibrate(double score)
{
  return through_knot(score, BR_NAME_DEFAULT_THRESHOLD, BR_NAME_CALIBRATION_RAW);
}

/* Scores a listed name and keeps it when it reaches threshold (calibrated). Capping only
 * lowers a score: the bounds hold. */
static void
score_record(BrNameScratch *s, guint32 r, double threshold)
{
  BrNamePair pairs[BR_NAME_MAX_TOKENS];
  guint np = 0;
  gboolean common;
  double raw = record_score(s, &s->index->records[r], pairs, &np, &common);
  if (raw <= 0)
    return;
  double name_score = br_name_calibrate(raw);
  double score = common ? MIN(name_score, BR_NAME_COMMON_CAP) : name_score;
  if (score >= threshold)
    keep_result(s, r, score, name_score, pairs, np);
}

/* What a query's candidate collection leaves for its bounds. */
typedef struct {
  double wq;           /* the query's weight */
  double qunc;         /* its weight times the best credit of pairs giving no candidates */
  guint32 unc_mask;    /* query tokens pairing through words that give no candidates */
  float cmax_unc;      /* the best credit of any pair giving no candidates */
  gboolean exact_only; /* no first bound: straight to name_bound */
  gboolean initials;   /* the query has initials */
} Gathered;

/* Tokenises the query and collects its candidates into s->cand; returns how many. */
static guint
gather(const BrNameIndex *ix, BrNameScratch *s, const char *name, gsize n, Gathered *g)
{
  g->wq = prepare_query(ix, s, name, n, &g->initials);
  if (++s->gen == 0) {
    for (guint r = 0; r < ix->nrecords; r++)
      s->cands[r].stamp = 0;
    memset(s->wstamp, 0, ix->nwords * sizeof(guint32));
    s->gen = 1;
  }
  s->nwpairs = 0;
  s->ncollects = 0;
  s->overflow = FALSE;
  QueryPairs qp = {0};
  for (guint i = 0; i < s->q.n; i++)
    if (!(s->q.tok[i].flags & BR_NAME_TOKEN_INITIAL))
      pair_token(s, &s->q.tok[i], i, i, &qp);
  /* A name split here and joined in the list (WALI JAN / WALIJAN): adjacent tokens joined. */
  for (guint i = 0; i + 1 < s->q.n; i++)
    if (!((s->q.tok[i].flags | s->q.tok[i + 1].flags) & BR_NAME_TOKEN_INITIAL)) {
      BrNameToken joined;
      br_name_token_join(&s->q.tok[i], &s->q.tok[i + 1], &joined);
      pair_token(s, &joined, i, i + 1, &qp);
    }
  /* Only common words: a name like "Muhammad Ali" is still screened, on its rarest word. */
  g->exact_only = s->overflow || g->initials;
  gboolean any_gives = FALSE;
  for (guint k = 0; k < s->ncollects; k++)
    any_gives |= !s->collects[k].update_only;
  if (!any_gives && qp.fallback && s->ncollects < MAX_WORD_PAIRS) {
    s->collects[s->ncollects++] =
        (Collect){qp.fallback_no, qp.fallback_q, FALSE, qp.fallback_credit};
    g->exact_only = TRUE;
  }
  /* A query pairs with a few dozen words: an insertion sort beats qsort's setup. */
  for (guint k = 1; k < s->ncollects; k++) {
    Collect x = s->collects[k];
    guint at = k;
    for (; at > 0 && compare_collects(&s->collects[at - 1], &x) > 0; at--)
      s->collects[at] = s->collects[at - 1];
    s->collects[at] = x;
  }
  guint nc = 0;
  for (guint k = 0; k < s->ncollects; k++)
    nc = collect(s, &s->collects[k], nc);
  g->qunc = 0;
  g->unc_mask = 0;
  for (guint i = 0; i < s->q.n; i++) {
    g->qunc += s->qw[i] * qp.cunc[i];
    if (qp.cunc[i] > 0)
      g->unc_mask |= 1u << i;
  }
  g->cmax_unc = qp.cmax_unc;
  return nc;
}

/* A first bound from what the postings showed, no less than name_bound: collected pairs at
 * their credit, the query's other pairs at their best credit, and the name's tokens that never
 * give candidates at the best credit of any such pair (the name's other distinctive words pair
 * only through collected words: they would show otherwise). 2 (no first bound) when the query
 * or the name has initials, which pair by letter, or the query goes straight to name_bound. */
static double
first_bound(const BrNameScratch *s, const Gathered *g, guint32 r)
{
  const Record *rec = &s->index->records[r];
  if (g->exact_only || rec->slow)
    return 2.0;
  const Cand *cd = &s->cands[r];
  gboolean contained = ((cd->hits | g->unc_mask) & s->distinct_mask) == s->distinct_mask;
  return quality_factor(rec->quality) * (cd->hq + g->qunc + cd->he + rec->w_unc * g->cmax_unc) /
         (g->wq + (contained ? s->lambda : 1.0) * rec->wsum);
}

static double
full_bound(const BrNameScratch *s, const Gathered *g, guint32 r)
{
  return s->overflow ? 1.0 : name_bound(s, s->index, &s->index->records[r], g->wq, g->initials);
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

  Gathered g;
  guint nc = gather(ix, s, name, n, &g);
  /* The bounds are upper bounds of the raw score, so the threshold itself, made raw, is the
   * cut: a name scoring at or above it is never pruned, and a higher threshold only drops names. */
  double cut = br_name_uncalibrate(threshold) - BOUND_ROUNDING;
  /* Candidates are scattered over the index: records a few places ahead are fetched while
   * this one is bounded. */
  guint npass = 0;
  for (guint c = 0; c < nc; c++) {
    if (c + 16 < nc)
      __builtin_prefetch(&ix->records[s->cand[c + 16]]);
    if (c + 8 < nc) {
      const Record *ahead = &ix->records[s->cand[c + 8]];
      __builtin_prefetch(&s->cands[s->cand[c + 8]]);
      __builtin_prefetch(ix->tok_words + ahead->tok_first);
      __builtin_prefetch(ix->join_words + ahead->tok_first);
    }
    guint32 r = s->cand[c];
    const Record *rec = &ix->records[r];
    if (kinds && !(kinds & (1u << rec->kind)))
      continue;
    if (first_bound(s, &g, r) + 1e-4 < cut)
      continue;
    double bound = full_bound(s, &g, r);
    if (bound >= cut)
      keep_bounded(s->pass, &npass, (Bounded){(float)bound, (float)fabs(rec->wsum - g.wq), r});
  }
  for (guint c = 0; c < npass; c++)
    score_record(s, s->pass[c].rec, threshold);

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

guint
br_name_index_audit_bounds(const BrNameIndex *ix, BrNameScratch *s, const char *name, gssize len,
                           BrNameBoundAudit *out, guint max_out)
{
  g_assert(s->index == ix);
  Gathered g;
  guint nc = gather(ix, s, name, len < 0 ? strlen(name) : (gsize)len, &g);
  guint n = 0;
  BrNamePair pairs[BR_NAME_MAX_TOKENS];
  guint np;
  gboolean common;
  for (guint c = 0; c < nc && n < max_out; c++) {
    guint32 r = s->cand[c];
    const Record *rec = &ix->records[r];
    out[n++] = (BrNameBoundAudit){.entry = rec->entry,
                                  .list = rec->list,
                                  .name = ix->names + rec->name_off,
                                  .first_bound = first_bound(s, &g, r),
                                  .bound = full_bound(s, &g, r),
                                  .score = record_score(s, rec, pairs, &np, &common)};
  }
  return n;
}

guint
br_name_index_match_exhaustive(const BrNameIndex *ix, BrNameScratch *s, const char *name,
                               gssize len, guint32 kinds, double threshold, BrNameMatch *out,
                               guint max_out)
{
  g_assert(s->index == ix);
  gboolean query_initials;
  prepare_query(ix, s, name, len < 0 ? strlen(name) : (gsize)len, &query_initials);
  for (guint r = 0; r < ix->nrecords; r++)
    if (!kinds || (kinds & (1u << ix->records[r].kind)))
      score_record(s, r, threshold);
  qsort(s->results, s->nresults, sizeof(BrNameMatch), compare_matches);
  guint nout = MIN(s->nresults, max_out);
  memcpy(out, s->results, nout * sizeof(BrNameMatch));
  return nout;
}
