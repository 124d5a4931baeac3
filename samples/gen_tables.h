/* The generator's picture of Iraq's import trade: entry points, countries and their ports,
 * carriers, commodities with their value ranges, and the words company names are made of.
 *
 * Codes were looked up once in ../shared/data/reference (UN/LOCODE, HS 2022, ISO 6346) and
 * only the handful used here are embedded, so the generator needs no data files. */
#pragma once

#include <glib.h>

typedef enum {
  GEN_ENTRY_SEA,  /* seaport: vessels, transshipment hubs */
  GEN_ENTRY_LAND, /* land crossing or inland clearance: trucks, no vessel */
} GenEntryKind;

typedef struct {
  const char *locode;
  const char *name;
  GenEntryKind kind;
  guint weight;           /* share of lines, relative */
  const char *neighbour;  /* land: country the trucks come from */
  const char *truck_from; /* land: places of loading, ';'-separated LOCODEs */
  guint container_pm;     /* land: per mille of trucks carrying an ISO container */
} GenEntry;

typedef enum {
  GEN_REGION_GULF,
  GEN_REGION_SOUTH_ASIA,
  GEN_REGION_EAST_ASIA,
  GEN_REGION_MED,
  GEN_REGION_NORTH_EUROPE,
  GEN_REGION_BLACK_SEA,
  GEN_REGION_SOUTH_AMERICA,
  GEN_REGION_OCEANIA,
  GEN_REGION_LEVANT,
  GEN_REGION_NEIGHBOUR, /* reaches Iraq by road only */
} GenRegion;

typedef enum {
  GEN_STYLE_CHINESE,
  GEN_STYLE_INDIAN,
  GEN_STYLE_TURKISH,
  GEN_STYLE_ARAB,
  GEN_STYLE_PERSIAN,
  GEN_STYLE_GERMAN,
  GEN_STYLE_LATIN, /* Italian, Spanish, French, Portuguese */
  GEN_STYLE_ENGLISH,
  GEN_STYLE_EAST_ASIAN,
  GEN_STYLE_COUNT
} GenStyle;

typedef struct {
  const char *code;
  const char *name;
  GenRegion region;
  GenStyle style;
  const char *ports;  /* sea ports of loading, ';'-separated LOCODEs; NULL when none used */
  const char *cities; /* ';'-separated, for addresses */
} GenCountry;

typedef struct {
  const char *name;
  const char *scac;   /* prefix of its B/L numbers */
  const char *owners; /* container owner codes it uses, ';'-separated */
  const char *vessel_prefix;
  const char *vessels; /* ';'-separated vessel name endings */
  const char *service; /* two letters opening its voyage numbers */
  guint weight;
} GenCarrier;

typedef enum {
  GEN_GROUP_FOOD,
  GEN_GROUP_FROZEN,
  GEN_GROUP_FRESH,
  GEN_GROUP_AUTO,
  GEN_GROUP_MACHINERY,
  GEN_GROUP_ELECTRICAL,
  GEN_GROUP_PHARMA,
  GEN_GROUP_CONSTRUCTION,
  GEN_GROUP_TEXTILE,
  GEN_GROUP_TOBACCO,
  GEN_GROUP_HOUSEHOLD,
  GEN_GROUP_CHEMICAL,
  GEN_GROUP_COUNT,
  GEN_GROUP_PLANTED = GEN_GROUP_COUNT, /* only written by planted patterns */
} GenGroup;

typedef enum {
  GEN_EQUIP_DRY20,  /* dense goods: a 20' box reaches its weight limit first */
  GEN_EQUIP_DRY40,  /* light, bulky goods */
  GEN_EQUIP_REEFER, /* perishable: 45R1 or 22R1 */
  GEN_EQUIP_OPEN,   /* machinery, steel structures: open top */
  GEN_EQUIP_TANK,   /* bulk liquids */
} GenEquip;

typedef struct {
  const char *hs;   /* HS 2022 subheading */
  const char *desc; /* commercial descriptions on the B/L, '|'-separated variants */
  GenGroup group;
  GenEquip equip;
  guint32 cents_min, cents_max; /* USD cents per kg, typical range */
  guint32 kg_min, kg_max;       /* cargo mass of one full container */
  const char *package;          /* package kind, plural */
  guint32 kg_per_package;
  const char *origins; /* "CN:5;TR:2": countries of origin with relative weights */
} GenCommodity;

extern const GenEntry gen_entries[];
extern const guint gen_n_entries;
extern const GenCountry gen_countries[];
extern const guint gen_n_countries;
extern const GenCarrier gen_carriers[];
extern const guint gen_n_carriers;
extern const GenCommodity gen_commodities[];
extern const guint gen_n_commodities;

/* Container owner codes of lessors, used by every carrier and by truckers. */
extern const char *const gen_lessor_owners[];
extern const guint gen_n_lessor_owners;

const GenCountry *gen_country_find(const char *code);
int gen_country_index(const char *code);
