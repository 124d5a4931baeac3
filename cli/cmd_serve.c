/* boxrank serve: the worklist, hit review, reports and audit in the browser. */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "br_cli.h"
#include "br_server.h"
#include "br_store.h"

static gboolean
on_signal(gpointer loop)
{
  g_main_loop_quit(loop);
  return G_SOURCE_CONTINUE;
}

int
br_cmd_serve(int argc, char **argv)
{
  char *db = NULL, *listen = NULL, *cert = NULL, *key = NULL;
  gboolean four_eyes = FALSE, quiet = FALSE;
  gint session_hours = 8;
  GOptionEntry entries[] = {
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The store (default $BOXRANK_DB, else ./boxrank.db)",
       "PATH"},
      {"listen", 0, 0, G_OPTION_ARG_STRING, &listen,
       "Address and port to listen on (default 127.0.0.1:8080)", "HOST:PORT"},
      {"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "Serve HTTPS with this PEM certificate",
       "FILE"},
      {"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "The certificate's PEM private key", "FILE"},
      {"four-eyes", 0, 0, G_OPTION_ARG_NONE, &four_eyes,
       "A dismissed watchlist hit takes effect only once a second analyst approves it", NULL},
      {"session-hours", 0, 0, G_OPTION_ARG_INT, &session_hours, "Hours a login lasts (default 8)",
       "N"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Do not log requests on stderr", NULL},
      {NULL}};
  GOptionContext *ctx =
      g_option_context_new("- serve the worklist, reports and audit in a browser");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_summary(
      ctx, "Analysts work their ports' lists, record results and review watchlist hits; rule\n"
           "authors see packs, runs and rule statistics; the commission reads the hit-rate\n"
           "report; admins see users and the audit trail. Accounts: boxrank user add.\n"
           "Stops cleanly on SIGTERM or Ctrl-C. Each request is logged on stderr.");
  int rc = BR_EXIT_USAGE;
  BrServer *server = NULL;
  GMainLoop *loop = NULL;
  if (!br_cli_parse(ctx, &argc, &argv, "boxrank serve --db boxrank.db --listen 127.0.0.1:8080"))
    goto out;
  if (argc != 1 || session_hours < 1 || session_hours > 24 * 30) {
    fprintf(stderr, "boxrank serve: takes no arguments; --session-hours is 1 to 720\n");
    goto out;
  }
  BrServerOptions opts = {
      .db_path = db ? db : br_store_default_path(),
      .listen = listen,
      .tls_cert = cert,
      .tls_key = key,
      .four_eyes = four_eyes,
      .session_s = (gint64)session_hours * 3600,
      .log = quiet ? NULL : stderr,
  };
  GError *error = NULL;
  server = br_server_new(&opts, &error);
  if (!server) {
    br_cli_error(error);
    rc = BR_EXIT_FAILURE;
    goto out;
  }
  fprintf(stderr, "boxrank serve: %s on %s (Ctrl-C stops)\n", br_server_url(server), opts.db_path);
  loop = g_main_loop_new(NULL, FALSE);
  guint term = g_unix_signal_add(SIGTERM, on_signal, loop);
  guint intr = g_unix_signal_add(SIGINT, on_signal, loop);
  g_main_loop_run(loop);
  g_source_remove(term);
  g_source_remove(intr);
  fprintf(stderr, "boxrank serve: stopped\n");
  rc = BR_EXIT_OK;
out:
  br_server_free(server);
  if (loop)
    g_main_loop_unref(loop);
  g_option_context_free(ctx);
  g_free(db);
  g_free(listen);
  g_free(cert);
  g_free(key);
  return rc;
}
