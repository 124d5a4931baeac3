/* OFAC's Specially Designated Nationals list in its raw CSV form.
 *
 * sdn.csv: ent_num, name, type, program, title, call sign, vessel type, tonnage, GRT, vessel
 * flag, vessel owner, remarks. alt.csv: ent_num, alt_num, type (aka, fka, nka), name, remarks.
 * No header; "-0-" (often followed by a space) means empty. */
#include <stdlib.h>
#include <string.h>

#include "br_watchlist.h"

enum { SDN_ENT, SDN_NAME, SDN_TYPE, SDN_PROGRAM, SDN_REMARKS = 11, SDN_FIELDS = 12 };
enum { ALT_ENT, ALT_NUM, ALT_TYPE, ALT_NAME, ALT_FIELDS = 5 };
enum { ADD_ENT, ADD_NUM, ADD_STREET, ADD_CITY, ADD_COUNTRY, ADD_FIELDS = 6 };

typedef struct {
  BrWatchlist *wl;
  const char *path;
  GHashTable *by_ent; /* ent_num -> entry index + 1 */
  GRegex *imo;
  GRegex *aka;
} Ofac;

/* The field trimmed, or "" for OFAC's empty marker. Modifies the field in place. */
static const char *
field(char **fields, guint i)
{
  char *f = g_strstrip(fields[i]);
  return strcmp(f, "-0-") == 0 ? "" : f;
}

static gboolean
parse_ent(const char *text, guint *ent)
{
  char *end;
  guint64 v = g_ascii_strtoull(text, &end, 10);
  if (!*text || *end || v == 0 || v > G_MAXUINT)
    return FALSE;
  *ent = (guint)v;
  return TRUE;
}

/* What every row is checked for first: its number of fields, its encoding and its ent_num. */
static gboolean
row_ent(Ofac *o, char **fields, guint n, guint expected, guint ent_field, const char *where,
        guint *ent)
{
  if (n != expected) {
    br_watchlist_reject(o->wl, where, "%u fields, expected %u", n, expected);
    return FALSE;
  }
  guint bad = br_watchlist_bad_utf8(fields, n);
  if (bad) {
    br_watchlist_reject(o->wl, where, "field %u is not valid UTF-8", bad);
    return FALSE;
  }
  const char *text = field(fields, ent_field);
  if (!parse_ent(text, ent)) {
    br_watchlist_reject(o->wl, where, "field 1 (ent_num): '%s' is not a positive number", text);
    return FALSE;
  }
  return TRUE;
}

static gboolean
sdn_row(char **fields, guint n, guint line, gpointer user, GError **error)
{
  Ofac *o = user;
  char *where = g_strdup_printf("%s:%u", o->path, line);
  guint ent;
  if (!row_ent(o, fields, n, SDN_FIELDS, SDN_ENT, where, &ent))
    goto out;
  const char *name = field(fields, SDN_NAME), *type = field(fields, SDN_TYPE);
  const char *program = field(fields, SDN_PROGRAM), *remarks = field(fields, SDN_REMARKS);
  if (!*name) {
    br_watchlist_reject(o->wl, where, "field 2 (name) is empty");
    goto out;
  }
  if (g_hash_table_contains(o->by_ent, GUINT_TO_POINTER(ent))) {
    br_watchlist_reject(o->wl, where, "ent_num %u appears twice", ent);
    goto out;
  }
  BrWatchKind kind;
  if (!*type)
    kind = BR_WATCH_ENTITY;
  else if (!br_watch_kind_parse(type, &kind) ||
           (kind != BR_WATCH_INDIVIDUAL && kind != BR_WATCH_VESSEL && kind != BR_WATCH_AIRCRAFT)) {
    br_watchlist_reject(o->wl, where, "field 3 (type): unknown SDN type '%s'", type);
    goto out;
  }
  char imo[8] = "";
  if (kind == BR_WATCH_VESSEL) {
    GMatchInfo *m = NULL;
    if (g_regex_match(o->imo, remarks, 0, &m)) {
      char *digits = g_match_info_fetch(m, 1);
      if (!br_watchlist_imo_valid(digits, imo))
        br_watchlist_reject(o->wl, where,
                            "vessel %s: IMO %s has a wrong check digit; kept "
                            "by name only",
                            name, digits);
      g_free(digits);
    }
    g_match_info_free(m);
  }
  char *id = g_strdup_printf("%u", ent);
  guint entry = br_watchlist_add(o->wl, kind, id, name, imo[0] ? imo : NULL, program,
                                 *remarks ? remarks : NULL);
  g_free(id);
  g_hash_table_insert(o->by_ent, GUINT_TO_POINTER(ent), GUINT_TO_POINTER(entry + 1));
  br_watchlist_ofac_remarks(o->wl, entry, where, remarks);
  /* Weak aliases are only in the remarks: a.k.a. 'BNC'. */
  GMatchInfo *m = NULL;
  g_regex_match(o->aka, remarks, 0, &m);
  while (g_match_info_matches(m)) {
    char *alias = g_match_info_fetch(m, 1);
    br_watchlist_add_alias(o->wl, entry, alias, BR_NAME_QUALITY_LOW);
    g_free(alias);
    g_match_info_next(m, NULL);
  }
  g_match_info_free(m);
out:
  g_free(where);
  return TRUE;
}

