#include <glib.h>

#include "br_json.h"

static void
check_string(const char *in, gssize len, const char *expected)
{
  GString *s = g_string_new(NULL);
  br_json_append_string(s, in, len);
  g_assert_cmpstr(s->str, ==, expected);
  g_string_free(s, TRUE);
}

static void
test_escapes(void)
{
  check_string("plain", -1, "\"plain\"");
  check_string("a\"b\\c", -1, "\"a\\\"b\\\\c\"");
  check_string("line\nbreak\ttab\r", -1, "\"line\\nbreak\\ttab\\r\"");
  check_string("\x01\x1f\x7f", -1, "\"\\u0001\\u001f\\u007f\"");
  check_string("nul\0inside", 10, "\"nul\\u0000inside\"");
  check_string("\xe2\x80\xa8", -1, "\"\\u2028\"");
  check_string("عبد الله", -1, "\"عبد الله\"");
  check_string("bad\xff\xfe", -1, "\"bad\\ufffd\\ufffd\"");
  check_string("cut\xe2\x80", -1, "\"cut\\ufffd\\ufffd\"");
}

static void
check_number(double v, const char *expected)
{
  GString *s = g_string_new(NULL);
  br_json_append_number(s, v);
  g_assert_cmpstr(s->str, ==, expected);
  g_string_free(s, TRUE);
}

static void
test_numbers(void)
{
  check_number(0, "0");
  check_number(0.1, "0.1");
  check_number(-12.5, "-12.5");
  check_number(1e300 * 1e10, "null");
  check_number(1.0 / 3.0, "0.33333333333333331");
  check_number(123456789012.0, "123456789012");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/json/escapes", test_escapes);
  g_test_add_func("/json/numbers", test_numbers);
  return g_test_run();
}
