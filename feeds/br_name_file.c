#include "br_name_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define READ_BUF (64 * 1024)
/* Arrays and objects among a JSON record's values nest at most this deep. */
#define JSON_MAX_DEPTH 32

G_DEFINE_QUARK(br - name - file - error - quark, br_name_file_error)

struct BrNameFile {
  FILE *f;
  gboolean own;
  BrNameFileFormat format;
  char *name_key;
  char *buf;
  gsize pos, end;
  gboolean eof, read_error, first_line;
  guint64 line;        /* the last line read */
  guint64 record_line; /* the line the current record starts on */
  GString *text;       /* the last line read, without its end of line, at most MAX_RECORD */
  gboolean text_over;  /* the line was longer: text holds its start */
  GString *raw;        /* the current record as read */
  gboolean raw_over;
  GString *cells;    /* the record's decoded cells, each NUL-terminated */
  GArray *starts;    /* gsize: where each cell starts in cells */
  GArray *fields;    /* BrNameField, the record's fields other than the name */
  char **header;     /* CSV: every column, trimmed */
  char **columns;    /* CSV: the columns other than the name, NULL-terminated */
  guint ncolumns;    /* CSV: how many the header has */
  guint name_col;    /* CSV: the name's column */
  const char *field; /* a reject's field */
  char reason[160];  /* a reject's reason */
};

gboolean
br_name_file_format_parse(const char *text, BrNameFileFormat *out)
{
  static const char *const names[] = {"auto", "csv", "jsonl"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (g_strcmp0(text, names[i]) == 0) {
      *out = (BrNameFileFormat)i;
      return TRUE;
    }
  return FALSE;
}

static gboolean
fill(BrNameFile *nf)
{
  if (nf->pos < nf->end)
    return TRUE;
  if (nf->eof)
    return FALSE;
  nf->pos = 0;
  nf->end = fread(nf->buf, 1, READ_BUF, nf->f);
  if (nf->end == 0) {
    nf->eof = TRUE;
    nf->read_error = ferror(nf->f) != 0;
  }
  return nf->end > 0;
}

/* Reads the next line into nf->text (without LF or CRLF); FALSE at the end of the input. */
static gboolean
read_line(BrNameFile *nf)
{
  g_string_truncate(nf->text, 0);
  nf->text_over = FALSE;
  gboolean any = FALSE;
  while (fill(nf)) {
    any = TRUE;
    const char *start = nf->buf + nf->pos;
    const char *nl = memchr(start, '\n', nf->end - nf->pos);
    gsize n = nl ? (gsize)(nl - start) : nf->end - nf->pos;
    gsize room = BR_NAME_FILE_MAX_RECORD - MIN(nf->text->len, BR_NAME_FILE_MAX_RECORD);
    g_string_append_len(nf->text, start, (gssize)MIN(n, room));
    nf->text_over = nf->text_over || n > room;
    nf->pos += n + (nl ? 1 : 0);
    if (nl)
      break;
  }
  if (!any)
    return FALSE;
  nf->line++;
  if (nf->text->len && nf->text->str[nf->text->len - 1] == '\r' && !nf->text_over)
    g_string_truncate(nf->text, nf->text->len - 1);
  if (nf->first_line) {
    nf->first_line = FALSE;
    if (g_str_has_prefix(nf->text->str, "\xEF\xBB\xBF"))
      g_string_erase(nf->text, 0, 3);
  }
  return TRUE;
}

static void
raw_append(BrNameFile *nf, const char *s, gsize len)
{
  gsize room = BR_NAME_FILE_MAX_RECORD - MIN(nf->raw->len, BR_NAME_FILE_MAX_RECORD);
  g_string_append_len(nf->raw, s, (gssize)MIN(len, room));
  nf->raw_over = nf->raw_over || len > room;
}

G_GNUC_PRINTF(3, 4)
static gboolean
reject(BrNameFile *nf, const char *field, const char *fmt, ...)
{
  if (nf->field)
    return FALSE; /* the first fault found is the one told */
  nf->field = field;
  va_list ap;
  va_start(ap, fmt);
  g_vsnprintf(nf->reason, sizeof nf->reason, fmt, ap);
  va_end(ap);
  return FALSE;
}

static void
record_start(BrNameFile *nf)
{
  g_string_truncate(nf->raw, 0);
  nf->raw_over = FALSE;
  g_string_truncate(nf->cells, 0);
  g_array_set_size(nf->starts, 0);
  g_array_set_size(nf->fields, 0);
  nf->field = NULL;
}

static void
cell_begin(BrNameFile *nf)
{
  gsize at = nf->cells->len;
  g_array_append_val(nf->starts, at);
}

static void
cell_end(BrNameFile *nf)
{
  g_string_append_c(nf->cells, '\0');
}

static const char *
cell(const BrNameFile *nf, guint i, gsize *len)
{
  gsize start = g_array_index(nf->starts, gsize, i);
  const char *s = nf->cells->str + start;
  if (len)
    *len = strlen(s);
  return s;
}

static gboolean
is_blank(const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace(s[i]))
      return FALSE;
  return TRUE;
}

