/* Reference tables: UN/LOCODE, HS and ISO 6346 size/type codes from ../shared/data/reference. */
#include "br_reference.h"

static void
test_lookups(void)
{
  const char *data = g_getenv("BR_SHARED_DATA");
  g_assert_nonnull(data);
  char *dir = g_build_filename(data, "reference", NULL);
  GError *error = NULL;
  BrReference *ref = br_reference_load(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_reference_count(ref, "locode"), >, 90000);
  g_assert_cmpuint(br_reference_count(ref, "hs"), >, 5000);
  g_assert_cmpuint(br_reference_count(ref, "size_type"), >, 500);

  g_assert_true(br_reference_locode(ref, "IQUQR", 5));
  g_assert_true(br_reference_locode(ref, "iq uqr", 6));
  g_assert_false(br_reference_locode(ref, "IQXXQ", 5));
  g_assert_false(br_reference_locode(ref, "IQ", 2));

  /* An HS code is known by its first 6 digits (or 4, or 2 when it is that short). */
  g_assert_true(br_reference_hs(ref, "8471.30.00", 10));
  g_assert_true(br_reference_hs(ref, "8471", 4));
  g_assert_true(br_reference_hs(ref, "84", 2));
  g_assert_false(br_reference_hs(ref, "8471.99", 7));
  g_assert_false(br_reference_hs(ref, "0000", 4));
  g_assert_false(br_reference_hs(ref, "8", 1));

  g_assert_true(br_reference_size_type(ref, "22G1", 4));
  g_assert_true(br_reference_size_type(ref, "45g1", 4));
  g_assert_false(br_reference_size_type(ref, "99Z9", 4));
  br_reference_free(ref);

  /* A folder without the tables is an error naming the file. */
  g_assert_null(br_reference_load(data, &error));
  g_assert_nonnull(error);
  g_assert_nonnull(g_strstr_len(error->message, -1, "unlocode.csv"));
  g_clear_error(&error);
  g_free(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/reference/lookups", test_lookups);
  return g_test_run();
}
