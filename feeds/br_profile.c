#include "br_profile.h"

#include <string.h>

#include "br_feed.h"

#define DEFAULT_MAX_FIELD (64 * 1024)

typedef struct {
  char *field;  /* canonical (or any) field name */
  char *column; /* source header */
} Mapping;

struct BrProfile {
  char *name;
  char *path;
  char delimiter;
  char list_sep;
  char *date_format;
  gsize max_field;
  GArray *mappings;  /* Mapping */
  GHashTable *types; /* name -> GINT_TO_POINTER(BrType + 1) */
};

static void
mapping_clear(gpointer p)
{
  Mapping *m = p;
  g_free(m->field);
  g_free(m->column);
}

static BrProfile *
profile_new(const char *name)
{
  BrProfile *p = g_new0(BrProfile, 1);
  p->name = g_strdup(name);
  p->delimiter = ',';
  p->list_sep = ';';
  p->date_format = g_strdup("%Y-%m-%d");
  p->max_field = DEFAULT_MAX_FIELD;
  p->mappings = g_array_new(FALSE, TRUE, sizeof(Mapping));
  g_array_set_clear_func(p->mappings, mapping_clear);
  p->types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  return p;
}

BrProfile *
br_profile_new_identity(void)
{
  return profile_new("identity");
}

void
br_profile_free(BrProfile *profile)
{
  if (!profile)
    return;
  g_free(profile->name);
  g_free(profile->path);
  g_free(profile->date_format);
  g_array_free(profile->mappings, TRUE);
  g_hash_table_destroy(profile->types);
  g_free(profile);
}

const char *
br_profile_name(const BrProfile *profile)
{
  return profile->name;
}

char
br_profile_delimiter(const BrProfile *profile)
{
  return profile->delimiter;
}

char
br_profile_list_separator(const BrProfile *profile)
{
  return profile->list_sep;
}

const char *
br_profile_date_format(const BrProfile *profile)
{
  return profile->date_format;
}

gsize
br_profile_max_field_bytes(const BrProfile *profile)
{
  return profile->max_field;
}

static gboolean
parse_char(const char *path, const char *key, const char *text, char *out, GError **error)
{
  if (g_ascii_strcasecmp(text, "tab") == 0) {
    *out = '\t';
    return TRUE;
  }
  if (strlen(text) != 1 || text[0] == '"' || text[0] == '\n' || text[0] == '\r') {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE,
                "%s: [profile] %s must be one character (or \"tab\"), not \"%s\"", path, key, text);
    return FALSE;
  }
  *out = text[0];
  return TRUE;
}

static gboolean
date_format_known(const char *fmt)
{
  static const char *known[] = {"%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y",
                                "%Y%m%d",   "%d.%m.%Y", "%Y/%m/%d"};
  for (guint i = 0; i < G_N_ELEMENTS(known); i++)
    if (strcmp(fmt, known[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A misspelt key would otherwise be ignored and its default used without a word. */
static gboolean
check_keys(GKeyFile *kf, const char *path, GError **error)
{
  static const char *groups[] = {"profile", "columns", "types"};
  static const char *profile_keys[] = {"name",           "description", "delimiter",
                                       "list_separator", "date_format", "max_field_bytes"};
  gboolean ok = TRUE;
  char **names = g_key_file_get_groups(kf, NULL);
  for (guint i = 0; ok && names[i]; i++) {
    if (!g_strv_contains(groups, names[i])) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE,
                  "%s: unknown group [%s] (known: [profile], [columns], [types])", path, names[i]);
      ok = FALSE;
    }
  }
  g_strfreev(names);
  names = ok ? g_key_file_get_keys(kf, "profile", NULL, NULL) : NULL;
  for (guint i = 0; ok && names && names[i]; i++) {
    if (!g_strv_contains(profile_keys, names[i])) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE,
                  "%s: [profile] unknown key \"%s\" (known: name, description, delimiter, "
                  "list_separator, date_format, max_field_bytes)",
                  path, names[i]);
      ok = FALSE;
    }
  }
  g_strfreev(names);
  return ok;
}

