/* Party names made comparable: normalisation, transliteration, token weights, similarity.
 *
 * A name becomes a short list of canonical tokens (ASCII lower case where the script allows):
 * Unicode compatibility decomposition with accents stripped and case folded; Arabic and
 * Cyrillic script transliterated to Latin; punctuation to spaces (dots between initials
 * joined: L.L.C. -> llc); legal forms (LLC, LTD, FZE, JSC ...) dropped; Arabic transliteration
 * variants brought to one spelling (Mohammed/Muhamad -> muhammad, Abdul Rahman/Abd-ar-Rahman
 * -> abdrahman, el-/ul-/as- (before s) -> al ...). Each token keeps a consonant skeleton, which
 * is what a name written in Arabic script (no short vowels) can be compared on.
 *
 * Generic words (TRADING, GENERAL, GROUP ...) and particles (al, bin, of ...) stay as tokens
 * with a low weight and never make a match by themselves: br_name_similarity() returns 0
 * unless a distinctive token of each side was paired. A name made only of generic words has
 * them promoted to distinctive, so "GENERAL TRADING" can still be listed and found.
 *
 * Nothing here allocates: callers pass BrNameTokens (stack or scratch) and get it filled. */
#pragma once

#include <glib.h>

#define BR_NAME_MAX_TOKENS 24
#define BR_NAME_TOKEN_BYTES 32 /* longer tokens are cut (at a UTF-8 boundary) */

typedef enum {
  BR_NAME_TOKEN_GENERIC = 1 << 0,  /* TRADING, GENERAL, GROUP ...: low weight */
  BR_NAME_TOKEN_PARTICLE = 1 << 1, /* al, bin, abu, de, of ...: lowest weight */
  BR_NAME_TOKEN_ARABIC = 1 << 2,   /* transliterated from Arabic script: compare skeletons */
  BR_NAME_TOKEN_INITIAL = 1 << 3,  /* a single letter: matches a token it begins */
  BR_NAME_TOKEN_COMMON = 1 << 4,   /* a given name or surname borne by very many people */
} BrNameTokenFlags;

typedef struct {
  char text[BR_NAME_TOKEN_BYTES]; /* canonical token, NUL-terminated */
  char skel[BR_NAME_TOKEN_BYTES]; /* consonant skeleton: vowels, w, y dropped, runs collapsed;
                                   * from Arabic script, upper-case marks for letters Latin
                                   * writes two ways (br_names.c, skel_marks) */
  guint8 len;
  guint8 skel_len;
  guint8 flags; /* BrNameTokenFlags */
  float weight; /* base weight: 1 distinctive, lower for generic, particle and initial */
} BrNameToken;

typedef struct {
  guint n;
  BrNameToken tok[BR_NAME_MAX_TOKENS];
} BrNameTokens;

/* Normalises and tokenises name (len bytes, or NUL-terminated when len < 0). Invalid UTF-8
 * bytes act as separators. Tokens past BR_NAME_MAX_TOKENS are dropped. */
void br_name_tokenize(const char *name, gssize len, BrNameTokens *out);

/* TRUE when the list has at least one token that is neither generic nor a particle. */
gboolean br_name_tokens_distinctive(const BrNameTokens *tokens);

/* Jaro-Winkler similarity of two byte strings (prefix scale 0.1, prefix up to 4), as in the
 * usual reference implementations. Strings past 64 bytes are compared on their first 64. */
double br_name_jaro_winkler(const char *a, gsize alen, const char *b, gsize blen);

/* Similarity of two canonical tokens in 0..1: Jaro-Winkler of the tokens; of the skeletons
 * when either came from Arabic script (the best of a marked skeleton's spellings); an initial
 * against a token it begins scores 0.9. */
double br_name_token_similarity(const BrNameToken *a, const BrNameToken *b);

/* A query token paired with an entry token. */
typedef struct {
  guint8 q; /* index into the query's tokens */
  guint8 e; /* index into the entry's tokens */
  float sim;
} BrNamePair;

/* Tokens below this similarity are not paired, nor tokens sharing no key (br_name_tokens_keyed). */
#define BR_NAME_PAIR_MIN 0.86

/* Two adjacent tokens of one name pair with one token of the other (a name joined in one
 * spelling and split in the other: WALIJAN / WALI JAN) when their join reaches this (but see
 * br_name_join_min). */
#define BR_NAME_JOIN_MIN 0.97

/* The token two adjacent tokens make written as one: texts and skeletons joined (cut to
 * BR_NAME_TOKEN_BYTES), Arabic when either is, distinctive when either is. */
void br_name_token_join(const BrNameToken *a, const BrNameToken *b, BrNameToken *out);

/* The similarity joined (br_name_token_join) needs to pair with b: BR_NAME_JOIN_MIN, or only
 * BR_NAME_PAIR_MIN when the two differ in vowels only, letter for letter. A particle written on
 * its word keeps its spelling while apart it is brought to one (BENMEKKI / BEN MEKKI -> bin
 * meki): such a join is a vowel variant of the token, as one token's spellings are. */
double br_name_join_min(const BrNameToken *joined, const BrNameToken *b);

/* FALSE when joined cannot reach br_name_join_min against b, decided without Jaro-Winkler:
 * from Arabic script only an equal skeleton can (those compare at 0.97 x Jaro-Winkler of the
 * skeletons); otherwise a bound from the letters the two share. */
