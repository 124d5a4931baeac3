/* boxrank rank: score a manifest with a rule pack and write per-port inspection lists. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "br_cli.h"
#include "br_feed.h"
#include "br_fields.h"
#include "br_history.h"
#include "br_input.h"
#include "br_labels.h"
#include "br_output.h"
#include "br_partial.h"
#include "br_pipeline.h"
#include "br_rank.h"
#include "br_reference.h"
#include "br_rules.h"
#include "br_run_details.h"
#include "br_run_record.h"
#include "br_store.h"
#include "br_watchset.h"

/* Rolled-up units past this spill to disk (--unit-memory): about what the units of a million
 * manifest lines of bench/ take, so that a larger input's units stay at that day's peak
 * (bench/README.md, "Memory"). */
#define DEFAULT_UNIT_MEMORY ((gsize)256 << 20)

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

/* With several inputs each gets its own reject file, since their layouts differ: the
 * input's file name goes before the extension (rejects.csv -> rejects-day1.edi.csv). */
static char *
input_reject_path(const char *base, const char *input, guint ninputs)
{
  if (ninputs == 1)
    return g_strdup(base);
  char *name = g_path_get_basename(input);
  const char *dot = strrchr(base, '.');
  const char *slash = strrchr(base, '/');
  gsize stem = dot && (!slash || dot > slash) ? (gsize)(dot - base) : strlen(base);
  char *path = g_strdup_printf("%.*s-%s%s", (int)stem, base, name, base + stem);
  g_free(name);
  return path;
}

