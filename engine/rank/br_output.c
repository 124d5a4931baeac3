#include "br_output.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "br_csv_write.h"
#include "br_json.h"

char *
br_output_port_filename(const char *port)
{
  GString *s = g_string_new(NULL);
  gboolean changed = *port == '\0';
  for (const char *p = port; *p; p++) {
    if (g_ascii_isalnum(*p) || *p == '-' || *p == '_') {
      g_string_append_c(s, *p);
    } else {
      g_string_append_c(s, '_');
      changed = TRUE;
    }
    if (s->len >= 64) {
      changed = changed || p[1] != '\0';
      break;
    }
  }
  if (changed) {
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, port, -1);
    g_string_append_printf(s, "-%.8s", sum);
    g_free(sum);
  }
  return g_string_free(s, FALSE);
}

static void
csv_cell(GString *out, const char *s)
{
  br_csv_write_field(out, s, strlen(s));
}

static void
format_score(char *buf, gsize size, double score)
{
  /* Three decimals are finer than any weight a pack or the tuner sets, and a fixed format
   * keeps the lists byte-identical across platforms. */
  g_ascii_formatd(buf, size, "%.3f", score);
  char *end = buf + strlen(buf) - 1;
  while (end > buf && *end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
}

static char *
joined_rule_ids(const BrUnit *u, const BrPack *pack)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; u->fired && i < u->fired->len; i++) {
    if (i)
      g_string_append_c(s, ' ');
    g_string_append(s, br_pack_rule(pack, g_array_index(u->fired, guint, i))->id);
  }
  return g_string_free(s, FALSE);
}

/* A list shows the three reasons that weigh most in full, then the rest by id and points:
 * the decisive reason is read first and nothing is hidden. */
#define REASONS_IN_FULL 3

static char *
joined_reasons(const BrUnit *u, const BrPack *pack)
{
  GString *s = g_string_new(NULL);
  GArray *reasons = br_unit_reasons(u, pack);
  guint shown = 0, rest = 0;
  for (guint i = 0; i < reasons->len; i++)
    rest += br_reason_counts(&g_array_index(reasons, BrReason, i));
  rest = rest > REASONS_IN_FULL ? rest - REASONS_IN_FULL : 0;
  for (guint i = 0; i < reasons->len; i++) {
    const BrReason *r = &g_array_index(reasons, BrReason, i);
    if (!br_reason_counts(r))
      continue;
    if (shown < REASONS_IN_FULL) {
      if (shown)
        g_string_append(s, " | ");
      br_reason_format(s, r, pack);
    } else {
      g_string_append_printf(s, shown == REASONS_IN_FULL ? " | %u more: " : ", ", rest);
      char num[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd(num, sizeof num, "%+.2f", r->contribution);
      g_string_append_printf(s, "%s %s", br_pack_rule(pack, r->rule)->id, num);
    }
    shown++;
  }
  g_array_free(reasons, TRUE);
  return g_string_free(s, FALSE);
}

char *
br_output_run_id(gint64 unix_seconds)
{
  GDateTime *dt = g_date_time_new_from_unix_utc(unix_seconds);
  char *when = dt ? g_date_time_format(dt, "%Y%m%dT%H%M%SZ") : g_strdup("19700101T000000Z");
  if (dt)
    g_date_time_unref(dt);
  char *id = g_strdup_printf("%s-%08x", when, g_random_int());
  g_free(when);
  return id;
}

/* The stamp's watchlists as one cell: "un=<sha256> ofac=<sha256>", in the pack's order. */
static char *
stamp_watchlists(const BrListStamp *stamp)
{
  GString *s = g_string_new(NULL);
  guint n = stamp->watch ? br_watch_set_nlists(stamp->watch) : 0;
  for (guint i = 0; i < n; i++) {
    const BrWatchlist *wl = br_watch_set_list(stamp->watch, i);
    g_string_append_printf(s, "%s%s=%s", i ? " " : "", wl->name,
                           wl->content_hash ? wl->content_hash : "");
  }
  return g_string_free(s, FALSE);
}

GArray *
br_output_rules_off(const BrPipelineResult *result, GPtrArray *resolutions)
{
  GArray *off = g_array_new(FALSE, FALSE, sizeof(BrRuleOff));
  for (guint rule = 0; rule < result->nrules; rule++) {
    guint first = off->len;
    for (guint i = 0; resolutions && i < resolutions->len; i++) {
      const BrFieldResolution *res = g_ptr_array_index(resolutions, i);
      for (guint k = 0; k < res->off->len; k++) {
        const BrRuleOff *o = &g_array_index(res->off, BrRuleOff, k);
        gboolean seen = o->rule != rule;
        for (guint j = first; !seen && j < off->len; j++)
          seen = strcmp(g_array_index(off, BrRuleOff, j).field, o->field) == 0;
        if (!seen)
          g_array_append_val(off, *o);
      }
    }
    if (result->disabled && result->disabled[rule]) {
      BrRuleOff o = {rule, NULL};
      g_array_append_val(off, o);
    }
  }
  return off;
}

void
br_output_rule_off_why(GString *out, const BrRuleOff *off)
{
  if (off->field)
    g_string_append_printf(out, "missing:%s", off->field);
  else
    g_string_append(out, "failing");
}

/* The stamp's switched-off rules as one cell: "ID=missing:FIELD ID=failing". */
static char *
stamp_rules_off(const BrListStamp *stamp, const BrPack *pack)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; stamp->rules_off && i < stamp->rules_off->len; i++) {
    const BrRuleOff *o = &g_array_index(stamp->rules_off, BrRuleOff, i);
    g_string_append_printf(s, "%s%s=", i ? " " : "", br_pack_rule(pack, o->rule)->id);
    br_output_rule_off_why(s, o);
  }
  return g_string_free(s, FALSE);
}

