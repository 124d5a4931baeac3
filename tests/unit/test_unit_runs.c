/* Sorted runs and the k-way merge (br_unit_runs.h), and selection over a stream of units
 * (br_rank.h): units cut into runs in memory and on disk, more runs than are read at once,
 * merge back into the units of one table; the bounded per-port sets pick what a full sort of
 * every port picks. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_output.h"
#include "br_rank.h"
#include "br_unit_runs.h"

static char *tmp;

/* Capacity 6: 3 targeted, 2 random, 1 explore; IQBSR has room for 2 (1 targeted, 1 random). */
static BrPack *
load_pack(void)
{
  GError *error = NULL;
  char *ini = g_build_filename(tmp, "pack.ini", NULL);
  char *lua = g_build_filename(tmp, "r.lua", NULL);
  g_file_set_contents(ini,
                      "[pack]\nname = t\n[lanes]\nred = 50\nyellow = 20\n"
                      "[capacity]\ndefault = 6\nIQBSR = 2\n[random]\nshare = 0.34\n"
                      "[explore]\nshare = 0.17\n",
                      -1, &error);
  g_assert_no_error(error);
  g_file_set_contents(lua,
                      "rule { id = 'A', title = 'a', weight = 30, when = present('container') }\n"
                      "rule { id = 'B', title = 'b', weight = 25, when = present('bol') }\n"
                      "rule { id = 'C', title = 'c', weight = 5, when = present('seal') }\n",
                      -1, &error);
  g_assert_no_error(error);
  BrPack *pack = br_pack_load(tmp, &error);
  g_assert_no_error(error);
  g_unlink(ini);
  g_unlink(lua);
  g_free(ini);
  g_free(lua);
  return pack;
}

/* Line i of a made-up day: 900 units over three ports, scores and uncertainties from short
 * lists so that many tie, rules and reasons varying by line. */
static void
add_line(BrUnitTable *t, GRand *rand, guint i)
{
  static const char *ports[] = {"IQUQR", "IQBSR", "IQKAZ"};
  static const double scores[] = {0, 0, 0, 20, 30, 45, 55, 60, 75};
  static const double uncertain[] = {0, 0, 0.01, 0.2};
  static const char *texts[] = {"weighs 10 kg", "from EC", "seal changed", "value low"};
  guint n = (guint)g_rand_int_range(rand, 0, 900);
  char unit[16], record[16];
  g_snprintf(unit, sizeof unit, "MSCU%07u", n * 7919 % 1000003);
  g_snprintf(record, sizeof record, "L%05u", i);
  guint fired[3], nf = 0;
  const char *reasons[3];
  for (guint k = 0; k < 3; k++)
    if (g_rand_int_range(rand, 0, 3) == 0) {
      fired[nf] = k;
      reasons[nf++] = texts[g_rand_int_range(rand, 0, 4)];
    }
  BrLineResult line = {.score = scores[g_rand_int_range(rand, 0, G_N_ELEMENTS(scores))],
                       .uncertainty = uncertain[g_rand_int_range(rand, 0, 4)],
                       .nfired = nf,
                       .fired = fired,
                       .reasons = reasons};
  br_unit_table_add(t, ports[n % 3], unit, record, i, &line);
}

/* The same line into the whole table and into part. */
static void
add_line_twice(BrUnitTable *whole, BrUnitTable *part, GRand *rand, guint i)
{
  guint32 state = g_rand_int(rand);
  GRand *same = g_rand_new_with_seed(state);
  add_line(whole, same, i);
  g_rand_free(same);
  same = g_rand_new_with_seed(state);
  add_line(part, same, i);
  g_rand_free(same);
}

static char *
reasons_text(const BrUnit *u, const BrPack *pack)
{
  GArray *reasons = br_unit_reasons(u, pack);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < reasons->len; i++)
    br_reason_format(s, &g_array_index(reasons, BrReason, i), pack);
  g_array_free(reasons, TRUE);
  return g_string_free(s, FALSE);
}

