/* Rule mining on a synthetic history with one planted pattern. */
#include <string.h>

#include "br_mine.h"
#include "feed_fixture.h"

static char *tmpdir;

/* 3000 lines over 100 days, three to a container. Coffee (HS 0901) from EC is found 90% of the
 * time; coffee from elsewhere, tea (0902) from EC and everything else 10%. A second outcome column
 * copies the label: mining must not propose it once told to ignore it. */
static char *
write_history(void)
{
  GString *csv =
      g_string_new("record_id,container,arrival_date,origin_country,hs_code,declared_kg,found,"
                   "severity\n");
  static const char *origins[] = {"EC", "CO", "DE", "CN"};
  static const char *codes[] = {"09011100", "09021000", "84713000", "61091000"};
  for (guint i = 0; i < 3000; i++) {
    const char *origin = origins[(i * 7) % 4], *code = codes[(i * 13 / 4) % 4];
    guint noise = (i * 7919u) % 100;
    gboolean planted = strcmp(origin, "EC") == 0 && strcmp(code, "09011100") == 0;
    gboolean found = planted ? noise < 90 : noise < 10;
    GDate d;
    g_date_clear(&d, 1);
    g_date_set_dmy(&d, 1, 1, 2025);
    g_date_add_days(&d, i / 30);
    char day[11];
    g_date_strftime(day, sizeof day, "%Y-%m-%d", &d);
    g_string_append_printf(csv, "R%u,C%u,%s,%s,%s,%u,%d,%d\n", i, i / 3, day, origin, code,
                           10 + (i * 31) % 900, found, found);
  }
  char *path = br_test_write_file(tmpdir, "history.csv", csv->str, -1);
  g_string_free(csv, TRUE);
  return path;
}

static BrProfile *
profile(void)
{
  return br_test_profile(tmpdir, "p.ini",
                         "[profile]\nname = t\n[types]\nfound = integer\nseverity = integer\n");
}

static void
test_planted_pattern(void)
{
  char *path = write_history();
  BrProfile *p = profile();
  const char *ignore[] = {"severity", NULL};
  BrMineOptions opts = {.label_field = "found", .ignore = ignore, .min_support = 20};
  GError *error = NULL;
  BrMineResult *res = br_mine_run(path, p, &opts, &error);
  g_assert_no_error(error);
  /* The last 20% of 100 days: from day 81. */
  g_assert_cmpstr(res->holdout_from, ==, "2025-03-22");
  g_assert_cmpuint(res->fit_units + res->hold_units, ==, 3000); /* no unit field: lines */
  g_assert_cmpuint(res->rules->len, >=, 1);
  const BrMinedRule *top = res->rules->pdata[0];
  g_assert_nonnull(strstr(top->when, "field_in(\"origin_country\", { \"EC\" })"));
  g_assert_nonnull(strstr(top->when, "hs_prefix(\"hs_code\", { \"0901"));
  g_assert_cmpfloat(top->fit_lift, >, 3);
  g_assert_cmpfloat(top->hold_lift, >, 3);
  g_assert_nonnull(strstr(top->fires, "[\"origin_country\"] = \"EC\""));
  g_assert_nonnull(top->silent);
  for (guint i = 0; i < res->rules->len; i++)
    g_assert_null(strstr(((BrMinedRule *)res->rules->pdata[i])->when, "severity"));

  /* Deterministic: the same history gives the same rule file. */
  char *lua = br_mine_lua(res, "history.csv");
  BrMineResult *again = br_mine_run(path, p, &opts, &error);
  g_assert_no_error(error);
  char *lua2 = br_mine_lua(again, "history.csv");
  g_assert_cmpstr(lua, ==, lua2);
  g_assert_nonnull(strstr(lua, "id = \"MINED-001\""));
  g_free(lua);
  g_free(lua2);
  br_mine_result_free(again);

  /* Without the ignore list, the copied outcome is the best "rule" of all: the reason for
   * --ignore. */
  opts.ignore = NULL;
  BrMineResult *leak = br_mine_run(path, p, &opts, &error);
  g_assert_no_error(error);
  g_assert_nonnull(strstr(((BrMinedRule *)leak->rules->pdata[0])->when, "severity"));
  br_mine_result_free(leak);

  opts.label_field = "nosuch";
  g_assert_null(br_mine_run(path, p, &opts, &error));
  g_assert_error(error, BR_MINE_ERROR, BR_MINE_ERROR_INPUT);
  g_clear_error(&error);
  br_mine_result_free(res);
  br_profile_free(p);
  g_free(path);
}

/* Counted by roll-up unit: 3000 lines in 1000 containers; a container counts once for a rule
 * that one or more of its lines match, as a rule fires on a unit. */
static void
test_counts_units(void)
{
  char *path = write_history();
  BrProfile *p = profile();
  const char *ignore[] = {"severity", NULL};
  BrMineOptions opts = {
      .label_field = "found", .ignore = ignore, .min_support = 20, .unit_field = "container"};
  GError *error = NULL;
  BrMineResult *res = br_mine_run(path, p, &opts, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(res->fit_units + res->hold_units, ==, 1000);
  const BrMinedRule *top = res->rules->pdata[0];
  g_assert_nonnull(strstr(top->when, "field_in(\"origin_country\", { \"EC\" })"));
  g_assert_nonnull(strstr(top->when, "hs_prefix(\"hs_code\", { \"0901"));
  guint units = 0;
  for (guint u = 0; u < 1000; u++) {
    gboolean any = FALSE;
    for (guint i = 3 * u; i < 3 * u + 3; i++)
      any |= (i * 7) % 4 == 0 && (i * 13 / 4) % 4 == 0;
    units += any;
  }
  g_assert_cmpuint(units, >, 0);
  g_assert_cmpuint(top->fit_units + top->hold_units, ==, units);
  br_mine_result_free(res);
  br_profile_free(p);
  g_free(path);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp("br-mine-XXXXXX", NULL);
  g_test_add_func("/mine/counts-units", test_counts_units);
  g_test_add_func("/mine/planted-pattern", test_planted_pattern);
  return br_test_run_in(tmpdir);
}
