/* The parts of a loaded pack that evaluators need. Internal to the engine. */
#pragma once

#include "br_rules.h"

struct BrPack {
  char *dir;
  BrPackSettings settings;
  GPtrArray *paths;    /* char*: rule files, name order */
  GPtrArray *contents; /* GBytes*: their text, as loaded (files are read once) */
  GPtrArray *rules;    /* BrRuleInfo* */
  char *hash;
};

/* Rule weights fitted by boxrank tune, read with the pack when present. */
#define BR_PACK_WEIGHTS_FILE "weights.ini"

/* "YYYY-MM-DD" to days since 1970-01-01; FALSE when not a valid date. */
gboolean br_rules_parse_date(const char *text, gint32 *days);
gint32 br_rules_today(void);
