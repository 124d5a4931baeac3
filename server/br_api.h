/* Shared by the API modules: finding the run a request is about. */
#pragma once

#include "br_server_internal.h"

typedef struct {
  gint64 id;
  char as_of[11];
} BrApiRun;

/* The latest run that has a list for port (on date when not NULL), after checking that the
 * user may see the port; answers the request with the error and returns FALSE otherwise. */
gboolean br_api_find_run(BrRequest *req, const char *port, const char *date, BrApiRun *run);
