#include "br_partial.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

/* The format (docs/scale.md): this magic, then little-endian fixed-width numbers, doubles as
 * their IEEE-754 bits, strings as a 32-bit length and their bytes; "END\n" closes the file so
 * that a partial cut short is told from a whole one. */
static const char MAGIC[] = "BOXRANK-PARTIAL 1\n";
static const char END[] = "END\n";
#define MAX_STRING (1u << 28)

typedef struct {
  FILE *f;
} Writer;

static void
put(Writer *w, const void *p, gsize n)
{
  fwrite(p, 1, n, w->f);
}

static void
put_u8(Writer *w, guint8 v)
{
  put(w, &v, 1);
}

static void
put_u32(Writer *w, guint32 v)
{
  v = GUINT32_TO_LE(v);
  put(w, &v, 4);
}

static void
put_u64(Writer *w, guint64 v)
{
  v = GUINT64_TO_LE(v);
  put(w, &v, 8);
}

static void
put_f64(Writer *w, double d)
{
  guint64 v;
  memcpy(&v, &d, 8);
  put_u64(w, v);
}

static void
put_str(Writer *w, const char *s)
{
  gsize n = s ? strlen(s) : 0;
  put_u32(w, (guint32)n);
  if (n)
    put(w, s, n);
}

static gint
cmp_port_unit(gconstpointer a, gconstpointer b)
{
  const BrUnit *x = *(BrUnit *const *)a, *y = *(BrUnit *const *)b;
  int c = strcmp(x->port, y->port);
  return c ? c : strcmp(x->unit, y->unit);
}

typedef struct {
  guint rule;
  double points;
  const char *text;
} ReasonRef;

static gint
cmp_reason_ref(gconstpointer a, gconstpointer b)
{
  const ReasonRef *x = a, *y = b;
  if (x->rule != y->rule)
    return x->rule < y->rule ? -1 : 1;
  return strcmp(x->text, y->text);
}

static void
put_unit(Writer *w, const BrUnit *u, const BrPack *pack)
{
  put_str(w, u->port);
  put_str(w, u->unit);
  put_str(w, u->record);
  put_f64(w, u->score);
  put_f64(w, u->uncertainty);
  put_u64(w, u->nlines);
  put_u8(w, (guint8)((u->amended ? 1 : 0) | (u->points ? 2 : 0)));
  guint nfired = u->fired ? u->fired->len : 0;
  put_u32(w, nfired);
  for (guint k = 0; k < nfired; k++) {
    put_u32(w, g_array_index(u->fired, guint, k));
    if (u->points)
      put_f64(w, g_array_index(u->points, double, k));
  }
  /* A unit holds its reasons in the order its lines came; written by rule and text, the
   * partial's bytes do not depend on which worker saw which line first. */
  guint nreasons = u->reasons ? u->reasons->len : 0;
  GArray *order = g_array_sized_new(FALSE, FALSE, sizeof(ReasonRef), nreasons);
  for (guint k = 0; k < nreasons; k++) {
    guint rule = g_array_index(u->reason_rules, guint, k);
    /* Stored "ID: text"; the id is the rule's, so only the text is written. */
    ReasonRef ref = {rule, g_array_index(u->reason_points, double, k),
                     (const char *)g_ptr_array_index(u->reasons, k) +
                         strlen(br_pack_rule(pack, rule)->id) + 2};
    g_array_append_val(order, ref);
  }
  g_array_sort(order, cmp_reason_ref);
  put_u32(w, nreasons);
  for (guint k = 0; k < nreasons; k++) {
    const ReasonRef *ref = &g_array_index(order, ReasonRef, k);
    put_u32(w, ref->rule);
    put_f64(w, ref->points);
    put_str(w, ref->text);
  }
  g_array_free(order, TRUE);
}

