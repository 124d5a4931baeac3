/* Manifest inputs in any format the project reads: CSV through a column profile, UN/EDIFACT
 * CUSCAR and ANSI X12 309. The format is detected from the first bytes (UNA or UNB: CUSCAR;
 * ISA: X12; anything else: CSV) unless it is given.
 *
 * EDI files are read whole and mapped to manifest lines (br_cuscar.h, br_x12.h); their
 * rejects go to the reject file in the EDI layout (BR_EDI_REJECT_HEADER), and their lines to
 * the pipeline as canonical CSV read with the identity profile. CSV is streamed as before. */
#pragma once

#include <glib.h>

#include "br_edi.h"
#include "br_feed.h"
#include "br_profile.h"

typedef enum {
  BR_INPUT_AUTO = 0,
  BR_INPUT_CSV,
  BR_INPUT_CUSCAR,
  BR_INPUT_X12,
} BrInputFormat;

gboolean br_input_format_parse(const char *text, BrInputFormat *out);
const char *br_input_format_name(BrInputFormat format);

/* The format of these first bytes of a file. */
BrInputFormat br_input_detect(const char *data, gsize len);

typedef struct BrInput BrInput;

/* Opens path in format (AUTO: detected; standard input, "-", is CSV unless format says
 * otherwise). CSV goes through csv_profile, which must outlive the input. */
BrInput *br_input_open(const char *path, BrInputFormat format, const BrProfile *csv_profile,
                       const BrFeedOptions *options, GError **error);
BrFeed *br_input_feed(BrInput *input);
BrInputFormat br_input_format(const BrInput *input);
/* Lines read (for EDI: lines mapped plus rejects) and rejected. */
guint64 br_input_rows_read(const BrInput *input);
guint64 br_input_rows_rejected(const BrInput *input);
void br_input_close(BrInput *input);

/* Reads an EDI file's bytes in the given format (CUSCAR or X12). */
BrManifest *br_input_read_edi(BrInputFormat format, const char *data, gsize len);
