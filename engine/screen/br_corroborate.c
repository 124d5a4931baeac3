#include "br_corroborate.h"

#include <stdlib.h>
#include <string.h>

#include "br_country.h"

gboolean
br_watch_party_any(const BrWatchParty *party)
{
  return party && ((party->country && party->country_len) ||
                   (party->birth_date && party->birth_date_len) || (party->id && party->id_len));
}

double
br_corroborate_floor(const BrWatchParty *party, double threshold)
{
  if (!br_watch_party_any(party))
    return threshold;
  /* A country alone does not widen the search: nearly every party has one, and looking 0.03
   * lower for all of them cost the starter pack's rank a fifth of its time (bench/README.md).
   * With a date of birth, whatever the country could add counts too. */
  double lift = 0;
  if (party->birth_date && party->birth_date_len)
    lift = BR_CORROB_BIRTH_DAY_AGREE +
           (party->country && party->country_len ? BR_CORROB_COUNTRY_AGREE : 0);
  double floor = threshold - lift;
  if (party->id && party->id_len)
    floor = MIN(floor, BR_CORROB_ID_FLOOR);
  return MAX(floor, 0.0);
}

/* Upper-case letters and digits only: "OB 0243318" and "ob-0243318" are one number. */
static void
id_key(const char *s, gsize len, char *out, gsize size)
{
  gsize n = 0;
  for (gsize i = 0; i < len && s[i] && n + 1 < size; i++)
    if (g_ascii_isalnum(s[i]))
      out[n++] = g_ascii_toupper(s[i]);
  out[n] = '\0';
}

/* A date of birth's years (first, last) and, when known, its month and day. */
typedef struct {
  int from, to, month, day;
} Born;

static gboolean
born_parse(const char *text, gboolean approximate, Born *b)
{
  memset(b, 0, sizeof *b);
  if (strlen(text) == 9 && text[4] == '/') {
    b->from = atoi(text);
    b->to = atoi(text + 5);
  } else {
    b->from = b->to = atoi(text);
    if (strlen(text) >= 7)
      b->month = atoi(text + 5);
    if (strlen(text) >= 10)
      b->day = atoi(text + 8);
  }
  if (approximate) {
    b->from--;
    b->to++;
  }
  return b->from > 0;
}

/* How a party's date of birth compares with one listed date. */
static BrCorrobState
born_compare(const Born *party, const Born *listed)
{
  if (party->to < listed->from || party->from > listed->to)
    return BR_CORROB_CONFLICTS;
  if (party->from != party->to || listed->from != listed->to)
    return BR_CORROB_AGREES_YEAR;
  if (party->month && listed->month && party->month != listed->month)
    return BR_CORROB_CONFLICTS;
  if (party->day && listed->day)
    return party->day == listed->day ? BR_CORROB_AGREES : BR_CORROB_CONFLICTS;
  return BR_CORROB_AGREES_YEAR;
}

/* Agreement ranks above conflict: a list gives several dates when it is unsure. */
static int
state_rank(BrCorrobState s)
{
  return s == BR_CORROB_AGREES ? 3 : s == BR_CORROB_AGREES_YEAR ? 2 : s == BR_CORROB_CONFLICTS;
}

