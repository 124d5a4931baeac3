/* libFuzzer target for the UN Security Council Consolidated List reader (XML): any bytes as
 * the list file must never crash, leak or read out of bounds; what it accepts is checked as
 * br_fuzz_check_watchlist says. Build and run: docs/fuzzing.md. */
#include "fuzz_read.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  char *path = br_fuzz_write("consolidated.xml", data, size);
  br_fuzz_check_watchlist(br_watchlist_load_un(path, NULL));
  g_free(path);
  return 0;
}