/* The switched-off rules as a JSON array of {"rule", "why", "field"}. */
static void
json_rules_off(GString *out, const GArray *rules_off, const BrPack *pack, const char *sep)
{
  g_string_append_c(out, '[');
  for (guint i = 0; rules_off && i < rules_off->len; i++) {
    const BrRuleOff *o = &g_array_index(rules_off, BrRuleOff, i);
    g_string_append_printf(out, "%s{\"rule\":%s", i ? "," : "", sep);
    br_json_append_string(out, br_pack_rule(pack, o->rule)->id, -1);
    g_string_append_printf(out, ",%s\"why\":%s\"%s\"", sep, sep,
                           o->field ? "missing_field" : "failing");
    if (o->field) {
      g_string_append_printf(out, ",%s\"field\":%s", sep, sep);
      br_json_append_string(out, o->field, -1);
    }
    g_string_append_c(out, '}');
  }
  g_string_append_c(out, ']');
}

/* The stamp columns that end every CSV row, after a leading comma. */
static void
csv_stamp(GString *out, const BrListStamp *stamp, const BrPack *pack, const char *watchlists,
          const char *rules_off)
{
  const BrPackSettings *settings = br_pack_settings(pack);
  g_string_append_c(out, ',');
  csv_cell(out, stamp->run_id);
  g_string_append_c(out, ',');
  csv_cell(out, stamp->list_date);
  g_string_append_c(out, ',');
  csv_cell(out, settings->name ? settings->name : "");
  g_string_append_c(out, ',');
  csv_cell(out, settings->version ? settings->version : "");
  g_string_append_printf(out, ",%s,%" G_GUINT64_FORMAT ",", br_pack_hash(pack), stamp->seed);
  csv_cell(out, watchlists);
  g_string_append_c(out, ',');
  csv_cell(out, rules_off);
}

static const char csv_header[] =
    "port,position,rank,unit,score,lane,selection,rules,reasons,lines,record,amended,"
    "run_id,list_date,pack,pack_version,pack_hash,seed,watchlists,rules_off\n";

