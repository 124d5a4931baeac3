/* boxrank tune: fit a pack's rule weights on labelled history and write weights.ini. */
#include <stdio.h>
#include <string.h>

#include "br_backtest.h"
#include "br_cli.h"
#include "br_labels.h"
#include "br_reference.h"
#include "br_tune.h"

/* Precision@k of the pack as it stands on the held-out file, one BrAtK per k; *units and
 * *positives count the file's units. */
static BrAtK *
holdout_precision(const BrLabelsRun *run, const char *path, const BrHistory *history, int cut,
                  const GArray *ks, guint64 seed, guint *units, guint *positives, guint64 *rejected,
                  GError **error)
{
  BrPipelineResult result = {0};
  BrAtK *at = NULL;
  if (br_labels_score_file(run, path, history, cut, &result, rejected, error)) {
    BrBacktest *bt = br_backtest_run(result.units, run->pack, BR_PERIOD_ALL,
                                     (const double *)(void *)ks->data, ks->len, seed);
    const BrBacktestPeriod *all = g_ptr_array_index(bt->periods, 0);
    at = g_memdup2(all->at, ks->len * sizeof *at);
    *units = all->units;
    *positives = all->positives;
    br_backtest_free(bt);
  }
  br_pipeline_result_clear(&result);
  return at;
}

static void
print_comparison(const BrAtK *before, const BrAtK *after, guint nk, const char *holdout,
                 guint units, guint positives)
{
  printf("\nheld out: %s, %u units, %u positive (base rate %.3f)\n", holdout, units, positives,
         units ? (double)positives / units : 0.0);
  printf("%-8s %10s %10s %10s\n", "k%", "before", "after", "change");
  for (guint i = 0; i < nk; i++)
    printf("p@%-6g %10.3f %10.3f %+10.3f\n", before[i].k, before[i].precision, after[i].precision,
           after[i].precision - before[i].precision);
}

