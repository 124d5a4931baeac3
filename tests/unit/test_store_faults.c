/* Faults in the store: a full disk, EIO on write or fsync, and failed allocations, injected
 * under the real store operations (recording a run with its details, importing outcomes,
 * importing a watchlist) at every call of each operation in turn. Whatever the fault, the
 * operation fails with a clear error or succeeds whole, the store keeps everything it had
 * and passes its integrity check, and the same operation without the fault then succeeds.
 *
 * The faults come from a VFS registered as the default over SQLite's own (every file SQLite
 * opens, the temporary ones included, goes through it) and from an allocator installed with
 * SQLITE_CONFIG_MALLOC before SQLite starts. A fault, once it happens, stays: a full disk does
 * not empty itself between two writes. */
#include <stdio.h>
#include <string.h>

#include "br_outcomes.h"
#include "br_run_details.h"
#include "br_watchlist.h"
#include "br_watchlist_store.h"
#include "store_fixture.h"
#include "test_tmpdir.h"

typedef enum {
  FAULT_NONE,
  FAULT_WRITE_FULL, /* xWrite: SQLITE_FULL, as on a full disk */
  FAULT_WRITE_EIO,  /* xWrite: SQLITE_IOERR_WRITE */
  FAULT_SYNC_EIO,   /* xSync: SQLITE_IOERR_FSYNC */
  FAULT_MALLOC,     /* the allocator returns NULL */
  FAULT_KINDS,
} FaultKind;

static const char *const fault_names[FAULT_KINDS] = {"none", "write-full", "write-eio", "sync-eio",
                                                     "malloc"};

/* Armed by the test thread only; SQLite is used from that thread alone. */
static struct {
  FaultKind kind;
  gint64 at;    /* the call of kind that fails first (1-based); 0: none */
  gint64 calls; /* calls of kind since arming */
  gboolean hit; /* a call failed */
} fault;

static void
fault_arm(FaultKind kind, gint64 at)
{
  fault.kind = kind;
  fault.at = at;
  fault.calls = 0;
  fault.hit = FALSE;
}

static gboolean
fault_now(FaultKind kind)
{
  if (fault.kind != kind)
    return FALSE;
  fault.calls++;
  if (fault.at > 0 && fault.calls >= fault.at) {
    fault.hit = TRUE;
    return TRUE;
  }
  return FALSE;
}

/* ---- the VFS shim ---- */

typedef struct {
  sqlite3_file base;
  sqlite3_file *real; /* the default VFS's file, allocated right after this struct */
} FaultFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static sqlite3_io_methods fault_io;

static sqlite3_file *
real(sqlite3_file *f)
{
  return ((FaultFile *)f)->real;
}

static int
f_close(sqlite3_file *f)
{
  return real(f)->pMethods->xClose(real(f));
}

static int
f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}

static int
f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
  if (fault_now(FAULT_WRITE_FULL))
    return SQLITE_FULL;
  if (fault_now(FAULT_WRITE_EIO))
    return SQLITE_IOERR_WRITE;
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
  return real(f)->pMethods->xTruncate(real(f), size);
}

/* No real fsync: what is tested is what SQLite and the store do when one fails, not
 * durability, and hundreds of attempts with synchronous=FULL would spend minutes waiting for
 * the disk. */
static int
f_sync(sqlite3_file *f, int flags)
{
  return fault_now(FAULT_SYNC_EIO) ? SQLITE_IOERR_FSYNC : SQLITE_OK;
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
  return real(f)->pMethods->xFileSize(real(f), size);
}

static int
f_lock(sqlite3_file *f, int level)
{
  return real(f)->pMethods->xLock(real(f), level);
}

static int
f_unlock(sqlite3_file *f, int level)
{
  return real(f)->pMethods->xUnlock(real(f), level);
}

static int
f_check_lock(sqlite3_file *f, int *out)
{
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}

static int
f_control(sqlite3_file *f, int op, void *arg)
{
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}

