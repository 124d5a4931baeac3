#include "br_outcomes.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "br_checks.h"
#include "br_csv_write.h"

G_DEFINE_QUARK(br - outcomes - error - quark, br_outcomes_error)

/* Fields this long are not kept: no valid column needs more than the notes limit. */
#define FIELD_KEEP_MAX (64 * 1024)
#define UNIT_MAX 64

typedef enum {
  COL_UNIT,
  COL_PORT,
  COL_DATE,
  COL_RESULT,
  COL_CATEGORY,
  COL_SEVERITY,
  COL_NOTES,
  NCOLS
} Col;

static const char *const col_names[NCOLS] = {"unit",     "port",     "date", "result",
                                             "category", "severity", "notes"};

static const char *const categories[] = {
    "drugs",       "weapons", "precursors", "cultural_property", "undervaluation", "misdeclaration",
    "counterfeit", "tobacco", "wildlife",   "currency",          "other",          NULL};

const char *const *
br_outcome_categories(void)
{
  return categories;
}

typedef enum {
  OS_FIND_IMPORT,
  OS_INSERT_IMPORT,
  OS_INSERT,
  OS_EXISTING,
  OS_LINK,
  OS_COUNT_LINKED,
  OS_UPDATE_IMPORT,
  OS_COUNT
} OutcomeStmt;

static const char *const outcome_sql[OS_COUNT] = {
    [OS_FIND_IMPORT] = "SELECT id, rows, rejected FROM imports WHERE sha256 = ?1",
    [OS_INSERT_IMPORT] =
        "INSERT INTO imports (sha256, path, imported_at, rows, accepted, duplicates, rejected)"
        " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 0, 0, 0, 0)",
    [OS_INSERT] = "INSERT INTO outcomes (unit, port, date, result, category, severity, notes,"
                  " import_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                  " ON CONFLICT (unit, port, date) DO NOTHING",
    [OS_EXISTING] = "SELECT result, category, severity, notes, import_id, line FROM outcomes"
                    " WHERE unit = ?1 AND port = ?2 AND date = ?3",
    [OS_LINK] = BR_STORE_LINK_OUTCOMES_SQL "WHERE import_id = ?1",
    [OS_COUNT_LINKED] = "SELECT COUNT(*), COALESCE(SUM(selection_unit IS NOT NULL), 0)"
                        " FROM outcomes WHERE import_id = ?1",
    [OS_UPDATE_IMPORT] =
        "UPDATE imports SET rows = ?2, accepted = ?3, duplicates = ?4, rejected = ?5 WHERE id = ?1",
};

typedef struct {
  const char *s;
  gsize len;
} Span;

typedef struct {
  BrStore *store;
  sqlite3_stmt *stmts[OS_COUNT];
  const char *path;
  GPtrArray *fields; /* GString*, reused from row to row */
  guint nfields;
  int oversize;     /* field index of a field too long to keep, -1 if none */
  guint64 line;     /* line being parsed */
  guint64 row_line; /* line where the current row starts */
  gboolean in_row;
  gboolean header_done;
  int col_of[NCOLS]; /* file column of each of our columns */
  guint ncols;
  GPtrArray *header; /* char*: the file's header names, for the reject file */
  gint64 import_id;
  BrOutcomesSummary *summary;
  FILE *rejects;
  GString *out;
  guint64 pause_after;
  GError *error; /* first fatal error raised in a parser callback */
} Import;

static void
on_field(void *s, size_t len, void *data)
{
  Import *imp = data;
  if (!imp->in_row) {
    imp->in_row = TRUE;
    imp->row_line = imp->line;
  }
  if (imp->nfields == imp->fields->len)
    g_ptr_array_add(imp->fields, g_string_sized_new(64));
  GString *f = g_ptr_array_index(imp->fields, imp->nfields);
  if (len > FIELD_KEEP_MAX) {
    if (imp->oversize < 0)
      imp->oversize = (int)imp->nfields;
    len = 0;
  }
  g_string_truncate(f, 0);
  if (s)
    g_string_append_len(f, s, (gssize)len);
  imp->nfields++;
}

static const char *
field(const Import *imp, guint i)
{
  return ((GString *)g_ptr_array_index(imp->fields, i))->str;
}

