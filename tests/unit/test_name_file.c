/* Files of names to screen (br_name_file.h): CSV and JSON Lines records, the fields passed
 * through, and every bad record rejected with its line, field and reason. */
#include <string.h>

#include "br_name_file.h"
#include "test_tmpdir.h"

static char *tmpdir;

/* Reads path to the end; returns one line per record: "LINE name|k=v|k=v" or
 * "LINE reject FIELD: REASON", joined by newlines. */
static char *
read_all(const char *data, const char *file, BrNameFileFormat format, const char *key)
{
  char *path = br_test_write_file(tmpdir, file, data, -1);
  GError *error = NULL;
  BrNameFile *nf = br_name_file_open(path, format, key, &error);
  g_assert_no_error(error);
  GString *out = g_string_new(NULL);
  BrNameRecord rec;
  while (br_name_file_next(nf, &rec, &error)) {
    g_string_append_printf(out, "%" G_GUINT64_FORMAT " ", rec.line);
    if (rec.reason) {
      g_string_append_printf(out, "reject %s: %s [%.*s]\n", rec.field, rec.reason, (int)rec.raw_len,
                             rec.raw);
      continue;
    }
    g_assert_cmpuint(strlen(rec.name), ==, rec.name_len);
    g_string_append_len(out, rec.name, (gssize)rec.name_len);
    for (guint i = 0; i < rec.nfields; i++)
      g_string_append_printf(out, "|%s=%s%s", rec.fields[i].key, rec.fields[i].json ? "#" : "",
                             rec.fields[i].value);
    g_string_append_c(out, '\n');
  }
  g_assert_no_error(error);
  br_name_file_close(nf);
  g_free(path);
  return g_string_free(out, FALSE);
}

static void
check(const char *data, const char *file, BrNameFileFormat format, const char *expected)
{
  char *got = read_all(data, file, format, NULL);
  g_assert_cmpstr(got, ==, expected);
  g_free(got);
}

static void
test_csv(void)
{
  check("\xEF\xBB\xBFid,Name ,country\r\n"
        "P1,Al Noor Trading,AE\r\n"
        "\r\n"
        "P2,\"-Al Hamdi, \"\"Mohamed\"\"\",IQ\n"
        "P3,\"HUAXIN\nSHIPPING\",HK\n"
        "P4,  Padded  ,\n",
        "a.csv", BR_NAME_FILE_AUTO,
        "2 Al Noor Trading|id=P1|country=AE\n"
        "4 -Al Hamdi, \"Mohamed\"|id=P2|country=IQ\n"
        "5 HUAXIN\nSHIPPING|id=P3|country=HK\n"
        "7 Padded|id=P4|country=\n");
}

static void
test_csv_rejects(void)
{
  char *big = g_strnfill(BR_NAME_FILE_MAX_NAME + 1, 'A');
  char *data = g_strdup_printf("name,id\n"
                               ",1\n"
                               "   ,2\n"
                               "Only one field\n"
                               "Bad \xC3\x28 byte,3\n"
                               "Good,\xFF\n"
                               "\"Closed\"x,4\n"
                               "%s,5\n"
                               "Fine,6\n"
                               "\"never closed,7\n"
                               "more\n",
                               big);
  char *got = read_all(data, "r.csv", BR_NAME_FILE_CSV, NULL);
  char *want = g_strdup_printf(
      "2 reject name: empty [,1]\n"
      "3 reject name: empty [   ,2]\n"
      "4 reject : 1 field, the header has 2 [Only one field]\n"
      "5 reject name: not UTF-8 at byte 5 [Bad \xC3\x28 byte,3]\n"
      "6 reject id: not UTF-8 at byte 1 [Good,\xFF]\n"
      "7 reject : text after the closing quote of field 1 [\"Closed\"x,4]\n"
      "8 reject name: %d bytes, over %d [%s,5]\n"
      "9 Fine|id=6\n"
      "10 reject : quote opened on line 10 is never closed [\"never closed,7\nmore]\n",
      BR_NAME_FILE_MAX_NAME + 1, BR_NAME_FILE_MAX_NAME, big);
  g_assert_cmpstr(got, ==, want);
  g_free(want);
  g_free(got);
  g_free(data);
  g_free(big);
}

