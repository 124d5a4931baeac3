/* The sample manifest: one CSV line per B/L x container, in the column layout of
 * feeds/profiles/sample.ini, with a small share of planted suspicious patterns. */
#pragma once

#include <stdio.h>

#include <glib.h>

#define GEN_ERROR (gen_error_quark())
GQuark gen_error_quark(void);

typedef enum {
  GEN_ERROR_ARGS,
  GEN_ERROR_IO,
} GenErrorCode;

typedef struct {
  guint64 lines; /* data lines to write */
  guint64 seed;
  int start_day; /* first arrival date, days since 1970-01-01 */
  guint days;    /* arrival dates spread over this many days */
  /* Days of one place share their traders: the parties, goods and routes (the world) come
   * from world_seed (0: the seed), and container and B/L numbers continue from serial_base,
   * so files written with one world seed and distinct serial bases never repeat a box. */
  guint64 world_seed;
  guint64 serial_base;
} GenOptions;

/* Writes the manifest to out and, when truth is not NULL, the planted patterns to truth
 * ("Line ID,Container No,B/L No,Pattern", one row per line that carries one). The same
 * options always give the same bytes. */
gboolean gen_manifest_write(const GenOptions *options, FILE *out, const char *out_name, FILE *truth,
                            const char *truth_name, GError **error);

/* Days since 1970-01-01 of a YYYY-MM-DD date; FALSE when it is not a valid date. */
gboolean gen_date_parse(const char *text, int *days);
/* YYYY-MM-DD of a day number; out holds at least 11 bytes. */
void gen_date_format(int days, char *out);
