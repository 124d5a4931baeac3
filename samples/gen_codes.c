#include "gen_codes.h"

int
gen_iso6346_check_digit(const char *s)
{
  /* Letter values skip 11, 22 and 33, the multiples of the modulus. */
  static const int letter[26] = {10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24,
                                 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38};
  int sum = 0;
  for (int i = 0; i < 10; i++) {
    int v;
    if (i < 4) {
      if (!g_ascii_isupper(s[i]))
        return -1;
      v = letter[s[i] - 'A'];
    } else {
      if (!g_ascii_isdigit(s[i]))
        return -1;
      v = s[i] - '0';
    }
    sum += v << i;
  }
  return sum % 11 % 10;
}

int
gen_imo_check_digit(const char *s)
{
  int sum = 0;
  for (int i = 0; i < 6; i++)
    sum += (s[i] - '0') * (7 - i);
  return sum % 10;
}
