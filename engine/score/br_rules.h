/* Rule packs: loading, checking, compiling and evaluating Lua risk rules.
 *
 * A pack is a folder with pack.ini (settings) and *.lua rule files; the rule API that rule
 * authors see is documented in docs/rules.md. Loading a pack reads every rule's metadata
 * once (a throw-away sandboxed state); each worker thread then builds its own BrEvaluator,
 * which holds its own Lua state with the pack compiled against the input's schema:
 * declarative conditions become C condition trees, function conditions stay Lua functions. */
#pragma once

#include <glib.h>

#include "br_batch.h"
#include "br_schema.h"

#define BR_RULES_ERROR (br_rules_error_quark())
GQuark br_rules_error_quark(void);

typedef enum {
  BR_RULES_ERROR_IO,
  BR_RULES_ERROR_SETTINGS, /* pack.ini unreadable or invalid */
  BR_RULES_ERROR_SYNTAX,   /* a rule file does not load */
  BR_RULES_ERROR_INVALID,  /* a rule is malformed: no id, duplicate id, bad condition ... */
  BR_RULES_ERROR_FIELD,    /* a rule names a field the schema does not have */
} BrRulesErrorCode;

typedef struct {
  char *id;
  char *title;
  double weight;
  char **tags; /* NULL-terminated */
  char *author;
  char *valid_from;     /* YYYY-MM-DD or NULL */
  char *valid_until;    /* YYYY-MM-DD or NULL */
  char *file;           /* path of the rule file */
  int line;             /* line of the rule's definition */
  gboolean declarative; /* condition compiled to C */
  char *points_key;     /* points = history_logodds(key) or value_norm(key, ...): the rule's entity
                           key, or NULL */
  guint points_min; /* inspections (declarations, for a norm) the value needs before it counts */
  int points_norm;  /* value_norm: -1 scores value per kg below the norm, +1 above; 0: logodds */
  char **reads; /* fields the rule reads: its condition's, its reason's, a function's line.NAME;
                   "a|b|c" for a party list, which any of them satisfies */
  char **screens; /* the watchlists its on_watchlist(...) conditions screen parties against
                   * (NULL-terminated; a function rule's br.watchlist calls are not seen) */
  double *screen_min; /* the minimum score of each: the call's, else the engine's default */
} BrRuleInfo;

typedef struct {
  char *name;
  char *version;
  char *unit_field;    /* inspection unit: "container" by default */
  char *unit_fallback; /* used when the unit field is missing: "bol" by default */
  char *port_field;    /* "port" by default */
  char *date_field;    /* "arrival_date" by default: rule validity is checked against it */
  double lane_red;     /* score >= red: red lane */
  double lane_yellow;  /* score >= yellow: yellow lane; below: green */
  guint capacity_default;
  GHashTable *capacity;      /* port -> GUINT_TO_POINTER(capacity) */
  double random_share;       /* share of each port's capacity drawn at random, 0..1 */
  double explore_share;      /* [explore] share: share of capacity for the units the pack knows
                              * least about, 0..1 (0 by default); with random_share at most 1 */
  gsize memory_limit;        /* [limits] memory_mb: bytes each evaluator's Lua state may hold */
  guint64 instruction_limit; /* [limits] instructions: VM instructions per function rule call */
  guint cpu_limit_ms;        /* [limits] cpu_ms: CPU time per function rule call */
  guint max_failures;        /* [limits] max_failures: failures that switch a rule off */
  char *history_keys;        /* [history] keys: entity keys with track records; NULL: default */
  char *weights_file;        /* weights.ini of the pack when it has one (set by boxrank tune) */
  char **watchlists;         /* [watchlists] lists: names of the stored lists its rules screen */
  char **required_fields;    /* [fields] required: fields an input must give; NULL: none */
} BrPackSettings;

/* Failures after which a function rule is switched off for the rest of a run. */
#define BR_PACK_DEFAULT_MAX_FAILURES 50

typedef struct BrPack BrPack;

BrPack *br_pack_load(const char *dir, GError **error);
/* The settings in effect, defaults filled in, as a pack.ini (boxrank pack dump). */
void br_pack_settings_dump(const BrPack *pack, GString *out);
void br_pack_free(BrPack *pack);
const char *br_pack_dir(const BrPack *pack);
const BrPackSettings *br_pack_settings(const BrPack *pack);
guint br_pack_rule_count(const BrPack *pack);
const BrRuleInfo *br_pack_rule(const BrPack *pack, guint index);
/* SHA-256 over pack.ini and every rule file, in name order: identifies the pack version. */
const char *br_pack_hash(const BrPack *pack);
guint br_pack_capacity(const BrPack *pack, const char *port);
/* Sets a rule's weight in the loaded pack (boxrank tune scores a held-out period with fitted
 * weights before writing them); evaluators created afterwards use it. */
