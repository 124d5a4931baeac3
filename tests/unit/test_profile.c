/* Column profiles: loading, defaults, errors that name file and key, and the schema a profile
 * builds for a header. */
#include <string.h>

#include <glib.h>

#include "br_feed.h"
#include "br_profile.h"
#include "test_tmpdir.h"

static char *tmpdir;

static BrProfile *
load_text(const char *name, const char *text, GError **error)
{
  char *path = br_test_write_file(tmpdir, name, text, -1);
  BrProfile *p = br_profile_load(path, error);
  g_free(path);
  return p;
}

static BrProfile *
load_shipped(const char *name)
{
  char *path = g_build_filename(g_getenv("BR_SOURCE_DIR"), "feeds", "profiles", name, NULL);
  GError *error = NULL;
  BrProfile *p = br_profile_load(path, &error);
  g_assert_no_error(error);
  g_free(path);
  return p;
}

static void
test_defaults(void)
{
  GError *error = NULL;
  BrProfile *p = load_text("minimal.ini", "[columns]\ncontainer = Box\n", &error);
  g_assert_no_error(error);
  /* Without a name the file's name stands in. */
  g_assert_cmpstr(br_profile_name(p), ==, "minimal.ini");
  g_assert_cmpint(br_profile_delimiter(p), ==, ',');
  g_assert_cmpint(br_profile_list_separator(p), ==, ';');
  g_assert_cmpstr(br_profile_date_format(p), ==, "%Y-%m-%d");
  g_assert_cmpuint(br_profile_max_field_bytes(p), ==, 65536);
  br_profile_free(p);

  p = load_text("full.ini",
                "[profile]\nname = full\ndescription = all keys\ndelimiter = tab\n"
                "list_separator = |\ndate_format = %d.%m.%Y\nmax_field_bytes = 100\n",
                &error);
  g_assert_no_error(error);
  g_assert_cmpstr(br_profile_name(p), ==, "full");
  g_assert_cmpint(br_profile_delimiter(p), ==, '\t');
  g_assert_cmpint(br_profile_list_separator(p), ==, '|');
  g_assert_cmpstr(br_profile_date_format(p), ==, "%d.%m.%Y");
  g_assert_cmpuint(br_profile_max_field_bytes(p), ==, 100);
  br_profile_free(p);

  p = br_profile_new_identity();
  g_assert_cmpstr(br_profile_name(p), ==, "identity");
  char **names = br_profile_field_names(p);
  g_assert_cmpuint(g_strv_length(names), ==, 0);
  g_strfreev(names);
  br_profile_free(p);
}

/* Each broken profile fails with an error naming the file and what is wrong in it. */
static void
test_errors(void)
{
  static const struct {
    const char *text;
    const char *says[3];
  } cases[] = {
      {"[columns]\ncontainer = C\n[types]\nC = float\n", {"[types]", "C", "float"}},
      {"[profile]\ndelimiter = ;;\n", {"[profile]", "delimiter", ";;"}},
      {"[profile]\ndelimiter = \"\n", {"delimiter", NULL}},
      {"[profile]\nlist_separator = ab\n", {"list_separator", "ab"}},
      {"[profile]\ndate_format = %Y-%d\n", {"date_format", "%Y-%d"}},
      {"[profile]\nmax_field_bytes = 8\n", {"max_field_bytes", NULL}},
      {"[profile]\nmax_field_bytes = lots\n", {"max_field_bytes", NULL}},
      {"[profile]\ndelimeter = ;\n", {"[profile]", "unknown key", "delimeter"}},
      {"[colums]\ncontainer = C\n", {"unknown group", "[colums]"}},
      {"[columns]\ncontainer =   \n", {"[columns]", "container", "empty"}},
      {"[profile]\nname = n\n\ndelimeter = ;\n",
       {".ini:4: [profile] unknown key \"delimeter\" (did you mean \"delimiter\"?)"}},
      {"[colunms]\ncontainer = C\n", {"did you mean \"columns\"?"}},
      {"[field seal]\nculumns = A | B\n", {"[field seal]", "did you mean \"columns\"?"}},
      {"[field port]\ncolumn = P\nunmapped = pass\n",
       {".ini:3: [field port] unmapped needs a code_map"}},
      {"[field port]\ncolumn = P\nunmapped = maybe\n", {"reject or pass", "maybe"}},
      {"[field port]\ncolumn = P\ncode_map = nowhere.csv\n", {"code map", "nowhere.csv"}},
      {"[field value]\ncolumn = V\ncurrency_column = C\n", {"currency_column and rates"}},
      {"[field port]\ncolumn = P\nunit_column = U\n", {"port is a string field"}},
      {"[field declared_kg]\nthousands = x\ndecimal = x\ncolumn = K\n", {"must differ"}},
      {"[field seal]\ntype = integer\n", {"field seal has no column"}},
      {"[profile]\nencoding = KLINGON-8\n", {"encoding", "KLINGON-8"}},
      {"[profile]\nheader_line = 0\n", {"header_line"}},
      {"[profile]\nheader_line = 3\nskip_lines = 2\n", {"not both"}},
      {"[profile]\ndate_formats = %m/%d/%Y | %H:%M\n", {"date_formats", "%H:%M", "needs a year"}},
      {"[profile]\ndate_formats = %Y-%m-%d %Q\n", {"unknown directive %Q"}},
      {"[profile]\ntime_zone = Mars/Olympus\n", {"time_zone", "Mars/Olympus"}},
      {"[profile]\nsource_time_zone = UTC\n", {"needs time_zone"}},
      {"[profile]\nquote = ,\n", {"delimiter and quote must differ"}},
      {"[profile]\nabsent = port\n[columns]\nport = P\n", {"absent names port"}},
      {"[columns]\nport = P\n[constants]\nport = IQUMQ\n", {"[constants] port", "also mapped"}},
      {"[columns]\ncontainer = C\n[types]\nC = intger\n", {"did you mean \"integer\"?"}},
      {"no group here\n", {NULL}},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *name = g_strdup_printf("bad%u.ini", i);
    GError *error = NULL;
    g_assert_null(load_text(name, cases[i].text, &error));
    g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE);
    if (!strstr(error->message, name))
      g_error("case %u: error does not name the file: %s", i, error->message);
    for (guint k = 0; k < G_N_ELEMENTS(cases[i].says) && cases[i].says[k]; k++)
      if (!strstr(error->message, cases[i].says[k]))
        g_error("case %u: error lacks \"%s\": %s", i, cases[i].says[k], error->message);
    g_clear_error(&error);
    g_free(name);
  }
  GError *error = NULL;
  g_assert_null(br_profile_load("/nonexistent/p.ini", &error));
  g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE);
  g_assert_nonnull(strstr(error->message, "/nonexistent/p.ini"));
  g_clear_error(&error);
}

