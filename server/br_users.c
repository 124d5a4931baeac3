#include "br_users.h"

#include <sodium.h>
#include <string.h>

#include "br_audit.h"

G_DEFINE_QUARK(br - users - error - quark, br_users_error)

static const struct {
  BrRole role;
  const char *name;
} role_names[] = {
    {BR_ROLE_ANALYST, "analyst"},
    {BR_ROLE_RULE_AUTHOR, "rule_author"},
    {BR_ROLE_COMMISSION, "commission"},
    {BR_ROLE_ADMIN, "admin"},
};

const char *
br_role_name(BrRole role)
{
  for (guint i = 0; i < G_N_ELEMENTS(role_names); i++)
    if (role_names[i].role == role)
      return role_names[i].name;
  return "?";
}

gboolean
br_role_parse(const char *text, BrRole *role)
{
  for (guint i = 0; text && i < G_N_ELEMENTS(role_names); i++)
    if (strcmp(role_names[i].name, text) == 0) {
      *role = role_names[i].role;
      return TRUE;
    }
  return FALSE;
}

void
br_user_free(BrUser *user)
{
  if (!user)
    return;
  g_free(user->name);
  g_strfreev(user->ports);
  g_free(user);
}

BrUser *
br_user_copy(const BrUser *user)
{
  BrUser *copy = g_new0(BrUser, 1);
  copy->id = user->id;
  copy->name = g_strdup(user->name);
  copy->role = user->role;
  copy->ports = g_strdupv(user->ports);
  return copy;
}

gboolean
br_user_sees_port(const BrUser *user, const char *port)
{
  if (user->role == BR_ROLE_RULE_AUTHOR)
    return TRUE;
  return user->role == BR_ROLE_ANALYST && port &&
         g_strv_contains((const char *const *)user->ports, port);
}

static gboolean
sodium_ready(GError **error)
{
  if (sodium_init() < 0) {
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_CRYPTO, "libsodium cannot start");
    return FALSE;
  }
  return TRUE;
}

static gboolean
valid_name(const char *name)
{
  gsize n = name ? strlen(name) : 0;
  if (n == 0 || n > 64)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum(name[i]) && !strchr("._-", name[i]))
      return FALSE;
  return TRUE;
}

static gboolean
valid_port(const char *port)
{
  gsize n = port ? strlen(port) : 0;
  return n > 0 && n <= 64 && g_utf8_validate(port, -1, NULL);
}

char *
br_random_token(void)
{
  guint8 bytes[32];
  char hex[65];
  randombytes_buf(bytes, sizeof bytes);
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return g_strdup(hex);
}

/* An analyst works one port or more; the other roles have none. */
static gboolean
check_role_ports(BrRole role, const char *const *ports, GError **error)
{
  guint nports = ports ? g_strv_length((char **)ports) : 0;
  if (role == BR_ROLE_ANALYST && nports == 0) {
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_INVALID,
                "an analyst works at least one port: give --port");
    return FALSE;
  }
  if (role != BR_ROLE_ANALYST && nports > 0) {
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_INVALID,
                "only analysts have ports; a %s sees what the role allows", br_role_name(role));
    return FALSE;
  }
  for (guint i = 0; i < nports; i++)
    if (!valid_port(ports[i])) {
      g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_INVALID, "port '%s' is not a port code",
                  ports[i]);
      return FALSE;
    }
  return TRUE;
}

static gboolean
hash_password(const char *password, char hash[crypto_pwhash_STRBYTES], GError **error)
{
  gsize plen = password ? strlen(password) : 0;
  if (plen < BR_PASSWORD_MIN || plen > BR_PASSWORD_MAX) {
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_INVALID,
                "the password needs %d to %d characters", BR_PASSWORD_MIN, BR_PASSWORD_MAX);
    return FALSE;
  }
  if (crypto_pwhash_str(hash, password, plen, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_CRYPTO, "cannot hash the password");
    return FALSE;
  }
  return TRUE;
}

