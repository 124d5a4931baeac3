/* boxrank watchlist: import lists into the store, look at them, match a name, record
 * exceptions. */
#include <stdio.h>
#include <string.h>

#include "br_audit.h"
#include "br_cli.h"
#include "br_watchlist_store.h"
#include "br_watchset.h"

#define REJECTS_SHOWN 10
#define DB_HELP "Store (default: $BOXRANK_DB, else ./boxrank.db)"

/* Opens the store, parsing the command line first; returns NULL with *rc set on failure. */
static BrStore *
open_store(const char *db, BrStoreOpenMode mode, int *rc)
{
  GError *error = NULL;
  BrStore *store = br_store_open(db ? db : br_store_default_path(), mode, &error);
  if (!store) {
    br_cli_error(error);
    *rc = BR_EXIT_FAILURE;
  }
  return store;
}

static BrWatchlist *
load_source(const char *format, const char *path, const char *name, GError **error)
{
  BrWatchlist *wl = NULL;
  if (strcmp(format, "un") == 0)
    wl = br_watchlist_load_un(path, error);
  else if (strcmp(format, "ofac") == 0)
    wl = br_watchlist_load_ofac(path, error);
  else
    wl = br_watchlist_load_csv(path, name, error);
  if (wl && name && strcmp(wl->name, name) != 0) {
    g_free(wl->name);
    wl->name = g_strdup(name);
  }
  return wl;
}

static void
print_counts(const BrWatchlist *wl)
{
  printf("%u entries (", wl->entries->len);
  gboolean first = TRUE;
  for (guint k = 0; k < BR_WATCH_KIND_COUNT; k++)
    if (wl->counts[k]) {
      printf("%s%s %u", first ? "" : ", ", br_watch_kind_name((BrWatchKind)k), wl->counts[k]);
      first = FALSE;
    }
  printf("), %u aliases, %u rejected\n", wl->aliases->len, wl->rejects->len);
}

static int
watchlist_import(int argc, char **argv)
{
  char *db = NULL, *format = NULL, *name = NULL;
  GOptionEntry entries[] = {
      {"format", 0, 0, G_OPTION_ARG_STRING, &format,
       "un (UN consolidated XML), ofac (folder with sdn.csv and alt.csv) or csv", "FORMAT"},
      {"name", 0, 0, G_OPTION_ARG_STRING, &name, "List name (default: un, ofac; required for csv)",
       "NAME"},
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, DB_HELP, "PATH"},
      {NULL}};
  GOptionContext *ctx = g_option_context_new("FILE_OR_DIR - import a watchlist into the store");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(
      ctx, "Importing the same content again changes nothing; new content replaces the list\n"
           "(exceptions stay: they refer to entries by their id in the source).\n"
           "CSV columns: kind,id,value,name,quality,program,notes (docs/watchlists.md).");
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  BrWatchlist *wl = NULL;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank watchlist import --format un --name un consolidated.xml --db "
                    "boxrank.db"))
    goto out;
  if (argc != 2 || !format ||
      (strcmp(format, "un") && strcmp(format, "ofac") && strcmp(format, "csv")) ||
      (strcmp(format, "csv") == 0 && !name)) {
    fprintf(stderr, "boxrank: watchlist import takes one file or folder, --format un|ofac|csv "
                    "and, for csv, --name\nRun with --help for usage.\n");
    goto out;
  }
  rc = BR_EXIT_FAILURE;
  if (!(wl = load_source(format, argv[1], name, &error))) {
    br_cli_error(error);
    goto out;
  }
  if (!(store = open_store(db, BR_STORE_CREATE, &rc)))
    goto out;
  BrWatchlistSaved saved;
  if (!br_watchlist_store_save(store, wl, format, &saved, &error)) {
    br_cli_error(error);
    goto out;
  }
  if (saved.unchanged) {
    printf("%s: unchanged (same content as stored, sha256 %.12s), %u rejected\n", wl->name,
           wl->content_hash, wl->rejects->len);
    /* The source still holds its rejected rows: the same status as its first import. */
    rc = wl->rejects->len ? BR_EXIT_REJECTS : BR_EXIT_OK;
    goto out;
  }
  printf("%s: %s from %s, version %s, sha256 %.12s: ", wl->name,
         saved.replaced ? "replaced" : "imported", argv[1], wl->version ? wl->version : "-",
         wl->content_hash);
  print_counts(wl);
  for (guint i = 0; i < wl->rejects->len && i < REJECTS_SHOWN; i++) {
    const BrWatchReject *r = g_ptr_array_index(wl->rejects, i);
    fprintf(stderr, "%s: %s\n", r->where, r->reason);
  }
  if (wl->rejects->len > REJECTS_SHOWN)
    fprintf(stderr, "... and %u more rejected (see 'boxrank watchlist show %s --rejects')\n",
            wl->rejects->len - REJECTS_SHOWN, wl->name);
  rc = wl->rejects->len ? BR_EXIT_REJECTS : BR_EXIT_OK;
