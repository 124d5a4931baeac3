#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "br_outcomes.h"
#include "store_fixture.h"

#define HEADER "unit,port,date,result,category,severity,notes\n"

/* A run on 2026-01-10: U1 targeted and U2 random at IQUQR; U3 seen but not selected. */
static gint64
record_sample_run(Fixture *fx, const char *as_of)
{
  static const int fired[] = {0, 1, -1}, none[] = {-1};
  BrUnit *units[] = {fixture_unit(fx, "IQUQR", "U1", BR_SEL_TARGETED, BR_LANE_RED, 1, 70, fired),
                     fixture_unit(fx, "IQUQR", "U2", BR_SEL_RANDOM, BR_LANE_GREEN, 4, 0, none)};
  GPtrArray *ports = g_ptr_array_new_with_free_func(fixture_port_free);
  g_ptr_array_add(ports, fixture_port("IQUQR", 5, units, 2));
  BrEntityKeys *keys = br_entity_keys_parse("importer_id", NULL);
  BrSchema *schema = br_schema_new();
  br_schema_add(schema, "importer_id", BR_TYPE_STRING, 0);
  br_entity_keys_bind(keys, schema);
  BrEntityTable *entities = br_entity_table_new(keys);
  BrValue rec[1] = {{"IMP-1", 5, FALSE, 0}};
  br_entity_table_add(entities, "IQUQR", "U1", rec);
  br_entity_table_add(entities, "IQUQR", "U3", rec);
  gint64 run = fixture_record(fx, as_of, ports, entities);
  br_entity_table_free(entities);
  br_schema_free(schema);
  br_entity_keys_free(keys);
  g_ptr_array_unref(ports);
  return run;
}

static char *
write_file(Fixture *fx, const char *name, const char *text)
{
  char *path = g_build_filename(fx->dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  return path;
}

static const BrOutcomeReject *
reject_at(const BrOutcomesSummary *s, guint i)
{
  g_assert_cmpuint(i, <, s->rejects->len);
  return g_ptr_array_index(s->rejects, i);
}

static void
test_import(Fixture *fx, gconstpointer data)
{
  record_sample_run(fx, "2026-01-10");
  char *path =
      write_file(fx, "a.csv",
                 HEADER "U1,IQUQR,2026-01-11,finding,drugs,4,\"cocaine in \"\"bananas\"\"\"\n"
                        " U2 ,IQUQR,2026-01-12,no_finding,,,\n"
                        "U3,IQUQR,2026-01-12,NO_FINDING,,,x-ray only\n"
                        "U4,IQUQR,2026-02-30,no_finding,,,\n"
                        "U5,IQUQR,2026-01-12,finding,,3,\n"
                        "U6,IQUQR,2026-01-12,maybe,,,\n"
                        "U7,IQUQR,2026-01-12\n"
                        "U8,IQUQR,2026-01-12,finding,weapons,9,\n"
                        "U9,IQUQR,2026-01-12,no_finding,,,\"two\nlines\"\n"
                        ",IQUQR,2026-01-12,no_finding,,,\n"
                        "U10,IQUQR,2026-01-12,finding,Counterfeit,2,fake\n");
  char *rejects = g_build_filename(fx->dir, "rejects.csv", NULL);
  BrOutcomesSummary s;
  GError *error = NULL;
  g_assert_true(br_outcomes_import(fx->store, path, rejects, &s, &error));
  g_assert_no_error(error);
  g_assert_false(s.already);
  g_assert_cmpuint(s.rows, ==, 11);
  g_assert_cmpuint(s.accepted, ==, 5);
  g_assert_cmpuint(s.rejected, ==, 6);
  g_assert_cmpuint(s.duplicates, ==, 0);
  g_assert_cmpuint(s.selected, ==, 2);
  g_assert_cmpuint(s.other, ==, 3);
  g_assert_cmpuint(reject_at(&s, 0)->line, ==, 5);
  g_assert_cmpstr(reject_at(&s, 0)->column, ==, "date");
  g_assert_cmpstr(reject_at(&s, 1)->column, ==, "category");
  g_assert_cmpstr(reject_at(&s, 2)->column, ==, "result");
  g_assert_cmpstr(reject_at(&s, 3)->column, ==, "");
  g_assert_nonnull(strstr(reject_at(&s, 3)->reason, "3 fields"));
  g_assert_cmpstr(reject_at(&s, 4)->column, ==, "severity");
  /* The empty unit sits after a row spanning lines 10-11. */
  g_assert_cmpuint(reject_at(&s, 5)->line, ==, 12);
  g_assert_cmpstr(reject_at(&s, 5)->column, ==, "unit");

  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes"), ==, 5);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes WHERE source = 'selection'"), ==,
                  2);
  char *text = fixture_text(fx, "SELECT notes FROM outcomes WHERE unit = 'U1'");
  g_assert_cmpstr(text, ==, "cocaine in \"bananas\"");
  g_free(text);
  text = fixture_text(fx, "SELECT category || severity FROM outcomes WHERE unit = 'U10'");
  g_assert_cmpstr(text, ==, "counterfeit2");
  g_free(text);
  /* U3 was never selected but a run saw it: it is 'other' yet credited to its entities. */
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes WHERE unit = 'U3' AND"
                                    " source = 'other' AND entity_run IS NOT NULL"),
                  ==, 1);
  g_assert_cmpint(fixture_count(fx, "SELECT line FROM outcomes WHERE unit = 'U9'"), ==, 10);

  char *content = NULL;
  g_assert_true(g_file_get_contents(rejects, &content, NULL, NULL));
  g_assert_true(g_str_has_prefix(content, "line,column,reason,unit,port,date,result,category,"
                                          "severity,notes\r\n5,date,"));
  g_assert_nonnull(strstr(content, "\r\n12,unit,"));
  g_free(content);

  /* The same file again changes nothing. */
  char *before = fixture_fingerprint(fx->db_path);
  BrOutcomesSummary again;
  g_assert_true(br_outcomes_import(fx->store, path, NULL, &again, &error));
  g_assert_no_error(error);
  g_assert_true(again.already);
  g_assert_cmpint(again.import_id, ==, s.import_id);
  char *after = fixture_fingerprint(fx->db_path);
  g_assert_cmpstr(before, ==, after);

  br_outcomes_summary_clear(&again);
  br_outcomes_summary_clear(&s);
  g_free(before);
  g_free(after);
  g_free(rejects);
  g_free(path);
}

