/* A batch of typed records: the unit of work handed from the reader to the scoring workers.
 *
 * Batches are allocated once and reused: all field text of a batch lives in one arena that is
 * rewound, not freed, between batches, so reading a record costs no heap allocation. */
#pragma once

#include <glib.h>

#include "br_schema.h"

typedef struct {
  const char *str; /* NUL-terminated; "" when missing. Valid while the batch is not reset. */
  guint32 len;
  gboolean missing;
  double num; /* integer/decimal value; days since 1970-01-01 for dates; 0 otherwise */
} BrValue;

typedef struct {
  const BrSchema *schema;
  guint nfields;
  guint count;
  guint capacity;
  BrValue *values;  /* count * nfields, record i starts at values[i * nfields] */
  guint64 *line_no; /* 1-based line in the source where record i starts */
  guint64 seq;      /* position of the batch in the input, from 0 */
  char *arena;
  gsize arena_used;
  gsize arena_cap;
} BrBatch;

BrBatch *br_batch_new(const BrSchema *schema, guint capacity);
void br_batch_free(BrBatch *batch);
void br_batch_reset(BrBatch *batch);

static inline const BrValue *
br_batch_record(const BrBatch *batch, guint i)
{
  return &batch->values[(gsize)i * batch->nfields];
}

/* Starts a new record at the end of the batch (all fields missing) and returns its values.
 * The caller must not exceed capacity. */
BrValue *br_batch_append(BrBatch *batch, guint64 line_no);
/* Drops the record just appended (a row that turned out to be invalid). */
void br_batch_drop_last(BrBatch *batch);
/* Copies text into the arena. The returned pointer stays valid until the batch is reset:
 * the arena grows by chaining, never by moving, so earlier strings keep their addresses. */
const char *br_batch_strdup(BrBatch *batch, const char *text, gsize len);