out:
  br_watchlist_free(wl);
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  g_free(format);
  g_free(name);
  return rc;
}

/* Runs a prepared query and prints each row's columns separated by tabs. */
static gboolean
print_rows(BrStore *store, sqlite3_stmt *s, GError **error)
{
  int rc, ncol = sqlite3_column_count(s);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    for (int c = 0; c < ncol; c++) {
      const char *v = (const char *)sqlite3_column_text(s, c);
      printf("%s%s", c ? "\t" : "", v ? v : "-");
    }
    putchar('\n');
  }
  return rc == SQLITE_DONE || br_store_sql_error(store, error, "cannot read the store");
}

static int
query_command(int argc, char **argv, const char *params, const char *summary, const char *example,
              const char *header, const char *sql, int nargs, const gint *limit,
              GOptionEntry *extra)
{
  char *db = NULL;
  GOptionEntry entries[] = {{"db", 0, 0, G_OPTION_ARG_FILENAME, &db, DB_HELP, "PATH"}, {NULL}};
  GOptionContext *ctx = g_option_context_new(params);
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (extra)
    g_option_context_add_main_entries(ctx, extra, NULL);
  g_option_context_set_summary(ctx, summary);
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  sqlite3_stmt *s = NULL;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv, example))
    goto out;
  if (argc != 1 + nargs) {
    fprintf(stderr, "boxrank: watchlist %s takes %d argument%s\nRun with --help for usage.\n",
            argv[0], nargs, nargs == 1 ? "" : "s");
    goto out;
  }
  if (!(store = open_store(db, BR_STORE_READ_ONLY, &rc)))
    goto out;
  rc = BR_EXIT_FAILURE;
  if (sqlite3_prepare_v2(br_store_db(store), sql, -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, &error, "cannot read the store");
    br_cli_error(error);
    goto out;
  }
  if (nargs)
    sqlite3_bind_text(s, 1, argv[1], -1, SQLITE_STATIC);
  if (limit)
    sqlite3_bind_int64(s, 2, *limit);
  printf("%s\n", header);
  if (!print_rows(store, s, &error)) {
    br_cli_error(error);
    goto out;
  }
  rc = BR_EXIT_OK;
out:
  sqlite3_finalize(s);
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  return rc;
}

static int
watchlist_list(int argc, char **argv)
{
  return query_command(
      argc, argv, "- list the stored watchlists", "One line per list, tab-separated.",
      "boxrank watchlist list --db boxrank.db",
      "name\tformat\tversion\timported_at\tentries\taliases\trejects\tsha256\tsource",
      "SELECT name, format, version, imported_at, entries, aliases, rejects, substr(sha256, 1, 12),"
      " source FROM watchlists ORDER BY name",
      0, NULL, NULL);
}

