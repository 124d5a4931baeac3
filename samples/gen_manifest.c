#include "gen_manifest.h"

#include <errno.h>
#include <string.h>

#include "gen_codes.h"
#include "gen_party.h"
#include "gen_rng.h"
#include "gen_tables.h"

G_DEFINE_QUARK(gen - error - quark, gen_error)

/* ---- planted patterns ---------------------------------------------------------------- */

typedef enum {
  PLANT_NONE = 0,
  PLANT_MASS_MISMATCH,
  PLANT_UNDERVALUED,
  PLANT_VAGUE_DESCRIPTION,
  PLANT_HS_MISMATCH,
  PLANT_CIRCUITOUS_ROUTE,
  PLANT_PRECURSOR,
  PLANT_CAPTAGON,
  PLANT_TRAMADOL,
  PLANT_REEFER_NONPERISHABLE,
  PLANT_BAD_CONTAINER_CHECK,
  PLANT_BAD_IMO,
  PLANT_SEAL_CHANGED,
  PLANT_NVOCC_GENERIC_SHIPPER,
  PLANT_FREIGHT_DISPROPORTION,
  PLANT_FIRST_TIME_CONSIGNEE,
  PLANT_TRANSIT_DIVERSION,
  PLANT_COUNT
} Plant;

enum {
  NEEDS_SEA = 1 << 0,
  NEEDS_CONTAINER = 1 << 1,
  SINGLE_LINE = 1 << 2,
  WHOLE_CONTAINER = 1 << 3, /* every line of the container carries the pattern */
};

typedef struct {
  const char *name; /* as written to the truth file */
  guint weight;
  guint flags;
} PlantInfo;

static const PlantInfo plants[PLANT_COUNT] = {
    [PLANT_NONE] = {"none", 0, 0},
    [PLANT_MASS_MISMATCH] = {"mass_mismatch", 10, 0},
    [PLANT_UNDERVALUED] = {"undervalued", 10, 0},
    [PLANT_VAGUE_DESCRIPTION] = {"vague_description", 9, 0},
    [PLANT_HS_MISMATCH] = {"hs_mismatch", 8, 0},
    [PLANT_CIRCUITOUS_ROUTE] = {"circuitous_route", 6, NEEDS_SEA | SINGLE_LINE | WHOLE_CONTAINER},
    [PLANT_PRECURSOR] = {"precursor", 4, NEEDS_SEA | SINGLE_LINE},
    [PLANT_CAPTAGON] = {"captagon", 4, NEEDS_SEA | SINGLE_LINE},
    [PLANT_TRAMADOL] = {"tramadol", 4, NEEDS_SEA | SINGLE_LINE},
    [PLANT_REEFER_NONPERISHABLE] = {"reefer_nonperishable", 6,
                                    NEEDS_SEA | SINGLE_LINE | WHOLE_CONTAINER},
    [PLANT_BAD_CONTAINER_CHECK] = {"bad_container_check", 6, NEEDS_CONTAINER | WHOLE_CONTAINER},
    [PLANT_BAD_IMO] = {"bad_imo", 4, NEEDS_SEA | WHOLE_CONTAINER},
    [PLANT_SEAL_CHANGED] = {"seal_changed", 6, NEEDS_CONTAINER | WHOLE_CONTAINER},
    [PLANT_NVOCC_GENERIC_SHIPPER] = {"nvocc_generic_shipper", 7, NEEDS_SEA | SINGLE_LINE},
    [PLANT_FREIGHT_DISPROPORTION] = {"freight_disproportion", 5, 0},
    [PLANT_FIRST_TIME_CONSIGNEE] = {"first_time_consignee", 6, 0},
    [PLANT_TRANSIT_DIVERSION] = {"transit_diversion", 5, 0},
};

/* Containers that carry a planted pattern, per mille. With the line-count mix below this
 * puts a pattern on about 4% of the lines. */
#define PLANT_PER_MILLE 45

static const char *const vague_descriptions[] = {
    "FAK",
    "FAK - FREIGHT ALL KINDS",
    "STC GENERAL CARGO",
    "GENERAL CARGO",
    "SAID TO CONTAIN: GENERAL CARGO",
    "MIXED GOODS",
    "VARIOUS GOODS AS PER INVOICE",
};

/* Misdeclared tariff lines: goods described truly, classified under a cheaper heading. */
static const struct {
  const char *real_hs, *declared_hs;
} hs_swaps[] = {
    {"851713", "392690"}, {"841510", "732690"}, {"847130", "392630"}, {"240220", "481910"},
    {"854143", "700529"}, {"852872", "940542"}, {"300490", "210690"}, {"940360", "441239"},
};

/* South American cocaine-exit ports to Iraq, through the Caribbean and two more hubs. */
static const char *const circuitous_origins[] = {"EC", "CO", "PE"};
static const char *const circuitous_goods[] = {"080390", "090111", "030389"};
static const char *const circuitous_hubs[] = {
    "PAONX;ESVLC;AEJEA", "JMKIN;MAPTM;AEJEA", "PAMIT;ESALG;OMSLL",
    "JMKIN;EGPSD;AEJEA", "PAONX;AEJEA",
};
static const char *const precursor_hs[] = {"293941", "293942", "291431", "291634", "293292"};
static const char *const diversion_countries[] = {"IR", "SY"};

/* ---- routes -------------------------------------------------------------------------- */

typedef struct {
  const char *hubs; /* ';'-separated transshipment ports, "" for a direct call */
  guint weight;
} HubRoute;

typedef struct {
  const HubRoute *routes;
  guint n;
} RegionRoutes;

#define ROUTES(...)                                                                                \
  {                                                                                                \
    (const HubRoute[]){__VA_ARGS__}, sizeof((const HubRoute[]){__VA_ARGS__}) / sizeof(HubRoute)    \
  }

