/* Real layouts through column profiles: each profile feature read end to end through the feed,
 * with the canonical values it gives and the rejects (file line, column, reason) it makes. */
#include <string.h>

#include <glib.h>

#include "br_feed.h"
#include "feed_fixture.h"

static char *tmpdir;

typedef struct {
  BrFeed *feed;
  GPtrArray *rows; /* char** per accepted record */
  char **rejects;  /* lines of the reject file after its header, NULL when none */
  guint64 rejected;
} Read;

/* Reads data (len bytes, -1: text) through a profile given as text; the test fails when the
 * feed does not open. */
static Read
read_through(const char *profile_text, const char *data, gssize len)
{
  static guint n;
  char *name = g_strdup_printf("p%u.ini", n);
  BrProfile *profile = br_test_profile(tmpdir, name, profile_text);
  g_free(name);
  name = g_strdup_printf("in%u.csv", n);
  char *path = br_test_write_file(tmpdir, name, data, len);
  g_free(name);
  char *rej = g_strdup_printf("%s/rej%u.csv", tmpdir, n++);
  BrFeedOptions opts = {.reject_path = rej};
  GError *error = NULL;
  Read r = {0};
  r.feed = br_feed_open(path, profile, &opts, &error);
  g_assert_no_error(error);
  r.rows = br_test_read_all(r.feed, 3);
  r.rejected = br_feed_rows_rejected(r.feed);
  br_feed_close(r.feed);
  r.feed = NULL;
  char *text = NULL;
  if (g_file_get_contents(rej, &text, NULL, NULL)) {
    char **lines = g_strsplit(text, "\n", -1);
    r.rejects = g_strdupv(lines + 1);
    g_strfreev(lines);
  }
  g_free(text);
  g_free(rej);
  g_free(path);
  br_profile_free(profile);
  return r;
}

static void
read_clear(Read *r)
{
  g_ptr_array_free(r->rows, TRUE);
  g_strfreev(r->rejects);
}

static const char *
cell(const Read *r, guint row, guint col)
{
  g_assert_cmpuint(row, <, r->rows->len);
  return ((char **)r->rows->pdata[row])[col];
}

/* Windows-1256 and ISO-8859-6 Arabic decode to UTF-8; a byte ISO-8859-6 leaves undefined is a
 * reject at its own line, naming the encoding. */
static void
test_encodings(void)
{
  const char *utf8 = "consignee_name,port\n\"شركة البصرة للتجارة\",IQUMQ\nمحمد,IQBSR\n";
  gsize len;
  char *cp1256 = g_convert(utf8, -1, "WINDOWS-1256", "UTF-8", NULL, &len, NULL);
  g_assert_nonnull(cp1256);
  Read r = read_through("[profile]\nencoding = WINDOWS-1256\n", cp1256, (gssize)len);
  g_assert_cmpuint(r.rows->len, ==, 2);
  g_assert_cmpstr(cell(&r, 0, 0), ==, "شركة البصرة للتجارة");
  g_assert_cmpstr(cell(&r, 1, 0), ==, "محمد");
  read_clear(&r);

  /* Read as UTF-8 the same bytes are rejects, not names. */
  r = read_through("[profile]\nname = utf8\n", cp1256, (gssize)len);
  g_assert_cmpuint(r.rows->len, ==, 0);
  g_assert_cmpuint(r.rejected, ==, 2);
  read_clear(&r);
  g_free(cp1256);

  char *iso = g_convert(utf8, -1, "ISO-8859-6", "UTF-8", NULL, &len, NULL);
  GString *bad = g_string_new_len(iso, (gssize)len);
  g_string_append(bad, "X\xA1Y,IQUQR\nok,IQUQR\n"); /* 0xA1 is unassigned in ISO-8859-6 */
  r = read_through("[profile]\nencoding = ISO-8859-6\n", bad->str, (gssize)bad->len);
  g_assert_cmpuint(r.rows->len, ==, 3);
  g_assert_cmpuint(r.rejected, ==, 1);
  g_assert_true(g_str_has_prefix(r.rejects[0], "4,consignee_name,bytes that are not valid "
                                               "ISO-8859-6 at character 2 of the field"));
  read_clear(&r);
  g_string_free(bad, TRUE);
  g_free(iso);
}

/* UTF-16 with a byte order mark, long enough that decoding runs over many blocks and code
 * units are cut at block ends: every row arrives whole, at its line. */
