#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_csv_write.h"
#include "br_feed.h"
#include "test_tmpdir.h"

static char *tmpdir;

static char *
write_tmp(const char *name, const char *data, gssize len)
{
  char *path = g_build_filename(tmpdir, name, NULL);
  GError *error = NULL;
  g_file_set_contents(path, data, len, &error);
  g_assert_no_error(error);
  return path;
}

/* Reads every accepted record as rows of strings ("" for missing). */
static GPtrArray *
read_all(BrFeed *feed, guint batch_size)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  const BrSchema *schema = br_feed_schema(feed);
  BrBatch *b = br_batch_new(schema, batch_size);
  GError *error = NULL;
  gint n;
  while ((n = br_feed_next_batch(feed, b, &error)) > 0) {
    for (guint i = 0; i < b->count; i++) {
      char **row = g_new0(char *, b->nfields + 1);
      for (guint k = 0; k < b->nfields; k++)
        row[k] = g_strdup(br_batch_record(b, i)[k].str);
      g_ptr_array_add(rows, row);
    }
  }
  g_assert_no_error(error);
  g_assert_cmpint(n, ==, 0);
  br_batch_free(b);
  return rows;
}

static const char *profile_text =
  "[profile]\nname = t\nmax_field_bytes = 64\n"
  "[columns]\ncontainer = Container No\ndeclared_kg = Gross\narrival_date = ETA\n"
  "packages = Pkgs\n"
  "[types]\nRemarks = string\n";

static BrProfile *
test_profile(void)
{
  char *path = write_tmp("t.ini", profile_text, -1);
  GError *error = NULL;
  BrProfile *p = br_profile_load(path, &error);
  g_assert_no_error(error);
  g_free(path);
  return p;
}

static void
test_types_and_rejects(void)
{
  BrProfile *profile = test_profile();
  const char *data =
    "\xEF\xBB\xBF" "Container No,Gross,ETA,Pkgs,Remarks\r\n"
    "MSCU1,1200.5,2026-11-20,3,ok\r\n"                  /* line 2: fine */
    "MSCU2,1 200,2026-11-20,3,x\r\n"                     /* 3: bad decimal */
    "MSCU3,100,2026-02-30,3,x\r\n"                       /* 4: bad date */
    "MSCU4,100,2026-11-20,3\r\n"                         /* 5: too few fields */
    "\r\n"                                               /* 6: blank, skipped */
    "MSCU5,,,,\"multi\r\nline\"\r\n"                     /* 7-8: fine, empties missing */
    "MSCU6,100,2026-11-20,three,x\r\n"                   /* 9: bad integer */
    "MSCU7,100,2026-11-20,3,\xc3\x28\r\n"                /* 10: invalid UTF-8 */
    "MSCU8,1e3,2026-11-20,3,0123456789012345678901234567890123456789012345678901234567890123456789\r\n" /* 11: too long */
    "MSCU9,nan,2026-11-20,3,x\r\n"                       /* 12: not a number */
    "MSCU10,-5,2026-11-21,3,last";                       /* 13: fine, no final newline */
  char *csv = write_tmp("types.csv", data, -1);
  char *rej = g_build_filename(tmpdir, "rejects.csv", NULL);
  BrFeedOptions opts = {.reject_path = rej};
  GError *error = NULL;
  BrFeed *feed = br_feed_open(csv, profile, &opts, &error);
  g_assert_no_error(error);
  const BrSchema *schema = br_feed_schema(feed);
  g_assert_cmpstr(br_schema_field(schema, 0)->name, ==, "container");
  g_assert_cmpint(br_schema_field(schema, 1)->type, ==, BR_TYPE_DECIMAL);
  g_assert_cmpint(br_schema_field(schema, 3)->type, ==, BR_TYPE_INT);
  g_assert_cmpstr(br_schema_field(schema, 4)->name, ==, "Remarks");

  BrBatch *b = br_batch_new(schema, 2);
  GPtrArray *lines = g_ptr_array_new();
  gint n;
  double first_kg = 0, first_date = 0;
  gboolean saw_missing = FALSE;
  while ((n = br_feed_next_batch(feed, b, &error)) > 0) {
    for (guint i = 0; i < b->count; i++) {
      const BrValue *rec = br_batch_record(b, i);
      g_ptr_array_add(lines, GUINT_TO_POINTER((guint)b->line_no[i]));
      if (strcmp(rec[0].str, "MSCU1") == 0) {
        first_kg = rec[1].num;
        first_date = rec[2].num;
        g_assert_cmpstr(rec[2].str, ==, "2026-11-20");
      }
      if (strcmp(rec[0].str, "MSCU5") == 0) {
        saw_missing = rec[1].missing && rec[2].missing && rec[3].missing;
        g_assert_cmpstr(rec[4].str, ==, "multi\r\nline");
      }
    }
  }
  g_assert_no_error(error);
  g_assert_cmpfloat(first_kg, ==, 1200.5);
  g_assert_cmpfloat(first_date, ==, 20777); /* days from 1970-01-01 to 2026-11-20 */
  g_assert_true(saw_missing);
  g_assert_cmpuint(lines->len, ==, 3);
  g_assert_cmpuint(GPOINTER_TO_UINT(lines->pdata[0]), ==, 2);
  g_assert_cmpuint(GPOINTER_TO_UINT(lines->pdata[1]), ==, 7);
  g_assert_cmpuint(GPOINTER_TO_UINT(lines->pdata[2]), ==, 13);
  g_assert_cmpuint(br_feed_rows_read(feed), ==, 10);
  g_assert_cmpuint(br_feed_rows_rejected(feed), ==, 7);
  br_feed_close(feed);

  char *rejects;
  g_assert_true(g_file_get_contents(rej, &rejects, NULL, NULL));
  g_assert_true(g_str_has_prefix(rejects, "line,column,reason,Container No,Gross,ETA,Pkgs,Remarks\n"));
  g_assert_nonnull(strstr(rejects, "\n3,Gross,\"not a decimal number: \"\"1 200\"\" (no thousands "
                                   "separators or decimal commas: write digits and a decimal "
                                   "point)\",MSCU2,1 200,"));
  g_assert_nonnull(strstr(rejects, "\n4,ETA,"));
  g_assert_nonnull(strstr(rejects, "\n5,Remarks,\"expected 5 fields, found 4\",MSCU4"));
  g_assert_nonnull(strstr(rejects, "\n9,Pkgs,"));
  g_assert_nonnull(strstr(rejects, "\n10,Remarks,invalid UTF-8"));
  g_assert_nonnull(strstr(rejects, "\n11,Remarks,\"field is 70 bytes, over the limit of 64\""));
  g_assert_nonnull(strstr(rejects, "\n12,Gross,"));
  g_free(rejects);
  g_ptr_array_free(lines, TRUE);
  br_batch_free(b);
  br_profile_free(profile);
  g_free(csv);
  g_free(rej);
}

