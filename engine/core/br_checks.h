/* Check digits and code helpers usable from C and, as br.*, from rules. */
#pragma once

#include <glib.h>

/* ISO 6346: four letters (owner code + category U/J/Z), six digits, a check digit. */
gboolean br_check_iso6346(const char *s, gsize len);
/* IMO ship number: seven digits (an "IMO" prefix and spaces allowed), weighted check digit. */
gboolean br_check_imo(const char *s, gsize len);
/* Copies the digits of an HS code (dots and spaces dropped) into out; returns their count,
 * 0 when anything else is in the code. */
gsize br_hs_digits(const char *s, gsize len, char *out, gsize out_size);

/* Port codes as inspection lists and outcomes carry them: 1 to BR_PORT_CODE_MAX bytes of
 * UTF-8 without control characters. rank rejects a line whose port breaks this and outcomes
 * import a row, so that every list can get its outcomes. Returns NULL when valid, else why
 * not (a static string). */
#define BR_PORT_CODE_MAX 16
const char *br_check_port_code(const char *s, gsize len);
