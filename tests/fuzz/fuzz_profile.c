/* libFuzzer target for column profiles (docs/profiles.md): the first byte picks a case, the rest
 * is either a manifest read through a profile that decodes an encoding and converts its values
 * (units, rates, code maps, decimal commas, date lists with time zones, joined columns,
 * constants, a header line), or a profile's own text, loaded and then used on a small file.
 * Nothing may crash, leak or read out of bounds, and every accepted value must be valid UTF-8.
 * Build and run: docs/fuzzing.md. */
#include "fuzz_read.h"

static const char *const profiles[] = {
    "[profile]\nencoding = WINDOWS-1256\nheader_line = 2\ndelimiter = ;\ndecimal = ,\n"
    "thousands = .\ndate_formats = %m/%d/%Y | %d-%b-%y\nabsent = measured_kg\n"
    "[columns]\nconsignee_name = B\n[field seal]\ncolumns = C | D\n"
    "[field declared_kg]\ncolumn = E\nunit_column = F\n"
    "[field load_port]\ncolumn = G\ncode_map = MAP\nunmapped = pass\n"
    "[constants]\nport = IQUMQ\n",
    "[profile]\nencoding = UTF-16\ntime_zone = Asia/Baghdad\nsource_time_zone = UTC\n"
    "date_formats = %Y-%m-%dT%H:%M:%S%z | %d.%m.%Y %H:%M\nquote = '\n"
    "[columns]\narrival_date = A\n[field value]\ncolumn = B\ncurrency_column = C\nrates = RATES\n"
    "[field load_port]\ncolumn = D\ncode_map = MAP\n",
    "[profile]\nencoding = ISO-8859-6\nskip_lines = 1\nthousands = space\ndecimal = ,\n"
    "[types]\nA = integer\nB = decimal\nC = date\nD = list\n",
    "[profile]\nencoding = UTF-16LE\nmax_field_bytes = 64\n[field record_id]\ncolumns = A | B\n"
    "[field packages]\ncolumn = C\nthousands = ,\n",
};

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static char *map, *rates, *sample, *ini[G_N_ELEMENTS(profiles)];
  if (!map) {
    map = br_fuzz_write("map.csv", "code,locode\nBSR,IQBSR\nUMQ1,IQUMQ\n", 33);
    rates = br_fuzz_write("rates.csv", "currency,rate\nUSD,1\nEUR,1.08\n", 29);
    static const char s[] = "A,B,C,D,E\n1,2,3,4,5\n\"x\",y;z,2026-03-05,a;b,\n";
    sample = br_fuzz_write("sample.csv", s, sizeof s - 1);
    for (guint i = 0; i < G_N_ELEMENTS(profiles); i++) {
      GString *g = g_string_new(profiles[i]);
      g_string_replace(g, "MAP", map, 0);
      g_string_replace(g, "RATES", rates, 0);
      char *name = g_strdup_printf("profile-%u.ini", i);
      ini[i] = br_fuzz_write(name, g->str, g->len);
      g_free(name);
      g_string_free(g, TRUE);
    }
  }
  if (size == 0)
    return 0;
  guint pick = data[0] % (G_N_ELEMENTS(profiles) + 1);
  char *input = br_fuzz_write("input", data + 1, size - 1);
  if (pick < G_N_ELEMENTS(profiles)) {
    BrProfile *profile = br_profile_load(ini[pick], NULL);
    if (!profile)
      abort();
    br_fuzz_read_all(input, profile);
    br_profile_free(profile);
  } else {
    BrProfile *profile = br_profile_load(input, NULL);
    if (profile) {
      br_fuzz_read_all(sample, profile);
      br_profile_free(profile);
    }
  }
  g_free(input);
  return 0;
}
