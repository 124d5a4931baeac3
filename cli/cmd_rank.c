/* boxrank rank: score a manifest with a rule pack and write per-port inspection lists. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_feed.h"
#include "br_fields.h"
#include "br_history.h"
#include "br_labels.h"
#include "br_output.h"
#include "br_pipeline.h"
#include "br_rank.h"
#include "br_run_details.h"
#include "br_reference.h"
#include "br_rules.h"
#include "br_run_record.h"
#include "br_store.h"
#include "br_watchset.h"

typedef struct {
  gint64 last_us;
  gint64 start_us;
} Progress;

static void
progress_cb(guint64 rows, guint64 bytes, gpointer data)
{
  Progress *p = data;
  gint64 now = g_get_monotonic_time();
  if (now - p->last_us < 250000)
    return;
  p->last_us = now;
  double secs = (now - p->start_us) / 1e6;
  fprintf(stderr, "\r  %" G_GUINT64_FORMAT " lines, %.1f MB, %.0f lines/s   ", rows, bytes / 1e6,
          secs > 0 ? rows / secs : 0.0);
}

static gboolean
parse_format(const char *text, BrFormat *out)
{
  if (!text || strcmp(text, "both") == 0)
    *out = BR_FORMAT_CSV | BR_FORMAT_JSONL;
  else if (strcmp(text, "csv") == 0)
    *out = BR_FORMAT_CSV;
  else if (strcmp(text, "jsonl") == 0)
    *out = BR_FORMAT_JSONL;
  else
    return FALSE;
  return TRUE;
}

static gboolean
write_stdout(GPtrArray *lists, const BrPack *pack, BrFormat format)
{
  GString *buf = g_string_new(NULL);
  for (guint i = 0; i < lists->len; i++) {
    if (format & BR_FORMAT_CSV)
      br_output_list_csv(buf, g_ptr_array_index(lists, i), pack, i == 0);
    else
      br_output_list_jsonl(buf, g_ptr_array_index(lists, i), pack);
  }
  gboolean ok = fwrite(buf->str, 1, buf->len, stdout) == buf->len && fflush(stdout) == 0;
  g_string_free(buf, TRUE);
  if (!ok)
    fprintf(stderr, "boxrank: cannot write to standard output\n");
  return ok;
}

int
br_cmd_rank(int argc, char **argv)
{
  char *rules_dir = NULL, *profile_path = NULL, *out_dir = NULL, *format_text = NULL;
  char *reject_path = NULL, *summary_path = NULL, *db_path = NULL, *as_of = NULL;
  char **history_files = NULL, *label = NULL, *reference_dir = NULL;
  gboolean no_store = FALSE, parse_only = FALSE;
  gint threads = 0;
  gint64 seed = 0;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
      {"rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rule pack folder (required)", "PACK"},
      {"profile", 'p', 0, G_OPTION_ARG_FILENAME, &profile_path,
       "Column profile of the input (default: headers are canonical names)", "FILE"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
       "Output folder, or - for standard output (default: out)", "DIR"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
       "csv, jsonl or both (default: both; jsonl when --out is -)", "FORMAT"},
      {"rejects", 0, 0, G_OPTION_ARG_FILENAME, &reject_path,
       "Where rejected rows go (default: OUT/rejects.csv; ./rejects.csv when --out is -)", "FILE"},
      {"summary", 0, 0, G_OPTION_ARG_FILENAME, &summary_path,
       "Run summary as JSON (default: OUT/summary.json; none when --out is -)", "FILE"},
      {"threads", 't', 0, G_OPTION_ARG_INT, &threads, "Worker threads (default: one per core)",
       "N"},
      {"seed", 's', 0, G_OPTION_ARG_INT64, &seed,
       "Seed of the random control sample and tie-breaks (default: 0)", "S"},
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
       "Store recording the run and its selections (default: $BOXRANK_DB, else ./boxrank.db)",
       "PATH"},
      {"date", 0, 0, G_OPTION_ARG_STRING, &as_of,
       "Date the lists are for, YYYY-MM-DD (default: today, UTC); outcomes link to it", "DATE"},
      {"no-store", 0, 0, G_OPTION_ARG_NONE, &no_store, "Do not record the run in the store", NULL},
      {"history", 'H', 0, G_OPTION_ARG_FILENAME_ARRAY, &history_files,
       "History rules learn from these labelled files (with --label) instead of the store's "
       "outcomes; each line sees only labels of days before its own",
       "FILE"},
      {"reference", 0, 0, G_OPTION_ARG_FILENAME, &reference_dir,
       "Folder of the code tables unknown_locode/unknown_hs/unknown_size_type rules read "
       "(unlocode.csv, harmonized-system.csv, iso6346-size-type-codes.csv)",
       "DIR"},
      {"label", 'l', 0, G_OPTION_ARG_STRING, &label,
       "Numeric column of the --history files, > 0 when something was found", "COLUMN"},
      {"parse-only", 0, 0, G_OPTION_ARG_NONE, &parse_only,
       "Read and parse the input, score nothing, write no lists: the throughput ceiling that "
       "benchmarks compare with (implies --no-store)",
       NULL},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary on standard error", NULL},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("MANIFEST.csv|-");
  g_option_context_set_summary(
      ctx, "Score every manifest line with the pack's rules, roll lines up to inspection units,\n"
           "and write for each port a ranked inspection list that fits its capacity, with the\n"
           "reasons for every pick. Exit status: 0 ok, 1 failure, 2 usage, 3 rows rejected,\n"
           "4 rule errors, 5 both.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_FAILURE;
  BrProfile *profile = NULL;
  BrPack *pack = NULL;
  BrFeed *feed = NULL;
  BrFieldResolution *fields = NULL;
  GPtrArray *lists = NULL;
  BrPipelineResult result = {0};
  BrEntityKeys *entity_keys = NULL;
  BrHistory *history = NULL;
  BrStore *store = NULL, *watch_store = NULL;
  BrWatchSet *watch = NULL;
  BrReference *reference = NULL;
  char *input_hash = NULL;
  GError *error = NULL;
  BrFormat format;

  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank rank samples/manifests/iraq-sample.csv --rules rules/ccp "
                    "--profile feeds/profiles/sample.ini --out out/")) {
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (argc != 2 || !rules_dir || threads < 0 || seed < 0 || !history_files != !label) {
    fprintf(stderr, "boxrank rank: %s\nRun 'boxrank rank --help' for usage.\n",
            argc != 2                  ? "give exactly one manifest file (or - for standard input)"
            : !rules_dir               ? "--rules PACK is required"
            : !history_files != !label ? "--history and --label go together"
                                       : "--threads and --seed take non-negative numbers");
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (!out_dir)
    out_dir = g_strdup("out");
  gboolean to_stdout = strcmp(out_dir, "-") == 0;
  if (!format_text && to_stdout)
    format_text = g_strdup("jsonl");
  if (!parse_format(format_text, &format) ||
      (to_stdout && format == (BR_FORMAT_CSV | BR_FORMAT_JSONL))) {
    fprintf(stderr, "boxrank rank: --format takes csv, jsonl%s\n", to_stdout ? "" : " or both");
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (!reject_path)
    reject_path =
        to_stdout ? g_strdup("rejects.csv") : g_build_filename(out_dir, "rejects.csv", NULL);
  if (!summary_path && !to_stdout)
    summary_path = g_build_filename(out_dir, "summary.json", NULL);
  if (!to_stdout && g_mkdir_with_parents(out_dir, 0755) != 0) {
    fprintf(stderr, "boxrank: %s: cannot create the output folder: %s\n", out_dir,
            g_strerror(errno));
    goto out;
  }

  if (parse_only)
    no_store = TRUE;
  gint32 as_of_days;
  if (as_of && !br_store_date_parse(as_of, &as_of_days)) {
    fprintf(stderr, "boxrank rank: --date takes YYYY-MM-DD, not '%s'\n", as_of);
    status = BR_EXIT_USAGE;
    goto out;
  }

  gint64 start = g_get_monotonic_time();
  gint64 started_at = g_get_real_time() / G_USEC_PER_SEC;
  pack = br_pack_load(rules_dir, &error);
  if (!pack)
    goto fail;
  /* Open the store before reading input: a run that cannot be recorded should fail before the
   * work. */
  if (!no_store) {
    store = br_store_open(db_path ? db_path : br_store_default_path(), BR_STORE_CREATE, &error);
    if (!store)
      goto fail;
    entity_keys = br_entity_keys_parse(br_pack_settings(pack)->history_keys, &error);
    if (!entity_keys)
      goto fail;
    /* Rules see the track records known before the list date, never after. */
    char today[11];
    br_store_date_format((gint32)(started_at / 86400), today);
    history = br_history_load(store, entity_keys, as_of ? as_of : today, 0, &error);
    if (!history)
      goto fail;
  }
  const char *const *watch_lists = (const char *const *)br_pack_settings(pack)->watchlists;
  if (watch_lists && !parse_only) {
    /* The lists come from the store even when the run is not recorded there. */
    if (!store)
      watch_store =
          br_store_open(db_path ? db_path : br_store_default_path(), BR_STORE_EXISTING, &error);
    char today[11];
    br_store_date_format((gint32)(started_at / 86400), today);
    if (store || watch_store)
      watch = br_watch_set_load(store ? store : watch_store, watch_lists, as_of ? as_of : today, 0,
                                &error);
    if (!watch) {
      char *names = g_strjoinv(", ", (char **)watch_lists);
      g_prefix_error(&error,
                     "pack %s screens against watchlists %s; import them first (boxrank "
                     "watchlist import, docs/watchlists.md): ",
                     br_pack_settings(pack)->name, names);
      g_free(names);
      goto fail;
    }
  }
  if (reference_dir && !(reference = br_reference_load(reference_dir, &error)))
    goto fail;
  profile = profile_path ? br_profile_load(profile_path, &error) : br_profile_new_identity();
  if (!profile)
    goto fail;
  if (history_files) {
    if (!entity_keys &&
        !(entity_keys = br_entity_keys_parse(br_pack_settings(pack)->history_keys, &error)))
      goto fail;
    br_history_free(history);
    BrLabelsRun run = {profile, pack, label, entity_keys, reference, (guint)threads};
    history = br_labels_history(&run, (const char *const *)history_files, NULL, NULL, NULL, &error);
    if (!history)
      goto fail;
  }
  BrFeedOptions feed_opts = {.reject_path = reject_path};
  feed = br_feed_open(argv[1], profile, &feed_opts, &error);
  if (!feed)
    goto fail;
  /* The evaluators resolve the same way; here the disabled rules are told, whatever -q says,
   * since they change what the lists can show. */
  if (!(fields = br_fields_resolve(pack, br_feed_schema(feed), &error)))
    goto fail;
  for (guint i = 0; i < fields->off->len; i++) {
    char *why = br_fields_describe(pack, &g_array_index(fields->off, BrRuleOff, i));
    fprintf(stderr, "boxrank: %s\n", why);
    g_free(why);
  }

  Progress progress = {.start_us = start};
  gboolean show = !quiet && br_cli_show_progress();
  BrPipelineOptions popts = {
      .threads = (guint)threads,
      .progress = show ? progress_cb : NULL,
      .progress_data = &progress,
      .entity_keys = entity_keys,
      .history = history,
      .history_cut = history_files ? BR_HISTORY_CUT_DAY : BR_HISTORY_CUT_NONE,
      .watch = watch,
      .reference = reference,
      .parse_only = parse_only,
  };
  if (!br_pipeline_run(feed, pack, &popts, &result, &error))
    goto fail;
  if (show)
    fprintf(stderr, "\r\033[K");
  lists = br_rank_select(result.units, pack, (guint64)seed);
  gboolean written = parse_only  ? TRUE
                     : to_stdout ? write_stdout(lists, pack, format)
                                 : br_output_write_lists(lists, pack, out_dir, format, &error);
  if (!written)
    goto fail;

  guint64 rejected = br_feed_rows_rejected(feed);
  if (store) {
    if (strcmp(argv[1], "-") != 0 && !(input_hash = br_store_sha256_file(argv[1], &error)))
      goto fail;
    BrRunInput input = {.path = argv[1], .sha256 = input_hash ? input_hash : "(standard input)"};
    BrRunRecord run = {
        .started_at = started_at,
        .finished_at = g_get_real_time() / G_USEC_PER_SEC,
        .as_of = as_of,
        .inputs = &input,
        .ninputs = 1,
        .profile = profile_path,
        .threads = result.threads_used,
        .seed = (guint64)seed,
        .lines_read = br_feed_rows_read(feed),
        .lines_rejected = rejected,
        .units = br_unit_table_size(result.units),
        .fire_counts = result.fire_counts,
        .failure_counts = result.failure_counts,
        .entities = result.entities,
    };
    gint64 run_id = br_store_record_run(store, &run, lists, pack, &error);
    if (!run_id)
      goto fail;
    /* The worklist's manifest fields of the selected units (boxrank serve). */
    BrRunDetails *details = strcmp(argv[1], "-") == 0
                                ? NULL
                                : br_run_details_collect(argv[1], profile, pack, lists, &error);
    if (strcmp(argv[1], "-") != 0 && !details)
      goto fail;
    gboolean recorded = br_run_details_record(store, run_id, lists, pack, details, &error);
    br_run_details_free(details);
    if (!recorded)
      goto fail;
  }
  BrRunSummary summary = {
      .input = argv[1],
      .profile = profile_path,
      .pack = pack,
      .seed = (guint64)seed,
      .threads = result.threads_used,
      .rows_read = br_feed_rows_read(feed),
      .rows_rejected = rejected,
      .reject_path = rejected ? reject_path : NULL,
      .elapsed_s = (g_get_monotonic_time() - start) / 1e6,
      .result = &result,
      .lists = lists,
      .fields = fields,
  };
  GString *text = g_string_new(NULL);
  if (summary_path) {
    br_output_summary_json(text, &summary);
    if (!g_file_set_contents(summary_path, text->str, text->len, &error)) {
      g_string_free(text, TRUE);
      goto fail;
    }
  }
  if (!quiet) {
    g_string_truncate(text, 0);
    br_output_summary_text(text, &summary);
    fputs(text->str, stderr);
  }
  g_string_free(text, TRUE);

  guint64 failures = 0;
  for (guint i = 0; i < result.nrules; i++)
    failures += result.failure_counts[i];
  status = rejected && failures ? BR_EXIT_REJECTS_AND_RULE_ERRORS
           : rejected           ? BR_EXIT_REJECTS
           : failures           ? BR_EXIT_RULE_ERRORS
                                : BR_EXIT_OK;
  goto out;

fail:
  br_cli_error(error);
  status = BR_EXIT_FAILURE;
out:
  if (lists)
    g_ptr_array_free(lists, TRUE);
  br_pipeline_result_clear(&result);
  br_fields_resolution_free(fields);
  br_history_free(history);
  br_entity_keys_free(entity_keys);
  br_store_close(store);
  br_watch_set_free(watch);
  br_reference_free(reference);
  g_free(reference_dir);
  br_store_close(watch_store);
  g_free(input_hash);
  g_free(db_path);
  g_free(as_of);
  g_strfreev(history_files);
  g_free(label);
  br_feed_close(feed);
  br_pack_free(pack);
  br_profile_free(profile);
  g_option_context_free(ctx);
  g_free(rules_dir);
  g_free(profile_path);
  g_free(out_dir);
  g_free(format_text);
  g_free(reject_path);
  g_free(summary_path);
  return status;
}
