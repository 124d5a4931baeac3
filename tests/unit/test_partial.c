#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_output.h"
#include "br_partial.h"
#include "br_rank.h"

static char *tmp;

static BrPack *
load_pack(void)
{
  GError *error = NULL;
  char *ini = g_build_filename(tmp, "pack.ini", NULL);
  char *lua = g_build_filename(tmp, "r.lua", NULL);
  g_file_set_contents(ini,
                      "[pack]\nname = t\n[lanes]\nred = 50\nyellow = 20\n"
                      "[capacity]\ndefault = 3\n[random]\nshare = 0.34\n",
                      -1, &error);
  g_assert_no_error(error);
  g_file_set_contents(lua,
                      "rule { id = 'A', title = 'a', weight = 30, when = present('container') }\n"
                      "rule { id = 'B', title = 'b', weight = 25, when = present('bol') }\n"
                      "rule { id = 'C', title = 'c', weight = 5, when = present('seal') }\n",
                      -1, &error);
  g_assert_no_error(error);
  BrPack *pack = br_pack_load(tmp, &error);
  g_assert_no_error(error);
  g_free(ini);
  g_free(lua);
  return pack;
}

static void
result_init(BrPipelineResult *r, const BrPack *pack)
{
  memset(r, 0, sizeof *r);
  r->units = br_unit_table_new(pack);
  r->nrules = br_pack_rule_count(pack);
  r->fire_counts = g_new0(guint64, r->nrules);
  r->failure_counts = g_new0(guint64, r->nrules);
  r->failure_messages = g_new0(char *, r->nrules);
  r->disabled = g_new0(gboolean, r->nrules);
}

/* Line i of a made-up day: 40 units over two ports, up to 3 lines each, rules firing by the
 * line's number so that a unit's lines give it different rules and reasons. */
static void
add_line(BrPipelineResult *r, guint i)
{
  static const char *texts[] = {"weighs 10 kg", "from EC", "seal changed", "value low"};
  char unit[16], record[16];
  g_snprintf(unit, sizeof unit, "U%02u", i % 40);
  g_snprintf(record, sizeof record, "L%04u", i);
  guint fired[3], n = 0;
  const char *reasons[3];
  for (guint k = 0; k < 3; k++)
    if ((i * 7 + k * 3) % (k + 2) == 0) {
      fired[n] = k;
      reasons[n++] = texts[(i + k) % 4];
    }
  double score = n ? 20.0 * n + (i % 5) : 0;
  BrLineResult line = {.score = score, .nfired = n, .fired = fired, .reasons = reasons};
  br_unit_table_add(r->units, i % 3 ? "IQUQR" : "IQBSR", unit, record, i, &line);
  r->lines_scored++;
  for (guint k = 0; k < n; k++)
    r->fire_counts[fired[k]]++;
}

