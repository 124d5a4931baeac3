#include "br_feedback.h"

#include <string.h>

gboolean
br_feedback_parse(const char *text, BrFeedback *out)
{
  if (g_strcmp0(text, "all") == 0)
    *out = BR_FEEDBACK_ALL;
  else if (g_strcmp0(text, "inspected") == 0)
    *out = BR_FEEDBACK_INSPECTED;
  else
    return FALSE;
  return TRUE;
}

const char *
br_feedback_name(BrFeedback feedback)
{
  return feedback == BR_FEEDBACK_ALL ? "all" : "inspected";
}

static gint
cmp_day(gconstpointer a, gconstpointer b)
{
  const BrUnit *x = *(BrUnit *const *)a, *y = *(BrUnit *const *)b;
  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  return strcmp(x->unit, y->unit);
}

/* The names of the periods of the units, in time order. */
static GPtrArray *
period_names(GPtrArray *all, BrPeriod period)
{
  g_ptr_array_sort(all, cmp_day);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < all->len; i++) {
    char *name = br_period_name(period, ((BrUnit *)all->pdata[i])->day);
    if (names->len && strcmp(g_ptr_array_index(names, names->len - 1), name) == 0)
      g_free(name);
    else
      g_ptr_array_add(names, name);
  }
  return names;
}

/* Each day's lists, as rank would have drawn them that day; the picks go into inspected. */
static void
select_days(BrFeedbackPeriod *p, GPtrArray *units, const BrPack *pack, guint64 seed,
            GHashTable *inspected)
{
  g_ptr_array_sort(units, cmp_day);
  GPtrArray *day = g_ptr_array_new();
  for (guint i = 0; i < units->len; i++) {
    BrUnit *u = units->pdata[i];
    g_ptr_array_add(day, u);
    if (i + 1 < units->len && ((BrUnit *)units->pdata[i + 1])->day == u->day)
      continue;
    /* A new seed each day, as an agency would use (README: the date as the seed). */
    GPtrArray *lists = br_rank_select_units(day, pack, seed ^ ((guint64)(guint32)u->day << 20));
    for (guint l = 0; l < lists->len; l++) {
      const BrPortList *list = lists->pdata[l];
      for (guint k = 0; k < list->selected->len; k++) {
        const BrUnit *s = list->selected->pdata[k];
        BrPicks *picks = s->selection == BR_SEL_TARGETED  ? &p->targeted
                         : s->selection == BR_SEL_EXPLORE ? &p->explore
                                                          : &p->random;
        picks->inspected++;
        picks->hits += s->label > 0;
        g_hash_table_add(inspected, (gpointer)s);
      }
    }
    g_ptr_array_free(lists, TRUE);
    g_ptr_array_set_size(day, 0);
  }
  g_ptr_array_free(day, TRUE);
}

typedef struct {
  BrPeriod period;
  const char *name;
  GHashTable *inspected; /* NULL: every unit of the period is learnt from */
} Keep;

static gboolean
keep_unit(const BrUnit *u, gpointer data)
{
  const Keep *k = data;
  if (k->inspected && !g_hash_table_contains(k->inspected, u))
    return FALSE;
  char *name = br_period_name(k->period, u->day);
  gboolean same = strcmp(name, k->name) == 0;
  g_free(name);
  return same;
}

static void
period_free(gpointer data)
{
  BrFeedbackPeriod *p = data;
  g_free(p->name);
  g_free(p->at);
  g_free(p);
}

