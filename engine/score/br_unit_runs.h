/* Sorted runs of rolled-up units, and the k-way merge that completes each unit once.
 *
 * A run is a set of units sorted by (port, unit id): a worker's unit table sorted at the end of
 * its input, a table it spilled to disk when its units passed the memory budget, or the units
 * of a partial (br_partial.h). A unit whose lines fell in several runs has a piece in each; the
 * merge reads all runs at once in key order and rolls the pieces up as br_unit_table_merge
 * would, so that a run's units are met one at a time, complete, in (port, unit) order, without
 * ever holding them all (bench/README.md, "Memory"). */
#pragma once

#include <stdio.h>

#include "br_binio.h"
#include "br_units.h"

/* A unit as partials and spilled runs hold it (docs/scale.md, "The partial format"). */
void br_unit_write(FILE *f, const BrUnit *u, const BrPack *pack);
/* Reads one unit written by br_unit_write into a unit on its own (br_unit_free); NULL when
 * the file is damaged (r's error says where). */
BrUnit *br_unit_read(BrBinReader *r, const BrPack *pack, GString *scratch);

typedef struct BrUnitRuns BrUnitRuns;

/* spill_base: the folder in which a spilling run makes its temporary folder (created at the
 * first spill, removed with the runs); NULL: $TMPDIR. */
BrUnitRuns *br_unit_runs_new(const BrPack *pack, const char *spill_base);
/* Removes the spilled files and their folder. */
void br_unit_runs_free(BrUnitRuns *runs);
/* Takes the table as a run; it is sorted here, so that a worker calling this at the end of its
 * input sorts its own units. Thread-safe. */
void br_unit_runs_add_table(BrUnitRuns *runs, BrUnitTable *table);
/* Writes the table's units sorted to a file in the spill folder, takes the file as a run and
 * empties the table. Thread-safe: workers spill their own tables. */
gboolean br_unit_runs_spill(BrUnitRuns *runs, BrUnitTable *table, GError **error);
/* A run on disk: count units from offset in path, written by br_unit_write (the unit section
 * of a partial), which must end at byte end. kind names the file in errors. The file is read
 * when the runs are merged. */
void br_unit_runs_add_file(BrUnitRuns *runs, const char *path, const char *kind, guint64 offset,
                           guint64 count, guint64 end);
/* Moves src's runs into dst (the runs of a run's second input); src is left empty. */
void br_unit_runs_absorb(BrUnitRuns *dst, BrUnitRuns *src);
/* How many of the runs were spilled to disk. */
guint br_unit_runs_spilled(const BrUnitRuns *runs);

/* The merge. br_unit_runs_rewind starts it over (a second pass reads the runs again);
 * scores_only completes only the score, uncertainty and line count of each unit, for a pass
 * that needs no more. br_unit_runs_next gives the next complete unit, valid until the next
 * call, or NULL at the end (error unset) or when a run is damaged or out of order (error
 * set). */
gboolean br_unit_runs_rewind(BrUnitRuns *runs, gboolean scores_only, GError **error);
const BrUnit *br_unit_runs_next(BrUnitRuns *runs, GError **error);
