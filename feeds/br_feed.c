/* memrchr */
#define _GNU_SOURCE
#include "br_feed.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "br_checks.h"
#include "br_csv_write.h"

#define READ_BLOCK (1u << 20)
/* Buffers start this small and double while the file proves long, so that opening a short file
 * (a profile's code map, a reference table, a fuzz input) does not pay for megabyte buffers:
 * under ASan, allocating and freeing them was most of the cost of such an open. */
#define READ_BLOCK_MIN (64u << 10)
/* A quoted field may legitimately hold newlines, but one that runs on for this long means an
 * unbalanced quote is swallowing the rest of the file: stop before it takes all memory. */
#define RUNAWAY_FIELD_MIN (16u << 20)

#define CHUNK_TARGET (1u << 20)

/* U+FEFF past the start of the file: a second file's byte order mark after cat, or a field
 * copied from a document. Invisible, yet "\ufeffEC" is not EC: a rule reading the field
 * would lose its points without a word, so the row is rejected instead. */
#define BOM "\xef\xbb\xbf"
#define BOM_REASON                                                                                 \
  "a byte order mark (U+FEFF) inside the field, invisible but never equal to the text without "    \
  "it; were two files joined into one?"

/* Strict, for one thing: text after the closing quote of a quoted field ("ab"c). Lenient
 * libcsv takes the quote as text and stays inside the quoted field, which then swallows the
 * rows after it without a word; strict, the row is rejected as broken and the rows after it
 * are read as they are. A quote inside an unquoted field (12" PIPE, common in descriptions)
 * stops strict libcsv too, but there the quote is only text, and the parser takes it as such
 * and goes on. STRICT_FINI: a quoted field still open at the end of the input is reported
 * instead of being closed quietly. */
#define CSV_OPTIONS (CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI)

typedef struct {
  gsize off;
  gsize len;
} FieldRef;

/* How one schema field's value is made from a row. Most fields are plain: one column, read as
 * written, on the fast path. */
typedef struct {
  const BrProfileField *pf; /* NULL: a passed-through column */
  gboolean plain;
  int *cols; /* pf's columns in the header */
  guint ncols;
  int unit_col, currency_col;
  char decimal, thousands;
  const char *const *date_formats;
  BrValue constant;
} FieldPlan;

struct BrChunk {
  char *data;
  gsize len, cap;
  guint64 seq;
  guint64 first_line; /* line of the chunk's first byte */
  /* parse position, kept between fills */
  gboolean started;
  gsize pos;
  guint64 line;
  gboolean at_line_start;
  /* results */
  guint64 rows;
  guint64 rejected;
  GString *rejects; /* reject file lines of this chunk */
};

struct BrChunkParser {
  const BrFeed *feed;
  struct csv_parser parser;
  /* The current row: its fields' bytes, each NUL-terminated, and where each starts. Plain
   * growable arrays: GString and GArray appends showed in the profile. */
  char *row;
  gsize row_len, row_cap;
  FieldRef *fields;
  guint nfields, fields_cap;
  guint64 row_line;
  gsize row_start;    /* chunk offset of the current row's first byte */
  gboolean row_clean; /* the whole line was checked: valid UTF-8, no NUL byte */
  BrChunk *chunk;
  BrBatch *batch;
  char ***header_out; /* header mode: where the first row goes */
  guint *ncols_out;
  char *header_broken; /* header mode: why the header row could not be split */
  GString *scratch;    /* a value being made on the slow path */
};

struct BrFeed {
  char *path;
  FILE *fp;
  const BrProfile *profile;
  BrSchema *schema;
  char **header;
  guint ncols;
  int port_field; /* schema index of the port codes checked, -1: none */
  gsize max_field;
  gsize runaway;
  char delim, quote;
  BrLineFilter want; /* br_feed_set_line_filter; NULL: every row */
  gpointer want_data;
  int date_order[3]; /* positions of year, month, day in the date format */
  char date_seps[3];
  FieldPlan *plans; /* one per schema field */

  /* decoding from the profile's encoding: raw bytes not yet decoded wait in raw */
  const char *encoding;
  GIConv cd;
  char *raw;
  gsize raw_len, raw_cap;
  guint unit_bytes;  /* width of the encoding's code unit: what an invalid sequence skips */
  guint64 skip_left; /* lines before the header still to drop */

  /* the reader: bytes after the last whole row wait in tail for the next chunk */
  char *tail;
  gsize tail_len, tail_cap;
  gboolean eof, first_block;
  guint64 next_line, next_seq, bytes;

  /* br_feed_next_batch */
  BrChunkParser *seq_parser;
  BrChunk *seq_chunk;
  gboolean seq_live;

  /* rejects, written in chunk order */
  char *reject_path;
  FILE *rej;
  guint64 next_write_seq;
  GHashTable *pending; /* seq -> GString* of a chunk finished ahead of its turn */
  guint64 rows_read, rows_rejected;
};

G_DEFINE_QUARK(br - feed - error - quark, br_feed_error)

static int
is_space(unsigned char c)
{
  /* CR counts as space so CRLF files parse like LF files: a CR before LF is dropped. */
  return c == ' ' || c == '\t' || c == '\r';
}

static int
is_term(unsigned char c)
{
  /* Only LF ends a row: then each physical line ends at most one row, which keeps line numbers
   * exact and lets a batch never overflow. */
  return c == '\n';
}

/* Row ends, found without parsing fields: newlines outside quoted fields. The grammar is
 * strict libcsv's, so the reader cuts chunks where the parser ends rows: a quote opens a
 * quoted field only at the start of a field (after the delimiter, a row end or blanks);
 * inside one, a doubled quote is a quote and a single one closes it. A stray quote in an
 * unquoted field opens nothing, so a broken row ends at its own line end instead of pulling
 * the rest of the file into one field. Only quotes are looked at one by one: between them,
 * memchr and memrchr find the newlines. */
typedef struct {
  gsize pos; /* scanned up to here */
  gboolean quoted;
} RowScan;

static gboolean
opens_field(const char *d, gsize q, gsize floor, gboolean floor_is_field_start, char delim)
{
  gsize j = q;
  while (j > floor && is_space((unsigned char)d[j - 1]) && d[j - 1] != delim)
    j--;
  if (j == floor)
    return floor_is_field_start;
  return d[j - 1] == delim || d[j - 1] == '\n';
}

/* Scans d[s->pos, len) and returns the offset just past the first (first) or the last row end
 * found, or 0 when none is. floor is where the scan began, a field start or not. more: more
 * input may follow len, so a quote at len - 1 inside a quoted field, which could be the first
 * of a doubled pair, waits for it. */
static gsize
row_scan(RowScan *s, const char *d, gsize len, gsize floor, gboolean floor_is_field_start,
         char delim, char quote, gboolean first, gboolean more)
{
  gsize end = 0, i = s->pos;
  while (i < len) {
    const char *q = memchr(d + i, quote, len - i);
    gsize stop = q ? (gsize)(q - d) : len;
    if (!s->quoted) {
      const char *nl = first ? memchr(d + i, '\n', stop - i) : memrchr(d + i, '\n', stop - i);
      if (nl) {
        end = (gsize)(nl - d) + 1;
        if (first) {
          s->pos = end;
          return end;
        }
      }
      if (!q)
        break;
      s->quoted = opens_field(d, stop, floor, floor_is_field_start, delim);
      i = stop + 1;
    } else if (!q) {
      break;
    } else if (stop + 1 == len && more) {
      s->pos = stop;
      return end;
    } else if (stop + 1 < len && d[stop + 1] == quote) {
      i = stop + 2;
    } else {
      s->quoted = FALSE;
      i = stop + 1;
    }
  }
  s->pos = len;
  return end;
}