static Span
trimmed(const Import *imp, Col col)
{
  const GString *f = g_ptr_array_index(imp->fields, (guint)imp->col_of[col]);
  Span sp = {f->str, f->len};
  while (sp.len && g_ascii_isspace(sp.s[0])) {
    sp.s++;
    sp.len--;
  }
  while (sp.len && g_ascii_isspace(sp.s[sp.len - 1]))
    sp.len--;
  return sp;
}

static gboolean
span_is(Span sp, const char *text)
{
  return sp.len == strlen(text) && g_ascii_strncasecmp(sp.s, text, sp.len) == 0;
}

static void
write_reject_row(Import *imp, const char *line, const char *column, const char *reason,
                 GPtrArray *values, guint n)
{
  g_string_truncate(imp->out, 0);
  br_csv_write_field(imp->out, line, strlen(line));
  g_string_append_c(imp->out, ',');
  br_csv_write_field(imp->out, column, strlen(column));
  g_string_append_c(imp->out, ',');
  br_csv_write_field(imp->out, reason, strlen(reason));
  for (guint i = 0; i < n; i++) {
    const char *v = values == imp->fields ? field(imp, i) : g_ptr_array_index(values, i);
    g_string_append_c(imp->out, ',');
    br_csv_write_field(imp->out, v, strlen(v));
  }
  g_string_append(imp->out, "\r\n");
  fwrite(imp->out->str, 1, imp->out->len, imp->rejects);
}

static void
reject(Import *imp, const char *column, const char *reason)
{
  BrOutcomesSummary *sum = imp->summary;
  sum->rejected++;
  if (sum->rejects->len < BR_OUTCOMES_REJECTS_KEPT) {
    BrOutcomeReject *r = g_new0(BrOutcomeReject, 1);
    r->line = imp->row_line;
    r->column = g_strdup(column);
    r->reason = g_strdup(reason);
    g_ptr_array_add(sum->rejects, r);
  }
  if (imp->rejects) {
    char line[32];
    g_snprintf(line, sizeof line, "%" G_GUINT64_FORMAT, imp->row_line);
    write_reject_row(imp, line, column, reason, imp->fields, imp->nfields);
  }
}

static void
parse_header(Import *imp)
{
  for (int c = 0; c < NCOLS; c++)
    imp->col_of[c] = -1;
  for (guint i = 0; i < imp->nfields; i++) {
    char *name = g_strstrip(g_strdup(field(imp, i)));
    /* A UTF-8 byte order mark is what spreadsheet exports put before the first name. */
    if (i == 0 && g_str_has_prefix(name, "\xEF\xBB\xBF"))
      memmove(name, name + 3, strlen(name + 3) + 1);
    g_ptr_array_add(imp->header, name);
    int col = -1;
    for (int c = 0; c < NCOLS; c++)
      if (strcmp(name, col_names[c]) == 0)
        col = c;
    if (col < 0) {
      g_set_error(&imp->error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_HEADER,
                  "%s:%" G_GUINT64_FORMAT ": column %u '%s' is not an outcome column (expected"
                  " unit,port,date,result,category,severity,notes)",
                  imp->path, imp->row_line, i + 1, name);
      return;
    }
    if (imp->col_of[col] >= 0) {
      g_set_error(&imp->error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_HEADER,
                  "%s:%" G_GUINT64_FORMAT ": column '%s' appears twice", imp->path, imp->row_line,
                  name);
      return;
    }
    imp->col_of[col] = (int)i;
  }
  for (int c = 0; c < NCOLS; c++) {
    if (imp->col_of[c] < 0) {
      g_set_error(&imp->error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_HEADER,
                  "%s:%" G_GUINT64_FORMAT ": column '%s' is missing (expected"
                  " unit,port,date,result,category,severity,notes)",
                  imp->path, imp->row_line, col_names[c]);
      return;
    }
  }
  imp->ncols = imp->nfields;
  imp->header_done = TRUE;
  if (imp->rejects)
    write_reject_row(imp, "line", "column", "reason", imp->header, imp->header->len);
}

static gboolean
is_category(Span sp)
{
  for (guint i = 0; categories[i]; i++)
    if (span_is(sp, categories[i]))
      return TRUE;
  return FALSE;
}

