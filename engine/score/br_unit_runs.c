#include "br_unit_runs.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

/* At most this many runs on disk are read at once: each holds an open file and its buffer.
 * More are first merged into fewer, FANIN at a time. */
#define FANIN 64

typedef struct {
  guint rule;
  double points;
  const char *text;
} ReasonRef;

static gint
cmp_reason_ref(gconstpointer a, gconstpointer b)
{
  const ReasonRef *x = a, *y = b;
  if (x->rule != y->rule)
    return x->rule < y->rule ? -1 : 1;
  return strcmp(x->text, y->text);
}

void
br_unit_write(FILE *f, const BrUnit *u, const BrPack *pack)
{
  br_bin_put_str(f, u->port);
  br_bin_put_str(f, u->unit);
  br_bin_put_str(f, u->record);
  br_bin_put_f64(f, u->score);
  br_bin_put_f64(f, u->uncertainty);
  br_bin_put_u64(f, u->nlines);
  br_bin_put_u8(f, (guint8)((u->amended ? 1 : 0) | (u->points ? 2 : 0)));
  guint nfired = u->fired ? u->fired->len : 0;
  br_bin_put_u32(f, nfired);
  for (guint k = 0; k < nfired; k++) {
    br_bin_put_u32(f, g_array_index(u->fired, guint, k));
    if (u->points)
      br_bin_put_f64(f, g_array_index(u->points, double, k));
  }
  /* A unit holds its reasons in the order its lines came; written by rule and text, a run's
   * bytes do not depend on which worker saw which line first. */
  guint nreasons = u->reasons ? u->reasons->len : 0;
  ReasonRef stack[8];
  ReasonRef *order = nreasons <= G_N_ELEMENTS(stack) ? stack : g_new(ReasonRef, nreasons);
  for (guint k = 0; k < nreasons; k++) {
    guint rule = g_array_index(u->reason_rules, guint, k);
    /* Stored "ID: text"; the id is the rule's, so only the text is written. */
    order[k] = (ReasonRef){rule, g_array_index(u->reason_points, double, k),
                           (const char *)g_ptr_array_index(u->reasons, k) +
                               strlen(br_pack_rule(pack, rule)->id) + 2};
  }
  qsort(order, nreasons, sizeof *order, cmp_reason_ref);
  br_bin_put_u32(f, nreasons);
  for (guint k = 0; k < nreasons; k++) {
    br_bin_put_u32(f, order[k].rule);
    br_bin_put_f64(f, order[k].points);
    br_bin_put_str(f, order[k].text);
  }
  if (order != stack)
    g_free(order);
}