static const char *
field_text(const BrChunkParser *p, guint i, gsize *len)
{
  const FieldRef *r = &p->fields[i];
  *len = r->len;
  return p->row + r->off;
}

static void reject(BrChunkParser *p, const char *column, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Keeps the row, its line, the column at fault and the reason with the chunk; the feed writes
 * them to the reject file in input order. */
static void
reject(BrChunkParser *p, const char *column, const char *fmt, ...)
{
  BrChunk *c = p->chunk;
  c->rejected++;
  if (!p->feed->reject_path)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *reason = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  GString *out = c->rejects;
  g_string_append_printf(out, "%" G_GUINT64_FORMAT ",", p->row_line);
  br_csv_write_field(out, column, strlen(column));
  g_string_append_c(out, ',');
  br_csv_write_field(out, reason, strlen(reason));
  g_free(reason);
  for (guint i = 0; i < p->nfields; i++) {
    gsize len;
    const char *s = field_text(p, i, &len);
    g_string_append_c(out, ',');
    br_csv_write_field(out, s, len);
  }
  g_string_append_c(out, '\n');
}

/* Reads the date format once into the order of its parts and the separators between them. */
static void
compile_date_format(BrFeed *f, const char *fmt)
{
  int part = 0;
  memset(f->date_seps, 0, sizeof f->date_seps);
  for (const char *p = fmt; *p && part < 3; p++) {
    if (*p == '%' && p[1]) {
      p++;
      f->date_order[part++] = *p == 'Y' ? 0 : *p == 'm' ? 1 : 2;
    } else if (part > 0) {
      f->date_seps[part - 1] = *p;
    }
  }
}

/* A valid date as days since 1970-01-01 and as YYYY-MM-DD. */
static void
civil_date(int year, int month, int day, gint32 *days, char out[11])
{
  /* Days from civil (H. Hinnant's algorithm): exact for the proleptic Gregorian calendar and
   * far cheaper per line than GDate. */
  int y = year - (month <= 2), m = month, d = day;
  int era = y / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *days = era * 146097 + doe - 719468;
  static const char digits[] = "0123456789";
  out[0] = digits[year / 1000 % 10];
  out[1] = digits[year / 100 % 10];
  out[2] = digits[year / 10 % 10];
  out[3] = digits[year % 10];
  out[4] = '-';
  out[5] = digits[month / 10];
  out[6] = digits[month % 10];
  out[7] = '-';
  out[8] = digits[day / 10];
  out[9] = digits[day % 10];
  out[10] = '\0';
}

static gboolean
parse_date(const BrFeed *f, const char *s, gsize len, gint32 *days, char out[11])
{
  int v[3] = {0, 0, 0};
  const char *p = s, *end = s + len;
  for (int part = 0; part < 3; part++) {
    int which = f->date_order[part];
    int maxd = which == 0 ? 4 : 2, n = 0, val = 0;
    while (p < end && n < maxd && g_ascii_isdigit(*p)) {
      val = val * 10 + (*p++ - '0');
      n++;
    }
    /* Without separators (%Y%m%d) only fixed widths say where a part ends. */
    if (n == 0 || (which == 0 && n != 4) || (!f->date_seps[0] && n != maxd))
      return FALSE;
    v[which] = val;
    if (f->date_seps[part]) {
      if (p >= end || *p != f->date_seps[part])
        return FALSE;
      p++;
    }
  }
  if (p != end || !g_date_valid_dmy(v[2], v[1], v[0]))
    return FALSE;
  civil_date(v[0], v[1], v[2], days, out);
  return TRUE;
}

/* Trims ASCII blanks off a number's text in place of copying it. */
static const char *
trim(const char *s, gsize *len)
{
  while (*len && g_ascii_isspace(*s)) {
    s++;
    (*len)--;
  }
  while (*len && g_ascii_isspace(s[*len - 1]))
    (*len)--;
  return s;
}

static gboolean
parse_number(const char *s, gsize len, BrType type, double *out)
{
  char tmp[64];
  if (len == 0 || len >= sizeof tmp)
    return FALSE;
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  char *end;
  errno = 0;
  if (type == BR_TYPE_INT) {
    long long v = strtoll(tmp, &end, 10);
    if (errno || *end)
      return FALSE;
    *out = (double)v;
    return TRUE;
  }
  /* Most values are short plain decimals: with at most 15 digits the mantissa and the power
   * of ten are exact doubles, so one division gives the correctly rounded value, as strtod
   * would. Anything else goes to strtod. */
  {
    static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    gsize i = 0;
    gboolean neg = FALSE;
    if (tmp[0] == '-' || tmp[0] == '+') {
      neg = tmp[0] == '-';
      i = 1;
    }
    guint64 mant = 0;
    int ndigits = 0, frac = -1;
    for (; i < len; i++) {
      if (g_ascii_isdigit(tmp[i])) {
        mant = mant * 10 + (guint64)(tmp[i] - '0');
        ndigits++;
        if (frac >= 0)
          frac++;
      } else if (tmp[i] == '.' && frac < 0) {
        frac = 0;
      } else {
        break;
      }
    }
    if (i == len && ndigits > 0 && ndigits <= 15) {
      double v = (double)mant;
      if (frac > 0)
        v /= pow10[frac];
      *out = neg ? -v : v;
      return TRUE;
    }
  }
  /* Only plain decimal notation: strtod would also take hex, "inf" and "nan". */
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit(tmp[i]) && !strchr("+-.eE", tmp[i]))
      return FALSE;
  double v = g_ascii_strtod(tmp, &end);
  if (errno || *end || end == tmp)
    return FALSE;
  *out = v;
  return TRUE;
}

/* Numbers are read in one notation only, digits with a decimal point: "1,200" could be
 * twelve hundred or one point two, so guessing would be worse than asking. */
static const char *
number_hint(const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (s[i] == ',' || s[i] == ' ' || s[i] == '\'')
      return " (no thousands separators or decimal commas: write digits and a decimal point)";
  return "";
}

/* Reads between min and max digits. */
static gboolean
take_int(const char **p, const char *end, int min, int max, int *out)
{
  int n = 0, v = 0;
  while (*p < end && n < max && g_ascii_isdigit(**p)) {
    v = v * 10 + (*(*p)++ - '0');
    n++;
  }
  *out = v;
  return n >= min;
}

/* One date, with or without a time, in a format of the profile (docs/profiles.md). With a
 * time zone set, a time is converted to it before its date is taken. */
