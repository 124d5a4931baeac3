/* What a pack change would do, before it is switched on: two packs backtested on the same
 * labelled history, and what either would ask of each port's inspection capacity. */
#pragma once

#include <glib.h>

#include "br_backtest.h"

/* Per period and k: precision@k and recall@k of A and B and the changes, and how many units enter
 * (inspected under B, not A) and leave the inspected set; then, at the largest k over all periods,
 * the top `show` entering and leaving units with their scores and the three rules that added most.
 * a and b must come from the same periods and ks. */
void br_backtest_compare_text(GString *out, const BrBacktest *a, const BrPack *pack_a,
                              const BrBacktest *b, const BrPack *pack_b, guint show);
/* Both backtests as br_backtest_json writes them, and per period and k the full lists of the
 * units that enter and leave the inspected set, with every rule that fired on each. */
void br_backtest_compare_json(GString *out, const BrBacktest *a, const BrPack *pack_a,
                              const BrBacktest *b, const BrPack *pack_b);
/* Per port: days with units, the pack's capacity, and at each k the inspected units per day
 * on average over the days the port had units; '!' marks a load above capacity. */
void br_backtest_load_text(GString *out, const BrBacktest *bt, const BrPack *pack);
