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

/* pack.ini's groups and keys (br_pack_config.c). problem gets the line (0 when unknown) and a
 * message for each unknown group or key, with a suggestion when one is close. text is the
 * file's content, for line numbers. */
typedef void (*BrPackProblemFunc)(int line, const char *message, gpointer data);
void br_pack_config_check(GKeyFile *kf, const char *text, BrPackProblemFunc problem, gpointer data);
/* The candidate closest to word by edit distance, or NULL when none is close enough to be a
 * slip. */
const char *br_pack_suggest(const char *word, const char *const *candidates, gsize n);
/* The 1-based line of [group] (key NULL) or of key in it, 0 when not found. */
int br_pack_ini_line(const char *text, const char *group, const char *key);
/* A UN/LOCODE: two letters of the country, then three letters or digits 2-9. */
gboolean br_pack_port_code_valid(const char *code);

/* "YYYY-MM-DD" to days since 1970-01-01; FALSE when not a valid date. */
gboolean br_rules_parse_date(const char *text, gint32 *days);
gint32 br_rules_today(void);