static gboolean
parse_date_as(const BrFeed *f, const char *fmt, const char *s, gsize len, gint32 *days,
              char out[11])
{
  static const char months[] = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  const char *p = s, *end = s + len;
  int year = -1, month = -1, day = -1, hour = 0, min = 0, sec = 0, off = 0, sign;
  gboolean has_time = FALSE, has_off = FALSE;
  for (const char *q = fmt; *q; q++) {
    if (*q == ' ') {
      if (p >= end || !g_ascii_isspace(*p))
        return FALSE;
      while (p < end && g_ascii_isspace(*p))
        p++;
      continue;
    }
    if (*q != '%' || q[1] == '%') {
      q += *q == '%';
      if (p >= end || *p++ != *q)
        return FALSE;
      continue;
    }
    gboolean ok = TRUE;
    switch (*++q) {
    case 'Y':
      ok = take_int(&p, end, 4, 4, &year);
      break;
    case 'y':
      ok = take_int(&p, end, 2, 2, &year);
      year += year < 69 ? 2000 : 1900;
      break;
    case 'm':
      ok = take_int(&p, end, 1, 2, &month);
      break;
    case 'd':
      ok = take_int(&p, end, 1, 2, &day);
      break;
    case 'H':
      ok = take_int(&p, end, 1, 2, &hour);
      has_time = TRUE;
      break;
    case 'M':
      ok = take_int(&p, end, 2, 2, &min);
      break;
    case 'S':
      ok = take_int(&p, end, 2, 2, &sec);
      break;
    case 'b':
      ok = FALSE;
      for (int m = 0; end - p >= 3 && m < 12; m++) {
        if (g_ascii_strncasecmp(p, months + 3 * m, 3) == 0) {
          month = m + 1;
          p += 3;
          ok = TRUE;
          break;
        }
      }
      break;
    case 'z':
      has_off = TRUE;
      if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;
        break;
      }
      if (p >= end || (*p != '+' && *p != '-'))
        return FALSE;
      sign = *p++ == '-' ? -1 : 1;
      int hh = 0, mm = 0;
      ok = take_int(&p, end, 2, 2, &hh);
      if (ok && p < end && *p == ':')
        p++;
      ok = ok && take_int(&p, end, 2, 2, &mm) && hh <= 14 && mm <= 59;
      off = sign * (hh * 3600 + mm * 60);
      break;
    default:
      return FALSE;
    }
    if (!ok)
      return FALSE;
  }
  if (p != end || year < 1 || year > 9999 || !g_date_valid_dmy(day, month, year) || hour > 23 ||
      min > 59 || sec > 59)
    return FALSE;
  GTimeZone *tz = br_profile_time_zone(f->profile);
  if (tz && (has_time || has_off)) {
    GTimeZone *src = has_off ? g_time_zone_new_offset(off)
                             : g_time_zone_ref(br_profile_source_time_zone(f->profile));
    GDateTime *at = g_date_time_new(src, year, month, day, hour, min, sec);
    g_time_zone_unref(src);
    if (!at)
      return FALSE;
    GDateTime *local = g_date_time_to_timezone(at, tz);
    g_date_time_get_ymd(local, &year, &month, &day);
    g_date_time_unref(local);
    g_date_time_unref(at);
    if (year < 1 || year > 9999)
      return FALSE;
  }
  civil_date(year, month, day, days, out);
  return TRUE;
}