/* The merge gives every unit of whole, complete, in key order; a second pass the same. */
static void
check_merge(BrUnitRuns *runs, BrUnitTable *whole, const BrPack *pack)
{
  GPtrArray *want = br_unit_table_sorted(whole);
  GError *error = NULL;
  for (guint pass = 0; pass < 2; pass++) {
    g_assert_true(br_unit_runs_rewind(runs, pass == 1, &error));
    guint i = 0;
    const BrUnit *got;
    while ((got = br_unit_runs_next(runs, &error))) {
      g_assert_cmpuint(i, <, want->len);
      const BrUnit *u = want->pdata[i++];
      g_assert_cmpstr(got->port, ==, u->port);
      g_assert_cmpstr(got->unit, ==, u->unit);
      g_assert_cmpfloat(got->score, ==, u->score);
      if (pass == 1)
        continue;
      g_assert_cmpuint(got->nlines, ==, u->nlines);
      g_assert_cmpfloat(got->uncertainty, ==, u->uncertainty);
      g_assert_cmpstr(got->record, ==, u->record);
      g_assert_cmpuint(got->fired ? got->fired->len : 0, ==, u->fired ? u->fired->len : 0);
      char *a = reasons_text(got, pack), *b = reasons_text(u, pack);
      g_assert_cmpstr(a, ==, b);
      g_free(a);
      g_free(b);
    }
    g_assert_no_error(error);
    g_assert_cmpuint(i, ==, want->len);
  }
  g_ptr_array_free(want, TRUE);
}

static gboolean
dir_empty(const char *path)
{
  GDir *d = g_dir_open(path, 0, NULL);
  gboolean empty = g_dir_read_name(d) == NULL;
  g_dir_close(d);
  return empty;
}

/* Lines dealt over tables at random: some kept in memory, some spilled (and filled again
 * after), so that most units have pieces in several runs of both kinds. */
static void
test_merge(void)
{
  BrPack *pack = load_pack();
  GRand *rand = g_rand_new_with_seed(3);
  BrUnitTable *whole = br_unit_table_new(pack);
  BrUnitTable *parts[5];
  for (guint k = 0; k < 5; k++)
    parts[k] = br_unit_table_new(pack);
  BrUnitRuns *runs = br_unit_runs_new(pack, tmp);
  GError *error = NULL;
  for (guint i = 0; i < 4000; i++) {
    add_line_twice(whole, parts[g_rand_int_range(rand, 0, 5)], rand, i);
    if (i % 1000 == 999)
      g_assert_true(br_unit_runs_spill(runs, parts[i / 1000], &error));
  }
  g_assert_no_error(error);
  g_assert_cmpuint(br_unit_runs_spilled(runs), ==, 4);
  for (guint k = 0; k < 5; k++)
    br_unit_runs_add_table(runs, parts[k]);
  check_merge(runs, whole, pack);
  br_unit_runs_free(runs);
  g_assert_true(dir_empty(tmp));
  br_unit_table_free(whole);
  g_rand_free(rand);
  br_pack_free(pack);
}

/* More runs on disk than are read at once are merged into fewer first, with the same result. */
static void
test_fan_in(void)
{
  BrPack *pack = load_pack();
  GRand *rand = g_rand_new_with_seed(5);
  BrUnitTable *whole = br_unit_table_new(pack), *part = br_unit_table_new(pack);
  BrUnitRuns *runs = br_unit_runs_new(pack, tmp);
  GError *error = NULL;
  for (guint i = 0; i < 3000; i++) {
    add_line_twice(whole, part, rand, i);
    if (i % 20 == 19)
      g_assert_true(br_unit_runs_spill(runs, part, &error));
  }
  g_assert_cmpuint(br_unit_runs_spilled(runs), ==, 150);
  br_unit_table_free(part);
  check_merge(runs, whole, pack);
  br_unit_runs_free(runs);
  g_assert_true(dir_empty(tmp));
  br_unit_table_free(whole);
  g_rand_free(rand);
  br_pack_free(pack);
}

