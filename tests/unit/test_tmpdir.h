/* A scratch folder for a test program, removed with everything in it when the tests end. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

static gboolean
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

/* Runs the registered tests, then removes tmpdir (and frees it). */
static int
br_test_run_in(char *tmpdir)
{
  int rc = g_test_run();
  if (!br_test_remove_tree(tmpdir))
    rc = 1;
  g_free(tmpdir);
  return rc;
}
