#include "br_profile.h"

#include <errno.h>
#include <string.h>

#include "br_feed.h"
#include "br_suggest.h"

#define DEFAULT_MAX_FIELD (64 * 1024)
#define FIELD_GROUP "field "

struct BrProfile {
  char *name;
  char *path;
  char *encoding;
  guint header_line;
  char delimiter;
  char quote;
  char list_sep;
  char decimal;
  char thousands;
  char **date_formats;
  GTimeZone *tz, *source_tz;
  gsize max_field;
  gboolean typed_passthrough; /* unmapped canonical headers get canonical types */
  GArray *fields;             /* BrProfileField */
  GHashTable *types;          /* name -> GINT_TO_POINTER(BrType + 1) */
  char **absent;
};

static const char *const groups[] = {"profile", "columns", "types", "constants", NULL};
static const char *const profile_keys[] = {
    "name",       "description",      "encoding",        "header_line",
    "skip_lines", "delimiter",        "quote",           "list_separator",
    "decimal",    "thousands",        "date_format",     "date_formats",
    "time_zone",  "source_time_zone", "max_field_bytes", "absent",
    NULL};
static const char *const field_keys[] = {
    "column",      "columns",         "type",  "decimal",  "thousands", "date_formats",
    "unit_column", "currency_column", "rates", "code_map", "unmapped",  NULL};

static void
field_clear(gpointer p)
{
  BrProfileField *f = p;
  g_free(f->name);
  g_strfreev(f->columns);
  g_free(f->constant);
  g_strfreev(f->date_formats);
  g_free(f->unit_column);
  g_free(f->currency_column);
  if (f->rates)
    g_hash_table_destroy(f->rates);
  g_free(f->rates_path);
  if (f->codes)
    g_hash_table_destroy(f->codes);
  g_free(f->code_map_path);
}

static BrProfile *
profile_new(const char *name)
{
  BrProfile *p = g_new0(BrProfile, 1);
  p->name = g_strdup(name);
  p->header_line = 1;
  p->delimiter = ',';
  p->quote = '"';
  p->list_sep = ';';
  p->decimal = '.';
  p->date_formats = g_strsplit("%Y-%m-%d", "|", -1);
  p->max_field = DEFAULT_MAX_FIELD;
  p->typed_passthrough = TRUE;
  p->fields = g_array_new(FALSE, TRUE, sizeof(BrProfileField));
  g_array_set_clear_func(p->fields, field_clear);
  p->types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->absent = g_new0(char *, 1);
  return p;
}

BrProfile *
br_profile_new_identity(void)
{
  return profile_new("identity");
}

void
br_profile_free(BrProfile *profile)
{
  if (!profile)
    return;
  g_free(profile->name);
  g_free(profile->path);
  g_free(profile->encoding);
  g_strfreev(profile->date_formats);
  if (profile->tz)
    g_time_zone_unref(profile->tz);
  if (profile->source_tz)
    g_time_zone_unref(profile->source_tz);
  g_array_free(profile->fields, TRUE);
  g_hash_table_destroy(profile->types);
  g_strfreev(profile->absent);
  g_free(profile);
}

const char *
br_profile_name(const BrProfile *profile)
{
  return profile->name;
}

const char *
br_profile_path(const BrProfile *profile)
{
  return profile->path;
}

char
br_profile_delimiter(const BrProfile *profile)
{
  return profile->delimiter;
}

char
br_profile_quote(const BrProfile *profile)
{
  return profile->quote;
}

char
br_profile_list_separator(const BrProfile *profile)
{
  return profile->list_sep;
}

char
br_profile_decimal(const BrProfile *profile)
{
  return profile->decimal;
}

char
br_profile_thousands(const BrProfile *profile)
{
  return profile->thousands;
}

const char *
br_profile_date_format(const BrProfile *profile)
{
  return profile->date_formats[0];
}

const char *const *
br_profile_date_formats(const BrProfile *profile)
{
  return (const char *const *)profile->date_formats;
}

GTimeZone *
br_profile_time_zone(const BrProfile *profile)
{
  return profile->tz;
}

GTimeZone *
br_profile_source_time_zone(const BrProfile *profile)
{
  return profile->source_tz ? profile->source_tz : profile->tz;
}

const char *
br_profile_encoding(const BrProfile *profile)
{
  return profile->encoding;
}

guint
br_profile_header_line(const BrProfile *profile)
{
  return profile->header_line;
}

gsize
br_profile_max_field_bytes(const BrProfile *profile)
{
  return profile->max_field;
}

const BrProfileField *
br_profile_fields(const BrProfile *profile, guint *count)
{
  *count = profile->fields->len;
  return (const BrProfileField *)(gpointer)profile->fields->data;
}

