/* memmem */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_csv_write.h"
#include "br_feed.h"
#include "feed_fixture.h"
#include "test_tmpdir.h"

static char *tmpdir;

static const char *profile_text =
    "[profile]\nname = t\nmax_field_bytes = 64\n"
    "[columns]\ncontainer = Container No\ndeclared_kg = Gross\narrival_date = ETA\n"
    "packages = Pkgs\n"
    "[types]\nRemarks = string\n";

static BrProfile *
test_profile(void)
{
  return br_test_profile(tmpdir, "t.ini", profile_text);
}

static void
test_types_and_rejects(void)
{
  BrProfile *profile = test_profile();
  const char *data =
      "\xEF\xBB\xBF"
      "Container No,Gross,ETA,Pkgs,Remarks\r\n"
      "MSCU1,1200.5,2026-11-20,3,ok\r\n"    /* line 2: fine */
      "MSCU2,1 200,2026-11-20,3,x\r\n"      /* 3: bad decimal */
      "MSCU3,100,2026-02-30,3,x\r\n"        /* 4: bad date */
      "MSCU4,100,2026-11-20,3\r\n"          /* 5: too few fields */
      "\r\n"                                /* 6: blank, skipped */
      "MSCU5,,,,\"multi\r\nline\"\r\n"      /* 7-8: fine, empties missing */
      "MSCU6,100,2026-11-20,three,x\r\n"    /* 9: bad integer */
      "MSCU7,100,2026-11-20,3,\xc3\x28\r\n" /* 10: invalid UTF-8 */
      "MSCU8,1e3,2026-11-20,3,"
      "0123456789012345678901234567890123456789012345678901234567890123456789\r\n" /* 11: too long
                                                                                    */
      "MSCU9,nan,2026-11-20,3,x\r\n" /* 12: not a number */
      "MSCU10,-5,2026-11-21,3,last"; /* 13: fine, no final newline */
  char *csv = br_test_write_file(tmpdir, "types.csv", data, -1);
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
  g_assert_true(
      g_str_has_prefix(rejects, "line,column,reason,Container No,Gross,ETA,Pkgs,Remarks\n"));
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
  char *empty = br_test_write_file(tmpdir, "empty.csv", "", 0);
  g_assert_null(br_feed_open(empty, profile, NULL, &error));
  g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER);
  g_assert_nonnull(strstr(error->message, "empty"));
  g_clear_error(&error);

  char *missing = br_test_write_file(tmpdir, "missing.csv", "Container No,Gross,ETA\n", -1);
  g_assert_null(br_feed_open(missing, profile, NULL, &error));
  g_assert_nonnull(strstr(error->message, "Pkgs"));
  g_clear_error(&error);

  BrProfile *identity = br_profile_new_identity();
  char *dup = br_test_write_file(tmpdir, "dup.csv", "a,b,a\n1,2,3\n", -1);
  g_assert_null(br_feed_open(dup, identity, NULL, &error));
  g_assert_nonnull(strstr(error->message, "columns 1 and 3"));
  g_clear_error(&error);

  char *header = br_test_write_file(tmpdir, "header.csv", "container,declared_kg\n", -1);
  BrFeed *feed = br_feed_open(header, identity, NULL, &error);
  g_assert_no_error(error);
  /* The identity profile types canonical names. */
  g_assert_cmpint(br_schema_field(br_feed_schema(feed), 1)->type, ==, BR_TYPE_DECIMAL);
  GPtrArray *rows = br_test_read_all(feed, 4);
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

/* Files with CR-only line ends (classic Mac OS exports) read as one long line: the header
 * then swallows the data rows. They get an error that says so, not a header error about a
 * quote or a missing column, nor a run over no rows. */
typedef struct {
  guint64 last; /* the last line asked about: lines come in increasing order */
  guint asked;
} WantLog;

static gboolean
want_3_and_6(guint64 line, gpointer data)
{
  WantLog *log = data;
  g_assert_cmpuint(line, >, log->last);
  log->last = line;
  log->asked++;
  return line == 3 || line == 6;
}

