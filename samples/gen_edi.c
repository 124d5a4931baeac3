#include "gen_edi.h"

#include <string.h>

#include "gen_manifest.h"

enum {
  C_LINE,
  C_BOL,
  C_CONTAINER,
  C_SEAL,
  C_TYPE,
  C_GROSS,
  C_VGM,
  C_PACKAGES,
  C_HS,
  C_DESC,
  C_VALUE,
  C_CURRENCY,
  C_TERMS,
  C_FREIGHT,
  C_SHIPPER,
  C_SHIPPER_ADDR,
  C_SHIPPER_COUNTRY,
  C_CONSIGNEE,
  C_CONSIGNEE_ADDR,
  C_CONSIGNEE_COUNTRY,
  C_NOTIFY,
  C_IMPORTER,
  C_DECLARANT,
  C_ORIGIN,
  C_LOAD,
  C_TRANSSHIP,
  C_DISCHARGE,
  C_INSPECTION,
  C_IMO,
  C_VESSEL,
  C_VOYAGE,
  C_CARRIER,
  C_ETA,
  C_SEAL_CHANGED,
  C_HOUSE,
  C_COUNT
};

static const char *columns[C_COUNT] = {
    "Line ID",
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
    "House B/L",
};

/* Fields that make one message: lines that agree on them and on the B/L share it. */
static const int message_keys[] = {C_BOL, C_LOAD,   C_TRANSSHIP, C_DISCHARGE, C_INSPECTION,
                                   C_IMO, C_VESSEL, C_VOYAGE,    C_CARRIER,   C_ETA};

typedef struct {
  char *f[C_COUNT];
} Row;

/* RFC 4180 as gen_manifest_write writes it: quoted fields with doubled quotes, LF rows. */
static GPtrArray *
parse_csv(const char *s, gsize len)
{
  GPtrArray *rows = g_ptr_array_new();
  GPtrArray *cur = g_ptr_array_new();
  GString *field = g_string_new(NULL);
  gsize i = 0;
  while (i < len) {
    if (s[i] == '"') {
      for (i++; i < len; i++) {
        if (s[i] == '"' && i + 1 < len && s[i + 1] == '"') {
          g_string_append_c(field, '"');
          i++;
        } else if (s[i] == '"') {
          i++;
          break;
        } else {
          g_string_append_c(field, s[i]);
        }
      }
    }
    while (i < len && s[i] != ',' && s[i] != '\n')
      g_string_append_c(field, s[i++]);
    g_ptr_array_add(cur, g_strdup(field->str));
    g_string_truncate(field, 0);
    if (i >= len || s[i] == '\n') {
      g_ptr_array_add(cur, NULL);
      g_ptr_array_add(rows, g_ptr_array_free(cur, FALSE));
      cur = g_ptr_array_new();
    }
    i++;
  }
  g_ptr_array_free(cur, TRUE);
  g_string_free(field, TRUE);
  return rows;
}

static void
edifact_text(GString *o, const char *s)
{
  for (; *s; s++) {
    if (strchr("+:'?", *s))
      g_string_append_c(o, '?');
    g_string_append_c(o, *s);
  }
}

/* Splits text at spaces into at most n pieces of at most width bytes, so that joining them
 * with one space gives the text back; a word longer than width is cut. */
static GPtrArray *
wrap(const char *text, gsize width, guint n)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
  const char *p = text;
  while (*p && parts->len < n) {
    gsize rest = strlen(p);
    if (rest <= width || parts->len + 1 == n) {
      g_ptr_array_add(parts, g_strdup(p));
      break;
    }
    gsize cut = width;
    while (cut > 0 && p[cut] != ' ')
      cut--;
    if (cut == 0)
      cut = width;
    g_ptr_array_add(parts, g_strndup(p, cut));
    p += cut;
    if (*p == ' ')
      p++;
  }
  return parts;
}

