#include "br_backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "br_history.h"
#include "br_json.h"

gboolean
br_period_parse(const char *text, BrPeriod *out)
{
  static const char *names[] = {"all", "month", "week", "day"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    if (g_strcmp0(text, names[i]) == 0) {
      *out = (BrPeriod)i;
      return TRUE;
    }
  }
  return FALSE;
}

gboolean
br_backtest_parse_ks(const char *text, GArray *ks)
{
  char **parts = g_strsplit(text, ",", -1);
  gboolean ok = parts[0] != NULL;
  for (guint i = 0; ok && parts[i]; i++) {
    char *end;
    double k = g_ascii_strtod(g_strstrip(parts[i]), &end);
    ok = *parts[i] && *end == '\0' && k > 0 && k <= 100;
    g_array_append_val(ks, k);
  }
  g_strfreev(parts);
  return ok;
}

int
br_period_history_cut(BrPeriod period)
{
  static const BrHistoryCut cuts[] = {[BR_PERIOD_ALL] = BR_HISTORY_CUT_DAY,
                                      [BR_PERIOD_MONTH] = BR_HISTORY_CUT_MONTH,
                                      [BR_PERIOD_WEEK] = BR_HISTORY_CUT_WEEK,
                                      [BR_PERIOD_DAY] = BR_HISTORY_CUT_DAY};
  return cuts[period];
}

char *
br_period_name(BrPeriod period, gint32 day)
{
  if (period == BR_PERIOD_ALL)
    return g_strdup("all");
  if (day == G_MAXINT32)
    return g_strdup("undated");
  GDate d;
  g_date_clear(&d, 1);
  g_date_set_julian(&d, (guint32)(day + 719163));
  char buf[16];
  switch (period) {
  case BR_PERIOD_MONTH:
    g_date_strftime(buf, sizeof buf, "%Y-%m", &d);
    break;
  case BR_PERIOD_WEEK:
    g_date_strftime(buf, sizeof buf, "%G-W%V", &d); /* ISO 8601 week and its year */
    break;
  default:
    g_date_strftime(buf, sizeof buf, "%Y-%m-%d", &d);
  }
  return g_strdup(buf);
}

BrAtK *
br_backtest_at_k(GPtrArray *units, const double *ks, guint nk, guint *positives)
{
  BrAtK *at = g_new0(BrAtK, nk);
  g_ptr_array_sort(units, br_unit_cmp_rank);
  *positives = 0;
  for (guint i = 0; i < units->len; i++)
    *positives += ((BrUnit *)units->pdata[i])->label > 0;
  for (guint j = 0; j < nk; j++) {
    BrAtK *a = &at[j];
    a->k = ks[j];
    a->inspected = (guint)MIN((double)units->len, ceil(units->len * ks[j] / 100.0));
    for (guint i = 0; i < a->inspected; i++)
      a->hits += ((BrUnit *)units->pdata[i])->label > 0;
    a->precision = a->inspected ? (double)a->hits / a->inspected : 0;
    a->recall = *positives ? (double)a->hits / *positives : 0;
  }
  return at;
}

static BrBacktestPeriod *
evaluate(const char *name, GPtrArray *units, const double *ks, guint nk)
{
  BrBacktestPeriod *p = g_new0(BrBacktestPeriod, 1);
  p->name = g_strdup(name);
  p->units = units->len;
  p->at = br_backtest_at_k(units, ks, nk, &p->positives);
  p->ranked = g_ptr_array_copy(units, NULL, NULL);
  return p;
}

static void
period_free(gpointer data)
{
  BrBacktestPeriod *p = data;
  g_free(p->name);
  g_free(p->at);
  g_ptr_array_free(p->ranked, TRUE);
  g_free(p);
}

static gint
cmp_day(gconstpointer a, gconstpointer b)
{
  const BrUnit *x = *(BrUnit *const *)a, *y = *(BrUnit *const *)b;
  return (x->day > y->day) - (x->day < y->day);
}

