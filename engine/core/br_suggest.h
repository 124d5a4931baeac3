/* "Did you mean": the known word nearest a misspelt one, for errors about unknown keys,
 * groups, fields and options. */
#pragma once

#include <glib.h>

/* The candidate closest to word by edit distance (ASCII case ignored), if it is close enough
 * to be a plausible typo: at most 1 edit for words up to 4 characters, else a third of the
 * word's length. n: the number of candidates, -1 when NULL ends them. NULL when none is. */
const char *br_suggest(const char *word, const char *const *candidates, gssize n);

/* " (did you mean \"X\"?)" when br_suggest finds one among NULL-terminated candidates, else
 * "": for appending to a message.
 * Free with g_free. */
char *br_suggest_hint(const char *word, const char *const *candidates);
