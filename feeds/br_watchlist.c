#include "br_watchlist.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK(br - watchlist - error - quark, br_watchlist_error)

static const char *const kind_names[BR_WATCH_KIND_COUNT] = {
    "individual", "entity", "vessel", "aircraft", "country", "port", "hs", "container", "keyword",
};

const char *
br_watch_kind_name(BrWatchKind kind)
{
  return kind < BR_WATCH_KIND_COUNT ? kind_names[kind] : "unknown";
}

int
br_watchlist_name_find(const char *const *names, guint n, const char *text)
{
  for (guint i = 0; i < n; i++)
    if (g_ascii_strcasecmp(text, names[i]) == 0)
      return (int)i;
  return -1;
}

gboolean
br_watch_kind_parse(const char *text, BrWatchKind *kind)
{
  int i = br_watchlist_name_find(kind_names, BR_WATCH_KIND_COUNT, text);
  if (i >= 0)
    *kind = (BrWatchKind)i;
  return i >= 0;
}

static void
free_reject(gpointer p)
{
  BrWatchReject *r = p;
  g_free(r->where);
  g_free(r->reason);
  g_free(r);
}

BrWatchlist *
br_watchlist_new(const char *name, const char *source)
{
  BrWatchlist *wl = g_new0(BrWatchlist, 1);
  wl->name = g_strdup(name);
  wl->source = g_strdup(source);
  wl->entries = g_array_new(FALSE, FALSE, sizeof(BrWatchEntry));
  wl->aliases = g_array_new(FALSE, FALSE, sizeof(BrWatchAlias));
  wl->rejects = g_ptr_array_new_with_free_func(free_reject);
  wl->facts = g_array_new(FALSE, FALSE, sizeof(BrWatchFact));
  wl->strings = g_string_chunk_new(1 << 16);
  return wl;
}

void
br_watchlist_free(BrWatchlist *wl)
{
  if (!wl)
    return;
  g_free(wl->name);
  g_free(wl->source);
  g_free(wl->version);
  g_free(wl->content_hash);
  g_array_free(wl->entries, TRUE);
  g_array_free(wl->aliases, TRUE);
  g_ptr_array_free(wl->rejects, TRUE);
  g_array_free(wl->facts, TRUE);
  g_free(wl->fact_start);
  g_string_chunk_free(wl->strings);
  g_free(wl);
}

static const char *
keep(BrWatchlist *wl, const char *s)
{
  return s && *s ? g_string_chunk_insert(wl->strings, s) : NULL;
}

guint
br_watchlist_add(BrWatchlist *wl, BrWatchKind kind, const char *source_id, const char *name,
                 const char *value, const char *program, const char *notes)
{
  BrWatchEntry e = {
      kind,           keep(wl, source_id), keep(wl, name), keep(wl, value), keep(wl, program),
      keep(wl, notes)};
  g_array_append_val(wl->entries, e);
  wl->counts[kind]++;
  return wl->entries->len - 1;
}

void
br_watchlist_add_alias(BrWatchlist *wl, guint entry, const char *name, BrNameQuality quality)
{
  g_assert(entry < wl->entries->len);
  BrWatchAlias a = {entry, keep(wl, name), quality};
  if (a.name)
    g_array_append_val(wl->aliases, a);
}

void
br_watchlist_reject(BrWatchlist *wl, const char *where, const char *format, ...)
{
  BrWatchReject *r = g_new(BrWatchReject, 1);
  va_list ap;
  va_start(ap, format);
  r->where = g_strdup(where);
  r->reason = g_strdup_vprintf(format, ap);
  va_end(ap);
  g_ptr_array_add(wl->rejects, r);
}

void
br_watchlist_index_names(const BrWatchlist *wl, guint16 list, guint32 kinds,
                         BrNameIndexBuilder *builder)
{
  for (guint i = 0; i < wl->entries->len; i++) {
    const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
    if (e->name && (!kinds || (kinds & (1u << e->kind))))
      br_name_index_builder_add(builder, e->name, i, list, (guint8)e->kind,
                                BR_NAME_QUALITY_PRIMARY);
  }
  for (guint i = 0; i < wl->aliases->len; i++) {
    const BrWatchAlias *a = &g_array_index(wl->aliases, BrWatchAlias, i);
    const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, a->entry);
    if (!kinds || (kinds & (1u << e->kind)))
      br_name_index_builder_add(builder, a->name, a->entry, list, (guint8)e->kind, a->quality);
  }
}