gboolean br_name_could_join(const BrNameToken *joined, const BrNameToken *b);

/* Index keys (br_nameindex.h): hashes under which a token is found. Two tokens that share
 * one are "keyed"; br_name_similarity pairs only keyed tokens (or an initial with a word), so
 * an index that reaches a query token's words through its keys knows every pair a score can
 * make, and its bounds are upper bounds of the score. */
/* Tokens this long also have their text less any two letters as keys. */
#define BR_NAME_TWO_EDITS_FROM 8
#define BR_NAME_TWO_EDITS_TO 12
/* A token from Arabic script whose skeleton holds marks (letters Latin writes two ways: ض as d
 * or z, ق as q or g ...) has its skeleton keys for each spelling of its first
 * BR_NAME_SKEL_MARKS_VARIED marks, and compares as the best of them. */
#define BR_NAME_SKEL_MARKS_VARIED 2
#define BR_NAME_SKEL_VARIANTS (1 << BR_NAME_SKEL_MARKS_VARIED)
#define BR_NAME_MAX_KEYS                                                                           \
  (4 + (1 + BR_NAME_SKEL_VARIANTS) * BR_NAME_TOKEN_BYTES +                                         \
   BR_NAME_TWO_EDITS_TO * (BR_NAME_TWO_EDITS_TO - 1) / 2)

/* The key of s (len bytes) under tag ('t' text, 's' skeleton, 'd' deletion form, 'v' a short
 * skeleton with its first letter), without byte skip (G_MAXSIZE: none). Canonical tokens have
 * no doubled letters, so a 'd' form that brings two equal letters together ("mugaragu" less its
 * r) is hashed with them collapsed, as the canonical form of the misspelling ("mugaagu" ->
 * "mugagu") would be. Never 0. */
guint64 br_name_key_hash(char tag, const char *s, gsize len, gsize skip);

/* The keys of two tokens written as one: the text and the skeleton (each spelling of a marked
 * one; a skeleton of one letter with the word's first letter, a vowel as a) only. A join is
 * already a second spelling; typos on top of it would reach too many words for what they find. */
guint br_name_join_keys(const BrNameToken *t, guint64 keys[BR_NAME_MAX_KEYS]);

/* The keys of a token: its canonical text, its skeleton, and the text with any one letter
 * deleted (for tokens of 4 letters or more; a 3-letter token meets the deletions of longer
 * ones: HAM / KHAM). Two tokens of 4 letters or more one edit apart (a letter changed, added,
 * dropped, or two swapped) always share a key. A token from Arabic script, compared on its
 * skeleton, also has its skeleton less any one letter: the script writes some vowels as
 * letters the Latin spelling has no consonant for. Returns how many hashes were written. */
guint br_name_token_keys(const BrNameToken *t, guint64 keys[BR_NAME_MAX_KEYS]);

/* TRUE when a (its join keys when a_joined, else its token keys) and b (its token keys)
 * share a key. */
gboolean br_name_tokens_keyed(const BrNameToken *a, gboolean a_joined, const BrNameToken *b);

/* What a pair of tokens with similarity sim adds to br_name_similarity, as a share of its
 * weight: 1 at sim 1 falling to 0 at sim 0.6. */
double br_name_pair_credit(double sim);

/* Weighted token-set similarity in 0..1, token order ignored: each query token is paired with
 * at most one entry token, greedily by best token similarity (then two adjacent tokens left
 * on either side with one left on the other, br_name_join_min); a pair counts the mean weight
 * of its two tokens times a credit that falls from 1 (sim 1) to 0 (sim 0.6), and the total is
 * divided by the mean of both sides' weight sums (so unpaired tokens on either side lower the
 * score; see br_name_containment for a query contained in the listed name; an initial paired
 * with a word counts the initial's weight on both sides). qw and ew give the weight of each token
 * (NULL: the tokens' base weights). Returns 0 unless some pair joins two distinctive tokens. pairs
 * (room for BR_NAME_MAX_TOKENS) receives the pairs when not NULL. At most BR_NAME_MAX_TOKENS tokens
 * of each side are considered. */
/* A query whose distinctive tokens all pair with tokens of a longer listed name (a middle or
 * last given name dropped) has the listed name's unpaired weight counted times this, from 1
 * (no discount) for queries of little distinctive weight down to 1 - BR_NAME_CONTAINED_DISCOUNT
 * when their distinctive weight reaches BR_NAME_CONTAINED_FROM + 1. A query of one distinctive
 * word is no name and gets none. A name of common names only ("Muhammad Ali" is in thousands
 * of listed names) is the common-name cap's (br_nameindex.h) to hold under the threshold, so
 * the ramp starts at half a distinctive word's weight: a common given name with a surname
 * (HASSAN AWEYS, idf weights 0.35 + 0.57) is discounted. Never above 1, so an index can bound
 * a score by dividing by query weight + this x listed weight. */
#define BR_NAME_CONTAINED_FROM 0.5
#define BR_NAME_CONTAINED_DISCOUNT 0.6
double br_name_containment(const BrNameToken *q, guint nq, const float *qw);

double br_name_similarity(const BrNameToken *q, guint nq, const float *qw, const BrNameToken *e,
                          guint ne, const float *ew, BrNamePair *pairs, guint *npairs);
