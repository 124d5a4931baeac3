/* Name matching quality, measured on the real UN and OFAC lists.
 *
 * Positives: at least 300 listed names (a deterministic spread over both lists), each turned
 * into realistic variants: a transliteration swap, one typo, tokens reordered, a middle name
 * dropped, a legal form or name format changed, and, where the UN list has it, the name in
 * Arabic script (its own original-script alias is kept out of the index, so the Arabic query
 * must find the Latin entry). A positive counts when the right entry is among the matches.
 * Decoys: ordinary person and company names, many of Arabic origin and sharing generic words
 * and common given names with listed ones; a decoy is dropped only when its canonical tokens
 * equal a listed name's exactly (then it is not a decoy). Any match on a decoy, or only wrong
 * entries on a positive, is a false positive.
 *
 * Also run on the Senzing truth set (customers screened against its watchlist, names only). */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "br_nameindex.h"
#include "br_watchlist.h"

enum { V_TRANSLIT, V_TYPO, V_ORDER, V_DROP, V_FORMAT, V_ARABIC, V_COUNT };
static const char *const variant_names[V_COUNT] = {"transliteration",   "typo",
                                                   "token order",       "dropped middle",
                                                   "legal form/format", "arabic script"};

typedef struct {
  char *query;
  int type; /* V_*, or -1 for a decoy */
  guint16 list;
  guint32 entry;
} Case;

static gboolean
has_arabic(const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c >= 0x0600 && c <= 0x06FF)
      return TRUE;
  }
  return FALSE;
}

static gboolean
is_ascii_text(const char *s)
{
  for (; *s; s++)
    if ((guchar)*s >= 0x80)
      return FALSE;
  return TRUE;
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Canonical form for "is this decoy actually a listed name": distinctive tokens, sorted. */
static char *
canonical_key(const char *name)
{
  BrNameTokens t;
  br_name_tokenize(name, -1, &t);
  GPtrArray *words = g_ptr_array_new();
  for (guint i = 0; i < t.n; i++)
    if (!(t.tok[i].flags & (BR_NAME_TOKEN_PARTICLE | BR_NAME_TOKEN_GENERIC)))
      g_ptr_array_add(words, t.tok[i].text);
  g_ptr_array_sort(words, cmp_str);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < words->len; i++)
    g_string_append_printf(s, "%s ", (const char *)words->pdata[i]);
  g_ptr_array_free(words, TRUE);
  return g_string_free(s, FALSE);
}

/* ---- variants ---- */

typedef struct {
  const char *from;
  const char *to;
} Swap;

/* Spelling swaps seen between transliterations, whole words first, then letter groups. Some
 * are ones the normaliser does not know (kh/h, sh/ch, y/i ...): the fuzzy part must cope. */
static const Swap word_swaps[] = {
    {"MOHAMMED", "MUHAMMAD"}, {"MUHAMMAD", "MOHAMED"},  {"MOHAMED", "MOHAMMAD"},
    {"MOHAMMAD", "MUHAMMED"}, {"HUSSEIN", "HUSAYN"},    {"HUSAYN", "HUSSAIN"},
    {"HUSSAIN", "HOSSEIN"},   {"HASSAN", "HASAN"},      {"HASAN", "HASSAN"},
    {"OMAR", "UMAR"},         {"UMAR", "OMAR"},         {"OSAMA", "USAMA"},
    {"USAMA", "OSAMA"},       {"YUSUF", "YOUSSEF"},     {"YOUSSEF", "YUSUF"},
    {"ABDUL ", "ABD AL-"},    {"ABD AL-", "ABDUL "},    {"ABDEL", "ABDUL"},
    {"AL-", "EL-"},           {"EL-", "AL "},           {"ABU ", "ABOU "},
    {"BIN ", "BEN "},         {"IBN ", "BIN "},         {"AHMED", "AHMAD"},
    {"AHMAD", "AHMED"},       {"KHALID", "KHALED"},     {"MAHMOUD", "MAHMUD"},
    {"MUSTAFA", "MOSTAFA"},   {"IBRAHIM", "EBRAHIM"},   {"ISMAIL", "ISMAEL"},
    {"ABDULLAH", "ABDALLAH"}, {"ABDALLAH", "ABDULLAH"}, {"AL ", "AL-"},
};
static const Swap letter_swaps[] = {
    {"OU", "U"}, {"EE", "I"}, {"Q", "K"},  {"DH", "Z"}, {"KH", "H"}, {"SH", "CH"},
    {"Y", "I"},  {"AA", "A"}, {"SS", "S"}, {"I", "EE"}, {"U", "OU"}, {"PH", "F"},
};

