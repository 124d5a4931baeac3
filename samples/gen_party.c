#include "gen_party.h"

#include <stdio.h>
#include <string.h>

#define PICK(rng, arr) ((arr)[gen_rng_below((rng), G_N_ELEMENTS(arr))])

/* What a company trading in each group calls its trade (English, then Turkish). */
static const char *const trade_en[GEN_GROUP_COUNT + 1] = {
    "FOODSTUFFS",  "FROZEN FOODS",    "AGRICULTURAL PRODUCTS", "AUTO PARTS", "MACHINERY",
    "ELECTRONICS", "PHARMACEUTICALS", "BUILDING MATERIALS",    "TEXTILES",   "TOBACCO",
    "HOUSEWARES",  "CHEMICALS",       "FINE CHEMICALS",
};
static const char *const trade_tr[GEN_GROUP_COUNT + 1] = {
    "GIDA",   "GIDA",    "TARIM URUNLERI", "OTOMOTIV",     "MAKINA", "ELEKTRIK", "ILAC",
    "INSAAT", "TEKSTIL", "TUTUN",          "EV GERECLERI", "KIMYA",  "KIMYA",
};
static const char *const trade_iq[GEN_GROUP_COUNT + 1] = {
    "FOODSTUFF TRADING",
    "FROZEN FOODS TRADING",
    "FRUITS AND VEGETABLES TRADING",
    "AUTO SPARE PARTS TRADING",
    "MACHINERY AND EQUIPMENT TRADING",
    "ELECTRICAL APPLIANCES TRADING",
    "MEDICAL SUPPLIES BUREAU",
    "CONSTRUCTION MATERIALS TRADING",
    "TEXTILES AND CLOTHING TRADING",
    "TOBACCO TRADING",
    "HOUSEHOLD GOODS TRADING",
    "CHEMICALS AND LUBRICANTS TRADING",
    "GENERAL TRADING",
};

static const char *const iq_words[] = {
    "RAFIDAIN", "FURAT",  "DIJLA",   "NAHRAIN",  "BASRAH", "ZAHRAA",   "NOOR",      "AMAL",
    "KHAIR",    "BARAKA", "SALAM",   "WAFAA",    "HUDA",   "JAZEERA",  "MANSOUR",   "KARAMA",
    "RASHEED",  "SHAMS",  "ITTIHAD", "TAQADDUM", "BAYAN",  "ZAWRAA",   "MUSTAQBAL", "IBDAA",
    "SAFA",     "MARWA",  "RAWABI",  "WARITH",   "KAFEEL", "MAWADA",   "FAJR",      "HILAL",
    "QAMAR",    "SHURUQ", "THURAYA", "YAQEEN",   "NAJMA",  "MASARAT",  "SANABIL",   "BURAQ",
    "AMEER",    "SADEER", "RAYHAN",  "WAHA",     "MIRBAD", "SINDIBAD", "BABIL",     "ASHUR",
};
static const char *const iq_first[] = {
    "HAYDER", "MUSTAFA", "ALI",    "HUSSEIN", "AHMED", "MOHAMMED",  "KARRAR",
    "ABBAS",  "SAJJAD",  "AMMAR",  "FALAH",   "QASIM", "SALAH",     "JASSIM",
    "KHALID", "OMAR",    "YASSIN", "MAYTHAM", "ZAID",  "MUNTADHER",
};
static const char *const iq_family[] = {
    "AL-SAADI",  "AL-TAMIMI",  "AL-JUBOURI",  "AL-DULAIMI", "AL-ZUBAIDI", "AL-ASADI",
    "AL-MAYAHI", "AL-KHAFAJI", "AL-SHAMMARI", "AL-OBAIDI",  "AL-HASHIMI", "AL-MUSAWI",
    "AL-BADRI",  "AL-RUBAIE",  "AL-KAABI",    "AL-EBADI",
};
static const char *const iq_legal[] = {"CO. LTD.", "CO.", "COMPANY LTD.", "LLC"};

