#include "br_pipeline.h"

#include <string.h>

#define DEFAULT_BATCH 2048

typedef struct {
  const BrPack *pack;
  const BrSchema *schema;
  GAsyncQueue *work; /* BrBatch* to score; the queue itself is the end marker */
  GAsyncQueue *free; /* BrBatch* ready to be refilled */
  int port_idx, unit_idx, fallback_idx, id_idx;
} Shared;

typedef struct {
  Shared *shared;
  BrEvaluator *ev;
  BrUnitTable *units;
  BrEntityTable *entities;
  guint64 lines;
  GString *scratch;
  GThread *thread;
} Worker;

/* The inspection unit of a line: the unit field, else the fallback, else the record id,
 * else the line number, so that no line is ever left out of a list. */
static const char *
unit_of(const Shared *sh, const BrValue *rec, guint64 line_no, GString *scratch)
{
  if (sh->unit_idx >= 0 && !rec[sh->unit_idx].missing)
    return rec[sh->unit_idx].str;
  if (sh->fallback_idx >= 0 && !rec[sh->fallback_idx].missing)
    return rec[sh->fallback_idx].str;
  if (sh->id_idx >= 0 && !rec[sh->id_idx].missing)
    return rec[sh->id_idx].str;
  g_string_printf(scratch, "line:%" G_GUINT64_FORMAT, line_no);
  return scratch->str;
}

static gpointer
worker_main(gpointer data)
{
  Worker *w = data;
  Shared *sh = w->shared;
  for (;;) {
    gpointer item = g_async_queue_pop(sh->work);
    if (item == (gpointer)sh->work)
      break;
    BrBatch *batch = item;
    for (guint i = 0; i < batch->count; i++) {
      const BrValue *rec = br_batch_record(batch, i);
      guint64 line_no = batch->line_no[i];
      const BrLineResult *res = br_evaluator_eval(w->ev, rec, line_no);
      const char *port = sh->port_idx >= 0 && !rec[sh->port_idx].missing
                           ? rec[sh->port_idx].str
                           : "UNASSIGNED";
      const char *unit = unit_of(sh, rec, line_no, w->scratch);
      const char *record = sh->id_idx >= 0 && !rec[sh->id_idx].missing ? rec[sh->id_idx].str : unit;
      br_unit_table_add(w->units, port, unit, record, line_no, res);
      if (w->entities)
        br_entity_table_add(w->entities, port, unit, rec);
    }
    w->lines += batch->count;
    g_async_queue_push(sh->free, batch);
  }
  return NULL;
}

static int
field_or_none(const BrSchema *schema, const char *name)
{
  return name && *name ? br_schema_find(schema, name) : -1;
}

