/* Minimal JSON writing: enough for JSON Lines output and reports, with strict escaping
 * (RFC 8259) so hostile text from manifests cannot break the structure. */
#pragma once

#include <glib.h>

/* Appends s (UTF-8, len bytes or -1 for NUL-terminated) as a quoted JSON string. Control
 * characters, quotes, backslashes, U+2028/U+2029 are escaped; invalid UTF-8 becomes U+FFFD. */
void br_json_append_string(GString *out, const char *s, gssize len);
/* Appends a finite number in the shortest form that reads back the same; NaN/inf as null. */
void br_json_append_number(GString *out, double value);