BrUnit *
br_unit_read(BrBinReader *r, const BrPack *pack, GString *scratch)
{
  guint nrules = br_pack_rule_count(pack);
  BrUnit *u = g_new0(BrUnit, 1);
  u->label = -1;
  u->day = G_MAXINT32;
  u->port = g_strdup(br_bin_get_str(r, scratch));
  u->unit = g_strdup(br_bin_get_str(r, scratch));
  u->record = g_strdup(br_bin_get_str(r, scratch));
  u->score = br_bin_get_f64(r);
  u->uncertainty = br_bin_get_f64(r);
  u->nlines = br_bin_get_u64(r);
  guint8 flags = br_bin_get_u8(r);
  u->amended = (flags & 1) != 0;
  guint32 nfired = br_bin_get_u32(r);
  if (nfired && !br_bin_failed(r)) {
    u->fired = g_array_sized_new(FALSE, FALSE, sizeof(guint), MIN(nfired, nrules));
    if (flags & 2)
      u->points = g_array_sized_new(FALSE, FALSE, sizeof(double), MIN(nfired, nrules));
  }
  for (guint32 k = 0; k < nfired && !br_bin_failed(r); k++) {
    guint rule = br_bin_get_u32(r);
    double points = flags & 2 ? br_bin_get_f64(r) : 1.0;
    if (br_bin_failed(r))
      break;
    if (rule >= nrules || (k > 0 && rule <= g_array_index(u->fired, guint, k - 1))) {
      br_bin_fail(r, "fired rules out of the pack or out of order");
      break;
    }
    g_array_append_val(u->fired, rule);
    if (u->points)
      g_array_append_val(u->points, points);
  }
  guint32 nreasons = br_bin_get_u32(r);
  if (nreasons && !br_bin_failed(r)) {
    u->reasons = g_ptr_array_new_with_free_func(g_free);
    u->reason_rules = g_array_new(FALSE, FALSE, sizeof(guint));
    u->reason_points = g_array_new(FALSE, FALSE, sizeof(double));
  }
  for (guint32 k = 0; k < nreasons && !br_bin_failed(r); k++) {
    guint rule = br_bin_get_u32(r);
    double points = br_bin_get_f64(r);
    const char *text = br_bin_get_str(r, scratch);
    if (br_bin_failed(r))
      break;
    if (rule >= nrules) {
      br_bin_fail(r, "a reason's rule out of the pack");
      break;
    }
    g_ptr_array_add(u->reasons, g_strconcat(br_pack_rule(pack, rule)->id, ": ", text, NULL));
    g_array_append_val(u->reason_rules, rule);
    g_array_append_val(u->reason_points, points);
  }
  if (br_bin_failed(r)) {
    br_unit_free(u);
    return NULL;
  }
  return u;
}

/* One run: a sorted table in memory, or units in a file. */
typedef struct {
  BrUnitTable *table;
  GPtrArray *sorted; /* the table's units by key */
  guint pos;
  char *path; /* on disk */
  const char *kind;
  guint64 offset, count, end, read;
  gboolean spilled; /* a file of ours, removed with the runs */
  BrBinReader r;
  GString *last_port, *last_unit; /* the key read before: a file's units must ascend */
  BrUnit *cur;                    /* the run's next unit; owned when the run is on disk */
  guint index; /* ties between runs break on it, so a merge is the same every time */
} Source;

struct BrUnitRuns {
  const BrPack *pack;
  GMutex lock; /* workers add and spill their runs at once */
  GPtrArray *sources;
  char *spill_base, *spill_dir;
  GPtrArray *dirs; /* spill folders of runs absorbed, removed with these */
  guint next_file, spilled;
  /* the merge */
  Source **heap;
  guint nheap;
  gboolean scores_only;
  BrUnit *given; /* the unit br_unit_runs_next gave last, when it is ours to free */
  BrUnit light;  /* what a scores-only pass gives: key and score */
  GString *scratch;
};

static void
source_free(Source *s)
{
  if (s->table) {
    g_ptr_array_free(s->sorted, TRUE);
    br_unit_table_free(s->table);
  } else {
    br_unit_free(s->cur);
    if (s->r.f || s->r.path)
      br_bin_reader_close(&s->r);
    if (s->spilled)
      g_unlink(s->path);
    g_free(s->path);
    g_string_free(s->last_port, TRUE);
    g_string_free(s->last_unit, TRUE);
  }
  g_free(s);
}

BrUnitRuns *
br_unit_runs_new(const BrPack *pack, const char *spill_base)
{
  BrUnitRuns *runs = g_new0(BrUnitRuns, 1);
  runs->pack = pack;
  g_mutex_init(&runs->lock);
  runs->sources = g_ptr_array_new_with_free_func((GDestroyNotify)source_free);
  runs->spill_base = g_strdup(spill_base);
  runs->dirs = g_ptr_array_new_with_free_func(g_free);
  runs->scratch = g_string_new(NULL);
  return runs;
}

