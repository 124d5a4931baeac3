#include "br_feed.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "br_csv_write.h"

#define READ_BLOCK (1u << 20)
/* A quoted field may legitimately hold newlines, but one that runs on for this long means an
 * unbalanced quote is swallowing the rest of the file: stop before it takes all memory. */
#define RUNAWAY_FIELD_MIN (16u << 20)

typedef struct {
  gsize off;
  gsize len;
} FieldRef;

struct BrFeed {
  char *path;
  FILE *fp;
  const BrProfile *profile;
  BrSchema *schema;
  struct csv_parser parser;
  gboolean parser_ready;

  char *buf;
  gsize buf_len, buf_pos;
  gboolean eof, finished, first_block;
  guint64 line;     /* physical line being fed, 1-based */
  guint64 row_line; /* line where the current row started */
  gboolean at_line_start;

  GString *row;    /* fields of the current row, each NUL-terminated */
  GArray *fields;  /* FieldRef into row */
  char **header;
  guint ncols;
  gsize max_field;
  gsize runaway;
  int date_order[3]; /* positions of year, month, day in the date format */
  char date_seps[3];

  BrBatch *batch;
  GError *error; /* set inside libcsv callbacks, checked after each parse call */

  guint64 rows_read; /* data rows ended, accepted or rejected */
  guint64 rows_rejected, bytes;
  char *reject_path;
  FILE *rej;
  GString *rej_line;
  gint32 epoch_julian;
};

G_DEFINE_QUARK(br-feed-error-quark, br_feed_error)

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

static const char *
field_text(const BrFeed *f, guint i, gsize *len)
{
  const FieldRef *r = &g_array_index(f->fields, FieldRef, i);
  *len = r->len;
  return f->row->str + r->off;
}

