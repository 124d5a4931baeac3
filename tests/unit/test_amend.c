/* Amendment resolution: the latest version of a key by order wins, whatever order the
 * versions come in; a deletion as the latest version drops every version; keys seen once
 * leave nothing to do. */
#include <glib.h>

#include "br_amend.h"

static void
add(GArray *v, const char *bol, const char *box, const char *record, guint input, guint64 line,
    gboolean deleted)
{
  BrLineVersion x = {.order = BR_AMEND_ORDER(input, line), .deleted = deleted};
  g_assert_true(br_amend_key(bol, box, record, x.key));
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

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/amend/resolve", test_resolve);
  return g_test_run();
}