void
br_unit_runs_free(BrUnitRuns *runs)
{
  if (!runs)
    return;
  br_unit_free(runs->given);
  g_ptr_array_free(runs->sources, TRUE);
  if (runs->spill_dir)
    g_ptr_array_add(runs->dirs, runs->spill_dir);
  for (guint i = 0; i < runs->dirs->len; i++)
    g_rmdir(g_ptr_array_index(runs->dirs, i));
  g_ptr_array_free(runs->dirs, TRUE);
  g_free(runs->spill_base);
  g_free(runs->heap);
  g_string_free(runs->scratch, TRUE);
  g_mutex_clear(&runs->lock);
  g_free(runs);
}

static void
add_source(BrUnitRuns *runs, Source *s)
{
  g_mutex_lock(&runs->lock);
  g_ptr_array_add(runs->sources, s);
  g_mutex_unlock(&runs->lock);
}

void
br_unit_runs_add_table(BrUnitRuns *runs, BrUnitTable *table)
{
  Source *s = g_new0(Source, 1);
  s->table = table;
  s->sorted = br_unit_table_sorted(table);
  add_source(runs, s);
}

static Source *
file_source(const char *path, const char *kind, guint64 offset, guint64 count, guint64 end)
{
  Source *s = g_new0(Source, 1);
  s->path = g_strdup(path);
  s->kind = kind;
  s->offset = offset;
  s->count = count;
  s->end = end;
  s->last_port = g_string_new(NULL);
  s->last_unit = g_string_new(NULL);
  return s;
}

void
br_unit_runs_add_file(BrUnitRuns *runs, const char *path, const char *kind, guint64 offset,
                      guint64 count, guint64 end)
{
  add_source(runs, file_source(path, kind, offset, count, end));
}

void
br_unit_runs_absorb(BrUnitRuns *dst, BrUnitRuns *src)
{
  for (guint i = 0; i < src->sources->len; i++)
    add_source(dst, g_ptr_array_steal_index(src->sources, i--));
  dst->spilled += src->spilled;
  src->spilled = 0;
  /* src's spilled files stay where they are, and their folder goes with dst. */
  if (src->spill_dir)
    g_ptr_array_add(dst->dirs, g_steal_pointer(&src->spill_dir));
  for (guint i = 0; i < src->dirs->len; i++)
    g_ptr_array_add(dst->dirs, g_ptr_array_steal_index(src->dirs, i--));
}

guint
br_unit_runs_spilled(const BrUnitRuns *runs)
{
  return runs->spilled;
}

/* A file being spilled. */
typedef struct {
  char *path;
  FILE *f;
  guint64 count;
} Spill;

/* Opens a new file in the spill folder, made at the first spill. */
static gboolean
spill_open(BrUnitRuns *runs, Spill *sp, GError **error)
{
  g_mutex_lock(&runs->lock);
  if (!runs->spill_dir) {
    char *tmpl = g_build_filename(runs->spill_base ? runs->spill_base : g_get_tmp_dir(),
                                  ".boxrank-spill-XXXXXX", NULL);
    if (g_mkdtemp(tmpl))
      runs->spill_dir = tmpl;
    else {
      int e = errno;
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                  "%s: cannot make a folder for units spilled to disk: %s", tmpl, g_strerror(e));
      g_free(tmpl);
    }
  }
  sp->path = runs->spill_dir
                 ? g_strdup_printf("%s/run-%u.units", runs->spill_dir, runs->next_file++)
                 : NULL;
  g_mutex_unlock(&runs->lock);
  if (!sp->path)
    return FALSE;
  sp->f = g_fopen(sp->path, "wb");
  sp->count = 0;
  if (!sp->f) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                "%s: cannot spill units to disk: %s", sp->path, g_strerror(e));
    g_free(sp->path);
    return FALSE;
  }
  setvbuf(sp->f, NULL, _IOFBF, 1 << 20);
  return TRUE;
}

static void
spill_put(BrUnitRuns *runs, Spill *sp, const BrUnit *u)
{
  br_unit_write(sp->f, u, runs->pack);
  sp->count++;
}

