/* Roll-up of scored lines into inspection units.
 *
 * Units are keyed by (port, unit id). A unit's score is the maximum of its lines' scores; its
 * fired rules and reasons are the union over its lines. Each pipeline worker fills its own
 * table; tables merge when the input ends, with the same result in any order. */
#pragma once

#include <glib.h>

#include "br_rules.h"

typedef enum { BR_LANE_GREEN = 0, BR_LANE_YELLOW, BR_LANE_RED } BrLane;
typedef enum { BR_SEL_NONE = 0, BR_SEL_TARGETED, BR_SEL_RANDOM, BR_SEL_EXPLORE } BrSelection;

typedef struct {
  char *port;
  char *unit;
  double score;
  guint64 nlines;
  guint64 first_line;   /* smallest source line of the unit (depends on input order) */
  const char *record;   /* smallest record id among the unit's lines: finds it in any order */
  GArray *fired;        /* guint rule indices, ascending, distinct; NULL when none fired */
  GArray *points;       /* double, parallel to fired: the most points each gave on a line;
                         * NULL when the pack has no points rules (every rule gives 1) */
  GPtrArray *reasons;   /* char* "RULE-ID: reason", distinct, in no set order (br_unit_reasons
                         * orders them); NULL if none */
  GArray *reason_rules; /* guint rule index of each reason, parallel to reasons */
  GArray *reason_points; /* double points of the line that gave each reason, parallel */
  BrLane lane;
  BrSelection selection;
  guint rank;       /* 1-based rank within the port by score: set for red and selected
                     * units (ranking every unit would cost a sort of the whole port) */
  guint64 tiebreak; /* hash of unit id and seed */
  double label;     /* backtests: highest known-outcome label of its lines, -1 when none */
  gint32 day;       /* earliest line date (days since 1970-01-01), G_MAXINT32 when none */
  guint32 *entities; /* distinct entity value ids (the pipeline's BrEntityDict); NULL: none */
  guint32 nentities;
  guint32 bucket; /* br_unit_pack_bucket(port, unit), set where entity values are collected:
                   * in the worker that meets the unit, whose strings are then in cache */
  double uncertainty; /* the most any of its lines' values is unknown to the history (summed
                       * Beta variances, BrLineResult); exploration picks the highest */
  gboolean amended; /* a line of it replaced an earlier version (br_amend.h) */
} BrUnit;

const char *br_lane_name(BrLane lane);
const char *br_selection_name(BrSelection sel);

/* A table of units being rolled up. Each worker fills its own; tables merge at the end. */
typedef struct BrUnitTable BrUnitTable;

/* The hash of a unit's key (port, unit) that its table uses. */
guint br_unit_key_hash(const char *port, const char *unit);

BrUnitTable *br_unit_table_new(const BrPack *pack);
void br_unit_table_free(BrUnitTable *table);
/* Frees every unit of the table, which stays for more. */
void br_unit_table_clear(BrUnitTable *table);
/* Adds one scored line. port, unit and record (the line's id) are copied as needed. Returns
 * the unit, for callers that keep more per unit (labels, dates). */
BrUnit *br_unit_table_add(BrUnitTable *table, const char *port, const char *unit,
                          const char *record, guint64 line_no, const BrLineResult *result);
/* Adds entity value ids to the unit's, each once. */
void br_unit_add_entities(BrUnit *u, const guint32 *ids, guint n);
/* Renumbers the entity ids of every unit of the table through map (old id -> new id): a
 * worker's dictionary ids become those of the dictionary it was absorbed into. */
void br_unit_table_map_entities(BrUnitTable *table, const guint32 *map);
/* Moves everything of src into dst; src is left empty. Commutative in its effect; entity ids
 * of both must be of one dictionary. */
void br_unit_table_merge(BrUnitTable *dst, BrUnitTable *src);
guint br_unit_table_size(const BrUnitTable *table);
/* Roughly what the table's units take on the heap, in bytes: what decides when a run spills
 * its units to disk (br_unit_runs.h). */
gsize br_unit_table_bytes(const BrUnitTable *table);
/* Every unit sorted by (port, unit) (br_unit_cmp_key); owned by the table. */
GPtrArray *br_unit_table_sorted(BrUnitTable *table);
/* The order of sorted runs and partials: port, then unit id, bytewise. */
gint br_unit_cmp_key(const BrUnit *a, const BrUnit *b);

/* A unit on its own, outside any table (a candidate kept for the lists, a unit read back from
 * disk): it owns its strings and arrays. */
BrUnit *br_unit_copy(const BrUnit *src);
void br_unit_free(BrUnit *u);
/* Rolls src's lines into dst, a unit on its own, as br_unit_table_merge rolls up a unit met
 * in two tables. */
void br_unit_absorb(BrUnit *dst, const BrUnit *src, const BrPack *pack);
/* Every unit, in no particular order; owned by the table. */
GPtrArray *br_unit_table_all(BrUnitTable *table);
/* The seeded hash that breaks ties between units of equal score. */
guint64 br_unit_hash(const char *port, const char *unit, guint64 seed);
/* Rank order for g_ptr_array_sort of BrUnit*: score descending, then the seeded tie-break
 * (tiebreak must be set), then the unit id. */
gint br_unit_cmp_rank(gconstpointer a, gconstpointer b);

/* One reason of a unit and what it added to the score. */
typedef struct {
  guint rule;          /* rule index in the pack */
  double points;       /* the rule's points on the line that gave the reason (1 for a rule
                        * without points) */
  double contribution; /* weight x points */
  const char *text;    /* the reason without its rule id; owned by the unit */
} BrReason;

/* Every reason of the unit, the decisive one first: by contribution, largest first (so a
 * reason that lowers the score comes after every one that raises it), then rule, then text.
 * The same order wherever reasons are shown. An array of BrReason; free with g_array_free. */
GArray *br_unit_reasons(const BrUnit *u, const BrPack *pack);
/* A contribution shows with two decimals; one that rounds to 0.00 says nothing, and lists
 * leave it out (JSON breakdowns keep it). */
gboolean br_reason_counts(const BrReason *r);
/* "ID +0.73: text", or "ID -0.55 lowers the score: text" for a reason that lowers it. */
void br_reason_format(GString *out, const BrReason *r, const BrPack *pack);

/* All units of a port in rank order (for --all output); owned by the table. */
GPtrArray *br_unit_table_port_units(BrUnitTable *table, const char *port);
