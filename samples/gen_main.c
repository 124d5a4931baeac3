/* boxrank-gen: deterministic test data for boxrank. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "gen_edi.h"
#include "gen_manifest.h"
#include "gen_outcomes.h"

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
  gint64 seed = 1, world_seed = 0, serial_base = 0;
  gint days = 7;
  char *start = NULL, *out_path = NULL, *truth_path = NULL, *format = NULL;
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
      {"world-seed", 0, 0, G_OPTION_ARG_INT64, &world_seed,
       "seed of the traders, goods and routes (default: --seed); days of one place share it", "W"},
      {"serial-base", 0, 0, G_OPTION_ARG_INT64, &serial_base,
       "first container and B/L serial (default 0); distinct bases never repeat a box", "N"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format,
       "csv (default), cuscar (UN/EDIFACT D:95B) or x12 (309): the same lines in each", "FORMAT"},
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
  if (format && strcmp(format, "csv") != 0 && strcmp(format, "cuscar") != 0 &&
      strcmp(format, "x12") != 0) {
    fprintf(stderr, "boxrank-gen: --format takes csv, cuscar or x12, not '%s'\n", format);
    goto out;
  }
  opt.lines = (guint64)lines;
  opt.seed = (guint64)seed;
  opt.days = (guint)days;
  if (world_seed < 0 || serial_base < 0 || serial_base > 900000) {
    fprintf(stderr, "boxrank-gen: --world-seed takes N >= 0, --serial-base 0 to 900000\n");
    rc = GEN_EXIT_USAGE;
    goto out;
  }
  opt.world_seed = (guint64)world_seed;
  opt.serial_base = (guint64)serial_base;

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
  if (!format || strcmp(format, "csv") == 0) {
    if (!gen_manifest_write(&opt, out, out_name, truth, truth_path, &error)) {
      fprintf(stderr, "boxrank-gen: %s\n", error->message);
      goto out;
    }
  } else {
    /* The EDI formats carry the CSV's lines: write it to memory, then convert. */
    char *csv = NULL;
    size_t csv_len = 0;
    FILE *mem = open_memstream(&csv, &csv_len);
    char date[11];
    gen_date_format(opt.start_day, date);
    gboolean ok = mem && gen_manifest_write(&opt, mem, out_name, truth, truth_path, &error);
    if (mem)
      fclose(mem);
    ok = ok && gen_edi_write(csv, csv_len,
                             strcmp(format, "x12") == 0 ? GEN_EDI_X12 : GEN_EDI_CUSCAR, date,
                             out, &error);
    free(csv);
    if (!ok) {
      fprintf(stderr, "boxrank-gen: %s\n", error ? error->message : g_strerror(errno));
      goto out;
    }
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
  g_free(format);
  return rc;
}

static int
cmd_outcomes(int argc, char **argv)
{
  char *manifest = NULL, *truth = NULL, *date = NULL, *out_path = NULL, *lists = NULL;
  gint64 seed = 1;
  GOptionEntry entries[] = {
      {"manifest", 'm', 0, G_OPTION_ARG_FILENAME, &manifest, "the manifest (required)", "FILE"},
      {"truth", 't', 0, G_OPTION_ARG_FILENAME, &truth, "its --truth file (required)", "FILE"},
      {"lists", 'l', 0, G_OPTION_ARG_FILENAME, &lists,
       "a 'boxrank rank' output folder: every unit on its lists is inspected", "DIR"},
      {"seed", 's', 0, G_OPTION_ARG_INT64, &seed, "random seed (default 1)", "S"},
      {"date", 'd', 0, G_OPTION_ARG_STRING, &date,
       "first inspection date; results fall on this day and the three after (required)",
       "YYYY-MM-DD"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "output file (default: standard output)",
       "FILE"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("- plausible inspection outcomes for a manifest");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_description(
      ctx, "Most units with a planted pattern are inspected and most of those find something;\n"
           "a few other units are inspected, and rarely find anything.\n\nExample:\n"
           "  boxrank-gen outcomes --manifest iraq-sample.csv --truth iraq-sample.truth.csv \\\n"
           "      --lists out/ --seed 7 --date 2026-03-02 --out iraq-sample-outcomes.csv\n");
  GError *error = NULL;
  int rc = GEN_EXIT_USAGE;
  FILE *out = stdout;
  GDate d;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "boxrank-gen outcomes: %s\n", error->message);
    goto done;
  }
  g_date_clear(&d, 1);
  if (date)
    g_date_set_parse(&d, date);
  if (!manifest || !truth || !date || !g_date_valid(&d) || seed < 0) {
    fprintf(stderr,
            "boxrank-gen outcomes: --manifest, --truth and --date YYYY-MM-DD are required\n");
    goto done;
  }
  rc = GEN_EXIT_FAILURE;
  if (out_path && !(out = fopen(out_path, "wb"))) {
    fprintf(stderr, "boxrank-gen: %s: cannot open for writing: %s\n", out_path, g_strerror(errno));
    out = NULL;
    goto done;
  }
  GenOutcomesOptions opt = {manifest, truth, lists, (guint64)seed,
                            (gint32)g_date_get_julian(&d) - 719163};
  if (!gen_outcomes_write(&opt, out, &error)) {
    fprintf(stderr, "boxrank-gen: %s\n", error->message);
    goto done;
  }
  rc = GEN_EXIT_OK;
done:
  if (out && out != stdout && fclose(out) != 0 && rc == GEN_EXIT_OK)
    rc = GEN_EXIT_FAILURE;
  g_clear_error(&error);
  g_option_context_free(ctx);
  g_free(manifest);
  g_free(truth);
  g_free(lists);
  g_free(date);
  g_free(out_path);
  return rc;
}

static void
usage(FILE *f)
{
  fprintf(f,
          "Usage: boxrank-gen COMMAND [OPTIONS...]\n\n"
          "Commands:\n"
          "  manifest   write a deterministic sample manifest (CSV)\n"
          "  outcomes   write plausible inspection outcomes for a manifest's units (CSV)\n\n"
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
  if (strcmp(argv[1], "outcomes") == 0)
    return cmd_outcomes(argc - 1, argv + 1);
  fprintf(stderr, "boxrank-gen: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return GEN_EXIT_USAGE;
}
