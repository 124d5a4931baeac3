/* libFuzzer target for the manifest feed: any bytes as a CSV file, read through a profile
 * with every type, must never crash, leak or read out of bounds; rows are accepted or
 * rejected. Build: cmake -DBR_FUZZ=ON with clang (see tests/fuzz/README.md). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib.h>

#include "br_feed.h"

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
  BrFeed *feed = br_feed_open(csv_path, profile, NULL, NULL);
  if (feed) {
    BrBatch *batch = br_batch_new(br_feed_schema(feed), 3);
    while (br_feed_next_batch(feed, batch, NULL) > 0)
      for (guint i = 0; i < batch->count; i++)
        for (guint k = 0; k < batch->nfields; k++)
          if (!g_utf8_validate(br_batch_record(batch, i)[k].str, -1, NULL))
            abort();
    br_batch_free(batch);
    br_feed_close(feed);
  }
  br_profile_free(profile);
  return 0;
}
