#include "br_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "br_csv_write.h"
#include "br_json.h"

#define Z95 1.959963984540054

static const char *const dim_names[BR_REPORT_NDIMS] = {
    "overall",   "port", "month",     "port_month", "lane",
    "port_lane", "rule", "rule_port", "rule_lane",  "rule_month"};

enum { KEY_RULE = 1, KEY_PORT = 2, KEY_LANE = 4, KEY_MONTH = 8 };

static const guint dim_keys[BR_REPORT_NDIMS] = {0,
                                                KEY_PORT,
                                                KEY_MONTH,
                                                KEY_PORT | KEY_MONTH,
                                                KEY_LANE,
                                                KEY_PORT | KEY_LANE,
                                                KEY_RULE,
                                                KEY_RULE | KEY_PORT,
                                                KEY_RULE | KEY_LANE,
                                                KEY_RULE | KEY_MONTH};

typedef struct {
  char *port;
  char month[8];
  gboolean hit;
  int severity;
  int kind; /* 0 targeted, 1 random, 2 other, 3 explore */
  char *lane;
} Outcome;

struct BrReport {
  char *from, *to, *port, *store_path;
  GStringChunk *strings;
  GHashTable *rows_by_key; /* key -> BrReportRow* */
  GPtrArray *rows;         /* BrReportRow*, sorted */
  GHashTable *rules_by_id; /* id -> BrReportRule* */
  GPtrArray *rules;        /* BrReportRule*, by id */
};

const char *
br_report_dim_name(BrReportDim dim)
{
  return dim_names[dim];
}