static const RegionRoutes region_routes[] = {
    [GEN_REGION_GULF] = ROUTES({"", 100}),
    [GEN_REGION_SOUTH_ASIA] = ROUTES({"", 40}, {"AEJEA", 50}, {"OMSLL", 10}),
    [GEN_REGION_EAST_ASIA] =
        ROUTES({"", 35}, {"AEJEA", 40}, {"LKCMB", 10}, {"SGSIN", 8}, {"MYPKG", 7}),
    [GEN_REGION_MED] = ROUTES({"AEJEA", 50}, {"EGPSD", 20}, {"OMSLL", 20}, {"", 10}),
    [GEN_REGION_NORTH_EUROPE] =
        ROUTES({"AEJEA", 45}, {"OMSLL", 25}, {"EGPSD", 15}, {"EGPSD;AEJEA", 15}),
    [GEN_REGION_BLACK_SEA] = ROUTES({"EGPSD;AEJEA", 40}, {"AEJEA", 40}, {"OMSLL", 20}),
    [GEN_REGION_SOUTH_AMERICA] = ROUTES({"AEJEA", 40}, {"OMSLL", 20}, {"MAPTM;AEJEA", 40}),
    [GEN_REGION_OCEANIA] = ROUTES({"SGSIN", 40}, {"AEJEA", 30}, {"LKCMB", 30}),
    [GEN_REGION_LEVANT] = ROUTES({"AEJEA", 60}, {"EGPSD;AEJEA", 40}),
    [GEN_REGION_NEIGHBOUR] = ROUTES({"", 70}, {"AEJEA", 30}),
};

/* ---- the world a run draws from ------------------------------------------------------ */

typedef char DeclarantId[8];
typedef char DateText[11];

typedef struct {
  const char *name, *address;
  char tin[11];
  GenGroup groups[2];
  guint declarant;
} Consignee;

typedef struct {
  const char *name, *address;
} Shipper;

typedef struct {
  const char *name;
  char imo[8];
} Vessel;

typedef struct {
  const char *name;
  char code[4];
} Forwarder;

typedef struct {
  guint16 country[8];
  guint8 weight[8];
  guint n;
  guint total;
} Origins;

#define N_FORWARDERS 16
#define N_HAULIERS 10
#define MAX_VESSELS 8

typedef struct {
  GStringChunk *strings;
  Consignee *consignees;
  guint n_consignees;
  Shipper *shippers; /* [country][group][k] */
  guint shippers_per;
  DeclarantId *declarants;
  guint n_declarants;
  const char **clearing_agents; /* notify parties, one per declarant */
  Forwarder forwarders[N_FORWARDERS];
  const char *hauliers[4][N_HAULIERS]; /* by land entry's neighbour: TR, KW, JO, IR */
  Vessel vessels[16][MAX_VESSELS];
  guint n_vessels[16];
  Origins *origins;                  /* per commodity */
  GArray *by_group[GEN_GROUP_COUNT]; /* normal commodity indices */
  GArray **by_country;               /* normal commodity indices with that origin */
  GArray *non_perishable;            /* dry goods a reefer has no reason to carry */
  guint entry_total, sea_total, carrier_total;
  DateText *dates;
} World;

static const char *const neighbours[4] = {"TR", "KW", "JO", "IR"};

static guint
neighbour_slot(const char *country)
{
  for (guint i = 0; i < G_N_ELEMENTS(neighbours); i++)
    if (strcmp(neighbours[i], country) == 0)
      return i;
  g_assert_not_reached();
}

static int
commodity_find(const char *hs, gboolean planted)
{
  for (guint i = 0; i < gen_n_commodities; i++)
    if (strcmp(gen_commodities[i].hs, hs) == 0 &&
        (gen_commodities[i].group == GEN_GROUP_PLANTED) == planted)
      return (int)i;
  g_assert_not_reached();
}

static gboolean
hs_perishable(const char *hs)
{
  /* What the starter pack accepts in a reefer: food, plants, medicines. */
  static const char *const chapters[] = {"02", "03", "04", "05", "06", "07", "08",
                                         "16", "20", "21", "22", "30", "38"};
  for (guint i = 0; i < G_N_ELEMENTS(chapters); i++)
    if (strncmp(hs, chapters[i], 2) == 0)
      return TRUE;
  return FALSE;
}

static void
parse_origins(const char *spec, Origins *o)
{
  memset(o, 0, sizeof *o);
  for (const char *p = spec; *p;) {
    int c = gen_country_index(p);
    g_assert(c >= 0 && p[2] == ':' && o->n < G_N_ELEMENTS(o->country));
    guint w = (guint)g_ascii_strtoull(p + 3, (char **)&p, 10);
    o->country[o->n] = (guint16)c;
    o->weight[o->n] = (guint8)w;
    o->total += w;
    o->n++;
    if (*p == ';')
      p++;
  }
}

static guint
list_count(const char *list)
{
  guint n = 1;
  for (const char *p = list; *p; p++)
    n += *p == ';';
  return n;
}

/* Element n of a ';'-separated list of 5-letter codes or of '|'-separated texts. */
static const char *
list_nth(const char *list, char sep, guint n, gsize *len)
{
  const char *p = list;
  for (guint i = 0; i < n; i++)
    p = strchr(p, sep) + 1;
  const char *end = strchr(p, sep);
  *len = end ? (gsize)(end - p) : strlen(p);
  return p;
}

static guint
clamp_pool(guint64 lines, guint64 per, guint lo, guint hi)
{
  guint64 n = lines / per;
  return (guint)CLAMP(n, lo, hi);
}

