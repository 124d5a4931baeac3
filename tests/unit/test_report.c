#include <math.h>

#include "br_outcomes.h"
#include "br_report.h"
#include "store_fixture.h"

/* Rule indices of the fixture pack: 0 T-ORIGIN, 1 T-MASS (fires, never hits), 2 T-NEVER. */
static void
report_data(Fixture *fx)
{
  static const int origin[] = {0, -1}, mass[] = {1, -1}, none[] = {-1};
  BrUnit *uqr[] = {
      fixture_unit(fx, "IQUQR", "T1", BR_SEL_TARGETED, BR_LANE_RED, 1, 80, origin),
      fixture_unit(fx, "IQUQR", "T2", BR_SEL_TARGETED, BR_LANE_RED, 2, 70, origin),
      fixture_unit(fx, "IQUQR", "T3", BR_SEL_TARGETED, BR_LANE_RED, 3, 60, mass),
      fixture_unit(fx, "IQUQR", "R1", BR_SEL_RANDOM, BR_LANE_GREEN, 9, 0, none),
      fixture_unit(fx, "IQUQR", "R2", BR_SEL_RANDOM, BR_LANE_YELLOW, 5, 30, origin),
  };
  BrUnit *bsr[] = {
      fixture_unit(fx, "<i>P", "T4", BR_SEL_TARGETED, BR_LANE_RED, 1, 60, origin),
      fixture_unit(fx, "<i>P", "R3", BR_SEL_RANDOM, BR_LANE_GREEN, 4, 0, none),
  };
  GPtrArray *ports = g_ptr_array_new_with_free_func(fixture_port_free);
  g_ptr_array_add(ports, fixture_port("<i>P", 6, bsr, 2));
  g_ptr_array_add(ports, fixture_port("IQUQR", 10, uqr, 5));
  fixture_record(fx, "2026-01-01", ports, NULL);
  g_ptr_array_unref(ports);

  char *path = g_build_filename(fx->dir, "o.csv", NULL);
  g_assert_true(g_file_set_contents(path,
                                    "unit,port,date,result,category,severity,notes\n"
                                    "T1,IQUQR,2026-01-05,finding,drugs,4,\n"
                                    "T2,IQUQR,2026-01-06,finding,weapons,5,\n"
                                    "T3,IQUQR,2026-02-03,no_finding,,,\n"
                                    "R1,IQUQR,2026-01-07,no_finding,,,\n"
                                    "R2,IQUQR,2026-02-08,finding,counterfeit,2,\n"
                                    "T4,<i>P,2026-01-09,no_finding,,,\n"
                                    "R3,<i>P,2026-01-09,finding,tobacco,1,\n"
                                    "O1,IQUQR,2026-01-09,finding,drugs,3,\n"
                                    "X1,IQUQR,2026-03-15,finding,drugs,3,\n",
                                    -1, NULL));
  BrOutcomesSummary s;
  GError *error = NULL;
  g_assert_true(br_outcomes_import(fx->store, path, NULL, &s, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(s.accepted, ==, 9);
  br_outcomes_summary_clear(&s);
  g_free(path);
}

static void
assert_count(BrReportCount c, guint64 n, guint64 hits)
{
  g_assert_cmpuint(c.inspections, ==, n);
  g_assert_cmpuint(c.hits, ==, hits);
}

static void
test_wilson(void)
{
  double lo, hi;
  br_report_wilson(5, 10, &lo, &hi);
  g_assert_cmpfloat_with_epsilon(lo, 0.2366, 1e-4);
  g_assert_cmpfloat_with_epsilon(hi, 0.7634, 1e-4);
  br_report_wilson(0, 20, &lo, &hi);
  g_assert_cmpfloat(lo, ==, 0.0);
  g_assert_cmpfloat_with_epsilon(hi, 0.1611, 1e-4);
  br_report_wilson(0, 0, &lo, &hi);
  g_assert_cmpfloat(lo, ==, 0.0);
  g_assert_cmpfloat(hi, ==, 1.0);
  /* No findings bound the rate below by exactly 0, all findings above by exactly 1: rounding
   * once printed 5.55e-17 where the report meant 0. */
  for (guint64 n = 1; n <= 2000; n++) {
    br_report_wilson(0, n, &lo, &hi);
    g_assert_cmpfloat(lo, ==, 0.0);
    br_report_wilson(n, n, &lo, &hi);
    g_assert_cmpfloat(hi, ==, 1.0);
  }
}

static void
test_numbers(Fixture *fx, gconstpointer data)
{
  report_data(fx);
  GError *error = NULL;
  BrReport *r = br_report_build(fx->store, "2026-01-01", "2026-02-28", NULL, &error);
  g_assert_no_error(error);
  const BrReportRow *all = br_report_find(r, BR_REPORT_OVERALL, NULL, NULL, NULL, NULL);
  g_assert_nonnull(all);
  assert_count(all->targeted, 4, 2);
  assert_count(all->random, 3, 2);
  assert_count(all->other, 1, 1);
  g_assert_cmpuint(br_report_selected(all).severity, ==, 4 + 5 + 2 + 1);
  double lift, lo, hi;
  g_assert_true(br_report_lift(all, &lift, &lo, &hi));
  g_assert_cmpfloat_with_epsilon(lift, 0.75, 1e-12);
  double se = sqrt(1.0 / 2 - 1.0 / 4 + 1.0 / 2 - 1.0 / 3);
  g_assert_cmpfloat_with_epsilon(lo, 0.75 * exp(-1.959963984540054 * se), 1e-9);
  g_assert_cmpfloat_with_epsilon(hi, 0.75 * exp(1.959963984540054 * se), 1e-9);

  const BrReportRow *uqr = br_report_find(r, BR_REPORT_PORT, NULL, "IQUQR", NULL, NULL);
  assert_count(uqr->targeted, 3, 2);
  assert_count(uqr->random, 2, 1);
  assert_count(uqr->other, 1, 1);
  const BrReportRow *feb = br_report_find(r, BR_REPORT_PORT_MONTH, NULL, "IQUQR", NULL, "2026-02");
  assert_count(feb->targeted, 1, 0);
  assert_count(feb->random, 1, 1);
  const BrReportRow *red = br_report_find(r, BR_REPORT_LANE, NULL, NULL, "red", NULL);
  assert_count(red->targeted, 4, 2);
  const BrReportRow *green = br_report_find(r, BR_REPORT_LANE, NULL, NULL, "green", NULL);
  assert_count(green->random, 2, 1);

  const BrReportRow *origin = br_report_find(r, BR_REPORT_RULE, "T-ORIGIN", NULL, NULL, NULL);
  assert_count(origin->targeted, 3, 2);
  assert_count(origin->random, 1, 1);
  assert_count(origin->other, 0, 0);
  const BrReportRow *origin_p =
      br_report_find(r, BR_REPORT_RULE_PORT, "T-ORIGIN", "<i>P", NULL, NULL);
  assert_count(origin_p->targeted, 1, 0);
  const BrReportRow *mass = br_report_find(r, BR_REPORT_RULE, "T-MASS", NULL, NULL, NULL);
  assert_count(mass->targeted, 1, 0);
  g_assert_false(br_report_lift(mass, &lift, &lo, &hi));
  g_assert_null(br_report_find(r, BR_REPORT_RULE, "T-NEVER", NULL, NULL, NULL));

  g_assert_cmpuint(br_report_rule_count(r), ==, 3);
  const BrReportRule *rule = br_report_rule(r, 0);
  g_assert_cmpstr(rule->id, ==, "T-MASS");
  g_assert_cmpint(rule->status, ==, BR_RULE_NEVER_HIT);
  g_assert_cmpuint(rule->fires, ==, 3);
  rule = br_report_rule(r, 1);
  g_assert_cmpstr(rule->id, ==, "T-NEVER");
  g_assert_cmpint(rule->status, ==, BR_RULE_NEVER_FIRED);
  rule = br_report_rule(r, 2);
  g_assert_cmpstr(rule->id, ==, "T-ORIGIN");
  g_assert_cmpint(rule->status, ==, BR_RULE_OK);
  g_assert_cmpstr(rule->title, ==, "Origin <on> the \"list\"");

  /* Rows come in a fixed order: dimension, then keys. */
  for (guint i = 1; i < br_report_row_count(r); i++)
    g_assert_cmpint(br_report_row(r, i - 1)->dim, <=, br_report_row(r, i)->dim);
  br_report_free(r);

  r = br_report_build(fx->store, "2026-01-01", "2026-02-28", "<i>P", &error);
  g_assert_no_error(error);
  all = br_report_find(r, BR_REPORT_OVERALL, NULL, NULL, NULL, NULL);
  assert_count(all->targeted, 1, 0);
  assert_count(all->random, 1, 1);
  g_assert_null(br_report_find(r, BR_REPORT_PORT, NULL, "IQUQR", NULL, NULL));
  br_report_free(r);

  g_assert_null(br_report_build(fx->store, "2026-02-01", "2026-01-01", NULL, &error));
  g_assert_error(error, BR_STORE_ERROR, BR_STORE_ERROR_INVALID);
  g_clear_error(&error);
}

static void
test_formats(Fixture *fx, gconstpointer data)
{
  report_data(fx);
  GError *error = NULL;
  BrReport *r = br_report_build(fx->store, "2026-01-01", "2026-02-28", NULL, &error);
  g_assert_no_error(error);
  BrReportFormat format;
  g_assert_true(br_report_format_parse("HTML", &format));
  g_assert_cmpint(format, ==, BR_REPORT_HTML);
  g_assert_false(br_report_format_parse("pdf", &format));

  GString *html = g_string_new(NULL);
  br_report_write(r, BR_REPORT_HTML, html);
  g_assert_true(g_str_has_prefix(html->str, "<!DOCTYPE html>"));
  for (const char *const *id =
           (const char *const[]){"<svg id=\"chart-time\"", "<svg id=\"chart-rules\"",
                                 "<table id=\"table-port\"", "<table id=\"table-rule\"",
                                 "<table id=\"table-lane\"", "<table id=\"table-port-month\"",
                                 "<table id=\"rules-never-fired\"", "<table id=\"rules-never-hit\"",
                                 "<polyline", "&lt;i&gt;P",
                                 "Origin &lt;on&gt; the &quot;list&quot;", NULL};
       *id; id++)
    g_assert_nonnull(strstr(html->str, *id));
  /* Nothing from the data reaches the page unescaped, and the page loads nothing. */
  g_assert_null(strstr(html->str, "<i>"));
  g_assert_null(strstr(html->str, "<on>"));
  g_assert_null(strstr(html->str, "<script"));
  g_assert_null(strstr(html->str, "http://"));
  g_string_free(html, TRUE);

  GString *csv = g_string_new(NULL);
  br_report_write(r, BR_REPORT_CSV, csv);
  g_assert_true(g_str_has_prefix(csv->str, "dimension,rule,title,port,lane,month,inspections,"));
  g_assert_nonnull(strstr(csv->str, "\r\noverall,,,,,,7,4,"));
  g_assert_nonnull(strstr(csv->str, "\r\nrule,T-MASS,"));
  g_assert_nonnull(strstr(csv->str, ",never_hit,0,0,,,\r\n")); /* no explore picks */
  /* The rule title "=HYPERLINK(mass)" must not start a cell. */
  g_assert_null(strstr(csv->str, ",=HYPERLINK"));
  g_assert_null(strstr(csv->str, ",\"=HYPERLINK"));
  g_assert_nonnull(strstr(csv->str, "HYPERLINK(mass)"));
  g_string_free(csv, TRUE);

  GString *json = g_string_new(NULL);
  br_report_write(r, BR_REPORT_JSON, json);
  g_assert_true(g_str_has_prefix(json->str, "{\"from\":\"2026-01-01\",\"to\":\"2026-02-28\","
                                            "\"port\":null,\"groups\":["));
  g_assert_nonnull(strstr(json->str, "\"title\":\"Origin <on> the \\\"list\\\"\""));
  g_assert_nonnull(strstr(json->str, "\"rules_never_fired\":[\"T-NEVER\"]"));
  g_assert_nonnull(strstr(json->str, "\"rules_never_hit\":[\"T-MASS\"]"));
  g_assert_nonnull(strstr(json->str, "\"lift\":{\"value\":0.75,"));
  g_string_free(json, TRUE);
  br_report_free(r);
}

static void
test_empty_period(Fixture *fx, gconstpointer data)
{
  GError *error = NULL;
  BrReport *r = br_report_build(fx->store, "2020-01-01", "2020-12-31", NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_report_row_count(r), ==, 0);
  GString *html = g_string_new(NULL);
  br_report_write(r, BR_REPORT_HTML, html);
  g_assert_nonnull(strstr(html->str, "No inspections in this period."));
  g_assert_nonnull(strstr(html->str, "<svg id=\"chart-time\""));
  g_string_free(html, TRUE);
  br_report_free(r);
}

/* Exploration picks are stored as their own kind and counted apart: neither targeted nor the
 * random control sample, so they change neither the lift nor its baseline. */
static void
test_explore_apart(Fixture *fx, gconstpointer data)
{
  (void)data;
  static const int origin[] = {0, -1}, none[] = {-1};
  BrUnit *units[] = {
      fixture_unit(fx, "IQUQR", "T1", BR_SEL_TARGETED, BR_LANE_RED, 1, 80, origin),
      fixture_unit(fx, "IQUQR", "E1", BR_SEL_EXPLORE, BR_LANE_GREEN, 7, 0, none),
      fixture_unit(fx, "IQUQR", "R1", BR_SEL_RANDOM, BR_LANE_GREEN, 9, 0, none),
  };
  GPtrArray *ports = g_ptr_array_new_with_free_func(fixture_port_free);
  g_ptr_array_add(ports, fixture_port("IQUQR", 3, units, 3));
  fixture_record(fx, "2026-01-01", ports, NULL);
  g_ptr_array_unref(ports);
  char *path = g_build_filename(fx->dir, "o.csv", NULL);
  g_assert_true(g_file_set_contents(path,
                                    "unit,port,date,result,category,severity,notes\n"
                                    "T1,IQUQR,2026-01-05,finding,drugs,4,\n"
                                    "E1,IQUQR,2026-01-05,finding,drugs,2,\n"
                                    "R1,IQUQR,2026-01-05,no_finding,,,\n",
                                    -1, NULL));
  BrOutcomesSummary s;
  GError *error = NULL;
  g_assert_true(br_outcomes_import(fx->store, path, NULL, &s, &error));
  g_assert_no_error(error);
  br_outcomes_summary_clear(&s);
  g_free(path);
  BrReport *r = br_report_build(fx->store, "2026-01-01", "2026-01-31", NULL, &error);
  g_assert_no_error(error);
  const BrReportRow *all = br_report_find(r, BR_REPORT_OVERALL, NULL, NULL, NULL, NULL);
  assert_count(all->targeted, 1, 1);
  assert_count(all->explore, 1, 1);
  assert_count(all->random, 1, 0);
  assert_count(all->other, 0, 0);
  assert_count(br_report_selected(all), 3, 2);
  GString *csv = g_string_new(NULL);
  br_report_write(r, BR_REPORT_CSV, csv);
  g_assert_nonnull(strstr(csv->str, ",explore_inspections,explore_hits,"));
  GString *html = g_string_new(NULL);
  br_report_write(r, BR_REPORT_HTML, html);
  g_assert_nonnull(strstr(html->str, "<th>Explore n</th>"));
  g_string_free(csv, TRUE);
  g_string_free(html, TRUE);
  br_report_free(r);
}

/* A rule that never fired because a run switched it off (the breaker, or a field the input
 * lacked) is not a rule that looked and found nothing: the report names it apart, with the
 * runs it was off in. */
static void
test_switched_off(Fixture *fx, gconstpointer data)
{
  report_data(fx);
  static const guint64 fires[] = {5, 1, 0};
  BrRuleOff off[] = {{2, "hs_code"}, {2, NULL}};
  GArray *rules_off = g_array_new(FALSE, FALSE, sizeof(BrRuleOff));
  g_array_append_vals(rules_off, off, G_N_ELEMENTS(off));
  BrRunInput input = {"manifest2.csv", "01ff"};
  BrRunRecord run = {.started_at = 1768867200,
                     .finished_at = 1768867201,
                     .as_of = "2026-01-20",
                     .inputs = &input,
                     .ninputs = 1,
                     .threads = 1,
                     .lines_read = 5,
                     .fire_counts = fires,
                     .rules_off = rules_off};
  GPtrArray *ports = g_ptr_array_new_with_free_func(fixture_port_free);
  GError *error = NULL;
  g_assert_cmpint(br_store_record_run(fx->store, &run, ports, fx->pack, &error), >, 0);
  g_assert_no_error(error);
  g_ptr_array_unref(ports);
  g_array_unref(rules_off);

  BrReport *r = br_report_build(fx->store, "2026-01-01", "2026-02-28", NULL, &error);
  g_assert_no_error(error);
  const BrReportRule *never = NULL;
  for (guint i = 0; i < br_report_rule_count(r); i++)
    if (strcmp(br_report_rule(r, i)->id, "T-NEVER") == 0)
      never = br_report_rule(r, i);
  g_assert_nonnull(never);
  g_assert_cmpuint(never->runs, ==, 2);
  g_assert_cmpuint(never->runs_off, ==, 1);
  g_assert_cmpint(never->status, ==, BR_RULE_SWITCHED_OFF);
  GString *json = g_string_new(NULL);
  br_report_write(r, BR_REPORT_JSON, json);
  g_assert_nonnull(strstr(json->str, "\"status\":\"switched_off\",\"fires\":0,\"runs\":2,"
                                     "\"runs_off\":1}"));
  g_assert_nonnull(strstr(json->str, "\"rules_never_fired\":[]"));
  g_assert_nonnull(strstr(json->str, "\"rules_switched_off\":[\"T-NEVER\"]"));
  g_string_free(json, TRUE);
  GString *html = g_string_new(NULL);
  br_report_write(r, BR_REPORT_HTML, html);
  g_assert_nonnull(strstr(html->str, "<table id=\"rules-switched-off\">"));
  g_string_free(html, TRUE);
  br_report_free(r);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/report/wilson", test_wilson);
  g_test_add("/report/numbers", Fixture, NULL, fixture_setup, test_numbers, fixture_teardown);
  g_test_add("/report/explore-apart", Fixture, NULL, fixture_setup, test_explore_apart,
             fixture_teardown);
  g_test_add("/report/formats", Fixture, NULL, fixture_setup, test_formats, fixture_teardown);
  g_test_add("/report/switched-off", Fixture, NULL, fixture_setup, test_switched_off,
             fixture_teardown);
  g_test_add("/report/empty-period", Fixture, NULL, fixture_setup, test_empty_period,
             fixture_teardown);
  return g_test_run();
}
