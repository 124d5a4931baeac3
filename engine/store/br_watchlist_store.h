/* Watchlists in the store: saving an import, loading lists back, analysts' exceptions.
 *
 * A list is known by its name. Saving an import whose content hash equals the stored one
 * changes nothing; another content replaces the list's entries, aliases and rejects in one
 * transaction and adds a row to its import history. Entries are referred to by their ref: the
 * id in the source (UN reference, OFAC ent_num, the CSV's id), else '#' and their position.
 *
 * An exception says that a party (a name as written on manifests) is not a listed entry: the
 * pair (list, entry ref, party's canonical tokens) stops matching until the day it expires.
 * Exceptions are keyed by list name and entry ref, so they outlive re-imports. */
#pragma once

#include <glib.h>

#include "br_store.h"
#include "br_watchlist.h"

#define BR_WATCHLIST_STORE_ERROR (br_watchlist_store_error_quark())
GQuark br_watchlist_store_error_quark(void);

typedef enum {
  BR_WATCHLIST_STORE_ERROR_NOT_FOUND, /* no list or entry of that name */
  BR_WATCHLIST_STORE_ERROR_INVALID,   /* a value the store cannot hold (bad date, empty text) */
} BrWatchlistStoreErrorCode;

typedef struct {
  gint64 list_id;
  gboolean unchanged; /* the same content was stored under this name already */
  gboolean replaced;  /* an older content of the list was replaced */
} BrWatchlistSaved;

/* Saves wl under wl->name; format is "un", "ofac" or "csv". */
gboolean br_watchlist_store_save(BrStore *store, const BrWatchlist *wl, const char *format,
                                 BrWatchlistSaved *saved, GError **error);

/* The names of the stored lists, sorted (free with g_strfreev). */
char **br_watchlist_store_names(BrStore *store, GError **error);

/* Loads a stored list: entries in import order (each entry's source_id is its ref), aliases,
 * facts (grouped), name, source, version and content hash; rejects are not loaded. */
BrWatchlist *br_watchlist_store_load(BrStore *store, const char *name, GError **error);

/* "ref" of entry number i of a list loaded or about to be saved, into buf (room for 24). */
const char *br_watchlist_entry_ref(const BrWatchlist *wl, guint i, char buf[24]);

/* The canonical form of a party name exceptions are keyed on: its tokens joined by spaces
 * (br_name_tokenize), so spelling of case, accents and punctuation does not matter. */
void br_watchlist_party_key(const char *party, gssize len, GString *out);

typedef struct {
  const char *list;      /* list name */
  const char *entry_ref; /* the entry's ref */
  const char *party;     /* the party text, as seen */
  const char *by;        /* who decided */
  const char *reason;    /* why */
  const char *expires;   /* YYYY-MM-DD, last day in force; NULL: none */
} BrWatchException;

/* Records an exception after checking that the list and a name-screened entry exist, the
 * party has tokens, who and why are given and expires is a date. Returns its id, or 0. */
gint64 br_watchlist_store_add_exception(BrStore *store, const BrWatchException *ex, GError **error);

/* Ends an exception that is active or awaiting approval: the pair matches again from now on.
 * The row stays, marked revoked with who, when and why. */
gboolean br_watchlist_store_revoke_exception(BrStore *store, gint64 id, const char *by,
                                             const char *reason, GError **error);