/* Reads one CSV record (RFC 4180: commas, fields in double quotes with quotes doubled, line
 * ends inside quotes) into cells; FALSE at the end of the input. A fault rejects the record
 * (nf->field set) but the record is still read to its end. */
static gboolean
csv_record(BrNameFile *nf)
{
  do {
    if (!read_line(nf))
      return FALSE;
  } while (nf->text->len == 0 && !nf->text_over);
  record_start(nf);
  nf->record_line = nf->line;
  gboolean in_quotes = FALSE, quoted = FALSE, fresh = TRUE;
  cell_begin(nf);
  for (;;) {
    raw_append(nf, nf->text->str, nf->text->len);
    /* Past the limit the record is only read to its end: its quotes are followed, its text
     * dropped (a line over the limit is followed as far as it was kept). */
    gboolean keep = !nf->text_over && !nf->raw_over;
    if (!keep)
      reject(nf, "", "record over %d bytes", BR_NAME_FILE_MAX_RECORD);
    GString *to = keep ? nf->cells : NULL;
    const char *s = nf->text->str;
    for (gsize i = 0; i < nf->text->len; i++) {
      char c = s[i];
      if (in_quotes) {
        if (c == '"' && i + 1 < nf->text->len && s[i + 1] == '"')
          i++;
        else if (c == '"') {
          in_quotes = FALSE;
          continue;
        }
      } else if (c == ',') {
        cell_end(nf);
        if (nf->starts->len == BR_NAME_FILE_MAX_FIELDS)
          reject(nf, "", "more than %d fields", BR_NAME_FILE_MAX_FIELDS);
        if (nf->starts->len < BR_NAME_FILE_MAX_FIELDS)
          cell_begin(nf);
        fresh = TRUE;
        quoted = FALSE;
        continue;
      } else if (c == '"' && fresh) {
        in_quotes = quoted = TRUE;
        fresh = FALSE;
        continue;
      } else if (quoted) {
        reject(nf, "", "text after the closing quote of field %u", nf->starts->len);
      }
      fresh = FALSE;
      if (to)
        g_string_append_c(to, c);
    }
    if (!in_quotes)
      break;
    if (!read_line(nf)) {
      reject(nf, "", "quote opened on line %" G_GUINT64_FORMAT " is never closed", nf->record_line);
      break;
    }
    raw_append(nf, "\n", 1);
    if (keep)
      g_string_append_c(nf->cells, '\n');
  }
  cell_end(nf);
  return TRUE;
}

/* Checks a decoded text: UTF-8 without NUL. */
static gboolean
check_text(BrNameFile *nf, const char *field, const char *s, gsize len)
{
  const char *bad;
  if (memchr(s, '\0', len))
    return reject(nf, field, "holds a NUL character");
  if (!g_utf8_validate(s, (gssize)len, &bad))
    return reject(nf, field, "not UTF-8 at byte %u", (guint)(bad - s) + 1);
  return TRUE;
}

