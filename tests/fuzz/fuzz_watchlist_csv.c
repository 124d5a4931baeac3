/* libFuzzer target for boxrank's plain watchlist CSV (docs/watchlists.md): any bytes as the
 * file must never crash, leak or read out of bounds; what the reader accepts is checked as
 * br_fuzz_check_watchlist says. Build and run: docs/fuzzing.md. */
#include "fuzz_read.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  char *path = br_fuzz_write("list.csv", data, size);
  br_fuzz_check_watchlist(br_watchlist_load_csv(path, "fuzz", NULL));
  g_free(path);
  return 0;
}