const char *const *
br_profile_absent(const BrProfile *profile)
{
  return (const char *const *)profile->absent;
}

gboolean
br_profile_unit_factor(const char *unit, gsize len, double *kg)
{
  static const struct {
    const char *name;
    double kg;
  } units[] = {
      {"KG", 1},           {"KGS", 1},          {"KGM", 1},     {"LB", 0.45359237},
      {"LBS", 0.45359237}, {"LBR", 0.45359237}, {"T", 1000},    {"MT", 1000},
      {"TNE", 1000},       {"G", 0.001},        {"GRM", 0.001},
  };
  while (len && g_ascii_isspace(*unit)) {
    unit++;
    len--;
  }
  while (len && g_ascii_isspace(unit[len - 1]))
    len--;
  for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
    if (strlen(units[i].name) == len && g_ascii_strncasecmp(units[i].name, unit, len) == 0) {
      *kg = units[i].kg;
      return TRUE;
    }
  }
  return FALSE;
}

/* The line of the profile file where [group] sets key (key NULL: the group's own line), 0 when
 * it cannot be found. GKeyFile keeps no line numbers, so the file is read again. */
static guint
key_line(const char *path, const char *group, const char *key)
{
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return 0;
  char **lines = g_strsplit(text, "\n", -1);
  g_free(text);
  guint found = 0;
  gboolean in_group = FALSE;
  gsize glen = strlen(group), klen = key ? strlen(key) : 0;
  for (guint i = 0; lines[i]; i++) {
    const char *l = lines[i];
    while (*l == ' ' || *l == '\t')
      l++;
    if (*l == '[') {
      in_group = strncmp(l + 1, group, glen) == 0 && l[1 + glen] == ']';
      if (in_group && !key)
        found = i + 1;
    } else if (in_group && key && strncmp(l, key, klen) == 0) {
      const char *e = l + klen;
      while (*e == ' ' || *e == '\t')
        e++;
      if (*e == '=')
        found = i + 1; /* the last one: the value GKeyFile keeps */
    }
  }
  g_strfreev(lines);
  return found;
}

/* Errors name the profile file, and the line when the message is about "[group] key" or an
 * unknown group or key. */
static gboolean G_GNUC_PRINTF(3, 4) fail(GError **error, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  guint line = 0;
  const char *close = msg[0] == '[' ? strchr(msg, ']') : NULL;
  if (close && close[1] == ' ') {
    char *group = g_strndup(msg + 1, (gsize)(close - msg - 1));
    const char *k = close + 2;
    char *key = NULL;
    if (g_str_has_prefix(k, "unknown key \"")) {
      k += strlen("unknown key \"");
      key = g_strndup(k, strcspn(k, "\""));
    } else {
      key = g_strndup(k, strcspn(k, " :,"));
    }
    line = key_line(path, group, key);
    if (!line)
      line = key_line(path, group, NULL);
    g_free(group);
    g_free(key);
  } else if (g_str_has_prefix(msg, "unknown group [")) {
    const char *g = msg + strlen("unknown group [");
    char *group = g_strndup(g, strcspn(g, "]"));
    line = key_line(path, group, NULL);
    g_free(group);
  }
  if (line)
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE, "%s:%u: %s", path, line, msg);
  else
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE, "%s: %s", path, msg);
  g_free(msg);
  return FALSE;
}

/* One character, or a name for the ones an INI value cannot hold plainly. */
static gboolean
parse_char(const char *path, const char *group, const char *key, const char *text,
           gboolean allow_none, char *out, GError **error)
{
  static const struct {
    const char *name;
    char c;
  } named[] = {{"tab", '\t'}, {"space", ' '}, {"semicolon", ';'}, {"comma", ','}};
  for (guint i = 0; i < G_N_ELEMENTS(named); i++) {
    if (g_ascii_strcasecmp(text, named[i].name) == 0) {
      *out = named[i].c;
      return TRUE;
    }
  }
  if (allow_none && g_ascii_strcasecmp(text, "none") == 0) {
    *out = 0;
    return TRUE;
  }
  if (strlen(text) != 1 || text[0] == '\n' || text[0] == '\r' || (guchar)text[0] >= 0x80)
    return fail(error, path,
                "[%s] %s must be one ASCII character (or tab, space, comma, semicolon%s), "
                "not \"%s\"",
                group, key, allow_none ? ", none" : "", text);
  *out = text[0];
  return TRUE;
}

