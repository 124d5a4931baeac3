/* The boxrank command: one file per command (cli/cmd_*.c), dispatched from cli/boxrank.c. */
#pragma once

#include <glib.h>

#include "br_output.h"
#include "br_watchset.h"

/* Exit codes, documented in README.md. */
enum {
  BR_EXIT_OK = 0,
  BR_EXIT_FAILURE = 1,     /* the job could not run: bad input file, bad pack, I/O error */
  BR_EXIT_USAGE = 2,       /* bad command line */
  BR_EXIT_REJECTS = 3,     /* done, but some input rows were rejected (see the reject file) */
  BR_EXIT_RULE_ERRORS = 4, /* done, but some rules failed at run time (see the summary) */
  BR_EXIT_REJECTS_AND_RULE_ERRORS = 5,
  BR_EXIT_CHECK_FAILED = 6,     /* a check or test command found problems */
  BR_EXIT_TOO_MANY_REJECTS = 7, /* rank: rejects passed --max-reject-share; no lists written */
  BR_EXIT_NOTHING = 8,          /* report: no inspections in the period (or at the port) */
};

typedef struct {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv); /* argv[0] is the command name */
} BrCommand;

int br_cmd_rank(int argc, char **argv);
int br_cmd_merge(int argc, char **argv);
int br_cmd_rules(int argc, char **argv);
int br_cmd_pack(int argc, char **argv);
int br_cmd_backtest(int argc, char **argv);
int br_cmd_tune(int argc, char **argv);
int br_cmd_mine(int argc, char **argv);
int br_cmd_outcomes(int argc, char **argv);
int br_cmd_report(int argc, char **argv);
int br_cmd_watchlist(int argc, char **argv);
int br_cmd_watchlist_screen(int argc, char **argv);
int br_cmd_serve(int argc, char **argv);
int br_cmd_user(int argc, char **argv);
int br_cmd_profile(int argc, char **argv);
int br_cmd_fields(int argc, char **argv);
int br_cmd_unit(int argc, char **argv);

/* Parses options with GOptionContext; prints --help with the example; on a bad command line
 * prints the error and returns FALSE (exit with BR_EXIT_USAGE). */
gboolean br_cli_parse(GOptionContext *ctx, int *argc, char ***argv, const char *example);
/* Prints "boxrank: message" to stderr and frees the error. */
void br_cli_error(GError *error);
/* A command of subcommands called without one: usage on stdout and BR_EXIT_OK when it was
 * asked for (--help, -h), else on stderr and BR_EXIT_USAGE. */
int br_cli_usage(int argc, char **argv, const char *usage);
/* --seed, the same in every command: a non-negative number, or a date YYYY-MM-DD read as
 * the number YYYYMMDD (the README suggests the list date). NULL gives 0. Prints why and
 * returns FALSE when text is neither. */
gboolean br_cli_seed(const char *command, const char *text, guint64 *seed);
/* --threads, the same in every command: 0 (one per core) to BR_CLI_THREADS_MAX; more only
 * costs memory and time (1,000 threads once ran ten times slower in 900 MB). Prints why and
 * returns FALSE when out of range. */
#define BR_CLI_THREADS_MAX 64
gboolean br_cli_threads(const char *command, gint threads);
/* TRUE when progress lines should be drawn on stderr (a terminal, not CI, not piped). */
gboolean br_cli_show_progress(void);

/* --out and --format, the same wherever lists are written: out_dir defaults to "out", "-" is
 * standard output (one format, jsonl unless told); format_text is csv, jsonl or both (NULL:
 * both). Prints why and returns FALSE when they do not go together. */
gboolean br_cli_output(const char *command, char **out_dir, const char *format_text,
                       BrFormat *format, gboolean *to_stdout);
/* Creates the output folder and removes what an earlier run wrote there. */
gboolean br_cli_prepare_out(const char *out_dir, GError **error);
/* --max-reject-share: a fraction (0.05) or a percentage (5%), from 0 to 1; NULL leaves share.
 * Prints why and returns FALSE otherwise. */
gboolean br_cli_share(const char *command, const char *text, double *share);
/* --unit-memory: a whole number of bytes with a unit, K, M or G (powers of 1024), at least 1M;
 * NULL leaves bytes. Prints why and returns FALSE otherwise. */
gboolean br_cli_unit_memory(const char *command, const char *text, gsize *bytes);
/* TRUE, having said why, when more than max_share of the lines were rejected: the run must
 * write no lists (exit BR_EXIT_TOO_MANY_REJECTS). */
gboolean br_cli_rejects_over(const char *inputs, guint64 rows_read, guint64 rejected,
                             double max_share, const char *reject_files);
/* Writes every port's list to standard output in one format (--out -). */
gboolean br_cli_write_stdout(GPtrArray *lists, const BrPack *pack, const BrListStamp *stamp,
                             BrFormat format);
/* Writes the run summary as JSON to path (NULL: none) and, unless quiet, as text to stderr. */
gboolean br_cli_write_summary(const BrRunSummary *summary, const char *path, gboolean quiet,
                              GError **error);
/* The exit status of a run that wrote its output: rejects (3), rule errors (4), both (5) or
 * 0; rules the breaker switched off are told on stderr. */
int br_cli_run_status(const BrPipelineResult *result, const BrPack *pack, guint64 rejected);

/* What watchlist match and watchlist screen share: --list (repeat), --top, --min-score, --as-of
 * and --db, with the same meaning and defaults. */
typedef struct {
  char *db, *as_of;
  char **lists;
  gint top;
  gdouble min_score;
} BrCliScreenOptions;
/* Sets the defaults and adds the options to ctx. */
void br_cli_screen_options_add(GOptionContext *ctx, BrCliScreenOptions *options);
/* After parsing: TRUE when --top and --min-score are in range, else says why. */
gboolean br_cli_screen_options_check(const char *command, const BrCliScreenOptions *options);
/* Opens the store read-only and loads the lists; NULL, having said why, on failure or when the
 * store holds no list. */
BrWatchSet *br_cli_screen_load(const BrCliScreenOptions *options, BrStore **store);
void br_cli_screen_options_clear(BrCliScreenOptions *options);