static void
test_overlap_and_conflict(Fixture *fx, gconstpointer data)
{
  record_sample_run(fx, "2026-01-10");
  char *a = write_file(fx, "a.csv", HEADER "U1,IQUQR,2026-01-11,finding,drugs,4,bananas\n");
  char *b = write_file(fx, "b.csv",
                       "notes,unit,port,date,result,category,severity\n"
                       "bananas,U1,IQUQR,2026-01-11,finding,drugs,4\n"
                       ",U2,IQUQR,2026-01-11,finding,precursors,2\n"
                       ",U2,IQUQR,2026-01-11,no_finding,,\n");
  BrOutcomesSummary s;
  GError *error = NULL;
  g_assert_true(br_outcomes_import(fx->store, a, NULL, &s, &error));
  br_outcomes_summary_clear(&s);
  g_assert_true(br_outcomes_import(fx->store, b, NULL, &s, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(s.accepted, ==, 1);
  g_assert_cmpuint(s.duplicates, ==, 1);
  g_assert_cmpuint(s.rejected, ==, 1);
  g_assert_cmpuint(reject_at(&s, 0)->line, ==, 4);
  g_assert_nonnull(strstr(reject_at(&s, 0)->reason, "line 3 of this file"));
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes"), ==, 2);
  br_outcomes_summary_clear(&s);

  char *c = write_file(fx, "c.csv", HEADER "U1,IQUQR,2026-01-11,no_finding,,,\n");
  g_assert_true(br_outcomes_import(fx->store, c, NULL, &s, &error));
  g_assert_cmpuint(s.rejected, ==, 1);
  g_assert_nonnull(strstr(reject_at(&s, 0)->reason, "import 1 line 2"));
  br_outcomes_summary_clear(&s);
  g_free(a);
  g_free(b);
  g_free(c);
}

static void
test_links_by_date(Fixture *fx, gconstpointer data)
{
  /* Inspected before the run's list date: the selection cannot have caused it. */
  char *a = write_file(fx, "a.csv",
                       HEADER "U1,IQUQR,2026-01-05,no_finding,,,\n"
                              "U1,IQUQR,2026-01-20,finding,drugs,5,\n");
  BrOutcomesSummary s;
  GError *error = NULL;
  g_assert_true(br_outcomes_import(fx->store, a, NULL, &s, &error));
  g_assert_cmpuint(s.other, ==, 2);
  br_outcomes_summary_clear(&s);
  /* A run recorded after the outcomes links them where its date allows. */
  record_sample_run(fx, "2026-01-10");
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes WHERE source = 'selection'"), ==,
                  1);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes WHERE source = 'selection'"
                                    " AND date = '2026-01-20'"),
                  ==, 1);
  /* A later run takes over the outcomes dated after it. */
  gint64 run2 = record_sample_run(fx, "2026-01-15");
  char *sql = g_strdup_printf("SELECT COUNT(*) FROM outcomes o JOIN units u ON u.id ="
                              " o.selection_unit WHERE u.run_id = %" G_GINT64_FORMAT,
                              run2);
  g_assert_cmpint(fixture_count(fx, sql), ==, 1);
  g_free(sql);
  g_free(a);
}

