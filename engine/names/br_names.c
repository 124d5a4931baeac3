#include "br_names.h"

#include <string.h>

/* Words the tokenizer knows, by raw lower-case spelling. */
typedef enum {
  WORD_LEGAL = 1, /* a legal form: dropped */
  WORD_GENERIC,   /* kept with a low weight */
  WORD_PARTICLE,  /* kept with the lowest weight */
  WORD_ARTICLE,   /* the Arabic article in any spelling: becomes the particle "al" */
  WORD_ABD,       /* "abd" in any spelling: joins the next name (Abdul Rahman -> abdrahman) */
  WORD_VARIANT,   /* a transliteration variant: replaced by canon */
} WordClass;

typedef struct {
  const char *word;
  WordClass cls;
  const char *canon; /* WORD_VARIANT only */
} WordInfo;

static const WordInfo words[] = {
    /* Legal forms. "co" and "company" go too: they say nothing about who the party is. */
    {"ab", WORD_LEGAL, NULL},
    {"ag", WORD_LEGAL, NULL},
    {"aps", WORD_LEGAL, NULL},
    {"as", WORD_LEGAL, NULL},
    {"asa", WORD_LEGAL, NULL},
    {"bhd", WORD_LEGAL, NULL},
    {"bv", WORD_LEGAL, NULL},
    {"cia", WORD_LEGAL, NULL},
    {"cie", WORD_LEGAL, NULL},
    {"cjsc", WORD_LEGAL, NULL},
    {"cv", WORD_LEGAL, NULL}, /* S.A. de C.V. */
    {"co", WORD_LEGAL, NULL},
    {"company", WORD_LEGAL, NULL},
    {"corp", WORD_LEGAL, NULL},
    {"corporation", WORD_LEGAL, NULL},
    {"dmcc", WORD_LEGAL, NULL},
    {"fzc", WORD_LEGAL, NULL},
    {"fzco", WORD_LEGAL, NULL},
    {"fze", WORD_LEGAL, NULL},
    {"fzllc", WORD_LEGAL, NULL},
    {"gmbh", WORD_LEGAL, NULL},
    {"inc", WORD_LEGAL, NULL},
    {"incorporated", WORD_LEGAL, NULL},
    {"jsc", WORD_LEGAL, NULL},
    {"kg", WORD_LEGAL, NULL},
    {"kk", WORD_LEGAL, NULL},
    {"lda", WORD_LEGAL, NULL},
    {"limitada", WORD_LEGAL, NULL},
    {"limited", WORD_LEGAL, NULL},
    {"llc", WORD_LEGAL, NULL},
    {"llp", WORD_LEGAL, NULL},
    {"lp", WORD_LEGAL, NULL},
    {"ltd", WORD_LEGAL, NULL},
    {"ltda", WORD_LEGAL, NULL},
    {"nv", WORD_LEGAL, NULL},
    {"oao", WORD_LEGAL, NULL},
    {"ojsc", WORD_LEGAL, NULL},
    {"ooo", WORD_LEGAL, NULL},
    {"oy", WORD_LEGAL, NULL},
    {"pao", WORD_LEGAL, NULL},
    {"pjsc", WORD_LEGAL, NULL},
    {"plc", WORD_LEGAL, NULL},
    {"pte", WORD_LEGAL, NULL},
    {"pty", WORD_LEGAL, NULL},
    {"pvt", WORD_LEGAL, NULL},
    {"rl", WORD_LEGAL, NULL}, /* S. de R.L. */
    {"sa", WORD_LEGAL, NULL},
    {"saa", WORD_LEGAL, NULL},
    {"sac", WORD_LEGAL, NULL},
    {"sapi", WORD_LEGAL, NULL},
    {"sal", WORD_LEGAL, NULL},
    {"sarl", WORD_LEGAL, NULL},
    {"sas", WORD_LEGAL, NULL},
    {"sdn", WORD_LEGAL, NULL},
    {"spa", WORD_LEGAL, NULL},
    {"spc", WORD_LEGAL, NULL},
    {"sprl", WORD_LEGAL, NULL},
    {"srl", WORD_LEGAL, NULL},
    {"tov", WORD_LEGAL, NULL},
    {"wll", WORD_LEGAL, NULL},
    {"zao", WORD_LEGAL, NULL},
    /* Generic words of company names, English and transliterated Arabic. */
    {"agency", WORD_GENERIC, NULL},
    {"agencies", WORD_GENERIC, NULL},
    {"associates", WORD_GENERIC, NULL},
    {"bank", WORD_GENERIC, NULL},
    {"brothers", WORD_GENERIC, NULL},
    {"bros", WORD_GENERIC, NULL},
    {"commercial", WORD_GENERIC, NULL},
    {"commerce", WORD_GENERIC, NULL},
    {"construction", WORD_GENERIC, NULL},
    {"contracting", WORD_GENERIC, NULL},
    {"development", WORD_GENERIC, NULL},
    {"distribution", WORD_GENERIC, NULL},
    {"electronics", WORD_GENERIC, NULL},
    {"engineering", WORD_GENERIC, NULL},
    {"enterprise", WORD_GENERIC, NULL},
    {"enterprises", WORD_GENERIC, NULL},
    {"establishment", WORD_GENERIC, NULL},
    {"est", WORD_GENERIC, NULL},
    {"export", WORD_GENERIC, NULL},
    {"exports", WORD_GENERIC, NULL},
    {"foods", WORD_GENERIC, NULL},
    {"general", WORD_GENERIC, NULL},
    {"global", WORD_GENERIC, NULL},
    {"group", WORD_GENERIC, NULL},
    {"holding", WORD_GENERIC, NULL},
    {"holdings", WORD_GENERIC, NULL},
    {"impex", WORD_GENERIC, NULL},
    {"import", WORD_GENERIC, NULL},
    {"imports", WORD_GENERIC, NULL},
    {"industrial", WORD_GENERIC, NULL},
    {"industries", WORD_GENERIC, NULL},
    {"industry", WORD_GENERIC, NULL},
    {"international", WORD_GENERIC, NULL},
    {"intl", WORD_GENERIC, NULL},
    {"investment", WORD_GENERIC, NULL},
    {"investments", WORD_GENERIC, NULL},
    {"logistics", WORD_GENERIC, NULL},
    {"manufacturing", WORD_GENERIC, NULL},
    {"marine", WORD_GENERIC, NULL},
    {"maritime", WORD_GENERIC, NULL},
    {"muassasa", WORD_GENERIC, NULL},
    {"muassasat", WORD_GENERIC, NULL},
    {"national", WORD_GENERIC, NULL},
    {"navigation", WORD_GENERIC, NULL},
    {"overseas", WORD_GENERIC, NULL},
    {"partners", WORD_GENERIC, NULL},
    {"products", WORD_GENERIC, NULL},
    {"service", WORD_GENERIC, NULL},
    {"services", WORD_GENERIC, NULL},
    {"sharika", WORD_GENERIC, NULL},
    {"sharikat", WORD_GENERIC, NULL},
    {"shipping", WORD_GENERIC, NULL},
    {"sons", WORD_GENERIC, NULL},
    {"supplies", WORD_GENERIC, NULL},
    {"supply", WORD_GENERIC, NULL},
    {"systems", WORD_GENERIC, NULL},
    {"technologies", WORD_GENERIC, NULL},
    {"technology", WORD_GENERIC, NULL},
    {"tijaria", WORD_GENERIC, NULL},
    {"tijariya", WORD_GENERIC, NULL},
    {"trade", WORD_GENERIC, NULL},
    {"traders", WORD_GENERIC, NULL},
    {"trading", WORD_GENERIC, NULL},
    {"transport", WORD_GENERIC, NULL},
    {"united", WORD_GENERIC, NULL},
    {"world", WORD_GENERIC, NULL},
    {"worldwide", WORD_GENERIC, NULL},
    /* Particles. */
    {"abu", WORD_PARTICLE, NULL},
    {"abou", WORD_VARIANT, "abu"},
    {"abo", WORD_VARIANT, "abu"},
    {"and", WORD_PARTICLE, NULL},
    {"bin", WORD_PARTICLE, NULL},
    {"ben", WORD_VARIANT, "bin"},
    {"ibn", WORD_VARIANT, "bin"},
    {"bn", WORD_VARIANT, "bin"},
    {"ibnu", WORD_VARIANT, "bin"},
    {"bint", WORD_PARTICLE, NULL},
    {"binti", WORD_VARIANT, "bint"},
    {"da", WORD_PARTICLE, NULL},
    {"de", WORD_PARTICLE, NULL},
    {"del", WORD_PARTICLE, NULL},
    {"della", WORD_PARTICLE, NULL},
    {"der", WORD_PARTICLE, NULL},
    {"des", WORD_PARTICLE, NULL},
    {"di", WORD_PARTICLE, NULL},
    {"do", WORD_PARTICLE, NULL},
    {"dos", WORD_PARTICLE, NULL},
    {"du", WORD_PARTICLE, NULL},
    {"for", WORD_PARTICLE, NULL},
    {"la", WORD_PARTICLE, NULL},
    {"le", WORD_PARTICLE, NULL},
    {"lil", WORD_PARTICLE, NULL},
    {"of", WORD_PARTICLE, NULL},
    {"the", WORD_PARTICLE, NULL},
    {"van", WORD_PARTICLE, NULL},
    {"von", WORD_PARTICLE, NULL},
    {"wa", WORD_PARTICLE, NULL},
    /* Titles written before a name (Mr, Dr, Eng., Sheikh, Mullah, Mawlawi, Ustad, Qari): they
     * say what a person is, not who. Haji, Sayyid and Amir are not here: they are also names. */
    {"mr", WORD_PARTICLE, NULL},
    {"mrs", WORD_PARTICLE, NULL},
    {"dr", WORD_PARTICLE, NULL},
    {"prof", WORD_PARTICLE, NULL},
    {"eng", WORD_PARTICLE, NULL},
    {"engineer", WORD_PARTICLE, NULL},
    {"sheikh", WORD_PARTICLE, NULL},
    {"shaykh", WORD_VARIANT, "sheikh"},
    {"shaikh", WORD_VARIANT, "sheikh"},
    {"mullah", WORD_PARTICLE, NULL},
    {"mulla", WORD_VARIANT, "mullah"},
    {"mawlawi", WORD_PARTICLE, NULL},
    {"maulvi", WORD_VARIANT, "mawlawi"},
    {"maulana", WORD_VARIANT, "mawlawi"},
    {"mawlana", WORD_VARIANT, "mawlawi"},
    {"ustad", WORD_PARTICLE, NULL},
    {"ustadh", WORD_VARIANT, "ustad"},
    {"qari", WORD_PARTICLE, NULL},
    /* The article and "abd". */
    {"al", WORD_ARTICLE, NULL},
    {"el", WORD_ARTICLE, NULL},
    {"ul", WORD_ARTICLE, NULL},
    {"abd", WORD_ABD, NULL},
    {"abdul", WORD_ABD, NULL},
    {"abdel", WORD_ABD, NULL},
    {"abdal", WORD_ABD, NULL},
    {"abdol", WORD_ABD, NULL},
    {"abdoul", WORD_ABD, NULL},
    {"abdou", WORD_ABD, NULL},
    {"abdu", WORD_ABD, NULL},
    {"abdur", WORD_ABD, NULL},
    {"abdar", WORD_ABD, NULL},
    {"abdus", WORD_ABD, NULL},
    {"abdas", WORD_ABD, NULL},
    /* Given names with many transliterations. */
    {"abdallah", WORD_VARIANT, "abdallah"},
    {"abdalla", WORD_VARIANT, "abdallah"},
    {"abdellah", WORD_VARIANT, "abdallah"},
    {"abdulla", WORD_VARIANT, "abdallah"},
    {"abdullah", WORD_VARIANT, "abdallah"},
    {"abdoulaye", WORD_VARIANT, "abdallah"},
    {"ahmed", WORD_VARIANT, "ahmad"},
    {"ahmet", WORD_VARIANT, "ahmad"},
    {"ebrahim", WORD_VARIANT, "ibrahim"},
    {"ibraheem", WORD_VARIANT, "ibrahim"},
    {"brahim", WORD_VARIANT, "ibrahim"},
    {"esmail", WORD_VARIANT, "ismail"},
    {"ismael", WORD_VARIANT, "ismail"},
    {"ismaeel", WORD_VARIANT, "ismail"},
    {"hosein", WORD_VARIANT, "husayn"},
    {"hossain", WORD_VARIANT, "husayn"},
    {"hossein", WORD_VARIANT, "husayn"},
    {"houssein", WORD_VARIANT, "husayn"},
    {"husain", WORD_VARIANT, "husayn"},
    {"husayn", WORD_VARIANT, "husayn"},
    {"husein", WORD_VARIANT, "husayn"},
    {"hussain", WORD_VARIANT, "husayn"},
    {"hussein", WORD_VARIANT, "husayn"},
    {"hussien", WORD_VARIANT, "husayn"},
    {"husseyn", WORD_VARIANT, "husayn"},
    {"khaled", WORD_VARIANT, "khalid"},
    {"mahmoud", WORD_VARIANT, "mahmud"},
    {"mahmood", WORD_VARIANT, "mahmud"},
    {"mehmood", WORD_VARIANT, "mahmud"},
    {"md", WORD_VARIANT, "muhammad"},
    {"mhd", WORD_VARIANT, "muhammad"},
    {"mohamad", WORD_VARIANT, "muhammad"},
    {"mohamed", WORD_VARIANT, "muhammad"},
    {"mohammad", WORD_VARIANT, "muhammad"},
    {"mohammed", WORD_VARIANT, "muhammad"},
    {"mohd", WORD_VARIANT, "muhammad"},
    {"mouhamed", WORD_VARIANT, "muhammad"},
    {"muhamad", WORD_VARIANT, "muhammad"},
    {"muhamed", WORD_VARIANT, "muhammad"},
    {"muhammed", WORD_VARIANT, "muhammad"},
    {"mostafa", WORD_VARIANT, "mustafa"},
    {"moustafa", WORD_VARIANT, "mustafa"},
    {"mustapha", WORD_VARIANT, "mustafa"},
    {"omar", WORD_VARIANT, "umar"},
    {"omer", WORD_VARIANT, "umar"},
    {"osama", WORD_VARIANT, "usama"},
    {"ossama", WORD_VARIANT, "usama"},
    {"usamah", WORD_VARIANT, "usama"},
    {"osman", WORD_VARIANT, "uthman"},
    {"othman", WORD_VARIANT, "uthman"},
    {"othmane", WORD_VARIANT, "uthman"},
    {"usman", WORD_VARIANT, "uthman"},
    {"yousef", WORD_VARIANT, "yusuf"},
    {"youssef", WORD_VARIANT, "yusuf"},
    {"yousif", WORD_VARIANT, "yusuf"},
    {"yousuf", WORD_VARIANT, "yusuf"},
    {"yusef", WORD_VARIANT, "yusuf"},
    {"yussuf", WORD_VARIANT, "yusuf"},
    {"yassin", WORD_VARIANT, "yasin"},
    {"yaseen", WORD_VARIANT, "yasin"},
    {"yassine", WORD_VARIANT, "yasin"},
};