gboolean
br_report_format_parse(const char *text, BrReportFormat *format)
{
  static const char *const names[] = {"html", "csv", "json"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (g_ascii_strcasecmp(text, names[i]) == 0) {
      *format = (BrReportFormat)i;
      return TRUE;
    }
  return FALSE;
}

static void
row_key(GString *key, BrReportDim dim, const char *rule, const char *port, const char *lane,
        const char *month)
{
  guint k = dim_keys[dim];
  g_string_printf(key, "%d\x1f%s\x1f%s\x1f%s\x1f%s", dim, k & KEY_RULE ? rule : "",
                  k & KEY_PORT ? port : "", k & KEY_LANE ? lane : "", k & KEY_MONTH ? month : "");
}

static BrReportRow *
row_get(BrReport *r, GString *key, BrReportDim dim, const char *rule, const char *port,
        const char *lane, const char *month)
{
  row_key(key, dim, rule, port, lane, month);
  BrReportRow *row = g_hash_table_lookup(r->rows_by_key, key->str);
  if (row)
    return row;
  guint k = dim_keys[dim];
  row = g_new0(BrReportRow, 1);
  row->dim = dim;
  row->rule = k & KEY_RULE ? g_string_chunk_insert_const(r->strings, rule) : NULL;
  row->port = k & KEY_PORT ? g_string_chunk_insert_const(r->strings, port) : NULL;
  row->lane = k & KEY_LANE ? g_string_chunk_insert_const(r->strings, lane) : NULL;
  row->month = k & KEY_MONTH ? g_string_chunk_insert_const(r->strings, month) : NULL;
  g_hash_table_insert(r->rows_by_key, g_strdup(key->str), row);
  g_ptr_array_add(r->rows, row);
  return row;
}

static void
count_add(BrReportCount *c, const Outcome *o)
{
  c->inspections++;
  if (o->hit) {
    c->hits++;
    c->severity += (guint64)o->severity;
  }
}

static void
row_add(BrReportRow *row, const Outcome *o)
{
  BrReportCount *c[] = {&row->targeted, &row->random, &row->other, &row->explore};
  count_add(c[o->kind], o);
}

static void
add_outcome(BrReport *r, GString *key, const Outcome *o)
{
  static const BrReportDim all[] = {BR_REPORT_OVERALL, BR_REPORT_PORT, BR_REPORT_MONTH,
                                    BR_REPORT_PORT_MONTH};
  for (guint i = 0; i < G_N_ELEMENTS(all); i++)
    row_add(row_get(r, key, all[i], NULL, o->port, NULL, o->month), o);
  if (o->kind == 2)
    return;
  row_add(row_get(r, key, BR_REPORT_LANE, NULL, o->port, o->lane, o->month), o);
  row_add(row_get(r, key, BR_REPORT_PORT_LANE, NULL, o->port, o->lane, o->month), o);
}

static void
add_rule_outcome(BrReport *r, GString *key, const char *rule, const Outcome *o)
{
  static const BrReportDim dims[] = {BR_REPORT_RULE, BR_REPORT_RULE_PORT, BR_REPORT_RULE_LANE,
                                     BR_REPORT_RULE_MONTH};
  for (guint i = 0; i < G_N_ELEMENTS(dims); i++)
    row_add(row_get(r, key, dims[i], rule, o->port, o->lane, o->month), o);
}

static BrReportRule *
rule_get(BrReport *r, const char *id, const char *title)
{
  BrReportRule *rule = g_hash_table_lookup(r->rules_by_id, id);
  if (!rule) {
    rule = g_new0(BrReportRule, 1);
    rule->id = g_string_chunk_insert_const(r->strings, id);
    g_hash_table_insert(r->rules_by_id, (gpointer)rule->id, rule);
    g_ptr_array_add(r->rules, rule);
  }
  if (title && (!rule->title || strcmp(rule->title, title) != 0))
    rule->title = g_string_chunk_insert_const(r->strings, title);
  return rule;
}

#define FILTER_SQL " o.date >= ?1 AND o.date <= ?2 AND (?3 IS NULL OR o.port = ?3)"

static gboolean
prepare(BrStore *store, const char *sql, BrReport *r, sqlite3_stmt **s, GError **error)
{
  if (sqlite3_prepare_v2(br_store_db(store), sql, -1, s, NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot prepare the report query");
  sqlite3_bind_text(*s, 1, r->from, -1, SQLITE_STATIC);
  sqlite3_bind_text(*s, 2, r->to, -1, SQLITE_STATIC);
  sqlite3_bind_text(*s, 3, r->port, -1, SQLITE_STATIC);
  return TRUE;
}

static void
outcome_clear(gpointer p)
{
  Outcome *o = p;
  g_free(o->port);
  g_free(o->lane);
}

/* Outcomes of the period, then the rules that fired on each inspected selection (both in
 * outcome id order, so one pass joins them). */
static gboolean
load_outcomes(BrReport *r, BrStore *store, GError **error)
{
  sqlite3_stmt *s = NULL;
  GArray *outcomes = g_array_new(FALSE, TRUE, sizeof(Outcome));
  g_array_set_clear_func(outcomes, outcome_clear);
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
  GString *key = g_string_new(NULL);
  gboolean ok = FALSE;
  int rc;
  if (!prepare(store,
               "SELECT o.id, o.port, o.date, o.result = 'finding', COALESCE(o.severity, 0),"
               " s.kind, s.lane FROM outcomes o LEFT JOIN selections s ON s.unit_id ="
               " o.selection_unit WHERE" FILTER_SQL " ORDER BY o.id",
               r, &s, error))
    goto out;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64(s, 0);
    Outcome o = {0};
    o.port = g_strdup((const char *)sqlite3_column_text(s, 1));
    g_strlcpy(o.month, (const char *)sqlite3_column_text(s, 2), sizeof o.month);
    o.hit = sqlite3_column_int(s, 3) != 0;
    o.severity = sqlite3_column_int(s, 4);
    const char *kind = (const char *)sqlite3_column_text(s, 5);
    o.kind = !kind ? 2 : strcmp(kind, "random") == 0 ? 1 : strcmp(kind, "explore") == 0 ? 3 : 0;
    o.lane = kind ? g_strdup((const char *)sqlite3_column_text(s, 6)) : NULL;
    g_array_append_val(outcomes, o);
    g_array_append_val(ids, id);
    add_outcome(r, key, &g_array_index(outcomes, Outcome, outcomes->len - 1));
  }
  if (rc != SQLITE_DONE) {
    br_store_sql_error(store, error, "cannot read outcomes");
    goto out;
  }
  sqlite3_finalize(s);
  s = NULL;
  if (!prepare(store,
               "SELECT o.id, rr.rule_id, rr.title FROM outcomes o"
               " JOIN selection_rules sr ON sr.unit_id = o.selection_unit"
               " JOIN units u ON u.id = sr.unit_id"
               " JOIN run_rules rr ON rr.run_id = u.run_id AND rr.ord = sr.rule_ord"
               " WHERE" FILTER_SQL " ORDER BY o.id, u.run_id",
               r, &s, error))
    goto out;
  guint at = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64(s, 0);
    while (at < ids->len && g_array_index(ids, gint64, at) < id)
      at++;
    if (at == ids->len || g_array_index(ids, gint64, at) != id)
      continue;
    BrReportRule *rule = rule_get(r, (const char *)sqlite3_column_text(s, 1),
                                  (const char *)sqlite3_column_text(s, 2));
    add_rule_outcome(r, key, rule->id, &g_array_index(outcomes, Outcome, at));
  }
  if (rc != SQLITE_DONE) {
    br_store_sql_error(store, error, "cannot read fired rules");
    goto out;
  }
  ok = TRUE;
out:
  sqlite3_finalize(s);
  g_array_unref(outcomes);
  g_array_unref(ids);
  g_string_free(key, TRUE);
  return ok;
}

/* The rules of the runs dated within the period, with their fire counts over all lines. */
static gboolean
load_rules(BrReport *r, BrStore *store, GError **error)
{
  sqlite3_stmt *s = NULL;
  gboolean ok = FALSE;
  int rc;
  if (!prepare(store,
               "SELECT rr.rule_id, rr.title, rr.fires, rr.off IS NOT NULL FROM run_rules rr"
               " JOIN runs o ON o.id = rr.run_id WHERE o.as_of >= ?1 AND o.as_of <= ?2 AND"
               " (?3 IS NULL OR EXISTS (SELECT 1 FROM run_ports p WHERE p.run_id = o.id AND"
               " p.port = ?3)) ORDER BY o.id, rr.ord",
               r, &s, error))
    goto out;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    BrReportRule *rule = rule_get(r, (const char *)sqlite3_column_text(s, 0),
                                  (const char *)sqlite3_column_text(s, 1));
    rule->runs++;
    rule->runs_off += sqlite3_column_int(s, 3) != 0;
    if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
      rule->fires_known = TRUE;
      rule->fires += (guint64)sqlite3_column_int64(s, 2);
    }
  }
  if (rc != SQLITE_DONE) {
    br_store_sql_error(store, error, "cannot read run rules");
    goto out;
  }
  ok = TRUE;