static gboolean
reject(BrFeed *f, const char *column, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean
reject(BrFeed *f, const char *column, const char *fmt, ...)
{
  f->rows_rejected++;
  if (!f->reject_path)
    return TRUE;
  if (!f->rej) {
    f->rej = fopen(f->reject_path, "w");
    if (!f->rej) {
      int e = errno;
      g_set_error(&f->error, BR_FEED_ERROR, BR_FEED_ERROR_IO,
                  "%s: cannot create the reject file: %s", f->reject_path, g_strerror(e));
      return FALSE;
    }
    g_string_assign(f->rej_line, "line,column,reason");
    for (guint i = 0; i < f->ncols; i++) {
      g_string_append_c(f->rej_line, ',');
      br_csv_write_field(f->rej_line, f->header[i], strlen(f->header[i]));
    }
    g_string_append_c(f->rej_line, '\n');
    fputs(f->rej_line->str, f->rej);
  }
  va_list ap;
  va_start(ap, fmt);
  char *reason = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_string_printf(f->rej_line, "%" G_GUINT64_FORMAT ",", f->row_line);
  br_csv_write_field(f->rej_line, column, strlen(column));
  g_string_append_c(f->rej_line, ',');
  br_csv_write_field(f->rej_line, reason, strlen(reason));
  g_free(reason);
  for (guint i = 0; i < f->fields->len; i++) {
    gsize len;
    const char *s = field_text(f, i, &len);
    g_string_append_c(f->rej_line, ',');
    br_csv_write_field(f->rej_line, s, len);
  }
  g_string_append_c(f->rej_line, '\n');
  if (fwrite(f->rej_line->str, 1, f->rej_line->len, f->rej) != f->rej_line->len) {
    g_set_error(&f->error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: cannot write: %s",
                f->reject_path, g_strerror(errno));
    return FALSE;
  }
  return TRUE;
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
    if (n == 0 || (which == 0 && n != 4))
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
  GDate d;
  g_date_clear(&d, 1);
  g_date_set_dmy(&d, v[2], v[1], v[0]);
  *days = (gint32)g_date_get_julian(&d) - f->epoch_julian;
  g_snprintf(out, 11, "%04d-%02d-%02d", v[0], v[1], v[2]);
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

/* Checks one data row and either appends it to the batch or writes it to the reject file. */
static void
process_row(BrFeed *f)
{
  f->rows_read++;
  guint nf = f->fields->len;
  if (nf != f->ncols) {
    if (nf < f->ncols)
      reject(f, f->header[nf], "expected %u fields, found %u", f->ncols, nf);
    else
      reject(f, "", "expected %u fields, found %u", f->ncols, nf);
    return;
  }
  for (guint i = 0; i < nf; i++) {
    gsize len;
    const char *s = field_text(f, i, &len);
    if (len > f->max_field) {
      reject(f, f->header[i], "field is %" G_GSIZE_FORMAT " bytes, over the limit of %" G_GSIZE_FORMAT,
             len, f->max_field);
      return;
    }
    if (memchr(s, '\0', len)) {
      reject(f, f->header[i], "field contains a NUL byte");
      return;
    }
    const char *bad;
    if (!g_utf8_validate_len(s, len, &bad)) {
      reject(f, f->header[i], "invalid UTF-8 at byte %" G_GSIZE_FORMAT " of the field",
             (gsize)(bad - s) + 1);
      return;
    }
  }

  BrBatch *b = f->batch;
  BrValue *rec = br_batch_append(b, f->row_line);
  guint nschema = br_schema_size(f->schema);
  char iso[11]; /* a date's normalised text, copied into the batch below */
  for (guint k = 0; k < nschema; k++) {
    const BrField *field = br_schema_field(f->schema, k);
    gsize len;
    const char *s = field_text(f, (guint)field->source_col, &len);
    BrValue *v = &rec[k];
    if (field->type == BR_TYPE_INT || field->type == BR_TYPE_DECIMAL) {
      s = trim(s, &len);
      if (len == 0)
        continue;
      if (!parse_number(s, len, field->type, &v->num)) {
        br_batch_drop_last(b);
        reject(f, f->header[field->source_col], "not %s: \"%.*s\"",
               field->type == BR_TYPE_INT ? "an integer" : "a decimal number", (int)MIN(len, 40),
               s);
        return;
      }
    } else if (field->type == BR_TYPE_DATE) {
      s = trim(s, &len);
      if (len == 0)
        continue;
      gint32 days;
      if (!parse_date(f, s, len, &days, iso)) {
        br_batch_drop_last(b);
        reject(f, f->header[field->source_col], "not a date in the form %s: \"%.*s\"",
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
}

static void
take_header(BrFeed *f)
{
  f->ncols = f->fields->len;
  f->header = g_new0(char *, f->ncols + 1);
  for (guint i = 0; i < f->ncols; i++) {
    gsize len;
    const char *s = field_text(f, i, &len);
    if (!g_utf8_validate_len(s, len, NULL) || memchr(s, '\0', len)) {
      g_set_error(&f->error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: line %" G_GUINT64_FORMAT ": column %u of the header is not valid UTF-8",
                  f->path, f->row_line, i + 1);
      return;
    }
    f->header[i] = g_strstrip(g_strndup(s, len));
  }
  f->schema = br_profile_build_schema(f->profile, (const char *const *)f->header, f->ncols,
                                      f->path, &f->error);
}

static void
on_field(void *s, size_t len, void *data)
{
  BrFeed *f = data;
  FieldRef r = {f->row->len, len};
  g_array_append_val(f->fields, r);
  g_string_append_len(f->row, s ? s : "", (gssize)len);
  g_string_append_c(f->row, '\0');
}

static void
on_row(int c, void *data)
{
  BrFeed *f = data;
  if (!f->error) {
    if (!f->header)
      take_header(f);
    else
      process_row(f);
  }
  g_string_truncate(f->row, 0);
  g_array_set_size(f->fields, 0);
}

static gboolean
fill_buffer(BrFeed *f)
{
  f->buf_len = fread(f->buf, 1, READ_BLOCK, f->fp);
  f->buf_pos = 0;
  if (f->buf_len == 0) {
    if (ferror(f->fp)) {
      g_set_error(&f->error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: read error: %s", f->path,
                  g_strerror(errno));
      return FALSE;
    }
    f->eof = TRUE;
    return TRUE;
  }
  f->bytes += f->buf_len;
  if (f->first_block) {
    f->first_block = FALSE;
    if (f->buf_len >= 3 && memcmp(f->buf, "\xEF\xBB\xBF", 3) == 0)
      f->buf_pos = 3;
  }
  return TRUE;
}

/* Feeds input to libcsv one physical line at a time until `rows` more rows have ended (or
 * the input has). Feeding by line tells us the line each row starts on. */
static gboolean
pump(BrFeed *f, guint64 rows_wanted)
{
  guint64 target = f->rows_read + rows_wanted;
  gboolean want_header = !f->header;
  while (!f->finished && !f->error) {
    if (want_header ? f->header != NULL : f->rows_read >= target)
      break;
    if (f->buf_pos == f->buf_len) {
      if (f->eof) {
        csv_fini(&f->parser, on_field, on_row, f);
        f->finished = TRUE;
        break;
      }
      if (!fill_buffer(f))
        break;
      continue;
    }
    const char *start = f->buf + f->buf_pos;
    gsize avail = f->buf_len - f->buf_pos;
    const char *nl = memchr(start, '\n', avail);
    gsize seg = nl ? (gsize)(nl - start) + 1 : avail;
    if (f->at_line_start && f->parser.pstate == 0)
      f->row_line = f->line;
    if (csv_parse(&f->parser, start, seg, on_field, on_row, f) != seg) {
      g_set_error(&f->error, BR_FEED_ERROR, BR_FEED_ERROR_CSV, "%s: line %" G_GUINT64_FORMAT ": %s",
                  f->path, f->line, csv_strerror(csv_error(&f->parser)));
      break;
    }
    f->buf_pos += seg;
    f->at_line_start = nl != NULL;
    if (nl)
      f->line++;
    if (f->parser.entry_pos > f->runaway) {
      g_set_error(&f->error, BR_FEED_ERROR, BR_FEED_ERROR_CSV,
                  "%s: line %" G_GUINT64_FORMAT ": a quoted field starting here runs on for more "
                  "than %" G_GSIZE_FORMAT " bytes: is a closing quote missing?",
                  f->path, f->row_line, f->runaway);
      break;
    }
  }
  return f->error == NULL;
}

BrFeed *
br_feed_open(const char *path, const BrProfile *profile, const BrFeedOptions *options,
             GError **error)
{
  BrFeed *f = g_new0(BrFeed, 1);
  f->path = g_strdup(strcmp(path, "-") == 0 ? "(standard input)" : path);
  f->profile = profile;
  f->line = 1;
  f->row_line = 1;
  f->at_line_start = TRUE;
  f->first_block = TRUE;
  f->row = g_string_sized_new(4096);
  f->fields = g_array_new(FALSE, FALSE, sizeof(FieldRef));
  f->rej_line = g_string_new(NULL);
  f->max_field = options && options->max_field_bytes ? options->max_field_bytes
                                                      : br_profile_max_field_bytes(profile);
  f->runaway = MAX(RUNAWAY_FIELD_MIN, f->max_field * 4);
  f->reject_path = options && options->reject_path ? g_strdup(options->reject_path) : NULL;
  compile_date_format(f, br_profile_date_format(profile));
  GDate epoch;
  g_date_clear(&epoch, 1);
  g_date_set_dmy(&epoch, 1, 1, 1970);
  f->epoch_julian = (gint32)g_date_get_julian(&epoch);

  if (strcmp(path, "-") == 0) {
    f->fp = stdin;
  } else {
    f->fp = fopen(path, "rb");
    if (!f->fp) {
      int e = errno;
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: cannot open: %s", path,
                  g_strerror(e));
      goto fail;
    }
  }
  f->buf = g_malloc(READ_BLOCK);
  csv_init(&f->parser, CSV_APPEND_NULL);
  f->parser_ready = TRUE;
  csv_set_delim(&f->parser, (unsigned char)br_profile_delimiter(profile));
  csv_set_space_func(&f->parser, is_space);
  csv_set_term_func(&f->parser, is_term);
  /* libcsv grows its field buffer by a fixed block (128 bytes by default), which makes a
   * large field cost quadratic copying; grow in large steps instead. */
  csv_set_blk_size(&f->parser, 1u << 20);

  if (!pump(f, 0)) {
    g_propagate_error(error, f->error);
    f->error = NULL;
    goto fail;
  }
  if (!f->header) {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                "%s: file is empty: a header line naming the columns is needed", f->path);
    goto fail;
  }
  return f;

fail:
  br_feed_close(f);
  return NULL;
}

const BrSchema *
br_feed_schema(const BrFeed *feed)
{
  return feed->schema;
}

gint
br_feed_next_batch(BrFeed *feed, BrBatch *batch, GError **error)
{
  br_batch_reset(batch);
  feed->batch = batch;
  /* Rejected rows do not fill the batch, so keep pumping until it is full or input ends. */
  while (batch->count < batch->capacity && !feed->finished) {
    if (!pump(feed, batch->capacity - batch->count)) {
      g_propagate_error(error, feed->error);
      feed->error = NULL;
      feed->batch = NULL;
      return -1;
    }
  }
  feed->batch = NULL;
  if (feed->finished && feed->rej && fflush(feed->rej) != 0) {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: cannot write: %s",
                feed->reject_path, g_strerror(errno));
    return -1;
  }
  return (gint)batch->count;
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
  if (feed->rej)
    fclose(feed->rej);
  if (feed->parser_ready)
    csv_free(&feed->parser);
  br_schema_free(feed->schema);
  g_strfreev(feed->header);
  g_string_free(feed->row, TRUE);
  g_array_free(feed->fields, TRUE);
  g_string_free(feed->rej_line, TRUE);
  g_clear_error(&feed->error);
  g_free(feed->buf);
  g_free(feed->reject_path);
  g_free(feed->path);
  g_free(feed);
}