typedef struct {
  const char *city;
  const char *districts; /* ';'-separated */
} IqCity;
static const IqCity iq_cities[] = {
    {"BAGHDAD",
     "AL-KARRADA;AL-MANSOUR;AL-JADRIYA;ZAYOUNA;AL-ADHAMIYA;AL-SHORJA;AL-YARMOUK;AL-SADOUN"},
    {"BASRA", "AL-ASHAR;AL-JAZAER;AL-ABBASIYA;AL-JUMHURIYA;AL-TANNUMA"},
    {"ERBIL", "ANKAWA;100M ROAD;SHORISH;EMPIRE WORLD"},
    {"MOSUL", "AL-DAWASA;AL-MUTHANNA;AL-ZUHOOR"},
    {"NAJAF", "AL-ADALA;AL-JAMEA;AL-MILAD"},
    {"KARBALA", "AL-ABBAS STREET;AL-HUSSEIN QUARTER"},
    {"SULAYMANIYAH", "SALIM STREET;BAKHTIARI;SARCHINAR"},
    {"KIRKUK", "ARAFA;AL-WASITI"},
    {"DUHOK", "MALTA;NAKHOSHKHANA"},
    {"HILLA", "AL-JAMEAIN;AL-THAWRA"},
};
/* Baghdad and Basra hold most importers. */
static const guint8 iq_city_weight[] = {40, 22, 10, 6, 5, 4, 4, 3, 3, 3};

static const char *const cn_syllables[] = {
    "HENG", "DA",   "XIN",  "TAI", "HUA", "FENG", "SHENG", "LONG", "JIN", "RUI", "KANG", "MING",
    "YUAN", "HONG", "TIAN", "BAO", "FU",  "XING", "CHANG", "YI",   "HAI", "JIA", "WEI",  "ZHONG",
};
static const char *const in_words[] = {
    "SHREE",    "GANESH",  "LAXMI",   "SAI",    "BHARAT",  "KRISHNA",
    "VARDHMAN", "SUNRISE", "ARIHANT", "SIDDHI", "MAHAVIR", "JAI AMBE",
    "SHIVAM",   "PARAS",   "NAVKAR",  "GALAXY", "ADITYA",  "RIDHI",
};
static const char *const tr_words[] = {
    "ANADOLU", "YILDIZ", "OZTURK", "KARADENIZ", "AKDENIZ", "EGE",
    "MARMARA", "TOROS",  "GUNES",  "ERSOY",     "AYDIN",   "CELIKBAS",
    "DEMIR",   "KAYA",   "YUKSEL", "ARSLAN",    "OZKAN",   "BEREKET",
};
static const char *const ar_words[] = {
    "KHALEEJ", "EMIRATES STAR", "ROYAL FALCON", "DESERT ROSE", "PEARL", "OASIS", "CRESCENT",
    "NAKHEEL", "MADINA",        "AL MASA",      "BAB AL BAHR", "RAWDA", "SUQ",   "AL WAHA",
};
static const char *const fa_words[] = {
    "PARS", "ARIA",   "KAVEH",  "SEPAHAN", "TOOS",   "ZAGROS", "ALBORZ",
    "DENA", "SAHAND", "KHAZAR", "NOVIN",   "BEHSAZ", "PAYAM",  "ROYAN",
};
static const char *const de_words[] = {
    "NORDSEE",     "RHEIN", "ALPEN", "HANSA",   "ELBE",
    "SCHWARZWALD", "WESER", "ISAR",  "BAVARIA", "KRONE",
};
static const char *const la_words[] = {
    "SOLE",  "MARE",  "AURORA", "VITA", "BELLA", "ORO",     "ROSSI",
    "COSTA", "VERDE", "NOVA",   "ALTA", "PRIMA", "DEL SUR",
};
static const char *const en_words[] = {
    "CROWN",   "SUMMIT",     "PIONEER", "ATLAS",     "MERIDIAN",   "NORTHSTAR",
    "OAKWOOD", "BLUE OCEAN", "UNITED",  "WESTFIELD", "SILVERLINE", "HARBOUR",
};
static const char *const ea_words[] = {
    "DAEHAN", "HANIL", "SAMJIN",       "DONGWOO", "SEOJIN", "TAEYANG", "NIPPON",    "TOKAI",
    "SAKURA", "SIAM",  "GOLDEN LOTUS", "MEKONG",  "SAIGON", "MALAYAN", "NUSANTARA",
};
static const char *const streets[] = {
    "INDUSTRIAL", "HARBOUR", "CENTRAL", "TRADE CENTRE", "EXPORT ZONE",
    "RIVERSIDE",  "STATION", "KING",    "NEW CITY",     "FREE ZONE",
};

