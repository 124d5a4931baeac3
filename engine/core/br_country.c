#include "br_country.h"

#include <string.h>

/* Names separated by '|': the ISO or UN short name first. */
static const struct {
  char code[3];
  const char *names;
} countries[] = {
    {"AD", "Andorra"},
    {"AE", "United Arab Emirates|UAE|U.A.E."},
    {"AF", "Afghanistan"},
    {"AG", "Antigua and Barbuda"},
    {"AI", "Anguilla"},
    {"AL", "Albania"},
    {"AM", "Armenia"},
    {"AN", "Netherlands Antilles"}, /* dissolved in 2010; OFAC still writes it */
    {"AO", "Angola"},
    {"AQ", "Antarctica"},
    {"AR", "Argentina"},
    {"AS", "American Samoa"},
    {"AT", "Austria"},
    {"AU", "Australia"},
    {"AW", "Aruba"},
    {"AX", "Aland Islands"},
    {"AZ", "Azerbaijan"},
    {"BA", "Bosnia and Herzegovina|Bosnia-Herzegovina|Bosnia"},
    {"BB", "Barbados"},
    {"BD", "Bangladesh"},
    {"BE", "Belgium"},
    {"BF", "Burkina Faso"},
    {"BG", "Bulgaria"},
    {"BH", "Bahrain"},
    {"BI", "Burundi"},
    {"BJ", "Benin"},
    {"BL", "Saint Barthelemy"},
    {"BM", "Bermuda"},
    {"BN", "Brunei Darussalam|Brunei"},
    {"BO", "Bolivia (Plurinational State of)|Bolivia|Plurinational State of Bolivia"},
    {"BQ", "Bonaire, Sint Eustatius and Saba|Bonaire|Caribbean Netherlands"},
    {"BR", "Brazil"},
    {"BS", "Bahamas|The Bahamas|Bahamas, The"},
    {"BT", "Bhutan"},
    {"BV", "Bouvet Island"},
    {"BW", "Botswana"},
    {"BY", "Belarus"},
    {"BZ", "Belize"},
    {"CA", "Canada"},
    {"CC", "Cocos (Keeling) Islands|Cocos Islands"},
    {"CD", "Democratic Republic of the Congo|Congo, Democratic Republic of the|Congo - Kinshasa|"
           "Congo (Kinshasa)|DR Congo|DRC|Zaire"},
    {"CF", "Central African Republic"},
    {"CG",
     "Congo|Republic of the Congo|Congo, Republic of the|Congo - Brazzaville|Congo (Brazzaville)"},
    {"CH", "Switzerland"},
    {"CI", "Cote d'Ivoire|Ivory Coast|Cote d Ivoire"},
    {"CK", "Cook Islands"},
    {"CL", "Chile"},
    {"CM", "Cameroon"},
    {"CN", "China|People's Republic of China"},
    {"CO", "Colombia"},
    {"CR", "Costa Rica"},
    {"CU", "Cuba"},
    {"CV", "Cabo Verde|Cape Verde"},
    {"CW", "Curacao"},
    {"CX", "Christmas Island"},
    {"CY", "Cyprus"},
    {"CZ", "Czechia|Czech Republic"},
    {"DE", "Germany"},
    {"DJ", "Djibouti"},
    {"DK", "Denmark"},
    {"DM", "Dominica"},
    {"DO", "Dominican Republic"},
    {"DZ", "Algeria"},
    {"EC", "Ecuador"},
    {"EE", "Estonia"},
    {"EG", "Egypt"},
    {"EH", "Western Sahara"},
    {"ER", "Eritrea"},
    {"ES", "Spain"},
    {"ET", "Ethiopia"},
    {"FI", "Finland"},
    {"FJ", "Fiji"},
    {"FK", "Falkland Islands (Malvinas)|Falkland Islands"},
    {"FM", "Micronesia (Federated States of)|Micronesia"},
    {"FO", "Faroe Islands"},
    {"FR", "France"},
    {"GA", "Gabon"},
    {"GB", "United Kingdom of Great Britain and Northern Ireland|United Kingdom|UK|U.K.|"
           "Great Britain|Britain"},
    {"GD", "Grenada"},
    {"GE", "Georgia"},
    {"GF", "French Guiana"},
    {"GG", "Guernsey"},
    {"GH", "Ghana"},
    {"GI", "Gibraltar"},
    {"GL", "Greenland"},
    {"GM", "Gambia|The Gambia|Gambia, The"},
    {"GN", "Guinea"},
    {"GP", "Guadeloupe"},
    {"GQ", "Equatorial Guinea"},
    {"GR", "Greece"},
    {"GS", "South Georgia and the South Sandwich Islands|South Georgia and South Sandwich Islands"},
    {"GT", "Guatemala"},
    {"GU", "Guam"},
    {"GW", "Guinea-Bissau"},
    {"GY", "Guyana"},
    {"HK", "China, Hong Kong Special Administrative Region|Hong Kong|Hong Kong SAR|"
           "Hong Kong SAR China"},
    {"HM", "Heard Island and McDonald Islands|Heard and McDonald Islands"},
    {"HN", "Honduras"},
    {"HR", "Croatia"},
    {"HT", "Haiti"},
    {"HU", "Hungary"},
    {"ID", "Indonesia"},
    {"IE", "Ireland"},
    {"IL", "Israel"},
    {"IM", "Isle of Man|Man, Isle of"},
    {"IN", "India"},
    {"IO", "British Indian Ocean Territory"},
    {"IQ", "Iraq"},
    {"IR", "Iran (Islamic Republic of)|Iran|Islamic Republic of Iran"},
    {"IS", "Iceland"},
    {"IT", "Italy"},
    {"JE", "Jersey"},
    {"JM", "Jamaica"},
    {"JO", "Jordan"},
    {"JP", "Japan"},
    {"KE", "Kenya"},
    {"KG", "Kyrgyzstan"},
    {"KH", "Cambodia"},
    {"KI", "Kiribati"},
    {"KM", "Comoros|Union of the Comoros"},
    {"KN", "Saint Kitts and Nevis"},
    {"KP", "Democratic People's Republic of Korea|Korea, North|North Korea|DPRK|"
           "Korea, Democratic People's Republic of"},
    {"KR", "Republic of Korea|Korea, South|South Korea"},
    {"KW", "Kuwait"},
    {"KY", "Cayman Islands"},
    {"KZ", "Kazakhstan"},
    {"LA", "Lao People's Democratic Republic|Laos"},
    {"LB", "Lebanon"},
    {"LC", "Saint Lucia"},
    {"LI", "Liechtenstein"},
    {"LK", "Sri Lanka"},
    {"LR", "Liberia"},
    {"LS", "Lesotho"},
    {"LT", "Lithuania"},
    {"LU", "Luxembourg"},
    {"LV", "Latvia"},
    {"LY", "Libya|Libyan Arab Jamahiriya"},
    {"MA", "Morocco"},
    {"MC", "Monaco"},
    {"MD", "Republic of Moldova|Moldova"},
    {"ME", "Montenegro"},
    {"MF", "Saint Martin (French Part)|Saint Martin"},
    {"MG", "Madagascar"},
    {"MH", "Marshall Islands"},
    {"MK", "North Macedonia|Macedonia|Macedonia, The Former Yugoslav Republic of|"
           "The former Yugoslav Republic of Macedonia"},
    {"ML", "Mali"},
    {"MM", "Myanmar|Burma"},
    {"MN", "Mongolia"},
    {"MO", "China, Macao Special Administrative Region|Macao|Macau|Macao SAR China"},
    {"MP", "Northern Mariana Islands"},
    {"MQ", "Martinique"},
    {"MR", "Mauritania"},
    {"MS", "Montserrat"},
    {"MT", "Malta"},
    {"MU", "Mauritius"},
    {"MV", "Maldives"},
    {"MW", "Malawi"},
    {"MX", "Mexico"},
    {"MY", "Malaysia"},
    {"MZ", "Mozambique"},
    {"NA", "Namibia"},
    {"NC", "New Caledonia"},
    {"NE", "Niger"},
    {"NF", "Norfolk Island"},
    {"NG", "Nigeria"},
    {"NI", "Nicaragua"},
    {"NL", "Netherlands|Kingdom of the Netherlands|Holland"},
    {"NO", "Norway"},
    {"NP", "Nepal"},
    {"NR", "Nauru"},
    {"NU", "Niue"},
    {"NZ", "New Zealand"},
    {"OM", "Oman"},
    {"PA", "Panama"},
    {"PE", "Peru"},
    {"PF", "French Polynesia"},
    {"PG", "Papua New Guinea"},
    {"PH", "Philippines"},
    {"PK", "Pakistan"},
    {"PL", "Poland"},
    {"PM", "Saint Pierre and Miquelon"},
    {"PN", "Pitcairn|Pitcairn Islands"},
    {"PR", "Puerto Rico"},
    {"PS", "State of Palestine|Palestine|Palestinian|Palestinian Territories|"
           "Palestine, State of|West Bank|Gaza|Gaza Strip"},
    {"PT", "Portugal"},
    {"PW", "Palau"},
    {"PY", "Paraguay"},
    {"QA", "Qatar"},
    {"RE", "Reunion"},
    {"RO", "Romania"},
    {"RS", "Serbia"},
    {"RU", "Russian Federation|Russia"},
    {"RW", "Rwanda"},
    {"SA", "Saudi Arabia"},
    {"SB", "Solomon Islands"},
    {"SC", "Seychelles"},
    {"SD", "Sudan"},
    {"SE", "Sweden"},
    {"SG", "Singapore"},
    {"SH", "Saint Helena, Ascension and Tristan da Cunha|Saint Helena|St. Helena"},
    {"SI", "Slovenia"},
    {"SJ", "Svalbard and Jan Mayen Islands|Svalbard and Jan Mayen|Svalbard & Jan Mayen"},
    {"SK", "Slovakia"},
    {"SL", "Sierra Leone"},
    {"SM", "San Marino"},
    {"SN", "Senegal"},
    {"SO", "Somalia"},
    {"SR", "Suriname"},
    {"SS", "South Sudan"},
    {"ST", "Sao Tome and Principe"},
    {"SU", "Soviet Union|former Soviet Union|USSR"}, /* ISO 3166-3, still reserved */
    {"SV", "El Salvador"},
    {"SX", "Sint Maarten (Dutch part)|Sint Maarten"},
    {"SY", "Syrian Arab Republic|Syria"},
    {"SZ", "Eswatini|Swaziland"},
    {"TC", "Turks and Caicos Islands"},
    {"TD", "Chad"},
    {"TF", "French Southern Territories"},
    {"TG", "Togo"},
    {"TH", "Thailand"},
    {"TJ", "Tajikistan"},
    {"TK", "Tokelau"},
    {"TL", "Timor-Leste|East Timor"},
    {"TM", "Turkmenistan"},
    {"TN", "Tunisia"},
    {"TO", "Tonga"},
    {"TR", "Turkiye|Turkey"},
    {"TT", "Trinidad and Tobago"},
    {"TV", "Tuvalu"},
    {"TW", "Taiwan|Taiwan, Province of China"},
    {"TZ", "United Republic of Tanzania|Tanzania"},
    {"UA", "Ukraine"},
    {"UG", "Uganda"},
    {"UM", "United States Minor Outlying Islands|U.S. Outlying Islands"},
    {"US", "United States of America|United States|USA|U.S.A.|US"},
    {"UY", "Uruguay"},
    {"UZ", "Uzbekistan"},
    {"VA", "Holy See|Vatican City|Vatican"},
    {"VC", "Saint Vincent and the Grenadines|Saint Vincent and Grenadines"},
    {"VE", "Venezuela (Bolivarian Republic of)|Venezuela"},
    {"VG", "British Virgin Islands|Virgin Islands, British"},
    {"VI", "United States Virgin Islands|U.S. Virgin Islands|Virgin Islands, U.S."},
    {"VN", "Viet Nam|Vietnam"},
    {"VU", "Vanuatu"},
    {"WF", "Wallis and Futuna Islands|Wallis and Futuna"},
    {"WS", "Samoa"},
    {"XK", "Kosovo"},
    {"YE", "Yemen"},
    {"YU", "Yugoslavia|former Yugoslavia"}, /* ISO 3166-3, still reserved */
    {"YT", "Mayotte"},
    {"ZA", "South Africa"},
    {"ZM", "Zambia"},
    {"ZW", "Zimbabwe"},
};

