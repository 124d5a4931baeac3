/* boxrank backtest: how a pack would have ranked units whose outcome is known. */
#include <stdio.h>
#include <string.h>

#include "br_backtest.h"
#include "br_backtest_compare.h"
#include "br_cli.h"
#include "br_feed.h"
#include "br_feedback.h"
#include "br_labels.h"
#include "br_pipeline.h"
#include "br_reference.h"

/* One pack's backtest: the pack, its history keys and history, the scored units. */
typedef struct {
  BrPack *pack;
  BrEntityKeys *keys;
  BrHistory *history;
  BrPipelineResult result;
  BrBacktest *bt;
} Side;

static void
side_clear(Side *side)
{
  br_backtest_free(side->bt);
  br_pipeline_result_clear(&side->result);
  br_history_free(side->history);
  br_entity_keys_free(side->keys);
  br_pack_free(side->pack);
}

typedef struct {
  const char *manifest;
  const BrProfile *profile;
  const char *label;
  char **history_files;
  gboolean replay;
  BrPeriod period;
  const GArray *ks;
  const BrReference *reference;
  guint threads;
  guint64 seed;
} Setup;

static gboolean
side_run(Side *side, const char *rules_dir, const Setup *st, guint64 *rejected, GError **error)
{
  if (!(side->pack = br_pack_load(rules_dir, error)))
    return FALSE;
  int cut = BR_HISTORY_CUT_NONE;
  if (st->history_files || st->replay) {
    /* History rules learn from labels strictly before each period: what the pack would have
     * known had it run then. */
    if (!(side->keys = br_entity_keys_parse(br_pack_settings(side->pack)->history_keys, error)))
      return FALSE;
  }
  BrLabelsRun run = {st->profile, side->pack, st->label, side->keys, st->reference, st->threads};
  if (side->keys) {
    guint units = 0;
    side->history = br_labels_history(&run, (const char *const *)st->history_files,
                                      st->replay ? st->manifest : NULL, &units, rejected, error);
    if (!side->history)
      return FALSE;
    cut = br_period_history_cut(st->period);
    fprintf(stderr, "boxrank: %s: history of %u labelled units\n", rules_dir, units);
  }
  if (!br_labels_score_file(&run, st->manifest, side->history, cut, &side->result, rejected, error))
    return FALSE;
  side->bt = br_backtest_run(side->result.units, side->pack, st->period,
                             (const double *)(void *)st->ks->data, st->ks->len, st->seed);
  return TRUE;
}