/* The date formats the fast reader (compile_date_format, parse_date) knows. */
static gboolean
date_format_plain(const char *fmt)
{
  static const char *known[] = {"%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y",
                                "%Y%m%d",   "%d.%m.%Y", "%Y/%m/%d"};
  for (guint i = 0; i < G_N_ELEMENTS(known); i++)
    if (strcmp(fmt, known[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Rewrites a number written with decimal mark dec and thousands separator th (0: none) as
 * digits and a point. Separators must stand between groups of three digits before the decimal
 * mark, so that 1.5 read with thousands "." is an error, not fifteen. With th a space, the
 * no-break spaces U+00A0 and U+202F separate thousands too. */
static gboolean
normalise_number(const char *s, gsize len, char dec, char th, char *out, gsize cap, gsize *out_len)
{
  gsize o = 0;
  int lead = 0, group = -1; /* digits before the first separator, and since the last one */
  gboolean frac = FALSE;
  for (gsize i = 0; i < len; i++) {
    char c = s[i];
    gsize sep = 0;
    if (th && !frac) {
      if (c == th)
        sep = 1;
      else if (th == ' ' && i + 1 < len && (guchar)c == 0xC2 && (guchar)s[i + 1] == 0xA0)
        sep = 2;
      else if (th == ' ' && i + 2 < len && memcmp(s + i, "\xE2\x80\xAF", 3) == 0)
        sep = 3;
    }
    if (sep) {
      if (group >= 0 ? group != 3 : lead == 0 || lead > 3)
        return FALSE;
      group = 0;
      i += sep - 1;
      continue;
    }
    if (o + 1 >= cap)
      return FALSE;
    if (g_ascii_isdigit(c)) {
      if (!frac && group >= 0)
        group++;
      else if (!frac)
        lead++;
      out[o++] = c;
    } else if (c == dec && !frac) {
      if (group >= 0 && group != 3)
        return FALSE;
      frac = TRUE;
      out[o++] = '.';
    } else if (c == '.' && dec != '.') {
      return FALSE; /* a point where the mark is a comma: not this notation */
    } else {
      out[o++] = c;
    }
  }
  if (group >= 0 && !frac && group != 3)
    return FALSE;
  out[o] = '\0';
  *out_len = o;
  return TRUE;
}

static const char *
field_trimmed(const BrChunkParser *p, int col, gsize *len)
{
  const char *s = p->row + p->fields[col].off;
  *len = p->fields[col].len;
  return trim(s, len);
}

/* The slow path: a field that is not one column read as written. Rejects the row (naming the
 * column at fault) and returns FALSE when the value cannot be made. */
static gboolean
convert_value(BrChunkParser *p, const FieldPlan *plan, const BrField *field, BrValue *v)
{
  const BrFeed *f = p->feed;
  BrBatch *b = p->batch;
  if (plan->ncols == 0) {
    *v = plan->constant;
    if (!v->missing)
      v->str = br_batch_strdup(b, v->str, v->len);
    return TRUE;
  }
  const char *column = f->header[plan->cols[0]];
  GString *t = p->scratch;
  g_string_truncate(t, 0);
  gsize len;
  const char *s;
  if (plan->ncols > 1) {
    for (guint i = 0; i < plan->ncols; i++) {
      s = field_trimmed(p, plan->cols[i], &len);
      if (!len)
        continue;
      if (t->len)
        g_string_append_c(t, br_schema_list_separator(f->schema));
      g_string_append_len(t, s, (gssize)len);
    }
    s = t->str;
    len = t->len;
  } else {
    s = field_text(p, (guint)plan->cols[0], &len);
  }
  if (plan->pf && plan->pf->codes) {
    s = trim(s, &len);
    if (len) {
      char *key = g_ascii_strup(s, (gssize)len);
      const char *mapped = g_hash_table_lookup(plan->pf->codes, key);
      g_free(key);
      if (mapped) {
        s = mapped;
        len = strlen(mapped);
      } else if (!plan->pf->unmapped_pass) {
        reject(p, column, "code \"%.*s\" is not in the code map %s", (int)MIN(len, 40), s,
               plan->pf->code_map_path);
        return FALSE;
      }
    }
  }
  char buf[64];
  if (field->type == BR_TYPE_INT || field->type == BR_TYPE_DECIMAL) {
    s = trim(s, &len);
    if (len == 0)
      return TRUE;
    gsize nlen;
    double x;
    if (!normalise_number(s, len, plan->decimal, plan->thousands, buf, sizeof buf, &nlen) ||
        !parse_number(buf, nlen, field->type, &x)) {
      reject(p, column, "not %s: \"%.*s\" (decimal mark \"%c\", %s%c%s)",
             field->type == BR_TYPE_INT ? "an integer" : "a decimal number", (int)MIN(len, 40), s,
             plan->decimal, plan->thousands ? "thousands separator \"" : "no thousands separator",
             plan->thousands ? plan->thousands : ' ', plan->thousands ? "\"" : "");
      return FALSE;
    }
    gboolean converted = FALSE;
    if (plan->unit_col >= 0) {
      gsize ulen;
      const char *u = field_trimmed(p, plan->unit_col, &ulen);
      double kg;
      if (!br_profile_unit_factor(u, ulen, &kg)) {
        reject(p, f->header[plan->unit_col],
               ulen ? "unit \"%.*s\" is not a mass unit (KG, LB, T, MT, G)"
                    : "no unit given for the mass%.*s",
               (int)MIN(ulen, 40), u);
        return FALSE;
      }
      x *= kg;
      converted = kg != 1;
    }
    if (plan->currency_col >= 0) {
      gsize clen;
      const char *c = field_trimmed(p, plan->currency_col, &clen);
      char *key = g_ascii_strup(c, (gssize)clen);
      const double *rate = g_hash_table_lookup(plan->pf->rates, key);
      g_free(key);
      if (!rate) {
        reject(p, f->header[plan->currency_col], "no rate for currency \"%.*s\" in %s",
               (int)MIN(clen, 40), c, plan->pf->rates_path);
        return FALSE;
      }
      x *= *rate;
      converted = *rate != 1;
    }
    v->num = x;
    if (converted) {
      g_ascii_formatd(buf, sizeof buf, "%.10g", x);
      nlen = strlen(buf);
    }
    s = buf;
    len = nlen;
  } else if (field->type == BR_TYPE_DATE) {
    s = trim(s, &len);
    if (len == 0)
      return TRUE;
    gint32 days;
    const char *const *fmt = plan->date_formats;
    while (*fmt && !parse_date_as(f, *fmt, s, len, &days, buf))
      fmt++;
    if (!*fmt) {
      char *forms = g_strjoinv(" or ", (char **)plan->date_formats);
      reject(p, column, "not a date in the form %s: \"%.*s\"", forms, (int)MIN(len, 40), s);
      g_free(forms);
      return FALSE;
    }
    v->num = days;
    s = buf;
    len = 10;
  } else if (len == 0) {
    return TRUE;
  }
  v->str = br_batch_strdup(b, s, len);
  v->len = (guint32)len;
  v->missing = FALSE;
  return TRUE;
}

/* Checks one data row and either appends it to the batch or keeps it as a reject. */
static void
process_row(BrChunkParser *p)
{
  const BrFeed *f = p->feed;
  p->chunk->rows++;
  guint nf = p->nfields;
  if (nf != f->ncols) {
    if (nf < f->ncols)
      reject(p, f->header[nf], "expected %u fields, found %u", f->ncols, nf);
    else
      reject(p, "", "expected %u fields, found %u", f->ncols, nf);
    return;
  }
  for (guint i = 0; i < nf; i++) {
    gsize len;
    const char *s = field_text(p, i, &len);
    if (p->row_clean && len <= f->max_field)
      continue;
    if (len > f->max_field) {
      reject(p, f->header[i],
             "field is %" G_GSIZE_FORMAT " bytes, over the limit of %" G_GSIZE_FORMAT, len,
             f->max_field);
      return;
    }
    if (memchr(s, '\0', len)) {
      reject(p, f->header[i], "field contains a NUL byte");
      return;
    }
    const char *bad;
    if (!g_utf8_validate_len(s, len, &bad)) {
      if (f->encoding)
        reject(p, f->header[i], "bytes that are not valid %s at character %ld of the field",
               f->encoding, g_utf8_pointer_to_offset(s, bad) + 1);
      else
        reject(p, f->header[i], "invalid UTF-8 at byte %" G_GSIZE_FORMAT " of the field",
               (gsize)(bad - s) + 1);
      return;
    }
    if (memmem(s, len, BOM, 3)) {
      reject(p, f->header[i], BOM_REASON);
      return;
    }
  }

  BrBatch *b = p->batch;
  BrValue *rec = br_batch_append(b, p->row_line);
  guint nschema = br_schema_size(f->schema);
  char iso[11]; /* a date's normalised text, copied into the batch below */
  for (guint k = 0; k < nschema; k++) {
    const BrField *field = br_schema_field(f->schema, k);
    BrValue *v = &rec[k];
    if (!f->plans[k].plain) {
      if (!convert_value(p, &f->plans[k], field, v)) {
        br_batch_drop_last(b);
        return;
      }
      continue;
    }
    gsize len;
    const char *s = field_text(p, (guint)field->source_col, &len);
    if (field->type == BR_TYPE_INT || field->type == BR_TYPE_DECIMAL) {
      s = trim(s, &len);
      if (len == 0)
        continue;
      if (!parse_number(s, len, field->type, &v->num)) {
        br_batch_drop_last(b);
        reject(p, f->header[field->source_col], "not %s: \"%.*s\"%s",
               field->type == BR_TYPE_INT ? "an integer" : "a decimal number", (int)MIN(len, 40), s,
               number_hint(s, len));
        return;
      }
    } else if (field->type == BR_TYPE_DATE) {
      s = trim(s, &len);
      if (len == 0)
        continue;
      gint32 days;
      if (!parse_date(f, s, len, &days, iso)) {
        br_batch_drop_last(b);
        reject(p, f->header[field->source_col], "not a date in the form %s: \"%.*s\"",
               br_profile_date_format(f->profile), (int)MIN(len, 40), s);
        return;
      }
      v->num = days;
      s = iso;
      len = 10;
    } else if (len == 0) {
      continue;
    }
    v->str = br_batch_strdup(b, s, len);
    v->len = (guint32)len;
    v->missing = FALSE;
  }
  const BrValue *port = f->port_field >= 0 ? &rec[f->port_field] : NULL;
  const char *why = port && !port->missing ? br_check_port_code(port->str, port->len) : NULL;
  if (why) {
    int col = br_schema_field(f->schema, (guint)f->port_field)->source_col;
    reject(p, f->header[col], "%s: \"%.*s\"", why, (int)MIN(port->len, 40), port->str);
    br_batch_drop_last(b);
  }
}

static void
take_header(BrChunkParser *p)
{
  guint n = p->nfields;
  char **header = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++) {
    gsize len;
    const char *s = field_text(p, i, &len);
    /* A name cut at its NUL would silently be another column. */
    if (memchr(s, '\0', len) && !p->header_broken)
      p->header_broken =
          g_strdup_printf("a NUL byte in column %u (a UTF-16 file? save it as UTF-8)", i + 1);
    header[i] = g_strstrip(g_strndup(s, len));
  }
  *p->header_out = header;
  *p->ncols_out = n;
}

static inline void
row_append(BrChunkParser *p, const char *s, gsize len)
{
  if (p->row_len + len + 1 > p->row_cap) {
    p->row_cap = MAX(p->row_cap * 2, p->row_len + len + 1);
    p->row = g_realloc(p->row, p->row_cap);
  }
  memcpy(p->row + p->row_len, s, len);
  p->row_len += len;
}

/* Ends the field that started at off: NUL-terminates it and records it. */
static inline void
row_end_field(BrChunkParser *p, gsize off)
{
  row_append(p, "", 1);
  if (p->nfields == p->fields_cap) {
    p->fields_cap = MAX(p->fields_cap * 2, 64);
    p->fields = g_renew(FieldRef, p->fields, p->fields_cap);
  }
  p->fields[p->nfields++] = (FieldRef){off, p->row_len - 1 - off};
}

static inline void
row_clear(BrChunkParser *p)
{
  p->row_len = 0;
  p->nfields = 0;
}

static void
on_field(void *s, size_t len, void *data)
{
  BrChunkParser *p = data;
  gsize off = p->row_len;
  row_append(p, s ? s : "", len);
  row_end_field(p, off);
}

static void
on_row(int c, void *data)
{
  BrChunkParser *p = data;
  if (p->header_out) {
    if (!*p->header_out)
      take_header(p);
  } else {
    process_row(p);
  }
  row_clear(p);
}

static BrChunkParser *
parser_new(const BrFeed *feed)
{
  BrChunkParser *p = g_new0(BrChunkParser, 1);
  p->feed = feed;
  p->row_cap = 4096;
  p->row = g_malloc(p->row_cap);
  p->scratch = g_string_new(NULL);
  csv_init(&p->parser, CSV_OPTIONS);
  csv_set_delim(&p->parser, (unsigned char)feed->delim);
  csv_set_quote(&p->parser, (unsigned char)feed->quote);
  csv_set_space_func(&p->parser, is_space);
  csv_set_term_func(&p->parser, is_term);
  csv_set_blk_size(&p->parser, READ_BLOCK_MIN);
  return p;
}

BrChunkParser *
br_chunk_parser_new(BrFeed *feed)
{
  return parser_new(feed);
}

void
br_chunk_parser_free(BrChunkParser *parser)
{
  if (!parser)
    return;
  csv_free(&parser->parser);
  g_free(parser->row);
  g_free(parser->fields);
  g_free(parser->header_broken);
  g_string_free(parser->scratch, TRUE);
  g_free(parser);
}

/* TRUE when every byte is ASCII (and so valid UTF-8): checked eight bytes at a time, since
 * nearly every manifest line is plain ASCII and needs no full UTF-8 validation. */
static gboolean
all_ascii(const char *s, gsize n)
{
  gsize i = 0;
  for (; i + 8 <= n; i += 8) {
    guint64 w;
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ULL)
      return FALSE;
  }
  for (; i < n; i++)
    if ((unsigned char)s[i] & 0x80)
      return FALSE;
  return TRUE;
}

/* Most lines are whole rows of well-formed CSV: split them here instead of feeding libcsv
 * byte by byte through callbacks. Same result as libcsv: fields split on the delimiter, blanks
 * (space, tab, CR) trimmed around unquoted fields, quoted fields unescaped, blank lines
 * skipped, a quote inside an unquoted field kept as text. A line this does not fully
 * understand (a quoted field going on past the line, text after a closing quote) goes to
 * libcsv instead: returns FALSE with nothing consumed. */
static gboolean
fast_row(BrChunkParser *p, const char *s, gsize n)
{
  char delim = p->feed->delim, quote = p->feed->quote;
#define BLANK(ch) (((ch) == ' ' || (ch) == '\t' || (ch) == '\r') && (ch) != delim)
  const char *end = s + n, *pos = s;
  while (pos < end && BLANK(*pos))
    pos++;
  if (pos == end)
    return TRUE;
  pos = s;
  /* One check of the whole line spares one per field; a line that fails goes to libcsv, and
   * the per-field checks then name the column at fault. */
  if (memchr(s, '\0', n) ||
      (!all_ascii(s, n) && (!g_utf8_validate_len(s, n, NULL) || memmem(s, n, BOM, 3))))
    return FALSE;
  for (;;) {
    while (pos < end && BLANK(*pos))
      pos++;
    gsize off = p->row_len;
    if (pos < end && *pos == quote) {
      pos++;
      for (;;) {
        const char *q = memchr(pos, quote, (gsize)(end - pos));
        if (!q)
          goto bail;
        row_append(p, pos, (gsize)(q - pos));
        if (q + 1 < end && q[1] == quote) {
          row_append(p, q, 1);
          pos = q + 2;
          continue;
        }
        pos = q + 1;
        break;
      }
      while (pos < end && BLANK(*pos))
        pos++;
      if (pos < end && *pos != delim)
        goto bail;
    } else {
      const char *d = pos < end ? memchr(pos, delim, (gsize)(end - pos)) : NULL;
      const char *fe = d ? d : end, *b = fe;
      while (b > pos && BLANK(b[-1]))
        b--;
      row_append(p, pos, (gsize)(b - pos));
      pos = fe;
    }
    row_end_field(p, off);
    if (pos >= end)
      break;
    pos++; /* the delimiter */
    if (pos == end) {
      row_end_field(p, p->row_len);
      break;
    }
  }
#undef BLANK
  p->row_clean = TRUE;
  on_row('\n', p);
  p->row_clean = FALSE;
  return TRUE;
bail:
  row_clear(p);
  return FALSE;
}

/* Clears libcsv's state after an error: csv_fini resets the parser, and without the strict
 * options it does so even inside an open quoted field. */
static void
parser_reset(BrChunkParser *p)
{
  csv_set_opts(&p->parser, 0);
  csv_fini(&p->parser, NULL, NULL, NULL);
  csv_set_opts(&p->parser, CSV_OPTIONS);
  row_clear(p);
}

/* A row whose quoting is broken cannot be split into fields the way its author meant. It
 * ends where the row scan says (so the reader's cuts and this agree), and is rejected whole:
 * its raw text is kept as one cell, since nothing else would keep it exactly. Returns where
 * parsing goes on. */
static gsize
broken_row(BrChunkParser *p, BrChunk *c, gsize at, const char *reason)
{
  RowScan scan = {at, FALSE};
  gsize end = at < c->len ? row_scan(&scan, c->data, c->len, at, FALSE, p->feed->delim,
                                     p->feed->quote, TRUE, FALSE)
                          : 0;
  if (end == 0)
    end = c->len;
  guint column = p->nfields;
  parser_reset(p);
  gsize text_len = end - p->row_start;
  if (text_len && c->data[p->row_start + text_len - 1] == '\n')
    text_len--;
  if (text_len && c->data[p->row_start + text_len - 1] == '\r')
    text_len--;
  if (p->header_out) {
    p->header_broken = g_strdup_printf("%s in column %u", reason, column + 1);
    return c->len;
  }
  row_append(p, c->data + p->row_start, text_len);
  row_end_field(p, 0);
  c->rows++;
  reject(p, column < p->feed->ncols ? p->feed->header[column] : "", "%s", reason);
  row_clear(p);
  return end;
}

/* Strict libcsv stopped at the quote inside an unquoted field: that quote is text. */
static void
take_quote_as_text(BrChunkParser *p, const char *quote)
{
  csv_set_opts(&p->parser, CSV_APPEND_NULL);
  csv_parse(&p->parser, quote, 1, on_field, on_row, p);
  csv_set_opts(&p->parser, CSV_OPTIONS);
}

/* Parses one physical line (or the rest of one) with libcsv. Returns how much of it was
 * used: less than len when the row is broken, with libcsv's error status set. */
static gsize
csv_parse_line(BrChunkParser *p, const char *s, gsize len)
{
  gsize done = 0;
  while (done < len) {
    done += csv_parse(&p->parser, s + done, len - done, on_field, on_row, p);
    /* libcsv grows its field buffer by a fixed block (128 bytes by default), which makes a
     * large field cost quadratic copying; double the block each time the buffer reaches it,
     * so that short files never pay for a large buffer and a large field costs linear time. */
    if (p->parser.entry_size >= p->parser.blk_size)
      csv_set_blk_size(&p->parser, p->parser.blk_size * 2);
    if (done == len || csv_error(&p->parser) != CSV_EPARSE || p->parser.quoted)
      break;
    take_quote_as_text(p, s + done);
    done++;
  }
  return done;
}

/* Feeds the chunk to libcsv one physical line at a time: the line each row starts on is then
 * known, and since only LF ends a row, a line ends at most one row, so stopping at a line
 * start when the batch is full can never overflow it. */
static gboolean
parse_lines(BrChunkParser *p, BrChunk *c)
{
  if (!c->started) {
    c->started = TRUE;
    c->pos = 0;
    c->line = c->first_line;
    c->at_line_start = TRUE;
  }
  while (c->pos < c->len) {
    if (c->at_line_start && p->parser.pstate == 0) {
      if (p->header_out ? *p->header_out != NULL : p->batch->count == p->batch->capacity)
        return FALSE;
      p->row_line = c->line;
      p->row_start = c->pos;
    }
    const char *start = c->data + c->pos;
    gsize avail = c->len - c->pos;
    const char *nl = memchr(start, '\n', avail);
    gsize seg = nl ? (gsize)(nl - start) + 1 : avail;
    gsize next = c->pos + seg;
    /* A row not wanted that ends with its first line, as the reader's scan finds row ends, is
     * passed over unparsed. */
    if (p->feed->want && nl && c->at_line_start && p->parser.pstate == 0 && !p->header_out &&
        !p->feed->want(c->line, p->feed->want_data)) {
      RowScan scan = {c->pos, FALSE};
      if (row_scan(&scan, c->data, c->len, c->pos, TRUE, p->feed->delim, p->feed->quote, TRUE,
                   FALSE) == next) {
        c->pos = next;
        c->line++;
        continue;
      }
    }
    if (!(c->at_line_start && p->parser.pstate == 0 && fast_row(p, start, nl ? seg - 1 : seg))) {
      gsize used = csv_parse_line(p, start, seg);
      if (used < seg) {
        const char *reason = csv_error(&p->parser) == CSV_EPARSE
                                 ? "text after the closing quote of a quoted field"
                                 : csv_strerror(csv_error(&p->parser));
        next = broken_row(p, c, c->pos + used, reason);
        for (const char *q = start; (q = memchr(q, '\n', (gsize)(c->data + next - q))); q++)
          c->line++;
        c->pos = next;
        c->at_line_start = TRUE;
        continue;
      }
    }
    c->pos = next;
    c->at_line_start = nl != NULL;
    if (nl)
      c->line++;
  }
  /* Chunks end at row ends; at the end of input the last row may lack its newline, or, when
   * a quote is missing, still be inside a quoted field. */
  if (csv_fini(&p->parser, on_field, on_row, p) != 0)
    broken_row(p, c, c->len,
               "a quoted field is still open at the end of the input: is a "
               "closing quote missing?");
  return TRUE;
}

gboolean
br_chunk_parser_fill(BrChunkParser *parser, BrChunk *chunk, BrBatch *batch)
{
  br_batch_reset(batch);
  parser->chunk = chunk;
  parser->batch = batch;
  gboolean done = parse_lines(parser, chunk);
  parser->chunk = NULL;
  parser->batch = NULL;
  return done;
}

BrChunk *
br_chunk_new(void)
{
  BrChunk *c = g_new0(BrChunk, 1);
  c->cap = READ_BLOCK_MIN;
  c->data = g_malloc(c->cap);
  c->rejects = g_string_new(NULL);
  return c;
}

void
br_chunk_free(BrChunk *chunk)
{
  if (!chunk)
    return;
  g_free(chunk->data);
  g_string_free(chunk->rejects, TRUE);
  g_free(chunk);
}

guint64
br_chunk_seq(const BrChunk *chunk)
{
  return chunk->seq;
}

static void
chunk_reserve(BrChunk *c, gsize extra)
{
  if (c->len + extra > c->cap) {
    c->cap = MAX(c->cap * 2, c->len + extra);
    c->data = g_realloc(c->data, c->cap);
  }
}

/* Appends the next block of the file as it is; 0 at the end, -1 on a read error. */
static gssize
read_block(BrFeed *f, BrChunk *c)
{
  gsize block = MIN(READ_BLOCK, MAX(READ_BLOCK_MIN, f->bytes));
  chunk_reserve(c, block);
  gsize n = fread(c->data + c->len, 1, block, f->fp);
  if (n == 0)
    return ferror(f->fp) ? -1 : 0;
  f->bytes += n;
  c->len += n;
  return (gssize)n;
}

/* Appends the next block of the file decoded to UTF-8. A sequence the encoding does not allow
 * becomes a 0xFF byte, which is never UTF-8: the row holding it is rejected at its own line
 * (decoding keeps every newline), naming the encoding. A sequence cut by the block's end
 * waits in raw for the next block. 0 at the end, -1 on a read error. */
#define RAW_BLOCK (READ_BLOCK / 2)
static gssize
decode_block(BrFeed *f, BrChunk *c)
{
  gsize before = c->len;
  while (c->len == before) {
    if (f->raw_cap < RAW_BLOCK && f->bytes >= f->raw_cap) {
      f->raw_cap = MIN(RAW_BLOCK, f->raw_cap * 2);
      f->raw = g_realloc(f->raw, f->raw_cap);
    }
    gsize got = fread(f->raw + f->raw_len, 1, f->raw_cap - f->raw_len, f->fp);
    if (got == 0 && ferror(f->fp))
      return -1;
    f->bytes += got;
    f->raw_len += got;
    gboolean at_end = got == 0;
    if (f->raw_len == 0)
      return 0;
    char *in = f->raw;
    gsize inleft = f->raw_len;
    while (inleft) {
      chunk_reserve(c, inleft * 4 + 64);
      char *out = c->data + c->len;
      gsize outleft = c->cap - c->len;
      gsize r = g_iconv(f->cd, &in, &inleft, &out, &outleft);
      c->len = (gsize)(out - c->data);
      if (r != (gsize)-1)
        break;
      if (errno == E2BIG)
        continue;
      if (errno == EINVAL && !at_end)
        break;
      c->data[c->len++] = (char)0xFF;
      gsize skip = MIN(f->unit_bytes, inleft);
      in += skip;
      inleft -= skip;
    }
    memmove(f->raw, in, inleft);
    f->raw_len = inleft;
    if (at_end && c->len == before)
      return 0;
  }
  return (gssize)(c->len - before);
}

/* Drops the lines before the header as they are read, counting them, so that the header and
 * every row keep their line numbers in the original file. */
static void
skip_lines(BrFeed *f, BrChunk *c)
{
  gsize off = 0;
  while (f->skip_left && off < c->len) {
    const char *nl = memchr(c->data + off, '\n', c->len - off);
    if (!nl) {
      off = c->len;
      break;
    }
    off = (gsize)(nl - c->data) + 1;
    f->skip_left--;
    f->next_line++;
  }
  memmove(c->data, c->data + off, c->len - off);
  c->len -= off;
}

gint
br_feed_read_chunk(BrFeed *f, BrChunk *c, GError **error)
{
  c->len = 0;
  chunk_reserve(c, f->tail_len);
  if (f->tail_len)
    memcpy(c->data, f->tail, f->tail_len);
  c->len = f->tail_len;
  f->tail_len = 0;

  /* The chunk starts at a row start, so the scan can start there. */
  RowScan scan = {0, FALSE};
  gsize boundary = 0;
  for (;;) {
    gsize end = row_scan(&scan, c->data, c->len, 0, TRUE, f->delim, f->quote, FALSE, !f->eof);
    if (end)
      boundary = end;
    if ((boundary > 0 && c->len >= CHUNK_TARGET) || f->eof)
      break;
    if (c->len - boundary > f->runaway) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_CSV,
                  "%s: after line %" G_GUINT64_FORMAT
                  ": a row runs on for more than %" G_GSIZE_FORMAT " bytes%s",
                  f->path, f->next_line, f->runaway,
                  scan.quoted ? ": is a closing quote missing?" : "");
      return -1;
    }
    gsize start = c->len;
    gssize n = f->cd ? decode_block(f, c) : read_block(f, c);
    if (n < 0) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: read error: %s", f->path,
                  g_strerror(errno));
      return -1;
    }
    if (n == 0) {
      f->eof = TRUE;
      continue;
    }
    if (f->first_block) {
      f->first_block = FALSE;
      if (c->len - start >= 3 && memcmp(c->data + start, "\xEF\xBB\xBF", 3) == 0) {
        memmove(c->data + start, c->data + start + 3, c->len - start - 3);
        c->len -= 3;
      }
    }
    if (f->skip_left)
      skip_lines(f, c);
  }
  if (f->eof)
    boundary = c->len;
  gsize rest = c->len - boundary;
  if (rest > f->tail_cap) {
    f->tail_cap = rest;
    f->tail = g_realloc(f->tail, rest);
  }
  if (rest)
    memcpy(f->tail, c->data + boundary, rest);
  f->tail_len = rest;
  c->len = boundary;
  if (c->len == 0)
    return 0;

  c->first_line = f->next_line;
  for (const char *p = c->data, *end = c->data + c->len; (p = memchr(p, '\n', end - p)); p++)
    f->next_line++;
  c->seq = f->next_seq++;
  c->started = FALSE;
  c->rows = 0;
  c->rejected = 0;
  g_string_truncate(c->rejects, 0);
  return 1;
}

