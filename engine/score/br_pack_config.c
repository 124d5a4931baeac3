/* What pack.ini may say, checked before its values are read: a misspelt group or key is an
 * error with a suggestion, never a silent default ([capacities] for [capacity] once changed
 * every port's capacity). The same table prints the effective settings (boxrank pack dump). */
#include <string.h>

#include "br_entities.h"
#include "br_pack_internal.h"

typedef struct {
  const char *group;
  const char *const keys[8];
} KnownGroup;

/* [capacity] also takes port codes (UN/LOCODE) as keys. */
static const KnownGroup known[] = {
    {"pack", {"name", "version", "unit", "unit_fallback", "port_field", "date_field", NULL}},
    {"lanes", {"red", "yellow", NULL}},
    {"capacity", {"default", NULL}},
    {"random", {"share", NULL}},
    {"explore", {"share", NULL}},
    {"limits", {"memory_mb", "instructions", "cpu_ms", "max_failures", NULL}},
    {"history", {"keys", NULL}},
    {"fields", {"required", NULL}},
    {"watchlists", {"lists", NULL}},
};

static const KnownGroup *
find_group(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(known); i++)
    if (strcmp(known[i].group, name) == 0)
      return &known[i];
  return NULL;
}

static gboolean
in_list(const char *const *list, const char *word)
{
  for (; *list; list++)
    if (strcmp(*list, word) == 0)
      return TRUE;
  return FALSE;
}

/* Edit distance (insertions, deletions, substitutions), ASCII case ignored. */
static guint
edit_distance(const char *a, const char *b)
{
  gsize la = strlen(a), lb = strlen(b);
  guint *row = g_new(guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint)j;
  for (gsize i = 1; i <= la; i++) {
    guint diag = row[0];
    row[0] = (guint)i;
    for (gsize j = 1; j <= lb; j++) {
      guint up = row[j];
      guint cost = g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
      row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
      diag = up;
    }
  }
  guint d = row[lb];
  g_free(row);
  return d;
}

const char *
br_pack_suggest(const char *word, const char *const *candidates, gsize n)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  for (gsize i = 0; i < n; i++) {
    guint d = edit_distance(word, candidates[i]);
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  /* Close enough to be a slip, not another word: a third of the length, at least 2. */
  guint limit = MAX(2, (guint)strlen(word) / 3);
  return best && best_d <= limit ? best : NULL;
}

int
br_pack_ini_line(const char *text, const char *group, const char *key)
{
  if (!text)
    return 0;
  char **lines = g_strsplit(text, "\n", -1);
  int found = 0;
  gboolean in_group = FALSE;
  for (int i = 0; lines[i] && !found; i++) {
    char *l = g_strstrip(lines[i]);
    if (l[0] == '[') {
      char *close = strchr(l, ']');
      in_group = close && strncmp(l + 1, group, (gsize)(close - l - 1)) == 0 &&
                 strlen(group) == (gsize)(close - l - 1);
      if (in_group && !key)
        found = i + 1;
    } else if (in_group && key && l[0] != '#') {
      char *eq = strchr(l, '=');
      if (eq) {
        *eq = '\0';
        if (strcmp(g_strstrip(l), key) == 0)
          found = i + 1;
      }
    }
  }
  g_strfreev(lines);
  return found;
}

gboolean
br_pack_port_code_valid(const char *code)
{
  if (strlen(code) != 5 || !g_ascii_isupper(code[0]) || !g_ascii_isupper(code[1]))
    return FALSE;
  for (int i = 2; i < 5; i++)
    if (!g_ascii_isupper(code[i]) && !(code[i] >= '2' && code[i] <= '9'))
      return FALSE;
  return TRUE;
}

static const char *const *
group_names(void)
{
  static const char *names[G_N_ELEMENTS(known) + 1];
  for (guint i = 0; i < G_N_ELEMENTS(known); i++)
    names[i] = known[i].group;
  return names;
}

/* The group that has key, other than the one it was found in. */
static const char *
group_of(const char *key, const char *not_group)
{
  for (guint i = 0; i < G_N_ELEMENTS(known); i++)
    if (strcmp(known[i].group, not_group) != 0 && in_list(known[i].keys, key))
      return known[i].group;
  return NULL;
}

