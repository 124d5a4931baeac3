#include "br_rank.h"

#include <stdlib.h>
#include <string.h>

/* Selection in one pass over a run's units, in any order, holding per port only the units
 * that can still be listed (bench/README.md, "Memory"):
 * - targeted: the red units that come first by rank, at most the targeted slots;
 * - random: the units with the smallest draw keys. The draw takes the `random` smallest keys
 *   among the units not targeted, and at most `targeted` units are, so it is always among the
 *   targeted + random smallest;
 * - explore: likewise the `capacity` first by uncertainty, then key, since the explore draw
 *   takes from what neither of the others took.
 * A random or explore pick's rank counts every unit of its port that ranks before it, so it
 * is counted in a second pass (br_rank_stream_count), once the picks are known. */

static const guint64 RANDOM_STREAM = 0x5bd1e9955bd1e995ULL;
static const guint64 EXPLORE_STREAM = 0x9e3779b97f4a7c15ULL;

static BrLane
lane_of(const BrPackSettings *s, double score)
{
  if (score >= s->lane_red)
    return BR_LANE_RED;
  if (score >= s->lane_yellow)
    return BR_LANE_YELLOW;
  return BR_LANE_GREEN;
}

/* A unit kept as a candidate, in one to three of its port's sets. */
typedef struct {
  BrUnit *unit; /* the unit given, or a copy of it (BrRankStream.copy) */
  guint64 random_key, explore_key;
  guint refs;
} Cand;

/* A set bounded to `max` candidates, as a binary heap whose root is the one that would leave
 * first. */
typedef struct {
  Cand **at;
  guint len, max;
  gint (*cmp)(const Cand *, const Cand *); /* < 0: a comes before b in the draw */
} Bounded;

typedef struct {
  BrPortList *list;
  guint targeted_slots, random_slots, explore_slots;
  Bounded red, random, explore;
  GPtrArray *picks; /* Cand* drawn at random or explored, by rank: their ranks are counted */
  guint *before;    /* per pick: units of the port counted just before it and after the one
                     * before it (br_rank_stream_count) */
} PortState;

struct BrRankStream {
  const BrPack *pack;
  const BrPackSettings *settings;
  guint64 seed;
  gboolean copy;
  GHashTable *ports; /* port code -> PortState* */
  PortState *last;   /* the port of the unit before: units come grouped by port */
  guint64 units;
};

/* Rank order of a unit known by its parts (the tie-break computed only when needed) against a
 * candidate. */
typedef struct {
  const char *port, *unit;
  double score;
  guint64 tiebreak;
  gboolean has_tiebreak;
} Probe;

static gint
cmp_rank_probe(Probe *p, const BrUnit *b, guint64 seed)
{
  if (p->score != b->score)
    return p->score > b->score ? -1 : 1;
  if (!p->has_tiebreak) {
    p->tiebreak = br_unit_hash(p->port, p->unit, seed);
    p->has_tiebreak = TRUE;
  }
  if (p->tiebreak != b->tiebreak)
    return p->tiebreak < b->tiebreak ? -1 : 1;
  return strcmp(p->unit, b->unit);
}

static gint
cmp_rank_cand(const Cand *a, const Cand *b)
{
  return br_unit_cmp_rank(&a->unit, &b->unit);
}

static gint
cmp_random_cand(const Cand *a, const Cand *b)
{
  if (a->random_key != b->random_key)
    return a->random_key < b->random_key ? -1 : 1;
  return strcmp(a->unit->unit, b->unit->unit);
}

static gint
cmp_explore_cand(const Cand *a, const Cand *b)
{
  if (a->unit->uncertainty != b->unit->uncertainty)
    return a->unit->uncertainty > b->unit->uncertainty ? -1 : 1;
  if (a->explore_key != b->explore_key)
    return a->explore_key < b->explore_key ? -1 : 1;
  return strcmp(a->unit->unit, b->unit->unit);
}

static void
bounded_init(Bounded *b, guint max, gint (*cmp)(const Cand *, const Cand *))
{
  b->max = max;
  b->cmp = cmp;
  b->at = g_new(Cand *, MAX(max, 1));
}

