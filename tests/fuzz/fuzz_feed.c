/* libFuzzer target for the manifest feed: any bytes as a CSV file, read through a profile
 * with every type, must never crash, leak or read out of bounds; rows are accepted or
 * rejected. Build: cmake -DBR_FUZZ=ON with clang (see tests/fuzz/README.md). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib.h>

#include "br_feed.h"
#include "fuzz_read.h"

static const char profile_text[] = "[profile]\nname = fuzz\nmax_field_bytes = 256\n"
                                   "[types]\na = integer\nb = decimal\nc = date\nd = list\n";

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static char *profile_path;
  static char csv_path[] = "/tmp/br-fuzz-XXXXXX";
  static int csv_fd = -1;
  if (!profile_path) {
    int fd = g_file_open_tmp("br-fuzz-profile-XXXXXX.ini", &profile_path, NULL);
    if (fd < 0 || write(fd, profile_text, sizeof profile_text - 1) < 0)
      abort();
    close(fd);
    csv_fd = mkstemp(csv_path);
  }
  if (ftruncate(csv_fd, 0) != 0 || pwrite(csv_fd, data, size, 0) != (ssize_t)size)
    abort();
  BrProfile *profile = br_profile_load(profile_path, NULL);
  br_fuzz_read_all(csv_path, profile);
  br_profile_free(profile);
  return 0;
}
