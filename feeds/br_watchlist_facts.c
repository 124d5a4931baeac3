/* Facts of entries: what the lists say besides names (docs/watchlists.md, "Corroboration"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "br_country.h"
#include "br_watchlist.h"

static const char *const fact_kind_names[BR_FACT_KIND_COUNT] = {"country", "birth_date", "id",
                                                                "address"};

const char *
br_watch_fact_kind_name(BrWatchFactKind kind)
{
  return kind < BR_FACT_KIND_COUNT ? fact_kind_names[kind] : "unknown";
}

gboolean
br_watch_fact_kind_parse(const char *text, BrWatchFactKind *kind)
{
  int i = br_watchlist_name_find(fact_kind_names, BR_FACT_KIND_COUNT, text);
  if (i >= 0)
    *kind = (BrWatchFactKind)i;
  return i >= 0;
}

void
br_watchlist_add_fact(BrWatchlist *wl, guint entry, BrWatchFactKind kind, const char *value,
                      const char *note)
{
  g_assert(entry < wl->entries->len);
  if (!value || !*value)
    return;
  /* Lists repeat a country (nationality and address) or a document; one is enough. Facts of an
   * entry are added together, so the duplicate is among the last few. */
  for (guint i = wl->facts->len; i-- > 0;) {
    const BrWatchFact *f = &g_array_index(wl->facts, BrWatchFact, i);
    if (f->entry != entry)
      break;
    if (f->kind == kind && strcmp(f->value, value) == 0)
      return;
  }
  BrWatchFact f = {entry, kind, g_string_chunk_insert(wl->strings, value),
                   note && *note ? g_string_chunk_insert(wl->strings, note) : NULL};
  g_array_append_val(wl->facts, f);
  g_clear_pointer(&wl->fact_start, g_free);
}

void
br_watchlist_add_country(BrWatchlist *wl, guint entry, const char *where, const char *name,
                         const char *note)
{
  char *text = g_strstrip(g_strdup(name ? name : ""));
  gsize n = strlen(text);
  while (n > 0 && text[n - 1] == '.')
    text[--n] = '\0';
  /* OFAC writes a disputed or partial territory as "Region: Crimea": no one country. */
  if (*text && g_ascii_strcasecmp(text, "na") != 0 &&
      g_ascii_strcasecmp(text, "undetermined") != 0 && !g_str_has_prefix(text, "Region: ")) {
    const char *code = br_country_code(text, -1);
    if (code)
      br_watchlist_add_fact(wl, entry, BR_FACT_COUNTRY, code, note);
    else
      br_watchlist_reject(wl, where, "%s '%s' is not a country boxrank knows; kept without it",
                          note ? note : "country", text);
  }
  g_free(text);
}

void
br_watchlist_group_facts(BrWatchlist *wl)
{
  guint n = wl->entries->len;
  guint *start = g_new0(guint, n + 1);
  for (guint i = 0; i < wl->facts->len; i++)
    start[g_array_index(wl->facts, BrWatchFact, i).entry + 1]++;
  for (guint i = 0; i < n; i++)
    start[i + 1] += start[i];
  /* A counting sort: stable, so an entry's facts keep the order the list gave them. */
  GArray *sorted = g_array_sized_new(FALSE, FALSE, sizeof(BrWatchFact), wl->facts->len);
  g_array_set_size(sorted, wl->facts->len);
  guint *next = g_memdup2(start, (n + 1) * sizeof(guint));
  for (guint i = 0; i < wl->facts->len; i++) {
    const BrWatchFact *f = &g_array_index(wl->facts, BrWatchFact, i);
    g_array_index(sorted, BrWatchFact, next[f->entry]++) = *f;
  }
  g_free(next);
  g_array_free(wl->facts, TRUE);
  wl->facts = sorted;
  g_free(wl->fact_start);
  wl->fact_start = start;
}

const BrWatchFact *
br_watchlist_entry_facts(const BrWatchlist *wl, guint i, guint *n)
{
  g_assert(wl->fact_start && i < wl->entries->len);
  *n = wl->fact_start[i + 1] - wl->fact_start[i];
  return *n ? &g_array_index(wl->facts, BrWatchFact, wl->fact_start[i]) : NULL;
}