/* A format is read as directives and literal text; a date needs a year, a month and a day. */
static gboolean
date_format_valid(const char *fmt, char *why, gsize why_len)
{
  gboolean y = FALSE, m = FALSE, d = FALSE;
  for (const char *p = fmt; *p; p++) {
    if (*p != '%')
      continue;
    p++;
    switch (*p) {
    case 'Y':
    case 'y':
      y = TRUE;
      break;
    case 'm':
    case 'b':
      m = TRUE;
      break;
    case 'd':
      d = TRUE;
      break;
    case 'H':
    case 'M':
    case 'S':
    case 'z':
    case '%':
      break;
    default:
      g_snprintf(why, why_len, "unknown directive %%%c", *p ? *p : ' ');
      return FALSE;
    }
    if (!*p)
      break;
  }
  if (!y || !m || !d) {
    g_snprintf(why, why_len, "needs a year (%%Y or %%y), a month (%%m or %%b) and a day (%%d)");
    return FALSE;
  }
  return TRUE;
}

/* "a | b | c" -> {"a", "b", "c"}, blanks trimmed, empty items dropped. */
static char **
split_list(const char *text)
{
  char **parts = g_strsplit(text, "|", -1);
  GPtrArray *out = g_ptr_array_new();
  for (char **p = parts; *p; p++) {
    g_strstrip(*p);
    if (**p)
      g_ptr_array_add(out, g_strdup(*p));
  }
  g_strfreev(parts);
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

static gboolean
parse_date_formats(const char *path, const char *group, const char *key, const char *text,
                   char ***out, GError **error)
{
  char **formats = split_list(text);
  if (!formats[0]) {
    g_strfreev(formats);
    return fail(error, path, "[%s] %s is empty", group, key);
  }
  for (char **f = formats; *f; f++) {
    char why[128];
    if (!date_format_valid(*f, why, sizeof why)) {
      fail(error, path, "[%s] %s: \"%s\" %s (directives: %%Y %%y %%m %%b %%d %%H %%M %%S %%z)",
           group, key, *f, why);
      g_strfreev(formats);
      return FALSE;
    }
  }
  g_strfreev(*out);
  *out = formats;
  return TRUE;
}

static gboolean
parse_zone(const char *path, const char *key, const char *text, GTimeZone **out, GError **error)
{
  GTimeZone *tz = g_time_zone_new_identifier(text);
  if (!tz)
    return fail(error, path,
                "[profile] %s: unknown time zone \"%s\" (an IANA name such as Asia/Baghdad, UTC, "
                "or an offset such as +03:00)",
                key, text);
  *out = tz;
  return TRUE;
}

/* Unknown groups and keys are errors: a misspelt key would otherwise be ignored and its
 * default used without a word. */
static gboolean
check_keys(GKeyFile *kf, const char *path, GError **error)
{
  gboolean ok = TRUE;
  char **names = g_key_file_get_groups(kf, NULL);
  for (guint i = 0; ok && names[i]; i++) {
    const char *g = names[i];
    const char *const *known = NULL;
    if (strcmp(g, "profile") == 0)
      known = profile_keys;
    else if (g_str_has_prefix(g, FIELD_GROUP) && g[strlen(FIELD_GROUP)])
      known = field_keys;
    else if (!g_strv_contains(groups, g)) {
      const char *all[] = {"profile", "columns", "types", "constants", "field NAME", NULL};
      char *hint = br_suggest_hint(g, all);
      ok = fail(error, path,
                "unknown group [%s]%s (known: [profile], [columns], [types], [constants], "
                "[field NAME])",
                g, hint);
      g_free(hint);
      continue;
    }
    if (!known)
      continue;
    char **keys = g_key_file_get_keys(kf, g, NULL, NULL);
    for (guint k = 0; ok && keys && keys[k]; k++) {
      if (g_strv_contains(known, keys[k]))
        continue;
      char *hint = br_suggest_hint(keys[k], known);
      char *list = g_strjoinv(", ", (char **)known);
      ok = fail(error, path, "[%s] unknown key \"%s\"%s (known: %s)", g, keys[k], hint, list);
      g_free(list);
      g_free(hint);
    }
    g_strfreev(keys);
  }
  g_strfreev(names);
  return ok;
}

/* GKeyFile hands back NULL for a value that is not UTF-8; say where it is. */
static char *
get_string(GKeyFile *kf, const char *path, const char *group, const char *key, GError **error)
{
  GError *local = NULL;
  char *v = g_key_file_get_string(kf, group, key, &local);
  if (!v) {
    fail(error, path, "[%s] %s: %s", group, key,
         local ? local->message : "the value is not valid UTF-8");
    g_clear_error(&local);
    return NULL;
  }
  return g_strstrip(v);
}

static BrProfileField *
field_find(BrProfile *p, const char *name)
{
  for (guint i = 0; i < p->fields->len; i++) {
    BrProfileField *f = &g_array_index(p->fields, BrProfileField, i);
    if (strcmp(f->name, name) == 0)
      return f;
  }
  return NULL;
}

static BrProfileField *
field_get(BrProfile *p, const char *name)
{
  BrProfileField *f = field_find(p, name);
  if (f)
    return f;
  BrProfileField nf = {0};
  nf.name = g_strdup(name);
  g_array_append_val(p->fields, nf);
  return &g_array_index(p->fields, BrProfileField, p->fields->len - 1);
}

static char *
relative_to(const char *profile_path, const char *file)
{
  if (g_path_is_absolute(file))
    return g_strdup(file);
  char *dir = g_path_get_dirname(profile_path);
  char *full = g_build_filename(dir, file, NULL);
  g_free(dir);
  return full;
}

/* Reads a two-column CSV (header first) into key -> value: a code map, or a rate table
 * (numeric: value is a positive number). Keys are compared in upper case. */
static GHashTable *
load_pairs(const char *profile_path, const char *what, const char *file, gboolean numeric,
           GError **error)
{
  BrProfile *plain = profile_new(what);
  plain->typed_passthrough = FALSE;
  GError *local = NULL;
  BrFeed *feed = br_feed_open(file, plain, NULL, &local);
  GHashTable *map = NULL;
  if (!feed) {
    fail(error, profile_path, "%s: %s", what, local->message);
    g_error_free(local);
    goto out;
  }
  if (br_schema_size(br_feed_schema(feed)) < 2) {
    fail(error, profile_path, "%s %s: needs two columns (code, then what it maps to)", what, file);
    goto out;
  }
  map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  BrBatch *b = br_batch_new(br_feed_schema(feed), 256);
  gint n;
  while (map && (n = br_feed_next_batch(feed, b, &local)) > 0) {
    for (guint i = 0; i < b->count; i++) {
      const BrValue *rec = br_batch_record(b, i);
      char *key = g_ascii_strup(rec[0].str, -1);
      const char *val = rec[1].str;
      gpointer stored;
      char *bad = NULL;
      if (!*key)
        bad = g_strdup("the code is empty");
      else if (g_hash_table_lookup_extended(map, key, NULL, &stored) &&
               (numeric ? *(double *)stored != g_ascii_strtod(val, NULL)
                        : strcmp(stored, val) != 0))
        bad = g_strdup_printf("\"%s\" is given twice, with different values", rec[0].str);
      else if (!*val)
        bad = g_strdup_printf("\"%s\" maps to nothing", rec[0].str);
      gpointer v = NULL;
      if (!bad && numeric) {
        char *end;
        errno = 0;
        double r = g_ascii_strtod(val, &end);
        if (errno || *end || !(r > 0) || r > 1e12)
          bad = g_strdup_printf("rate \"%s\" is not a positive number", val);
        else
          v = g_memdup2(&r, sizeof r);
      } else if (!bad) {
        v = g_strdup(val);
      }
      if (bad) {
        fail(error, profile_path, "%s %s:%" G_GUINT64_FORMAT ": %s", what, file, b->line_no[i],
             bad);
        g_free(bad);
        g_free(key);
        g_hash_table_destroy(map);
        map = NULL;
        break;
      }
      g_hash_table_insert(map, key, v);
    }
  }
  br_batch_free(b);
  if (map && local) {
    fail(error, profile_path, "%s: %s", what, local->message);
    g_clear_error(&local);
    g_clear_pointer(&map, g_hash_table_destroy);
  } else if (map && br_feed_rows_rejected(feed) > 0) {
    fail(error, profile_path,
         "%s %s: %" G_GUINT64_FORMAT " rows cannot be read (wrong number of fields, or not UTF-8)",
         what, file, br_feed_rows_rejected(feed));
    g_clear_pointer(&map, g_hash_table_destroy);
  }
out:
  br_feed_close(feed);
  br_profile_free(plain);
  return map;
}

/* 1 with *text set when [profile] has the key, 0 when it does not, -1 with error set when its
 * value cannot be read. */
static int
profile_key(GKeyFile *kf, const char *path, const char *key, char **text, GError **error)
{
  if (!g_key_file_has_key(kf, "profile", key, NULL))
    return 0;
  *text = get_string(kf, path, "profile", key, error);
  return *text ? 1 : -1;
}

static gboolean
load_profile_group(BrProfile *p, GKeyFile *kf, const char *path, GError **error)
{
  char *text = NULL;
  int r;
  if ((r = profile_key(kf, path, "name", &text, error)) < 0)
    return FALSE;
  if (r) {
    g_free(p->name);
    p->name = g_steal_pointer(&text);
  }
  if ((r = profile_key(kf, path, "description", &text, error)) < 0)
    return FALSE;
  g_clear_pointer(&text, g_free);
  if ((r = profile_key(kf, path, "encoding", &text, error)) < 0)
    return FALSE;
  if (r) {
    GIConv cd = g_iconv_open("UTF-8", text);
    if (cd == (GIConv)-1) {
      fail(error, path,
           "[profile] encoding: iconv does not know \"%s\" (for example WINDOWS-1256, "
           "ISO-8859-6, UTF-16, CP1252)",
           text);
      g_free(text);
      return FALSE;
    }
    g_iconv_close(cd);
    /* UTF-8 needs no decoding: the reader checks it as it parses. */
    if (g_ascii_strcasecmp(text, "UTF-8") == 0 || g_ascii_strcasecmp(text, "UTF8") == 0)
      g_free(text);
    else
      p->encoding = text;
    text = NULL;
  }
  gboolean has_header = g_key_file_has_key(kf, "profile", "header_line", NULL);
  gboolean has_skip = g_key_file_has_key(kf, "profile", "skip_lines", NULL);
  if (has_header && has_skip)
    return fail(error, path, "[profile] give header_line or skip_lines, not both");
  if (has_header || has_skip) {
    const char *key = has_header ? "header_line" : "skip_lines";
    GError *local = NULL;
    gint64 v = g_key_file_get_int64(kf, "profile", key, &local);
    gint64 min = has_header ? 1 : 0;
    if (local || v < min || v > 1000000) {
      g_clear_error(&local);
      return fail(error, path, "[profile] %s must be a number from %" G_GINT64_FORMAT " to 1000000",
                  key, min);
    }
    p->header_line = (guint)(has_header ? v : v + 1);
  }
  static const struct {
    const char *key;
    gsize offset;
    gboolean allow_none;
  } chars[] = {
      {"delimiter", G_STRUCT_OFFSET(BrProfile, delimiter), FALSE},
      {"quote", G_STRUCT_OFFSET(BrProfile, quote), FALSE},
      {"list_separator", G_STRUCT_OFFSET(BrProfile, list_sep), FALSE},
      {"decimal", G_STRUCT_OFFSET(BrProfile, decimal), FALSE},
      {"thousands", G_STRUCT_OFFSET(BrProfile, thousands), TRUE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(chars); i++) {
    if ((r = profile_key(kf, path, chars[i].key, &text, error)) < 0)
      return FALSE;
    if (!r)
      continue;
    gboolean ok = parse_char(path, "profile", chars[i].key, text, chars[i].allow_none,
                             G_STRUCT_MEMBER_P(p, chars[i].offset), error);
    g_clear_pointer(&text, g_free);
    if (!ok)
      return FALSE;
  }
  if (g_key_file_has_key(kf, "profile", "date_format", NULL) &&
      g_key_file_has_key(kf, "profile", "date_formats", NULL))
    return fail(error, path, "[profile] give date_formats or date_format, not both");
  static const char *const date_keys[] = {"date_format", "date_formats"};
  for (guint i = 0; i < G_N_ELEMENTS(date_keys); i++) {
    if ((r = profile_key(kf, path, date_keys[i], &text, error)) < 0)
      return FALSE;
    gboolean ok =
        !r || parse_date_formats(path, "profile", date_keys[i], text, &p->date_formats, error);
    g_clear_pointer(&text, g_free);
    if (!ok)
      return FALSE;
  }
  static const char *const zone_keys[] = {"time_zone", "source_time_zone"};
  for (guint i = 0; i < G_N_ELEMENTS(zone_keys); i++) {
    if ((r = profile_key(kf, path, zone_keys[i], &text, error)) < 0)
      return FALSE;
    gboolean ok =
        !r || parse_zone(path, zone_keys[i], text, i == 0 ? &p->tz : &p->source_tz, error);
    g_clear_pointer(&text, g_free);
    if (!ok)
      return FALSE;
  }
  if (p->source_tz && !p->tz)
    return fail(error, path,
                "[profile] source_time_zone needs time_zone (the zone dates are taken in)");
  if (g_key_file_has_key(kf, "profile", "max_field_bytes", NULL)) {
    GError *local = NULL;
    gint64 v = g_key_file_get_int64(kf, "profile", "max_field_bytes", &local);
    if (local || v < 16 || v > (gint64)G_MAXINT32) {
      g_clear_error(&local);
      return fail(error, path, "[profile] max_field_bytes must be a number from 16 to %d",
                  G_MAXINT32);
    }
    p->max_field = (gsize)v;
  }
  if ((r = profile_key(kf, path, "absent", &text, error)) < 0)
    return FALSE;
  if (r) {
    g_strfreev(p->absent);
    p->absent = split_list(text);
    g_free(text);
  }
  if (p->delimiter == p->quote)
    return fail(error, path, "[profile] delimiter and quote must differ");
  if (p->thousands && p->thousands == p->decimal)
    return fail(error, path, "[profile] thousands and decimal must differ");
  return TRUE;
}

static gboolean
parse_type(const char *path, const char *group, const char *key, const char *text, BrType *out,
           GError **error)
{
  if (br_type_parse(text, out))
    return TRUE;
  const char *const names[] = {"string", "integer", "decimal", "date", "list", NULL};
  char *hint = br_suggest_hint(text, names);
  fail(error, path, "[%s] %s has unknown type \"%s\"%s (string, integer, decimal, date, list)",
       group, key, text, hint);
  g_free(hint);
  return FALSE;
}

static gboolean
load_field_group(BrProfile *p, GKeyFile *kf, const char *path, const char *group, GError **error)
{
  const char *name = group + strlen(FIELD_GROUP);
  BrProfileField *f = field_get(p, name);
  char *text = NULL;
  gboolean ok = TRUE;
  for (const char *const *k = field_keys; ok && *k; k++) {
    if (!g_key_file_has_key(kf, group, *k, NULL))
      continue;
    if (!(text = get_string(kf, path, group, *k, error)))
      return FALSE;
    const char *key = *k;
    if (strcmp(key, "column") == 0 || strcmp(key, "columns") == 0) {
      if (f->columns || f->constant)
        ok = fail(error, path, "[%s] %s: the field already has its source%s", group, key,
                  f->constant ? " (a constant)" : "");
      else if (!(f->columns = split_list(text))[0])
        ok = fail(error, path, "[%s] %s names no column", group, key);
      else if (strcmp(key, "column") == 0 && f->columns[1])
        ok = fail(error, path, "[%s] column names one column; several go in columns", group);
    } else if (strcmp(key, "type") == 0) {
      BrType t;
      ok = parse_type(path, group, key, text, &t, error);
      if (ok)
        g_hash_table_insert(p->types, g_strdup(name), GINT_TO_POINTER(t + 1));
    } else if (strcmp(key, "decimal") == 0) {
      ok = parse_char(path, group, key, text, FALSE, &f->decimal, error);
    } else if (strcmp(key, "thousands") == 0) {
      ok = parse_char(path, group, key, text, TRUE, &f->thousands, error);
      if (ok && !f->thousands)
        f->thousands = 1; /* "none", told apart from unset until defaults are filled in */
    } else if (strcmp(key, "date_formats") == 0) {
      ok = parse_date_formats(path, group, key, text, &f->date_formats, error);
    } else if (strcmp(key, "unit_column") == 0) {
      f->unit_column = g_steal_pointer(&text);
    } else if (strcmp(key, "currency_column") == 0) {
      f->currency_column = g_steal_pointer(&text);
    } else if (strcmp(key, "rates") == 0) {
      f->rates_path = relative_to(path, text);
      ok = (f->rates = load_pairs(path, "rate table", f->rates_path, TRUE, error)) != NULL;
    } else if (strcmp(key, "code_map") == 0) {
      f->code_map_path = relative_to(path, text);
      ok = (f->codes = load_pairs(path, "code map", f->code_map_path, FALSE, error)) != NULL;
    } else if (strcmp(key, "unmapped") == 0) {
      if (g_ascii_strcasecmp(text, "pass") == 0)
        f->unmapped_pass = TRUE;
      else if (g_ascii_strcasecmp(text, "reject") != 0)
        ok = fail(error, path, "[%s] unmapped must be reject or pass, not \"%s\"", group, text);
    }
    g_free(text);
    text = NULL;
  }
  if (!ok)
    return FALSE;
  if ((f->rates != NULL) != (f->currency_column != NULL))
    return fail(error, path, "[%s] currency_column and rates go together", group);
  if (g_key_file_has_key(kf, group, "unmapped", NULL) && !f->codes)
    return fail(error, path, "[%s] unmapped needs a code_map", group);
  return TRUE;
}

/* Fills in what a field does not set itself from the profile, and checks the whole. */
static gboolean
finish_fields(BrProfile *p, const char *path, GError **error)
{
  for (guint i = 0; i < p->fields->len; i++) {
    BrProfileField *f = &g_array_index(p->fields, BrProfileField, i);
    if (!f->columns && !f->constant)
      return fail(error, path,
                  "field %s has no column: give [columns] %s = HEADER or [field %s] "
                  "column",
                  f->name, f->name, f->name);
    if (g_strv_contains((const char *const *)p->absent, f->name))
      return fail(error, path, "[profile] absent names %s, which the profile also maps", f->name);
    gpointer t = g_hash_table_lookup(p->types, f->name);
    const BrCanonicalField *c = br_canonical_find(f->name);
    f->type = t ? (BrType)(GPOINTER_TO_INT(t) - 1) : c ? c->type : BR_TYPE_STRING;
    if (!f->decimal)
      f->decimal = p->decimal;
    f->thousands = f->thousands == 1 ? 0 : f->thousands ? f->thousands : p->thousands;
    if (f->thousands == f->decimal)
      return fail(error, path, "[field %s] thousands and decimal must differ", f->name);
    if (!f->date_formats)
      f->date_formats = g_strdupv(p->date_formats);
    gboolean numeric = f->type == BR_TYPE_INT || f->type == BR_TYPE_DECIMAL;
    if ((f->unit_column || f->currency_column) && !numeric)
      return fail(error, path,
                  "[field %s] unit_column and currency_column convert numbers, "
                  "but %s is a %s field",
                  f->name, f->name, br_type_name(f->type));
    if (f->unit_column && f->currency_column)
      return fail(error, path, "[field %s] a field is a mass or an amount, not both", f->name);
    if (f->codes && numeric)
      return fail(error, path, "[field %s] a code map maps text codes, but %s is a %s field",
                  f->name, f->name, br_type_name(f->type));
    if (f->columns && f->columns[1] && f->type != BR_TYPE_LIST && f->type != BR_TYPE_STRING)
      return fail(error, path,
                  "[field %s] several columns join into a list or text field, but "
                  "%s is a %s field",
                  f->name, f->name, br_type_name(f->type));
  }
  return TRUE;
}

BrProfile *
br_profile_load(const char *path, GError **error)
{
  GKeyFile *kf = g_key_file_new();
  BrProfile *p = NULL;
  GError *local = NULL;
  char **keys = NULL;

  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_PROFILE, "%s: %s", path, local->message);
    g_error_free(local);
    goto out;
  }
  if (!check_keys(kf, path, error))
    goto out;
  char *base = g_path_get_basename(path);
  p = profile_new(base);
  g_free(base);
  p->path = g_strdup(path);
  if (!load_profile_group(p, kf, path, error))
    goto fail;

  gsize n = 0;
  keys = g_key_file_get_keys(kf, "columns", &n, NULL);
  for (gsize i = 0; i < n; i++) {
    char *column = get_string(kf, path, "columns", keys[i], error);
    if (!column)
      goto fail;
    if (!*column) {
      fail(error, path, "[columns] %s maps to an empty column name", keys[i]);
      g_free(column);
      goto fail;
    }
    BrProfileField *f = field_get(p, keys[i]);
    /* A group given twice lists a key twice: the last value wins, as GKeyFile reads it. */
    g_strfreev(f->columns);
    f->columns = g_new0(char *, 2);
    f->columns[0] = column;
  }
  g_strfreev(keys);
  n = 0;
  keys = g_key_file_get_keys(kf, "constants", &n, NULL);
  for (gsize i = 0; i < n; i++) {
    char *value = get_string(kf, path, "constants", keys[i], error);
    if (!value)
      goto fail;
    BrProfileField *f = field_get(p, keys[i]);
    if (f->columns) {
      fail(error, path, "[constants] %s is also mapped to a column", keys[i]);
      g_free(value);
      goto fail;
    }
    g_free(f->constant);
    f->constant = value;
  }
  g_strfreev(keys);
  n = 0;
  keys = g_key_file_get_keys(kf, "types", &n, NULL);
  for (gsize i = 0; i < n; i++) {
    char *t = get_string(kf, path, "types", keys[i], error);
    BrType type;
    gboolean ok = t && parse_type(path, "types", keys[i], t, &type, error);
    g_free(t);
    if (!ok)
      goto fail;
    g_hash_table_insert(p->types, g_strdup(keys[i]), GINT_TO_POINTER(type + 1));
  }
  g_strfreev(keys);
  keys = g_key_file_get_groups(kf, NULL);
  for (char **g = keys; *g; g++)
    if (g_str_has_prefix(*g, FIELD_GROUP) && !load_field_group(p, kf, path, *g, error))
      goto fail;
  if (!finish_fields(p, path, error))
    goto fail;
  goto out;

fail:
  br_profile_free(p);
  p = NULL;
out:
  g_strfreev(keys);
  g_key_file_free(kf);
  return p;
}

