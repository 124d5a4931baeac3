#include "br_audit.h"

gboolean
br_audit_append(BrStore *store, const char *who, const char *action, const char *target,
                const char *detail, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "INSERT INTO audit (at, who, action, target, detail)"
                         " VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, ?4)",
                         -1, &s, NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot prepare the audit row");
  sqlite3_bind_text(s, 1, who, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, action, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, target ? target : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, detail ? detail : "", -1, SQLITE_STATIC);
  gboolean ok = br_store_exec_stmt(store, s, error);
  sqlite3_finalize(s);
  return ok;
}

char *
br_audit_cli_actor(void)
{
  return g_strconcat("cli:", g_get_user_name(), NULL);
}
