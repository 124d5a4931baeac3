#include <csv.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "br_country.h"

/* Every country of the shared ISO 3166 table, by its English names and its code, maps to its
 * alpha-2 code. */
typedef struct {
  GPtrArray *row;
  int code, names[3];
  guint rows, checked, wrong;
} Table;

static void
on_field(void *data, size_t len, void *user)
{
  Table *t = user;
  g_ptr_array_add(t->row, g_strndup(data ? data : "", len));
}

static void
on_row(int c, void *user)
{
  Table *t = user;
  char **f = (char **)t->row->pdata;
  if (t->rows++ == 0) {
    for (guint i = 0; i < t->row->len; i++) {
      if (strcmp(f[i], "ISO3166-1-Alpha-2") == 0)
        t->code = (int)i;
      if (strcmp(f[i], "official_name_en") == 0)
        t->names[0] = (int)i;
      if (strcmp(f[i], "CLDR display name") == 0)
        t->names[1] = (int)i;
      if (strcmp(f[i], "UNTERM English Short") == 0)
        t->names[2] = (int)i;
    }
  } else if (t->code >= 0 && (guint)t->code < t->row->len && strlen(f[t->code]) == 2) {
    g_assert_cmpstr(br_country_code(f[t->code], -1), ==, f[t->code]);
    for (guint k = 0; k < 3; k++) {
      const char *name = f[t->names[k]];
      /* UNTERM writes "Bolivia (Plurinational State of) *"-style notes and "the" in front. */
      if (!*name || strchr(name, '*') || strchr(name, '?')) /* '?': a character lost upstream */
        continue;
      if (g_str_has_prefix(name, "the "))
        name += 4;
      const char *got = br_country_code(name, -1);
      if (g_strcmp0(got, f[t->code]) != 0) {
        g_test_message("%s: '%s' -> %s", f[t->code], name, got ? got : "(none)");
        t->wrong++;
      }
      t->checked++;
    }
  }
  g_ptr_array_set_size(t->row, 0);
}

static void
test_iso_table(void)
{
  char *path = g_build_filename(g_getenv("BR_SHARED_DATA"), "reference", "country-codes.csv", NULL);
  char *bytes;
  gsize len;
  g_assert_true(g_file_get_contents(path, &bytes, &len, NULL));
  Table t = {g_ptr_array_new_with_free_func(g_free), -1, {0, 0, 0}, 0, 0, 0};
  struct csv_parser p;
  csv_init(&p, 0);
  g_assert_cmpuint(csv_parse(&p, bytes, len, on_field, on_row, &t), ==, len);
  csv_fini(&p, on_field, on_row, &t);
  csv_free(&p);
  g_test_message("%u rows, %u names checked", t.rows, t.checked);
  g_assert_cmpuint(t.checked, >=, 600);
  g_assert_cmpuint(t.wrong, ==, 0);
  g_ptr_array_free(t.row, TRUE);
  g_free(bytes);
  g_free(path);
}

static void
test_variants(void)
{
  g_assert_cmpstr(br_country_code("Iran (Islamic Republic of)", -1), ==, "IR");
  g_assert_cmpstr(br_country_code("Korea, North", -1), ==, "KP");
  g_assert_cmpstr(br_country_code("Türkiye", -1), ==, "TR");
  g_assert_cmpstr(br_country_code("Burma", -1), ==, "MM");
  g_assert_cmpstr(br_country_code("ir", -1), ==, "IR");
  g_assert_null(br_country_code("Atlantis", -1));
  g_assert_null(br_country_code("", -1));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/country/iso-table", test_iso_table);
  g_test_add_func("/country/variants", test_variants);
  return g_test_run();
}