double
br_corroborate(const BrWatchParty *party, const BrWatchlist *wl, guint entry, double score,
               double raw, BrCorroboration *out)
{
  memset(out, 0, sizeof *out);
  out->name = score;
  if (!br_watch_party_any(party))
    return score;
  out->any = TRUE;
  const char *code = party->country && party->country_len
                         ? br_country_code(party->country, (gssize)party->country_len)
                         : NULL;
  char pid[32] = "";
  if (party->id && party->id_len)
    id_key(party->id, party->id_len, pid, sizeof pid);
  Born pborn;
  gboolean has_born = FALSE;
  if (party->birth_date && party->birth_date_len) {
    char *text = g_strndup(party->birth_date, party->birth_date_len), norm[16];
    gboolean approx;
    if (br_watchlist_parse_birth_date(g_strstrip(text), norm, &approx) &&
        born_parse(norm, approx, &pborn)) {
      has_born = TRUE;
      g_strlcpy(out->party_birth, norm, sizeof out->party_birth);
    }
    g_free(text);
  }
  if (code)
    g_strlcpy(out->party_country, code, sizeof out->party_country);
  const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, entry);
  /* A vessel's IMO number is its value: permanent, so another number is another ship. */
  if (e->kind == BR_WATCH_VESSEL && e->value && pid[0]) {
    char imo[8];
    gboolean same = br_watchlist_imo_valid(pid, imo) && strcmp(imo, e->value) == 0;
    out->id = same ? BR_CORROB_AGREES : BR_CORROB_CONFLICTS;
    g_strlcpy(out->listed_id, e->value, sizeof out->listed_id);
  }
  guint n;
  const BrWatchFact *f = br_watchlist_entry_facts(wl, entry, &n);
  for (guint i = 0; i < n; i++) {
    if (f[i].kind == BR_FACT_COUNTRY && code) {
      BrCorrobState s = strcmp(f[i].value, code) == 0 ? BR_CORROB_AGREES : BR_CORROB_CONFLICTS;
      if (state_rank(s) > state_rank(out->country)) {
        out->country = s;
        g_strlcpy(out->listed_country, f[i].value, sizeof out->listed_country);
      }
    } else if (f[i].kind == BR_FACT_BIRTH_DATE && has_born) {
      Born listed;
      if (!born_parse(f[i].value, g_strcmp0(f[i].note, "approximately") == 0, &listed))
        continue;
      BrCorrobState s = born_compare(&pborn, &listed);
      if (state_rank(s) > state_rank(out->birth)) {
        out->birth = s;
        g_strlcpy(out->listed_birth, f[i].value, sizeof out->listed_birth);
      }
    } else if (f[i].kind == BR_FACT_ID && strlen(pid) >= 5 && out->id != BR_CORROB_AGREES) {
      char lid[32];
      id_key(f[i].value, strlen(f[i].value), lid, sizeof lid);
      if (strcmp(lid, pid) == 0) {
        out->id = BR_CORROB_AGREES;
        g_strlcpy(out->listed_id, f[i].value, sizeof out->listed_id);
      }
    }
  }
  out->country_adj = out->country == BR_CORROB_AGREES      ? BR_CORROB_COUNTRY_AGREE
                     : out->country == BR_CORROB_CONFLICTS ? BR_CORROB_COUNTRY_CONFLICT
                                                           : 0;
  out->birth_adj = out->birth == BR_CORROB_AGREES        ? BR_CORROB_BIRTH_DAY_AGREE
                   : out->birth == BR_CORROB_AGREES_YEAR ? BR_CORROB_BIRTH_YEAR_AGREE
                   : out->birth == BR_CORROB_CONFLICTS   ? BR_CORROB_BIRTH_CONFLICT
                                                         : 0;
  double imo_adj = out->id == BR_CORROB_CONFLICTS ? BR_CORROB_IMO_CONFLICT : 0;
  if (out->id == BR_CORROB_AGREES && raw >= BR_CORROB_ID_FLOOR)
    return 1.0;
  return CLAMP(score + out->country_adj + out->birth_adj + imo_adj, 0.0, 1.0);
}

void
br_corroboration_describe(const BrCorroboration *c, GString *out)
{
  gsize start = out->len;
  if (c->country == BR_CORROB_AGREES)
    g_string_append_printf(out, "country %s as listed %+.2f", c->party_country, c->country_adj);
  else if (c->country == BR_CORROB_CONFLICTS)
    g_string_append_printf(out, "country %s, listed %s %+.2f", c->party_country, c->listed_country,
                           c->country_adj);
  if (c->birth != BR_CORROB_ABSENT) {
    gboolean same = strcmp(c->party_birth, c->listed_birth) == 0;
    g_string_append_printf(out, "%sborn %s%s%s %+.2f", out->len > start ? "; " : "", c->party_birth,
                           c->birth == BR_CORROB_CONFLICTS ? ", listed "
                           : same                          ? " as listed"
                                                           : " as listed ",
                           same ? "" : c->listed_birth, c->birth_adj);
  }
  if (c->id == BR_CORROB_AGREES)
    g_string_append_printf(out, "%sid %s as listed: confirmed", out->len > start ? "; " : "",
                           c->listed_id);
  else if (c->id == BR_CORROB_CONFLICTS)
    g_string_append_printf(out, "%sIMO differs from listed %s %+.2f", out->len > start ? "; " : "",
                           c->listed_id, BR_CORROB_IMO_CONFLICT);
}