static gboolean
read_header(BrNameFile *nf, const char *path, GError **error)
{
  if (!csv_record(nf)) {
    g_set_error(error, BR_NAME_FILE_ERROR, BR_NAME_FILE_ERROR_HEADER,
                "%s: empty: no header (a CSV of names needs a header with a %s column)", path,
                nf->name_key);
    return FALSE;
  }
  guint n = nf->starts->len;
  for (guint i = 0; i < n && !nf->field; i++) {
    gsize len;
    const char *s = cell(nf, i, &len);
    check_text(nf, "", s, len);
  }
  if (nf->field) {
    g_set_error(error, BR_NAME_FILE_ERROR, BR_NAME_FILE_ERROR_HEADER,
                "%s:%" G_GUINT64_FORMAT ": bad header: %s", path, nf->line, nf->reason);
    return FALSE;
  }
  nf->header = g_new0(char *, n + 1);
  nf->columns = g_new0(char *, n);
  nf->ncolumns = n;
  gint name_col = -1;
  for (guint i = 0, k = 0; i < n; i++) {
    nf->header[i] = g_strstrip(g_strdup(cell(nf, i, NULL)));
    for (guint j = 0; j < i; j++)
      if (g_ascii_strcasecmp(nf->header[i], nf->header[j]) == 0) {
        g_set_error(error, BR_NAME_FILE_ERROR, BR_NAME_FILE_ERROR_HEADER,
                    "%s:%" G_GUINT64_FORMAT ": column \"%s\" appears twice in the header", path,
                    nf->line, nf->header[i]);
        return FALSE;
      }
    if (name_col < 0 && g_ascii_strcasecmp(nf->header[i], nf->name_key) == 0)
      name_col = (gint)i;
    else
      nf->columns[k++] = nf->header[i];
  }
  if (name_col < 0) {
    char *cols = g_strjoinv(", ", nf->header);
    g_set_error(error, BR_NAME_FILE_ERROR, BR_NAME_FILE_ERROR_HEADER,
                "%s:%" G_GUINT64_FORMAT ": no column \"%s\" in the header (columns: %s)", path,
                nf->line, nf->name_key, cols);
    g_free(cols);
    return FALSE;
  }
  nf->name_col = (guint)name_col;
  return TRUE;
}

static gboolean
detect_jsonl(BrNameFile *nf, const char *path)
{
  if (g_str_has_suffix(path, ".jsonl") || g_str_has_suffix(path, ".ndjson") ||
      g_str_has_suffix(path, ".json"))
    return TRUE;
  if (g_str_has_suffix(path, ".csv"))
    return FALSE;
  fill(nf);
  gsize i = nf->pos;
  if (nf->end - i >= 3 && memcmp(nf->buf + i, "\xEF\xBB\xBF", 3) == 0)
    i += 3;
  while (i < nf->end && g_ascii_isspace(nf->buf[i]))
    i++;
  return i < nf->end && nf->buf[i] == '{';
}

BrNameFile *
br_name_file_open(const char *path, BrNameFileFormat format, const char *name_key, GError **error)
{
  gboolean std = strcmp(path, "-") == 0;
  FILE *f = std ? stdin : fopen(path, "rb");
  if (!f) {
    g_set_error(error, BR_NAME_FILE_ERROR, BR_NAME_FILE_ERROR_IO, "%s: cannot read: %s", path,
                g_strerror(errno));
    return NULL;
  }
  BrNameFile *nf = g_new0(BrNameFile, 1);
  nf->f = f;
  nf->own = !std;
  nf->name_key = g_strdup(name_key ? name_key : "name");
  nf->buf = g_malloc(READ_BUF);
  nf->first_line = TRUE;
  nf->text = g_string_new(NULL);
  nf->raw = g_string_new(NULL);
  nf->cells = g_string_new(NULL);
  nf->starts = g_array_new(FALSE, FALSE, sizeof(gsize));
  nf->fields = g_array_new(FALSE, FALSE, sizeof(BrNameField));
  if (format == BR_NAME_FILE_AUTO)
    format = detect_jsonl(nf, std ? "" : path) ? BR_NAME_FILE_JSONL : BR_NAME_FILE_CSV;
  nf->format = format;
  if (format == BR_NAME_FILE_CSV && !read_header(nf, std ? "stdin" : path, error)) {
    br_name_file_close(nf);
    return NULL;
  }
  return nf;
}