static void
edifact_wrapped(GString *o, const char *text, gsize width, guint n)
{
  GPtrArray *parts = wrap(text, width, n);
  for (guint i = 0; i < parts->len; i++) {
    if (i)
      g_string_append_c(o, ':');
    edifact_text(o, g_ptr_array_index(parts, i));
  }
  g_ptr_array_free(parts, TRUE);
}

typedef struct {
  GString *o;
  guint segs;
} Msg;

static void
seg_end(Msg *m)
{
  g_string_append(m->o, "'\n");
  m->segs++;
}

static void
cuscar_party(Msg *m, const char *q, const char *id, const char *name, const char *addr,
             const char *country)
{
  if (!*name && !*id)
    return;
  g_string_append_printf(m->o, "NAD+%s+", q);
  edifact_text(m->o, id);
  g_string_append(m->o, "++");
  edifact_wrapped(m->o, name, 35, 5);
  if (*addr || *country) {
    g_string_append_c(m->o, '+');
    edifact_wrapped(m->o, addr, 35, 4);
  }
  if (*country) {
    g_string_append(m->o, "++++");
    edifact_text(m->o, country);
  }
  seg_end(m);
}

static void
cuscar_line(Msg *m, guint cni, char **r)
{
  GString *o = m->o;
  g_string_append_printf(o, "CNI+%u+", cni);
  edifact_text(o, r[C_BOL]);
  seg_end(m);
  g_string_append(o, "RFF+BM:");
  edifact_text(o, r[C_BOL]);
  seg_end(m);
  if (*r[C_HOUSE]) {
    g_string_append(o, "RFF+BH:");
    edifact_text(o, r[C_HOUSE]);
    seg_end(m);
  }
  cuscar_party(m, "CZ", "", r[C_SHIPPER], r[C_SHIPPER_ADDR], r[C_SHIPPER_COUNTRY]);
  cuscar_party(m, "CN", r[C_IMPORTER], r[C_CONSIGNEE], r[C_CONSIGNEE_ADDR], r[C_CONSIGNEE_COUNTRY]);
  cuscar_party(m, "N1", "", r[C_NOTIFY], "", "");
  cuscar_party(m, "DT", r[C_DECLARANT], "", "", "");
  if (*r[C_TERMS]) {
    const char *t = strcmp(r[C_TERMS], "PREPAID") == 0   ? "P"
                    : strcmp(r[C_TERMS], "COLLECT") == 0 ? "C"
                                                         : r[C_TERMS];
    g_string_append(o, "CPI+4++");
    edifact_text(o, t);
    seg_end(m);
  }
  if (*r[C_FREIGHT]) {
    g_string_append_printf(o, "MOA+64:%s", r[C_FREIGHT]);
    seg_end(m);
  }
  g_string_append_printf(o, "GID+1+%s", r[C_PACKAGES]);
  seg_end(m);
  if (*r[C_DESC]) {
    g_string_append(o, "FTX+AAA+++");
    edifact_wrapped(o, r[C_DESC], 70, 5);
    seg_end(m);
  }
  if (*r[C_HS]) {
    g_string_append_printf(o, "PIA+5+%s:HS", r[C_HS]);
    seg_end(m);
  }
  if (*r[C_GROSS]) {
    g_string_append_printf(o, "MEA+AAE+G+KGM:%s", r[C_GROSS]);
    seg_end(m);
  }
  if (*r[C_VALUE]) {
    g_string_append_printf(o, "MOA+39:%s:%s", r[C_VALUE], r[C_CURRENCY]);
    seg_end(m);
  }
  if (*r[C_ORIGIN]) {
    g_string_append_printf(o, "LOC+27+%s", r[C_ORIGIN]);
    seg_end(m);
  }
  g_string_append(o, "RFF+ZZZ:");
  edifact_text(o, r[C_LINE]);
  seg_end(m);
  gboolean box = *r[C_CONTAINER] != '\0';
  const char *equip = box ? r[C_CONTAINER] : *r[C_VESSEL] ? r[C_VESSEL] : r[C_BOL];
  if (box) {
    g_string_append(o, "SGP+");
    edifact_text(o, equip);
    g_string_append_printf(o, "+%s", r[C_PACKAGES]);
    seg_end(m);
  }
  g_string_append_printf(o, "EQD+%s+", box ? "CN" : "TE");
  edifact_text(o, equip);
  if (*r[C_TYPE])
    g_string_append_printf(o, "+%s", r[C_TYPE]);
  seg_end(m);
  if (*r[C_VGM]) {
    g_string_append_printf(o, "MEA+AAE+VGM+KGM:%s", r[C_VGM]);
    seg_end(m);
  }
  if (*r[C_SEAL]) {
    g_string_append(o, "SEL+");
    edifact_text(o, r[C_SEAL]);
    /* Condition 1 is "in right condition"; a seal replaced in transit is reported as not. */
    g_string_append_printf(o, "+CA+%s", strcmp(r[C_SEAL_CHANGED], "Y") == 0 ? "4" : "1");
    seg_end(m);
  }
}

