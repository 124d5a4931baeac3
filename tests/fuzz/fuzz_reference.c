/* libFuzzer target for the reference tables (br_reference.h): an input is unlocode.csv,
 * harmonized-system.csv and iso6346-size-type-codes.csv cut at "%%" lines. Loading them must
 * never crash, leak or read out of bounds, and a loaded set answers lookups. Build and run:
 * docs/fuzzing.md. */
#include "br_reference.h"
#include "fuzz_read.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static char *dir;
  if (!dir)
    dir = br_fuzz_folder("reference");
  static const char *const files[] = {"reference/unlocode.csv", "reference/harmonized-system.csv",
                                      "reference/iso6346-size-type-codes.csv"};
  const char *part[G_N_ELEMENTS(files)];
  gsize len[G_N_ELEMENTS(files)];
  br_fuzz_split(data, size, G_N_ELEMENTS(files), part, len);
  for (guint i = 0; i < G_N_ELEMENTS(files); i++)
    g_free(br_fuzz_write(files[i], part[i], len[i]));
  BrReference *ref = br_reference_load(dir, NULL);
  if (ref) {
    br_reference_locode(ref, "IQ UQR", 6);
    br_reference_hs(ref, "2939.71", 7);
    br_reference_size_type(ref, "45R1", 4);
    br_reference_free(ref);
  }
  return 0;
}