BrNameFileFormat
br_name_file_format(const BrNameFile *nf)
{
  return nf->format;
}

const char *const *
br_name_file_columns(const BrNameFile *nf)
{
  return nf->format == BR_NAME_FILE_CSV ? (const char *const *)nf->columns : NULL;
}

/* JSON (RFC 8259) of one line, parsed in place: strings are decoded into cells, other values
 * kept as written. */
typedef struct {
  BrNameFile *nf;
  const char *s, *p, *end;
} Json;

static gboolean
json_fail(Json *j, const char *what)
{
  return reject(j->nf, "", "bad JSON at byte %u: %s", (guint)(j->p - j->s) + 1, what);
}

static void
json_ws(Json *j)
{
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
    j->p++;
}

static gint
json_hex4(Json *j)
{
  if (j->end - j->p < 4)
    return -1;
  gint v = 0;
  for (int i = 0; i < 4; i++) {
    gint d = g_ascii_xdigit_value(j->p[i]);
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  j->p += 4;
  return v;
}

/* A string at j->p (its opening quote), decoded into cells when out, else skipped. */
static gboolean
json_string(Json *j, gboolean out)
{
  j->p++;
  while (j->p < j->end && *j->p != '"') {
    guchar c = (guchar)*j->p;
    if (c < 0x20)
      return json_fail(j, "a control character in a string");
    if (c != '\\') {
      if (out)
        g_string_append_c(j->nf->cells, (char)c);
      j->p++;
      continue;
    }
    if (++j->p == j->end)
      break;
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e = strchr(from, *j->p);
    if (e && *j->p) {
      if (out)
        g_string_append_c(j->nf->cells, to[e - from]);
      j->p++;
      continue;
    }
    if (*j->p != 'u')
      return json_fail(j, "an unknown escape");
    j->p++;
    gint u = json_hex4(j);
    if (u >= 0xD800 && u <= 0xDBFF && j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
      j->p += 2;
      gint lo = json_hex4(j);
      u = lo >= 0xDC00 && lo <= 0xDFFF ? 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00) : -1;
    }
    if (u < 0 || (u >= 0xD800 && u <= 0xDFFF))
      return json_fail(j, "a bad \\u escape");
    if (u == 0)
      return reject(j->nf, "", "a string holds a NUL character (\\u0000)");
    if (out)
      g_string_append_unichar(j->nf->cells, (gunichar)u);
  }
  if (j->p == j->end)
    return json_fail(j, "a string is not closed");
  j->p++;
  return TRUE;
}

static gboolean
json_literal(Json *j)
{
  static const char *const words[] = {"true", "false", "null"};
  for (guint i = 0; i < G_N_ELEMENTS(words); i++) {
    gsize n = strlen(words[i]);
    if ((gsize)(j->end - j->p) >= n && memcmp(j->p, words[i], n) == 0) {
      j->p += n;
      return TRUE;
    }
  }
  return json_fail(j, "expected a value");
}

static gboolean
json_digits(Json *j)
{
  const char *start = j->p;
  while (j->p < j->end && g_ascii_isdigit(*j->p))
    j->p++;
  return j->p > start || json_fail(j, "a number without digits");
}

static gboolean
json_number(Json *j)
{
  if (*j->p == '-')
    j->p++;
  if (j->p < j->end && *j->p == '0')
    j->p++;
  else if (!json_digits(j))
    return FALSE;
  if (j->p < j->end && *j->p == '.') {
    j->p++;
    if (!json_digits(j))
      return FALSE;
  }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
      j->p++;
    if (!json_digits(j))
      return FALSE;
  }
  return TRUE;
}

static gboolean json_value(Json *j, guint depth);

