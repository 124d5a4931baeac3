/* boxrank watchlist screen: a file of names against the store's watchlists, in one process. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_csv_write.h"
#include "br_json.h"
#include "br_name_file.h"
#include "br_watch_batch.h"

#define REJECTS_SHOWN 10
/* Records screened together: enough to keep the threads busy, few enough that the output
 * flows while a large file is read. */
#define CHUNK 4096

static const char *const quality_names[] = {"primary", "good", "low"};

/* The hit columns of a CSV row, after line, the input's other columns and name. */
#define HIT_HEADER                                                                                 \
  "hits,rank,score,list,entry,kind,quality,entry_name,matched_name,tokens,name_score,common,"      \
  "excepted,corroboration"

/* The fields that corroborate a name (br_corroborate.h), in BrWatchParty's order, and the
 * columns or members they are read from unless told otherwise. An identity column is not
 * "id": that is what most files call their own record numbers. */
enum { PARTY_COUNTRY, PARTY_BIRTH, PARTY_ID, PARTY_FIELDS };
static const char *const party_default[PARTY_FIELDS] = {"country", "birth_date", "id_number"};
static const char *const party_option[PARTY_FIELDS] = {"--country-column", "--birth-date-column",
                                                       "--id-column"};

typedef struct {
  guint64 line;
  const char *name;
  gsize name_len;
  const char *input; /* the other fields, rendered for the output format */
  BrWatchParty party;
} Row;

typedef struct {
  const char *path; /* shown in messages */
  BrFormat format;
  FILE *out, *rejects;
  GString *buf;
  GStringChunk *text;                  /* the chunk's names and rendered fields */
  GArray *rows;                        /* Row */
  const char *party_key[PARTY_FIELDS]; /* the column or member of each field; NULL: none */
  gint party_col[PARTY_FIELDS];        /* CSV: its index among the record's fields, or -1 */
  guint64 names, with_hits, rejected;
} Screen;

/* The record's other fields: CSV cells (its own columns, or one "input" cell holding them as a
 * JSON object when the input is JSON Lines) or a JSON object. */
static void
render_input(const BrNameRecord *rec, gboolean csv_cells, BrFormat format, GString *out)
{
  g_string_truncate(out, 0);
  if (format == BR_FORMAT_CSV && csv_cells) {
    for (guint i = 0; i < rec->nfields; i++) {
      br_csv_write_field(out, rec->fields[i].value, rec->fields[i].len);
      g_string_append_c(out, ',');
    }
    return;
  }
  GString *obj = format == BR_FORMAT_CSV ? g_string_new(NULL) : out;
  g_string_append_c(obj, '{');
  for (guint i = 0; i < rec->nfields; i++) {
    const BrNameField *f = &rec->fields[i];
    if (i)
      g_string_append_c(obj, ',');
    br_json_append_string(obj, f->key, -1);
    g_string_append_c(obj, ':');
    if (f->json)
      g_string_append_len(obj, f->value, (gssize)f->len);
    else
      br_json_append_string(obj, f->value, (gssize)f->len);
  }
  g_string_append_c(obj, '}');
  if (obj != out) {
    br_csv_write_field(out, obj->str, obj->len);
    g_string_append_c(out, ',');
    g_string_free(obj, TRUE);
  }
}

static void
append_score(GString *out, double v)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_formatd(num, sizeof num, "%.3f", v));
}

static void
csv_cell(GString *out, const char *s)
{
  br_csv_write_field(out, s, strlen(s));
  g_string_append_c(out, ',');
}

/* The parts of a corroborated score, or "" when the party had nothing to compare. */
static const char *
corroboration_text(const BrWatchHit *h, GString *buf)
{
  g_string_truncate(buf, 0);
  if (h->corroboration.any)
    br_corroboration_describe(&h->corroboration, buf);
  return buf->str;
}