static gboolean
has_control(Span sp)
{
  for (gsize i = 0; i < sp.len; i++)
    if ((unsigned char)sp.s[i] < 0x20 || sp.s[i] == 0x7f)
      return TRUE;
  return FALSE;
}

/* Checks one data row. Returns the column at fault and sets *reason, or NULL when valid. */
static const char *
validate(Import *imp, Span *v, gboolean *finding, int *severity, char **reason)
{
  if (imp->nfields != imp->ncols) {
    *reason = g_strdup_printf("row has %u fields, the header has %u", imp->nfields, imp->ncols);
    return "";
  }
  if (imp->oversize >= 0) {
    *reason = g_strdup_printf("field longer than %d bytes", FIELD_KEEP_MAX);
    return g_ptr_array_index(imp->header, (guint)imp->oversize);
  }
  for (int c = 0; c < NCOLS; c++) {
    v[c] = trimmed(imp, (Col)c);
    if (!g_utf8_validate(v[c].s, (gssize)v[c].len, NULL)) {
      *reason = g_strdup("not valid UTF-8");
      return col_names[c];
    }
  }
  if (v[COL_UNIT].len == 0 || v[COL_UNIT].len > UNIT_MAX || has_control(v[COL_UNIT])) {
    *reason =
        g_strdup_printf("unit must be 1 to %d characters without control characters", UNIT_MAX);
    return col_names[COL_UNIT];
  }
  const char *bad_port = br_check_port_code(v[COL_PORT].s, v[COL_PORT].len);
  if (bad_port) {
    *reason = g_strdup(bad_port);
    return col_names[COL_PORT];
  }
  char date[11] = "";
  gint32 days;
  if (v[COL_DATE].len == 10)
    memcpy(date, v[COL_DATE].s, 10);
  if (!br_store_date_parse(date, &days)) {
    *reason = g_strdup("not a date (YYYY-MM-DD)");
    return col_names[COL_DATE];
  }
  /* An inspection cannot have happened yet: a slip such as 2062 for 2026 would otherwise
   * link to every later run and weigh in every track record until then. One day of grace
   * for ports ahead of UTC. */
  gint32 today = (gint32)(g_get_real_time() / G_USEC_PER_SEC / 86400);
  if (days > today + 1) {
    char now[11];
    br_store_date_format(today, now);
    *reason = g_strdup_printf("a date in the future (today is %s, UTC)", now);
    return col_names[COL_DATE];
  }
  if (span_is(v[COL_RESULT], "finding")) {
    *finding = TRUE;
  } else if (span_is(v[COL_RESULT], "no_finding")) {
    *finding = FALSE;
  } else {
    *reason = g_strdup("result must be no_finding or finding");
    return col_names[COL_RESULT];
  }
  if (*finding && !is_category(v[COL_CATEGORY])) {
    GString *list = g_string_new(NULL);
    for (guint i = 0; categories[i]; i++)
      g_string_append_printf(list, "%s%s", i ? ", " : "", categories[i]);
    *reason = g_strdup_printf("a finding needs a category: one of %s", list->str);
    g_string_free(list, TRUE);
    return col_names[COL_CATEGORY];
  }
  if (!*finding && v[COL_CATEGORY].len) {
    *reason = g_strdup("no_finding takes no category");
    return col_names[COL_CATEGORY];
  }
  *severity = 0;
  if (v[COL_SEVERITY].len == 1 && v[COL_SEVERITY].s[0] >= '1' && v[COL_SEVERITY].s[0] <= '5')
    *severity = v[COL_SEVERITY].s[0] - '0';
  if (*finding && !*severity) {
    *reason = g_strdup("a finding needs a severity from 1 (minor) to 5 (critical)");
    return col_names[COL_SEVERITY];
  }
  if (!*finding && v[COL_SEVERITY].len) {
    *reason = g_strdup("no_finding takes no severity");
    return col_names[COL_SEVERITY];
  }
  if (v[COL_NOTES].len > BR_OUTCOMES_NOTES_MAX) {
    *reason = g_strdup_printf("notes longer than %d bytes", BR_OUTCOMES_NOTES_MAX);
    return col_names[COL_NOTES];
  }
  return NULL;
}