out:
  sqlite3_finalize(s);
  return ok;
}

static int
lane_order(const char *lane)
{
  if (!lane)
    return 0;
  return strcmp(lane, "red") == 0 ? 1 : strcmp(lane, "yellow") == 0 ? 2 : 3;
}

static int
cmp_opt(const char *a, const char *b)
{
  return a && b ? strcmp(a, b) : (a != NULL) - (b != NULL);
}

static int
cmp_rows(gconstpointer a, gconstpointer b)
{
  const BrReportRow *x = *(const BrReportRow *const *)a, *y = *(const BrReportRow *const *)b;
  int c;
  if (x->dim != y->dim)
    return x->dim < y->dim ? -1 : 1;
  if ((c = cmp_opt(x->rule, y->rule)) || (c = cmp_opt(x->port, y->port)))
    return c;
  if (lane_order(x->lane) != lane_order(y->lane))
    return lane_order(x->lane) - lane_order(y->lane);
  return cmp_opt(x->month, y->month);
}

static int
cmp_rules(gconstpointer a, gconstpointer b)
{
  return strcmp((*(const BrReportRule *const *)a)->id, (*(const BrReportRule *const *)b)->id);
}

BrReport *
br_report_build(BrStore *store, const char *from, const char *to, const char *port, GError **error)
{
  gint32 dfrom, dto;
  if (!br_store_date_parse(from, &dfrom) || !br_store_date_parse(to, &dto) || dto < dfrom) {
    g_set_error(error, BR_STORE_ERROR, BR_STORE_ERROR_INVALID,
                "report period %s .. %s is not two dates (YYYY-MM-DD) in order", from, to);
    return NULL;
  }
  BrReport *r = g_new0(BrReport, 1);
  r->from = g_strdup(from);
  r->to = g_strdup(to);
  r->port = g_strdup(port);
  r->store_path = g_strdup(br_store_path(store));
  r->strings = g_string_chunk_new(4096);
  r->rows_by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  r->rows = g_ptr_array_new_with_free_func(g_free);
  r->rules_by_id = g_hash_table_new(g_str_hash, g_str_equal);
  r->rules = g_ptr_array_new_with_free_func(g_free);
  if (!load_rules(r, store, error) || !load_outcomes(r, store, error)) {
    br_report_free(r);
    return NULL;
  }
  g_ptr_array_sort(r->rows, cmp_rows);
  g_ptr_array_sort(r->rules, cmp_rules);
  GString *key = g_string_new(NULL);
  for (guint i = 0; i < r->rules->len; i++) {
    BrReportRule *rule = g_ptr_array_index(r->rules, i);
    row_key(key, BR_REPORT_RULE, rule->id, NULL, NULL, NULL);
    const BrReportRow *row = g_hash_table_lookup(r->rows_by_key, key->str);
    guint64 hits = row ? br_report_selected(row).hits : 0;
    guint64 inspected = row ? br_report_selected(row).inspections : 0;
    if (rule->fires_known && rule->fires == 0 && inspected == 0)
      rule->status = rule->runs_off ? BR_RULE_SWITCHED_OFF : BR_RULE_NEVER_FIRED;
    else if (hits == 0 && (rule->fires > 0 || inspected > 0))
      rule->status = BR_RULE_NEVER_HIT;
  }
  g_string_free(key, TRUE);
  return r;
}

void
br_report_free(BrReport *report)
{
  if (!report)
    return;
  g_free(report->from);
  g_free(report->to);
  g_free(report->port);
  g_free(report->store_path);
  g_hash_table_unref(report->rows_by_key);
  g_ptr_array_unref(report->rows);
  g_hash_table_unref(report->rules_by_id);
  g_ptr_array_unref(report->rules);
  g_string_chunk_free(report->strings);
  g_free(report);
}

guint
br_report_row_count(const BrReport *report)
{
  return report->rows->len;
}

const BrReportRow *
br_report_row(const BrReport *report, guint i)
{
  return g_ptr_array_index(report->rows, i);
}

const BrReportRow *
br_report_find(const BrReport *report, BrReportDim dim, const char *rule, const char *port,
               const char *lane, const char *month)
{
  GString *key = g_string_new(NULL);
  row_key(key, dim, rule, port, lane, month);
  const BrReportRow *row = g_hash_table_lookup(report->rows_by_key, key->str);
  g_string_free(key, TRUE);
  return row;
}

guint
br_report_rule_count(const BrReport *report)
{
  return report->rules->len;
}

const BrReportRule *
br_report_rule(const BrReport *report, guint i)
{
  return g_ptr_array_index(report->rules, i);
}

BrReportCount
br_report_selected(const BrReportRow *row)
{
  BrReportCount c = {row->targeted.inspections + row->random.inspections + row->explore.inspections,
                     row->targeted.hits + row->random.hits + row->explore.hits,
                     row->targeted.severity + row->random.severity + row->explore.severity};
  return c;
}

