#include "gen_outcomes.h"

#include <string.h>

#include "gen_rng.h"

/* What an inspection of a unit carrying a planted pattern finds, when it finds something.
 * Unplanted units are inspected rarely (other sources: tip-offs, routine checks) and find
 * something rarely, so targeted inspections should beat random ones in the report. */
typedef struct {
  const char *pattern;
  const char *category;
  int severity;
} Finding;

static const Finding findings[] = {
  {"mass_mismatch", "misdeclaration", 2},      {"undervalued", "undervaluation", 2},
  {"vague_description", "misdeclaration", 2},  {"hs_mismatch", "misdeclaration", 2},
  {"circuitous_route", "drugs", 5},            {"precursor", "precursors", 4},
  {"captagon", "drugs", 5},                    {"tramadol", "drugs", 4},
  {"reefer_nonperishable", "drugs", 5},        {"bad_container_check", "misdeclaration", 1},
  {"bad_imo", "other", 1},                     {"seal_changed", "drugs", 4},
  {"nvocc_generic_shipper", "counterfeit", 3}, {"freight_disproportion", "undervaluation", 2},
  {"first_time_consignee", "counterfeit", 3},  {"transit_diversion", "weapons", 5},
};
static const char *const background[] = {"misdeclaration", "undervaluation", "counterfeit",
                                          "tobacco"};

#define PLANTED_INSPECTED 700 /* per mille */
#define PLANTED_FOUND 600
#define OTHER_INSPECTED 50
#define OTHER_FOUND 30

/* Splits one CSV line of the generator's output (RFC 4180 quoting, no newlines inside
 * fields) into fields, unquoting in place. */
static guint
split_line(char *line, char **fields, guint max)
{
  guint n = 0;
  char *p = line;
  while (n < max) {
    if (*p == '"') {
      char *w = ++p, *start = p;
      while (*p && !(*p == '"' && p[1] != '"')) {
        if (*p == '"')
          p++;
        *w++ = *p++;
      }
      if (*p == '"')
        p++;
      fields[n++] = start;
      *w = '\0';
      if (*p != ',')
        break;
      p++;
    } else {
      fields[n++] = p;
      char *c = strchr(p, ',');
      if (!c)
        break;
      *c = '\0';
      p = c + 1;
    }
  }
  return n;
}

static int
column(char **fields, guint n, const char *name)
{
  for (guint i = 0; i < n; i++)
    if (strcmp(fields[i], name) == 0)
      return (int)i;
  return -1;
}

static const Finding *
finding_for(const char *pattern)
{
  for (guint i = 0; i < G_N_ELEMENTS(findings); i++)
    if (strcmp(findings[i].pattern, pattern) == 0)
      return &findings[i];
  return NULL;
}

/* Reads the truth file: unit (container, else B/L) -> pattern. */
static GHashTable *
read_truth(const char *path, GError **error)
{
  char *text;
  if (!g_file_get_contents(path, &text, NULL, error))
    return NULL;
  GHashTable *planted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  char **lines = g_strsplit(text, "\n", -1);
  for (guint i = 1; lines[i]; i++) {
    char *f[4];
    g_strchomp(lines[i]);
    if (split_line(lines[i], f, 4) != 4)
      continue;
    const char *unit = *f[1] ? f[1] : f[2];
    if (!g_hash_table_contains(planted, unit))
      g_hash_table_insert(planted, g_strdup(unit), g_strdup(f[3]));
  }
  g_strfreev(lines);
  g_free(text);
  return planted;
}