static void
bind_span(sqlite3_stmt *s, int i, Span sp)
{
  sqlite3_bind_text(s, i, sp.s, (int)sp.len, SQLITE_STATIC);
}

static gboolean
span_equals_column(Span sp, sqlite3_stmt *s, int col)
{
  const char *text = (const char *)sqlite3_column_text(s, col);
  gsize len = text ? (gsize)sqlite3_column_bytes(s, col) : 0;
  return len == sp.len && (len == 0 || memcmp(text, sp.s, len) == 0);
}

/* The row's (unit, port, date) is stored already: a duplicate when the content is the same,
 * a conflict (rejected) when it is not. */
static gboolean
classify_existing(Import *imp, const Span *v, gboolean finding, int severity)
{
  sqlite3_stmt *s = imp->stmts[OS_EXISTING];
  bind_span(s, 1, v[COL_UNIT]);
  bind_span(s, 2, v[COL_PORT]);
  bind_span(s, 3, v[COL_DATE]);
  if (sqlite3_step(s) != SQLITE_ROW) {
    br_store_sql_error(imp->store, &imp->error, "cannot read an outcome");
    sqlite3_reset(s);
    return FALSE;
  }
  gboolean same =
      strcmp((const char *)sqlite3_column_text(s, 0), finding ? "finding" : "no_finding") == 0 &&
      span_equals_column(v[COL_CATEGORY], s, 1) && sqlite3_column_int(s, 2) == severity &&
      span_equals_column(v[COL_NOTES], s, 3);
  if (same) {
    imp->summary->duplicates++;
  } else {
    gint64 other_import = sqlite3_column_int64(s, 4);
    gint64 other_line = sqlite3_column_int64(s, 5);
    char *reason =
        other_import == imp->import_id
            ? g_strdup_printf("conflicts with line %" G_GINT64_FORMAT " of this file (same unit,"
                              " port and date, different result)",
                              other_line)
            : g_strdup_printf("conflicts with the outcome stored by import %" G_GINT64_FORMAT
                              " line %" G_GINT64_FORMAT " (same unit, port and date, different"
                              " result)",
                              other_import, other_line);
    reject(imp, "", reason);
    g_free(reason);
  }
  sqlite3_reset(s);
  return TRUE;
}

static void
reject_free(gpointer p)
{
  BrOutcomeReject *r = p;
  g_free(r->column);
  g_free(r->reason);
  g_free(r);
}

static void
pause_for_fault_test(void)
{
  fputs("boxrank: paused\n", stderr);
  fflush(stderr);
  for (;;)
    g_usleep(G_USEC_PER_SEC);
}

static void
data_row(Import *imp)
{
  Span v[NCOLS];
  gboolean finding = FALSE;
  int severity = 0;
  char *reason = NULL;
  imp->summary->rows++;
  const char *bad = validate(imp, v, &finding, &severity, &reason);
  if (bad) {
    reject(imp, bad, reason);
    g_free(reason);
    return;
  }
  sqlite3_stmt *s = imp->stmts[OS_INSERT];
  bind_span(s, 1, v[COL_UNIT]);
  bind_span(s, 2, v[COL_PORT]);
  bind_span(s, 3, v[COL_DATE]);
  sqlite3_bind_text(s, 4, finding ? "finding" : "no_finding", -1, SQLITE_STATIC);
  char category[32];
  if (finding) {
    g_strlcpy(category, v[COL_CATEGORY].s, MIN(sizeof category, v[COL_CATEGORY].len + 1));
    for (char *c = category; *c; c++)
      *c = g_ascii_tolower(*c);
    sqlite3_bind_text(s, 5, category, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 6, severity);
  } else {
    sqlite3_bind_null(s, 5);
    sqlite3_bind_null(s, 6);
  }
  bind_span(s, 7, v[COL_NOTES]);
  sqlite3_bind_int64(s, 8, imp->import_id);
  sqlite3_bind_int64(s, 9, (gint64)imp->row_line);
  if (!br_store_exec_stmt(imp->store, s, &imp->error))
    return;
  if (sqlite3_changes(br_store_db(imp->store)) == 0) {
    classify_existing(imp, v, finding, severity);
    return;
  }
  imp->summary->accepted++;
  if (imp->pause_after && imp->summary->accepted == imp->pause_after)
    pause_for_fault_test();
}