static void
cand_release(BrRankStream *rs, Cand *c)
{
  if (--c->refs)
    return;
  if (rs->copy)
    br_unit_free(c->unit);
  g_free(c);
}

static void
bounded_sift_down(Bounded *b, guint i)
{
  for (;;) {
    guint l = 2 * i + 1, r = l + 1, m = i;
    if (l < b->len && b->cmp(b->at[l], b->at[m]) > 0)
      m = l;
    if (r < b->len && b->cmp(b->at[r], b->at[m]) > 0)
      m = r;
    if (m == i)
      return;
    Cand *t = b->at[i];
    b->at[i] = b->at[m];
    b->at[m] = t;
    i = m;
  }
}

/* Adds c (which the caller made sure belongs: the set has room, or c comes before its root). */
static void
bounded_add(BrRankStream *rs, Bounded *b, Cand *c)
{
  c->refs++;
  if (b->len == b->max) {
    cand_release(rs, b->at[0]);
    b->at[0] = c;
    bounded_sift_down(b, 0);
    return;
  }
  guint i = b->len++;
  b->at[i] = c;
  while (i > 0 && b->cmp(b->at[(i - 1) / 2], b->at[i]) < 0) {
    Cand *t = b->at[i];
    b->at[i] = b->at[(i - 1) / 2];
    b->at[(i - 1) / 2] = t;
    i = (i - 1) / 2;
  }
}

static gint
cmp_in(gconstpointer a, gconstpointer b, gpointer set)
{
  return ((const Bounded *)set)->cmp(*(Cand *const *)a, *(Cand *const *)b);
}

/* The set's candidates in draw order, the first to be drawn first. */
static void
bounded_sort(Bounded *b)
{
  g_qsort_with_data(b->at, (gint)b->len, sizeof *b->at, cmp_in, b);
}

static void
bounded_clear(BrRankStream *rs, Bounded *b)
{
  for (guint i = 0; i < b->len; i++)
    cand_release(rs, b->at[i]);
  g_free(b->at);
}

static PortState *
port_state(BrRankStream *rs, const char *port)
{
  if (rs->last && strcmp(rs->last->list->port, port) == 0)
    return rs->last;
  PortState *ps = g_hash_table_lookup(rs->ports, port);
  if (!ps) {
    ps = g_new0(PortState, 1);
    BrPortList *list = ps->list = g_new0(BrPortList, 1);
    list->port = g_strdup(port);
    list->capacity = br_pack_capacity(rs->pack, port);
    list->selected =
        rs->copy ? g_ptr_array_new_with_free_func((GDestroyNotify)br_unit_free) : g_ptr_array_new();
    const BrPackSettings *s = rs->settings;
    ps->random_slots = MIN((guint)(list->capacity * s->random_share + 0.5), list->capacity);
    ps->explore_slots =
        MIN((guint)(list->capacity * s->explore_share + 0.5), list->capacity - ps->random_slots);
    ps->targeted_slots = list->capacity - ps->random_slots - ps->explore_slots;
    bounded_init(&ps->red, ps->targeted_slots, cmp_rank_cand);
    bounded_init(&ps->random, ps->targeted_slots + ps->random_slots, cmp_random_cand);
    bounded_init(&ps->explore, list->capacity, cmp_explore_cand);
    g_hash_table_insert(rs->ports, list->port, ps);
  }
  rs->last = ps;
  return ps;
}

BrRankStream *
br_rank_stream_new(const BrPack *pack, guint64 seed, gboolean copy)
{
  BrRankStream *rs = g_new0(BrRankStream, 1);
  rs->pack = pack;
  rs->settings = br_pack_settings(pack);
  rs->seed = seed;
  rs->copy = copy;
  rs->ports = g_hash_table_new(g_str_hash, g_str_equal);
  return rs;
}