static void
check_key(const KnownGroup *g, const char *key, const char *text, BrPackProblemFunc problem,
          gpointer data)
{
  if (in_list(g->keys, key))
    return;
  if (strcmp(g->group, "capacity") == 0 && br_pack_port_code_valid(key))
    return;
  int line = br_pack_ini_line(text, g->group, key);
  gsize n = 0;
  while (g->keys[n])
    n++;
  const char *near = br_pack_suggest(key, g->keys, n);
  const char *elsewhere = group_of(key, g->group);
  char *msg;
  if (elsewhere)
    msg = g_strdup_printf("[%s] %s: no such key in [%s]; it belongs in [%s]", g->group, key,
                          g->group, elsewhere);
  else if (near)
    msg = g_strdup_printf("[%s] %s: unknown key (did you mean %s?)", g->group, key, near);
  else if (strcmp(g->group, "capacity") == 0)
    msg = g_strdup_printf("[capacity] %s: neither default nor a port code (UN/LOCODE such as "
                          "IQUQR)",
                          key);
  else {
    char *keys = g_strjoinv(", ", (char **)g->keys);
    msg = g_strdup_printf("[%s] %s: unknown key (the group takes: %s)", g->group, key, keys);
    g_free(keys);
  }
  problem(line, msg, data);
  g_free(msg);
}

/* The name and version go into every list row's stamp: a bounded length. No value takes a
 * comment after it, which GKeyFile would take as part of the value ("unit = container # box"
 * is a field named "container # box"). */
#define VALUE_MAX 200

static void
check_value(const char *group, const char *key, const char *raw, const char *text,
            BrPackProblemFunc problem, gpointer data)
{
  char *msg = NULL;
  glong n = g_utf8_strlen(raw, -1);
  const char *hash = strchr(raw, '#'), *semi = strchr(raw, ';');
  if (strcmp(group, "pack") == 0 && (strcmp(key, "name") == 0 || strcmp(key, "version") == 0) &&
      n > VALUE_MAX)
    msg = g_strdup_printf("[%s] %s: %ld characters, at most %d", group, key, n, VALUE_MAX);
  else if ((hash && hash > raw && g_ascii_isspace(hash[-1])) ||
           (semi && strcmp(group, "fields") != 0 && strcmp(group, "watchlists") != 0 &&
            semi > raw && g_ascii_isspace(semi[-1])))
    msg = g_strdup_printf("[%s] %s: a comment after a value is part of the value in pack.ini; "
                          "put it on a line of its own",
                          group, key);
  if (msg)
    problem(br_pack_ini_line(text, group, key), msg, data);
  g_free(msg);
}

/* A key set twice in a group (or in a group that appears twice) keeps its last value in
 * GKeyFile: which one the author meant cannot be known, so it is an error. */
static void
check_repeats(const char *text, BrPackProblemFunc problem, gpointer data)
{
  if (!text)
    return;
  char **lines = g_strsplit(text, "\n", -1);
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  char *group = g_strdup("");
  for (int i = 0; lines[i]; i++) {
    char *l = g_strstrip(lines[i]);
    if (l[0] == '[') {
      char *close = strchr(l, ']');
      g_free(group);
      group = close ? g_strndup(l + 1, (gsize)(close - l - 1)) : g_strdup(l + 1);
      continue;
    }
    char *eq = l[0] == '#' ? NULL : strchr(l, '=');
    if (!eq)
      continue;
    *eq = '\0';
    char *id = g_strdup_printf("%s\n%s", group, g_strstrip(l));
    int first = GPOINTER_TO_INT(g_hash_table_lookup(seen, id));
    if (first) {
      char *msg = g_strdup_printf("[%s] %s: set again (first on line %d); keep one", group,
                                  strchr(id, '\n') + 1, first);
      problem(i + 1, msg, data);
      g_free(msg);
      g_free(id);
    } else {
      g_hash_table_insert(seen, id, GINT_TO_POINTER(i + 1));
    }
  }
  g_free(group);
  g_hash_table_destroy(seen);
  g_strfreev(lines);
}

