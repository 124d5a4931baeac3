/* boxrank report: hit rates of a period from the store, as HTML, CSV or JSON. */
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_report.h"

/* Whether any run or outcome names the port: an unknown one is most likely misspelt. */
static gboolean
port_known(BrStore *store, const char *port)
{
  sqlite3_stmt *s = NULL;
  gboolean known = TRUE;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT EXISTS (SELECT 1 FROM run_ports WHERE port = ?1)"
                         " OR EXISTS (SELECT 1 FROM outcomes WHERE port = ?1)",
                         -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, port, -1, SQLITE_STATIC);
    known = sqlite3_step(s) != SQLITE_ROW || sqlite3_column_int(s, 0);
  }
  sqlite3_finalize(s);
  return known;
}

int
br_cmd_report(int argc, char **argv)
{
  char *db = NULL, *from = NULL, *to = NULL, *port = NULL, *format_text = NULL, *out_path = NULL;
  GOptionEntry entries[] = {
      {"from", 0, 0, G_OPTION_ARG_STRING, &from, "First inspection date, YYYY-MM-DD (required)",
       "DATE"},
      {"to", 0, 0, G_OPTION_ARG_STRING, &to, "Last inspection date, YYYY-MM-DD (required)", "DATE"},
      {"port", 0, 0, G_OPTION_ARG_STRING, &port, "Only this port", "PORT"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format_text, "html, csv or json (default: html)",
       "FORMAT"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Output file (default: standard output)",
       "FILE"},
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Store (default: $BOXRANK_DB, else ./boxrank.db)",
       "PATH"},
      {NULL}};
  GOptionContext *ctx = g_option_context_new("- hit rates per rule, port, lane and month");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(
      ctx, "Exit status: 0 ok, 1 failure, 2 usage, 8 no inspections in the period (or at the\n"
           "port): the report is written and says so, and standard error names the cause.");
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  BrReport *report = NULL;
  GString *text = NULL;
  GError *error = NULL;
  BrReportFormat format = BR_REPORT_HTML;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank report --from 2026-01-01 --to 2026-03-31 --out report.html"))
    goto out;
  if (argc != 1 || !from || !to) {
    fprintf(stderr, "boxrank: report needs --from and --to and takes no files\n"
                    "Run with --help for usage.\n");
    goto out;
  }
  if (format_text && !br_report_format_parse(format_text, &format)) {
    fprintf(stderr, "boxrank: --format must be html, csv or json, not '%s'\n", format_text);
    goto out;
  }
  gint32 day;
  if (!br_store_date_parse(from, &day) || !br_store_date_parse(to, &day)) {
    fprintf(stderr, "boxrank: --from and --to are dates (YYYY-MM-DD)\n");
    goto out;
  }
  rc = BR_EXIT_FAILURE;
  store = br_store_open(db ? db : br_store_default_path(), BR_STORE_READ_ONLY, &error);
  if (!store || !(report = br_report_build(store, from, to, port, &error))) {
    br_cli_error(error);
    goto out;
  }
  text = g_string_new(NULL);
  br_report_write(report, format, text);
  gboolean empty = br_report_row_count(report) == 0;
  if (empty) {
    gboolean known = !port || port_known(store, port);
    fprintf(stderr, "boxrank report: no inspections from %s to %s%s%s%s\n", from, to,
            port ? " at " : "", port ? port : "",
            known ? "" : ": no run or outcome in the store names this port");
  }
  if (out_path && strcmp(out_path, "-") != 0) {
    /* Written whole and renamed into place: a reader never sees half a report. */
    if (!g_file_set_contents(out_path, text->str, (gssize)text->len, &error)) {
      br_cli_error(error);
      goto out;
    }
  } else if (fwrite(text->str, 1, text->len, stdout) != text->len || fflush(stdout) != 0) {
    fprintf(stderr, "boxrank: cannot write to standard output\n");
    goto out;
  }
  /* The report is written all the same (it says so too), but a script must not take an
   * empty period, or a misspelt port, for a period with nothing found. */
  rc = empty ? BR_EXIT_NOTHING : BR_EXIT_OK;
out:
  if (text)
    g_string_free(text, TRUE);
  br_report_free(report);
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  g_free(from);
  g_free(to);
  g_free(port);
  g_free(format_text);
  g_free(out_path);
  return rc;
}
