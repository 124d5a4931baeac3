#include "br_tune.h"

#include "br_logreg.h"

BrTune *
br_tune_fit(BrUnitTable *table, const BrPack *pack, double l2, GError **error)
{
  guint nrules = br_pack_rule_count(pack);
  GPtrArray *all = br_unit_table_all(table);
  BrTune *tune = g_new0(BrTune, 1);
  tune->nrules = nrules;
  tune->weights = g_new0(double, nrules);
  tune->fitted = g_new0(gboolean, nrules);
  tune->fires = g_new0(guint, nrules);
  for (guint i = 0; i < all->len; i++) {
    const BrUnit *u = all->pdata[i];
    if (u->label < 0)
      continue;
    tune->units++;
    tune->positives += u->label > 0;
    for (guint k = 0; u->fired && k < u->fired->len; k++)
      tune->fires[g_array_index(u->fired, guint, k)]++;
  }
  /* A rule that never fired has no evidence either way: it keeps its weight and stays out of
   * the fit, whose columns would otherwise be all zero. */
  guint *column = g_new(guint, nrules), p = 0;
  for (guint r = 0; r < nrules; r++) {
    tune->weights[r] = br_pack_rule(pack, r)->weight;
    tune->fitted[r] = tune->fires[r] > 0;
    column[r] = tune->fitted[r] ? p++ : G_MAXUINT;
  }
  double *x = g_new0(double, (gsize)tune->units *p);
  double *y = g_new(double, tune->units);
  gsize row = 0;
  for (guint i = 0; i < all->len; i++) {
    const BrUnit *u = all->pdata[i];
    if (u->label < 0)
      continue;
    y[row] = u->label > 0;
    for (guint k = 0; u->fired && k < u->fired->len; k++) {
      guint r = g_array_index(u->fired, guint, k);
      x[row * p + column[r]] = u->points ? g_array_index(u->points, double, k) : 1.0;
    }
    row++;
  }
  BrLogreg *model = br_logreg_fit(x, y, tune->units, p, l2, error);
  if (model) {
    for (guint r = 0; r < nrules; r++)
      if (tune->fitted[r])
        tune->weights[r] = model->weights[column[r]];
    tune->intercept = model->intercept;
    tune->iterations = model->iterations;
  } else {
    g_clear_pointer(&tune, br_tune_free);
  }
  br_logreg_free(model);
  g_free(x);
  g_free(y);
  g_free(column);
  g_ptr_array_free(all, TRUE);
  return tune;
}

void
br_tune_free(BrTune *tune)
{
  if (!tune)
    return;
  g_free(tune->weights);
  g_free(tune->fitted);
  g_free(tune->fires);
  g_free(tune);
}

char *
br_tune_weights_ini(const BrTune *tune, const BrPack *pack, const char *provenance)
{
  GString *out = g_string_new(NULL);
  if (provenance) {
    char **lines = g_strsplit(provenance, "\n", -1);
    for (char **l = lines; *l; l++)
      g_string_append_printf(out, "# %s\n", *l);
    g_strfreev(lines);
  }
  char buf[G_ASCII_DTOSTR_BUF_SIZE], even[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_printf(out, "# Intercept %s: a unit scoring %s has even odds of a finding.\n",
                         g_ascii_formatd(buf, sizeof buf, "%.4f", tune->intercept),
                         g_ascii_formatd(even, sizeof even, "%.4f", -tune->intercept));
  g_string_append(out, "[weights]\n");
  for (guint r = 0; r < tune->nrules; r++) {
    if (!tune->fitted[r])
      continue;
    g_string_append_printf(out, "%s = %s\n", br_pack_rule(pack, r)->id,
                           g_ascii_formatd(buf, sizeof buf, "%.6g", tune->weights[r]));
  }
  return g_string_free(out, FALSE);
}
