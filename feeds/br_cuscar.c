#include "br_cuscar.h"

#include <string.h>

#include "br_edifact.h"

typedef struct {
  char *number;
  char *type;
  gboolean container;
  GPtrArray *seals; /* char* */
  gboolean seal_condition_bad;
  char *vgm;
  char *record_id;
} Equip;

typedef struct {
  char *packages;
  char *kg;
  char *hs;
  GString *desc;
  char *value;
  char *currency;
  char *origin;
  char *record_id;
  GPtrArray *sgp; /* char* equipment numbers */
} Goods;

typedef struct {
  BrManifestLine *base; /* message fields, then the consignment's own */
  GPtrArray *goods;     /* Goods* */
  GPtrArray *equip;     /* Equip* declared in the consignment */
  guint cni_seg;        /* where the consignment starts */
  BrEdiFault fault;
} Consignment;

typedef struct {
  const BrEdifactMessage *msg;
  BrManifestLine *base;
  BrEdiFunction function;
  GPtrArray *equip; /* Equip* of the message */
  GPtrArray *consignments;
  Consignment *cni; /* open consignment */
  Goods *goods;     /* open goods item */
  Equip *eq;        /* open equipment */
  BrEdiFault fault; /* message-level fault */
  GString *tmp;
} Msg;

static void
equip_free(Equip *e)
{
  g_free(e->number);
  g_free(e->type);
  g_ptr_array_free(e->seals, TRUE);
  g_free(e->vgm);
  g_free(e->record_id);
  g_free(e);
}

static Equip *
equip_new(void)
{
  Equip *e = g_new0(Equip, 1);
  e->seals = g_ptr_array_new_with_free_func(g_free);
  return e;
}

static void
goods_free(Goods *g)
{
  g_free(g->packages);
  g_free(g->kg);
  g_free(g->hs);
  g_string_free(g->desc, TRUE);
  g_free(g->value);
  g_free(g->currency);
  g_free(g->origin);
  g_free(g->record_id);
  g_ptr_array_free(g->sgp, TRUE);
  g_free(g);
}

static void
consignment_free(Consignment *c)
{
  br_manifest_line_free(c->base);
  g_ptr_array_free(c->goods, TRUE);
  g_ptr_array_free(c->equip, TRUE);
  br_edi_fault_clear(&c->fault);
  g_free(c);
}