void
br_output_list_csv(GString *out, const BrPortList *list, const BrPack *pack,
                   const BrListStamp *stamp, gboolean header)
{
  if (header)
    g_string_append(out, csv_header);
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  char *watchlists = stamp_watchlists(stamp);
  char *rules_off = stamp_rules_off(stamp, pack);
  for (guint i = 0; i < list->selected->len; i++) {
    const BrUnit *u = g_ptr_array_index(list->selected, i);
    csv_cell(out, u->port);
    g_string_append_printf(out, ",%u,%u,", i + 1, u->rank);
    csv_cell(out, u->unit);
    format_score(num, sizeof num, u->score);
    g_string_append_printf(out, ",%s,%s,%s,", num, br_lane_name(u->lane),
                           br_selection_name(u->selection));
    char *rules = joined_rule_ids(u, pack);
    char *reasons = joined_reasons(u, pack);
    csv_cell(out, rules);
    g_string_append_c(out, ',');
    csv_cell(out, reasons);
    g_string_append_printf(out, ",%" G_GUINT64_FORMAT ",", u->nlines);
    csv_cell(out, u->record);
    g_string_append(out, u->amended ? ",yes" : ",");
    csv_stamp(out, stamp, pack, watchlists, rules_off);
    g_string_append_c(out, '\n');
    g_free(rules);
    g_free(reasons);
  }
  g_free(watchlists);
  g_free(rules_off);
}

/* The stamp as the "run" object of every JSON Lines record. */
static char *
json_stamp(const BrListStamp *stamp, const BrPack *pack)
{
  const BrPackSettings *settings = br_pack_settings(pack);
  GString *s = g_string_new("{\"run_id\":");
  br_json_append_string(s, stamp->run_id, -1);
  g_string_append(s, ",\"list_date\":");
  br_json_append_string(s, stamp->list_date, -1);
  g_string_append(s, ",\"pack\":");
  br_json_append_string(s, settings->name ? settings->name : "", -1);
  g_string_append(s, ",\"pack_version\":");
  br_json_append_string(s, settings->version ? settings->version : "", -1);
  g_string_append_printf(s, ",\"pack_hash\":\"%s\",\"seed\":%" G_GUINT64_FORMAT ",\"watchlists\":{",
                         br_pack_hash(pack), stamp->seed);
  guint n = stamp->watch ? br_watch_set_nlists(stamp->watch) : 0;
  for (guint i = 0; i < n; i++) {
    const BrWatchlist *wl = br_watch_set_list(stamp->watch, i);
    if (i)
      g_string_append_c(s, ',');
    br_json_append_string(s, wl->name, -1);
    g_string_append_c(s, ':');
    br_json_append_string(s, wl->content_hash ? wl->content_hash : "", -1);
  }
  g_string_append(s, "},\"rules_off\":");
  json_rules_off(s, stamp->rules_off, pack, "");
  g_string_append_c(s, '}');
  return g_string_free(s, FALSE);
}

