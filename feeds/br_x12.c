#include "br_x12.h"

#include <string.h>

#include "br_schema.h"

#define ISA_LEN 106

gboolean
br_x12_detect(const char *data, gsize len)
{
  gsize i = 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
    i++;
  return len - i >= 3 && memcmp(data + i, "ISA", 3) == 0;
}

typedef struct {
  const char *data;
  gsize len, pos;
  char elem, comp, term;
  BrSegmentBuilder b;
} Reader;

/* Next segment: 1, 0 at the end, -1 with *problem set. */
static int
reader_next(Reader *r, BrSegment *seg, const char **problem)
{
  while (r->pos < r->len && (r->data[r->pos] == '\r' || r->data[r->pos] == '\n' ||
                             r->data[r->pos] == ' ' || r->data[r->pos] == '\t'))
    r->pos++;
  if (r->pos >= r->len)
    return 0;
  *problem = NULL;
  /* A new ISA sets the separators again: each interchange may choose its own. */
  if (r->len - r->pos >= ISA_LEN && memcmp(r->data + r->pos, "ISA", 3) == 0) {
    r->elem = r->data[r->pos + 3];
    r->comp = r->data[r->pos + 104];
    r->term = r->data[r->pos + 105];
    if (r->elem == r->term || r->elem == r->comp || g_ascii_isalnum(r->elem))
      *problem = "ISA separators are not distinct non-alphanumeric characters";
  } else if (r->elem == 0) {
    *problem = "ISA is shorter than its fixed 106 characters";
    r->pos = r->len;
    br_segment_builder_take(&r->b, seg);
    g_free(seg->tag);
    seg->tag = g_strdup("ISA");
    return -1;
  }
  GString *cur = r->b.cur;
  gboolean ended = FALSE;
  while (r->pos < r->len) {
    char c = r->data[r->pos++];
    if (c == r->term) {
      ended = TRUE;
      break;
    } else if (c == r->elem) {
      br_segment_builder_end_element(&r->b);
    } else if (c == r->comp) {
      br_segment_builder_end_component(&r->b);
    } else {
      if (c == '\0' && !*problem)
        *problem = "a NUL byte";
      g_string_append_c(cur, c);
    }
  }
  br_segment_builder_take(&r->b, seg);
  if (!ended && !*problem)
    *problem = "the last segment has no terminator";
  if (!*problem) {
    gsize tl = strlen(seg->tag);
    if (tl < 2 || tl > 3 || !g_ascii_isupper(seg->tag[0]))
      *problem = "not a segment tag";
  }
  if (!*problem) {
    guint n = seg->first[seg->nelems];
    for (guint i = 0; i < n && !*problem; i++)
      if (!g_utf8_validate(seg->values[i], -1, NULL))
        *problem = "invalid UTF-8";
  }
  return *problem ? -1 : 1;
}

/* The mapping of one transaction set. */
typedef struct {
  char *number, *type;
  gboolean container;
  char *seal;
  BrManifestLine *extra; /* N9*ZZ fields given after the VID */
  GPtrArray *goods;      /* BrManifestLine* with packages, kg, hs, description, value */
} Equip;

typedef struct {
  BrManifestLine *base;
  GPtrArray *equip; /* Equip* */
  guint lx_seg;     /* where the bill starts */
  BrEdiFault fault;
} Bill;

typedef struct {
  BrManifestLine *set_base; /* M10 and P4 */
  GPtrArray *bills;
  Bill *bill;
  Equip *eq;
  BrManifestField party_name, party_addr, party_country;
  gboolean party_open;
  GString *addr;
  BrEdiFault fault;
  GString *tmp;
} Set;

static void
equip_free(Equip *e)
{
  g_free(e->number);
  g_free(e->type);
  g_free(e->seal);
  br_manifest_line_free(e->extra);
  g_ptr_array_free(e->goods, TRUE);
  g_free(e);
}

static void
bill_free(Bill *b)
{
  br_manifest_line_free(b->base);
  g_ptr_array_free(b->equip, TRUE);
  br_edi_fault_clear(&b->fault);
  g_free(b);
}