static void
on_row(int c, void *data)
{
  Import *imp = data;
  if (!imp->error) {
    if (imp->header_done)
      data_row(imp);
    else
      parse_header(imp);
  }
  imp->nfields = 0;
  imp->oversize = -1;
  imp->in_row = FALSE;
}

/* Feeds the file to libcsv one line at a time so every row knows the line it starts on.
 * Hashes what it reads: the file must be the one whose hash decided the import. */
static gboolean
parse_file(Import *imp, FILE *f, struct csv_parser *parser, GChecksum *sum)
{
  char buf[64 * 1024];
  size_t n;
  imp->line = 1;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    g_checksum_update(sum, (const guchar *)buf, (gssize)n);
    size_t pos = 0;
    while (pos < n && !imp->error) {
      const char *nl = memchr(buf + pos, '\n', n - pos);
      size_t len = nl ? (size_t)(nl - (buf + pos)) + 1 : n - pos;
      if (csv_parse(parser, buf + pos, len, on_field, on_row, imp) != len) {
        g_set_error(&imp->error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_CSV,
                    "%s:%" G_GUINT64_FORMAT ": malformed CSV: %s", imp->path, imp->line,
                    csv_strerror(csv_error(parser)));
        return FALSE;
      }
      pos += len;
      if (nl)
        imp->line++;
    }
    if (imp->error)
      return FALSE;
  }
  if (ferror(f)) {
    g_set_error(&imp->error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_IO, "%s: read error: %s",
                imp->path, g_strerror(errno));
    return FALSE;
  }
  if (csv_fini(parser, on_field, on_row, imp) != 0 && !imp->error)
    g_set_error(&imp->error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_CSV,
                "%s:%" G_GUINT64_FORMAT ": malformed CSV at the end of the file (unterminated"
                " quote?)",
                imp->path, imp->row_line ? imp->row_line : imp->line);
  if (!imp->error && !imp->header_done)
    g_set_error(&imp->error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_HEADER,
                "%s: empty file: no header (expected unit,port,date,result,category,severity,"
                "notes)",
                imp->path);
  return imp->error == NULL;
}

static gboolean
find_import(Import *imp, const char *sha, gboolean *found)
{
  sqlite3_stmt *s = imp->stmts[OS_FIND_IMPORT];
  sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
  int rc = sqlite3_step(s);
  *found = rc == SQLITE_ROW;
  if (*found) {
    imp->summary->import_id = sqlite3_column_int64(s, 0);
    imp->summary->rows = (guint64)sqlite3_column_int64(s, 1);
    imp->summary->rejected = (guint64)sqlite3_column_int64(s, 2);
  }
  sqlite3_reset(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return br_store_sql_error(imp->store, &imp->error, "cannot read the imports");
  return TRUE;
}

static gboolean
finish_import(Import *imp)
{
  BrOutcomesSummary *sum = imp->summary;
  sqlite3_stmt *s = imp->stmts[OS_LINK];
  sqlite3_bind_int64(s, 1, imp->import_id);
  if (!br_store_exec_stmt(imp->store, s, &imp->error))
    return FALSE;
  s = imp->stmts[OS_COUNT_LINKED];
  sqlite3_bind_int64(s, 1, imp->import_id);
  if (sqlite3_step(s) != SQLITE_ROW) {
    sqlite3_reset(s);
    return br_store_sql_error(imp->store, &imp->error, "cannot count linked outcomes");
  }
  sum->selected = (guint64)sqlite3_column_int64(s, 1);
  sum->other = (guint64)sqlite3_column_int64(s, 0) - sum->selected;
  sqlite3_reset(s);
  s = imp->stmts[OS_UPDATE_IMPORT];
  sqlite3_bind_int64(s, 1, imp->import_id);
  sqlite3_bind_int64(s, 2, (gint64)sum->rows);
  sqlite3_bind_int64(s, 3, (gint64)sum->accepted);
  sqlite3_bind_int64(s, 4, (gint64)sum->duplicates);
  sqlite3_bind_int64(s, 5, (gint64)sum->rejected);
  return br_store_exec_stmt(imp->store, s, &imp->error);
}

static gboolean
import_rows(Import *imp, FILE *f)
{
  struct csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    g_set_error(&imp->error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_IO, "out of memory");
    return FALSE;
  }
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  gboolean ok = parse_file(imp, f, &parser, sum);
  if (ok && strcmp(g_checksum_get_string(sum), imp->summary->sha256) != 0) {
    g_set_error(&imp->error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_CHANGED,
                "%s: the file changed while it was being imported; nothing was stored", imp->path);
    ok = FALSE;
  }
  g_checksum_free(sum);
  csv_free(&parser);
  return ok;
}