static void
test_header_errors(void)
{
  BrProfile *profile = test_profile();
  GError *error = NULL;
  char *empty = write_tmp("empty.csv", "", 0);
  g_assert_null(br_feed_open(empty, profile, NULL, &error));
  g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER);
  g_assert_nonnull(strstr(error->message, "empty"));
  g_clear_error(&error);

  char *missing = write_tmp("missing.csv", "Container No,Gross,ETA\n", -1);
  g_assert_null(br_feed_open(missing, profile, NULL, &error));
  g_assert_nonnull(strstr(error->message, "Pkgs"));
  g_clear_error(&error);

  BrProfile *identity = br_profile_new_identity();
  char *dup = write_tmp("dup.csv", "a,b,a\n1,2,3\n", -1);
  g_assert_null(br_feed_open(dup, identity, NULL, &error));
  g_assert_nonnull(strstr(error->message, "columns 1 and 3"));
  g_clear_error(&error);

  char *header = write_tmp("header.csv", "container,declared_kg\n", -1);
  BrFeed *feed = br_feed_open(header, identity, NULL, &error);
  g_assert_no_error(error);
  /* The identity profile types canonical names. */
  g_assert_cmpint(br_schema_field(br_feed_schema(feed), 1)->type, ==, BR_TYPE_DECIMAL);
  GPtrArray *rows = read_all(feed, 4);
  g_assert_cmpuint(rows->len, ==, 0);
  g_ptr_array_free(rows, TRUE);
  br_feed_close(feed);

  char *runaway = g_strdup_printf("%s/runaway.csv", tmpdir);
  FILE *fp = fopen(runaway, "w");
  fputs("a,b\n1,\"never closed\n", fp);
  for (int i = 0; i < 400000; i++)
    fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", fp);
  fclose(fp);
  feed = br_feed_open(runaway, identity, NULL, &error);
  g_assert_no_error(error);
  BrBatch *b = br_batch_new(br_feed_schema(feed), 4);
  g_assert_cmpint(br_feed_next_batch(feed, b, &error), ==, -1);
  g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_CSV);
  g_assert_nonnull(strstr(error->message, "line 2"));
  g_clear_error(&error);
  br_batch_free(b);
  br_feed_close(feed);

  g_free(runaway);
  g_free(header);
  g_free(dup);
  g_free(missing);
  g_free(empty);
  br_profile_free(identity);
  br_profile_free(profile);
}

