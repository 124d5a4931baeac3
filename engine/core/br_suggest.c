#include "br_suggest.h"

#include <string.h>

/* Levenshtein distance with an early exit once every cell of a row passes limit. */
static guint
distance(const char *a, const char *b, guint limit)
{
  gsize la = strlen(a), lb = strlen(b);
  if ((la > lb ? la - lb : lb - la) > limit)
    return limit + 1;
  guint *prev = g_new(guint, lb + 1), *cur = g_new(guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    prev[j] = (guint)j;
  guint result = limit + 1;
  for (gsize i = 1; i <= la; i++) {
    cur[0] = (guint)i;
    guint row_min = cur[0];
    for (gsize j = 1; j <= lb; j++) {
      guint cost = g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
      cur[j] = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
      row_min = MIN(row_min, cur[j]);
    }
    guint *t = prev;
    prev = cur;
    cur = t;
    if (row_min > limit)
      goto out;
  }
  result = prev[lb];
out:
  g_free(prev);
  g_free(cur);
  return result;
}

const char *
br_suggest(const char *word, const char *const *candidates, gssize n)
{
  gsize len = strlen(word);
  guint limit = len <= 4 ? 1 : (guint)(len / 3);
  const char *best = NULL;
  guint best_d = limit + 1;
  for (gsize i = 0; candidates && (n < 0 ? candidates[i] != NULL : i < (gsize)n); i++) {
    guint d = distance(word, candidates[i], limit);
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  return best;
}

char *
br_suggest_hint(const char *word, const char *const *candidates)
{
  const char *s = br_suggest(word, candidates, -1);
  return s ? g_strdup_printf(" (did you mean \"%s\"?)", s) : g_strdup("");
}