static BrType
passthrough_type(const BrProfile *p, const char *name)
{
  gpointer t = g_hash_table_lookup(p->types, name);
  if (t)
    return (BrType)(GPOINTER_TO_INT(t) - 1);
  /* Without a mapping, a header that is already a canonical name gets that field's type. */
  const BrCanonicalField *c =
      p->typed_passthrough && p->fields->len == 0 ? br_canonical_find(name) : NULL;
  return c ? c->type : BR_TYPE_STRING;
}

int
br_profile_find_column(const char *const *header, guint ncols, const char *column)
{
  for (guint i = 0; i < ncols; i++)
    if (strcmp(header[i], column) == 0)
      return (int)i;
  /* Exports differ in the case of their headers more often than in their words. */
  for (guint i = 0; i < ncols; i++)
    if (g_ascii_strcasecmp(header[i], column) == 0)
      return (int)i;
  return -1;
}

static gboolean
need_column(const BrProfile *profile, const char *const *header, guint ncols, const char *file,
            const char *column, const char *field, const char *role, GError **error)
{
  if (br_profile_find_column(header, ncols, column) >= 0)
    return TRUE;
  const char *hint_of = br_suggest(column, header, ncols);
  g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
              "%s: line %u: no column \"%s\", which profile %s maps to %s%s%s%s%s", file,
              profile->header_line, column, profile->name, role, field,
              hint_of ? " (did you mean \"" : "", hint_of ? hint_of : "", hint_of ? "\"?)" : "");
  return FALSE;
}

