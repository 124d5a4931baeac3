/* boxrank report: hit rates of a period from the store, as HTML, CSV or JSON. */
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_report.h"

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
  store = br_store_open(db ? db : br_store_default_path(), BR_STORE_EXISTING, &error);
  if (!store || !(report = br_report_build(store, from, to, port, &error))) {
    br_cli_error(error);
    goto out;
  }
  text = g_string_new(NULL);
  br_report_write(report, format, text);
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
  rc = BR_EXIT_OK;
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