guint
br_watchlist_count_facts(const BrWatchlist *wl, BrWatchFactKind kind)
{
  guint n = 0;
  guint8 *seen = g_new0(guint8, wl->entries->len + 1);
  for (guint i = 0; i < wl->facts->len; i++) {
    const BrWatchFact *f = &g_array_index(wl->facts, BrWatchFact, i);
    if (f->kind == kind && !seen[f->entry]) {
      seen[f->entry] = 1;
      n++;
    }
  }
  g_free(seen);
  return n;
}

static int
month_number(const char *s)
{
  static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int i = 0; i < 12; i++)
    if (g_ascii_strncasecmp(s, months[i], 3) == 0)
      return i + 1;
  return 0;
}

static gboolean
year_of(const char *s, int *year)
{
  if (strlen(s) != 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    if (!g_ascii_isdigit(s[i]))
      return FALSE;
  *year = atoi(s);
  return *year >= 1850 && *year <= 2100;
}

/* One date: "10 Dec 1948", "Dec 1948", "1948", "1948-12-10". */
static gboolean
parse_one_date(char **words, guint n, char out[16], int *year)
{
  int y, d, m;
  if (n == 1 && year_of(words[0], &y)) {
    g_snprintf(out, 16, "%04d", y);
  } else if (n == 1 && sscanf(words[0], "%4d-%2d-%2d", &y, &m, &d) == 3 && y >= 1850 && y <= 2100 &&
             m >= 1 && m <= 12 && d >= 1 && d <= 31) {
    g_snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
  } else if (n == 2 && (m = month_number(words[0])) && year_of(words[1], &y)) {
    g_snprintf(out, 16, "%04d-%02d", y, m);
  } else if (n == 3 && (m = month_number(words[1])) && year_of(words[2], &y) &&
             (d = atoi(words[0])) >= 1 && d <= 31) {
    g_snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
  } else {
    return FALSE;
  }
  *year = y;
  return TRUE;
}

gboolean
br_watchlist_parse_birth_date(const char *text, char out[16], gboolean *approximate)
{
  /* "circa 1979-1982" is a range like "1979 to 1982". */
  GRegex *dash = g_regex_new("\\b([0-9]{4})-([0-9]{4})\\b", 0, 0, NULL);
  char *copy = g_regex_replace(dash, text, -1, 0, "\\1 to \\2", 0, NULL);
  g_regex_unref(dash);
  char **w = g_strsplit_set(copy, " \t", -1);
  char *words[12];
  guint n = 0, to = 0;
  gboolean ok = FALSE;
  *approximate = FALSE;
  for (guint i = 0; w[i] && n < G_N_ELEMENTS(words); i++)
    if (*w[i])
      words[n++] = w[i];
  guint first = 0;
  if (n > 0 && (g_ascii_strcasecmp(words[0], "circa") == 0 ||
                g_ascii_strcasecmp(words[0], "approximately") == 0)) {
    *approximate = TRUE;
    first = 1;
  }
  for (guint i = first; i < n; i++)
    if (g_ascii_strcasecmp(words[i], "to") == 0)
      to = i;
  /* A range keeps years only: the days of its ends ("01 Jan 1973 to 31 Dec 1973") say no more
   * than the years. */
  char a[16], b[16];
  int y1, y2;
  if (!to) {
    ok = parse_one_date(words + first, n - first, out, &y1);
  } else {
    if (parse_one_date(words + first, to - first, a, &y1) &&
        parse_one_date(words + to + 1, n - to - 1, b, &y2) && y1 <= y2) {
      if (y1 == y2)
        g_snprintf(out, 16, "%04d", y1);
      else
        g_snprintf(out, 16, "%04d/%04d", y1, y2);
      ok = TRUE;
    }
  }
  g_strfreev(w);
  g_free(copy);
  return ok;
}

/* "Passport 1084010 (Egypt)" -> number "1084010", country "Egypt" (NULL when none). */
static void
split_country(char *rest, char **number, char **country)
{
  *country = NULL;
  char *open = strrchr(rest, '(');
  if (open && rest[strlen(rest) - 1] == ')') {
    rest[strlen(rest) - 1] = '\0';
    *open = '\0';
    *country = g_strstrip(open + 1);
  }
  *number = g_strstrip(rest);
}

/* Remark labels that name an identity or registration number. Telephone and fax numbers,
 * web sites and e-mail addresses are contacts, not identities; aircraft and vessels are
 * identified by their value. */
static gboolean
id_label(const char *label)
{
  static const char *const ends[] = {" No.", " Number", " ID",    " #",       "Passport", "Cedula",
                                     "RUC",  "NIT",     "D.N.I.", "C.U.R.P.", "R.F.C.",   "SSN"};
  static const char *const skip[] = {"Telephone",         "Fax",    "Phone",
                                     "Website",           "Email",  "Aircraft",
                                     "Previous Aircraft", "Vessel", "Branch Unit"};
  for (guint i = 0; i < G_N_ELEMENTS(skip); i++)
    if (g_str_has_prefix(label, skip[i]))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(ends); i++)
    if (g_str_has_suffix(label, ends[i]))
      return TRUE;
  return FALSE;
}

