/* Line versions in the store: the packed keys of a run, finding a later run's lines in them,
 * and the chain of versions each line keeps (br_line_versions.h). */
#include "br_line_versions.h"
#include "store_fixture.h"

#define AT(input, line) (((guint64)(input) << 40) | (guint64)(line))

static void
record(Fixture *fx, gint64 run, const BrLineKey *keys, gsize nkeys, const BrStoredVersion *v,
       guint nv, const GArray *hits)
{
  GError *error = NULL;
  g_assert_true(br_store_begin(fx->store, &error));
  g_assert_true(br_line_versions_record(fx->store, run, "2026-03-02T09:00:00Z", keys, nkeys, v, nv,
                                        hits ? (const BrLineKeyHit *)hits->data : NULL,
                                        hits ? hits->len : 0, &error));
  g_assert_true(br_store_commit(fx->store, &error));
  g_assert_no_error(error);
}

static GArray *
find(Fixture *fx, const BrLineKey *keys, gsize n, const char *since, const char *sha)
{
  GError *error = NULL;
  const char *shas[] = {sha, NULL};
  gboolean *before = br_line_keys_read_before(fx->store, since, shas, 2, &error);
  g_assert_no_error(error);
  g_assert_false(before[1]); /* standard input is never read before */
  GArray *hits = g_array_new(FALSE, FALSE, sizeof(BrLineKeyHit));
  g_assert_true(br_line_keys_find_earlier(fx->store, keys, n, since, before, hits, &error));
  g_assert_no_error(error);
  g_free(before);
  return hits;
}

/* The rows of a B/L as "status file:line action" in the order the CLI and the server show. */
static char *
chain(Fixture *fx, const char *bol)
{
  sqlite3_stmt *s = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(br_store_db(fx->store), BR_LINE_VERSIONS_SQL, -1, &s, NULL),
                  ==, SQLITE_OK);
  sqlite3_bind_text(s, 3, bol, -1, SQLITE_STATIC);
  GString *out = g_string_new(NULL);
  while (sqlite3_step(s) == SQLITE_ROW)
    g_string_append_printf(
        out, "%s%s %s:%lld %s", out->len ? ", " : "", (const char *)sqlite3_column_text(s, 0),
        (const char *)sqlite3_column_text(s, 8), (long long)sqlite3_column_int64(s, 9),
        sqlite3_column_text(s, 11) ? (const char *)sqlite3_column_text(s, 11) : "-");
  sqlite3_finalize(s);
  return g_string_free(out, FALSE);
}

static void
test_across_runs(Fixture *fx, gconstpointer data)
{
  GPtrArray *none = g_ptr_array_new();
  gint64 run1 = fixture_record(fx, "2026-03-01", none, NULL);
  const BrLineKey first[] = {{5, AT(0, 2)}, {9, AT(0, 3)}};
  record(fx, run1, first, 2, NULL, 0, NULL);
  g_assert_cmpint(fixture_count(fx, "SELECT length(keys) FROM run_line_keys"), ==, 32);

  /* The same key from another file (sha beef) is found; from the file read before, not. */
  const BrLineKey again[] = {{5, AT(0, 4)}, {7, AT(0, 5)}};
  GArray *hits = find(fx, again, 2, "2026-01-01", "beef");
  g_assert_cmpuint(hits->len, ==, 1);
  BrLineKeyHit h = g_array_index(hits, BrLineKeyHit, 0);
  g_assert_cmpuint(h.key, ==, 5);
  g_assert_cmpint(h.run_id, ==, run1);
  g_assert_cmpuint(h.order, ==, AT(0, 2));
  g_array_free(hits, TRUE);
  hits = find(fx, again, 2, "2026-01-01", "00ff");
  g_assert_cmpuint(hits->len, ==, 0);
  g_array_free(hits, TRUE);
  /* A run outside the window is not looked at. */
  hits = find(fx, again, 2, "2026-03-02", "beef");
  g_assert_cmpuint(hits->len, ==, 0);
  g_array_free(hits, TRUE);

  /* A second run replaces the line, then deletes it: three versions, the first without
   * fields (this run only knows where it was), the last the deletion. */
  gint64 run2 = fixture_record(fx, "2026-03-02", none, NULL);
  const BrLineKey keys2[] = {{5, AT(0, 4)}, {5, AT(0, 6)}};
  BrStoredVersion v[] = {
      {5, AT(0, 4), "BL1", "MSCU1234566", NULL, "IQUQR", "MSCU1234566", "replace", NULL,
       "{\"measured_kg\":\"9800\"}", FALSE},
      {5, AT(0, 6), "BL1", "MSCU1234566", NULL, "IQUQR", "MSCU1234566", "delete",
       "interchange 2, message 7", "{}", TRUE},
  };
  hits = find(fx, keys2, 2, "2026-01-01", "beef");
  record(fx, run2, keys2, 2, v, 2, hits);
  g_array_free(hits, TRUE);
  char *text = chain(fx, "BL1");
  g_assert_cmpstr(text, ==,
                  "superseded manifest.csv:2 -, superseded manifest.csv:4 replace, "
                  "deleted manifest.csv:6 delete");
  g_free(text);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM line_versions WHERE fields IS NULL"), ==,
                  1);
  g_assert_cmpint(
      fixture_count(fx, "SELECT COUNT(*) FROM line_versions WHERE superseded_by IS NULL"), ==, 1);

  /* A third run sends the line once more: the deletion it follows gives way, one current. */
  gint64 run3 = fixture_record(fx, "2026-03-03", none, NULL);
  const BrLineKey keys3[] = {{5, AT(0, 1)}};
  BrStoredVersion v3 = {5,         AT(0, 1), "BL1", "MSCU1234566", NULL, "IQUQR", "MSCU1234566",
                        "replace", NULL,     "{}",  FALSE};
  hits = find(fx, keys3, 1, "2026-01-01", "cafe");
  g_assert_cmpuint(hits->len, ==, 1);
  g_assert_cmpint(g_array_index(hits, BrLineKeyHit, 0).run_id, ==, run2);
  g_assert_cmpuint(g_array_index(hits, BrLineKeyHit, 0).order, ==, AT(0, 6));
  record(fx, run3, keys3, 1, &v3, 1, hits);
  g_array_free(hits, TRUE);
  text = chain(fx, "BL1");
  g_assert_cmpstr(text, ==,
                  "superseded manifest.csv:2 -, superseded manifest.csv:4 replace, "
                  "superseded manifest.csv:6 delete, current manifest.csv:1 replace");
  g_free(text);
  g_ptr_array_free(none, TRUE);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/line-versions/across-runs", Fixture, NULL, fixture_setup, test_across_runs,
             fixture_teardown);
  return g_test_run();
}