static char *
apply_swap(const char *upper, const Swap *sw)
{
  const char *at = strstr(upper, sw->from);
  if (!at)
    return NULL;
  GString *s = g_string_new_len(upper, at - upper);
  g_string_append(s, sw->to);
  g_string_append(s, at + strlen(sw->from));
  return g_string_free(s, FALSE);
}

static char *
variant_translit(const char *name, GRand *rng)
{
  char *upper = g_utf8_strup(name, -1);
  char *out = NULL;
  guint start = (guint)g_rand_int_range(rng, 0, G_N_ELEMENTS(word_swaps));
  for (guint k = 0; k < G_N_ELEMENTS(word_swaps) && !out; k++)
    out = apply_swap(upper, &word_swaps[(start + k) % G_N_ELEMENTS(word_swaps)]);
  if (!out) {
    start = (guint)g_rand_int_range(rng, 0, G_N_ELEMENTS(letter_swaps));
    for (guint k = 0; k < G_N_ELEMENTS(letter_swaps) && !out; k++)
      out = apply_swap(upper, &letter_swaps[(start + k) % G_N_ELEMENTS(letter_swaps)]);
  }
  g_free(upper);
  return out;
}

static char **
words_of(const char *name)
{
  char *copy = g_strdup(name);
  for (char *p = copy; *p; p++)
    if (*p == ',')
      *p = ' ';
  char **parts = g_strsplit(copy, " ", -1);
  g_free(copy);
  GPtrArray *w = g_ptr_array_new();
  for (guint i = 0; parts[i]; i++)
    if (parts[i][0])
      g_ptr_array_add(w, g_strdup(parts[i]));
  g_strfreev(parts);
  g_ptr_array_add(w, NULL);
  return (char **)g_ptr_array_free(w, FALSE);
}

static char *
variant_typo(const char *name, GRand *rng)
{
  char **w = words_of(name);
  guint n = g_strv_length(w);
  guint longest = 0;
  guint cand[32], nc = 0;
  for (guint i = 0; i < n && nc < 32; i++)
    if (strlen(w[i]) >= 5 && is_ascii_text(w[i]))
      cand[nc++] = i;
  if (nc == 0 || n < 2) {
    g_strfreev(w);
    return NULL;
  }
  longest = cand[g_rand_int_range(rng, 0, (gint32)nc)];
  GString *t = g_string_new(w[longest]);
  guint pos = (guint)g_rand_int_range(rng, 1, (gint32)t->len - 1);
  switch (g_rand_int_range(rng, 0, 4)) {
  case 0:
    t->str[pos] = (char)('A' + g_rand_int_range(rng, 0, 26));
    break;
  case 1:
    g_string_erase(t, pos, 1);
    break;
  case 2: {
    char c = t->str[pos];
    t->str[pos] = t->str[pos + 1];
    t->str[pos + 1] = c;
    break;
  }
  default:
    g_string_insert_c(t, pos, t->str[pos]);
    break;
  }
  g_free(w[longest]);
  w[longest] = g_string_free(t, FALSE);
  char *out = g_strjoinv(" ", w);
  g_strfreev(w);
  return out;
}

static char *
variant_order(const char *name, GRand *rng)
{
  char **w = words_of(name);
  guint n = g_strv_length(w);
  if (n < 2) {
    g_strfreev(w);
    return NULL;
  }
  /* Rotate by at least one: the order always changes. */
  guint shift = (guint)g_rand_int_range(rng, 1, (gint32)n);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf(s, "%s%s", i ? " " : "", w[(i + shift) % n]);
  g_strfreev(w);
  return g_string_free(s, FALSE);
}

