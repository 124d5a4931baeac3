/* Reading a whole feed in the feed tests. */
#pragma once

#include <glib.h>

#include "br_feed.h"
#include "test_tmpdir.h"

/* A column profile written from text into dir/name and loaded; the test fails if it does not
 * load. */
G_GNUC_UNUSED static BrProfile *
br_test_profile(const char *dir, const char *name, const char *text)
{
  char *path = br_test_write_file(dir, name, text, -1);
  GError *error = NULL;
  BrProfile *p = br_profile_load(path, &error);
  g_assert_no_error(error);
  g_free(path);
  return p;
}

/* Every accepted record as a row of strings ("" for missing), read batch_size at a time. */
G_GNUC_UNUSED static GPtrArray *
br_test_read_all(BrFeed *feed, guint batch_size)
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
