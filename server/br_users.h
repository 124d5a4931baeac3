/* Local accounts and browser sessions, kept in the store.
 *
 * Roles: analyst (the lists of their own ports; records results; reviews hits), rule_author
 * (packs, run and rule statistics, backtests; every port, read-only), commission (reports,
 * read-only), admin (users). Passwords are stored as Argon2id hashes (libsodium's
 * crypto_pwhash_str, interactive limits); a session is a random 256-bit token of which only
 * a hash is stored, with its own CSRF token and an expiry. */
#pragma once

#include <glib.h>

#include "br_store.h"

#define BR_USERS_ERROR (br_users_error_quark())
GQuark br_users_error_quark(void);

typedef enum {
  BR_USERS_ERROR_INVALID,   /* bad name, role, port or password */
  BR_USERS_ERROR_EXISTS,    /* the name is taken */
  BR_USERS_ERROR_CRYPTO,    /* libsodium could not start or hash */
  BR_USERS_ERROR_NOT_FOUND, /* no such account */
  BR_USERS_ERROR_DISABLED,  /* the password matched a disabled account */
} BrUsersErrorCode;

typedef enum {
  BR_ROLE_ANALYST = 1 << 0,
  BR_ROLE_RULE_AUTHOR = 1 << 1,
  BR_ROLE_COMMISSION = 1 << 2,
  BR_ROLE_ADMIN = 1 << 3,
} BrRole;

#define BR_PASSWORD_MIN 10
#define BR_PASSWORD_MAX 256

const char *br_role_name(BrRole role);
gboolean br_role_parse(const char *text, BrRole *role);

typedef struct {
  gint64 id;
  char *name;
  BrRole role;
  char **ports; /* NULL-terminated; empty unless an analyst */
} BrUser;

void br_user_free(BrUser *user);
BrUser *br_user_copy(const BrUser *user);
/* TRUE when the user may see the port's lists: an analyst of that port, or a rule author. */
gboolean br_user_sees_port(const BrUser *user, const char *port);

/* Adds an account (audited as by). Names: 1-64 letters, digits, '.', '_', '-'; an analyst
 * needs at least one port; the password BR_PASSWORD_MIN..MAX bytes. Returns its id or 0. */
gint64 br_users_add(BrStore *store, const char *name, BrRole role, const char *const *ports,
                    const char *password, const char *by, GError **error);
/* The account when name and password match, else NULL (error set on a store failure, and
 * BR_USERS_ERROR_DISABLED when the password matched a disabled account). Takes the same time
 * whether or not the name exists. */
BrUser *br_users_verify(BrStore *store, const char *name, const char *password, GError **error);
BrUser *br_users_get(BrStore *store, gint64 id, GError **error);

/* Changes to an account, each audited as by; accounts are never deleted (the audit trail and
 * results name them). Disabling ends the account's sessions at once and enabling restores
 * its password; the last active admin can be neither disabled nor given another role. */
gboolean br_users_set_enabled(BrStore *store, const char *name, gboolean enabled, const char *by,
                              GError **error);
/* A new role (NULL: keep) and ports (NULL: keep an analyst's, none for another role). */
gboolean br_users_update(BrStore *store, const char *name, const BrRole *role,
                         const char *const *ports, const char *by, GError **error);
/* A new password; ends the account's sessions (a disabled account stays disabled). */
gboolean br_users_set_password(BrStore *store, const char *name, const char *password,
                               const char *by, GError **error);

/* Opens a session for the user for ttl seconds: token and csrf are new hex strings (free). */
gboolean br_sessions_create(BrStore *store, gint64 user_id, gint64 ttl, char **token, char **csrf,
                            GError **error);
/* The session's user, CSRF token and expiry (Unix seconds; may be NULL), or NULL when the
 * token is unknown or expired. */
BrUser *br_sessions_lookup(BrStore *store, const char *token, char **csrf, gint64 *expires_at,
                           GError **error);
gboolean br_sessions_delete(BrStore *store, const char *token, GError **error);
/* A new random token: 32 bytes as 64 hex digits. */
char *br_random_token(void);