static void
cuscar_message_head(Msg *m, guint ref, char **r)
{
  GString *o = m->o;
  g_string_append_printf(o, "UNH+%u+CUSCAR:D:95B:UN", ref);
  seg_end(m);
  g_string_append(o, "BGM+85+");
  edifact_text(o, r[C_BOL]);
  g_string_append(o, "+9");
  seg_end(m);
  g_string_append(o, "TDT+20+");
  edifact_text(o, r[C_VOYAGE]);
  g_string_append_printf(o, "+%s++:::", *r[C_IMO] ? "1" : "3");
  edifact_text(o, r[C_CARRIER]);
  g_string_append(o, "+++");
  if (*r[C_IMO])
    g_string_append_printf(o, "%s:146:11", r[C_IMO]);
  else
    g_string_append(o, ":::");
  if (*r[C_VESSEL]) {
    if (*r[C_IMO])
      g_string_append_c(o, ':');
    edifact_text(o, r[C_VESSEL]);
  }
  seg_end(m);
  g_string_append_printf(o, "LOC+9+%s", r[C_LOAD]);
  seg_end(m);
  if (*r[C_TRANSSHIP]) {
    char **ports = g_strsplit(r[C_TRANSSHIP], ";", -1);
    for (char **p = ports; *p; p++) {
      g_string_append_printf(o, "LOC+13+%s", *p);
      seg_end(m);
    }
    g_strfreev(ports);
  }
  g_string_append_printf(o, "LOC+11+%s", r[C_DISCHARGE]);
  seg_end(m);
  g_string_append_printf(o, "LOC+22+%s", r[C_INSPECTION]);
  seg_end(m);
  char ymd[9] = {0};
  if (strlen(r[C_ETA]) == 10) {
    memcpy(ymd, r[C_ETA], 4);
    memcpy(ymd + 4, r[C_ETA] + 5, 2);
    memcpy(ymd + 6, r[C_ETA] + 8, 2);
    g_string_append_printf(o, "DTM+132:%s:102", ymd);
    seg_end(m);
  }
}

static void
x12_seg(Msg *m, char e, const char *const *el, guint n)
{
  guint last = n;
  while (last > 1 && (!el[last - 1] || !*el[last - 1]))
    last--;
  for (guint i = 0; i < last; i++) {
    if (i)
      g_string_append_c(m->o, e);
    if (el[i])
      g_string_append(m->o, el[i]);
  }
  g_string_append(m->o, "~\n");
  m->segs++;
}

#define X12(m, ...)                                                                                \
  do {                                                                                             \
    const char *el_[] = {__VA_ARGS__};                                                             \
    x12_seg(m, '*', el_, G_N_ELEMENTS(el_));                                                       \
  } while (0)