gboolean
br_outcomes_import(BrStore *store, const char *path, const char *reject_path,
                   BrOutcomesSummary *summary, GError **error)
{
  memset(summary, 0, sizeof *summary);
  summary->rejects = g_ptr_array_new_with_free_func(reject_free);
  Import imp = {.store = store, .path = path, .summary = summary, .oversize = -1};
  imp.fields = g_ptr_array_new();
  imp.header = g_ptr_array_new_with_free_func(g_free);
  imp.out = g_string_new(NULL);
  const char *pause = g_getenv(BR_OUTCOMES_PAUSE_ENV);
  imp.pause_after = pause ? g_ascii_strtoull(pause, NULL, 10) : 0;
  FILE *f = NULL;
  gboolean in_tx = FALSE, ok = FALSE;

  summary->sha256 = br_store_sha256_file(path, &imp.error);
  if (!summary->sha256 || !br_store_prepare(store, outcome_sql, OS_COUNT, imp.stmts, &imp.error))
    goto out;
  if (!br_store_begin(store, &imp.error))
    goto out;
  in_tx = TRUE;
  gboolean found;
  if (!find_import(&imp, summary->sha256, &found))
    goto out;
  if (found) {
    summary->already = TRUE;
    ok = TRUE;
    goto out;
  }
  sqlite3_stmt *s = imp.stmts[OS_INSERT_IMPORT];
  sqlite3_bind_text(s, 1, summary->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
  if (!br_store_exec_stmt(store, s, &imp.error))
    goto out;
  imp.import_id = summary->import_id = sqlite3_last_insert_rowid(br_store_db(store));
  if (!(f = fopen(path, "rb"))) {
    g_set_error(&imp.error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_IO, "%s: cannot read: %s", path,
                g_strerror(errno));
    goto out;
  }
  if (reject_path && !(imp.rejects = fopen(reject_path, "wb"))) {
    g_set_error(&imp.error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_IO,
                "%s: cannot write the reject file: %s", reject_path, g_strerror(errno));
    goto out;
  }
  if (!import_rows(&imp, f) || !finish_import(&imp))
    goto out;
  if (imp.rejects && (fflush(imp.rejects) != 0 || ferror(imp.rejects))) {
    g_set_error(&imp.error, BR_OUTCOMES_ERROR, BR_OUTCOMES_ERROR_IO,
                "%s: cannot write the reject file: %s", reject_path, g_strerror(errno));
    goto out;
  }
  ok = br_store_commit(store, &imp.error);
out:
  if (in_tx && (!ok || summary->already))
    br_store_rollback(store);
  if (imp.rejects) {
    /* The rejects of an import that stored nothing would pass for its rejects (and are
     * partial when the disk filled up): remove them, unless they went to a device. */
    struct stat st;
    gboolean regular = fstat(fileno(imp.rejects), &st) == 0 && S_ISREG(st.st_mode);
    fclose(imp.rejects);
    if (!ok && regular)
      g_unlink(reject_path);
  }
  if (f)
    fclose(f);
  br_store_finalize(imp.stmts, OS_COUNT);
  for (guint i = 0; i < imp.fields->len; i++)
    g_string_free(g_ptr_array_index(imp.fields, i), TRUE);
  g_ptr_array_unref(imp.fields);
  g_ptr_array_unref(imp.header);
  g_string_free(imp.out, TRUE);
  if (!ok)
    g_propagate_error(error, imp.error);
  else
    g_clear_error(&imp.error);
  return ok;
}

void
br_outcomes_summary_clear(BrOutcomesSummary *summary)
{
  if (summary->rejects)
    g_ptr_array_unref(summary->rejects);
  g_free(summary->sha256);
  memset(summary, 0, sizeof *summary);
}
