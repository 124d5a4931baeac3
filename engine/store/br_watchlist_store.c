#include "br_watchlist_store.h"

#include <string.h>

G_DEFINE_QUARK(br - watchlist - store - error - quark, br_watchlist_store_error)

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

typedef enum {
  WS_FIND,
  WS_INSERT_LIST,
  WS_UPDATE_LIST,
  WS_DELETE_FACTS,
  WS_DELETE_ALIASES,
  WS_DELETE_ENTRIES,
  WS_DELETE_REJECTS,
  WS_INSERT_ENTRY,
  WS_INSERT_ALIAS,
  WS_INSERT_FACT,
  WS_INSERT_REJECT,
  WS_INSERT_IMPORT,
  WS_COUNT
} SaveStmt;

static const char *const save_sql[WS_COUNT] = {
    [WS_FIND] = "SELECT id, sha256 FROM watchlists WHERE name = ?1",
    [WS_INSERT_LIST] = "INSERT INTO watchlists (name, format, source, version, sha256, imported_at,"
                       " entries, aliases, rejects, facts) VALUES (?1, ?2, ?3, ?4, ?5, " NOW_SQL
                       ", ?6, ?7, ?8, ?9)",
    [WS_UPDATE_LIST] =
        "UPDATE watchlists SET format = ?2, source = ?3, version = ?4, sha256 = ?5,"
        " imported_at = " NOW_SQL ", entries = ?6, aliases = ?7, rejects = ?8, facts = ?9"
        " WHERE id = ?1",
    [WS_DELETE_FACTS] = "DELETE FROM watchlist_facts WHERE entry_id IN"
                        " (SELECT id FROM watchlist_entries WHERE list_id = ?1)",
    [WS_DELETE_ALIASES] = "DELETE FROM watchlist_aliases WHERE entry_id IN"
                          " (SELECT id FROM watchlist_entries WHERE list_id = ?1)",
    [WS_DELETE_ENTRIES] = "DELETE FROM watchlist_entries WHERE list_id = ?1",
    [WS_DELETE_REJECTS] = "DELETE FROM watchlist_rejects WHERE list_id = ?1",
    [WS_INSERT_ENTRY] = "INSERT INTO watchlist_entries (list_id, ord, ref, kind, name, value,"
                        " program, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [WS_INSERT_ALIAS] =
        "INSERT INTO watchlist_aliases (entry_id, name, quality) VALUES (?1, ?2, ?3)",
    [WS_INSERT_FACT] =
        "INSERT INTO watchlist_facts (entry_id, kind, value, note) VALUES (?1, ?2, ?3, ?4)",
    [WS_INSERT_REJECT] =
        "INSERT INTO watchlist_rejects (list_id, location, reason) VALUES (?1, ?2, ?3)",
    [WS_INSERT_IMPORT] = "INSERT INTO watchlist_imports (list_id, version, sha256, imported_at,"
                         " entries, rejects) VALUES (?1, ?2, ?3, " NOW_SQL ", ?4, ?5)",
};

const char *
br_watchlist_entry_ref(const BrWatchlist *wl, guint i, char buf[24])
{
  const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
  if (e->source_id)
    return e->source_id;
  g_snprintf(buf, 24, "#%u", i + 1);
  return buf;
}

void
br_watchlist_party_key(const char *party, gssize len, GString *out)
{
  BrNameTokens t;
  br_name_tokenize(party, len, &t);
  g_string_truncate(out, 0);
  for (guint i = 0; i < t.n; i++) {
    if (i)
      g_string_append_c(out, ' ');
    g_string_append(out, t.tok[i].text);
  }
}