static gboolean
write_rejects(BrFeed *f, const GString *text, GError **error)
{
  if (text->len == 0)
    return TRUE;
  if (!f->rej) {
    f->rej = fopen(f->reject_path, "w");
    if (!f->rej) {
      int e = errno;
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: cannot create the reject file: %s",
                  f->reject_path, g_strerror(e));
      return FALSE;
    }
    GString *h = g_string_new("line,column,reason");
    for (guint i = 0; i < f->ncols; i++) {
      g_string_append_c(h, ',');
      br_csv_write_field(h, f->header[i], strlen(f->header[i]));
    }
    g_string_append_c(h, '\n');
    fputs(h->str, f->rej);
    g_string_free(h, TRUE);
  }
  if (fwrite(text->str, 1, text->len, f->rej) != text->len || fflush(f->rej) != 0) {
    int e = errno;
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: cannot write: %s", f->reject_path,
                g_strerror(e));
    /* A partial reject file (a full disk) would pass for all the rejects: remove it. Only a
     * regular file this run created, never a device such as /dev/full. */
    struct stat st;
    gboolean regular = fstat(fileno(f->rej), &st) == 0 && S_ISREG(st.st_mode);
    fclose(f->rej);
    f->rej = NULL;
    if (regular)
      g_unlink(f->reject_path);
    return FALSE;
  }
  return TRUE;
}