void
br_report_wilson(guint64 hits, guint64 n, double *low, double *high)
{
  if (n == 0) {
    *low = 0.0;
    *high = 1.0;
    return;
  }
  double p = (double)hits / (double)n, z2 = Z95 * Z95, nn = (double)n;
  double denom = 1.0 + z2 / nn;
  double center = (p + z2 / (2.0 * nn)) / denom;
  double half = Z95 * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
  /* At p = 0 the lower bound is exactly 0 and at p = 1 the upper is exactly 1, which center
   * - half and center + half miss by a rounding error (5.55e-17 in a CSV). */
  *low = hits == 0 ? 0.0 : MAX(0.0, center - half);
  *high = hits == n ? 1.0 : MIN(1.0, center + half);
}

gboolean
br_report_lift(const BrReportRow *row, double *lift, double *low, double *high)
{
  double a = (double)row->targeted.hits, n1 = (double)row->targeted.inspections;
  double c = (double)row->random.hits, n2 = (double)row->random.inspections;
  if (a == 0 || c == 0)
    return FALSE;
  *lift = (a / n1) / (c / n2);
  double se = sqrt(1.0 / a - 1.0 / n1 + 1.0 / c - 1.0 / n2);
  *low = exp(log(*lift) - Z95 * se);
  *high = exp(log(*lift) + Z95 * se);
  return TRUE;
}

static double
rate(const BrReportCount *c)
{
  return c->inspections ? (double)c->hits / (double)c->inspections : 0.0;
}

static const char *
status_name(BrRuleStatus status)
{
  static const char *const names[] = {"ok", "never_fired", "never_hit", "switched_off"};
  return names[status];
}

static const BrReportRule *
rule_of(const BrReport *r, const char *id)
{
  return id ? g_hash_table_lookup(r->rules_by_id, id) : NULL;
}

/* ---- CSV ---- */

static void
csv_text(GString *out, const char *s)
{
  g_string_append_c(out, ',');
  if (s)
    br_csv_write_field(out, s, strlen(s));
}

static void
csv_num(GString *out, double v)
{
  g_string_append_printf(out, ",%.6g", v);
}

static void
csv_count(GString *out, const BrReportCount *c, gboolean with_rate)
{
  g_string_append_printf(out, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, c->inspections, c->hits);
  if (!with_rate)
    return;
  if (!c->inspections) {
    g_string_append(out, ",,,");
    return;
  }
  double lo, hi;
  br_report_wilson(c->hits, c->inspections, &lo, &hi);
  csv_num(out, rate(c));
  csv_num(out, lo);
  csv_num(out, hi);
}

static void
write_csv(const BrReport *r, GString *out)
{
  g_string_append(out, "dimension,rule,title,port,lane,month,inspections,hits,hit_rate,"
                       "hit_rate_low,hit_rate_high,targeted_inspections,targeted_hits,"
                       "targeted_rate,targeted_low,targeted_high,random_inspections,random_hits,"
                       "random_rate,random_low,random_high,lift,lift_low,lift_high,severity_sum,"
                       "severity_per_inspection,other_inspections,other_hits,fires,rule_status,"
                       "explore_inspections,explore_hits,explore_rate,explore_low,explore_high"
                       "\r\n");
  for (guint i = 0; i < r->rows->len; i++) {
    const BrReportRow *row = g_ptr_array_index(r->rows, i);
    const BrReportRule *rule = rule_of(r, row->rule);
    g_string_append(out, dim_names[row->dim]);
    csv_text(out, row->rule);
    csv_text(out, rule ? rule->title : NULL);
    csv_text(out, row->port);
    csv_text(out, row->lane);
    csv_text(out, row->month);
    BrReportCount sel = br_report_selected(row);
    csv_count(out, &sel, TRUE);
    csv_count(out, &row->targeted, TRUE);
    csv_count(out, &row->random, TRUE);
    double lift, lo, hi;
    if (br_report_lift(row, &lift, &lo, &hi)) {
      csv_num(out, lift);
      csv_num(out, lo);
      csv_num(out, hi);
    } else {
      g_string_append(out, ",,,");
    }
    g_string_append_printf(out, ",%" G_GUINT64_FORMAT, sel.severity);
    if (sel.inspections)
      csv_num(out, (double)sel.severity / (double)sel.inspections);
    else
      g_string_append_c(out, ',');
    csv_count(out, &row->other, FALSE);
    if (rule && rule->fires_known)
      g_string_append_printf(out, ",%" G_GUINT64_FORMAT, rule->fires);
    else
      g_string_append_c(out, ',');
    csv_text(out, rule ? status_name(rule->status) : NULL);
    csv_count(out, &row->explore, TRUE);
    g_string_append(out, "\r\n");
  }
}

/* ---- JSON ---- */

static void
json_key(GString *out, const char *key)
{
  br_json_append_string(out, key, -1);
  g_string_append_c(out, ':');
}

static void
json_opt_string(GString *out, const char *key, const char *value)
{
  json_key(out, key);
  if (value)
    br_json_append_string(out, value, -1);
  else
    g_string_append(out, "null");
  g_string_append_c(out, ',');
}

static void
json_count(GString *out, const char *key, const BrReportCount *c)
{
  json_key(out, key);
  g_string_append_printf(out,
                         "{\"inspections\":%" G_GUINT64_FORMAT ",\"hits\":%" G_GUINT64_FORMAT
                         ",\"severity_sum\":%" G_GUINT64_FORMAT ",\"hit_rate\":",
                         c->inspections, c->hits, c->severity);
  if (c->inspections) {
    double lo, hi;
    br_report_wilson(c->hits, c->inspections, &lo, &hi);
    br_json_append_number(out, rate(c));
    g_string_append(out, ",\"ci95\":[");
    br_json_append_number(out, lo);
    g_string_append_c(out, ',');
    br_json_append_number(out, hi);
    g_string_append(out, "]}");
  } else {
    g_string_append(out, "null,\"ci95\":null}");
  }
}