gboolean
br_partial_write(const char *path, const BrPack *pack, const BrPartialInfo *info, GError **error)
{
  char *tmp = g_strconcat(path, ".tmp", NULL);
  FILE *f = g_fopen(tmp, "wb");
  if (!f) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s", tmp,
                g_strerror(e));
    g_free(tmp);
    return FALSE;
  }
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  Writer w = {f};
  const BrPipelineResult *r = info->result;
  put(&w, MAGIC, sizeof MAGIC - 1);
  put_str(&w, br_pack_hash(pack));
  put_str(&w, info->list_date);
  put_str(&w, info->input);
  put_str(&w, info->profile);
  put_u64(&w, info->rows_read);
  put_u64(&w, info->rows_rejected);
  put_str(&w, info->reject_path);
  guint nwatch = info->watch ? br_watch_set_nlists(info->watch) : 0;
  put_u32(&w, nwatch);
  for (guint i = 0; i < nwatch; i++) {
    const BrWatchlist *wl = br_watch_set_list(info->watch, i);
    put_str(&w, wl->name);
    put_str(&w, wl->content_hash);
    put_u8(&w, wl->version != NULL);
    put_str(&w, wl->version);
  }
  /* Rules off for a missing field; the breaker's are the rules' own flags below. */
  guint noff = 0;
  for (guint i = 0; info->rules_off && i < info->rules_off->len; i++)
    noff += g_array_index(info->rules_off, BrRuleOff, i).field != NULL;
  put_u32(&w, noff);
  for (guint i = 0; info->rules_off && i < info->rules_off->len; i++) {
    const BrRuleOff *off = &g_array_index(info->rules_off, BrRuleOff, i);
    if (!off->field)
      continue;
    put_u32(&w, off->rule);
    put_str(&w, off->field);
  }
  put_u32(&w, r->nrules);
  for (guint i = 0; i < r->nrules; i++) {
    put_u64(&w, r->fire_counts[i]);
    put_u64(&w, r->failure_counts[i]);
    put_u8(&w, (guint8)((r->disabled[i] ? 1 : 0) | (r->failure_messages[i] ? 2 : 0)));
    if (r->failure_messages[i])
      put_str(&w, r->failure_messages[i]);
  }
  put_u64(&w, r->lines_scored);
  GPtrArray *units = br_unit_table_all(r->units);
  g_ptr_array_sort(units, cmp_port_unit);
  put_u64(&w, units->len);
  for (guint i = 0; i < units->len; i++)
    put_unit(&w, g_ptr_array_index(units, i), pack);
  g_ptr_array_free(units, TRUE);
  put(&w, END, sizeof END - 1);
  gboolean ok = !ferror(f);
  int e = ok ? 0 : errno;
  if (fclose(f) != 0 && ok) {
    ok = FALSE;
    e = errno;
  }
  if (ok && g_rename(tmp, path) != 0) {
    ok = FALSE;
    e = errno;
  }
  if (!ok) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s", path,
                g_strerror(e));
    g_unlink(tmp);
  }
  g_free(tmp);
  return ok;
}

/* Reading: a buffered reader that fails once, naming the file and the byte offset. */
typedef struct {
  FILE *f;
  const char *path;
  guint64 offset;
  guint64 size; /* of the file: no string can be longer than what is left */
  GError **error;
  gboolean failed;
} Reader;

static gboolean
fail(Reader *r, const char *what)
{
  if (!r->failed)
    g_set_error(r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: not a whole boxrank partial: %s at byte %" G_GUINT64_FORMAT, r->path, what,
                r->offset);
  r->failed = TRUE;
  return FALSE;
}

static gboolean
get(Reader *r, void *p, gsize n)
{
  if (r->failed)
    return FALSE;
  if (fread(p, 1, n, r->f) != n)
    return fail(r, ferror(r->f) ? g_strerror(errno) : "the file ends early");
  r->offset += n;
  return TRUE;
}

static guint8
get_u8(Reader *r)
{
  guint8 v = 0;
  get(r, &v, 1);
  return v;
}

static guint32
get_u32(Reader *r)
{
  guint32 v = 0;
  get(r, &v, 4);
  return GUINT32_FROM_LE(v);
}

