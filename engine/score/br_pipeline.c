#include "br_pipeline.h"

#include <string.h>

#include "br_unit_packs.h"

#define DEFAULT_BATCH 2048
/* A batch holds records x fields values: a file with a very wide header gets fewer records
 * per batch, so that memory stays bounded by the input, not by its width squared. */
#define BATCH_VALUES (DEFAULT_BATCH * 64)

typedef struct {
  const BrPack *pack;
  const BrSchema *schema;
  GAsyncQueue *work; /* BrChunk* to parse and score; the queue itself is the end marker */
  GAsyncQueue *done; /* BrChunk* parsed and scored, for the reader to finish and reuse */
  int port_idx, unit_idx, fallback_idx, id_idx, label_idx, date_idx;
  gboolean parse_only;
  const BrEntityKeys *entity_keys;
  int bol_idx, container_idx, amendment_idx, source_idx;
  gboolean track;
  gboolean tag;
  guint64 input;
  const BrAmendments *amend;
  BrUnitRuns *runs;  /* where units go, sorted (BrPipelineOptions.runs); NULL: result->units */
  gsize unit_budget; /* per worker */
} Shared;

typedef struct {
  Shared *shared;
  BrChunkParser *parser;
  BrBatch *batch;
  BrEvaluator *ev;
  BrUnitTable *units;
  BrEntityDict *dict; /* entity values of the lines, numbered; NULL without entity keys */
  guint32 *line_ids;  /* one line's value ids */
  guint64 lines;
  guint64 numbered; /* lines whose unit is their line number */
  GString *scratch;
  GArray *versions; /* BrLineVersion, when tracked */
  GArray *line_units; /* BrLineUnit, when tagged */
  GError *error;     /* a spill that failed: the worker scores nothing more */
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

static const char *
text_or_null(const BrValue *rec, int idx)
{
  return idx >= 0 && !rec[idx].missing ? rec[idx].str : NULL;
}

static void
track_version(Worker *w, const BrValue *rec, guint64 order)
{
  const Shared *sh = w->shared;
  BrLineVersion v;
  if (br_amend_version(&v, text_or_null(rec, sh->bol_idx), text_or_null(rec, sh->container_idx),
                       text_or_null(rec, sh->id_idx), text_or_null(rec, sh->amendment_idx),
                       text_or_null(rec, sh->source_idx), order))
    g_array_append_val(w->versions, v);
}

static void
score_batch(Worker *w, const BrBatch *batch)
{
  Shared *sh = w->shared;
  for (guint i = 0; i < batch->count; i++) {
    const BrValue *rec = br_batch_record(batch, i);
    guint64 line_no = batch->line_no[i];
    guint64 order = BR_AMEND_ORDER(sh->input, line_no);
    if (sh->track)
      track_version(w, rec, order);
    if (sh->amend && br_amendments_skip(sh->amend, order))
      continue;
    w->lines++;
    const BrLineResult *res = br_evaluator_eval(w->ev, rec, line_no);
    const char *port =
        sh->port_idx >= 0 && !rec[sh->port_idx].missing ? rec[sh->port_idx].str : "UNASSIGNED";
    const char *unit = unit_of(sh, rec, line_no, w->scratch);
    w->numbered += unit == w->scratch->str;
    const char *record = sh->id_idx >= 0 && !rec[sh->id_idx].missing ? rec[sh->id_idx].str : unit;
    BrUnit *u = br_unit_table_add(w->units, port, unit, record, line_no, res);
    if (sh->tag) {
      BrLineUnit lu = {order, br_unit_key_hash(port, unit)};
      g_array_append_val(w->line_units, lu);
    }
    if (sh->label_idx >= 0 && !rec[sh->label_idx].missing)
      u->label = MAX(u->label, rec[sh->label_idx].num);
    if (sh->date_idx >= 0 && !rec[sh->date_idx].missing)
      u->day = MIN(u->day, (gint32)rec[sh->date_idx].num);
    if (w->dict) {
      if (u->nlines == 1)
        u->bucket = br_unit_pack_bucket(port, unit);
      br_unit_add_entities(u, w->line_ids,
                           br_entity_dict_line(w->dict, sh->entity_keys, rec, w->line_ids));
    }
    if (sh->amend && br_amendments_amended(sh->amend, order))
      u->amended = TRUE;
  }
}

/* Workers parse as well as score: parsing is the larger part of the work, and a reader that
 * parsed alone would cap the run at one core. */
static gpointer
worker_main(gpointer data)
{
  Worker *w = data;
  Shared *sh = w->shared;
  for (;;) {
    gpointer item = g_async_queue_pop(sh->work);
    if (item == (gpointer)sh->work)
      break;
    BrChunk *chunk = item;
    gboolean used_up = w->error != NULL;
    while (!used_up) {
      used_up = br_chunk_parser_fill(w->parser, chunk, w->batch);
      if (sh->parse_only)
        w->lines += w->batch->count;
      else
        score_batch(w, w->batch);
    }
    if (sh->unit_budget && !w->error && br_unit_table_bytes(w->units) > sh->unit_budget)
      br_unit_runs_spill(sh->runs, w->units, &w->error);
    g_async_queue_push(sh->done, chunk);
  }
  if (w->versions)
    br_amend_sort(w->versions);
  /* Sorted here, so that the workers sort their own units at once. */
  if (sh->runs && !w->error)
    br_unit_runs_add_table(sh->runs, g_steal_pointer(&w->units));
  return NULL;
}

static int
field_or_none(const BrSchema *schema, const char *name)
{
  return name && *name ? br_schema_find(schema, name) : -1;
}

/* The entity table of a run's units, whose ids are dict's (which the table takes over). */
static BrEntityTable *
entities_of_units(const BrEntityKeys *keys, BrEntityDict *dict, BrUnitTable *units)
{
  BrEntityTable *table = br_entity_table_new_from_dict(keys, dict);
  GPtrArray *all = br_unit_table_all(units);
  for (guint i = 0; i < all->len; i++) {
    const BrUnit *u = g_ptr_array_index(all, i);
    br_entity_table_add_ids(table, u->port, u->unit, u->bucket, u->entities, u->nentities);
  }
  g_ptr_array_free(all, TRUE);
  return table;
}

gboolean
br_pipeline_run(BrFeed *feed, const BrPack *pack, const BrPipelineOptions *options,
                BrPipelineResult *result, GError **error)
{
  const BrPackSettings *settings = br_pack_settings(pack);
  guint nthreads = options->threads ? options->threads : g_get_num_processors();
  guint batch_size = options->batch_size ? options->batch_size : DEFAULT_BATCH;
  batch_size = MIN(batch_size, MAX(1, BATCH_VALUES / MAX(br_schema_size(br_feed_schema(feed)), 1)));
  guint nrules = br_pack_rule_count(pack);
  gboolean ok = FALSE;

  Shared sh = {
      .pack = pack,
      .schema = br_feed_schema(feed),
      .work = g_async_queue_new(),
      .done = g_async_queue_new(),
      .parse_only = options->parse_only,
  };
  sh.port_idx = field_or_none(sh.schema, settings->port_field);
  sh.unit_idx = field_or_none(sh.schema, settings->unit_field);
  sh.fallback_idx = field_or_none(sh.schema, settings->unit_fallback);
  sh.id_idx = field_or_none(sh.schema, "record_id");
  sh.date_idx = field_or_none(sh.schema, settings->date_field);
  if (sh.date_idx >= 0 && br_schema_field(sh.schema, (guint)sh.date_idx)->type != BR_TYPE_DATE)
    sh.date_idx = -1;
  sh.label_idx = field_or_none(sh.schema, options->label_field);
  sh.bol_idx = field_or_none(sh.schema, "bol");
  sh.container_idx = field_or_none(sh.schema, "container");
  sh.amendment_idx = field_or_none(sh.schema, "amendment");
  sh.source_idx = field_or_none(sh.schema, "source");
  sh.track = options->track_versions && !options->parse_only;
  sh.tag = options->tag_lines && !options->parse_only;
  sh.input = options->input_index;
  sh.amend = options->amendments;
  sh.runs = options->runs;
  if (options->label_field && sh.label_idx < 0) {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER, "the input has no label column \"%s\"",
                options->label_field);
    g_async_queue_unref(sh.work);
    g_async_queue_unref(sh.done);
    return FALSE;
  }
  if (sh.label_idx >= 0) {
    BrType t = br_schema_field(sh.schema, (guint)sh.label_idx)->type;
    if (t != BR_TYPE_INT && t != BR_TYPE_DECIMAL) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "label column \"%s\" must have a number type in the column profile",
                  options->label_field);
      g_async_queue_unref(sh.work);
      g_async_queue_unref(sh.done);
      return FALSE;
    }
  }

  memset(result, 0, sizeof *result);
  result->nrules = nrules;
  result->threads_used = nthreads;
  if (sh.runs)
    sh.unit_budget = options->unit_budget / nthreads;
  if (options->entity_keys)
    br_entity_keys_bind(options->entity_keys, sh.schema);
  sh.entity_keys = options->entity_keys;

  /* Evaluators compile the pack against this input's schema; build them all before any
   * thread starts so a bad pack fails the run cleanly. */
  Worker *workers = g_new0(Worker, nthreads);
  gint *breaker = g_new0(gint, MAX(nrules, 1));
  GPtrArray *spare = g_ptr_array_new_with_free_func((GDestroyNotify)br_chunk_free);
  guint built = 0;
  for (; built < nthreads; built++) {
    Worker *w = &workers[built];
    w->shared = &sh;
    w->ev = br_evaluator_new(pack, sh.schema, error);
    if (!w->ev)
      goto out;
    br_evaluator_share_failures(w->ev, breaker);
    br_evaluator_set_history(w->ev, options->history);
    br_evaluator_set_history_cut(w->ev, options->history_cut);
    if ((options->watch && !br_evaluator_set_watch(w->ev, options->watch, error)) ||
        !br_evaluator_set_reference(w->ev, options->reference, error)) {
      /* Not yet counted in built: the cleanup below would miss it. */
      g_clear_pointer(&w->ev, br_evaluator_free);
      goto out;
    }
    w->parser = br_chunk_parser_new(feed);
    w->batch = br_batch_new(sh.schema, batch_size);
    w->units = br_unit_table_new(pack);
    if (options->entity_keys) {
      w->dict = br_entity_dict_new();
      w->line_ids = g_new(guint32, br_entity_keys_count(options->entity_keys));
    }
    w->scratch = g_string_new(NULL);
    if (sh.track)
      w->versions = g_array_new(FALSE, FALSE, sizeof(BrLineVersion));
    if (sh.tag)
      w->line_units = g_array_new(FALSE, FALSE, sizeof(BrLineUnit));
  }

  /* Chunks in flight are bounded: memory stays flat whatever the input size. */
  guint nchunks = nthreads * 2 + 1, in_flight = 0;
  for (guint i = 0; i < nchunks; i++)
    g_ptr_array_add(spare, br_chunk_new());
  for (guint i = 0; i < nthreads; i++)
    workers[i].thread = g_thread_new("br-worker", worker_main, &workers[i]);

  gboolean read_ok = TRUE;
  GError *finish_error = NULL;
  for (;;) {
    BrChunk *chunk;
    while ((chunk = in_flight ? g_async_queue_try_pop(sh.done) : NULL) ||
           (spare->len == 0 && (chunk = g_async_queue_pop(sh.done)))) {
      in_flight--;
      if (!finish_error)
        br_feed_finish_chunk(feed, chunk, &finish_error);
      g_ptr_array_add(spare, chunk);
    }
    chunk = g_ptr_array_steal_index_fast(spare, spare->len - 1);
    gint n = finish_error ? -1 : br_feed_read_chunk(feed, chunk, error);
    if (n <= 0) {
      read_ok = n == 0;
      g_ptr_array_add(spare, chunk);
      break;
    }
    g_async_queue_push(sh.work, chunk);
    in_flight++;
    if (options->progress)
      options->progress(br_feed_rows_read(feed), br_feed_bytes_read(feed), options->progress_data);
  }
  for (guint i = 0; i < nthreads; i++)
    g_async_queue_push(sh.work, sh.work);
  for (guint i = 0; i < nthreads; i++)
    g_thread_join(workers[i].thread);
  for (; in_flight > 0; in_flight--) {
    BrChunk *chunk = g_async_queue_pop(sh.done);
    if (!finish_error)
      br_feed_finish_chunk(feed, chunk, &finish_error);
    g_ptr_array_add(spare, chunk);
  }
  if (finish_error) {
    g_propagate_error(error, finish_error);
    read_ok = FALSE;
  }
  for (guint i = 0; read_ok && i < nthreads; i++)
    if (workers[i].error) {
      g_propagate_error(error, g_steal_pointer(&workers[i].error));
      read_ok = FALSE;
    }
  if (!read_ok)
    goto out;

  result->units = workers[0].units;
  workers[0].units = NULL;
  /* One dictionary for all: each worker's ids are renumbered into the first worker's before
   * the unit tables merge. */
  BrEntityDict *dict = sh.runs ? NULL : workers[0].dict;
  if (!sh.runs)
    workers[0].dict = NULL;
  for (guint i = 1; dict && i < nthreads; i++) {
    guint32 *map = br_entity_dict_absorb(dict, workers[i].dict);
    br_unit_table_map_entities(workers[i].units, map);
    g_free(map);
  }
  result->fire_counts = g_new0(guint64, nrules);
  result->failure_counts = g_new0(guint64, nrules);
  result->failure_messages = g_new0(char *, nrules + 1);
  result->disabled = g_new0(gboolean, MAX(nrules, 1));
  for (guint r = 0; r < nrules; r++)
    result->disabled[r] = br_evaluator_rule_disabled(workers[0].ev, r);
  for (guint i = 0; i < nthreads; i++) {
    Worker *w = &workers[i];
    if (w->units)
      br_unit_table_merge(result->units, w->units);
    result->lines_scored += w->lines;
    result->lines_numbered += w->numbered;
    /* The first worker's versions are taken, not copied, and each other one's freed once
     * merged in, so that they are not all held twice at the end. */
    if (w->versions && !result->versions) {
      result->versions = g_steal_pointer(&w->versions);
    } else if (w->versions) {
      br_amend_merge(result->versions, w->versions);
      g_array_free(g_steal_pointer(&w->versions), TRUE);
    }
    if (w->line_units && !result->line_units)
      result->line_units = g_steal_pointer(&w->line_units);
    else if (w->line_units)
      g_array_append_vals(result->line_units, w->line_units->data, w->line_units->len);
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
  if (dict) {
    result->entities = entities_of_units(options->entity_keys, dict, result->units);
  }
  ok = TRUE;

out:
  for (guint i = 0; i < built; i++) {
    br_evaluator_free(workers[i].ev);
    br_unit_table_free(workers[i].units);
    br_entity_dict_free(workers[i].dict);
    g_free(workers[i].line_ids);
    br_chunk_parser_free(workers[i].parser);
    br_batch_free(workers[i].batch);
    if (workers[i].scratch)
      g_string_free(workers[i].scratch, TRUE);
    if (workers[i].versions)
      g_array_free(workers[i].versions, TRUE);
    if (workers[i].line_units)
      g_array_free(workers[i].line_units, TRUE);
    g_clear_error(&workers[i].error);
  }
  g_free(workers);
  g_free(breaker);
  g_ptr_array_free(spare, TRUE);
  g_async_queue_unref(sh.work);
  g_async_queue_unref(sh.done);
  if (!ok)
    br_pipeline_result_clear(result);
  return ok;
}