static void
test_utf16(void)
{
  GString *text = g_string_new("record_id,consignee_name\n");
  for (guint i = 0; i < 60000; i++)
    g_string_append_printf(text, "R%u,مؤسسة النهرين %u\n", i, i);
  gsize len;
  char *u16 = g_convert(text->str, (gssize)text->len, "UTF-16", "UTF-8", NULL, &len, NULL);
  g_assert_nonnull(u16);
  g_assert_cmpuint(len, >, 2u << 20);
  Read r = read_through("[profile]\nencoding = UTF-16\n", u16, (gssize)len);
  g_assert_cmpuint(r.rows->len, ==, 60000);
  g_assert_cmpuint(r.rejected, ==, 0);
  g_assert_cmpstr(cell(&r, 0, 0), ==, "R0");
  g_assert_cmpstr(cell(&r, 59999, 1), ==, "مؤسسة النهرين 59999");
  read_clear(&r);
  g_free(u16);

  /* Little-endian without a BOM, declared; a lone surrogate is a reject at its line. */
  char *le = g_convert("a,b\nx,y\n", -1, "UTF-16LE", "UTF-8", NULL, &len, NULL);
  GString *s = g_string_new_len(le, (gssize)len);
  g_string_append_len(s, "z\0,\0\x00\xD8\n\0", 8);
  r = read_through("[profile]\nencoding = UTF-16LE\n", s->str, (gssize)s->len);
  g_assert_cmpuint(r.rows->len, ==, 1);
  g_assert_cmpuint(r.rejected, ==, 1);
  g_assert_true(g_str_has_prefix(r.rejects[0], "3,b,bytes that are not valid UTF-16LE"));
  read_clear(&r);
  g_string_free(s, TRUE);
  g_free(le);
  g_string_free(text, TRUE);
}

/* A header on line 3 after a title and a blank line: rejects keep the file's line numbers. */
static void
test_header_line(void)
{
  const char *data = "Manifest export \"MV SEA\"\n\ncontainer;declared_kg\nA;1\nB;x\nC;3\n";
  Read r = read_through("[profile]\nheader_line = 3\ndelimiter = ;\n", data, -1);
  g_assert_cmpuint(r.rows->len, ==, 2);
  g_assert_cmpstr(cell(&r, 1, 0), ==, "C");
  g_assert_true(g_str_has_prefix(r.rejects[0], "5,declared_kg,\"not a decimal number"));
  read_clear(&r);
  r = read_through("[profile]\nskip_lines = 2\ndelimiter = ;\n", data, -1);
  g_assert_cmpuint(r.rows->len, ==, 2);
  g_assert_true(g_str_has_prefix(r.rejects[0], "5,"));
  read_clear(&r);

  char *path = br_test_write_file(tmpdir, "short.csv", "title\n", -1);
  BrProfile *p = br_test_profile(tmpdir, "h9.ini", "[profile]\nheader_line = 9\n");
  GError *error = NULL;
  g_assert_null(br_feed_open(path, p, NULL, &error));
  g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER);
  g_assert_nonnull(strstr(error->message, "before line 9"));
  g_clear_error(&error);
  br_profile_free(p);
  g_free(path);
}

/* Another quote character: it quotes delimiters, and double quotes are then plain text. */
static void
test_quote(void)
{
  Read r = read_through("[profile]\ndelimiter = ;\nquote = '\n",
                        "description;container\n'12\" PIPE; STEEL';A\n'it''s';B\n", -1);
  g_assert_cmpuint(r.rows->len, ==, 2);
  g_assert_cmpstr(cell(&r, 0, 0), ==, "12\" PIPE; STEEL");
  g_assert_cmpstr(cell(&r, 1, 0), ==, "it's");
  read_clear(&r);
}

/* Decimal commas and thousands separators, for the file and per column; a separator in the
 * wrong place is a reject rather than a number off by a factor of a thousand. */
