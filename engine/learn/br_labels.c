#include "br_labels.h"

#include <string.h>

gboolean
br_labels_score_file(const BrLabelsRun *run, const char *path, const BrHistory *history, int cut,
                     BrPipelineResult *result, guint64 *rejected, GError **error)
{
  BrFeedOptions fopts = {0};
  BrFeed *feed = br_feed_open(path, run->profile, &fopts, error);
  if (!feed)
    return FALSE;
  BrPipelineOptions popts = {
      .threads = run->threads,
      .label_field = run->label_field,
      .entity_keys = run->keys,
      .history = history,
      .history_cut = cut,
      .reference = run->reference,
  };
  gboolean ok = br_pipeline_run(feed, run->pack, &popts, result, error);
  if (rejected)
    *rejected += br_feed_rows_rejected(feed);
  br_feed_close(feed);
  return ok;
}

static char *
unit_key(const char *port, const char *unit)
{
  return g_strconcat(port, "\x1f", unit, NULL);
}

typedef struct {
  GArray *outcomes;
  GStringChunk *strings;
  GHashTable *by_key; /* "port\x1funit" -> BrUnit* with a label */
} AddCtx;

static gboolean
add_unit_values(const char *port, const char *unit, const BrEntityPair *pairs, guint npairs,
                gpointer data)
{
  AddCtx *ctx = data;
  char *key = unit_key(port, unit);
  const BrUnit *u = g_hash_table_lookup(ctx->by_key, key);
  g_free(key);
  for (guint i = 0; u && i < npairs; i++) {
    BrHistoryOutcome o = {(int)pairs[i].key,
                          g_string_chunk_insert_const(ctx->strings, pairs[i].value), u->day,
                          u->label > 0};
    g_array_append_val(ctx->outcomes, o);
  }
  return TRUE;
}

/* Outcomes of the labelled units of result (run with entity keys) that keep accepts (NULL:
 * all), appended to outcomes with their values interned in strings. Returns how many. */
