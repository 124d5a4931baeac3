/* Per-port ranking and selection of the units a run rolled up.
 *
 * Ranking is a pure function of the units, the pack settings and the seed: ties break on a
 * hash of the unit id and the seed, never on input order, so the same input in any order
 * gives the same lists. */
#pragma once

#include <glib.h>

#include "br_rules.h"
#include "br_units.h"

typedef struct {
  char *port;
  guint capacity;
  guint units; /* units seen at this port */
  guint red, yellow, green;
  guint targeted;
  guint random;
  guint explore;
  GPtrArray *selected; /* BrUnit* (owned by the BrUnitTable): targeted by rank, then explore,
                        * then random picks, each by rank */
} BrPortList;

/* Ranks every port's units and selects per the pack settings. Returns BrPortList* sorted by
 * port code; units stay owned by the table. */
GPtrArray *br_rank_select(BrUnitTable *table, const BrPack *pack, guint64 seed);
/* The same over some of a table's units (BrUnit*), e.g. one day's in a replay of history. */
GPtrArray *br_rank_select_units(GPtrArray *units, const BrPack *pack, guint64 seed);
void br_port_list_free(BrPortList *list);