void
br_pack_config_check(GKeyFile *kf, const char *text, BrPackProblemFunc problem, gpointer data)
{
  gsize ngroups = 0;
  char **groups = g_key_file_get_groups(kf, &ngroups);
  for (gsize i = 0; i < ngroups; i++) {
    const KnownGroup *g = find_group(groups[i]);
    if (!g) {
      const char *near = br_pack_suggest(groups[i], group_names(), G_N_ELEMENTS(known));
      char *msg = near ? g_strdup_printf("unknown group [%s] (did you mean [%s]?)", groups[i], near)
                       : g_strdup_printf("unknown group [%s] (pack.ini has [pack], [lanes], "
                                         "[capacity], [random], [explore], [limits], [history], "
                                         "[fields], [watchlists])",
                                         groups[i]);
      problem(br_pack_ini_line(text, groups[i], NULL), msg, data);
      g_free(msg);
      continue;
    }
    gsize nkeys = 0;
    char **keys = g_key_file_get_keys(kf, groups[i], &nkeys, NULL);
    for (gsize k = 0; k < nkeys; k++) {
      check_key(g, keys[k], text, problem, data);
      /* GKeyFile hands out no string that is not UTF-8: read through it, such a name or
       * version would silently become the folder name or a default. */
      char *raw = g_key_file_get_value(kf, groups[i], keys[k], NULL);
      if (raw && !g_utf8_validate(raw, -1, NULL)) {
        char *msg = g_strdup_printf("[%s] %s: not UTF-8 (pack.ini is read as UTF-8; save it in "
                                    "that encoding)",
                                    groups[i], keys[k]);
        problem(br_pack_ini_line(text, groups[i], keys[k]), msg, data);
        g_free(msg);
      } else if (raw && in_list(g->keys, keys[k]))
        check_value(groups[i], keys[k], raw, text, problem, data);
      g_free(raw);
    }
    g_strfreev(keys);
  }
  g_strfreev(groups);
  check_repeats(text, problem, data);
}

void
br_pack_settings_dump(const BrPack *pack, GString *out)
{
  const BrPackSettings *s = &pack->settings;
  g_string_append_printf(out, "# effective settings of %s (sha256 %.12s), defaults filled in\n",
                         pack->dir, pack->hash);
  g_string_append_printf(out, "[pack]\nname = %s\nversion = %s\n", s->name,
                         s->version ? s->version : "");
  g_string_append_printf(out, "unit = %s\nunit_fallback = %s\nport_field = %s\ndate_field = %s\n",
                         s->unit_field, s->unit_fallback, s->port_field, s->date_field);
  g_string_append_printf(out, "\n[lanes]\nred = %g\nyellow = %g\n", s->lane_red, s->lane_yellow);
  g_string_append_printf(out, "\n[capacity]\ndefault = %u\n", s->capacity_default);
  GList *ports = g_list_sort(g_hash_table_get_keys(s->capacity), (GCompareFunc)strcmp);
  for (GList *l = ports; l; l = l->next)
    g_string_append_printf(out, "%s = %u\n", (const char *)l->data,
                           GPOINTER_TO_UINT(g_hash_table_lookup(s->capacity, l->data)));
  g_list_free(ports);
  g_string_append_printf(out, "\n[random]\nshare = %g\n", s->random_share);
  g_string_append_printf(out, "\n[explore]\nshare = %g\n", s->explore_share);
  g_string_append_printf(out,
                         "\n[limits]\nmemory_mb = %" G_GSIZE_FORMAT
                         "\ninstructions = %" G_GUINT64_FORMAT "\ncpu_ms = %u\nmax_failures = %u\n",
                         s->memory_limit >> 20, s->instruction_limit, s->cpu_limit_ms,
                         s->max_failures);
  g_string_append_printf(out, "\n[history]\nkeys = %s\n",
                         s->history_keys ? s->history_keys : BR_ENTITY_KEYS_DEFAULT);
  /* Groups that default to nothing are shown as comments: the output stays a valid pack.ini. */
  char *required = s->required_fields ? g_strjoinv(", ", s->required_fields) : NULL;
  g_string_append_printf(out, "\n%s[fields]\n%srequired = %s\n", required ? "" : "# ",
                         required ? "" : "# ", required ? required : "(none)");
  g_free(required);
  char *lists = s->watchlists ? g_strjoinv(", ", s->watchlists) : NULL;
  g_string_append_printf(out, "\n%s[watchlists]\n%slists = %s\n", lists ? "" : "# ",
                         lists ? "" : "# ", lists ? lists : "(none)");
  g_free(lists);
}
