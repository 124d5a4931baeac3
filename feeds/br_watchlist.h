/* Watchlists in memory: what an import read from one source, before it goes to the store.
 *
 * A watchlist holds entries of one or more kinds. Party kinds (individual, entity) are
 * screened by fuzzy name; vessels by IMO number and name; the other kinds are exact values
 * (country, port, HS prefix, container number, description keyword). Entries keep their id in
 * the source so an analyst can find them there. What a source holds that cannot be used is
 * not silently dropped: it becomes a reject with where it was and why.
 *
 * Sources (docs/watchlists.md): the UN Security Council Consolidated List XML, OFAC's SDN list
 * in its raw CSV form (sdn.csv + alt.csv), and boxrank's plain CSV format. */
#pragma once

#include <glib.h>

#include "br_nameindex.h"

#define BR_WATCHLIST_ERROR (br_watchlist_error_quark())
GQuark br_watchlist_error_quark(void);

typedef enum {
  BR_WATCHLIST_ERROR_IO,     /* a source file cannot be read */
  BR_WATCHLIST_ERROR_FORMAT, /* a source is not what its format says (bad XML, bad header) */
} BrWatchlistErrorCode;

typedef enum {
  BR_WATCH_INDIVIDUAL = 0,
  BR_WATCH_ENTITY,
  BR_WATCH_VESSEL,    /* value: IMO number (7 digits), name: the vessel's name */
  BR_WATCH_AIRCRAFT,  /* name only */
  BR_WATCH_COUNTRY,   /* value: ISO 3166 alpha-2 */
  BR_WATCH_PORT,      /* value: UN/LOCODE, 5 characters */
  BR_WATCH_HS,        /* value: HS code prefix, 2 to 10 digits */
  BR_WATCH_CONTAINER, /* value: ISO 6346 container number */
  BR_WATCH_KEYWORD,   /* value: a word or phrase of goods descriptions */
  BR_WATCH_KIND_COUNT
} BrWatchKind;

/* Bit mask of the kinds screened by party name. */
#define BR_WATCH_PARTY_KINDS ((1u << BR_WATCH_INDIVIDUAL) | (1u << BR_WATCH_ENTITY))

typedef struct {
  BrWatchKind kind;
  const char *source_id; /* the entry's id in its source: UN reference, OFAC ent_num ... */
  const char *name;      /* primary name; NULL for value-only kinds */
  const char *value;     /* exact value (see BrWatchKind); NULL for names only */
  const char *program;   /* sanctions programme or list type; may be NULL */
  const char *notes;     /* may be NULL */
} BrWatchEntry;

typedef struct {
  guint entry; /* index into entries */
  const char *name;
  BrNameQuality quality; /* GOOD or LOW */
} BrWatchAlias;

/* What a list says about an entry besides its names, to confirm or rule out a match. The UN
 * reader takes them from nationalities, addresses, dates and places of birth and documents;
 * the OFAC reader from the remarks and add.csv. */
typedef enum {
  BR_FACT_COUNTRY,    /* ISO 3166 alpha-2; note: nationality, citizenship, address, birth */
  BR_FACT_BIRTH_DATE, /* YYYY-MM-DD, YYYY-MM, YYYY or a range of years YYYY/YYYY; note:
                         "approximately" for a year give or take one */
  BR_FACT_ID,         /* an identity or registration number as listed; note: its type */
  BR_FACT_ADDRESS,    /* street, city, province as one text (its country is a country fact) */
  BR_FACT_KIND_COUNT
} BrWatchFactKind;

typedef struct {
  guint entry; /* index into entries */
  BrWatchFactKind kind;
  const char *value;
  const char *note; /* may be NULL */
} BrWatchFact;

typedef struct {
  char *where; /* "FILE:LINE" or "FILE: entry ID" */
  char *reason;
} BrWatchReject;

typedef struct {
  char *name;         /* list name: "un", "ofac" or the CSV's */
  char *source;       /* file or folder read */
  char *version;      /* the source's own date or version when it has one, else NULL */
  char *content_hash; /* SHA-256 (hex) over the source bytes: same hash, same content */
  GArray *entries;    /* BrWatchEntry */
  GArray *aliases;    /* BrWatchAlias */
  GPtrArray *rejects; /* BrWatchReject */
  GArray *facts;      /* BrWatchFact, grouped by entry once br_watchlist_group_facts() ran */
  guint *fact_start;  /* after grouping: entry i's facts are [fact_start[i], fact_start[i+1]) */
  guint counts[BR_WATCH_KIND_COUNT];
  GStringChunk *strings; /* every string of entries and aliases */
} BrWatchlist;

BrWatchlist *br_watchlist_new(const char *name, const char *source);
void br_watchlist_free(BrWatchlist *wl);

const char *br_watch_kind_name(BrWatchKind kind);
/* The position of text in names (ASCII case ignored), or -1. */
int br_watchlist_name_find(const char *const *names, guint n, const char *text);
gboolean br_watch_kind_parse(const char *text, BrWatchKind *kind);