/* Mapped fields come first in profile order with canonical or [types] types, then the rest of
 * the header passes through under its own names. */
static void
test_schema(void)
{
  GError *error = NULL;
  BrProfile *p = load_text("s.ini",
                           "[columns]\nport = Office\ndeclared_kg = Mass\nrecord_id = ID\n"
                           "[types]\nrecord_id = integer\nScore = decimal\n",
                           &error);
  g_assert_no_error(error);
  /* Header case differs from the profile's: still found. */
  const char *header[] = {"id", "Score", "Remarks", "MASS", "Office", ""};
  BrSchema *s = br_profile_build_schema(p, header, G_N_ELEMENTS(header), "in.csv", &error);
  g_assert_no_error(error);
  static const struct {
    const char *name;
    BrType type;
    int col;
  } want[] = {
      {"port", BR_TYPE_STRING, 4},    {"declared_kg", BR_TYPE_DECIMAL, 3},
      {"record_id", BR_TYPE_INT, 0},  {"Score", BR_TYPE_DECIMAL, 1},
      {"Remarks", BR_TYPE_STRING, 2}, {"column_6", BR_TYPE_STRING, 5},
  };
  g_assert_cmpuint(br_schema_size(s), ==, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const BrField *f = br_schema_field(s, i);
    g_assert_cmpstr(f->name, ==, want[i].name);
    g_assert_cmpint(f->type, ==, want[i].type);
    g_assert_cmpint(f->source_col, ==, want[i].col);
  }
  br_schema_free(s);

  char **names = br_profile_field_names(p);
  g_assert_cmpuint(g_strv_length(names), ==, 4);
  g_assert_cmpstr(names[0], ==, "port");
  g_assert_true(g_strv_contains((const char *const *)names, "Score"));
  g_strfreev(names);

  const char *missing[] = {"ID", "Mass"};
  g_assert_null(br_profile_build_schema(p, missing, 2, "in.csv", &error));
  g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER);
  g_assert_nonnull(strstr(error->message, "in.csv"));
  g_assert_nonnull(strstr(error->message, "\"Office\""));
  g_assert_nonnull(strstr(error->message, "port"));
  g_clear_error(&error);

  const char *dup[] = {"ID", "Mass", "Office", "Note", "Note"};
  g_assert_null(br_profile_build_schema(p, dup, 5, "in.csv", &error));
  g_assert_nonnull(strstr(error->message, "columns 4 and 5"));
  g_assert_nonnull(strstr(error->message, "\"Note\""));
  g_clear_error(&error);

  /* An unmapped column named like a mapped field would give two fields one name. */
  const char *clash[] = {"ID", "Mass", "Office", "port"};
  g_assert_null(br_profile_build_schema(p, clash, 4, "in.csv", &error));
  g_assert_nonnull(strstr(error->message, "column 4 \"port\""));
  g_clear_error(&error);
  br_profile_free(p);
}