static void
write_csv_row(GString *out, const Row *row, guint nhits, guint rank, const BrWatchHit *h,
              GString *buf)
{
  g_string_append_printf(out, "%" G_GUINT64_FORMAT ",%s", row->line, row->input);
  br_csv_write_field(out, row->name, row->name_len);
  g_string_append_printf(out, ",%u,", nhits);
  if (!h) {
    g_string_append(out, ",,,,,,,,,,,,\n");
    return;
  }
  g_string_append_printf(out, "%u,", rank);
  append_score(out, h->score);
  g_string_append_c(out, ',');
  csv_cell(out, h->list);
  csv_cell(out, h->entry_ref);
  csv_cell(out, br_watch_kind_name(h->kind));
  csv_cell(out, quality_names[h->quality]);
  csv_cell(out, h->entry_name ? h->entry_name : "");
  csv_cell(out, h->matched);
  csv_cell(out, h->tokens);
  append_score(out, h->name_score);
  g_string_append_printf(out, ",%s,%s,", h->common ? "true" : "false",
                         h->excepted ? "true" : "false");
  const char *parts = corroboration_text(h, buf);
  br_csv_write_field(out, parts, strlen(parts));
  g_string_append_c(out, '\n');
}

static void
json_member(GString *out, const char *key, const char *value)
{
  g_string_append_printf(out, ",\"%s\":", key);
  br_json_append_string(out, value ? value : "", -1);
}

static void
write_json_row(GString *out, const Row *row, guint nhits, const BrWatchHit *hits, GString *buf)
{
  g_string_append_printf(out, "{\"line\":%" G_GUINT64_FORMAT ",\"name\":", row->line);
  br_json_append_string(out, row->name, (gssize)row->name_len);
  g_string_append_printf(out, ",\"input\":%s,\"hits\":[", row->input);
  for (guint k = 0; k < nhits; k++) {
    const BrWatchHit *h = &hits[k];
    g_string_append_printf(out, "%s{\"rank\":%u,\"score\":", k ? "," : "", k + 1);
    append_score(out, h->score);
    json_member(out, "list", h->list);
    json_member(out, "entry", h->entry_ref);
    json_member(out, "kind", br_watch_kind_name(h->kind));
    json_member(out, "quality", quality_names[h->quality]);
    json_member(out, "entry_name", h->entry_name);
    json_member(out, "matched_name", h->matched);
    json_member(out, "tokens", h->tokens);
    g_string_append(out, ",\"name_score\":");
    append_score(out, h->name_score);
    g_string_append_printf(out, ",\"common\":%s,\"excepted\":%s", h->common ? "true" : "false",
                           h->excepted ? "true" : "false");
    json_member(out, "corroboration", corroboration_text(h, buf));
    g_string_append_c(out, '}');
  }
  g_string_append(out, "]}\n");
}

/* Screens the chunk's rows and writes them in input order. */
static gboolean
flush_chunk(Screen *sc, BrWatchBatch *batch)
{
  guint n = sc->rows->len;
  if (!n)
    return TRUE;
  const char **names = g_new(const char *, n);
  gsize *lens = g_new(gsize, n);
  BrWatchParty *parties = g_new(BrWatchParty, n);
  for (guint i = 0; i < n; i++) {
    const Row *row = &g_array_index(sc->rows, Row, i);
    names[i] = row->name;
    lens[i] = row->name_len;
    parties[i] = row->party;
  }
  br_watch_batch_screen(batch, names, lens, parties, n);
  GString *parts = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    const Row *row = &g_array_index(sc->rows, Row, i);
    guint nhits;
    const BrWatchHit *hits = br_watch_batch_hits(batch, i, &nhits);
    g_string_truncate(sc->buf, 0);
    if (sc->format == BR_FORMAT_JSONL)
      write_json_row(sc->buf, row, nhits, hits, parts);
    else if (nhits == 0)
      write_csv_row(sc->buf, row, 0, 0, NULL, parts);
    for (guint k = 0; sc->format == BR_FORMAT_CSV && k < nhits; k++)
      write_csv_row(sc->buf, row, nhits, k + 1, &hits[k], parts);
    fwrite(sc->buf->str, 1, sc->buf->len, sc->out);
    sc->with_hits += nhits > 0;
  }
  sc->names += n;
  g_string_free(parts, TRUE);
  g_free(names);
  g_free(lens);
  g_free(parties);
  g_array_set_size(sc->rows, 0);
  g_string_chunk_clear(sc->text);
  return !ferror(sc->out);
}

static void
write_reject(Screen *sc, const BrNameRecord *rec)
{
  sc->rejected++;
  if (sc->rejected <= REJECTS_SHOWN) {
    if (*rec->field)
      fprintf(stderr, "%s:%" G_GUINT64_FORMAT ": field \"%s\": %s\n", sc->path, rec->line,
              rec->field, rec->reason);
    else
      fprintf(stderr, "%s:%" G_GUINT64_FORMAT ": %s\n", sc->path, rec->line, rec->reason);
  }
  GString *b = g_string_new(NULL);
  csv_cell(b, sc->path);
  g_string_append_printf(b, "%" G_GUINT64_FORMAT ",", rec->line);
  csv_cell(b, rec->field);
  csv_cell(b, rec->reason);
  br_csv_write_field(b, rec->raw, rec->raw_len);
  g_string_append_c(b, '\n');
  fwrite(b->str, 1, b->len, sc->rejects);
  g_string_free(b, TRUE);
}