void
br_output_list_jsonl(GString *out, const BrPortList *list, const BrPack *pack,
                     const BrListStamp *stamp)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  char *run = json_stamp(stamp, pack);
  for (guint i = 0; i < list->selected->len; i++) {
    const BrUnit *u = g_ptr_array_index(list->selected, i);
    g_string_append(out, "{\"port\":");
    br_json_append_string(out, u->port, -1);
    g_string_append_printf(out, ",\"position\":%u,\"rank\":%u,\"unit\":", i + 1, u->rank);
    br_json_append_string(out, u->unit, -1);
    format_score(num, sizeof num, u->score);
    g_string_append_printf(out, ",\"score\":%s,\"lane\":\"%s\",\"selection\":\"%s\",\"rules\":[",
                           num, br_lane_name(u->lane), br_selection_name(u->selection));
    for (guint k = 0; u->fired && k < u->fired->len; k++) {
      if (k)
        g_string_append_c(out, ',');
      br_json_append_string(out, br_pack_rule(pack, g_array_index(u->fired, guint, k))->id,
                            -1);
    }
    g_string_append(out, "],\"reasons\":[");
    GArray *reasons = br_unit_reasons(u, pack);
    GString *text = g_string_new(NULL);
    guint shown = 0;
    for (guint k = 0; k < reasons->len; k++) {
      const BrReason *r = &g_array_index(reasons, BrReason, k);
      if (!br_reason_counts(r))
        continue;
      if (shown++)
        g_string_append_c(out, ',');
      g_string_truncate(text, 0);
      br_reason_format(text, r, pack);
      br_json_append_string(out, text->str, (gssize)text->len);
    }
    g_string_free(text, TRUE);
    g_string_append(out, "],\"breakdown\":[");
    for (guint k = 0; k < reasons->len; k++) {
      const BrReason *r = &g_array_index(reasons, BrReason, k);
      const BrRuleInfo *info = br_pack_rule(pack, r->rule);
      g_string_append(out, k ? ",{\"rule\":" : "{\"rule\":");
      br_json_append_string(out, info->id, -1);
      format_score(num, sizeof num, info->weight);
      g_string_append_printf(out, ",\"weight\":%s", num);
      format_score(num, sizeof num, r->points);
      g_string_append_printf(out, ",\"points\":%s", num);
      format_score(num, sizeof num, r->contribution);
      g_string_append_printf(out, ",\"contribution\":%s,\"reason\":", num);
      br_json_append_string(out, r->text, -1);
      g_string_append_c(out, '}');
    }
    g_array_free(reasons, TRUE);
    g_string_append_c(out, ']');
    if (u->selection == BR_SEL_EXPLORE) {
      /* What made it an explore pick: how little the history knows of its values. */
      g_ascii_formatd(num, sizeof num, "%.4f", u->uncertainty);
      g_string_append_printf(out, ",\"uncertainty\":%s", num);
    }
    g_string_append_printf(out, ",\"lines\":%" G_GUINT64_FORMAT ",\"record\":", u->nlines);
    br_json_append_string(out, u->record, -1);
    g_string_append(out, u->amended ? ",\"amended\":true" : ",\"amended\":false");
    g_string_append_printf(out, ",\"run\":%s}\n", run);
  }
  g_free(run);
}

gboolean
br_output_clear(const char *dir, GError **error)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d)
    return TRUE;
  gboolean ok = TRUE;
  const char *name;
  while (ok && (name = g_dir_read_name(d))) {
    gboolean ours = strcmp(name, "summary.json") == 0 ||
                    (g_str_has_prefix(name, "list-") &&
                     (g_str_has_suffix(name, ".csv") || g_str_has_suffix(name, ".jsonl")));
    if (!ours)
      continue;
    char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && g_unlink(path) != 0) {
      int e = errno;
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                  "%s: cannot remove the output of an earlier run: %s", path, g_strerror(e));
      ok = FALSE;
    }
    g_free(path);
  }
  g_dir_close(d);
  return ok;
}

gboolean
br_output_write_lists(GPtrArray *lists, const BrPack *pack, const BrListStamp *stamp,
                      const char *dir, BrFormat formats, GError **error)
{
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot create: %s", dir,
                g_strerror(e));
    return FALSE;
  }
  GString *buf = g_string_new(NULL);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < lists->len; i++) {
    const BrPortList *list = g_ptr_array_index(lists, i);
    char *base = br_output_port_filename(list->port);
    for (int f = 0; ok && f < 2; f++) {
      BrFormat fmt = f == 0 ? BR_FORMAT_CSV : BR_FORMAT_JSONL;
      if (!(formats & fmt))
        continue;
      g_string_truncate(buf, 0);
      if (fmt == BR_FORMAT_CSV)
        br_output_list_csv(buf, list, pack, stamp, TRUE);
      else
        br_output_list_jsonl(buf, list, pack, stamp);
      char *name = g_strdup_printf("list-%s.%s", base, fmt == BR_FORMAT_CSV ? "csv" : "jsonl");
      char *path = g_build_filename(dir, name, NULL);
      ok = g_file_set_contents(path, buf->str, buf->len, error);
      g_free(path);
      g_free(name);
    }
    g_free(base);
  }
  g_string_free(buf, TRUE);
  return ok;
}

static guint64
total_failures(const BrPipelineResult *r)
{
  guint64 n = 0;
  for (guint i = 0; i < r->nrules; i++)
    n += r->failure_counts[i];
  return n;
}

