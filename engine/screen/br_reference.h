/* Reference tables for data-quality checks: which UN/LOCODEs, HS codes and ISO 6346 container
 * size/type codes exist. Read once per run from a folder holding unlocode.csv (columns country,
 * location), harmonized-system.csv (hscode) and iso6346-size-type-codes.csv (code), as in
 * ../shared/data/reference; immutable afterwards, so every worker shares one. */
#pragma once

#include <glib.h>

typedef struct BrReference BrReference;

BrReference *br_reference_load(const char *dir, GError **error);
void br_reference_free(BrReference *ref);
/* "IQUQR", "iq uqr": a UN/LOCODE in the table (2-letter country + 3-character location). */
gboolean br_reference_locode(const BrReference *ref, const char *s, gsize len);
/* An HS code whose first 6 digits (4 or 2 when the code is that short) are in the table; dots
 * and spaces are ignored. */
gboolean br_reference_hs(const BrReference *ref, const char *s, gsize len);
/* "22G1", "45R1": an ISO 6346 size/type code in the table. */
gboolean br_reference_size_type(const BrReference *ref, const char *s, gsize len);
guint br_reference_count(const BrReference *ref, const char *table);