BrBacktest *
br_backtest_run(BrUnitTable *table, const BrPack *pack, BrPeriod period, const double *ks, guint nk,
                guint64 seed)
{
  BrBacktest *bt = g_new0(BrBacktest, 1);
  bt->nk = nk;
  bt->ks = g_memdup2(ks, nk * sizeof *ks);
  bt->periods = g_ptr_array_new_with_free_func(period_free);
  bt->nrules = br_pack_rule_count(pack);
  bt->rule_fires = g_new0(guint, bt->nrules);
  bt->rule_hits = g_new0(guint, bt->nrules);

  GPtrArray *all = br_unit_table_all(table);
  for (guint i = 0; i < all->len; i++) {
    BrUnit *u = all->pdata[i];
    u->tiebreak = br_unit_hash(u->port, u->unit, seed);
    gboolean positive = u->label > 0;
    bt->positives += positive;
    for (guint k = 0; u->fired && k < u->fired->len; k++) {
      guint r = g_array_index(u->fired, guint, k);
      const BrRuleInfo *info = br_pack_rule(pack, r);
      /* A track-record rule speaks on every known value; it flags a unit when it raises it. */
      if (info->points_key && u->points && info->weight * g_array_index(u->points, double, k) <= 0)
        continue;
      bt->rule_fires[r]++;
      bt->rule_hits[r] += positive;
    }
  }
  bt->units = all->len;
  if (period == BR_PERIOD_ALL) {
    g_ptr_array_add(bt->periods, evaluate("all", all, ks, nk));
  } else {
    g_ptr_array_sort(all, cmp_day);
    GPtrArray *group = g_ptr_array_new();
    char *current = NULL;
    for (guint i = 0; i <= all->len; i++) {
      char *name = i < all->len ? br_period_name(period, ((BrUnit *)all->pdata[i])->day) : NULL;
      if (current && (!name || strcmp(name, current) != 0)) {
        g_ptr_array_add(bt->periods, evaluate(current, group, ks, nk));
        g_ptr_array_set_size(group, 0);
      }
      if (name && (!current || strcmp(name, current) != 0)) {
        g_free(current);
        current = name;
      } else {
        g_free(name);
      }
      if (i < all->len)
        g_ptr_array_add(group, all->pdata[i]);
    }
    g_free(current);
    g_ptr_array_free(group, TRUE);
  }
  g_ptr_array_free(all, TRUE);
  return bt;
}

void
br_backtest_free(BrBacktest *bt)
{
  if (!bt)
    return;
  g_free(bt->ks);
  g_ptr_array_free(bt->periods, TRUE);
  g_free(bt->rule_fires);
  g_free(bt->rule_hits);
  g_free(bt);
}

void
br_backtest_text(GString *out, const BrBacktest *bt, const BrPack *pack)
{
  double base = bt->units ? (double)bt->positives / bt->units : 0;
  g_string_append_printf(out, "%u units, %u positive (base rate %.3f)\n\n", bt->units,
                         bt->positives, base);
  g_string_append(out, "period        units  positive");
  for (guint j = 0; j < bt->nk; j++)
    g_string_append_printf(out, "   p@%-4g r@%-4g", bt->ks[j], bt->ks[j]);
  g_string_append_c(out, '\n');
  for (guint i = 0; i < bt->periods->len; i++) {
    const BrBacktestPeriod *p = bt->periods->pdata[i];
    g_string_append_printf(out, "%-12s %6u %9u", p->name, p->units, p->positives);
    for (guint j = 0; j < bt->nk; j++)
      g_string_append_printf(out, "  %6.3f %6.3f", p->at[j].precision, p->at[j].recall);
    g_string_append_c(out, '\n');
  }
  g_string_append(out, "\nrule                     fires     hits  precision   lift\n");
  for (guint r = 0; r < bt->nrules; r++) {
    double prec = bt->rule_fires[r] ? (double)bt->rule_hits[r] / bt->rule_fires[r] : 0;
    g_string_append_printf(out, "%-22s %7u %8u %10.3f %6.2f\n", br_pack_rule(pack, r)->id,
                           bt->rule_fires[r], bt->rule_hits[r], prec, base > 0 ? prec / base : 0);
  }
}

void
br_backtest_json(GString *out, const BrBacktest *bt, const BrPack *pack)
{
  g_string_append_printf(out, "{\"units\":%u,\"positives\":%u,\"periods\":[", bt->units,
                         bt->positives);
  for (guint i = 0; i < bt->periods->len; i++) {
    const BrBacktestPeriod *p = bt->periods->pdata[i];
    g_string_append(out, i ? ",{\"period\":" : "{\"period\":");
    br_json_append_string(out, p->name, -1);
    g_string_append_printf(out, ",\"units\":%u,\"positives\":%u,\"at\":[", p->units, p->positives);
    for (guint j = 0; j < bt->nk; j++) {
      const BrAtK *a = &p->at[j];
      g_string_append(out, j ? ",{\"k\":" : "{\"k\":");
      br_json_append_number(out, a->k);
      g_string_append_printf(out, ",\"inspected\":%u,\"hits\":%u,\"precision\":", a->inspected,
                             a->hits);
      br_json_append_number(out, a->precision);
      g_string_append(out, ",\"recall\":");
      br_json_append_number(out, a->recall);
      g_string_append_c(out, '}');
    }
    g_string_append(out, "]}");
  }
  g_string_append(out, "],\"rules\":[");
  for (guint r = 0; r < bt->nrules; r++) {
    g_string_append(out, r ? ",{\"id\":" : "{\"id\":");
    br_json_append_string(out, br_pack_rule(pack, r)->id, -1);
    g_string_append_printf(out, ",\"fires\":%u,\"hits\":%u}", bt->rule_fires[r], bt->rule_hits[r]);
  }
  g_string_append(out, "]}\n");
}
