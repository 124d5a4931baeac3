/* Screening many names at once (`boxrank watchlist screen`, benchmarks): a watch set loaded
 * once, worker threads each with its own scratch, repeated names matched once.
 *
 * A batch is a run of names screened together; the results come back by the names' positions,
 * so the input order holds whatever the number of threads. Each name gets what
 * br_watch_set_match gives it (`watchlist match`: the same scores, hits under an exception
 * included and marked). */
#pragma once

#include <glib.h>

#include "br_watchset.h"

typedef struct BrWatchBatch BrWatchBatch;

/* threads >= 1; lists as for br_watch_set_match (0: all); top >= 1 hits per name at most,
 * each scoring threshold or more. The set must outlive the batch. */
BrWatchBatch *br_watch_batch_new(const BrWatchSet *set, guint threads, guint64 lists,
                                 double threshold, guint top);
void br_watch_batch_free(BrWatchBatch *batch);

/* Screens names[0..n) (lens[i] bytes each) on the batch's threads, each with what the input
 * says of its party, parties[i] (br_watch_set_match_party; parties NULL: names alone). Returns
 * how many distinct screenings there were (the same name with the same fields is matched
 * once). */
guint br_watch_batch_screen(BrWatchBatch *batch, const char *const *names, const gsize *lens,
                            const BrWatchParty *parties, guint n);
/* Name i's hits of the last br_watch_batch_screen, best first; valid until the next call. */
const BrWatchHit *br_watch_batch_hits(const BrWatchBatch *batch, guint i, guint *count);
