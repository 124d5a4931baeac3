/* A scratch folder for a test program, removed with everything in it when the tests end. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

G_GNUC_UNUSED static gboolean
br_test_remove_tree(const char *path)
{
  gboolean ok = TRUE;
  GDir *dir = g_dir_open(path, 0, NULL);
  if (dir) {
    const char *name;
    while ((name = g_dir_read_name(dir))) {
      char *child = g_build_filename(path, name, NULL);
      ok = br_test_remove_tree(child) && ok;
      g_free(child);
    }
    g_dir_close(dir);
    return g_rmdir(path) == 0 && ok;
  }
  return g_unlink(path) == 0;
}

/* Writes data (len bytes, -1: up to the NUL) to dir/name; returns the path (free it). */
G_GNUC_UNUSED static char *
br_test_write_file(const char *dir, const char *name, const char *data, gssize len)
{
  char *path = g_build_filename(dir, name, NULL);
  GError *error = NULL;
  g_file_set_contents(path, data, len, &error);
  g_assert_no_error(error);
  return path;
}

/* Runs the registered tests, then removes tmpdir (and frees it). */
G_GNUC_UNUSED static int
br_test_run_in(char *tmpdir)
{
  int rc = g_test_run();
  if (!br_test_remove_tree(tmpdir))
    rc = 1;
  g_free(tmpdir);
  return rc;
}
