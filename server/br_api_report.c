/* The commission's and the rule authors' pages: hit-rate report, packs and rule statistics,
 * the audit trail. */
#include <math.h>
#include <string.h>

#include "br_api.h"
#include "br_json.h"
#include "br_report.h"

static gboolean
valid_date(const char *text)
{
  gint32 day;
  return text && br_store_date_parse(text, &day);
}

/* Without a period: the three calendar months up to the latest list in the store. */
static void
default_period(BrRequest *req, char from[11], char to[11])
{
  sqlite3_stmt *s = NULL;
  from[0] = to[0] = '\0';
  if (sqlite3_prepare_v2(br_store_db(req->store),
                         "SELECT MAX(as_of), date(MAX(as_of), 'start of month', '-2 months')"
                         " FROM runs",
                         -1, &s, NULL) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
    g_strlcpy(to, (const char *)sqlite3_column_text(s, 0), 11);
    g_strlcpy(from, (const char *)sqlite3_column_text(s, 1), 11);
  }
  sqlite3_finalize(s);
  if (!to[0]) {
    GDateTime *now = g_date_time_new_now_utc();
    char *today = g_date_time_format(now, "%Y-%m-%d");
    g_strlcpy(to, today, 11);
    g_strlcpy(from, today, 11);
    g_free(today);
    g_date_time_unref(now);
  }
}

static BrReport *
build_report(BrRequest *req)
{
  const char *from = br_req_query(req, "from");
  const char *to = br_req_query(req, "to");
  const char *port = br_req_query(req, "port");
  char dfrom[11], dto[11];
  if (!from && !to) {
    default_period(req, dfrom, dto);
    from = dfrom;
    to = dto;
  }
  if (!valid_date(from) || !valid_date(to)) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "from and to take YYYY-MM-DD");
    return NULL;
  }
  GError *error = NULL;
  BrReport *report = br_report_build(req->store, from, to, port, &error);
  if (!report)
    br_reply_store_error(req, error);
  return report;
}

/* Random-control inspections needed for the lift's 95% interval (Katz, log ratio) to exclude
 * 1 at the rates seen: (1-p0)/(p0 n0) + (1-pt)/(pt nt) < (ln(pt/p0) / 1.96)^2. With no finding
 * in the control yet, p0 is taken as (h0 + 0.5) / (n0 + 1). Returns 0 when the control is
 * large enough, -1 when no size would do at these rates (targeting finds no more than chance,
 * or found nothing). When the targeted side is too small as well, the size assumes it grows
 * without bound: the least the control needs. */
static gint64
control_needed(const BrReportCount *t, const BrReportCount *r, gboolean *more_targeted)
{
  *more_targeted = FALSE;
  if (t->inspections == 0 || t->hits == 0)
    return -1;
  double pt = (double)t->hits / (double)t->inspections;
  double p0 = r->hits ? (double)r->hits / (double)r->inspections
                      : (r->hits + 0.5) / ((double)r->inspections + 1.0);
  if (pt <= p0)
    return -1;
  double margin = pow(log(pt / p0) / 1.96, 2);
  double var_t = pt < 1.0 ? (1.0 - pt) / (pt * (double)t->inspections) : 0.0;
  double room = margin - var_t;
  if (room <= 0) {
    *more_targeted = TRUE;
    room = margin;
  }
  double need = ceil((1.0 - p0) / p0 / room);
  if (r->hits && (double)r->inspections >= need && !*more_targeted)
    return 0;
  return (gint64)need;
}

static void
control_json(GString *out, const BrReportRow *row, guint *n)
{
  gboolean more_t;
  gint64 need = control_needed(&row->targeted, &row->random, &more_t);
  double lift, lo, hi;
  gboolean has_lift = br_report_lift(row, &lift, &lo, &hi);
  gboolean ok = need == 0 && has_lift;
  gboolean first = TRUE;
  g_string_append(out, (*n)++ ? ",{" : "{");
  br_json_str_member(out, &first, "port", row->port);
  br_json_int_member(out, &first, "targeted", (gint64)row->targeted.inspections);
  br_json_int_member(out, &first, "targeted_hits", (gint64)row->targeted.hits);
  br_json_int_member(out, &first, "random", (gint64)row->random.inspections);
  br_json_int_member(out, &first, "random_hits", (gint64)row->random.hits);
  br_json_int_member(out, &first, "explore", (gint64)row->explore.inspections);
  br_json_int_member(out, &first, "explore_hits", (gint64)row->explore.hits);
  br_json_member(out, &first, "enough");
  g_string_append(out, ok ? "true" : "false");
  br_json_member(out, &first, "needed_random");
  if (need > 0)
    g_string_append_printf(out, "%" G_GINT64_FORMAT, need);
  else
    g_string_append(out, "null");
  br_json_member(out, &first, "more_targeted");
  g_string_append(out, more_t ? "true" : "false");
  g_string_append_c(out, '}');
}