/* The article before a sun letter is written assimilated: ar-Rahman, as-Salam, ad-Din,
 * ash-Shami, ud-Din, es-Sayed. These spellings are the article only when the next word begins
 * with the consonant they end in; elsewhere "as" is a legal form (Norwegian AS, Turkish A.S.). */
static const char *const sun_articles[] = {
    "ad", "adh", "an", "ar", "as", "ash", "at", "ath", "az",  "ed", "en", "er",
    "es", "esh", "et", "ez", "ud", "un",  "ur", "us",  "ush", "ut", "uz",
};

static GHashTable *word_table;

static const WordInfo *
word_lookup(const char *w)
{
  if (g_once_init_enter(&word_table)) {
    GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < G_N_ELEMENTS(words); i++)
      g_hash_table_insert(t, (gpointer)words[i].word, (gpointer)&words[i]);
    g_once_init_leave(&word_table, t);
  }
  return g_hash_table_lookup(word_table, w);
}

/* A word from Arabic script is one of the table's only where the script writes it: the article,
 * 'abd, abu, bin and bint ('Abdallah their compound). Other words a transliteration happens to
 * spell are names there: معمر (Muammar) is "mr", not the title, آب is "ab", not a legal form. */
static const WordInfo *
script_word(const WordInfo *info, gboolean arabic)
{
  if (!arabic || !info || info->cls == WORD_ARTICLE || info->cls == WORD_ABD)
    return info;
  const char *w = info->cls == WORD_VARIANT ? info->canon : info->word;
  return strcmp(w, "abu") == 0 || strcmp(w, "bin") == 0 || strcmp(w, "bint") == 0 ||
                 strcmp(w, "abdallah") == 0
             ? info
             : NULL;
}

/* ---- stage 1: code points to raw lower-case words ---- */

#define RAW_BYTES 768
#define RAW_WORDS 48

typedef struct {
  char buf[RAW_BYTES];
  guint used;
  guint n;
  guint16 off[RAW_WORDS];
  guint8 len[RAW_WORDS];
  guint8 arabic[RAW_WORDS];
  guint8 paren[RAW_WORDS]; /* the word is inside parentheses */
  guint depth;             /* parentheses open */
  gboolean open;
  guint run; /* letters since the last separator or dot: a dot after one letter joins */
} Raw;

static void
raw_sep(Raw *r)
{
  if (r->open) {
    r->buf[r->used++] = '\0';
    r->n++;
  }
  r->open = FALSE;
  r->run = 0;
}

/* Appends bytes that form whole characters; a word is cut at BR_NAME_TOKEN_BYTES - 1. */
static void
raw_put(Raw *r, const char *s, guint len, gboolean arabic)
{
  if (!r->open) {
    if (r->n >= RAW_WORDS || r->used + BR_NAME_TOKEN_BYTES + 1 > RAW_BYTES)
      return;
    r->open = TRUE;
    r->off[r->n] = (guint16)r->used;
    r->len[r->n] = 0;
    r->arabic[r->n] = (guint8)arabic;
    r->paren[r->n] = r->depth > 0;
  }
  if (r->len[r->n] + len >= BR_NAME_TOKEN_BYTES)
    return;
  memcpy(r->buf + r->used, s, len);
  r->used += len;
  r->len[r->n] = (guint8)(r->len[r->n] + len);
  r->run++;
}

static gboolean
is_apostrophe(gunichar c)
{
  return c == '\'' || c == '`' || c == 0x00B4 || c == 0x2018 || c == 0x2019 || c == 0x02BC ||
         c == 0x02BB || c == 0x02BE || c == 0x02BF;
}

static gboolean
is_arabic_letter(gunichar c)
{
  return (c >= 0x0621 && c <= 0x064A) || (c >= 0x0660 && c <= 0x0669) || c == 0x0671 ||
         (c >= 0x0679 && c <= 0x06D5) || (c >= 0x06F0 && c <= 0x06F9);
}

/* Marks inside Arabic words: harakat, superscript alef, tatweel, Quranic marks. */
static gboolean
is_arabic_mark(gunichar c)
{
  return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640 || (c >= 0x06D6 && c <= 0x06ED);
}