/* A group given twice lists its keys twice: the last value wins, as GKeyFile reads it, and
 * nothing of the first is lost track of (the fuzzer found the first mapping leaked). */
static void
test_repeated_group(void)
{
  GError *error = NULL;
  BrProfile *p = load_text("twice.ini",
                           "[columns]\ncontainer = A\n[constants]\nport = X\n"
                           "[columns]\ncontainer = B\n[constants]\nport = IQUMQ\n",
                           &error);
  g_assert_no_error(error);
  guint n;
  const BrProfileField *f = br_profile_fields(p, &n);
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpstr(f[0].name, ==, "container");
  g_assert_cmpstr(f[0].columns[0], ==, "B");
  g_assert_null(f[0].columns[1]);
  g_assert_cmpstr(f[1].constant, ==, "IQUMQ");
  br_profile_free(p);
}

/* The identity profile types canonical headers and passes everything else as strings. */
static void
test_identity(void)
{
  BrProfile *p = br_profile_new_identity();
  const char *header[] = {"container", "declared_kg", "arrival_date", "transship_ports", "Kg"};
  GError *error = NULL;
  BrSchema *s = br_profile_build_schema(p, header, 5, "in.csv", &error);
  g_assert_no_error(error);
  g_assert_cmpint(br_schema_field(s, 0)->type, ==, BR_TYPE_STRING);
  g_assert_cmpint(br_schema_field(s, 1)->type, ==, BR_TYPE_DECIMAL);
  g_assert_cmpint(br_schema_field(s, 2)->type, ==, BR_TYPE_DATE);
  g_assert_cmpint(br_schema_field(s, 3)->type, ==, BR_TYPE_LIST);
  g_assert_cmpint(br_schema_field(s, 4)->type, ==, BR_TYPE_STRING);
  br_schema_free(s);
  br_profile_free(p);
}

/* sample.ini maps every column of the generator's header (see samples/) to its canonical
 * field, in order, and passes the last two through. */
static void
test_sample_profile(void)
{
  static const char *header[] = {"Line ID",
                                 "B/L No",
                                 "Container No",
                                 "Seal No",
                                 "Size Type",
                                 "Gross Weight (kg)",
                                 "VGM (kg)",
                                 "Packages",
                                 "HS Code",
                                 "Description of Goods",
                                 "Invoice Value",
                                 "Currency",
                                 "Freight Terms",
                                 "Freight Charges",
                                 "Shipper",
                                 "Shipper Address",
                                 "Shipper Country",
                                 "Consignee",
                                 "Consignee Address",
                                 "Consignee Country",
                                 "Notify Party",
                                 "Importer TIN",
                                 "Declarant",
                                 "Country of Origin",
                                 "Port of Loading",
                                 "Transshipment",
                                 "Port of Discharge",
                                 "Place of Inspection",
                                 "Vessel IMO",
                                 "Vessel Name",
                                 "Voyage",
                                 "Carrier",
                                 "ETA",
                                 "Seal Changed",
                                 "House B/L"};
  static const char *fields[] = {"record_id",
                                 "bol",
                                 "container",
                                 "seal",
                                 "container_type",
                                 "declared_kg",
                                 "measured_kg",
                                 "packages",
                                 "hs_code",
                                 "description",
                                 "value",
                                 "currency",
                                 "freight_terms",
                                 "freight_amount",
                                 "shipper_name",
                                 "shipper_address",
                                 "shipper_country",
                                 "consignee_name",
                                 "consignee_address",
                                 "consignee_country",
                                 "notify_name",
                                 "importer_id",
                                 "declarant_id",
                                 "origin_country",
                                 "load_port",
                                 "transship_ports",
                                 "discharge_port",
                                 "port",
                                 "vessel_imo",
                                 "vessel_name",
                                 "voyage",
                                 "carrier",
                                 "arrival_date",
                                 "Seal Changed",
                                 "House B/L"};
  G_STATIC_ASSERT(G_N_ELEMENTS(header) == G_N_ELEMENTS(fields));
  BrProfile *p = load_shipped("sample.ini");
  g_assert_cmpstr(br_profile_name(p), ==, "sample");
  GError *error = NULL;
  BrSchema *s = br_profile_build_schema(p, header, G_N_ELEMENTS(header), "sample.csv", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(br_schema_size(s), ==, G_N_ELEMENTS(fields));
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    const BrField *f = br_schema_field(s, i);
    g_assert_cmpstr(f->name, ==, fields[i]);
    g_assert_cmpint(f->source_col, ==, (int)i);
    const BrCanonicalField *c = br_canonical_find(fields[i]);
    g_assert_cmpint(f->type, ==, c ? c->type : BR_TYPE_STRING);
  }
  g_assert_cmpint(br_schema_field(s, br_schema_find(s, "transship_ports"))->type, ==, BR_TYPE_LIST);
  g_assert_cmpint(br_schema_field(s, br_schema_find(s, "arrival_date"))->type, ==, BR_TYPE_DATE);
  br_schema_free(s);
  br_profile_free(p);
}

