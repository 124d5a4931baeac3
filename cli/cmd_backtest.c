/* boxrank backtest: how a pack would have ranked units whose outcome is known. */
#include <stdio.h>
#include <string.h>

#include "br_backtest.h"
#include "br_cli.h"
#include "br_feed.h"
#include "br_labels.h"
#include "br_pipeline.h"

int
br_cmd_backtest(int argc, char **argv)
{
  char *rules_dir = NULL, *profile_path = NULL, *label = NULL, *period_text = NULL;
  char *k_text = NULL, *json_path = NULL;
  char **history_files = NULL;
  gboolean replay = FALSE;
  gint threads = 0;
  gint64 seed = 0;
  GOptionEntry entries[] = {
      {"rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rule pack folder (required)", "PACK"},
      {"profile", 'p', 0, G_OPTION_ARG_FILENAME, &profile_path, "Column profile of the input",
       "FILE"},
      {"label", 'l', 0, G_OPTION_ARG_STRING, &label,
       "Numeric column with each line's known outcome, > 0 when something was found (required)",
       "COLUMN"},
      {"period", 0, 0, G_OPTION_ARG_STRING, &period_text,
       "Rank per all, month, week or day (default: month)", "PERIOD"},
      {"k", 'k', 0, G_OPTION_ARG_STRING, &k_text,
       "Inspection budgets in percent of units (default: 1,2,5,10)", "LIST"},
      {"seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the tie-break (default: 0)", "S"},
      {"threads", 't', 0, G_OPTION_ARG_INT, &threads, "Worker threads (default: one per core)",
       "N"},
      {"json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Also write the results as JSON", "FILE"},
      {"history", 'H', 0, G_OPTION_ARG_FILENAME_ARRAY, &history_files,
       "Earlier labelled lines (same profile and label) that history rules learn from; repeat "
       "for several files",
       "FILE"},
      {"replay", 0, 0, G_OPTION_ARG_NONE, &replay,
       "History rules also learn from the backtested file's own labels, each period seeing only "
       "the periods before it",
       NULL},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("MANIFEST.csv");
  g_option_context_set_summary(
      ctx, "Score labelled history with a pack and report, per period, the share of positives\n"
           "among the top k% of units (precision@k) and the share of positives they catch\n"
           "(recall@k), and per rule its fires, hits, precision and lift over the base rate.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_USAGE;
  BrProfile *profile = NULL;
  BrPack *pack = NULL;
  BrPipelineResult result = {0};
  BrBacktest *bt = NULL;
  BrEntityKeys *keys = NULL;
  BrHistory *history = NULL;
  guint64 rejected = 0;
  GArray *ks = g_array_new(FALSE, FALSE, sizeof(double));
  GError *error = NULL;
  BrPeriod period = BR_PERIOD_MONTH;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank backtest ../shared/data/kcs/valid.csv --rules rules/kcs "
                    "--profile feeds/profiles/kcs.ini --label Fraud \\\n"
                    "      --history ../shared/data/kcs/train.csv --k 1,2,5,10"))
    goto out;
  if (argc != 2 || !rules_dir || !label || threads < 0 || seed < 0 ||
      (period_text && !br_period_parse(period_text, &period)) ||
      !br_backtest_parse_ks(k_text ? k_text : "1,2,5,10", ks)) {
    fprintf(stderr, "boxrank backtest: give one manifest, --rules PACK and --label COLUMN;\n"
                    "--period is all, month, week or day; --k lists percents in (0, 100].\n");
    goto out;
  }
  status = BR_EXIT_FAILURE;
  profile = profile_path ? br_profile_load(profile_path, &error) : br_profile_new_identity();
  if (!profile || !(pack = br_pack_load(rules_dir, &error)))
    goto fail;
  int cut = BR_HISTORY_CUT_NONE;
  if (history_files || replay) {
    /* History rules learn from labels strictly before each period: what the pack would have
     * known had it run then. */
    if (!(keys = br_entity_keys_parse(br_pack_settings(pack)->history_keys, &error)))
      goto fail;
    GPtrArray *files = g_ptr_array_new();
    for (char **f = history_files; f && *f; f++)
      g_ptr_array_add(files, *f);
    if (replay)
      g_ptr_array_add(files, argv[1]);
    g_ptr_array_add(files, NULL);
    guint units = 0;
    history = br_labels_history((const char *const *)files->pdata, profile, pack, label, keys,
                                (guint)threads, &units, &rejected, &error);
    g_ptr_array_free(files, TRUE);
    if (!history)
      goto fail;
    cut = br_period_history_cut(period);
    fprintf(stderr, "boxrank: history of %u labelled units\n", units);
  }
  if (!br_labels_score_file(argv[1], profile, pack, label, keys, history, cut, (guint)threads,
                            &result, &rejected, &error))
    goto fail;
  bt = br_backtest_run(result.units, pack, period, (const double *)(void *)ks->data, ks->len,
                       (guint64)seed);
  GString *text = g_string_new(NULL);
  br_backtest_text(text, bt, pack);
  fputs(text->str, stdout);
  if (rejected)
    fprintf(stderr, "boxrank: %" G_GUINT64_FORMAT " rows rejected and left out\n", rejected);
  gboolean ok = TRUE;
  if (json_path) {
    g_string_truncate(text, 0);
    br_backtest_json(text, bt, pack);
    ok = g_file_set_contents(json_path, text->str, (gssize)text->len, &error);
  }
  g_string_free(text, TRUE);
  if (!ok)
    goto fail;
  status = rejected ? BR_EXIT_REJECTS : BR_EXIT_OK;
  goto out;
fail:
  br_cli_error(error);
out:
  br_backtest_free(bt);
  br_pipeline_result_clear(&result);
  br_history_free(history);
  br_entity_keys_free(keys);
  br_pack_free(pack);
  br_profile_free(profile);
  g_array_free(ks, TRUE);
  g_option_context_free(ctx);
  g_free(rules_dir);
  g_free(profile_path);
  g_free(label);
  g_free(period_text);
  g_free(k_text);
  g_free(json_path);
  g_strfreev(history_files);
  return status;
}
