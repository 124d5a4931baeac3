/* csv-spectrum (github.com/maxogden/csv-spectrum): every case, read through the identity
 * profile as strings, gives exactly the expected JSON. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "br_feed.h"
#include "feed_fixture.h"

/* csv-spectrum's expected parses are arrays of flat objects of strings: a purpose-written
 * reader is enough and keeps JSON libraries out of the dependencies. */
static char *
json_string(const char **p)
{
  g_assert_cmpint(**p, ==, '"');
  (*p)++;
  GString *s = g_string_new(NULL);
  while (**p != '"') {
    if (**p == '\\') {
      (*p)++;
      switch (**p) {
      case 'n':
        g_string_append_c(s, '\n');
        break;
      case 'r':
        g_string_append_c(s, '\r');
        break;
      case 't':
        g_string_append_c(s, '\t');
        break;
      case 'u': {
        char hex[5] = {0};
        memcpy(hex, *p + 1, 4);
        g_string_append_unichar(s, (gunichar)strtoul(hex, NULL, 16));
        *p += 4;
        break;
      }
      default:
        g_string_append_c(s, **p);
      }
    } else {
      g_string_append_c(s, **p);
    }
    (*p)++;
  }
  (*p)++;
  return g_string_free(s, FALSE);
}

static void
skip_ws(const char **p)
{
  while (**p && strchr(" \t\r\n,:", **p))
    (*p)++;
}

/* Returns rows of values in key order of the first object; keys go to *keys. */
static GPtrArray *
json_rows(const char *text, char ***keys)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  GPtrArray *first_keys = g_ptr_array_new();
  const char *p = text;
  skip_ws(&p);
  g_assert_cmpint(*p, ==, '[');
  p++;
  for (;;) {
    skip_ws(&p);
    if (*p == ']')
      break;
    g_assert_cmpint(*p, ==, '{');
    p++;
    GPtrArray *vals = g_ptr_array_new();
    for (;;) {
      skip_ws(&p);
      if (*p == '}') {
        p++;
        break;
      }
      char *k = json_string(&p);
      skip_ws(&p);
      char *v = json_string(&p);
      if (rows->len == 0)
        g_ptr_array_add(first_keys, k);
      else
        g_free(k);
      g_ptr_array_add(vals, v);
    }
    g_ptr_array_add(vals, NULL);
    g_ptr_array_add(rows, g_ptr_array_free(vals, FALSE));
  }
  g_ptr_array_add(first_keys, NULL);
  *keys = (char **)g_ptr_array_free(first_keys, FALSE);
  return rows;
}

static void
test_csv_spectrum(void)
{
  const char *shared = g_getenv("BR_SHARED_DATA");
  g_assert_nonnull(shared);
  char *csvdir = g_build_filename(shared, "csv-spectrum", "csvs", NULL);
  GDir *dir = g_dir_open(csvdir, 0, NULL);
  g_assert_nonnull(dir);
  const char *name;
  guint cases = 0;
  while ((name = g_dir_read_name(dir))) {
    char *csv = g_build_filename(csvdir, name, NULL);
    char *stem = g_strndup(name, strlen(name) - 4);
    char *json = g_strdup_printf("%s/csv-spectrum/json/%s.json", shared, stem);
    char *expected_text;
    g_assert_true(g_file_get_contents(json, &expected_text, NULL, NULL));
    char **keys;
    GPtrArray *expected = json_rows(expected_text, &keys);

    BrProfile *profile = br_profile_new_identity();
    GError *error = NULL;
    BrFeed *feed = br_feed_open(csv, profile, NULL, &error);
    g_assert_no_error(error);
    const BrSchema *schema = br_feed_schema(feed);
    g_assert_cmpuint(br_schema_size(schema), ==, g_strv_length(keys));
    for (guint k = 0; keys[k]; k++)
      g_assert_cmpstr(br_schema_field(schema, k)->name, ==, keys[k]);
    GPtrArray *rows = br_test_read_all(feed, 2);
    g_assert_cmpuint(rows->len, ==, expected->len);
    for (guint r = 0; r < rows->len; r++) {
      char **got = rows->pdata[r], **want = expected->pdata[r];
      for (guint k = 0; want[k]; k++) {
        if (g_strcmp0(got[k], want[k]) != 0)
          g_error("%s row %u field %s: got \"%s\", want \"%s\"", name, r, keys[k], got[k], want[k]);
      }
    }
    g_assert_cmpuint(br_feed_rows_rejected(feed), ==, 0);
    cases++;
    br_feed_close(feed);
    br_profile_free(profile);
    g_ptr_array_free(rows, TRUE);
    g_ptr_array_free(expected, TRUE);
    g_strfreev(keys);
    g_free(expected_text);
    g_free(json);
    g_free(stem);
    g_free(csv);
  }
  g_assert_cmpuint(cases, >=, 11);
  g_dir_close(dir);
  g_free(csvdir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/csv-spectrum/all", test_csv_spectrum);
  return g_test_run();
}
