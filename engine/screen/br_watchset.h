/* The watchlists a run screens against: lists loaded from the store, one name index over all
 * of them, and the exceptions in force on the run's date.
 *
 * This is the C API the rule hooks call (docs/watchlists.md): a declarative
 * on_watchlist(field, "LIST", min_score) compiles to br_watch_set_list_mask() once and
 * br_watchlist_screen() per line; Lua's br.watchlist(text, "LIST", min_score) does the same.
 * The set is immutable once loaded and may be screened from many threads, each with its own
 * BrNameScratch (br_name_scratch_new(br_watch_set_index(set))). */
#pragma once

#include <glib.h>

#include "br_corroborate.h"
#include "br_nameindex.h"
#include "br_store.h"
#include "br_watchlist.h"

typedef struct BrWatchSet BrWatchSet;

/* Loads the named lists (NULL-terminated; NULL or empty: every stored list) and the exceptions
 * in force on as_of (YYYY-MM-DD; NULL: today, UTC). Names of kinds in name_kinds are indexed
 * (0: every kind that has names). */
BrWatchSet *br_watch_set_load(BrStore *store, const char *const *lists, const char *as_of,
                              guint32 name_kinds, GError **error);
/* A set of lists held in memory (e.g. the lists a rule test states), taking lists
 * (BrWatchlist*, with a free function); no exceptions. */
BrWatchSet *br_watch_set_new(GPtrArray *lists, guint32 name_kinds);
void br_watch_set_free(BrWatchSet *set);

const BrNameIndex *br_watch_set_index(const BrWatchSet *set);
guint br_watch_set_nlists(const BrWatchSet *set);
const BrWatchlist *br_watch_set_list(const BrWatchSet *set, guint i);
guint br_watch_set_nexceptions(const BrWatchSet *set);
/* Bit of a list for the lists masks below (1 << its position), 0 when not loaded. */
guint64 br_watch_set_list_mask(const BrWatchSet *set, const char *name);

#define BR_WATCH_HIT_TOKENS 192

typedef struct {
  const char *list;       /* list name */
  const char *entry_ref;  /* the entry's ref (id in the source) */
  const char *entry_name; /* its primary name */
  const char *matched;    /* the listed name that matched: primary or an alias */
  BrWatchKind kind;
  BrNameQuality quality; /* of the name that matched */
  double score;          /* the final score: name score, capped, then corroborated */
  double name_score;                /* the name score before the common-name cap */
  gboolean common;                  /* capped: the match rests on common names only */
  gboolean excepted;                /* an exception says this party is not this entry */
  guint entry;                      /* index into the list's entries */
  char tokens[BR_WATCH_HIT_TOKENS]; /* matched tokens: "query=entry" pairs, ", " between */
  BrCorroboration corroboration;    /* .any: the party's fields were compared; .name: the
                                       score before */
} BrWatchHit;

/* Screens text against the lists in lists (bits from br_watch_set_list_mask; 0: all) and
 * writes up to max hits scoring at least threshold into out, best first; hits under an
 * exception are written (marked excepted) only when with_excepted. Returns how many. */
guint br_watch_set_match(const BrWatchSet *set, BrNameScratch *scratch, const char *text,
                         gssize len, guint64 lists, double threshold, gboolean with_excepted,
                         BrWatchHit *out, guint max);

/* br_watch_set_match with what the manifest says of the party (NULL: nothing): each hit's
 * score is corroborated (br_corroborate.h), hits are kept at threshold on their final score
 * and ordered by it. */
guint br_watch_set_match_party(const BrWatchSet *set, BrNameScratch *scratch, const char *text,
                               gssize len, const BrWatchParty *party, guint64 lists,
                               double threshold, gboolean with_excepted, BrWatchHit *out,
                               guint max);

/* The rule hook: TRUE and the best hit not under an exception when text matches an entry of
 * lists at min_score or more (on the name alone; br_watch_set_match_party with max 1 adds the
 * party's other fields). */
gboolean br_watchlist_screen(const BrWatchSet *set, BrNameScratch *scratch, const char *text,
                             gssize len, guint64 lists, double min_score, BrWatchHit *hit);

/* "name 0.90; country DE, listed IQ -0.10; final 0.80": the parts of a hit's score. */
void br_watch_hit_describe(const BrWatchHit *hit, GString *out);

/* Exact-value kinds (country, port, container, vessel IMO, HS prefix, description keyword):
 * TRUE and the entry when text (a line's value) is listed in one of lists (0: all). Values
 * compare in upper case without spaces, HS codes and IMO numbers by their digits; an HS entry
 * matches every code it is a prefix of; a keyword matches as a whole word anywhere in text. */
gboolean br_watch_set_lookup(const BrWatchSet *set, BrWatchKind kind, const char *text, gssize len,
                             guint64 lists, BrWatchHit *hit);