int
br_cmd_tune(int argc, char **argv)
{
  char *rules_dir = NULL, *profile_path = NULL, *label = NULL, *period_text = NULL;
  char *k_text = NULL, *out_path = NULL, *holdout = NULL, *reference_dir = NULL;
  BrReference *reference = NULL;
  gboolean replay = FALSE;
  double l2 = 10.0;
  gint threads = 0;
  char *seed_text = NULL;
  guint64 seed = 0;
  GOptionEntry entries[] = {
      {"rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rule pack folder (required)", "PACK"},
      {"profile", 'p', 0, G_OPTION_ARG_FILENAME, &profile_path, "Column profile of the input",
       "FILE"},
      {"label", 'l', 0, G_OPTION_ARG_STRING, &label,
       "Numeric column with each line's known outcome, > 0 when something was found (required)",
       "COLUMN"},
      {"period", 0, 0, G_OPTION_ARG_STRING, &period_text,
       "Training lines see the history of earlier periods: month (default), week or day", "PERIOD"},
      {"l2", 0, 0, G_OPTION_ARG_DOUBLE, &l2,
       "L2 penalty on the weights, worth that many labelled units of evidence (default 10)",
       "LAMBDA"},
      {"holdout", 0, 0, G_OPTION_ARG_FILENAME, &holdout,
       "A later labelled file to report precision@k on, before and after", "FILE"},
      {"replay", 0, 0, G_OPTION_ARG_NONE, &replay,
       "On the held-out file, history rules also learn from its earlier periods", NULL},
      {"reference", 0, 0, G_OPTION_ARG_FILENAME, &reference_dir,
       "Folder of the code tables unknown_locode/unknown_hs/unknown_size_type rules read", "DIR"},
      {"k", 'k', 0, G_OPTION_ARG_STRING, &k_text,
       "Inspection budgets in percent of units (default: 1,2,5,10)", "LIST"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
       "Write the weights to FILE (without it nothing is written; PACK/weights.ini puts them "
       "in the pack, in place of its files' weights)",
       "FILE"},
      {"seed", 's', 0, G_OPTION_ARG_STRING, &seed_text,
       "Seed of the tie-break: a number or a date YYYY-MM-DD (default: 0)", "S"},
      {"threads", 't', 0, G_OPTION_ARG_INT, &threads,
       "Worker threads, at most 64 (default: one per core)", "N"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("TRAIN.csv [MORE.csv ...]");
  g_option_context_set_summary(
      ctx, "Fit the weights of a pack's rules on labelled history: an L2-regularised logistic\n"
           "regression of the label on each rule's points, every training period scored with\n"
           "the history of the periods before it. Reports the weights and precision@k on a\n"
           "held-out file before and after; --out writes them as a weights.ini, which a pack\n"
           "reads in place of the weights its rule files give when it holds one.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_USAGE;
  BrProfile *profile = NULL;
  BrPack *pack = NULL;
  BrEntityKeys *keys = NULL;
  BrHistory *history = NULL, *holdout_history = NULL;
  BrUnitTable *train = NULL;
  BrTune *tune = NULL;
  BrAtK *before = NULL, *after = NULL;
  char *ini = NULL;
  GArray *ks = g_array_new(FALSE, FALSE, sizeof(double));
  GError *error = NULL;
  guint64 rejected = 0;
  BrPeriod period = BR_PERIOD_MONTH;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank tune ../shared/data/kcs/train.csv --rules rules/kcs \\\n"
                    "      --profile feeds/profiles/kcs.ini --label Fraud \\\n"
                    "      --holdout ../shared/data/kcs/valid.csv --out kcs-weights.ini"))
    goto out;
  if (argc < 2 || !rules_dir || !label || !(l2 >= 0) ||
      (period_text && (!br_period_parse(period_text, &period) || period == BR_PERIOD_ALL)) ||
      !br_backtest_parse_ks(k_text ? k_text : "1,2,5,10", ks)) {
    fprintf(stderr, "boxrank tune: give training files, --rules PACK and --label COLUMN;\n"
                    "--period is month, week or day; --l2 is >= 0; --k lists percents in (0, "
                    "100].\n");
    goto out;
  }
  if (!br_cli_seed("tune", seed_text, &seed) || !br_cli_threads("tune", threads))
    goto out;
  status = BR_EXIT_FAILURE;
  profile = profile_path ? br_profile_load(profile_path, &error) : br_profile_new_identity();
  if (!profile || !(pack = br_pack_load(rules_dir, &error)) ||
      !(keys = br_entity_keys_parse(br_pack_settings(pack)->history_keys, &error)) ||
      (reference_dir && !(reference = br_reference_load(reference_dir, &error))))
    goto fail;
  BrLabelsRun run = {profile, pack, label, keys, reference, (guint)threads};

  /* Training lines learn from the history of earlier periods only, as the pack would have
   * run then: otherwise every track record would already know its own line's outcome. */
  guint units = 0;
  history = br_labels_history(&run, (const char *const *)argv + 1, NULL, &units, &rejected, &error);
  if (!history)
    goto fail;
  int cut = br_period_history_cut(period);
  for (int i = 1; i < argc; i++) {
    BrPipelineResult result = {0};
    gboolean ok = br_labels_score_file(&run, argv[i], history, cut, &result, &rejected, &error);
    if (ok && !train) {
      train = result.units;
      result.units = NULL;
    } else if (ok) {
      br_unit_table_merge(train, result.units);
    }
    br_pipeline_result_clear(&result);
    if (!ok)
      goto fail;
  }
  if (!(tune = br_tune_fit(train, pack, l2, &error)))
    goto fail;

  printf("%u labelled units, %u positive; L2 %g; %u Newton steps\n", tune->units, tune->positives,
         l2, tune->iterations);
  printf("%-24s %8s %10s %10s\n", "rule", "fires", "before", "after");
  for (guint r = 0; r < tune->nrules; r++) {
    char fitted[32] = "(kept)";
    if (tune->fitted[r])
      g_snprintf(fitted, sizeof fitted, "%.4f", tune->weights[r]);
    printf("%-24s %8u %10.4f %10s\n", br_pack_rule(pack, r)->id, tune->fires[r],
           br_pack_rule(pack, r)->weight, fitted);
  }

  if (holdout) {
    holdout_history = history;
    if (replay) {
      holdout_history =
          br_labels_history(&run, (const char *const *)argv + 1, holdout, NULL, &rejected, &error);
      if (!holdout_history)
        goto fail;
    }
    int hcut = replay ? cut : BR_HISTORY_CUT_NONE;
    guint hunits = 0, hpositives = 0;
    before = holdout_precision(&run, holdout, holdout_history, hcut, ks, seed, &hunits, &hpositives,
                               &rejected, &error);
    for (guint r = 0; before && r < tune->nrules; r++)
      br_pack_set_weight(pack, r, tune->weights[r]);
    if (before)
      after = holdout_precision(&run, holdout, holdout_history, hcut, ks, seed, &hunits,
                                &hpositives, &rejected, &error);
    if (!after)
      goto fail;
    print_comparison(before, after, ks->len, holdout, hunits, hpositives);
  }

  if (!out_path) {
    printf("\nweights not written: --out FILE writes them (PACK/weights.ini to use them in the "
           "pack)\n");
  } else {
    GString *prov =
        g_string_new("Weights fitted by boxrank tune: L2-regularised logistic regression");
    g_string_append_printf(
        prov, " (L2 %g)\nof \"%s\" on the rules' points over %u units (%u positive) of", l2, label,
        tune->units, tune->positives);
    for (int i = 1; i < argc; i++)
      g_string_append_printf(prov, " %s", argv[i]);
    g_string_append_printf(prov, ",\neach %s scored with the history of the ones before it.",
                           period_text ? period_text : "month");
    ini = br_tune_weights_ini(tune, pack, prov->str);
    g_string_free(prov, TRUE);
    if (!g_file_set_contents(out_path, ini, -1, &error))
      goto fail;
    printf("\nweights written to %s\n", out_path);
  }
  if (rejected)
    fprintf(stderr, "boxrank: %" G_GUINT64_FORMAT " rows rejected and left out\n", rejected);
  status = rejected ? BR_EXIT_REJECTS : BR_EXIT_OK;
  goto out;
fail:
  br_cli_error(error);
out:
  if (holdout_history != history)
    br_history_free(holdout_history);
  br_history_free(history);
  g_free(before);
  g_free(after);
  br_tune_free(tune);
  br_unit_table_free(train);
  br_entity_keys_free(keys);
  br_reference_free(reference);
  g_free(reference_dir);
  br_pack_free(pack);
  br_profile_free(profile);
  g_array_free(ks, TRUE);
  g_option_context_free(ctx);
  g_free(ini);
  g_free(rules_dir);
  g_free(profile_path);
  g_free(label);
  g_free(period_text);
  g_free(k_text);
  g_free(seed_text);
  g_free(out_path);
  g_free(holdout);
  return status;
}
