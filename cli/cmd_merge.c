/* boxrank merge: combine the partials of a partitioned run into the lists one rank would
 * write (docs/scale.md). */
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_partial.h"
#include "br_rank.h"

int
br_cmd_merge(int argc, char **argv)
{
  char *rules_dir = NULL, *out_dir = NULL, *format_text = NULL, *summary_path = NULL;
  char *seed_text = NULL, *share_text = NULL;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
      {"rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir,
       "Rule pack folder the partitions were ranked with (required)", "PACK"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
       "Output folder, or - for standard output (default: out)", "DIR"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
       "csv, jsonl or both (default: both; jsonl when --out is -)", "FORMAT"},
      {"summary", 0, 0, G_OPTION_ARG_FILENAME, &summary_path,
       "Run summary as JSON (default: OUT/summary.json; none when --out is -)", "FILE"},
      {"seed", 's', 0, G_OPTION_ARG_STRING, &seed_text,
       "Seed of the random control sample and tie-breaks: a number or a date YYYY-MM-DD "
       "(default: 0); the same seed as a single rank gives the same picks",
       "S"},
      {"max-reject-share", 0, 0, G_OPTION_ARG_STRING, &share_text,
       "Fail (exit 7, no lists) when more than this share of all partitions' lines was "
       "rejected: a fraction or a percentage (default: 5%)",
       "SHARE"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary on standard error", NULL},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("PARTIAL...");
  g_option_context_set_summary(
      ctx, "Combine the partials that 'boxrank rank --partial' wrote for the partitions of one\n"
           "run (file chunks ranked on several machines) into the per-port lists and summary\n"
           "that one 'boxrank rank' over the whole input writes: units whose lines fall in\n"
           "several partitions are completed in a merge of the partials' sorted units, which\n"
           "keeps per port only what can be listed, and every port is ranked and drawn with\n"
           "--seed. The list date and watchlists are the partials' (they must agree).\n"
           "The run is not recorded in the store. Exit status as for rank.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_FAILURE;
  BrPack *pack = NULL;
  BrPartialMerge *merge = NULL;
  GPtrArray *lists = NULL;
  GArray *rules_off = NULL;
  char *run_id = NULL;
  GError *error = NULL;
  guint64 seed = 0;
  double max_share = 0.05;
  BrFormat format;

  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank rank part1.csv --rules rules/ccp --partial p1.part && "
                    "boxrank rank part2.csv --rules rules/ccp --partial p2.part && "
                    "boxrank merge p1.part p2.part --rules rules/ccp --out out/")) {
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (argc < 2 || !rules_dir) {
    fprintf(stderr, "boxrank merge: %s\nRun 'boxrank merge --help' for usage.\n",
            argc < 2 ? "give one or more partials (boxrank rank --partial FILE)"
                     : "--rules PACK is required");
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (!br_cli_seed("merge", seed_text, &seed)) {
    status = BR_EXIT_USAGE;
    goto out;
  }
  gboolean to_stdout;
  if (!br_cli_share("merge", share_text, &max_share) ||
      !br_cli_output("merge", &out_dir, format_text, &format, &to_stdout)) {
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (!summary_path && !to_stdout)
    summary_path = g_build_filename(out_dir, "summary.json", NULL);
  if (!to_stdout && !br_cli_prepare_out(out_dir, &error))
    goto fail;

  gint64 start = g_get_monotonic_time();
  run_id = br_output_run_id(g_get_real_time() / G_USEC_PER_SEC);
  pack = br_pack_load(rules_dir, &error);
  if (!pack)
    goto fail;
  merge = br_partial_merge_new(pack);
  for (int i = 1; i < argc; i++)
    if (!br_partial_merge_add(merge, argv[i], &error))
      goto fail;
  const char *rejects = merge->rejects->len ? merge->rejects->str : NULL;
  if (br_cli_rejects_over(merge->inputs->str, merge->rows_read, merge->rows_rejected, max_share,
                          rejects ? rejects : "(none)")) {
    status = BR_EXIT_TOO_MANY_REJECTS;
    goto out;
  }
  lists = br_partial_merge_select(merge, seed, &error);
  if (!lists)
    goto fail;
  rules_off = br_output_rules_off(&merge->result, merge->resolutions);
  BrListStamp stamp = {run_id, merge->list_date, seed, merge->watch, rules_off};
  gboolean written = to_stdout
                         ? br_cli_write_stdout(lists, pack, &stamp, format)
                         : br_output_write_lists(lists, pack, &stamp, out_dir, format, &error);
  if (!written)
    goto fail;
  BrRunSummary summary = {
      .input = merge->inputs->str,
      .profile = merge->profile,
      .pack = pack,
      .stamp = &stamp,
      .threads = 1, /* the merge's own */
      .rows_read = merge->rows_read,
      .rows_rejected = merge->rows_rejected,
      .reject_path = merge->rows_rejected ? rejects : NULL,
      .elapsed_s = (g_get_monotonic_time() - start) / 1e6,
      .units = merge->units,
      .result = &merge->result,
      .lists = lists,
  };
  if (!br_cli_write_summary(&summary, summary_path, quiet, &error))
    goto fail;
  status = br_cli_run_status(&merge->result, pack, merge->rows_rejected);
  goto out;

fail:
  br_cli_error(error);
  status = BR_EXIT_FAILURE;
out:
  if (lists)
    g_ptr_array_free(lists, TRUE);
  if (rules_off)
    g_array_unref(rules_off);
  br_partial_merge_free(merge);
  br_pack_free(pack);
  g_option_context_free(ctx);
  g_free(rules_dir);
  g_free(out_dir);
  g_free(format_text);
  g_free(summary_path);
  g_free(seed_text);
  g_free(share_text);
  g_free(run_id);
  return status;
}
