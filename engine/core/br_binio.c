/* fwrite_unlocked and fread_unlocked: a record is a dozen small writes, and each FILE here is
 * used by one thread at a time (a worker's spill, the merge's reader), so stdio's per-call lock
 * is pure cost. */
#define _GNU_SOURCE
#include "br_binio.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

/* No string boxrank writes comes near this: a longer length is a damaged file, refused before
 * anything is allocated for it. */
#define MAX_STRING (1u << 28)

void
br_bin_put(FILE *f, const void *p, gsize n)
{
  fwrite_unlocked(p, 1, n, f);
}

void
br_bin_put_u8(FILE *f, guint8 v)
{
  br_bin_put(f, &v, 1);
}

void
br_bin_put_u32(FILE *f, guint32 v)
{
  v = GUINT32_TO_LE(v);
  br_bin_put(f, &v, 4);
}

void
br_bin_put_u64(FILE *f, guint64 v)
{
  v = GUINT64_TO_LE(v);
  br_bin_put(f, &v, 8);
}

void
br_bin_put_f64(FILE *f, double d)
{
  guint64 v;
  memcpy(&v, &d, 8);
  br_bin_put_u64(f, v);
}

void
br_bin_put_str(FILE *f, const char *s)
{
  gsize n = s ? strlen(s) : 0;
  br_bin_put_u32(f, (guint32)n);
  if (n)
    br_bin_put(f, s, n);
}

gboolean
br_bin_reader_open(BrBinReader *r, const char *path, const char *kind, GError **error)
{
  memset(r, 0, sizeof *r);
  r->f = g_fopen(path, "rb");
  if (!r->f) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot open: %s", path,
                g_strerror(e));
    return FALSE;
  }
  setvbuf(r->f, NULL, _IOFBF, 1 << 18);
  GStatBuf st;
  r->size = g_stat(path, &st) == 0 ? (guint64)st.st_size : G_MAXUINT64;
  r->path = g_strdup(path);
  r->kind = kind;
  return TRUE;
}

void
br_bin_reader_close(BrBinReader *r)
{
  if (r->f)
    fclose(r->f);
  g_free(r->path);
  g_clear_error(&r->error);
  memset(r, 0, sizeof *r);
}

gboolean
br_bin_reader_seek(BrBinReader *r, guint64 offset)
{
  if (br_bin_failed(r))
    return FALSE;
  if (fseeko(r->f, (off_t)offset, SEEK_SET) != 0)
    return br_bin_fail(r, g_strerror(errno));
  r->offset = offset;
  return TRUE;
}

gboolean
br_bin_fail(BrBinReader *r, const char *what)
{
  if (!r->error)
    g_set_error(&r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: not a whole %s: %s at byte %" G_GUINT64_FORMAT, r->path, r->kind, what,
                r->offset);
  return FALSE;
}

gboolean
br_bin_get(BrBinReader *r, void *p, gsize n)
{
  if (br_bin_failed(r))
    return FALSE;
  if (fread_unlocked(p, 1, n, r->f) != n)
    return br_bin_fail(r, ferror(r->f) ? g_strerror(errno) : "the file ends early");
  r->offset += n;
  return TRUE;
}

guint8
br_bin_get_u8(BrBinReader *r)
{
  guint8 v = 0;
  br_bin_get(r, &v, 1);
  return v;
}

guint32
br_bin_get_u32(BrBinReader *r)
{
  guint32 v = 0;
  br_bin_get(r, &v, 4);
  return GUINT32_FROM_LE(v);
}

guint64
br_bin_get_u64(BrBinReader *r)
{
  guint64 v = 0;
  br_bin_get(r, &v, 8);
  return GUINT64_FROM_LE(v);
}

double
br_bin_get_f64(BrBinReader *r)
{
  guint64 v = br_bin_get_u64(r);
  double d;
  memcpy(&d, &v, 8);
  return d;
}

const char *
br_bin_get_str(BrBinReader *r, GString *buf)
{
  guint32 n = br_bin_get_u32(r);
  if (n > MAX_STRING) {
    br_bin_fail(r, "a string longer than any boxrank writes");
    return "";
  }
  if (n > r->size - MIN(r->offset, r->size)) {
    br_bin_fail(r, "a string longer than the rest of the file");
    return "";
  }
  g_string_set_size(buf, n);
  if (!br_bin_get(r, buf->str, n))
    return "";
  if (memchr(buf->str, '\0', n)) {
    br_bin_fail(r, "a string holding a NUL byte");
    return "";
  }
  return buf->str;
}
