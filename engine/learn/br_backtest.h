/* Backtests on labelled history: how a pack would have ranked units whose outcome is known.
 *
 * Each unit carries a label (the highest of its lines' label values: > 0 means something was
 * found) and a date (its earliest line). Per period (all, month, week or day), units are ranked
 * by score across all ports, ties broken by the seeded unit hash, and the top k% are the
 * inspection budget: precision@k is the share of positives among them, recall@k the share of
 * the period's positives they catch. Per rule: units it fired on (for a track-record rule,
 * units whose score it raised), positives among them, precision, and lift over the base rate. */
#pragma once

#include <glib.h>

#include "br_rank.h"
#include "br_rules.h"

typedef enum { BR_PERIOD_ALL, BR_PERIOD_MONTH, BR_PERIOD_WEEK, BR_PERIOD_DAY } BrPeriod;

gboolean br_period_parse(const char *text, BrPeriod *out);
/* The history cut (BrHistoryCut) that lets each period see only the periods before it; a
 * backtest over all periods at once cuts per day. */
int br_period_history_cut(BrPeriod period);
/* The name of the period holding day: "all", "2021-01", "2021-W02", "2021-01-05", "undated". */
char *br_period_name(BrPeriod period, gint32 day);
/* "1,2,5,10": inspection budgets in percent, each in (0, 100], appended to ks (double). */
gboolean br_backtest_parse_ks(const char *text, GArray *ks);

typedef struct {
  double k;        /* percent of units inspected */
  guint inspected; /* ceil(k% of units) */
  guint hits;
  double precision;
  double recall;
} BrAtK;

/* Precision and recall at each k of units sorted here into rank order (tiebreak must be set);
 * *positives is set to how many have a positive label. Free with g_free. */
BrAtK *br_backtest_at_k(GPtrArray *units, const double *ks, guint nk, guint *positives);

typedef struct {
  char *name; /* "all", "2021-01", "2021-W02", "2021-01-05"; "undated" for units with no date */
  guint units;
  guint positives;
  BrAtK *at;         /* one per k */
  GPtrArray *ranked; /* BrUnit*, owned by the unit table, in rank order */
} BrBacktestPeriod;

typedef struct {
  guint nk;
  double *ks;
  guint units, positives;
  GPtrArray *periods; /* BrBacktestPeriod*, in time order */
  guint nrules;
  guint *rule_fires; /* units the rule fired on */
  guint *rule_hits;  /* positives among them */
} BrBacktest;

/* The backtest refers to the table's units: the table must outlive it. */
BrBacktest *br_backtest_run(BrUnitTable *units, const BrPack *pack, BrPeriod period,
                            const double *ks, guint nk, guint64 seed);
void br_backtest_free(BrBacktest *bt);
void br_backtest_text(GString *out, const BrBacktest *bt, const BrPack *pack);
void br_backtest_json(GString *out, const BrBacktest *bt, const BrPack *pack);
