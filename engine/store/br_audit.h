/* The audit trail: one append-only row per thing someone did that changes what the store
 * says or who may see it (logins, results recorded or corrected, exceptions made, approved or
 * revoked, users added, runs recorded). Triggers in the schema refuse UPDATE and DELETE on
 * the table, so a row once written stays as it was. */
#pragma once

#include <glib.h>

#include "br_store.h"

/* Appends a row dated now (UTC). who: the account or "cli:USER" for commands; action: a
 * short verb ("login", "result.record" ...); target: what it acted on; detail: free text.
 * Joins the caller's transaction when one is open. */
gboolean br_audit_append(BrStore *store, const char *who, const char *action, const char *target,
                         const char *detail, GError **error);
/* "cli:" and the login name of the user running the command, for rows the CLI writes. */
char *br_audit_cli_actor(void);