static gboolean
is_vowel(char c)
{
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Letters that do not join the next: a word ending in one and the next word typed without a
 * space between them still look like two words (محمدعبد البصير). */
static gboolean
is_non_joining(gunichar c)
{
  return c == 0x0627 || c == 0x0623 || c == 0x0625 || c == 0x0622 || c == 0x062F || c == 0x0630 ||
         c == 0x0631 || c == 0x0632 || c == 0x0648 || c == 0x0629 || c == 0x0698 || c == 0x0688 ||
         c == 0x0691;
}

/* Heh as Arabic (ه), Urdu (ہ, heh goal) and Kurdish (ە) write it: Urdu writes Allah اللہ. */
static gboolean
is_heh(gunichar c)
{
  return c == 0x0647 || c == 0x06C1 || c == 0x06D5;
}

/* A word-final heh after a consonant is the silent e / a Persian, Urdu and Kurdish write for
 * Arabic's ta marbuta (حمزه / حمزة, Hamzeh / Hamza); after a long vowel (شاه, فقيه) and in
 * two-letter words (طه) it is an h. */
static gboolean
final_heh_vowel(const gunichar *w, guint n, guint i)
{
  if (i + 1 != n || n < 3 || !is_heh(w[i]))
    return FALSE;
  gunichar p = w[i - 1];
  return p != 0x0627 && p != 0x064A && p != 0x06CC && p != 0x0648 && p != 0x0649 && p != 0x0622;
}

/* One Arabic word (letters only) to Latin. Short vowels are not written in Arabic, so the
 * result is mostly consonants plus the long vowels; comparison goes through skeletons. */
static void
arabic_word(Raw *r, const gunichar *w, guint n)
{
  static const gunichar abdal[] = {0x0639, 0x0628, 0x062F, 0x0627, 0x0644};
  guint i = 0;
  if (n == 4 && w[0] == 0x0627 && w[1] == 0x0644 && w[2] == 0x0644 && is_heh(w[3])) {
    raw_put(r, "allah", 5, TRUE);
    raw_sep(r);
    return;
  }
  /* ابن and بنت: the ibn and bint of Latin spellings. */
  if (n == 3 && w[0] == 0x0627 && w[1] == 0x0628 && w[2] == 0x0646) {
    raw_put(r, "bin", 3, TRUE);
    raw_sep(r);
    return;
  }
  if (n == 3 && w[0] == 0x0628 && w[1] == 0x0646 && w[2] == 0x062A) {
    raw_put(r, "bint", 4, TRUE);
    raw_sep(r);
    return;
  }
  if (n > 5 && memcmp(w, abdal, sizeof abdal) == 0) {
    /* عبدالله and عبدالرحمن are usually written as one word. */
    if (n == 7 && w[5] == 0x0644 && is_heh(w[6])) {
      raw_put(r, "abdallah", 8, TRUE);
      raw_sep(r);
      return;
    }
    raw_put(r, "abd", 3, TRUE);
    raw_sep(r);
    raw_put(r, "al", 2, TRUE);
    raw_sep(r);
    i = 5;
  } else if (n > 6 && (w[0] == 0x0627 || w[0] == 0x0623) && w[1] == 0x0628 && w[2] == 0x0648 &&
             w[3] == 0x0627 && w[4] == 0x0644) {
    /* أبواليزيد: the kunya written on its name, as أبوالحسن, أبوالفضل often are. */
    raw_put(r, "abu", 3, TRUE);
    raw_sep(r);
    raw_put(r, "al", 2, TRUE);
    raw_sep(r);
    i = 5;
  } else if (n > 3 && (w[0] == 0x0627 || w[0] == 0x0671) && w[1] == 0x0644) {
    raw_put(r, "al", 2, TRUE);
    raw_sep(r);
    i = 2;
  }
  /* خيرالله, نورالدين: a theophoric compound on one word is its name and the tail written
   * apart, which the tokenizer joins the way it joins Nur al-Din and Khair Ullah. */
  guint end = n;
  const char *tail = NULL;
  if (n >= i + 6 && w[n - 4] == 0x0627 && w[n - 3] == 0x0644 && w[n - 2] == 0x0644 &&
      is_heh(w[n - 1])) {
    end = n - 4;
    tail = "allah";
  } else if (n >= i + 7 && w[n - 5] == 0x0627 && w[n - 4] == 0x0644 && w[n - 3] == 0x062F &&
             (w[n - 2] == 0x064A || w[n - 2] == 0x06CC) && w[n - 1] == 0x0646) {
    end = n - 5;
    tail = "din";
  } else if (n >= i + 5 && w[n - 3] == 0x0639 && w[n - 2] == 0x0628 && w[n - 1] == 0x062F &&
             is_non_joining(w[n - 4])) {
    /* 'abd typed on the name before it: it goes with the name after (محمدعبد البصير). */
    end = n - 3;
    tail = "abd";
  }
  char last = 0;
  for (guint start = i; i < end; i++) {
    gunichar c = w[i];
    gboolean first = i == start;
    const char *t;
    char digit[2] = {0, 0};
    if (final_heh_vowel(w, end, i))
      c = 0x0629;
    switch (c) {
    case 0x0627:
    case 0x0623:
    case 0x0622:
    case 0x0671:
    case 0x0649:
    case 0x0629:
      t = "a";
      break;
    case 0x0625:
    case 0x0626:
      t = "i";
      break;
    case 0x0624:
      t = "u";
      break;
    case 0x0621:
      t = "";
      break;
    case 0x0639:
      /* 'ayn is a vowel in Latin spellings (Saad, Ismail, Muammar), and keeps the letters
       * either side of it apart: معمر is m-m-r, not one m. */
      t = "a";
      break;
    case 0x0628:
      t = "b";
      break;
    case 0x062A:
    case 0x0637:
    case 0x0679:
    case 0x067C: /* Pashto tte */
      t = "t";
      break;
    case 0x062B:
      t = "th";
      break;
    case 0x062C:
      t = "J";
      break;
    case 0x062D:
      t = i + 1 == end && !is_vowel(last) ? "H" : "h";
      break;
    case 0x0647:
    case 0x06BE:
    case 0x06C1:
      t = "h";
      break;
    case 0x062E:
      t = "kh";
      break;
    case 0x062F:
    case 0x0688:
    case 0x0689: /* Pashto ddal */
      t = "d";
      break;
    case 0x0630:
    case 0x0636:
    case 0x0638:
      t = "D";
      break;
    case 0x0631:
    case 0x0691:
    case 0x0693: /* Pashto rreh */
    case 0x0695: /* Kurdish rr */
      t = "r";
      break;
    case 0x0632:
    case 0x0681: /* Pashto dze: Zadran */
      t = "z";
      break;
    case 0x0633:
    case 0x0635:
    case 0x0685: /* Pashto tse */
      t = "s";
      break;
    case 0x0634:
    case 0x069A: /* Pashto xin, written sh or kh in Latin */
      t = "sh";
      break;
    case 0x063A:
      t = "gh";
      break;
    case 0x0641:
      t = "f";
      break;
    case 0x0642:
      t = "Q";
      break;
    case 0x0643:
    case 0x06A9:
      t = "k";
      break;
    case 0x0644:
    case 0x06B5: /* Kurdish heavy l */
      t = "l";
      break;
    case 0x0645:
      t = "m";
      break;
    case 0x0646:
    case 0x06BA:
    case 0x06BC: /* Pashto nnoon */
      t = "n";
      break;
    case 0x0648:
      t = (first || is_vowel(last)) ? "w" : "u";
      break;
    case 0x064A:
    case 0x06CC:
    case 0x06CD: /* Pashto yeh forms */
    case 0x06D0:
    case 0x06CE: /* Kurdish ê */
      t = (first || is_vowel(last)) ? "y" : "i";
      break;
    case 0x06D2:
      t = "e";
      break;
    case 0x067E:
      t = "p";
      break;
    case 0x0686:
      t = "ch";
      break;
    case 0x0698:
    case 0x0696: /* Pashto zhe, also written g */
      t = "zh";
      break;
    case 0x06AF:
    case 0x06AB: /* Pashto gaf */
      t = "g";
      break;
    case 0x06A4: /* Kurdish ve */
      t = "v";
      break;
    case 0x06C6: /* Kurdish o, Uyghur u and oe */
    case 0x06C7:
    case 0x06C8:
      t = "u";
      break;
    case 0x06D5: /* Kurdish and Uyghur ae: the a of Hewlêr, Hawre */
      t = "a";
      break;
    default:
      if (c >= 0x0660 && c <= 0x0669)
        digit[0] = (char)('0' + (c - 0x0660));
      else if (c >= 0x06F0 && c <= 0x06F9)
        digit[0] = (char)('0' + (c - 0x06F0));
      t = digit;
      break;
    }
    guint tl = (guint)strlen(t);
    if (tl) {
      raw_put(r, t, tl, TRUE);
      last = t[tl - 1];
    }
  }
  raw_sep(r);
  if (tail && strcmp(tail, "din") == 0) {
    raw_put(r, "al", 2, TRUE);
    raw_sep(r);
  }
  if (tail) {
    raw_put(r, tail, (guint)strlen(tail), TRUE);
    raw_sep(r);
  }
}

/* Russian, Ukrainian and Belarusian letters to Latin, as BGN/PCGN romanises them, except х:
 * Russian writes both the h and the kh of other languages with it (Хасан Hasan, Халид Khalid),
 * so it is read h, which a listed kh is one deletion from (index keys) and a listed h equal to. */
static const char *
cyrillic(gunichar c)
{
  static const char *const ru[] = {"a",  "b",  "v",  "g",    "d", "e", "zh", "z", "i",  "y", "k",
                                   "l",  "m",  "n",  "o",    "p", "r", "s",  "t", "u",  "f", "h",
                                   "ts", "ch", "sh", "shch", "",  "y", "",   "e", "yu", "ya"};
  if (c >= 0x0430 && c <= 0x044F)
    return ru[c - 0x0430];
  switch (c) {
  case 0x0451:
    return "e"; /* ё */
  case 0x0454:
    return "ye"; /* є */
  case 0x0456:
    return "i"; /* і */
  case 0x0457:
    return "yi"; /* ї */
  case 0x045E:
    return "u"; /* ў */
  case 0x0491:
    return "g"; /* ґ */
  default:
    return NULL;
  }
}

/* Latin letters that do not decompose to ASCII. */
static const char *
latin_special(gunichar c)
{
  switch (c) {
  case 0x00DF:
    return "ss";
  case 0x00E6:
    return "ae";
  case 0x00F0:
    return "d";
  case 0x00F8:
    return "o";
  case 0x00FE:
    return "th";
  case 0x0111:
    return "d";
  case 0x0131:
    return "i";
  case 0x0142:
    return "l";
  case 0x0153:
    return "oe";
  default:
    return NULL;
  }
}

static void
put_char(Raw *r, gunichar c)
{
  if (c < 0x80) {
    char ch = (char)c;
    if (ch >= 'A' && ch <= 'Z')
      ch = (char)(ch - 'A' + 'a');
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
      raw_put(r, &ch, 1, FALSE);
    else if (ch == '.' && r->open && r->run == 1)
      r->run = 0;
    else if (!is_apostrophe(c))
      raw_sep(r);
    if (ch == '(')
      r->depth++;
    else if (ch == ')' && r->depth > 0)
      r->depth--;
    return;
  }
  if (is_apostrophe(c))
    return;
  gunichar low = g_unichar_tolower(c);
  const char *t = latin_special(low);
  if (!t && low >= 0x0400 && low <= 0x04FF)
    t = cyrillic(low);
  if (t) {
    raw_put(r, t, (guint)strlen(t), FALSE);
    return;
  }
  gunichar d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize nd = g_unichar_fully_decompose(c, TRUE, d, G_N_ELEMENTS(d));
  for (gsize k = 0; k < nd; k++) {
    if (g_unichar_ismark(d[k]))
      continue;
    gunichar x = g_unichar_tolower(d[k]);
    if (x < 0x80) {
      put_char(r, x);
    } else if ((t = latin_special(x))) {
      raw_put(r, t, (guint)strlen(t), FALSE);
    } else if (g_unichar_isalnum(x)) {
      char u[6];
      raw_put(r, u, (guint)g_unichar_to_utf8(x, u), FALSE);
    } else {
      raw_sep(r);
    }
  }
}

static void
split_raw(const char *name, gssize len, Raw *r)
{
  const char *p = name;
  const char *end = name + (len < 0 ? (gssize)strlen(name) : len);
  gunichar word[64];
  guint nw = 0;
  while (p < end) {
    gunichar c = g_utf8_get_char_validated(p, end - p);
    if (c == (gunichar)-1 || c == (gunichar)-2) {
      p++;
      c = ' ';
    } else {
      p = g_utf8_next_char(p);
    }
    /* Presentation forms (ligatures, positional forms) decompose to the base letters. */
    gunichar d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
    gsize nd = 1;
    d[0] = c;
    if ((c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF))
      nd = g_unichar_fully_decompose(c, TRUE, d, G_N_ELEMENTS(d));
    for (gsize k = 0; k < nd; k++) {
      gunichar x = d[k];
      if (is_arabic_mark(x))
        continue;
      if (is_arabic_letter(x)) {
        if (nw < G_N_ELEMENTS(word))
          word[nw++] = x;
        continue;
      }
      if (nw) {
        raw_sep(r);
        arabic_word(r, word, nw);
        nw = 0;
      }
      put_char(r, x);
    }
  }
  if (nw) {
    raw_sep(r);
    arabic_word(r, word, nw);
  }
  raw_sep(r);
}

/* ---- stage 2: raw words to canonical tokens ---- */

static gboolean
is_ascii(const char *s)
{
  for (; *s; s++)
    if ((guchar)*s >= 0x80)
      return FALSE;
  return TRUE;
}

/* Spelling rewrites shared by all transliterations: ou/oo -> u, ee/ei -> i, ph -> f,
 * ck/q -> k, dh -> z, dzh -> j, a word-initial i before a vowel -> y (Iusuf / Yusuf, Iong / Yong),
 * and the French spellings of Arabic names dj -> j, ch -> sh, soft c -> s (Djamel Lounici, Chaouki:
 * jamal lunisi, shauki, as the Arabic script reads), doubled letters once, a final h after a vowel
 * dropped. */
static guint
rewrite(const char *in, char *out)
{
  guint n = 0;
  for (guint i = 0; in[i]; i++) {
    char c = in[i], nx = in[i + 1];
    if (c == 'o' && (nx == 'u' || nx == 'o')) {
      c = 'u';
      i++;
    } else if (c == 'e' && (nx == 'e' || nx == 'i')) {
      c = 'i';
      i++;
    } else if (c == 'p' && nx == 'h') {
      c = 'f';
      i++;
    } else if (c == 'c' && nx == 'k') {
      c = 'k';
      i++;
    } else if (c == 'd' && nx == 'z' && in[i + 2] == 'h') {
      c = 'j'; /* Russian дж, romanised dzh, is the j of other names: Dzhamal / Jamal */
      i += 2;
    } else if (c == 'd' && nx == 'h') {
      c = 'z';
      i++;
    } else if (c == 'i' && i == 0 && (nx == 'a' || nx == 'e' || nx == 'o' || nx == 'u')) {
      c = 'y'; /* a consonant i before a vowel: Iong / Yong, Iuk / Yuk */
    } else if (c == 'q') {
      c = 'k';
    } else if (c == 'd' && nx == 'j') { /* French: Djamel, Djibril */
      c = 'j';
      i++;
    } else if (c == 'c' && (nx == 'e' || nx == 'i' || nx == 'y')) { /* Lounici, Benaceur */
      c = 's';
    } else if (c == 'c' && nx == 'h') { /* French sh (Chaouki, Achour); the h follows */
      c = 's';
    }
    if (n > 0 && out[n - 1] == c && !(c >= '0' && c <= '9'))
      continue;
    out[n++] = c;
  }
  if (n > 3 && out[n - 1] == 'h' && is_vowel(out[n - 2]))
    n--;
  /* A final y after a consonant is the vowel i: Aly / Ali, Kony / Koni (Кони), Zaky. */
  if (n > 2 && out[n - 1] == 'y' && !is_vowel(out[n - 2]) && out[n - 2] != 'y')
    out[n - 1] = 'i';
  out[n] = '\0';
  return n;
}

/* Letters Latin spellings of Arabic names write more than one way: ض ظ ذ as d, dh (read z
 * here, as rewrite() does) or z (Fadl / Fazl / Fadhil, Hafiz / Hafed, Dhahir / Zahir, Ramadan /
 * Ramazan), ق as q or g (Qadhafi / Gaddafi, Qasmi / Gasmi), ج as j or g (Jamal / Gamal), and a
 * final ح after a consonant as h or, after the short vowel Latin writes, not at all (صالح:
 * Salh, Saleh, Salih, whose h rewrite() drops as the h of -ah). The transliteration writes
 * them as a mark (upper case) that a token's skeleton keeps and its text spells the first
 * way; a marked skeleton compares as each of its spellings. */
static const struct {
  char mark;
  char spelling[2];
} skel_marks[] = {{'D', {'d', 'z'}}, {'Q', {'k', 'g'}}, {'J', {'j', 'g'}}, {'H', {'h', 0}}};

static const char *
mark_spellings(char c)
{
  for (guint i = 0; c >= 'A' && c <= 'Z' && i < G_N_ELEMENTS(skel_marks); i++)
    if (skel_marks[i].mark == c)
      return skel_marks[i].spelling;
  return NULL;
}

/* The skeletons a token compares as: its own, or each spelling of its first
 * BR_NAME_SKEL_MARKS_VARIED marks (later marks take their first). Writes their lengths. */
static guint
skel_variants(const BrNameToken *t, char out[BR_NAME_SKEL_VARIANTS][BR_NAME_TOKEN_BYTES],
              guint8 len[BR_NAME_SKEL_VARIANTS])
{
  len[0] = 0;
  if (!(t->flags & BR_NAME_TOKEN_ARABIC)) {
    memcpy(out[0], t->skel, t->skel_len);
    len[0] = t->skel_len;
    return 1;
  }
  guint n = 1, varied = 0;
  for (guint i = 0; i < t->skel_len; i++) {
    const char *spelling = mark_spellings(t->skel[i]);
    gboolean vary = spelling && varied++ < BR_NAME_SKEL_MARKS_VARIED;
    for (guint k = 0; vary && k < n; k++) {
      memcpy(out[n + k], out[k], len[k]);
      len[n + k] = len[k];
      if (spelling[1])
        out[n + k][len[n + k]++] = spelling[1];
    }
    for (guint k = 0; k < n; k++)
      out[k][len[k]++] = spelling ? spelling[0] : t->skel[i];
    if (vary)
      n *= 2;
  }
  return n;
}

static void
skeleton(BrNameToken *t)
{
  guint n = 0;
  if (!is_ascii(t->text)) {
    memcpy(t->skel, t->text, t->len + 1u);
    t->skel_len = t->len;
    return;
  }
  for (guint i = 0; i < t->len; i++) {
    char c = t->text[i];
    if (is_vowel(c) || c == 'w' || c == 'y')
      continue;
    t->skel[n++] = c;
  }
  t->skel[n] = '\0';
  t->skel_len = (guint8)n;
}

static void
add_token(BrNameTokens *out, const char *text, guint8 flags, float weight)
{
  if (out->n >= BR_NAME_MAX_TOKENS)
    return;
  BrNameToken *t = &out->tok[out->n++];
  gsize len = strlen(text);
  if (len >= BR_NAME_TOKEN_BYTES)
    len = BR_NAME_TOKEN_BYTES - 1;
  memcpy(t->text, text, len);
  t->text[len] = '\0';
  t->len = (guint8)len;
  t->flags = flags;
  t->weight = weight;
  skeleton(t);
  for (gsize i = 0; i < len; i++) {
    const char *spelling = mark_spellings(t->text[i]);
    if (spelling)
      t->text[i] = spelling[0];
  }
}

#define WEIGHT_GENERIC 0.2f
#define WEIGHT_PARTICLE 0.1f
#define WEIGHT_INITIAL 0.3f

/* Canonical spelling of one word that is not an article, abd or legal form: a known variant
 * or the rewritten word. */
static void
canon_word(const char *w, char *out)
{
  const WordInfo *info = word_lookup(w);
  if (info && info->cls == WORD_VARIANT)
    w = info->canon;
  if (is_ascii(w))
    rewrite(w, out);
  else
    g_strlcpy(out, w, BR_NAME_TOKEN_BYTES);
}

/* "abdulaziz", "abdurrahman": the glued forms of abd + name. Returns the name's offset or 0. */
static guint
abd_prefix(const char *w)
{
  static const char *const prefixes[] = {"abdoul", "abdul", "abdel", "abdal", "abdol", "abdur",
                                         "abdar",  "abdus", "abdas", "abdu",  "abd"};
  gsize len = strlen(w);
  for (guint i = 0; i < G_N_ELEMENTS(prefixes); i++) {
    gsize pl = strlen(prefixes[i]);
    if (len >= pl + 3 && strncmp(w, prefixes[i], pl) == 0)
      return (guint)pl;
  }
  return 0;
}

static gboolean
is_sun_article(const char *w, const char *next)
{
  if (!next)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(sun_articles); i++)
    if (strcmp(w, sun_articles[i]) == 0) {
      const char *cons = w + 1;
      return strncmp(next, cons, strlen(cons)) == 0 && strlen(next) > strlen(cons);
    }
  return FALSE;
}

