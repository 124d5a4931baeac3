#include "br_partial.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "br_binio.h"
#include "br_unit_runs.h"

/* The format (docs/scale.md): this magic, then little-endian fixed-width numbers, doubles as
 * their IEEE-754 bits, strings as a 32-bit length and their bytes; "END\n" closes the file so
 * that a partial cut short is told from a whole one. */
static const char MAGIC[] = "BOXRANK-PARTIAL 1\n";
static const char END[] = "END\n";
static const char KIND[] = "boxrank partial";

gboolean
br_partial_write(const char *path, const BrPack *pack, const BrPartialInfo *info, guint64 *units,
                 GError **error)
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
  const BrPipelineResult *r = info->result;
  br_bin_put(f, MAGIC, sizeof MAGIC - 1);
  br_bin_put_str(f, br_pack_hash(pack));
  br_bin_put_str(f, info->list_date);
  br_bin_put_str(f, info->input);
  br_bin_put_str(f, info->profile);
  br_bin_put_u64(f, info->rows_read);
  br_bin_put_u64(f, info->rows_rejected);
  br_bin_put_str(f, info->reject_path);
  guint nwatch = info->watch ? br_watch_set_nlists(info->watch) : 0;
  br_bin_put_u32(f, nwatch);
  for (guint i = 0; i < nwatch; i++) {
    const BrWatchlist *wl = br_watch_set_list(info->watch, i);
    br_bin_put_str(f, wl->name);
    br_bin_put_str(f, wl->content_hash);
    br_bin_put_u8(f, wl->version != NULL);
    br_bin_put_str(f, wl->version);
  }
  /* Rules off for a missing field; the breaker's are the rules' own flags below. */
  guint noff = 0;
  for (guint i = 0; info->rules_off && i < info->rules_off->len; i++)
    noff += g_array_index(info->rules_off, BrRuleOff, i).field != NULL;
  br_bin_put_u32(f, noff);
  for (guint i = 0; info->rules_off && i < info->rules_off->len; i++) {
    const BrRuleOff *off = &g_array_index(info->rules_off, BrRuleOff, i);
    if (!off->field)
      continue;
    br_bin_put_u32(f, off->rule);
    br_bin_put_str(f, off->field);
  }
  br_bin_put_u32(f, r->nrules);
  for (guint i = 0; i < r->nrules; i++) {
    br_bin_put_u64(f, r->fire_counts[i]);
    br_bin_put_u64(f, r->failure_counts[i]);
    br_bin_put_u8(f, (guint8)((r->disabled[i] ? 1 : 0) | (r->failure_messages[i] ? 2 : 0)));
    if (r->failure_messages[i])
      br_bin_put_str(f, r->failure_messages[i]);
  }
  br_bin_put_u64(f, r->lines_scored);
  /* The units are counted as the runs are merged: their count is written in its place once
   * known. */
  off_t count_at = ftello(f);
  br_bin_put_u64(f, 0);
  guint64 nunits = 0;
  GError *merge_error = NULL;
  gboolean ok = br_unit_runs_rewind(info->runs, FALSE, &merge_error);
  const BrUnit *u;
  while (ok && (u = br_unit_runs_next(info->runs, &merge_error))) {
    br_unit_write(f, u, pack);
    nunits++;
  }
  ok = ok && !merge_error;
  br_bin_put(f, END, sizeof END - 1);
  ok = ok && fseeko(f, count_at, SEEK_SET) == 0;
  if (ok)
    br_bin_put_u64(f, nunits);
  *units = nunits;
  ok = ok && !ferror(f);
  int e = ok ? 0 : errno;
  if (fclose(f) != 0 && ok) {
    ok = FALSE;
    e = errno;
  }
  if (ok && g_rename(tmp, path) != 0) {
    ok = FALSE;
    e = errno;
  }
  if (merge_error)
    g_propagate_error(error, merge_error);
  else if (!ok)
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s", path,
                g_strerror(e));
  if (!ok)
    g_unlink(tmp);
  g_free(tmp);
  return ok;
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
  m->runs = br_unit_runs_new(pack, NULL);
  return m;
}