static void
test_numbers(void)
{
  Read r = read_through("[profile]\ndelimiter = ;\ndecimal = ,\nthousands = .\n"
                        "[field value]\ncolumn = value\ndecimal = .\nthousands = ,\n"
                        "[types]\ndeclared_kg = decimal\npackages = integer\n",
                        "declared_kg;value;packages\n"
                        "1.234,5;1,234.5;1.200\n"
                        "12,25;-7.5;3\n"
                        "1.5;1;1\n"
                        "1.2345,0;1;1\n"
                        "2,5;1,23;1\n",
                        -1);
  g_assert_cmpuint(r.rows->len, ==, 2);
  /* Schema order: the profile's field first, then passthrough. */
  g_assert_cmpstr(cell(&r, 0, 0), ==, "1234.5");
  g_assert_cmpstr(cell(&r, 0, 1), ==, "1234.5");
  g_assert_cmpstr(cell(&r, 0, 2), ==, "1200");
  g_assert_cmpstr(cell(&r, 1, 0), ==, "-7.5");
  g_assert_cmpstr(cell(&r, 1, 1), ==, "12.25");
  g_assert_cmpuint(r.rejected, ==, 3);
  g_assert_true(g_str_has_prefix(r.rejects[0], "4,declared_kg,\"not a decimal number: \"\"1.5\"\" "
                                               "(decimal mark \"\",\"\", thousands separator"));
  g_assert_true(g_str_has_prefix(r.rejects[1], "5,declared_kg,"));
  g_assert_true(g_str_has_prefix(r.rejects[2], "6,value,"));
  read_clear(&r);

  /* Spaces, and the no-break spaces of French exports, as thousands separators. */
  r = read_through("[profile]\ndelimiter = ;\ndecimal = ,\nthousands = space\n",
                   "declared_kg\n1 234,5\n1\xC2\xA0"
                   "234\n12\xE2\x80\xAF"
                   "000,75\n",
                   -1);
  g_assert_cmpuint(r.rows->len, ==, 3);
  g_assert_cmpstr(cell(&r, 0, 0), ==, "1234.5");
  g_assert_cmpstr(cell(&r, 1, 0), ==, "1234");
  g_assert_cmpstr(cell(&r, 2, 0), ==, "12000.75");
  read_clear(&r);
}

/* A list of date formats tried in order; with a time zone, times are converted before their
 * date is taken. */
static void
test_dates(void)
{
  Read r =
      read_through("[profile]\ndate_formats = %m/%d/%Y | %d-%b-%y | %Y-%m-%dT%H:%M:%S%z\n",
                   "arrival_date\n03/05/2026\n5-MAR-26\n2026-03-05T22:30:00Z\n13/05/2026\n", -1);
  g_assert_cmpuint(r.rows->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr(cell(&r, i, 0), ==, "2026-03-05");
  g_assert_true(g_str_has_prefix(r.rejects[0], "5,arrival_date,\"not a date in the form %m/%d/%Y "
                                               "or %d-%b-%y or "));
  read_clear(&r);

  r = read_through("[profile]\ntime_zone = Asia/Baghdad\nsource_time_zone = UTC\n"
                   "date_formats = %Y-%m-%dT%H:%M:%S%z | %d.%m.%Y %H:%M | %d.%m.%Y\n",
                   "arrival_date\n2026-03-05T22:30:00Z\n2026-03-05T22:30:00+05:00\n"
                   "05.03.2026 20:59\n05.03.2026 21:00\n05.03.2026\n",
                   -1);
  g_assert_cmpuint(r.rows->len, ==, 5);
  g_assert_cmpstr(cell(&r, 0, 0), ==, "2026-03-06");
  g_assert_cmpstr(cell(&r, 1, 0), ==, "2026-03-05");
  g_assert_cmpstr(cell(&r, 2, 0), ==, "2026-03-05");
  g_assert_cmpstr(cell(&r, 3, 0), ==, "2026-03-06");
  g_assert_cmpstr(cell(&r, 4, 0), ==, "2026-03-05");
  read_clear(&r);
}

/* Masses in the unit a column names, to kg; amounts in the currency a column names, through a
 * rate table. */
static void
test_units_and_rates(void)
{
  char *rates = br_test_write_file(tmpdir, "rates.csv", "currency,rate\nUSD,1\nEUR,1.08\n", -1);
  Read r = read_through("[field declared_kg]\ncolumn = Weight\nunit_column = Unit\n"
                        "[field value]\ncolumn = Amount\ncurrency_column = Cur\n"
                        "rates = rates.csv\n",
                        "Weight,Unit,Amount,Cur\n100,KG,10,USD\n100,lb,10,eur\n2.5,MT,1,USD\n"
                        "3,T,1,USD\n5,OZ,1,USD\n5,,1,USD\n5,KG,1,GBP\n",
                        -1);
  g_assert_cmpuint(r.rows->len, ==, 4);
  g_assert_cmpstr(cell(&r, 0, 0), ==, "100");
  g_assert_cmpstr(cell(&r, 1, 0), ==, "45.359237");
  g_assert_cmpstr(cell(&r, 1, 1), ==, "10.8");
  g_assert_cmpstr(cell(&r, 2, 0), ==, "2500");
  g_assert_cmpstr(cell(&r, 3, 0), ==, "3000");
  g_assert_true(g_str_has_prefix(r.rejects[0], "6,Unit,\"unit \"\"OZ\"\" is not a mass unit"));
  g_assert_true(g_str_has_prefix(r.rejects[1], "7,Unit,no unit given for the mass"));
  g_assert_true(g_str_has_prefix(r.rejects[2], "8,Cur,\"no rate for currency \"\"GBP\"\""));
  read_clear(&r);
  g_free(rates);
  double kg;
  g_assert_true(br_profile_unit_factor(" lbs ", 5, &kg));
  g_assert_cmpfloat(kg, ==, 0.45359237);
  g_assert_false(br_profile_unit_factor("TON", 3, &kg));
}

/* A code map turns national port codes into UN/LOCODEs; unmapped codes are rejects or pass. */
static void
test_code_map(void)
{
  char *map = br_test_write_file(tmpdir, "ports.csv", "code,locode\nBSR,IQBSR\numq,IQUMQ\n", -1);
  const char *data = "Load Port\nBSR\nUMQ\nINPAV\n\n";
  Read r = read_through("[field load_port]\ncolumn = Load Port\ncode_map = ports.csv\n", data, -1);
  g_assert_cmpuint(r.rows->len, ==, 2);
  g_assert_cmpstr(cell(&r, 0, 0), ==, "IQBSR");
  g_assert_cmpstr(cell(&r, 1, 0), ==, "IQUMQ");
  g_assert_true(g_str_has_prefix(r.rejects[0], "4,Load Port,\"code \"\"INPAV\"\" is not in the "
                                               "code map "));
  read_clear(&r);
  r = read_through("[field load_port]\ncolumn = Load Port\ncode_map = ports.csv\n"
                   "unmapped = pass\n",
                   data, -1);
  g_assert_cmpuint(r.rows->len, ==, 3);
  g_assert_cmpstr(cell(&r, 2, 0), ==, "INPAV");
  read_clear(&r);
  g_free(map);

  /* A code map that gives one code two meanings names its line. */
  char *bad = br_test_write_file(tmpdir, "bad-map.csv", "code,locode\nA,IQBSR\nA,IQUMQ\n", -1);
  char *ppath = br_test_write_file(tmpdir, "badmap.ini",
                                   "[field port]\ncolumn = P\ncode_map = bad-map.csv\n", -1);
  GError *error = NULL;
  g_assert_null(br_profile_load(ppath, &error));
  g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE);
  g_assert_nonnull(strstr(error->message, "bad-map.csv:3: \"A\" is given twice"));
  g_clear_error(&error);
  g_free(ppath);
  g_free(bad);
}