static gboolean
save_entries(BrStore *store, sqlite3_stmt **st, const BrWatchlist *wl, gint64 list_id,
             GError **error)
{
  sqlite3 *db = br_store_db(store);
  gint64 *ids = g_new(gint64, MAX(wl->entries->len, 1));
  gboolean ok = FALSE;
  sqlite3_stmt *s = st[WS_INSERT_ENTRY];
  for (guint i = 0; i < wl->entries->len; i++) {
    const BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, i);
    char buf[24];
    sqlite3_bind_int64(s, 1, list_id);
    sqlite3_bind_int64(s, 2, i);
    sqlite3_bind_text(s, 3, br_watchlist_entry_ref(wl, i, buf), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, br_watch_kind_name(e->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, e->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, e->value, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, e->program, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, e->notes, -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(store, s, error))
      goto out;
    ids[i] = sqlite3_last_insert_rowid(db);
  }
  s = st[WS_INSERT_ALIAS];
  for (guint i = 0; i < wl->aliases->len; i++) {
    const BrWatchAlias *a = &g_array_index(wl->aliases, BrWatchAlias, i);
    sqlite3_bind_int64(s, 1, ids[a->entry]);
    sqlite3_bind_text(s, 2, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, a->quality == BR_NAME_QUALITY_LOW ? "low" : "good", -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(store, s, error))
      goto out;
  }
  s = st[WS_INSERT_FACT];
  for (guint i = 0; i < wl->facts->len; i++) {
    const BrWatchFact *f = &g_array_index(wl->facts, BrWatchFact, i);
    sqlite3_bind_int64(s, 1, ids[f->entry]);
    sqlite3_bind_text(s, 2, br_watch_fact_kind_name(f->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, f->value, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, f->note, -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(store, s, error))
      goto out;
  }
  s = st[WS_INSERT_REJECT];
  for (guint i = 0; i < wl->rejects->len; i++) {
    const BrWatchReject *r = g_ptr_array_index(wl->rejects, i);
    sqlite3_bind_int64(s, 1, list_id);
    sqlite3_bind_text(s, 2, r->where, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, r->reason, -1, SQLITE_STATIC);
    if (!br_store_exec_stmt(store, s, error))
      goto out;
  }
  ok = TRUE;
out:
  g_free(ids);
  return ok;
}

static void
bind_list(sqlite3_stmt *s, const BrWatchlist *wl, const char *format)
{
  sqlite3_bind_text(s, 2, format, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, wl->source, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, wl->version, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, wl->content_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 6, wl->entries->len);
  sqlite3_bind_int64(s, 7, wl->aliases->len);
  sqlite3_bind_int64(s, 8, wl->rejects->len);
  sqlite3_bind_int64(s, 9, wl->facts->len);
}

gboolean
br_watchlist_store_save(BrStore *store, const BrWatchlist *wl, const char *format,
                        BrWatchlistSaved *saved, GError **error)
{
  g_return_val_if_fail(wl->content_hash != NULL, FALSE);
  memset(saved, 0, sizeof *saved);
  sqlite3_stmt *st[WS_COUNT] = {NULL};
  sqlite3 *db = br_store_db(store);
  gboolean in_tx = FALSE, ok = FALSE;
  if (!br_store_prepare(store, save_sql, WS_COUNT, st, error) || !br_store_begin(store, error))
    goto out;
  in_tx = TRUE;
  sqlite3_stmt *s = st[WS_FIND];
  sqlite3_bind_text(s, 1, wl->name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    saved->list_id = sqlite3_column_int64(s, 0);
    saved->unchanged = g_strcmp0((const char *)sqlite3_column_text(s, 1), wl->content_hash) == 0;
    saved->replaced = !saved->unchanged;
  } else if (rc != SQLITE_DONE) {
    br_store_sql_error(store, error, "cannot look up the watchlist");
    goto out;
  }
  sqlite3_reset(s);
  if (saved->unchanged) {
    ok = TRUE;
    goto out;
  }
  if (saved->replaced) {
    for (SaveStmt k = WS_DELETE_FACTS; k <= WS_DELETE_REJECTS; k++) {
      sqlite3_bind_int64(st[k], 1, saved->list_id);
      if (!br_store_exec_stmt(store, st[k], error))
        goto out;
    }
    s = st[WS_UPDATE_LIST];
    sqlite3_bind_int64(s, 1, saved->list_id);
  } else {
    s = st[WS_INSERT_LIST];
    sqlite3_bind_text(s, 1, wl->name, -1, SQLITE_STATIC);
  }
  bind_list(s, wl, format);
  if (!br_store_exec_stmt(store, s, error))
    goto out;
  if (!saved->replaced)
    saved->list_id = sqlite3_last_insert_rowid(db);
  if (!save_entries(store, st, wl, saved->list_id, error))
    goto out;
  s = st[WS_INSERT_IMPORT];
  sqlite3_bind_int64(s, 1, saved->list_id);
  sqlite3_bind_text(s, 2, wl->version, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, wl->content_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, wl->entries->len);
  sqlite3_bind_int64(s, 5, wl->rejects->len);
  if (!br_store_exec_stmt(store, s, error))
    goto out;
  ok = br_store_commit(store, error);
out:
  if (in_tx && (!ok || saved->unchanged))
    br_store_rollback(store);
  br_store_finalize(st, WS_COUNT);
  return ok;
}

char **
br_watchlist_store_names(BrStore *store, GError **error)
{
  sqlite3_stmt *s = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  char **out = NULL;
  if (sqlite3_prepare_v2(br_store_db(store), "SELECT name FROM watchlists ORDER BY name", -1, &s,
                         NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot list watchlists");
    goto out;
  }
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    g_ptr_array_add(names, g_strdup((const char *)sqlite3_column_text(s, 0)));
  if (rc != SQLITE_DONE) {
    br_store_sql_error(store, error, "cannot list watchlists");
    goto out;
  }
  g_ptr_array_add(names, NULL);
  out = (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
out:
  sqlite3_finalize(s);
  if (names)
    g_ptr_array_unref(names);
  return out;
}

static const char *
col(sqlite3_stmt *s, int i)
{
  return (const char *)sqlite3_column_text(s, i);
}

BrWatchlist *
br_watchlist_store_load(BrStore *store, const char *name, GError **error)
{
  sqlite3 *db = br_store_db(store);
  sqlite3_stmt *s = NULL;
  BrWatchlist *wl = NULL;
  gboolean ok = FALSE;
  gint64 list_id = 0;
  if (sqlite3_prepare_v2(db, "SELECT id, source, version, sha256 FROM watchlists WHERE name = ?1",
                         -1, &s, NULL) != SQLITE_OK)
    goto sql_error;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) {
    g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_NOT_FOUND,
                "%s: no watchlist named '%s' (see 'boxrank watchlist list')", br_store_path(store),
                name);
    goto out;
  }
  if (rc != SQLITE_ROW)
    goto sql_error;
  list_id = sqlite3_column_int64(s, 0);
  wl = br_watchlist_new(name, col(s, 1));
  wl->version = g_strdup(col(s, 2));
  wl->content_hash = g_strdup(col(s, 3));
  sqlite3_finalize(s);
  s = NULL;

  if (sqlite3_prepare_v2(db,
                         "SELECT ref, kind, name, value, program, notes FROM watchlist_entries"
                         " WHERE list_id = ?1 ORDER BY ord",
                         -1, &s, NULL) != SQLITE_OK)
    goto sql_error;
  sqlite3_bind_int64(s, 1, list_id);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    BrWatchKind kind;
    if (!br_watch_kind_parse(col(s, 1), &kind)) {
      g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_INVALID,
                  "%s: watchlist '%s': unknown kind '%s'", br_store_path(store), name, col(s, 1));
      goto out;
    }
    br_watchlist_add(wl, kind, col(s, 0), col(s, 2), col(s, 3), col(s, 4), col(s, 5));
  }
  if (rc != SQLITE_DONE)
    goto sql_error;
  sqlite3_finalize(s);
  s = NULL;

  if (sqlite3_prepare_v2(db,
                         "SELECT e.ord, a.name, a.quality FROM watchlist_aliases a"
                         " JOIN watchlist_entries e ON e.id = a.entry_id WHERE e.list_id = ?1"
                         " ORDER BY a.rowid",
                         -1, &s, NULL) != SQLITE_OK)
    goto sql_error;
  sqlite3_bind_int64(s, 1, list_id);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    gint64 ord = sqlite3_column_int64(s, 0);
    g_assert(ord >= 0 && ord < wl->entries->len);
    br_watchlist_add_alias(wl, (guint)ord, col(s, 1),
                           strcmp(col(s, 2), "low") == 0 ? BR_NAME_QUALITY_LOW
                                                         : BR_NAME_QUALITY_GOOD);
  }
  if (rc != SQLITE_DONE)
    goto sql_error;
  sqlite3_finalize(s);
  s = NULL;

  if (sqlite3_prepare_v2(db,
                         "SELECT e.ord, f.kind, f.value, f.note FROM watchlist_facts f"
                         " JOIN watchlist_entries e ON e.id = f.entry_id WHERE e.list_id = ?1"
                         " ORDER BY e.ord, f.rowid",
                         -1, &s, NULL) != SQLITE_OK)
    goto sql_error;
  sqlite3_bind_int64(s, 1, list_id);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    gint64 ord = sqlite3_column_int64(s, 0);
    BrWatchFactKind kind;
    g_assert(ord >= 0 && ord < wl->entries->len);
    if (!br_watch_fact_kind_parse(col(s, 1), &kind)) {
      g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_INVALID,
                  "%s: watchlist '%s': unknown fact '%s'", br_store_path(store), name, col(s, 1));
      goto out;
    }
    br_watchlist_add_fact(wl, (guint)ord, kind, col(s, 2), col(s, 3));
  }
  if (rc != SQLITE_DONE)
    goto sql_error;
  br_watchlist_group_facts(wl);
  ok = TRUE;
  goto out;