/* The label of a remark: its words up to the first one holding a digit, which starts the
 * number ("National ID No. 660000 73767 (Belgium)"). Returns where the number starts. */
static const char *
remark_number(const char *remark)
{
  for (const char *p = remark; *p; p++)
    if ((p == remark || p[-1] == ' ') && strpbrk(p, "0123456789")) {
      const char *end = strchr(p, ' ');
      gsize len = end ? (gsize)(end - p) : strlen(p);
      for (gsize i = 0; i < len; i++)
        if (g_ascii_isdigit(p[i]))
          return p;
    }
  return NULL;
}

void
br_watchlist_ofac_remarks(BrWatchlist *wl, guint entry, const char *where, const char *remarks)
{
  char **parts = g_strsplit(remarks ? remarks : "", ";", -1);
  for (guint i = 0; parts[i]; i++) {
    char *r = g_strstrip(parts[i]);
    gsize len = strlen(r);
    if (len > 0 && r[len - 1] == '.' && parts[i + 1] == NULL)
      r[len - 1] = '\0';
    if (g_str_has_prefix(r, "alt. "))
      r += 5;
    char out[16];
    gboolean approx;
    if (g_str_has_prefix(r, "DOB ")) {
      if (br_watchlist_parse_birth_date(r + 4, out, &approx))
        br_watchlist_add_fact(wl, entry, BR_FACT_BIRTH_DATE, out, approx ? "approximately" : NULL);
      else
        br_watchlist_reject(wl, where, "date of birth '%s' is not a date; kept without it", r + 4);
    } else if (g_str_has_prefix(r, "nationality ") || g_str_has_prefix(r, "citizen ")) {
      gboolean nat = r[0] == 'n';
      const char *country = r + (nat ? 12 : 8);
      if (g_str_has_prefix(country, "possibly "))
        continue;
      br_watchlist_add_country(wl, entry, where, country, nat ? "nationality" : "citizenship");
    } else if (g_str_has_prefix(r, "POB ")) {
      /* "Giza, Egypt": the country is the last part; a town alone says nothing checkable. */
      const char *comma = strrchr(r, ',');
      const char *last = g_strstrip((char *)(comma ? comma + 1 : r + 4));
      if (br_country_code(last, -1))
        br_watchlist_add_country(wl, entry, where, last, "birth");
    } else {
      const char *num = remark_number(r);
      if (!num || num == r)
        continue;
      char *label = g_strstrip(g_strndup(r, (gsize)(num - r)));
      if (id_label(label)) {
        char *rest = g_strdup(num), *number, *country;
        /* "Passport P229856 issued 01 Nov 2002 expires 31 Oct 2007" */
        for (const char *const *cut = (const char *const[]){" issued", " expires", NULL}; *cut;
             cut++) {
          char *at = strstr(rest, *cut);
          if (at)
            *at = '\0';
        }
        split_country(rest, &number, &country);
        char *note = country ? g_strdup_printf("%s (%s)", label, country) : g_strdup(label);
        br_watchlist_add_fact(wl, entry, BR_FACT_ID, number, note);
        g_free(note);
        g_free(rest);
      }
      g_free(label);
    }
  }
  g_strfreev(parts);
}