/* The units on boxrank's lists (list-*.csv in dir): officers inspect all of them. */
static GHashTable *
read_lists(const char *dir, GError **error)
{
  GHashTable *listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (!dir)
    return listed;
  GDir *d = g_dir_open(dir, 0, error);
  if (!d) {
    g_hash_table_destroy(listed);
    return NULL;
  }
  const char *name;
  while ((name = g_dir_read_name(d))) {
    if (!g_str_has_prefix(name, "list-") || !g_str_has_suffix(name, ".csv"))
      continue;
    char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;
    if (g_file_get_contents(path, &text, NULL, NULL)) {
      char **lines = g_strsplit(text, "\n", -1);
      for (guint i = 1; lines[i]; i++) {
        char *f[12];
        if (split_line(lines[i], f, 12) >= 4)
          g_hash_table_add(listed, g_strconcat(f[0], "\x1f", f[3], NULL));
      }
      g_strfreev(lines);
    }
    g_free(text);
    g_free(path);
  }
  g_dir_close(d);
  return listed;
}

gboolean
gen_outcomes_write(const GenOutcomesOptions *opt, FILE *out, GError **error)
{
  GHashTable *planted = read_truth(opt->truth, error);
  if (!planted)
    return FALSE;
  GHashTable *listed = read_lists(opt->lists, error);
  if (!listed) {
    g_hash_table_destroy(planted);
    return FALSE;
  }
  gboolean ok = FALSE;
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  char *text = NULL;
  char **lines = NULL;
  if (!g_file_get_contents(opt->manifest, &text, NULL, error))
    goto out;
  lines = g_strsplit(text, "\n", -1);
  char *f[64];
  guint n = lines[0] ? split_line(g_strchomp(lines[0]), f, 64) : 0;
  int c_cont = column(f, n, "Container No"), c_bol = column(f, n, "B/L No");
  int c_port = column(f, n, "Place of Inspection");
  if (c_cont < 0 || c_bol < 0 || c_port < 0) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: not a boxrank-gen manifest (no Container No, B/L No, Place of Inspection)",
                opt->manifest);
    goto out;
  }
  GenRng rng;
  gen_rng_seed(&rng, opt->seed);
  fputs("unit,port,date,result,category,severity,notes\n", out);
  for (guint i = 1; lines[i]; i++) {
    if (!*g_strchomp(lines[i]))
      continue;
    guint nf = split_line(lines[i], f, 64);
    if ((int)nf <= MAX(c_port, MAX(c_cont, c_bol)))
      continue;
    const char *unit = *f[c_cont] ? f[c_cont] : f[c_bol];
    char *key = g_strconcat(f[c_port], "\x1f", unit, NULL);
    if (g_hash_table_contains(seen, key)) {
      g_free(key);
      continue;
    }
    g_hash_table_add(seen, key);
    const char *pattern = g_hash_table_lookup(planted, unit);
    guint64 draw = gen_rng_next(&rng);
    guint inspect = (guint)(draw % 1000), find = (guint)((draw >> 20) % 1000);
    if (!g_hash_table_contains(listed, key) &&
        inspect >= (pattern ? PLANTED_INSPECTED : OTHER_INSPECTED))
      continue;
    GDate d;
    g_date_clear(&d, 1);
    g_date_set_julian(&d, (guint32)(opt->first_day + 719163 + (gint32)((draw >> 40) % 4)));
    char date[11];
    g_date_strftime(date, sizeof date, "%Y-%m-%d", &d);
    const Finding *fd = pattern ? finding_for(pattern) : NULL;
    if (find < (pattern ? PLANTED_FOUND : OTHER_FOUND)) {
      const char *category = fd ? fd->category : background[(draw >> 50) % G_N_ELEMENTS(background)];
      int severity = fd ? fd->severity : 2;
      fprintf(out, "%s,%s,%s,finding,%s,%d,\n", unit, f[c_port], date, category, severity);
    } else {
      fprintf(out, "%s,%s,%s,no_finding,,,\n", unit, f[c_port], date);
    }
  }
  ok = TRUE;
out:
  g_strfreev(lines);
  g_free(text);
  g_hash_table_destroy(seen);
  g_hash_table_destroy(listed);
  g_hash_table_destroy(planted);
  return ok;
}