/* What a full sort of every port picks, written out plainly: rank every unit, target the
 * first red ones, draw at random among the rest by the random stream's keys, then explore by
 * uncertainty among what is left; ranks are places in the full sort. The streams' seeds are
 * br_rank.c's. */
typedef struct {
  BrUnit *u;
  guint64 key;
} Keyed;

static gint
cmp_random(gconstpointer a, gconstpointer b)
{
  const Keyed *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return strcmp(x->u->unit, y->u->unit);
}

static gint
cmp_explore(gconstpointer a, gconstpointer b)
{
  const Keyed *x = a, *y = b;
  if (x->u->uncertainty != y->u->uncertainty)
    return x->u->uncertainty > y->u->uncertainty ? -1 : 1;
  return cmp_random(a, b);
}

static GString *
full_sort_picks(BrUnitTable *t, const BrPack *pack, const char *port, guint64 seed)
{
  GPtrArray *units = br_unit_table_port_units(t, port); /* needs tiebreaks: set first */
  for (guint i = 0; i < units->len; i++) {
    BrUnit *u = units->pdata[i];
    u->tiebreak = br_unit_hash(u->port, u->unit, seed);
  }
  g_ptr_array_sort(units, br_unit_cmp_rank);
  const BrPackSettings *s = br_pack_settings(pack);
  guint cap = br_pack_capacity(pack, port);
  guint nrandom = MIN((guint)(cap * s->random_share + 0.5), cap);
  guint nexplore = MIN((guint)(cap * s->explore_share + 0.5), cap - nrandom);
  guint ntarget = cap - nrandom - nexplore;
  GArray *kind = g_array_new(FALSE, TRUE, sizeof(gint));
  g_array_set_size(kind, units->len);
  for (guint i = 0, n = 0; i < units->len && n < ntarget; i++)
    if (((BrUnit *)units->pdata[i])->score >= s->lane_red) {
      g_array_index(kind, gint, i) = BR_SEL_TARGETED;
      n++;
    }
  guint64 streams[] = {seed ^ 0x5bd1e9955bd1e995ULL, seed ^ 0x9e3779b97f4a7c15ULL};
  for (guint d = 0; d < 2; d++) {
    GArray *pool = g_array_new(FALSE, FALSE, sizeof(Keyed));
    for (guint i = 0; i < units->len; i++) {
      BrUnit *u = units->pdata[i];
      u->rank = i; /* its place, to mark it below */
      Keyed k = {u, br_unit_hash(u->port, u->unit, streams[d])};
      if (g_array_index(kind, gint, i) == BR_SEL_NONE)
        g_array_append_val(pool, k);
    }
    g_array_sort(pool, d == 0 ? cmp_random : cmp_explore);
    for (guint i = 0; i < MIN(pool->len, d == 0 ? nrandom : nexplore); i++)
      g_array_index(kind, gint, g_array_index(pool, Keyed, i).u->rank) =
          d == 0 ? BR_SEL_RANDOM : BR_SEL_EXPLORE;
    g_array_free(pool, TRUE);
  }
  GString *out = g_string_new(NULL);
  gint order[] = {BR_SEL_TARGETED, BR_SEL_EXPLORE, BR_SEL_RANDOM};
  for (guint k = 0; k < 3; k++)
    for (guint i = 0; i < units->len; i++)
      if (g_array_index(kind, gint, i) == order[k])
        g_string_append_printf(out, "%s %s %u\n", ((BrUnit *)units->pdata[i])->unit,
                               br_selection_name(order[k]), i + 1);
  g_array_free(kind, TRUE);
  g_ptr_array_free(units, TRUE);
  return out;
}

static GString *
list_picks(const BrPortList *l)
{
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < l->selected->len; i++) {
    const BrUnit *u = l->selected->pdata[i];
    g_string_append_printf(out, "%s %s %u\n", u->unit, br_selection_name(u->selection), u->rank);
  }
  return out;
}