static int
f_sector(sqlite3_file *f)
{
  return real(f)->pMethods->xSectorSize(real(f));
}

static int
f_device(sqlite3_file *f)
{
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}

static int
f_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
  return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}

static int
f_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}

static void
f_shm_barrier(sqlite3_file *f)
{
  real(f)->pMethods->xShmBarrier(real(f));
}

static int
f_shm_unmap(sqlite3_file *f, int del)
{
  return real(f)->pMethods->xShmUnmap(real(f), del);
}

static int
f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
  return real(f)->pMethods->xFetch(real(f), off, n, out);
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

static int
v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  FaultFile *ff = (FaultFile *)file;
  ff->real = (sqlite3_file *)(ff + 1);
  ff->base.pMethods = NULL;
  int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
  if (ff->real->pMethods)
    ff->base.pMethods = &fault_io;
  return rc;
}

static int
v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
  return real_vfs->xDelete(real_vfs, name, sync);
}

static int
v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
v_full_path(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
  return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static int
v_randomness(sqlite3_vfs *vfs, int n, char *out)
{
  return real_vfs->xRandomness(real_vfs, n, out);
}

static int
v_sleep(sqlite3_vfs *vfs, int us)
{
  return real_vfs->xSleep(real_vfs, us);
}

static int
v_time(sqlite3_vfs *vfs, double *out)
{
  return real_vfs->xCurrentTime(real_vfs, out);
}

static int
v_last_error(sqlite3_vfs *vfs, int n, char *out)
{
  return real_vfs->xGetLastError(real_vfs, n, out);
}

static int
v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
  return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

/* ---- the allocator ---- */

static sqlite3_mem_methods real_mem;

static void *
m_malloc(int n)
{
  return fault_now(FAULT_MALLOC) ? NULL : real_mem.xMalloc(n);
}

static void *
m_realloc(void *p, int n)
{
  return fault_now(FAULT_MALLOC) ? NULL : real_mem.xRealloc(p, n);
}

static void
faults_install(void)
{
  g_assert_cmpint(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem), ==, SQLITE_OK);
  static sqlite3_mem_methods mem;
  mem = real_mem;
  mem.xMalloc = m_malloc;
  mem.xRealloc = m_realloc;
  g_assert_cmpint(sqlite3_config(SQLITE_CONFIG_MALLOC, &mem), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_initialize(), ==, SQLITE_OK);

  real_vfs = sqlite3_vfs_find(NULL);
  g_assert_nonnull(real_vfs);
  fault_io = (sqlite3_io_methods){
      3,          f_close,       f_read,       f_write,   f_truncate, f_sync,   f_size,
      f_lock,     f_unlock,      f_check_lock, f_control, f_sector,   f_device, f_shm_map,
      f_shm_lock, f_shm_barrier, f_shm_unmap,  f_fetch,   f_unfetch};
  fault_vfs = *real_vfs;
  fault_vfs.zName = "br-fault";
  fault_vfs.szOsFile = (int)sizeof(FaultFile) + real_vfs->szOsFile;
  fault_vfs.pNext = NULL;
  fault_vfs.xOpen = v_open;
  fault_vfs.xDelete = v_delete;
  fault_vfs.xAccess = v_access;
  fault_vfs.xFullPathname = v_full_path;
  fault_vfs.xRandomness = v_randomness;
  fault_vfs.xSleep = v_sleep;
  fault_vfs.xCurrentTime = v_time;
  fault_vfs.xGetLastError = v_last_error;
  fault_vfs.xCurrentTimeInt64 = v_time64;
  /* Dynamic libraries and system calls pass through unchanged: SQLite reaches them through
   * the default VFS's own pointers, copied above. */
  g_assert_cmpint(sqlite3_vfs_register(&fault_vfs, 1), ==, SQLITE_OK);
}

/* ---- the operations ---- */

