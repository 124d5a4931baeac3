/* boxrank user: the accounts of boxrank serve. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "br_audit.h"
#include "br_cli.h"
#include "br_store.h"
#include "br_users.h"

/* One line from stdin, without its newline; on a terminal, prompted and not echoed. */
static char *
read_password(const char *prompt)
{
  gboolean tty = isatty(STDIN_FILENO);
  struct termios old, quiet;
  if (tty) {
    fprintf(stderr, "%s", prompt);
    tcgetattr(STDIN_FILENO, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  char buf[BR_PASSWORD_MAX + 2];
  char *line = fgets(buf, sizeof buf, stdin);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
  }
  if (!line)
    return NULL;
  buf[strcspn(buf, "\r\n")] = '\0';
  return g_strdup(buf);
}

typedef enum { CHANGE_ADD, CHANGE_DISABLE, CHANGE_ENABLE, CHANGE_SET, CHANGE_PASSWORD } Change;

static const struct {
  const char *verb;
  Change change;
  const char *summary;
  const char *example;
} changes[] = {
    {"add", CHANGE_ADD, "NAME - add an account for boxrank serve",
     "boxrank user add m.hassan --role analyst --port IQUQR --port IQBSR"},
    {"disable", CHANGE_DISABLE,
     "NAME - disable an account: its sessions end at once, its name stays in the audit trail",
     "boxrank user disable m.hassan"},
    {"enable", CHANGE_ENABLE, "NAME - enable a disabled account again, with its old password",
     "boxrank user enable m.hassan"},
    {"set", CHANGE_SET,
     "NAME - change an account's role or ports (--port replaces the list of ports)",
     "boxrank user set m.hassan --port IQUQR --port IQBSR"},
    {"password", CHANGE_PASSWORD,
     "NAME - set a new password (read from standard input); the account's sessions end",
     "echo 'a new long passphrase' | boxrank user password m.hassan"},
};

/* boxrank user add|disable|enable|set|password NAME: one audited change to an account. */
static int
user_change(guint which, int argc, char **argv)
{
  char *db = NULL, *role_text = NULL;
  char **ports = NULL;
  Change change = changes[which].change;
  GOptionEntry set_entries[] = {{"role", 0, 0, G_OPTION_ARG_STRING, &role_text,
                                 "analyst, rule_author, commission or admin", "ROLE"},
                                {"port", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ports,
                                 "A port whose lists an analyst works (repeat for more)", "CODE"},
                                {NULL}};
  GOptionEntry entries[] = {{"db", 0, 0, G_OPTION_ARG_FILENAME, &db,
                             "The store (default $BOXRANK_DB, else ./boxrank.db)", "PATH"},
                            {NULL}};
  GOptionContext *ctx = g_option_context_new(changes[which].summary);
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (change == CHANGE_ADD || change == CHANGE_SET)
    g_option_context_add_main_entries(ctx, set_entries, NULL);
  if (change == CHANGE_ADD || change == CHANGE_PASSWORD)
    g_option_context_set_summary(
        ctx, "The password is read from standard input (prompted, not echoed, on a terminal),\n"
             "at least 10 characters; it is stored as an Argon2id hash.");
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  char *password = NULL, *actor = NULL;
  BrRole role;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv, changes[which].example))
    goto out;
  if (argc != 2 || (role_text && !br_role_parse(role_text, &role)) ||
      (change == CHANGE_ADD && !role_text) || (change == CHANGE_SET && !role_text && !ports)) {
    fprintf(stderr, "boxrank user %s: give NAME%s\nRun with --help for usage.\n",
            changes[which].verb,
            change == CHANGE_ADD   ? " and --role analyst, rule_author, commission or admin"
            : change == CHANGE_SET ? " and --role analyst, rule_author, commission or admin, or "
                                     "--port"
                                   : "");
    goto out;
  }
  if ((change == CHANGE_ADD || change == CHANGE_PASSWORD) &&
      !(password = read_password(change == CHANGE_ADD ? "Password: " : "New password: "))) {
    fprintf(stderr, "boxrank user %s: no password on standard input\n", changes[which].verb);
    goto out;
  }
  rc = BR_EXIT_FAILURE;
  if (!(store =
            br_store_open(db ? db : br_store_default_path(),
                          change == CHANGE_ADD ? BR_STORE_CREATE : BR_STORE_EXISTING, &error))) {
    br_cli_error(error);
    goto out;
  }
  actor = br_audit_cli_actor();
  gboolean ok =
      change == CHANGE_ADD       ? br_users_add(store, argv[1], role, (const char *const *)ports,
                                                password, actor, &error) != 0
      : change == CHANGE_DISABLE ? br_users_set_enabled(store, argv[1], FALSE, actor, &error)
      : change == CHANGE_ENABLE  ? br_users_set_enabled(store, argv[1], TRUE, actor, &error)
      : change == CHANGE_SET     ? br_users_update(store, argv[1], role_text ? &role : NULL,
                                                   (const char *const *)ports, actor, &error)
                                 : br_users_set_password(store, argv[1], password, actor, &error);
  if (!ok) {
    br_cli_error(error);
    goto out;
  }
  if (change == CHANGE_ADD)
    printf("user %s added as %s\n", argv[1], br_role_name(role));
  else
    printf("user %s: %s\n", argv[1],
           change == CHANGE_DISABLE  ? "disabled, sessions ended"
           : change == CHANGE_ENABLE ? "enabled"
           : change == CHANGE_SET    ? "changed"
                                     : "new password set, sessions ended");
  rc = BR_EXIT_OK;
