/* Per-entity track records learned from inspection outcomes.
 *
 * For each entity key (br_entities.h: importer_id, consignee_name, shipper_name, declarant_id,
 * hs6, origin_country, route ...) and value, a history counts the inspections of units that
 * carried the value and the findings among them, over outcomes dated strictly before a
 * cut-off, so a run or a backtest at date t never sees what was found on or after t.
 *
 * The raw rate hits/inspections of a party inspected twice means little, so the rate given is
 * shrunk toward the global rate g (findings / inspections over all outcomes before the same
 * cut-off, whatever the unit) by a Beta prior worth m inspections:
 *
 *     rate = (hits + m * g) / (inspections + m)          m = BR_HISTORY_PRIOR_STRENGTH = 10
 *
 * i.e. the posterior mean under Beta(m*g, m*(1-g)). A party never inspected gets g; after
 * m inspections its own record weighs as much as the prior.
 *
 * A loaded history is an immutable in-memory snapshot: lookups neither lock nor allocate, so
 * every scoring thread can share one. */
#pragma once

#include <glib.h>

#include "br_entities.h"
#include "br_norms.h"
#include "br_store.h"

#define BR_HISTORY_PRIOR_STRENGTH 10.0

typedef struct BrHistory BrHistory;

/* Loads the outcomes dated strictly before `before` (YYYY-MM-DD; NULL: all of them) for the
 * keys, which must outlive the history. m <= 0 selects BR_HISTORY_PRIOR_STRENGTH. */
BrHistory *br_history_load(BrStore *store, const BrEntityKeys *keys, const char *before, double m,
                           GError **error);
/* One outcome as history counts it: key < 0 counts toward the global rate only; key >= 0 is
 * a (normalised) entity value of the inspected unit. */
typedef struct {
  int key;
  const char *value;
  gint32 day;
  gboolean hit;
} BrHistoryOutcome;

/* A history built from outcomes in memory, e.g. the history a rule test states. */
BrHistory *br_history_new_from_outcomes(const BrEntityKeys *keys, double m,
                                        const BrHistoryOutcome *outcomes, guint n);
void br_history_free(BrHistory *history);
/* Gives the history value norms (br_norms.h) over its keys, which it then owns; NULL drops
 * them. Norms come from declarations, not outcomes: a history from the store has none. */
void br_history_set_norms(BrHistory *history, BrNorms *norms);
const BrNorms *br_history_norms(const BrHistory *history); /* NULL when it has none */
const BrEntityKeys *br_history_keys(const BrHistory *history);
double br_history_prior_strength(const BrHistory *history);
/* All outcomes of the snapshot, whether or not their unit's entities are known. */
guint64 br_history_inspections(const BrHistory *history);
guint64 br_history_hits(const BrHistory *history);
double br_history_global_rate(const BrHistory *history);

/* Track record of a normalised value (br_entity_keys_value / br_entity_keys_normalize) of key
 * k over the whole snapshot. Returns FALSE when the value has none: counts 0 and the rate is
 * the global rate. Any out pointer may be NULL. */
gboolean br_history_lookup(const BrHistory *history, guint k, const char *value, guint *inspections,
                           guint *hits, double *rate);
/* The same counting only outcomes dated strictly before day (days since 1970-01-01), with the
 * global rate also taken before day: what a backtest scoring a line of that day may know. */
gboolean br_history_lookup_at(const BrHistory *history, guint k, const char *value, gint32 day,
                              guint *inspections, guint *hits, double *rate);
/* Where a scorer cuts the snapshot for a line dated day: nowhere (the whole snapshot, as a
 * run dated after all of it), or strictly before the line's day, or before the first day of
 * its ISO week (Monday) or month: a backtest that replays history period by period. */
typedef enum {
  BR_HISTORY_CUT_NONE,
  BR_HISTORY_CUT_DAY,
  BR_HISTORY_CUT_WEEK,
  BR_HISTORY_CUT_MONTH,
} BrHistoryCut;
#define BR_HISTORY_NO_CUT G_MAXINT32
/* The first day a line dated day may not see, BR_HISTORY_NO_CUT for BR_HISTORY_CUT_NONE. */
gint32 br_history_cut_day(BrHistoryCut cut, gint32 day);
/* br_history_lookup, or br_history_lookup_at(cut_day) unless cut_day is BR_HISTORY_NO_CUT. */
gboolean br_history_lookup_cut(const BrHistory *history, guint k, const char *value, gint32 cut_day,
                               guint *inspections, guint *hits, double *rate);
/* The global rate seen before cut_day (BR_HISTORY_NO_CUT: the whole snapshot's). */
double br_history_global_rate_cut(const BrHistory *history, gint32 cut_day);
/* The shrunk rate formula above. */
double br_history_shrink(guint inspections, guint hits, double global_rate, double m);
