/* What the fuzz targets share: a scratch folder for the parsers that read files, an input cut
 * into several files, and the checks every accepted value gets (no crash, leak or
 * out-of-bounds read, and valid UTF-8). */
#pragma once

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_edi.h"
#include "br_feed.h"
#include "br_nameindex.h"
#include "br_watchlist.h"

static char *br_fuzz_scratch;

static inline void
br_fuzz_remove_tree(const char *path)
{
  GDir *dir = g_dir_open(path, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name(dir))) {
    char *child = g_build_filename(path, name, NULL);
    br_fuzz_remove_tree(child);
    g_free(child);
  }
  if (dir)
    g_dir_close(dir);
  g_remove(path);
}

static inline void
br_fuzz_scratch_remove(void)
{
  br_fuzz_remove_tree(br_fuzz_scratch);
}

/* The process's scratch folder, made on first use and removed at exit. It lives in /dev/shm
 * when there is one: the store fsyncs every commit, which on a disk would dominate a run. */
static inline const char *
br_fuzz_dir(void)
{
  if (!br_fuzz_scratch) {
    const char *base = g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir();
    br_fuzz_scratch = g_build_filename(base, "br-fuzz-XXXXXX", NULL);
    if (!g_mkdtemp(br_fuzz_scratch))
      abort();
    atexit(br_fuzz_scratch_remove);
  }
  return br_fuzz_scratch;
}

/* Makes the folder NAME in the scratch folder; returns its path. */
static inline char *
br_fuzz_folder(const char *name)
{
  char *path = g_build_filename(br_fuzz_dir(), name, NULL);
  if (g_mkdir(path, 0700) != 0)
    abort();
  return path;
}

/* Writes len bytes to NAME (a relative path) in the scratch folder; returns its path. */
static inline char *
br_fuzz_write(const char *name, const void *data, gsize len)
{
  char *path = g_build_filename(br_fuzz_dir(), name, NULL);
  if (!g_file_set_contents(path, data, (gssize)len, NULL))
    abort();
  return path;
}

/* Where an input is cut when it stands for several files: a line holding only "%%". */
#define BR_FUZZ_CUT "\n%%\n"

/* Cuts data into at most n parts at BR_FUZZ_CUT; parts missing at the end are empty. */
static inline void
br_fuzz_split(const unsigned char *data, size_t size, guint n, const char **part, gsize *len)
{
  const gsize cut_len = strlen(BR_FUZZ_CUT);
  const char *p = (const char *)data, *end = p + size;
  for (guint i = 0; i < n; i++) {
    const char *cut = p;
    while (i + 1 < n && cut + cut_len <= end && memcmp(cut, BR_FUZZ_CUT, cut_len) != 0)
      cut++;
    if (i + 1 == n || cut + cut_len > end)
      cut = end;
    part[i] = p;
    len[i] = (gsize)(cut - p);
    p = cut == end ? end : cut + cut_len;
  }
}

/* Aborts on a value that is not UTF-8 (NULL is fine). */
static inline void
br_fuzz_check_utf8(const char *s)
{
  if (s && !g_utf8_validate(s, -1, NULL))
    abort();
}

/* Reads path through profile to the end (a file the feed refuses is fine); aborts on a value
 * that is not UTF-8. */
static inline void
br_fuzz_read_all(const char *path, const BrProfile *profile)
{
  BrFeed *feed = br_feed_open(path, profile, NULL, NULL);
  if (!feed)
    return;
  BrBatch *batch = br_batch_new(br_feed_schema(feed), 3);
  while (br_feed_next_batch(feed, batch, NULL) > 0)
    for (guint i = 0; i < batch->count; i++)
      for (guint k = 0; k < batch->nfields; k++)
        br_fuzz_check_utf8(br_batch_record(batch, i)[k].str);
  br_batch_free(batch);
  br_feed_close(feed);
}

/* Checks a list a loader accepted, then frees it: every string is UTF-8, every alias belongs
 * to an entry, and its names go into a name index as a rank's would. (Screening names against
 * the index is left out: its working memory, set up per index, would dominate a run.) */
static inline void
br_fuzz_check_watchlist(BrWatchlist *wl)
{
  if (!wl)
    return;
  BrNameIndexBuilder *builder = br_name_index_builder_new();
  br_watchlist_index_names(wl, 0, 0, builder);
  BrNameIndex *index = br_name_index_build(builder);
  for (guint i = 0; i < wl->entries->len; i++) {
    const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
    if ((guint)e->kind >= BR_WATCH_KIND_COUNT)
      abort();
    br_fuzz_check_utf8(e->source_id);
    br_fuzz_check_utf8(e->name);
    br_fuzz_check_utf8(e->value);
    br_fuzz_check_utf8(e->program);
    br_fuzz_check_utf8(e->notes);
  }
  for (guint i = 0; i < wl->aliases->len; i++) {
    const BrWatchAlias *a = &g_array_index(wl->aliases, BrWatchAlias, i);
    if (a->entry >= wl->entries->len)
      abort();
    br_fuzz_check_utf8(a->name);
  }
  for (guint i = 0; i < wl->rejects->len; i++)
    br_fuzz_check_utf8(((const BrWatchReject *)g_ptr_array_index(wl->rejects, i))->reason);
  br_name_index_free(index);
  br_watchlist_free(wl);
}

/* Checks a manifest an EDI reader made, then frees it: every mapped field is UTF-8, and the
 * lines render as CSV. */
static inline void
br_fuzz_check_manifest(BrManifest *m)
{
  for (guint i = 0; i < m->lines->len; i++) {
    const BrManifestLine *l = g_ptr_array_index(m->lines, i);
    for (guint f = 0; f < BR_MF_COUNT; f++)
      br_fuzz_check_utf8(l->f[f]);
  }
  g_string_free(br_manifest_to_csv(m), TRUE);
  br_manifest_free(m);
}