const char *const gen_generic_shippers[] = {
    "TO ORDER",
    "TO THE ORDER OF SHIPPER",
    "SHIPPER AS PER INVOICE",
    "ON BEHALF OF SHIPPER",
    "AS AGENT FOR THE SHIPPER",
};
const guint gen_n_generic_shippers = G_N_ELEMENTS(gen_generic_shippers);

/* The n-th element of a ';'-separated list, copied into out. */
static void
list_nth(char *out, gsize size, const char *list, guint n)
{
  const char *p = list;
  for (guint i = 0; i < n; i++) {
    const char *sep = strchr(p, ';');
    g_assert(sep);
    p = sep + 1;
  }
  gsize len = strcspn(p, ";");
  g_assert(len < size);
  memcpy(out, p, len);
  out[len] = '\0';
}

static guint
list_count(const char *list)
{
  guint n = 1;
  for (const char *p = list; *p; p++)
    n += *p == ';';
  return n;
}

void
gen_party_iraqi(GString *name, GString *address, GenGroup group, GenRng *rng)
{
  const char *trade = trade_iq[group];
  switch (gen_rng_below(rng, 4)) {
  case 0:
    g_string_printf(name, "AL-%s %s %s", PICK(rng, iq_words), trade, PICK(rng, iq_legal));
    break;
  case 1:
    g_string_printf(name, "AL-%s AL-%s CO. FOR %s LTD.", PICK(rng, iq_words), PICK(rng, iq_words),
                    group == GEN_GROUP_PHARMA ? "MEDICAL SUPPLIES" : "GENERAL TRADING");
    break;
  case 2:
    g_string_printf(name, "%s %s %s & PARTNERS %s", PICK(rng, iq_first), PICK(rng, iq_first),
                    PICK(rng, iq_family), trade);
    break;
  default:
    g_string_printf(name, "%s & SONS FOR %s", PICK(rng, iq_family) + 3, trade);
    break;
  }
  guint total = 0, pick;
  for (guint i = 0; i < G_N_ELEMENTS(iq_city_weight); i++)
    total += iq_city_weight[i];
  pick = gen_rng_below(rng, total);
  guint c = 0;
  while (pick >= iq_city_weight[c])
    pick -= iq_city_weight[c++];
  char district[48];
  list_nth(district, sizeof district, iq_cities[c].districts,
           gen_rng_below(rng, list_count(iq_cities[c].districts)));
  g_string_printf(address, "BLDG %u, ST %u, MAHALLA %u, %s, %s, IRAQ", 1 + gen_rng_below(rng, 120),
                  1 + gen_rng_below(rng, 60), 100 + gen_rng_below(rng, 900), district,
                  iq_cities[c].city);
}