static void
world_build(World *w, const GenOptions *opt)
{
  GenRng rng;
  /* Pools depend on the seed but are drawn from their own stream, so the stream that makes
   * the lines does not shift when a pool changes size. */
  gen_rng_seed(&rng, (opt->world_seed ? opt->world_seed : opt->seed) ^ 0x5eedf00dcafe1234ULL);
  w->strings = g_string_chunk_new(1 << 16);
  GString *name = g_string_new(NULL), *addr = g_string_new(NULL), *code = g_string_new(NULL);

  w->n_declarants = clamp_pool(opt->lines, 300, 10, 400);
  w->declarants = g_new(DeclarantId, w->n_declarants);
  w->clearing_agents = g_new(const char *, w->n_declarants);
  for (guint i = 0; i < w->n_declarants; i++) {
    g_snprintf(w->declarants[i], sizeof w->declarants[i], "CB%05u",
               10000 + (i * 7919 + 123) % 90000);
    gen_party_clearing_agent(name, &rng);
    w->clearing_agents[i] = g_string_chunk_insert_const(w->strings, name->str);
  }

  w->n_consignees = clamp_pool(opt->lines, 12, 30, 40000);
  w->consignees = g_new0(Consignee, w->n_consignees);
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < w->n_consignees; i++) {
    Consignee *c = &w->consignees[i];
    c->groups[0] = (GenGroup)gen_rng_below(&rng, GEN_GROUP_COUNT);
    c->groups[1] =
        gen_rng_chance(&rng, 600) ? c->groups[0] : (GenGroup)gen_rng_below(&rng, GEN_GROUP_COUNT);
    do
      gen_party_iraqi(name, addr, c->groups[0], &rng);
    while (g_hash_table_contains(seen, name->str));
    c->name = g_string_chunk_insert_const(w->strings, name->str);
    g_hash_table_add(seen, (char *)c->name);
    c->address = g_string_chunk_insert_const(w->strings, addr->str);
    g_snprintf(c->tin, sizeof c->tin, "%010llu",
               (unsigned long long)gen_rng_range(&rng, 1000000000ULL, 9999999999ULL));
    c->declarant = gen_rng_below(&rng, w->n_declarants);
  }
  g_hash_table_destroy(seen);

  w->shippers_per = clamp_pool(opt->lines, 4000, 3, 25);
  guint n_shippers = gen_n_countries * (GEN_GROUP_COUNT + 1) * w->shippers_per;
  w->shippers = g_new(Shipper, n_shippers);
  for (guint i = 0; i < n_shippers; i++) {
    guint country = i / ((GEN_GROUP_COUNT + 1) * w->shippers_per);
    GenGroup group = (GenGroup)(i / w->shippers_per % (GEN_GROUP_COUNT + 1));
    gen_party_foreign(name, addr, &gen_countries[country], group, &rng);
    w->shippers[i].name = g_string_chunk_insert_const(w->strings, name->str);
    w->shippers[i].address = g_string_chunk_insert_const(w->strings, addr->str);
  }

  for (guint i = 0; i < N_FORWARDERS; i++) {
    gen_party_forwarder(name, code, &rng);
    w->forwarders[i].name = g_string_chunk_insert_const(w->strings, name->str);
    g_strlcpy(w->forwarders[i].code, code->str, sizeof w->forwarders[i].code);
  }
  for (guint n = 0; n < G_N_ELEMENTS(neighbours); n++)
    for (guint i = 0; i < N_HAULIERS; i++) {
      gen_party_haulier(name, gen_country_find(neighbours[n]), &rng);
      w->hauliers[n][i] = g_string_chunk_insert_const(w->strings, name->str);
    }

  /* The fleet is the same for every seed: ships do not change with the sample. */
  g_assert(gen_n_carriers <= G_N_ELEMENTS(w->vessels));
  for (guint c = 0; c < gen_n_carriers; c++) {
    const GenCarrier *carrier = &gen_carriers[c];
    w->n_vessels[c] = MIN(list_count(carrier->vessels), MAX_VESSELS);
    for (guint v = 0; v < w->n_vessels[c]; v++) {
      gsize len;
      const char *word = list_nth(carrier->vessels, ';', v, &len);
      g_string_printf(name, "%s%.*s", carrier->vessel_prefix, (int)len, word);
      w->vessels[c][v].name = g_string_chunk_insert_const(w->strings, name->str);
      char six[7];
      g_snprintf(six, sizeof six, "%06u", 910000 + ((c * MAX_VESSELS + v) * 7919u + 3331) % 89000);
      g_snprintf(w->vessels[c][v].imo, 8, "%s%d", six, gen_imo_check_digit(six));
    }
  }

  w->origins = g_new(Origins, gen_n_commodities);
  for (guint g = 0; g < GEN_GROUP_COUNT; g++)
    w->by_group[g] = g_array_new(FALSE, FALSE, sizeof(guint));
  w->by_country = g_new(GArray *, gen_n_countries);
  for (guint c = 0; c < gen_n_countries; c++)
    w->by_country[c] = g_array_new(FALSE, FALSE, sizeof(guint));
  w->non_perishable = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < gen_n_commodities; i++) {
    const GenCommodity *k = &gen_commodities[i];
    parse_origins(k->origins, &w->origins[i]);
    if (k->group == GEN_GROUP_PLANTED)
      continue;
    g_array_append_val(w->by_group[k->group], i);
    for (guint o = 0; o < w->origins[i].n; o++)
      g_array_append_val(w->by_country[w->origins[i].country[o]], i);
    if ((k->equip == GEN_EQUIP_DRY20 || k->equip == GEN_EQUIP_DRY40) && !hs_perishable(k->hs))
      g_array_append_val(w->non_perishable, i);
  }

  for (guint i = 0; i < gen_n_entries; i++) {
    w->entry_total += gen_entries[i].weight;
    if (gen_entries[i].kind == GEN_ENTRY_SEA)
      w->sea_total += gen_entries[i].weight;
  }
  for (guint i = 0; i < gen_n_carriers; i++)
    w->carrier_total += gen_carriers[i].weight;
  w->dates = g_new(DateText, opt->days);
  for (guint d = 0; d < opt->days; d++)
    gen_date_format(opt->start_day + (int)d, w->dates[d]);

  g_string_free(name, TRUE);
  g_string_free(addr, TRUE);
  g_string_free(code, TRUE);
}

static void
world_clear(World *w)
{
  g_string_chunk_free(w->strings);
  g_free(w->consignees);
  g_free(w->shippers);
  g_free(w->declarants);
  g_free(w->clearing_agents);
  g_free(w->origins);
  for (guint g = 0; g < GEN_GROUP_COUNT; g++)
    g_array_free(w->by_group[g], TRUE);
  for (guint c = 0; c < gen_n_countries; c++)
    g_array_free(w->by_country[c], TRUE);
  g_free(w->by_country);
  g_array_free(w->non_perishable, TRUE);
  g_free(w->dates);
}

/* ---- buffered CSV output -------------------------------------------------------------- */

typedef struct {
  FILE *file;
  char buf[1 << 16];
  gsize len;
  gboolean failed;
} Out;

