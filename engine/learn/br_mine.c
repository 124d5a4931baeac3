#include "br_mine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "br_checks.h"

G_DEFINE_QUARK(br - mine - error - quark, br_mine_error)

#define DEFAULT_MIN_SUPPORT 30
#define DEFAULT_MAX_RULES 20
#define PAIR_ITEMS 400 /* pairs are counted among this many best-supported items */
#define BINS 10        /* deciles of the fit period */
#define HOLD_MIN_UNITS 10
#define HOLD_MIN_LIFT 1.25
#define PRIOR_LINES 10.0 /* Beta prior of a rule's weight, as history shrinks rates */

typedef enum { ITEM_VALUE, ITEM_HS, ITEM_BIN } ItemKind;

/* A number an item can bin: a numeric field, or value per kg. */
typedef struct {
  int field, per; /* per >= 0: field / per */
  double cuts[BINS - 1];
  guint ncuts;
} Feature;

typedef struct {
  ItemKind kind;
  int field;   /* ITEM_VALUE, ITEM_HS: the field; ITEM_BIN: the feature */
  char *value; /* ITEM_VALUE: the text; ITEM_HS: the digits */
  guint bin;   /* ITEM_BIN: [cuts[bin-1], cuts[bin]) */
  guint fit_n, fit_hits, hold_n, hold_hits;
} Item;

typedef struct {
  guint items[2]; /* second is G_MAXUINT for a single item */
  guint fit_n, fit_hits, hold_n, hold_hits; /* units */
  guint seen;   /* 1 + the last unit counted, so a unit counts once however many lines match */
  double score; /* Wilson lower bound of the fit hit rate */
} Candidate;

typedef struct {
  const BrSchema *schema;
  int label, date, hs;
  const char *const *ignore;
  GArray *items;      /* Item */
  GHashTable *index;  /* "kind\x1f field\x1f value" -> item id + 1 */
  GArray *features;   /* Feature */
  GArray *line_start; /* guint: where each line's items start in line_items, plus the end */
  GArray *line_items; /* guint item ids (values and HS prefixes) */
  GArray *numbers;    /* double per line and feature, NAN when missing */
  GArray *days;       /* gint32 per line, G_MAXINT32 when undated */
  GArray *labels;     /* gboolean per line */
  guint nlines;
  /* Inspection units, as a pack rolls lines up: the unit field's value, else the fallback's,
   * else the line alone. Counts are of units, as tune and backtest count. */
  int unit, fallback;
  GHashTable *unit_ids; /* unit key -> unit id + 1 */
  GArray *line_unit;    /* guint unit id per line */
  guint nunits;
} Mine;

static void
item_clear(gpointer p)
{
  g_free(((Item *)p)->value);
}

static guint
intern_item(Mine *m, ItemKind kind, int field, const char *value)
{
  char *key = g_strdup_printf("%d\x1f%d\x1f%s", kind, field, value);
  gpointer id = g_hash_table_lookup(m->index, key);
  if (id) {
    g_free(key);
    return GPOINTER_TO_UINT(id) - 1;
  }
  Item it = {.kind = kind, .field = field, .value = g_strdup(value)};
  g_array_append_val(m->items, it);
  g_hash_table_insert(m->index, key, GUINT_TO_POINTER(m->items->len));
  return m->items->len - 1;
}

static double
feature_value(const Feature *f, const BrValue *rec)
{
  const BrValue *v = &rec[f->field];
  if (v->missing)
    return NAN;
  if (f->per < 0)
    return v->num;
  const BrValue *w = &rec[f->per];
  return w->missing || w->num == 0 ? NAN : v->num / w->num;
}

static gboolean
mined_field(const Mine *m, guint i)
{
  const BrField *f = br_schema_field(m->schema, i);
  return f->source_col >= 0 && (int)i != m->label && (int)i != m->date && f->type != BR_TYPE_LIST &&
         !(m->ignore && g_strv_contains(m->ignore, f->name));
}