static int
watchlist_show(int argc, char **argv)
{
  gint limit = 20;
  gboolean rejects = FALSE;
  GOptionEntry extra[] = {
      {"limit", 0, 0, G_OPTION_ARG_INT, &limit, "Print at most N rows (default 20)", "N"},
      {"rejects", 0, 0, G_OPTION_ARG_NONE, &rejects, "Print the rejects of the last import", NULL},
      {NULL}};
  /* The options are parsed inside query_command; peek at --rejects first to pick the query. */
  for (int i = 1; i < argc; i++)
    rejects = rejects || strcmp(argv[i], "--rejects") == 0;
  if (rejects)
    return query_command(
        argc, argv, "NAME - show a watchlist's entries",
        "Entries with their kind, id in the source (ref), name or value, aliases, and facts\n"
        "(country, birth_date, id, address: what corroborates a match, docs/watchlists.md).",
        "boxrank watchlist show un --limit 5", "location\treason",
        "SELECT r.location, r.reason FROM watchlist_rejects r JOIN watchlists w"
        " ON w.id = r.list_id WHERE w.name = ?1 ORDER BY r.rowid LIMIT ?2",
        1, &limit, extra);
  return query_command(
      argc, argv, "NAME - show a watchlist's entries",
      "Entries with their kind, id in the source (ref), name or value, aliases, and facts\n"
      "(country, birth_date, id, address: what corroborates a match, docs/watchlists.md).",
      "boxrank watchlist show un --limit 5", "ref\tkind\tname\tvalue\tprogram\taliases\tfacts",
      "SELECT e.ref, e.kind, e.name, e.value, e.program, (SELECT group_concat(a.name || ' ('"
      " || a.quality || ')', '; ') FROM watchlist_aliases a WHERE a.entry_id = e.id),"
      " (SELECT group_concat(f.kind || ' ' || f.value || COALESCE(' (' || f.note || ')', ''),"
      " '; ') FROM watchlist_facts f WHERE f.entry_id = e.id)"
      " FROM watchlist_entries e JOIN watchlists w ON w.id = e.list_id WHERE w.name = ?1"
      " ORDER BY e.ord LIMIT ?2",
      1, &limit, extra);
}

static const char *const quality_names[] = {"primary", "good", "low"};

void
br_cli_screen_options_add(GOptionContext *ctx, BrCliScreenOptions *o)
{
  *o = (BrCliScreenOptions){.top = 5, .min_score = BR_NAME_DEFAULT_THRESHOLD};
  GOptionEntry entries[] = {
      {"list", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->lists, "Screen this list (repeat; default all)",
       "NAME"},
      {"top", 0, 0, G_OPTION_ARG_INT, &o->top, "The N best candidates of a name (default 5)", "N"},
      {"min-score", 0, 0, G_OPTION_ARG_DOUBLE, &o->min_score,
       "Lowest score shown (default: the screening threshold " G_STRINGIFY(
           BR_NAME_DEFAULT_THRESHOLD) ")",
       "S"},
      {"as-of", 0, 0, G_OPTION_ARG_STRING, &o->as_of,
       "Date for the exceptions in force (default today)", "DATE"},
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &o->db, DB_HELP, "PATH"},
      {NULL}};
  g_option_context_add_main_entries(ctx, entries, NULL);
}

gboolean
br_cli_screen_options_check(const char *command, const BrCliScreenOptions *o)
{
  if (o->top >= 1 && o->top <= 100 && o->min_score > 0 && o->min_score <= 1)
    return TRUE;
  fprintf(stderr, "boxrank: %s: --top takes 1..100 and --min-score (0, 1]\n", command);
  return FALSE;
}

BrWatchSet *
br_cli_screen_load(const BrCliScreenOptions *o, BrStore **store)
{
  GError *error = NULL;
  BrWatchSet *set = NULL;
  *store = br_store_open(o->db ? o->db : br_store_default_path(), BR_STORE_READ_ONLY, &error);
  if (!*store ||
      !(set = br_watch_set_load(*store, (const char *const *)o->lists, o->as_of, 0, &error))) {
    br_cli_error(error);
    return NULL;
  }
  if (br_watch_set_nlists(set) == 0) {
    fprintf(stderr, "boxrank: no watchlists in the store (see 'boxrank watchlist import')\n");
    br_watch_set_free(set);
    return NULL;
  }
  return set;
}

