/* libFuzzer target for partials (br_partial.h, docs/scale.md): any bytes after a valid header
 * (magic and the hash of the target's own pack, so that the fuzzer reaches the units) read as
 * a partial, twice into one merge (so that every unit is also completed from a second piece),
 * must never crash, leak or read out of bounds; a partial accepted is ranked and its lists
 * written. Build and run: docs/fuzzing.md. */
#include "br_output.h"
#include "br_partial.h"
#include "br_rank.h"
#include "fuzz_read.h"

static const char pack_ini[] = "[pack]\nname = fuzz\n[lanes]\nred = 50\nyellow = 20\n"
                               "[capacity]\ndefault = 3\n[random]\nshare = 0.34\n";
static const char rules_lua[] =
    "rule { id = 'A', title = 'a', weight = 30, when = present('container') }\n"
    "rule { id = 'B', title = 'b', weight = 25, when = present('bol') }\n"
    "rule { id = 'C', title = 'c', weight = 5, when = present('seal') }\n";

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static BrPack *pack;
  static GByteArray *file;
  if (!pack) {
    char *dir = br_fuzz_folder("pack");
    char *ini = g_build_filename(dir, "pack.ini", NULL),
         *lua = g_build_filename(dir, "r.lua", NULL);
    if (!g_file_set_contents(ini, pack_ini, -1, NULL) ||
        !g_file_set_contents(lua, rules_lua, -1, NULL) || !(pack = br_pack_load(dir, NULL)))
      abort();
    g_free(ini);
    g_free(lua);
    g_free(dir);
    file = g_byte_array_new();
  }
  static const char magic[] = "BOXRANK-PARTIAL 1\n";
  const char *hash = br_pack_hash(pack);
  guint32 len = GUINT32_TO_LE((guint32)strlen(hash));
  g_byte_array_set_size(file, 0);
  g_byte_array_append(file, (const guint8 *)magic, sizeof magic - 1);
  g_byte_array_append(file, (const guint8 *)&len, 4);
  g_byte_array_append(file, (const guint8 *)hash, strlen(hash));
  g_byte_array_append(file, data, (guint)size);
  char *path = br_fuzz_write("in.part", file->data, file->len);
  BrPartialMerge *m = br_partial_merge_new(pack);
  GError *error = NULL;
  GPtrArray *lists = NULL;
  gboolean ok = br_partial_merge_add(m, path, &error) && br_partial_merge_add(m, path, &error) &&
                (lists = br_partial_merge_select(m, 1, &error));
  if (!ok && !error)
    abort();
  g_clear_error(&error);
  if (ok) {
    GArray *off = br_output_rules_off(&m->result, m->resolutions);
    BrListStamp stamp = {"RUN", m->list_date, 1, m->watch, off};
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < lists->len; i++) {
      br_output_list_csv(out, g_ptr_array_index(lists, i), pack, &stamp, i == 0);
      br_output_list_jsonl(out, g_ptr_array_index(lists, i), pack, &stamp);
    }
    g_string_free(out, TRUE);
    g_array_unref(off);
    g_ptr_array_free(lists, TRUE);
  }
  br_partial_merge_free(m);
  g_free(path);
  return 0;
}
