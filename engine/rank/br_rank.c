#include "br_rank.h"

#include <stdlib.h>
#include <string.h>

static int
cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static BrLane
lane_of(const BrPackSettings *s, double score)
{
  if (score >= s->lane_red)
    return BR_LANE_RED;
  if (score >= s->lane_yellow)
    return BR_LANE_YELLOW;
  return BR_LANE_GREEN;
}

static GHashTable *
group_by_port(GPtrArray *all)
{
  GHashTable *ports =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i < all->len; i++) {
    BrUnit *u = g_ptr_array_index(all, i);
    GPtrArray *arr = g_hash_table_lookup(ports, u->port);
    if (!arr) {
      arr = g_ptr_array_new();
      g_hash_table_insert(ports, u->port, arr);
    }
    g_ptr_array_add(arr, u);
  }
  return ports;
}

typedef struct {
  guint64 key;
  BrUnit *unit;
} Draw;

static gint
cmp_draw(gconstpointer a, gconstpointer b)
{
  const Draw *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return strcmp(x->unit->unit, y->unit->unit);
}

static gint
cmp_explore(gconstpointer a, gconstpointer b)
{
  const Draw *x = a, *y = b;
  if (x->unit->uncertainty != y->unit->uncertainty)
    return x->unit->uncertainty > y->unit->uncertainty ? -1 : 1;
  return cmp_draw(a, b);
}

/* The `want` units not yet picked that come first by cmp, keyed by a hash stream of their
 * own (stream), separate from the tie-break so a draw does not favour units that won ties.
 * One pass keeps the best in a small sorted array: no sort of the whole port.
 * - The random control sample: cmp_draw, a seeded uniform draw without replacement.
 * - Exploration: cmp_explore, the units whose values the history knows least (highest
 *   uncertainty), ties broken by the hash. */
static GArray *
draw(GPtrArray *units, guint want, guint64 stream, GCompareFunc cmp)
{
  GArray *best = g_array_sized_new(FALSE, FALSE, sizeof(Draw), want + 1);
  if (want == 0)
    return best;
  for (guint i = 0; i < units->len; i++) {
    BrUnit *u = g_ptr_array_index(units, i);
    if (u->selection != BR_SEL_NONE)
      continue;
    Draw d = {br_unit_hash(u->port, u->unit, stream), u};
    if (best->len == want && cmp(&d, &g_array_index(best, Draw, want - 1)) >= 0)
      continue;
    guint at = best->len;
    while (at > 0 && cmp(&d, &g_array_index(best, Draw, at - 1)) < 0)
      at--;
    g_array_insert_val(best, at, d);
    if (best->len > want)
      g_array_set_size(best, want);
  }
  return best;
}

static guint rank_of(GPtrArray *units, const BrUnit *u);

/* Marks the drawn units as picks of kind sel and appends them to the list in rank order. */
static guint
add_picks(BrPortList *list, GPtrArray *units, GArray *picks, BrSelection sel)
{
  GPtrArray *chosen = g_ptr_array_sized_new(picks->len);
  for (guint i = 0; i < picks->len; i++) {
    BrUnit *u = g_array_index(picks, Draw, i).unit;
    u->selection = sel;
    if (u->rank == 0)
      u->rank = rank_of(units, u);
    g_ptr_array_add(chosen, u);
  }
  g_ptr_array_sort(chosen, br_unit_cmp_rank);
  for (guint i = 0; i < chosen->len; i++)
    g_ptr_array_add(list->selected, g_ptr_array_index(chosen, i));
  guint n = chosen->len;
  g_ptr_array_free(chosen, TRUE);
  g_array_free(picks, TRUE);
  return n;
}

/* 1 + the number of units of the port that rank before u. */
static guint
rank_of(GPtrArray *units, const BrUnit *u)
{
  guint before = 0;
  for (guint i = 0; i < units->len; i++) {
    const BrUnit *o = g_ptr_array_index(units, i);
    if (o != u && br_unit_cmp_rank(&o, &u) < 0)
      before++;
  }
  return before + 1;
}