/* An array or object at j->p, skipped (its members are not fields of the record). */
static gboolean
json_container(Json *j, guint depth)
{
  if (depth >= JSON_MAX_DEPTH)
    return json_fail(j, "nested too deep");
  char close = *j->p == '{' ? '}' : ']';
  j->p++;
  json_ws(j);
  if (j->p < j->end && *j->p == close) {
    j->p++;
    return TRUE;
  }
  for (;;) {
    if (close == '}') {
      if (j->p == j->end || *j->p != '"')
        return json_fail(j, "expected a member name");
      if (!json_string(j, FALSE))
        return FALSE;
      json_ws(j);
      if (j->p == j->end || *j->p != ':')
        return json_fail(j, "expected ':'");
      j->p++;
      json_ws(j);
    }
    if (!json_value(j, depth + 1))
      return FALSE;
    json_ws(j);
    if (j->p < j->end && *j->p == ',') {
      j->p++;
      json_ws(j);
      continue;
    }
    if (j->p < j->end && *j->p == close) {
      j->p++;
      return TRUE;
    }
    return json_fail(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static gboolean
json_value(Json *j, guint depth)
{
  if (j->p == j->end)
    return json_fail(j, "expected a value");
  switch (*j->p) {
  case '"':
    return json_string(j, FALSE);
  case '{':
  case '[':
    return json_container(j, depth);
  default:
    return *j->p == '-' || g_ascii_isdigit(*j->p) ? json_number(j) : json_literal(j);
  }
}

/* One member's value: a string decoded, anything else copied as written. */
static gboolean
json_member_value(Json *j, gboolean *is_json)
{
  *is_json = *j->p != '"';
  if (!*is_json)
    return json_string(j, TRUE);
  const char *start = j->p;
  if (!json_value(j, 1))
    return FALSE;
  g_string_append_len(j->nf->cells, start, j->p - start);
  return TRUE;
}

/* The line as one object: cells hold key, value, key, value ...; is_json says which values
 * are JSON text. */
static gboolean
json_record(BrNameFile *nf, GArray *is_json)
{
  Json j = {nf, nf->text->str, nf->text->str, nf->text->str + nf->text->len};
  json_ws(&j);
  if (j.p == j.end || *j.p != '{')
    return json_fail(&j, "a line must be one JSON object");
  j.p++;
  json_ws(&j);
  gboolean first = TRUE;
  while (!(first && j.p < j.end && *j.p == '}')) {
    if (j.p == j.end || *j.p != '"')
      return json_fail(&j, "expected a member name");
    cell_begin(nf);
    if (!json_string(&j, TRUE))
      return FALSE;
    cell_end(nf);
    json_ws(&j);
    if (j.p == j.end || *j.p != ':')
      return json_fail(&j, "expected ':'");
    j.p++;
    json_ws(&j);
    gboolean json;
    cell_begin(nf);
    if (!json_member_value(&j, &json))
      return FALSE;
    cell_end(nf);
    g_array_append_val(is_json, json);
    if (nf->starts->len > 2 * BR_NAME_FILE_MAX_FIELDS)
      return reject(nf, "", "more than %d members", BR_NAME_FILE_MAX_FIELDS);
    first = FALSE;
    json_ws(&j);
    if (j.p < j.end && *j.p == ',') {
      j.p++;
      json_ws(&j);
      continue;
    }
    if (j.p == j.end || *j.p != '}')
      return json_fail(&j, "expected ',' or '}'");
    break;
  }
  j.p++;
  json_ws(&j);
  return j.p == j.end || json_fail(&j, "text after the object");
}

static void
add_field(BrNameFile *nf, const char *key, guint i, gboolean json)
{
  BrNameField fld = {key, NULL, 0, json};
  fld.value = cell(nf, i, &fld.len);
  g_array_append_val(nf->fields, fld);
}

/* Trims and checks the name, fills record. */
static void
finish(BrNameFile *nf, const char *name, gsize len, BrNameRecord *rec)
{
  while (len && g_ascii_isspace(*name)) {
    name++;
    len--;
  }
  while (len && g_ascii_isspace(name[len - 1]))
    len--;
  if (!nf->field && len == 0)
    reject(nf, nf->name_key, "empty");
  if (!nf->field && len > BR_NAME_FILE_MAX_NAME)
    reject(nf, nf->name_key, "%" G_GSIZE_FORMAT " bytes, over %d", len, BR_NAME_FILE_MAX_NAME);
  memset(rec, 0, sizeof *rec);
  rec->line = nf->record_line;
  if (nf->field) {
    rec->field = nf->field;
    rec->reason = nf->reason;
    rec->raw = nf->raw->str;
    rec->raw_len = nf->raw->len;
    return;
  }
  ((char *)name)[len] = '\0'; /* in cells: the trimmed blanks are the record's own */
  rec->name = name;
  rec->name_len = len;
  rec->fields = (const BrNameField *)(gpointer)nf->fields->data;
  rec->nfields = nf->fields->len;
}

static void
csv_next(BrNameFile *nf, BrNameRecord *rec)
{
  guint n = nf->starts->len;
  if (!nf->field && n != nf->ncolumns)
    reject(nf, "", "%u field%s, the header has %u", n, n == 1 ? "" : "s", nf->ncolumns);
  for (guint i = 0; i < n && !nf->field; i++) {
    gsize len;
    const char *s = cell(nf, i, &len);
    check_text(nf, nf->header[i], s, len);
  }
  const char *name = "";
  gsize len = 0;
  if (!nf->field) {
    name = cell(nf, nf->name_col, &len);
    for (guint i = 0; i < n; i++)
      if (i != nf->name_col)
        add_field(nf, nf->header[i], i, FALSE);
  }
  finish(nf, name, len, rec);
}

static gboolean
jsonl_next(BrNameFile *nf, BrNameRecord *rec)
{
  do {
    if (!read_line(nf))
      return FALSE;
  } while (is_blank(nf->text->str, nf->text->len) && !nf->text_over);
  record_start(nf);
  nf->record_line = nf->line;
  raw_append(nf, nf->text->str, nf->text->len);
  GArray *is_json = g_array_new(FALSE, FALSE, sizeof(gboolean));
  const char *name = NULL;
  gsize len = 0;
  if (nf->text_over)
    reject(nf, "", "record over %d bytes", BR_NAME_FILE_MAX_RECORD);
  else if (check_text(nf, "", nf->text->str, nf->text->len) && json_record(nf, is_json)) {
    guint n = nf->starts->len / 2;
    for (guint i = 0; i < n && !nf->field; i++) {
      const char *key = cell(nf, 2 * i, NULL);
      for (guint k = 0; k < i; k++)
        if (strcmp(key, cell(nf, 2 * k, NULL)) == 0)
          reject(nf, key, "the member appears twice");
      if (strcmp(key, nf->name_key) != 0)
        add_field(nf, key, 2 * i + 1, g_array_index(is_json, gboolean, i));
      else if (g_array_index(is_json, gboolean, i))
        reject(nf, nf->name_key, "not a string");
      else
        name = cell(nf, 2 * i + 1, &len);
    }
    if (!name)
      reject(nf, nf->name_key, "missing");
  }
  g_array_free(is_json, TRUE);
  finish(nf, name ? name : "", len, rec);
  return TRUE;
}

gboolean
br_name_file_next(BrNameFile *nf, BrNameRecord *rec, GError **error)
{
  gboolean got;
  if (nf->format == BR_NAME_FILE_CSV) {
    got = csv_record(nf);
    if (got)
      csv_next(nf, rec);
  } else {
    got = jsonl_next(nf, rec);
  }
  if (!got && nf->read_error)
    g_set_error(error, BR_NAME_FILE_ERROR, BR_NAME_FILE_ERROR_IO, "read error: %s",
                g_strerror(errno));
  return got;
}

void
br_name_file_close(BrNameFile *nf)
{
  if (!nf)
    return;
  if (nf->own)
    fclose(nf->f);
  g_free(nf->name_key);
  g_free(nf->buf);
  g_string_free(nf->text, TRUE);
  g_string_free(nf->raw, TRUE);
  g_string_free(nf->cells, TRUE);
  g_array_free(nf->starts, TRUE);
  g_array_free(nf->fields, TRUE);
  g_strfreev(nf->header);
  g_free(nf->columns);
  g_free(nf);
}