/* Closes the file and takes it as a run (ok: nothing failed before; else it is removed). */
static gboolean
spill_close(BrUnitRuns *runs, Spill *sp, gboolean ok, GError **error)
{
  ok = !ferror(sp->f) && ok;
  int e = errno;
  if (fclose(sp->f) != 0 && ok) {
    e = errno;
    ok = FALSE;
  }
  if (!ok) {
    if (error && !*error)
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                  "%s: cannot spill units to disk: %s", sp->path, g_strerror(e));
    g_unlink(sp->path);
    g_free(sp->path);
    return FALSE;
  }
  GStatBuf st;
  guint64 end = g_stat(sp->path, &st) == 0 ? (guint64)st.st_size : G_MAXUINT64;
  Source *s = file_source(sp->path, "boxrank spill file", 0, sp->count, end);
  s->spilled = TRUE;
  g_mutex_lock(&runs->lock);
  g_ptr_array_add(runs->sources, s);
  runs->spilled++;
  g_mutex_unlock(&runs->lock);
  g_free(sp->path);
  return TRUE;
}

gboolean
br_unit_runs_spill(BrUnitRuns *runs, BrUnitTable *table, GError **error)
{
  Spill sp;
  if (!spill_open(runs, &sp, error))
    return FALSE;
  GPtrArray *sorted = br_unit_table_sorted(table);
  for (guint i = 0; i < sorted->len; i++)
    spill_put(runs, &sp, g_ptr_array_index(sorted, i));
  g_ptr_array_free(sorted, TRUE);
  br_unit_table_clear(table);
  return spill_close(runs, &sp, TRUE, error);
}

/* The merge: a binary heap of runs by their next unit's key. */
static gboolean
before(const Source *a, const Source *b)
{
  int c = br_unit_cmp_key(a->cur, b->cur);
  return c ? c < 0 : a->index < b->index;
}