static guint64
get_u64(Reader *r)
{
  guint64 v = 0;
  get(r, &v, 8);
  return GUINT64_FROM_LE(v);
}

static double
get_f64(Reader *r)
{
  guint64 v = get_u64(r);
  double d;
  memcpy(&d, &v, 8);
  return d;
}

/* Into buf (reused): a string without NUL bytes. */
static const char *
get_str(Reader *r, GString *buf)
{
  guint32 n = get_u32(r);
  if (n > MAX_STRING) {
    fail(r, "a string longer than any boxrank writes");
    return "";
  }
  if (n > r->size - MIN(r->offset, r->size)) {
    fail(r, "a string longer than the rest of the file");
    return "";
  }
  g_string_set_size(buf, n);
  if (!get(r, buf->str, n))
    return "";
  if (memchr(buf->str, '\0', n)) {
    fail(r, "a string holding a NUL byte");
    return "";
  }
  return buf->str;
}

BrPartialMerge *
br_partial_merge_new(const BrPack *pack)
{
  BrPartialMerge *m = g_new0(BrPartialMerge, 1);
  m->pack = pack;
  m->inputs = g_string_new(NULL);
  m->rejects = g_string_new(NULL);
  m->strings = g_string_chunk_new(1024);
  m->resolutions = g_ptr_array_new_with_free_func((GDestroyNotify)br_fields_resolution_free);
  return m;
}

void
br_partial_merge_free(BrPartialMerge *m)
{
  if (!m)
    return;
  br_pipeline_result_clear(&m->result);
  g_free(m->list_date);
  g_string_free(m->inputs, TRUE);
  g_string_free(m->rejects, TRUE);
  g_free(m->profile);
  br_watch_set_free(m->watch);
  g_ptr_array_free(m->resolutions, TRUE);
  g_string_chunk_free(m->strings);
  g_free(m->watch_key);
  g_free(m);
}

/* The partial's watchlists: as a key every partial must share, and as a set for the stamp. */
static gboolean
read_watchlists(Reader *r, BrPartialMerge *m, GString *buf)
{
  guint32 n = get_u32(r);
  GString *key = g_string_new(NULL);
  GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_watchlist_free);
  for (guint32 i = 0; i < n && !r->failed; i++) {
    BrWatchlist *wl = br_watchlist_new(get_str(r, buf), "");
    wl->content_hash = g_strdup(get_str(r, buf));
    gboolean has_version = get_u8(r) != 0;
    const char *version = get_str(r, buf);
    if (has_version)
      wl->version = g_strdup(version);
    g_string_append_printf(key, "%s=%s ", wl->name, wl->content_hash);
    g_ptr_array_add(lists, wl);
  }
  gboolean ok = !r->failed;
  if (ok && m->watch_key && strcmp(m->watch_key, key->str) != 0) {
    g_set_error(r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: screened against other watchlists (%s) than the partials before it (%s)",
                r->path, key->str, m->watch_key);
    ok = FALSE;
  } else if (ok && !m->watch_key) {
    m->watch_key = g_strdup(key->str);
    if (lists->len)
      m->watch = br_watch_set_new(g_steal_pointer(&lists), 0);
  }
  if (lists)
    g_ptr_array_free(lists, TRUE);
  g_string_free(key, TRUE);
  return ok;
}

static gboolean
read_fields(Reader *r, BrPartialMerge *m, GString *buf, guint nrules)
{
  guint32 n = get_u32(r);
  BrFieldResolution *res = g_new0(BrFieldResolution, 1);
  res->off = g_array_new(FALSE, FALSE, sizeof(BrRuleOff));
  res->disabled = g_new0(gboolean, MAX(nrules, 1));
  for (guint32 i = 0; i < n && !r->failed; i++) {
    BrRuleOff off = {.rule = get_u32(r)};
    off.field = g_string_chunk_insert_const(m->strings, get_str(r, buf));
    if (off.rule >= nrules)
      return br_fields_resolution_free(res), fail(r, "a rule index out of the pack");
    res->disabled[off.rule] = TRUE;
    g_array_append_val(res->off, off);
  }
  if (r->failed) {
    br_fields_resolution_free(res);
    return FALSE;
  }
  g_ptr_array_add(m->resolutions, res);
  return TRUE;
}

