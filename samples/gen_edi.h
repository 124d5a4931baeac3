/* The sample manifest in UN/EDIFACT CUSCAR (D:95B, UTF-8 as UNOW) or ANSI X12 309 (004010):
 * the same lines as the CSV, field for field, so that boxrank ranks all three alike.
 *
 * Consecutive lines of one B/L with the same voyage, ports and arrival form one message
 * (CUSCAR) or transaction set (309), each line one consignment (CNI) or bill (LX) with its
 * equipment; fields X12 309 has no element for go in N9*ZZ references named after the
 * canonical field (feeds/br_x12.h). */
#pragma once

#include <stdio.h>

#include <glib.h>

typedef enum {
  GEN_EDI_CUSCAR,
  GEN_EDI_X12,
} GenEdiFormat;

/* Converts a manifest in the sample CSV layout (as gen_manifest_write writes it). date is
 * the interchange date, YYYY-MM-DD. */
gboolean gen_edi_write(const char *csv, gsize len, GenEdiFormat format, const char *date, FILE *out,
                       GError **error);