static void
add_line(Mine *m, const BrValue *rec)
{
  guint start = m->line_items->len;
  g_array_append_val(m->line_start, start);
  for (guint i = 0; i < br_schema_size(m->schema); i++) {
    if (!mined_field(m, i) || rec[i].missing ||
        br_schema_field(m->schema, i)->type != BR_TYPE_STRING || (int)i == m->hs)
      continue;
    guint id = intern_item(m, ITEM_VALUE, (int)i, rec[i].str);
    g_array_append_val(m->line_items, id);
  }
  if (m->hs >= 0 && !rec[m->hs].missing) {
    char digits[32];
    gsize n = br_hs_digits(rec[m->hs].str, rec[m->hs].len, digits, sizeof digits);
    for (gsize len = 2; len <= 6 && len <= n; len += 2) {
      char prefix[8];
      memcpy(prefix, digits, len);
      prefix[len] = '\0';
      guint id = intern_item(m, ITEM_HS, m->hs, prefix);
      g_array_append_val(m->line_items, id);
    }
  }
  for (guint f = 0; f < m->features->len; f++) {
    double x = feature_value(&g_array_index(m->features, Feature, f), rec);
    g_array_append_val(m->numbers, x);
  }
  gint32 day = G_MAXINT32;
  if (m->date >= 0 && !rec[m->date].missing)
    day = (gint32)rec[m->date].num;
  g_array_append_val(m->days, day);
  gboolean positive = rec[m->label].num > 0;
  g_array_append_val(m->labels, positive);
  int uf = m->unit >= 0 && !rec[m->unit].missing           ? m->unit
           : m->fallback >= 0 && !rec[m->fallback].missing ? m->fallback
                                                           : -1;
  guint id = m->nunits;
  if (uf >= 0) {
    char *key = g_strdup_printf("%d\x1f%s", uf, rec[uf].str);
    gpointer have = g_hash_table_lookup(m->unit_ids, key);
    if (have) {
      id = GPOINTER_TO_UINT(have) - 1;
      g_free(key);
    } else {
      g_hash_table_insert(m->unit_ids, key, GUINT_TO_POINTER(id + 1));
    }
  }
  if (id == m->nunits)
    m->nunits++;
  g_array_append_val(m->line_unit, id);
  m->nlines++;
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Decile cut points of each feature over the fit lines, and one bin item per interval. */
static void
make_bins(Mine *m, const gboolean *fit)
{
  guint nf = m->features->len;
  double *vals = g_new(double, m->nlines);
  for (guint f = 0; f < nf; f++) {
    Feature *feat = &g_array_index(m->features, Feature, f);
    guint n = 0;
    for (guint i = 0; i < m->nlines; i++) {
      double x = g_array_index(m->numbers, double, (gsize)i *nf + f);
      if (fit[i] && !isnan(x))
        vals[n++] = x;
    }
    if (n < BINS)
      continue;
    qsort(vals, n, sizeof *vals, cmp_double);
    for (guint q = 1; q < BINS; q++) {
      double c = vals[(gsize)n * q / BINS];
      if (feat->ncuts == 0 || c > feat->cuts[feat->ncuts - 1])
        feat->cuts[feat->ncuts++] = c;
    }
    for (guint b = 0; b <= feat->ncuts; b++) {
      char name[16];
      g_snprintf(name, sizeof name, "%u", b);
      Item *it = &g_array_index(m->items, Item, intern_item(m, ITEM_BIN, (int)f, name));
      it->bin = b;
    }
  }
  g_free(vals);
}

static guint
bin_of(const Feature *f, double x)
{
  guint b = 0;
  while (b < f->ncuts && x >= f->cuts[b])
    b++;
  return b;
}

/* Every item of line i into out; returns how many. */
static guint
line_items(const Mine *m, guint i, guint *out)
{
  guint start = g_array_index(m->line_start, guint, i);
  guint end = i + 1 < m->nlines ? g_array_index(m->line_start, guint, i + 1) : m->line_items->len;
  guint n = 0;
  for (guint k = start; k < end; k++)
    out[n++] = g_array_index(m->line_items, guint, k);
  guint nf = m->features->len;
  for (guint f = 0; f < nf; f++) {
    const Feature *feat = &g_array_index(m->features, Feature, f);
    double x = g_array_index(m->numbers, double, (gsize)i *nf + f);
    if (isnan(x) || feat->ncuts == 0)
      continue;
    char name[16];
    g_snprintf(name, sizeof name, "%u", bin_of(feat, x));
    char *key = g_strdup_printf("%d\x1f%u\x1f%s", ITEM_BIN, f, name);
    gpointer id = g_hash_table_lookup(m->index, key);
    g_free(key);
    if (id)
      out[n++] = GPOINTER_TO_UINT(id) - 1;
  }
  return n;
}

/* Lower end of the 95% Wilson interval of hits/n. */
static double
wilson_lower(guint hits, guint n)
{
  if (n == 0)
    return 0;
  const double z = 1.959964;
  double p = (double)hits / n, z2 = z * z / n;
  return (p + z2 / 2 - z * sqrt(p * (1 - p) / n + z2 / (4.0 * n))) / (1 + z2);
}

static double
rate(guint hits, guint n)
{
  return n ? (double)hits / n : 0;
}

/* Items of different fields only make a pair: two HS prefixes of one code say one thing. */
static int
item_group(const Item *it)
{
  return it->kind == ITEM_BIN ? 100000 + it->field : it->field;
}

static guint64
pair_key(guint a, guint b)
{
  return ((guint64)a << 32) | b;
}

/* Counts unit u (1-based in seen) for c unless it has been counted. */
static void
count(Candidate *c, guint u, gboolean fit, gboolean positive)
{
  if (c->seen == u + 1)
    return;
  c->seen = u + 1;
  if (fit) {
    c->fit_n++;
    c->fit_hits += positive;
  } else {
    c->hold_n++;
    c->hold_hits += positive;
  }
}

/* Lines grouped by unit: the lines of unit u are order[start[u] .. start[u + 1]). */
typedef struct {
  guint *start, *order;
} UnitLines;

static UnitLines
unit_lines(const Mine *m)
{
  UnitLines ul = {g_new0(guint, m->nunits + 1), g_new(guint, m->nlines ? m->nlines : 1)};
  for (guint i = 0; i < m->nlines; i++)
    ul.start[g_array_index(m->line_unit, guint, i) + 1]++;
  for (guint u = 0; u < m->nunits; u++)
    ul.start[u + 1] += ul.start[u];
  guint *next = g_memdup2(ul.start, (m->nunits + 1) * sizeof *next);
  for (guint i = 0; i < m->nlines; i++)
    ul.order[next[g_array_index(m->line_unit, guint, i)]++] = i;
  g_free(next);
  return ul;
}

/* Counts single items and pairs of the PAIR_ITEMS best-supported ones, per unit: a unit
 * counts for a candidate when one of its lines matches it, as a rule fires on a unit. fit and
 * positive are per unit. */
static GArray *
count_candidates(Mine *m, const gboolean *fit, const gboolean *positive, guint min_support)
{
  guint *buf = g_new(guint, m->items->len + 1);
  guint *seen = g_new0(guint, m->items->len + 1);
  UnitLines ul = unit_lines(m);
  for (guint u = 0; u < m->nunits; u++)
    for (guint l = ul.start[u]; l < ul.start[u + 1]; l++) {
      guint n = line_items(m, ul.order[l], buf);
      for (guint k = 0; k < n; k++) {
        if (seen[buf[k]] == u + 1)
          continue;
        seen[buf[k]] = u + 1;
        Item *it = &g_array_index(m->items, Item, buf[k]);
        if (fit[u]) {
          it->fit_n++;
          it->fit_hits += positive[u];
        } else {
          it->hold_n++;
          it->hold_hits += positive[u];
        }
      }
    }
  g_free(seen);
  GArray *cands = g_array_new(FALSE, TRUE, sizeof(Candidate));
  GArray *pairable = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < m->items->len; i++) {
    const Item *it = &g_array_index(m->items, Item, i);
    if (it->fit_n < min_support)
      continue;
    Candidate c = {{i, G_MAXUINT}, it->fit_n, it->fit_hits, it->hold_n, it->hold_hits, 0, 0};
    g_array_append_val(cands, c);
    g_array_append_val(pairable, i);
  }
  /* Most supported first, ties by item id: deterministic. */
  for (guint a = 1; a < pairable->len; a++)
    for (guint b = a; b > 0; b--) {
      guint *x = &g_array_index(pairable, guint, b - 1), *y = &g_array_index(pairable, guint, b);
      if (g_array_index(m->items, Item, *x).fit_n >= g_array_index(m->items, Item, *y).fit_n)
        break;
      guint t = *x;
      *x = *y;
      *y = t;
    }
  g_array_set_size(pairable, MIN(pairable->len, PAIR_ITEMS));
  gint *slot = g_new(gint, m->items->len);
  for (guint i = 0; i < m->items->len; i++)
    slot[i] = -1;
  for (guint s = 0; s < pairable->len; s++)
    slot[g_array_index(pairable, guint, s)] = (gint)s;

  GHashTable *pairs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  guint *in = g_new(guint, m->items->len + 1);
  for (guint u = 0; u < m->nunits; u++)
    for (guint l = ul.start[u]; l < ul.start[u + 1]; l++) {
      guint n = line_items(m, ul.order[l], buf), k = 0;
      for (guint j = 0; j < n; j++)
        if (slot[buf[j]] >= 0)
          in[k++] = buf[j];
      /* Both items of a pair on one line: that is what the pair's rule fires on. */
      for (guint x = 0; x < k; x++)
        for (guint y = 0; y < k; y++) {
          if (in[x] >= in[y] || item_group(&g_array_index(m->items, Item, in[x])) ==
                                    item_group(&g_array_index(m->items, Item, in[y])))
            continue;
          guint64 key = pair_key(in[x], in[y]);
          Candidate *c = g_hash_table_lookup(pairs, &key);
          if (!c) {
            c = g_new0(Candidate, 1);
            c->items[0] = in[x];
            c->items[1] = in[y];
            g_hash_table_insert(pairs, g_memdup2(&key, sizeof key), c);
          }
          count(c, u, fit[u], positive[u]);
        }
    }
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, pairs);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    const Candidate *c = value;
    if (c->fit_n >= min_support)
      g_array_append_val(cands, *c);
  }
  g_hash_table_destroy(pairs);
  g_free(ul.start);
  g_free(ul.order);
  g_free(in);
  g_free(slot);
  g_free(buf);
  g_array_unref(pairable);
  return cands;
}

