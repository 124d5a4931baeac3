#include "br_edi.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "br_csv_write.h"
#include "br_schema.h"

const char *
br_segment_get(const BrSegment *seg, guint element, guint component)
{
  if (element == 0 || element > seg->nelems || component == 0)
    return "";
  guint i = seg->first[element - 1] + component - 1;
  return i < seg->first[element] ? seg->values[i] : "";
}

guint
br_segment_components(const BrSegment *seg, guint element)
{
  if (element == 0 || element > seg->nelems)
    return 0;
  return seg->first[element] - seg->first[element - 1];
}

void
br_segment_clear(BrSegment *seg)
{
  if (seg->values) {
    guint n = seg->first[seg->nelems];
    for (guint i = 0; i < n; i++)
      g_free(seg->values[i]);
  }
  g_free(seg->values);
  g_free(seg->first);
  g_free(seg->tag);
  memset(seg, 0, sizeof *seg);
}

void
br_segment_builder_init(BrSegmentBuilder *b)
{
  b->values = g_ptr_array_new_with_free_func(g_free);
  b->first = g_array_new(FALSE, FALSE, sizeof(guint));
  b->cur = g_string_new(NULL);
  guint zero = 0;
  g_array_append_val(b->first, zero);
}

void
br_segment_builder_clear(BrSegmentBuilder *b)
{
  g_ptr_array_free(b->values, TRUE);
  g_array_free(b->first, TRUE);
  g_string_free(b->cur, TRUE);
}

void
br_segment_builder_end_component(BrSegmentBuilder *b)
{
  g_ptr_array_add(b->values, g_strndup(b->cur->str, b->cur->len));
  g_string_truncate(b->cur, 0);
}

void
br_segment_builder_end_element(BrSegmentBuilder *b)
{
  br_segment_builder_end_component(b);
  guint next = b->values->len;
  g_array_append_val(b->first, next);
}

void
br_segment_builder_take(BrSegmentBuilder *b, BrSegment *seg)
{
  br_segment_builder_end_component(b);
  br_segment_clear(seg);
  guint nvalues = b->values->len;
  /* Element 0 is the tag: its first component names the segment. */
  guint tag_end = b->first->len > 1 ? g_array_index(b->first, guint, 1) : nvalues;
  seg->tag = g_strdup(g_ptr_array_index(b->values, 0));
  seg->nelems = b->first->len - 1;
  seg->first = g_new(guint, seg->nelems + 1);
  for (guint e = 0; e < seg->nelems; e++)
    seg->first[e] = g_array_index(b->first, guint, e + 1) - tag_end;
  seg->first[seg->nelems] = nvalues - tag_end;
  seg->values = g_new(char *, MAX(nvalues - tag_end, 1));
  for (guint i = tag_end; i < nvalues; i++)
    seg->values[i - tag_end] = g_steal_pointer(&b->values->pdata[i]);
  g_ptr_array_set_size(b->values, 0);
  g_array_set_size(b->first, 1);
}

const char *
br_edi_function_name(BrEdiFunction function)
{
  static const char *names[] = {"original", "change", "replace", "delete", "cancel"};
  return names[function];
}

BrManifest *
br_manifest_new(void)
{
  BrManifest *m = g_new0(BrManifest, 1);
  m->lines = g_ptr_array_new_with_free_func((GDestroyNotify)br_manifest_line_free);
  m->rejects = g_string_new(NULL);
  return m;
}

void
br_manifest_free(BrManifest *m)
{
  if (!m)
    return;
  g_ptr_array_free(m->lines, TRUE);
  g_string_free(m->rejects, TRUE);
  g_free(m);
}

BrManifestLine *
br_manifest_line_new(void)
{
  return g_new0(BrManifestLine, 1);
}

void
br_manifest_line_free(BrManifestLine *line)
{
  if (!line)
    return;
  for (guint i = 0; i < BR_MF_COUNT; i++)
    g_free(line->f[i]);
  g_free(line->where);
  g_free(line);
}

void
br_manifest_line_set(BrManifestLine *line, BrManifestField field, const char *text)
{
  g_free(line->f[field]);
  line->f[field] = text && *text ? g_strdup(text) : NULL;
}

BrManifestLine *
br_manifest_line_copy(const BrManifestLine *line)
{
  BrManifestLine *c = br_manifest_line_new();
  for (guint i = 0; i < BR_MF_COUNT; i++)
    c->f[i] = g_strdup(line->f[i]);
  c->function = line->function;
  c->where = g_strdup(line->where);
  return c;
}

void
br_edi_fault_vset(BrEdiFault *f, guint seg, const char *tag, const char *fmt, va_list ap)
{
  if (f->seg)
    return;
  f->seg = seg;
  f->tag = g_strdup(tag);
  f->reason = g_strdup_vprintf(fmt, ap);
}

void
br_edi_fault_set(BrEdiFault *f, guint seg, const char *tag, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  br_edi_fault_vset(f, seg, tag, fmt, ap);
  va_end(ap);
}

void
br_edi_fault_clear(BrEdiFault *f)
{
  g_free(f->tag);
  g_free(f->reason);
}

void
br_edi_reject(BrManifest *m, const char *interchange, const char *message, guint segment,
              const char *tag, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *reason = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  GString *o = m->rejects;
  br_csv_write_field(o, interchange, strlen(interchange));
  g_string_append_c(o, ',');
  br_csv_write_field(o, message, strlen(message));
  g_string_append_printf(o, ",%u,", segment);
  br_csv_write_field(o, tag, strlen(tag));
  g_string_append_c(o, ',');
  br_csv_write_field(o, reason, strlen(reason));
  g_string_append_c(o, '\n');
  m->nrejects++;
  g_free(reason);
}