static void
out_flush(Out *o)
{
  if (o->len && fwrite(o->buf, 1, o->len, o->file) != o->len)
    o->failed = TRUE;
  o->len = 0;
}

static inline void
out_raw(Out *o, const char *s, gsize n)
{
  if (o->len + n > sizeof o->buf)
    out_flush(o);
  if (n > sizeof o->buf) {
    if (fwrite(s, 1, n, o->file) != n)
      o->failed = TRUE;
    return;
  }
  memcpy(o->buf + o->len, s, n);
  o->len += n;
}

static inline void
out_c(Out *o, char c)
{
  if (o->len == sizeof o->buf)
    out_flush(o);
  o->buf[o->len++] = c;
}

/* A text field, quoted (RFC 4180) only when it holds a comma, quote or line break. */
static void
out_text(Out *o, const char *s, gsize n)
{
  gboolean quote = FALSE;
  for (gsize i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote) {
    out_raw(o, s, n);
    return;
  }
  out_c(o, '"');
  for (gsize i = 0; i < n; i++) {
    if (s[i] == '"')
      out_c(o, '"');
    out_c(o, s[i]);
  }
  out_c(o, '"');
}

static inline void
out_str(Out *o, const char *s)
{
  out_text(o, s, strlen(s));
}

static void
out_u64(Out *o, guint64 v)
{
  char tmp[24];
  int i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  out_raw(o, tmp + i, sizeof tmp - (gsize)i);
}

static void
out_cents(Out *o, guint64 cents)
{
  out_u64(o, cents / 100);
  out_c(o, '.');
  out_c(o, (char)('0' + cents / 10 % 10));
  out_c(o, (char)('0' + cents % 10));
}

/* ---- one container and its lines ------------------------------------------------------ */

typedef struct {
  const GenCommodity *commodity;
  const char *hs;
  const char *desc;
  gsize desc_len;
  guint64 declared_kg, measured_kg, value_cents, freight_cents;
  char bol[24];
  char house[16];
  const char *shipper, *shipper_address;
  const char *shipper_country;
  const char *consignee, *consignee_address, *consignee_country;
  const char *notify;
  const char *tin;
  const char *declarant;
  gboolean collect;
} Line;

typedef struct {
  guint entry;
  guint day;
  gboolean sea;
  int origin; /* country index */
  char load[6];
  const char *hubs;
  char container[12];
  const char *size_type;
  char seal[16];
  gboolean seal_changed;
  int carrier; /* -1 on land */
  const Vessel *vessel;
  char imo[8];
  char voyage[24];
  const char *haulier;
  Plant plant;
  guint nlines;
  gboolean lcl;
  Line lines[6];
} Box;

typedef struct {
  const GenOptions *opt;
  World world;
  GenRng rng;
  Out *out, *truth;
  guint64 line_no;
  guint64 container_seq[64]; /* per owner code slot */
  guint64 bol_seq;
  GString *scratch_name, *scratch_addr;
} Gen;

static guint
pick_weighted_entry(Gen *g, gboolean sea_only)
{
  guint pick = gen_rng_below(&g->rng, sea_only ? g->world.sea_total : g->world.entry_total);
  for (guint i = 0; i < gen_n_entries; i++) {
    if (sea_only && gen_entries[i].kind != GEN_ENTRY_SEA)
      continue;
    if (pick < gen_entries[i].weight)
      return i;
    pick -= gen_entries[i].weight;
  }
  g_assert_not_reached();
}

static Plant
pick_plant(Gen *g)
{
  guint total = 0;
  for (guint p = 1; p < PLANT_COUNT; p++)
    total += plants[p].weight;
  guint pick = gen_rng_below(&g->rng, total);
  for (guint p = 1; p < PLANT_COUNT; p++) {
    if (pick < plants[p].weight)
      return (Plant)p;
    pick -= plants[p].weight;
  }
  g_assert_not_reached();
}

static int
pick_origin(Gen *g, guint commodity)
{
  const Origins *o = &g->world.origins[commodity];
  guint pick = gen_rng_below(&g->rng, o->total);
  for (guint i = 0; i < o->n; i++) {
    if (pick < o->weight[i])
      return o->country[i];
    pick -= o->weight[i];
  }
  g_assert_not_reached();
}

static guint
pick_from(Gen *g, const GArray *a)
{
  return g_array_index(a, guint, gen_rng_below(&g->rng, a->len));
}

/* Big importers get many containers: a quadratic skew toward the first consignees. */
static const Consignee *
pick_consignee(Gen *g)
{
  guint64 u = gen_rng_below(&g->rng, 1u << 16);
  return &g->world.consignees[(u * u * g->world.n_consignees) >> 32];
}

static const Shipper *
pick_shipper(Gen *g, int country, GenGroup group)
{
  guint k = gen_rng_below(&g->rng, g->world.shippers_per);
  return &g->world
              .shippers[((guint)country * (GEN_GROUP_COUNT + 1) + group) * g->world.shippers_per +
                        k];
}

/* A commodity of `group` that `country` exports, or any it exports when none fits. */
static guint
pick_commodity_from(Gen *g, int country, GenGroup group)
{
  const GArray *a = g->world.by_country[country];
  guint fits = 0;
  for (guint i = 0; i < a->len; i++)
    fits += gen_commodities[g_array_index(a, guint, i)].group == group;
  if (fits == 0)
    return pick_from(g, a);
  guint pick = gen_rng_below(&g->rng, fits);
  for (guint i = 0; i < a->len; i++) {
    guint k = g_array_index(a, guint, i);
    if (gen_commodities[k].group == group && pick-- == 0)
      return k;
  }
  g_assert_not_reached();
}

