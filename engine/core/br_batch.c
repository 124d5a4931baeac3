#include "br_batch.h"

#include <string.h>

/* Arena blocks: the first is kept across resets; overflow blocks (a record with huge fields)
 * are chained and released on reset. */
typedef struct ArenaBlock {
  struct ArenaBlock *next;
  gsize size;
  gsize used;
  char data[];
} ArenaBlock;

#define ARENA_START_MAX (1u << 20)
#define ARENA_MIN (4u << 10)
#define ARENA_PER_VALUE 16u

typedef struct {
  BrBatch pub;
  ArenaBlock *overflow;
  gsize overflow_total; /* bytes that did not fit the main arena since the last reset */
} BatchImpl;

BrBatch *
br_batch_new(const BrSchema *schema, guint capacity)
{
  BatchImpl *impl = g_new0(BatchImpl, 1);
  BrBatch *b = &impl->pub;
  b->schema = schema;
  b->nfields = br_schema_size(schema);
  b->capacity = capacity;
  b->values = g_new0(BrValue, (gsize)capacity * MAX(b->nfields, 1));
  b->line_no = g_new0(guint64, capacity);
  /* Sized to the batch, so that a batch of a few records (a profile's code map, a test) does
   * not take a megabyte; one that overflows grows at its next reset. */
  b->arena_cap =
      CLAMP((gsize)capacity * MAX(b->nfields, 1) * ARENA_PER_VALUE, ARENA_MIN, ARENA_START_MAX);
  b->arena = g_malloc(b->arena_cap);
  return b;
}

static void
free_overflow(BatchImpl *impl)
{
  while (impl->overflow) {
    ArenaBlock *next = impl->overflow->next;
    g_free(impl->overflow);
    impl->overflow = next;
  }
}

void
br_batch_free(BrBatch *batch)
{
  if (!batch)
    return;
  BatchImpl *impl = (BatchImpl *)batch;
  free_overflow(impl);
  g_free(batch->values);
  g_free(batch->line_no);
  g_free(batch->arena);
  g_free(impl);
}

void
br_batch_reset(BrBatch *batch)
{
  BatchImpl *impl = (BatchImpl *)batch;
  /* A batch that overflowed says how large the next one will likely be: grow the main arena
   * once, so a steady stream of wide records stops chaining blocks. */
  if (impl->overflow_total > 0) {
    batch->arena_cap = batch->arena_used + impl->overflow_total + batch->arena_cap;
    g_free(batch->arena);
    batch->arena = g_malloc(batch->arena_cap);
  }
  free_overflow(impl);
  impl->overflow_total = 0;
  batch->count = 0;
  batch->arena_used = 0;
}

BrValue *
br_batch_append(BrBatch *batch, guint64 line_no)
{
  g_assert(batch->count < batch->capacity);
  BrValue *rec = &batch->values[(gsize)batch->count * batch->nfields];
  for (guint i = 0; i < batch->nfields; i++) {
    rec[i].str = "";
    rec[i].len = 0;
    rec[i].missing = TRUE;
    rec[i].num = 0;
  }
  batch->line_no[batch->count] = line_no;
  batch->count++;
  return rec;
}

void
br_batch_drop_last(BrBatch *batch)
{
  g_assert(batch->count > 0);
  batch->count--;
}

const char *
br_batch_strdup(BrBatch *batch, const char *text, gsize len)
{
  char *dst;
  if (batch->arena_used + len + 1 <= batch->arena_cap) {
    dst = batch->arena + batch->arena_used;
    batch->arena_used += len + 1;
  } else {
    BatchImpl *impl = (BatchImpl *)batch;
    ArenaBlock *blk = impl->overflow;
    if (!blk || blk->used + len + 1 > blk->size) {
      gsize size = MAX(len + 1, batch->arena_cap);
      blk = g_malloc(sizeof(ArenaBlock) + size);
      blk->size = size;
      blk->used = 0;
      blk->next = impl->overflow;
      impl->overflow = blk;
    }
    dst = blk->data + blk->used;
    blk->used += len + 1;
    impl->overflow_total += len + 1;
  }
  memcpy(dst, text, len);
  dst[len] = '\0';
  return dst;
}
