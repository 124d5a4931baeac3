/* UN/EDIFACT syntax and the CUSCAR mapping: service characters, release characters, character
 * sets, envelope counts, each segment's mapping, and rejects naming interchange, message,
 * segment and tag. Fixtures are written here from the published segment directories. */
#include <string.h>

#include <glib.h>

#include "br_cuscar.h"
#include "br_input.h"

#define UNB "UNB+UNOC:3+SENDER+CUSTOMS+260304:1200+IC1'"

static BrManifest *
read_text(const char *text)
{
  return br_cuscar_read(text, strlen(text));
}

static const BrManifestLine *
line(const BrManifest *m, guint i)
{
  g_assert_cmpuint(i, <, m->lines->len);
  return g_ptr_array_index(m->lines, i);
}

static const char *
field(const BrManifest *m, guint i, BrManifestField f)
{
  return line(m, i)->f[f];
}

/* One message of body segments between UNH and UNT, counted right, in one interchange. */
static char *
interchange(const char *una, const char *body)
{
  guint segs = 2;
  for (const char *p = body; *p; p++)
    segs += *p == '\'' && (p == body || p[-1] != '?');
  return g_strdup_printf("%s" UNB "UNH+M1+CUSCAR:D:95B:UN'%sUNT+%u+M1'UNZ+1+IC1'", una, body, segs);
}

static BrManifest *
read_body(const char *body)
{
  char *text = interchange("", body);
  BrManifest *m = read_text(text);
  g_free(text);
  return m;
}

