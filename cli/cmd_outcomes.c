/* boxrank outcomes: import inspection results into the store, and list them. */
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_csv_write.h"
#include "br_outcomes.h"

#define REJECTS_SHOWN 10

static int
outcomes_import(int argc, char **argv)
{
  char *db = NULL, *rejects = NULL;
  GOptionEntry entries[] = {{"db", 0, 0, G_OPTION_ARG_FILENAME, &db,
                             "Store (default: $BOXRANK_DB, else ./boxrank.db)", "PATH"},
                            {"rejects", 0, 0, G_OPTION_ARG_FILENAME, &rejects,
                             "Write rejected rows here as CSV: line, column, reason, then the row",
                             "FILE"},
                            {NULL}};
  GOptionContext *ctx = g_option_context_new("FILE.csv - import inspection outcomes");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(
      ctx, "Columns (any order): unit,port,date,result,category,severity,notes\n"
           "  result    no_finding | finding\n"
           "  category  for a finding: drugs, weapons, precursors, cultural_property,\n"
           "            undervaluation, misdeclaration, counterfeit, tobacco, wildlife,\n"
           "            currency, other\n"
           "  severity  for a finding: 1 (minor) .. 5 (critical)\n"
           "Importing the same file twice, or overlapping files, never duplicates an outcome.");
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  BrOutcomesSummary sum = {0};
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank outcomes import results-2026-01.csv --db boxrank.db"))
    goto out;
  if (argc != 2) {
    fprintf(stderr, "boxrank: outcomes import takes one file\nRun with --help for usage.\n");
    goto out;
  }
  rc = BR_EXIT_FAILURE;
  store = br_store_open(db ? db : br_store_default_path(), BR_STORE_CREATE, &error);
  if (!store || !br_outcomes_import(store, argv[1], rejects, &sum, &error)) {
    br_cli_error(error);
    goto out;
  }
  if (sum.already) {
    printf("%s: imported before (import %" G_GINT64_FORMAT ", %" G_GUINT64_FORMAT
           " rows, %" G_GUINT64_FORMAT " rejected); nothing changed\n",
           argv[1], sum.import_id, sum.rows, sum.rejected);
    /* The file still holds its rejected rows: the same status as its first import. */
    rc = sum.rejected ? BR_EXIT_REJECTS : BR_EXIT_OK;
    goto out;
  }
  printf("%s: %" G_GUINT64_FORMAT " rows: %" G_GUINT64_FORMAT " new outcomes (%" G_GUINT64_FORMAT
         " of selected units, %" G_GUINT64_FORMAT " other inspections), %" G_GUINT64_FORMAT
         " already stored, %" G_GUINT64_FORMAT " rejected\n",
         argv[1], sum.rows, sum.accepted, sum.selected, sum.other, sum.duplicates, sum.rejected);
  for (guint i = 0; i < sum.rejects->len && i < REJECTS_SHOWN; i++) {
    const BrOutcomeReject *r = g_ptr_array_index(sum.rejects, i);
    fprintf(stderr, "%s:%" G_GUINT64_FORMAT ": %s%s%s\n", argv[1], r->line, r->column,
            *r->column ? ": " : "", r->reason);
  }
  if (sum.rejected > REJECTS_SHOWN)
    fprintf(stderr, "... and %" G_GUINT64_FORMAT " more rejected rows%s%s\n",
            sum.rejected - REJECTS_SHOWN, rejects ? ", all in " : " (use --rejects FILE)",
            rejects ? rejects : "");
  rc = sum.rejected ? BR_EXIT_REJECTS : BR_EXIT_OK;
out:
  br_outcomes_summary_clear(&sum);
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  g_free(rejects);
  return rc;
}

static void
cell(GString *out, sqlite3_stmt *s, int col)
{
  if (col)
    g_string_append_c(out, ',');
  const char *text = (const char *)sqlite3_column_text(s, col);
  if (text)
    br_csv_write_field(out, text, (gsize)sqlite3_column_bytes(s, col));
}

