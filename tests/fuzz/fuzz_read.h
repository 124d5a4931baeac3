/* What the feed fuzz targets check of every input: reading it never crashes, leaks or reads
 * out of bounds, and every accepted value is valid UTF-8. */
#pragma once

#include <stdlib.h>

#include <glib.h>

#include "br_feed.h"

/* Reads path through profile to the end (a file the feed refuses is fine); aborts on a value
 * that is not UTF-8. */
static inline void
br_fuzz_read_all(const char *path, const BrProfile *profile)
{
  BrFeed *feed = br_feed_open(path, profile, NULL, NULL);
  if (!feed)
    return;
  BrBatch *batch = br_batch_new(br_feed_schema(feed), 3);
  while (br_feed_next_batch(feed, batch, NULL) > 0)
    for (guint i = 0; i < batch->count; i++)
      for (guint k = 0; k < batch->nfields; k++)
        if (!g_utf8_validate(br_batch_record(batch, i)[k].str, -1, NULL))
          abort();
  br_batch_free(batch);
  br_feed_close(feed);
}