static void
write_header(Screen *sc, BrNameFile *file)
{
  if (sc->format == BR_FORMAT_JSONL)
    return;
  GString *h = g_string_new("line,");
  const char *const *cols = br_name_file_columns(file);
  if (!cols)
    g_string_append(h, "input,");
  for (guint i = 0; cols && cols[i]; i++)
    csv_cell(h, cols[i]);
  g_string_append(h, "name," HIT_HEADER "\n");
  fputs(h->str, sc->out);
  g_string_free(h, TRUE);
}

/* Where each corroborating field comes from: a CSV column found in the header (one named by an
 * option must be there), or a JSON member looked for in every record. */
static gboolean
party_fields(Screen *sc, BrNameFile *file, char *const given[PARTY_FIELDS], GError **error)
{
  const char *const *cols = br_name_file_columns(file);
  for (guint k = 0; k < PARTY_FIELDS; k++) {
    const char *key = given[k] ? given[k] : party_default[k];
    sc->party_col[k] = -1;
    sc->party_key[k] = cols ? NULL : key;
    for (guint i = 0; cols && cols[i]; i++)
      if (g_ascii_strcasecmp(cols[i], key) == 0) {
        sc->party_col[k] = (gint)i;
        sc->party_key[k] = key;
      }
    if (given[k] && !sc->party_key[k]) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "%s: %s names column \"%s\", which the header does not have", sc->path,
                  party_option[k], key);
      return FALSE;
    }
  }
  return TRUE;
}

/* What the record says of its party, copied into the chunk's text. */
static void
party_of(Screen *sc, const BrNameRecord *rec, BrWatchParty *party)
{
  const char **value[PARTY_FIELDS] = {&party->country, &party->birth_date, &party->id};
  gsize *len[PARTY_FIELDS] = {&party->country_len, &party->birth_date_len, &party->id_len};
  memset(party, 0, sizeof *party);
  for (guint k = 0; k < PARTY_FIELDS; k++) {
    const BrNameField *f = NULL;
    if (sc->party_col[k] >= 0)
      f = (guint)sc->party_col[k] < rec->nfields ? &rec->fields[sc->party_col[k]] : NULL;
    else
      for (guint i = 0; sc->party_key[k] && i < rec->nfields && !f; i++)
        if (g_ascii_strcasecmp(rec->fields[i].key, sc->party_key[k]) == 0)
          f = &rec->fields[i];
    if (!f || f->len == 0 || (f->json && strcmp(f->value, "null") == 0))
      continue;
    *value[k] = g_string_chunk_insert_len(sc->text, f->value, (gssize)f->len);
    *len[k] = f->len;
  }
}

/* Reads every record, screening them CHUNK at a time. */
static gboolean
screen_file(Screen *sc, BrNameFile *file, BrWatchBatch *batch, gboolean progress, GError **error)
{
  gboolean csv_cells = br_name_file_format(file) == BR_NAME_FILE_CSV;
  GString *input = g_string_new(NULL);
  BrNameRecord rec;
  gboolean ok = TRUE;
  write_header(sc, file);
  while (ok && br_name_file_next(file, &rec, error)) {
    if (rec.reason) {
      write_reject(sc, &rec);
      continue;
    }
    render_input(&rec, csv_cells, sc->format, input);
    Row row = {rec.line,
               g_string_chunk_insert_len(sc->text, rec.name, (gssize)rec.name_len),
               rec.name_len,
               g_string_chunk_insert_len(sc->text, input->str, (gssize)input->len),
               {0}};
    party_of(sc, &rec, &row.party);
    g_array_append_val(sc->rows, row);
    if (sc->rows->len == CHUNK) {
      ok = flush_chunk(sc, batch);
      if (progress)
        fprintf(stderr, "\rscreened %" G_GUINT64_FORMAT " names, %" G_GUINT64_FORMAT " rejected",
                sc->names, sc->rejected);
    }
  }
  if (progress && sc->names)
    fputc('\n', stderr);
  g_string_free(input, TRUE);
  if (ok && error && *error)
    return FALSE;
  if (!ok || !flush_chunk(sc, batch) || fflush(sc->out) != 0) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write: %s",
                g_strerror(errno));
    return FALSE;
  }
  return TRUE;
}