int
br_cmd_rank(int argc, char **argv)
{
  char *rules_dir = NULL, *profile_path = NULL, *out_dir = NULL, *format_text = NULL;
  char *reject_path = NULL, *summary_path = NULL, *db_path = NULL, *as_of = NULL;
  char **history_files = NULL, *label = NULL, *reference_dir = NULL, *input_format_text = NULL;
  char *share_text = NULL, *seed_text = NULL, *partial_path = NULL, *unit_memory_text = NULL;
  gboolean no_store = FALSE, parse_only = FALSE;
  gint threads = 0;
  guint64 seed = 0;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
      {"rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_dir, "Rule pack folder (required)", "PACK"},
      {"profile", 'p', 0, G_OPTION_ARG_FILENAME, &profile_path,
       "Column profile of CSV inputs (default: headers are canonical names)", "FILE"},
      {"input-format", 0, 0, G_OPTION_ARG_STRING, &input_format_text,
       "auto, csv, cuscar or x12 (default: auto, from each file's first bytes: UNA/UNB is "
       "CUSCAR, ISA is X12, anything else CSV)",
       "FORMAT"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
       "Output folder, or - for standard output (default: out)", "DIR"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
       "csv, jsonl or both (default: both; jsonl when --out is -)", "FORMAT"},
      {"rejects", 0, 0, G_OPTION_ARG_FILENAME, &reject_path,
       "Where rejected rows go (default: OUT/rejects.csv; ./rejects.csv when --out is -)", "FILE"},
      {"summary", 0, 0, G_OPTION_ARG_FILENAME, &summary_path,
       "Run summary as JSON (default: OUT/summary.json; none when --out is -)", "FILE"},
      {"threads", 't', 0, G_OPTION_ARG_INT, &threads, "Worker threads, at most 64 (default: one per core)",
       "N"},
      {"seed", 's', 0, G_OPTION_ARG_STRING, &seed_text,
       "Seed of the random control sample and tie-breaks: a number or a date YYYY-MM-DD (default: 0)", "S"},
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
      {"max-reject-share", 0, 0, G_OPTION_ARG_STRING, &share_text,
       "Fail the run (exit 7, no lists) when more than this share of the lines is rejected: a "
       "fraction or a percentage (default: 5%)",
       "SHARE"},
      {"partial", 0, 0, G_OPTION_ARG_FILENAME, &partial_path,
       "Rank one partition of the input: write its rolled-up units to FILE for boxrank merge "
       "instead of lists (docs/scale.md). The store is read (history, watchlists), not "
       "written; rejects go to FILE.rejects.csv unless --rejects says otherwise",
       "FILE"},
      {"unit-memory", 0, 0, G_OPTION_ARG_STRING, &unit_memory_text,
       "Memory for the rolled-up units of a run that records nothing (--no-store, --partial): "
       "past it they are spilled to sorted files in a temporary folder inside --out (or "
       "next to the partial, or in $TMPDIR) and merged at the end, with the same lists. A size "
       "such as 512M or 2G (default: 256M)",
       "SIZE"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary on standard error", NULL},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("MANIFEST... | -");
  g_option_context_set_summary(
      ctx, "Score every manifest line with the pack's rules, roll lines up to inspection units,\n"
           "and write for each port a ranked inspection list that fits its capacity, with the\n"
           "reasons for every pick. Several manifests (a day's CSV, CUSCAR and X12 files) are\n"
           "ranked as one. Exit status: 0 ok, 1 failure, 2 usage, 3 rows rejected,\n"
           "4 rule errors, 5 both, 7 rejects over --max-reject-share (no lists written).\n"
           "Every list row carries the run stamp (run_id, list_date, pack, pack_version,\n"
           "pack_hash, seed, watchlists, rules_off); --out DIR loses the lists of an earlier\n"
           "run, and of this one when it cannot be recorded in the store.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_FAILURE;
  BrProfile *profile = NULL;
  BrPack *pack = NULL;
  GPtrArray *resolutions =
      g_ptr_array_new_with_free_func((GDestroyNotify)br_fields_resolution_free);
  GPtrArray *inputs = g_ptr_array_new_with_free_func((GDestroyNotify)br_input_close);
  GPtrArray *reject_paths = g_ptr_array_new_with_free_func(g_free);
  BrRunInput *run_inputs = NULL;
  BrInputFormat input_format = BR_INPUT_AUTO;
  GString *input_names = NULL, *rejects_written = NULL;
  BrAmendments *amendments = NULL;
  GArray *versions = NULL; /* BrLineVersion of the first reading */
  BrRunVersions *run_versions = NULL;
  GPtrArray *lists = NULL;
  GArray *rules_off = NULL;
  BrPipelineResult result = {0};
  BrUnitRuns *runs = NULL;
  char *spill_base = NULL;
  gsize unit_budget = DEFAULT_UNIT_MEMORY;
  guint64 nunits = 0;
  BrEntityKeys *entity_keys = NULL;
  BrHistory *history = NULL;
  BrStore *store = NULL, *watch_store = NULL;
  BrWatchSet *watch = NULL;
  BrReference *reference = NULL;
  char **input_hash = NULL;
  GPtrArray *hashing = g_ptr_array_new(); /* BrStoreHash*, one per input file */
  char *run_id = NULL;
  double max_share = 0.05;
  GError *error = NULL;
  BrFormat format;

  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank rank samples/manifests/iraq-sample.csv --rules rules/ccp "
                    "--profile feeds/profiles/sample.ini --out out/")) {
    status = BR_EXIT_USAGE;
    goto out;
  }
  gboolean stdin_mixed = FALSE, stdin_input = argc == 2 && strcmp(argv[1], "-") == 0;
  for (int i = 1; i < argc; i++)
    stdin_mixed |= argc > 2 && strcmp(argv[i], "-") == 0;
  if (argc < 2 || stdin_mixed || !rules_dir || !history_files != !label) {
    fprintf(stderr, "boxrank rank: %s\nRun 'boxrank rank --help' for usage.\n",
            argc < 2 || stdin_mixed    ? "give one or more manifest files (or - alone for "
                                         "standard input)"
            : !rules_dir               ? "--rules PACK is required"
                                       : "--history and --label go together");
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (!br_cli_seed("rank", seed_text, &seed) || !br_cli_threads("rank", threads)) {
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (!br_cli_share("rank", share_text, &max_share) ||
      !br_cli_unit_memory("rank", unit_memory_text, &unit_budget)) {
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (partial_path && (out_dir || summary_path || format_text || parse_only)) {
    fprintf(stderr, "boxrank rank: --partial writes no lists: --out, --summary and --format "
                    "go to boxrank merge, and --parse-only scores nothing to merge\n");
    status = BR_EXIT_USAGE;
    goto out;
  }
  gboolean to_stdout;
  if (!br_cli_output("rank", &out_dir, format_text, &format, &to_stdout)) {
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (input_format_text && !br_input_format_parse(input_format_text, &input_format)) {
    fprintf(stderr, "boxrank rank: --input-format takes auto, csv, cuscar or x12\n");
    status = BR_EXIT_USAGE;
    goto out;
  }
  if (!reject_path)
    reject_path = partial_path ? g_strconcat(partial_path, ".rejects.csv", NULL)
                  : to_stdout  ? g_strdup("rejects.csv")
                               : g_build_filename(out_dir, "rejects.csv", NULL);
  if (!summary_path && !to_stdout && !partial_path)
    summary_path = g_build_filename(out_dir, "summary.json", NULL);
  /* A partition writes only its partial: the lists and their folder are the merge's. */
  if (!to_stdout && !partial_path && !br_cli_prepare_out(out_dir, &error))
    goto fail;
  if (partial_path && g_file_test(partial_path, G_FILE_TEST_IS_REGULAR) &&
      g_unlink(partial_path) != 0) {
    fprintf(stderr, "boxrank: %s: cannot remove the partial of an earlier run: %s\n",
            partial_path, g_strerror(errno));
    goto out;
  }
  for (int i = 1; i < argc; i++) {
    char *rp = input_reject_path(reject_path, argv[i], (guint)argc - 1);
    gboolean gone = !g_file_test(rp, G_FILE_TEST_IS_REGULAR) || g_unlink(rp) == 0;
    if (!gone)
      fprintf(stderr, "boxrank: %s: cannot remove the rejects of an earlier run: %s\n", rp,
              g_strerror(errno));
    g_free(rp);
    if (!gone)
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
  run_id = br_output_run_id(started_at);
  char list_date[11];
  br_store_date_format((gint32)(started_at / 86400), list_date);
  if (as_of)
    g_strlcpy(list_date, as_of, sizeof list_date);
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
    history = br_history_load(store, entity_keys, list_date, 0, &error);
    if (!history)
      goto fail;
  }
  const char *const *watch_lists = (const char *const *)br_pack_settings(pack)->watchlists;
  if (watch_lists && !parse_only) {
    /* The lists come from the store even when the run is not recorded there. */
    if (!store)
      watch_store =
          br_store_open(db_path ? db_path : br_store_default_path(), BR_STORE_READ_ONLY, &error);
    if (store || watch_store)
      watch = br_watch_set_load(store ? store : watch_store, watch_lists, list_date, 0, &error);
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
  guint ninputs = (guint)argc - 1;
  /* The inputs' hashes, recorded with the run, are taken while the inputs are scored. */
  for (guint i = 0; store && !partial_path && i < ninputs; i++)
    g_ptr_array_add(hashing,
                    strcmp(argv[i + 1], "-") == 0 ? NULL : br_store_sha256_start(argv[i + 1]));
  for (guint i = 0; i < ninputs; i++) {
    char *rp = input_reject_path(reject_path, argv[i + 1], ninputs);
    g_ptr_array_add(reject_paths, rp);
    BrFeedOptions feed_opts = {.reject_path = rp, .port_field = br_pack_settings(pack)->port_field};
    BrInput *in = br_input_open(argv[i + 1], input_format, profile, &feed_opts, &error);
    if (!in)
      goto fail;
    g_ptr_array_add(inputs, in);
    /* The evaluators resolve the same way; here the disabled rules are told, whatever -q
     * says, since they change what the lists can show. */
    BrFieldResolution *res = br_fields_resolve(pack, br_feed_schema(br_input_feed(in)), &error);
    if (!res)
      goto fail;
    g_ptr_array_add(resolutions, res);
    for (guint k = 0; k < res->off->len; k++) {
      char *why = br_fields_describe(pack, &g_array_index(res->off, BrRuleOff, k));
      fprintf(stderr, "boxrank: %s%s%s\n", ninputs > 1 ? argv[i + 1] : "", ninputs > 1 ? ": " : "",
              why);
      g_free(why);
    }
  }

  /* A run that records nothing needs no unit but those it lists: its units go to sorted runs,
   * spilled to disk past the budget, and are selected in a merge (bench/README.md, "Memory").
   * Recording keeps every unit in memory: the store packs each one's entity values. */
  if (partial_path || !store) {
    spill_base = partial_path ? g_path_get_dirname(partial_path)
                 : to_stdout  ? NULL
                              : g_strdup(out_dir);
    runs = br_unit_runs_new(pack, spill_base);
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
      .runs = runs,
      .unit_budget = unit_budget,
  };
  popts.track_versions = TRUE;
  popts.tag_lines = store != NULL && !partial_path;
  for (guint i = 0; i < ninputs; i++) {
    BrPipelineResult one = {0};
    popts.input_index = i;
    if (!br_pipeline_run(br_input_feed(g_ptr_array_index(inputs, i)), pack, &popts, &one, &error))
      goto fail;
    br_pipeline_result_merge(&result, &one);
  }
  /* Amendments are rare: the run is scored again only when a B/L x container came twice or
   * was deleted, this time without the lines that lost. The versions stay for the store. */
  versions = g_steal_pointer(&result.versions);
  if (versions && (amendments = br_amendments_resolve(versions))) {
    if (stdin_input) {
      g_set_error(&error, BR_FEED_ERROR, BR_FEED_ERROR_IO,
                  "standard input carries amended lines, which need a second reading: give "
                  "the file instead of -");
      goto fail;
    }
    br_pipeline_result_clear(&result);
    if (runs) {
      br_unit_runs_free(runs);
      popts.runs = runs = br_unit_runs_new(pack, spill_base);
    }
    popts.track_versions = FALSE;
    popts.amendments = amendments;
    for (guint i = 0; i < ninputs; i++) {
      BrPipelineResult one = {0};
      popts.input_index = i;
      BrInput *again = br_input_open(argv[i + 1], input_format, profile, NULL, &error);
      gboolean ok = again && br_pipeline_run(br_input_feed(again), pack, &popts, &one, &error);
      br_input_close(again);
      if (!ok)
        goto fail;
      br_pipeline_result_merge(&result, &one);
    }
    if (!quiet)
      fprintf(stderr,
              "boxrank: amendments: %u B/L x container replaced, %u deleted (%u earlier or "
              "deleted lines left out)\n",
              br_amendments_keys_amended(amendments), br_amendments_keys_deleted(amendments),
              br_amendments_lines_dropped(amendments));
  }
  /* A version per line of the input: only a run recorded in the store needs them further. */
  if (!store && versions)
    g_array_free(g_steal_pointer(&versions), TRUE);
  if (show)
    fprintf(stderr, "\r\033[K");
  guint64 rejected = 0, rows_read = 0;
  input_names = g_string_new(NULL);
  rejects_written = g_string_new(NULL);
  run_inputs = g_new0(BrRunInput, ninputs);
  for (guint i = 0; i < ninputs; i++) {
    const BrInput *in = g_ptr_array_index(inputs, i);
    guint64 r = br_input_rows_rejected(in);
    rejected += r;
    rows_read += br_input_rows_read(in);
    g_string_append_printf(input_names, "%s%s", i ? ", " : "", argv[i + 1]);
    if (r)
      g_string_append_printf(rejects_written, "%s%s", rejects_written->len ? ", " : "",
                             (char *)g_ptr_array_index(reject_paths, i));
  }
  if (partial_path && result.lines_numbered) {
    g_set_error(&error, BR_FEED_ERROR, BR_FEED_ERROR_IO,
                "%s: %" G_GUINT64_FORMAT " lines have no unit, fallback or record id, so their "
                "units are named after line numbers, which a partition does not know: give "
                "them a record_id column, or rank the input whole",
                input_names->str, result.lines_numbered);
    goto fail;
  }
  if (partial_path) {
    /* --max-reject-share is the merge's to apply, over every partition's lines. */
    BrPartialInfo info = {
        .list_date = list_date,
        .input = input_names->str,
        .profile = profile_path,
        .rows_read = rows_read,
        .rows_rejected = rejected,
        .reject_path = rejected ? rejects_written->str : NULL,
        .watch = watch,
        .rules_off = rules_off = br_output_rules_off(&result, resolutions),
        .result = &result,
        .runs = runs,
    };
    if (!br_partial_write(partial_path, pack, &info, &nunits, &error))
      goto fail;
    if (!quiet)
      fprintf(stderr,
              "boxrank: partial %s: %s, %" G_GUINT64_FORMAT " lines read, %" G_GUINT64_FORMAT
              " rejected, %" G_GUINT64_FORMAT " units, %.2f s (boxrank merge writes the lists)\n",
              partial_path, input_names->str, rows_read, rejected, nunits,
              (g_get_monotonic_time() - start) / 1e6);
    goto finish;
  }
  if (br_cli_rejects_over(input_names->str, rows_read, rejected, max_share,
                          rejects_written->str)) {
    status = BR_EXIT_TOO_MANY_REJECTS;
    goto out;
  }
  if (runs) {
    if (!(lists = br_rank_select_runs(runs, pack, seed, &nunits, &error)))
      goto fail;
  } else {
    lists = br_rank_select(result.units, pack, seed);
    nunits = br_unit_table_size(result.units);
  }
  if (runs && br_unit_runs_spilled(runs) && !quiet)
    fprintf(stderr,
            "boxrank: the units passed --unit-memory: %u sorted runs spilled to disk and merged\n",
            br_unit_runs_spilled(runs));
  rules_off = br_output_rules_off(&result, resolutions);
  BrListStamp stamp = {run_id, list_date, seed, watch, rules_off};
  gboolean written = parse_only ? TRUE
                     : to_stdout
                         ? br_cli_write_stdout(lists, pack, &stamp, format)
                         : br_output_write_lists(lists, pack, &stamp, out_dir, format, &error);
  if (!written)
    goto fail;
  if (store) {
    input_hash = g_new0(char *, ninputs + 1);
    gboolean hashed = TRUE;
    for (guint i = 0; i < ninputs; i++) {
      BrStoreHash *h = g_ptr_array_index(hashing, i);
      hashing->pdata[i] = NULL;
      if (h && !(input_hash[i] = br_store_sha256_finish(h, hashed ? &error : NULL)))
        hashed = FALSE;
      run_inputs[i] = (BrRunInput){.path = argv[i + 1],
                                   .sha256 = input_hash[i] ? input_hash[i] : "(standard input)"};
    }
    if (!hashed)
      goto fail;
    BrRunRecord run = {
        .run_key = run_id,
        .watch = watch,
        .started_at = started_at,
        .finished_at = g_get_real_time() / G_USEC_PER_SEC,
        .as_of = as_of,
        .inputs = run_inputs,
        .ninputs = ninputs,
        .profile = profile_path,
        .threads = result.threads_used,
        .seed = seed,
        .lines_read = rows_read,
        .lines_rejected = rejected,
        .units = nunits,
        .fire_counts = result.fire_counts,
        .failure_counts = result.failure_counts,
        .rules_off = rules_off,
        .entities = result.entities,
    };
    /* The worklist's manifest fields of the selected units (boxrank serve) come from a second
     * read of the inputs, while the run is recorded. Which lines are versions to keep: those
     * amended within the run, and those an earlier run sent from another file. */
    BrRunDetailsSource source = {.paths = (const char *const *)argv + 1,
                                 .npaths = ninputs,
                                 .format = input_format,
                                 .profile = profile,
                                 .amend = amendments,
                                 .line_units = result.line_units};
    if ((versions &&
         !(source.versions = run_versions =
               br_run_versions_plan(store, versions, amendments, list_date,
                                    (const char *const *)input_hash, ninputs, &error))) ||
        !br_run_details_record_run(store, &run, lists, pack, &source, &error)) {
      /* Lists the store does not know would pass for a run that never happened. */
      GError *kept = NULL;
      if (to_stdout)
        g_prefix_error(&error, "run not recorded: ");
      else if (br_output_clear(out_dir, &kept))
        g_prefix_error(&error, "run not recorded, its lists removed from %s: ", out_dir);
      else {
        g_prefix_error(&error, "run not recorded (and %s): ", kept->message);
        g_error_free(kept);
      }
      goto fail;
    }
  }
  BrRunSummary summary = {
      .input = input_names->str,
      .profile = profile_path,
      .pack = pack,
      .stamp = &stamp,
      .threads = result.threads_used,
      .rows_read = rows_read,
      .rows_rejected = rejected,
      .reject_path = rejected ? rejects_written->str : NULL,
      .elapsed_s = (g_get_monotonic_time() - start) / 1e6,
      .units = nunits,
      .result = &result,
      .lists = lists,
  };
  if (!br_cli_write_summary(&summary, summary_path, quiet, &error))
    goto fail;
finish:
  status = br_cli_run_status(&result, pack, rejected);
  goto out;

fail:
  br_cli_error(error);
  status = BR_EXIT_FAILURE;
out:
  /* A run that failed early still waits for its hashing threads. */
  for (guint i = 0; i < hashing->len; i++)
    if (hashing->pdata[i])
      g_free(br_store_sha256_finish(hashing->pdata[i], NULL));
  g_ptr_array_free(hashing, TRUE);
  if (lists)
    g_ptr_array_free(lists, TRUE);
  if (rules_off)
    g_array_unref(rules_off);
  br_pipeline_result_clear(&result);
  br_unit_runs_free(runs);
  g_free(spill_base);
  g_free(unit_memory_text);
  g_ptr_array_free(resolutions, TRUE);
  br_amendments_free(amendments);
  br_run_versions_free(run_versions);
  if (versions)
    g_array_free(versions, TRUE);
  br_history_free(history);
  br_entity_keys_free(entity_keys);
  br_store_close(store);
  br_watch_set_free(watch);
  br_reference_free(reference);
  g_free(reference_dir);
  br_store_close(watch_store);
  g_strfreev(input_hash);
  if (input_names)
    g_string_free(input_names, TRUE);
  if (rejects_written)
    g_string_free(rejects_written, TRUE);
  g_free(run_inputs);
  g_ptr_array_free(reject_paths, TRUE);
  g_free(db_path);
  g_free(as_of);
  g_strfreev(history_files);
  g_free(label);
  g_ptr_array_free(inputs, TRUE);
  g_free(input_format_text);
  br_pack_free(pack);
  br_profile_free(profile);
  g_option_context_free(ctx);
  g_free(rules_dir);
  g_free(profile_path);
  g_free(out_dir);
  g_free(format_text);
  g_free(reject_path);
  g_free(summary_path);
  g_free(seed_text);
  g_free(share_text);
  g_free(run_id);
  g_free(partial_path);
  return status;
}
