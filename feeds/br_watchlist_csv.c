/* boxrank's plain watchlist CSV (docs/watchlists.md):
 *
 *   kind,id,value,name,quality,program,notes
 *
 * kind and value are required, the other columns optional and in any order. Rows of a party
 * kind sharing an id form one entry: the first is its name, the others its aliases. */
#include <string.h>

#include "br_watchlist.h"

enum { COL_KIND, COL_ID, COL_VALUE, COL_NAME, COL_QUALITY, COL_PROGRAM, COL_NOTES, COL_COUNT };
static const char *const col_names[COL_COUNT] = {"kind",    "id",      "value", "name",
                                                 "quality", "program", "notes"};

typedef struct {
  BrWatchlist *wl;
  const char *path;
  int col[COL_COUNT]; /* -1 when the file has no such column */
  gboolean header_done;
  GHashTable *ids;    /* "kind:id" -> entry index + 1 */
  GHashTable *values; /* "kind:value" -> line */
} Csv;

static const char *
get(Csv *c, char **fields, guint n, int col)
{
  int i = c->col[col];
  return i >= 0 && (guint)i < n ? g_strstrip(fields[i]) : "";
}

static gboolean
read_header(Csv *c, char **fields, guint n, GError **error)
{
  for (guint k = 0; k < COL_COUNT; k++)
    c->col[k] = -1;
  guint bad = br_watchlist_bad_utf8(fields, n);
  if (bad) {
    g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT,
                "%s:1: column %u: the header is not valid UTF-8", c->path, bad);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    const char *h = g_strstrip(fields[i]);
    guint k = 0;
    while (k < COL_COUNT && g_ascii_strcasecmp(h, col_names[k]) != 0)
      k++;
    if (k == COL_COUNT) {
      g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT,
                  "%s:1: column %u: unknown column '%s' (known: kind, id, value, name, "
                  "quality, program, notes)",
                  c->path, i + 1, h);
      return FALSE;
    }
    if (c->col[k] >= 0) {
      g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT,
                  "%s:1: column '%s' appears twice", c->path, h);
      return FALSE;
    }
    c->col[k] = (int)i;
  }
  if (c->col[COL_KIND] < 0 || c->col[COL_VALUE] < 0) {
    g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT,
                "%s:1: the header needs the columns 'kind' and 'value'", c->path);
    return FALSE;
  }
  c->header_done = TRUE;
  return TRUE;
}