static FILE *
open_out(const char *path, GError **error)
{
  FILE *f = fopen(path, "wb");
  if (!f)
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot write: %s", path,
                g_strerror(errno));
  return f;
}

int
br_cmd_watchlist_screen(int argc, char **argv)
{
  char *format_text = NULL, *input_text = NULL, *column = NULL;
  char *out_path = NULL, *reject_path = NULL;
  char *party_given[PARTY_FIELDS] = {NULL};
  gint threads = 0;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
      {"input-format", 0, 0, G_OPTION_ARG_STRING, &input_text,
       "auto, csv or jsonl (default auto: .jsonl, .ndjson, .json or a first '{' is JSON Lines)",
       "FORMAT"},
      {"column", 0, 0, G_OPTION_ARG_STRING, &column,
       "The CSV column or JSON member holding the name (default: name)", "NAME"},
      {"country-column", 0, 0, G_OPTION_ARG_STRING, &party_given[PARTY_COUNTRY],
       "The party's country, ISO code or name, which corroborates a match or lowers it "
       "(default: a column or member named country, when there is one)",
       "NAME"},
      {"birth-date-column", 0, 0, G_OPTION_ARG_STRING, &party_given[PARTY_BIRTH],
       "The party's date of birth (default: birth_date, when there is one)", "NAME"},
      {"id-column", 0, 0, G_OPTION_ARG_STRING, &party_given[PARTY_ID],
       "The party's identity number or a vessel's IMO number; one that is listed confirms the "
       "match (default: id_number, when there is one)",
       "NAME"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
       "Output: csv or jsonl (default: the input's)", "FORMAT"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
       "Write the results here (default: standard output)", "FILE"},
      {"rejects", 0, 0, G_OPTION_ARG_FILENAME, &reject_path,
       "Where rejected records go (default: OUT.rejects.csv; ./rejects.csv without --out)", "FILE"},
      {"threads", 't', 0, G_OPTION_ARG_INT, &threads,
       "Worker threads, at most 64 (default: one per core)", "N"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary on standard error", NULL},
      {NULL}};
  BrCliScreenOptions opt;
  GOptionContext *ctx = g_option_context_new("FILE|- - screen a file of names against the lists");
  br_cli_screen_options_add(ctx, &opt);
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(
      ctx, "Reads a CSV with a header (a name column; the other columns are passed through) or\n"
           "JSON Lines objects (a \"name\" member), - for standard input, and writes for every\n"
           "name its best candidates with the scores and matched tokens of 'watchlist match'.\n"
           "A country, date of birth or identity number on the record corroborates a match or\n"
           "lowers it, as 'watchlist match --country' does; the corroboration column says how.\n"
           "CSV output: one row per (name, candidate), and one row with hits 0 for a name with\n"
           "none. JSON Lines output: one object per name with its hits. Rows keep the input's\n"
           "order and line numbers whatever --threads. Rejected records (no name, not UTF-8,\n"
           "too long, bad JSON) go to the reject file with their line, field and reason.\n"
           "Exit status: 0 ok, 1 failure, 2 usage, 3 some records rejected (docs/watchlists.md).");
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  BrWatchSet *set = NULL;
  BrWatchBatch *batch = NULL;
  BrNameFile *file = NULL;
  GError *error = NULL;
  Screen sc = {0};
  char *default_rejects = NULL;
  BrNameFileFormat input_format = BR_NAME_FILE_AUTO;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank watchlist screen parties.csv --list un --list ofac --out hits.csv\n"
                    "  boxrank watchlist screen consignees.csv --country-column nationality\n"
                    "  cut -d, -f3 manifest.csv | boxrank watchlist screen - --column "
                    "shipper_name --format jsonl"))
    goto out;
  if (argc != 2) {
    fprintf(stderr, "boxrank: watchlist screen takes one file (or - for standard input)\n"
                    "Run with --help for usage.\n");
    goto out;
  }
  if (!br_cli_screen_options_check("watchlist screen", &opt) ||
      !br_cli_threads("watchlist screen", threads))
    goto out;
  if (input_text && !br_name_file_format_parse(input_text, &input_format)) {
    fprintf(stderr,
            "boxrank: watchlist screen: --input-format takes auto, csv or jsonl, not "
            "'%s'\n",
            input_text);
    goto out;
  }
  if (format_text && strcmp(format_text, "csv") && strcmp(format_text, "jsonl")) {
    fprintf(stderr, "boxrank: watchlist screen: --format takes csv or jsonl, not '%s'\n",
            format_text);
    goto out;
  }
  rc = BR_EXIT_FAILURE;
  if (!(set = br_cli_screen_load(&opt, &store)))
    goto out;
  if (!(file = br_name_file_open(argv[1], input_format, column, &error))) {
    br_cli_error(error);
    goto out;
  }
  sc.path = strcmp(argv[1], "-") == 0 ? "stdin" : argv[1];
  if (!party_fields(&sc, file, party_given, &error)) {
    br_cli_error(error);
    rc = BR_EXIT_USAGE;
    goto out;
  }
  sc.format = format_text ? (strcmp(format_text, "csv") == 0 ? BR_FORMAT_CSV : BR_FORMAT_JSONL)
              : br_name_file_format(file) == BR_NAME_FILE_CSV ? BR_FORMAT_CSV
                                                              : BR_FORMAT_JSONL;
  if (!reject_path)
    reject_path = default_rejects = out_path && strcmp(out_path, "-")
                                        ? g_strconcat(out_path, ".rejects.csv", NULL)
                                        : g_strdup("rejects.csv");
  sc.out = out_path && strcmp(out_path, "-") ? open_out(out_path, &error) : stdout;
  if (!sc.out || !(sc.rejects = open_out(reject_path, &error))) {
    br_cli_error(error);
    goto out;
  }
  fputs("file,line,field,reason,record\n", sc.rejects);
  guint nthreads = threads ? (guint)threads : MAX(1, (guint)g_get_num_processors());
  batch = br_watch_batch_new(set, nthreads, 0, opt.min_score, (guint)opt.top);
  sc.buf = g_string_new(NULL);
  sc.text = g_string_chunk_new(64 * 1024);
  sc.rows = g_array_new(FALSE, FALSE, sizeof(Row));
  gint64 start = g_get_monotonic_time();
  gboolean ok = screen_file(&sc, file, batch, !quiet && br_cli_show_progress(), &error);
  if (fflush(sc.rejects) != 0 || ferror(sc.rejects)) {
    g_clear_error(&error);
    g_set_error(&error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot write: %s",
                reject_path, g_strerror(errno));
    ok = FALSE;
  }
  if (!ok) {
    fprintf(stderr, "boxrank: %s: %s\n", sc.path, error->message);
    g_clear_error(&error);
    goto out;
  }
  if (sc.rejected > REJECTS_SHOWN)
    fprintf(stderr, "... and %" G_GUINT64_FORMAT " more rejected\n", sc.rejected - REJECTS_SHOWN);
  if (!quiet)
    fprintf(stderr,
            "%s: %" G_GUINT64_FORMAT " names screened against %u list%s at %.2f, %" G_GUINT64_FORMAT
            " with a candidate, %" G_GUINT64_FORMAT " rejected%s%s%s, in %.2f s\n",
            sc.path, sc.names, br_watch_set_nlists(set), br_watch_set_nlists(set) == 1 ? "" : "s",
            opt.min_score, sc.with_hits, sc.rejected, sc.rejected ? " (see " : "",
            sc.rejected ? reject_path : "", sc.rejected ? ")" : "",
            (double)(g_get_monotonic_time() - start) / 1e6);
  rc = sc.rejected ? BR_EXIT_REJECTS : BR_EXIT_OK;
out:
  if (sc.out && sc.out != stdout)
    fclose(sc.out);
  if (sc.rejects)
    fclose(sc.rejects);
  if (sc.buf)
    g_string_free(sc.buf, TRUE);
  if (sc.text)
    g_string_chunk_free(sc.text);
  if (sc.rows)
    g_array_free(sc.rows, TRUE);
  br_watch_batch_free(batch);
  br_name_file_close(file);
  br_watch_set_free(set);
  br_store_close(store);
  g_option_context_free(ctx);
  br_cli_screen_options_clear(&opt);
  g_free(format_text);
  g_free(input_text);
  g_free(column);
  for (guint k = 0; k < PARTY_FIELDS; k++)
    g_free(party_given[k]);
  g_free(out_path);
  if (reject_path != default_rejects)
    g_free(reject_path);
  g_free(default_rejects);
  return rc;
}