static void
make_container_number(Gen *g, Box *b, const char *owners)
{
  char owner[5];
  gsize len;
  guint slot;
  if (!owners || gen_rng_chance(&g->rng, 300)) {
    slot = gen_rng_below(&g->rng, gen_n_lessor_owners);
    memcpy(owner, gen_lessor_owners[slot], 4);
  } else {
    guint i = gen_rng_below(&g->rng, list_count(owners));
    memcpy(owner, list_nth(owners, ';', i, &len), 4);
    slot = gen_n_lessor_owners + (guint)(b->carrier * 4) + i;
  }
  owner[4] = '\0';
  g_assert(slot < G_N_ELEMENTS(g->container_seq));
  /* Serials walk a permutation of 0..999999 per owner: no box number repeats in a file. */
  guint64 serial = (g->container_seq[slot]++ * 618033 + slot * 7777) % 1000000;
  char first10[11];
  g_snprintf(first10, sizeof first10, "%s%06llu", owner, (unsigned long long)serial);
  int check = gen_iso6346_check_digit(first10);
  if (b->plant == PLANT_BAD_CONTAINER_CHECK)
    check = (check + 1 + (int)gen_rng_below(&g->rng, 9)) % 10;
  g_snprintf(b->container, sizeof b->container, "%s%d", first10, check);
}

static const char *
size_type_for(Gen *g, GenEquip equip)
{
  switch (equip) {
  case GEN_EQUIP_DRY20:
    return "22G1";
  case GEN_EQUIP_DRY40:
    return gen_rng_chance(&g->rng, 600) ? "45G1" : "42G1";
  case GEN_EQUIP_REEFER:
    return gen_rng_chance(&g->rng, 800) ? "45R1" : "22R1";
  case GEN_EQUIP_OPEN:
    return gen_rng_chance(&g->rng, 600) ? "42U1" : "22U1";
  case GEN_EQUIP_TANK:
    return "22T1";
  }
  g_assert_not_reached();
}

static void
set_description(Gen *g, Line *l, const GenCommodity *k)
{
  guint n = 1;
  for (const char *p = k->desc; *p; p++)
    n += *p == '|';
  l->desc = list_nth(k->desc, '|', gen_rng_below(&g->rng, n), &l->desc_len);
}

/* Sea freight of a whole container in USD cents, by distance and box. */
static guint64
container_freight(Gen *g, const Box *b, GenRegion region)
{
  guint lo = 600, hi = 1400;
  switch (region) {
  case GEN_REGION_GULF:
  case GEN_REGION_NEIGHBOUR:
    lo = 500, hi = 1200;
    break;
  case GEN_REGION_SOUTH_ASIA:
    lo = 700, hi = 1600;
    break;
  case GEN_REGION_EAST_ASIA:
  case GEN_REGION_MED:
  case GEN_REGION_LEVANT:
    lo = 900, hi = 2200;
    break;
  default:
    lo = 1300, hi = 2600;
    break;
  }
  if (!b->sea)
    lo = 800, hi = 2500;
  else if (b->size_type[0] == '4')
    lo = lo * 16 / 10, hi = hi * 16 / 10;
  if (b->size_type[0] && b->size_type[2] == 'R')
    lo += 1200, hi += 1800;
  return gen_rng_range(&g->rng, lo, hi) * 100;
}

static void
fill_line(Gen *g, Box *b, Line *l, guint commodity, guint64 kg, const Consignee *c)
{
  const GenCommodity *k = &gen_commodities[commodity];
  l->commodity = k;
  l->hs = k->hs;
  set_description(g, l, k);
  l->declared_kg = MAX(kg, 1);
  l->measured_kg = l->declared_kg * gen_rng_range(&g->rng, 950, 1050) / 1000;
  l->value_cents = l->declared_kg * gen_rng_range(&g->rng, k->cents_min, k->cents_max);
  const Shipper *s = pick_shipper(g, b->origin, k->group);
  l->shipper = s->name;
  l->shipper_address = gen_rng_chance(&g->rng, 10) ? "" : s->address;
  l->shipper_country = gen_countries[b->origin].code;
  l->consignee = c->name;
  l->consignee_address = c->address;
  l->consignee_country = "IQ";
  l->tin = c->tin;
  l->declarant = g->world.declarants[c->declarant];
  l->notify = gen_rng_chance(&g->rng, 700) ? c->name : g->world.clearing_agents[c->declarant];
  l->collect = gen_rng_chance(&g->rng, 350);
  l->house[0] = '\0';
}

static void
make_bol(Gen *g, const Box *b, char *out, gsize size)
{
  guint64 n = (g->bol_seq++ * 7340033 + 1234567) % 10000000000ULL;
  if (b->sea)
    g_snprintf(out, size, "%s%010llu", gen_carriers[b->carrier].scac, (unsigned long long)n);
  else
    g_snprintf(out, size, "%sCMR%08llu", gen_entries[b->entry].neighbour,
               (unsigned long long)(n % 100000000ULL));
}

static void
make_house(Gen *g, const Forwarder *f, char *out, gsize size)
{
  g_snprintf(out, size, "%s%09u", f->code, gen_rng_below(&g->rng, 1000000000u));
}

/* Where the goods were loaded and which hubs they crossed. */
static void
make_route(Gen *g, Box *b)
{
  const GenCountry *origin = &gen_countries[b->origin];
  const GenEntry *entry = &gen_entries[b->entry];
  gsize len;
  if (!b->sea) {
    b->hubs = "";
    return;
  }
  const char *load =
      list_nth(origin->ports, ';', gen_rng_below(&g->rng, list_count(origin->ports)), &len);
  memcpy(b->load, load, 5);
  b->load[5] = '\0';
  if (b->plant == PLANT_CIRCUITOUS_ROUTE) {
    b->hubs = circuitous_hubs[gen_rng_below(&g->rng, G_N_ELEMENTS(circuitous_hubs))];
    return;
  }
  const RegionRoutes *rr = &region_routes[origin->region];
  guint total = 0;
  for (guint i = 0; i < rr->n; i++)
    total += rr->routes[i].weight;
  guint pick = gen_rng_below(&g->rng, total);
  guint i = 0;
  while (pick >= rr->routes[i].weight)
    pick -= rr->routes[i++].weight;
  b->hubs = rr->routes[i].hubs;
  if (strstr(b->hubs, b->load))
    b->hubs = "";
  /* Khor al Zubair and Maqal take feeders from Jebel Ali rather than mainline calls. */
  if (!*b->hubs && strcmp(entry->locode, "IQUQR") != 0 && origin->region != GEN_REGION_GULF &&
      origin->region != GEN_REGION_NEIGHBOUR)
    b->hubs = "AEJEA";
}