gboolean
br_pipeline_run(BrFeed *feed, const BrPack *pack, const BrPipelineOptions *options,
                BrPipelineResult *result, GError **error)
{
  const BrPackSettings *settings = br_pack_settings(pack);
  guint nthreads = options->threads ? options->threads : g_get_num_processors();
  guint batch_size = options->batch_size ? options->batch_size : DEFAULT_BATCH;
  guint nrules = br_pack_rule_count(pack);
  gboolean ok = FALSE;

  Shared sh = {
    .pack = pack,
    .schema = br_feed_schema(feed),
    .work = g_async_queue_new(),
    .free = g_async_queue_new(),
  };
  sh.port_idx = field_or_none(sh.schema, settings->port_field);
  sh.unit_idx = field_or_none(sh.schema, settings->unit_field);
  sh.fallback_idx = field_or_none(sh.schema, settings->unit_fallback);
  sh.id_idx = field_or_none(sh.schema, "record_id");

  memset(result, 0, sizeof *result);
  if (options->entity_keys)
    br_entity_keys_bind(options->entity_keys, sh.schema);
  result->nrules = nrules;
  result->threads_used = nthreads;

  /* Evaluators compile the pack against this input's schema; build them all before any
   * thread starts so a bad pack fails the run cleanly. */
  Worker *workers = g_new0(Worker, nthreads);
  guint built = 0;
  for (; built < nthreads; built++) {
    workers[built].shared = &sh;
    workers[built].ev = br_evaluator_new(pack, sh.schema, error);
    if (!workers[built].ev)
      goto out;
    workers[built].units = br_unit_table_new(pack);
    if (options->entity_keys)
      workers[built].entities = br_entity_table_new(options->entity_keys);
    workers[built].scratch = g_string_new(NULL);
  }

  guint nbatches = nthreads * 2 + 2;
  for (guint i = 0; i < nbatches; i++)
    g_async_queue_push(sh.free, br_batch_new(sh.schema, batch_size));
  for (guint i = 0; i < nthreads; i++)
    workers[i].thread = g_thread_new("br-worker", worker_main, &workers[i]);

  gboolean read_ok = TRUE;
  for (guint64 seq = 0;; seq++) {
    BrBatch *batch = g_async_queue_pop(sh.free);
    batch->seq = seq;
    gint n = br_feed_next_batch(feed, batch, error);
    if (n <= 0) {
      read_ok = n == 0;
      g_async_queue_push(sh.free, batch);
      break;
    }
    g_async_queue_push(sh.work, batch);
    if (options->progress)
      options->progress(br_feed_rows_read(feed), br_feed_bytes_read(feed),
                        options->progress_data);
  }
  for (guint i = 0; i < nthreads; i++)
    g_async_queue_push(sh.work, sh.work);
  for (guint i = 0; i < nthreads; i++)
    g_thread_join(workers[i].thread);
  for (guint i = 0; i < nbatches; i++)
    br_batch_free(g_async_queue_pop(sh.free));
  if (!read_ok)
    goto out;

  result->units = workers[0].units;
  workers[0].units = NULL;
  result->entities = workers[0].entities;
  workers[0].entities = NULL;
  result->fire_counts = g_new0(guint64, nrules);
  result->failure_counts = g_new0(guint64, nrules);
  result->failure_messages = g_new0(char *, nrules + 1);
  for (guint i = 0; i < nthreads; i++) {
    Worker *w = &workers[i];
    if (w->units)
      br_unit_table_merge(result->units, w->units);
    if (w->entities)
      br_entity_table_merge(result->entities, w->entities);
    result->lines_scored += w->lines;
    const guint64 *fires = br_evaluator_fire_counts(w->ev);
    const guint64 *fails = br_evaluator_failure_counts(w->ev);
    for (guint r = 0; r < nrules; r++) {
      result->fire_counts[r] += fires[r];
      result->failure_counts[r] += fails[r];
      /* Keep the first message by worker order: which worker met the failure first in
       * wall-clock time is not reproducible, and the messages differ only in the line. */
      const char *msg = br_evaluator_failure_message(w->ev, r);
      if (msg && !result->failure_messages[r])
        result->failure_messages[r] = g_strdup(msg);
    }
  }
  ok = TRUE;

out:
  for (guint i = 0; i < built; i++) {
    br_evaluator_free(workers[i].ev);
    br_unit_table_free(workers[i].units);
    br_entity_table_free(workers[i].entities);
    if (workers[i].scratch)
      g_string_free(workers[i].scratch, TRUE);
  }
  g_free(workers);
  g_async_queue_unref(sh.work);
  g_async_queue_unref(sh.free);
  if (!ok)
    br_pipeline_result_clear(result);
  return ok;
}

void
br_pipeline_result_clear(BrPipelineResult *result)
{
  br_unit_table_free(result->units);
  br_entity_table_free(result->entities);
  g_free(result->fire_counts);
  g_free(result->failure_counts);
  /* Sparse: most rules never fail, so g_strfreev would stop at the first gap. */
  for (guint i = 0; result->failure_messages && i < result->nrules; i++)
    g_free(result->failure_messages[i]);
  g_free(result->failure_messages);
  memset(result, 0, sizeof *result);
}