static void
write_json(const BrReport *r, GString *out)
{
  g_string_append_c(out, '{');
  json_opt_string(out, "from", r->from);
  json_opt_string(out, "to", r->to);
  json_opt_string(out, "port", r->port);
  json_key(out, "groups");
  g_string_append_c(out, '[');
  for (guint i = 0; i < r->rows->len; i++) {
    const BrReportRow *row = g_ptr_array_index(r->rows, i);
    g_string_append(out, i ? ",{" : "{");
    json_opt_string(out, "dimension", dim_names[row->dim]);
    json_opt_string(out, "rule", row->rule);
    json_opt_string(out, "port", row->port);
    json_opt_string(out, "lane", row->lane);
    json_opt_string(out, "month", row->month);
    BrReportCount sel = br_report_selected(row);
    json_count(out, "selected", &sel);
    g_string_append_c(out, ',');
    json_count(out, "targeted", &row->targeted);
    g_string_append_c(out, ',');
    json_count(out, "random", &row->random);
    g_string_append_c(out, ',');
    json_count(out, "other", &row->other);
    g_string_append_c(out, ',');
    json_count(out, "explore", &row->explore);
    g_string_append(out, ",\"lift\":");
    double lift, lo, hi;
    if (br_report_lift(row, &lift, &lo, &hi)) {
      g_string_append(out, "{\"value\":");
      br_json_append_number(out, lift);
      g_string_append(out, ",\"ci95\":[");
      br_json_append_number(out, lo);
      g_string_append_c(out, ',');
      br_json_append_number(out, hi);
      g_string_append(out, "]}");
    } else {
      g_string_append(out, "null");
    }
    g_string_append(out, ",\"severity_per_inspection\":");
    if (sel.inspections)
      br_json_append_number(out, (double)sel.severity / (double)sel.inspections);
    else
      g_string_append(out, "null");
    g_string_append_c(out, '}');
  }
  g_string_append(out, "],");
  json_key(out, "rules");
  g_string_append_c(out, '[');
  for (guint i = 0; i < r->rules->len; i++) {
    const BrReportRule *rule = g_ptr_array_index(r->rules, i);
    g_string_append(out, i ? ",{" : "{");
    json_opt_string(out, "id", rule->id);
    json_opt_string(out, "title", rule->title);
    json_opt_string(out, "status", status_name(rule->status));
    json_key(out, "fires");
    if (rule->fires_known)
      g_string_append_printf(out, "%" G_GUINT64_FORMAT, rule->fires);
    else
      g_string_append(out, "null");
    g_string_append_printf(out, ",\"runs\":%u,\"runs_off\":%u}", rule->runs, rule->runs_off);
  }
  g_string_append(out, "]");
  static const BrRuleStatus lists[] = {BR_RULE_NEVER_FIRED, BR_RULE_NEVER_HIT,
                                       BR_RULE_SWITCHED_OFF};
  static const char *const list_names[] = {"rules_never_fired", "rules_never_hit",
                                            "rules_switched_off"};
  for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
    g_string_append_c(out, ',');
    json_key(out, list_names[l]);
    g_string_append_c(out, '[');
    gboolean first = TRUE;
    for (guint i = 0; i < r->rules->len; i++) {
      const BrReportRule *rule = g_ptr_array_index(r->rules, i);
      if (rule->status != lists[l])
        continue;
      if (!first)
        g_string_append_c(out, ',');
      br_json_append_string(out, rule->id, -1);
      first = FALSE;
    }
    g_string_append_c(out, ']');
  }
  g_string_append(out, "}\n");
}

/* ---- HTML ---- */

static void
html_text(GString *out, const char *s)
{
  char *e = g_markup_escape_text(s ? s : "", -1);
  g_string_append(out, e);
  g_free(e);
}

static void
html_rate_cell(GString *out, const BrReportCount *c)
{
  if (!c->inspections) {
    g_string_append(out, "<td class=\"na\">–</td>");
    return;
  }
  double lo, hi;
  br_report_wilson(c->hits, c->inspections, &lo, &hi);
  g_string_append_printf(out, "<td>%.1f%% <span class=\"ci\">[%.1f–%.1f]</span></td>",
                         100 * rate(c), 100 * lo, 100 * hi);
}

static void
html_count_cells(GString *out, const BrReportCount *c)
{
  g_string_append_printf(out, "<td>%" G_GUINT64_FORMAT "</td><td>%" G_GUINT64_FORMAT "</td>",
                         c->inspections, c->hits);
  html_rate_cell(out, c);
}