static void fault(Msg *m, const BrSegment *seg, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Records the first fault of the open consignment, or of the message outside one. */
static void
fault(Msg *m, const BrSegment *seg, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  br_edi_fault_vset(m->cni ? &m->cni->fault : &m->fault, seg->number, seg->tag, fmt, ap);
  va_end(ap);
}

static BrManifestLine *
target(Msg *m)
{
  return m->cni ? m->cni->base : m->base;
}

static void
set_copy(char **slot, const char *text)
{
  g_free(*slot);
  *slot = *text ? g_strdup(text) : NULL;
}

static void
on_bgm(Msg *m, const BrSegment *seg)
{
  const char *f = br_segment_get(seg, 3, 1);
  static const char *originals[] = {"", "9", "2", "6", "7", "31", "43", "46", "47"};
  for (guint i = 0; i < G_N_ELEMENTS(originals); i++)
    if (strcmp(f, originals[i]) == 0) {
      m->function = BR_EDI_ORIGINAL;
      return;
    }
  /* UN/EDIFACT 1225: 5 "message replacing a previous message", 4 "items to be changed", 3
   * "items to be deleted", 1 "cancelling a previous transmission". */
  if (strcmp(f, "5") == 0)
    m->function = BR_EDI_REPLACE;
  else if (strcmp(f, "4") == 0)
    m->function = BR_EDI_CHANGE;
  else if (strcmp(f, "3") == 0)
    m->function = BR_EDI_DELETE;
  else if (strcmp(f, "1") == 0)
    m->function = BR_EDI_CANCEL;
  else
    fault(m, seg, "message function %s is not one this reader knows (9, 5, 4, 3 or 1)", f);
}

static void
on_dtm(Msg *m, const BrSegment *seg)
{
  const char *q = br_segment_get(seg, 1, 1);
  if (strcmp(q, "132") != 0 && strcmp(q, "178") != 0)
    return;
  const char *v = br_segment_get(seg, 1, 2), *fmt = br_segment_get(seg, 1, 3);
  char buf[16];
  if (strcmp(fmt, "101") == 0 && strlen(v) == 6) {
    g_snprintf(buf, sizeof buf, "20%s", v);
    v = buf;
  } else if (*fmt && strcmp(fmt, "102") != 0 && strcmp(fmt, "203") != 0 &&
             strcmp(fmt, "204") != 0) {
    fault(m, seg, "date format %s is not one this reader knows (102, 203, 204 or 101)", fmt);
    return;
  }
  if (!br_edi_date(v, m->tmp)) {
    fault(m, seg, "not a date: \"%.40s\"", v);
    return;
  }
  /* The actual arrival, when given, wins over the estimate. */
  BrManifestLine *t = target(m);
  if (strcmp(q, "178") == 0 || !t->f[BR_MF_ARRIVAL_DATE])
    br_manifest_line_set(t, BR_MF_ARRIVAL_DATE, m->tmp->str);
}

static gboolean
imo_number(const char *id, char out[8])
{
  if (g_ascii_strncasecmp(id, "IMO", 3) == 0)
    id += 3;
  while (*id == ' ')
    id++;
  if (strlen(id) != 7)
    return FALSE;
  for (int i = 0; i < 7; i++)
    if (!g_ascii_isdigit(id[i]))
      return FALSE;
  memcpy(out, id, 8);
  return TRUE;
}

static void
on_tdt(Msg *m, const BrSegment *seg)
{
  BrManifestLine *t = target(m);
  br_manifest_line_set(t, BR_MF_VOYAGE, br_segment_get(seg, 2, 1));
  const char *carrier = br_segment_get(seg, 5, 4);
  if (!*carrier)
    carrier = br_segment_get(seg, 5, 1);
  if (*carrier)
    br_manifest_line_set(t, BR_MF_CARRIER, carrier);
  br_manifest_line_set(t, BR_MF_VESSEL_NAME, br_segment_get(seg, 8, 4));
  char imo[8];
  if (imo_number(br_segment_get(seg, 8, 1), imo))
    br_manifest_line_set(t, BR_MF_VESSEL_IMO, imo);
  m->eq = NULL;
  m->goods = NULL;
}

static void
append_list(BrManifestLine *t, BrManifestField f, const char *code)
{
  if (!t->f[f]) {
    t->f[f] = g_strdup(code);
    return;
  }
  char *joined = g_strconcat(t->f[f], ";", code, NULL);
  g_free(t->f[f]);
  t->f[f] = joined;
}

static void
on_loc(Msg *m, const BrSegment *seg)
{
  const char *q = br_segment_get(seg, 1, 1), *id = br_segment_get(seg, 2, 1);
  if (!*id)
    return;
  if (m->goods && strcmp(q, "27") == 0) {
    set_copy(&m->goods->origin, id);
    return;
  }
  BrManifestLine *t = target(m);
  if (strcmp(q, "9") == 0)
    br_manifest_line_set(t, BR_MF_LOAD_PORT, id);
  else if (strcmp(q, "11") == 0 || strcmp(q, "12") == 0)
    br_manifest_line_set(t, BR_MF_DISCHARGE_PORT, id);
  else if (strcmp(q, "13") == 0)
    append_list(t, BR_MF_TRANSSHIP_PORTS, id);
  else if (strcmp(q, "22") == 0)
    br_manifest_line_set(t, BR_MF_PORT, id);
  else if (strcmp(q, "27") == 0)
    br_manifest_line_set(t, BR_MF_ORIGIN_COUNTRY, id);
}

static void
on_cni(Msg *m, const BrSegment *seg)
{
  Consignment *c = g_new0(Consignment, 1);
  c->base = br_manifest_line_copy(m->base);
  c->goods = g_ptr_array_new_with_free_func((GDestroyNotify)goods_free);
  c->equip = g_ptr_array_new_with_free_func((GDestroyNotify)equip_free);
  c->cni_seg = seg->number;
  br_manifest_line_set(c->base, BR_MF_BOL, br_segment_get(seg, 2, 1));
  g_ptr_array_add(m->consignments, c);
  m->cni = c;
  m->goods = NULL;
  m->eq = NULL;
}

static void
on_rff(Msg *m, const BrSegment *seg)
{
  const char *q = br_segment_get(seg, 1, 1), *ref = br_segment_get(seg, 1, 2);
  if (!*ref)
    return;
  if (strcmp(q, "ZZZ") == 0) {
    if (m->goods)
      set_copy(&m->goods->record_id, ref);
    else if (m->eq)
      set_copy(&m->eq->record_id, ref);
    else
      br_manifest_line_set(target(m), BR_MF_RECORD_ID, ref);
  } else if (strcmp(q, "BM") == 0 && m->cni) {
    br_manifest_line_set(m->cni->base, BR_MF_BOL, ref);
  } else if (strcmp(q, "BH") == 0 && m->cni) {
    br_manifest_line_set(m->cni->base, BR_MF_HOUSE_BOL, ref);
  }
}

static void
on_nad(Msg *m, const BrSegment *seg)
{
  const char *q = br_segment_get(seg, 1, 1);
  BrManifestField name_f, addr_f = BR_MF_COUNT, country_f = BR_MF_COUNT, id_f = BR_MF_COUNT;
  if (strcmp(q, "CZ") == 0) {
    name_f = BR_MF_SHIPPER_NAME;
    addr_f = BR_MF_SHIPPER_ADDRESS;
    country_f = BR_MF_SHIPPER_COUNTRY;
  } else if (strcmp(q, "CN") == 0) {
    name_f = BR_MF_CONSIGNEE_NAME;
    addr_f = BR_MF_CONSIGNEE_ADDRESS;
    country_f = BR_MF_CONSIGNEE_COUNTRY;
    id_f = BR_MF_IMPORTER_ID;
  } else if (strcmp(q, "NI") == 0 || strcmp(q, "N1") == 0) {
    name_f = BR_MF_NOTIFY_NAME;
  } else if (strcmp(q, "CA") == 0) {
    name_f = BR_MF_CARRIER;
  } else if (strcmp(q, "DT") == 0) {
    name_f = BR_MF_COUNT;
    id_f = BR_MF_DECLARANT_ID;
  } else {
    return;
  }
  BrManifestLine *t = target(m);
  const char *parts[5];
  guint e = br_segment_components(seg, 4) ? 4 : 3;
  for (guint i = 0; i < 5; i++)
    parts[i] = br_segment_get(seg, e, i + 1);
  char *name = br_edi_join(parts, 5, " ");
  if (name_f != BR_MF_COUNT && *name)
    br_manifest_line_set(t, name_f, name);
  g_free(name);
  if (id_f != BR_MF_COUNT)
    br_manifest_line_set(t, id_f, br_segment_get(seg, 2, 1));
  if (addr_f != BR_MF_COUNT) {
    for (guint i = 0; i < 4; i++)
      parts[i] = br_segment_get(seg, 5, i + 1);
    char *street = br_edi_join(parts, 4, " ");
    const char *lines[] = {street, br_segment_get(seg, 6, 1), br_segment_get(seg, 8, 1)};
    char *addr = br_edi_join(lines, 3, ", ");
    br_manifest_line_set(t, addr_f, addr);
    g_free(addr);
    g_free(street);
    br_manifest_line_set(t, country_f, br_segment_get(seg, 9, 1));
  }
}

static void
on_cpi(Msg *m, const BrSegment *seg)
{
  const char *a = br_segment_get(seg, 3, 1);
  const char *terms = strcmp(a, "P") == 0 ? "PREPAID" : strcmp(a, "C") == 0 ? "COLLECT" : a;
  br_manifest_line_set(target(m), BR_MF_FREIGHT_TERMS, terms);
}

static void
on_moa(Msg *m, const BrSegment *seg)
{
  const char *q = br_segment_get(seg, 1, 1), *amount = br_segment_get(seg, 1, 2);
  gboolean value = strcmp(q, "38") == 0 || strcmp(q, "39") == 0;
  if (!value && strcmp(q, "64") != 0)
    return;
  if (!br_edi_decimal(amount, m->msg->decimal_mark, m->tmp)) {
    fault(m, seg, "amount is not a number: \"%.40s\"", amount);
    return;
  }
  if (value && m->goods) {
    set_copy(&m->goods->value, m->tmp->str);
    set_copy(&m->goods->currency, br_segment_get(seg, 1, 3));
  } else if (value) {
    br_manifest_line_set(target(m), BR_MF_VALUE, m->tmp->str);
    br_manifest_line_set(target(m), BR_MF_CURRENCY, br_segment_get(seg, 1, 3));
  } else {
    br_manifest_line_set(target(m), BR_MF_FREIGHT_AMOUNT, m->tmp->str);
  }
}

static void
on_gid(Msg *m, const BrSegment *seg)
{
  if (!m->cni) {
    fault(m, seg, "goods item outside a consignment (no CNI before it)");
    return;
  }
  Goods *g = g_new0(Goods, 1);
  g->desc = g_string_new(NULL);
  g->sgp = g_ptr_array_new_with_free_func(g_free);
  const char *n = br_segment_get(seg, 2, 1);
  if (*n && !br_edi_decimal(n, '.', m->tmp))
    fault(m, seg, "number of packages is not a number: \"%.40s\"", n);
  else
    set_copy(&g->packages, n);
  g_ptr_array_add(m->cni->goods, g);
  m->goods = g;
  m->eq = NULL;
}

static void
on_ftx(Msg *m, const BrSegment *seg)
{
  if (!m->goods || strcmp(br_segment_get(seg, 1, 1), "AAA") != 0)
    return;
  const char *parts[5];
  for (guint i = 0; i < 5; i++)
    parts[i] = br_segment_get(seg, 4, i + 1);
  char *text = br_edi_join(parts, 5, " ");
  if (*text && m->goods->desc->len)
    g_string_append_c(m->goods->desc, ' ');
  g_string_append(m->goods->desc, text);
  g_free(text);
}

static void
on_pia(Msg *m, const BrSegment *seg)
{
  if (!m->goods || m->goods->hs)
    return;
  for (guint e = 2; e <= MIN(seg->nelems, 6u); e++)
    if (strcmp(br_segment_get(seg, e, 2), "HS") == 0 && *br_segment_get(seg, e, 1)) {
      m->goods->hs = g_strdup(br_segment_get(seg, e, 1));
      return;
    }
}

static void
on_mea(Msg *m, const BrSegment *seg)
{
  const char *attr = br_segment_get(seg, 2, 1), *unit = br_segment_get(seg, 3, 1),
             *v = br_segment_get(seg, 3, 2);
  char **slot = NULL;
  if (m->goods && (strcmp(attr, "G") == 0 || strcmp(attr, "AAB") == 0))
    slot = &m->goods->kg;
  else if (m->eq && strcmp(attr, "VGM") == 0)
    slot = &m->eq->vgm;
  if (!slot)
    return;
  if (!br_edi_mass_kg(v, m->msg->decimal_mark, unit, m->tmp)) {
    fault(m, seg, "not a mass in a known unit (KGM, LBR, TNE): \"%.20s\" %.10s", v, unit);
    return;
  }
  set_copy(slot, m->tmp->str);
}

static void
on_sgp(Msg *m, const BrSegment *seg)
{
  const char *id = br_segment_get(seg, 1, 1);
  if (m->goods && *id)
    g_ptr_array_add(m->goods->sgp, g_strdup(id));
}

static void
on_eqd(Msg *m, const BrSegment *seg)
{
  Equip *e = equip_new();
  const char *q = br_segment_get(seg, 1, 1);
  e->container = strcmp(q, "CN") == 0 || *q == '\0';
  e->number = g_strdup(br_segment_get(seg, 2, 1));
  set_copy(&e->type, br_segment_get(seg, 3, 1));
  if (!*e->number)
    fault(m, seg, "equipment without an identification number");
  g_ptr_array_add(m->cni ? m->cni->equip : m->equip, e);
  m->eq = e;
  m->goods = NULL;
}

static void
on_sel(Msg *m, const BrSegment *seg)
{
  const char *n = br_segment_get(seg, 1, 1), *cond = br_segment_get(seg, 3, 1);
  if (!m->eq || !*n)
    return;
  g_ptr_array_add(m->eq->seals, g_strdup(n));
  if (*cond && strcmp(cond, "1") != 0)
    m->eq->seal_condition_bad = TRUE;
}

static const struct {
  const char *tag;
  void (*fn)(Msg *, const BrSegment *);
} handlers[] = {
    {"BGM", on_bgm}, {"DTM", on_dtm}, {"TDT", on_tdt}, {"LOC", on_loc},
    {"CNI", on_cni}, {"RFF", on_rff}, {"NAD", on_nad}, {"CPI", on_cpi},
    {"MOA", on_moa}, {"GID", on_gid}, {"FTX", on_ftx}, {"PIA", on_pia},
    {"MEA", on_mea}, {"SGP", on_sgp}, {"EQD", on_eqd}, {"SEL", on_sel},
};

static Equip *
find_equip(GPtrArray *list, const char *number)
{
  for (guint i = 0; i < list->len; i++) {
    Equip *e = g_ptr_array_index(list, i);
    if (strcmp(e->number, number) == 0)
      return e;
  }
  return NULL;
}

static gboolean
goods_on(const Goods *g, const Equip *e, gboolean any_sgp)
{
  if (!any_sgp || g->sgp->len == 0 || !e)
    return TRUE;
  for (guint i = 0; i < g->sgp->len; i++)
    if (strcmp(g_ptr_array_index(g->sgp, i), e->number) == 0)
      return TRUE;
  return FALSE;
}

static void
emit_line(Msg *m, Consignment *c, const Equip *e, gboolean any_sgp, GPtrArray *lines)
{
  BrManifestLine *l = br_manifest_line_copy(c->base);
  l->function = m->function;
  if (e) {
    if (e->container) {
      br_manifest_line_set(l, BR_MF_CONTAINER, e->number);
      br_manifest_line_set(l, BR_MF_CONTAINER_TYPE, e->type);
    }
    if (e->seals->len) {
      g_ptr_array_add(e->seals, NULL);
      char *seals = g_strjoinv(";", (char **)e->seals->pdata);
      g_ptr_array_remove_index(e->seals, e->seals->len - 1);
      br_manifest_line_set(l, BR_MF_SEAL, seals);
      g_free(seals);
      br_manifest_line_set(l, BR_MF_SEAL_CHANGED, e->seal_condition_bad ? "Y" : "N");
    }
    if (e->vgm)
      br_manifest_line_set(l, BR_MF_MEASURED_KG, e->vgm);
    if (e->record_id)
      br_manifest_line_set(l, BR_MF_RECORD_ID, e->record_id);
  }
  guint npk = 0, nkg = 0, nval = 0;
  double spk = 0, skg = 0, sval = 0;
  GString *desc = g_string_new(NULL);
  gboolean first = TRUE;
  for (guint i = 0; i < c->goods->len; i++) {
    const Goods *g = g_ptr_array_index(c->goods, i);
    if (!goods_on(g, e, any_sgp))
      continue;
    br_manifest_line_sum(l, BR_MF_PACKAGES, g->packages, &npk, &spk);
    br_manifest_line_sum(l, BR_MF_DECLARED_KG, g->kg, &nkg, &skg);
    br_manifest_line_sum(l, BR_MF_VALUE, g->value, &nval, &sval);
    if (g->desc->len) {
      if (desc->len)
        g_string_append(desc, " / ");
      g_string_append(desc, g->desc->str);
    }
    if (first) {
      if (g->hs)
        br_manifest_line_set(l, BR_MF_HS_CODE, g->hs);
      if (g->currency)
        br_manifest_line_set(l, BR_MF_CURRENCY, g->currency);
      if (g->origin)
        br_manifest_line_set(l, BR_MF_ORIGIN_COUNTRY, g->origin);
      if (g->record_id)
        br_manifest_line_set(l, BR_MF_RECORD_ID, g->record_id);
      first = FALSE;
    }
  }
  if (desc->len)
    br_manifest_line_set(l, BR_MF_DESCRIPTION, desc->str);
  g_string_free(desc, TRUE);
  if (!l->f[BR_MF_PORT] && l->f[BR_MF_DISCHARGE_PORT])
    br_manifest_line_set(l, BR_MF_PORT, l->f[BR_MF_DISCHARGE_PORT]);
  if (!l->f[BR_MF_RECORD_ID]) {
    const char *parts[] = {l->f[BR_MF_BOL], l->f[BR_MF_CONTAINER]};
    char *id = br_edi_join(parts, 2, "/");
    br_manifest_line_set(l, BR_MF_RECORD_ID, id);
    g_free(id);
  }
  l->where = g_strdup_printf("interchange %s, message %s", m->msg->interchange, m->msg->message);
  g_ptr_array_add(lines, l);
}

static void
emit_consignment(Msg *m, Consignment *c, GPtrArray *lines)
{
  gboolean any_sgp = FALSE;
  for (guint i = 0; i < c->goods->len; i++)
    any_sgp |= ((Goods *)g_ptr_array_index(c->goods, i))->sgp->len > 0;
  /* The consignment's equipment: what it declares, then what its goods name. */
  GPtrArray *eqs = g_ptr_array_new();
  GPtrArray *bare = g_ptr_array_new_with_free_func((GDestroyNotify)equip_free);
  for (guint i = 0; i < c->equip->len; i++)
    g_ptr_array_add(eqs, g_ptr_array_index(c->equip, i));
  for (guint i = 0; i < c->goods->len; i++) {
    const Goods *g = g_ptr_array_index(c->goods, i);
    for (guint k = 0; k < g->sgp->len; k++) {
      const char *num = g_ptr_array_index(g->sgp, k);
      if (find_equip(eqs, num))
        continue;
      Equip *e = find_equip(m->equip, num);
      if (!e) {
        e = equip_new();
        e->number = g_strdup(num);
        e->container = TRUE;
        g_ptr_array_add(bare, e);
      }
      g_ptr_array_add(eqs, e);
    }
  }
  if (eqs->len == 0)
    emit_line(m, c, NULL, any_sgp, lines);
  for (guint i = 0; i < eqs->len; i++)
    emit_line(m, c, g_ptr_array_index(eqs, i), any_sgp, lines);
  g_ptr_array_free(eqs, TRUE);
  g_ptr_array_free(bare, TRUE);
}

static void
map_message(const BrEdifactMessage *msg, const BrSegment *segs, guint n, GPtrArray *lines,
            BrManifest *out)
{
  if (strcmp(msg->type, "CUSCAR") != 0) {
    br_edi_reject(out, msg->interchange, msg->message, 1, "UNH", "message type %s is not CUSCAR",
                  msg->type);
    return;
  }
  Msg m = {
      .msg = msg,
      .base = br_manifest_line_new(),
      .equip = g_ptr_array_new_with_free_func((GDestroyNotify)equip_free),
      .consignments = g_ptr_array_new_with_free_func((GDestroyNotify)consignment_free),
      .tmp = g_string_new(NULL),
  };
  for (guint i = 1; i + 1 < n; i++) {
    for (guint h = 0; h < G_N_ELEMENTS(handlers); h++) {
      if (strcmp(segs[i].tag, handlers[h].tag) == 0) {
        handlers[h].fn(&m, &segs[i]);
        break;
      }
    }
  }
  if (m.fault.seg) {
    br_edi_reject(out, msg->interchange, msg->message, m.fault.seg, m.fault.tag, "%s",
                  m.fault.reason);
  } else if (m.consignments->len == 0) {
    br_edi_reject(out, msg->interchange, msg->message, 0, "",
                  "message reports no consignment (CNI)");
  } else {
    for (guint i = 0; i < m.consignments->len; i++) {
      Consignment *c = g_ptr_array_index(m.consignments, i);
      if (!c->base->f[BR_MF_BOL])
        br_edi_fault_set(&c->fault, c->cni_seg, "CNI",
                         "consignment without a B/L number (RFF+BM or CNI)");
      if (c->fault.seg)
        br_edi_reject(out, msg->interchange, msg->message, c->fault.seg, c->fault.tag, "B/L %s: %s",
                      c->base->f[BR_MF_BOL] ? c->base->f[BR_MF_BOL] : "?", c->fault.reason);
      else
        emit_consignment(&m, c, lines);
    }
  }
  br_manifest_line_free(m.base);
  g_ptr_array_free(m.equip, TRUE);
  g_ptr_array_free(m.consignments, TRUE);
  g_string_free(m.tmp, TRUE);
  br_edi_fault_clear(&m.fault);
}

BrManifest *
br_cuscar_read(const char *data, gsize len)
{
  BrManifest *m = br_manifest_new();
  br_edifact_read(data, len, map_message, m);
  return m;
}
