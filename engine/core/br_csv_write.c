#include "br_csv_write.h"

#include <string.h>

void
br_csv_write_field(GString *out, const char *s, gsize len)
{
  gboolean formula = len > 0 && strchr("=+-@\t\r", s[0]) != NULL;
  gboolean quote = formula || (len > 0 && (s[0] == ' ' || s[len - 1] == ' '));
  for (gsize i = 0; !quote && i < len; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote) {
    g_string_append_len(out, s, len);
    return;
  }
  g_string_append_c(out, '"');
  if (formula)
    g_string_append_c(out, '\'');
  for (gsize i = 0; i < len; i++) {
    if (s[i] == '"')
      g_string_append_c(out, '"');
    g_string_append_c(out, s[i]);
  }
  g_string_append_c(out, '"');
}