/* The form names compare in: ASCII letters and digits, lower case, accents dropped, "&" as
 * "and". */
static char *
country_key(const char *name, gssize len)
{
  char *nfd = g_utf8_normalize(name, len, G_NORMALIZE_NFD);
  if (!nfd)
    return NULL;
  /* The UN's "Sudan (the)", CLDR's "St. Lucia". */
  if (g_str_has_suffix(nfd, " (the)"))
    nfd[strlen(nfd) - 6] = '\0';
  GString *key = g_string_sized_new(strlen(nfd) + 8);
  const char *p = nfd;
  if (g_str_has_prefix(p, "St. ")) {
    g_string_append(key, "saint");
    p += 4;
  }
  for (; *p; p++)
    if (g_ascii_isalnum(*p))
      g_string_append_c(key, g_ascii_tolower(*p));
    else if (*p == '&')
      g_string_append(key, "and");
  g_free(nfd);
  return g_string_free(key, FALSE);
}

static GHashTable *
country_table(void)
{
  static gsize once;
  static GHashTable *table;
  if (g_once_init_enter(&once)) {
    GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(countries); i++) {
      char **names = g_strsplit(countries[i].names, "|", -1);
      g_hash_table_insert(t, country_key(countries[i].code, -1), (gpointer)countries[i].code);
      for (guint k = 0; names[k]; k++)
        g_hash_table_insert(t, country_key(names[k], -1), (gpointer)countries[i].code);
      g_strfreev(names);
    }
    table = t;
    g_once_init_leave(&once, 1);
  }
  return table;
}

const char *
br_country_code(const char *name, gssize len)
{
  char *key = country_key(name, len);
  const char *code = key && *key ? g_hash_table_lookup(country_table(), key) : NULL;
  g_free(key);
  return code;
}
