/* Rule mining: candidate rules proposed from labelled history for a rule author to review.
 *
 * Items are what a declarative condition can say about a line: a text field equals a value,
 * hs_code starts with a 2/4/6-digit prefix, a number (or value per kg) falls in a decile bin
 * of the fit period. Single items and pairs of items of different fields are counted on the
 * fit period; a candidate is kept when the lower end of its hit rate's Wilson interval beats
 * the base rate (a pair must also beat both of its items' rates), and then only if it holds up
 * on the held-out period (at least 10 units there, hit rate at least 1.25 times the held-out
 * base rate). Mining counts roll-up units, as tune and backtest do: a unit counts for a
 * candidate when one of its lines matches it (a pair: both items on one line), and found
 * something when any of its lines did; it belongs to the period of its first line. */
#pragma once

#include <glib.h>

#include "br_feed.h"

#define BR_MINE_ERROR (br_mine_error_quark())
GQuark br_mine_error_quark(void);

typedef enum {
  BR_MINE_ERROR_INPUT, /* no label column, a bad holdout date, nothing to learn from */
} BrMineErrorCode;

typedef struct {
  char *id;
  char *title;
  char *when;    /* a declarative condition, as Lua */
  char *fires;   /* a fixture line (Lua table) the rule fires on, from the fit period */
  char *silent;  /* one it does not fire on */
  double weight; /* log-odds of the shrunk fit hit rate over the fit base rate */
  guint fit_units, fit_hits;
  guint hold_units, hold_hits;
  double fit_lift, hold_lift;
} BrMinedRule;

typedef struct {
  guint fit_units, fit_hits, hold_units, hold_hits;
  char holdout_from[11]; /* YYYY-MM-DD */
  guint candidates;      /* counted items and pairs with enough support */
  GPtrArray *rules;      /* BrMinedRule*, best first */
} BrMineResult;

typedef struct {
  const char *label_field;
  const char *holdout_from;  /* YYYY-MM-DD; NULL: the last 20% of the date range */
  guint min_support;         /* units on the fit period; 0: 30 */
  guint max_rules;           /* 0: 20 */
  const char *date_field;    /* NULL: arrival_date */
  const char *const *ignore; /* NULL-terminated fields not to mine (other outcome columns) */
  const char *unit_field;    /* the field naming a line's unit (NULL: each line alone) */
  const char *unit_fallback; /* used when unit_field is missing on a line; NULL: none */
} BrMineOptions;

/* Reads path twice: once to count, once to pick fixture lines for the rules chosen. */
BrMineResult *br_mine_run(const char *path, const BrProfile *profile, const BrMineOptions *options,
                          GError **error);
void br_mine_result_free(BrMineResult *result);
/* The rules as a rule file a pack can hold as it is. */
char *br_mine_lua(const BrMineResult *result, const char *source);