/* Adds an entry (strings copied; NULL or empty strings stored as NULL). Returns its index. */
guint br_watchlist_add(BrWatchlist *wl, BrWatchKind kind, const char *source_id, const char *name,
                       const char *value, const char *program, const char *notes);
void br_watchlist_add_alias(BrWatchlist *wl, guint entry, const char *name, BrNameQuality quality);
void br_watchlist_reject(BrWatchlist *wl, const char *where, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

const char *br_watch_fact_kind_name(BrWatchFactKind kind);
gboolean br_watch_fact_kind_parse(const char *text, BrWatchFactKind *kind);
/* Adds a fact (strings copied) unless the entry has the same one; empty values are not kept. */
void br_watchlist_add_fact(BrWatchlist *wl, guint entry, BrWatchFactKind kind, const char *value,
                           const char *note);
/* Adds a country fact from a country's name or code as the list writes it (br_country_code);
 * a name that is no country becomes a reject at where ("kept without it"). Empty, "na",
 * "undetermined" and a region ("Region: Crimea") say nothing. */
void br_watchlist_add_country(BrWatchlist *wl, guint entry, const char *where, const char *name,
                              const char *note);
/* Orders the facts by entry, keeping each entry's in the order they were added, and fills
 * fact_start. Lists are grouped before they are screened; adding a fact ungroups them. */
void br_watchlist_group_facts(BrWatchlist *wl);
/* Entry i's facts (the list grouped); *n of them. */
const BrWatchFact *br_watchlist_entry_facts(const BrWatchlist *wl, guint i, guint *n);
/* Entries with at least one fact of kind. */
guint br_watchlist_count_facts(const BrWatchlist *wl, BrWatchFactKind kind);

/* A date of birth as lists write it ("10 Dec 1948", "Dec 1948", "1948", "circa 1948",
 * "1948 to 1950", "1948-12-10") in the form of BR_FACT_BIRTH_DATE, into out (room for 16);
 * *approximate is set for "circa". FALSE when it is none of these. */
gboolean br_watchlist_parse_birth_date(const char *text, char out[16], gboolean *approximate);
/* Reads what OFAC's remarks say of an entry, "DOB 10 Dec 1948; POB Giza, Egypt; nationality
 * Egypt; Passport 1084010 (Egypt); National ID No. ...", into facts of entry. */
void br_watchlist_ofac_remarks(BrWatchlist *wl, guint entry, const char *where,
                               const char *remarks);

/* Adds every name of the entries whose kind is in kinds (bit mask; 0 = all that have names)
 * to an index builder under list id list; entry numbers are indices into wl->entries. */
void br_watchlist_index_names(const BrWatchlist *wl, guint16 list, guint32 kinds,
                              BrNameIndexBuilder *builder);

/* Reads the UN Security Council Consolidated List (XML). Individuals' name parts are joined;
 * an entity name "A ; B" gives the name A and the alias B; a parenthesised acronym becomes an
 * alias, alone and with the name it follows; a parenthesised place only with the name (a
 * branch: "... (KENYA)"); notes in parentheses are dropped. Aliases keep the list's quality (Good, Low; a.k.a. and
 * f.k.a. count as good) and names in original script are aliases of good quality. */
BrWatchlist *br_watchlist_load_un(const char *path, GError **error);

/* Reads OFAC's SDN list from a folder holding sdn.csv and alt.csv (raw form: no header, -0-
 * for empty, joined on ent_num). Type "individual", "vessel" and "aircraft" are kept as such,
 * an empty type is an entity. Vessels take their IMO number from the remarks ("IMO 9187629");
 * a.k.a. names quoted in the remarks are low-quality aliases; dates of birth, nationalities and
 * identity numbers in the remarks become facts (br_watchlist_ofac_remarks), and so do the
 * addresses of add.csv when the folder has it. */
BrWatchlist *br_watchlist_load_ofac(const char *dir, GError **error);

/* Reads boxrank's plain CSV format (docs/watchlists.md). name is the list's name. */
BrWatchlist *br_watchlist_load_csv(const char *path, const char *name, GError **error);

/* ISO 6346 container number (4 letters, 6 digits, check digit) with a correct check digit. */
gboolean br_watchlist_iso6346_valid(const char *s);
/* IMO ship number: 7 digits (an "IMO" prefix and spaces allowed) with a correct check digit.
 * Writes the 7 digits to digits when valid and digits is not NULL. */
gboolean br_watchlist_imo_valid(const char *s, char digits[8]);

/* Reads a CSV file with libcsv, calling row for each record with its fields (NUL-terminated)
 * and the line it starts on. row returns FALSE with error set to stop. */
typedef gboolean (*BrWatchCsvRow)(char **fields, guint nfields, guint line, gpointer user,
                                  GError **error);
gboolean br_watchlist_read_csv(const char *path, BrWatchCsvRow row, gpointer user, GChecksum *sum,
                               GError **error);
/* The number (from 1) of the first of a row's fields that is not valid UTF-8, or 0. The lists
 * are UTF-8: a name in another encoding would never match, and the store keeps text as UTF-8,
 * so such a row is rejected rather than read. */
guint br_watchlist_bad_utf8(char **fields, guint n);