#define MANIFEST_HEADER "container,bol,port,origin_country,measured_kg,importer_id,hs_code\n"
#define OUTCOMES_HEADER "unit,port,date,result,category,severity,notes\n"
#define WATCHLIST_HEADER "kind,id,value,name,quality,program,notes\n"

typedef struct {
  Fixture fx;
  char *base_db;  /* the store as it is before each attempt */
  char *manifest; /* the lines of the run's units */
  char *outcomes;
  char *rejects;
  char *watchlist;
} Faults;

typedef enum { OP_RECORD_RUN, OP_OUTCOMES, OP_WATCHLIST, OP_COUNT } Operation;
static const char *const op_names[OP_COUNT] = {"record-run", "outcomes-import", "watchlist-import"};

/* A run on 2026-02-10 over the manifest: two units at IQUQR, one at IQBSR, with entities. */
static gint64
record_run(Faults *f, const char *as_of, GError **error)
{
  static const int both[] = {0, 1, -1}, origin[] = {0, -1}, none[] = {-1};
  Fixture *fx = &f->fx;
  BrUnit *a[] = {
      fixture_unit(fx, "IQUQR", "MSCU1234565", BR_SEL_TARGETED, BR_LANE_RED, 1, 70, both),
      fixture_unit(fx, "IQUQR", "TGHU7654321", BR_SEL_RANDOM, BR_LANE_GREEN, 2, 0, none)};
  BrUnit *b[] = {
      fixture_unit(fx, "IQBSR", "CAIU1111111", BR_SEL_TARGETED, BR_LANE_RED, 1, 55, origin)};
  GPtrArray *ports = g_ptr_array_new_with_free_func(fixture_port_free);
  g_ptr_array_add(ports, fixture_port("IQBSR", 1, b, 1));
  g_ptr_array_add(ports, fixture_port("IQUQR", 3, a, 2));
  BrSchema *schema = NULL;
  BrEntityKeys *keys = fixture_importer_hs6_keys(&schema);
  BrEntityTable *entities = br_entity_table_new(keys);
  BrValue rec[2] = {{"IMP-1", 5, FALSE, 0}, {"847130", 6, FALSE, 0}};
  br_entity_table_add(entities, "IQUQR", "MSCU1234565", rec);
  br_entity_table_add(entities, "IQUQR", "ZZZU0000000", rec);
  rec[0] = (BrValue){"IMP-2", 5, FALSE, 0};
  br_entity_table_add(entities, "IQBSR", "CAIU1111111", rec);

  static const guint64 fires[] = {2, 1, 0};
  BrRunInput input = {f->manifest, "00ff"};
  char *run_key = g_strdup_printf("%sT080000Z-0000abcd", as_of);
  BrRunRecord run = {.run_key = run_key,
                     .started_at = 1770710400,
                     .finished_at = 1770710401,
                     .as_of = as_of,
                     .inputs = &input,
                     .ninputs = 1,
                     .threads = 1,
                     .seed = 7,
                     .lines_read = 4,
                     .units = 4,
                     .fire_counts = fires,
                     .entities = entities};
  BrProfile *profile = br_profile_new_identity();
  const char *paths[] = {f->manifest};
  BrRunDetailsSource source = {paths, 1, BR_INPUT_CSV, profile, NULL, NULL, NULL};
  gint64 id = br_run_details_record_run(fx->store, &run, ports, fx->pack, &source, error);
  br_profile_free(profile);
  g_free(run_key);
  br_entity_table_free(entities);
  br_schema_free(schema);
  br_entity_keys_free(keys);
  g_ptr_array_unref(ports);
  return id;
}

