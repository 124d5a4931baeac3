/* Column profiles: how one source's columns map to canonical fields and types.
 *
 * A profile is a GKeyFile (feeds/profiles/NAME.ini):
 *
 *   [profile]
 *   name = sample
 *   description = Manifest export of the sample generator
 *   delimiter = ,             ; one character; "tab" for TAB
 *   list_separator = ;        ; separates elements of list fields
 *   date_format = %Y-%m-%d    ; also: %d/%m/%Y %m/%d/%Y %Y/%m/%d %d.%m.%Y %Y%m%d
 *   max_field_bytes = 65536   ; longer fields reject the row (16 .. 2^31-1)
 *
 *   [columns]                 ; canonical field = source column header (exact, trimmed)
 *   container = Container No
 *
 *   [types]                   ; optional: type of a canonical field (override) or of a
 *   Gross Weight = decimal    ; passed-through source column, by its own name
 *
 * Unmapped source columns pass through under their own header names as strings (with the
 * identity profile, a header that is a canonical name gets that field's type). Header names
 * match mapped columns exactly, else ignoring ASCII case. Every key is optional; the values
 * above are the defaults. A mapped field's type is the canonical field's (br_canonical_find)
 * unless [types] says otherwise; types are string, integer, decimal, date and list.
 *
 * Errors (BR_FEED_ERROR_PROFILE) name the file, the group and the key: an unreadable file, a
 * delimiter or list separator that is not one character (or "tab"), an unknown date format
 * or type, max_field_bytes out of range, a column mapped to nothing or mapped twice. */
#pragma once

#include <glib.h>

#include "br_schema.h"

typedef struct BrProfile BrProfile;

BrProfile *br_profile_load(const char *path, GError **error);
/* The identity profile: headers are taken as canonical names where they are canonical,
 * everything else passes through; used when no --profile is given. */
BrProfile *br_profile_new_identity(void);
void br_profile_free(BrProfile *profile);
const char *br_profile_name(const BrProfile *profile);
char br_profile_delimiter(const BrProfile *profile);
char br_profile_list_separator(const BrProfile *profile);
const char *br_profile_date_format(const BrProfile *profile);
gsize br_profile_max_field_bytes(const BrProfile *profile);

/* The field names this profile is known to give, before any file is read: the mapped fields
 * and the columns named in [types]. Free with g_strfreev. */
char **br_profile_field_names(const BrProfile *profile);

/* Builds the schema for a file with this header (canonical fields first, then passthrough).
 * Fails when a mapped column is missing from the header, or a header name repeats. */
BrSchema *br_profile_build_schema(const BrProfile *profile, const char *const *header,
                                  guint ncols, const char *file, GError **error);
