/* boxrank profile check, and boxrank fields: what a user runs while writing a column profile
 * for a new layout (docs/profiles.md). */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "br_cli.h"
#include "br_feed.h"
#include "br_profile.h"

static const char *
char_name(char c)
{
  static char one[4];
  switch (c) {
  case 0:
    return "none";
  case '\t':
    return "tab";
  case ' ':
    return "space";
  case '"':
    return "'\"'";
  default:
    g_snprintf(one, sizeof one, "\"%c\"", c);
    return one;
  }
}

static void
print_numbers(const char *label, char decimal, char thousands)
{
  printf("%sdecimal %s", label, char_name(decimal));
  printf(", thousands %s", char_name(thousands));
}

/* The profile as the reader will apply it, defaults filled in. */
static void
print_mapping(const BrProfile *p)
{
  printf("profile %s (%s)\n", br_profile_name(p), br_profile_path(p));
  printf("  encoding        %s\n", br_profile_encoding(p) ? br_profile_encoding(p) : "UTF-8");
  printf("  header line     %u\n", br_profile_header_line(p));
  printf("  delimiter       %s\n", char_name(br_profile_delimiter(p)));
  printf("  quote           %s\n", char_name(br_profile_quote(p)));
  printf("  list separator  %s\n", char_name(br_profile_list_separator(p)));
  print_numbers("  numbers         ", br_profile_decimal(p), br_profile_thousands(p));
  char *formats = g_strjoinv(" | ", (char **)br_profile_date_formats(p));
  printf("\n  dates           %s\n", formats);
  g_free(formats);
  GTimeZone *tz = br_profile_time_zone(p);
  if (tz)
    printf("  time zone       %s (source times without an offset: %s)\n",
           g_time_zone_get_identifier(tz),
           g_time_zone_get_identifier(br_profile_source_time_zone(p)));
  else
    printf("  time zone       none: dates are taken as written\n");
  printf("  max field bytes %" G_GSIZE_FORMAT "\n", br_profile_max_field_bytes(p));
  guint n;
  const BrProfileField *fields = br_profile_fields(p, &n);
  printf("fields:\n");
  for (guint i = 0; i < n; i++) {
    const BrProfileField *f = &fields[i];
    printf("  %-18s %-8s ", f->name, br_type_name(f->type));
    if (f->constant) {
      printf("= \"%s\" (constant)", f->constant);
    } else {
      printf("<- ");
      for (char **c = f->columns; *c; c++)
        printf("%s\"%s\"", c == f->columns ? "" : " + ", *c);
      if (f->columns[1])
        printf(" (joined by %s)", char_name(br_profile_list_separator(p)));
    }
    if (f->unit_column)
      printf(", in the unit of \"%s\", to kg", f->unit_column);
    if (f->currency_column)
      printf(", in the currency of \"%s\", converted by %s (%u rates)", f->currency_column,
             f->rates_path, g_hash_table_size(f->rates));
    if (f->codes)
      printf(", through code map %s (%u codes; unmapped codes %s)", f->code_map_path,
             g_hash_table_size(f->codes), f->unmapped_pass ? "pass" : "are rejects");
    gboolean numeric = f->type == BR_TYPE_INT || f->type == BR_TYPE_DECIMAL;
    if (numeric && (f->decimal != br_profile_decimal(p) || f->thousands != br_profile_thousands(p)))
      print_numbers(", ", f->decimal, f->thousands);
    if (f->type == BR_TYPE_DATE) {
      char *df = g_strjoinv(" | ", f->date_formats);
      printf(", dates %s", df);
      g_free(df);
    }
    printf("\n");
  }
  const char *const *absent = br_profile_absent(p);
  if (absent[0]) {
    char *list = g_strjoinv(", ", (char **)absent);
    printf("absent: %s\n", list);
    g_free(list);
  }
}

/* The reject file's rows as file:line: column: reason. */
static guint64
print_rejects(const char *input, const char *reject_path, guint max)
{
  BrProfile *plain = br_profile_new_identity();
  BrFeed *feed = br_feed_open(reject_path, plain, NULL, NULL);
  guint64 n = 0;
  if (feed) {
    BrBatch *b = br_batch_new(br_feed_schema(feed), 64);
    while (br_feed_next_batch(feed, b, NULL) > 0) {
      for (guint i = 0; i < b->count; i++, n++) {
        const BrValue *r = br_batch_record(b, i);
        if (n < max)
          printf("%s:%s: %s%s%s%s\n", input, r[0].str, *r[1].str ? "column \"" : "", r[1].str,
                 *r[1].str ? "\": " : "", r[2].str);
      }
    }
    br_batch_free(b);
    br_feed_close(feed);
  }
  br_profile_free(plain);
  if (n > max)
    printf("... and %" G_GUINT64_FORMAT " more rejected rows\n", n - max);
  return n;
}

static void
print_record(const BrSchema *schema, const BrValue *rec, guint64 line, const char *input)
{
  printf("%s:%" G_GUINT64_FORMAT ":\n", input, line);
  for (guint k = 0; k < br_schema_size(schema); k++) {
    const BrField *f = br_schema_field(schema, k);
    if (rec[k].missing)
      printf("  %-18s (missing)\n", f->name);
    else
      printf("  %-18s %s\n", f->name, rec[k].str);
  }
}