static gboolean
run_op(Faults *f, Operation op, GError **error)
{
  switch (op) {
  case OP_RECORD_RUN:
    return record_run(f, "2026-02-10", error) > 0;
  case OP_OUTCOMES: {
    BrOutcomesSummary s;
    gboolean ok = br_outcomes_import(f->fx.store, f->outcomes, f->rejects, &s, error);
    g_assert_true(!ok || (!s.already && s.accepted == 3 && s.rejected == 1));
    br_outcomes_summary_clear(&s);
    return ok;
  }
  case OP_WATCHLIST: {
    BrWatchlist *wl = br_watchlist_load_csv(f->watchlist, "local", error);
    g_assert_nonnull(wl);
    BrWatchlistSaved saved;
    gboolean ok = br_watchlist_store_save(f->fx.store, wl, "csv", &saved, error);
    g_assert_true(!ok || saved.replaced);
    br_watchlist_free(wl);
    return ok;
  }
  default:
    g_assert_not_reached();
  }
}

/* What each operation leaves when it succeeds, on top of the base store. */
static void
assert_done(Faults *f, Operation op)
{
  Fixture *fx = &f->fx;
  switch (op) {
  case OP_RECORD_RUN:
    g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM runs"), ==, 2);
    /* Never a run without its reasons, lines and audit row. */
    g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM runs r WHERE NOT EXISTS (SELECT 1"
                                      " FROM audit a WHERE a.target = 'run ' || r.id)"),
                    ==, 0);
    g_assert_cmpint(fixture_count(fx, "SELECT COUNT(DISTINCT u.run_id) FROM selection_lines l"
                                      " JOIN units u ON u.id = l.unit_id"),
                    ==, 2);
    break;
  case OP_OUTCOMES:
    g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes"), ==, 4);
    g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM outcomes WHERE source = 'selection'"),
                    ==, 3);
    g_assert_true(g_file_test(f->rejects, G_FILE_TEST_IS_REGULAR));
    break;
  case OP_WATCHLIST:
    g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM watchlist_entries e JOIN watchlists w"
                                      " ON w.id = e.list_id WHERE w.name = 'local'"),
                    ==, 3);
    break;
  default:
    g_assert_not_reached();
  }
}

/* Without g_file_set_contents's fsync, for the same reason. */
static void
copy_file(const char *from, const char *to)
{
  char *data = NULL;
  gsize len = 0;
  g_assert_true(g_file_get_contents(from, &data, &len, NULL));
  FILE *out = fopen(to, "wb");
  g_assert_nonnull(out);
  g_assert_cmpuint(fwrite(data, 1, len, out), ==, len);
  g_assert_cmpint(fclose(out), ==, 0);
  g_free(data);
}

static void
integrity_ok(Fixture *fx)
{
  char *check = fixture_text(fx, "PRAGMA integrity_check");
  g_assert_cmpstr(check, ==, "ok");
  g_free(check);
  g_assert_cmpint(fixture_count(fx, "SELECT COUNT(*) FROM pragma_foreign_key_check"), ==, 0);
}

/* The store before the operation: one run, an outcome and a watchlist (whose import the
 * watchlist operation replaces), closed with its WAL folded in, so a copy is the whole. */