static gint
cmp_candidate(gconstpointer a, gconstpointer b)
{
  const Candidate *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->items[0] != y->items[0])
    return x->items[0] < y->items[0] ? -1 : 1;
  return (x->items[1] > y->items[1]) - (x->items[1] < y->items[1]);
}

static const char *
field_title(const char *name)
{
  static const char *const names[][2] = {
      {"origin_country", "origin"},  {"port", "port"},
      {"declarant_id", "declarant"}, {"importer_id", "importer"},
      {"shipper_name", "shipper"},   {"consignee_name", "consignee"},
      {"load_port", "loaded at"},    {"discharge_port", "discharged at"},
      {"carrier", "carrier"}};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (strcmp(name, names[i][0]) == 0)
      return names[i][1];
  return name;
}

static void
lua_string(GString *out, const char *s)
{
  g_string_append_c(out, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(out, "\\%c", *p);
    else if ((guchar)*p < 0x20)
      g_string_append_printf(out, "\\%03u", (guchar)*p);
    else
      g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

static void
append_number(GString *out, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.6g", x));
}

static const char *
field_name(const Mine *m, int f)
{
  return br_schema_field(m->schema, (guint)f)->name;
}

/* A bound of a bin as a condition: ge/lt on the field, or ratio for value per kg. */
static void
bound_cond(GString *out, const Mine *m, const Feature *f, const char *op, double x)
{
  if (f->per < 0) {
    g_string_append_printf(out, "%s(", strcmp(op, ">=") == 0 ? "ge" : "lt");
    lua_string(out, field_name(m, f->field));
  } else {
    g_string_append(out, "ratio(");
    lua_string(out, field_name(m, f->field));
    g_string_append(out, ", ");
    lua_string(out, field_name(m, f->per));
    g_string_append_printf(out, ", \"%s\"", op);
  }
  g_string_append(out, ", ");
  append_number(out, x);
  g_string_append_c(out, ')');
}

/* Appends the item's condition (bins inside a range give two conditions, comma-separated,
 * for the caller's all{}); returns how many conditions it wrote. */
static guint
item_cond(GString *out, const Mine *m, const Item *it)
{
  switch (it->kind) {
  case ITEM_VALUE:
  case ITEM_HS:
    g_string_append(out, it->kind == ITEM_VALUE ? "field_in(" : "hs_prefix(");
    lua_string(out, field_name(m, it->field));
    g_string_append(out, ", { ");
    lua_string(out, it->value);
    g_string_append(out, " })");
    return 1;
  case ITEM_BIN: {
    const Feature *f = &g_array_index(m->features, Feature, it->field);
    guint n = 0;
    if (it->bin > 0) {
      bound_cond(out, m, f, ">=", f->cuts[it->bin - 1]);
      n++;
    }
    if (it->bin < f->ncuts) {
      if (n)
        g_string_append(out, ", ");
      bound_cond(out, m, f, "<", f->cuts[it->bin]);
      n++;
    }
    return n;
  }
  }
  return 0;
}

static void
item_title(GString *out, const Mine *m, const Item *it)
{
  switch (it->kind) {
  case ITEM_VALUE:
    g_string_append_printf(out, "%s %s", field_title(field_name(m, it->field)), it->value);
    return;
  case ITEM_HS:
    g_string_append_printf(out, "HS %s", it->value);
    return;
  case ITEM_BIN: {
    const Feature *f = &g_array_index(m->features, Feature, it->field);
    if (f->per >= 0)
      g_string_append_printf(out, "%s per %s", field_name(m, f->field), field_name(m, f->per));
    else
      g_string_append(out, field_title(field_name(m, f->field)));
    char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];
    if (it->bin > 0)
      g_ascii_formatd(lo, sizeof lo, "%.6g", f->cuts[it->bin - 1]);
    if (it->bin < f->ncuts)
      g_ascii_formatd(hi, sizeof hi, "%.6g", f->cuts[it->bin]);
    if (it->bin == 0)
      g_string_append_printf(out, " under %s", hi);
    else if (it->bin == f->ncuts)
      g_string_append_printf(out, " %s or more", lo);
    else
      g_string_append_printf(out, " from %s to under %s", lo, hi);
    return;
  }
  }
}

static gboolean
item_matches(const Mine *m, const Item *it, const BrValue *rec)
{
  const BrValue *v;
  switch (it->kind) {
  case ITEM_VALUE:
    v = &rec[it->field];
    return !v->missing && strcmp(v->str, it->value) == 0;
  case ITEM_HS: {
    v = &rec[it->field];
    char digits[32];
    gsize n = v->missing ? 0 : br_hs_digits(v->str, v->len, digits, sizeof digits);
    return n >= strlen(it->value) && memcmp(digits, it->value, strlen(it->value)) == 0;
  }
  case ITEM_BIN: {
    const Feature *f = &g_array_index(m->features, Feature, it->field);
    double x = feature_value(f, rec);
    return !isnan(x) && bin_of(f, x) == it->bin;
  }
  }
  return FALSE;
}

/* The shortest text that reads back as the same number, as a source writes it: 372254.4, not
 * 372254.40000000002, and 4512000, not 4.512e+06. */
static void
append_exact(GString *out, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (x == floor(x) && fabs(x) < 1e15) {
    g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.0f", x));
    return;
  }
  for (int digits = 1; digits <= 17; digits++) {
    char format[8];
    g_snprintf(format, sizeof format, "%%.%dg", digits);
    g_ascii_formatd(buf, sizeof buf, format, x);
    if (g_ascii_strtod(buf, NULL) == x)
      break;
  }
  g_string_append(out, buf);
}

/* The fields a candidate reads, as a Lua fixture line with the record's values. */
static char *
fixture_line(const Mine *m, const Candidate *c, const BrValue *rec)
{
  GString *out = g_string_new("{ ");
  int fields[4];
  guint nf = 0;
  for (guint k = 0; k < 2 && c->items[k] != G_MAXUINT; k++) {
    const Item *it = &g_array_index(m->items, Item, c->items[k]);
    if (it->kind == ITEM_BIN) {
      const Feature *f = &g_array_index(m->features, Feature, it->field);
      fields[nf++] = f->field;
      if (f->per >= 0)
        fields[nf++] = f->per;
    } else {
      fields[nf++] = it->field;
    }
  }
  for (guint i = 0; i < nf; i++) {
    const BrValue *v = &rec[fields[i]];
    gboolean dup = FALSE;
    for (guint j = 0; j < i; j++)
      dup |= fields[j] == fields[i];
    if (dup || v->missing)
      continue;
    g_string_append_c(out, '[');
    lua_string(out, field_name(m, fields[i]));
    g_string_append(out, "] = ");
    if (br_schema_field(m->schema, (guint)fields[i])->type == BR_TYPE_STRING) {
      lua_string(out, v->str);
    } else {
      append_exact(out, v->num);
    }
    g_string_append(out, ", ");
  }
  g_string_append_c(out, '}');
  return g_string_free(out, FALSE);
}

static gboolean
candidate_matches(const Mine *m, const Candidate *c, const BrValue *rec)
{
  for (guint k = 0; k < 2 && c->items[k] != G_MAXUINT; k++)
    if (!item_matches(m, &g_array_index(m->items, Item, c->items[k]), rec))
      return FALSE;
  return TRUE;
}

static BrMinedRule *
make_rule(const Mine *m, const Candidate *c, guint n, double base_fit, double base_hold)
{
  BrMinedRule *r = g_new0(BrMinedRule, 1);
  r->id = g_strdup_printf("MINED-%03u", n);
  GString *title = g_string_new(NULL), *when = g_string_new(NULL);
  guint nconds = 0;
  for (guint k = 0; k < 2 && c->items[k] != G_MAXUINT; k++) {
    const Item *it = &g_array_index(m->items, Item, c->items[k]);
    if (k)
      g_string_append(title, ", ");
    item_title(title, m, it);
    if (nconds)
      g_string_append(when, ", ");
    nconds += item_cond(when, m, it);
  }
  if (nconds > 1) {
    g_string_prepend(when, "all { ");
    g_string_append(when, " }");
  }
  r->title = g_string_free(title, FALSE);
  r->when = g_string_free(when, FALSE);
  r->fit_units = c->fit_n;
  r->fit_hits = c->fit_hits;
  r->hold_units = c->hold_n;
  r->hold_hits = c->hold_hits;
  r->fit_lift = base_fit > 0 ? rate(c->fit_hits, c->fit_n) / base_fit : 0;
  r->hold_lift = base_hold > 0 ? rate(c->hold_hits, c->hold_n) / base_hold : 0;
  double shrunk = (c->fit_hits + PRIOR_LINES * base_fit) / (c->fit_n + PRIOR_LINES);
  r->weight = log(shrunk / (1 - shrunk)) - log(base_fit / (1 - base_fit));
  return r;
}

static void
mined_rule_free(gpointer p)
{
  BrMinedRule *r = p;
  g_free(r->id);
  g_free(r->title);
  g_free(r->when);
  g_free(r->fires);
  g_free(r->silent);
  g_free(r);
}

void
br_mine_result_free(BrMineResult *result)
{
  if (!result)
    return;
  g_ptr_array_free(result->rules, TRUE);
  g_free(result);
}

static void
mine_init(Mine *m, const BrSchema *schema, const BrMineOptions *o)
{
  m->schema = schema;
  m->ignore = o->ignore;
  m->label = br_schema_find(schema, o->label_field);
  m->date = br_schema_find(schema, o->date_field ? o->date_field : "arrival_date");
  m->hs = br_schema_find(schema, "hs_code");
  if (m->hs >= 0 && br_schema_field(schema, (guint)m->hs)->source_col < 0)
    m->hs = -1;
  m->items = g_array_new(FALSE, TRUE, sizeof(Item));
  g_array_set_clear_func(m->items, item_clear);
  m->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  m->features = g_array_new(FALSE, TRUE, sizeof(Feature));
  for (guint i = 0; i < br_schema_size(schema); i++) {
    BrType t = br_schema_field(schema, i)->type;
    if (mined_field(m, i) && (t == BR_TYPE_INT || t == BR_TYPE_DECIMAL)) {
      Feature f = {.field = (int)i, .per = -1};
      g_array_append_val(m->features, f);
    }
  }
  int value = br_schema_find(schema, "value"), kg = br_schema_find(schema, "declared_kg");
  if (value >= 0 && kg >= 0 && mined_field(m, (guint)value) && mined_field(m, (guint)kg)) {
    Feature f = {.field = value, .per = kg};
    g_array_append_val(m->features, f);
  }
  m->line_start = g_array_new(FALSE, FALSE, sizeof(guint));
  m->line_items = g_array_new(FALSE, FALSE, sizeof(guint));
  m->numbers = g_array_new(FALSE, FALSE, sizeof(double));
  m->days = g_array_new(FALSE, FALSE, sizeof(gint32));
  m->labels = g_array_new(FALSE, FALSE, sizeof(gboolean));
  m->unit = o->unit_field ? br_schema_find(schema, o->unit_field) : -1;
  m->fallback = o->unit_fallback ? br_schema_find(schema, o->unit_fallback) : -1;
  m->unit_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  m->line_unit = g_array_new(FALSE, FALSE, sizeof(guint));
}

static void
mine_clear(Mine *m)
{
  g_array_unref(m->items);
  g_hash_table_destroy(m->index);
  g_array_unref(m->features);
  g_array_unref(m->line_start);
  g_array_unref(m->line_items);
  g_array_unref(m->numbers);
  g_array_unref(m->days);
  g_array_unref(m->labels);
  g_hash_table_destroy(m->unit_ids);
  g_array_unref(m->line_unit);
}

static gboolean
read_lines(BrFeed *feed, void (*each)(gpointer, const BrValue *), gpointer data, GError **error)
{
  BrBatch *batch = br_batch_new(br_feed_schema(feed), 4096);
  gint n;
  while ((n = br_feed_next_batch(feed, batch, error)) > 0)
    for (gint i = 0; i < n; i++)
      each(data, br_batch_record(batch, (guint)i));
  br_batch_free(batch);
  return n == 0;
}

static void
first_pass(gpointer data, const BrValue *rec)
{
  Mine *m = data;
  if (!rec[m->label].missing)
    add_line(m, rec);
}

typedef struct {
  const Mine *m;
  const Candidate *chosen;
  GPtrArray *rules;
  const gint32 *cut;
} Fixtures;

static void
second_pass(gpointer data, const BrValue *rec)
{
  Fixtures *fx = data;
  gint32 day = G_MAXINT32;
  if (fx->m->date >= 0 && !rec[fx->m->date].missing)
    day = (gint32)rec[fx->m->date].num;
  if (fx->m->label < 0 || rec[fx->m->label].missing || (day != G_MAXINT32 && day >= *fx->cut))
    return;
  for (guint i = 0; i < fx->rules->len; i++) {
    BrMinedRule *r = fx->rules->pdata[i];
    if (r->fires && r->silent)
      continue;
    gboolean match = candidate_matches(fx->m, &fx->chosen[i], rec);
    char **slot = match ? &r->fires : &r->silent;
    if (!*slot)
      *slot = fixture_line(fx->m, &fx->chosen[i], rec);
  }
}

BrMineResult *
br_mine_run(const char *path, const BrProfile *profile, const BrMineOptions *options,
            GError **error)
{
  guint min_support = options->min_support ? options->min_support : DEFAULT_MIN_SUPPORT;
  guint max_rules = options->max_rules ? options->max_rules : DEFAULT_MAX_RULES;
  BrFeedOptions fopts = {0};
  BrFeed *feed = br_feed_open(path, profile, &fopts, error);
  if (!feed)
    return NULL;
  Mine m = {0};
  mine_init(&m, br_feed_schema(feed), options);
  BrMineResult *res = NULL;
  gboolean *fit = NULL, *unit_fit = NULL, *unit_positive = NULL;
  GArray *cands = NULL;
  Candidate *chosen = NULL;
  if (m.label < 0) {
    g_set_error(error, BR_MINE_ERROR, BR_MINE_ERROR_INPUT, "%s: no label column \"%s\"", path,
                options->label_field);
    goto out;
  }
  if (!read_lines(feed, first_pass, &m, error))
    goto out;

  gint32 cut;
  if (options->holdout_from) {
    GDate d;
    g_date_clear(&d, 1);
    g_date_set_parse(&d, options->holdout_from);
    if (!g_date_valid(&d) || strlen(options->holdout_from) != 10) {
      g_set_error(error, BR_MINE_ERROR, BR_MINE_ERROR_INPUT,
                  "holdout date \"%s\" is not YYYY-MM-DD", options->holdout_from);
      goto out;
    }
    cut = (gint32)g_date_get_julian(&d) - 719163;
  } else {
    gint32 lo = G_MAXINT32, hi = G_MININT32;
    for (guint i = 0; i < m.nlines; i++) {
      gint32 d = g_array_index(m.days, gint32, i);
      if (d != G_MAXINT32) {
        lo = MIN(lo, d);
        hi = MAX(hi, d);
      }
    }
    cut = lo <= hi ? lo + (gint32)((hi - lo + 1) * 0.8) : G_MAXINT32;
  }
  res = g_new0(BrMineResult, 1);
  res->rules = g_ptr_array_new_with_free_func(mined_rule_free);
  if (cut != G_MAXINT32) {
    GDate d;
    g_date_clear(&d, 1);
    g_date_set_julian(&d, (guint32)(cut + 719163));
    g_date_strftime(res->holdout_from, sizeof res->holdout_from, "%Y-%m-%d", &d);
  }
  /* A unit belongs to the period of its first line and found something when any line did. */
  gint32 *unit_day = g_new(gint32, m.nunits ? m.nunits : 1);
  unit_positive = g_new0(gboolean, m.nunits ? m.nunits : 1);
  unit_fit = g_new(gboolean, m.nunits ? m.nunits : 1);
  for (guint u = 0; u < m.nunits; u++)
    unit_day[u] = G_MAXINT32;
  for (guint i = 0; i < m.nlines; i++) {
    guint u = g_array_index(m.line_unit, guint, i);
    unit_day[u] = MIN(unit_day[u], g_array_index(m.days, gint32, i));
    unit_positive[u] |= g_array_index(m.labels, gboolean, i);
  }
  for (guint u = 0; u < m.nunits; u++) {
    unit_fit[u] = unit_day[u] == G_MAXINT32 || unit_day[u] < cut;
    if (unit_fit[u]) {
      res->fit_units++;
      res->fit_hits += unit_positive[u];
    } else {
      res->hold_units++;
      res->hold_hits += unit_positive[u];
    }
  }
  g_free(unit_day);
  fit = g_new(gboolean, m.nlines ? m.nlines : 1);
  for (guint i = 0; i < m.nlines; i++)
    fit[i] = unit_fit[g_array_index(m.line_unit, guint, i)];
  if (res->fit_hits == 0 || res->fit_hits == res->fit_units || res->hold_units == 0) {
    g_set_error(error, BR_MINE_ERROR, BR_MINE_ERROR_INPUT,
                "%s: mining needs both outcomes in the fit period and units held out "
                "(fit %u units, %u positive; held out %u)",
                path, res->fit_units, res->fit_hits, res->hold_units);
    g_clear_pointer(&res, br_mine_result_free);
    goto out;
  }
  make_bins(&m, fit);
  cands = count_candidates(&m, unit_fit, unit_positive, min_support);
  res->candidates = cands->len;
  double base_fit = rate(res->fit_hits, res->fit_units);
  double base_hold = rate(res->hold_hits, res->hold_units);
  for (guint i = 0; i < cands->len; i++) {
    Candidate *c = &g_array_index(cands, Candidate, i);
    c->score = wilson_lower(c->fit_hits, c->fit_n);
    if (c->items[1] != G_MAXUINT) {
      const Item *a = &g_array_index(m.items, Item, c->items[0]);
      const Item *b = &g_array_index(m.items, Item, c->items[1]);
      if (c->score <= MAX(rate(a->fit_hits, a->fit_n), rate(b->fit_hits, b->fit_n)))
        c->score = -1;
    }
  }
  g_array_sort(cands, cmp_candidate);
  chosen = g_new(Candidate, max_rules);
  for (guint i = 0; i < cands->len && res->rules->len < max_rules; i++) {
    const Candidate *c = &g_array_index(cands, Candidate, i);
    if (c->score <= base_fit)
      break;
    if (c->hold_n < HOLD_MIN_UNITS || rate(c->hold_hits, c->hold_n) < HOLD_MIN_LIFT * base_hold)
      continue;
    /* Counts equal to a kept candidate's on both periods: in all likelihood the same units
     * said another way (origin JP and departure JP), so one rule, not two. */
    gboolean same = FALSE;
    for (guint j = 0; j < res->rules->len && !same; j++)
      same = chosen[j].fit_n == c->fit_n && chosen[j].fit_hits == c->fit_hits &&
             chosen[j].hold_n == c->hold_n && chosen[j].hold_hits == c->hold_hits;
    if (same)
      continue;
    chosen[res->rules->len] = *c;
    g_ptr_array_add(res->rules, make_rule(&m, c, res->rules->len + 1, base_fit, base_hold));
  }

  /* The fixture lines come from the file itself: a second read, so no line is kept. */
  br_feed_close(feed);
  if (!(feed = br_feed_open(path, profile, &fopts, error))) {
    g_clear_pointer(&res, br_mine_result_free);
    goto out;
  }
  m.schema = br_feed_schema(feed); /* the same profile lays it out the same way */
  Fixtures fx = {&m, chosen, res->rules, &cut};
  if (!read_lines(feed, second_pass, &fx, error))
    g_clear_pointer(&res, br_mine_result_free);
out:
  g_free(chosen);
  if (cands)
    g_array_unref(cands);
  g_free(fit);
  g_free(unit_fit);
  g_free(unit_positive);
  mine_clear(&m);
  br_feed_close(feed);
  return res;
}

char *
br_mine_lua(const BrMineResult *result, const char *source)
{
  GString *out = g_string_new(NULL);
  g_string_append_printf(out,
                         "-- Candidate rules mined by boxrank mine from %s: fit before %s (%u "
                         "units, %u positive),\n-- held out from %s (%u units, %u positive). "
                         "Review each before copying it into a pack.\n",
                         source, result->holdout_from, result->fit_units, result->fit_hits,
                         result->holdout_from, result->hold_units, result->hold_hits);
  for (guint i = 0; i < result->rules->len; i++) {
    const BrMinedRule *r = result->rules->pdata[i];
    char w[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(out,
                           "\n-- fit: %u units, %.3f hit rate, lift %.2f; held out: %u units, "
                           "%.3f, lift %.2f\nrule {\n  id = \"%s\",\n  title = ",
                           r->fit_units, rate(r->fit_hits, r->fit_units), r->fit_lift,
                           r->hold_units, rate(r->hold_hits, r->hold_units), r->hold_lift, r->id);
    lua_string(out, r->title);
    g_string_append_printf(
        out,
        ",\n  weight = %s,\n  tags = { \"mined\" },\n  author = \"boxrank mine\","
        "\n  when = %s,\n  tests = {\n",
        g_ascii_formatd(w, sizeof w, "%.3f", r->weight), r->when);
    if (r->fires)
      g_string_append_printf(out, "    { line = %s, fires = true },\n", r->fires);
    if (r->silent)
      g_string_append_printf(out, "    { line = %s, fires = false },\n", r->silent);
    g_string_append(out, "  },\n}\n");
  }
  return g_string_free(out, FALSE);
}