/* The partial of r, whose units it takes. */
static char *
write_partial(const BrPack *pack, BrPipelineResult *r, const char *name)
{
  GError *error = NULL;
  char *path = g_build_filename(tmp, name, NULL);
  BrUnitRuns *runs = br_unit_runs_new(pack, NULL);
  guint size = br_unit_table_size(r->units);
  br_unit_runs_add_table(runs, g_steal_pointer(&r->units));
  BrPartialInfo info = {.list_date = "2026-03-02",
                        .input = name,
                        .rows_read = r->lines_scored,
                        .result = r,
                        .runs = runs};
  guint64 written = 0;
  g_assert_true(br_partial_write(path, pack, &info, &written, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(written, ==, size);
  br_unit_runs_free(runs);
  return path;
}

static char *
lists_csv(GPtrArray *lists, const BrPack *pack)
{
  BrListStamp stamp = {"RUN", "2026-03-02", 5, NULL, NULL};
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < lists->len; i++)
    br_output_list_csv(s, g_ptr_array_index(lists, i), pack, &stamp, i == 0);
  return g_string_free(s, FALSE);
}

/* The lines cut in two partitions (every other line: most units fall in both) give, merged,
 * the lists of all lines rolled up in one table, with the same counts. */
static void
test_split_units(void)
{
  BrPack *pack = load_pack();
  BrPipelineResult all, a, b;
  result_init(&all, pack);
  result_init(&a, pack);
  result_init(&b, pack);
  for (guint i = 0; i < 100; i++) {
    add_line(&all, i);
    add_line(i % 2 ? &a : &b, i);
  }
  char *pa = write_partial(pack, &a, "a.part");
  char *pb = write_partial(pack, &b, "b.part");
  BrPartialMerge *m = br_partial_merge_new(pack);
  GError *error = NULL;
  g_assert_true(br_partial_merge_add(m, pb, &error));
  g_assert_true(br_partial_merge_add(m, pa, &error));
  g_assert_no_error(error);
  GPtrArray *one = br_rank_select(all.units, pack, 5);
  GPtrArray *merged = br_partial_merge_select(m, 5, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(m->units, ==, br_unit_table_size(all.units));
  g_assert_cmpuint(m->result.lines_scored, ==, 100);
  g_assert_cmpuint(m->rows_read, ==, 100);
  g_assert_cmpstr(m->list_date, ==, "2026-03-02");
  g_assert_cmpstr(m->inputs->str, ==, "b.part, a.part");
  for (guint k = 0; k < all.nrules; k++)
    g_assert_cmpuint(m->result.fire_counts[k], ==, all.fire_counts[k]);
  char *want = lists_csv(one, pack), *got = lists_csv(merged, pack);
  g_assert_cmpstr(got, ==, want);
  /* Every unit's reasons came through, not only the listed ones', in (port, unit) order. */
  GPtrArray *units = br_unit_table_sorted(all.units);
  g_assert_true(br_unit_runs_rewind(m->runs, FALSE, &error));
  guint checked = 0;
  const BrUnit *v;
  while ((v = br_unit_runs_next(m->runs, &error))) {
    g_assert_cmpuint(checked, <, units->len);
    const BrUnit *u = units->pdata[checked++];
    g_assert_cmpstr(u->port, ==, v->port);
    g_assert_cmpstr(u->unit, ==, v->unit);
    g_assert_cmpfloat(u->score, ==, v->score);
    g_assert_cmpuint(u->nlines, ==, v->nlines);
    g_assert_cmpstr(u->record, ==, v->record);
    g_assert_cmpuint(u->reasons ? u->reasons->len : 0, ==, v->reasons ? v->reasons->len : 0);
  }
  g_assert_no_error(error);
  g_assert_cmpuint(checked, ==, units->len);

  g_ptr_array_free(units, TRUE);
  g_free(want);
  g_free(got);
  g_ptr_array_free(one, TRUE);
  g_ptr_array_free(merged, TRUE);
  br_partial_merge_free(m);
  br_pipeline_result_clear(&all);
  br_pipeline_result_clear(&a);
  br_pipeline_result_clear(&b);
  g_unlink(pa);
  g_unlink(pb);
  g_free(pa);
  g_free(pb);
  br_pack_free(pack);
}

/* Prefixes of a partial, and a flipped byte in its counts, fails with the file named,
 * never reads past what it holds. */
/* Without g_file_set_contents' fsync: thousands of prefixes are written. */
static void
write_bytes(const char *path, const char *bytes, gsize n)
{
  FILE *f = g_fopen(path, "wb");
  g_assert_nonnull(f);
  g_assert_cmpuint(fwrite(bytes, 1, n, f), ==, n);
  g_assert_cmpint(fclose(f), ==, 0);
}

static void
test_cut_short(void)
{
  BrPack *pack = load_pack();
  BrPipelineResult a;
  result_init(&a, pack);
  for (guint i = 0; i < 12; i++)
    add_line(&a, i);
  char *pa = write_partial(pack, &a, "a.part");
  char *bytes;
  gsize len;
  g_assert_true(g_file_get_contents(pa, &bytes, &len, NULL));
  char *cut = g_build_filename(tmp, "cut.part", NULL);
  /* Every cut in the header, then every 7th: each field kind is cut somewhere. */
  for (gsize n = 0; n < len; n += n < 200 ? 1 : 7) {
    write_bytes(cut, bytes, n);
    BrPartialMerge *m = br_partial_merge_new(pack);
    GError *error = NULL;
    GPtrArray *lists = NULL;
    g_assert_false(br_partial_merge_add(m, cut, &error) &&
                   (lists = br_partial_merge_select(m, 5, &error)));
    g_assert_null(lists);
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "cut.part: "));
    g_error_free(error);
    br_partial_merge_free(m);
  }
  /* A string length read as huge (its last byte set high) is refused, not allocated. */
  bytes[sizeof "BOXRANK-PARTIAL 1\n" - 1 + 3] = (char)0x7f;
  write_bytes(cut, bytes, len);
  BrPartialMerge *m = br_partial_merge_new(pack);
  GError *error = NULL;
  g_assert_false(br_partial_merge_add(m, cut, &error));
  g_assert_nonnull(strstr(error->message, "longer than any boxrank writes"));
  g_error_free(error);
  br_partial_merge_free(m);
  g_unlink(cut);
  g_unlink(pa);
  g_free(cut);
  g_free(pa);
  g_free(bytes);
  br_pipeline_result_clear(&a);
  br_pack_free(pack);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  tmp = g_dir_make_tmp("br-partial-XXXXXX", NULL);
  g_test_add_func("/partial/split_units", test_split_units);
  g_test_add_func("/partial/cut_short", test_cut_short);
  int status = g_test_run();
  char *ini = g_build_filename(tmp, "pack.ini", NULL), *lua = g_build_filename(tmp, "r.lua", NULL);
  g_unlink(ini);
  g_unlink(lua);
  g_rmdir(tmp);
  g_free(ini);
  g_free(lua);
  g_free(tmp);
  return status;
}