static int
outcomes_list(int argc, char **argv)
{
  char *db = NULL, *from = NULL, *to = NULL, *port = NULL;
  GOptionEntry entries[] = {
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Store (default: $BOXRANK_DB, else ./boxrank.db)",
       "PATH"},
      {"from", 0, 0, G_OPTION_ARG_STRING, &from, "First inspection date (YYYY-MM-DD)", "DATE"},
      {"to", 0, 0, G_OPTION_ARG_STRING, &to, "Last inspection date (YYYY-MM-DD)", "DATE"},
      {"port", 0, 0, G_OPTION_ARG_STRING, &port, "Only this port", "PORT"},
      {NULL}};
  GOptionContext *ctx = g_option_context_new("- list stored outcomes as CSV");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  sqlite3_stmt *s = NULL;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv, "boxrank outcomes list --from 2026-01-01 --port IQUQR"))
    goto out;
  gint32 day;
  if (argc != 1 || (from && !br_store_date_parse(from, &day)) ||
      (to && !br_store_date_parse(to, &day))) {
    fprintf(stderr, "boxrank: outcomes list takes no files; dates are YYYY-MM-DD\n");
    goto out;
  }
  rc = BR_EXIT_FAILURE;
  store = br_store_open(db ? db : br_store_default_path(), BR_STORE_READ_ONLY, &error);
  if (!store) {
    br_cli_error(error);
    goto out;
  }
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT o.unit, o.port, o.date, o.result, o.category, o.severity,"
                         " o.notes, o.source, u.run_id, s.kind, s.rank, s.lane, s.score,"
                         " o.import_id, o.line FROM outcomes o"
                         " LEFT JOIN selections s ON s.unit_id = o.selection_unit"
                         " LEFT JOIN units u ON u.id = o.selection_unit"
                         " WHERE (?1 IS NULL OR o.date >= ?1) AND (?2 IS NULL OR o.date <= ?2)"
                         " AND (?3 IS NULL OR o.port = ?3) ORDER BY o.date, o.port, o.unit",
                         -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, &error, "cannot list outcomes");
    br_cli_error(error);
    goto out;
  }
  sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, port, -1, SQLITE_STATIC);
  GString *line = g_string_new("unit,port,date,result,category,severity,notes,source,run,"
                               "selection,rank,lane,score,import,import_line\r\n");
  int step;
  gboolean ok = TRUE;
  while ((step = sqlite3_step(s)) == SQLITE_ROW && ok) {
    for (int c = 0; c < 15; c++)
      cell(line, s, c);
    g_string_append(line, "\r\n");
    ok = fwrite(line->str, 1, line->len, stdout) == line->len;
    g_string_truncate(line, 0);
  }
  ok = ok && fwrite(line->str, 1, line->len, stdout) == line->len && fflush(stdout) == 0;
  g_string_free(line, TRUE);
  if (step != SQLITE_DONE && step != SQLITE_ROW) {
    br_store_sql_error(store, &error, "cannot list outcomes");
    br_cli_error(error);
  } else if (!ok) {
    fprintf(stderr, "boxrank: cannot write to standard output\n");
  } else {
    rc = BR_EXIT_OK;
  }
out:
  sqlite3_finalize(s);
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  g_free(from);
  g_free(to);
  g_free(port);
  return rc;
}

int
br_cmd_outcomes(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "import") == 0)
    return outcomes_import(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "list") == 0)
    return outcomes_list(argc - 1, argv + 1);
  return br_cli_usage(
      argc, argv,
      "Usage: boxrank outcomes import FILE.csv [--db PATH] [--rejects FILE]\n"
      "       boxrank outcomes list [--db PATH] [--from DATE] [--to DATE] [--port P]\n"
      "Run 'boxrank outcomes import --help' for the file format.\n");
}