out:
  if (password)
    memset(password, 0, strlen(password));
  g_free(password);
  g_free(actor);
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  g_free(role_text);
  g_strfreev(ports);
  return rc;
}

/* boxrank user list: every account, its state and ports, as a table. */
static int
user_list(int argc, char **argv)
{
  char *db = NULL;
  GOptionEntry entries[] = {{"db", 0, 0, G_OPTION_ARG_FILENAME, &db,
                             "The store (default $BOXRANK_DB, else ./boxrank.db)", "PATH"},
                            {NULL}};
  GOptionContext *ctx = g_option_context_new("- list the accounts of boxrank serve");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  sqlite3_stmt *s = NULL;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv, "boxrank user list --db boxrank.db"))
    goto out;
  if (argc != 1) {
    fprintf(stderr, "boxrank user list: takes no arguments\nRun with --help for usage.\n");
    goto out;
  }
  rc = BR_EXIT_FAILURE;
  if (!(store = br_store_open(db ? db : br_store_default_path(), BR_STORE_READ_ONLY, &error))) {
    br_cli_error(error);
    goto out;
  }
  if (sqlite3_prepare_v2(br_store_db(store),
                         "SELECT u.name, u.role, CASE WHEN u.password_hash LIKE '!%'"
                         " THEN 'disabled' ELSE 'active' END, COALESCE((SELECT group_concat(port,"
                         " ' ') FROM user_ports p WHERE p.user_id = u.id), ''), u.created_at"
                         " FROM users u ORDER BY u.name",
                         -1, &s, NULL) != SQLITE_OK) {
    br_store_sql_error(store, &error, "cannot read users");
    br_cli_error(error);
    goto out;
  }
  printf("%-24s %-12s %-9s %-24s %s\n", "name", "role", "state", "ports", "added");
  while (sqlite3_step(s) == SQLITE_ROW)
    printf("%-24s %-12s %-9s %-24s %s\n", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
           sqlite3_column_text(s, 2), sqlite3_column_text(s, 3), sqlite3_column_text(s, 4));
  rc = BR_EXIT_OK;
out:
  sqlite3_finalize(s);
  br_store_close(store);
  g_option_context_free(ctx);
  g_free(db);
  return rc;
}

int
br_cmd_user(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "list") == 0)
    return user_list(argc - 1, argv + 1);
  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS(changes); i++)
    if (strcmp(argv[1], changes[i].verb) == 0)
      return user_change(i, argc - 1, argv + 1);
  return br_cli_usage(
      argc, argv,
      "Usage: boxrank user add NAME --role ROLE [--port CODE ...] [--db PATH]\n"
      "       boxrank user list [--db PATH]\n"
      "       boxrank user disable|enable NAME [--db PATH]\n"
      "       boxrank user set NAME [--role ROLE] [--port CODE ...] [--db PATH]\n"
      "       boxrank user password NAME [--db PATH]\n"
      "Roles: analyst (works the lists of its ports), rule_author, commission, admin.\n"
      "Accounts are never deleted (the audit trail names them): disable them.\n"
      "Example:\n  echo 'a long passphrase' | boxrank user add m.hassan --role analyst "
      "--port IQUQR\n");
}