void
br_pipeline_result_clear(BrPipelineResult *result)
{
  br_unit_table_free(result->units);
  br_entity_table_free(result->entities);
  if (result->versions)
    g_array_free(result->versions, TRUE);
  if (result->line_units)
    g_array_free(result->line_units, TRUE);
  g_free(result->fire_counts);
  g_free(result->failure_counts);
  /* Sparse: most rules never fail, so g_strfreev would stop at the first gap. */
  for (guint i = 0; result->failure_messages && i < result->nrules; i++)
    g_free(result->failure_messages[i]);
  g_free(result->failure_messages);
  g_free(result->disabled);
  memset(result, 0, sizeof *result);
}

void
br_pipeline_result_merge(BrPipelineResult *dst, BrPipelineResult *src)
{
  if (!dst->fire_counts) {
    *dst = *src;
    memset(src, 0, sizeof *src);
    return;
  }
  g_assert(dst->nrules == src->nrules);
  BrEntityDict *dict = NULL;
  const BrEntityKeys *keys = dst->entities ? br_entity_table_keys(dst->entities) : NULL;
  if (dst->entities && src->entities) {
    /* Each input's units hold ids of its own dictionary: renumber both into one. */
    dict = br_entity_dict_new();
    guint32 *map = br_entity_dict_absorb(dict, br_entity_table_dict(dst->entities));
    br_unit_table_map_entities(dst->units, map);
    g_free(map);
    map = br_entity_dict_absorb(dict, br_entity_table_dict(src->entities));
    br_unit_table_map_entities(src->units, map);
    g_free(map);
  }
  if (dst->units && src->units)
    br_unit_table_merge(dst->units, src->units);
  if (dict) {
    br_entity_table_free(dst->entities);
    dst->entities = entities_of_units(keys, dict, dst->units);
  }
  dst->lines_scored += src->lines_scored;
  dst->lines_numbered += src->lines_numbered;
  for (guint r = 0; r < dst->nrules; r++) {
    dst->fire_counts[r] += src->fire_counts[r];
    dst->failure_counts[r] += src->failure_counts[r];
    if (!dst->failure_messages[r])
      dst->failure_messages[r] = g_steal_pointer(&src->failure_messages[r]);
    dst->disabled[r] |= src->disabled[r];
  }
  dst->threads_used = MAX(dst->threads_used, src->threads_used);
  if (src->versions && dst->versions)
    br_amend_merge(dst->versions, src->versions);
  else if (src->versions)
    dst->versions = g_steal_pointer(&src->versions);
  if (src->line_units && dst->line_units)
    g_array_append_vals(dst->line_units, src->line_units->data, src->line_units->len);
  else if (src->line_units)
    dst->line_units = g_steal_pointer(&src->line_units);
  br_pipeline_result_clear(src);
}
