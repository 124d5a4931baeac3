/* Files of names to screen (`boxrank watchlist screen`): CSV with a header, or JSON Lines
 * objects, from a file or standard input.
 *
 * Each record gives its name (a CSV column or a JSON member, "name" unless told otherwise)
 * and the record's other fields, kept so that results join back to the input (an id, a
 * reference, a country). A record that cannot be screened is not dropped: it comes back as a
 * reject with its line, the field at fault and why, and its text as read. Rejected: a CSV row
 * whose field count is not the header's, a field that is not UTF-8 (or holds a NUL), a line
 * that is not one JSON object (or repeats a member), a record without a name, an empty name,
 * a name over BR_NAME_FILE_MAX_NAME bytes or a record over BR_NAME_FILE_MAX_RECORD bytes.
 * Blank lines are skipped; a UTF-8 byte order mark at the start is ignored. Line numbers count
 * from 1, the header included; a CSV record spanning lines has the line it starts on. */
#pragma once

#include <glib.h>

#define BR_NAME_FILE_ERROR (br_name_file_error_quark())
GQuark br_name_file_error_quark(void);

typedef enum {
  BR_NAME_FILE_ERROR_IO,     /* cannot open or read */
  BR_NAME_FILE_ERROR_HEADER, /* the CSV header is unusable: no name column, duplicate column */
} BrNameFileErrorCode;

typedef enum {
  BR_NAME_FILE_AUTO = 0, /* .jsonl, .ndjson or a first character '{': JSON Lines; else CSV */
  BR_NAME_FILE_CSV,
  BR_NAME_FILE_JSONL,
} BrNameFileFormat;

#define BR_NAME_FILE_MAX_NAME 1024
#define BR_NAME_FILE_MAX_RECORD (64 * 1024)
#define BR_NAME_FILE_MAX_FIELDS 256

/* "csv", "jsonl" or "auto". */
gboolean br_name_file_format_parse(const char *text, BrNameFileFormat *out);

typedef struct {
  const char *key;   /* the CSV column or JSON member */
  const char *value; /* NUL-terminated; decoded text, or JSON text when json */
  gsize len;
  gboolean json; /* a JSON number, true, false, null, array or object, as written */
} BrNameField;

typedef struct {
  guint64 line;
  /* A screened record: */
  const char *name; /* without leading and trailing white space; NUL-terminated */
  gsize name_len;
  const BrNameField *fields; /* the other fields, in input order */
  guint nfields;
  /* A rejected record (reason != NULL): */
  const char *field;  /* the field at fault; "" for the record as a whole */
  const char *reason; /* why, for people */
  const char *raw;    /* the record's bytes as read (at most BR_NAME_FILE_MAX_RECORD) */
  gsize raw_len;
} BrNameRecord;

typedef struct BrNameFile BrNameFile;

/* Opens path ("-": standard input) in format; name_key is the column or member holding the
 * name (NULL: "name"; a CSV header matches it ignoring case and surrounding blanks). A CSV
 * file's header is read here. */
BrNameFile *br_name_file_open(const char *path, BrNameFileFormat format, const char *name_key,
                              GError **error);
BrNameFileFormat br_name_file_format(const BrNameFile *file);
/* A CSV file's columns other than the name, in header order; NULL for JSON Lines. */
const char *const *br_name_file_columns(const BrNameFile *file);
/* The next record, valid until the next call: TRUE, or FALSE at the end of the input and on a
 * read error (error set). */
gboolean br_name_file_next(BrNameFile *file, BrNameRecord *record, GError **error);
void br_name_file_close(BrNameFile *file);
