/* Per-port ranking and selection of the units a run rolled up.
 *
 * Ranking is a pure function of the units, the pack settings and the seed: ties break on a
 * hash of the unit id and the seed, never on input order, so the same input in any order
 * gives the same lists. */
#pragma once

#include <glib.h>

#include "br_rules.h"
#include "br_unit_runs.h"
#include "br_units.h"

typedef struct {
  char *port;
  guint capacity;
  guint units; /* units seen at this port */
  guint red, yellow, green;
  guint targeted;
  guint random;
  guint explore;
  GPtrArray *selected; /* BrUnit*: targeted by rank, then explore, then random picks, each by
                        * rank; the table's units, or copies the list owns (a stream's) */
} BrPortList;

/* Ranks every port's units and selects per the pack settings. Returns BrPortList* sorted by
 * port code; units stay owned by the table. */
GPtrArray *br_rank_select(BrUnitTable *table, const BrPack *pack, guint64 seed);
/* The same over some of a table's units (BrUnit*), e.g. one day's in a replay of history. */
GPtrArray *br_rank_select_units(GPtrArray *units, const BrPack *pack, guint64 seed);
void br_port_list_free(BrPortList *list);

/* Selection over units met one at a time (the completed units of a k-way merge of sorted
 * runs, br_unit_runs.h), holding per port only what can still be listed: the lists equal
 * br_rank_select's over the same units.
 *   rs = br_rank_stream_new(pack, seed, TRUE);
 *   every unit: br_rank_stream_add(rs, u);
 *   if (br_rank_stream_draw(rs)) every unit again: br_rank_stream_count(rs, u);
 *   lists = br_rank_stream_finish(rs);
 * The second pass counts the ranks of the random and explore picks (a unit's port, id and
 * score are all it reads). With copy, the units the lists keep are copied, so the ones given
 * may go after each call; without, the lists point to the units given, which get their lane,
 * selection and rank. */
typedef struct BrRankStream BrRankStream;
BrRankStream *br_rank_stream_new(const BrPack *pack, guint64 seed, gboolean copy);
void br_rank_stream_add(BrRankStream *rs, const BrUnit *u);
/* Draws every port's picks; TRUE when some need their ranks counted by a second pass. */
gboolean br_rank_stream_draw(BrRankStream *rs);
void br_rank_stream_count(BrRankStream *rs, const BrUnit *u);
/* The units met in the first pass. */
guint64 br_rank_stream_units(const BrRankStream *rs);
/* The lists (BrPortList*, sorted by port code); frees rs. */
GPtrArray *br_rank_stream_finish(BrRankStream *rs);
/* The two passes of a stream over sorted runs (br_unit_runs.h): the lists, and in *units the
 * number of units. NULL when a run on disk is damaged. */
GPtrArray *br_rank_select_runs(BrUnitRuns *runs, const BrPack *pack, guint64 seed, guint64 *units,
                               GError **error);
