/* boxrank mine: candidate rules from labelled history, for a rule author to review. */
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_mine.h"

int
br_cmd_mine(int argc, char **argv)
{
  char *profile_path = NULL, *label = NULL, *holdout_from = NULL, *out_path = NULL;
  char *ignore_text = NULL, *unit_text = NULL;
  char **ignore = NULL, **unit = NULL;
  gint min_support = 0, max_rules = 0;
  GOptionEntry entries[] = {
      {"profile", 'p', 0, G_OPTION_ARG_FILENAME, &profile_path, "Column profile of the input",
       "FILE"},
      {"label", 'l', 0, G_OPTION_ARG_STRING, &label,
       "Numeric column with each line's known outcome, > 0 when something was found (required)",
       "COLUMN"},
      {"holdout", 0, 0, G_OPTION_ARG_STRING, &holdout_from,
       "Lines from this date on are held out to check the candidates (default: the last 20% "
       "of the date range)",
       "YYYY-MM-DD"},
      {"unit", 0, 0, G_OPTION_ARG_STRING, &unit_text,
       "The field naming a line's inspection unit, and the one used when it is empty, as the "
       "pack's [pack] unit and unit_fallback (default container,bol); a line with neither is a "
       "unit of its own",
       "FIELD[,FALLBACK]"},
      {"min-support", 0, 0, G_OPTION_ARG_INT, &min_support,
       "Units a candidate must match in the fit period (default 30)", "N"},
      {"max-rules", 0, 0, G_OPTION_ARG_INT, &max_rules, "Candidates to keep (default 20)", "N"},
      {"ignore", 0, 0, G_OPTION_ARG_STRING, &ignore_text,
       "Comma-separated columns not to mine: other outcome columns, which no rule can know "
       "before the inspection",
       "COLS"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
       "Write the rules as a rule file (default: on standard output after the table)", "FILE.lua"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("MANIFEST.csv");
  g_option_context_set_summary(
      ctx, "Propose candidate rules from labelled history: text values, HS prefixes and\n"
           "decile bins of numbers (and value per kg), alone and in pairs, that found\n"
           "significantly more than the base rate in the fit period and still do in the\n"
           "held-out period. Prints each with its support, hit rate and lift on both, and\n"
           "writes them as a rule file with tests from real lines.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_USAGE;
  BrProfile *profile = NULL;
  BrMineResult *res = NULL;
  char *lua = NULL;
  GError *error = NULL;
  if (!br_cli_parse(
          ctx, &argc, &argv,
          "boxrank mine ../shared/data/kcs/train.csv --profile feeds/profiles/kcs.ini "
          "\\\n      --label Fraud --ignore \"Critical Fraud\" --unit record_id --out mined.lua"))
    goto out;
  if (argc != 2 || !label || min_support < 0 || max_rules < 0) {
    fprintf(stderr, "boxrank mine: give one manifest and --label COLUMN; --min-support and "
                    "--max-rules are >= 0.\n");
    goto out;
  }
  status = BR_EXIT_FAILURE;
  profile = profile_path ? br_profile_load(profile_path, &error) : br_profile_new_identity();
  if (!profile)
    goto fail;
  if (ignore_text) {
    ignore = g_strsplit(ignore_text, ",", -1);
    for (char **f = ignore; *f; f++)
      g_strstrip(*f);
  }
  unit = g_strsplit(unit_text ? unit_text : "container,bol", ",", 3);
  for (char **f = unit; *f; f++)
    g_strstrip(*f);
  if (!unit[0] || !*unit[0] || (unit[1] && (!*unit[1] || unit[2]))) {
    fprintf(stderr, "boxrank mine: --unit is FIELD or FIELD,FALLBACK\n");
    status = BR_EXIT_USAGE;
    goto out;
  }
  BrMineOptions opts = {.label_field = label,
                        .unit_field = unit[0],
                        .unit_fallback = unit[1],
                        .ignore = (const char *const *)ignore,
                        .holdout_from = holdout_from,
                        .min_support = (guint)min_support,
                        .max_rules = (guint)max_rules};
  if (!(res = br_mine_run(argv[1], profile, &opts, &error)))
    goto fail;
  FILE *table = out_path ? stdout : stderr;
  double base_fit = res->fit_units ? (double)res->fit_hits / res->fit_units : 0;
  double base_hold = res->hold_units ? (double)res->hold_hits / res->hold_units : 0;
  fprintf(table,
          "fit before %s: %u units, base rate %.3f; held out: %u units, base rate %.3f; "
          "%u candidates counted, %u kept\n\n",
          res->holdout_from, res->fit_units, base_fit, res->hold_units, base_hold, res->candidates,
          res->rules->len);
  fprintf(table, "%-10s %7s %6s %6s %7s %6s %6s  %s\n", "rule", "fit", "rate", "lift", "held",
          "rate", "lift", "title");
  for (guint i = 0; i < res->rules->len; i++) {
    const BrMinedRule *r = res->rules->pdata[i];
    fprintf(table, "%-10s %7u %6.3f %6.2f %7u %6.3f %6.2f  %s\n", r->id, r->fit_units,
            (double)r->fit_hits / r->fit_units, r->fit_lift, r->hold_units,
            r->hold_units ? (double)r->hold_hits / r->hold_units : 0.0, r->hold_lift, r->title);
  }
  char *base = g_path_get_basename(argv[1]);
  lua = br_mine_lua(res, base);
  g_free(base);
  if (out_path) {
    if (!g_file_set_contents(out_path, lua, -1, &error))
      goto fail;
    printf("\nrules written to %s\n", out_path);
  } else {
    printf("\n%s", lua);
  }
  status = BR_EXIT_OK;
  goto out;
fail:
  br_cli_error(error);
out:
  g_free(lua);
  br_mine_result_free(res);
  br_profile_free(profile);
  g_option_context_free(ctx);
  g_free(profile_path);
  g_free(label);
  g_free(holdout_from);
  g_free(out_path);
  g_free(ignore_text);
  g_strfreev(ignore);
  g_free(unit_text);
  g_strfreev(unit);
  return status;
}