static void
test_header_errors(Fixture *fx, gconstpointer data)
{
  static const struct {
    const char *text;
    int code;
    const char *needle;
  } cases[] = {
      {"", BR_OUTCOMES_ERROR_HEADER, "empty"},
      {"unit,port,date,result,category,severity\n", BR_OUTCOMES_ERROR_HEADER, "'notes' is missing"},
      {"unit,port,date,result,category,severity,notes,extra\n", BR_OUTCOMES_ERROR_HEADER, "extra"},
      {"unit,unit,port,date,result,category,severity,notes\n", BR_OUTCOMES_ERROR_HEADER, "twice"},
      {HEADER "U1,IQUQR,2026-01-11,finding,drugs,4,\"open\n", BR_OUTCOMES_ERROR_CSV, ":2:"},
  };
  char *before = fixture_fingerprint(fx->db_path);
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *name = g_strdup_printf("bad%u.csv", i);
    char *path = write_file(fx, name, cases[i].text);
    BrOutcomesSummary s;
    GError *error = NULL;
    g_assert_false(br_outcomes_import(fx->store, path, NULL, &s, &error));
    g_assert_error(error, BR_OUTCOMES_ERROR, cases[i].code);
    g_assert_nonnull(strstr(error->message, cases[i].needle));
    g_assert_nonnull(strstr(error->message, name));
    g_error_free(error);
    br_outcomes_summary_clear(&s);
    g_free(path);
    g_free(name);
  }
  char *after = fixture_fingerprint(fx->db_path);
  g_assert_cmpstr(before, ==, after);
  g_free(before);
  g_free(after);

  /* A byte order mark before the header is what spreadsheets write: accepted. */
  char *bom =
      write_file(fx, "bom.csv", "\xEF\xBB\xBF" HEADER "U1,IQUQR,2026-01-11,no_finding,,,\n");
  BrOutcomesSummary s;
  GError *error = NULL;
  g_assert_true(br_outcomes_import(fx->store, bom, NULL, &s, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(s.accepted, ==, 1);
  br_outcomes_summary_clear(&s);
  g_free(bom);
}

/* The crash-safety proof: a child imports a large file and is SIGKILLed while its
 * transaction is open; the store must be exactly as before, and importable afterwards. */
static void
test_killed_import(Fixture *fx, gconstpointer data)
{
  record_sample_run(fx, "2026-01-10");
  char *small = write_file(fx, "small.csv", HEADER "U1,IQUQR,2026-01-11,finding,drugs,4,\n");
  BrOutcomesSummary s;
  GError *error = NULL;
  g_assert_true(br_outcomes_import(fx->store, small, NULL, &s, &error));
  br_outcomes_summary_clear(&s);
  const guint rows = 20000;
  GString *big = g_string_new(HEADER);
  for (guint i = 0; i < rows; i++)
    g_string_append_printf(big, "C%06u,IQUQR,2026-02-%02u,%s\n", i, 1 + i % 28,
                           i % 7 ? "no_finding,,," : "finding,misdeclaration,2,note");
  char *path = write_file(fx, "big.csv", big->str);
  g_string_free(big, TRUE);
  char *before = fixture_fingerprint(fx->db_path);
  gint64 outcomes_before = fixture_count(fx, "SELECT COUNT(*) FROM outcomes");
  /* The child opens its own connection: a SQLite handle must not cross fork(). */
  br_store_close(fx->store);
  fx->store = NULL;

  int pipefd[2];
  g_assert_cmpint(pipe(pipefd), ==, 0);
  pid_t pid = fork();
  g_assert_cmpint(pid, >=, 0);
  if (pid == 0) {
    /* A failed assertion in the parent must not leave the paused child behind. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(pipefd[0]);
    dup2(pipefd[1], STDERR_FILENO);
    g_setenv(BR_OUTCOMES_PAUSE_ENV, "15000", TRUE);
    BrStore *store = br_store_open(fx->db_path, BR_STORE_EXISTING, NULL);
    /* A small page cache spills the open transaction's pages to the WAL, so the kill comes
     * with part of the import on disk (the store's own cache would hold it all in memory). */
    sqlite3_exec(br_store_db(store), "PRAGMA cache_size = -256", NULL, NULL, NULL);
    BrOutcomesSummary cs;
    br_outcomes_import(store, path, NULL, &cs, NULL);
    _exit(3); /* not reached: the hook pauses until the kill */
  }
  close(pipefd[1]);
  char buf[256];
  GString *said = g_string_new(NULL);
  ssize_t n;
  while (!strstr(said->str, "paused") && (n = read(pipefd[0], buf, sizeof buf - 1)) > 0)
    g_string_append_len(said, buf, n);
  g_assert_nonnull(strstr(said->str, "boxrank: paused"));
  /* The child holds the write transaction with 15000 rows in it; the WAL has grown. */
  char *wal = g_strconcat(fx->db_path, "-wal", NULL);
  GStatBuf st;
  g_assert_cmpint(g_stat(wal, &st), ==, 0);
  g_assert_cmpint(st.st_size, >, 100000);
  g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
  int status = 0;
  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  close(pipefd[0]);
  g_string_free(said, TRUE);

  char *after = fixture_fingerprint(fx->db_path);
  g_assert_cmpstr(before, ==, after);
  fx->store = br_store_open(fx->db_path, BR_STORE_EXISTING, &error);
  g_assert_no_error(error);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes"), ==, outcomes_before);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM imports"), ==, 1);
  g_assert_true(br_outcomes_import(fx->store, path, NULL, &s, &error));
  g_assert_no_error(error);
  g_assert_false(s.already);
  g_assert_cmpuint(s.accepted, ==, rows);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes"), ==, outcomes_before + rows);
  br_outcomes_summary_clear(&s);
  g_free(wal);
  g_free(before);
  g_free(after);
  g_free(path);
  g_free(small);
}

