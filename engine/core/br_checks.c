#include "br_checks.h"

#include <string.h>

/* ISO 6346 letter values skip multiples of 11 (A=10, B=12 ... K=21, L=23 ...). */
static int
iso6346_letter_value(char c)
{
  int v = 10;
  for (char l = 'A'; l < c; l++) {
    v++;
    if (v % 11 == 0)
      v++;
  }
  return v;
}

gboolean
br_check_iso6346(const char *s, gsize len)
{
  if (len != 11)
    return FALSE;
  int sum = 0;
  for (int i = 0; i < 10; i++) {
    int v;
    if (i < 4) {
      if (!g_ascii_isupper(s[i]))
        return FALSE;
      v = iso6346_letter_value(s[i]);
    } else {
      if (!g_ascii_isdigit(s[i]))
        return FALSE;
      v = s[i] - '0';
    }
    sum += v << i;
  }
  if (s[3] != 'U' && s[3] != 'J' && s[3] != 'Z')
    return FALSE;
  if (!g_ascii_isdigit(s[10]))
    return FALSE;
  return (sum % 11) % 10 == s[10] - '0';
}

gboolean
br_check_imo(const char *s, gsize len)
{
  char d[8];
  gsize n = 0, i = 0;
  if (len >= 3 && g_ascii_strncasecmp(s, "IMO", 3) == 0)
    i = 3;
  for (; i < len; i++) {
    if (s[i] == ' ')
      continue;
    if (!g_ascii_isdigit(s[i]) || n == 7)
      return FALSE;
    d[n++] = s[i];
  }
  if (n != 7)
    return FALSE;
  int sum = 0;
  for (int k = 0; k < 6; k++)
    sum += (d[k] - '0') * (7 - k);
  return sum % 10 == d[6] - '0';
}

gsize
br_hs_digits(const char *s, gsize len, char *out, gsize out_size)
{
  gsize n = 0;
  for (gsize i = 0; i < len; i++) {
    if (s[i] == '.' || s[i] == ' ')
      continue;
    if (!g_ascii_isdigit(s[i]) || n + 1 >= out_size)
      return 0;
    out[n++] = s[i];
  }
  out[n] = '\0';
  return n;
}

const char *
br_check_port_code(const char *s, gsize len)
{
  if (len == 0 || len > BR_PORT_CODE_MAX)
    return "port must be 1 to 16 characters without control characters";
  for (gsize i = 0; i < len; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return "port must be 1 to 16 characters without control characters";
  return g_utf8_validate_len(s, len, NULL) ? NULL : "port is not valid UTF-8";
}