static void
make_conveyance(Gen *g, Box *b, gboolean containerised, GenEquip equip)
{
  const GenEntry *entry = &gen_entries[b->entry];
  if (b->sea) {
    guint pick = gen_rng_below(&g->rng, g->world.carrier_total);
    b->carrier = 0;
    while (pick >= gen_carriers[b->carrier].weight)
      pick -= gen_carriers[b->carrier++].weight;
    const GenCarrier *carrier = &gen_carriers[b->carrier];
    /* A carrier's ship calls a port every few days; containers of that call share it. */
    guint call = (b->day + b->entry * 3 + (guint)b->carrier) / 3;
    b->vessel = &g->world.vessels[b->carrier][call % g->world.n_vessels[b->carrier]];
    memcpy(b->imo, b->vessel->imo, 8);
    if (b->plant == PLANT_BAD_IMO)
      b->imo[6] = (char)('0' + (b->imo[6] - '0' + 1 + (int)gen_rng_below(&g->rng, 9)) % 10);
    g_snprintf(b->voyage, sizeof b->voyage, "%s%03uW", carrier->service,
               (guint)((g->opt->start_day + (int)b->day) / 7 % 1000));
    b->size_type = size_type_for(g, equip);
    make_container_number(g, b, carrier->owners);
    g_snprintf(b->seal, sizeof b->seal, "%.2s%07u", carrier->scac,
               gen_rng_below(&g->rng, 10000000));
    return;
  }
  b->carrier = -1;
  b->vessel = NULL;
  b->imo[0] = '\0';
  guint slot = neighbour_slot(entry->neighbour);
  b->haulier = g->world.hauliers[slot][gen_rng_below(&g->rng, N_HAULIERS)];
  gen_party_plate(b->voyage, sizeof b->voyage, entry->neighbour, &g->rng);
  if (containerised) {
    b->size_type = size_type_for(g, equip);
    make_container_number(g, b, NULL);
  } else {
    b->size_type = "";
    b->container[0] = '\0';
  }
  g_snprintf(b->seal, sizeof b->seal, "TIR%07u", gen_rng_below(&g->rng, 10000000));
}

static void
write_line(Gen *g, const Box *b, const Line *l)
{
  Out *o = g->out;
  const GenEntry *entry = &gen_entries[b->entry];
  char id[16];
  g_snprintf(id, sizeof id, "L%09llu", (unsigned long long)++g->line_no);
  out_raw(o, id, strlen(id));
  out_c(o, ',');
  out_str(o, l->bol);
  out_c(o, ',');
  out_str(o, b->container);
  out_c(o, ',');
  out_str(o, b->seal);
  out_c(o, ',');
  out_str(o, b->size_type);
  out_c(o, ',');
  out_u64(o, l->declared_kg);
  out_c(o, ',');
  out_u64(o, l->measured_kg);
  out_c(o, ',');
  out_u64(o, MAX(1, (l->declared_kg + l->commodity->kg_per_package / 2) /
                        l->commodity->kg_per_package));
  out_c(o, ',');
  out_str(o, l->hs);
  out_c(o, ',');
  out_text(o, l->desc, l->desc_len);
  out_c(o, ',');
  out_cents(o, l->value_cents);
  out_raw(o, ",USD,", 5);
  out_str(o, l->collect ? "COLLECT" : "PREPAID");
  out_c(o, ',');
  out_cents(o, l->freight_cents);
  out_c(o, ',');
  out_str(o, l->shipper);
  out_c(o, ',');
  out_str(o, l->shipper_address);
  out_c(o, ',');
  out_str(o, l->shipper_country);
  out_c(o, ',');
  out_str(o, l->consignee);
  out_c(o, ',');
  out_str(o, l->consignee_address);
  out_c(o, ',');
  out_str(o, l->consignee_country);
  out_c(o, ',');
  out_str(o, l->notify);
  out_c(o, ',');
  out_str(o, l->tin);
  out_c(o, ',');
  out_str(o, l->declarant);
  out_c(o, ',');
  out_str(o, gen_countries[b->origin].code);
  out_c(o, ',');
  out_str(o, b->load);
  out_c(o, ',');
  out_str(o, b->hubs);
  out_c(o, ',');
  out_str(o, entry->locode);
  out_c(o, ',');
  out_str(o, entry->locode);
  out_c(o, ',');
  out_str(o, b->imo);
  out_c(o, ',');
  out_str(o, b->vessel ? b->vessel->name : "");
  out_c(o, ',');
  out_str(o, b->voyage);
  out_c(o, ',');
  out_str(o, b->sea ? gen_carriers[b->carrier].name : b->haulier);
  out_c(o, ',');
  out_raw(o, g->world.dates[b->day], 10);
  out_c(o, ',');
  out_c(o, b->seal_changed ? 'Y' : 'N');
  out_c(o, ',');
  out_str(o, l->house);
  out_c(o, '\n');

  if (g->truth && b->plant != PLANT_NONE &&
      (l == &b->lines[0] || (plants[b->plant].flags & WHOLE_CONTAINER))) {
    Out *t = g->truth;
    out_raw(t, id, strlen(id));
    out_c(t, ',');
    out_str(t, b->container);
    out_c(t, ',');
    out_str(t, l->bol);
    out_c(t, ',');
    out_str(t, plants[b->plant].name);
    out_c(t, '\n');
  }
}