static void
x12_party(Msg *m, const char *q, const char *id, const char *name, const char *addr,
          const char *country)
{
  if (!*name && !*id)
    return;
  X12(m, "N1", q, name, *id ? "ZZ" : "", id);
  if (*addr) {
    GPtrArray *parts = wrap(addr, 55, 2);
    X12(m, "N3", g_ptr_array_index(parts, 0), parts->len > 1 ? g_ptr_array_index(parts, 1) : "");
    g_ptr_array_free(parts, TRUE);
  }
  if (*country)
    X12(m, "N4", "", "", "", country);
}

static void
x12_ref(Msg *m, const char *value, const char *field)
{
  if (*value)
    X12(m, "N9", "ZZ", value, field);
}

static void
x12_line(Msg *m, guint lx, char **r)
{
  char n[16];
  g_snprintf(n, sizeof n, "%u", lx);
  X12(m, "LX", n);
  X12(m, "M11", r[C_BOL], r[C_LOAD], r[C_PACKAGES], "PCS", r[C_GROSS], "K");
  x12_ref(m, r[C_HOUSE], "House B/L");
  x12_ref(m, r[C_CURRENCY], "currency");
  x12_ref(m, r[C_TERMS], "freight_terms");
  x12_ref(m, r[C_FREIGHT], "freight_amount");
  x12_ref(m, r[C_ORIGIN], "origin_country");
  x12_ref(m, r[C_TRANSSHIP], "transship_ports");
  if (strcmp(r[C_INSPECTION], r[C_DISCHARGE]) != 0)
    x12_ref(m, r[C_INSPECTION], "port");
  x12_party(m, "SH", "", r[C_SHIPPER], r[C_SHIPPER_ADDR], r[C_SHIPPER_COUNTRY]);
  x12_party(m, "CN", r[C_IMPORTER], r[C_CONSIGNEE], r[C_CONSIGNEE_ADDR], r[C_CONSIGNEE_COUNTRY]);
  x12_party(m, "N1", "", r[C_NOTIFY], "", "");
  x12_party(m, "CB", r[C_DECLARANT], "", "", "");
  x12_party(m, "CA", "", r[C_CARRIER], "", "");
  const char *c = r[C_CONTAINER];
  if (*c) {
    char initial[5] = {0};
    g_strlcpy(initial, c, MIN(strlen(c), 4) + 1);
    X12(m, "VID", "CN", initial, c + strlen(initial), r[C_SEAL], "", "", "", "", r[C_TYPE]);
  } else {
    X12(m, "VID", "TL", "", *r[C_VESSEL] ? r[C_VESSEL] : r[C_BOL], r[C_SEAL]);
  }
  x12_ref(m, r[C_LINE], "record_id");
  x12_ref(m, r[C_VGM], "measured_kg");
  x12_ref(m, r[C_SEAL_CHANGED], "Seal Changed");
  X12(m, "N10", r[C_PACKAGES], r[C_DESC], "", *r[C_HS] ? "H" : "", r[C_HS], r[C_VALUE], "K",
      r[C_GROSS]);
}

static void
x12_set_head(Msg *m, guint ref, char **r)
{
  char st[16], ymd[9] = {0};
  g_snprintf(st, sizeof st, "%04u", ref);
  X12(m, "ST", "309", st);
  char scac[5] = {0};
  guint k = 0;
  for (const char *p = r[C_CARRIER]; *p && k < 4; p++)
    if (g_ascii_isalpha(*p))
      scac[k++] = *p;
  X12(m, "M10", scac, *r[C_IMO] ? "O" : "J", "", r[C_IMO], r[C_VESSEL], r[C_VOYAGE]);
  if (strlen(r[C_ETA]) == 10) {
    memcpy(ymd, r[C_ETA], 4);
    memcpy(ymd + 4, r[C_ETA] + 5, 2);
    memcpy(ymd + 6, r[C_ETA] + 8, 2);
  }
  X12(m, "P4", r[C_DISCHARGE], ymd);
}

static gboolean
same_message(char **a, char **b)
{
  for (guint i = 0; i < G_N_ELEMENTS(message_keys); i++)
    if (strcmp(a[message_keys[i]], b[message_keys[i]]) != 0)
      return FALSE;
  return TRUE;
}

