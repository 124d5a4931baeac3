/* The name matching evaluation set (br_name_variants.h). Each kind is one function; its
 * comment says which practice it follows. */
#include "br_name_variants.h"

#include <stdio.h>
#include <string.h>

#include "br_names.h"

const char *const br_name_variants_kind_names[BR_NV_KINDS] = {
    "transliteration",   "typo (1 edit)",        "typo (2 edits)", "split / joined",
    "token order",       "dropped middle name",  "legal form",     "name format",
    "honorific / kunya", "acronym / place (..)", "Arabic script",  "Persian/Urdu/Kurdish",
    "Cyrillic script",
};

#define PICK(rng, a) ((a)[g_rand_int_range((rng), 0, (gint32)G_N_ELEMENTS(a))])

gboolean
br_name_variants_non_latin(const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char(p))
    if (g_utf8_get_char(p) >= 0x0370)
      return TRUE;
  return FALSE;
}

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
ascii_letters(const char *s)
{
  if (!*s)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isupper(*s))
      return FALSE;
  return TRUE;
}

/* ---- words and name units ---- */

/* The words of an upper-cased name, the comma of "LAST, First" dropped; *comma receives how
 * many words came before it (0: no comma). */
static GPtrArray *
words_of(const char *upper, guint *comma)
{
  GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
  *comma = 0;
  char **parts = g_strsplit_set(upper, " \t\n", -1);
  for (guint i = 0; parts[i]; i++) {
    char *p = parts[i];
    gsize n = strlen(p);
    gboolean ends_comma = n > 0 && p[n - 1] == ',';
    if (ends_comma)
      p[--n] = '\0';
    if (n)
      g_ptr_array_add(w, g_strdup(p));
    if (ends_comma && *comma == 0)
      *comma = w->len;
  }
  g_strfreev(parts);
  return w;
}

static char *
join_words(GPtrArray *w, guint skip)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < w->len; i++)
    if (i != skip)
      g_string_append_printf(s, "%s%s", s->len ? " " : "", (const char *)w->pdata[i]);
  return g_string_free(s, FALSE);
}