static void
sift_down(BrUnitRuns *runs, guint i)
{
  Source **h = runs->heap;
  for (;;) {
    guint l = 2 * i + 1, r = l + 1, m = i;
    if (l < runs->nheap && before(h[l], h[m]))
      m = l;
    if (r < runs->nheap && before(h[r], h[m]))
      m = r;
    if (m == i)
      return;
    Source *t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

/* Moves s to its next unit (s->cur NULL at its end); FALSE when its file is damaged. The unit
 * it held is the caller's now. */
static gboolean
source_advance(BrUnitRuns *runs, Source *s, GError **error)
{
  s->cur = NULL;
  if (s->table) {
    if (s->pos < s->sorted->len)
      s->cur = g_ptr_array_index(s->sorted, s->pos++);
    return TRUE;
  }
  if (s->read == s->count) {
    if (s->end != G_MAXUINT64 && s->r.offset != s->end)
      br_bin_fail(&s->r, "no end mark after the units");
  } else {
    BrUnit *u = br_unit_read(&s->r, runs->pack, runs->scratch);
    if (u && s->read > 0) {
      int c = strcmp(u->port, s->last_port->str);
      if (c < 0 || (c == 0 && strcmp(u->unit, s->last_unit->str) <= 0))
        br_bin_fail(&s->r, "units out of (port, unit) order");
    }
    if (u && !br_bin_failed(&s->r)) {
      g_string_assign(s->last_port, u->port);
      g_string_assign(s->last_unit, u->unit);
      s->read++;
      s->cur = u;
      return TRUE;
    }
    br_unit_free(u);
  }
  if (br_bin_failed(&s->r)) {
    g_propagate_error(error, g_error_copy(s->r.error));
    return FALSE;
  }
  return TRUE;
}

static gboolean merge_files(BrUnitRuns *runs, GError **error);

gboolean
br_unit_runs_rewind(BrUnitRuns *runs, gboolean scores_only, GError **error)
{
  if (!merge_files(runs, error))
    return FALSE;
  g_clear_pointer(&runs->given, br_unit_free);
  runs->scores_only = scores_only;
  runs->heap = g_renew(Source *, runs->heap, MAX(runs->sources->len, 1));
  runs->nheap = 0;
  for (guint i = 0; i < runs->sources->len; i++) {
    Source *s = g_ptr_array_index(runs->sources, i);
    s->index = i;
    if (s->table) {
      s->pos = 0;
    } else {
      g_clear_pointer(&s->cur, br_unit_free);
      if (!s->r.f && !br_bin_reader_open(&s->r, s->path, s->kind, error))
        return FALSE;
      g_clear_error(&s->r.error);
      if (!br_bin_reader_seek(&s->r, s->offset))
        return g_propagate_error(error, g_error_copy(s->r.error)), FALSE;
      s->read = 0;
    }
    if (!source_advance(runs, s, error))
      return FALSE;
    if (s->cur)
      runs->heap[runs->nheap++] = s;
  }
  for (guint i = runs->nheap / 2; i-- > 0;)
    sift_down(runs, i);
  return TRUE;
}

/* Takes the heap's first unit and moves its run on; *owned says whether the unit is the
 * caller's to free. */
static BrUnit *
take(BrUnitRuns *runs, gboolean *owned, GError **error)
{
  Source *s = runs->heap[0];
  BrUnit *u = s->cur;
  *owned = s->table == NULL;
  if (!source_advance(runs, s, error)) {
    if (*owned)
      br_unit_free(u);
    return NULL;
  }
  if (!s->cur)
    runs->heap[0] = runs->heap[--runs->nheap];
  if (runs->nheap)
    sift_down(runs, 0);
  return u;
}

const BrUnit *
br_unit_runs_next(BrUnitRuns *runs, GError **error)
{
  g_clear_pointer(&runs->given, br_unit_free);
  if (runs->nheap == 0)
    return NULL;
  gboolean owned;
  BrUnit *u = take(runs, &owned, error);
  if (!u)
    return NULL;
  if (owned)
    runs->given = u;
  double score = u->score;
  while (runs->nheap && br_unit_cmp_key(runs->heap[0]->cur, u) == 0) {
    gboolean piece_owned;
    BrUnit *piece = take(runs, &piece_owned, error);
    if (!piece)
      return NULL;
    score = MAX(score, piece->score);
    if (!runs->scores_only) {
      /* A unit in several runs is rolled up in a copy: the runs stay as they were, for a
       * second pass. */
      if (!runs->given)
        u = runs->given = br_unit_copy(u);
      br_unit_absorb(u, piece, runs->pack);
    }
    if (piece_owned)
      br_unit_free(piece);
  }
  if (runs->scores_only) {
    runs->light.port = u->port;
    runs->light.unit = u->unit;
    runs->light.score = score;
    return &runs->light;
  }
  return u;
}

/* More runs on disk than FANIN are merged FANIN at a time into one spill file each, until at
 * most FANIN are left. */
static gboolean
merge_files(BrUnitRuns *runs, GError **error)
{
  for (;;) {
    guint nfiles = 0;
    for (guint i = 0; i < runs->sources->len; i++)
      nfiles += ((Source *)g_ptr_array_index(runs->sources, i))->table == NULL;
    if (nfiles <= FANIN)
      return TRUE;
    BrUnitRuns *some = br_unit_runs_new(runs->pack, NULL);
    for (guint i = 0; i < runs->sources->len && some->sources->len < FANIN; i++)
      if (((Source *)g_ptr_array_index(runs->sources, i))->table == NULL)
        g_ptr_array_add(some->sources, g_ptr_array_steal_index(runs->sources, i--));
    Spill sp;
    gboolean ok = spill_open(runs, &sp, error);
    gboolean read = ok && br_unit_runs_rewind(some, FALSE, error);
    const BrUnit *u;
    while (read && (u = br_unit_runs_next(some, error)))
      spill_put(runs, &sp, u);
    read = read && !(error && *error);
    ok = ok && spill_close(runs, &sp, read, error);
    br_unit_runs_free(some);
    if (!ok)
      return FALSE;
  }
}
