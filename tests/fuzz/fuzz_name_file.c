/* libFuzzer target for the files of names `watchlist screen` reads (br_name_file.h): any bytes
 * as the file, read as CSV, as JSON Lines and detected, must never crash, leak or read out of
 * bounds; every screened name is UTF-8, trimmed, non-empty and within the limit, every field
 * UTF-8 (or JSON text), every reject says why. Build and run: docs/fuzzing.md. */
#include "br_name_file.h"
#include "fuzz_read.h"

static void
check_record(const BrNameRecord *rec)
{
  if (rec->reason) {
    if (!rec->field || !*rec->reason || rec->raw_len > BR_NAME_FILE_MAX_RECORD)
      abort();
    return;
  }
  if (rec->name_len == 0 || rec->name_len > BR_NAME_FILE_MAX_NAME ||
      strlen(rec->name) != rec->name_len || g_ascii_isspace(rec->name[0]) ||
      g_ascii_isspace(rec->name[rec->name_len - 1]))
    abort();
  br_fuzz_check_utf8(rec->name);
  for (guint i = 0; i < rec->nfields; i++) {
    br_fuzz_check_utf8(rec->fields[i].key);
    br_fuzz_check_utf8(rec->fields[i].value);
    if (strlen(rec->fields[i].value) != rec->fields[i].len)
      abort();
  }
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  char *path = br_fuzz_write("names", data, size);
  for (int format = BR_NAME_FILE_AUTO; format <= BR_NAME_FILE_JSONL; format++) {
    BrNameFile *nf = br_name_file_open(path, (BrNameFileFormat)format, NULL, NULL);
    BrNameRecord rec;
    while (nf && br_name_file_next(nf, &rec, NULL))
      check_record(&rec);
    br_name_file_close(nf);
  }
  g_free(path);
  return 0;
}