static gboolean
alt_row(char **fields, guint n, guint line, gpointer user, GError **error)
{
  Ofac *o = user;
  char *where = g_strdup_printf("%s:%u", o->path, line);
  guint ent;
  if (!row_ent(o, fields, n, ALT_FIELDS, ALT_ENT, where, &ent))
    goto out;
  const char *type = field(fields, ALT_TYPE), *name = field(fields, ALT_NAME);
  guint entry = GPOINTER_TO_UINT(g_hash_table_lookup(o->by_ent, GUINT_TO_POINTER(ent)));
  if (!entry) {
    br_watchlist_reject(o->wl, where, "alias of ent_num %u, which sdn.csv does not have", ent);
    goto out;
  }
  if (!*name) {
    br_watchlist_reject(o->wl, where, "field 4 (alias name) is empty");
    goto out;
  }
  if (g_ascii_strcasecmp(type, "aka") != 0 && g_ascii_strcasecmp(type, "fka") != 0 &&
      g_ascii_strcasecmp(type, "nka") != 0) {
    br_watchlist_reject(o->wl, where, "field 3 (alias type): unknown '%s'", type);
    goto out;
  }
  br_watchlist_add_alias(o->wl, entry - 1, name, BR_NAME_QUALITY_GOOD);
out:
  g_free(where);
  return TRUE;
}

/* add.csv: ent_num, add_num, street, city (with state and postal code), country, remarks. */
static gboolean
add_row(char **fields, guint n, guint line, gpointer user, GError **error)
{
  Ofac *o = user;
  char *where = g_strdup_printf("%s:%u", o->path, line);
  guint ent;
  if (!row_ent(o, fields, n, ADD_FIELDS, ADD_ENT, where, &ent))
    goto out;
  guint entry = GPOINTER_TO_UINT(g_hash_table_lookup(o->by_ent, GUINT_TO_POINTER(ent)));
  if (!entry) {
    br_watchlist_reject(o->wl, where, "address of ent_num %u, which sdn.csv does not have", ent);
    goto out;
  }
  const char *street = field(fields, ADD_STREET), *city = field(fields, ADD_CITY);
  const char *country = field(fields, ADD_COUNTRY);
  char *text = g_strdup_printf("%s%s%s", street, *street && *city ? ", " : "", city);
  br_watchlist_add_fact(o->wl, entry - 1, BR_FACT_ADDRESS, text, country);
  br_watchlist_add_country(o->wl, entry - 1, where, country, "address");
  g_free(text);
out:
  g_free(where);
  return TRUE;
}

BrWatchlist *
br_watchlist_load_ofac(const char *dir, GError **error)
{
  Ofac o = {br_watchlist_new("ofac", dir), NULL, g_hash_table_new(NULL, NULL),
            g_regex_new("IMO ([0-9]{7})", G_REGEX_OPTIMIZE, 0, NULL),
            g_regex_new("a\\.k\\.a\\. '([^']+)'", G_REGEX_OPTIMIZE, 0, NULL)};
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  char *sdn = g_build_filename(dir, "sdn.csv", NULL);
  char *alt = g_build_filename(dir, "alt.csv", NULL);
  char *add = g_build_filename(dir, "add.csv", NULL);
  o.path = sdn;
  if (!br_watchlist_read_csv(sdn, sdn_row, &o, sum, error))
    goto fail;
  o.path = alt;
  if (!br_watchlist_read_csv(alt, alt_row, &o, sum, error))
    goto fail;
  /* Addresses are optional: a folder of the two name files is a list without them. */
  o.path = add;
  if (g_file_test(add, G_FILE_TEST_EXISTS) && !br_watchlist_read_csv(add, add_row, &o, sum, error))
    goto fail;
  o.wl->content_hash = g_strdup(g_checksum_get_string(sum));
  goto out;
fail:
  br_watchlist_free(o.wl);
  o.wl = NULL;
out:
  g_checksum_free(sum);
  g_hash_table_destroy(o.by_ent);
  g_regex_unref(o.imo);
  g_regex_unref(o.aka);
  g_free(sdn);
  g_free(alt);
  g_free(add);
  return o.wl;
}