/* Selects for one port without sorting all its units: only red units can be targeted, so
 * only they are sorted; a random pick's rank is counted directly. */
static void
select_port(BrPortList *list, GPtrArray *units, const BrPackSettings *s, guint64 seed)
{
  GPtrArray *red = g_ptr_array_new();
  for (guint i = 0; i < units->len; i++) {
    BrUnit *u = g_ptr_array_index(units, i);
    u->tiebreak = br_unit_hash(u->port, u->unit, seed);
    u->lane = lane_of(s, u->score);
    u->selection = BR_SEL_NONE;
    u->rank = 0;
    switch (u->lane) {
    case BR_LANE_RED:
      list->red++;
      g_ptr_array_add(red, u);
      break;
    case BR_LANE_YELLOW:
      list->yellow++;
      break;
    case BR_LANE_GREEN:
      list->green++;
      break;
    }
  }
  g_ptr_array_sort(red, br_unit_cmp_rank);
  guint random_slots = MIN((guint)(list->capacity * s->random_share + 0.5), list->capacity);
  guint explore_slots =
      MIN((guint)(list->capacity * s->explore_share + 0.5), list->capacity - random_slots);
  guint targeted_slots = list->capacity - random_slots - explore_slots;
  for (guint i = 0; i < red->len; i++) {
    BrUnit *u = g_ptr_array_index(red, i);
    u->rank = i + 1;
    if (list->targeted < targeted_slots) {
      u->selection = BR_SEL_TARGETED;
      list->targeted++;
      g_ptr_array_add(list->selected, u);
    }
  }
  /* The random control sample is drawn first, uniformly from every unit not targeted, so its
   * hit rate stays an unbiased baseline; exploration takes from what is left. Both are listed
   * after the targeted picks, explore first. */
  GArray *random = draw(units, random_slots, seed ^ 0x5bd1e9955bd1e995ULL, cmp_draw);
  for (guint i = 0; i < random->len; i++)
    g_array_index(random, Draw, i).unit->selection = BR_SEL_RANDOM;
  list->explore =
      add_picks(list, units, draw(units, explore_slots, seed ^ 0x9e3779b97f4a7c15ULL, cmp_explore),
                BR_SEL_EXPLORE);
  list->random = add_picks(list, units, random, BR_SEL_RANDOM);
  g_ptr_array_free(red, TRUE);
}

GPtrArray *
br_rank_select(BrUnitTable *table, const BrPack *pack, guint64 seed)
{
  GPtrArray *all = br_unit_table_all(table);
  GPtrArray *lists = br_rank_select_units(all, pack, seed);
  g_ptr_array_free(all, TRUE);
  return lists;
}

GPtrArray *
br_rank_select_units(GPtrArray *all, const BrPack *pack, guint64 seed)
{
  const BrPackSettings *s = br_pack_settings(pack);
  GHashTable *ports = group_by_port(all);
  guint nports = 0;
  gpointer *names = g_hash_table_get_keys_as_array(ports, &nports);
  qsort(names, nports, sizeof *names, cmp_str);
  GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_port_list_free);
  for (guint p = 0; p < nports; p++) {
    const char *port = names[p];
    GPtrArray *units = g_hash_table_lookup(ports, port);
    BrPortList *list = g_new0(BrPortList, 1);
    list->port = g_strdup(port);
    list->capacity = br_pack_capacity(pack, port);
    list->units = units->len;
    list->selected = g_ptr_array_new();
    select_port(list, units, s, seed);
    g_ptr_array_add(lists, list);
  }
  g_free(names);
  g_hash_table_destroy(ports);
  return lists;
}

void
br_port_list_free(BrPortList *list)
{
  if (!list)
    return;
  g_free(list->port);
  g_ptr_array_free(list->selected, TRUE);
  g_free(list);
}
