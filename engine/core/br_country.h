/* Country names as watchlists write them, to ISO 3166-1 alpha-2 codes.
 *
 * The UN list writes "Iran (Islamic Republic of)", OFAC "Iran", a manifest "IR": corroborating a
 * match by country needs one form. Names compare without case, accents, punctuation or spaces;
 * the table holds the ISO short names, the UN's formal and short forms, and the variants the
 * shared UN and OFAC lists use ("Korea, North", "Burma", "Palestinian"). */
#pragma once

#include <glib.h>

/* The alpha-2 code of a country name or code ("Syrian Arab Republic", "syria", "SY"), or NULL. */
const char *br_country_code(const char *name, gssize len);