static gboolean
is_article(const char *w, const char *next)
{
  const WordInfo *info = word_lookup(w);
  return (info && info->cls == WORD_ARTICLE) || is_sun_article(w, next);
}

/* The second half of a theophoric compound written apart: Allah (Attiq Allah) or Din
 * (Nur al-Din, Nour Eddine). Sets suffix to the canonical ending. */
static gboolean
compound_tail(const char *w, const char **suffix)
{
  static const char *const allah[] = {"allah", "ullah", "alla", "ulla", "ollah"};
  static const char *const din[] = {"din",   "deen",   "dine",  "eddin", "eddine",
                                    "eldin", "eldine", "uddin", "addin"};
  for (guint i = 0; i < G_N_ELEMENTS(allah); i++)
    if (strcmp(w, allah[i]) == 0) {
      *suffix = "ulah";
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS(din); i++)
    if (strcmp(w, din[i]) == 0) {
      *suffix = "din";
      return TRUE;
    }
  return FALSE;
}

/* The same compounds written as one word: Attiqullah, Noureddine, Shamsuddin. Writes the
 * canonical head and returns the canonical ending, or NULL when w is not one. */
static const char *
joined_compound(const char *w, char head[BR_NAME_TOKEN_BYTES])
{
  static const struct {
    const char *end;
    const char *to;
  } ends[] = {{"ullah", "ulah"}, {"ulla", "ulah"},  {"allah", "ulah"}, {"ollah", "ulah"},
              {"eddine", "din"}, {"eddin", "din"},  {"uddin", "din"},  {"uddeen", "din"},
              {"addin", "din"},  {"eddeen", "din"}, {"eldin", "din"},  {"eldine", "din"}};
  gsize len = strlen(w);
  if (word_lookup(w))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS(ends); i++) {
    gsize el = strlen(ends[i].end);
    if (len >= el + 3 && strcmp(w + len - el, ends[i].end) == 0) {
      char raw[BR_NAME_TOKEN_BYTES];
      g_strlcpy(raw, w, MIN(sizeof raw, len - el + 1));
      canon_word(raw, head);
      return ends[i].to;
    }
  }
  return NULL;
}

