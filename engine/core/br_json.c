#include "br_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void
br_json_append_string(GString *out, const char *s, gssize len)
{
  const char *p = s;
  const char *end = s + (len < 0 ? (gssize)strlen(s) : len);
  g_string_append_c(out, '"');
  while (p < end) {
    unsigned char c = (unsigned char)*p;
    if (c < 0x80) {
      switch (c) {
      case '"': g_string_append(out, "\\\""); break;
      case '\\': g_string_append(out, "\\\\"); break;
      case '\n': g_string_append(out, "\\n"); break;
      case '\r': g_string_append(out, "\\r"); break;
      case '\t': g_string_append(out, "\\t"); break;
      default:
        if (c < 0x20 || c == 0x7f)
          g_string_append_printf(out, "\\u%04x", c);
        else
          g_string_append_c(out, (char)c);
      }
      p++;
      continue;
    }
    gunichar u = g_utf8_get_char_validated(p, end - p);
    if (u == (gunichar)-1 || u == (gunichar)-2) {
      g_string_append(out, "\\ufffd");
      p++;
      continue;
    }
    const char *next = g_utf8_next_char(p);
    if (u == 0x2028 || u == 0x2029)
      g_string_append_printf(out, "\\u%04x", u);
    else
      g_string_append_len(out, p, next - p);
    p = next;
  }
  g_string_append_c(out, '"');
}

void
br_json_append_number(GString *out, double value)
{
  if (!isfinite(value)) {
    g_string_append(out, "null");
    return;
  }
  /* %.17g always reads back exactly but prints 0.1 as 0.10000000000000001: prefer the
   * shortest of these forms that reads back the same value. */
  static const char *formats[] = {"%.6g", "%.15g", "%.17g"};
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
    g_ascii_formatd(buf, sizeof buf, formats[i], value);
    if (g_ascii_strtod(buf, NULL) == value)
      break;
  }
  g_string_append(out, buf);
}