static void
html_table(const BrReport *r, GString *out, BrReportDim dim, const char *id, const char *title)
{
  guint keys = dim_keys[dim];
  gboolean other = !(keys & (KEY_RULE | KEY_LANE));
  const BrReportRow *overall = br_report_find(r, BR_REPORT_OVERALL, NULL, NULL, NULL, NULL);
  gboolean explore = overall && overall->explore.inspections > 0;
  g_string_append_printf(out, "<section><h2>%s</h2>\n<table id=\"%s\"><thead><tr>", title, id);
  if (keys & KEY_RULE)
    g_string_append(out, "<th>Rule</th><th>Title</th><th>Fires</th>");
  if (keys & KEY_PORT)
    g_string_append(out, "<th>Port</th>");
  if (keys & KEY_LANE)
    g_string_append(out, "<th>Lane</th>");
  if (keys & KEY_MONTH)
    g_string_append(out, "<th>Month</th>");
  g_string_append(out, "<th>Inspections</th><th>Hits</th><th>Hit rate [95%]</th>"
                       "<th>Targeted n</th><th>hits</th><th>rate</th>"
                       "<th>Random n</th><th>hits</th><th>rate</th>"
                       "<th>Lift [95%]</th><th>Severity</th><th>per inspection</th>");
  if (explore)
    g_string_append(out, "<th>Explore n</th><th>hits</th><th>rate</th>");
  if (other)
    g_string_append(out, "<th>Other n</th><th>hits</th><th>rate</th>");
  g_string_append(out, "</tr></thead><tbody>\n");
  guint shown = 0;
  for (guint i = 0; i < r->rows->len; i++) {
    const BrReportRow *row = g_ptr_array_index(r->rows, i);
    if (row->dim != dim)
      continue;
    shown++;
    g_string_append(out, "<tr>");
    if (keys & KEY_RULE) {
      const BrReportRule *rule = rule_of(r, row->rule);
      g_string_append(out, "<td class=\"key\">");
      html_text(out, row->rule);
      g_string_append(out, "</td><td>");
      html_text(out, rule ? rule->title : "");
      if (rule && rule->fires_known)
        g_string_append_printf(out, "</td><td>%" G_GUINT64_FORMAT "</td>", rule->fires);
      else
        g_string_append(out, "</td><td class=\"na\">–</td>");
    }
    const char *parts[] = {keys & KEY_PORT ? row->port : NULL, keys & KEY_LANE ? row->lane : NULL,
                           keys & KEY_MONTH ? row->month : NULL};
    for (guint p = 0; p < G_N_ELEMENTS(parts); p++) {
      if (!parts[p])
        continue;
      g_string_append(out, p == 1 ? "<td class=\"lane " : "<td class=\"key");
      if (p == 1)
        html_text(out, parts[p]);
      g_string_append(out, "\">");
      html_text(out, parts[p]);
      g_string_append(out, "</td>");
    }
    BrReportCount sel = br_report_selected(row);
    html_count_cells(out, &sel);
    html_count_cells(out, &row->targeted);
    html_count_cells(out, &row->random);
    double lift, lo, hi;
    if (br_report_lift(row, &lift, &lo, &hi))
      g_string_append_printf(out, "<td>%.2f <span class=\"ci\">[%.2f–%.2f]</span></td>", lift, lo,
                             hi);
    else
      g_string_append(out, "<td class=\"na\">–</td>");
    g_string_append_printf(out, "<td>%" G_GUINT64_FORMAT "</td>", sel.severity);
    if (sel.inspections)
      g_string_append_printf(out, "<td>%.2f</td>", (double)sel.severity / (double)sel.inspections);
    else
      g_string_append(out, "<td class=\"na\">–</td>");
    if (explore)
      html_count_cells(out, &row->explore);
    if (other)
      html_count_cells(out, &row->other);
    g_string_append(out, "</tr>\n");
  }
  g_string_append(out, "</tbody></table>\n");
  if (!shown)
    g_string_append(out, "<p class=\"empty\">No inspections in this period.</p>\n");
  g_string_append(out, "</section>\n");
}

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