static char *
variant_drop(const char *name, GRand *rng)
{
  char **w = words_of(name);
  guint n = g_strv_length(w);
  if (n < 4) {
    g_strfreev(w);
    return NULL;
  }
  guint drop = (guint)g_rand_int_range(rng, 1, (gint32)n - 1);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < n; i++)
    if (i != drop)
      g_string_append_printf(s, "%s%s", s->len ? " " : "", w[i]);
  g_strfreev(w);
  return g_string_free(s, FALSE);
}

static char *
variant_format(const char *name, gboolean entity, GRand *rng)
{
  static const char *const forms[] = {"LLC",  "CO., LTD.", "FZE",    "JSC", "S.A.",
                                      "GmbH", "LIMITED",   "L.L.C.", "FZCO"};
  if (entity) {
    const char *form = forms[g_rand_int_range(rng, 0, G_N_ELEMENTS(forms))];
    return g_strdup_printf("%s %s", name, form);
  }
  /* OFAC writes "LAST, First Middle"; manifests write "First Middle Last", mixed case. */
  const char *comma = strchr(name, ',');
  if (!comma)
    return NULL;
  char *last = g_strndup(name, (gsize)(comma - name));
  char *rest = g_strstrip(g_strdup(comma + 1));
  char *title = g_ascii_strdown(last, -1);
  if (title[0])
    title[0] = g_ascii_toupper(title[0]);
  char *out = g_strdup_printf("%s %s", rest, title);
  g_free(last);
  g_free(rest);
  g_free(title);
  return out;
}

/* ---- decoys ---- */

static const char *const first_names[] = {
    "Ahmad",   "Mohammed", "Ali",    "Hassan",  "Omar",    "Khalid", "Youssef", "Karim",
    "Samir",   "Tariq",    "Walid",  "Rami",    "Fadi",    "Nabil",  "Ziad",    "Hamza",
    "Bilal",   "Fatima",   "Layla",  "Nadia",   "Rania",   "Huda",   "Mona",    "Salma",
    "Yasmin",  "Amira",    "Jamal",  "Imad",    "Majid",   "Sami",   "Adel",    "Faisal",
    "Mustafa", "Ibrahim",  "Ismail", "Mahmoud", "Saeed",   "Nasser", "Anwar",   "Hisham",
    "John",    "Peter",    "Maria",  "Anna",    "Carlos",  "Luis",   "Chen",    "Wei",
    "Hiroshi", "Ivan",     "Olga",   "Pierre",  "Hans",    "Giulia", "Ravi",    "Priya",
    "Mehmet",  "Emre",     "Ayse",   "Reza",    "Dariush", "Leila",  "Kemal",   "Arjun",
};
static const char *const last_names[] = {
    "Haddad",   "Khoury",  "Nasser",  "Saleh",    "Mansour",  "Darwish", "Hamdan",  "Aziz",
    "Farouk",   "Sabbagh", "Jaber",   "Yassin",   "Qasim",    "Issa",    "Shami",   "Masri",
    "Halabi",   "Tamimi",  "Zoubi",   "Khatib",   "Najjar",   "Hourani", "Barakat", "Bitar",
    "Kassab",   "Rahal",   "Sayegh",  "Tannous",  "Obeid",    "Abboud",  "Awad",    "Daher",
    "Fakhoury", "Ghanem",  "Hilal",   "Jabbour",  "Karam",    "Maalouf", "Nassif",  "Sleiman",
    "Smith",    "Garcia",  "Mueller", "Rossi",    "Kowalski", "Ivanov",  "Wang",    "Tanaka",
    "Kumar",    "Yilmaz",  "Demir",   "Hosseini", "Rahimi",   "Moreau",  "Jensen",  "Silva",
    "Okafor",   "Mensah",  "Nguyen",  "Kim",      "Petrov",   "Novak",   "Horvat",
};
static const char *const company_words[] = {
    "Noor",    "Amal",    "Rawabi",   "Falcon",   "Golden",   "Star",    "Crescent", "Horizon",
    "Delta",   "Pearl",   "Oasis",    "Zenith",   "Atlas",    "Orient",  "Gulf",     "Sahara",
    "Cedar",   "Phoenix", "Eagle",    "Lotus",    "Tigris",   "Babylon", "Sumer",    "Basra",
    "Mosul",   "Erbil",   "Najaf",    "Karbala",  "Baghdad",  "Dijla",   "Furat",    "Rafidain",
    "Zagros",  "Levant",  "Marmara",  "Anatolia", "Nile",     "Aden",    "Sinbad",   "Bright",
    "Blue",    "Green",   "Silver",   "Royal",    "Modern",   "Future",  "Smart",    "Prime",
    "Unity",   "Harmony", "Sunrise",  "Ocean",    "Mountain", "River",   "Desert",   "Palm",
    "Jasmine", "Saffron", "Cardamom", "Olive",    "Fajr",     "Hilal",   "Wafa",     "Ittihad",
    "Tawfiq",  "Baraka",  "Salam",    "Diyar",    "Kawthar",  "Sanabel",
};
static const char *const company_kinds[] = {
    "General Trading",
    "Trading",
    "Shipping",
    "Logistics",
    "Foodstuff Trading",
    "Import Export",
    "Industries",
    "Steel Industries",
    "Electronics",
    "Contracting",
    "International Group",
    "Holding",
    "Textiles",
    "Pharmaceuticals",
    "Building Materials",
    "Auto Spare Parts",
    "Marine Services",
    "Agencies",
    "Commercial Agencies",
    "Food Industries",
};
static const char *const legal_forms[] = {
    "LLC", "Co. Ltd.", "FZE", "FZCO", "JSC", "Ltd", "S.A.L.", "W.L.L.", "", "", "Inc.", "GmbH",
};