static void
classify(BrNameToken *t, const char *raw_word)
{
  const WordInfo *info = word_lookup(t->text);
  if (!info)
    info = word_lookup(raw_word);
  info = script_word(info, (t->flags & BR_NAME_TOKEN_ARABIC) != 0);
  if (info && info->cls == WORD_GENERIC) {
    t->flags |= BR_NAME_TOKEN_GENERIC;
    t->weight = WEIGHT_GENERIC;
  } else if (info && info->cls == WORD_PARTICLE) {
    t->flags |= BR_NAME_TOKEN_PARTICLE;
    t->weight = WEIGHT_PARTICLE;
  } else if (t->len == 1 && t->text[0] >= 'a' && t->text[0] <= 'z') {
    t->flags |= BR_NAME_TOKEN_INITIAL;
    t->weight = WEIGHT_INITIAL;
  }
}

/* A legal form or generic word of 7 letters or more misspelt by one letter (CMPANY, COMPANI,
 * COMAPNY, TRADNG) is still that word. Shorter ones are left alone, and the first letter must
 * agree, because a real name one letter away is then rare (MARINE / MARINA, HOLDING /
 * GOLDING). Keys: each such word and every form of it less one letter (a form two words share
 * is dropped); a misspelling meets one through itself or itself less one letter. */
#define TYPO_MIN_WORD 7
#define TYPO_AMBIGUOUS ((gpointer)1)

static GHashTable *typo_table;

static void
typo_add(GHashTable *t, const char *key, const WordInfo *info)
{
  gpointer had = g_hash_table_lookup(t, key);
  if (!had)
    g_hash_table_insert(t, g_strdup(key), (gpointer)info);
  else if (had != info)
    g_hash_table_replace(t, g_strdup(key), TYPO_AMBIGUOUS);
}

static const WordInfo *
typo_find(const char *key, char first)
{
  const WordInfo *info = g_hash_table_lookup(typo_table, key);
  return info && (gpointer)info != TYPO_AMBIGUOUS && info->word[0] == first ? info : NULL;
}

static const WordInfo *
typo_lookup(const char *w)
{
  if (g_once_init_enter(&typo_table)) {
    GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(words); i++) {
      const WordInfo *info = &words[i];
      gsize n = strlen(info->word);
      if ((info->cls != WORD_LEGAL && info->cls != WORD_GENERIC) || n < TYPO_MIN_WORD)
        continue;
      typo_add(t, info->word, info);
      char del[64];
      for (gsize k = 0; k < n && n < sizeof del; k++) {
        memcpy(del, info->word, k);
        memcpy(del + k, info->word + k + 1, n - k);
        typo_add(t, del, info);
      }
    }
    g_once_init_leave(&typo_table, t);
  }
  gsize n = strlen(w);
  if (n < TYPO_MIN_WORD - 1 || n > 40 || !is_ascii(w))
    return NULL;
  const WordInfo *found = typo_find(w, w[0]);
  char del[48];
  for (gsize k = 0; k < n && !found; k++) {
    memcpy(del, w, k);
    memcpy(del + k, w + k + 1, n - k);
    found = typo_find(del, w[0]);
  }
  return found;
}

static gboolean
is_legal(const Raw *r, guint i)
{
  const WordInfo *info = i < r->n ? word_lookup(r->buf + r->off[i]) : NULL;
  return info && info->cls == WORD_LEGAL;
}

static gboolean
raw_is(const Raw *r, guint i, const char *w)
{
  return i < r->n && strcmp(r->buf + r->off[i], w) == 0;
}

/* Words of legal forms written out, which are forms only before a legal word: JOINT STOCK
 * COMPANY, LIMITED LIABILITY COMPANY, FZ-LLC, SOCIEDAD DE RESPONSABILIDAD LIMITADA. */
static gboolean
is_legal_run(const Raw *r, guint i, guint depth)
{
  static const char *const spelt[] = {"joint",    "stock",           "liability", "fz",
                                      "sociedad", "responsabilidad", "de"};
  if (is_legal(r, i))
    return TRUE;
  if (depth == 0 || i >= r->n)
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS(spelt); k++)
    if (raw_is(r, i, spelt[k]))
      return is_legal_run(r, i + 1, depth - 1);
  return FALSE;
}

/* The words that tie legal forms together are part of them: the "de" of S.A. de C.V., the "S."
 * and "de" of S. de R.L., the words of a form written out (is_legal_run), SOCIEDAD ANONIMA. */
static gboolean
legal_glue(const Raw *r, guint i)
{
  if (raw_is(r, i, "sociedad") && (raw_is(r, i + 1, "anonima") || raw_is(r, i + 1, "anonyme")))
    return TRUE;
  if ((raw_is(r, i, "anonima") || raw_is(r, i, "anonyme")) && i > 0 && raw_is(r, i - 1, "sociedad"))
    return TRUE;
  if (raw_is(r, i, "s") && raw_is(r, i + 1, "de") && is_legal(r, i + 2))
    return TRUE;
  return !is_legal(r, i) && is_legal_run(r, i, 3) && !raw_is(r, i, "s");
}