gboolean
br_feed_finish_chunk(BrFeed *f, BrChunk *chunk, GError **error)
{
  f->rows_read += chunk->rows;
  f->rows_rejected += chunk->rejected;
  if (chunk->seq != f->next_write_seq) {
    g_hash_table_insert(f->pending, g_memdup2(&chunk->seq, sizeof chunk->seq),
                        g_string_new_len(chunk->rejects->str, (gssize)chunk->rejects->len));
    return TRUE;
  }
  if (!write_rejects(f, chunk->rejects, error))
    return FALSE;
  f->next_write_seq++;
  GString *next;
  while ((next = g_hash_table_lookup(f->pending, &f->next_write_seq))) {
    gboolean ok = write_rejects(f, next, error);
    g_hash_table_remove(f->pending, &f->next_write_seq);
    if (!ok)
      return FALSE;
    f->next_write_seq++;
  }
  return TRUE;
}

static void
free_plans(BrFeed *f)
{
  if (!f->plans)
    return;
  for (guint k = 0; k < br_schema_size(f->schema); k++) {
    g_free(f->plans[k].cols);
    g_free((char *)f->plans[k].constant.str);
  }
  g_free(f->plans);
  f->plans = NULL;
}

/* A constant field's value, typed once for every row. */
static gboolean
plan_constant(BrFeed *f, FieldPlan *pl, const BrField *field, GError **error)
{
  const char *text = pl->pf->constant;
  gsize len = strlen(text);
  BrValue *v = &pl->constant;
  char buf[64];
  v->missing = len == 0;
  if (len && (field->type == BR_TYPE_INT || field->type == BR_TYPE_DECIMAL)) {
    gsize nlen;
    if (!normalise_number(text, len, pl->decimal, pl->thousands, buf, sizeof buf, &nlen) ||
        !parse_number(buf, nlen, field->type, &v->num))
      goto bad;
    text = buf;
  } else if (len && field->type == BR_TYPE_DATE) {
    gint32 days;
    const char *const *fmt = pl->date_formats;
    while (*fmt && !parse_date_as(f, *fmt, text, len, &days, buf))
      fmt++;
    if (!*fmt)
      goto bad;
    v->num = days;
    text = buf;
  }
  v->str = g_strdup(text);
  v->len = (guint32)strlen(text);
  return TRUE;
bad:
  g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE,
              "%s: [constants] %s = %s is not a valid %s", br_profile_path(f->profile), field->name,
              pl->pf->constant, br_type_name(field->type));
  return FALSE;
}

