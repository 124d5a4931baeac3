#include "br_reference.h"

#include <string.h>

#include "br_checks.h"
#include "br_feed.h"

struct BrReference {
  GHashTable *locodes;    /* "IQUQR" */
  GHashTable *hs;         /* "01", "0101", "010121" */
  GHashTable *size_types; /* "22G1" */
};

/* Upper case without spaces: the form codes are kept and looked up in. */
static char *
code_norm(const char *s, gsize len)
{
  GString *out = g_string_sized_new(len);
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace(s[i]))
      g_string_append_c(out, g_ascii_toupper(s[i]));
  return g_string_free(out, FALSE);
}

/* Reads the named columns of a reference CSV through the identity profile and adds, per
 * row, the concatenation of their values to set. */
static gboolean
read_table(const char *dir, const char *file, const char *const *columns, GHashTable *set,
           GError **error)
{
  char *path = g_build_filename(dir, file, NULL);
  BrProfile *profile = br_profile_new_identity();
  BrFeedOptions opts = {0};
  BrFeed *feed = br_feed_open(path, profile, &opts, error);
  gboolean ok = FALSE;
  BrBatch *batch = NULL;
  if (!feed)
    goto out;
  int idx[4];
  guint ncols = 0;
  for (; columns[ncols]; ncols++) {
    idx[ncols] = br_schema_find(br_feed_schema(feed), columns[ncols]);
    if (idx[ncols] < 0 ||
        br_schema_field(br_feed_schema(feed), (guint)idx[ncols])->source_col < 0) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER, "%s: no column \"%s\"", path,
                  columns[ncols]);
      goto out;
    }
  }
  batch = br_batch_new(br_feed_schema(feed), 4096);
  gint n;
  GString *key = g_string_new(NULL);
  while ((n = br_feed_next_batch(feed, batch, error)) > 0) {
    for (gint r = 0; r < n; r++) {
      const BrValue *rec = br_batch_record(batch, (guint)r);
      g_string_truncate(key, 0);
      for (guint c = 0; c < ncols; c++)
        g_string_append_len(key, rec[idx[c]].str, rec[idx[c]].len);
      char *norm = code_norm(key->str, key->len);
      if (*norm)
        g_hash_table_add(set, norm);
      else
        g_free(norm);
    }
  }
  g_string_free(key, TRUE);
  ok = n == 0;
out:
  br_batch_free(batch);
  br_feed_close(feed);
  br_profile_free(profile);
  g_free(path);
  return ok;
}

BrReference *
br_reference_load(const char *dir, GError **error)
{
  BrReference *ref = g_new0(BrReference, 1);
  ref->locodes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  ref->hs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  ref->size_types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  static const char *const locode[] = {"country", "location", NULL};
  static const char *const hs[] = {"hscode", NULL};
  static const char *const size_type[] = {"code", NULL};
  if (!read_table(dir, "unlocode.csv", locode, ref->locodes, error) ||
      !read_table(dir, "harmonized-system.csv", hs, ref->hs, error) ||
      !read_table(dir, "iso6346-size-type-codes.csv", size_type, ref->size_types, error)) {
    br_reference_free(ref);
    return NULL;
  }
  return ref;
}

void
br_reference_free(BrReference *ref)
{
  if (!ref)
    return;
  g_hash_table_unref(ref->locodes);
  g_hash_table_unref(ref->hs);
  g_hash_table_unref(ref->size_types);
  g_free(ref);
}

static gboolean
contains_norm(GHashTable *set, const char *s, gsize len)
{
  char *norm = code_norm(s, len);
  gboolean found = g_hash_table_contains(set, norm);
  g_free(norm);
  return found;
}

gboolean
br_reference_locode(const BrReference *ref, const char *s, gsize len)
{
  return contains_norm(ref->locodes, s, len);
}

gboolean
br_reference_hs(const BrReference *ref, const char *s, gsize len)
{
  char digits[32];
  gsize n = br_hs_digits(s, len, digits, sizeof digits);
  gsize k = MIN(n, 6) & ~(gsize)1; /* HS levels are 2, 4 and 6 digits */
  if (k < 2)
    return FALSE;
  digits[k] = '\0';
  return g_hash_table_contains(ref->hs, digits);
}

gboolean
br_reference_size_type(const BrReference *ref, const char *s, gsize len)
{
  return contains_norm(ref->size_types, s, len);
}

guint
br_reference_count(const BrReference *ref, const char *table)
{
  if (strcmp(table, "locode") == 0)
    return g_hash_table_size(ref->locodes);
  if (strcmp(table, "hs") == 0)
    return g_hash_table_size(ref->hs);
  return g_hash_table_size(ref->size_types);
}
