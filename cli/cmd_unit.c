/* boxrank unit versions: every version the store keeps of a unit's manifest lines. */
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_csv_write.h"
#include "br_line_versions.h"
#include "br_store.h"

#define COLUMNS 13

static int
unit_versions(int argc, char **argv)
{
  char *db = NULL, *port = NULL, *bol = NULL;
  GOptionEntry entries[] = {
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Store (default: $BOXRANK_DB, else ./boxrank.db)",
       "PATH"},
      {"port", 0, 0, G_OPTION_ARG_STRING, &port, "Only the unit at this port", "PORT"},
      {"bol", 0, 0, G_OPTION_ARG_STRING, &bol, "The lines of this B/L (instead of a unit)", "BOL"},
      {NULL}};
  GOptionContext *ctx = g_option_context_new("[UNIT] - every version of a unit's manifest lines");
  g_option_context_set_summary(
      ctx, "Prints as CSV each version the store keeps of the lines of UNIT (or of a B/L):\n"
           "lines re-sent for the same B/L x container within a run or by a later run, with\n"
           "their status (current, superseded or deleted), the run and file that read them,\n"
           "the line or EDI message, the action the source gave and when the run read it.\n"
           "Lines sent once are not versions and are not listed.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  sqlite3_stmt *s = NULL;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv, "boxrank unit versions MSKU1234565 --port IQUQR"))
    goto out;
  if ((argc != 2 && !bol) || (argc != 1 && bol)) {
    fprintf(stderr, "boxrank: unit versions takes one UNIT, or --bol BOL alone\n"
                    "Run 'boxrank unit versions --help' for usage.\n");
    goto out;
  }
  rc = BR_EXIT_FAILURE;
  store = br_store_open(db ? db : br_store_default_path(), BR_STORE_READ_ONLY, &error);
  if (!store ||
      sqlite3_prepare_v2(br_store_db(store), BR_LINE_VERSIONS_SQL, -1, &s, NULL) != SQLITE_OK) {
    if (store)
      br_store_sql_error(store, &error, "cannot read line versions");
    br_cli_error(error);
    goto out;
  }
  sqlite3_bind_text(s, 1, bol ? NULL : argv[1], -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, port, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, bol, -1, SQLITE_STATIC);
  GString *line = g_string_new(NULL);
  for (int c = 0; c < COLUMNS; c++)
    g_string_append_printf(line, "%s%s", c ? "," : "", sqlite3_column_name(s, c));
  g_string_append(line, "\r\n");
  int step;
  guint rows = 0;
  gboolean ok = TRUE;
  while ((step = sqlite3_step(s)) == SQLITE_ROW && ok) {
    for (int c = 0; c < COLUMNS; c++) {
      if (c)
        g_string_append_c(line, ',');
      const char *text = (const char *)sqlite3_column_text(s, c);
      if (text)
        br_csv_write_field(line, text, (gsize)sqlite3_column_bytes(s, c));
    }
    g_string_append(line, "\r\n");
    ok = fwrite(line->str, 1, line->len, stdout) == line->len;
    g_string_truncate(line, 0);
    rows++;
  }
  ok = ok && fwrite(line->str, 1, line->len, stdout) == line->len && fflush(stdout) == 0;
  g_string_free(line, TRUE);
  if (step != SQLITE_DONE && step != SQLITE_ROW) {
    br_store_sql_error(store, &error, "cannot read line versions");
    br_cli_error(error);
  } else if (!ok) {
    fprintf(stderr, "boxrank: cannot write to standard output\n");
  } else {
    if (rows == 0)
      fprintf(stderr, "boxrank: %s %s has no line sent more than once\n", bol ? "B/L" : "unit",
              bol ? bol : argv[1]);
    rc = BR_EXIT_OK;
  }
out:
  sqlite3_finalize(s);
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  g_free(port);
  g_free(bol);
  return rc;
}

int
br_cmd_unit(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "versions") == 0)
    return unit_versions(argc - 1, argv + 1);
  return br_cli_usage(argc, argv,
                      "Usage: boxrank unit versions UNIT [--port P] [--db PATH]\n"
                      "       boxrank unit versions --bol BOL [--db PATH]\n"
                      "Run 'boxrank unit versions --help' for what it prints.\n");
}
