/* libFuzzer target for the outcomes import (br_outcomes.h): any bytes as an outcomes CSV,
 * imported into a store that already holds a few outcomes (so rows can be duplicates or
 * conflicts), must never crash, leak or read out of bounds, and the summary must add up:
 * every row read is accepted, a duplicate or rejected. Each input is imported inside a
 * transaction that is rolled back after it (the import's own nests in it as a savepoint), so
 * every input starts from the same store and a finding reproduces alone, without the cost of
 * writing and opening a store per input. Build and run: docs/fuzzing.md. */

#include "br_outcomes.h"
#include "fuzz_read.h"

static const char stored[] = "unit,port,date,result,category,severity,notes\n"
                             "MSCU1234565,IQUQR,2026-03-04,finding,drugs,4,in the roof\n"
                             "MAEU1088781,IQUQR,2026-03-05,no_finding,,,\n";

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static BrStore *store;
  static char *rejects;
  if (!store) {
    char *db = g_build_filename(br_fuzz_dir(), "store.db", NULL);
    store = br_store_open(db, BR_STORE_CREATE, NULL);
    char *seed = br_fuzz_write("stored.csv", stored, sizeof stored - 1);
    BrOutcomesSummary s;
    if (!store || !br_outcomes_import(store, seed, NULL, &s, NULL) || s.accepted != 2)
      abort();
    br_outcomes_summary_clear(&s);
    g_free(seed);
    g_free(db);
    rejects = g_build_filename(br_fuzz_dir(), "rejects.csv", NULL);
  }
  if (!br_store_begin(store, NULL))
    abort();
  char *path = br_fuzz_write("outcomes.csv", data, size);
  BrOutcomesSummary s;
  if (br_outcomes_import(store, path, rejects, &s, NULL)) {
    if (!s.already &&
        (s.rows != s.accepted + s.duplicates + s.rejected || s.accepted != s.selected + s.other ||
         s.rejects->len != MIN(s.rejected, BR_OUTCOMES_REJECTS_KEPT)))
      abort();
    for (guint i = 0; i < s.rejects->len; i++)
      br_fuzz_check_utf8(((const BrOutcomeReject *)g_ptr_array_index(s.rejects, i))->reason);
  }
  br_outcomes_summary_clear(&s);
  br_store_rollback(store);
  g_free(path);
  return 0;
}