/* A word in parentheses that is an acronym of the words before it (FOREIGN TRADE BANK (FTB),
 * HAQQANI NETWORK (HQN)): its letters, in order, in those words, the first the name's own. */
static gboolean
paren_acronym(const Raw *r, guint i)
{
  const char *a = r->buf + r->off[i];
  gsize n = strlen(a);
  if (n < 2 || n > 8 || (i + 1 < r->n && r->paren[i + 1]) || (i > 0 && r->paren[i - 1]))
    return FALSE;
  guint k = 0;
  for (guint j = 0; j < i && k < n; j++) {
    if (r->paren[j])
      continue;
    const char *w = r->buf + r->off[j];
    if (k == 0 && w[0] != a[0])
      return FALSE;
    for (; *w && k < n; w++)
      if (*w == a[k])
        k++;
  }
  return k == n;
}

static gboolean is_common_name(const char *text);

void
br_name_tokenize(const char *name, gssize len, BrNameTokens *out)
{
  Raw r;
  r.used = 0;
  r.n = 0;
  r.open = FALSE;
  r.run = 0;
  r.depth = 0;
  split_raw(name, len, &r);
  out->n = 0;
  char canon[BR_NAME_TOKEN_BYTES];
  char joined[BR_NAME_TOKEN_BYTES];
  for (guint i = 0; i < r.n && out->n < BR_NAME_MAX_TOKENS; i++) {
    const char *w = r.buf + r.off[i];
    const char *next = i + 1 < r.n ? r.buf + r.off[i + 1] : NULL;
    guint8 flags = r.arabic[i] ? BR_NAME_TOKEN_ARABIC : 0;
    const WordInfo *info = script_word(word_lookup(w), r.arabic[i]);
    if (!info && !r.arabic[i] && (info = typo_lookup(w)))
      w = info->word;
    if (is_article(w, next)) {
      add_token(out, "al", flags | BR_NAME_TOKEN_PARTICLE, WEIGHT_PARTICLE);
      continue;
    }
    if ((info && info->cls == WORD_LEGAL) || (!r.arabic[i] && legal_glue(&r, i)))
      continue;
    /* What a name has in parentheses qualifies it: its acronym says nothing more, a place or
     * branch (KENYA, DUBAI BRANCH) weighs as a generic word. */
    if (r.paren[i]) {
      if (paren_acronym(&r, i))
        continue;
      canon_word(w, canon);
      if (canon[0])
        add_token(out, canon, flags | BR_NAME_TOKEN_GENERIC, WEIGHT_GENERIC);
      continue;
    }
    guint glued = info ? 0 : abd_prefix(w);
    if ((info && info->cls == WORD_ABD && next) || glued) {
      /* abd + optional article + name: one token, however it was spelt or spaced. */
      const char *name_part = glued ? w + glued : next;
      if (!glued) {
        i++;
        if (is_article(next, i + 1 < r.n ? r.buf + r.off[i + 1] : NULL) && i + 1 < r.n) {
          i++;
          name_part = r.buf + r.off[i];
        }
        if (r.arabic[i])
          flags |= BR_NAME_TOKEN_ARABIC;
      }
      canon_word(name_part, canon);
      g_snprintf(joined, sizeof joined, "abd%s", canon);
      add_token(out, joined, flags, 1.0f);
      continue;
    }
    /* Theophoric compounds are written joined or apart: Attiqullah / Atiq Allah, Noureddine /
     * Nur al-Din. Both become one token ending in "ulah" / "din". */
    const char *suffix = NULL;
    guint skip = 0;
    if (next && i + 1 < r.n && compound_tail(next, &suffix)) {
      skip = 1;
    } else if (next && is_article(next, i + 2 < r.n ? r.buf + r.off[i + 2] : NULL) && i + 2 < r.n &&
               compound_tail(r.buf + r.off[i + 2], &suffix) && strcmp(suffix, "din") == 0) {
      skip = 2;
    }
    /* Arabic script leaves short vowels out, so its heads are shorter (سعد: sd); a name that
     * is already a compound (Hamdullah Allah Noor) does not take a second tail. */
    char head[BR_NAME_TOKEN_BYTES];
    if (skip && strlen(w) >= (r.arabic[i] ? 2u : 3u) && !word_lookup(w) &&
        !joined_compound(w, head)) {
      canon_word(w, head);
      g_snprintf(joined, sizeof joined, "%s%s", head, suffix);
      add_token(out, joined, flags | (r.arabic[i + skip] ? BR_NAME_TOKEN_ARABIC : 0), 1.0f);
      i += skip;
      continue;
    }
    const char *tail = joined_compound(w, head);
    if (tail) {
      g_snprintf(joined, sizeof joined, "%s%s", head, tail);
      add_token(out, joined, flags, 1.0f);
      continue;
    }
    canon_word(w, canon);
    if (!canon[0])
      continue;
    add_token(out, canon, flags, 1.0f);
    classify(&out->tok[out->n - 1], w);
  }
  for (guint i = 0; i < out->n; i++)
    if (is_common_name(out->tok[i].text))
      out->tok[i].flags |= BR_NAME_TOKEN_COMMON;
  if (!br_name_tokens_distinctive(out))
    for (guint i = 0; i < out->n; i++)
      if (out->tok[i].flags & BR_NAME_TOKEN_GENERIC) {
        out->tok[i].flags &= (guint8)~BR_NAME_TOKEN_GENERIC;
        out->tok[i].weight = 1.0f;
      }
}

/* Given names and surnames borne by very many people (canonical spellings: "muhamad" is
 * every Muhammad). A match resting on these alone is no evidence on its own (br_nameindex.h,
 * BR_NAME_COMMON_CAP). */
static const char *const common_names[] = {
    "abas",   "abdaziz", "abdala",  "abdkarim", "abdrahman", "adel",   "adil",   "ahmad",
    "aisha",  "ali",     "amin",    "amir",     "anwar",     "ayman",  "aziz",   "bilal",
    "carlos", "david",   "dawud",   "fadl",     "faisal",    "fatima", "garsia", "ghazi",
    "hadi",   "haidar",  "haji",    "hakim",    "hamid",     "hamza",  "harun",  "hasan",
    "hashim", "husayn",  "ibrahim", "idris",    "isa",       "ismail", "ivan",   "jafar",
    "jamal",  "james",   "jawad",   "john",     "jose",      "juan",   "kamal",  "karim",
    "kasim",  "khalid",  "khalil",  "khan",     "kim",       "kumar",  "li",     "liu",
    "mahdi",  "mahmud",  "majid",   "malik",    "maria",     "mariam", "mehdi",  "muhamad",
    "musa",   "mustafa", "nabil",   "naser",    "nasir",     "nguyen", "nur",    "park",
    "rahman", "rashid",  "reza",    "sadik",    "said",      "sale",   "sali",   "sami",
    "samir",  "sha",     "sharif",  "shen",     "singh",     "smith",  "sultan", "sulayman",
    "tahir",  "tarik",   "umar",    "uthman",   "walid",     "wang",   "yahya",  "yasin",
    "yusuf",  "zahir",   "zakaria", "zaynab",   "zhang",
};

static GHashTable *common_table;

static gboolean
is_common_name(const char *text)
{
  if (g_once_init_enter(&common_table)) {
    GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < G_N_ELEMENTS(common_names); i++)
      g_hash_table_add(t, (gpointer)common_names[i]);
    g_once_init_leave(&common_table, t);
  }
  return g_hash_table_contains(common_table, text);
}

static gboolean
distinctive(const BrNameToken *t)
{
  return !(t->flags & (BR_NAME_TOKEN_GENERIC | BR_NAME_TOKEN_PARTICLE | BR_NAME_TOKEN_INITIAL));
}

gboolean
br_name_tokens_distinctive(const BrNameTokens *tokens)
{
  for (guint i = 0; i < tokens->n; i++)
    if (distinctive(&tokens->tok[i]))
      return TRUE;
  return FALSE;
}

/* ---- index keys ---- */

static guint64
key_hash2(char tag, const char *s, gsize len, gsize skip, gsize skip2)
{
  guint64 h = 1469598103934665603ull ^ (guchar)tag;
  h *= 1099511628211ull;
  int prev = -1;
  for (gsize i = 0; i < len; i++) {
    if (i == skip || i == skip2 || (tag == 'd' && (guchar)s[i] == prev))
      continue;
    prev = (guchar)s[i];
    h ^= (guchar)s[i];
    h *= 1099511628211ull;
  }
  h ^= h >> 31;
  return h ? h : 1;
}

guint64
br_name_key_hash(char tag, const char *s, gsize len, gsize skip)
{
  return key_hash2(tag, s, len, skip, G_MAXSIZE);
}

guint
br_name_join_keys(const BrNameToken *t, guint64 keys[BR_NAME_MAX_KEYS])
{
  guint n = 0;
  keys[n++] = br_name_key_hash('t', t->text, t->len, G_MAXSIZE);
  char v[BR_NAME_SKEL_VARIANTS][BR_NAME_TOKEN_BYTES];
  guint8 vl[BR_NAME_SKEL_VARIANTS];
  guint nv = skel_variants(t, v, vl);
  for (guint k = 0; k < nv; k++) {
    if (vl[k] >= 2) {
      keys[n++] = br_name_key_hash('s', v[k], vl[k], G_MAXSIZE);
    } else if (vl[k] == 1 && t->len >= 3) {
      /* A skeleton of one letter is too common a key on its own; with the word's first letter
       * (a vowel as a) it still meets the other script's spelling where the texts are more
       * than a deletion apart: یحیی / Yahya (yh), عیسی / Eisa (as). */
      char s[2] = {is_vowel(t->text[0]) ? 'a' : t->text[0], v[k][0]};
      keys[n++] = br_name_key_hash('v', s, 2, G_MAXSIZE);
    }
  }
  return n;
}