static gboolean
read_rules(Reader *r, BrPipelineResult *one, GString *buf)
{
  for (guint i = 0; i < one->nrules && !r->failed; i++) {
    one->fire_counts[i] = get_u64(r);
    one->failure_counts[i] = get_u64(r);
    guint8 flags = get_u8(r);
    one->disabled[i] = (flags & 1) != 0;
    if (flags & 2)
      one->failure_messages[i] = g_strdup(get_str(r, buf));
  }
  return !r->failed;
}

/* Scratch of one unit as read, reused from unit to unit. */
typedef struct {
  GString *port, *unit, *record, *text;
  BrUnit u;
} UnitBuf;

static gboolean
read_unit(Reader *r, UnitBuf *b, const BrPack *pack, BrUnitTable *table)
{
  guint nrules = br_pack_rule_count(pack);
  BrUnit *u = &b->u;
  u->port = (char *)get_str(r, b->port);
  u->unit = (char *)get_str(r, b->unit);
  u->record = get_str(r, b->record);
  u->score = get_f64(r);
  u->uncertainty = get_f64(r);
  u->nlines = get_u64(r);
  guint8 flags = get_u8(r);
  u->amended = (flags & 1) != 0;
  g_array_set_size(u->fired, 0);
  g_array_set_size(u->points, 0);
  guint32 nfired = get_u32(r);
  for (guint32 k = 0; k < nfired && !r->failed; k++) {
    guint rule = get_u32(r);
    double points = flags & 2 ? get_f64(r) : 1.0;
    if (rule >= nrules || (k > 0 && rule <= g_array_index(u->fired, guint, k - 1)))
      return fail(r, "fired rules out of the pack or out of order");
    g_array_append_val(u->fired, rule);
    g_array_append_val(u->points, points);
  }
  g_ptr_array_set_size(u->reasons, 0);
  g_array_set_size(u->reason_rules, 0);
  g_array_set_size(u->reason_points, 0);
  guint32 nreasons = get_u32(r);
  for (guint32 k = 0; k < nreasons && !r->failed; k++) {
    guint rule = get_u32(r);
    double points = get_f64(r);
    const char *text = get_str(r, b->text);
    if (rule >= nrules)
      return fail(r, "a reason's rule out of the pack");
    g_ptr_array_add(u->reasons, g_strconcat(br_pack_rule(pack, rule)->id, ": ", text, NULL));
    g_array_append_val(u->reason_rules, rule);
    g_array_append_val(u->reason_points, points);
  }
  if (r->failed)
    return FALSE;
  GArray *points = u->points;
  if (!(flags & 2))
    u->points = NULL;
  GArray *fired = u->fired;
  if (nfired == 0)
    u->fired = NULL;
  GPtrArray *reasons = u->reasons;
  if (nreasons == 0)
    u->reasons = NULL;
  br_unit_table_add_rollup(table, u);
  u->points = points;
  u->fired = fired;
  u->reasons = reasons;
  return TRUE;
}