/* Decides once per field how its value is made; plain fields keep the fast path. */
static gboolean
build_plans(BrFeed *f, GError **error)
{
  guint n = br_schema_size(f->schema), npf;
  const BrProfileField *pfs = br_profile_fields(f->profile, &npf);
  const char *const *formats = br_profile_date_formats(f->profile);
  gboolean plain_dates = !formats[1] && date_format_plain(formats[0]);
  const char *const *header = (const char *const *)f->header;
  f->plans = g_new0(FieldPlan, n);
  for (guint k = 0; k < n; k++) {
    const BrField *field = br_schema_field(f->schema, k);
    FieldPlan *pl = &f->plans[k];
    pl->unit_col = pl->currency_col = -1;
    pl->decimal = br_profile_decimal(f->profile);
    pl->thousands = br_profile_thousands(f->profile);
    pl->date_formats = formats;
    pl->constant.missing = TRUE;
    pl->constant.str = NULL;
    const BrProfileField *pf = k < npf ? &pfs[k] : NULL;
    if (pf) {
      pl->pf = pf;
      pl->decimal = pf->decimal;
      pl->thousands = pf->thousands;
      pl->date_formats = (const char *const *)pf->date_formats;
      pl->ncols = pf->columns ? g_strv_length(pf->columns) : 0;
      pl->cols = g_new0(int, MAX(pl->ncols, 1));
      for (guint i = 0; i < pl->ncols; i++)
        pl->cols[i] = br_profile_find_column(header, f->ncols, pf->columns[i]);
      if (pf->unit_column)
        pl->unit_col = br_profile_find_column(header, f->ncols, pf->unit_column);
      if (pf->currency_column)
        pl->currency_col = br_profile_find_column(header, f->ncols, pf->currency_column);
      if (pf->constant && !plan_constant(f, pl, field, error))
        return FALSE;
    } else {
      pl->ncols = 1;
      pl->cols = g_new(int, 1);
      pl->cols[0] = field->source_col;
    }
    gboolean dates_plain =
        plain_dates && !pl->date_formats[1] && strcmp(pl->date_formats[0], formats[0]) == 0;
    pl->plain = pl->ncols == 1 && pl->unit_col < 0 && pl->currency_col < 0 && !(pf && pf->codes) &&
                pl->decimal == '.' && pl->thousands == 0 &&
                (field->type != BR_TYPE_DATE || dates_plain);
  }
  return TRUE;
}

static void
string_free(gpointer s)
{
  g_string_free(s, TRUE);
}

/* Reads the header: the first row of the first chunk. What follows it in that chunk goes back
 * in front of the tail, so data chunks start right after the header. */
