/* ANSI X12 309: separators taken from ISA whatever they are, envelope counts, the 309
 * segments' mapping, and rejects naming interchange, transaction set, segment and tag. */
#include <string.h>

#include <glib.h>

#include "br_x12.h"

/* An ISA of exactly 106 characters with separators e (element), c (component) and t
 * (terminator), control number 000000007. */
static char *
isa(char e, char c, char t)
{
  char *s = g_strdup_printf("ISA%c00%c          %c00%c          %cZZ%cSENDER         %cZZ%c"
                            "CUSTOMS        %c260304%c1200%cU%c00401%c000000007%c0%cP%c%c%c",
                            e, e, e, e, e, e, e, e, e, e, e, e, e, e, e, e, c, t);
  g_assert_cmpuint(strlen(s), ==, 106);
  return s;
}

/* One group with one 309 whose body is given with '*' and '~', rewritten to e and t. */
static BrManifest *
read_set(const char *body, char e, char t)
{
  guint segs = 2;
  for (const char *p = body; *p; p++)
    segs += *p == '~';
  char *head = isa(e, '>', t);
  char *text = g_strdup_printf("%s\nGS*SO*S*R*20260304*1200*1*X*004010~\nST*309*0001~\n%s"
                               "SE*%u*0001~\nGE*1*1~\nIEA*1*000000007~\n",
                               head, body, segs);
  for (char *p = text + 106; *p; p++)
    *p = *p == '*' ? e : *p == '~' ? t : *p;
  BrManifest *m = br_x12_read(text, strlen(text));
  g_free(head);
  g_free(text);
  return m;
}

static const char *
field(const BrManifest *m, guint i, BrManifestField f)
{
  g_assert_cmpuint(i, <, m->lines->len);
  return ((const BrManifestLine *)g_ptr_array_index(m->lines, i))->f[f];
}

static const char bill[] = "M10*MAEU*O*DK*9846029*MAERSK KOWLOON*ME930W~"
                           "P4*IQUQR*20260304~"
                           "LX*1~"
                           "M11*MAEU0001234567*THLCH*1519*CTN*19751*K~"
                           "N9*ZZ*EUR*currency~N9*ZZ*TH*origin_country~N9*ZZ*IQBSR*port~"
                           "N1*SH*HANIL CO*ZZ*X1~N3*NO. 1 ROAD*BLOCK 2~N4*BANGKOK**10110*TH~"
                           "N1*CN*AL QAMAR*ZZ*6047803824~N4****IQ~"
                           "N1*CB**ZZ*CB41799~N1*CA*MAERSK LINE~"
                           "M12*70*IT1~"
                           "VID*CN*MAEU*1088781*MA1*CU2****45R1~"
                           "N9*ZZ*19217*measured_kg~N9*ZZ*L1*record_id~N9*ZZ*Y*Seal Changed~"
                           "N10*1000*TILES**H*690721*900.5*K*10000~H1*1090~"
                           "N10*519*PIPES**H*730419*100*L*1000~";

