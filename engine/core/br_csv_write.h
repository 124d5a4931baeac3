/* Writing one CSV cell safely: RFC 4180 quoting, and protection against formula injection,
 * since inspection lists and reject files are opened in spreadsheets. */
#pragma once

#include <glib.h>

/* Appends s as one CSV cell. A cell starting with = + - @ TAB or CR gets a leading apostrophe
 * (the OWASP advice) so a spreadsheet shows it as text instead of running it; a cell with a
 * comma, quote, CR, LF or leading/trailing space is quoted with quotes doubled. */
void br_csv_write_field(GString *out, const char *s, gsize len);