void
br_cli_screen_options_clear(BrCliScreenOptions *o)
{
  g_free(o->db);
  g_free(o->as_of);
  g_strfreev(o->lists);
}

static int
watchlist_match(int argc, char **argv)
{
  BrCliScreenOptions opt;
  char *country = NULL, *born = NULL, *id = NULL;
  GOptionEntry party_entries[] = {
      {"country", 0, 0, G_OPTION_ARG_STRING, &country,
       "The party's country (ISO 3166 code or name): corroborates or conflicts", "CC"},
      {"birth-date", 0, 0, G_OPTION_ARG_STRING, &born,
       "The party's date of birth (YYYY-MM-DD or YYYY): corroborates or conflicts", "DATE"},
      {"id", 0, 0, G_OPTION_ARG_STRING, &id,
       "The party's passport, national id or registration number, a vessel's IMO number: "
       "confirms when listed",
       "NUMBER"},
      {NULL}};
  GOptionContext *ctx = g_option_context_new("NAME - screen a party name against the lists");
  br_cli_screen_options_add(ctx, &opt);
  g_option_context_add_main_entries(ctx, party_entries, NULL);
  g_option_context_set_summary(
      ctx, "Prints the best candidates: score, list, entry id, kind, quality of the listed\n"
           "name, the listed name, the matched token pairs (query=listed) and the parts of\n"
           "the score (the name score; a match resting on common given names and surnames\n"
           "only is capped under the threshold: a name alone is no evidence), then what\n"
           "--country, --birth-date and --id add or take away against the entry's listed\n"
           "facts, and the final score (docs/watchlists.md, \"Corroboration\"). Candidates\n"
           "under an analyst's exception are marked 'excepted'. Exit 0 when something\n"
           "matched, 1 when nothing did. A file of names: 'watchlist screen'.");
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  BrWatchSet *set = NULL;
  BrNameScratch *scratch = NULL;
  BrWatchHit *hits = NULL;
  if (!br_cli_parse(
          ctx, &argc, &argv,
          "boxrank watchlist match \"Mohamed Al Hamdi\" --list un --top 3\n"
          "  boxrank watchlist match \"Ahmed Hassan Ali\" --country IQ --birth-date 1958\n"
          "  boxrank watchlist match -- \"-Al Hamdi\"   (a name starting with a dash)"))
    goto out;
  if (argc != 2) {
    fprintf(stderr, "boxrank: watchlist match takes one name\nRun with --help for usage.\n");
    goto out;
  }
  if (!br_cli_screen_options_check("watchlist match", &opt))
    goto out;
  rc = BR_EXIT_FAILURE;
  if (!(set = br_cli_screen_load(&opt, &store)))
    goto out;
  scratch = br_name_scratch_new(br_watch_set_index(set));
  hits = g_new(BrWatchHit, opt.top);
  BrWatchParty party = {country, country ? strlen(country) : 0,
                        born,    born ? strlen(born) : 0,
                        id,      id ? strlen(id) : 0};
  guint n = br_watch_set_match_party(set, scratch, argv[1], -1, &party, 0, opt.min_score, TRUE,
                                     hits, (guint)opt.top);
  printf("score\tlist\tentry\tkind\tquality\tname\tmatched tokens\tscore parts\n");
  GString *parts_text = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    const BrWatchHit *h = &hits[i];
    g_string_truncate(parts_text, 0);
    br_watch_hit_describe(h, parts_text);
    const char *parts = parts_text->str;
    printf("%.3f\t%s\t%s\t%s\t%s\t%s%s%s%s\t%s\t%s%s\n", h->score, h->list, h->entry_ref,
           br_watch_kind_name(h->kind), quality_names[h->quality], h->matched,
           h->entry_name && strcmp(h->entry_name, h->matched) ? " (alias of " : "",
           h->entry_name && strcmp(h->entry_name, h->matched) ? h->entry_name : "",
           h->entry_name && strcmp(h->entry_name, h->matched) ? ")" : "", h->tokens, parts,
           h->excepted ? "\texcepted" : "");
  }
  g_string_free(parts_text, TRUE);
  if (n == 0)
    printf("(no candidate scores %.2f or more)\n", opt.min_score);
  rc = n > 0 ? BR_EXIT_OK : BR_EXIT_FAILURE;
