#include <string.h>

#include <glib.h>

#include "br_batch.h"

static BrSchema *
two_field_schema(void)
{
  BrSchema *s = br_schema_new();
  br_schema_add(s, "container", BR_TYPE_STRING, 0);
  br_schema_add(s, "declared_kg", BR_TYPE_DECIMAL, 1);
  return s;
}

static void
test_append_and_reset(void)
{
  BrSchema *schema = two_field_schema();
  BrBatch *b = br_batch_new(schema, 4);
  BrValue *rec = br_batch_append(b, 7);
  g_assert_true(rec[0].missing && rec[1].missing);
  rec[0].str = br_batch_strdup(b, "MSCU1234565", 11);
  rec[0].len = 11;
  rec[0].missing = FALSE;
  g_assert_cmpuint(b->count, ==, 1);
  g_assert_cmpuint(b->line_no[0], ==, 7);
  g_assert_cmpstr(br_batch_record(b, 0)[0].str, ==, "MSCU1234565");
  br_batch_append(b, 8);
  br_batch_drop_last(b);
  g_assert_cmpuint(b->count, ==, 1);
  br_batch_reset(b);
  g_assert_cmpuint(b->count, ==, 0);
  g_assert_cmpuint(b->arena_used, ==, 0);
  br_batch_free(b);
  br_schema_free(schema);
}

/* Strings handed out before the arena fills must keep their address and content when later
 * strings overflow into chained blocks. */
static void
test_arena_overflow_keeps_addresses(void)
{
  BrSchema *schema = two_field_schema();
  BrBatch *b = br_batch_new(schema, 2);
  const char *first = br_batch_strdup(b, "first", 5);
  gsize big = 3u << 20;
  char *payload = g_malloc(big);
  memset(payload, 'x', big);
  const char *huge = br_batch_strdup(b, payload, big);
  const char *after = br_batch_strdup(b, "after", 5);
  g_assert_cmpstr(first, ==, "first");
  g_assert_cmpstr(after, ==, "after");
  g_assert_cmpuint(strlen(huge), ==, big);
  br_batch_reset(b);
  /* The arena grew to what the last batch needed, so the same load now fits in place. */
  g_assert_cmpuint(b->arena_cap, >=, big);
  const char *again = br_batch_strdup(b, payload, big);
  g_assert_true(again == b->arena);
  g_free(payload);
  br_batch_free(b);
  br_schema_free(schema);
}

static void
test_schema(void)
{
  BrSchema *s = two_field_schema();
  g_assert_cmpint(br_schema_add(s, "container", BR_TYPE_STRING, 5), ==, 0);
  g_assert_cmpint(br_schema_add(s, "Seal Changed", BR_TYPE_STRING, 2), ==, 2);
  g_assert_cmpint(br_schema_find(s, "Seal Changed"), ==, 2);
  g_assert_cmpint(br_schema_find(s, "nope"), ==, -1);
  g_assert_cmpuint(br_schema_size(s), ==, 3);
  BrType t;
  g_assert_true(br_type_parse("Decimal", &t) && t == BR_TYPE_DECIMAL);
  g_assert_true(br_type_parse("int", &t) && t == BR_TYPE_INT);
  g_assert_false(br_type_parse("float", &t));
  g_assert_nonnull(br_canonical_find("transship_ports"));
  g_assert_cmpint(br_canonical_find("transship_ports")->type, ==, BR_TYPE_LIST);
  g_assert_null(br_canonical_find("Container No"));
  br_schema_free(s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/batch/append-reset", test_append_and_reset);
  g_test_add_func("/batch/arena-overflow", test_arena_overflow_keeps_addresses);
  g_test_add_func("/schema/basics", test_schema);
  return g_test_run();
}
