/* The admin's users: list, add, disable and enable, role and ports, password reset. The
 * accounts module (br_users.h) checks and audits each change; a change also empties the
 * server's caches (dispatch does it after every successful POST), so a disabled user's next
 * request finds no session. */
#include <string.h>

#include "br_api.h"

void
br_api_users(BrRequest *req)
{
  br_reply_rows(
      req,
      "SELECT u.name, u.role, u.created_at, u.created_by,"
      " (SELECT group_concat(port, ' ') FROM user_ports p WHERE p.user_id = u.id) AS ports,"
      " u.password_hash LIKE '!%' AS disabled,"
      " (SELECT MAX(at) FROM audit a WHERE a.who = u.name AND a.action = 'login') AS last_login"
      " FROM users u ORDER BY u.name",
      NULL, 0);
}

/* Answers a failed change: the account's own errors as 400/404/409, the store's as 500. */
static void
reply_users_error(BrRequest *req, GError *error)
{
  if (error->domain != BR_USERS_ERROR) {
    br_reply_store_error(req, error);
    return;
  }
  guint status = error->code == BR_USERS_ERROR_EXISTS      ? SOUP_STATUS_CONFLICT
                 : error->code == BR_USERS_ERROR_NOT_FOUND ? SOUP_STATUS_NOT_FOUND
                                                           : SOUP_STATUS_BAD_REQUEST;
  br_reply_error(req, status, "%s", error->message);
  g_error_free(error);
}

/* "IQUQR IQBSR" or "IQUQR,IQBSR" as a NULL-terminated vector without empty entries. */
static char **
ports_list(const char *text)
{
  char **parts = g_strsplit_set(text ? text : "", " ,", -1);
  GPtrArray *kept = g_ptr_array_new();
  for (guint i = 0; parts[i]; i++)
    if (*parts[i])
      g_ptr_array_add(kept, g_strdup(parts[i]));
  g_ptr_array_add(kept, NULL);
  g_strfreev(parts);
  return (char **)g_ptr_array_free(kept, FALSE);
}

static void
reply_done(BrRequest *req, gboolean ok, GError *error)
{
  if (ok)
    br_reply_json(req, SOUP_STATUS_OK, g_string_new("{}"));
  else
    reply_users_error(req, error);
}

void
br_api_user_add(BrRequest *req)
{
  BrRole role;
  if (!br_role_parse(br_req_str(req, "role"), &role)) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST,
                   "role is analyst, rule_author, commission or admin");
    return;
  }
  char **ports = ports_list(br_req_str(req, "ports"));
  GError *error = NULL;
  gint64 id = br_users_add(req->store, br_req_str(req, "name"), role, (const char *const *)ports,
                           br_req_str(req, "password"), br_req_actor(req), &error);
  g_strfreev(ports);
  if (!id) {
    reply_users_error(req, error);
    return;
  }
  GString *out = g_string_new(NULL);
  g_string_printf(out, "{\"id\":%" G_GINT64_FORMAT "}", id);
  br_reply_json(req, SOUP_STATUS_OK, out);
}

static void
set_enabled(BrRequest *req, gboolean enabled)
{
  GError *error = NULL;
  gboolean ok =
      br_users_set_enabled(req->store, br_req_str(req, "name"), enabled, br_req_actor(req), &error);
  reply_done(req, ok, error);
}

void
br_api_user_disable(BrRequest *req)
{
  set_enabled(req, FALSE);
}

void
br_api_user_enable(BrRequest *req)
{
  set_enabled(req, TRUE);
}

/* {"name", "role"?, "ports"?}: what is absent is kept. */
void
br_api_user_update(BrRequest *req)
{
  const char *role_text = br_req_str(req, "role");
  const char *ports_text = br_req_str(req, "ports");
  BrRole role;
  if (role_text && !br_role_parse(role_text, &role)) {
    br_reply_error(req, SOUP_STATUS_BAD_REQUEST,
                   "role is analyst, rule_author, commission or admin");
    return;
  }
  char **ports = ports_text ? ports_list(ports_text) : NULL;
  GError *error = NULL;
  gboolean ok = br_users_update(req->store, br_req_str(req, "name"), role_text ? &role : NULL,
                                (const char *const *)ports, br_req_actor(req), &error);
  g_strfreev(ports);
  reply_done(req, ok, error);
}

void
br_api_user_password(BrRequest *req)
{
  GError *error = NULL;
  gboolean ok = br_users_set_password(req->store, br_req_str(req, "name"),
                                      br_req_str(req, "password"), br_req_actor(req), &error);
  reply_done(req, ok, error);
}