/* The filter passes over the rows it turns down when they end with their first line, however
 * they quote; a row going on over several lines is parsed whatever the filter says. */
static void
test_line_filter(void)
{
  static const char text[] = "container,port,notes\n"
                             "A1,IQUQR,\"x, y\"\n"
                             "A2,IQUQR,plain\n"
                             "A3,IQUQR,\"two\nlines\"\n"
                             "A4,IQUQR,\"a \"\"q\"\" b\"\n"
                             "A5,IQUQR,12\" pipe\n"
                             "A6,IQUQR,z\n";
  char *path = br_test_write_file(tmpdir, "filter.csv", text, -1);
  BrProfile *identity = br_profile_new_identity();
  GError *error = NULL;
  BrFeed *feed = br_feed_open(path, identity, NULL, &error);
  g_assert_no_error(error);
  WantLog log = {0, 0};
  br_feed_set_line_filter(feed, want_3_and_6, &log);
  BrBatch *b = br_batch_new(br_feed_schema(feed), 2);
  GString *got = g_string_new(NULL);
  gint n;
  while ((n = br_feed_next_batch(feed, b, &error)) > 0)
    for (guint i = 0; i < b->count; i++)
      g_string_append_printf(got, "%" G_GUINT64_FORMAT ":%s:%s ", b->line_no[i],
                             br_batch_record(b, i)[0].str, br_batch_record(b, i)[2].str);
  g_assert_no_error(error);
  g_assert_cmpstr(got->str, ==, "3:A2:plain 4:A3:two\nlines 6:A4:a \"q\" b ");
  g_assert_cmpuint(log.asked, ==, 6);
  g_assert_cmpuint(br_feed_rows_rejected(feed), ==, 0);
  g_string_free(got, TRUE);
  br_batch_free(b);
  br_feed_close(feed);
  br_profile_free(identity);
  g_free(path);
}

static void
test_cr_only(void)
{
  BrProfile *identity = br_profile_new_identity();
  static const char *const texts[] = {
      "container,port\rMSKU1234565,IQUQR\rTGHU7654321,IQBSR\r",
      "container,port,notes\rMSKU1234565,IQUQR,\"a\rb\"\rTGHU7654321,IQBSR,c\r",
      "container,port\rMSKU1234565,IQUQR",
  };
  for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
    char *path = br_test_write_file(tmpdir, "cr.csv", texts[i], -1);
    GError *error = NULL;
    g_assert_null(br_feed_open(path, identity, NULL, &error));
    g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER);
    g_assert_nonnull(strstr(error->message, "cr.csv: line 1"));
    g_assert_nonnull(strstr(error->message, "carriage return"));
    g_error_free(error);
    g_free(path);
  }
  /* CRLF is fine. */
  char *crlf = br_test_write_file(tmpdir, "crlf.csv", "container,port\r\nA,IQUQR\r\n", -1);
  GError *error = NULL;
  BrFeed *feed = br_feed_open(crlf, identity, NULL, &error);
  g_assert_no_error(error);
  GPtrArray *rows = br_test_read_all(feed, 4);
  g_assert_cmpuint(rows->len, ==, 1);
  g_assert_cmpstr(((char **)rows->pdata[0])[1], ==, "IQUQR");
  g_ptr_array_free(rows, TRUE);
  br_feed_close(feed);
  g_free(crlf);
  br_profile_free(identity);
}

/* A header of a million columns is read in time linear in its size (once quadratic: 40,000
 * columns took 3.6 s, 10^6 over two minutes); a duplicate far apart is still found. */