void
br_api_report(BrRequest *req)
{
  BrReport *report = build_report(req);
  if (!report)
    return;
  GString *out = g_string_new("{\"report\":");
  br_report_write(report, BR_REPORT_JSON, out);
  g_string_append(out, ",\"control\":[");
  guint n = 0;
  for (guint i = 0; i < br_report_row_count(report); i++) {
    const BrReportRow *row = br_report_row(report, i);
    if (row->dim == BR_REPORT_OVERALL || row->dim == BR_REPORT_PORT)
      control_json(out, row, &n);
  }
  g_string_append(out, "]}");
  br_report_free(report);
  br_reply_json(req, SOUP_STATUS_OK, out);
}

void
br_api_report_csv(BrRequest *req)
{
  BrReport *report = build_report(req);
  if (!report)
    return;
  GString *out = g_string_new(NULL);
  br_report_write(report, BR_REPORT_CSV, out);
  br_report_free(report);
  GBytes *bytes = g_string_free_to_bytes(out);
  br_reply_bytes(req, SOUP_STATUS_OK, "text/csv; charset=utf-8", bytes);
  g_bytes_unref(bytes);
  soup_message_headers_replace(soup_server_message_get_response_headers(req->msg),
                               "Content-Disposition", "attachment; filename=\"hit-rates.csv\"");
}

void
br_api_packs(BrRequest *req)
{
  br_reply_rows(
      req,
      "SELECT r.id AS run_id, r.as_of AS date, r.started_at, r.pack_name,"
      " r.pack_version, r.pack_hash, CAST(r.seed AS TEXT) AS seed, r.lines_read,"
      " r.lines_rejected, r.units, r.selected,"
      " (SELECT group_concat(path, ' ') FROM run_inputs i WHERE i.run_id = r.id) AS inputs"
      " FROM runs r ORDER BY r.id DESC LIMIT 1000",
      NULL, 0);
}

void
br_api_rules(BrRequest *req)
{
  const char *hash = br_req_query(req, "pack_hash");
  if (!hash) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST, "give pack_hash");
    return;
  }
  /* Per rule and run date: lines fired on, selections it fired on, their inspections and
   * findings. */
  br_reply_rows(req,
                "WITH sel AS (SELECT u.run_id, sr.rule_ord, COUNT(DISTINCT u.id) AS selected,"
                "  COUNT(o.id) AS inspected, COALESCE(SUM(o.result = 'finding'), 0) AS hits"
                "  FROM runs r JOIN units u ON u.run_id = r.id"
                "  JOIN selection_rules sr ON sr.unit_id = u.id"
                "  LEFT JOIN outcomes o ON o.selection_unit = u.id"
                "  WHERE r.pack_hash = ?1 GROUP BY u.run_id, sr.rule_ord)"
                " SELECT r.as_of AS date, r.id AS run_id, rr.rule_id AS rule, rr.title, rr.weight,"
                " rr.fires, rr.failures, COALESCE(sel.selected, 0) AS selected,"
                " COALESCE(sel.inspected, 0) AS inspected, COALESCE(sel.hits, 0) AS hits"
                " FROM runs r JOIN run_rules rr ON rr.run_id = r.id"
                " LEFT JOIN sel ON sel.run_id = r.id AND sel.rule_ord = rr.ord"
                " WHERE r.pack_hash = ?1 ORDER BY rr.rule_id, r.as_of, r.id",
                (const char *const[]){hash}, 1);
}

void
br_api_audit(BrRequest *req)
{
  const char *params[] = {br_req_query(req, "action"), br_req_query(req, "who"),
                          br_req_query(req, "from"), br_req_query(req, "to")};
  br_reply_rows(req,
                "SELECT id, at, who, action, target, detail FROM audit"
                " WHERE (?1 IS NULL OR action = ?1 OR action LIKE ?1 || '.%')"
                " AND (?2 IS NULL OR who = ?2) AND (?3 IS NULL OR at >= ?3)"
                " AND (?4 IS NULL OR at < date(?4, '+1 day')) ORDER BY id DESC LIMIT 2000",
                params, G_N_ELEMENTS(params));
}