void br_pack_set_weight(BrPack *pack, guint index, double weight);

/* `boxrank rules check`: every problem as a "file:line: message" diagnostic. schema may be
 * NULL, then field names are checked against the canonical fields plus extra_fields. */
typedef struct {
  char *file;
  int line;
  char *rule_id; /* may be NULL */
  char *message;
  BrRulesErrorCode code; /* the kind of problem */
} BrDiagnostic;
/* today: YYYY-MM-DD for the expiry check, NULL for the current date. Free with
 * g_ptr_array_free(diags, TRUE). */
GPtrArray *br_pack_check(const char *dir, const char *const *extra_fields, const char *today);

/* What one line scored. Arrays are owned by the evaluator and reused for every line. The
 * score is the sum over fired rules of weight x points: points are 1 for a rule that fires,
 * and the evidence of its track record for a points = history_logodds(...) rule. */
typedef struct {
  double score;
  guint nfired;
  guint *fired;         /* rule indices, ascending */
  double *points;       /* points[k] of fired[k] */
  const char **reasons; /* reasons[k] explains fired[k]; valid until the next eval */
  double uncertainty;   /* how little the history knows of the line's values (br_units.h,
                         * exploration); 0 when the pack does not explore */
} BrLineResult;

/* A rule that failed at run time: counted, and reported once with its first message. */
typedef struct {
  guint rule;
  guint64 count;
  char *message; /* first failure: "file:line: message" */
} BrRuleFailure;

typedef struct BrEvaluator BrEvaluator;

BrEvaluator *br_evaluator_new(const BrPack *pack, const BrSchema *schema, GError **error);
void br_evaluator_free(BrEvaluator *ev);
/* Scores one record. A rule that errors, exceeds its instruction budget or the state's
 * memory cap counts as not fired and is recorded as a failure; evaluation goes on. */
const BrLineResult *br_evaluator_eval(BrEvaluator *ev, const BrValue *record, guint64 line_no);
/* Track records for history(...) conditions and br.history(): a snapshot whose keys are bound
 * to the evaluator's schema, shared read-only; NULL (the default) makes them never fire. */
typedef struct BrHistory BrHistory;
void br_evaluator_set_history(BrEvaluator *ev, const BrHistory *history);
/* How the history is cut for each line (br_history.h): BR_HISTORY_CUT_NONE (the default) reads
 * the whole snapshot, as a run does; backtests replaying labelled history cut per period. */
void br_evaluator_set_history_cut(BrEvaluator *ev, int cut);
/* The watchlists on_watchlist(...)/listed(...) conditions and br.watchlist/br.listed read,
 * shared read-only (each evaluator has its own name scratch); NULL makes them never fire.
 * Fails when a rule names a list the set does not hold. */
typedef struct BrWatchSet BrWatchSet;
gboolean br_evaluator_set_watch(BrEvaluator *ev, const BrWatchSet *watch, GError **error);
/* The reference tables unknown_locode/unknown_hs/unknown_size_type read; fails when a rule
 * needs them and reference is NULL. */
typedef struct BrReference BrReference;
gboolean br_evaluator_set_reference(BrEvaluator *ev, const BrReference *reference, GError **error);
/* The breaker: a function rule that has failed the pack's max_failures times is not run again.
 * Evaluators of one run share their counts (one atomic int per rule, zeroed, owned by the
 * caller) so the run switches a rule off after max_failures failures in all; without this an
 * evaluator counts alone. */
void br_evaluator_share_failures(BrEvaluator *ev, gint *counts);
/* TRUE when the rule has been switched off by the breaker. */
gboolean br_evaluator_rule_disabled(const BrEvaluator *ev, guint rule);
/* Per-rule fire counts and failures so far (arrays indexed by rule). */
const guint64 *br_evaluator_fire_counts(const BrEvaluator *ev);
const guint64 *br_evaluator_failure_counts(const BrEvaluator *ev);
/* First failure message of a rule, NULL if it never failed. */
const char *br_evaluator_failure_message(const BrEvaluator *ev, guint rule);
/* TRUE when function rule `rule` runs as C (br_fn_cond.h); with lua_only set every function
 * rule runs in Lua all the same, the way the compiled forms are checked against Lua. */
gboolean br_evaluator_function_compiled(const BrEvaluator *ev, guint rule);
void br_evaluator_set_lua_only(BrEvaluator *ev, gboolean lua_only);