static void
test_wide_header(void)
{
  const guint n = 1000000;
  GString *text = g_string_new("container");
  for (guint i = 1; i < n; i++)
    g_string_append_printf(text, ",c%u", i);
  g_string_append(text, "\nMSKU1234565");
  for (guint i = 1; i < n; i++)
    g_string_append(text, ",x");
  g_string_append_c(text, '\n');
  char *path = br_test_write_file(tmpdir, "wide.csv", text->str, (gssize)text->len);
  BrProfile *identity = br_profile_new_identity();
  GError *error = NULL;
  BrFeed *feed = br_feed_open(path, identity, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_schema_size(br_feed_schema(feed)), ==, n);
  GPtrArray *rows = br_test_read_all(feed, 1);
  g_assert_cmpuint(rows->len, ==, 1);
  g_assert_cmpstr(((char **)rows->pdata[0])[n - 1], ==, "x");
  g_ptr_array_free(rows, TRUE);
  br_feed_close(feed);
  g_free(path);

  /* The same header with its last column named like the second. */
  g_string_truncate(text, strlen("container"));
  for (guint i = 1; i < n - 1; i++)
    g_string_append_printf(text, ",c%u", i);
  g_string_append(text, ",c1\n");
  path = br_test_write_file(tmpdir, "wide-dup.csv", text->str, (gssize)text->len);
  g_assert_null(br_feed_open(path, identity, NULL, &error));
  g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER);
  char *want = g_strdup_printf("columns 2 and %u", n);
  g_assert_nonnull(strstr(error->message, want));
  g_free(want);
  g_clear_error(&error);
  g_free(path);
  g_string_free(text, TRUE);
  br_profile_free(identity);
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
  static const char *nums[] = {"0.1",
                               "12345.678",
                               "-0.5",
                               "+7",
                               "1.",
                               ".25",
                               "999999999999999",
                               "0.30000000000000004",
                               "1e3",
                               "123456789.123456789",
                               "0007.50",
                               "-1234567.891"};
  GString *csv = g_string_new("declared_kg,arrival_date\n");
  static const char *dates[] = {"1970-01-01", "2000-02-29", "2026-11-20", "1900-03-01"};
  static const double days[] = {0, 11016, 20777, -25508};
  for (guint i = 0; i < G_N_ELEMENTS(nums); i++)
    g_string_append_printf(csv, "%s,%s\n", nums[i], dates[i % G_N_ELEMENTS(dates)]);
  char *path = br_test_write_file(tmpdir, "numbers.csv", csv->str, -1);
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

static char *
read_text(const char *path)
{
  char *text;
  GError *error = NULL;
  g_file_get_contents(path, &text, NULL, &error);
  g_assert_no_error(error);
  return text;
}

/* Opens data (written to name) through the identity profile, rejects to name.rej. */
static BrFeed *
open_text(const char *name, const char *data, gssize len, BrProfile *profile, gsize max_field,
          char **rej_path)
{
  char *csv = br_test_write_file(tmpdir, name, data, len);
  *rej_path = g_strdup_printf("%s.rej", csv);
  BrFeedOptions opts = {.reject_path = *rej_path, .max_field_bytes = max_field};
  GError *error = NULL;
  BrFeed *feed = br_feed_open(csv, profile, &opts, &error);
  g_assert_no_error(error);
  g_free(csv);
  return feed;
}

/* Text after a closing quote breaks a row: it is rejected whole, with its raw text, and the
 * rows after it are read as they are. A quote inside an unquoted field is text. */
