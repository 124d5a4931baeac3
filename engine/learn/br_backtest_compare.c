#include "br_backtest_compare.h"

#include <string.h>

#include "br_json.h"

static char *
unit_key(const BrUnit *u)
{
  return g_strconcat(u->port, "\x1f", u->unit, NULL);
}

/* The first n units of ranked, by key. */
static GHashTable *
inspected_set(const GPtrArray *ranked, guint n)
{
  GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n && i < ranked->len; i++)
    g_hash_table_add(set, unit_key(ranked->pdata[i]));
  return set;
}

/* Units among the first n of ranked that are not in other; appended to moved when not NULL. */
static guint
count_moved(const GPtrArray *ranked, guint n, GHashTable *other, GPtrArray *moved)
{
  guint count = 0;
  for (guint i = 0; i < n && i < ranked->len; i++) {
    char *key = unit_key(ranked->pdata[i]);
    if (!g_hash_table_contains(other, key)) {
      count++;
      if (moved)
        g_ptr_array_add(moved, ranked->pdata[i]);
    }
    g_free(key);
  }
  return count;
}

/* The n reasons that weigh most, in the order lists show them. */
static void
append_top_rules(GString *out, const BrUnit *u, const BrPack *pack, guint n)
{
  GArray *reasons = br_unit_reasons(u, pack);
  for (guint k = 0, shown = 0; k < reasons->len && shown < n; k++) {
    const BrReason *r = &g_array_index(reasons, BrReason, k);
    if (!br_reason_counts(r))
      continue;
    g_string_append_printf(out, " %s %+.2f", br_pack_rule(pack, r->rule)->id, r->contribution);
    shown++;
  }
  g_array_free(reasons, TRUE);
}

static void
append_units(GString *out, const char *what, const GPtrArray *units, const BrPack *pack, guint show)
{
  g_string_append_printf(out, "\n%s (%u; first %u by score):\n", what, units->len,
                         MIN(show, units->len));
  for (guint i = 0; i < units->len && i < show; i++) {
    const BrUnit *u = units->pdata[i];
    g_string_append_printf(out, "  %-8s %-20s %9.3f  label %-4g", u->port, u->unit, u->score,
                           u->label);
    append_top_rules(out, u, pack, 3);
    g_string_append_c(out, '\n');
  }
}

void
br_backtest_compare_text(GString *out, const BrBacktest *a, const BrPack *pack_a,
                         const BrBacktest *b, const BrPack *pack_b, guint show)
{
  g_string_append_printf(out, "\ncompare %s (A) with %s (B)\n", br_pack_settings(pack_a)->name,
                         br_pack_settings(pack_b)->name);
  g_string_append(out,
                  "period        k%     p@k A   p@k B  change   r@k A   r@k B  change   entering  "
                  "leaving\n");
  GPtrArray *entering = g_ptr_array_new(), *leaving = g_ptr_array_new();
  guint last = a->nk - 1;
  for (guint i = 0; i < a->periods->len && i < b->periods->len; i++) {
    const BrBacktestPeriod *pa = a->periods->pdata[i], *pb = b->periods->pdata[i];
    for (guint j = 0; j < a->nk; j++) {
      guint na = pa->at[j].inspected, nb = pb->at[j].inspected;
      GHashTable *sa = inspected_set(pa->ranked, na), *sb = inspected_set(pb->ranked, nb);
      gboolean keep = j == last;
      guint in = count_moved(pb->ranked, nb, sa, keep ? entering : NULL);
      guint left = count_moved(pa->ranked, na, sb, keep ? leaving : NULL);
      g_string_append_printf(out, "%-12s %4g %9.3f %7.3f %+7.3f %7.3f %7.3f %+7.3f %10u %8u\n",
                             pa->name, a->ks[j], pa->at[j].precision, pb->at[j].precision,
                             pb->at[j].precision - pa->at[j].precision, pa->at[j].recall,
                             pb->at[j].recall, pb->at[j].recall - pa->at[j].recall, in, left);
      g_hash_table_destroy(sa);
      g_hash_table_destroy(sb);
    }
  }
  g_ptr_array_sort(entering, br_unit_cmp_rank);
  g_ptr_array_sort(leaving, br_unit_cmp_rank);
  char what[64];
  g_snprintf(what, sizeof what, "entering at %g%% (B's scores and rules)", a->ks[last]);
  append_units(out, what, entering, pack_b, show);
  g_snprintf(what, sizeof what, "leaving at %g%% (A's scores and rules)", a->ks[last]);
  append_units(out, what, leaving, pack_a, show);
  g_ptr_array_free(entering, TRUE);
  g_ptr_array_free(leaving, TRUE);
}

