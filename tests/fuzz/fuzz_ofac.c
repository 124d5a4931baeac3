/* libFuzzer target for the OFAC SDN reader (raw CSV): an input is sdn.csv and alt.csv cut at
 * a "%%" line; they must never crash, leak or read out of bounds, and what the reader accepts
 * is checked as br_fuzz_check_watchlist says. Build and run: docs/fuzzing.md. */
#include "fuzz_read.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static char *dir;
  if (!dir)
    dir = br_fuzz_folder("ofac");
  const char *part[2];
  gsize len[2];
  br_fuzz_split(data, size, 2, part, len);
  g_free(br_fuzz_write("ofac/sdn.csv", part[0], len[0]));
  g_free(br_fuzz_write("ofac/alt.csv", part[1], len[1]));
  br_fuzz_check_watchlist(br_watchlist_load_ofac(dir, NULL));
  return 0;
}
