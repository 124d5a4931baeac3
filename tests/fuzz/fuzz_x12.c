/* libFuzzer target for the X12 reader: any bytes must never crash, leak or read out of
 * bounds; every mapped field is valid UTF-8, and the lines render as CSV. Build and run:
 * docs/fuzzing.md. */
#include "br_x12.h"
#include "fuzz_read.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  br_fuzz_check_manifest(br_x12_read((const char *)data, size));
  return 0;
}