static void fault(Set *s, const BrSegment *seg, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
fault(Set *s, const BrSegment *seg, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  br_edi_fault_vset(s->bill ? &s->bill->fault : &s->fault, seg->number, seg->tag, fmt, ap);
  va_end(ap);
}

static BrManifestLine *
target(Set *s)
{
  if (s->eq)
    return s->eq->extra;
  return s->bill ? s->bill->base : s->set_base;
}

static void
close_party(Set *s)
{
  if (s->party_open && s->party_addr != BR_MF_COUNT && s->addr->len)
    br_manifest_line_set(s->bill ? s->bill->base : s->set_base, s->party_addr, s->addr->str);
  s->party_open = FALSE;
  g_string_truncate(s->addr, 0);
}

static void
on_m10(Set *s, const BrSegment *seg)
{
  BrManifestLine *t = s->set_base;
  br_manifest_line_set(t, BR_MF_CARRIER, br_segment_get(seg, 1, 1));
  const char *code = br_segment_get(seg, 4, 1);
  gboolean imo = strlen(code) == 7;
  for (const char *p = code; *p; p++)
    imo = imo && g_ascii_isdigit(*p);
  if (imo)
    br_manifest_line_set(t, BR_MF_VESSEL_IMO, code);
  br_manifest_line_set(t, BR_MF_VESSEL_NAME, br_segment_get(seg, 5, 1));
  br_manifest_line_set(t, BR_MF_VOYAGE, br_segment_get(seg, 6, 1));
  /* Element 256: B, D and X update a manifest before arrival, so each bill in it is that
   * bill anew (an M13 in the bill says otherwise). */
  const char *type = br_segment_get(seg, 9, 1);
  t->function = strcmp(type, "B") == 0 || strcmp(type, "D") == 0 || strcmp(type, "X") == 0
                    ? BR_EDI_REPLACE
                    : BR_EDI_ORIGINAL;
}

static void
on_p4(Set *s, const BrSegment *seg)
{
  close_party(s);
  s->bill = NULL;
  s->eq = NULL;
  br_manifest_line_set(s->set_base, BR_MF_DISCHARGE_PORT, br_segment_get(seg, 1, 1));
  br_manifest_line_set(s->set_base, BR_MF_PORT, br_segment_get(seg, 1, 1));
  const char *d = br_segment_get(seg, 2, 1);
  if (*d && !br_edi_date(d, s->tmp))
    fault(s, seg, "not a date CCYYMMDD: \"%.40s\"", d);
  else if (*d)
    br_manifest_line_set(s->set_base, BR_MF_ARRIVAL_DATE, s->tmp->str);
}

static void
on_lx(Set *s, const BrSegment *seg)
{
  close_party(s);
  Bill *b = g_new0(Bill, 1);
  b->lx_seg = seg->number;
  b->base = br_manifest_line_copy(s->set_base);
  b->equip = g_ptr_array_new_with_free_func((GDestroyNotify)equip_free);
  g_ptr_array_add(s->bills, b);
  s->bill = b;
  s->eq = NULL;
}

static void
on_m13(Set *s, const BrSegment *seg)
{
  if (!s->bill)
    return;
  /* Element 580: D deletes the bill; A adds one, R (quantity), N and S (second notify) amend
   * it, which for its lines is a change. */
  s->bill->base->function =
      strcmp(br_segment_get(seg, 3, 1), "D") == 0 ? BR_EDI_CANCEL : BR_EDI_CHANGE;
}

static gboolean
mass(Set *s, const BrSegment *seg, guint value_el, guint unit_el, BrManifestLine *l)
{
  const char *v = br_segment_get(seg, value_el, 1), *u = br_segment_get(seg, unit_el, 1);
  if (!*v)
    return TRUE;
  if (!br_edi_mass_kg(v, '.', u, s->tmp)) {
    fault(s, seg, "not a mass in a known unit (K, L): \"%.20s\" %.10s", v, u);
    return FALSE;
  }
  br_manifest_line_set(l, BR_MF_DECLARED_KG, s->tmp->str);
  return TRUE;
}

static gboolean
number(Set *s, const BrSegment *seg, guint el, BrManifestLine *l, BrManifestField f)
{
  const char *v = br_segment_get(seg, el, 1);
  if (!*v)
    return TRUE;
  if (!br_edi_decimal(v, '.', s->tmp)) {
    fault(s, seg, "element %02u is not a number: \"%.40s\"", el, v);
    return FALSE;
  }
  br_manifest_line_set(l, f, s->tmp->str);
  return TRUE;
}

static void
on_m11(Set *s, const BrSegment *seg)
{
  if (!s->bill)
    return;
  BrManifestLine *b = s->bill->base;
  br_manifest_line_set(b, BR_MF_BOL, br_segment_get(seg, 1, 1));
  br_manifest_line_set(b, BR_MF_LOAD_PORT, br_segment_get(seg, 2, 1));
  if (number(s, seg, 3, b, BR_MF_PACKAGES))
    mass(s, seg, 5, 6, b);
}

static void
on_n1(Set *s, const BrSegment *seg)
{
  close_party(s);
  const char *q = br_segment_get(seg, 1, 1);
  BrManifestLine *t = s->bill ? s->bill->base : s->set_base;
  BrManifestField name = BR_MF_COUNT, id = BR_MF_COUNT;
  s->party_addr = s->party_country = BR_MF_COUNT;
  if (strcmp(q, "SH") == 0) {
    name = BR_MF_SHIPPER_NAME;
    s->party_addr = BR_MF_SHIPPER_ADDRESS;
    s->party_country = BR_MF_SHIPPER_COUNTRY;
  } else if (strcmp(q, "CN") == 0) {
    name = BR_MF_CONSIGNEE_NAME;
    s->party_addr = BR_MF_CONSIGNEE_ADDRESS;
    s->party_country = BR_MF_CONSIGNEE_COUNTRY;
    id = BR_MF_IMPORTER_ID;
  } else if (strcmp(q, "N1") == 0) {
    name = BR_MF_NOTIFY_NAME;
  } else if (strcmp(q, "CA") == 0) {
    name = BR_MF_CARRIER;
  } else if (strcmp(q, "CB") == 0) {
    id = BR_MF_DECLARANT_ID;
  }
  if (name != BR_MF_COUNT)
    br_manifest_line_set(t, name, br_segment_get(seg, 2, 1));
  if (id != BR_MF_COUNT)
    br_manifest_line_set(t, id, br_segment_get(seg, 4, 1));
  s->party_open = TRUE;
}

static void
on_n3(Set *s, const BrSegment *seg)
{
  if (!s->party_open)
    return;
  for (guint e = 1; e <= 2; e++) {
    const char *v = br_segment_get(seg, e, 1);
    if (!*v)
      continue;
    if (s->addr->len)
      g_string_append_c(s->addr, ' ');
    g_string_append(s->addr, v);
  }
}

static void
on_n4(Set *s, const BrSegment *seg)
{
  if (!s->party_open)
    return;
  for (guint e = 1; e <= 3; e += 2) {
    const char *v = br_segment_get(seg, e, 1);
    if (*v) {
      if (s->addr->len)
        g_string_append(s->addr, ", ");
      g_string_append(s->addr, v);
    }
  }
  if (s->party_country != BR_MF_COUNT)
    br_manifest_line_set(s->bill ? s->bill->base : s->set_base, s->party_country,
                         br_segment_get(seg, 4, 1));
}

static void
on_vid(Set *s, const BrSegment *seg)
{
  close_party(s);
  if (!s->bill) {
    fault(s, seg, "equipment outside a bill (no LX before it)");
    return;
  }
  Equip *e = g_new0(Equip, 1);
  e->container = strcmp(br_segment_get(seg, 1, 1), "CN") == 0;
  e->number = g_strconcat(br_segment_get(seg, 2, 1), br_segment_get(seg, 3, 1), NULL);
  const char *seals[] = {br_segment_get(seg, 4, 1), br_segment_get(seg, 5, 1)};
  e->seal = br_edi_join(seals, 2, ";");
  e->type = g_strdup(br_segment_get(seg, 9, 1));
  e->extra = br_manifest_line_new();
  e->goods = g_ptr_array_new_with_free_func((GDestroyNotify)br_manifest_line_free);
  g_ptr_array_add(s->bill->equip, e);
  s->eq = e;
}

static void
on_n10(Set *s, const BrSegment *seg)
{
  if (!s->eq) {
    fault(s, seg, "goods (N10) outside equipment (no VID before them)");
    return;
  }
  BrManifestLine *g = br_manifest_line_new();
  g_ptr_array_add(s->eq->goods, g);
  br_manifest_line_set(g, BR_MF_DESCRIPTION, br_segment_get(seg, 2, 1));
  br_manifest_line_set(g, BR_MF_HS_CODE, br_segment_get(seg, 5, 1));
  if (number(s, seg, 1, g, BR_MF_PACKAGES) && number(s, seg, 6, g, BR_MF_VALUE))
    mass(s, seg, 8, 7, g);
}

static void
on_n9(Set *s, const BrSegment *seg)
{
  if (strcmp(br_segment_get(seg, 1, 1), "ZZ") != 0)
    return;
  const char *name = br_segment_get(seg, 3, 1), *v = br_segment_get(seg, 2, 1);
  BrManifestField f;
  if (!br_manifest_field_find(name, &f))
    return;
  const BrCanonicalField *canon = br_canonical_find(br_manifest_field_name(f));
  BrType type = canon ? canon->type : BR_TYPE_STRING;
  if ((type == BR_TYPE_DECIMAL || type == BR_TYPE_INT) && !br_edi_decimal(v, '.', s->tmp)) {
    fault(s, seg, "%s is not a number: \"%.40s\"", name, v);
    return;
  }
  if (type == BR_TYPE_DATE && !br_edi_date(v, s->tmp)) {
    fault(s, seg, "%s is not a date CCYYMMDD: \"%.40s\"", name, v);
    return;
  }
  br_manifest_line_set(target(s), f,
                       type == BR_TYPE_STRING || type == BR_TYPE_LIST ? v : s->tmp->str);
}

static const struct {
  const char *tag;
  void (*fn)(Set *, const BrSegment *);
} handlers[] = {
    {"M10", on_m10}, {"P4", on_p4},   {"LX", on_lx}, {"M13", on_m13},
    {"M11", on_m11}, {"N1", on_n1},   {"N3", on_n3}, {"N4", on_n4},
    {"VID", on_vid}, {"N10", on_n10}, {"N9", on_n9},
};

static void
emit(const Bill *b, const Equip *e, const char *where, GPtrArray *lines)
{
  BrManifestLine *l = br_manifest_line_copy(b->base);
  if (e) {
    if (e->container) {
      br_manifest_line_set(l, BR_MF_CONTAINER, e->number);
      br_manifest_line_set(l, BR_MF_CONTAINER_TYPE, e->type);
    }
    br_manifest_line_set(l, BR_MF_SEAL, e->seal);
    if (e->goods->len) {
      br_manifest_line_set(l, BR_MF_PACKAGES, NULL);
      br_manifest_line_set(l, BR_MF_DECLARED_KG, NULL);
    }
    guint np = 0, nk = 0, nv = 0;
    double sp = 0, sk = 0, sv = 0;
    GString *desc = g_string_new(NULL);
    for (guint i = 0; i < e->goods->len; i++) {
      const BrManifestLine *g = g_ptr_array_index(e->goods, i);
      br_manifest_line_sum(l, BR_MF_PACKAGES, g->f[BR_MF_PACKAGES], &np, &sp);
      br_manifest_line_sum(l, BR_MF_DECLARED_KG, g->f[BR_MF_DECLARED_KG], &nk, &sk);
      br_manifest_line_sum(l, BR_MF_VALUE, g->f[BR_MF_VALUE], &nv, &sv);
      if (g->f[BR_MF_DESCRIPTION]) {
        if (desc->len)
          g_string_append(desc, " / ");
        g_string_append(desc, g->f[BR_MF_DESCRIPTION]);
      }
      if (i == 0)
        br_manifest_line_set(l, BR_MF_HS_CODE, g->f[BR_MF_HS_CODE]);
    }
    if (desc->len)
      br_manifest_line_set(l, BR_MF_DESCRIPTION, desc->str);
    g_string_free(desc, TRUE);
    for (guint f = 0; f < BR_MF_COUNT; f++)
      if (e->extra->f[f])
        br_manifest_line_set(l, (BrManifestField)f, e->extra->f[f]);
  }
  if (l->f[BR_MF_VALUE] && !l->f[BR_MF_CURRENCY])
    br_manifest_line_set(l, BR_MF_CURRENCY, "USD");
  if (!l->f[BR_MF_RECORD_ID]) {
    const char *parts[] = {l->f[BR_MF_BOL], l->f[BR_MF_CONTAINER]};
    char *id = br_edi_join(parts, 2, "/");
    br_manifest_line_set(l, BR_MF_RECORD_ID, id);
    g_free(id);
  }
  l->where = g_strdup(where);
  g_ptr_array_add(lines, l);
}

/* Maps a checked transaction set (segs[0] is ST, segs[n - 1] SE). */
static void
map_set(const char *isa, const char *st, const BrSegment *segs, guint n, GPtrArray *lines,
        BrManifest *out)
{
  if (strcmp(br_segment_get(&segs[0], 1, 1), "309") != 0) {
    br_edi_reject(out, isa, st, 1, "ST", "transaction set %s is not a 309 customs manifest",
                  br_segment_get(&segs[0], 1, 1));
    return;
  }
  Set s = {
      .set_base = br_manifest_line_new(),
      .bills = g_ptr_array_new_with_free_func((GDestroyNotify)bill_free),
      .addr = g_string_new(NULL),
      .tmp = g_string_new(NULL),
  };
  for (guint i = 1; i + 1 < n; i++)
    for (guint h = 0; h < G_N_ELEMENTS(handlers); h++)
      if (strcmp(segs[i].tag, handlers[h].tag) == 0) {
        handlers[h].fn(&s, &segs[i]);
        break;
      }
  close_party(&s);
  char *where = g_strdup_printf("interchange %s, transaction set %s", isa, st);
  if (s.fault.seg) {
    br_edi_reject(out, isa, st, s.fault.seg, s.fault.tag, "%s", s.fault.reason);
  } else if (s.bills->len == 0) {
    br_edi_reject(out, isa, st, 0, "", "transaction set reports no bill (LX)");
  } else {
    for (guint i = 0; i < s.bills->len; i++) {
      Bill *b = g_ptr_array_index(s.bills, i);
      if (!b->base->f[BR_MF_BOL])
        br_edi_fault_set(&b->fault, b->lx_seg, "LX", "bill without a B/L number (M11)");
      if (b->fault.seg) {
        br_edi_reject(out, isa, st, b->fault.seg, b->fault.tag, "B/L %s: %s",
                      b->base->f[BR_MF_BOL] ? b->base->f[BR_MF_BOL] : "?", b->fault.reason);
        continue;
      }
      if (b->equip->len == 0)
        emit(b, NULL, where, lines);
      for (guint k = 0; k < b->equip->len; k++)
        emit(b, g_ptr_array_index(b->equip, k), where, lines);
    }
  }
  g_free(where);
  br_manifest_line_free(s.set_base);
  g_ptr_array_free(s.bills, TRUE);
  g_string_free(s.addr, TRUE);
  g_string_free(s.tmp, TRUE);
  br_edi_fault_clear(&s.fault);
}

typedef struct {
  BrManifest *out;
  char *isa;      /* ISA13; NULL outside an interchange */
  char *gs;       /* GS06; NULL outside a group */
  guint64 groups; /* in the interchange */
  guint64 sets;   /* in the group */
  guint segs;     /* since ISA */
  gboolean skipping;
  GPtrArray *pending;     /* lines of the interchange */
  GPtrArray *group_lines; /* lines of the group */
  GArray *set;            /* BrSegment of the open transaction set */
  gboolean set_broken;
} State;

static const char *
isa_name(State *s)
{
  return s->isa ? s->isa : "";
}

static void
set_drop(State *s)
{
  for (guint i = 0; i < s->set->len; i++)
    br_segment_clear(&g_array_index(s->set, BrSegment, i));
  g_array_set_size(s->set, 0);
  s->set_broken = FALSE;
}

static void
interchange_drop(State *s, guint segment, const char *tag, const char *reason)
{
  gboolean had = s->pending->len || s->group_lines->len;
  br_edi_reject(s->out, isa_name(s), "", segment, tag, "%s%s", reason,
                had ? ": the interchange is rejected whole" : "");
  g_ptr_array_set_size(s->pending, 0);
  g_ptr_array_set_size(s->group_lines, 0);
  g_clear_pointer(&s->isa, g_free);
  g_clear_pointer(&s->gs, g_free);
  if (s->set->len)
    set_drop(s);
  s->skipping = TRUE;
}

static gboolean
count_is(const char *text, guint64 want)
{
  if (!*text)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit(*p))
      return FALSE;
  return g_ascii_strtoull(text, NULL, 10) == want;
}