/* Reads the whole input (every row is checked), prints the schema, the first rows as
 * canonical records and the rejects. Returns the number of rejects, or -1 when the file cannot
 * be read at all. */
static gint64
check_input(const BrProfile *p, const char *input, guint nrows, GError **error)
{
  char *dir = g_dir_make_tmp("boxrank-profile-XXXXXX", error);
  if (!dir)
    return -1;
  char *rej = g_build_filename(dir, "rejects.csv", NULL);
  BrFeedOptions opts = {.reject_path = rej};
  BrFeed *feed = br_feed_open(input, p, &opts, error);
  gint64 result = -1;
  if (!feed)
    goto out;
  const BrSchema *schema = br_feed_schema(feed);
  printf("\n%s: %u fields (the profile's, then the columns passed through):\n", input,
         br_schema_size(schema));
  for (guint k = 0; k < br_schema_size(schema); k++) {
    const BrField *f = br_schema_field(schema, k);
    printf("  %-18s %s\n", f->name, br_type_name(f->type));
  }
  printf("\n");
  BrBatch *b = br_batch_new(schema, 256);
  guint shown = 0;
  gint r;
  while ((r = br_feed_next_batch(feed, b, error)) > 0)
    for (guint i = 0; i < b->count && shown < nrows; i++, shown++)
      print_record(schema, br_batch_record(b, i), b->line_no[i], input);
  br_batch_free(b);
  if (r == 0) {
    guint64 rows = br_feed_rows_read(feed), bad = br_feed_rows_rejected(feed);
    br_feed_close(feed);
    feed = NULL;
    if (bad)
      printf("\n");
    print_rejects(input, rej, 20);
    printf("\n%s: %" G_GUINT64_FORMAT " rows read, %" G_GUINT64_FORMAT
           " accepted, %" G_GUINT64_FORMAT " rejected\n",
           input, rows, rows - bad, bad);
    result = (gint64)bad;
  }
out:
  br_feed_close(feed);
  g_remove(rej);
  g_rmdir(dir);
  g_free(rej);
  g_free(dir);
  return result;
}

static int
profile_check(int argc, char **argv)
{
  char *input = NULL;
  gint nrows = 3;
  GOptionEntry entries[] = {
      {"input", 'i', 0, G_OPTION_ARG_FILENAME, &input,
       "A manifest to read through the profile: every row is checked", "FILE"},
      {"rows", 'n', 0, G_OPTION_ARG_INT, &nrows, "Records of the input to print (default 3)", "N"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("PROFILE");
  g_option_context_set_summary(
      ctx, "Check a column profile: print its effective mapping (defaults filled in) and, with\n"
           "--input, the fields a file gives through it, its first rows as canonical records\n"
           "and every rejected row as FILE:LINE: column: reason.\n"
           "Exit status 0 when clean, 6 when the profile or a row has a problem.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int status = BR_EXIT_USAGE;
  GError *error = NULL;
  BrProfile *p = NULL;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank profile check feeds/profiles/sample.ini --input "
                    "samples/manifests/iraq-sample.csv"))
    goto out;
  if (argc != 2 || nrows < 0) {
    fprintf(stderr, "boxrank profile check: give one profile file (and --rows 0 or more)\n");
    goto out;
  }
  status = BR_EXIT_CHECK_FAILED;
  if (!(p = br_profile_load(argv[1], &error))) {
    printf("%s\n", error->message);
    g_clear_error(&error);
    goto out;
  }
  print_mapping(p);
  status = BR_EXIT_OK;
  if (input) {
    gint64 bad = check_input(p, input, (guint)nrows, &error);
    if (bad < 0) {
      printf("%s\n", error->message);
      g_clear_error(&error);
    }
    status = bad == 0 ? BR_EXIT_OK : BR_EXIT_CHECK_FAILED;
  }
out:
  br_profile_free(p);
  g_option_context_free(ctx);
  g_free(input);
  return status;
}

int
br_cmd_profile(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "check") == 0)
    return profile_check(argc - 1, argv + 1);
  return br_cli_usage(argc, argv,
                      "Usage: boxrank profile check PROFILE [--input FILE] [--rows N]\n\n"
                      "Check a column profile (docs/profiles.md). Example:\n"
                      "  boxrank profile check feeds/profiles/sample.ini --input "
                      "samples/manifests/iraq-sample.csv\n");
}

int
br_cmd_fields(int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new("");
  g_option_context_set_summary(
      ctx, "List the canonical manifest fields: name, type and meaning. A column profile maps a\n"
           "file's columns to them (docs/profiles.md); rules read them by name (docs/rules.md).");
  int status = BR_EXIT_USAGE;
  if (!br_cli_parse(ctx, &argc, &argv, "boxrank fields"))
    goto out;
  if (argc != 1) {
    fprintf(stderr, "boxrank fields: takes no arguments\n");
    goto out;
  }
  guint n;
  const BrCanonicalField *fields = br_canonical_fields(&n);
  printf("%-18s %-8s %s\n", "field", "type", "meaning");
  for (guint i = 0; i < n; i++)
    printf("%-18s %-8s %s\n", fields[i].name, br_type_name(fields[i].type), fields[i].meaning);
  status = BR_EXIT_OK;
out:
  g_option_context_free(ctx);
  return status;
}