out:
  g_free(country);
  g_free(born);
  g_free(id);
  g_free(hits);
  br_name_scratch_free(scratch);
  br_watch_set_free(set);
  br_store_close(store);
  g_option_context_free(ctx);
  br_cli_screen_options_clear(&opt);
  return rc;
}

static int
watchlist_except(int argc, char **argv)
{
  char *db = NULL, *list = NULL, *entry = NULL, *party = NULL, *by = NULL, *reason = NULL,
       *until = NULL;
  GOptionEntry entries[] = {
      {"list", 0, 0, G_OPTION_ARG_STRING, &list, "The list", "NAME"},
      {"entry", 0, 0, G_OPTION_ARG_STRING, &entry, "The entry's id in the list", "ID"},
      {"party", 0, 0, G_OPTION_ARG_STRING, &party, "The party name as on the manifests", "TEXT"},
      {"by", 0, 0, G_OPTION_ARG_STRING, &by, "Who decided", "WHO"},
      {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why the party is not the entry", "WHY"},
      {"until", 0, 0, G_OPTION_ARG_STRING, &until, "Last day in force (default: no expiry)",
       "YYYY-MM-DD"},
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, DB_HELP, "PATH"},
      {NULL}};
  GOptionContext *ctx =
      g_option_context_new("- record that a party is not a listed entry (a false positive)");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(
      ctx, "The pair (party, entry) stops matching until the expiry. The party is compared on\n"
           "its canonical tokens, so case, accents and punctuation do not matter.");
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank watchlist except --list un --entry QDi.001 --party \"Al Noor "
                    "Trading\" --by j.smith --reason \"local grocer, checked licence\" --until "
                    "2027-06-30"))
    goto out;
  if (argc != 1 || !list || !entry || !party || !by || !reason) {
    fprintf(stderr, "boxrank: watchlist except needs --list, --entry, --party, --by and "
                    "--reason\nRun with --help for usage.\n");
    goto out;
  }
  if (!(store = open_store(db, BR_STORE_EXISTING, &rc)))
    goto out;
  BrWatchException ex = {list, entry, party, by, reason, until};
  char *actor = br_audit_cli_actor();
  gint64 id = 0;
  if (br_store_begin(store, &error)) {
    id = br_watchlist_store_add_exception(store, &ex, &error);
    char *target = g_strdup_printf("exception %" G_GINT64_FORMAT, id);
    char *detail = g_strdup_printf("by %s: %s is not %s %s (%s), until %s", by, party, list,
                                   entry, reason, until ? until : "revoked");
    if (!id || !br_audit_append(store, actor, "exception.add", target, detail, &error) ||
        !br_store_commit(store, &error)) {
      br_store_rollback(store);
      id = 0;
    }
    g_free(detail);
    g_free(target);
  }
  g_free(actor);
  if (!id) {
    br_cli_error(error);
    rc = BR_EXIT_FAILURE;
    goto out;
  }
  printf("exception %" G_GINT64_FORMAT ": '%s' is not %s %s, until %s\n", id, party, list, entry,
         until ? until : "revoked");
  rc = BR_EXIT_OK;
out:
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  g_free(list);
  g_free(entry);
  g_free(party);
  g_free(by);
  g_free(reason);
  g_free(until);
  return rc;
}

static int
watchlist_exceptions(int argc, char **argv)
{
  return query_command(
      argc, argv, "- list the analysts' exceptions",
      "One line per exception, tab-separated; status is in force, expired (today, UTC),\n"
      "pending (awaits a second analyst's approval) or revoked.",
      "boxrank watchlist exceptions --db boxrank.db",
      "id\tlist\tentry\tparty\tby\tcreated_at\texpires\tstatus\treason",
      "SELECT id, list_name, entry_ref, party, created_by, created_at, expires,"
      " CASE WHEN status != 'active' THEN status"
      " WHEN expires IS NULL OR expires >= date('now') THEN 'in force' ELSE 'expired' END,"
      " reason FROM watchlist_exceptions ORDER BY id",
      0, NULL, NULL);
}