/* Replaces the user's ports (none for other roles). */
static gboolean
write_ports(BrStore *store, gint64 id, const char *const *ports, GError **error)
{
  sqlite3_stmt *s = NULL;
  gboolean ok = FALSE;
  if (sqlite3_prepare_v2(br_store_db(store), "DELETE FROM user_ports WHERE user_id = ?1", -1, &s,
                         NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot prepare the port delete");
  sqlite3_bind_int64(s, 1, id);
  ok = br_store_exec_stmt(store, s, error);
  sqlite3_finalize(s);
  if (!ok)
    return FALSE;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "INSERT OR IGNORE INTO user_ports (user_id, port) VALUES (?1, ?2)", -1, &s,
                         NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot prepare the port insert");
  for (guint i = 0; ok && ports && ports[i]; i++) {
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, ports[i], -1, SQLITE_STATIC);
    ok = br_store_exec_stmt(store, s, error);
  }
  sqlite3_finalize(s);
  return ok;
}

gint64
br_users_add(BrStore *store, const char *name, BrRole role, const char *const *ports,
             const char *password, const char *by, GError **error)
{
  if (!sodium_ready(error))
    return 0;
  if (!valid_name(name)) {
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_INVALID,
                "user name '%s': use 1 to 64 letters, digits, '.', '_' or '-'", name ? name : "");
    return 0;
  }
  guint nports = ports ? g_strv_length((char **)ports) : 0;
  char hash[crypto_pwhash_STRBYTES];
  if (!check_role_ports(role, ports, error) || !hash_password(password, hash, error))
    return 0;
  sqlite3 *db = br_store_db(store);
  sqlite3_stmt *s = NULL;
  gint64 id = 0;
  if (!br_store_begin(store, error))
    return 0;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO users (name, role, password_hash, created_at, created_by)"
                         " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?4)"
                         " ON CONFLICT (name) DO NOTHING RETURNING id",
                         -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot prepare the user insert");
    goto fail;
  }
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, br_role_name(role), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, by, -1, SQLITE_STATIC);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64(s, 0);
  else if (rc == SQLITE_DONE)
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_EXISTS, "user '%s' exists already", name);
  else
    br_store_sql_error(store, error, "cannot add the user");
  sqlite3_finalize(s);
  s = NULL;
  if (!id)
    goto fail;
  if (!write_ports(store, id, ports, error))
    goto fail;
  char *joined = nports ? g_strjoinv(" ", (char **)ports) : g_strdup("");
  char *detail =
      g_strdup_printf("role %s%s%s", br_role_name(role), nports ? ", ports " : "", joined);
  gboolean ok = br_audit_append(store, by, "user.add", name, detail, error);
  g_free(detail);
  g_free(joined);
  if (!ok || !br_store_commit(store, error))
    goto fail;
  return id;
fail:
  sqlite3_finalize(s);
  br_store_rollback(store);
  return 0;
}

static BrUser *
load_user(BrStore *store, sqlite3_stmt *row, GError **error)
{
  BrUser *user = g_new0(BrUser, 1);
  user->id = sqlite3_column_int64(row, 0);
  user->name = g_strdup((const char *)sqlite3_column_text(row, 1));
  br_role_parse((const char *)sqlite3_column_text(row, 2), &user->role);
  sqlite3_stmt *s = NULL;
  GPtrArray *ports = g_ptr_array_new();
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT port FROM user_ports WHERE user_id = ?1 ORDER BY port", -1, &s,
                         NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot read the user's ports");
    g_ptr_array_free(ports, TRUE);
    br_user_free(user);
    return NULL;
  }
  sqlite3_bind_int64(s, 1, user->id);
  while (sqlite3_step(s) == SQLITE_ROW)
    g_ptr_array_add(ports, g_strdup((const char *)sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  g_ptr_array_add(ports, NULL);
  user->ports = (char **)g_ptr_array_free(ports, FALSE);
  return user;
}

BrUser *
br_users_verify(BrStore *store, const char *name, const char *password, GError **error)
{
  if (!sodium_ready(error))
    return NULL;
  /* A hash to check against when the name is unknown, so the answer takes as long. */
  static char dummy[crypto_pwhash_STRBYTES];
  if (!dummy[0] &&
      crypto_pwhash_str(dummy, "not a password", 14, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_CRYPTO, "cannot hash");
    return NULL;
  }
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT id, name, role, password_hash FROM users WHERE name = ?1", -1, &s,
                         NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot read users");
    return NULL;
  }
  sqlite3_bind_text(s, 1, name ? name : "", -1, SQLITE_STATIC);
  gboolean found = sqlite3_step(s) == SQLITE_ROW;
  const char *hash = found ? (const char *)sqlite3_column_text(s, 3) : dummy;
  gboolean disabled = hash[0] == '!';
  gsize plen = password ? strlen(password) : 0;
  gboolean match = plen <= BR_PASSWORD_MAX &&
                   crypto_pwhash_str_verify(hash + disabled, password ? password : "", plen) == 0;
  /* Only who knows the password learns that the account is disabled. */
  if (found && match && disabled)
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_DISABLED,
                "account %s is disabled; ask an admin", name);
  BrUser *user = found && match && !disabled ? load_user(store, s, error) : NULL;
  sqlite3_finalize(s);
  return user;
}