static gboolean
read_header(BrFeed *f, GError **error)
{
  BrChunk *c = br_chunk_new();
  gint r = br_feed_read_chunk(f, c, error);
  gboolean ok = FALSE;
  if (r < 0)
    goto out;
  if (r == 0) {
    if (br_profile_header_line(f->profile) > 1)
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: the file ends before line %u, where profile %s puts the header", f->path,
                  br_profile_header_line(f->profile), br_profile_name(f->profile));
    else
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: file is empty: a header line naming the columns is needed", f->path);
    goto out;
  }
  BrChunkParser *p = parser_new(f);
  p->header_out = &f->header;
  p->ncols_out = &f->ncols;
  p->chunk = c;
  parse_lines(p, c);
  guint64 header_line = p->row_line;
  char *broken = g_steal_pointer(&p->header_broken);
  br_chunk_parser_free(p);
  /* Only LF ends a row, so a file with CR-only line ends reads as one line whose header
   * swallows the data: say so rather than report what that made of the header. */
  const char *nl = memchr(c->data, '\n', c->len);
  gsize first_len = nl ? (gsize)(nl - c->data) : c->len;
  for (gsize i = 0; i + 1 < first_len; i++) {
    if (c->data[i] == '\r') {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: line 1: a carriage return (CR) inside the header line: the file seems to "
                  "end its lines with CR alone (classic Mac OS); convert them to LF or CRLF, "
                  "e.g. tr '\\r' '\\n'",
                  f->path);
      g_free(broken);
      goto out;
    }
  }
  if (broken) {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                "%s: line %" G_GUINT64_FORMAT ": the header cannot be read: %s", f->path,
                header_line, broken);
    g_free(broken);
    goto out;
  }
  if (!f->header) {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                "%s: file is empty: a header line naming the columns is needed", f->path);
    goto out;
  }
  for (guint i = 0; i < f->ncols; i++) {
    if (!g_utf8_validate(f->header[i], -1, NULL)) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: line %" G_GUINT64_FORMAT ": column %u of the header is not valid %s",
                  f->path, header_line, i + 1, f->encoding ? f->encoding : "UTF-8");
      goto out;
    }
    if (strstr(f->header[i], BOM)) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: line %" G_GUINT64_FORMAT ": column %u of the header holds a byte order "
                  "mark (U+FEFF), so its name matches no column; were two files joined into one?",
                  f->path, header_line, i + 1);
      goto out;
    }
  }
  gsize rest = c->len - c->pos;
  char *tail = g_malloc(rest + f->tail_len + 1);
  memcpy(tail, c->data + c->pos, rest);
  if (f->tail_len)
    memcpy(tail + rest, f->tail, f->tail_len);
  g_free(f->tail);
  f->tail = tail;
  f->tail_len += rest;
  f->tail_cap = f->tail_len + 1;
  f->next_line = c->line;
  f->next_seq = 0;
  f->schema =
      br_profile_build_schema(f->profile, (const char *const *)f->header, f->ncols, f->path, error);
  ok = f->schema != NULL && build_plans(f, error);
out:
  br_chunk_free(c);
  return ok;
}

static BrFeed *
feed_open(const char *path, FILE *given, const BrProfile *profile, const BrFeedOptions *options,
          GError **error)
{
  BrFeed *f = g_new0(BrFeed, 1);
  f->fp = given; /* owned from here, closed on failure too */
  f->path = g_strdup(strcmp(path, "-") == 0 ? "(standard input)" : path);
  f->profile = profile;
  f->next_line = 1;
  f->first_block = TRUE;
  f->port_field = -1;
  f->max_field = options && options->max_field_bytes ? options->max_field_bytes
                                                     : br_profile_max_field_bytes(profile);
  f->runaway = MAX(RUNAWAY_FIELD_MIN, f->max_field * 4);
  f->reject_path = options && options->reject_path ? g_strdup(options->reject_path) : NULL;
  f->pending = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, string_free);
  f->delim = br_profile_delimiter(profile);
  f->quote = br_profile_quote(profile);
  f->skip_left = br_profile_header_line(profile) - 1;
  compile_date_format(f, br_profile_date_format(profile));
  if ((f->encoding = br_profile_encoding(profile))) {
    f->cd = g_iconv_open("UTF-8", f->encoding);
    if (f->cd == (GIConv)-1) {
      f->cd = NULL;
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE, "%s: iconv cannot decode %s",
                  f->path, f->encoding);
      goto fail;
    }
    f->raw_cap = READ_BLOCK_MIN / 2;
    f->raw = g_malloc(f->raw_cap);
    f->unit_bytes =
        strstr(f->encoding, "32") || g_ascii_strncasecmp(f->encoding, "UCS-4", 5) == 0   ? 4
        : strstr(f->encoding, "16") || g_ascii_strncasecmp(f->encoding, "UCS-2", 5) == 0 ? 2
                                                                                         : 1;
  }

  if (!given && strcmp(path, "-") == 0) {
    f->fp = stdin;
  } else if (!given) {
    f->fp = fopen(path, "rb");
    if (!f->fp) {
      int e = errno;
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: cannot open: %s", path,
                  g_strerror(e));
      goto fail;
    }
  }
  /* Chunks are read in 1 MiB blocks: stdio's own buffer would only add a copy. */
  setvbuf(f->fp, NULL, _IONBF, 0);
  if (!read_header(f, error))
    goto fail;
  if (options && options->port_field)
    f->port_field = br_schema_find(f->schema, options->port_field);
  f->seq_parser = parser_new(f);
  f->seq_chunk = br_chunk_new();
  return f;

fail:
  br_feed_close(f);
  return NULL;
}

BrFeed *
br_feed_open(const char *path, const BrProfile *profile, const BrFeedOptions *options,
             GError **error)
{
  return feed_open(path, NULL, profile, options, error);
}

BrFeed *
br_feed_open_memory(const char *name, const char *data, gsize len, const BrProfile *profile,
                    const BrFeedOptions *options, GError **error)
{
  /* fmemopen cannot open an empty buffer: a lone newline reads as an empty file too. */
  FILE *fp = len ? fmemopen((void *)data, len, "rb") : fmemopen((void *)"\n", 1, "rb");
  if (!fp) {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: cannot read: %s", name,
                g_strerror(errno));
    return NULL;
  }
  return feed_open(name, fp, profile, options, error);
}

const BrSchema *
br_feed_schema(const BrFeed *feed)
{
  return feed->schema;
}

gint
br_feed_next_batch(BrFeed *feed, BrBatch *batch, GError **error)
{
  for (;;) {
    if (!feed->seq_live) {
      gint r = br_feed_read_chunk(feed, feed->seq_chunk, error);
      if (r <= 0) {
        br_batch_reset(batch);
        return r;
      }
      feed->seq_live = TRUE;
    }
    if (br_chunk_parser_fill(feed->seq_parser, feed->seq_chunk, batch)) {
      feed->seq_live = FALSE;
      if (!br_feed_finish_chunk(feed, feed->seq_chunk, error))
        return -1;
    }
    if (batch->count > 0)
      return (gint)batch->count;
  }
}

void
br_feed_set_line_filter(BrFeed *feed, BrLineFilter want, gpointer data)
{
  feed->want = want;
  feed->want_data = data;
}

guint64
br_feed_rows_read(const BrFeed *feed)
{
  return feed->rows_read;
}

guint64
br_feed_rows_rejected(const BrFeed *feed)
{
  return feed->rows_rejected;
}

guint64
br_feed_bytes_read(const BrFeed *feed)
{
  return feed->bytes;
}

void
br_feed_close(BrFeed *feed)
{
  if (!feed)
    return;
  if (feed->fp && feed->fp != stdin)
    fclose(feed->fp);
  if (feed->cd)
    g_iconv_close(feed->cd);
  g_free(feed->raw);
  free_plans(feed);
  if (feed->rej)
    fclose(feed->rej);
  br_chunk_parser_free(feed->seq_parser);
  br_chunk_free(feed->seq_chunk);
  br_schema_free(feed->schema);
  g_strfreev(feed->header);
  g_hash_table_destroy(feed->pending);
  g_free(feed->tail);
  g_free(feed->reject_path);
  g_free(feed->path);
  g_free(feed);
}
