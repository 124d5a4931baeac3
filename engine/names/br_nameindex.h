/* An in-memory index of listed names for fast fuzzy screening.
 *
 * Every name (an entry's primary name or one of its aliases) is tokenised once at build time
 * (br_names.h), and its tokens become words of a vocabulary (a word: a distinct token text,
 * skeleton and kind); each two adjacent tokens of a name written as one are a word too
 * (AL-DULAYMI holds ALDULAYMI), and a query's adjacent tokens are joined and looked up the same
 * way. Keys lead to words: each word's canonical text, consonant skeleton (how Arabic-script
 * names and vowel variants meet) and deletion forms (typos; not for joins). A query token
 * compares itself once with each word its keys reach, so every pair it could make is known,
 * with its credit, before any name is looked at. Candidates are the names holding a
 * distinctive word that a distinctive query token pairs with; words held by too many names
 * give no candidates while a rarer one does. Each candidate gets an upper bound from the
 * pairs its own words allow; only those whose bound reaches the threshold are scored
 * (br_name_similarity, with distinctive tokens weighted down as they get common in the index).
 *
 * The index is immutable after br_name_index_build() and may be queried from any number of
 * threads at once, each with its own BrNameScratch. A query allocates nothing. */
#pragma once

#include <glib.h>

#include "br_names.h"

typedef enum {
  BR_NAME_QUALITY_PRIMARY = 0, /* the entry's name */
  BR_NAME_QUALITY_GOOD,        /* an alias the list calls good (or a.k.a.) */
  BR_NAME_QUALITY_LOW,         /* a weak alias: its score is scaled by BR_NAME_LOW_QUALITY */
} BrNameQuality;

#define BR_NAME_LOW_QUALITY 0.9
/* Scores are calibrated: what br_name_index_match returns and is asked for is the raw score
 * (br_name_similarity times the alias quality) through a monotone map, piecewise linear through
 * (0, 0), (BR_NAME_CALIBRATION_RAW, BR_NAME_DEFAULT_THRESHOLD) and (1, 1). The knot was fitted on
 * the fit half of tests/unit/test_namematch_quality.c's generated set (BR_QUALITY_FIT=1): the
 * lowest raw cut at which the fit half's precision reaches 0.99 (the set has as many decoys as
 * variants, a manifest thousands of unlisted parties per listed one, so a cut that is 0.97 precise
 * on it would alarm too often); the held-out half checks it. A score of 0.85 therefore means the
 * same in `watchlist match`, on_watchlist, br.watchlist, the web screens and the starter pack,
 * and a higher score still ranks higher. */
#define BR_NAME_CALIBRATION_RAW 0.79
/* The screening threshold, on the calibrated scale: the score at which a name is a match, the
 * same for `watchlist match`, on_watchlist, br.watchlist and the starter pack (bench/README.md
 * has the recall and precision at it). */
#define BR_NAME_DEFAULT_THRESHOLD 0.85
/* A common name is no evidence on its own: a match all of whose paired distinctive listed words
 * are common names (BR_NAME_TOKEN_COMMON: "Ahmed Hassan Ali" ~ AHMAD, Hasan) scores at most
 * this (calibrated), under the threshold. */
#define BR_NAME_COMMON_CAP 0.80
/* The calibrated score of a raw score, and back (both monotone, 0 -> 0, 1 -> 1, clamped). */
double br_name_calibrate(double raw);
double br_name_uncalibrate(double score);
/* Words held by more names than this give no candidates while a rarer word of the query does. */
#define BR_NAME_POSTINGS_CAP 2000
/* At most this many candidates are scored per query, those with the highest bounds. */
#define BR_NAME_SCORED_CAP 64
/* Names an index can hold (primary names and aliases together). */
#define BR_NAME_INDEX_MAX_NAMES (1u << 24)

typedef struct BrNameIndexBuilder BrNameIndexBuilder;
typedef struct BrNameIndex BrNameIndex;
typedef struct BrNameScratch BrNameScratch;

BrNameIndexBuilder *br_name_index_builder_new(void);
/* Adds one name of an entry; entry, list and kind are the caller's numbers, returned with a
 * match (kind is a bit position for the query's kind mask, 0..31). The name is copied.
 * Returns FALSE (and adds nothing) when the name has no token or the index is full. */
gboolean br_name_index_builder_add(BrNameIndexBuilder *builder, const char *name, guint32 entry,
                                   guint16 list, guint8 kind, BrNameQuality quality);
/* Builds the index and frees the builder. */
BrNameIndex *br_name_index_build(BrNameIndexBuilder *builder);
void br_name_index_free(BrNameIndex *index);
guint br_name_index_size(const BrNameIndex *index);

/* Per-thread working memory for queries on one index, reused from query to query. It caches
 * recent names with their outcome (manifests repeat their parties): 128k names that matched
 * nothing and 1k that matched, so a repeated name costs one hash and one compare. */
BrNameScratch *br_name_scratch_new(const BrNameIndex *index);
void br_name_scratch_free(BrNameScratch *scratch);

#define BR_NAME_MATCH_PAIRS 8

typedef struct {
  char query[BR_NAME_TOKEN_BYTES]; /* canonical query token */
  char entry[BR_NAME_TOKEN_BYTES]; /* canonical listed token it was paired with */
  float sim;
} BrNameMatchPair;

typedef struct {
  guint32 entry;
  guint16 list;
  guint8 kind;
  guint8 quality;    /* BrNameQuality of the name that matched */
  const char *name;  /* the listed name that matched, owned by the index */
  double score;      /* 0..1, calibrated, after the common-name cap */
  double name_score; /* the calibrated score before the common-name cap */
  gboolean common;   /* every paired distinctive listed word is common: score capped */
  guint npairs;
  BrNameMatchPair pairs[BR_NAME_MATCH_PAIRS];
} BrNameMatch;

/* Screens name (len bytes, or NUL-terminated when len < 0) against the names whose kind is in
 * kinds (bit 1 << kind; 0 means every kind). Writes up to max_out matches scoring at least
 * threshold into out, best first (one per entry and list: its best-scoring name), and
 * returns how many. */
guint br_name_index_match(const BrNameIndex *index, BrNameScratch *scratch, const char *name,
                          gssize len, guint32 kinds, double threshold, BrNameMatch *out,
                          guint max_out);

/* Scores name against every indexed name of kinds, without candidates, bounds or caches:
 * slow, and what br_name_index_match is checked against (tests, audits of the bounds). */
guint br_name_index_match_exhaustive(const BrNameIndex *index, BrNameScratch *scratch,
                                     const char *name, gssize len, guint32 kinds, double threshold,
                                     BrNameMatch *out, guint max_out);

/* A candidate of a query with its bounds and score, for audits of the bounds (tests). */
typedef struct {
  guint32 entry;
  guint16 list;
  const char *name;   /* the listed name, owned by the index */
  double first_bound; /* from the postings alone (2: none, the name goes to the full bound) */
  double bound;       /* from the name's own words */
  double score;       /* its raw score, before calibration and the common-name cap */
} BrNameBoundAudit;

/* Writes up to max_out of the query's candidates (every kind), in collection order, with
 * their bounds and raw score; returns how many. A match prunes a candidate whose first bound or
 * bound is under the raw threshold (br_name_uncalibrate), so score <= bound <= first_bound must
 * hold for each. */
guint br_name_index_audit_bounds(const BrNameIndex *index, BrNameScratch *scratch, const char *name,
                                 gssize len, BrNameBoundAudit *out, guint max_out);
