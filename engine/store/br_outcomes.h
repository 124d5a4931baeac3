/* Inspection outcomes: importing the results that come back from the ports.
 *
 * Input is a CSV file (RFC 4180, UTF-8, comma-separated) whose header names these columns,
 * in any order, and no others:
 *
 *   unit      the inspection unit as on the lists (container number, or the unit field)
 *   port      where it was inspected (the port code of the lists)
 *   date      inspection date, YYYY-MM-DD
 *   result    no_finding | finding
 *   category  for a finding, one of br_outcome_categories(); empty for no_finding
 *   severity  for a finding, 1 (minor) .. 5 (critical); empty for no_finding
 *   notes     free text, at most 4096 bytes
 *
 * An import is one transaction and is idempotent twice over: a file whose SHA-256 was
 * imported before changes nothing, and an outcome whose (unit, port, date) is already stored
 * with the same content is counted as a duplicate, so overlapping files never double count.
 * Rows that cannot be used are rejected with their line, column and reason (a row repeating
 * a stored (unit, port, date) with a different result is a conflict and rejected too).
 *
 * Each outcome is linked to the latest selection of its unit at its port in a run whose date
 * (as_of) is not after the inspection date; outcomes of units never selected are kept and
 * marked source 'other' (inspections for other reasons), with their unit's entity values
 * when some run saw the unit. */
#pragma once

#include <glib.h>

#include "br_store.h"

#define BR_OUTCOMES_ERROR (br_outcomes_error_quark())
GQuark br_outcomes_error_quark(void);

typedef enum {
  BR_OUTCOMES_ERROR_IO,
  BR_OUTCOMES_ERROR_HEADER,  /* empty file, missing, unknown or repeated columns */
  BR_OUTCOMES_ERROR_CSV,     /* the CSV is broken past recovery (unterminated quote) */
  BR_OUTCOMES_ERROR_CHANGED, /* the file changed while it was being imported */
} BrOutcomesErrorCode;

#define BR_OUTCOMES_NOTES_MAX 4096
/* A fault-injection hook for the crash-safety test: when set to N, the import stops after
 * its Nth inserted row, inside the open transaction, prints "boxrank: paused" to stderr and
 * sleeps until it is killed. */
#define BR_OUTCOMES_PAUSE_ENV "BOXRANK_FAULT_PAUSE_AFTER_ROWS"

/* Finding categories, NULL-terminated. */
const char *const *br_outcome_categories(void);

typedef struct {
  guint64 line; /* line where the row starts */
  char *column; /* the column at fault; "" when the row as a whole is wrong */
  char *reason;
} BrOutcomeReject;

typedef struct {
  gint64 import_id; /* this import, or the earlier one of the same file */
  gboolean already; /* the file was imported before; nothing changed, and only rows and
                     * rejected are set, from that import */
  char *sha256;
  guint64 rows;       /* data rows read */
  guint64 accepted;   /* new outcomes stored */
  guint64 duplicates; /* rows identical to an outcome already stored */
  guint64 rejected;
  guint64 selected;   /* accepted outcomes linked to a selection */
  guint64 other;      /* accepted outcomes for units not selected */
  GPtrArray *rejects; /* BrOutcomeReject*, the first BR_OUTCOMES_REJECTS_KEPT */
} BrOutcomesSummary;

#define BR_OUTCOMES_REJECTS_KEPT 100

/* Imports one file. When reject_path is not NULL every rejected row is written there as CSV:
 * line, column, reason, then the row's original fields. Returns FALSE with error set when the
 * import could not run; the store is then unchanged. */
gboolean br_outcomes_import(BrStore *store, const char *path, const char *reject_path,
                            BrOutcomesSummary *summary, GError **error);
void br_outcomes_summary_clear(BrOutcomesSummary *summary);