static void
set_end(State *s, const BrSegment *se)
{
  const BrSegment *st = &g_array_index(s->set, BrSegment, 0);
  const char *ref = br_segment_get(st, 2, 1);
  s->out->nmessages++;
  s->sets++;
  if (s->set_broken)
    return;
  if (!count_is(br_segment_get(se, 1, 1), s->set->len)) {
    br_edi_reject(s->out, isa_name(s), ref, s->set->len, "SE",
                  "SE counts %s segments, the transaction set has %u", br_segment_get(se, 1, 1),
                  s->set->len);
    return;
  }
  if (strcmp(br_segment_get(se, 2, 1), ref) != 0) {
    br_edi_reject(s->out, isa_name(s), ref, s->set->len, "SE", "SE02 %s differs from ST02 %s",
                  br_segment_get(se, 2, 1), ref);
    return;
  }
  map_set(isa_name(s), ref, (const BrSegment *)s->set->data, s->set->len, s->group_lines, s->out);
}

static void
on_segment(State *s, BrSegment *seg)
{
  const char *tag = seg->tag;
  s->segs++;
  if (strcmp(tag, "ISA") == 0) {
    if (s->isa)
      interchange_drop(s, s->segs, tag, "a new ISA before this interchange's IEA");
    s->segs = 1;
    s->groups = 0;
    s->isa = g_strstrip(g_strdup(br_segment_get(seg, 13, 1)));
    /* Without its control number the IEA cannot be checked, nor a reject say which
     * interchange it is from: skip the interchange, saying so once. */
    s->skipping = *s->isa == '\0';
    if (s->skipping) {
      g_clear_pointer(&s->isa, g_free);
      br_edi_reject(s->out, "", "", s->segs, tag,
                    "ISA without its control number (ISA13): the interchange is skipped");
    }
    return;
  }
  if (!s->isa) {
    if (!s->skipping)
      br_edi_reject(s->out, "", "", s->segs, tag, "segment outside an interchange (no ISA)");
    return;
  }
  if (s->set->len) {
    BrSegment copy = *seg;
    memset(seg, 0, sizeof *seg);
    copy.number = s->set->len + 1;
    if (strcmp(tag, "ST") == 0 || strcmp(tag, "GE") == 0 || strcmp(tag, "IEA") == 0 ||
        strcmp(tag, "GS") == 0) {
      const BrSegment *st = &g_array_index(s->set, BrSegment, 0);
      if (!s->set_broken)
        br_edi_reject(s->out, isa_name(s), br_segment_get(st, 2, 1), copy.number, tag,
                      "transaction set has no SE");
      s->out->nmessages++;
      s->sets++;
      set_drop(s);
      *seg = copy;
      s->segs--;
      on_segment(s, seg);
      return;
    }
    g_array_append_val(s->set, copy);
    if (strcmp(tag, "SE") == 0) {
      set_end(s, &copy);
      set_drop(s);
    }
    return;
  }
  if (strcmp(tag, "ST") == 0) {
    if (!s->gs)
      br_edi_reject(s->out, isa_name(s), br_segment_get(seg, 2, 1), 1, tag,
                    "transaction set outside a functional group (no GS)");
    BrSegment copy = *seg;
    memset(seg, 0, sizeof *seg);
    copy.number = 1;
    g_array_append_val(s->set, copy);
    s->set_broken = !s->gs;
  } else if (strcmp(tag, "GS") == 0) {
    if (s->gs)
      interchange_drop(s, s->segs, tag, "a new GS before this group's GE");
    else {
      s->gs = g_strdup(br_segment_get(seg, 6, 1));
      s->sets = 0;
      s->groups++;
    }
  } else if (strcmp(tag, "GE") == 0) {
    if (!s->gs || !count_is(br_segment_get(seg, 1, 1), s->sets) ||
        strcmp(br_segment_get(seg, 2, 1), s->gs) != 0) {
      char *why = g_strdup_printf(
          "GE counts %s transaction sets for group %s, the group has %" G_GUINT64_FORMAT
          " (group %s)",
          br_segment_get(seg, 1, 1), br_segment_get(seg, 2, 1), s->sets, s->gs ? s->gs : "none");
      interchange_drop(s, s->segs, tag, why);
      g_free(why);
      return;
    }
    for (guint i = 0; i < s->group_lines->len; i++)
      g_ptr_array_add(s->pending, g_steal_pointer(&s->group_lines->pdata[i]));
    g_ptr_array_set_size(s->group_lines, 0);
    g_clear_pointer(&s->gs, g_free);
  } else if (strcmp(tag, "IEA") == 0) {
    if (s->gs) {
      interchange_drop(s, s->segs, tag, "IEA before the group's GE");
      return;
    }
    if (!count_is(br_segment_get(seg, 1, 1), s->groups) ||
        strcmp(br_segment_get(seg, 2, 1), s->isa) != 0) {
      char *why = g_strdup_printf(
          "IEA counts %s groups for interchange %s, the interchange has %" G_GUINT64_FORMAT,
          br_segment_get(seg, 1, 1), br_segment_get(seg, 2, 1), s->groups);
      interchange_drop(s, s->segs, tag, why);
      g_free(why);
      return;
    }
    for (guint i = 0; i < s->pending->len; i++)
      g_ptr_array_add(s->out->lines, g_steal_pointer(&s->pending->pdata[i]));
    g_ptr_array_set_size(s->pending, 0);
    g_clear_pointer(&s->isa, g_free);
  } else {
    br_edi_reject(s->out, isa_name(s), "", s->segs, tag,
                  "segment outside a transaction set (no ST before it)");
  }
}

