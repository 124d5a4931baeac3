/* The hit-rate report: what the inspections of a period found, per rule, port, lane and
 * month, and whether targeting beats chance.
 *
 * Counted are outcomes dated within [from, to] (and at the port, when given):
 *   targeted  outcomes of units selected by rank
 *   random    outcomes of units drawn at random: the control sample, the honest baseline
 *   other     outcomes of units no run selected (inspections for other reasons); they have
 *             no lane and no rules, so they appear only in the port and month rows
 * A rule's rows count the inspected selections on which that rule fired.
 *
 * hit rate  findings / inspections, with a Wilson score 95% interval
 * lift      targeted hit rate / random hit rate, with the 95% interval of the log ratio
 *           (Katz); absent when either side has no findings
 * severity  sum of the severities (1..5) of the findings, and that sum per inspection
 * fires     lines a rule fired on in runs dated within the period (all lines of all ports,
 *           selected or not, also with --port); a rule that never fired is listed, as is one
 *           that fired but whose inspected selections never found anything.
 *
 * Formats: one self-contained HTML page (inline CSS and SVG charts, no scripts, every text
 * from the data escaped), CSV (one row per group, text cells guarded against formula
 * injection) or JSON (RFC 8259). */
#pragma once

#include <glib.h>

#include "br_store.h"

typedef enum {
  BR_REPORT_OVERALL = 0,
  BR_REPORT_PORT,
  BR_REPORT_MONTH,
  BR_REPORT_PORT_MONTH,
  BR_REPORT_LANE,
  BR_REPORT_PORT_LANE,
  BR_REPORT_RULE,
  BR_REPORT_RULE_PORT,
  BR_REPORT_RULE_LANE,
  BR_REPORT_RULE_MONTH,
  BR_REPORT_NDIMS
} BrReportDim;

typedef enum { BR_REPORT_HTML, BR_REPORT_CSV, BR_REPORT_JSON } BrReportFormat;

typedef struct {
  guint64 inspections;
  guint64 hits;
  guint64 severity; /* sum over findings */
} BrReportCount;

typedef struct {
  BrReportDim dim;
  const char *rule; /* NULL when the dimension has none */
  const char *port;
  const char *lane;
  const char *month; /* YYYY-MM */
  BrReportCount targeted, random, other;
  BrReportCount explore; /* exploration picks: apart, neither targeted nor the control sample */
} BrReportRow;

/* SWITCHED_OFF: it never fired, and some run of the period switched it off (the breaker, or
 * a field an input lacked), so it did not look at every line: not the same as NEVER_FIRED. */
typedef enum {
  BR_RULE_OK,
  BR_RULE_NEVER_FIRED,
  BR_RULE_NEVER_HIT,
  BR_RULE_SWITCHED_OFF
} BrRuleStatus;

typedef struct {
  const char *id;
  const char *title; /* from the latest run that had the rule */
  guint64 fires;
  gboolean fires_known; /* some run in the period counted its fires */
  guint runs;           /* runs in the period that had the rule */
  guint runs_off;       /* of those, runs that switched it off (run_rules.off) */
  BrRuleStatus status;
} BrReportRule;

typedef struct BrReport BrReport;

/* from and to are YYYY-MM-DD, inclusive; port may be NULL (all ports). */
BrReport *br_report_build(BrStore *store, const char *from, const char *to, const char *port,
                          GError **error);
void br_report_free(BrReport *report);

const char *br_report_dim_name(BrReportDim dim);
gboolean br_report_format_parse(const char *text, BrReportFormat *format);

/* Rows in output order: by dimension, then rule, port, lane (red, yellow, green), month. */
guint br_report_row_count(const BrReport *report);
const BrReportRow *br_report_row(const BrReport *report, guint i);
/* The row of a dimension with these key values (NULL for keys it does not have). */
const BrReportRow *br_report_find(const BrReport *report, BrReportDim dim, const char *rule,
                                  const char *port, const char *lane, const char *month);
/* Rules known in the period (from its runs or its inspected selections), by id. */
guint br_report_rule_count(const BrReport *report);
const BrReportRule *br_report_rule(const BrReport *report, guint i);

/* Targeted plus random. */
BrReportCount br_report_selected(const BrReportRow *row);
/* Wilson score interval at 95%; [0, 1] when n is 0. */
void br_report_wilson(guint64 hits, guint64 n, double *low, double *high);
/* Lift of targeted over random with its 95% interval; FALSE when it cannot be estimated. */
gboolean br_report_lift(const BrReportRow *row, double *lift, double *low, double *high);

void br_report_write(const BrReport *report, BrReportFormat format, GString *out);