static void
test_kcs_profile(void)
{
  const char *shared = g_getenv("BR_SHARED_DATA");
  const char *src = g_getenv("BR_SOURCE_DIR");
  char *csv = g_build_filename(shared, "kcs", "train.csv", NULL);
  char *ini = g_build_filename(src, "feeds", "profiles", "kcs.ini", NULL);
  GError *error = NULL;
  BrProfile *profile = br_profile_load(ini, &error);
  g_assert_no_error(error);
  BrFeed *feed = br_feed_open(csv, profile, NULL, &error);
  g_assert_no_error(error);
  int fraud = br_schema_find(br_feed_schema(feed), "Fraud");
  g_assert_cmpint(fraud, >=, 0);
  BrBatch *b = br_batch_new(br_feed_schema(feed), 4096);
  guint64 n = 0, frauds = 0;
  while (br_feed_next_batch(feed, b, &error) > 0)
    for (guint i = 0; i < b->count; i++, n++)
      frauds += br_batch_record(b, i)[fraud].num > 0;
  g_assert_no_error(error);
  g_assert_cmpuint(n, ==, 37385);
  g_assert_cmpuint(br_feed_rows_rejected(feed), ==, 0);
  /* About 21% of declarations are frauds (kcs/README.md). */
  g_assert_cmpfloat((double)frauds / n, >, 0.18);
  g_assert_cmpfloat((double)frauds / n, <, 0.24);
  br_batch_free(b);
  br_feed_close(feed);
  br_profile_free(profile);
  g_free(csv);
  g_free(ini);
}

/* The decimal fast path must give exactly what strtod gives, and dates the right day. */
static void
test_numbers_and_dates(void)
{
  static const char *nums[] = {"0.1", "12345.678", "-0.5", "+7", "1.", ".25", "999999999999999",
                               "0.30000000000000004", "1e3", "123456789.123456789", "0007.50",
                               "-1234567.891"};
  GString *csv = g_string_new("declared_kg,arrival_date\n");
  static const char *dates[] = {"1970-01-01", "2000-02-29", "2026-11-20", "1900-03-01"};
  static const double days[] = {0, 11016, 20777, -25508};
  for (guint i = 0; i < G_N_ELEMENTS(nums); i++)
    g_string_append_printf(csv, "%s,%s\n", nums[i], dates[i % G_N_ELEMENTS(dates)]);
  char *path = write_tmp("numbers.csv", csv->str, -1);
  BrProfile *identity = br_profile_new_identity();
  GError *error = NULL;
  BrFeed *feed = br_feed_open(path, identity, NULL, &error);
  g_assert_no_error(error);
  BrBatch *b = br_batch_new(br_feed_schema(feed), 64);
  g_assert_cmpint(br_feed_next_batch(feed, b, &error), ==, (gint)G_N_ELEMENTS(nums));
  for (guint i = 0; i < b->count; i++) {
    const BrValue *rec = br_batch_record(b, i);
    g_assert_cmpfloat(rec[0].num, ==, g_ascii_strtod(nums[i], NULL));
    g_assert_cmpfloat(rec[1].num, ==, days[i % G_N_ELEMENTS(dates)]);
    g_assert_cmpstr(rec[1].str, ==, dates[i % G_N_ELEMENTS(dates)]);
  }
  br_batch_free(b);
  br_feed_close(feed);
  br_profile_free(identity);
  g_string_free(csv, TRUE);
  g_free(path);
}

static void
test_csv_write(void)
{
  GString *s = g_string_new(NULL);
  br_csv_write_field(s, "plain", 5);
  g_string_append_c(s, '|');
  br_csv_write_field(s, "a,b", 3);
  g_string_append_c(s, '|');
  br_csv_write_field(s, "say \"hi\"", 8);
  g_string_append_c(s, '|');
  br_csv_write_field(s, "=1+2", 4);
  g_string_append_c(s, '|');
  br_csv_write_field(s, "@SUM(A1)", 8);
  g_string_append_c(s, '|');
  br_csv_write_field(s, "-3", 2);
  g_string_append_c(s, '|');
  br_csv_write_field(s, "", 0);
  g_assert_cmpstr(s->str, ==,
                  "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"'=1+2\"|\"'@SUM(A1)\"|\"'-3\"|");
  g_string_free(s, TRUE);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  tmpdir = g_dir_make_tmp("br-feed-XXXXXX", &error);
  g_assert_no_error(error);
  g_test_add_func("/feed/types-and-rejects", test_types_and_rejects);
  g_test_add_func("/feed/header-errors", test_header_errors);
  g_test_add_func("/feed/kcs-profile", test_kcs_profile);
  g_test_add_func("/feed/csv-write", test_csv_write);
  g_test_add_func("/feed/numbers-and-dates", test_numbers_and_dates);
  return br_test_run_in(tmpdir);
}
