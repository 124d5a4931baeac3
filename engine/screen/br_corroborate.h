/* Corroboration beyond the name: what a manifest says of a party (its country, date of birth,
 * identity number; a vessel's IMO number) against what a list says of the entry its name
 * matched (BrWatchFact), applied after the name score (docs/watchlists.md, "Corroboration").
 *
 * The combination is monotone: the final score never falls when the name score rises or a
 * field moves from conflicting to absent to agreeing, and a party without any of the fields,
 * or an entry without any facts, keeps its name score exactly.
 *
 *   final = clamp(name + country + birth, 0, 1), or 1 when an identity number agrees and the
 *   name score before the common-name cap is at least BR_CORROB_ID_FLOOR
 *
 * name is the name score after the common-name cap, so a common name needs corroboration to
 * reach the threshold, and a name that only corroboration could lift is looked for at the
 * threshold less what the party's fields could add (br_corroborate_floor). The sizes are set
 * against the cap (0.80) and the threshold (0.85): a country or a year of birth alone is less
 * than their gap, both together or the day of birth more. */
#pragma once

#include <glib.h>

#include "br_watchlist.h"

#define BR_CORROB_COUNTRY_AGREE 0.03
#define BR_CORROB_COUNTRY_CONFLICT (-0.10)
#define BR_CORROB_BIRTH_DAY_AGREE 0.10
#define BR_CORROB_BIRTH_YEAR_AGREE 0.04
#define BR_CORROB_BIRTH_CONFLICT (-0.15)
#define BR_CORROB_IMO_CONFLICT (-0.20)
#define BR_CORROB_ID_FLOOR 0.60

/* What a manifest says of a party besides its name; any may be NULL or empty. */
typedef struct {
  const char *country; /* ISO 3166 alpha-2 or a country's name */
  gsize country_len;
  const char *birth_date; /* YYYY-MM-DD, YYYY, or as lists write dates ("02 Mar 1961") */
  gsize birth_date_len;
  const char *id; /* identity or registration number; for a vessel its IMO number */
  gsize id_len;
} BrWatchParty;

typedef enum {
  BR_CORROB_ABSENT = 0, /* the party or the entry lacks the field: no change */
  BR_CORROB_AGREES,
  BR_CORROB_AGREES_YEAR, /* birth: the year agrees, the day is not known on one side */
  BR_CORROB_CONFLICTS,
} BrCorrobState;

typedef struct {
  gboolean any; /* the party had a field to compare */
  double name;  /* the score before corroboration */
  BrCorrobState country, birth, id;
  double country_adj, birth_adj;
  char party_country[3];
  char listed_country[3]; /* the first listed country, when they conflict */
  char party_birth[16];
  char listed_birth[16]; /* the listed date that agrees, or the first one when they conflict */
  char listed_id[32];    /* the listed number that agrees or the IMO number that conflicts */
} BrCorroboration;

/* TRUE when the party has a field corroboration can use. */
gboolean br_watch_party_any(const BrWatchParty *party);

/* The lowest name score looked for: what the party's date of birth (and then its country) could
 * lift to threshold, or BR_CORROB_ID_FLOOR with an id. A country alone corroborates the names
 * found at the threshold and does not widen the search. */
double br_corroborate_floor(const BrWatchParty *party, double threshold);

/* Compares party with entry of wl (its facts grouped) and returns the final score of a name
 * match scoring score (after the common-name cap; raw: before it), filling out. */
double br_corroborate(const BrWatchParty *party, const BrWatchlist *wl, guint entry, double score,
                      double raw, BrCorroboration *out);

/* "country DE, listed IQ -0.10; born 1961-03-02 as listed +0.10; id P229856 as listed:
 * confirmed" : the parts of a corroboration, for reasons and `watchlist match`. Appends
 * nothing when no field compared. */
void br_corroboration_describe(const BrCorroboration *c, GString *out);