static void
faults_setup(Faults *f, gconstpointer data)
{
  Fixture *fx = &f->fx;
  fixture_setup(fx, data);
  f->manifest = br_test_write_file(fx->dir, "manifest.csv",
                                   MANIFEST_HEADER "MSCU1234565,B1,IQUQR,EC,900,IMP-1,847130\n"
                                                   "MSCU1234565,B2,IQUQR,EC,1200,IMP-1,847130\n"
                                                   "TGHU7654321,B3,IQUQR,DE,10,IMP-3,100190\n"
                                                   "CAIU1111111,B4,IQBSR,CO,20,IMP-2,847130\n",
                                   -1);
  f->outcomes = br_test_write_file(fx->dir, "outcomes.csv",
                                   OUTCOMES_HEADER
                                   "MSCU1234565,IQUQR,2026-02-11,finding,drugs,4,in the bananas\n"
                                   "CAIU1111111,IQBSR,2026-02-12,no_finding,,,\n"
                                   "ZZZU0000000,IQUQR,2026-02-12,no_finding,,,other reason\n"
                                   "BADU0000000,IQUQR,2026-02-31,no_finding,,,\n",
                                   -1);
  f->rejects = g_build_filename(fx->dir, "rejects.csv", NULL);
  f->watchlist = br_test_write_file(fx->dir, "local.csv",
                                    WATCHLIST_HEADER "vessel,V1,9074729,SHIP ONE,,,\n"
                                                     "entity,E1,Al Noor General Trading LLC,,,,\n"
                                                     "entity,E1,Noor Trading,,low,,\n"
                                                     "country,,IR,,,,\n",
                                    -1);
  char *old_list = br_test_write_file(fx->dir, "old.csv",
                                      WATCHLIST_HEADER "vessel,V9,9074729,OLD SHIP,,,\n", -1);
  char *first = br_test_write_file(
      fx->dir, "first.csv", OUTCOMES_HEADER "MSCU1234565,IQUQR,2026-02-02,no_finding,,,\n", -1);
  GError *error = NULL;
  g_assert_cmpint(record_run(f, "2026-02-01", &error), >, 0);
  g_assert_no_error(error);
  BrOutcomesSummary s;
  g_assert_true(br_outcomes_import(fx->store, first, NULL, &s, &error));
  g_assert_no_error(error);
  br_outcomes_summary_clear(&s);
  BrWatchlist *wl = br_watchlist_load_csv(old_list, "local", &error);
  g_assert_no_error(error);
  BrWatchlistSaved saved;
  g_assert_true(br_watchlist_store_save(fx->store, wl, "csv", &saved, &error));
  g_assert_no_error(error);
  br_watchlist_free(wl);
  br_store_close(fx->store);
  fx->store = NULL;
  f->base_db = g_build_filename(fx->dir, "base.db", NULL);
  copy_file(fx->db_path, f->base_db);
  g_free(first);
  g_free(old_list);
}

static void
faults_teardown(Faults *f, gconstpointer data)
{
  fixture_teardown(&f->fx, data);
  g_free(f->base_db);
  g_free(f->manifest);
  g_free(f->outcomes);
  g_free(f->rejects);
  g_free(f->watchlist);
}

/* A fresh copy of the base store, opened without faults. */
static void
reopen_base(Faults *f)
{
  Fixture *fx = &f->fx;
  br_store_close(fx->store);
  char *wal = g_strconcat(fx->db_path, "-wal", NULL);
  char *shm = g_strconcat(fx->db_path, "-shm", NULL);
  g_unlink(wal);
  g_unlink(shm);
  g_free(wal);
  g_free(shm);
  g_unlink(f->rejects);
  copy_file(f->base_db, fx->db_path);
  GError *error = NULL;
  fx->store = br_store_open(fx->db_path, BR_STORE_EXISTING, &error);
  g_assert_no_error(error);
}

/* Calls of kind the operation makes when nothing fails. */
static gint64
count_calls(Faults *f, Operation op, FaultKind kind)
{
  reopen_base(f);
  fault_arm(kind, 0);
  GError *error = NULL;
  g_assert_true(run_op(f, op, &error));
  g_assert_no_error(error);
  gint64 n = fault.calls;
  fault_arm(FAULT_NONE, 0);
  assert_done(f, op);
  return n;
}

/* The message names the store, what failed and SQLite's reason. */
static void
assert_clear_error(Faults *f, const GError *error, FaultKind kind)
{
  g_assert_nonnull(error);
  g_assert_nonnull(error->message);
  g_assert_true(g_utf8_validate(error->message, -1, NULL));
  static const char *const why[FAULT_KINDS] = {NULL, "full", "disk I/O error", "disk I/O error",
                                               "out of memory"};
  if (!strstr(error->message, why[kind]) || !strstr(error->message, f->fx.db_path))
    g_error("%s: unclear error: %s", fault_names[kind], error->message);
}