BrSchema *
br_profile_build_schema(const BrProfile *profile, const char *const *header, guint ncols,
                        const char *file, GError **error)
{
  BrSchema *schema = br_schema_new();
  br_schema_set_list_separator(schema, profile->list_sep);
  gboolean *used = g_new0(gboolean, ncols);
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

  for (guint i = 0; i < ncols; i++) {
    gpointer first;
    if (g_hash_table_lookup_extended(seen, header[i], NULL, &first)) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: line %u: columns %u and %u are both named \"%s\"", file,
                  profile->header_line, GPOINTER_TO_UINT(first), i + 1, header[i]);
      goto fail;
    }
    g_hash_table_insert(seen, (gpointer)header[i], GUINT_TO_POINTER(i + 1));
  }
  for (guint i = 0; i < profile->fields->len; i++) {
    const BrProfileField *f = &g_array_index(profile->fields, BrProfileField, i);
    int first = -1;
    for (char **c = f->columns; c && *c; c++) {
      if (!need_column(profile, header, ncols, file, *c, f->name, "field ", error))
        goto fail;
      int col = br_profile_find_column(header, ncols, *c);
      used[col] = TRUE;
      if (first < 0)
        first = col;
    }
    if ((f->unit_column && !need_column(profile, header, ncols, file, f->unit_column, f->name,
                                        "the unit of ", error)) ||
        (f->currency_column && !need_column(profile, header, ncols, file, f->currency_column,
                                            f->name, "the currency of ", error)))
      goto fail;
    br_schema_add(schema, f->name, f->type, first);
  }
  for (guint i = 0; i < ncols; i++) {
    if (used[i] || g_strv_contains((const char *const *)profile->absent, header[i]))
      continue;
    char *name = *header[i] ? g_strdup(header[i]) : g_strdup_printf("column_%u", i + 1);
    if (br_schema_find(schema, name) >= 0) {
      g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_HEADER,
                  "%s: line %u: column %u \"%s\" clashes with the field of that name that "
                  "profile %s maps from another column",
                  file, profile->header_line, i + 1, name, profile->name);
      g_free(name);
      goto fail;
    }
    br_schema_add(schema, name, passthrough_type(profile, name), (int)i);
    g_free(name);
  }
  g_hash_table_destroy(seen);
  g_free(used);
  return schema;

fail:
  g_hash_table_destroy(seen);
  g_free(used);
  br_schema_free(schema);
  return NULL;
}

char **
br_profile_field_names(const BrProfile *profile)
{
  GPtrArray *names = g_ptr_array_new();
  for (guint i = 0; i < profile->fields->len; i++)
    g_ptr_array_add(names, g_strdup(g_array_index(profile->fields, BrProfileField, i).name));
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, profile->types);
  while (g_hash_table_iter_next(&it, &key, NULL))
    if (!field_find((BrProfile *)profile, key))
      g_ptr_array_add(names, g_strdup(key));
  g_ptr_array_add(names, NULL);
  return (char **)g_ptr_array_free(names, FALSE);
}