static void
test_csv_header(void)
{
  static const struct {
    const char *data, *message;
  } cases[] = {
      {"", "empty: no header"},
      {"id,party\nP1,x\n", "no column \"name\" in the header (columns: id, party)"},
      {"name,id,NAME\n", "column \"NAME\" appears twice"},
      {"name,\xFF\n", "bad header: not UTF-8"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *path = br_test_write_file(tmpdir, "h.csv", cases[i].data, -1);
    GError *error = NULL;
    g_assert_null(br_name_file_open(path, BR_NAME_FILE_AUTO, NULL, &error));
    g_assert_error(error, BR_NAME_FILE_ERROR, BR_NAME_FILE_ERROR_HEADER);
    g_assert_nonnull(strstr(error->message, cases[i].message));
    g_assert_true(g_str_has_prefix(error->message, path));
    g_error_free(error);
    g_free(path);
  }
  /* Another column holds the name. */
  char *got =
      read_all("ref,shipper_name\nR1,Star Shipping\n", "s.csv", BR_NAME_FILE_AUTO, "Shipper_Name");
  g_assert_cmpstr(got, ==, "2 Star Shipping|ref=R1\n");
  g_free(got);
}

static void
test_jsonl(void)
{
  check("{\"id\": \"P1\", \"name\": \"Al Noor\", \"n\": 3, \"tags\": [1, {\"a\": null}]}\n"
        "\n"
        "  {\"name\":\"\\u0041l \\\"Q\\\" \\ud83d\\ude00 \\u00e9\\t-x\",\"ok\":true}  \r\n"
        "{\"name\":\"-Al Hamdi\"}\n",
        "names.txt", BR_NAME_FILE_AUTO,
        "1 Al Noor|id=P1|n=#3|tags=#[1, {\"a\": null}]\n"
        "3 Al \"Q\" \xF0\x9F\x98\x80 \xC3\xA9\t-x|ok=#true\n"
        "4 -Al Hamdi\n");
}

static void
test_jsonl_rejects(void)
{
  check("{\"id\": 1}\n"
        "{\"name\": 5}\n"
        "{\"name\": \"\"}\n"
        "[\"name\"]\n"
        "{\"name\": \"a\", }\n"
        "{\"name\": \"a\"} x\n"
        "{\"name\": \"a\", \"name\": \"b\"}\n"
        "{\"name\": \"a\\u0000b\"}\n"
        "{\"name\": \"\\ud800\"}\n"
        "{\"name\": \"\xC3\x28\"}\n"
        "{\"name\": \"a\", \"n\": 01}\n"
        "{\"name\": \"a\", \"n\": "
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n"
        "{\"name\": \"ok\"}\n",
        "bad.jsonl", BR_NAME_FILE_AUTO,
        "1 reject name: missing [{\"id\": 1}]\n"
        "2 reject name: not a string [{\"name\": 5}]\n"
        "3 reject name: empty [{\"name\": \"\"}]\n"
        "4 reject : bad JSON at byte 1: a line must be one JSON object [[\"name\"]]\n"
        "5 reject : bad JSON at byte 15: expected a member name [{\"name\": \"a\", }]\n"
        "6 reject : bad JSON at byte 15: text after the object [{\"name\": \"a\"} x]\n"
        "7 reject name: the member appears twice [{\"name\": \"a\", \"name\": \"b\"}]\n"
        "8 reject : a string holds a NUL character (\\u0000) [{\"name\": \"a\\u0000b\"}]\n"
        "9 reject : bad JSON at byte 17: a bad \\u escape [{\"name\": \"\\ud800\"}]\n"
        "10 reject : not UTF-8 at byte 11 [{\"name\": \"\xC3\x28\"}]\n"
        "11 reject : bad JSON at byte 21: expected ',' or '}' [{\"name\": \"a\", \"n\": 01}]\n"
        "12 reject : bad JSON at byte 51: nested too deep [{\"name\": \"a\", \"n\": "
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]\n"
        "13 ok\n");
}

static void
test_long_records(void)
{
  GString *data = g_string_new("name,id\n");
  g_string_append(data, "\"");
  for (guint i = 0; i < BR_NAME_FILE_MAX_RECORD / 8; i++)
    g_string_append(data, "abcdefg\n");
  g_string_append(data, "\",1\nAfter,2\n");
  g_string_append_len(data, "x", 0);
  char *csv = read_all(data->str, "long.csv", BR_NAME_FILE_AUTO, NULL);
  g_assert_true(g_str_has_prefix(csv, "2 reject : record over 65536 bytes"));
  g_assert_true(g_str_has_suffix(csv, "\n8195 After|id=2\n"));
  g_free(csv);
  g_string_assign(data, "{\"name\": \"");
  for (guint i = 0; i < BR_NAME_FILE_MAX_RECORD; i++)
    g_string_append_c(data, 'a');
  g_string_append(data, "\"}\n{\"name\": \"next\"}\n");
  char *jsonl = read_all(data->str, "long.jsonl", BR_NAME_FILE_AUTO, NULL);
  g_assert_true(g_str_has_prefix(jsonl, "1 reject : record over 65536 bytes"));
  g_assert_true(g_str_has_suffix(jsonl, "\n2 next\n"));
  g_free(jsonl);
  g_string_free(data, TRUE);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp("br-namefile-XXXXXX", NULL);
  g_test_add_func("/name_file/csv", test_csv);
  g_test_add_func("/name_file/csv_rejects", test_csv_rejects);
  g_test_add_func("/name_file/csv_header", test_csv_header);
  g_test_add_func("/name_file/jsonl", test_jsonl);
  g_test_add_func("/name_file/jsonl_rejects", test_jsonl_rejects);
  g_test_add_func("/name_file/long_records", test_long_records);
  return br_test_run_in(tmpdir);
}