/* Hit rate of selected inspections per month, one line per port. */
static void
html_time_chart(const BrReport *r, GString *out)
{
  GPtrArray *months = g_ptr_array_new(), *ports = g_ptr_array_new();
  double ymax = 0.1;
  for (guint i = 0; i < r->rows->len; i++) {
    const BrReportRow *row = g_ptr_array_index(r->rows, i);
    if (row->dim == BR_REPORT_MONTH)
      g_ptr_array_add(months, (gpointer)row->month);
    else if (row->dim == BR_REPORT_PORT)
      g_ptr_array_add(ports, (gpointer)row->port);
    else if (row->dim == BR_REPORT_PORT_MONTH) {
      BrReportCount sel = br_report_selected(row);
      ymax = MAX(ymax, rate(&sel));
    }
  }
  ymax = MIN(1.0, ceil(ymax * 10.0) / 10.0);
  const double W = 760, H = 300, L = 50, R = 150, T = 20, B = 40;
  double pw = W - L - R, ph = H - T - B;
  g_string_append_printf(out,
                         "<section><h2>Hit rate over time per port</h2>\n"
                         "<svg id=\"chart-time\" class=\"chart\""
                         " width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\""
                         " aria-label=\"Hit rate of selected inspections per month and port\">\n",
                         W, H, W, H);
  for (int g = 0; g <= 5; g++) {
    double v = ymax * g / 5.0, y = T + ph - ph * g / 5.0;
    g_string_append_printf(out,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">"
                           "%.0f%%</text>\n",
                           L, y, L + pw, y, L - 6, y + 4, v * 100);
  }
  guint nm = months->len;
  double step = nm > 1 ? pw / (nm - 1) : 0;
  for (guint m = 0; m < nm; m++) {
    double x = nm > 1 ? L + step * m : L + pw / 2;
    g_string_append_printf(
        out, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">", x, T + ph + 18);
    html_text(out, g_ptr_array_index(months, m));
    g_string_append(out, "</text>\n");
  }
  for (guint p = 0; p < ports->len; p++) {
    const char *port = g_ptr_array_index(ports, p);
    const char *color = palette[p % G_N_ELEMENTS(palette)];
    GString *points = g_string_new(NULL);
    GString *dots = g_string_new(NULL);
    for (guint m = 0; m < nm; m++) {
      const BrReportRow *row =
          br_report_find(r, BR_REPORT_PORT_MONTH, NULL, port, NULL, g_ptr_array_index(months, m));
      if (!row)
        continue;
      BrReportCount sel = br_report_selected(row);
      if (!sel.inspections)
        continue;
      double x = nm > 1 ? L + step * m : L + pw / 2, y = T + ph - ph * rate(&sel) / ymax;
      g_string_append_printf(points, "%.1f,%.1f ", x, y);
      g_string_append_printf(dots, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>",
                             x, y, color);
      html_text(dots, port);
      g_string_append_printf(
          dots, " %s: %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " = %.1f%%</title></circle>\n",
          (const char *)g_ptr_array_index(months, m), sel.hits, sel.inspections, 100 * rate(&sel));
    }
    g_string_append_printf(out,
                           "<polyline class=\"series\" fill=\"none\" stroke=\"%s\""
                           " stroke-width=\"2\" points=\"%s\"/>\n%s",
                           color, points->str, dots->str);
    double ly = T + 14 + 18 * p;
    g_string_append_printf(out,
                           "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">",
                           L + pw + 16, ly - 10, color, L + pw + 34, ly);
    html_text(out, port);
    g_string_append(out, "</text>\n");
    g_string_free(points, TRUE);
    g_string_free(dots, TRUE);
  }
  if (!nm)
    g_string_append_printf(out,
                           "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">no inspections</text>\n",
                           L + 10, T + ph / 2);
  g_string_append(out, "</svg>\n</section>\n");
  g_ptr_array_unref(months);
  g_ptr_array_unref(ports);
}

/* Each rule's hit rate on the selections it fired on, with its Wilson interval, against the
 * hit rate of the random draw (dashed) when there is one. */
static void
html_rule_chart(const BrReport *r, GString *out)
{
  GPtrArray *rows = g_ptr_array_new();
  for (guint i = 0; i < r->rows->len; i++) {
    const BrReportRow *row = g_ptr_array_index(r->rows, i);
    if (row->dim == BR_REPORT_RULE && br_report_selected(row).inspections)
      g_ptr_array_add(rows, (gpointer)row);
  }
  const double W = 760, L = 170, R = 30, T = 24, rowh = 22;
  double H = T + rowh * MAX(rows->len, 1) + 30, pw = W - L - R;
  g_string_append_printf(out,
                         "<section><h2>Hit rate per rule (95%% interval)</h2>\n"
                         "<svg id=\"chart-rules\" class=\"chart\""
                         " width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\""
                         " aria-label=\"Hit rate per rule with 95%% intervals\">\n",
                         W, H, W, H);
  for (int g = 0; g <= 10; g += 2) {
    double x = L + pw * g / 10.0;
    g_string_append_printf(out,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">"
                           "%d%%</text>\n",
                           x, T - 6, x, H - 24, x, H - 8, g * 10);
  }
  const BrReportRow *overall = br_report_find(r, BR_REPORT_OVERALL, NULL, NULL, NULL, NULL);
  if (overall && overall->random.inspections) {
    double x = L + pw * rate(&overall->random);
    g_string_append_printf(
        out,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"baseline\">"
        "<title>random inspections: %.1f%%</title></line>\n",
        x, T - 6, x, H - 24, 100 * rate(&overall->random));
  }
  for (guint i = 0; i < rows->len; i++) {
    const BrReportRow *row = g_ptr_array_index(rows, i);
    BrReportCount sel = br_report_selected(row);
    double lo, hi, y = T + rowh * i + rowh / 2;
    br_report_wilson(sel.hits, sel.inspections, &lo, &hi);
    g_string_append_printf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"label\" text-anchor=\"end\">",
                           L - 8, y + 4);
    html_text(out, row->rule);
    g_string_append_printf(out,
                           "</text><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                           " class=\"whisker\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\""
                           " class=\"point\"><title>",
                           L + pw * lo, y, L + pw * hi, y, L + pw * rate(&sel), y);
    html_text(out, row->rule);
    g_string_append_printf(out,
                           ": %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                           " = %.1f%% [%.1f–%.1f]</title></circle>\n",
                           sel.hits, sel.inspections, 100 * rate(&sel), 100 * lo, 100 * hi);
  }
  if (!rows->len)
    g_string_append_printf(out,
                           "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">no inspected"
                           " selections with fired rules</text>\n",
                           L, T + rowh / 2);
  g_string_append(out, "</svg>\n</section>\n");
  g_ptr_array_unref(rows);
}