void
br_rank_stream_add(BrRankStream *rs, const BrUnit *u)
{
  PortState *ps = port_state(rs, u->port);
  BrPortList *list = ps->list;
  rs->units++;
  list->units++;
  BrLane lane = lane_of(rs->settings, u->score);
  list->red += lane == BR_LANE_RED;
  list->yellow += lane == BR_LANE_YELLOW;
  list->green += lane == BR_LANE_GREEN;
  Probe p = {u->port, u->unit, u->score, 0, FALSE};
  gboolean to_red =
      lane == BR_LANE_RED && ps->red.max > 0 &&
      (ps->red.len < ps->red.max || cmp_rank_probe(&p, ps->red.at[0]->unit, rs->seed) < 0);
  /* The draw keys are hashed only for a unit that can still get in. */
  Cand probe = {.unit = (BrUnit *)u};
  gboolean to_random = FALSE, to_explore = FALSE;
  if (ps->random_slots > 0) {
    probe.random_key = br_unit_hash(u->port, u->unit, rs->seed ^ RANDOM_STREAM);
    to_random = ps->random.len < ps->random.max || cmp_random_cand(&probe, ps->random.at[0]) < 0;
  }
  if (ps->explore.max > 0 && ps->explore_slots > 0 &&
      (ps->explore.len < ps->explore.max ||
       u->uncertainty >= ps->explore.at[0]->unit->uncertainty)) {
    probe.explore_key = br_unit_hash(u->port, u->unit, rs->seed ^ EXPLORE_STREAM);
    to_explore =
        ps->explore.len < ps->explore.max || cmp_explore_cand(&probe, ps->explore.at[0]) < 0;
  }
  if (!to_red && !to_random && !to_explore)
    return;
  Cand *c = g_new0(Cand, 1);
  *c = probe;
  c->unit = rs->copy ? br_unit_copy(u) : (BrUnit *)u;
  c->unit->tiebreak = p.has_tiebreak ? p.tiebreak : br_unit_hash(u->port, u->unit, rs->seed);
  c->unit->lane = lane;
  c->unit->selection = BR_SEL_NONE;
  c->unit->rank = 0;
  c->refs = 1;
  if (to_red)
    bounded_add(rs, &ps->red, c);
  if (to_random)
    bounded_add(rs, &ps->random, c);
  if (to_explore)
    bounded_add(rs, &ps->explore, c);
  cand_release(rs, c);
}

static gint
cmp_rank_ptr(gconstpointer a, gconstpointer b)
{
  return cmp_rank_cand(*(Cand *const *)a, *(Cand *const *)b);
}

/* Takes from the set, in draw order, up to want candidates not yet picked, as picks of kind
 * sel. */
static guint
draw_from(PortState *ps, Bounded *set, guint want, BrSelection sel)
{
  bounded_sort(set);
  guint n = 0;
  for (guint i = 0; i < set->len && n < want; i++) {
    Cand *c = set->at[i];
    if (c->unit->selection != BR_SEL_NONE)
      continue;
    c->unit->selection = sel;
    g_ptr_array_add(ps->picks, c);
    n++;
  }
  return n;
}

gboolean
br_rank_stream_draw(BrRankStream *rs)
{
  gboolean counting = FALSE;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, rs->ports);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    PortState *ps = value;
    bounded_sort(&ps->red);
    for (guint i = 0; i < ps->red.len; i++) {
      BrUnit *u = ps->red.at[i]->unit;
      u->selection = BR_SEL_TARGETED;
      u->rank = i + 1;
    }
    ps->list->targeted = ps->red.len;
    /* The random control sample is drawn first, uniformly from every unit not targeted, so
     * its hit rate stays an unbiased baseline; exploration takes from what is left. */
    ps->picks = g_ptr_array_new();
    ps->list->random = draw_from(ps, &ps->random, ps->random_slots, BR_SEL_RANDOM);
    ps->list->explore = draw_from(ps, &ps->explore, ps->explore_slots, BR_SEL_EXPLORE);
    g_ptr_array_sort(ps->picks, cmp_rank_ptr);
    ps->before = g_new0(guint, ps->picks->len + 1);
    counting |= ps->picks->len > 0;
  }
  return counting;
}