void
br_partial_merge_free(BrPartialMerge *m)
{
  if (!m)
    return;
  br_pipeline_result_clear(&m->result);
  br_unit_runs_free(m->runs);
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
read_watchlists(BrBinReader *r, BrPartialMerge *m, GString *buf)
{
  guint32 n = br_bin_get_u32(r);
  GString *key = g_string_new(NULL);
  GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_watchlist_free);
  for (guint32 i = 0; i < n && !br_bin_failed(r); i++) {
    BrWatchlist *wl = br_watchlist_new(br_bin_get_str(r, buf), "");
    wl->content_hash = g_strdup(br_bin_get_str(r, buf));
    gboolean has_version = br_bin_get_u8(r) != 0;
    const char *version = br_bin_get_str(r, buf);
    if (has_version)
      wl->version = g_strdup(version);
    g_string_append_printf(key, "%s=%s ", wl->name, wl->content_hash);
    g_ptr_array_add(lists, wl);
  }
  gboolean ok = !br_bin_failed(r);
  if (ok && m->watch_key && strcmp(m->watch_key, key->str) != 0) {
    g_set_error(&r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
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
read_fields(BrBinReader *r, BrPartialMerge *m, GString *buf, guint nrules)
{
  guint32 n = br_bin_get_u32(r);
  BrFieldResolution *res = g_new0(BrFieldResolution, 1);
  res->off = g_array_new(FALSE, FALSE, sizeof(BrRuleOff));
  res->disabled = g_new0(gboolean, MAX(nrules, 1));
  for (guint32 i = 0; i < n && !br_bin_failed(r); i++) {
    BrRuleOff off = {.rule = br_bin_get_u32(r)};
    off.field = g_string_chunk_insert_const(m->strings, br_bin_get_str(r, buf));
    if (off.rule >= nrules)
      return br_fields_resolution_free(res), br_bin_fail(r, "a rule index out of the pack");
    res->disabled[off.rule] = TRUE;
    g_array_append_val(res->off, off);
  }
  if (br_bin_failed(r)) {
    br_fields_resolution_free(res);
    return FALSE;
  }
  g_ptr_array_add(m->resolutions, res);
  return TRUE;
}

static gboolean
read_rules(BrBinReader *r, BrPipelineResult *one, GString *buf)
{
  for (guint i = 0; i < one->nrules && !br_bin_failed(r); i++) {
    one->fire_counts[i] = br_bin_get_u64(r);
    one->failure_counts[i] = br_bin_get_u64(r);
    guint8 flags = br_bin_get_u8(r);
    one->disabled[i] = (flags & 1) != 0;
    if (flags & 2)
      one->failure_messages[i] = g_strdup(br_bin_get_str(r, buf));
  }
  return !br_bin_failed(r);
}

static gboolean
read_header(BrBinReader *r, BrPartialMerge *m, GString *buf)
{
  char magic[sizeof MAGIC - 1];
  if (!br_bin_get(r, magic, sizeof magic) || memcmp(magic, MAGIC, sizeof magic) != 0)
    return br_bin_fail(r, "no partial header (write one with boxrank rank --partial)");
  const char *hash = br_bin_get_str(r, buf);
  if (!br_bin_failed(r) && strcmp(hash, br_pack_hash(m->pack)) != 0) {
    g_set_error(&r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: made with pack hash %.12s, not %.12s (the --rules given): rank every "
                "partition with the same pack",
                r->path, hash, br_pack_hash(m->pack));
    return FALSE;
  }
  const char *date = br_bin_get_str(r, buf);
  if (!br_bin_failed(r) && m->list_date && strcmp(date, m->list_date) != 0) {
    g_set_error(&r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: lists for %s, but the partials before it are for %s: give every "
                "partition the same --date",
                r->path, date, m->list_date);
    return FALSE;
  }
  if (!m->list_date)
    m->list_date = g_strdup(date);
  const char *input = br_bin_get_str(r, buf);
  g_string_append_printf(m->inputs, "%s%s", m->inputs->len ? ", " : "", input);
  const char *profile = br_bin_get_str(r, buf);
  if (!m->profile && *profile)
    m->profile = g_strdup(profile);
  m->rows_read += br_bin_get_u64(r);
  m->rows_rejected += br_bin_get_u64(r);
  const char *rejects = br_bin_get_str(r, buf);
  if (*rejects)
    g_string_append_printf(m->rejects, "%s%s", m->rejects->len ? ", " : "", rejects);
  return !br_bin_failed(r);
}

/* The last bytes are the end mark: the units end there. */
static gboolean
ends_with_mark(BrBinReader *r, guint64 *units_end)
{
  char end[sizeof END - 1];
  guint64 at = r->offset;
  if (r->size < at + sizeof end || !br_bin_reader_seek(r, r->size - sizeof end) ||
      !br_bin_get(r, end, sizeof end) || memcmp(end, END, sizeof end) != 0) {
    r->offset = r->size;
    return br_bin_fail(r, "no end mark, the file ends early");
  }
  *units_end = r->size - sizeof end;
  return br_bin_reader_seek(r, at);
}

gboolean
br_partial_merge_add(BrPartialMerge *m, const char *path, GError **error)
{
  BrBinReader r;
  if (!br_bin_reader_open(&r, path, KIND, error))
    return FALSE;
  GString *buf = g_string_new(NULL);
  guint nrules = br_pack_rule_count(m->pack);
  BrPipelineResult one = {0};
  gboolean ok =
      read_header(&r, m, buf) && read_watchlists(&r, m, buf) && read_fields(&r, m, buf, nrules);
  if (ok && br_bin_get_u32(&r) != nrules)
    ok = br_bin_fail(&r, "a rule count other than the pack's");
  if (ok) {
    one.nrules = nrules;
    one.fire_counts = g_new0(guint64, MAX(nrules, 1));
    one.failure_counts = g_new0(guint64, MAX(nrules, 1));
    one.failure_messages = g_new0(char *, MAX(nrules, 1));
    one.disabled = g_new0(gboolean, MAX(nrules, 1));
    ok = read_rules(&r, &one, buf);
  }
  guint64 nunits = 0, units_end = 0;
  if (ok) {
    one.lines_scored = br_bin_get_u64(&r);
    nunits = br_bin_get_u64(&r);
    ok = !br_bin_failed(&r) && ends_with_mark(&r, &units_end);
  }
  /* The units are read when the partials are merged (br_partial_merge_select). */
  if (ok) {
    br_unit_runs_add_file(m->runs, path, KIND, r.offset, nunits, units_end);
    br_pipeline_result_merge(&m->result, &one);
    m->partials++;
  } else if (r.error) {
    g_propagate_error(error, g_steal_pointer(&r.error));
  }
  br_bin_reader_close(&r);
  br_pipeline_result_clear(&one);
  g_string_free(buf, TRUE);
  return ok;
}

GPtrArray *
br_partial_merge_select(BrPartialMerge *m, guint64 seed, GError **error)
{
  return br_rank_select_runs(m->runs, m->pack, seed, &m->units, error);
}