sql_error:
  br_store_sql_error(store, error, "cannot load the watchlist");
out:
  sqlite3_finalize(s);
  if (!ok) {
    br_watchlist_free(wl);
    wl = NULL;
  }
  return wl;
}

static gboolean
invalid(GError **error, const char *what)
{
  g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_INVALID, "%s", what);
  return FALSE;
}

static gboolean
blank(const char *s)
{
  if (!s)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace(*s))
      return FALSE;
  return TRUE;
}

/* Checks the exception's text fields; the store checks the list and entry. */
static gboolean
check_exception(const BrWatchException *ex, const GString *key, GError **error)
{
  gint32 day;
  if (blank(ex->list) || blank(ex->entry_ref))
    return invalid(error, "an exception needs a list and an entry");
  if (key->len == 0)
    return invalid(error, "the party has no name to match on");
  if (blank(ex->by))
    return invalid(error, "an exception needs who decided it (--by)");
  if (blank(ex->reason))
    return invalid(error, "an exception needs a reason (--reason)");
  if (ex->expires && !br_store_date_parse(ex->expires, &day)) {
    g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_INVALID,
                "expiry '%s' is not a date (YYYY-MM-DD)", ex->expires);
    return FALSE;
  }
  return TRUE;
}

gint64
br_watchlist_store_add_exception(BrStore *store, const BrWatchException *ex, GError **error)
{
  sqlite3 *db = br_store_db(store);
  sqlite3_stmt *s = NULL;
  GString *key = g_string_new(NULL);
  gint64 id = 0;
  br_watchlist_party_key(ex->party ? ex->party : "", -1, key);
  if (!check_exception(ex, key, error))
    goto out;
  if (sqlite3_prepare_v2(
          db,
          "SELECT e.kind, e.name IS NOT NULL FROM watchlist_entries e JOIN watchlists w"
          " ON w.id = e.list_id WHERE w.name = ?1 AND e.ref = ?2",
          -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot look up the entry");
    goto out;
  }
  sqlite3_bind_text(s, 1, ex->list, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, ex->entry_ref, -1, SQLITE_STATIC);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) {
    g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_NOT_FOUND,
                "%s: watchlist '%s' has no entry '%s'", br_store_path(store), ex->list,
                ex->entry_ref);
    goto out;
  }
  if (rc != SQLITE_ROW) {
    br_store_sql_error(store, error, "cannot look up the entry");
    goto out;
  }
  if (!sqlite3_column_int(s, 1)) {
    g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_INVALID,
                "entry '%s' of '%s' is a %s: exceptions are for entries matched by name",
                ex->entry_ref, ex->list, col(s, 0));
    goto out;
  }
  sqlite3_finalize(s);
  s = NULL;
  if (sqlite3_prepare_v2(
          db,
          "INSERT INTO watchlist_exceptions (list_name, entry_ref, party, party_key,"
          " created_by, created_at, reason, expires) VALUES (?1, ?2, ?3, ?4, ?5, " NOW_SQL
          ", ?6, ?7)",
          -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot record the exception");
    goto out;
  }
  sqlite3_bind_text(s, 1, ex->list, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, ex->entry_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, ex->party, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, key->str, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, ex->by, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 6, ex->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 7, ex->expires, -1, SQLITE_STATIC);
  if (sqlite3_step(s) != SQLITE_DONE) {
    br_store_sql_error(store, error, "cannot record the exception");
    goto out;
  }
  id = sqlite3_last_insert_rowid(db);
out:
  sqlite3_finalize(s);
  g_string_free(key, TRUE);
  return id;
}

gboolean
br_watchlist_store_revoke_exception(BrStore *store, gint64 id, const char *by, const char *reason,
                                    GError **error)
{
  if (!by || !*by)
    return invalid(error, "a revocation needs who revokes it (--by)");
  if (!reason || !*reason)
    return invalid(error, "a revocation needs a reason (--reason)");
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "UPDATE watchlist_exceptions SET status = 'revoked', revoked_by = ?2,"
                         " revoked_at = " NOW_SQL ", revoke_reason = ?3"
                         " WHERE id = ?1 AND status != 'revoked'",
                         -1, &s, NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot revoke the exception");
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_text(s, 2, by, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
  gboolean ok = br_store_exec_stmt(store, s, error);
  sqlite3_finalize(s);
  if (ok && sqlite3_changes(br_store_db(store)) == 0) {
    g_set_error(error, BR_WATCHLIST_STORE_ERROR, BR_WATCHLIST_STORE_ERROR_NOT_FOUND,
                "%s: no exception %" G_GINT64_FORMAT " in force", br_store_path(store), id);
    return FALSE;
  }
  return ok;
}