/* Brings an exact value to its stored form, or returns NULL with why in *reason. */
static char *
normalise_value(BrWatchKind kind, const char *value, const char **reason)
{
  GString *s = g_string_new(NULL);
  char imo[8];
  for (const char *p = value; *p; p++)
    if (kind == BR_WATCH_KEYWORD || (*p != ' ' && !(kind == BR_WATCH_HS && *p == '.')))
      g_string_append_c(s, kind == BR_WATCH_KEYWORD ? *p : g_ascii_toupper(*p));
  switch (kind) {
  case BR_WATCH_COUNTRY:
    if (s->len != 2 || !g_ascii_isalpha(s->str[0]) || !g_ascii_isalpha(s->str[1]))
      *reason = "a country is an ISO 3166 alpha-2 code (2 letters)";
    break;
  case BR_WATCH_PORT:
    if (s->len != 5 || !g_ascii_isalpha(s->str[0]) || !g_ascii_isalpha(s->str[1]) ||
        strspn(s->str + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789") != 3)
      *reason = "a port is a UN/LOCODE: 2 letters of country and 3 letters or digits 2-9";
    break;
  case BR_WATCH_HS:
    if (s->len < 2 || s->len > 10 || strspn(s->str, "0123456789") != s->len)
      *reason = "an HS prefix is 2 to 10 digits";
    break;
  case BR_WATCH_CONTAINER:
    if (!br_watchlist_iso6346_valid(s->str))
      *reason = "not an ISO 6346 container number with a correct check digit";
    break;
  case BR_WATCH_VESSEL:
    if (br_watchlist_imo_valid(s->str, imo))
      g_string_assign(s, imo);
    else
      *reason = "not an IMO number (7 digits) with a correct check digit";
    break;
  default:
    if (s->len == 0)
      *reason = "empty";
    break;
  }
  return g_string_free(s, *reason != NULL);
}

static gboolean
row(char **fields, guint n, guint line, gpointer user, GError **error)
{
  Csv *c = user;
  if (!c->header_done)
    return read_header(c, fields, n, error);
  char *where = g_strdup_printf("%s:%u", c->path, line);
  char *key = NULL, *norm = NULL;
  const char *kind_text = get(c, fields, n, COL_KIND), *value = get(c, fields, n, COL_VALUE);
  const char *id = get(c, fields, n, COL_ID), *name = get(c, fields, n, COL_NAME);
  const char *quality_text = get(c, fields, n, COL_QUALITY);
  BrWatchKind kind;
  if (n == 1 && !*kind_text)
    goto out; /* a blank line */
  guint bad = br_watchlist_bad_utf8(fields, n);
  if (bad) {
    br_watchlist_reject(c->wl, where, "field %u is not valid UTF-8", bad);
    goto out;
  }
  if (!br_watch_kind_parse(kind_text, &kind)) {
    br_watchlist_reject(c->wl, where, "field kind: unknown kind '%s'", kind_text);
    goto out;
  }
  if (!*value) {
    br_watchlist_reject(c->wl, where, "field value is empty");
    goto out;
  }
  BrNameQuality quality = BR_NAME_QUALITY_PRIMARY;
  if (!*quality_text || g_ascii_strcasecmp(quality_text, "primary") == 0)
    quality = BR_NAME_QUALITY_PRIMARY;
  else if (g_ascii_strcasecmp(quality_text, "good") == 0)
    quality = BR_NAME_QUALITY_GOOD;
  else if (g_ascii_strcasecmp(quality_text, "low") == 0)
    quality = BR_NAME_QUALITY_LOW;
  else {
    br_watchlist_reject(c->wl, where, "field quality: '%s' is not primary, good or low",
                        quality_text);
    goto out;
  }
  gboolean named =
      kind == BR_WATCH_INDIVIDUAL || kind == BR_WATCH_ENTITY || kind == BR_WATCH_AIRCRAFT;
  if (named) {
    BrNameTokens t;
    br_name_tokenize(value, -1, &t);
    if (t.n == 0) {
      br_watchlist_reject(c->wl, where, "field value: name '%s' has no word to match on", value);
      goto out;
    }
    key = g_strdup_printf("%d:%s", kind, *id ? id : value);
    guint entry = GPOINTER_TO_UINT(g_hash_table_lookup(c->ids, key));
    if (entry) {
      if (!*quality_text || quality != BR_NAME_QUALITY_PRIMARY)
        br_watchlist_add_alias(c->wl, entry - 1, value,
                               quality == BR_NAME_QUALITY_PRIMARY ? BR_NAME_QUALITY_GOOD : quality);
      else
        br_watchlist_reject(c->wl, where, "entry '%s' already has a primary name", id);
      goto out;
    }
    if (quality != BR_NAME_QUALITY_PRIMARY) {
      br_watchlist_reject(c->wl, where, "alias '%s' comes before its entry's name", value);
      goto out;
    }
    entry = br_watchlist_add(c->wl, kind, *id ? id : NULL, value, NULL,
                             get(c, fields, n, COL_PROGRAM), get(c, fields, n, COL_NOTES));
    g_hash_table_insert(c->ids, g_steal_pointer(&key), GUINT_TO_POINTER(entry + 1));
    goto out;
  }
  const char *reason = NULL;
  norm = normalise_value(kind, value, &reason);
  if (!norm) {
    br_watchlist_reject(c->wl, where, "field value: '%s': %s", value, reason);
    goto out;
  }
  key = g_strdup_printf("%d:%s", kind, norm);
  guint first = GPOINTER_TO_UINT(g_hash_table_lookup(c->values, key));
  if (first) {
    br_watchlist_reject(c->wl, where, "%s %s already listed on line %u", br_watch_kind_name(kind),
                        norm, first);
    goto out;
  }
  g_hash_table_insert(c->values, g_steal_pointer(&key), GUINT_TO_POINTER(line));
  br_watchlist_add(c->wl, kind, *id ? id : NULL, *name ? name : NULL, norm,
                   get(c, fields, n, COL_PROGRAM), get(c, fields, n, COL_NOTES));
out:
  g_free(key);
  g_free(norm);
  g_free(where);
  return TRUE;
}

BrWatchlist *
br_watchlist_load_csv(const char *path, const char *name, GError **error)
{
  Csv c = {br_watchlist_new(name, path),
           path,
           {0},
           FALSE,
           g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
           g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  if (!br_watchlist_read_csv(path, row, &c, sum, error))
    goto fail;
  if (!c.header_done) {
    g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT,
                "%s: empty file (the header kind,value,... is missing)", path);
    goto fail;
  }
  c.wl->content_hash = g_strdup(g_checksum_get_string(sum));
  goto out;
fail:
  br_watchlist_free(c.wl);
  c.wl = NULL;
out:
  g_checksum_free(sum);
  g_hash_table_destroy(c.ids);
  g_hash_table_destroy(c.values);
  return c.wl;
}
