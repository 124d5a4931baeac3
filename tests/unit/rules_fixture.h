/* Helpers for the rule engine tests: packs written into a scratch folder, and one record of a
 * small schema filled field by field. */
#pragma once

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "br_rules.h"

G_GNUC_UNUSED static char *rules_tmpdir;

/* Writes pack.ini (a minimal one when ini is NULL) and rules.lua into tmp/name. */
static inline char *
rules_make_pack(const char *name, const char *ini, const char *lua)
{
  char *dir = g_build_filename(rules_tmpdir, name, NULL);
  g_mkdir_with_parents(dir, 0700);
  char *p = g_build_filename(dir, "pack.ini", NULL);
  g_assert_true(g_file_set_contents(p, ini ? ini : "[pack]\nname = t\n", -1, NULL));
  g_free(p);
  p = g_build_filename(dir, "rules.lua", NULL);
  g_assert_true(g_file_set_contents(p, lua, -1, NULL));
  g_free(p);
  return dir;
}

typedef struct {
  BrSchema *schema;
  BrBatch *batch;
  BrValue *rec;
} RulesLine;

static inline void
rules_line_init(RulesLine *l)
{
  l->schema = br_schema_new();
  br_schema_add(l->schema, "origin_country", BR_TYPE_STRING, -1);
  br_schema_add(l->schema, "declared_kg", BR_TYPE_DECIMAL, -1);
  br_schema_add(l->schema, "measured_kg", BR_TYPE_DECIMAL, -1);
  br_schema_add(l->schema, "hs_code", BR_TYPE_STRING, -1);
  br_schema_add(l->schema, "description", BR_TYPE_STRING, -1);
  br_schema_add(l->schema, "transship_ports", BR_TYPE_LIST, -1);
  br_schema_add(l->schema, "arrival_date", BR_TYPE_DATE, -1);
  br_schema_add(l->schema, "container", BR_TYPE_STRING, -1);
  br_schema_add(l->schema, "load_port", BR_TYPE_STRING, -1);
  br_schema_add(l->schema, "discharge_port", BR_TYPE_STRING, -1);
  br_schema_add(l->schema, "packages", BR_TYPE_INT, -1);
  l->batch = br_batch_new(l->schema, 1);
  l->rec = br_batch_append(l->batch, 1);
}

static inline void
rules_line_clear(RulesLine *l)
{
  br_batch_free(l->batch);
  br_schema_free(l->schema);
}

static inline void
rules_set_str(RulesLine *l, const char *field, const char *v)
{
  int f = br_schema_find(l->schema, field);
  g_assert_cmpint(f, >=, 0);
  BrValue *x = &l->rec[f];
  x->str = v ? v : "";
  x->len = v ? (guint32)strlen(v) : 0;
  x->missing = v == NULL || !*v;
}

/* A number as the feed would give it: the text and its value. */
static inline void
rules_set_num(RulesLine *l, const char *field, double v)
{
  int f = br_schema_find(l->schema, field);
  g_assert_cmpint(f, >=, 0);
  BrValue *x = &l->rec[f];
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(buf, sizeof buf, "%g", v);
  x->str = br_batch_strdup(l->batch, buf, strlen(buf));
  x->len = (guint32)strlen(buf);
  x->missing = FALSE;
  x->num = v;
}

static inline gboolean
rules_fired(const BrLineResult *r, guint rule, const char **reason)
{
  for (guint k = 0; k < r->nfired; k++)
    if (r->fired[k] == rule) {
      if (reason)
        *reason = r->reasons[k];
      return TRUE;
    }
  return FALSE;
}