/* Turns the first line (or, for container-level patterns, the box) into the planted case. */
static void
apply_plant(Gen *g, Box *b)
{
  Line *l = &b->lines[0];
  switch (b->plant) {
  case PLANT_MASS_MISMATCH:
    l->measured_kg = l->declared_kg * gen_rng_range(&g->rng, 140, 300) / 100;
    break;
  case PLANT_UNDERVALUED:
    l->value_cents =
        l->declared_kg * MAX(1, l->commodity->cents_min * gen_rng_range(&g->rng, 3, 10) / 100);
    break;
  case PLANT_VAGUE_DESCRIPTION:
    l->desc = vague_descriptions[gen_rng_below(&g->rng, G_N_ELEMENTS(vague_descriptions))];
    l->desc_len = strlen(l->desc);
    l->hs = "";
    break;
  case PLANT_HS_MISMATCH:
    for (guint i = 0; i < G_N_ELEMENTS(hs_swaps); i++)
      if (strcmp(hs_swaps[i].real_hs, l->hs) == 0)
        l->hs = hs_swaps[i].declared_hs;
    break;
  case PLANT_SEAL_CHANGED:
    b->seal_changed = TRUE;
    for (guint i = 0; i < b->nlines; i++)
      b->lines[i].measured_kg = b->lines[i].declared_kg * gen_rng_range(&g->rng, 112, 135) / 100;
    break;
  case PLANT_NVOCC_GENERIC_SHIPPER:
    make_house(g, &g->world.forwarders[gen_rng_below(&g->rng, N_FORWARDERS)], l->house,
               sizeof l->house);
    l->shipper = gen_generic_shippers[gen_rng_below(&g->rng, gen_n_generic_shippers)];
    l->shipper_address = "";
    break;
  case PLANT_FREIGHT_DISPROPORTION:
    l->freight_cents = l->value_cents * gen_rng_range(&g->rng, 110, 250) / 100;
    break;
  case PLANT_FIRST_TIME_CONSIGNEE:
    gen_party_iraqi(g->scratch_name, g->scratch_addr, l->commodity->group, &g->rng);
    l->consignee = g->scratch_name->str;
    l->notify = l->consignee;
    l->consignee_address = "";
    l->tin = "";
    break;
  case PLANT_TRANSIT_DIVERSION: {
    const GenCountry *c = gen_country_find(
        diversion_countries[gen_rng_below(&g->rng, G_N_ELEMENTS(diversion_countries))]);
    gen_party_foreign(g->scratch_name, g->scratch_addr, c, l->commodity->group, &g->rng);
    l->notify = l->consignee;
    l->consignee = g->scratch_name->str;
    l->consignee_address = g->scratch_addr->str;
    l->consignee_country = c->code;
    break;
  }
  case PLANT_NONE:
  case PLANT_CIRCUITOUS_ROUTE:
  case PLANT_PRECURSOR:
  case PLANT_CAPTAGON:
  case PLANT_TRAMADOL:
  case PLANT_REEFER_NONPERISHABLE:
  case PLANT_BAD_CONTAINER_CHECK:
  case PLANT_BAD_IMO:
  case PLANT_COUNT:
    break; /* shaped while the box was built */
  }
}

/* The commodity and origin of a box whose pattern dictates them; FALSE when none does. */
static gboolean
planted_goods(Gen *g, Box *b, guint *commodity)
{
  switch (b->plant) {
  case PLANT_CIRCUITOUS_ROUTE:
    *commodity = (guint)commodity_find(
        circuitous_goods[gen_rng_below(&g->rng, G_N_ELEMENTS(circuitous_goods))], FALSE);
    b->origin = gen_country_index(
        circuitous_origins[gen_rng_below(&g->rng, G_N_ELEMENTS(circuitous_origins))]);
    return TRUE;
  case PLANT_PRECURSOR:
    *commodity = (guint)commodity_find(
        precursor_hs[gen_rng_below(&g->rng, G_N_ELEMENTS(precursor_hs))], TRUE);
    break;
  case PLANT_CAPTAGON:
  case PLANT_TRAMADOL: {
    /* The two planted 3004 entries: captagon first, tramadol second. */
    guint first = (guint)commodity_find("300490", TRUE);
    *commodity = first + (b->plant == PLANT_TRAMADOL);
    break;
  }
  case PLANT_REEFER_NONPERISHABLE:
    *commodity = pick_from(g, g->world.non_perishable);
    break;
  case PLANT_HS_MISMATCH:
    *commodity = (guint)commodity_find(
        hs_swaps[gen_rng_below(&g->rng, G_N_ELEMENTS(hs_swaps))].real_hs, FALSE);
    break;
  default:
    return FALSE;
  }
  b->origin = pick_origin(g, *commodity);
  return TRUE;
}

