#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "br_cli.h"
#include "br_store.h"

static const BrCommand commands[] = {
    {"rank", "score manifests and write ranked inspection lists per port", br_cmd_rank},
    {"merge", "combine the partials of a partitioned rank into its lists", br_cmd_merge},
    {"rules", "check and test rule packs", br_cmd_rules},
    {"pack", "print a rule pack's effective settings, defaults filled in", br_cmd_pack},
    {"backtest", "precision and recall at k% of a pack on labelled history", br_cmd_backtest},
    {"tune", "fit a pack's rule weights on labelled history (weights.ini)", br_cmd_tune},
    {"mine", "propose candidate rules from labelled history", br_cmd_mine},
    {"outcomes", "import inspection results into the store, and list them", br_cmd_outcomes},
    {"unit", "every version of a unit's manifest lines kept in the store", br_cmd_unit},
    {"report", "hit rates per rule, port, lane and month (HTML, CSV, JSON)", br_cmd_report},
    {"watchlist", "import watchlists, screen names, record exceptions", br_cmd_watchlist},
    {"serve", "the worklist, hit review, reports and audit in a browser", br_cmd_serve},
    {"user", "add accounts for boxrank serve", br_cmd_user},
    {"profile", "check a column profile against a manifest (profile check)", br_cmd_profile},
    {"fields", "list the canonical manifest fields, their types and meaning", br_cmd_fields},
};

static void
usage(FILE *out)
{
  fprintf(out, "Usage: boxrank COMMAND [OPTIONS...]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nRun 'boxrank COMMAND --help' for a command's options.\n"
               "Example:\n  boxrank rank samples/manifests/iraq-sample.csv --rules rules/ccp "
               "--profile feeds/profiles/sample.ini --out out/\n");
}

gboolean
br_cli_parse(GOptionContext *ctx, int *argc, char ***argv, const char *example)
{
  GError *error = NULL;
  if (example) {
    char *desc = g_strdup_printf("Example:\n  %s\n", example);
    g_option_context_set_description(ctx, desc);
    g_free(desc);
  }
  if (!g_option_context_parse(ctx, argc, argv, &error)) {
    fprintf(stderr, "boxrank: %s\nRun with --help for usage.\n", error->message);
    g_error_free(error);
    return FALSE;
  }
  /* GOption stops at "--" and leaves it in place: what follows is operands ("watchlist match
   * -- -NAME", a name starting with a dash), and "--" itself is none of them. */
  for (int i = 1; i < *argc; i++)
    if (strcmp((*argv)[i], "--") == 0) {
      memmove(&(*argv)[i], &(*argv)[i + 1], (size_t)(*argc - i) * sizeof(char *));
      (*argc)--;
      break;
    }
  return TRUE;
}

void
br_cli_error(GError *error)
{
  if (!error)
    return;
  fprintf(stderr, "boxrank: %s\n", error->message);
  g_error_free(error);
}

int
br_cli_usage(int argc, char **argv, const char *usage)
{
  gboolean asked = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
  fputs(usage, asked ? stdout : stderr);
  return asked ? BR_EXIT_OK : BR_EXIT_USAGE;
}

gboolean
br_cli_show_progress(void)
{
  return isatty(STDERR_FILENO) && !g_getenv("CI");
}

int
main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return BR_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return BR_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("boxrank %s\n", BR_VERSION);
    return BR_EXIT_OK;
  }
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "boxrank: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return BR_EXIT_USAGE;
}

gboolean
br_cli_seed(const char *command, const char *text, guint64 *seed)
{
  *seed = 0;
  if (!text)
    return TRUE;
  gint32 day;
  if (strlen(text) == 10 && br_store_date_parse(text, &day)) {
    *seed = g_ascii_strtoull(text, NULL, 10) * 10000 + g_ascii_strtoull(text + 5, NULL, 10) * 100 +
            g_ascii_strtoull(text + 8, NULL, 10);
    return TRUE;
  }
  guint64 v;
  if (g_ascii_string_to_unsigned(text, 10, 0, G_MAXINT64, &v, NULL)) {
    *seed = v;
    return TRUE;
  }
  fprintf(stderr, "boxrank %s: --seed takes a non-negative number or a date YYYY-MM-DD, not '%s'\n",
          command, text);
  return FALSE;
}

gboolean
br_cli_threads(const char *command, gint threads)
{
  if (threads >= 0 && threads <= BR_CLI_THREADS_MAX)
    return TRUE;
  fprintf(stderr,
          "boxrank %s: --threads takes 0 (one per core) to %d, not %d: more threads than cores "
          "only cost memory\n",
          command, BR_CLI_THREADS_MAX, threads);
  return FALSE;
}
