/* libFuzzer target for the manifest feed: any bytes as a CSV file, read through a profile
 * with every type, must never crash, leak or read out of bounds; rows are accepted or
 * rejected. Build and run: docs/fuzzing.md. */
#include "fuzz_read.h"

static const char profile_text[] = "[profile]\nname = fuzz\nmax_field_bytes = 256\n"
                                   "[types]\na = integer\nb = decimal\nc = date\nd = list\n";

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static char *profile_path;
  if (!profile_path)
    profile_path = br_fuzz_write("profile.ini", profile_text, sizeof profile_text - 1);
  char *csv_path = br_fuzz_write("input.csv", data, size);
  BrProfile *profile = br_profile_load(profile_path, NULL);
  br_fuzz_read_all(csv_path, profile);
  br_profile_free(profile);
  g_free(csv_path);
  return 0;
}
