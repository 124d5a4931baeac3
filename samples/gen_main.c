/* boxrank-gen: deterministic test data for boxrank. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "gen_manifest.h"

#define GEN_EXIT_OK 0
#define GEN_EXIT_FAILURE 1
#define GEN_EXIT_USAGE 2

static const char example[] =
    "Example:\n"
    "  boxrank-gen manifest --lines 3000 --seed 20260301 --start-date 2026-03-01 --days 7 \\\n"
    "      --out iraq-sample.csv --truth iraq-sample.truth.csv\n"
    "\n"
    "Writes a manifest of Iraqi entry points (Umm Qasr, Khor al Zubair, Basra, Safwan, Zakho,\n"
    "Baghdad dry port, Mandali) in the column layout of feeds/profiles/sample.ini. About 4% of\n"
    "the lines carry a planted suspicious pattern; --truth lists them (line, container, B/L,\n"
    "pattern). The same arguments always give the same bytes.\n";

static int
cmd_manifest(int argc, char **argv)
{
  gint64 lines = -1;
  gint64 seed = 1;
  gint days = 7;
  char *start = NULL, *out_path = NULL, *truth_path = NULL;
  GError *error = NULL;
  FILE *out = NULL, *truth = NULL;
  int rc = GEN_EXIT_USAGE;
  GOptionEntry entries[] = {
      {"lines", 'n', 0, G_OPTION_ARG_INT64, &lines, "data lines to write (required)", "N"},
      {"seed", 's', 0, G_OPTION_ARG_INT64, &seed, "random seed (default 1)", "S"},
      {"start-date", 0, 0, G_OPTION_ARG_STRING, &start, "first ETA (default 2026-03-01)",
       "YYYY-MM-DD"},
      {"days", 'd', 0, G_OPTION_ARG_INT, &days, "ETAs spread over D days (default 7)", "D"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "output file, - for stdout (default)",
       "FILE"},
      {"truth", 0, 0, G_OPTION_ARG_FILENAME, &truth_path, "also write the planted patterns here",
       "FILE"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("- write a sample manifest");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_description(ctx, example);
  GenOptions opt = {0};
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "boxrank-gen: %s\nRun 'boxrank-gen manifest --help' for usage.\n",
            error->message);
    goto out;
  }
  if (argc > 1) {
    fprintf(stderr, "boxrank-gen: unexpected argument '%s'\n", argv[1]);
    goto out;
  }
  if (lines < 0) {
    fprintf(stderr, "boxrank-gen: --lines N is required (N >= 0)\n");
    goto out;
  }
  if (days < 1 || days > 3660) {
    fprintf(stderr, "boxrank-gen: --days must be between 1 and 3660, got %d\n", days);
    goto out;
  }
  if (!gen_date_parse(start ? start : "2026-03-01", &opt.start_day)) {
    fprintf(stderr, "boxrank-gen: --start-date '%s' is not a date YYYY-MM-DD\n", start);
    goto out;
  }
  opt.lines = (guint64)lines;
  opt.seed = (guint64)seed;
  opt.days = (guint)days;

  rc = GEN_EXIT_FAILURE;
  const char *out_name = out_path && strcmp(out_path, "-") != 0 ? out_path : "<stdout>";
  out = out_path && strcmp(out_path, "-") != 0 ? fopen(out_path, "wb") : stdout;
  if (!out) {
    fprintf(stderr, "boxrank-gen: %s: cannot open for writing: %s\n", out_path, g_strerror(errno));
    goto out;
  }
  if (truth_path && !(truth = fopen(truth_path, "wb"))) {
    fprintf(stderr, "boxrank-gen: %s: cannot open for writing: %s\n", truth_path,
            g_strerror(errno));
    goto out;
  }
  if (!gen_manifest_write(&opt, out, out_name, truth, truth_path, &error)) {
    fprintf(stderr, "boxrank-gen: %s\n", error->message);
    goto out;
  }
  rc = GEN_EXIT_OK;
out:
  if (out && out != stdout && fclose(out) != 0 && rc == GEN_EXIT_OK) {
    fprintf(stderr, "boxrank-gen: %s: %s\n", out_path, g_strerror(errno));
    rc = GEN_EXIT_FAILURE;
  }
  if (truth && fclose(truth) != 0 && rc == GEN_EXIT_OK) {
    fprintf(stderr, "boxrank-gen: %s: %s\n", truth_path, g_strerror(errno));
    rc = GEN_EXIT_FAILURE;
  }
  g_clear_error(&error);
  g_option_context_free(ctx);
  g_free(start);
  g_free(out_path);
  g_free(truth_path);
  return rc;
}

static void
usage(FILE *f)
{
  fprintf(f,
          "Usage: boxrank-gen COMMAND [OPTIONS...]\n\n"
          "Commands:\n"
          "  manifest   write a deterministic sample manifest (CSV)\n\n"
          "Run 'boxrank-gen manifest --help' for its options.\n\n%s",
          example);
}

int
main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return GEN_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return GEN_EXIT_OK;
  }
  if (strcmp(argv[1], "manifest") == 0)
    return cmd_manifest(argc - 1, argv + 1);
  fprintf(stderr, "boxrank-gen: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return GEN_EXIT_USAGE;
}