static void
test_broken_quotes(void)
{
  BrProfile *identity = br_profile_new_identity();
  const char *data = "id,description,n\n"
                     "1,STEEL PIPE 12\" DIA,3\n"     /* 2: stray quote, text */
                     "2,\"SAID TO \"CONTAIN\",4\n"   /* 3: text after closing quote */
                     "3,\"two\nlines\",5\n"          /* 4-5: fine */
                     "4,\"a\" b,6\n"                 /* 6: text after closing quote */
                     "5,\"x\"\"y\nz\" 12\" LONG,7\n" /* 7-8: same, on the second line */
                     "6,ok \"quoted\" word,8\n"      /* 9: stray quotes, text */
                     "7,\"never closed,9\n"          /* 10-11: open at the end */
                     "8,last,10\n";
  char *rej;
  BrFeed *feed = open_text("quotes.csv", data, -1, identity, 0, &rej);
  GPtrArray *rows = br_test_read_all(feed, 3);
  g_assert_cmpuint(rows->len, ==, 3);
  g_assert_cmpstr(((char **)rows->pdata[0])[1], ==, "STEEL PIPE 12\" DIA");
  g_assert_cmpstr(((char **)rows->pdata[1])[1], ==, "two\nlines");
  g_assert_cmpstr(((char **)rows->pdata[2])[1], ==, "ok \"quoted\" word");
  g_assert_cmpuint(br_feed_rows_read(feed), ==, 7);
  g_assert_cmpuint(br_feed_rows_rejected(feed), ==, 4);
  br_feed_close(feed);
  g_ptr_array_free(rows, TRUE);
  char *text = read_text(rej);
  const char *after = "text after the closing quote of a quoted field";
  char *want[] = {
      g_strdup_printf("\n3,description,%s,\"2,\"\"SAID TO \"\"CONTAIN\"\",4\"\n", after),
      g_strdup_printf("\n6,description,%s,\"4,\"\"a\"\" b,6\"\n", after),
      g_strdup_printf("\n7,description,%s,\"5,\"\"x\"\"\"\"y\nz\"\" 12\"\" LONG,7\"\n", after),
      g_strdup("\n10,description,a quoted field is still open at the end of the input: is a "
               "closing quote missing?,\"7,\"\"never closed,9\n8,last,10\"\n"),
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    if (!strstr(text, want[i]))
      g_error("reject file lacks %s in:\n%s", want[i], text);
    g_free(want[i]);
  }
  g_free(text);
  g_free(rej);

  /* A header whose quoting is broken cannot name the columns. */
  char *path = br_test_write_file(tmpdir, "badhead.csv", "a,\"b\"c,d\n1,2,3\n", -1);
  GError *error = NULL;
  g_assert_null(br_feed_open(path, identity, NULL, &error));
  g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER);
  g_assert_nonnull(strstr(error->message, "line 1"));
  g_assert_nonnull(strstr(error->message, "column 2"));
  g_clear_error(&error);
  g_free(path);
  br_profile_free(identity);
}

/* A 1 MB field: over the limit the row is rejected (and the rest is read); under a raised
 * limit it is taken whole. */
static void
test_big_field(void)
{
  const gsize big = 1u << 20;
  GString *data = g_string_new("id,blob,n\n1,small,1\n2,");
  g_string_append(data, "\"");
  for (gsize i = 0; i < big; i++)
    g_string_append_c(data, i % 1000 == 999 ? '\n' : 'x');
  g_string_append(data, "\",2\n3,after,3\n");
  BrProfile *identity = br_profile_new_identity();
  char *rej;
  BrFeed *feed = open_text("big.csv", data->str, (gssize)data->len, identity, 0, &rej);
  GPtrArray *rows = br_test_read_all(feed, 4);
  g_assert_cmpuint(rows->len, ==, 2);
  g_assert_cmpstr(((char **)rows->pdata[1])[0], ==, "3");
  g_assert_cmpuint(br_feed_rows_rejected(feed), ==, 1);
  br_feed_close(feed);
  g_ptr_array_free(rows, TRUE);
  char *text = read_text(rej);
  g_assert_nonnull(strstr(text, "\n3,blob,\"field is 1048576 bytes, over the limit of 65536\",2,"));
  /* The row is kept whole in the reject file. */
  g_assert_cmpuint(strlen(text), >, big);
  g_free(text);
  g_free(rej);

  feed = open_text("big2.csv", data->str, (gssize)data->len, identity, 2 * big, &rej);
  const BrSchema *schema = br_feed_schema(feed);
  BrBatch *b = br_batch_new(schema, 4);
  GError *error = NULL;
  g_assert_cmpint(br_feed_next_batch(feed, b, &error), ==, 3);
  g_assert_no_error(error);
  g_assert_cmpuint(br_batch_record(b, 1)[1].len, ==, big);
  g_assert_cmpuint(b->line_no[2], ==, 3 + big / 1000 + 1);
  g_assert_cmpuint(br_feed_rows_rejected(feed), ==, 0);
  g_assert_false(g_file_test(rej, G_FILE_TEST_EXISTS));
  br_batch_free(b);
  br_feed_close(feed);
  g_free(rej);
  br_profile_free(identity);
  g_string_free(data, TRUE);
}