static gboolean
in_set(const char *word, const char *const *set)
{
  for (guint i = 0; set[i]; i++)
    if (strcmp(word, set[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Arabic names are made of units that are never taken apart: the article and the kunya, nasab
 * and 'abd words go with the next word (AL QAIDA, ABU BAKR, BIN LADEN, ABDUL RAHMAN), ALLAH
 * and AL-DIN with the one before (NASR ALLAH, SALAH AL-DIN). */
static const char *const prefix_words[] = {
    "AL",   "EL",   "ABU", "ABOU", "ABD", "ABDUL", "ABDEL", "ABDUR", "BIN", "BEN", "IBN",
    "BINT", "OULD", "UL",  "UD",   "DE",  "DI",    "DA",    "VAN",   "VON", "DEL", NULL};
static const char *const suffix_words[] = {"ALLAH",  "ULLAH",  "DIN",   "UDDIN", "EDDINE",
                                           "AL-DIN", "EL-DIN", "ADDIN", NULL};

/* Groups words[from..to) into units; returns a new array of unit strings. */
static GPtrArray *
units_of(GPtrArray *w, guint from, guint to)
{
  GPtrArray *u = g_ptr_array_new_with_free_func(g_free);
  GString *cur = g_string_new(NULL);
  for (guint i = from; i < to; i++) {
    const char *word = w->pdata[i];
    gboolean attach_prev = cur->len && in_set(word, suffix_words);
    if (cur->len && !attach_prev) {
      g_ptr_array_add(u, g_strdup(cur->str));
      g_string_truncate(cur, 0);
    }
    g_string_append_printf(cur, "%s%s", cur->len ? " " : "", word);
    if (in_set(word, prefix_words) && i + 1 < to)
      g_string_append_printf(cur, " %s", (const char *)w->pdata[++i]);
  }
  if (cur->len)
    g_ptr_array_add(u, g_strdup(cur->str));
  g_string_free(cur, TRUE);
  return u;
}

static char *
join_units(GPtrArray *u, const char *sep)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < u->len; i++)
    g_string_append_printf(s, "%s%s", i ? sep : "", (const char *)u->pdata[i]);
  return g_string_free(s, FALSE);
}

static char *
title_case(const char *upper)
{
  char *s = g_ascii_strdown(upper, -1);
  gboolean start = TRUE;
  for (char *p = s; *p; p++) {
    if (start && g_ascii_isalpha(*p))
      *p = g_ascii_toupper(*p);
    start = !g_ascii_isalpha(*p) && *p != '\'';
  }
  return s;
}

/* ---- transliteration ---- */

/* Spellings of one name across transliteration schemes and languages (English, French,
 * Turkish, Egyptian g for j, Russian -ey/-iy, Persian e/o for a/u). A word of a group is
 * written as another of the group. */
static const char *const *const spelling_groups[] = {
    (const char *const[]){"MOHAMMED", "MUHAMMAD", "MOHAMED", "MOHAMMAD", "MUHAMMED", "MOHAMAD",
                          "MUHAMAD", "MEHMET", NULL},
    (const char *const[]){"HUSSEIN", "HUSAYN", "HUSSAIN", "HOSSEIN", "HUSEIN", "HUSEYIN", NULL},
    (const char *const[]){"HASSAN", "HASAN", "HASSANE", NULL},
    (const char *const[]){"OMAR", "UMAR", "OMER", NULL},
    (const char *const[]){"OSAMA", "USAMA", "OUSSAMA", NULL},
    (const char *const[]){"YUSUF", "YOUSSEF", "YOUSEF", "YOUSSOUF", "YUSEF", NULL},
    (const char *const[]){"AHMED", "AHMAD", "AHMET", NULL},
    (const char *const[]){"KHALID", "KHALED", NULL},
    (const char *const[]){"MAHMOUD", "MAHMUD", "MAHMOOD", NULL},
    (const char *const[]){"MUSTAFA", "MOSTAFA", "MUSTAPHA", NULL},
    (const char *const[]){"IBRAHIM", "EBRAHIM", "IBRAGIM", NULL},
    (const char *const[]){"ISMAIL", "ISMAEL", "ISMAIIL", NULL},
    (const char *const[]){"ABDULLAH", "ABDALLAH", "ABDULLA", "ABDELLAH", NULL},
    (const char *const[]){"ABDUL", "ABDEL", "ABDOUL", "ABD AL", NULL},
    (const char *const[]){"ABU", "ABOU", "ABO", NULL},
    (const char *const[]){"BIN", "BEN", "IBN", NULL},
    (const char *const[]){"JAMAL", "GAMAL", "DJAMEL", "JAMEL", NULL},
    (const char *const[]){"QASIM", "KASSEM", "QASSIM", "KASIM", NULL},
    (const char *const[]){"FAISAL", "FAYSAL", "FEISAL", NULL},
    (const char *const[]){"ZAID", "ZAYD", "ZEID", NULL},
    (const char *const[]){"HAMID", "HAMEED", "HAMED", NULL},
    (const char *const[]){"RASHID", "RACHID", "RASHEED", NULL},
    (const char *const[]){"KHALIL", "KHALEEL", NULL},
    (const char *const[]){"SULEIMAN", "SULAYMAN", "SULEYMAN", "SLIMANE", NULL},
    (const char *const[]){"UTHMAN", "OSMAN", "OTHMAN", "USMAN", NULL},
    (const char *const[]){"JAAFAR", "JAFAR", "JAFFAR", NULL},
    (const char *const[]){"ZUBAIR", "ZUBAYR", "ZUBEIR", NULL},
    (const char *const[]){"TALIB", "TALEB", NULL},
    (const char *const[]){"NASSER", "NASIR", "NASER", NULL},
    (const char *const[]){"KARIM", "KAREEM", NULL},
    (const char *const[]){"YAHYA", "YAHIA", "YEHIA", NULL},
    (const char *const[]){"MUSA", "MOUSSA", "MOUSA", NULL},
    (const char *const[]){"ISSA", "ISA", "EISA", NULL},
    (const char *const[]){"HAJI", "HAJJI", "HADJI", NULL},
    (const char *const[]){"WALID", "WALEED", NULL},
    (const char *const[]){"SALEH", "SALIH", NULL},
    (const char *const[]){"ALI", "ALY", NULL},
    (const char *const[]){"ALEKSANDR", "ALEXANDER", "ALEKSANDER", NULL},
    (const char *const[]){"SERGEI", "SERGEY", NULL},
    (const char *const[]){"YURI", "YURIY", "IOURI", NULL},
    (const char *const[]){"ANDREI", "ANDREY", NULL},
    (const char *const[]){"DMITRI", "DMITRY", "DMITRIY", NULL},
    (const char *const[]){"ALEKSEI", "ALEXEY", "ALEKSEY", NULL},
    (const char *const[]){"NIKOLAI", "NIKOLAY", NULL},
    (const char *const[]){"VIKTOR", "VICTOR", NULL},
    (const char *const[]){"YEVGENIY", "EVGENY", "EVGENII", NULL},
};

/* Letter groups that schemes write differently: long vowels doubled or not (EE/I, OO/U),
 * French OU and DJ, Q as K or G, emphatic and interdental consonants (DH/Z, TH/T), KH/H,
 * SH/CH, GH/G, diphthongs (EI/AY, AI/AY), vowel quality (E/A, O/U), Y/I, doubled consonants,
 * PH/F, Russian -OV/-OFF and -SKIY/-SKY. Both directions. */
static const char *const letter_swaps[][2] = {
    {"OU", "U"},     {"EE", "I"}, {"OO", "U"},   {"Q", "K"},   {"Q", "G"},  {"DH", "Z"},
    {"TH", "T"},     {"KH", "H"}, {"SH", "CH"},  {"GH", "G"},  {"J", "DJ"}, {"EI", "AY"},
    {"AI", "AY"},    {"E", "A"},  {"O", "U"},    {"Y", "I"},   {"SS", "S"}, {"MM", "M"},
    {"PH", "F"},     {"W", "OU"}, {"C", "K"},    {"X", "KS"},  {"V", "W"},  {"OV", "OFF"},
    {"SKIY", "SKY"}, {"IY", "Y"}, {"TCH", "CH"}, {"IA", "YA"},
};

static gboolean
is_vowel(char c)
{
  return c && strchr("AEIOUY", c) != NULL;
}

/* A single letter is swapped only where it stands for its own sound: not as part of a digraph
 * (the H of CH, SH, KH; the U of OU) and a K written C only before A, O or U, where it reads K. */
static gboolean
letter_swap_fits(const char *word, const char *at, const char *from, const char *to)
{
  if (strlen(from) > 1 && strcmp(from, "OU") != 0)
    return TRUE;
  char prev = at > word ? at[-1] : 0, next = at[1];
  if (is_vowel(from[0]) && (is_vowel(prev) || is_vowel(next)))
    return FALSE;
  if (from[0] == 'H' && prev && strchr("CSKGTDPZ", prev))
    return FALSE;
  if (!is_vowel(from[0]) && next == 'H')
    return FALSE;
  if (strcmp(from, "K") == 0 && strcmp(to, "C") == 0 && !(next && strchr("AOU", next)))
    return FALSE;
  if (strcmp(from, "OU") == 0 && strcmp(to, "W") == 0 && !is_vowel(at[2]))
    return FALSE; /* French OU is W only before a vowel: Ouali / Wali, not Oumar / Wmar */
  return TRUE;
}

typedef struct {
  guint word;
  gsize at;
  const char *from;
  const char *to;
} Edit;

static char *
variant_translit(const char *upper, GRand *rng)
{
  guint comma;
  GPtrArray *w = words_of(upper, &comma);
  GArray *opts = g_array_new(FALSE, FALSE, sizeof(Edit));
  /* Whole-word spellings first: they are what differs most often between lists. */
  for (guint i = 0; i < w->len; i++)
    for (guint g = 0; g < G_N_ELEMENTS(spelling_groups); g++)
      for (guint k = 0; spelling_groups[g][k]; k++)
        if (strcmp(w->pdata[i], spelling_groups[g][k]) == 0)
          for (guint o = 0; spelling_groups[g][o]; o++)
            if (o != k)
              g_array_append_val(opts, ((Edit){i, 0, w->pdata[i], spelling_groups[g][o]}));
  if (opts->len == 0)
    for (guint i = 0; i < w->len; i++) {
      const char *word = w->pdata[i];
      for (guint s = 0; s < G_N_ELEMENTS(letter_swaps); s++)
        for (guint dir = 0; dir < 2; dir++) {
          const char *from = letter_swaps[s][dir], *to = letter_swaps[s][1 - dir];
          for (const char *at = strstr(word, from); at; at = strstr(at + 1, from))
            if (letter_swap_fits(word, at, from, to))
              g_array_append_val(opts, ((Edit){i, (gsize)(at - word), from, to}));
        }
    }
  char *out = NULL;
  if (opts->len) {
    Edit e = g_array_index(opts, Edit, g_rand_int_range(rng, 0, (gint32)opts->len));
    const char *word = w->pdata[e.word];
    char *nw =
        e.at == 0 && strcmp(word, e.from) == 0
            ? g_strdup(e.to)
            : g_strdup_printf("%.*s%s%s", (int)e.at, word, e.to, word + e.at + strlen(e.from));
    g_free(w->pdata[e.word]);
    w->pdata[e.word] = nw;
    out = join_words(w, G_MAXUINT);
  }
  g_array_free(opts, TRUE);
  g_ptr_array_free(w, TRUE);
  return out;
}

/* ---- typos ---- */

/* A slip on a QWERTY keyboard: a neighbouring key, a letter dropped, doubled, or two swapped.
 * The first letter is kept (people rarely mistype it, and read it back). */
static void
slip(GString *t, GRand *rng)
{
  static const char *const rows[] = {"QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"};
  guint pos = (guint)g_rand_int_range(rng, 1, (gint32)t->len);
  switch (g_rand_int_range(rng, 0, 4)) {
  case 0: {
    char c = t->str[pos];
    for (guint r = 0; r < G_N_ELEMENTS(rows); r++) {
      const char *at = strchr(rows[r], c);
      if (!at)
        continue;
      gsize i = (gsize)(at - rows[r]), n = strlen(rows[r]);
      t->str[pos] = i == 0       ? rows[r][1]
                    : i + 1 == n ? rows[r][i - 1]
                                 : rows[r][g_rand_boolean(rng) ? i - 1 : i + 1];
    }
    break;
  }
  case 1:
    g_string_erase(t, pos, 1);
    break;
  case 2:
    if (pos + 1 < t->len) {
      char c = t->str[pos];
      t->str[pos] = t->str[pos + 1];
      t->str[pos + 1] = c;
    } else {
      g_string_insert_c(t, pos, t->str[pos]);
    }
    break;
  default:
    g_string_insert_c(t, pos, t->str[pos]);
    break;
  }
}

static char *
variant_typo(const char *upper, guint slips, GRand *rng)
{
  guint comma;
  GPtrArray *w = words_of(upper, &comma);
  guint cand[BR_NAME_MAX_TOKENS], nc = 0;
  for (guint i = 0; i < w->len && nc < G_N_ELEMENTS(cand); i++)
    if (strlen(w->pdata[i]) >= 5 && ascii_letters(w->pdata[i]))
      cand[nc++] = i;
  char *out = NULL;
  if (nc > 0 && w->len >= 2) {
    guint first = cand[g_rand_int_range(rng, 0, (gint32)nc)];
    guint second = first;
    if (slips == 2 && nc >= 2 && g_rand_boolean(rng))
      while (second == first)
        second = cand[g_rand_int_range(rng, 0, (gint32)nc)];
    for (guint k = 0; k < slips; k++) {
      guint i = k == 0 ? first : second;
      GString *t = g_string_new(w->pdata[i]);
      slip(t, rng);
      g_free(w->pdata[i]);
      w->pdata[i] = g_string_free(t, FALSE);
    }
    out = join_words(w, G_MAXUINT);
  }
  g_ptr_array_free(w, TRUE);
  return out;
}

/* ---- split and joined words ---- */

/* Compounds are written apart or together in different lists: the article and 'abd or abu with
 * the next word (AL QAIDA / ALQAIDA, ABDULRAHMAN / ABDUL RAHMAN), ALLAH and UDDIN with the one
 * before (NASRULLAH / NASR ULLAH), hyphens dropped (ABD-AL-SAMAD / ABDALSAMAD), and short
 * syllables of East Asian given names (KWANG HYOK / KWANGHYOK). */
static char *
variant_split_join(const char *upper, GRand *rng)
{
  static const char *const split_prefixes[] = {"ABDUL", "ABDEL", "ABDUR", "ABU", "AL", "EL"};
  static const char *const split_suffixes[] = {"ULLAH", "ALLAH", "UDDIN", "EDDINE"};
  guint comma;
  GPtrArray *w = words_of(upper, &comma);
  GPtrArray *opts = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < w->len; i++) {
    const char *a = w->pdata[i];
    gsize n = strlen(a);
    if (i + 1 < w->len && i + 1 != comma) {
      const char *b = w->pdata[i + 1];
      gboolean dotted = strchr(a, '.') || strchr(b, '.');
      gboolean syllables = n <= 4 && strlen(b) <= 4 && ascii_letters(a) && ascii_letters(b) &&
                           !in_set(a, prefix_words) && !in_set(b, prefix_words) &&
                           !in_set(b, suffix_words);
      if (!dotted && (in_set(a, prefix_words) || in_set(b, suffix_words) || syllables)) {
        GString *s = g_string_new(NULL);
        for (guint k = 0; k < w->len; k++)
          g_string_append_printf(s, "%s%s",
                                 k == 0       ? ""
                                 : k == i + 1 ? ""
                                              : " ",
                                 (const char *)w->pdata[k]);
        g_ptr_array_add(opts, g_string_free(s, FALSE));
      }
    }
    if (strchr(a, '-') && n >= 5) {
      char **parts = g_strsplit(a, "-", -1);
      char *joined = g_strjoinv("", parts);
      g_strfreev(parts);
      char *old = w->pdata[i];
      w->pdata[i] = joined;
      g_ptr_array_add(opts, join_words(w, G_MAXUINT));
      w->pdata[i] = old;
      g_free(joined);
    }
    if (!ascii_letters(a))
      continue;
    for (guint p = 0; p < G_N_ELEMENTS(split_prefixes); p++) {
      gsize pl = strlen(split_prefixes[p]);
      if (n >= pl + 4 && strncmp(a, split_prefixes[p], pl) == 0) {
        char *split = g_strdup_printf("%.*s %s", (int)pl, a, a + pl);
        char *old = w->pdata[i];
        w->pdata[i] = split;
        g_ptr_array_add(opts, join_words(w, G_MAXUINT));
        w->pdata[i] = old;
        g_free(split);
        break;
      }
    }
    for (guint p = 0; p < G_N_ELEMENTS(split_suffixes); p++) {
      gsize sl = strlen(split_suffixes[p]);
      if (n >= sl + 3 && strcmp(a + n - sl, split_suffixes[p]) == 0) {
        char *split = g_strdup_printf("%.*s %s", (int)(n - sl), a, a + n - sl);
        char *old = w->pdata[i];
        w->pdata[i] = split;
        g_ptr_array_add(opts, join_words(w, G_MAXUINT));
        w->pdata[i] = old;
        g_free(split);
        break;
      }
    }
  }
  char *out = opts->len ? g_strdup(opts->pdata[g_rand_int_range(rng, 0, (gint32)opts->len)]) : NULL;
  g_ptr_array_free(opts, TRUE);
  g_ptr_array_free(w, TRUE);
  return out;
}

/* ---- order, middle names, format ---- */

static const char *const firm_heads[] = {"BANK",        "COMPANY",      "GROUP",
                                         "FOUNDATION",  "ORGANIZATION", "ORGANISATION",
                                         "CORPORATION", "INSTITUTE",    NULL};

/* A person's surname written first or last (registries and clerks differ; "LAST, First"
 * read with the comma lost); for a firm, a head noun moved (BANK SEPAH / SEPAH BANK). Name
 * units (units_of) stay whole. */
static char *
variant_order(const char *upper, gboolean entity, GRand *rng)
{
  guint comma;
  GPtrArray *w = words_of(upper, &comma);
  char *out = NULL;
  if (entity) {
    guint n = w->len;
    if (n >= 2 && in_set(w->pdata[0], firm_heads)) {
      char *head = w->pdata[0];
      g_ptr_array_steal_index(w, 0);
      g_ptr_array_add(w, head);
      out = join_words(w, G_MAXUINT);
    } else if (n >= 2 && in_set(w->pdata[n - 1], firm_heads)) {
      char *head = w->pdata[n - 1];
      g_ptr_array_steal_index(w, n - 1);
      g_ptr_array_insert(w, 0, head);
      out = join_words(w, G_MAXUINT);
    }
  } else if (comma > 0 && comma < w->len) {
    out = join_words(w, G_MAXUINT); /* LAST First Middle: the comma lost */
  } else {
    GPtrArray *u = units_of(w, 0, w->len);
    if (u->len >= 2) {
      /* Surname first, or (seldom) a given name moved to the end. */
      guint from = g_rand_int_range(rng, 0, 3) ? u->len - 1 : 0;
      char *moved = u->pdata[from];
      g_ptr_array_steal_index(u, from);
      if (from == 0)
        g_ptr_array_add(u, moved);
      else
        g_ptr_array_insert(u, 0, moved);
      out = join_units(u, " ");
    }
    g_ptr_array_free(u, TRUE);
  }
  g_ptr_array_free(w, TRUE);
  return out;
}

/* An East Asian name (every word one syllable: KIM SE GON, KIM, Se Gon) has no middle name: its
 * given name is written in two syllables. */
static gboolean
syllabic(GPtrArray *w)
{
  for (guint i = 0; i < w->len; i++)
    if (strlen(w->pdata[i]) > 5 || in_set(w->pdata[i], prefix_words))
      return FALSE;
  return TRUE;
}

/* A person's middle name left out: one given-name unit after the first ("LAST, First
 * Middle" -> "LAST, First"; "FIRST SECOND THIRD LAST" -> "FIRST THIRD LAST"). */
static char *
variant_drop_middle(const char *upper, GRand *rng)
{
  guint comma;
  GPtrArray *w = words_of(upper, &comma);
  char *out = NULL;
  if (syllabic(w)) {
    g_ptr_array_free(w, TRUE);
    return NULL;
  }
  if (comma > 0) {
    GPtrArray *given = units_of(w, comma, w->len);
    if (given->len >= 2) {
      guint drop = (guint)g_rand_int_range(rng, 1, (gint32)given->len);
      g_ptr_array_remove_index(given, drop);
      GPtrArray *sur = units_of(w, 0, comma);
      char *s = join_units(sur, " ");
      char *g = join_units(given, " ");
      out = g_strdup_printf("%s, %s", s, g);
      g_free(s);
      g_free(g);
      g_ptr_array_free(sur, TRUE);
    }
    g_ptr_array_free(given, TRUE);
  } else {
    GPtrArray *u = units_of(w, 0, w->len);
    if (u->len >= 3) {
      g_ptr_array_remove_index(u, (guint)g_rand_int_range(rng, 1, (gint32)u->len - 1));
      out = join_units(u, " ");
    }
    g_ptr_array_free(u, TRUE);
  }
  g_ptr_array_free(w, TRUE);
  return out;
}

/* OFAC writes "LAST, First Middle", manifests "First Middle Last" in mixed case; a name
 * without a comma is written the OFAC way. */
static char *
variant_format(const char *upper)
{
  guint comma;
  GPtrArray *w = words_of(upper, &comma);
  char *out = NULL;
  if (comma > 0 && comma < w->len) {
    GPtrArray *u = g_ptr_array_new();
    for (guint i = comma; i < w->len; i++)
      g_ptr_array_add(u, w->pdata[i]);
    for (guint i = 0; i < comma; i++)
      g_ptr_array_add(u, w->pdata[i]);
    char *plain = join_units(u, " ");
    out = title_case(plain);
    g_free(plain);
    g_ptr_array_free(u, TRUE);
  } else {
    GPtrArray *u = units_of(w, 0, w->len);
    if (u->len >= 2) {
      char *last = u->pdata[u->len - 1];
      g_ptr_array_steal_index(u, u->len - 1);
      char *rest = join_units(u, " ");
      char *title = title_case(rest);
      out = g_strdup_printf("%s, %s", last, title);
      g_free(last);
      g_free(rest);
      g_free(title);
    }
    g_ptr_array_free(u, TRUE);
  }
  g_ptr_array_free(w, TRUE);
  return out;
}

/* ---- legal forms ---- */

/* Forms of one kind, as firms write them (abbreviated, with or without dots, spelt out). */
static const char *const *const legal_groups[] = {
    (const char *const[]){"CO., LTD.", "CO. LTD", "COMPANY LIMITED", "LIMITED", "LTD.", "LTD",
                          NULL},
    (const char *const[]){"L.L.C.", "LLC", "LIMITED LIABILITY COMPANY", NULL},
    (const char *const[]){"S.A. DE C.V.", "SA DE CV", "S.A.", "SA", "SOCIEDAD ANONIMA", NULL},
    (const char *const[]){"LIMITADA", "LTDA.", "LTDA", NULL},
    (const char *const[]){"JOINT STOCK COMPANY", "OJSC", "PJSC", "CJSC", "JSC", NULL},
    (const char *const[]){"FZ-LLC", "FZCO", "FZE", NULL},
    (const char *const[]){"INCORPORATED", "CORPORATION", "CORP.", "INC.", "INC", NULL},
    (const char *const[]){"S.A.R.L.", "SARL", NULL},
    (const char *const[]){"S.R.L.", "SRL", NULL},
    (const char *const[]){"GMBH", "G.M.B.H.", NULL},
    (const char *const[]){"OOO", "LLC", NULL},
};

static char *
variant_legal_form(const char *upper, GRand *rng)
{
  gsize n = strlen(upper);
  for (guint g = 0; g < G_N_ELEMENTS(legal_groups); g++)
    for (guint k = 0; legal_groups[g][k]; k++) {
      const char *form = legal_groups[g][k];
      gsize fl = strlen(form);
      if (n > fl + 1 && strcmp(upper + n - fl, form) == 0 &&
          (upper[n - fl - 1] == ' ' || upper[n - fl - 1] == ',')) {
        guint others = 0;
        while (legal_groups[g][others])
          others++;
        guint o = (k + 1 + (guint)g_rand_int_range(rng, 0, (gint32)others - 1)) % others;
        gsize keep = n - fl;
        while (keep > 0 && (upper[keep - 1] == ' ' || upper[keep - 1] == ','))
          keep--;
        return g_strdup_printf("%.*s %s", (int)keep, upper, legal_groups[g][o]);
      }
    }
  const char *const *group = PICK(rng, legal_groups);
  guint count = 0;
  while (group[count])
    count++;
  return g_strdup_printf("%s %s", upper, group[g_rand_int_range(rng, 0, (gint32)count)]);
}

/* ---- honorifics and kunyas ---- */

/* Titles written before a name (religious, tribal, academic, plain Mr), a kunya (Abu and a
 * son's name) in front, the article of a nisba dropped or added (AL-BAGHDADI / BAGHDADI), and
 * the nasab word written BIN, IBN, BEN or left out. */
static char *
variant_honorific(const char *upper, GRand *rng)
{
  static const char *const titles[] = {"SHEIKH",  "SHAYKH", "MULLAH",   "MAWLAWI", "HAJI",
                                       "HAJJI",   "SAYYID", "DR.",      "MR.",     "QARI",
                                       "MAULANA", "USTAD",  "ENGINEER", "EMIR"};
  static const char *const sons[] = {"MUHAMMAD", "AHMAD",  "ABDALLAH", "OMAR",  "HAMZA",
                                     "YUSUF",    "ALI",    "KHALID",   "BAKR",  "HAFS",
                                     "MUSAB",    "UBAIDA", "HASSAN",   "TALHA", "ISSA"};
  guint comma;
  GPtrArray *w = words_of(upper, &comma);
  GPtrArray *opts = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(opts, g_strdup_printf("%s %s", PICK(rng, titles), upper));
  g_ptr_array_add(opts, g_strdup_printf("ABU %s %s", PICK(rng, sons), upper));
  for (guint i = 0; i < w->len; i++) {
    const char *word = w->pdata[i];
    char *old = w->pdata[i];
    if (g_str_has_prefix(word, "AL-") && strlen(word) > 5) {
      w->pdata[i] = g_strdup(word + 3);
      g_ptr_array_add(opts, join_words(w, G_MAXUINT));
      g_free(w->pdata[i]);
      w->pdata[i] = old;
    } else if ((strcmp(word, "AL") == 0 || strcmp(word, "EL") == 0) && i + 1 < w->len) {
      g_ptr_array_add(opts, join_words(w, i));
    } else if (in_set(word, (const char *const[]){"BIN", "IBN", "BEN", NULL})) {
      g_ptr_array_add(opts, join_words(w, i));
      w->pdata[i] = (char *)(strcmp(word, "BIN") == 0 ? "IBN" : "BIN");
      g_ptr_array_add(opts, join_words(w, G_MAXUINT));
      w->pdata[i] = old;
    }
  }
  /* A nisba (a last word in -I) with the article written. */
  if (w->len >= 2) {
    const char *last = w->pdata[w->len - 1];
    gsize n = strlen(last);
    const char *before = w->pdata[w->len - 2];
    if (n >= 5 && last[n - 1] == 'I' && ascii_letters(last) && strcmp(before, "AL") != 0) {
      char *old = w->pdata[w->len - 1];
      w->pdata[w->len - 1] = g_strdup_printf("AL-%s", last);
      g_ptr_array_add(opts, join_words(w, G_MAXUINT));
      g_free(w->pdata[w->len - 1]);
      w->pdata[w->len - 1] = old;
    }
  }
  char *out = g_strdup(opts->pdata[g_rand_int_range(rng, 0, (gint32)opts->len)]);
  g_ptr_array_free(opts, TRUE);
  g_ptr_array_free(w, TRUE);
  return out;
}

/* ---- parentheses ---- */

/* A firm written with its acronym in parentheses (the initials of its words, short words and
 * legal forms left out: FOREIGN TRADE BANK (FTB)), or with the place of the branch. */
static char *
variant_paren(const char *upper, GRand *rng)
{
  static const char *const skip[] = {"OF",  "AND", "THE", "FOR",  "IN", "DE", "LA",  "DU",
                                     "DES", "ET",  "FI",  "WA",   "AL", "EL", "LTD", "LTD.",
                                     "LLC", "CO.", "CO",  "S.A.", "&",  NULL};
  static const char *const places[] = {"KENYA",  "HONG KONG", "DUBAI", "U.A.E.",    "PAKISTAN",
                                       "TURKEY", "LEBANON",   "SYRIA", "SINGAPORE", "MALAYSIA",
                                       "CHINA",  "UK",        "IRAQ",  "SOMALIA",   "YEMEN"};
  if (g_rand_boolean(rng))
    return g_strdup_printf("%s (%s)", upper, PICK(rng, places));
  guint comma;
  GPtrArray *w = words_of(upper, &comma);
  GString *acr = g_string_new(NULL);
  for (guint i = 0; i < w->len; i++) {
    const char *word = w->pdata[i];
    if (!in_set(word, skip) && g_ascii_isalpha(word[0]))
      g_string_append_c(acr, word[0]);
  }
  char *out = acr->len >= 2 ? g_strdup_printf("%s (%s)", upper, acr->str)
                            : g_strdup_printf("%s (%s)", upper, PICK(rng, places));
  g_string_free(acr, TRUE);
  g_ptr_array_free(w, TRUE);
  return out;
}

/* ---- scripts ---- */

/* The same Arabic-script name in another orthography: Persian writes yeh and kaf as ی and ک
 * and ta marbuta as he; Urdu also writes he as ہ (final ے for e); Sorani Kurdish writes final
 * he and ta marbuta as ە. */
static char *
variant_perso_arabic(const char *arabic, GRand *rng)
{
  guint style = (guint)g_rand_int_range(rng, 0, 3);
  GString *s = g_string_new(NULL);
  for (const char *p = arabic; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    const char *next = g_utf8_next_char(p);
    gunichar after = *next ? g_utf8_get_char(next) : 0;
    gboolean final = after == 0 || after == ' ';
    switch (c) {
    case 0x064A: /* yeh */
    case 0x0649: /* alef maksura */
      c = 0x06CC;
      break;
    case 0x0643: /* kaf */
      c = 0x06A9;
      break;
    case 0x0629: /* ta marbuta */
      c = style == 1 ? 0x06C1 : style == 2 ? 0x06D5 : 0x0647;
      break;
    case 0x0647: /* heh */
      c = style == 1 ? 0x06C1 : style == 2 && final ? 0x06D5 : c;
      break;
    default:
      break;
    }
    g_string_append_unichar(s, c);
  }
  if (strcmp(s->str, arabic) == 0) {
    g_string_free(s, TRUE);
    return NULL;
  }
  return g_string_free(s, FALSE);
}

/* A Latin name written in Cyrillic as Russian documents do (the reverse of the usual
 * romanisation: KH -> Х, SH -> Ш, CH -> Ч, ZH -> Ж, TS -> Ц, YA/YU/YE -> Я/Ю/Е, J -> ДЖ,
 * Q -> К, W -> В, H -> Х, Y between consonants -> И, after a vowel -> Й). */
static char *
variant_cyrillic(const char *upper)
{
  static const struct {
    const char *lat;
    const char *cyr;
  } multi[] = {{"SHCH", "Щ"}, {"KH", "Х"}, {"ZH", "Ж"}, {"TS", "Ц"}, {"CH", "Ч"}, {"SH", "Ш"},
               {"YU", "Ю"},   {"YA", "Я"}, {"YE", "Е"}, {"YO", "Ё"}, {"OU", "У"}, {"EE", "И"},
               {"OO", "У"},   {"DH", "З"}, {"TH", "Т"}, {"GH", "Г"}, {"PH", "Ф"}};
  static const char *const single[26] = {"А",  "Б", "К", "Д", "Е", "Ф",  "Г", "Х", "И",
                                         "ДЖ", "К", "Л", "М", "Н", "О",  "П", "К", "Р",
                                         "С",  "Т", "У", "В", "В", "КС", "И", "З"};
  GString *s = g_string_new(NULL);
  gboolean any = FALSE;
  for (const char *p = upper; *p;) {
    gboolean done = FALSE;
    for (guint m = 0; m < G_N_ELEMENTS(multi) && !done; m++) {
      gsize l = strlen(multi[m].lat);
      if (strncmp(p, multi[m].lat, l) == 0) {
        g_string_append(s, multi[m].cyr);
        p += l;
        done = any = TRUE;
      }
    }
    if (done)
      continue;
    if (*p >= 'A' && *p <= 'Z') {
      gboolean after_vowel = p > upper && strchr("AEIOU", p[-1]);
      g_string_append(s, *p == 'Y' && after_vowel ? "Й" : single[*p - 'A']);
      any = TRUE;
    } else if (*p != '\'') {
      g_string_append_c(s, *p);
    }
    p++;
  }
  if (!any) {
    g_string_free(s, TRUE);
    return NULL;
  }
  return g_string_free(s, FALSE);
}

/* ---- decoys ---- */

static const char *const first_names[] = {
    "Ahmad", "Mohammed", "Ali",     "Hassan",  "Omar",   "Khalid",  "Youssef", "Karim",  "Samir",
    "Tariq", "Walid",    "Rami",    "Fadi",    "Nabil",  "Ziad",    "Hamza",   "Bilal",  "Fatima",
    "Layla", "Nadia",    "Rania",   "Huda",    "Mona",   "Salma",   "Yasmin",  "Amira",  "Jamal",
    "Imad",  "Majid",    "Sami",    "Adel",    "Faisal", "Mustafa", "Ibrahim", "Ismail", "Mahmoud",
    "Saeed", "Nasser",   "Anwar",   "Hisham",  "John",   "Peter",   "Maria",   "Anna",   "Carlos",
    "Luis",  "Chen",     "Wei",     "Hiroshi", "Ivan",   "Olga",    "Pierre",  "Hans",   "Giulia",
    "Ravi",  "Priya",    "Mehmet",  "Emre",    "Ayse",   "Reza",    "Dariush", "Leila",  "Kemal",
    "Arjun", "Sergei",   "Natalia", "Dmitri",  "Elena",  "Farhad",  "Parisa",  "Bahram", "Shirin",
    "Imran", "Asif",     "Zainab",  "Ayesha",  "Gul",    "Wahid",   "Nasrin",  "Kaveh",
};
static const char *const last_names[] = {
    "Haddad",   "Khoury",   "Nasser",  "Saleh",     "Mansour",  "Darwish",  "Hamdan",  "Aziz",
    "Farouk",   "Sabbagh",  "Jaber",   "Yassin",    "Qasim",    "Issa",     "Shami",   "Masri",
    "Halabi",   "Tamimi",   "Zoubi",   "Khatib",    "Najjar",   "Hourani",  "Barakat", "Bitar",
    "Kassab",   "Rahal",    "Sayegh",  "Tannous",   "Obeid",    "Abboud",   "Awad",    "Daher",
    "Fakhoury", "Ghanem",   "Hilal",   "Jabbour",   "Karam",    "Maalouf",  "Nassif",  "Sleiman",
    "Smith",    "Garcia",   "Mueller", "Rossi",     "Kowalski", "Ivanov",   "Wang",    "Tanaka",
    "Kumar",    "Yilmaz",   "Demir",   "Hosseini",  "Rahimi",   "Moreau",   "Jensen",  "Silva",
    "Okafor",   "Mensah",   "Nguyen",  "Kim",       "Petrov",   "Novak",    "Horvat",  "Sokolov",
    "Volkova",  "Karimi",   "Tehrani", "Mirzaei",   "Qureshi",  "Chaudhry", "Malik",   "Siddiqui",
    "Barzani",  "Talabani", "Durrani", "Yousafzai", "Popal",    "Safi",     "Wardak",  "Stanekzai",
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
/* European firms of the kind a manifest carries (the sample's VITA ELECTRONICS S.P.A.). */
static const char *const euro_words[] = {
    "Sole",   "Mare",  "Aurora",  "Vita",    "Bella", "Oro",   "Rossi", "Verde",  "Stella",
    "Luna",   "Terra", "Nord",    "Alpen",   "Rhein", "Hansa", "Sonne", "Berg",   "Iberia",
    "Sierra", "Costa", "Plata",   "Atlante", "Orion", "Vega",  "Nova",  "Baltic", "Polar",
    "Dunav",  "Adria", "Karpaty", "Volga",   "Ural",  "Astra", "Lumen", "Ferro",  "Vetro",
};
static const char *const euro_kinds[] = {"Electronics", "Logistica", "Trasporti", "Spedizioni",
                                         "Handel",      "Transport", "Maschinen", "Exportaciones",
                                         "Textil",      "Alimentari"};
static const char *const euro_forms[] = {"S.P.A.", "S.R.L.", "GmbH",       "S.L.",   "B.V.",
                                         "AG",     "S.A.",   "Sp. z o.o.", "d.o.o.", "A/S"};

/* Each word is drawn in its own statement: C leaves the order of a call's arguments open, and
 * the set must not depend on the compiler. */
static char *
decoy_plain(GRand *rng, guint i)
{
  const char *a, *b, *c, *d;
  switch (i % 5) {
  case 0:
    a = PICK(rng, first_names);
    b = PICK(rng, last_names);
    return g_strdup_printf("%s %s", a, b);
  case 1:
    a = PICK(rng, first_names);
    b = PICK(rng, first_names);
    c = PICK(rng, last_names);
    return g_strdup_printf("%s %s %s", a, b, c);
  case 2:
    a = g_rand_boolean(rng) ? "Al " : "";
    b = PICK(rng, company_words);
    c = PICK(rng, company_kinds);
    d = PICK(rng, legal_forms);
    return g_strdup_printf("%s%s %s %s", a, b, c, d);
  case 3:
    a = PICK(rng, company_words);
    b = PICK(rng, company_words);
    c = PICK(rng, company_kinds);
    d = PICK(rng, legal_forms);
    return g_strdup_printf("%s %s %s %s", a, b, c, d);
  default:
    a = PICK(rng, euro_words);
    b = PICK(rng, euro_kinds);
    c = PICK(rng, euro_forms);
    return g_strdup_printf("%s %s %s", a, b, c);
  }
}

/* A listed name whose distinctive words (neither common given names, particles nor generic
 * words) are replaced: the same frame, another party (MUHAMMAD YUSUF HOTTAK -> muhammad yusuf
 * haddad). NULL when the name has nothing to keep or nothing to replace. */
static char *
decoy_from(const char *listed, gboolean entity, GRand *rng)
{
  BrNameTokens t;
  br_name_tokenize(listed, -1, &t);
  guint kept = 0, replaced = 0;
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < t.n; i++) {
    const BrNameToken *k = &t.tok[i];
    gboolean keep = (k->flags & (BR_NAME_TOKEN_COMMON | BR_NAME_TOKEN_PARTICLE |
                                 BR_NAME_TOKEN_GENERIC | BR_NAME_TOKEN_INITIAL)) != 0;
    const char *word = keep ? k->text : entity ? PICK(rng, company_words) : PICK(rng, last_names);
    kept += keep && !(k->flags & BR_NAME_TOKEN_INITIAL);
    replaced += !keep;
    g_string_append_printf(s, "%s%s", s->len ? " " : "", word);
  }
  if (kept == 0 || replaced == 0) {
    g_string_free(s, TRUE);
    return NULL;
  }
  return g_string_free(s, FALSE);
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys under which a decoy is the same name as a listed one: its distinctive tokens,
 * sorted, as text and as consonant skeletons (AHMAD OBEID / AHMED, Obaid is one name however
 * it is spelt, so it is no decoy). */
static void
name_keys(const char *name, char **text_key, char **skel_key)
{
  BrNameTokens t;
  br_name_tokenize(name, -1, &t);
  GPtrArray *texts = g_ptr_array_new(), *skels = g_ptr_array_new();
  for (guint i = 0; i < t.n; i++)
    if (!(t.tok[i].flags & (BR_NAME_TOKEN_PARTICLE | BR_NAME_TOKEN_GENERIC))) {
      g_ptr_array_add(texts, t.tok[i].text);
      g_ptr_array_add(skels, t.tok[i].skel);
    }
  g_ptr_array_sort(texts, cmp_str);
  g_ptr_array_sort(skels, cmp_str);
  GString *a = g_string_new(NULL), *b = g_string_new(NULL);
  for (guint i = 0; i < texts->len; i++) {
    g_string_append_printf(a, "%s ", (const char *)texts->pdata[i]);
    g_string_append_printf(b, "%s ", (const char *)skels->pdata[i]);
  }
  g_ptr_array_free(texts, TRUE);
  g_ptr_array_free(skels, TRUE);
  *text_key = g_string_free(a, FALSE);
  *skel_key = g_string_free(b, FALSE);
}

static void
add_listed(GHashTable *listed, const char *name)
{
  char *a, *b;
  name_keys(name, &a, &b);
  g_hash_table_add(listed, a);
  g_hash_table_add(listed, b);
}

static gboolean
is_listed(GHashTable *listed, const char *name)
{
  char *a, *b;
  name_keys(name, &a, &b);
  gboolean yes = g_hash_table_contains(listed, a) || g_hash_table_contains(listed, b);
  g_free(a);
  g_free(b);
  return yes;
}

/* ---- the set ---- */

static void
add_case(GArray *cases, char *query, int kind, guint16 list, guint32 entry, gboolean held)
{
  if (!query)
    return;
  BrNvCase c = {query, kind, list, entry, held};
  g_array_append_val(cases, c);
}

static gboolean
entry_held(const BrWatchlist *wl, const BrWatchEntry *e)
{
  char *key = g_strdup_printf("%s:%s", wl->name, e->source_id ? e->source_id : e->name);
  /* FNV-1a: fixed across GLib versions, unlike g_str_hash's documented freedom. */
  guint32 h = 2166136261u;
  for (const char *p = key; *p; p++)
    h = (h ^ (guchar)*p) * 16777619u;
  g_free(key);
  return (h >> 7) & 1;
}

GArray *
br_name_variants_make(BrWatchlist *const *lists, guint nlists, const guint *stride, guint ndecoys,
                      guint32 seed)
{
  GArray *cases = g_array_new(FALSE, FALSE, sizeof(BrNvCase));
  GHashTable *listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GRand *rng = g_rand_new_with_seed(seed);
  GPtrArray *frames = g_ptr_array_new(); /* listed names decoys are made from, with kind */
  for (guint16 l = 0; l < nlists; l++) {
    const BrWatchlist *wl = lists[l];
    GPtrArray *arabic = g_ptr_array_new(); /* per entry: its first Arabic-script alias */
    g_ptr_array_set_size(arabic, (gint)wl->entries->len);
    for (guint i = 0; i < wl->aliases->len; i++) {
      const BrWatchAlias *a = &g_array_index(wl->aliases, BrWatchAlias, i);
      if (has_arabic(a->name) && !arabic->pdata[a->entry])
        arabic->pdata[a->entry] = (gpointer)a->name;
      if (!br_name_variants_non_latin(a->name))
        add_listed(listed, a->name);
    }
    guint seen = 0;
    for (guint i = 0; i < wl->entries->len; i++) {
      const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
      if (!(BR_WATCH_PARTY_KINDS & (1u << e->kind)) || !e->name)
        continue;
      add_listed(listed, e->name);
      if (seen++ % stride[l] != 0)
        continue;
      gboolean entity = e->kind == BR_WATCH_ENTITY;
      gboolean held = entry_held(wl, e);
      g_ptr_array_add(frames, (gpointer)e);
      char *up = g_utf8_strup(e->name, -1);
      add_case(cases, variant_translit(up, rng), BR_NV_TRANSLIT, l, i, held);
      add_case(cases, variant_typo(up, 1, rng), BR_NV_TYPO1, l, i, held);
      add_case(cases, variant_typo(up, 2, rng), BR_NV_TYPO2, l, i, held);
      add_case(cases, variant_split_join(up, rng), BR_NV_SPLIT_JOIN, l, i, held);
      add_case(cases, variant_order(up, entity, rng), BR_NV_ORDER, l, i, held);
      if (entity) {
        add_case(cases, variant_legal_form(up, rng), BR_NV_LEGAL_FORM, l, i, held);
        add_case(cases, variant_paren(up, rng), BR_NV_PAREN, l, i, held);
      } else {
        add_case(cases, variant_drop_middle(up, rng), BR_NV_DROP_MIDDLE, l, i, held);
        add_case(cases, variant_format(up), BR_NV_FORMAT, l, i, held);
        add_case(cases, variant_honorific(up, rng), BR_NV_HONORIFIC, l, i, held);
        add_case(cases, variant_cyrillic(up), BR_NV_CYRILLIC, l, i, held);
      }
      const char *ar = arabic->pdata[i];
      if (ar) {
        add_case(cases, g_strdup(ar), BR_NV_ARABIC, l, i, held);
        add_case(cases, variant_perso_arabic(ar, rng), BR_NV_PERSO_ARABIC, l, i, held);
      }
      g_free(up);
    }
    g_ptr_array_free(arabic, TRUE);
  }
  /* Decoys: one in three from a listed frame, the rest plain names. */
  for (guint i = 0, made = 0, tries = 0; made < ndecoys && tries < 50 * ndecoys; i++, tries++) {
    char *d = NULL;
    if (i % 3 == 2 && frames->len) {
      const BrWatchEntry *e = frames->pdata[g_rand_int_range(rng, 0, (gint32)frames->len)];
      d = decoy_from(e->name, e->kind == BR_WATCH_ENTITY, rng);
    } else {
      d = decoy_plain(rng, i);
    }
    if (!d)
      continue;
    g_strchomp(d);
    if (is_listed(listed, d)) {
      g_free(d);
      continue;
    }
    add_case(cases, d, -1, 0, 0, made % 2 == 1);
    made++;
  }
  g_ptr_array_free(frames, TRUE);
  g_rand_free(rng);
  g_hash_table_destroy(listed);
  return cases;
}

void
br_name_variants_free(GArray *cases)
{
  for (guint i = 0; i < cases->len; i++)
    g_free(g_array_index(cases, BrNvCase, i).query);
  g_array_free(cases, TRUE);
}

gboolean
br_name_variants_write(const GArray *cases, BrWatchlist *const *lists, const char *path,
                       GError **error)
{
  GString *s = g_string_new("held\tkind\tlist\tentry\tquery\n");
  for (guint i = 0; i < cases->len; i++) {
    const BrNvCase *c = &g_array_index(cases, BrNvCase, i);
    char *q = g_strdup(c->query);
    g_strdelimit(q, "\t\r\n", ' ');
    if (c->kind < 0) {
      g_string_append_printf(s, "%d\tdecoy\t\t\t%s\n", c->held, q);
    } else {
      const BrWatchEntry *e = &g_array_index(lists[c->list]->entries, BrWatchEntry, c->entry);
      g_string_append_printf(s, "%d\t%s\t%s\t%s\t%s\n", c->held,
                             br_name_variants_kind_names[c->kind], lists[c->list]->name,
                             e->source_id ? e->source_id : "", q);
    }
    g_free(q);
  }
  gboolean ok = g_file_set_contents(path, s->str, (gssize)s->len, error);
  g_string_free(s, TRUE);
  return ok;
}