static guint
labelled_outcomes(const BrPipelineResult *result, GArray *outcomes, GStringChunk *strings,
                  gboolean (*keep)(const BrUnit *, gpointer), gpointer data)
{
  GPtrArray *all = br_unit_table_all(result->units);
  AddCtx ctx = {outcomes, strings, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
  guint n = 0;
  for (guint i = 0; i < all->len; i++) {
    const BrUnit *u = all->pdata[i];
    if (u->label < 0 || (keep && !keep(u, data)))
      continue;
    BrHistoryOutcome o = {-1, NULL, u->day, u->label > 0};
    g_array_append_val(outcomes, o);
    g_hash_table_insert(ctx.by_key, unit_key(u->port, u->unit), (gpointer)u);
    n++;
  }
  if (result->entities)
    br_entity_table_foreach(result->entities, add_unit_values, &ctx);
  g_hash_table_destroy(ctx.by_key);
  g_ptr_array_free(all, TRUE);
  return n;
}

/* Adds the outcomes of one labelled file. */
static gboolean
add_file(const BrLabelsRun *run, const char *path, GArray *outcomes, GStringChunk *strings,
         guint *n, guint64 *rejected, GError **error)
{
  BrPipelineResult result = {0};
  gboolean ok =
      br_labels_score_file(run, path, NULL, BR_HISTORY_CUT_NONE, &result, rejected, error);
  if (ok)
    *n += labelled_outcomes(&result, outcomes, strings, NULL, NULL);
  br_pipeline_result_clear(&result);
  return ok;
}

/* Whether a rule of the pack compares with value norms, which cost a second read of the
 * history files. */
static gboolean
pack_uses_norms(const BrPack *pack)
{
  for (guint i = 0; i < br_pack_rule_count(pack); i++)
    if (br_pack_rule(pack, i)->points_norm)
      return TRUE;
  return FALSE;
}

/* Appends every declaration of the file with a date, a value and a net mass above 0 to obs,
 * once per history key it has a value for: all lines, labelled or not, since a declared value
 * is not an outcome. Rows the feed rejects were counted when the file was scored. */
static gboolean
add_declarations(const BrLabelsRun *run, const char *path, GArray *obs, GStringChunk *strings,
                 GError **error)
{
  BrFeedOptions fopts = {0};
  BrFeed *feed = br_feed_open(path, run->profile, &fopts, error);
  if (!feed)
    return FALSE;
  const BrSchema *schema = br_feed_schema(feed);
  br_entity_keys_bind(run->keys, schema);
  int vf = br_schema_find(schema, "value"), kf = br_schema_find(schema, "declared_kg");
  int df = br_schema_find(schema, br_pack_settings(run->pack)->date_field);
  gboolean ok = TRUE;
  if (vf >= 0 && kf >= 0 && df >= 0 && br_schema_field(schema, (guint)df)->type == BR_TYPE_DATE) {
    BrBatch *batch = br_batch_new(schema, 4096);
    gint n;
    while ((n = br_feed_next_batch(feed, batch, error)) > 0)
      for (gint i = 0; i < n; i++) {
        const BrValue *rec = br_batch_record(batch, (guint)i);
        BrNormObs o = {0, NULL, (gint32)rec[df].num, 0};
        if (rec[df].missing || rec[vf].missing || rec[kf].missing ||
            !br_norms_log_value_per_kg(rec[vf].num, rec[kf].num, &o.x))
          continue;
        for (o.key = 0; o.key < br_entity_keys_count(run->keys); o.key++) {
          char value[BR_ENTITY_VALUE_MAX];
          if (!br_entity_keys_value(run->keys, o.key, rec, value))
            continue;
          o.value = g_string_chunk_insert_const(strings, value);
          g_array_append_val(obs, o);
        }
      }
    ok = n == 0;
    br_batch_free(batch);
  }
  br_feed_close(feed);
  return ok;
}

/* Gives history the value norms of the declarations of files and also, when the pack uses
 * them. */
static gboolean
add_norms(const BrLabelsRun *run, BrHistory *history, const char *const *files, const char *also,
          GError **error)
{
  if (!pack_uses_norms(run->pack))
    return TRUE;
  GArray *obs = g_array_new(FALSE, FALSE, sizeof(BrNormObs));
  GStringChunk *strings = g_string_chunk_new(64 * 1024);
  gboolean ok = TRUE;
  for (const char *const *f = files; ok && f && *f; f++)
    ok = add_declarations(run, *f, obs, strings, error);
  if (ok && also)
    ok = add_declarations(run, also, obs, strings, error);
  if (ok)
    br_history_set_norms(history, br_norms_new(br_entity_keys_count(run->keys),
                                               (const BrNormObs *)(void *)obs->data, obs->len));
  g_array_unref(obs);
  g_string_chunk_free(strings);
  return ok;
}

BrHistory *
br_labels_history(const BrLabelsRun *run, const char *const *files, const char *also, guint *units,
                  guint64 *rejected, GError **error)
{
  GArray *outcomes = g_array_new(FALSE, FALSE, sizeof(BrHistoryOutcome));
  GStringChunk *strings = g_string_chunk_new(64 * 1024);
  BrHistory *history = NULL;
  guint n = 0;
  for (const char *const *f = files; f && *f; f++)
    if (!add_file(run, *f, outcomes, strings, &n, rejected, error))
      goto out;
  if (also && !add_file(run, also, outcomes, strings, &n, rejected, error))
    goto out;
  history = br_history_new_from_outcomes(
      run->keys, 0, (const BrHistoryOutcome *)(void *)outcomes->data, outcomes->len);
  if (!add_norms(run, history, files, also, error)) {
    g_clear_pointer(&history, br_history_free);
    goto out;
  }
  if (units)
    *units = n;
out:
  g_array_unref(outcomes);
  g_string_chunk_free(strings);
  return history;
}

struct BrLabelsOutcomes {
  const BrLabelsRun *run;
  const char *const *files;
  GArray *outcomes; /* BrHistoryOutcome */
  GStringChunk *strings;
};

BrLabelsOutcomes *
br_labels_outcomes_new(const BrLabelsRun *run, const char *const *files, guint64 *rejected,
                       GError **error)
{
  BrLabelsOutcomes *acc = g_new0(BrLabelsOutcomes, 1);
  acc->run = run;
  acc->files = files;
  acc->outcomes = g_array_new(FALSE, FALSE, sizeof(BrHistoryOutcome));
  acc->strings = g_string_chunk_new(64 * 1024);
  guint n = 0;
  for (const char *const *f = files; f && *f; f++)
    if (!add_file(run, *f, acc->outcomes, acc->strings, &n, rejected, error)) {
      br_labels_outcomes_free(acc);
      return NULL;
    }
  return acc;
}

guint
br_labels_outcomes_add(BrLabelsOutcomes *acc, const BrPipelineResult *result,
                       gboolean (*keep)(const BrUnit *, gpointer), gpointer data)
{
  return labelled_outcomes(result, acc->outcomes, acc->strings, keep, data);
}

BrHistory *
br_labels_outcomes_history(const BrLabelsOutcomes *acc, GError **error)
{
  BrHistory *history = br_history_new_from_outcomes(
      acc->run->keys, 0, (const BrHistoryOutcome *)(void *)acc->outcomes->data, acc->outcomes->len);
  if (!add_norms(acc->run, history, acc->files, NULL, error))
    g_clear_pointer(&history, br_history_free);
  return history;
}

void
br_labels_outcomes_free(BrLabelsOutcomes *acc)
{
  if (!acc)
    return;
  g_array_unref(acc->outcomes);
  g_string_chunk_free(acc->strings);
  g_free(acc);
}