int
br_cmd_backtest(int argc, char **argv)
{
  char *rules_dir = NULL, *profile_path = NULL, *label = NULL, *period_text = NULL;
  char *k_text = NULL, *json_path = NULL;
  char **history_files = NULL, *compare_dir = NULL, *reference_dir = NULL, *feedback_text = NULL;
  BrReference *reference = NULL;
  gboolean replay = FALSE;
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
       "Rank per all, month, week or day (default: month)", "PERIOD"},
      {"k", 'k', 0, G_OPTION_ARG_STRING, &k_text,
       "Inspection budgets in percent of units (default: 1,2,5,10)", "LIST"},
      {"seed", 's', 0, G_OPTION_ARG_STRING, &seed_text,
       "Seed of the tie-break: a number or a date YYYY-MM-DD (default: 0)", "S"},
      {"threads", 't', 0, G_OPTION_ARG_INT, &threads,
       "Worker threads, at most 64 (default: one per core)", "N"},
      {"json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Also write the results as JSON", "FILE"},
      {"history", 'H', 0, G_OPTION_ARG_FILENAME_ARRAY, &history_files,
       "Earlier labelled lines (same profile and label) that history rules learn from; repeat "
       "for several files",
       "FILE"},
      {"replay", 0, 0, G_OPTION_ARG_NONE, &replay,
       "History rules also learn from the backtested file's own labels, each period seeing only "
       "the periods before it",
       NULL},
      {"feedback", 0, 0, G_OPTION_ARG_STRING, &feedback_text,
       "Replay the file in time order, drawing each day's lists per port as rank does, the "
       "history learning from every labelled unit (all) or only from the units the lists "
       "inspected (inspected, reported beside all): p@k, hits found and the hit rates of "
       "targeted, explore and random picks per period",
       "inspected|all"},
      {"reference", 0, 0, G_OPTION_ARG_FILENAME, &reference_dir,
       "Folder of the code tables unknown_locode/unknown_hs/unknown_size_type rules read", "DIR"},
      {"compare", 'c', 0, G_OPTION_ARG_FILENAME, &compare_dir,
       "A second pack (e.g. the next version) run the same way: precision@k and recall@k of "
       "both, its load on capacity, and the units that enter and leave the inspected set (all "
       "of them in --json)",
       "PACK_B"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("MANIFEST.csv");
  g_option_context_set_summary(
      ctx, "Score labelled history with a pack and report, per period, the share of positives\n"
           "among the top k% of units (precision@k) and the share of positives they catch\n"
           "(recall@k), per rule its fires, hits, precision and lift over the base rate, and\n"
           "the load the picks put on each port's capacity. With --compare, the same for a\n"
           "second pack, and which units it would inspect instead: the dry run before\n"
           "switching a new pack version on.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_USAGE;
  BrProfile *profile = NULL;
  Side a = {0}, b = {0};
  guint64 rejected = 0;
  GArray *ks = g_array_new(FALSE, FALSE, sizeof(double));
  GError *error = NULL;
  BrPeriod period = BR_PERIOD_MONTH;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank backtest ../shared/data/kcs/valid.csv --rules rules/kcs "
                    "--profile feeds/profiles/kcs.ini --label Fraud \\\n"
                    "      --history ../shared/data/kcs/train.csv --k 1,2,5,10"))
    goto out;
  if (argc != 2 || !rules_dir || !label ||
      (period_text && !br_period_parse(period_text, &period)) ||
      !br_backtest_parse_ks(k_text ? k_text : "1,2,5,10", ks)) {
    fprintf(stderr, "boxrank backtest: give one manifest, --rules PACK and --label COLUMN;\n"
                    "--period is all, month, week or day; --k lists percents in (0, 100].\n");
    goto out;
  }
  if (!br_cli_seed("backtest", seed_text, &seed) || !br_cli_threads("backtest", threads))
    goto out;
  status = BR_EXIT_FAILURE;
  profile = profile_path ? br_profile_load(profile_path, &error) : br_profile_new_identity();
  if (!profile)
    goto fail;
  if (reference_dir && !(reference = br_reference_load(reference_dir, &error)))
    goto fail;
  BrFeedback feedback = BR_FEEDBACK_ALL;
  if (feedback_text && (!br_feedback_parse(feedback_text, &feedback) || compare_dir || replay ||
                        json_path || period == BR_PERIOD_ALL)) {
    fprintf(stderr, "boxrank backtest: --feedback is inspected or all, with --period month, "
                    "week or day, and without --compare, --replay or --json\n");
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (feedback_text) {
    if (!(a.pack = br_pack_load(rules_dir, &error)) ||
        !(a.keys = br_entity_keys_parse(br_pack_settings(a.pack)->history_keys, &error)))
      goto fail;
    BrLabelsRun run = {profile, a.pack, label, a.keys, reference, (guint)threads};
    BrFeedbackRun *runs[2] = {NULL, NULL};
    BrFeedback modes[2] = {feedback, BR_FEEDBACK_ALL};
    guint nruns = feedback == BR_FEEDBACK_INSPECTED ? 2 : 1;
    for (guint r = 0; r < nruns && (r == 0 || runs[r - 1]); r++)
      runs[r] = br_feedback_run(&run, (const char *const *)history_files, argv[1], modes[r], period,
                                (const double *)(void *)ks->data, ks->len, (guint64)seed,
                                r == 0 ? &rejected : NULL, &error);
    gboolean ok = runs[nruns - 1] != NULL;
    if (ok) {
      GString *text = g_string_new(NULL);
      br_feedback_text(text, runs, nruns);
      fputs(text->str, stdout);
      g_string_free(text, TRUE);
    }
    for (guint r = 0; r < nruns; r++)
      br_feedback_run_free(runs[r]);
    if (!ok)
      goto fail;
    if (rejected)
      fprintf(stderr, "boxrank: %" G_GUINT64_FORMAT " rows rejected and left out\n", rejected);
    status = rejected ? BR_EXIT_REJECTS : BR_EXIT_OK;
    goto out;
  }
  Setup st = {.manifest = argv[1],
              .profile = profile,
              .label = label,
              .history_files = history_files,
              .replay = replay,
              .period = period,
              .ks = ks,
              .reference = reference,
              .threads = (guint)threads,
              .seed = seed};
  if (!side_run(&a, rules_dir, &st, &rejected, &error) ||
      (compare_dir && !side_run(&b, compare_dir, &st, &rejected, &error)))
    goto fail;
  GString *text = g_string_new(NULL);
  br_backtest_text(text, a.bt, a.pack);
  br_backtest_load_text(text, a.bt, a.pack);
  if (compare_dir) {
    br_backtest_load_text(text, b.bt, b.pack);
    br_backtest_compare_text(text, a.bt, a.pack, b.bt, b.pack, 10);
  }
  fputs(text->str, stdout);
  if (rejected)
    fprintf(stderr, "boxrank: %" G_GUINT64_FORMAT " rows rejected and left out\n", rejected);
  gboolean ok = TRUE;
  if (json_path) {
    g_string_truncate(text, 0);
    if (compare_dir)
      br_backtest_compare_json(text, a.bt, a.pack, b.bt, b.pack);
    else
      br_backtest_json(text, a.bt, a.pack);
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
  side_clear(&a);
  side_clear(&b);
  br_reference_free(reference);
  br_profile_free(profile);
  g_array_free(ks, TRUE);
  g_option_context_free(ctx);
  g_free(rules_dir);
  g_free(profile_path);
  g_free(label);
  g_free(period_text);
  g_free(k_text);
  g_free(seed_text);
  g_free(json_path);
  g_strfreev(history_files);
  g_free(compare_dir);
  g_free(reference_dir);
  g_free(feedback_text);
  return status;
}
