/* libFuzzer target for the X12 reader: any bytes must never crash, leak or read out of
 * bounds; every mapped field is valid UTF-8, and the lines render as CSV. Build: cmake
 * -DBR_FUZZ=ON with clang (see tests/fuzz/README.md). */
#include <stdlib.h>

#include <glib.h>

#include "br_x12.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  BrManifest *m = br_x12_read((const char *)data, size);
  for (guint i = 0; i < m->lines->len; i++) {
    const BrManifestLine *l = g_ptr_array_index(m->lines, i);
    for (guint f = 0; f < BR_MF_COUNT; f++)
      if (l->f[f] && !g_utf8_validate(l->f[f], -1, NULL))
        abort();
  }
  GString *csv = br_manifest_to_csv(m);
  g_string_free(csv, TRUE);
  br_manifest_free(m);
  return 0;
}