const char *
br_manifest_field_name(BrManifestField field)
{
  guint n;
  const BrCanonicalField *canon = br_canonical_fields(&n);
  g_assert(n == BR_MF_HOUSE_BOL);
  if ((guint)field < n)
    return canon[field].name;
  return field == BR_MF_HOUSE_BOL ? "House B/L" : "Seal Changed";
}

gboolean
br_manifest_field_find(const char *name, BrManifestField *out)
{
  for (guint f = 0; f < BR_MF_COUNT; f++) {
    if (g_ascii_strcasecmp(name, br_manifest_field_name((BrManifestField)f)) == 0) {
      *out = (BrManifestField)f;
      return TRUE;
    }
  }
  if (g_ascii_strcasecmp(name, "house_bol") == 0 || g_ascii_strcasecmp(name, "seal_changed") == 0) {
    *out = g_ascii_strcasecmp(name, "house_bol") == 0 ? BR_MF_HOUSE_BOL : BR_MF_SEAL_CHANGED;
    return TRUE;
  }
  return FALSE;
}

static void
append_cell(GString *out, const char *s)
{
  /* Text only: a field value never starts a formula here, so write it as given. */
  gboolean quote = strpbrk(s, ",\"\r\n") != NULL || *s == ' ' || (*s && s[strlen(s) - 1] == ' ');
  if (!quote) {
    g_string_append(out, s);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"')
      g_string_append_c(out, '"');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

GString *
br_manifest_to_csv(const BrManifest *m)
{
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < BR_MF_COUNT; i++) {
    g_string_append(out, br_manifest_field_name((BrManifestField)i));
    g_string_append_c(out, ',');
  }
  g_string_append(out, "amendment,source\n");
  for (guint r = 0; r < m->lines->len; r++) {
    const BrManifestLine *l = g_ptr_array_index(m->lines, r);
    for (guint i = 0; i < BR_MF_COUNT; i++) {
      append_cell(out, l->f[i] ? l->f[i] : "");
      g_string_append_c(out, ',');
    }
    g_string_append(out, br_edi_function_name(l->function));
    g_string_append_c(out, ',');
    append_cell(out, l->where ? l->where : "");
    g_string_append_c(out, '\n');
  }
  return out;
}

gboolean
br_edi_decimal(const char *text, char decimal_mark, GString *out)
{
  const char *p = text;
  gsize len = strlen(text);
  if (len == 0 || len > 32)
    return FALSE;
  char buf[40];
  gsize k = 0;
  gboolean digits = FALSE, point = FALSE;
  if (*p == '-' || *p == '+') {
    if (*p == '-')
      buf[k++] = '-';
    p++;
  }
  for (; *p; p++) {
    if (g_ascii_isdigit(*p)) {
      buf[k++] = *p;
      digits = TRUE;
    } else if ((*p == '.' || *p == decimal_mark) && !point) {
      buf[k++] = '.';
      point = TRUE;
    } else {
      return FALSE;
    }
  }
  if (!digits)
    return FALSE;
  buf[k] = '\0';
  g_string_assign(out, buf);
  return TRUE;
}

void
br_edi_format_number(GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(buf, sizeof buf, "%.3f", v);
  char *end = buf + strlen(buf) - 1;
  while (end > buf && *end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
  g_string_assign(out, buf);
}

gboolean
br_edi_mass_kg(const char *text, char decimal_mark, const char *unit, GString *out)
{
  static const struct {
    const char *unit;
    double kg;
  } units[] = {{"KGM", 1},          {"KG", 1},           {"K", 1},           {"KGS", 1},
               {"LBR", 0.45359237}, {"LBS", 0.45359237}, {"LB", 0.45359237}, {"L", 0.45359237},
               {"TNE", 1000},       {"T", 1000},         {"MT", 1000}};
  double factor = 0;
  for (guint i = 0; i < G_N_ELEMENTS(units); i++)
    if (g_ascii_strcasecmp(unit, units[i].unit) == 0)
      factor = units[i].kg;
  GString *num = g_string_new(NULL);
  gboolean ok = factor > 0 && br_edi_decimal(text, decimal_mark, num);
  if (ok) {
    if (factor == 1)
      g_string_assign(out, num->str);
    else
      br_edi_format_number(out, g_ascii_strtod(num->str, NULL) * factor);
  }
  g_string_free(num, TRUE);
  return ok;
}

void
br_manifest_line_sum(BrManifestLine *l, BrManifestField f, const char *v, guint *count, double *sum)
{
  if (!v)
    return;
  *sum += g_ascii_strtod(v, NULL);
  if (++*count == 1) {
    br_manifest_line_set(l, f, v);
    return;
  }
  GString *text = g_string_new(NULL);
  br_edi_format_number(text, *sum);
  br_manifest_line_set(l, f, text->str);
  g_string_free(text, TRUE);
}

gboolean
br_edi_date(const char *text, GString *out)
{
  gsize len = strlen(text);
  if (len < 8)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit(text[i]))
      return FALSE;
  int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  int m = (text[4] - '0') * 10 + (text[5] - '0');
  int d = (text[6] - '0') * 10 + (text[7] - '0');
  if (!g_date_valid_dmy(d, m, y))
    return FALSE;
  g_string_printf(out, "%04d-%02d-%02d", y, m, d);
  return TRUE;
}

char *
br_edi_join(const char *const *parts, guint n, const char *sep)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    if (!parts[i] || !*parts[i])
      continue;
    if (s->len)
      g_string_append(s, sep);
    g_string_append(s, parts[i]);
  }
  return g_string_free(s, FALSE);
}