/* NUL bytes and invalid UTF-8 reject the row naming the column; a rejected cell that starts
 * like a formula is escaped in the reject file; more fields than the header is a reject. */
static void
test_bad_bytes(void)
{
  static const char data[] = "id,name,note\n"
                             "1,ok,fine\n"
                             "2,a\0b,x\n"                          /* 3: NUL */
                             "3,=cmd|' /C calc'!A0,\xe2\x28\xa1\n" /* 4: invalid UTF-8 */
                             "4,x,y,z\n"                           /* 5: too many fields */
                             "   \t \r\n"                          /* 6: blank */
                             "5,\"\0\",x\n";                       /* 7: NUL inside quotes */
  BrProfile *identity = br_profile_new_identity();
  char *rej;
  BrFeed *feed = open_text("bytes.csv", data, sizeof data - 1, identity, 0, &rej);
  GPtrArray *rows = br_test_read_all(feed, 8);
  g_assert_cmpuint(rows->len, ==, 1);
  g_assert_cmpuint(br_feed_rows_read(feed), ==, 5);
  g_assert_cmpuint(br_feed_rows_rejected(feed), ==, 4);
  br_feed_close(feed);
  gsize len;
  char *text;
  g_assert_true(g_file_get_contents(rej, &text, &len, NULL));
  g_assert_true(memmem(text, len, "\n3,name,field contains a NUL byte,2,", 36) != NULL);
  g_assert_true(memmem(text, len, "\n4,note,invalid UTF-8 at byte 1 of the field,3,\"'=cmd", 52));
  g_assert_true(memmem(text, len, "\n5,,\"expected 3 fields, found 4\",4,x,y,z\n", 41));
  g_assert_true(memmem(text, len, "\n7,name,field contains a NUL byte,", 34));
  g_free(text);
  g_free(rej);
  g_ptr_array_free(rows, TRUE);
  br_profile_free(identity);
}

/* Line numbers stay exact over CRLF, quoted newlines and chunk boundaries, and rejects come
 * out in input order even when chunks finish out of order (as with parallel workers). */
