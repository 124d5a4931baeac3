/* The manifest feed: a CSV file (or stdin) read with libcsv through a column profile into
 * batches of typed records.
 *
 * Rows that cannot be used are never dropped silently: each is counted and written to the
 * reject file with its line, the column at fault and the reason, followed by its original
 * fields, so that nothing the user gave is lost. */
#pragma once

#include <glib.h>

#include "br_batch.h"
#include "br_profile.h"

#define BR_FEED_ERROR (br_feed_error_quark())
GQuark br_feed_error_quark(void);

typedef enum {
  BR_FEED_ERROR_IO,
  BR_FEED_ERROR_HEADER, /* empty file, no header, duplicate or missing mapped columns */
  BR_FEED_ERROR_CSV,     /* the CSV itself is broken past recovery */
  BR_FEED_ERROR_PROFILE, /* the column profile is unreadable or invalid */
} BrFeedErrorCode;

typedef struct {
  const char *reject_path; /* NULL: rejects are counted and reported, not written */
  gsize max_field_bytes;   /* 0: the profile's value (default 64 KiB) */
} BrFeedOptions;

typedef struct BrFeed BrFeed;

/* Opens the source ("-" for stdin) and reads its header; the schema is ready on return. */
BrFeed *br_feed_open(const char *path, const BrProfile *profile, const BrFeedOptions *options,
                     GError **error);
const BrSchema *br_feed_schema(const BrFeed *feed);
/* Resets the batch and fills it with up to batch->capacity accepted records.
 * Returns the number of records (0 at the end of input) or -1 with error set. */
gint br_feed_next_batch(BrFeed *feed, BrBatch *batch, GError **error);
guint64 br_feed_rows_read(const BrFeed *feed);     /* data rows seen, accepted or not */
guint64 br_feed_rows_rejected(const BrFeed *feed);
guint64 br_feed_bytes_read(const BrFeed *feed);
void br_feed_close(BrFeed *feed);
