/* boxrank-gen outcomes: plausible inspection results for the units of a generated manifest,
 * so the shipped samples can show the whole loop (rank, outcomes import, report). */
#pragma once

#include <glib.h>
#include <stdio.h>

typedef struct {
  const char *manifest; /* a manifest written by boxrank-gen manifest */
  const char *truth;    /* its --truth file: which units carry a planted pattern */
  const char *lists;    /* optional: a boxrank rank output folder; every listed unit is inspected */
  guint64 seed;
  gint32 first_day;     /* days since 1970-01-01 of the earliest inspection */
} GenOutcomesOptions;

gboolean gen_outcomes_write(const GenOutcomesOptions *opt, FILE *out, GError **error);