static void
test_lines_and_chunks(void)
{
  GString *data = g_string_new("id,text,n\r\n");
  GArray *want_lines = g_array_new(FALSE, FALSE, sizeof(guint64));
  guint64 line = 2;
  guint bad = 0;
  for (guint i = 0; data->len < 3u * (1u << 20); i++) {
    guint64 start = line;
    if (i % 97 == 0) {
      g_string_append_printf(data, "%u,\"multi\r\nline\nfield %u\",%u\r\n", i, i, i);
      line += 3;
    } else if (i % 1001 == 0) {
      g_string_append_printf(data, "%u,bad,n%u\r\n", i, i);
      line++;
      bad++;
      continue;
    } else {
      g_string_append_printf(data, "%u,plain text for row %u,%u\r\n", i, i, i);
      line++;
    }
    g_array_append_val(want_lines, start);
  }
  BrProfile *p = NULL;
  char *ini = br_test_write_file(tmpdir, "n.ini", "[types]\nn = integer\n", -1);
  GError *error = NULL;
  p = br_profile_load(ini, &error);
  g_assert_no_error(error);
  char *rej;
  BrFeed *feed = open_text("lines.csv", data->str, (gssize)data->len, p, 0, &rej);

  /* Read every chunk first, then parse and finish them last to first. */
  GPtrArray *chunks = g_ptr_array_new_with_free_func((GDestroyNotify)br_chunk_free);
  for (;;) {
    BrChunk *c = br_chunk_new();
    gint r = br_feed_read_chunk(feed, c, &error);
    g_assert_no_error(error);
    if (r == 0) {
      br_chunk_free(c);
      break;
    }
    g_assert_cmpuint(br_chunk_seq(c), ==, chunks->len);
    g_ptr_array_add(chunks, c);
  }
  g_assert_cmpuint(chunks->len, >=, 3);
  BrChunkParser *parser = br_chunk_parser_new(feed);
  BrBatch *b = br_batch_new(br_feed_schema(feed), 1000);
  GArray *got = g_array_new(FALSE, FALSE, sizeof(guint64));
  GPtrArray *per_chunk = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
  for (guint k = 0; k < chunks->len; k++) {
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(guint64));
    gboolean done;
    do {
      done = br_chunk_parser_fill(parser, chunks->pdata[k], b);
      g_array_append_vals(lines, b->line_no, b->count);
    } while (!done);
    g_ptr_array_add(per_chunk, lines);
  }
  for (guint k = chunks->len; k-- > 0;) {
    g_assert_true(br_feed_finish_chunk(feed, chunks->pdata[k], &error));
    g_assert_no_error(error);
  }
  for (guint k = 0; k < per_chunk->len; k++) {
    GArray *lines = per_chunk->pdata[k];
    g_array_append_vals(got, lines->data, lines->len);
  }
  g_assert_cmpuint(got->len, ==, want_lines->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpuint(g_array_index(got, guint64, i), ==, g_array_index(want_lines, guint64, i));
  g_assert_cmpuint(br_feed_rows_rejected(feed), ==, bad);
  g_assert_cmpuint(br_feed_rows_read(feed), ==, want_lines->len + bad);
  br_feed_close(feed);

  char *text = read_text(rej);
  char **rlines = g_strsplit(text, "\n", -1);
  g_assert_cmpuint(g_strv_length(rlines), ==, bad + 2);
  guint64 prev = 0;
  for (guint i = 1; i <= bad; i++) {
    guint64 l = g_ascii_strtoull(rlines[i], NULL, 10);
    g_assert_cmpuint(l, >, prev);
    prev = l;
    g_assert_nonnull(strstr(rlines[i], ",n,\"not an integer: \"\"n"));
  }
  g_strfreev(rlines);
  g_free(text);
  br_batch_free(b);
  br_chunk_parser_free(parser);
  g_ptr_array_free(per_chunk, TRUE);
  g_ptr_array_free(chunks, TRUE);
  g_array_free(got, TRUE);
  g_array_free(want_lines, TRUE);
  g_string_free(data, TRUE);
  br_profile_free(p);
  g_free(ini);
  g_free(rej);
}

/* "-" reads standard input: a pipe, which cannot seek, with a BOM and no final newline. */
static void
test_stdin(void)
{
  int fds[2];
  g_assert_cmpint(pipe(fds), ==, 0);
  static const char data[] = "\xEF\xBB\xBFport,declared_kg\nIQUQR,12.5\nNLRTM,7\nDEHAM,";
  g_assert_cmpint(write(fds[1], data, sizeof data - 1), ==, (gssize)(sizeof data - 1));
  close(fds[1]);
  int saved = dup(STDIN_FILENO);
  g_assert_cmpint(dup2(fds[0], STDIN_FILENO), ==, STDIN_FILENO);
  close(fds[0]);
  BrProfile *identity = br_profile_new_identity();
  GError *error = NULL;
  BrFeed *feed = br_feed_open("-", identity, NULL, &error);
  g_assert_no_error(error);
  BrBatch *b = br_batch_new(br_feed_schema(feed), 8);
  g_assert_cmpint(br_feed_next_batch(feed, b, &error), ==, 3);
  g_assert_cmpstr(br_schema_field(br_feed_schema(feed), 0)->name, ==, "port");
  g_assert_cmpfloat(br_batch_record(b, 0)[1].num, ==, 12.5);
  g_assert_cmpstr(br_batch_record(b, 2)[0].str, ==, "DEHAM");
  g_assert_true(br_batch_record(b, 2)[1].missing);
  g_assert_cmpint(br_feed_next_batch(feed, b, &error), ==, 0);
  g_assert_cmpuint(br_feed_bytes_read(feed), ==, sizeof data - 1);
  br_batch_free(b);
  br_feed_close(feed);
  br_profile_free(identity);
  g_assert_cmpint(dup2(saved, STDIN_FILENO), ==, STDIN_FILENO);
  close(saved);
  clearerr(stdin);
}

