/* Amendment resolution: the latest version of a key by order wins, whatever order the
 * versions come in; a deletion as the latest version drops every version; keys seen once
 * leave nothing to do; a replacing or cancelling message acts on its whole B/L, a change or a
 * deletion of a line on that line only. */
#include <glib.h>

#include "br_amend.h"

static void
act(GArray *v, const char *bol, const char *box, guint input, guint64 line, const char *action,
    const char *message)
{
  BrLineVersion x;
  g_assert_true(br_amend_version(&x, bol, box, NULL, action, message, BR_AMEND_ORDER(input, line)));
  g_array_append_val(v, x);
}

static void
add(GArray *v, const char *bol, const char *box, const char *record, guint input, guint64 line,
    gboolean deleted)
{
  BrLineVersion x;
  g_assert_true(br_amend_version(&x, bol, box, record, deleted ? "delete" : NULL, NULL,
                                 BR_AMEND_ORDER(input, line)));
  g_array_append_val(v, x);
}

static void
test_resolve(void)
{
  GArray *v = g_array_new(FALSE, FALSE, sizeof(BrLineVersion));
  /* Appended out of order, as workers finish: file 1 line 3 is later than file 0 line 9. */
  add(v, "B1", "C1", "L1", 1, 3, FALSE);
  add(v, "B1", "C1", "L1", 0, 9, FALSE);
  add(v, "B1", "C1", "L2", 0, 10, FALSE); /* another goods line of the same box: no version */
  add(v, "B2", NULL, NULL, 0, 11, FALSE);
  add(v, "B2", NULL, NULL, 1, 4, TRUE);
  add(v, "B3", "C3", NULL, 0, 12, FALSE);
  BrAmendments *a = br_amendments_resolve(v);
  g_assert_nonnull(a);
  g_assert_true(br_amendments_skip(a, BR_AMEND_ORDER(0, 9)));
  g_assert_false(br_amendments_skip(a, BR_AMEND_ORDER(1, 3)));
  g_assert_true(br_amendments_amended(a, BR_AMEND_ORDER(1, 3)));
  g_assert_false(br_amendments_skip(a, BR_AMEND_ORDER(0, 10)));
  g_assert_false(br_amendments_amended(a, BR_AMEND_ORDER(0, 10)));
  g_assert_true(br_amendments_skip(a, BR_AMEND_ORDER(0, 11)));
  g_assert_true(br_amendments_skip(a, BR_AMEND_ORDER(1, 4)));
  g_assert_false(br_amendments_skip(a, BR_AMEND_ORDER(0, 12)));
  g_assert_cmpuint(br_amendments_keys_amended(a), ==, 1);
  g_assert_cmpuint(br_amendments_keys_deleted(a), ==, 1);
  g_assert_cmpuint(br_amendments_lines_dropped(a), ==, 3);
  br_amendments_free(a);
  g_array_free(v, TRUE);

  v = g_array_new(FALSE, FALSE, sizeof(BrLineVersion));
  add(v, "B1", "C1", NULL, 0, 1, FALSE);
  add(v, "B1", "C2", NULL, 0, 2, FALSE);
  g_assert_null(br_amendments_resolve(v));
  g_array_free(v, TRUE);

  guint64 k[2];
  g_assert_false(br_amend_key(NULL, "C1", NULL, k));
  g_assert_false(br_amend_key("", "C1", NULL, k));
}

/* UN/EDIFACT 1225 5 (replace), 4 (change), 3 (deletion), 1 (cancellation); X12 M13 and an
 * updating manifest; a CSV action column: docs/profiles.md, Amendments. */
