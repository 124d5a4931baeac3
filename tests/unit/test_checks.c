/* Check digits and HS code helpers, in C. (Their br.* bindings are tested in test_rules.) */
#include <string.h>

#include <glib.h>

#include "br_checks.h"

static gboolean
iso(const char *s)
{
  return br_check_iso6346(s, strlen(s));
}

static gboolean
imo(const char *s)
{
  return br_check_imo(s, strlen(s));
}

static void
test_iso6346(void)
{
  g_assert_true(iso("CSQU3054383"));
  g_assert_true(iso("MSKU1234565"));
  g_assert_true(iso("MSKU6011672"));
  for (char d = '0'; d <= '9'; d++) {
    char wrong[] = "CSQU305438X";
    wrong[10] = d;
    g_assert_true(iso(wrong) == (d == '3'));
  }
  g_assert_false(iso("MSKX6011672")); /* the category letter is U, J or Z */
  g_assert_false(iso("csqu3054383"));
  g_assert_false(iso("CSQU305438"));
  g_assert_false(iso("CSQU30543833"));
  g_assert_false(iso("CSQU3O54383")); /* letter O for digit 0 */
  g_assert_false(iso(""));
  /* A remainder of 10 gives check digit 0. */
  g_assert_true(iso("MSKU0000080"));
}

static void
test_imo(void)
{
  g_assert_true(imo("9074729"));
  g_assert_true(imo("IMO 9074729"));
  g_assert_true(imo("imo9074729"));
  g_assert_false(imo("9074728"));
  g_assert_false(imo("907472"));
  g_assert_false(imo("90747290"));
  g_assert_false(imo("IMO"));
  g_assert_false(imo("9O74729"));
}

static void
test_hs_digits(void)
{
  char d[32];
  g_assert_cmpuint(br_hs_digits("8471.30 00", 10, d, sizeof d), ==, 8);
  g_assert_cmpstr(d, ==, "84713000");
  g_assert_cmpuint(br_hs_digits("2939", 4, d, sizeof d), ==, 4);
  g_assert_cmpuint(br_hs_digits("84A1", 4, d, sizeof d), ==, 0);
  g_assert_cmpuint(br_hs_digits("", 0, d, sizeof d), ==, 0);
  /* Longer than the buffer: not an HS code. */
  g_assert_cmpuint(br_hs_digits("123456789", 9, d, 5), ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/checks/iso6346", test_iso6346);
  g_test_add_func("/checks/imo", test_imo);
  g_test_add_func("/checks/hs-digits", test_hs_digits);
  return g_test_run();
}