gboolean
gen_edi_write(const char *csv, gsize len, GenEdiFormat format, const char *date, FILE *out,
              GError **error)
{
  GPtrArray *rows = parse_csv(csv, len);
  gboolean ok = FALSE;
  int idx[C_COUNT];
  if (rows->len == 0) {
    g_set_error(error, GEN_ERROR, GEN_ERROR_ARGS, "no manifest to convert");
    goto out;
  }
  char **header = g_ptr_array_index(rows, 0);
  for (int c = 0; c < C_COUNT; c++) {
    idx[c] = -1;
    for (int k = 0; header[k]; k++)
      if (strcmp(header[k], columns[c]) == 0)
        idx[c] = k;
    if (idx[c] < 0) {
      g_set_error(error, GEN_ERROR, GEN_ERROR_ARGS, "the manifest has no column \"%s\"",
                  columns[c]);
      goto out;
    }
  }
  GString *o = g_string_new(NULL);
  Msg m = {.o = o};
  char ymd[9] = {0};
  memcpy(ymd, date, 4);
  memcpy(ymd + 4, date + 5, 2);
  memcpy(ymd + 6, date + 8, 2);
  if (format == GEN_EDI_CUSCAR)
    g_string_append_printf(o, "UNA:+.? 'UNB+UNOW:4+BOXRANK-GEN+CUSTOMS+%s:0000+1'\n", ymd);
  else
    g_string_append_printf(o,
                           "ISA*00*          *00*          *ZZ*BOXRANKGEN     *ZZ*CUSTOMS    "
                           "    *%s*0000*U*00401*000000001*0*P*>~\nGS*SO*BOXRANKGEN*CUSTOMS*%s*"
                           "0000*1*X*004010~\n",
                           ymd + 2, ymd);
  guint messages = 0, in_msg = 0;
  char *row[C_COUNT], *prev[C_COUNT] = {0};
  for (guint i = 1; i <= rows->len; i++) {
    gboolean end = i == rows->len;
    if (!end) {
      char **raw = g_ptr_array_index(rows, i);
      guint nraw = g_strv_length(raw);
      if (nraw == 1 && !*raw[0]) {
        end = TRUE;
      } else {
        for (int c = 0; c < C_COUNT; c++)
          row[c] = (guint)idx[c] < nraw ? raw[idx[c]] : "";
      }
    }
    if (in_msg && (end || !same_message(row, prev))) {
      char ref[16];
      g_snprintf(ref, sizeof ref, format == GEN_EDI_CUSCAR ? "%u" : "%04u", messages);
      if (format == GEN_EDI_CUSCAR) {
        g_string_append_printf(o, "UNT+%u+%s'\n", m.segs + 1, ref);
      } else {
        g_string_append_printf(o, "SE*%u*%s~\n", m.segs + 1, ref);
      }
      in_msg = 0;
    }
    if (end)
      break;
    if (!in_msg) {
      messages++;
      m.segs = 0;
      if (format == GEN_EDI_CUSCAR)
        cuscar_message_head(&m, messages, row);
      else
        x12_set_head(&m, messages, row);
    }
    in_msg++;
    if (format == GEN_EDI_CUSCAR)
      cuscar_line(&m, in_msg, row);
    else
      x12_line(&m, in_msg, row);
    memcpy(prev, row, sizeof row);
  }
  if (format == GEN_EDI_CUSCAR)
    g_string_append_printf(o, "UNZ+%u+1'\n", messages);
  else
    g_string_append_printf(o, "GE*%u*1~\nIEA*1*000000001~\n", messages);
  ok = fwrite(o->str, 1, o->len, out) == o->len;
  if (!ok)
    g_set_error(error, GEN_ERROR, GEN_ERROR_IO, "cannot write the manifest");
  g_string_free(o, TRUE);
out:
  for (guint i = 0; i < rows->len; i++)
    g_strfreev(g_ptr_array_index(rows, i));
  g_ptr_array_free(rows, TRUE);
  return ok;
}
