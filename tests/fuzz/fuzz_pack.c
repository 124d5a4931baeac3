/* libFuzzer target for rule packs: an input is a pack's pack.ini, weights.ini and one rule
 * file, cut at "%%" lines (a part that is empty is a file the pack does not have). The pack is
 * checked as `boxrank rules check` does, loaded as `boxrank rank` does, its settings dumped, and
 * its rules run on three fixed manifest lines. Whatever the files say, nothing may crash, leak or
 * read out of bounds, and the sandbox's limits must end every rule in time (libFuzzer's
 * -timeout). A pack whose [limits] allow more than the defaults is not run on the lines: it
 * may rightly let a rule take minutes or gigabytes. Build and run: docs/fuzzing.md. */
#include "br_rules.h"
#include "br_sandbox.h"
#include "fuzz_read.h"

static const char lines[] =
    "container,bol,port,arrival_date,origin_country,load_port,transship_ports,hs_code,"
    "description,declared_kg,measured_kg,packages,value,currency,consignee_name,shipper_name\n"
    "MSCU1234565,B1,IQUQR,2026-03-04,SY,SYLTK,AEJEA;OMSLL,300490,TRAMADOL 225MG,19751,21000,"
    "1519,18368.43,EUR,AL QAMAR,HANIL CO LTD\n"
    "MAEU1088781,B2,IQBSR,2026-03-05,DE,DEHAM,,690721,CERAMIC TILES,10000,10000,20,900.5,USD,"
    "\"NOOR, GENERAL TRADING\",\n"
    ",B3,IQUQR,,,,,,,,,,,,,\n";

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static BrProfile *identity;
  static BrFeed *feed;
  static BrBatch *batch;
  static char *dir;
  if (!dir) {
    identity = br_profile_new_identity();
    feed = br_feed_open_memory("lines.csv", lines, sizeof lines - 1, identity, NULL, NULL);
    batch = br_batch_new(br_feed_schema(feed), 3);
    if (br_feed_next_batch(feed, batch, NULL) != 3)
      abort();
    dir = br_fuzz_folder("pack");
  }
  const char *part[3];
  gsize len[3];
  br_fuzz_split(data, size, 3, part, len);
  static const char *const files[] = {"pack/pack.ini", "pack/weights.ini", "pack/rules.lua"};
  for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
    char *path = br_fuzz_write(files[i], part[i], len[i]);
    if (len[i] == 0)
      g_remove(path);
    g_free(path);
  }

  g_ptr_array_free(br_pack_check(dir, NULL, "2026-03-04"), TRUE);
  BrPack *pack = br_pack_load(dir, NULL);
  if (!pack)
    return 0;
  GString *dump = g_string_new(NULL);
  br_pack_settings_dump(pack, dump);
  g_string_free(dump, TRUE);
  const BrPackSettings *set = br_pack_settings(pack);
  gboolean bounded = set->memory_limit <= BR_SANDBOX_DEFAULT_MEMORY &&
                     set->instruction_limit <= BR_SANDBOX_DEFAULT_BUDGET &&
                     set->cpu_limit_ms <= BR_SANDBOX_DEFAULT_CPU_MS;
  BrEvaluator *ev = bounded ? br_evaluator_new(pack, br_feed_schema(feed), NULL) : NULL;
  if (ev && br_evaluator_set_reference(ev, NULL, NULL))
    for (guint i = 0; i < batch->count; i++)
      br_evaluator_eval(ev, br_batch_record(batch, i), i + 1);
  if (ev)
    br_evaluator_free(ev);
  br_pack_free(pack);
  return 0;
}