static void
test_kcs_profile(void)
{
  /* train.csv's header, as it is. */
  static const char *header[] = {"Declaration ID",
                                 "Date",
                                 "Office ID",
                                 "Process Type",
                                 "Import Type",
                                 "Import Use",
                                 "Payment Type",
                                 "Mode of Transport",
                                 "Declarant ID",
                                 "Importer ID",
                                 "Seller ID",
                                 "Courier ID",
                                 "HS6 Code",
                                 "Country of Departure",
                                 "Country of Origin",
                                 "Tax Rate",
                                 "Tax Type",
                                 "Country of Origin Indicator",
                                 "Net Mass",
                                 "Item Price",
                                 "Fraud",
                                 "Critical Fraud"};
  BrProfile *p = load_shipped("kcs.ini");
  GError *error = NULL;
  BrSchema *s = br_profile_build_schema(p, header, G_N_ELEMENTS(header), "kcs.csv", &error);
  g_assert_no_error(error);
  static const struct {
    const char *field, *column;
    BrType type;
  } want[] = {
      {"record_id", "Declaration ID", BR_TYPE_STRING},
      {"arrival_date", "Date", BR_TYPE_DATE},
      {"port", "Office ID", BR_TYPE_STRING},
      {"declarant_id", "Declarant ID", BR_TYPE_STRING},
      {"importer_id", "Importer ID", BR_TYPE_STRING},
      {"shipper_name", "Seller ID", BR_TYPE_STRING},
      {"hs_code", "HS6 Code", BR_TYPE_STRING},
      {"origin_country", "Country of Origin", BR_TYPE_STRING},
      {"declared_kg", "Net Mass", BR_TYPE_DECIMAL},
      {"value", "Item Price", BR_TYPE_DECIMAL},
      {"Tax Rate", "Tax Rate", BR_TYPE_DECIMAL},
      {"Fraud", "Fraud", BR_TYPE_INT},
      {"Critical Fraud", "Critical Fraud", BR_TYPE_INT},
      {"Courier ID", "Courier ID", BR_TYPE_STRING},
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    int k = br_schema_find(s, want[i].field);
    g_assert_cmpint(k, >=, 0);
    const BrField *f = br_schema_field(s, (guint)k);
    g_assert_cmpstr(header[f->source_col], ==, want[i].column);
    g_assert_cmpint(f->type, ==, want[i].type);
  }
  g_assert_cmpuint(br_schema_size(s), ==, G_N_ELEMENTS(header));
  br_schema_free(s);
  br_profile_free(p);
}

/* A value that is not UTF-8 is an error naming the file and key, wherever it stands: GKeyFile
 * hands such a value back as NULL, which once crashed the loader. */
static void
test_not_utf8(void)
{
  static const char *const texts[] = {
      "[profile]\nname = x\n[columns]\ncontainer = \xff\xfe\n",
      "[profile]\nname = \xff\n[columns]\ncontainer = Box\n",
      "[profile]\nname = x\ndelimiter = \xfe\n",
      "[profile]\nname = x\n[types]\nweight = \xc3\n",
  };
  static const char *const where[] = {"[columns] container", "[profile] name",
                                      "[profile] delimiter", "[types] weight"};
  for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
    GError *error = NULL;
    BrProfile *p = load_text("bytes.ini", texts[i], &error);
    g_assert_null(p);
    g_assert_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE);
    g_assert_nonnull(strstr(error->message, "bytes.ini"));
    g_assert_nonnull(strstr(error->message, where[i]));
    g_assert_nonnull(strstr(error->message, "UTF-8"));
    g_error_free(error);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  tmpdir = g_dir_make_tmp("br-profile-XXXXXX", &error);
  g_assert_no_error(error);
  g_test_add_func("/profile/defaults", test_defaults);
  g_test_add_func("/profile/errors", test_errors);
  g_test_add_func("/profile/not-utf8", test_not_utf8);
  g_test_add_func("/profile/schema", test_schema);
  g_test_add_func("/profile/identity", test_identity);
  g_test_add_func("/profile/repeated-group", test_repeated_group);
  g_test_add_func("/profile/sample", test_sample_profile);
  g_test_add_func("/profile/kcs", test_kcs_profile);
  return br_test_run_in(tmpdir);
}