/* Each date format reads its own layout and no other. */
static void
test_date_formats(void)
{
  static const struct {
    const char *format, *good, *bad;
  } cases[] = {
      {"%Y%m%d", "20261120", "2026112"},        {"%d/%m/%Y", "20/11/2026", "2026-11-20"},
      {"%m/%d/%Y", "11/20/2026", "20/11/2026"}, {"%d.%m.%Y", "20.11.2026", "20.11.26"},
      {"%Y/%m/%d", "2026/11/20", "2026/11/31"}, {"%Y-%m-%d", "2026-11-20", "2026-11-20x"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *ini_text = g_strdup_printf("[profile]\ndate_format = %s\n", cases[i].format);
    char *ini = br_test_write_file(tmpdir, "d.ini", ini_text, -1);
    GError *error = NULL;
    BrProfile *p = br_profile_load(ini, &error);
    g_assert_no_error(error);
    char *csv = g_strdup_printf("arrival_date\n%s\n%s\n", cases[i].good, cases[i].bad);
    char *rej;
    BrFeed *feed = open_text("d.csv", csv, -1, p, 0, &rej);
    BrBatch *b = br_batch_new(br_feed_schema(feed), 4);
    g_assert_cmpint(br_feed_next_batch(feed, b, &error), ==, 1);
    g_assert_cmpfloat(br_batch_record(b, 0)[0].num, ==, 20777);
    g_assert_cmpstr(br_batch_record(b, 0)[0].str, ==, "2026-11-20");
    g_assert_cmpint(br_feed_next_batch(feed, b, &error), ==, 0);
    g_assert_cmpuint(br_feed_rows_rejected(feed), ==, 1);
    br_feed_close(feed);
    char *text = read_text(rej);
    char *want = g_strdup_printf("\n3,arrival_date,\"not a date in the form %s: \"\"%s\"\"\"",
                                 cases[i].format, cases[i].bad);
    if (!strstr(text, want))
      g_error("%s: reject file lacks %s:\n%s", cases[i].format, want, text);
    g_free(want);
    g_free(text);
    br_batch_free(b);
    br_profile_free(p);
    g_free(rej);
    g_free(csv);
    g_free(ini);
    g_free(ini_text);
  }
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
  g_assert_cmpstr(s->str, ==, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"'=1+2\"|\"'@SUM(A1)\"|\"'-3\"|");
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
  g_test_add_func("/feed/cr-only", test_cr_only);
  g_test_add_func("/feed/line-filter", test_line_filter);
  g_test_add_func("/feed/wide-header", test_wide_header);
  g_test_add_func("/feed/kcs-profile", test_kcs_profile);
  g_test_add_func("/feed/csv-write", test_csv_write);
  g_test_add_func("/feed/numbers-and-dates", test_numbers_and_dates);
  g_test_add_func("/feed/broken-quotes", test_broken_quotes);
  g_test_add_func("/feed/big-field", test_big_field);
  g_test_add_func("/feed/bad-bytes", test_bad_bytes);
  g_test_add_func("/feed/lines-and-chunks", test_lines_and_chunks);
  g_test_add_func("/feed/stdin", test_stdin);
  g_test_add_func("/feed/date-formats", test_date_formats);
  return br_test_run_in(tmpdir);
}