BrUser *
br_users_get(BrStore *store, gint64 id, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(store), "SELECT id, name, role FROM users WHERE id = ?1", -1,
                         &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot read users");
    return NULL;
  }
  sqlite3_bind_int64(s, 1, id);
  BrUser *user = sqlite3_step(s) == SQLITE_ROW ? load_user(store, s, error) : NULL;
  sqlite3_finalize(s);
  return user;
}

/* ---- changes to an account ----
 *
 * Accounts are never deleted: the audit trail and recorded results name them. A disabled
 * account keeps its password hash behind a '!' (the convention of /etc/shadow), so that no
 * password matches it and enabling it restores the old one. */

typedef struct {
  gint64 id;
  BrRole role;
  gboolean disabled;
} Account;

static gboolean
find_account(BrStore *store, const char *name, Account *account, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT id, role, password_hash LIKE '!%' FROM users WHERE name = ?1", -1,
                         &s, NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot read users");
  sqlite3_bind_text(s, 1, name ? name : "", -1, SQLITE_STATIC);
  gboolean found = sqlite3_step(s) == SQLITE_ROW;
  if (found) {
    account->id = sqlite3_column_int64(s, 0);
    br_role_parse((const char *)sqlite3_column_text(s, 1), &account->role);
    account->disabled = sqlite3_column_int(s, 2);
  } else {
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_NOT_FOUND, "no user '%s'", name ? name : "");
  }
  sqlite3_finalize(s);
  return found;
}

/* Someone must stay able to manage accounts from the browser. */
static gboolean
keeps_an_admin(BrStore *store, const Account *account, const char *name, GError **error)
{
  if (account->role != BR_ROLE_ADMIN || account->disabled)
    return TRUE;
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT COUNT(*) FROM users WHERE role = 'admin'"
                         " AND password_hash NOT LIKE '!%' AND id <> ?1",
                         -1, &s, NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot read users");
  sqlite3_bind_int64(s, 1, account->id);
  gboolean others = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int64(s, 0) > 0;
  sqlite3_finalize(s);
  if (!others)
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_INVALID,
                "%s is the last active admin; make another admin first", name);
  return others;
}

/* Runs one UPDATE or DELETE with the account's id as ?1 and text as ?2. */
static gboolean
exec_on(BrStore *store, const char *sql, gint64 id, const char *text, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(br_store_db(store), sql, -1, &s, NULL) != SQLITE_OK)
    return br_store_sql_error(store, error, "cannot prepare the account change");
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
  gboolean ok = br_store_exec_stmt(store, s, error);
  sqlite3_finalize(s);
  return ok;
}

static gboolean
finish(BrStore *store, gboolean ok)
{
  if (ok)
    return TRUE;
  br_store_rollback(store);
  return FALSE;
}

gboolean
br_users_set_enabled(BrStore *store, const char *name, gboolean enabled, const char *by,
                     GError **error)
{
  Account a = {0};
  if (!br_store_begin(store, error))
    return FALSE;
  gboolean ok = find_account(store, name, &a, error);
  if (ok && a.disabled == !enabled) {
    g_set_error(error, BR_USERS_ERROR, BR_USERS_ERROR_INVALID, "user %s is already %s", name,
                enabled ? "enabled" : "disabled");
    ok = FALSE;
  }
  if (ok && !enabled)
    ok = keeps_an_admin(store, &a, name, error) &&
         exec_on(store, "UPDATE users SET password_hash = '!' || password_hash WHERE id = ?1", a.id,
                 NULL, error) &&
         exec_on(store, "DELETE FROM sessions WHERE user_id = ?1", a.id, NULL, error);
  else if (ok)
    ok = exec_on(store, "UPDATE users SET password_hash = substr(password_hash, 2) WHERE id = ?1",
                 a.id, NULL, error);
  ok = ok &&
       br_audit_append(store, by, enabled ? "user.enable" : "user.disable", name,
                       enabled ? "" : "sessions ended", error) &&
       br_store_commit(store, error);
  return finish(store, ok);
}

gboolean
br_users_update(BrStore *store, const char *name, const BrRole *role, const char *const *ports,
                const char *by, GError **error)
{
  Account a = {0};
  if (!br_store_begin(store, error))
    return FALSE;
  BrUser *old = find_account(store, name, &a, error) ? br_users_get(store, a.id, error) : NULL;
  gboolean ok = old != NULL;
  BrRole new_role = role ? *role : a.role;
  /* A role without ports keeps the analyst's ports; another role drops them. */
  const char *const *new_ports = ports ? ports
                                 : ok && new_role == BR_ROLE_ANALYST
                                     ? (const char *const *)old->ports
                                     : NULL;
  if (ok && new_role != BR_ROLE_ADMIN)
    ok = keeps_an_admin(store, &a, name, error);
  ok = ok && check_role_ports(new_role, new_ports, error) &&
       exec_on(store, "UPDATE users SET role = ?2 WHERE id = ?1", a.id, br_role_name(new_role),
               error) &&
       write_ports(store, a.id, new_ports, error);
  if (ok) {
    char *was = g_strjoinv(" ", old->ports);
    char *now = new_ports ? g_strjoinv(" ", (char **)new_ports) : g_strdup("");
    char *detail = g_strdup_printf("role %s -> %s, ports [%s] -> [%s]", br_role_name(a.role),
                                   br_role_name(new_role), was, now);
    ok = br_audit_append(store, by, "user.update", name, detail, error) &&
         br_store_commit(store, error);
    g_free(detail);
    g_free(now);
    g_free(was);
  }
  br_user_free(old);
  return finish(store, ok);
}