BrFeedbackRun *
br_feedback_run(const BrLabelsRun *run, const char *const *history_files, const char *manifest,
                BrFeedback feedback, BrPeriod period, const double *ks, guint nk, guint64 seed,
                guint64 *rejected, GError **error)
{
  BrLabelsOutcomes *acc = br_labels_outcomes_new(run, history_files, rejected, error);
  if (!acc)
    return NULL;
  BrFeedbackRun *fb = g_new0(BrFeedbackRun, 1);
  fb->feedback = feedback;
  fb->nk = nk;
  fb->ks = g_memdup2(ks, nk * sizeof *ks);
  fb->periods = g_ptr_array_new_with_free_func(period_free);
  GPtrArray *names = NULL;
  for (guint i = 0; !names || i < names->len; i++) {
    /* Each period is scored with what the history holds by then: nothing of its own. */
    BrHistory *history = br_labels_outcomes_history(acc, error);
    BrPipelineResult result = {0};
    gboolean ok = history && br_labels_score_file(run, manifest, history, BR_HISTORY_CUT_NONE,
                                                  &result, i == 0 ? rejected : NULL, error);
    if (!ok) {
      br_pipeline_result_clear(&result);
      br_history_free(history);
      g_clear_pointer(&fb, br_feedback_run_free);
      break;
    }
    GPtrArray *all = br_unit_table_all(result.units);
    if (!names)
      names = period_names(all, period);
    BrFeedbackPeriod *p = g_new0(BrFeedbackPeriod, 1);
    p->name = g_strdup(g_ptr_array_index(names, i));
    Keep keep = {period, p->name, NULL};
    GPtrArray *units = g_ptr_array_new();
    for (guint k = 0; k < all->len; k++)
      if (keep_unit(all->pdata[k], &keep))
        g_ptr_array_add(units, all->pdata[k]);
    for (guint k = 0; k < units->len; k++) {
      BrUnit *u = units->pdata[k];
      u->tiebreak = br_unit_hash(u->port, u->unit, seed);
    }
    p->units = units->len;
    p->at = br_backtest_at_k(units, ks, nk, &p->positives);
    GHashTable *inspected = g_hash_table_new(g_direct_hash, g_direct_equal);
    select_days(p, units, run->pack, seed, inspected);
    keep.inspected = feedback == BR_FEEDBACK_INSPECTED ? inspected : NULL;
    p->learnt = br_labels_outcomes_add(acc, &result, keep_unit, &keep);
    g_ptr_array_add(fb->periods, p);
    g_hash_table_destroy(inspected);
    g_ptr_array_free(units, TRUE);
    g_ptr_array_free(all, TRUE);
    br_pipeline_result_clear(&result);
    br_history_free(history);
  }
  if (names)
    g_ptr_array_free(names, TRUE);
  br_labels_outcomes_free(acc);
  return fb;
}

void
br_feedback_run_free(BrFeedbackRun *fb)
{
  if (!fb)
    return;
  g_free(fb->ks);
  g_ptr_array_free(fb->periods, TRUE);
  g_free(fb);
}

static void
append_rate(GString *out, const BrPicks *p)
{
  if (p->inspected)
    g_string_append_printf(out, " %5u %5.3f", p->inspected, (double)p->hits / p->inspected);
  else
    g_string_append(out, "     0     -");
}

void
br_feedback_text(GString *out, BrFeedbackRun *const *runs, guint nruns)
{
  const BrFeedbackRun *first = runs[0];
  g_string_append(
      out, "\nreplay in time order: each period scored with the history gathered before it; "
           "lists drawn per day and port\n(targeted within capacity, explore and random "
           "shares); the history then learns from every labelled unit (all) or\nonly from the "
           "units the lists inspected (inspected)\n\nfeedback   period       units");
  for (guint j = 0; j < first->nk; j++)
    g_string_append_printf(out, "   p@%-4g", first->ks[j]);
  g_string_append(out, "  inspected  hits  targeted rate  explore rate   random rate  learnt\n");
  for (guint r = 0; r < nruns; r++) {
    const BrFeedbackRun *fb = runs[r];
    guint hits = 0, inspected = 0;
    for (guint i = 0; i < fb->periods->len; i++) {
      const BrFeedbackPeriod *p = fb->periods->pdata[i];
      g_string_append_printf(out, "%-10s %-12s %6u", br_feedback_name(fb->feedback), p->name,
                             p->units);
      for (guint j = 0; j < fb->nk; j++)
        g_string_append_printf(out, "  %6.3f", p->at[j].precision);
      guint n = p->targeted.inspected + p->explore.inspected + p->random.inspected;
      guint h = p->targeted.hits + p->explore.hits + p->random.hits;
      g_string_append_printf(out, "  %9u %5u", n, h);
      append_rate(out, &p->targeted);
      append_rate(out, &p->explore);
      append_rate(out, &p->random);
      g_string_append_printf(out, "  %6u\n", p->learnt);
      hits += h;
      inspected += n;
    }
    /* Drift: how precision moved from the first period to the last. */
    const BrFeedbackPeriod *a = fb->periods->pdata[0];
    const BrFeedbackPeriod *z = fb->periods->pdata[fb->periods->len - 1];
    g_string_append_printf(out, "%-10s drift, first to last period:", br_feedback_name(fb->feedback));
    for (guint j = 0; j < fb->nk; j++)
      g_string_append_printf(out, " p@%g %+.3f", fb->ks[j], z->at[j].precision - a->at[j].precision);
    g_string_append_printf(out, "; lists found %u in %u inspections\n", hits, inspected);
  }
}