static void
test_bill(void)
{
  BrManifest *m = read_set(bill, '*', '~');
  g_assert_cmpstr(m->rejects->str, ==, "");
  g_assert_cmpuint(m->lines->len, ==, 1);
  const struct {
    BrManifestField f;
    const char *want;
  } want[] = {
      {BR_MF_RECORD_ID, "L1"},
      {BR_MF_BOL, "MAEU0001234567"},
      {BR_MF_CONTAINER, "MAEU1088781"},
      {BR_MF_CONTAINER_TYPE, "45R1"},
      {BR_MF_SEAL, "MA1;CU2"},
      {BR_MF_SEAL_CHANGED, "Y"},
      {BR_MF_PACKAGES, "1519"},
      {BR_MF_DECLARED_KG, "10453.592"},
      {BR_MF_MEASURED_KG, "19217"},
      {BR_MF_HS_CODE, "690721"},
      {BR_MF_DESCRIPTION, "TILES / PIPES"},
      {BR_MF_VALUE, "1000.5"},
      {BR_MF_CURRENCY, "EUR"},
      {BR_MF_SHIPPER_NAME, "HANIL CO"},
      {BR_MF_SHIPPER_ADDRESS, "NO. 1 ROAD BLOCK 2, BANGKOK, 10110"},
      {BR_MF_SHIPPER_COUNTRY, "TH"},
      {BR_MF_CONSIGNEE_NAME, "AL QAMAR"},
      {BR_MF_CONSIGNEE_COUNTRY, "IQ"},
      {BR_MF_IMPORTER_ID, "6047803824"},
      {BR_MF_DECLARANT_ID, "CB41799"},
      {BR_MF_CARRIER, "MAERSK LINE"},
      {BR_MF_ORIGIN_COUNTRY, "TH"},
      {BR_MF_LOAD_PORT, "THLCH"},
      {BR_MF_DISCHARGE_PORT, "IQUQR"},
      {BR_MF_PORT, "IQBSR"},
      {BR_MF_VESSEL_IMO, "9846029"},
      {BR_MF_VESSEL_NAME, "MAERSK KOWLOON"},
      {BR_MF_VOYAGE, "ME930W"},
      {BR_MF_ARRIVAL_DATE, "2026-03-04"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    g_assert_cmpstr(field(m, 0, want[i].f), ==, want[i].want);
  br_manifest_free(m);
}

static void
test_any_separators(void)
{
  /* Element |, terminator newline (a blank line between segments is no segment). */
  BrManifest *m = read_set(bill, '|', '\n');
  g_assert_cmpstr(m->rejects->str, ==, "");
  g_assert_cmpstr(field(m, 0, BR_MF_CONTAINER), ==, "MAEU1088781");
  br_manifest_free(m);
  m = read_set(bill, '^', '\'');
  g_assert_cmpstr(field(m, 0, BR_MF_DESCRIPTION), ==, "TILES / PIPES");
  br_manifest_free(m);
  /* A short ISA cannot give its separators. */
  m = br_x12_read("ISA*00*~", 8);
  g_assert_cmpuint(m->nrejects, ==, 1);
  g_assert_nonnull(strstr(m->rejects->str, "fixed 106 characters"));
  br_manifest_free(m);
  /* A terminator that also occurs early (the C of CUSTOMS) ends the ISA before its control
   * number, ISA13 (found by fuzz_x12: the missing element was stripped in place). */
  char *head = isa('*', '>', 'C');
  char *text = g_strconcat(head, "GS*SO*S*R*20260304*1200*1*X*004010CST*309*0001C", NULL);
  m = br_x12_read(text, strlen(text));
  g_assert_cmpuint(m->lines->len, ==, 0);
  g_assert_nonnull(strstr(m->rejects->str, "ISA13"));
  br_manifest_free(m);
  g_free(text);
  g_free(head);
}

static void
test_envelopes(void)
{
  char *head = isa('*', '>', '~');
  /* SE counts wrong: the set is rejected, the next set of the group kept. */
  char *text = g_strdup_printf("%sGS*SO*S*R*20260304*1200*5*X*004010~"
                               "ST*309*0001~LX*1~M11*B1*X~SE*9*0001~"
                               "ST*309*0002~LX*1~M11*B2*X~SE*4*0002~GE*2*5~IEA*1*000000007~",
                               head);
  BrManifest *m = br_x12_read(text, strlen(text));
  g_assert_cmpuint(m->lines->len, ==, 1);
  g_assert_cmpstr(field(m, 0, BR_MF_BOL), ==, "B2");
  g_assert_cmpstr(m->rejects->str, ==,
                  "000000007,0001,4,SE,\"SE counts 9 segments, the transaction set has 4\"\n");
  br_manifest_free(m);
  g_free(text);

  /* GE counting a set too many rejects the interchange whole. */
  text = g_strdup_printf("%sGS*SO*S*R*20260304*1200*5*X*004010~ST*309*0001~LX*1~M11*B1*X~"
                         "SE*4*0001~GE*2*5~IEA*1*000000007~",
                         head);
  m = br_x12_read(text, strlen(text));
  g_assert_cmpuint(m->lines->len, ==, 0);
  g_assert_nonnull(strstr(m->rejects->str, "000000007,,7,GE,"));
  g_assert_nonnull(strstr(m->rejects->str, "rejected whole"));
  br_manifest_free(m);
  g_free(text);

  /* IEA with the wrong control number; a set other than 309. */
  text = g_strdup_printf("%sGS*SO*S*R*20260304*1200*5*X*004010~ST*310*0001~LX*1~SE*3*0001~"
                         "GE*1*5~IEA*1*000000008~",
                         head);
  m = br_x12_read(text, strlen(text));
  g_assert_nonnull(strstr(m->rejects->str, "000000007,0001,1,ST,transaction set 310"));
  g_assert_nonnull(strstr(m->rejects->str, ",IEA,"));
  br_manifest_free(m);
  g_free(text);
  g_free(head);
}

static void
test_amendments_and_faults(void)
{
  BrManifest *m = read_set("M10*X*O*DK**SHIP*V1~P4*IQUQR*20260304~"
                           "LX*1~M13*X*IQUQR*D~M11*B1*X~"
                           "LX*2~M13*X*IQUQR*M~M11*B2*X~VID*TL**34ABC12*S1~"
                           "LX*3~M11*B3*X*5*PCS*12,5*K~"
                           "LX*4~N1*SH*NO BILL~",
                           '*', '~');
  g_assert_cmpuint(m->lines->len, ==, 2);
  g_assert_cmpint(((BrManifestLine *)g_ptr_array_index(m->lines, 0))->function, ==, BR_EDI_CANCEL);
  g_assert_cmpint(((BrManifestLine *)g_ptr_array_index(m->lines, 1))->function, ==, BR_EDI_CHANGE);
  g_assert_null(field(m, 1, BR_MF_CONTAINER));
  g_assert_cmpstr(field(m, 1, BR_MF_SEAL), ==, "S1");
  g_assert_nonnull(strstr(m->rejects->str, "000000007,0001,12,M11,\"B/L B3: not a mass"));
  g_assert_nonnull(
      strstr(m->rejects->str, "000000007,0001,13,LX,B/L ?: bill without a B/L number"));
  br_manifest_free(m);

  /* An updating manifest (M10-09 X): a bill without M13 replaces its B/L, one with M13 is
   * what its M13 says. */
  m = read_set("M10*X*O*DK**SHIP*V1***X~P4*IQUQR*20260304~LX*1~M11*B1*X~"
               "LX*2~M13*X*IQUQR*R~M11*B2*X~",
               '*', '~');
  g_assert_cmpuint(m->lines->len, ==, 2);
  g_assert_cmpint(((BrManifestLine *)g_ptr_array_index(m->lines, 0))->function, ==, BR_EDI_REPLACE);
  g_assert_cmpint(((BrManifestLine *)g_ptr_array_index(m->lines, 1))->function, ==, BR_EDI_CHANGE);
  br_manifest_free(m);

  m = read_set("P4*IQUQR*20261301~LX*1~M11*B1*X~", '*', '~');
  g_assert_cmpuint(m->lines->len, ==, 0);
  g_assert_nonnull(strstr(m->rejects->str, "000000007,0001,2,P4,"));
  br_manifest_free(m);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/x12/bill", test_bill);
  g_test_add_func("/x12/any-separators", test_any_separators);
  g_test_add_func("/x12/envelopes", test_envelopes);
  g_test_add_func("/x12/amendments-faults", test_amendments_and_faults);
  return g_test_run();
}