gboolean
br_users_set_password(BrStore *store, const char *name, const char *password, const char *by,
                      GError **error)
{
  char hash[crypto_pwhash_STRBYTES];
  if (!sodium_ready(error) || !hash_password(password, hash, error))
    return FALSE;
  Account a = {0};
  if (!br_store_begin(store, error))
    return FALSE;
  /* A disabled account stays disabled, with the new password behind its '!'. */
  gboolean ok =
      find_account(store, name, &a, error) &&
      exec_on(store,
              "UPDATE users SET password_hash = CASE WHEN password_hash LIKE '!%' THEN '!' || ?2"
              " ELSE ?2 END WHERE id = ?1",
              a.id, hash, error) &&
      exec_on(store, "DELETE FROM sessions WHERE user_id = ?1", a.id, NULL, error) &&
      br_audit_append(store, by, "user.password", name, "password reset, sessions ended", error) &&
      br_store_commit(store, error);
  sodium_memzero(hash, sizeof hash);
  return finish(store, ok);
}

static char *
token_hash(const char *token)
{
  return g_compute_checksum_for_string(G_CHECKSUM_SHA256, token, -1);
}

gboolean
br_sessions_create(BrStore *store, gint64 user_id, gint64 ttl, char **token, char **csrf,
                   GError **error)
{
  if (!sodium_ready(error))
    return FALSE;
  *token = br_random_token();
  *csrf = br_random_token();
  char *hash = token_hash(*token);
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  sqlite3_stmt *s = NULL;
  gboolean ok = FALSE;
  sqlite3 *db = br_store_db(store);
  /* Expired sessions go when new ones come, so the table does not grow without end. */
  if (sqlite3_prepare_v2(db, "DELETE FROM sessions WHERE expires_at <= ?1", -1, &s, NULL) ==
      SQLITE_OK) {
    sqlite3_bind_int64(s, 1, now);
    sqlite3_step(s);
  }
  sqlite3_finalize(s);
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5)",
                         -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot prepare the session insert");
  } else {
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, user_id);
    sqlite3_bind_text(s, 3, *csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, now + ttl);
    ok = br_store_exec_stmt(store, s, error);
  }
  sqlite3_finalize(s);
  g_free(hash);
  if (!ok) {
    g_clear_pointer(token, g_free);
    g_clear_pointer(csrf, g_free);
  }
  return ok;
}

BrUser *
br_sessions_lookup(BrStore *store, const char *token, char **csrf, gint64 *expires_at,
                   GError **error)
{
  if (!token || strlen(token) != 64)
    return NULL;
  char *hash = token_hash(token);
  sqlite3_stmt *s = NULL;
  BrUser *user = NULL;
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = ?1"
                         " AND expires_at > ?2",
                         -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, error, "cannot read sessions");
  } else {
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, g_get_real_time() / G_USEC_PER_SEC);
    if (sqlite3_step(s) == SQLITE_ROW) {
      gint64 uid = sqlite3_column_int64(s, 0);
      if (csrf)
        *csrf = g_strdup((const char *)sqlite3_column_text(s, 1));
      if (expires_at)
        *expires_at = sqlite3_column_int64(s, 2);
      user = br_users_get(store, uid, error);
    }
  }
  sqlite3_finalize(s);
  g_free(hash);
  return user;
}

gboolean
br_sessions_delete(BrStore *store, const char *token, GError **error)
{
  char *hash = token_hash(token);
  sqlite3_stmt *s = NULL;
  gboolean ok = FALSE;
  if (sqlite3_prepare_v2(br_store_db(store), "DELETE FROM sessions WHERE token_hash = ?1", -1, &s,
                         NULL) != SQLITE_OK)
    br_store_sql_error(store, error, "cannot prepare the session delete");
  else {
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    ok = br_store_exec_stmt(store, s, error);
  }
  sqlite3_finalize(s);
  g_free(hash);
  return ok;
}