static void
test_stream_matches_full_sort(void)
{
  BrPack *pack = load_pack();
  for (guint64 seed = 1; seed <= 20; seed++) {
    GRand *rand = g_rand_new_with_seed((guint32)seed);
    BrUnitTable *whole = br_unit_table_new(pack), *a = br_unit_table_new(pack),
                *b = br_unit_table_new(pack);
    for (guint i = 0; i < 2500; i++) {
      add_line_twice(whole, i % 2 ? a : b, rand, i);
    }
    BrUnitRuns *runs = br_unit_runs_new(pack, tmp);
    GError *error = NULL;
    g_assert_true(br_unit_runs_spill(runs, a, &error));
    br_unit_runs_add_table(runs, a);
    br_unit_runs_add_table(runs, b);
    guint64 units = 0;
    GPtrArray *streamed = br_rank_select_runs(runs, pack, seed, &units, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(units, ==, br_unit_table_size(whole));
    GPtrArray *in_memory = br_rank_select(whole, pack, seed);
    g_assert_cmpuint(streamed->len, ==, 3);
    guint random = 0, explore = 0;
    for (guint p = 0; p < streamed->len; p++) {
      const BrPortList *l = streamed->pdata[p], *m = in_memory->pdata[p];
      g_assert_cmpuint(l->units, ==, m->units);
      g_assert_cmpuint(l->red, ==, m->red);
      g_assert_cmpuint(l->yellow, ==, m->yellow);
      random += l->random;
      explore += l->explore;
      GString *got = list_picks(l), *mem = list_picks(m);
      GString *want = full_sort_picks(whole, pack, l->port, seed);
      g_assert_cmpstr(got->str, ==, want->str);
      g_assert_cmpstr(mem->str, ==, want->str);
      g_string_free(got, TRUE);
      g_string_free(mem, TRUE);
      g_string_free(want, TRUE);
    }
    g_assert_cmpuint(random, ==, 5);
    g_assert_cmpuint(explore, ==, 2);
    g_ptr_array_free(streamed, TRUE);
    g_ptr_array_free(in_memory, TRUE);
    br_unit_runs_free(runs);
    br_unit_table_free(whole);
    g_rand_free(rand);
  }
  br_pack_free(pack);
}

/* A stream given up before its draw (a damaged partial found in the middle of a merge) still
 * finishes and frees: its lists select nothing. fuzz_partial found the finish reading picks
 * that only the draw makes. */
static void
test_stream_abandoned(void)
{
  BrPack *pack = load_pack();
  GRand *rand = g_rand_new_with_seed(7);
  BrUnitTable *whole = br_unit_table_new(pack), *part = br_unit_table_new(pack);
  for (guint i = 0; i < 50; i++)
    add_line_twice(whole, part, rand, i);
  BrRankStream *rs = br_rank_stream_new(pack, 1, TRUE);
  GPtrArray *all = br_unit_table_all(whole);
  for (guint i = 0; i < all->len; i++)
    br_rank_stream_add(rs, all->pdata[i]);
  GPtrArray *lists = br_rank_stream_finish(rs);
  g_assert_cmpuint(lists->len, >, 0);
  for (guint p = 0; p < lists->len; p++)
    g_assert_cmpuint(((const BrPortList *)lists->pdata[p])->selected->len, ==, 0);
  g_ptr_array_free(lists, TRUE);
  g_ptr_array_free(all, TRUE);
  br_unit_table_free(part);
  br_unit_table_free(whole);
  g_rand_free(rand);
  br_pack_free(pack);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  tmp = g_dir_make_tmp("br-runs-XXXXXX", NULL);
  g_test_add_func("/unit_runs/merge", test_merge);
  g_test_add_func("/unit_runs/fan_in", test_fan_in);
  g_test_add_func("/unit_runs/stream_matches_full_sort", test_stream_matches_full_sort);
  g_test_add_func("/unit_runs/stream_abandoned", test_stream_abandoned);
  int status = g_test_run();
  g_rmdir(tmp);
  g_free(tmp);
  return status;
}
