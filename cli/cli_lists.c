/* What the commands that write lists (rank, merge) share: their options and output. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "br_cli.h"

gboolean
br_cli_output(const char *command, char **out_dir, const char *format_text, BrFormat *format,
              gboolean *to_stdout)
{
  if (!*out_dir)
    *out_dir = g_strdup("out");
  *to_stdout = strcmp(*out_dir, "-") == 0;
  const char *text = format_text ? format_text : *to_stdout ? "jsonl" : "both";
  if (strcmp(text, "both") == 0 && !*to_stdout)
    *format = BR_FORMAT_CSV | BR_FORMAT_JSONL;
  else if (strcmp(text, "csv") == 0)
    *format = BR_FORMAT_CSV;
  else if (strcmp(text, "jsonl") == 0)
    *format = BR_FORMAT_JSONL;
  else {
    fprintf(stderr, "boxrank %s: --format takes csv, jsonl%s\n", command,
            *to_stdout ? "" : " or both");
    return FALSE;
  }
  return TRUE;
}

gboolean
br_cli_prepare_out(const char *out_dir, GError **error)
{
  if (g_mkdir_with_parents(out_dir, 0755) != 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                "%s: cannot create the output folder: %s", out_dir, g_strerror(e));
    return FALSE;
  }
  /* Whatever happens next, nothing an earlier run wrote can pass for this run's output. */
  return br_output_clear(out_dir, error);
}

gboolean
br_cli_share(const char *command, const char *text, double *share)
{
  if (!text)
    return TRUE;
  char *end;
  double v = g_ascii_strtod(text, &end);
  if (end != text && *end == '%') {
    v /= 100;
    end++;
  }
  if (end == text || *end || !(v >= 0 && v <= 1)) {
    fprintf(stderr,
            "boxrank %s: --max-reject-share takes a fraction (0.05) or a percentage (5%%) from "
            "0 to 1, not '%s'\n",
            command, text);
    return FALSE;
  }
  *share = v;
  return TRUE;
}

gboolean
br_cli_unit_memory(const char *command, const char *text, gsize *bytes)
{
  if (!text)
    return TRUE;
  char *end;
  guint64 v = g_ascii_strtoull(text, &end, 10);
  guint shift = 0;
  if (end != text && g_ascii_isdigit(text[0]))
    shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
  if (shift == 0 || end[1] || v > (G_MAXSIZE >> shift) || (v << shift) < (1u << 20)) {
    fprintf(stderr,
            "boxrank %s: --unit-memory takes a size with its unit, K, M or G, of at least 1M "
            "(such as 512M or 2G), not '%s'\n",
            command, text);
    return FALSE;
  }
  *bytes = (gsize)(v << shift);
  return TRUE;
}

gboolean
br_cli_rejects_over(const char *inputs, guint64 rows_read, guint64 rejected, double max_share,
                    const char *reject_files)
{
  if (!rows_read || (double)rejected <= max_share * (double)rows_read)
    return FALSE;
  fprintf(stderr,
          "boxrank: %s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
          " lines rejected (%.1f%%), over --max-reject-share %g%%: no lists written, run not "
          "recorded; the reasons are in %s\n",
          inputs, rejected, rows_read, 100.0 * (double)rejected / (double)rows_read,
          100 * max_share, reject_files);
  return TRUE;
}

gboolean
br_cli_write_stdout(GPtrArray *lists, const BrPack *pack, const BrListStamp *stamp, BrFormat format)
{
  GString *buf = g_string_new(NULL);
  for (guint i = 0; i < lists->len; i++) {
    if (format & BR_FORMAT_CSV)
      br_output_list_csv(buf, g_ptr_array_index(lists, i), pack, stamp, i == 0);
    else
      br_output_list_jsonl(buf, g_ptr_array_index(lists, i), pack, stamp);
  }
  gboolean ok = fwrite(buf->str, 1, buf->len, stdout) == buf->len && fflush(stdout) == 0;
  g_string_free(buf, TRUE);
  if (!ok)
    fprintf(stderr, "boxrank: cannot write to standard output\n");
  return ok;
}

gboolean
br_cli_write_summary(const BrRunSummary *summary, const char *path, gboolean quiet, GError **error)
{
  GString *text = g_string_new(NULL);
  if (path) {
    br_output_summary_json(text, summary);
    if (!g_file_set_contents(path, text->str, text->len, error)) {
      g_string_free(text, TRUE);
      return FALSE;
    }
  }
  if (!quiet) {
    g_string_truncate(text, 0);
    br_output_summary_text(text, summary);
    fputs(text->str, stderr);
  }
  g_string_free(text, TRUE);
  return TRUE;
}

int
br_cli_run_status(const BrPipelineResult *result, const BrPack *pack, guint64 rejected)
{
  guint64 failures = 0;
  for (guint i = 0; i < result->nrules; i++) {
    failures += result->failure_counts[i];
    if (result->disabled[i])
      fprintf(stderr,
              "boxrank: rule %s switched off for the rest of the run after %u failures "
              "([limits] max_failures): %s\n",
              br_pack_rule(pack, i)->id, br_pack_settings(pack)->max_failures,
              result->failure_messages[i] ? result->failure_messages[i] : "");
  }
  return rejected && failures ? BR_EXIT_REJECTS_AND_RULE_ERRORS
         : rejected           ? BR_EXIT_REJECTS
         : failures           ? BR_EXIT_RULE_ERRORS
                              : BR_EXIT_OK;
}