/* One column feeding two fields, two seal columns joined into one list, a constant port, and a
 * field declared absent (its column, if any, is not passed through). */
static void
test_shapes(void)
{
  Read r = read_through("[profile]\nabsent = measured_kg\n"
                        "[columns]\nbol = BL\nrecord_id = BL\n"
                        "[field seal]\ncolumns = Seal 1 | Seal 2\ntype = list\n"
                        "[constants]\nport = IQUMQ\narrival_date = 2026-03-05\n",
                        "BL,Seal 1,Seal 2,measured_kg\nB1,S1,S2,9\nB2,,S3,9\nB3,,,9\n", -1);
  g_assert_cmpuint(r.rows->len, ==, 3);
  g_assert_cmpstr(cell(&r, 0, 0), ==, "B1");
  g_assert_cmpstr(cell(&r, 0, 1), ==, "B1");
  /* [columns] first, then [constants], then [field] groups. */
  g_assert_cmpstr(cell(&r, 0, 2), ==, "IQUMQ");
  g_assert_cmpstr(cell(&r, 2, 3), ==, "2026-03-05");
  g_assert_cmpstr(cell(&r, 0, 4), ==, "S1;S2");
  g_assert_cmpstr(cell(&r, 1, 4), ==, "S3");
  g_assert_cmpstr(cell(&r, 2, 4), ==, "");
  /* Nothing else: measured_kg is declared absent. */
  g_assert_cmpuint(g_strv_length(r.rows->pdata[0]), ==, 5);
  read_clear(&r);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  tmpdir = g_dir_make_tmp("br-layouts-XXXXXX", &error);
  g_assert_no_error(error);
  g_test_add_func("/layouts/encodings", test_encodings);
  g_test_add_func("/layouts/utf16", test_utf16);
  g_test_add_func("/layouts/header-line", test_header_line);
  g_test_add_func("/layouts/quote", test_quote);
  g_test_add_func("/layouts/numbers", test_numbers);
  g_test_add_func("/layouts/dates", test_dates);
  g_test_add_func("/layouts/units-and-rates", test_units_and_rates);
  g_test_add_func("/layouts/code-map", test_code_map);
  g_test_add_func("/layouts/shapes", test_shapes);
  return br_test_run_in(tmpdir);
}