void
br_output_summary_json(GString *out, const BrRunSummary *s)
{
  const BrPipelineResult *r = s->result;
  const BrPackSettings *settings = br_pack_settings(s->pack);
  g_string_append(out, "{\n  \"input\": ");
  br_json_append_string(out, s->input, -1);
  g_string_append(out, ",\n  \"profile\": ");
  br_json_append_string(out, s->profile ? s->profile : "", -1);
  g_string_append(out, ",\n  \"pack\": ");
  br_json_append_string(out, settings->name ? settings->name : "", -1);
  g_string_append(out, ",\n  \"pack_version\": ");
  br_json_append_string(out, settings->version ? settings->version : "", -1);
  g_string_append(out, ",\n  \"pack_hash\": ");
  br_json_append_string(out, br_pack_hash(s->pack), -1);
  g_string_append(out, ",\n  \"run_id\": ");
  br_json_append_string(out, s->stamp->run_id, -1);
  g_string_append(out, ",\n  \"list_date\": ");
  br_json_append_string(out, s->stamp->list_date, -1);
  g_string_append(out, ",\n  \"watchlists\": [");
  guint nlists = s->stamp->watch ? br_watch_set_nlists(s->stamp->watch) : 0;
  for (guint i = 0; i < nlists; i++) {
    const BrWatchlist *wl = br_watch_set_list(s->stamp->watch, i);
    g_string_append(out, i ? ", {\"name\": " : "{\"name\": ");
    br_json_append_string(out, wl->name, -1);
    g_string_append(out, ", \"sha256\": ");
    br_json_append_string(out, wl->content_hash ? wl->content_hash : "", -1);
    g_string_append(out, ", \"version\": ");
    if (wl->version)
      br_json_append_string(out, wl->version, -1);
    else
      g_string_append(out, "null");
    g_string_append_c(out, '}');
  }
  g_string_append_c(out, ']');
  g_string_append_printf(out,
                         ",\n  \"seed\": %" G_GUINT64_FORMAT ",\n  \"threads\": %u,\n"
                         "  \"lines_read\": %" G_GUINT64_FORMAT ",\n"
                         "  \"lines_rejected\": %" G_GUINT64_FORMAT ",\n"
                         "  \"lines_scored\": %" G_GUINT64_FORMAT ",\n  \"units\": %" G_GUINT64_FORMAT ",\n",
                         s->stamp->seed, s->threads, s->rows_read, s->rows_rejected,
                         r->lines_scored, s->units);
  g_string_append(out, "  \"reject_file\": ");
  if (s->reject_path)
    br_json_append_string(out, s->reject_path, -1);
  else
    g_string_append(out, "null");
  g_string_append(out, ",\n  \"elapsed_s\": ");
  br_json_append_number(out, s->elapsed_s);
  g_string_append(out, ",\n  \"lines_per_s\": ");
  br_json_append_number(out, s->elapsed_s > 0 ? (double)(guint64)(s->rows_read / s->elapsed_s)
                                              : 0);
  g_string_append(out, ",\n  \"ports\": [");
  for (guint i = 0; i < s->lists->len; i++) {
    const BrPortList *l = g_ptr_array_index(s->lists, i);
    g_string_append(out, i ? ",\n    {\"port\": " : "\n    {\"port\": ");
    br_json_append_string(out, l->port, -1);
    g_string_append_printf(out,
                           ", \"units\": %u, \"red\": %u, \"yellow\": %u, \"green\": %u, "
                           "\"capacity\": %u, \"targeted\": %u, \"explore\": %u, \"random\": %u}",
                           l->units, l->red, l->yellow, l->green, l->capacity, l->targeted,
                           l->explore, l->random);
  }
  g_string_append(out, "\n  ],\n  \"rules\": [");
  for (guint i = 0; i < r->nrules; i++) {
    const BrRuleInfo *info = br_pack_rule(s->pack, i);
    g_string_append(out, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
    br_json_append_string(out, info->id, -1);
    g_string_append(out, ", \"weight\": ");
    br_json_append_number(out, info->weight);
    g_string_append_printf(out, ", \"fired\": %" G_GUINT64_FORMAT ", \"errors\": %" G_GUINT64_FORMAT,
                           r->fire_counts[i], r->failure_counts[i]);
    if (r->failure_messages[i]) {
      g_string_append(out, ", \"first_error\": ");
      br_json_append_string(out, r->failure_messages[i], -1);
    }
    if (r->disabled[i])
      g_string_append(out, ", \"switched_off\": true");
    g_string_append_c(out, '}');
  }
  g_string_append(out, "\n  ],\n  \"missing_fields\": [");
  guint nmissing = 0;
  const GArray *off = s->stamp->rules_off;
  for (guint i = 0; off && i < off->len; i++) {
    const BrRuleOff *o = &g_array_index(off, BrRuleOff, i);
    if (!o->field)
      continue;
    g_string_append(out, nmissing++ ? ",\n    {\"rule\": " : "\n    {\"rule\": ");
    br_json_append_string(out, br_pack_rule(s->pack, o->rule)->id, -1);
    g_string_append(out, ", \"field\": ");
    br_json_append_string(out, o->field, -1);
    g_string_append(out, ", \"disabled\": true}");
  }
  g_string_append_printf(out, "%s],\n  \"rule_errors\": %" G_GUINT64_FORMAT, nmissing ? "\n  " : "",
                         total_failures(r));
  g_string_append(out, ",\n  \"rules_off\": ");
  json_rules_off(out, off, s->pack, " ");
  g_string_append(out, ",\n  \"rules_switched_off\": [");
  for (guint i = 0, n = 0; i < r->nrules; i++)
    if (r->disabled[i]) {
      g_string_append(out, n++ ? ", " : "");
      br_json_append_string(out, br_pack_rule(s->pack, i)->id, -1);
    }
  g_string_append(out, "]\n}\n");
}

void
br_output_summary_text(GString *out, const BrRunSummary *s)
{
  const BrPipelineResult *r = s->result;
  const BrPackSettings *settings = br_pack_settings(s->pack);
  g_string_append_printf(
      out,
      "boxrank: run %s: %s with pack %s %s (%.12s), seed %" G_GUINT64_FORMAT ", lists for %s\n"
      "  lines read %" G_GUINT64_FORMAT ", rejected %" G_GUINT64_FORMAT
      ", units %" G_GUINT64_FORMAT ", %.2f s, %.0f lines/s, %u threads\n",
      s->stamp->run_id, s->input, settings->name, settings->version ? settings->version : "",
      br_pack_hash(s->pack), s->stamp->seed, s->stamp->list_date, s->rows_read, s->rows_rejected,
      s->units, s->elapsed_s,
      s->elapsed_s > 0 ? s->rows_read / s->elapsed_s : 0.0, s->threads);
  if (s->rows_rejected)
    g_string_append_printf(out, "  rejected rows written to %s\n",
                           s->reject_path ? s->reject_path : "(nowhere)");
  gboolean explore = settings->explore_share > 0;
  g_string_append_printf(out, "  port          units    red  yellow  selected/capacity (%s)\n",
                         explore ? "targeted+explore+random" : "targeted+random");
  for (guint i = 0; i < s->lists->len; i++) {
    const BrPortList *l = g_ptr_array_index(s->lists, i);
    g_string_append_printf(out, "  %-12s %6u %6u %7u  %u/%u (%u+", l->port, l->units, l->red,
                           l->yellow, l->targeted + l->explore + l->random, l->capacity,
                           l->targeted);
    if (explore)
      g_string_append_printf(out, "%u+", l->explore);
    g_string_append_printf(out, "%u)\n", l->random);
  }
  for (guint i = 0; s->stamp->rules_off && i < s->stamp->rules_off->len; i++) {
    const BrRuleOff *o = &g_array_index(s->stamp->rules_off, BrRuleOff, i);
    if (!o->field)
      continue;
    char *why = br_fields_describe(s->pack, o);
    g_string_append_printf(out, "  %s\n", why);
    g_free(why);
  }
  for (guint i = 0; i < r->nrules; i++) {
    if (!r->failure_counts[i])
      continue;
    const BrRuleInfo *info = br_pack_rule(s->pack, i);
    g_string_append_printf(out, "  rule %s failed on %" G_GUINT64_FORMAT " lines: %s\n",
                           info->id, r->failure_counts[i],
                           r->failure_messages[i] ? r->failure_messages[i] : "");
  }
}