static void
test_faults(Faults *f, gconstpointer data)
{
  Operation op = (Operation)GPOINTER_TO_INT(data) / FAULT_KINDS;
  FaultKind kind = (FaultKind)(GPOINTER_TO_INT(data) % FAULT_KINDS);
  Fixture *fx = &f->fx;
  reopen_base(f);
  char *before = fixture_fingerprint(fx->db_path);
  gint64 total = count_calls(f, op, kind);
  g_assert_cmpint(total, >, 0);
  /* Every call of a short operation; the allocations of a long one at up to 150 points
   * spread over it (all of them under -m slow). */
  gint64 step = g_test_slow() ? 1 : MAX(1, total / 150);
  guint failed = 0, whole = 0;
  for (gint64 at = 1; at <= total + 1; at += step) {
    reopen_base(f);
    fault_arm(kind, at);
    GError *error = NULL;
    gboolean ok = run_op(f, op, &error);
    gboolean hit = fault.hit;
    fault_arm(FAULT_NONE, 0);
    if (ok) {
      /* A fault the operation rode out (SQLite retries an allocation, a checkpoint after
       * the commit fails): then it is done whole. */
      g_assert_no_error(error);
      assert_done(f, op);
      whole++;
    } else {
      g_assert_true(hit);
      assert_clear_error(f, error, kind);
      g_clear_error(&error);
      failed++;
      /* The same connection goes on working (boxrank serve keeps one open) ... */
      integrity_ok(fx);
      br_store_close(fx->store);
      fx->store = NULL;
      char *after = fixture_fingerprint(fx->db_path);
      if (strcmp(before, after) != 0)
        g_error("%s %s at call %" G_GINT64_FORMAT ": the store changed", op_names[op],
                fault_names[kind], at);
      g_free(after);
      if (op == OP_OUTCOMES)
        g_assert_false(g_file_test(f->rejects, G_FILE_TEST_EXISTS));
      /* ... and the next run without the fault succeeds. */
      fx->store = br_store_open(fx->db_path, BR_STORE_EXISTING, &error);
      g_assert_no_error(error);
      integrity_ok(fx);
      g_assert_true(run_op(f, op, &error));
      g_assert_no_error(error);
      assert_done(f, op);
      integrity_ok(fx);
    }
  }
  g_test_message("%s %s: %" G_GINT64_FORMAT " calls, step %" G_GINT64_FORMAT
                 ": %u failed cleanly, %u done whole",
                 op_names[op], fault_names[kind], total, step, failed, whole);
  g_assert_cmpuint(failed, >, 0);
  g_free(before);
}

/* A failed operation leaves the connection usable without reopening it. */
static void
test_same_connection(Faults *f, gconstpointer data)
{
  Fixture *fx = &f->fx;
  for (Operation op = 0; op < OP_COUNT; op++) {
    reopen_base(f);
    fault_arm(FAULT_WRITE_FULL, 1);
    GError *error = NULL;
    g_assert_false(run_op(f, op, &error));
    fault_arm(FAULT_NONE, 0);
    assert_clear_error(f, error, FAULT_WRITE_FULL);
    g_clear_error(&error);
    g_assert_true(run_op(f, op, &error));
    g_assert_no_error(error);
    assert_done(f, op);
    integrity_ok(fx);
  }
}

int
main(int argc, char **argv)
{
  faults_install();
  g_test_init(&argc, &argv, NULL);
  for (Operation op = 0; op < OP_COUNT; op++) {
    for (FaultKind kind = FAULT_WRITE_FULL; kind < FAULT_KINDS; kind++) {
      char *name = g_strdup_printf("/store-faults/%s/%s", op_names[op], fault_names[kind]);
      g_test_add(name, Faults, GINT_TO_POINTER((int)op * FAULT_KINDS + (int)kind), faults_setup,
                 test_faults, faults_teardown);
      g_free(name);
    }
  }
  g_test_add("/store-faults/same-connection", Faults, NULL, faults_setup, test_same_connection,
             faults_teardown);
  return g_test_run();
}