static char *
decoy(GRand *rng, guint i)
{
#define PICK(a) a[g_rand_int_range(rng, 0, G_N_ELEMENTS(a))]
  switch (i % 4) {
  case 0:
    return g_strdup_printf("%s %s", PICK(first_names), PICK(last_names));
  case 1:
    return g_strdup_printf("%s %s %s", PICK(first_names), PICK(first_names), PICK(last_names));
  case 2:
    return g_strdup_printf("%s%s %s %s", g_rand_boolean(rng) ? "Al " : "", PICK(company_words),
                           PICK(company_kinds), PICK(legal_forms));
  default:
    return g_strdup_printf("%s %s %s %s", PICK(company_words), PICK(company_words),
                           PICK(company_kinds), PICK(legal_forms));
  }
#undef PICK
}

/* ---- the test set ---- */

typedef struct {
  BrWatchlist *lists[2];
  BrNameIndex *index;
  GArray *cases; /* Case */
  guint positives_names;
} Set;

static void
add_case(Set *set, char *query, int type, guint16 list, guint32 entry)
{
  Case c = {query, type, list, entry};
  g_array_append_val(set->cases, c);
}

static void
build_set(Set *set)
{
  GError *error = NULL;
  char *un =
      g_build_filename(g_getenv("BR_SHARED_DATA"), "watchlists", "un-consolidated.xml", NULL);
  char *ofac = g_build_filename(g_getenv("BR_SHARED_DATA"), "watchlists", "ofac", NULL);
  set->lists[0] = br_watchlist_load_un(un, &error);
  g_assert_no_error(error);
  set->lists[1] = br_watchlist_load_ofac(ofac, &error);
  g_assert_no_error(error);
  g_free(un);
  g_free(ofac);

  /* The index: every party name except those in Arabic script. */
  BrNameIndexBuilder *b = br_name_index_builder_new();
  GHashTable *listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint16 l = 0; l < 2; l++) {
    const BrWatchlist *wl = set->lists[l];
    for (guint i = 0; i < wl->entries->len; i++) {
      const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
      if (!(BR_WATCH_PARTY_KINDS & (1u << e->kind)))
        continue;
      br_name_index_builder_add(b, e->name, i, l, (guint8)e->kind, BR_NAME_QUALITY_PRIMARY);
      g_hash_table_add(listed, canonical_key(e->name));
    }
    for (guint i = 0; i < wl->aliases->len; i++) {
      const BrWatchAlias *a = &g_array_index(wl->aliases, BrWatchAlias, i);
      const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, a->entry);
      if (!(BR_WATCH_PARTY_KINDS & (1u << e->kind)) || has_arabic(a->name))
        continue;
      br_name_index_builder_add(b, a->name, a->entry, l, (guint8)e->kind, a->quality);
      g_hash_table_add(listed, canonical_key(a->name));
    }
  }
  set->index = br_name_index_build(b);
  set->cases = g_array_new(FALSE, FALSE, sizeof(Case));

  GRand *rng = g_rand_new_with_seed(20261104);
  /* Positives: every 4th UN party and every 30th OFAC party, by list order. */
  const guint stride[2] = {4, 30};
  for (guint16 l = 0; l < 2; l++) {
    const BrWatchlist *wl = set->lists[l];
    guint seen = 0;
    for (guint i = 0; i < wl->entries->len; i++) {
      const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
      if (!(BR_WATCH_PARTY_KINDS & (1u << e->kind)) || seen++ % stride[l] != 0)
        continue;
      gboolean entity = e->kind == BR_WATCH_ENTITY;
      set->positives_names++;
      char *made[V_COUNT] = {variant_translit(e->name, rng),       variant_typo(e->name, rng),
                             variant_order(e->name, rng),          variant_drop(e->name, rng),
                             variant_format(e->name, entity, rng), NULL};
      for (guint k = 0; k < wl->aliases->len; k++) {
        const BrWatchAlias *a = &g_array_index(wl->aliases, BrWatchAlias, k);
        if (a->entry == i && has_arabic(a->name) && !made[V_ARABIC])
          made[V_ARABIC] = g_strdup(a->name);
      }
      /* Two variants per name, of different kinds, plus the Arabic script when there. */
      guint kept = 0;
      guint start = (guint)g_rand_int_range(rng, 0, V_ARABIC);
      for (guint k = 0; k < V_ARABIC; k++) {
        guint v = (start + k) % V_ARABIC;
        if (made[v] && kept < 2) {
          add_case(set, made[v], (int)v, l, i);
          made[v] = NULL;
          kept++;
        }
      }
      if (made[V_ARABIC]) {
        add_case(set, made[V_ARABIC], V_ARABIC, l, i);
        made[V_ARABIC] = NULL;
      }
      for (guint v = 0; v < V_COUNT; v++)
        g_free(made[v]);
    }
  }
  for (guint i = 0, made = 0; made < 1200; i++) {
    char *d = decoy(rng, i);
    char *key = canonical_key(d);
    if (g_hash_table_contains(listed, key)) {
      g_free(d);
    } else {
      add_case(set, d, -1, 0, 0);
      made++;
    }
    g_free(key);
  }
  g_rand_free(rng);
  g_hash_table_destroy(listed);
}