static void
test_full_consignment(void)
{
  BrManifest *m =
      read_body("BGM+85+MAN1+9'"
                "TDT+20+ME930W+1++MAEU:172:20:MAERSK LINE+++9846029:146:11:MAERSK KOWLOON'"
                "LOC+9+THLCH'LOC+13+SGSIN'LOC+13+LKCMB'LOC+11+IQUQR'DTM+132:202603041530:203'"
                "CNI+1+MAEU123'RFF+BM:MAEU0001234567'RFF+BH:HB77'"
                "NAD+CZ+++HANIL CO.:LTD.+NO. 1 ROAD:BLOCK 2+BANGKOK++10110+TH'"
                "NAD+CN+6047803824++AL QAMAR+BLDG 38++++IQ'NAD+N1+++NOTIFY CO'NAD+DT+CB41799'"
                "NAD+CA+++CARRIER NAME'CPI+4++C'MOA+64:3441.5'"
                "GID+1+1519:CT'FTX+AAA+++FRESH BANANAS:13.5KG CARTONS'PIA+5+080390:HS'"
                "MEA+AAE+G+KGM:19751'MOA+39:18368.43:EUR'LOC+27+EC'RFF+ZZZ:L1'SGP+MAEU1088781+1519'"
                "EQD+CN+MAEU1088781+45R1'MEA+AAE+VGM+KGM:19217'SEL+MA1+CA+1'SEL+CU2+CU+4'");
  g_assert_cmpuint(m->nrejects, ==, 0);
  g_assert_cmpuint(m->lines->len, ==, 1);
  const struct {
    BrManifestField f;
    const char *want;
  } want[] = {
      {BR_MF_RECORD_ID, "L1"},
      {BR_MF_BOL, "MAEU0001234567"},
      {BR_MF_HOUSE_BOL, "HB77"},
      {BR_MF_CONTAINER, "MAEU1088781"},
      {BR_MF_CONTAINER_TYPE, "45R1"},
      {BR_MF_SEAL, "MA1;CU2"},
      {BR_MF_SEAL_CHANGED, "Y"},
      {BR_MF_DECLARED_KG, "19751"},
      {BR_MF_MEASURED_KG, "19217"},
      {BR_MF_PACKAGES, "1519"},
      {BR_MF_HS_CODE, "080390"},
      {BR_MF_DESCRIPTION, "FRESH BANANAS 13.5KG CARTONS"},
      {BR_MF_VALUE, "18368.43"},
      {BR_MF_CURRENCY, "EUR"},
      {BR_MF_FREIGHT_TERMS, "COLLECT"},
      {BR_MF_FREIGHT_AMOUNT, "3441.5"},
      {BR_MF_SHIPPER_NAME, "HANIL CO. LTD."},
      {BR_MF_SHIPPER_ADDRESS, "NO. 1 ROAD BLOCK 2, BANGKOK, 10110"},
      {BR_MF_SHIPPER_COUNTRY, "TH"},
      {BR_MF_CONSIGNEE_NAME, "AL QAMAR"},
      {BR_MF_CONSIGNEE_ADDRESS, "BLDG 38"},
      {BR_MF_CONSIGNEE_COUNTRY, "IQ"},
      {BR_MF_IMPORTER_ID, "6047803824"},
      {BR_MF_NOTIFY_NAME, "NOTIFY CO"},
      {BR_MF_DECLARANT_ID, "CB41799"},
      {BR_MF_ORIGIN_COUNTRY, "EC"},
      {BR_MF_LOAD_PORT, "THLCH"},
      {BR_MF_TRANSSHIP_PORTS, "SGSIN;LKCMB"},
      {BR_MF_DISCHARGE_PORT, "IQUQR"},
      {BR_MF_PORT, "IQUQR"}, /* no LOC+22: the discharge port */
      {BR_MF_VESSEL_IMO, "9846029"},
      {BR_MF_VESSEL_NAME, "MAERSK KOWLOON"},
      {BR_MF_VOYAGE, "ME930W"},
      {BR_MF_CARRIER, "CARRIER NAME"}, /* the consignment's NAD+CA over the TDT's */
      {BR_MF_ARRIVAL_DATE, "2026-03-04"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    g_assert_cmpstr(field(m, 0, want[i].f), ==, want[i].want);
  g_assert_cmpint(line(m, 0)->function, ==, BR_EDI_ORIGINAL);
  br_manifest_free(m);

  /* Code list 3035 names the notify party NI (N1, "notify party no. 1", is the older code);
   * 3227 code 12 is the port of discharge, beside 11, the place/port of discharge. */
  m = read_body("BGM+85+MAN2+9'LOC+12+IQBSR'CNI+1+BL9'NAD+NI+++NOTIFY TWO'"
                "EQD+CN+MAEU1088781+45R1'");
  g_assert_cmpuint(m->nrejects, ==, 0);
  g_assert_cmpstr(field(m, 0, BR_MF_NOTIFY_NAME), ==, "NOTIFY TWO");
  g_assert_cmpstr(field(m, 0, BR_MF_DISCHARGE_PORT), ==, "IQBSR");
  br_manifest_free(m);
}

static void
test_una_and_release(void)
{
  /* Service characters of UNA: component |, element *, decimal comma, release !, end #. */
  const char *text = "UNA|*,! #"
                     "UNB*UNOC|3*S*R*260304|1200*IC1#\n"
                     "UNH*M1*CUSCAR|D|03B|UN#\n"
                     "BGM*85*M*9#\nCNI*1*BL!*1#\n"
                     "NAD*CZ***O'BRIEN !* SONS!|!#!! CO#\n"
                     "GID*1*3#\nMEA*AAE*G*KGM|1250,5#\nMOA*39|100,25|USD#\n"
                     "UNT*8*M1#\nUNZ*1*IC1#\n";
  BrManifest *m = read_text(text);
  g_assert_cmpuint(m->nrejects, ==, 0);
  g_assert_cmpstr(field(m, 0, BR_MF_BOL), ==, "BL*1");
  g_assert_cmpstr(field(m, 0, BR_MF_SHIPPER_NAME), ==, "O'BRIEN * SONS|#! CO");
  g_assert_cmpstr(field(m, 0, BR_MF_DECLARED_KG), ==, "1250.5");
  g_assert_cmpstr(field(m, 0, BR_MF_VALUE), ==, "100.25");
  br_manifest_free(m);

  /* Defaults without UNA: ? releases ' + : and itself. */
  m = read_body("BGM+85+M+9'CNI+1+BL1'NAD+CZ+++A?'B?+C?:D??E'");
  g_assert_cmpstr(field(m, 0, BR_MF_SHIPPER_NAME), ==, "A'B+C:D?E");
  br_manifest_free(m);
}

static void
test_character_sets(void)
{
  /* UNOC is ISO 8859-1: 0xC9 is É. */
  BrManifest *m = read_body("BGM+85+M+9'CNI+1+BL1'NAD+CZ+++SOCI\xC9T\xC9'");
  g_assert_cmpstr(field(m, 0, BR_MF_SHIPPER_NAME), ==, "SOCIÉTÉ");
  br_manifest_free(m);

  /* UNOI is ISO 8859-6 (Arabic): 0xC7 0xE4 is ALEF LAM. */
  const char *arabic = "UNB+UNOI:3+S+R+260304:1200+IC9'UNH+1+CUSCAR:D:16A:UN'BGM+85+M+9'"
                       "CNI+1+BL1'NAD+CN+++\xC7\xE4'UNT+5+1'UNZ+1+IC9'";
  m = read_text(arabic);
  g_assert_cmpstr(field(m, 0, BR_MF_CONSIGNEE_NAME), ==, "\xD8\xA7\xD9\x84");
  br_manifest_free(m);

  /* UNOA is 7-bit: a byte above 127 rejects its message. */
  const char *ascii = "UNB+UNOA:1+S+R+260304:1200+IC2'UNH+1+CUSCAR:D:96B:UN'BGM+85+M+9'"
                      "CNI+1+BL1'NAD+CZ+++CAF\xC9'UNT+5+1'UNZ+1+IC2'";
  m = read_text(ascii);
  g_assert_cmpuint(m->lines->len, ==, 0);
  g_assert_cmpuint(m->nrejects, ==, 1);
  g_assert_nonnull(strstr(m->rejects->str, "IC2,1,4,NAD,"));
  br_manifest_free(m);

  /* An unknown syntax identifier rejects the interchange. */
  m = read_text("UNB+XXXX:1+S+R+260304:1200+IC3'UNH+1+CUSCAR:D:96B:UN'UNT+2+1'UNZ+1+IC3'");
  g_assert_cmpuint(m->nrejects, ==, 1);
  g_assert_nonnull(strstr(m->rejects->str, "IC3,,1,UNB,syntax identifier XXXX"));
  br_manifest_free(m);
}

static void
test_envelope_counts(void)
{
  /* UNT count wrong: the message is rejected, the next one kept. */
  const char *text = UNB "UNH+A+CUSCAR:D:95B:UN'BGM+85+M+9'CNI+1+BL1'UNT+9+A'"
                         "UNH+B+CUSCAR:D:95B:UN'BGM+85+M+9'CNI+1+BL2'UNT+4+B'UNZ+2+IC1'";
  BrManifest *m = read_text(text);
  g_assert_cmpuint(m->lines->len, ==, 1);
  g_assert_cmpstr(field(m, 0, BR_MF_BOL), ==, "BL2");
  g_assert_cmpstr(m->rejects->str, ==,
                  "IC1,A,4,UNT,\"UNT counts 9 segments, the message has 4\"\n");
  g_assert_cmpuint(m->nmessages, ==, 2);
  br_manifest_free(m);

  /* UNT reference differs from UNH's. */
  m = read_text(UNB "UNH+A+CUSCAR:D:95B:UN'BGM+85+M+9'CNI+1+BL1'UNT+4+Z'UNZ+1+IC1'");
  g_assert_nonnull(strstr(m->rejects->str, "UNT reference Z differs from UNH reference A"));
  br_manifest_free(m);

  /* UNZ counts a message too many: the whole interchange goes, its good message too. */
  m = read_text(UNB "UNH+A+CUSCAR:D:95B:UN'BGM+85+M+9'CNI+1+BL1'UNT+4+A'UNZ+2+IC1'");
  g_assert_cmpuint(m->lines->len, ==, 0);
  g_assert_nonnull(strstr(m->rejects->str, "IC1,,6,UNZ,"));
  g_assert_nonnull(strstr(m->rejects->str, "rejected whole"));
  br_manifest_free(m);

  /* A data end inside a message, and no UNZ. */
  m = read_text(UNB "UNH+A+CUSCAR:D:95B:UN'BGM+85+M+9'");
  g_assert_cmpuint(m->lines->len, ==, 0);
  g_assert_nonnull(strstr(m->rejects->str, "no UNT"));
  g_assert_nonnull(strstr(m->rejects->str, "before UNZ"));
  br_manifest_free(m);

  /* A segment without its terminator at the end of the data. */
  m = read_text(UNB "UNH+A+CUSCAR:D:95B:UN'BGM+85+M+9");
  g_assert_nonnull(strstr(m->rejects->str, "no terminator"));
  br_manifest_free(m);

  /* Groups: UNZ counts groups, UNE the messages of its group. */
  m = read_text(UNB "UNG+CUSCAR+S+R+260304:1200+G1'UNH+A+CUSCAR:D:95B:UN'BGM+85+M+9'"
                    "CNI+1+BL1'UNT+4+A'UNE+1+G1'UNZ+1+IC1'");
  g_assert_cmpuint(m->nrejects, ==, 0);
  g_assert_cmpuint(m->lines->len, ==, 1);
  br_manifest_free(m);
}

static void
test_directories_and_types(void)
{
  const char *releases[] = {"95B", "96B", "03A", "03B", "16A", "21B"};
  for (guint i = 0; i < G_N_ELEMENTS(releases); i++) {
    char *text =
        g_strdup_printf(UNB "UNH+A+CUSCAR:D:%s:UN'CNI+1+BL1'UNT+3+A'UNZ+1+IC1'", releases[i]);
    BrManifest *m = read_text(text);
    g_assert_cmpuint(m->lines->len, ==, 1);
    br_manifest_free(m);
    g_free(text);
  }
  BrManifest *m = read_text(UNB "UNH+A+CUSCAR:D:93A:UN'CNI+1+BL1'UNT+3+A'UNZ+1+IC1'");
  g_assert_nonnull(strstr(m->rejects->str, "directory D:93A"));
  br_manifest_free(m);
  m = read_text(UNB "UNH+A+IFTMIN:D:96B:UN'CNI+1+BL1'UNT+3+A'UNZ+1+IC1'");
  g_assert_nonnull(strstr(m->rejects->str, "IC1,A,1,UNH,message type IFTMIN is not CUSCAR"));
  br_manifest_free(m);
}

static void
test_functions(void)
{
  const struct {
    const char *code;
    BrEdiFunction want;
  } cases[] = {{"9", BR_EDI_ORIGINAL},
               {"5", BR_EDI_REPLACE},
               {"4", BR_EDI_CHANGE},
               {"3", BR_EDI_DELETE},
               {"1", BR_EDI_CANCEL}};
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *body = g_strdup_printf("BGM+85+M+%s'CNI+1+BL1'", cases[i].code);
    BrManifest *m = read_body(body);
    g_assert_cmpint(line(m, 0)->function, ==, cases[i].want);
    br_manifest_free(m);
    g_free(body);
  }
  BrManifest *m = read_body("BGM+85+M+77'CNI+1+BL1'");
  g_assert_nonnull(strstr(m->rejects->str, "IC1,M1,2,BGM,\"message function 77"));
  br_manifest_free(m);
}

static void
test_transport(void)
{
  /* A call sign is not an IMO number; "IMO" before the digits is allowed. */
  BrManifest *m = read_body("TDT+20+V1+1+++++9V1234:103::SHIP'CNI+1+BL1'");
  g_assert_null(field(m, 0, BR_MF_VESSEL_IMO));
  g_assert_cmpstr(field(m, 0, BR_MF_VESSEL_NAME), ==, "SHIP");
  br_manifest_free(m);
  m = read_body("TDT+20+V1+1++ABC+++IMO9074729'CNI+1+BL1'LOC+22+IQBSR'LOC+11+IQUQR'"
                "DTM+132:260304:101'DTM+178:20260305:102'");
  g_assert_cmpstr(field(m, 0, BR_MF_VESSEL_IMO), ==, "9074729");
  g_assert_cmpstr(field(m, 0, BR_MF_CARRIER), ==, "ABC");
  g_assert_cmpstr(field(m, 0, BR_MF_PORT), ==, "IQBSR");
  g_assert_cmpstr(field(m, 0, BR_MF_ARRIVAL_DATE), ==, "2026-03-05");
  br_manifest_free(m);
  m = read_body("CNI+1+BL1'DTM+132:20260231:102'");
  g_assert_cmpuint(m->lines->len, ==, 0);
  g_assert_nonnull(strstr(m->rejects->str, "IC1,M1,3,DTM,\"B/L BL1: not a date"));
  br_manifest_free(m);
}

static void
test_goods_and_equipment(void)
{
  /* Two containers; goods go where SGP puts them; pounds become kg; a trailer is no
   * container. */
  BrManifest *m = read_body("CNI+1+BL1'"
                            "GID+1+10'FTX+AAA+++TILES'PIA+5+690721:HS'MEA+AAE+G+LBR:1000'"
                            "SGP+AAAU1111111+10'"
                            "GID+2+5'FTX+AAA+++PIPES'PIA+1+730419:HS'MEA+WT+G+KGM:200'"
                            "SGP+BBBU2222222+5'"
                            "GID+3+1'FTX+AAA+++VALVES'MEA+AAE+AAB+TNE:0.5'SGP+BBBU2222222+1'"
                            "EQD+CN+AAAU1111111+22G1'EQD+CN+BBBU2222222+42G1'"
                            "CNI+2+BL2'EQD+TE+34ABC12'SEL+S9'");
  g_assert_cmpuint(m->nrejects, ==, 0);
  g_assert_cmpuint(m->lines->len, ==, 3);
  g_assert_cmpstr(field(m, 0, BR_MF_CONTAINER), ==, "AAAU1111111");
  g_assert_cmpstr(field(m, 0, BR_MF_DECLARED_KG), ==, "453.592");
  g_assert_cmpstr(field(m, 0, BR_MF_DESCRIPTION), ==, "TILES");
  g_assert_cmpstr(field(m, 0, BR_MF_RECORD_ID), ==, "BL1/AAAU1111111");
  g_assert_cmpstr(field(m, 1, BR_MF_CONTAINER), ==, "BBBU2222222");
  g_assert_cmpstr(field(m, 1, BR_MF_CONTAINER_TYPE), ==, "42G1");
  g_assert_cmpstr(field(m, 1, BR_MF_DECLARED_KG), ==, "700");
  g_assert_cmpstr(field(m, 1, BR_MF_PACKAGES), ==, "6");
  g_assert_cmpstr(field(m, 1, BR_MF_DESCRIPTION), ==, "PIPES / VALVES");
  g_assert_cmpstr(field(m, 1, BR_MF_HS_CODE), ==, "730419");
  g_assert_null(field(m, 2, BR_MF_CONTAINER));
  g_assert_cmpstr(field(m, 2, BR_MF_SEAL), ==, "S9");
  g_assert_cmpstr(field(m, 2, BR_MF_SEAL_CHANGED), ==, "N");
  br_manifest_free(m);

  /* Message-level equipment (D95B places EQD before the consignments) found through SGP. */
  m = read_body("EQD+CN+CCCU3333333+45R1'MEA+AAE+VGM+KGM:21000'SEL+X1'"
                "CNI+1+BL1'GID+1+4'SGP+CCCU3333333+4'");
  g_assert_cmpstr(field(m, 0, BR_MF_CONTAINER_TYPE), ==, "45R1");
  g_assert_cmpstr(field(m, 0, BR_MF_MEASURED_KG), ==, "21000");
  br_manifest_free(m);
}

static void
test_consignment_rejects(void)
{
  /* A bad mass rejects its consignment only; a consignment without a B/L is rejected. */
  BrManifest *m = read_body("CNI+1+BL1'GID+1+1'MEA+AAE+G+KGM:12,5,0'"
                            "CNI+2'GID+1+1'"
                            "CNI+3+BL3'GID+1+1'MEA+AAE+G+XYZ:10'"
                            "CNI+4+BL4'GID+1+2'MEA+AAE+G+KGM:10'");
  g_assert_cmpuint(m->lines->len, ==, 1);
  g_assert_cmpstr(field(m, 0, BR_MF_BOL), ==, "BL4");
  g_assert_cmpuint(m->nrejects, ==, 3);
  g_assert_nonnull(strstr(m->rejects->str, "IC1,M1,4,MEA,\"B/L BL1: not a mass"));
  g_assert_nonnull(strstr(m->rejects->str, "IC1,M1,5,CNI,B/L ?: consignment without a B/L"));
  g_assert_nonnull(strstr(m->rejects->str, "IC1,M1,9,MEA,\"B/L BL3"));
  br_manifest_free(m);
}

static void
test_detection(void)
{
  g_assert_cmpint(br_input_detect("UNA:+.? 'UNB", 12), ==, BR_INPUT_CUSCAR);
  g_assert_cmpint(br_input_detect("\xEF\xBB\xBF\n UNB+UNOC", 13), ==, BR_INPUT_CUSCAR);
  g_assert_cmpint(br_input_detect("ISA*00*", 7), ==, BR_INPUT_X12);
  g_assert_cmpint(br_input_detect("UN,B\n", 5), ==, BR_INPUT_CSV);
  g_assert_cmpint(br_input_detect("", 0), ==, BR_INPUT_CSV);
}

static void
test_csv_rendering(void)
{
  BrManifest *m = read_body("BGM+85+M+5'CNI+1+BL1'NAD+CZ+++A, \"B\"'");
  GString *csv = br_manifest_to_csv(m);
  g_assert_true(g_str_has_prefix(csv->str, "record_id,bol,container,"));
  g_assert_nonnull(strstr(csv->str, ",House B/L,Seal Changed,amendment,source\n"));
  g_assert_nonnull(strstr(csv->str, ",\"A, \"\"B\"\"\","));
  g_assert_true(g_str_has_suffix(csv->str, ",replace,\"interchange IC1, message M1\"\n"));
  g_string_free(csv, TRUE);
  br_manifest_free(m);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/cuscar/full-consignment", test_full_consignment);
  g_test_add_func("/cuscar/una-release", test_una_and_release);
  g_test_add_func("/cuscar/character-sets", test_character_sets);
  g_test_add_func("/cuscar/envelope-counts", test_envelope_counts);
  g_test_add_func("/cuscar/directories-types", test_directories_and_types);
  g_test_add_func("/cuscar/functions", test_functions);
  g_test_add_func("/cuscar/transport", test_transport);
  g_test_add_func("/cuscar/goods-equipment", test_goods_and_equipment);
  g_test_add_func("/cuscar/consignment-rejects", test_consignment_rejects);
  g_test_add_func("/cuscar/detection", test_detection);
  g_test_add_func("/cuscar/csv-rendering", test_csv_rendering);
  return g_test_run();
}