void
br_rank_stream_count(BrRankStream *rs, const BrUnit *u)
{
  PortState *ps = port_state(rs, u->port);
  guint n = ps->picks->len;
  if (n == 0)
    return;
  /* The first pick that u ranks before: u ranks before every pick from there on. */
  Probe p = {u->port, u->unit, u->score, 0, FALSE};
  guint lo = 0, hi = n;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (cmp_rank_probe(&p, ((Cand *)g_ptr_array_index(ps->picks, mid))->unit, rs->seed) < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  ps->before[lo]++;
}

guint64
br_rank_stream_units(const BrRankStream *rs)
{
  return rs->units;
}

/* The port's list: targeted picks by rank, then explore picks, then random picks, each by
 * rank. */
static void
port_finish(BrRankStream *rs, PortState *ps)
{
  BrPortList *list = ps->list;
  /* A stream given up before its draw (a damaged partial) selects nothing, but still frees. */
  if (!ps->picks)
    ps->picks = g_ptr_array_new();
  guint before = 0;
  for (guint i = 0; i < ps->picks->len; i++) {
    before += ps->before[i];
    ((Cand *)g_ptr_array_index(ps->picks, i))->unit->rank = before + 1;
  }
  BrSelection order[] = {BR_SEL_TARGETED, BR_SEL_EXPLORE, BR_SEL_RANDOM};
  for (guint k = 0; k < G_N_ELEMENTS(order); k++) {
    GPtrArray *from = k == 0 ? NULL : ps->picks;
    guint n = from ? from->len : ps->red.len;
    for (guint i = 0; i < n; i++) {
      Cand *c = from ? g_ptr_array_index(from, i) : ps->red.at[i];
      if (!c->unit || c->unit->selection != order[k])
        continue;
      g_ptr_array_add(list->selected, c->unit);
      /* A copy is the list's now. */
      if (rs->copy)
        c->unit = NULL;
    }
  }
  g_ptr_array_free(ps->picks, TRUE);
  g_free(ps->before);
  bounded_clear(rs, &ps->red);
  bounded_clear(rs, &ps->random);
  bounded_clear(rs, &ps->explore);
}

static gint
cmp_list_port(gconstpointer a, gconstpointer b)
{
  return strcmp((*(BrPortList *const *)a)->port, (*(BrPortList *const *)b)->port);
}

GPtrArray *
br_rank_stream_finish(BrRankStream *rs)
{
  GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_port_list_free);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, rs->ports);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    PortState *ps = value;
    port_finish(rs, ps);
    g_ptr_array_add(lists, ps->list);
    g_free(ps);
  }
  g_ptr_array_sort(lists, cmp_list_port);
  g_hash_table_destroy(rs->ports);
  g_free(rs);
  return lists;
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
br_rank_select_units(GPtrArray *units, const BrPack *pack, guint64 seed)
{
  BrRankStream *rs = br_rank_stream_new(pack, seed, FALSE);
  for (guint i = 0; i < units->len; i++)
    br_rank_stream_add(rs, g_ptr_array_index(units, i));
  if (br_rank_stream_draw(rs))
    for (guint i = 0; i < units->len; i++)
      br_rank_stream_count(rs, g_ptr_array_index(units, i));
  return br_rank_stream_finish(rs);
}

GPtrArray *
br_rank_select_runs(BrUnitRuns *runs, const BrPack *pack, guint64 seed, guint64 *units,
                    GError **error)
{
  BrRankStream *rs = br_rank_stream_new(pack, seed, TRUE);
  const BrUnit *u;
  GError *err = NULL;
  gboolean ok = br_unit_runs_rewind(runs, FALSE, &err);
  while (ok && (u = br_unit_runs_next(runs, &err)))
    br_rank_stream_add(rs, u);
  ok = ok && !err;
  *units = br_rank_stream_units(rs);
  if (ok && br_rank_stream_draw(rs)) {
    ok = br_unit_runs_rewind(runs, TRUE, &err);
    while (ok && (u = br_unit_runs_next(runs, &err)))
      br_rank_stream_count(rs, u);
    ok = ok && !err;
  }
  GPtrArray *lists = br_rank_stream_finish(rs);
  if (!ok) {
    g_propagate_error(error, err);
    g_ptr_array_free(lists, TRUE);
    return NULL;
  }
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
