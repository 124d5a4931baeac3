/* Names and addresses of the parties on the generated manifests: Iraqi consignees in Latin
 * transliteration, foreign shippers named the way companies of their country are, freight
 * forwarders issuing house B/Ls, and truckers. Every name is a pure function of its key, so
 * the pools the generator builds once are the same for the same seed. */
#pragma once

#include <glib.h>

#include "gen_rng.h"
#include "gen_tables.h"

/* An Iraqi consignee trading in `group`: name and street address ("..., BAGHDAD, IRAQ"). */
void gen_party_iraqi(GString *name, GString *address, GenGroup group, GenRng *rng);
/* A company of `country` trading in `group`, with an address in one of its cities. */
void gen_party_foreign(GString *name, GString *address, const GenCountry *country, GenGroup group,
                       GenRng *rng);
/* A road haulier of `country` (Turkish, Jordanian, Kuwaiti or Iranian). */
void gen_party_haulier(GString *name, const GenCountry *country, GenRng *rng);
/* A customs broker's firm, named as notify party for its clients. */
void gen_party_clearing_agent(GString *name, GenRng *rng);
/* A freight forwarder (NVOCC) and the three letters opening its house B/L numbers. */
void gen_party_forwarder(GString *name, GString *code, GenRng *rng);
/* A truck registration plate of `country`. */
void gen_party_plate(char *out, gsize size, const char *country, GenRng *rng);

/* Shipper names that hide who really shipped the goods. */
extern const char *const gen_generic_shippers[];
extern const guint gen_n_generic_shippers;
