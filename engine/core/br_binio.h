/* Little-endian binary files: fixed-width integers, doubles as their IEEE-754 bits, strings as
 * a 32-bit length and their bytes (no NUL inside). Partials and the sorted runs a rank spills
 * are written this way (docs/scale.md has the format).
 *
 * A reader fails once, with an error naming the file, what it expected and the byte offset;
 * after that every read returns zeros, so a caller can read a whole record and check once.
 * A FILE written or read here must be used by one thread at a time (no stdio locking). */
#pragma once

#include <stdio.h>

#include <glib.h>

void br_bin_put(FILE *f, const void *p, gsize n);
void br_bin_put_u8(FILE *f, guint8 v);
void br_bin_put_u32(FILE *f, guint32 v);
void br_bin_put_u64(FILE *f, guint64 v);
void br_bin_put_f64(FILE *f, double d);
/* NULL is written as the empty string. */
void br_bin_put_str(FILE *f, const char *s);

typedef struct {
  FILE *f;
  char *path;
  const char *kind; /* what the file should be, for errors: "boxrank partial" */
  guint64 offset;
  guint64 size;  /* of the file: no string can be longer than what is left */
  GError *error; /* the first failure; NULL while none */
} BrBinReader;

/* Opens path for reading (buffered). FALSE with error set when it cannot be opened. */
gboolean br_bin_reader_open(BrBinReader *r, const char *path, const char *kind, GError **error);
void br_bin_reader_close(BrBinReader *r);
/* Moves to a byte offset met before (br_bin_reader_open starts at 0). */
gboolean br_bin_reader_seek(BrBinReader *r, guint64 offset);
/* Records a failure at the current offset (the first one only); returns FALSE. */
gboolean br_bin_fail(BrBinReader *r, const char *what);
static inline gboolean
br_bin_failed(const BrBinReader *r)
{
  return r->error != NULL;
}
gboolean br_bin_get(BrBinReader *r, void *p, gsize n);
guint8 br_bin_get_u8(BrBinReader *r);
guint32 br_bin_get_u32(BrBinReader *r);
guint64 br_bin_get_u64(BrBinReader *r);
double br_bin_get_f64(BrBinReader *r);
/* Into buf (reused); "" after a failure. */
const char *br_bin_get_str(BrBinReader *r, GString *buf);
