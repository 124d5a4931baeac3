/* libFuzzer target for the CUSCAR reader: any bytes must never crash, leak or read out of
 * bounds; every mapped field is valid UTF-8, and the lines render as CSV. Build and run:
 * docs/fuzzing.md. */
#include "br_cuscar.h"
#include "fuzz_read.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  br_fuzz_check_manifest(br_cuscar_read((const char *)data, size));
  return 0;
}