/* Found by the hostile campaign: an inspection dated in the future was stored and linked to
 * the latest run. Tomorrow is allowed (ports ahead of UTC); later is a reject. */
static void
test_future_dates(Fixture *fx, gconstpointer data)
{
  record_sample_run(fx, "2026-01-10");
  gint32 today = (gint32)(g_get_real_time() / G_USEC_PER_SEC / 86400);
  char tomorrow[11], later[11], now[11];
  br_store_date_format(today + 1, tomorrow);
  br_store_date_format(today + 2, later);
  br_store_date_format(today, now);
  char *text = g_strdup_printf(HEADER "U1,IQUQR,%s,no_finding,,,\nU2,IQUQR,%s,no_finding,,,\n"
                                      "U3,IQUQR,9999-12-31,no_finding,,,\n",
                               tomorrow, later);
  char *path = write_file(fx, "future.csv", text);
  BrOutcomesSummary s;
  GError *error = NULL;
  g_assert_true(br_outcomes_import(fx->store, path, NULL, &s, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(s.accepted, ==, 1);
  g_assert_cmpuint(s.rejected, ==, 2);
  char *why = g_strdup_printf("a date in the future (today is %s, UTC)", now);
  g_assert_cmpstr(reject_at(&s, 0)->column, ==, "date");
  g_assert_cmpstr(reject_at(&s, 0)->reason, ==, why);
  g_assert_cmpuint(reject_at(&s, 1)->line, ==, 4);
  br_outcomes_summary_clear(&s);
  g_free(why);
  g_free(path);
  g_free(text);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/outcomes/import", Fixture, NULL, fixture_setup, test_import, fixture_teardown);
  g_test_add("/outcomes/future-dates", Fixture, NULL, fixture_setup, test_future_dates,
             fixture_teardown);
  g_test_add("/outcomes/overlap-and-conflict", Fixture, NULL, fixture_setup,
             test_overlap_and_conflict, fixture_teardown);
  g_test_add("/outcomes/links-by-date", Fixture, NULL, fixture_setup, test_links_by_date,
             fixture_teardown);
  g_test_add("/outcomes/header-errors", Fixture, NULL, fixture_setup, test_header_errors,
             fixture_teardown);
  g_test_add("/outcomes/killed-import", Fixture, NULL, fixture_setup, test_killed_import,
             fixture_teardown);
  return g_test_run();
}
