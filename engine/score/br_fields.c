#include "br_fields.h"

#include <string.h>

/* A read is a field, or a party list "a|b|c" that any present field satisfies. */
static gboolean
read_present(const BrSchema *schema, const char *read)
{
  if (!strchr(read, '|'))
    return br_schema_find(schema, read) >= 0;
  char **any = g_strsplit(read, "|", -1);
  gboolean found = FALSE;
  for (char **f = any; *f && !found; f++)
    found = br_schema_find(schema, *f) >= 0;
  g_strfreev(any);
  return found;
}

BrFieldResolution *
br_fields_resolve(const BrPack *pack, const BrSchema *schema, GError **error)
{
  const BrPackSettings *s = br_pack_settings(pack);
  GString *missing = NULL;
  for (char **f = s->required_fields; f && *f; f++) {
    if (br_schema_find(schema, *f) >= 0)
      continue;
    if (!missing)
      missing = g_string_new(NULL);
    g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", *f);
  }
  if (missing) {
    g_set_error(error, BR_RULES_ERROR, BR_RULES_ERROR_FIELD,
                "%s: the pack requires %s, which the input does not have ([fields] required in "
                "pack.ini; map them in the column profile)",
                br_pack_dir(pack), missing->str);
    g_string_free(missing, TRUE);
    return NULL;
  }
  guint n = br_pack_rule_count(pack);
  BrFieldResolution *r = g_new0(BrFieldResolution, 1);
  r->off = g_array_new(FALSE, FALSE, sizeof(BrRuleOff));
  r->disabled = g_new0(gboolean, MAX(n, 1));
  for (guint i = 0; i < n; i++) {
    const BrRuleInfo *info = br_pack_rule(pack, i);
    for (char **f = info->reads; f && *f; f++) {
      if (read_present(schema, *f))
        continue;
      BrRuleOff off = {i, *f};
      g_array_append_val(r->off, off);
      r->disabled[i] = TRUE;
      break;
    }
  }
  return r;
}

void
br_fields_resolution_free(BrFieldResolution *resolution)
{
  if (!resolution)
    return;
  g_array_free(resolution->off, TRUE);
  g_free(resolution->disabled);
  g_free(resolution);
}

char *
br_fields_describe(const BrPack *pack, const BrRuleOff *off)
{
  const char *id = br_pack_rule(pack, off->rule)->id;
  if (!strchr(off->field, '|'))
    return g_strdup_printf("rule %s reads %s, which the input does not have: the rule is disabled",
                           id, off->field);
  char **any = g_strsplit(off->field, "|", -1);
  char *list = g_strjoinv(", ", any);
  char *text = g_strdup_printf(
      "rule %s reads one of %s, none of which the input has: the rule is disabled", id, list);
  g_free(list);
  g_strfreev(any);
  return text;
}