static void
append_units_json(GString *out, const GPtrArray *units, const BrPack *pack)
{
  g_string_append_c(out, '[');
  for (guint i = 0; i < units->len; i++) {
    const BrUnit *u = units->pdata[i];
    g_string_append(out, i ? ",{\"port\":" : "{\"port\":");
    br_json_append_string(out, u->port, -1);
    g_string_append(out, ",\"unit\":");
    br_json_append_string(out, u->unit, -1);
    g_string_append(out, ",\"score\":");
    br_json_append_number(out, u->score);
    g_string_append(out, ",\"label\":");
    br_json_append_number(out, u->label);
    g_string_append(out, ",\"rules\":[");
    for (guint k = 0; u->fired && k < u->fired->len; k++) {
      if (k)
        g_string_append_c(out, ',');
      br_json_append_string(out, br_pack_rule(pack, g_array_index(u->fired, guint, k))->id, -1);
    }
    g_string_append(out, "]}");
  }
  g_string_append_c(out, ']');
}

void
br_backtest_compare_json(GString *out, const BrBacktest *a, const BrPack *pack_a,
                         const BrBacktest *b, const BrPack *pack_b)
{
  g_string_append(out, "{\"a\":");
  br_backtest_json(out, a, pack_a);
  g_string_append(out, ",\"b\":");
  br_backtest_json(out, b, pack_b);
  g_string_append(out, ",\"compare\":[");
  gboolean first = TRUE;
  for (guint i = 0; i < a->periods->len && i < b->periods->len; i++) {
    const BrBacktestPeriod *pa = a->periods->pdata[i], *pb = b->periods->pdata[i];
    for (guint j = 0; j < a->nk; j++) {
      guint na = pa->at[j].inspected, nb = pb->at[j].inspected;
      GHashTable *sa = inspected_set(pa->ranked, na), *sb = inspected_set(pb->ranked, nb);
      GPtrArray *entering = g_ptr_array_new(), *leaving = g_ptr_array_new();
      count_moved(pb->ranked, nb, sa, entering);
      count_moved(pa->ranked, na, sb, leaving);
      g_string_append(out, first ? "{\"period\":" : ",{\"period\":");
      first = FALSE;
      br_json_append_string(out, pa->name, -1);
      g_string_append(out, ",\"k\":");
      br_json_append_number(out, a->ks[j]);
      g_string_append(out, ",\"entering\":");
      append_units_json(out, entering, pack_b);
      g_string_append(out, ",\"leaving\":");
      append_units_json(out, leaving, pack_a);
      g_string_append_c(out, '}');
      g_ptr_array_free(entering, TRUE);
      g_ptr_array_free(leaving, TRUE);
      g_hash_table_destroy(sa);
      g_hash_table_destroy(sb);
    }
  }
  g_string_append(out, "]}");
}

typedef struct {
  GHashTable *days; /* GINT_TO_POINTER(day) set */
  guint *inspected; /* per k */
} PortLoad;

static void
port_load_free(gpointer p)
{
  PortLoad *l = p;
  g_hash_table_destroy(l->days);
  g_free(l->inspected);
  g_free(l);
}

void
br_backtest_load_text(GString *out, const BrBacktest *bt, const BrPack *pack)
{
  GHashTable *ports = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, port_load_free);
  for (guint i = 0; i < bt->periods->len; i++) {
    const BrBacktestPeriod *p = bt->periods->pdata[i];
    for (guint r = 0; r < p->ranked->len; r++) {
      const BrUnit *u = p->ranked->pdata[r];
      PortLoad *l = g_hash_table_lookup(ports, u->port);
      if (!l) {
        l = g_new0(PortLoad, 1);
        l->days = g_hash_table_new(g_direct_hash, g_direct_equal);
        l->inspected = g_new0(guint, bt->nk);
        g_hash_table_insert(ports, u->port, l);
      }
      g_hash_table_add(l->days, GINT_TO_POINTER(u->day));
      for (guint j = 0; j < bt->nk; j++)
        l->inspected[j] += r < p->at[j].inspected;
    }
  }
  GList *names = g_list_sort(g_hash_table_get_keys(ports), (GCompareFunc)strcmp);
  g_string_append_printf(out,
                         "\nload on capacity of %s (inspected units per day the port had units)\n",
                         br_pack_settings(pack)->name);
  g_string_append(out, "port          days  capacity");
  for (guint j = 0; j < bt->nk; j++)
    g_string_append_printf(out, "  @%-6g", bt->ks[j]);
  g_string_append_c(out, '\n');
  for (GList *n = names; n; n = n->next) {
    const PortLoad *l = g_hash_table_lookup(ports, n->data);
    guint days = g_hash_table_size(l->days), cap = br_pack_capacity(pack, n->data);
    g_string_append_printf(out, "%-12s %5u %9u", (const char *)n->data, days, cap);
    for (guint j = 0; j < bt->nk; j++) {
      double per_day = (double)l->inspected[j] / days;
      g_string_append_printf(out, "  %6.1f%c", per_day, per_day > cap ? '!' : ' ');
    }
    g_string_append_c(out, '\n');
  }
  g_list_free(names);
  g_hash_table_destroy(ports);
}