/* ISO 6346 letter values: 10 for A, then up, skipping the multiples of 11. */
static int
iso6346_letter(char c)
{
  int v = 10 + (c - 'A');
  v += v >= 11;
  v += v >= 22;
  v += v >= 33;
  return v;
}

gboolean
br_watchlist_iso6346_valid(const char *s)
{
  if (strlen(s) != 11)
    return FALSE;
  int sum = 0;
  for (int i = 0; i < 10; i++) {
    char c = s[i];
    int v;
    if (i < 4) {
      if (c < 'A' || c > 'Z')
        return FALSE;
      v = iso6346_letter(c);
    } else {
      if (c < '0' || c > '9')
        return FALSE;
      v = c - '0';
    }
    sum += v << i;
  }
  if (s[10] < '0' || s[10] > '9')
    return FALSE;
  return (sum % 11) % 10 == s[10] - '0';
}

gboolean
br_watchlist_imo_valid(const char *s, char digits[8])
{
  char d[8];
  guint n = 0;
  if (g_ascii_strncasecmp(s, "IMO", 3) == 0)
    s += 3;
  for (; *s; s++) {
    if (*s == ' ')
      continue;
    if (*s < '0' || *s > '9' || n == 7)
      return FALSE;
    d[n++] = *s;
  }
  if (n != 7)
    return FALSE;
  int sum = 0;
  for (int i = 0; i < 6; i++)
    sum += (d[i] - '0') * (7 - i);
  if (sum % 10 != d[6] - '0')
    return FALSE;
  if (digits) {
    memcpy(digits, d, 7);
    digits[7] = '\0';
  }
  return TRUE;
}

/* ---- CSV reading ---- */

typedef struct {
  GPtrArray *fields;
  guint line;     /* line the current record starts on */
  guint newlines; /* newlines inside the current record's fields */
  BrWatchCsvRow row;
  gpointer user;
  GError *error;
} CsvState;

static void
on_field(void *data, size_t len, void *user)
{
  CsvState *st = user;
  g_ptr_array_add(st->fields, g_strndup(data ? data : "", len));
  for (size_t i = 0; i < len; i++)
    if (((const char *)data)[i] == '\n')
      st->newlines++;
}

static void
on_row(int c, void *user)
{
  CsvState *st = user;
  if (!st->error && st->fields->len > 0) {
    g_ptr_array_add(st->fields, NULL);
    if (!st->row((char **)st->fields->pdata, st->fields->len - 1, st->line, st->user, &st->error))
      g_assert(st->error);
  }
  g_ptr_array_set_size(st->fields, 0);
  st->line += st->newlines + 1;
  st->newlines = 0;
}

guint
br_watchlist_bad_utf8(char **fields, guint n)
{
  for (guint i = 0; i < n; i++)
    if (!g_utf8_validate(fields[i], -1, NULL))
      return i + 1;
  return 0;
}

gboolean
br_watchlist_read_csv(const char *path, BrWatchCsvRow row, gpointer user, GChecksum *sum,
                      GError **error)
{
  gboolean ok = FALSE;
  struct csv_parser parser;
  CsvState st = {g_ptr_array_new_with_free_func(g_free), 1, 0, row, user, NULL};
  FILE *f = fopen(path, "rb");
  if (!f) {
    g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_IO, "%s: %s", path,
                g_strerror(errno));
    g_ptr_array_free(st.fields, TRUE);
    return FALSE;
  }
  csv_init(&parser, CSV_APPEND_NULL);
  char buf[1 << 16];
  size_t n;
  while (!st.error && (n = fread(buf, 1, sizeof buf, f)) > 0) {
    if (sum)
      g_checksum_update(sum, (const guchar *)buf, (gssize)n);
    if (csv_parse(&parser, buf, n, on_field, on_row, &st) != n) {
      g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT, "%s:%u: %s", path, st.line,
                  csv_strerror(csv_error(&parser)));
      goto out;
    }
  }
  if (ferror(f)) {
    g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_IO, "%s: read error", path);
    goto out;
  }
  if (!st.error)
    csv_fini(&parser, on_field, on_row, &st);
  if (st.error) {
    g_propagate_error(error, st.error);
    st.error = NULL;
    goto out;
  }
  ok = TRUE;
out:
  csv_free(&parser);
  fclose(f);
  g_ptr_array_free(st.fields, TRUE);
  return ok;
}
