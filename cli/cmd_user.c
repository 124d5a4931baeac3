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

static int
user_add(int argc, char **argv)
{
  char *db = NULL, *role_text = NULL;
  char **ports = NULL;
  GOptionEntry entries[] = {{"role", 0, 0, G_OPTION_ARG_STRING, &role_text,
                             "analyst, rule_author, commission or admin", "ROLE"},
                            {"port", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ports,
                             "A port whose lists an analyst works (repeat for more)", "CODE"},
                            {"db", 0, 0, G_OPTION_ARG_FILENAME, &db,
                             "The store (default $BOXRANK_DB, else ./boxrank.db)", "PATH"},
                            {NULL}};
  GOptionContext *ctx = g_option_context_new("NAME - add an account for boxrank serve");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(
      ctx, "The password is read from standard input (prompted, not echoed, on a terminal),\n"
           "at least 10 characters; it is stored as an Argon2id hash.");
  int rc = BR_EXIT_USAGE;
  BrStore *store = NULL;
  char *password = NULL, *actor = NULL;
  BrRole role;
  if (!br_cli_parse(ctx, &argc, &argv,
                    "boxrank user add m.hassan --role analyst --port IQUQR --port IQBSR"))
    goto out;
  if (argc != 2 || !br_role_parse(role_text, &role)) {
    fprintf(stderr, "boxrank user add: give NAME and --role analyst, rule_author, commission or "
                    "admin\nRun with --help for usage.\n");
    goto out;
  }
  if (!(password = read_password("Password: "))) {
    fprintf(stderr, "boxrank user add: no password on standard input\n");
    goto out;
  }
  GError *error = NULL;
  rc = BR_EXIT_FAILURE;
  if (!(store = br_store_open(db ? db : br_store_default_path(), BR_STORE_CREATE, &error))) {
    br_cli_error(error);
    goto out;
  }
  actor = br_audit_cli_actor();
  if (!br_users_add(store, argv[1], role, (const char *const *)ports, password, actor, &error)) {
    br_cli_error(error);
    goto out;
  }
  printf("user %s added as %s\n", argv[1], br_role_name(role));
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

int
br_cmd_user(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "add") == 0)
    return user_add(argc - 1, argv + 1);
  FILE *out =
      argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) ? stdout : stderr;
  fprintf(out, "Usage: boxrank user add NAME --role ROLE [--port CODE ...] [--db PATH]\n"
               "Roles: analyst (works the lists of its ports), rule_author, commission, admin.\n"
               "Example:\n  echo 'a long passphrase' | boxrank user add m.hassan --role analyst "
               "--port IQUQR\n");
  return out == stdout ? BR_EXIT_OK : BR_EXIT_USAGE;
}