static void
test_bol_scope(void)
{
  GArray *v = g_array_new(FALSE, FALSE, sizeof(BrLineVersion));
  /* A replacement of B1 gives C1 and C3 again: C2, left out, is dropped. */
  act(v, "B1", "C1", 0, 1, "original", "m1");
  act(v, "B1", "C2", 0, 2, "original", "m1");
  act(v, "B1", "C3", 0, 3, "original", "m1");
  act(v, "B1", "C1", 1, 1, "replace", "m7");
  act(v, "B1", "C3", 1, 2, "replace", "m7");
  /* A change of B2's C1 leaves C2 as it was. */
  act(v, "B2", "C1", 0, 4, "original", "m2");
  act(v, "B2", "C2", 0, 5, "original", "m2");
  act(v, "B2", "C1", 1, 3, "change", "m8");
  /* Deleting B3's C1 leaves C2; a deletion of B4 without equipment deletes all of B4. */
  act(v, "B3", "C1", 0, 6, "original", "m3");
  act(v, "B3", "C2", 0, 7, "original", "m3");
  act(v, "B3", "C1", 1, 4, "delete", "m9");
  act(v, "B4", "C1", 0, 8, "original", "m4");
  act(v, "B4", "C2", 0, 9, "original", "m4");
  act(v, "B4", NULL, 1, 5, "delete", "m10");
  /* A cancellation of B5 drops what came before it, not what comes after. */
  act(v, "B5", "C1", 0, 10, "original", "m5");
  act(v, "B5", "C1", 1, 6, "cancel", "m11");
  act(v, "B5", "C2", 1, 7, "original", "m12");
  /* Two replacements: the later one is the whole B/L (C2 of the first is dropped). */
  act(v, "B6", "C1", 0, 11, "replace", "m6");
  act(v, "B6", "C2", 0, 12, "replace", "m6");
  act(v, "B6", "C1", 1, 8, "replace", "m13");
  /* CSV rows (no message): consecutive replacing rows of a B/L are one replacement. */
  act(v, "B7", "C1", 2, 1, NULL, NULL);
  act(v, "B7", "C2", 2, 2, NULL, NULL);
  act(v, "B7", "C1", 2, 5, "replace", NULL);
  act(v, "B7", "C2", 2, 6, "replace", NULL);
  act(v, "B7", "C1", 2, 9, "replace", NULL);

  BrAmendments *a = br_amendments_resolve(v);
  g_assert_nonnull(a);
  struct {
    guint input, line;
    gboolean skip, amended;
  } want[] = {
      {0, 1, TRUE, FALSE},  {0, 2, TRUE, FALSE},  {0, 3, TRUE, FALSE},  {1, 1, FALSE, TRUE},
      {1, 2, FALSE, TRUE},  {0, 4, TRUE, FALSE},  {0, 5, FALSE, FALSE}, {1, 3, FALSE, TRUE},
      {0, 6, TRUE, FALSE},  {0, 7, FALSE, FALSE}, {1, 4, TRUE, FALSE},  {0, 8, TRUE, FALSE},
      {0, 9, TRUE, FALSE},  {1, 5, TRUE, FALSE},  {0, 10, TRUE, FALSE}, {1, 6, TRUE, FALSE},
      {1, 7, FALSE, FALSE}, {0, 11, TRUE, FALSE}, {0, 12, TRUE, FALSE}, {1, 8, FALSE, TRUE},
      {2, 1, TRUE, FALSE},  {2, 2, TRUE, FALSE},  {2, 5, TRUE, FALSE},  {2, 6, TRUE, FALSE},
      {2, 9, FALSE, TRUE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    guint64 o = BR_AMEND_ORDER(want[i].input, want[i].line);
    if (br_amendments_skip(a, o) != want[i].skip || br_amendments_amended(a, o) != want[i].amended)
      g_error("line %u:%u: skip %d amended %d, want %d %d", want[i].input, want[i].line,
              br_amendments_skip(a, o), br_amendments_amended(a, o), want[i].skip, want[i].amended);
  }
  /* Replaced or changed: B1 C1, C3; B2 C1; B6 C1; B7 C1. Deleted: B1 C2, B3 C1, B4 C1, C2,
   * B4 without equipment, B5 C1, B6 C2, B7 C2. */
  g_assert_cmpuint(br_amendments_keys_amended(a), ==, 5);
  g_assert_cmpuint(br_amendments_keys_deleted(a), ==, 8);
  br_amendments_free(a);
  g_array_free(v, TRUE);
}

static gint
by_key_and_order(gconstpointer a, gconstpointer b)
{
  const BrLineVersion *x = a, *y = b;
  for (int i = 0; i < 2; i++)
    if (x->key[i] != y->key[i])
      return x->key[i] < y->key[i] ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static void
assert_same(const GArray *a, const GArray *b)
{
  g_assert_cmpuint(a->len, ==, b->len);
  g_assert_cmpmem(a->data, a->len * sizeof(BrLineVersion), b->data, b->len * sizeof(BrLineVersion));
}

/* The workers' bucket sort and the merge of their runs give what one sort of all the versions
 * gives: many B/Ls seen once or twice, and one line sent again and again (a bucket far over
 * the size insertion sort takes), in the scrambled order threads leave them in. */
static void
test_sort_merge(void)
{
  GArray *parts[2], *all = g_array_new(FALSE, FALSE, sizeof(BrLineVersion));
  GRand *rand = g_rand_new_with_seed(7);
  for (guint p = 0; p < 2; p++) {
    parts[p] = g_array_new(FALSE, FALSE, sizeof(BrLineVersion));
    for (guint i = 0; i < 20000; i++) {
      char bol[32], box[32];
      g_snprintf(bol, sizeof bol, "B%u", g_rand_int_range(rand, 0, 15000));
      g_snprintf(box, sizeof box, "C%u", g_rand_int_range(rand, 0, 3));
      guint64 line = (guint64)g_rand_int_range(rand, 1, 1 << 30);
      add(parts[p], i % 50 == 0 ? "AGAIN" : bol, box, NULL, p, line, FALSE);
    }
    g_array_append_vals(all, parts[p]->data, parts[p]->len);
    br_amend_sort(parts[p]);
  }
  g_array_sort(all, by_key_and_order);
  br_amend_merge(parts[0], parts[1]);
  assert_same(parts[0], all);

  /* Merging into an empty run, and an empty run into one. */
  GArray *none = g_array_new(FALSE, FALSE, sizeof(BrLineVersion));
  br_amend_merge(none, all);
  assert_same(none, all);
  g_array_set_size(parts[1], 0);
  br_amend_merge(none, parts[1]);
  assert_same(none, all);
  g_array_free(none, TRUE);
  for (guint p = 0; p < 2; p++)
    g_array_free(parts[p], TRUE);
  g_array_free(all, TRUE);
  g_rand_free(rand);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/amend/resolve", test_resolve);
  g_test_add_func("/amend/bol-scope", test_bol_scope);
  g_test_add_func("/amend/sort-merge", test_sort_merge);
  return g_test_run();
}
