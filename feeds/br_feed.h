/* The manifest feed: a CSV file (or stdin) read with libcsv through a column profile into
 * batches of typed records.
 *
 * Rows that cannot be used are never dropped silently: each is counted and written to the
 * reject file with its line, the column at fault and the reason, followed by its original
 * fields, so that nothing the user gave is lost.
 *
 * The dialect: RFC 4180 with the profile's delimiter. Quoted fields may hold delimiters,
 * doubled quotes and newlines. Only LF ends a row; a CR before it, and spaces and tabs around
 * unquoted fields, are dropped (nothing inside quotes is). A UTF-8 byte order mark before the
 * header is skipped. A quote inside an unquoted field (12" PIPE) is text. A line holding
 * nothing but blanks is skipped: it is neither read nor rejected.
 *
 * Values: an empty field is missing. Integers and decimals take digits, a sign, a decimal
 * point and (decimals) an exponent, with blanks around them ignored; thousands separators,
 * decimal commas, hex, inf and nan are rejected. Dates follow the profile's date_format and
 * become days since 1970-01-01 in BrValue.num with the text normalised to YYYY-MM-DD in
 * BrValue.str. Lists keep their text.
 *
 * A row is rejected when its field count differs from the header's, a number or date does not
 * parse, a field is not valid UTF-8, holds a NUL byte or is longer than max_field_bytes, or
 * its quoting is broken (text after a closing quote, or a quoted field still open at the end
 * of the input). A broken row cannot be split into fields: its raw text is kept whole in the
 * first field's cell. The reject file is CSV with the header line,column,reason followed by
 * the source header; line is the physical line (1-based) the row starts on; cells starting
 * with = + - @ are escaped (br_csv_write_field). It is created only when a row is rejected.
 *
 * The input is read in blocks, never whole: memory grows with the longest row, not the file.
 * A quoted field left open that runs on for more than max(16 MiB, 4 x max_field_bytes) stops
 * the read with BR_FEED_ERROR_CSV instead of taking all memory. */
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
  const char *port_field;  /* field holding port codes: a line whose code fails
                            * br_check_port_code is rejected; NULL: none checked */
} BrFeedOptions;

typedef struct BrFeed BrFeed;
typedef struct BrChunk BrChunk;
typedef struct BrChunkParser BrChunkParser;

/* Opens the source ("-" for stdin) and reads its header; the schema is ready on return.
 * Fails with BR_FEED_ERROR_HEADER on an empty file (a file holding only a header gives zero
 * records and no error), a header that is not valid UTF-8 or whose quoting is broken, a
 * repeated header name (naming both columns) or a mapped column missing. */
BrFeed *br_feed_open(const char *path, const BrProfile *profile, const BrFeedOptions *options,
                     GError **error);
/* The same over CSV text in memory, which must outlive the feed; name stands for it in
 * messages. The EDI readers hand their lines to the pipeline this way. */
BrFeed *br_feed_open_memory(const char *name, const char *data, gsize len,
                            const BrProfile *profile, const BrFeedOptions *options,
                            GError **error);
const BrSchema *br_feed_schema(const BrFeed *feed);
/* Resets the batch and fills it with up to batch->capacity accepted records.
 * Returns the number of records (0 at the end of input) or -1 with error set. */
gint br_feed_next_batch(BrFeed *feed, BrBatch *batch, GError **error);

/* Parallel reading. One thread cuts the input into chunks of whole rows (a quote-parity scan
 * finds row ends that are not inside quoted fields), workers parse chunks with their own
 * parsers, and finished chunks go back to the feed, which writes their rejects in input
 * order. br_feed_next_batch is the same machinery run in one thread. */
BrChunk *br_chunk_new(void);
void br_chunk_free(BrChunk *chunk);
guint64 br_chunk_seq(const BrChunk *chunk);
/* Fills chunk with the next rows of the input: 1, or 0 at the end, or -1 with error set. */
gint br_feed_read_chunk(BrFeed *feed, BrChunk *chunk, GError **error);
BrChunkParser *br_chunk_parser_new(BrFeed *feed);
void br_chunk_parser_free(BrChunkParser *parser);
/* Resets the batch and fills it from the chunk, going on where the last call on this chunk
 * stopped. Returns TRUE when the chunk is used up. Rejected rows are kept in the chunk. */
gboolean br_chunk_parser_fill(BrChunkParser *parser, BrChunk *chunk, BrBatch *batch);
/* Takes a parsed chunk's counts and rejects (written in input order whatever order chunks
 * finish in). FALSE with error set when the reject file cannot be written. */
gboolean br_feed_finish_chunk(BrFeed *feed, BrChunk *chunk, GError **error);

/* Rows that want (called with each row's first line, in increasing order) turns down are
 * skipped unparsed when they end with that line, and then neither counted nor rejected; a
 * row over several lines is parsed as usual, so the caller still checks what it gets. For a
 * second read that needs a few known lines of a large input. */
typedef gboolean (*BrLineFilter)(guint64 line, gpointer data);
void br_feed_set_line_filter(BrFeed *feed, BrLineFilter want, gpointer data);

guint64 br_feed_rows_read(const BrFeed *feed);     /* data rows seen, accepted or not */
guint64 br_feed_rows_rejected(const BrFeed *feed);
guint64 br_feed_bytes_read(const BrFeed *feed);
void br_feed_close(BrFeed *feed);