BrManifest *
br_x12_read(const char *data, gsize len)
{
  BrManifest *out = br_manifest_new();
  State s = {.out = out};
  s.pending = g_ptr_array_new_with_free_func((GDestroyNotify)br_manifest_line_free);
  s.group_lines = g_ptr_array_new_with_free_func((GDestroyNotify)br_manifest_line_free);
  s.set = g_array_new(FALSE, TRUE, sizeof(BrSegment));
  Reader r = {.data = data, .len = len};
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    r.pos = 3;
  br_segment_builder_init(&r.b);
  BrSegment seg = {0};
  const char *problem = NULL;
  int rc;
  while ((rc = reader_next(&r, &seg, &problem)) != 0) {
    if (rc > 0) {
      on_segment(&s, &seg);
      continue;
    }
    if (s.set->len) {
      const BrSegment *st = &g_array_index(s.set, BrSegment, 0);
      if (!s.set_broken)
        br_edi_reject(out, isa_name(&s), br_segment_get(st, 2, 1), s.set->len + 1,
                      seg.tag ? seg.tag : "", "%s", problem);
      s.set_broken = TRUE;
      gboolean is_se = seg.tag && strcmp(seg.tag, "SE") == 0;
      BrSegment copy = seg;
      memset(&seg, 0, sizeof seg);
      g_array_append_val(s.set, copy);
      if (is_se) {
        out->nmessages++;
        s.sets++;
        set_drop(&s);
      }
    } else if (s.isa) {
      interchange_drop(&s, s.segs + 1, seg.tag ? seg.tag : "", problem);
    } else {
      br_edi_reject(out, "", "", s.segs + 1, seg.tag ? seg.tag : "", "%s", problem);
      s.skipping = TRUE;
    }
  }
  if (s.set->len) {
    const BrSegment *st = &g_array_index(s.set, BrSegment, 0);
    if (!s.set_broken)
      br_edi_reject(out, isa_name(&s), br_segment_get(st, 2, 1), s.set->len, "",
                    "the data ends inside the transaction set (no SE)");
    out->nmessages++;
    set_drop(&s);
  }
  if (s.isa)
    interchange_drop(&s, s.segs, "", "the data ends before IEA");
  br_segment_clear(&seg);
  g_array_free(s.set, TRUE);
  g_ptr_array_free(s.pending, TRUE);
  g_ptr_array_free(s.group_lines, TRUE);
  g_free(s.isa);
  g_free(s.gs);
  br_segment_builder_clear(&r.b);
  return out;
}