void
gen_party_foreign(GString *name, GString *address, const GenCountry *country, GenGroup group,
                  GenRng *rng)
{
  char city[48];
  list_nth(city, sizeof city, country->cities, gen_rng_below(rng, list_count(country->cities)));
  const char *trade = trade_en[group];
  switch (country->style) {
  case GEN_STYLE_CHINESE:
    g_string_printf(name, "%s %s%s %s CO., LTD.", city, PICK(rng, cn_syllables),
                    PICK(rng, cn_syllables), trade);
    break;
  case GEN_STYLE_INDIAN:
    if (gen_rng_below(rng, 2))
      g_string_printf(name, "%s %s PVT. LTD.", PICK(rng, in_words), trade);
    else
      g_string_printf(name, "%s %s OVERSEAS", PICK(rng, in_words), PICK(rng, in_words));
    break;
  case GEN_STYLE_TURKISH:
    g_string_printf(name, "%s %s SAN. VE TIC. %s", PICK(rng, tr_words), trade_tr[group],
                    gen_rng_below(rng, 2) ? "A.S." : "LTD. STI.");
    break;
  case GEN_STYLE_ARAB:
    if (gen_rng_below(rng, 2))
      g_string_printf(name, "%s %s L.L.C.", PICK(rng, ar_words), trade);
    else
      g_string_printf(name, "%s GENERAL TRADING %s", PICK(rng, ar_words),
                      strcmp(country->code, "AE") == 0 ? "FZE" : "CO.");
    break;
  case GEN_STYLE_PERSIAN:
    g_string_printf(name, "%s %s %s CO.", PICK(rng, fa_words), PICK(rng, fa_words), trade);
    break;
  case GEN_STYLE_GERMAN:
    g_string_printf(name, "%s %s GMBH", PICK(rng, de_words), trade);
    break;
  case GEN_STYLE_LATIN:
    g_string_printf(name, "%s %s %s", PICK(rng, la_words), trade,
                    strcmp(country->code, "IT") == 0   ? "S.P.A."
                    : strcmp(country->code, "BR") == 0 ? "LTDA"
                                                       : "S.A.");
    break;
  case GEN_STYLE_ENGLISH:
    g_string_printf(name, "%s %s LTD", PICK(rng, en_words), trade);
    break;
  case GEN_STYLE_EAST_ASIAN:
  case GEN_STYLE_COUNT:
    g_string_printf(name, "%s %s %s", PICK(rng, ea_words), trade,
                    gen_rng_below(rng, 2) ? "CORPORATION" : "CO., LTD.");
    break;
  }
  g_string_printf(address, "NO. %u %s ROAD, %s, %s", 1 + gen_rng_below(rng, 400),
                  PICK(rng, streets), city, country->name);
}

void
gen_party_haulier(GString *name, const GenCountry *country, GenRng *rng)
{
  switch (country->style) {
  case GEN_STYLE_TURKISH:
    g_string_printf(name, "%s ULUSLARARASI NAKLIYAT A.S.", PICK(rng, tr_words));
    break;
  case GEN_STYLE_PERSIAN:
    g_string_printf(name, "%s INTERNATIONAL TRANSPORT CO.", PICK(rng, fa_words));
    break;
  default:
    g_string_printf(name, "AL-%s LAND TRANSPORT CO.", PICK(rng, iq_words));
    break;
  }
}

void
gen_party_clearing_agent(GString *name, GenRng *rng)
{
  g_string_printf(name, "AL-%s CUSTOMS CLEARANCE CO.", PICK(rng, iq_words));
}

void
gen_party_forwarder(GString *name, GString *code, GenRng *rng)
{
  static const char *const kinds[] = {"LOGISTICS LLC", "FREIGHT SYSTEMS LLC",
                                      "SHIPPING & LOGISTICS", "CARGO SERVICES FZE",
                                      "GLOBAL FORWARDING"};
  const char *word = PICK(rng, en_words);
  g_string_printf(name, "%s %s %s", PICK(rng, ar_words), word, PICK(rng, kinds));
  g_string_printf(code, "%c%c%c", name->str[0], word[0], 'A' + (char)gen_rng_below(rng, 26));
}

void
gen_party_plate(char *out, gsize size, const char *country, GenRng *rng)
{
  if (strcmp(country, "TR") == 0)
    snprintf(out, size, "%02u %c%c %03u", 1 + gen_rng_below(rng, 81),
             'A' + (char)gen_rng_below(rng, 26), 'A' + (char)gen_rng_below(rng, 26),
             100 + gen_rng_below(rng, 900));
  else if (strcmp(country, "IR") == 0)
    snprintf(out, size, "IR %02u %c %03u %02u", 10 + gen_rng_below(rng, 90),
             'A' + (char)gen_rng_below(rng, 26), 100 + gen_rng_below(rng, 900),
             10 + gen_rng_below(rng, 90));
  else
    snprintf(out, size, "%s %02u-%05u", country, 10 + gen_rng_below(rng, 90),
             gen_rng_below(rng, 100000));
}