guint
br_name_token_keys(const BrNameToken *t, guint64 keys[BR_NAME_MAX_KEYS])
{
  guint n = br_name_join_keys(t, keys);
  if (t->len >= 3 && (guchar)t->text[0] < 0x80) {
    /* The word itself is a form too: it meets the other side's deletions. */
    keys[n++] = br_name_key_hash('d', t->text, t->len, G_MAXSIZE);
    for (gsize i = 0; t->len >= 4 && i < t->len; i++)
      if (i == 0 || t->text[i] != t->text[i - 1]) /* deleting either of a pair is one key */
        keys[n++] = br_name_key_hash('d', t->text, t->len, i);
    if (t->len >= BR_NAME_TWO_EDITS_FROM && t->len <= BR_NAME_TWO_EDITS_TO)
      for (gsize i = 0; i < t->len; i++)
        for (gsize j = i + 1; j < t->len; j++)
          keys[n++] = key_hash2('d', t->text, t->len, i, j);
  }
  if (t->skel_len >= 3 && (t->flags & BR_NAME_TOKEN_ARABIC)) {
    char v[BR_NAME_SKEL_VARIANTS][BR_NAME_TOKEN_BYTES];
    guint8 vl[BR_NAME_SKEL_VARIANTS];
    guint nv = skel_variants(t, v, vl);
    for (guint k = 0; k < nv; k++)
      for (gsize i = 0; vl[k] >= 3 && i < vl[k]; i++)
        keys[n++] = br_name_key_hash('s', v[k], vl[k], i);
  }
  return n;
}

static gboolean
keys_meet(const guint64 *a, guint na, const guint64 *b, guint nb)
{
  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb; j++)
      if (a[i] == b[j])
        return TRUE;
  return FALSE;
}

gboolean
br_name_tokens_keyed(const BrNameToken *a, gboolean a_joined, const BrNameToken *b)
{
  if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0)
    return TRUE;
  guint64 ka[BR_NAME_MAX_KEYS], kb[BR_NAME_MAX_KEYS];
  guint na = a_joined ? br_name_join_keys(a, ka) : br_name_token_keys(a, ka);
  guint nb = br_name_token_keys(b, kb);
  return keys_meet(ka, na, kb, nb);
}

/* ---- similarity ---- */

double
br_name_jaro_winkler(const char *a, gsize alen, const char *b, gsize blen)
{
  alen = MIN(alen, 64);
  blen = MIN(blen, 64);
  if (alen == 0 || blen == 0)
    return 0.0;
  gsize range = MAX(alen, blen) / 2;
  range = range > 0 ? range - 1 : 0;
  gboolean am[64] = {0}, bm[64] = {0};
  gsize matches = 0;
  for (gsize i = 0; i < alen; i++) {
    gsize lo = i > range ? i - range : 0;
    gsize hi = MIN(i + range + 1, blen);
    for (gsize j = lo; j < hi; j++)
      if (!bm[j] && a[i] == b[j]) {
        am[i] = bm[j] = TRUE;
        matches++;
        break;
      }
  }
  if (matches == 0)
    return 0.0;
  gsize trans = 0;
  for (gsize i = 0, k = 0; i < alen; i++) {
    if (!am[i])
      continue;
    while (!bm[k])
      k++;
    if (a[i] != b[k])
      trans++;
    k++;
  }
  double m = (double)matches;
  double jaro = (m / (double)alen + m / (double)blen + (m - (double)trans / 2.0) / m) / 3.0;
  /* The prefix bonus is for strings already alike, as in the reference implementations. */
  if (jaro <= 0.7)
    return jaro;
  gsize prefix = 0;
  while (prefix < MIN(4, MIN(alen, blen)) && a[prefix] == b[prefix])
    prefix++;
  return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

/* Russian х is read h (cyrillic()), so a name from Cyrillic meets a listed kh at its start one
 * letter short (Ходорковский / KHODORKOVSKIY), where Jaro-Winkler, which rewards a common
 * prefix, is lowest: such tokens pair at 0.95. */
static gboolean
leading_kh(const BrNameToken *a, const BrNameToken *b)
{
  const BrNameToken *l = a->len > b->len ? a : b, *sh = l == a ? b : a;
  return l->len == sh->len + 1u && sh->len >= 3 && l->text[0] == 'k' && l->text[1] == 'h' &&
         memcmp(l->text + 1, sh->text, sh->len) == 0;
}

double
br_name_token_similarity(const BrNameToken *a, const BrNameToken *b)
{
  if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0)
    return 1.0;
  if ((a->flags | b->flags) & BR_NAME_TOKEN_INITIAL) {
    if ((a->flags & BR_NAME_TOKEN_INITIAL) && (b->flags & BR_NAME_TOKEN_INITIAL))
      return 0.0;
    return a->text[0] == b->text[0] ? 0.9 : 0.0;
  }
  if ((a->flags | b->flags) & BR_NAME_TOKEN_ARABIC) {
    if (a->skel_len == 0 || b->skel_len == 0)
      return 0.0;
    char va[BR_NAME_SKEL_VARIANTS][BR_NAME_TOKEN_BYTES],
        vb[BR_NAME_SKEL_VARIANTS][BR_NAME_TOKEN_BYTES];
    guint8 la[BR_NAME_SKEL_VARIANTS], lb[BR_NAME_SKEL_VARIANTS];
    guint na = skel_variants(a, va, la), nb = skel_variants(b, vb, lb);
    double best = 0.0;
    for (guint i = 0; i < na; i++)
      for (guint j = 0; j < nb; j++) {
        if (la[i] == lb[j] && memcmp(va[i], vb[j], la[i]) == 0)
          return 0.97;
        best = MAX(best, br_name_jaro_winkler(va[i], la[i], vb[j], lb[j]));
      }
    return 0.97 * best;
  }
  if (leading_kh(a, b))
    return 0.95;
  double j = br_name_jaro_winkler(a->text, a->len, b->text, b->len);
  /* Equal long skeletons are a vowel-only transliteration difference (tikriti / takriti). */
  if (j < 0.93 && a->skel_len >= 4 && a->skel_len == b->skel_len &&
      memcmp(a->skel, b->skel, a->skel_len) == 0)
    j = 0.93;
  return j;
}

/* What a pair adds: exact tokens all of their weight, near ones much less, so a single-token
 * name is not matched by any token merely alike (ARTAVIL / ARTARIA) while one typo in a
 * longer name still passes. */
double
br_name_pair_credit(double sim)
{
  return CLAMP((sim - 0.6) / 0.4, 0.0, 1.0);
}

/* Whether two tokens can reach BR_NAME_PAIR_MIN, below which a pair is never made, decided
 * without Jaro-Winkler where a bound settles it: Jaro's matching letters are at most the
 * letters the tokens share as multisets, transpositions only lower it, and the Winkler prefix
 * adds at most 0.4 of what is left. Other kinds of token (initials, Arabic script, non-ASCII)
 * and equal skeletons (scored 0.93 whatever Jaro-Winkler says) are always scored. */
static gboolean letters_could_reach(const BrNameToken *a, const BrNameToken *b, double min);

static gboolean
could_pair(const BrNameToken *a, const BrNameToken *b)
{
  if (((a->flags | b->flags) & (BR_NAME_TOKEN_INITIAL | BR_NAME_TOKEN_ARABIC)) ||
      (a->skel_len >= 4 && a->skel_len == b->skel_len &&
       memcmp(a->skel, b->skel, a->skel_len) == 0) ||
      leading_kh(a, b))
    return TRUE;
  return letters_could_reach(a, b, BR_NAME_PAIR_MIN);
}

/* Equal but for vowels, letter for letter (benmeki / binmeki). Equal skeletons are not enough:
 * a skeleton collapses the run a join makes (mona nasir -> mnsr, as mansur). */
static gboolean
vowel_variant(const BrNameToken *a, const BrNameToken *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (a->text[i] != b->text[i] && !(is_vowel(a->text[i]) && is_vowel(b->text[i])))
      return FALSE;
  return TRUE;
}

double
br_name_join_min(const BrNameToken *joined, const BrNameToken *b)
{
  return vowel_variant(joined, b) ? BR_NAME_PAIR_MIN : BR_NAME_JOIN_MIN;
}

gboolean
br_name_could_join(const BrNameToken *joined, const BrNameToken *b)
{
  if ((joined->flags | b->flags) & BR_NAME_TOKEN_ARABIC) {
    char va[BR_NAME_SKEL_VARIANTS][BR_NAME_TOKEN_BYTES],
        vb[BR_NAME_SKEL_VARIANTS][BR_NAME_TOKEN_BYTES];
    guint8 la[BR_NAME_SKEL_VARIANTS], lb[BR_NAME_SKEL_VARIANTS];
    guint na = skel_variants(joined, va, la), nb = skel_variants(b, vb, lb);
    for (guint i = 0; i < na; i++)
      for (guint j = 0; j < nb; j++)
        if (la[i] > 0 && la[i] == lb[j] && memcmp(va[i], vb[j], la[i]) == 0)
          return TRUE;
    return FALSE;
  }
  if (vowel_variant(joined, b))
    return TRUE;
  /* Jaro-Winkler 0.97 needs Jaro 0.95, so the shorter has 85% of the longer's letters. */
  guint la = joined->len, lb = b->len;
  if (100 * MIN(la, lb) < 85 * MAX(la, lb))
    return FALSE;
  return letters_could_reach(joined, b, BR_NAME_JOIN_MIN);
}

/* The bound from the letters two tokens share (as multisets): Jaro's matching letters are at
 * most those, transpositions only lower it, and the Winkler prefix adds at most 0.4 of what
 * is left. Non-ASCII text is always let through. */