BrProfile *
br_profile_load(const char *path, GError **error)
{
  GKeyFile *kf = g_key_file_new();
  BrProfile *p = NULL;
  GError *local = NULL;
  char **keys = NULL;

  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE, "%s: %s", path, local->message);
    g_error_free(local);
    goto out;
  }
  if (!check_keys(kf, path, error))
    goto out;
  char *name = g_key_file_get_string(kf, "profile", "name", NULL);
  if (!name)
    name = g_path_get_basename(path);
  p = profile_new(name);
  g_free(name);
  p->path = g_strdup(path);

  char *text;
  if ((text = g_key_file_get_string(kf, "profile", "delimiter", NULL))) {
    gboolean ok = parse_char(path, "delimiter", text, &p->delimiter, error);
    g_free(text);
    if (!ok)
      goto fail;
  }
  if ((text = g_key_file_get_string(kf, "profile", "list_separator", NULL))) {
    gboolean ok = parse_char(path, "list_separator", text, &p->list_sep, error);
    g_free(text);
    if (!ok)
      goto fail;
  }
  if ((text = g_key_file_get_string(kf, "profile", "date_format", NULL))) {
    if (!date_format_known(text)) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE,
                  "%s: [profile] date_format \"%s\" is not one of %%Y-%%m-%%d, %%d/%%m/%%Y, "
                  "%%m/%%d/%%Y, %%Y%%m%%d, %%d.%%m.%%Y, %%Y/%%m/%%d",
                  path, text);
      g_free(text);
      goto fail;
    }
    g_free(p->date_format);
    p->date_format = text;
  }
  if (g_key_file_has_key(kf, "profile", "max_field_bytes", NULL)) {
    gint64 v = g_key_file_get_int64(kf, "profile", "max_field_bytes", &local);
    if (local || v < 16 || v > (gint64)G_MAXINT32) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE,
                  "%s: [profile] max_field_bytes must be a number from 16 to %d", path, G_MAXINT32);
      g_clear_error(&local);
      goto fail;
    }
    p->max_field = (gsize)v;
  }

  gsize n = 0;
  keys = g_key_file_get_keys(kf, "columns", &n, NULL);
  for (gsize i = 0; i < n; i++) {
    char *column = g_key_file_get_string(kf, "columns", keys[i], NULL);
    g_strstrip(column);
    if (!*column) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE,
                  "%s: [columns] %s maps to an empty column name", path, keys[i]);
      g_free(column);
      goto fail;
    }
    for (guint j = 0; j < p->mappings->len; j++) {
      Mapping *m = &g_array_index(p->mappings, Mapping, j);
      if (strcmp(m->column, column) == 0) {
        g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE,
                    "%s: [columns] column \"%s\" is mapped twice (%s and %s)", path, column,
                    m->field, keys[i]);
        g_free(column);
        goto fail;
      }
    }
    Mapping m = {g_strdup(keys[i]), column};
    g_array_append_val(p->mappings, m);
  }
  g_strfreev(keys);
  n = 0;
  keys = g_key_file_get_keys(kf, "types", &n, NULL);
  for (gsize i = 0; i < n; i++) {
    char *t = g_key_file_get_string(kf, "types", keys[i], NULL);
    BrType type;
    gboolean ok = br_type_parse(g_strstrip(t), &type);
    if (!ok) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE,
                  "%s: [types] %s has unknown type \"%s\" (string, integer, decimal, date, list)",
                  path, keys[i], t);
      g_free(t);
      goto fail;
    }
    g_free(t);
    g_hash_table_insert(p->types, g_strdup(keys[i]), GINT_TO_POINTER(type + 1));
  }
  goto out;

fail:
  br_profile_free(p);
  p = NULL;
out:
  g_strfreev(keys);
  g_key_file_free(kf);
  return p;
}

static BrType
type_for(const BrProfile *p, const char *name, gboolean canonical_default)
{
  gpointer t = g_hash_table_lookup(p->types, name);
  if (t)
    return (BrType)(GPOINTER_TO_INT(t) - 1);
  const BrCanonicalField *c = canonical_default ? br_canonical_find(name) : NULL;
  return c ? c->type : BR_TYPE_STRING;
}

static int
find_column(const char *const *header, guint ncols, const char *column)
{
  for (guint i = 0; i < ncols; i++)
    if (strcmp(header[i], column) == 0)
      return (int)i;
  /* Exports differ in the case of their headers more often than in their words. */
  for (guint i = 0; i < ncols; i++)
    if (g_ascii_strcasecmp(header[i], column) == 0)
      return (int)i;
  return -1;
}

BrSchema *
br_profile_build_schema(const BrProfile *profile, const char *const *header, guint ncols,
                        const char *file, GError **error)
{
  BrSchema *schema = br_schema_new();
  br_schema_set_list_separator(schema, profile->list_sep);
  gboolean *used = g_new0(gboolean, ncols);

  for (guint i = 0; i < ncols; i++) {
    for (guint j = 0; j < i; j++) {
      if (strcmp(header[i], header[j]) == 0) {
        g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                    "%s: line 1: columns %u and %u are both named \"%s\"", file, j + 1, i + 1,
                    header[i]);
        goto fail;
      }
    }
  }
  for (guint i = 0; i < profile->mappings->len; i++) {
    const Mapping *m = &g_array_index(profile->mappings, Mapping, i);
    int col = find_column(header, ncols, m->column);
    if (col < 0) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: line 1: no column \"%s\", which profile %s maps to field %s", file,
                  m->column, profile->name, m->field);
      goto fail;
    }
    used[col] = TRUE;
    br_schema_add(schema, m->field, type_for(profile, m->field, TRUE), col);
  }
  for (guint i = 0; i < ncols; i++) {
    if (used[i])
      continue;
    char *name = *header[i] ? g_strdup(header[i]) : g_strdup_printf("column_%u", i + 1);
    if (br_schema_find(schema, name) >= 0) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: line 1: column %u \"%s\" clashes with the field of that name that "
                  "profile %s maps from another column",
                  file, i + 1, name, profile->name);
      g_free(name);
      goto fail;
    }
    /* Without a mapping, a header that is already a canonical name gets that field's type. */
    gboolean canonical = profile->mappings->len == 0;
    br_schema_add(schema, name, type_for(profile, name, canonical), (int)i);
    g_free(name);
  }
  g_free(used);
  return schema;

fail:
  g_free(used);
  br_schema_free(schema);
  return NULL;
}

char **
br_profile_field_names(const BrProfile *profile)
{
  GPtrArray *names = g_ptr_array_new();
  for (guint i = 0; i < profile->mappings->len; i++)
    g_ptr_array_add(names, g_strdup(g_array_index(profile->mappings, Mapping, i).field));
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, profile->types);
  while (g_hash_table_iter_next(&it, &key, NULL))
    g_ptr_array_add(names, g_strdup(key));
  g_ptr_array_add(names, NULL);
  return (char **)g_ptr_array_free(names, FALSE);
}
