/* `boxrank serve`: the worklist, hit review, reports and audit in the browser.
 *
 * One SoupServer on the thread-default main context serves a JSON API under /api/ and the
 * front end (web/, embedded as a GResource) under every other path. Every API route but
 * login requires a session; each route names the roles it admits, checked here on the server;
 * every request that changes something must carry the session's CSRF token in X-CSRF-Token.
 * Request bodies are limited to BR_SERVER_BODY_MAX bytes; failed logins are rate-limited per
 * name and per address. Each request is logged as one line. */
#pragma once

#include <glib.h>
#include <stdio.h>

#define BR_SERVER_ERROR (br_server_error_quark())
GQuark br_server_error_quark(void);

typedef enum {
  BR_SERVER_ERROR_LISTEN, /* bad address, port taken */
  BR_SERVER_ERROR_TLS,    /* certificate or key unreadable */
} BrServerErrorCode;

#define BR_SERVER_BODY_MAX (64 * 1024)
#define BR_SERVER_LOGIN_FAILURES 5       /* failed logins allowed per name in a window */
#define BR_SERVER_LOGIN_FAILURES_ADDR 20 /* and per client address (offices share one) */
#define BR_SERVER_LOGIN_WINDOW_S 900     /* the window */
#define BR_SERVER_SESSION_S (8 * 3600)   /* a session lasts a working day */

typedef struct {
  const char *db_path;
  const char *listen;   /* HOST:PORT; port 0 picks a free one (tests) */
  const char *tls_cert; /* PEM files; both or neither */
  const char *tls_key;
  gboolean four_eyes; /* a dismissal takes effect only once a second analyst approves it */
  gint64 session_s;   /* 0: BR_SERVER_SESSION_S */
  FILE *log;          /* request log; NULL: none */
} BrServerOptions;

typedef struct BrServer BrServer;

/* Opens the store (creating it when missing) and starts listening. */
BrServer *br_server_new(const BrServerOptions *options, GError **error);
/* The port it listens on, and its base URL (http://HOST:PORT or https://...). */
guint16 br_server_port(const BrServer *server);
const char *br_server_url(const BrServer *server);
/* Stops listening, closes connections and the store. */
void br_server_free(BrServer *server);
