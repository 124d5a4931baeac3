/* Column profiles: how one source's file layout and columns map to canonical fields.
 *
 * A profile is a GKeyFile (feeds/profiles/NAME.ini); every key is documented with examples in
 * docs/profiles.md. In short:
 *
 *   [profile]        name, description, encoding, header_line | skip_lines, delimiter, quote,
 *                    list_separator, decimal, thousands, date_formats (date_format), time_zone,
 *                    source_time_zone, max_field_bytes, absent
 *   [columns]        canonical field = source column header
 *   [types]          field or passed-through column = string | integer | decimal | date | list
 *   [constants]      field = value every row gets (a file per port: port = IQUMQ)
 *   [field NAME]     one field in full: column, columns (several joined into a list), type,
 *                    decimal, thousands, date_formats, unit_column, currency_column, rates,
 *                    code_map, unmapped
 *
 * Lists inside a value (columns, date_formats, absent) are separated by "|". Unmapped source
 * columns pass through under their own header names (with the identity profile, a header that
 * is a canonical name gets that field's type). Header names match exactly, else ignoring ASCII
 * case. Unknown groups and keys are errors with a "did you mean"; every error
 * (BR_FEED_ERROR_PROFILE) names the file, the group and the key. */
#pragma once

#include <glib.h>

#include "br_schema.h"

typedef struct BrProfile BrProfile;

/* One field the profile gives, in full, with the profile's defaults filled in. */
typedef struct {
  char *name;
  char **columns; /* source headers: one, or several joined into a list; NULL: constant */
  char *constant; /* the value of a [constants] field */
  BrType type;
  char decimal;          /* decimal mark of numbers */
  char thousands;        /* thousands separator of numbers, 0: none */
  char **date_formats;   /* tried in order */
  char *unit_column;     /* masses: the column naming each row's unit (KG, LB, T, MT), to kg */
  char *currency_column; /* amounts: the column naming each row's currency, converted by rates */
  GHashTable *rates;     /* upper-case currency -> double* rate */
  char *rates_path;
  GHashTable *codes; /* code map: upper-case code -> canonical code */
  char *code_map_path;
  gboolean unmapped_pass; /* an unmapped code passes through (else the row is rejected) */
} BrProfileField;

BrProfile *br_profile_load(const char *path, GError **error);
/* The identity profile: headers are taken as canonical names where they are canonical,
 * everything else passes through; used when no --profile is given. */
BrProfile *br_profile_new_identity(void);
void br_profile_free(BrProfile *profile);
const char *br_profile_name(const BrProfile *profile);
const char *br_profile_path(const BrProfile *profile); /* NULL for the identity profile */
char br_profile_delimiter(const BrProfile *profile);
char br_profile_quote(const BrProfile *profile);
char br_profile_list_separator(const BrProfile *profile);
char br_profile_decimal(const BrProfile *profile);
char br_profile_thousands(const BrProfile *profile);
/* The first of the date formats (the only one of most profiles). */
const char *br_profile_date_format(const BrProfile *profile);
const char *const *br_profile_date_formats(const BrProfile *profile);
/* The zone dates are taken in, and the zone of source times without an offset; NULL when
 * the profile sets no time zone (dates are read as written). */
GTimeZone *br_profile_time_zone(const BrProfile *profile);
GTimeZone *br_profile_source_time_zone(const BrProfile *profile);
/* NULL: UTF-8, read as it is. */
const char *br_profile_encoding(const BrProfile *profile);
guint br_profile_header_line(const BrProfile *profile); /* 1-based */
gsize br_profile_max_field_bytes(const BrProfile *profile);
const BrProfileField *br_profile_fields(const BrProfile *profile, guint *count);
/* Fields the source is declared not to have. */
const char *const *br_profile_absent(const BrProfile *profile);

/* The field names this profile is known to give, before any file is read: the mapped and
 * constant fields and the columns named in [types]. Free with g_strfreev. */
char **br_profile_field_names(const BrProfile *profile);

/* The header column of that name (exactly, else ignoring ASCII case), -1 when none is. */
int br_profile_find_column(const char *const *header, guint ncols, const char *column);

/* Builds the schema for a file with this header (the profile's fields first, in order, then
 * passthrough). Fails when a mapped column is missing from the header, or a header name
 * repeats. A field's source_col is its first column, -1 for a constant. */
BrSchema *br_profile_build_schema(const BrProfile *profile, const char *const *header,
                                  guint ncols, const char *file, GError **error);

/* Kilograms per unit for a mass unit (KG, KGS, KGM, LB, LBS, LBR, T, MT, TNE, G, GRM; ASCII
 * case and blanks ignored); FALSE for anything else. */
gboolean br_profile_unit_factor(const char *unit, gsize len, double *kg);