static int
watchlist_revoke(int argc, char **argv)
{
  char *db = NULL, *by = NULL, *reason = NULL;
  gint64 id = 0;
  GOptionEntry entries[] = {
      {"id", 0, 0, G_OPTION_ARG_INT64, &id, "The exception (boxrank watchlist exceptions)", "N"},
      {"by", 0, 0, G_OPTION_ARG_STRING, &by, "Who revokes it", "WHO"},
      {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why", "WHY"},
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, DB_HELP, "PATH"},
      {NULL}};
  GOptionContext *ctx = g_option_context_new("- end an exception: the pair matches again");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(
      ctx, "The exception stays in the store, marked revoked with who, when and why.");
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank watchlist revoke --id 3 --by j.smith --reason \"same passport as the "
                    "listed person\""))
    goto out;
  if (argc != 1 || id <= 0 || !by || !reason) {
    fprintf(stderr, "boxrank: watchlist revoke needs --id, --by and --reason\n"
                    "Run with --help for usage.\n");
    goto out;
  }
  if (!(store = open_store(db, BR_STORE_EXISTING, &rc)))
    goto out;
  char *actor = br_audit_cli_actor();
  char *target = g_strdup_printf("exception %" G_GINT64_FORMAT, id);
  char *detail = g_strdup_printf("by %s: %s", by, reason);
  gboolean ok = br_store_begin(store, &error) &&
                br_watchlist_store_revoke_exception(store, id, by, reason, &error) &&
                br_audit_append(store, actor, "exception.revoke", target, detail, &error) &&
                br_store_commit(store, &error);
  g_free(detail);
  g_free(target);
  g_free(actor);
  if (!ok) {
    br_store_rollback(store);
    br_cli_error(error);
    rc = BR_EXIT_FAILURE;
    goto out;
  }
  printf("exception %" G_GINT64_FORMAT " revoked\n", id);
  rc = BR_EXIT_OK;
out:
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  g_free(by);
  g_free(reason);
  return rc;
}

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
} subcommands[] = {
    {"import", watchlist_import}, {"list", watchlist_list},
    {"show", watchlist_show},     {"match", watchlist_match},
    {"except", watchlist_except}, {"exceptions", watchlist_exceptions},
    {"revoke", watchlist_revoke}, {"screen", br_cmd_watchlist_screen},
};

int
br_cmd_watchlist(int argc, char **argv)
{
  for (guint i = 0; i < G_N_ELEMENTS(subcommands); i++)
    if (argc >= 2 && strcmp(argv[1], subcommands[i].name) == 0)
      return subcommands[i].run(argc - 1, argv + 1);
  return br_cli_usage(
      argc, argv,
      "Usage: boxrank watchlist import --format un|ofac|csv [--name NAME] FILE_OR_DIR\n"
      "       boxrank watchlist list\n"
      "       boxrank watchlist show NAME [--limit N] [--rejects]\n"
      "       boxrank watchlist match \"NAME\" [--list NAME ...] [--top N]\n"
      "       boxrank watchlist screen FILE|- [--list NAME ...] [--top N] [--out FILE] "
      "[--format csv|jsonl] [--threads N]\n"
      "       boxrank watchlist except --list NAME --entry ID --party \"TEXT\" --by WHO "
      "--reason WHY [--until YYYY-MM-DD]\n"
      "       boxrank watchlist exceptions\n"
      "       boxrank watchlist revoke --id N --by WHO --reason WHY\n"
      "Every command takes --db PATH. Run 'boxrank watchlist COMMAND --help' for details.\n"
      "Example:\n  boxrank watchlist match \"Mohamed Al Hamdi\" --list un\n");
}