static gboolean
letters_could_reach(const BrNameToken *a, const BrNameToken *b, double min)
{
  gsize la = MIN(a->len, 64), lb = MIN(b->len, 64);
  if (la == 0 || lb == 0)
    return FALSE;
  guint8 count[128] = {0};
  for (gsize i = 0; i < la; i++) {
    if ((guchar)a->text[i] >= 128)
      return TRUE;
    count[(guchar)a->text[i]]++;
  }
  guint shared = 0;
  for (gsize j = 0; j < lb; j++) {
    guchar ch = (guchar)b->text[j];
    if (ch >= 128)
      return TRUE;
    if (count[ch]) {
      count[ch]--;
      shared++;
    }
  }
  double jaro = ((double)shared / (double)la + (double)shared / (double)lb + 1.0) / 3.0;
  return shared > 0 && jaro + 0.4 * (1.0 - jaro) >= min;
}

void
br_name_token_join(const BrNameToken *a, const BrNameToken *b, BrNameToken *out)
{
  memset(out, 0, sizeof *out);
  gsize n = MIN((gsize)a->len + b->len, BR_NAME_TOKEN_BYTES - 1);
  memcpy(out->text, a->text, a->len);
  memcpy(out->text + a->len, b->text, n - a->len);
  out->len = (guint8)n;
  /* Skeletons collapse runs: a run across the join is one consonant too. */
  gsize sl = a->skel_len, from = 0;
  memcpy(out->skel, a->skel, sl);
  if (sl > 0 && b->skel_len > 0 && a->skel[sl - 1] == b->skel[0])
    from = 1;
  gsize add = MIN((gsize)b->skel_len - from, BR_NAME_TOKEN_BYTES - 1 - sl);
  memcpy(out->skel + sl, b->skel + from, add);
  out->skel_len = (guint8)(sl + add);
  out->flags = (guint8)((a->flags | b->flags) & BR_NAME_TOKEN_ARABIC);
  if (!distinctive(a) && !distinctive(b))
    out->flags |= (guint8)(a->flags & b->flags & (BR_NAME_TOKEN_GENERIC | BR_NAME_TOKEN_PARTICLE));
  out->weight = MAX(a->weight, b->weight);
}

/* What the pairs made so far add up to: each side's paired weight times the pair's credit,
 * the entry's paired weight, and whether a pair joins two distinctive tokens. */
typedef struct {
  double mq, me, we_paired;
  gboolean anchored;
} Paired;

/* Names joined in one spelling and split in the other (WALIJAN / WALI JAN, AL NUSRAH /
 * ALNUSRAH): two adjacent tokens of side a pair with one token of side b when their join is
 * that token (br_name_join_min) and alike more than either alone (WALI is near WALIJAN too).
 * Runs before the pairs of single tokens, which would take WALIJAN for WALI. Adds to acc and
 * returns the new number of pairs; swapped says side a is the entry (sim is [q][e]). */
static guint
join_pairs(const BrNameToken *a, guint na, const float *aw, gboolean *aused, const BrNameToken *b,
           guint nb, const float *bw, gboolean *bused, gboolean swapped,
           float sim[BR_NAME_MAX_TOKENS][BR_NAME_MAX_TOKENS], Paired *acc, BrNamePair *pairs,
           guint np)
{
  for (guint i = 0; i + 1 < na; i++) {
    if (aused[i] || aused[i + 1] || ((a[i].flags | a[i + 1].flags) & BR_NAME_TOKEN_INITIAL))
      continue;
    BrNameToken joined;
    br_name_token_join(&a[i], &a[i + 1], &joined);
    float best = 0;
    guint bj = 0;
    gboolean found = FALSE;
    for (guint j = 0; j < nb; j++) {
      if (bused[j] || (b[j].flags & BR_NAME_TOKEN_INITIAL) || !br_name_could_join(&joined, &b[j]))
        continue;
      float js = (float)br_name_token_similarity(&joined, &b[j]);
      float s0 = swapped ? sim[j][i] : sim[i][j], s1 = swapped ? sim[j][i + 1] : sim[i + 1][j];
      if (js >= (float)br_name_join_min(&joined, &b[j]) && js > s0 && js > s1 &&
          (!found || js > best) && br_name_tokens_keyed(&joined, TRUE, &b[j])) {
        best = js;
        bj = j;
        found = TRUE;
      }
    }
    if (!found)
      continue;
    aused[i] = aused[i + 1] = bused[bj] = TRUE;
    double wa = (aw ? aw[i] : a[i].weight) + (aw ? aw[i + 1] : a[i + 1].weight);
    double wb = bw ? bw[bj] : b[bj].weight, c = br_name_pair_credit(best);
    acc->mq += c * (swapped ? wb : wa);
    acc->me += c * (swapped ? wa : wb);
    acc->we_paired += swapped ? wa : wb;
    if (distinctive(&joined) && distinctive(&b[bj]))
      acc->anchored = TRUE;
    for (guint k = i; k <= i + 1; k++, np++)
      if (pairs && np < BR_NAME_MAX_TOKENS)
        pairs[np] = swapped ? (BrNamePair){(guint8)bj, (guint8)k, best}
                            : (BrNamePair){(guint8)k, (guint8)bj, best};
    i++;
  }
  return np;
}

double
br_name_containment(const BrNameToken *q, guint nq, const float *qw)
{
  double w = 0;
  guint n = 0;
  for (guint i = 0; i < MIN(nq, BR_NAME_MAX_TOKENS); i++)
    if (distinctive(&q[i])) {
      w += qw ? qw[i] : q[i].weight;
      n++;
    }
  if (n < 2)
    return 1.0;
  return 1.0 - BR_NAME_CONTAINED_DISCOUNT * CLAMP(w - BR_NAME_CONTAINED_FROM, 0.0, 1.0);
}

double
br_name_similarity(const BrNameToken *q, guint nq, const float *qw, const BrNameToken *e, guint ne,
                   const float *ew, BrNamePair *pairs, guint *npairs)
{
  nq = MIN(nq, BR_NAME_MAX_TOKENS);
  ne = MIN(ne, BR_NAME_MAX_TOKENS);
  float sim[BR_NAME_MAX_TOKENS][BR_NAME_MAX_TOKENS];
  gboolean qused[BR_NAME_MAX_TOKENS] = {0}, eused[BR_NAME_MAX_TOKENS] = {0};
  double wq = 0, we = 0;
  Paired acc = {0, 0, 0, FALSE};
  guint np = 0;
  for (guint i = 0; i < nq; i++)
    wq += qw ? qw[i] : q[i].weight;
  for (guint j = 0; j < ne; j++)
    we += ew ? ew[j] : e[j].weight;
  for (guint i = 0; i < nq; i++)
    for (guint j = 0; j < ne; j++) {
      sim[i][j] = could_pair(&q[i], &e[j]) ? (float)br_name_token_similarity(&q[i], &e[j]) : 0.0f;
      /* Only pairs an index sees (a shared key) count, so its bounds are upper bounds. */
      if (sim[i][j] >= (float)BR_NAME_PAIR_MIN &&
          !((q[i].flags | e[j].flags) & BR_NAME_TOKEN_INITIAL) &&
          !br_name_tokens_keyed(&q[i], FALSE, &e[j]))
        sim[i][j] = 0.0f;
    }
  np = join_pairs(q, nq, qw, qused, e, ne, ew, eused, FALSE, sim, &acc, pairs, np);
  np = join_pairs(e, ne, ew, eused, q, nq, qw, qused, TRUE, sim, &acc, pairs, np);
  for (;;) {
    float best = (float)BR_NAME_PAIR_MIN;
    guint bi = 0, bj = 0;
    gboolean found = FALSE;
    for (guint i = 0; i < nq; i++) {
      if (qused[i])
        continue;
      for (guint j = 0; j < ne; j++)
        if (!eused[j] && sim[i][j] >= best && (!found || sim[i][j] > best)) {
          best = sim[i][j];
          bi = i;
          bj = j;
          found = TRUE;
        }
    }
    if (!found)
      break;
    qused[bi] = eused[bj] = TRUE;
    double wqi = qw ? qw[bi] : q[bi].weight, wej = ew ? ew[bj] : e[bj].weight;
    /* An initial says one letter of the word it stands for: the pair is worth the initial's
     * weight on both sides, and the rest of the word counts as unpaired (JAK-T is not Jack
     * Taylor). */
    if ((q[bi].flags | e[bj].flags) & BR_NAME_TOKEN_INITIAL)
      wqi = wej = MIN(wqi, wej);
    double c = br_name_pair_credit(best);
    acc.mq += c * wqi;
    acc.me += c * wej;
    acc.we_paired += wej;
    if (distinctive(&q[bi]) && distinctive(&e[bj]))
      acc.anchored = TRUE;
    if (pairs && np < BR_NAME_MAX_TOKENS)
      pairs[np] = (BrNamePair){(guint8)bi, (guint8)bj, best};
    np++;
  }
  if (npairs)
    *npairs = MIN(np, BR_NAME_MAX_TOKENS);
  if (!acc.anchored || wq + we <= 0)
    return 0.0;
  /* A name every distinctive token of which is in the listed name (a middle or last given name
   * left out) is not penalised for what it leaves out as much as for what it adds. */
  gboolean contained = TRUE;
  for (guint i = 0; i < nq && contained; i++)
    contained = qused[i] || !distinctive(&q[i]);
  double lambda = contained ? br_name_containment(q, nq, qw) : 1.0;
  double denom = wq + acc.we_paired + lambda * (we - acc.we_paired);
  return MIN(1.0, (acc.mq + acc.me) / denom);
}