static void
html_rule_list(const BrReport *r, GString *out, BrRuleStatus status, const char *id,
               const char *title, const char *none)
{
  g_string_append_printf(out, "<section><h2>%s</h2>\n", title);
  guint n = 0;
  for (guint i = 0; i < r->rules->len; i++) {
    const BrReportRule *rule = g_ptr_array_index(r->rules, i);
    if (rule->status != status)
      continue;
    if (!n++)
      g_string_append_printf(out,
                             "<table id=\"%s\"><thead><tr><th>Rule</th><th>Title</th>"
                             "<th>Fires</th><th>Runs</th><th>Switched off in</th></tr>"
                             "</thead><tbody>\n",
                             id);
    g_string_append(out, "<tr><td class=\"key\">");
    html_text(out, rule->id);
    g_string_append(out, "</td><td>");
    html_text(out, rule->title);
    if (rule->fires_known)
      g_string_append_printf(out, "</td><td>%" G_GUINT64_FORMAT, rule->fires);
    else
      g_string_append(out, "</td><td class=\"na\">–");
    g_string_append_printf(out, "</td><td>%u</td><td>%u</td></tr>\n", rule->runs,
                           rule->runs_off);
  }
  if (n)
    g_string_append(out, "</tbody></table>\n");
  else
    g_string_append_printf(out, "<p id=\"%s\" class=\"empty\">%s</p>\n", id, none);
  g_string_append(out, "</section>\n");
}

static const char html_style[] =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0}"
    "th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}"
    "th{background:#f0f0f0}td.key{text-align:left;font-family:monospace}"
    "td:nth-child(2){text-align:left}.ci{color:#777;font-size:.9em}.na{color:#aaa}"
    ".lane.red{color:#b00}.lane.yellow{color:#a70}.lane.green{color:#070}"
    ".meta{color:#555}.empty{color:#777;font-style:italic}"
    ".chart{border:1px solid #ddd;background:#fff}.grid{stroke:#e5e5e5}"
    ".tick,.legend,.label{font-size:11px;fill:#444}.label{font-family:monospace}"
    ".whisker{stroke:#1f77b4;stroke-width:2}.point{fill:#1f77b4}"
    ".baseline{stroke:#d62728;stroke-dasharray:4 3}";

static void
write_html(const BrReport *r, GString *out)
{
  g_string_append(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<title>boxrank hit rates ");
  html_text(out, r->from);
  g_string_append(out, " to ");
  html_text(out, r->to);
  g_string_append_printf(
      out, "</title>\n<style>%s</style></head><body>\n<h1>Inspection hit rates, ", html_style);
  html_text(out, r->from);
  g_string_append(out, " to ");
  html_text(out, r->to);
  if (r->port) {
    g_string_append(out, ", port ");
    html_text(out, r->port);
  }
  const BrReportRow *overall = br_report_find(r, BR_REPORT_OVERALL, NULL, NULL, NULL, NULL);
  BrReportRow empty = {0};
  if (!overall)
    overall = &empty;
  g_string_append_printf(
      out,
      "</h1>\n<p class=\"meta\">%" G_GUINT64_FORMAT " targeted, %" G_GUINT64_FORMAT
      " exploration, %" G_GUINT64_FORMAT " random and %" G_GUINT64_FORMAT
      " other inspections (exploration picks go to the units whose parties, goods and routes"
      " the history knows least). Hit rate ="
      " findings / inspections, with a Wilson 95%% interval. Random"
      " inspections are the control sample: lift = targeted hit rate / random"
      " hit rate (95%% interval of the log ratio). Severity sums the 1–5"
      " severities of findings. Fires counts the lines a rule fired on in the"
      " period's runs. Store: ",
      overall->targeted.inspections, overall->explore.inspections, overall->random.inspections,
      overall->other.inspections);
  html_text(out, r->store_path);
  g_string_append(out, ".</p>\n");
  html_table(r, out, BR_REPORT_PORT, "table-port", "By port");
  html_time_chart(r, out);
  html_rule_chart(r, out);
  html_table(r, out, BR_REPORT_RULE, "table-rule", "By rule");
  html_table(r, out, BR_REPORT_LANE, "table-lane", "By lane");
  html_table(r, out, BR_REPORT_PORT_MONTH, "table-port-month", "By port and month");
  html_table(r, out, BR_REPORT_RULE_PORT, "table-rule-port", "By rule and port");
  html_table(r, out, BR_REPORT_RULE_LANE, "table-rule-lane", "By rule and lane");
  html_table(r, out, BR_REPORT_RULE_MONTH, "table-rule-month", "By rule and month");
  html_rule_list(r, out, BR_RULE_NEVER_FIRED, "rules-never-fired", "Rules that never fired",
                 "Every rule fired at least once.");
  html_rule_list(r, out, BR_RULE_NEVER_HIT, "rules-never-hit", "Rules that fire but never hit",
                 "Every rule that fired has a finding.");
  html_rule_list(r, out, BR_RULE_SWITCHED_OFF, "rules-switched-off",
                 "Rules that never fired and were switched off in some run",
                 "No rule that never fired was switched off.");
  g_string_append(out, "</body></html>\n");
}

void
br_report_write(const BrReport *report, BrReportFormat format, GString *out)
{
  switch (format) {
  case BR_REPORT_HTML:
    write_html(report, out);
    break;
  case BR_REPORT_CSV:
    write_csv(report, out);
    break;
  case BR_REPORT_JSON:
    write_json(report, out);
    break;
  }
}
