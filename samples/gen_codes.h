/* Check digits of the identifiers the generator writes: ISO 6346 container numbers and IMO
 * ship numbers. The generator computes them itself (to write valid ones and plant wrong
 * ones); the engine's own checks are what rules use, so a test can compare the two. */
#pragma once

#include <glib.h>

/* Check digit of the first 10 characters of a container number ("MSCU123456"): 0..9, or
 * -1 when they are not 4 letters then 6 digits. */
int gen_iso6346_check_digit(const char *owner_serial);
/* Check digit of the first 6 digits of an IMO number: 0..9. */
int gen_imo_check_digit(const char *six_digits);