static void
gen_box(Gen *g, guint64 remaining)
{
  Box box = {0};
  Box *b = &box;
  b->plant = gen_rng_chance(&g->rng, PLANT_PER_MILLE) ? pick_plant(g) : PLANT_NONE;
  guint flags = plants[b->plant].flags;
  b->entry = pick_weighted_entry(g, (flags & NEEDS_SEA) != 0);
  b->day = gen_rng_below(&g->rng, g->opt->days);
  const GenEntry *entry = &gen_entries[b->entry];
  b->sea = entry->kind == GEN_ENTRY_SEA;
  b->seal_changed = b->plant == PLANT_NONE && gen_rng_chance(&g->rng, 3);

  const Consignee *consignee = pick_consignee(g);
  GenGroup group = consignee->groups[gen_rng_chance(&g->rng, 250)];
  guint commodity;
  gboolean containerised = TRUE;
  if (!planted_goods(g, b, &commodity)) {
    if (b->sea) {
      commodity = pick_from(g, g->world.by_group[group]);
      b->origin = pick_origin(g, commodity);
    } else {
      /* Trucks load at a neighbour's seaport (transit goods of any origin) or inland. */
      gsize len;
      const char *from = list_nth(entry->truck_from, ';',
                                  gen_rng_below(&g->rng, list_count(entry->truck_from)), &len);
      memcpy(b->load, from, 5);
      b->load[5] = '\0';
      const GenCountry *nb = gen_country_find(entry->neighbour);
      if (strstr(nb->ports, b->load)) {
        commodity = pick_from(g, g->world.by_group[group]);
        b->origin = pick_origin(g, commodity);
      } else {
        b->origin = gen_country_index(entry->neighbour);
        commodity = pick_commodity_from(g, b->origin, group);
      }
    }
  }
  if (!b->sea) {
    containerised = (flags & NEEDS_CONTAINER) || gen_rng_chance(&g->rng, entry->container_pm);
    if (!b->load[0]) {
      gsize len;
      const char *from = list_nth(entry->truck_from, ';', 0, &len);
      memcpy(b->load, from, 5);
    }
  }
  const GenCommodity *k = &gen_commodities[commodity];
  GenEquip equip = b->plant == PLANT_REEFER_NONPERISHABLE ? GEN_EQUIP_REEFER : k->equip;

  guint mix = gen_rng_below(&g->rng, 1000);
  b->nlines = 1;
  if (!(flags & SINGLE_LINE)) {
    if (mix >= 920 && b->sea && k->cents_min >= 150)
      b->lcl = TRUE, b->nlines = 2 + gen_rng_below(&g->rng, 4), equip = GEN_EQUIP_DRY40;
    else if (mix >= 800)
      b->nlines = 2 + gen_rng_below(&g->rng, 2);
  }
  b->nlines = (guint)MIN(b->nlines, remaining);

  make_route(g, b);
  make_conveyance(g, b, containerised, equip);

  guint64 full = gen_rng_range(&g->rng, k->kg_min, k->kg_max);
  if (strcmp(b->size_type, "22R1") == 0)
    full = MIN(full, 21000); /* a 20' reefer's payload limit */
  guint64 freight = container_freight(g, b, gen_countries[b->origin].region);
  const Forwarder *fwd = &g->world.forwarders[gen_rng_below(&g->rng, N_FORWARDERS)];
  gboolean via_forwarder = b->sea && gen_rng_chance(&g->rng, 150);
  guint64 total_kg = 0;
  for (guint i = 0; i < b->nlines; i++) {
    Line *l = &b->lines[i];
    if (b->lcl) {
      /* Consolidated cargo: other consignees' goods of a value that bears LCL rates. */
      const Consignee *c = i == 0 ? consignee : pick_consignee(g);
      guint ki = i == 0 ? commodity : pick_commodity_from(g, b->origin, c->groups[0]);
      if (gen_commodities[ki].cents_min < 150 || (gen_commodities[ki].equip != GEN_EQUIP_DRY20 &&
                                                  gen_commodities[ki].equip != GEN_EQUIP_DRY40))
        ki = commodity;
      fill_line(g, b, l, ki, gen_rng_range(&g->rng, 300, 4000), c);
      make_house(g, fwd, l->house, sizeof l->house);
    } else {
      guint64 share =
          b->nlines == 1 ? full : full / b->nlines * gen_rng_range(&g->rng, 70, 130) / 100;
      fill_line(g, b, l, commodity, share, consignee);
      if (via_forwarder)
        make_house(g, fwd, l->house, sizeof l->house);
    }
    if (b->lcl && i > 0)
      memcpy(l->bol, b->lines[0].bol, sizeof l->bol);
    else
      make_bol(g, b, l->bol, sizeof l->bol);
    total_kg += l->declared_kg;
  }
  for (guint i = 0; i < b->nlines; i++) {
    Line *l = &b->lines[i];
    l->freight_cents = b->lcl ? MAX(5000, l->declared_kg * gen_rng_range(&g->rng, 6, 12))
                              : freight * l->declared_kg / total_kg;
    /* Cheap goods travel on cheap contracts: freight stays well under the goods' value. */
    l->freight_cents = MIN(l->freight_cents, l->value_cents * 45 / 100);
  }
  apply_plant(g, b);
  for (guint i = 0; i < b->nlines; i++)
    write_line(g, b, &b->lines[i]);
}

static const char header[] =
    "Line ID,B/L No,Container No,Seal No,Size Type,Gross Weight (kg),VGM (kg),Packages,HS Code,"
    "Description of Goods,Invoice Value,Currency,Freight Terms,Freight Charges,Shipper,"
    "Shipper Address,Shipper Country,Consignee,Consignee Address,Consignee Country,Notify Party,"
    "Importer TIN,Declarant,Country of Origin,Port of Loading,Transshipment,Port of Discharge,"
    "Place of Inspection,Vessel IMO,Vessel Name,Voyage,Carrier,ETA,Seal Changed,House B/L\n";

gboolean
gen_manifest_write(const GenOptions *opt, FILE *out, const char *out_name, FILE *truth,
                   const char *truth_name, GError **error)
{
  gboolean ok = TRUE;
  Gen g = {.opt = opt};
  g.out = g_new0(Out, 1);
  g.out->file = out;
  if (truth) {
    g.truth = g_new0(Out, 1);
    g.truth->file = truth;
    out_raw(g.truth, "Line ID,Container No,B/L No,Pattern\n", 36);
  }
  g.scratch_name = g_string_new(NULL);
  g.scratch_addr = g_string_new(NULL);
  world_build(&g.world, opt);
  gen_rng_seed(&g.rng, opt->seed);
  for (guint i = 0; i < G_N_ELEMENTS(g.container_seq); i++)
    g.container_seq[i] = opt->serial_base;
  g.bol_seq = opt->serial_base;

  out_raw(g.out, header, sizeof header - 1);
  while (g.line_no < opt->lines)
    gen_box(&g, opt->lines - g.line_no);
  out_flush(g.out);
  if (g.out->failed || fflush(out) != 0) {
    g_set_error(error, GEN_ERROR, GEN_ERROR_IO, "%s: write failed: %s", out_name,
                g_strerror(errno));
    ok = FALSE;
    goto out;
  }
  if (g.truth) {
    out_flush(g.truth);
    if (g.truth->failed || fflush(truth) != 0) {
      g_set_error(error, GEN_ERROR, GEN_ERROR_IO, "%s: write failed: %s", truth_name,
                  g_strerror(errno));
      ok = FALSE;
    }
  }
out:
  world_clear(&g.world);
  g_string_free(g.scratch_name, TRUE);
  g_string_free(g.scratch_addr, TRUE);
  g_free(g.out);
  g_free(g.truth);
  return ok;
}

/* Civil-date arithmetic after H. Hinnant's days_from_civil, independent of time zones. */
static int
days_from_civil(int y, unsigned m, unsigned d)
{
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int)doe - 719468;
}

gboolean
gen_date_parse(const char *text, int *days)
{
  unsigned y, m, d;
  char tail;
  if (strlen(text) != 10 || sscanf(text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
    return FALSE;
  *days = days_from_civil((int)y, m, d);
  char back[11];
  gen_date_format(*days, back);
  return strcmp(back, text) == 0; /* rejects 2026-02-30 */
}

void
gen_date_format(int z, char *out)
{
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = (int)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
  g_snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}