static gboolean
read_header(Reader *r, BrPartialMerge *m, GString *buf)
{
  char magic[sizeof MAGIC - 1];
  if (!get(r, magic, sizeof magic) || memcmp(magic, MAGIC, sizeof magic) != 0)
    return fail(r, "no partial header (write one with boxrank rank --partial)");
  const char *hash = get_str(r, buf);
  if (!r->failed && strcmp(hash, br_pack_hash(m->pack)) != 0) {
    g_set_error(r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: made with pack hash %.12s, not %.12s (the --rules given): rank every "
                "partition with the same pack",
                r->path, hash, br_pack_hash(m->pack));
    return r->failed = TRUE, FALSE;
  }
  const char *date = get_str(r, buf);
  if (!r->failed && m->list_date && strcmp(date, m->list_date) != 0) {
    g_set_error(r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: lists for %s, but the partials before it are for %s: give every "
                "partition the same --date",
                r->path, date, m->list_date);
    return r->failed = TRUE, FALSE;
  }
  if (!m->list_date)
    m->list_date = g_strdup(date);
  const char *input = get_str(r, buf);
  g_string_append_printf(m->inputs, "%s%s", m->inputs->len ? ", " : "", input);
  const char *profile = get_str(r, buf);
  if (!m->profile && *profile)
    m->profile = g_strdup(profile);
  m->rows_read += get_u64(r);
  m->rows_rejected += get_u64(r);
  const char *rejects = get_str(r, buf);
  if (*rejects)
    g_string_append_printf(m->rejects, "%s%s", m->rejects->len ? ", " : "", rejects);
  return !r->failed;
}

gboolean
br_partial_merge_add(BrPartialMerge *m, const char *path, GError **error)
{
  FILE *f = g_fopen(path, "rb");
  if (!f) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot open: %s", path,
                g_strerror(e));
    return FALSE;
  }
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  GStatBuf st;
  Reader r = {.f = f, .path = path, .error = error};
  r.size = g_stat(path, &st) == 0 ? (guint64)st.st_size : G_MAXUINT64;
  GString *buf = g_string_new(NULL);
  guint nrules = br_pack_rule_count(m->pack);
  BrPipelineResult one = {0};
  UnitBuf b = {.port = g_string_new(NULL),
               .unit = g_string_new(NULL),
               .record = g_string_new(NULL),
               .text = g_string_new(NULL)};
  b.u.fired = g_array_new(FALSE, FALSE, sizeof(guint));
  b.u.points = g_array_new(FALSE, FALSE, sizeof(double));
  b.u.reasons = g_ptr_array_new_with_free_func(g_free);
  b.u.reason_rules = g_array_new(FALSE, FALSE, sizeof(guint));
  b.u.reason_points = g_array_new(FALSE, FALSE, sizeof(double));
  gboolean ok =
      read_header(&r, m, buf) && read_watchlists(&r, m, buf) && read_fields(&r, m, buf, nrules);
  if (ok && get_u32(&r) != nrules)
    ok = fail(&r, "a rule count other than the pack's");
  if (ok) {
    one.nrules = nrules;
    one.units = br_unit_table_new(m->pack);
    one.fire_counts = g_new0(guint64, MAX(nrules, 1));
    one.failure_counts = g_new0(guint64, MAX(nrules, 1));
    one.failure_messages = g_new0(char *, MAX(nrules, 1));
    one.disabled = g_new0(gboolean, MAX(nrules, 1));
    ok = read_rules(&r, &one, buf);
  }
  if (ok) {
    one.lines_scored = get_u64(&r);
    guint64 nunits = get_u64(&r);
    for (guint64 i = 0; i < nunits && ok; i++)
      ok = read_unit(&r, &b, m->pack, one.units);
  }
  char end[sizeof END - 1];
  if (ok && (!get(&r, end, sizeof end) || memcmp(end, END, sizeof end) != 0))
    ok = fail(&r, "no end mark after the units");
  if (ok && fgetc(f) != EOF)
    ok = fail(&r, "bytes after the end mark");
  fclose(f);
  if (ok) {
    br_pipeline_result_merge(&m->result, &one);
    m->partials++;
  }
  br_pipeline_result_clear(&one);
  g_string_free(b.port, TRUE);
  g_string_free(b.unit, TRUE);
  g_string_free(b.record, TRUE);
  g_string_free(b.text, TRUE);
  g_array_free(b.u.fired, TRUE);
  g_array_free(b.u.points, TRUE);
  g_ptr_array_free(b.u.reasons, TRUE);
  g_array_free(b.u.reason_rules, TRUE);
  g_array_free(b.u.reason_points, TRUE);
  g_string_free(buf, TRUE);
  return ok;
}