static void
free_set(Set *set)
{
  for (guint i = 0; i < set->cases->len; i++)
    g_free(g_array_index(set->cases, Case, i).query);
  g_array_free(set->cases, TRUE);
  br_name_index_free(set->index);
  br_watchlist_free(set->lists[0]);
  br_watchlist_free(set->lists[1]);
}

/* A positive whose right entry the name alone would match, but which is held under the
 * threshold because the match rests on common names only (BR_NAME_COMMON_CAP). */
static gboolean
held_as_common(const BrNameIndex *index, BrNameScratch *s, const Case *c)
{
  BrNameMatch m[32];
  guint n = br_name_index_match(index, s, c->query, -1, BR_WATCH_PARTY_KINDS, BR_NAME_COMMON_CAP,
                                m, G_N_ELEMENTS(m));
  for (guint k = 0; k < n; k++)
    if (m[k].list == c->list && m[k].entry == c->entry && m[k].common &&
        m[k].name_score >= BR_NAME_DEFAULT_THRESHOLD)
      return TRUE;
  return FALSE;
}

static void
test_quality_un_ofac(void)
{
  Set set = {0};
  build_set(&set);
  BrNameScratch *s = br_name_scratch_new(set.index);
  guint tp = 0, fp = 0, positives = 0, decoys = 0, decoy_alerts = 0, held = 0;
  guint per_total[V_COUNT] = {0}, per_found[V_COUNT] = {0};
  gboolean verbose = g_getenv("BR_QUALITY_VERBOSE") != NULL;
  for (guint i = 0; i < set.cases->len; i++) {
    const Case *c = &g_array_index(set.cases, Case, i);
    BrNameMatch m[32]; /* a name listed many times (branches, aliases) matches them all */
    guint n = br_name_index_match(set.index, s, c->query, -1, BR_WATCH_PARTY_KINDS,
                                  BR_NAME_DEFAULT_THRESHOLD, m, G_N_ELEMENTS(m));
    if (c->type < 0) {
      decoys++;
      if (n > 0) {
        fp++;
        decoy_alerts++;
        if (verbose)
          fprintf(stderr, "FP  %s -> %s (%.3f)\n", c->query, m[0].name, m[0].score);
      }
      continue;
    }
    positives++;
    per_total[c->type]++;
    gboolean found = FALSE;
    for (guint k = 0; k < n; k++)
      found |= m[k].list == c->list && m[k].entry == c->entry;
    if (found) {
      tp++;
      per_found[c->type]++;
    } else if (held_as_common(set.index, s, c)) {
      held++;
      if (verbose)
        fprintf(stderr, "HELD [%s] %s: a common name, capped at %.2f\n", variant_names[c->type],
                c->query, BR_NAME_COMMON_CAP);
    } else {
      if (n > 0)
        fp++;
      if (verbose) {
        /* What the right entry scored, to see how far below the threshold it fell. */
        BrNameMatch all[32];
        guint na = br_name_index_match(set.index, s, c->query, -1, BR_WATCH_PARTY_KINDS, 0.01, all,
                                       G_N_ELEMENTS(all));
        double best = 0;
        const char *via = "";
        for (guint k = 0; k < na; k++)
          if (all[k].list == c->list && all[k].entry == c->entry && all[k].score > best) {
            best = all[k].score;
            via = all[k].name;
          }
        fprintf(stderr, "FN  [%s] %s -> %.3f %s\n", variant_names[c->type], c->query, best, via);
      }
    }
  }
  double recall = (double)tp / positives;
  double recall_named = (double)tp / (positives - held);
  double precision = tp + fp ? (double)tp / (tp + fp) : 0;
  g_test_message("listed names %u, positive queries %u, decoys %u", set.positives_names, positives,
                 decoys);
  g_printerr("# name matching at threshold %.2f: %u listed names, %u variants, %u decoys\n",
             BR_NAME_DEFAULT_THRESHOLD, set.positives_names, positives, decoys);
  for (guint v = 0; v < V_COUNT; v++)
    g_printerr("#   %-18s recall %.3f (%u/%u)\n", variant_names[v],
               per_total[v] ? (double)per_found[v] / per_total[v] : 0.0, per_found[v],
               per_total[v]);
  g_printerr("#   decoys matched: %u of %u\n", decoy_alerts, decoys);
  g_printerr("#   common names held under the threshold (name alone is no evidence): %u\n",
             held);
  g_printerr("# recall %.3f (%.3f without the common names held)  precision %.3f\n", recall,
             recall_named, precision);
  g_assert_cmpuint(set.positives_names, >=, 300);
  g_assert_cmpuint(decoys, >=, 1000);
  g_assert_cmpuint(per_total[V_ARABIC], >=, 50);
  /* These floors sit just under what the matcher reaches now (recall 0.940, 0.959 without the
   * common names held, precision 0.978), so any regression fails here. */
  g_assert_cmpfloat(recall, >=, 0.937);
  g_assert_cmpfloat(recall_named, >=, 0.955);
  g_assert_cmpfloat(precision, >=, 0.975);
  br_name_scratch_free(s);
  free_set(&set);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/namematch/quality-un-ofac", test_quality_un_ofac);
  return g_test_run();
}
