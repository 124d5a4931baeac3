#include "br_edifact.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *data;
  gsize len, pos;
  char comp, elem, dec, rel, term;
  const char *charset; /* iconv name; NULL: UTF-8 */
  gboolean ascii;      /* UNOA/UNOB: 7-bit only */
  BrSegmentBuilder b;
} Reader;

static gboolean
is_blank(char c)
{
  return c == '\r' || c == '\n' || c == ' ' || c == '\t';
}

gboolean
br_edifact_detect(const char *data, gsize len)
{
  gsize i = 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  while (i < len && is_blank(data[i]))
    i++;
  return len - i >= 3 && (memcmp(data + i, "UNA", 3) == 0 || memcmp(data + i, "UNB", 3) == 0);
}

static void
reader_init(Reader *r, const char *data, gsize len)
{
  memset(r, 0, sizeof *r);
  r->data = data;
  r->len = len;
  r->comp = ':';
  r->elem = '+';
  r->dec = '.';
  r->rel = '?';
  r->term = '\'';
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    r->pos = 3;
  while (r->pos < len && is_blank(data[r->pos]))
    r->pos++;
  if (len - r->pos >= 9 && memcmp(data + r->pos, "UNA", 3) == 0) {
    const char *u = data + r->pos + 3;
    r->comp = u[0];
    r->elem = u[1];
    r->dec = u[2];
    r->rel = u[3]; /* a space here means no release character */
    r->term = u[5];
    r->pos += 9;
  }
  br_segment_builder_init(&r->b);
}

static const struct {
  const char *syntax;
  const char *charset;
} charsets[] = {
    {"UNOA", NULL},         {"UNOB", NULL},         {"UNOC", "ISO-8859-1"}, {"UNOD", "ISO-8859-2"},
    {"UNOE", "ISO-8859-5"}, {"UNOF", "ISO-8859-7"}, {"UNOG", "ISO-8859-3"}, {"UNOH", "ISO-8859-4"},
    {"UNOI", "ISO-8859-6"}, {"UNOJ", "ISO-8859-8"}, {"UNOK", "ISO-8859-9"}, {"UNOW", NULL},
    {"UNOY", NULL},
};

static gboolean
set_charset(Reader *r, const char *syntax)
{
  for (guint i = 0; i < G_N_ELEMENTS(charsets); i++) {
    if (strcmp(syntax, charsets[i].syntax) == 0) {
      r->charset = charsets[i].charset;
      r->ascii = i < 2;
      return TRUE;
    }
  }
  return FALSE;
}

/* Decodes every value of seg to UTF-8. Returns the reason when one cannot be. */
static const char *
decode(Reader *r, BrSegment *seg)
{
  guint n = seg->first[seg->nelems];
  for (guint i = 0; i < n; i++) {
    char *v = seg->values[i];
    if (r->ascii) {
      for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p >= 0x80)
          return "a byte outside ASCII in a UNOA/UNOB interchange";
    } else if (r->charset) {
      char *u = g_convert(v, -1, "UTF-8", r->charset, NULL, NULL, NULL);
      if (!u)
        return "text that is not in the interchange's character set";
      g_free(v);
      seg->values[i] = u;
    } else if (!g_utf8_validate(v, -1, NULL)) {
      return "invalid UTF-8";
    }
  }
  return NULL;
}

/* Reads the next segment: 1, or 0 at the end of the data, or -1 with *problem set (the
 * segment is broken; reading goes on after its terminator). */
static int
reader_next(Reader *r, BrSegment *seg, const char **problem)
{
  while (r->pos < r->len && is_blank(r->data[r->pos]))
    r->pos++;
  if (r->pos >= r->len)
    return 0;
  *problem = NULL;
  GString *cur = r->b.cur;
  gboolean released = FALSE;
  while (r->pos < r->len) {
    char c = r->data[r->pos++];
    if (released) {
      g_string_append_c(cur, c);
      released = FALSE;
    } else if (c == r->rel && r->rel != ' ') {
      released = TRUE;
    } else if (c == r->term) {
      break;
    } else if (c == r->elem) {
      br_segment_builder_end_element(&r->b);
    } else if (c == r->comp) {
      br_segment_builder_end_component(&r->b);
    } else if (c == '\0') {
      *problem = "a NUL byte";
      g_string_append_c(cur, c);
    } else if ((c == '\r' || c == '\n') && r->b.values->len == 0 && cur->len == 0) {
      continue;
    } else {
      g_string_append_c(cur, c);
    }
    if (r->pos == r->len && !*problem)
      *problem = released ? "a release character at the end of the data"
                          : "the last segment has no terminator";
  }
  br_segment_builder_take(&r->b, seg);
  if (!*problem) {
    gsize tl = strlen(seg->tag);
    if (tl != 3 || !g_ascii_isupper(seg->tag[0]) || !g_ascii_isalnum(seg->tag[1]) ||
        !g_ascii_isalnum(seg->tag[2]))
      *problem = "not a segment tag";
  }
  if (!*problem)
    *problem = decode(r, seg);
  return *problem ? -1 : 1;
}

/* A directory this reader maps: D, releases 95B up to 21B. */
static gboolean
directory_known(const char *version, const char *release)
{
  if (strcmp(version, "D") != 0 || strlen(release) != 3 || !g_ascii_isdigit(release[0]) ||
      !g_ascii_isdigit(release[1]) || (release[2] != 'A' && release[2] != 'B'))
    return FALSE;
  int year = (release[0] - '0') * 10 + (release[1] - '0');
  int order = (year >= 90 ? year - 100 : year) * 2 + (release[2] == 'B');
  return order >= -5 * 2 + 1 && order <= 21 * 2 + 1;
}

static gboolean
parse_count(const char *text, guint64 *out)
{
  if (!*text)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit(*p))
      return FALSE;
  *out = g_ascii_strtoull(text, NULL, 10);
  return TRUE;
}

typedef struct {
  Reader r;
  BrEdifactMessageFunc map;
  BrManifest *out;
  char *interchange; /* NULL outside an interchange */
  char *group;       /* UNG reference; NULL outside a group */
  guint64 messages;  /* messages in the interchange (or group) */
  guint64 groups;    /* groups in the interchange */
  gboolean used_groups;
  guint interchange_segs; /* segments since UNB, for faults outside messages */
  GPtrArray *pending;     /* lines of the interchange, kept until its UNZ checks out */
  guint64 pending_rejects;
  GArray *msg; /* BrSegment of the open message; empty when none is open */
  gboolean msg_broken;
  gboolean skipping; /* after a rejected interchange: its segments up to the next UNB */
} State;

static void
message_drop(State *s)
{
  for (guint i = 0; i < s->msg->len; i++)
    br_segment_clear(&g_array_index(s->msg, BrSegment, i));
  g_array_set_size(s->msg, 0);
  s->msg_broken = FALSE;
}

static const char *
interchange_name(State *s)
{
  return s->interchange ? s->interchange : "";
}

static void
message_end(State *s, const BrSegment *unt)
{
  BrSegment *unh = &g_array_index(s->msg, BrSegment, 0);
  const char *ref = br_segment_get(unh, 1, 1);
  guint64 count;
  s->out->nmessages++;
  s->messages++;
  if (s->msg_broken)
    return; /* already rejected */
  if (!parse_count(br_segment_get(unt, 1, 1), &count) || count != s->msg->len) {
    br_edi_reject(s->out, interchange_name(s), ref, (guint)s->msg->len, "UNT",
                  "UNT counts %s segments, the message has %u", br_segment_get(unt, 1, 1),
                  s->msg->len);
    return;
  }
  if (strcmp(br_segment_get(unt, 2, 1), ref) != 0) {
    br_edi_reject(s->out, interchange_name(s), ref, (guint)s->msg->len, "UNT",
                  "UNT reference %s differs from UNH reference %s", br_segment_get(unt, 2, 1), ref);
    return;
  }
  BrEdifactMessage m = {
      .interchange = interchange_name(s),
      .message = ref,
      .type = br_segment_get(unh, 2, 1),
      .version = br_segment_get(unh, 2, 2),
      .release = br_segment_get(unh, 2, 3),
      .decimal_mark = s->r.dec,
  };
  if (!directory_known(m.version, m.release)) {
    br_edi_reject(s->out, m.interchange, ref, 1, "UNH",
                  "directory %s:%s is not one this reader maps (D:95B to D:21B)", m.version,
                  m.release);
    return;
  }
  s->map(&m, (const BrSegment *)s->msg->data, s->msg->len, s->pending, s->out);
}

static void
interchange_drop(State *s, guint segment, const char *tag, const char *reason)
{
  guint dropped = s->pending->len;
  br_edi_reject(s->out, interchange_name(s), "", segment, tag, "%s%s", reason,
                dropped ? ": the interchange is rejected whole" : "");
  g_ptr_array_set_size(s->pending, 0);
  g_free(s->interchange);
  s->interchange = NULL;
  g_clear_pointer(&s->group, g_free);
  if (s->msg->len)
    message_drop(s);
  s->skipping = TRUE;
}

static void
on_segment(State *s, BrSegment *seg)
{
  const char *tag = seg->tag;
  s->interchange_segs++;
  if (strcmp(tag, "UNB") == 0) {
    if (s->interchange)
      interchange_drop(s, s->interchange_segs, "UNB", "a new UNB before this interchange's UNZ");
    if (s->msg->len)
      message_drop(s);
    s->skipping = FALSE;
    s->interchange = g_strdup(br_segment_get(seg, 5, 1));
    s->interchange_segs = 1;
    s->messages = s->groups = 0;
    s->used_groups = FALSE;
    if (!set_charset(&s->r, br_segment_get(seg, 1, 1))) {
      char *why = g_strdup_printf("syntax identifier %s is not one this reader knows",
                                  br_segment_get(seg, 1, 1));
      interchange_drop(s, 1, "UNB", why);
      g_free(why);
    }
    return;
  }
  if (!s->interchange) {
    if (!s->skipping)
      br_edi_reject(s->out, "", "", s->interchange_segs, tag,
                    "segment outside an interchange (no UNB before it)");
    return;
  }
  if (s->msg->len) {
    BrSegment copy = *seg;
    memset(seg, 0, sizeof *seg);
    copy.number = s->msg->len + 1;
    if (strcmp(tag, "UNH") == 0 || strcmp(tag, "UNZ") == 0 || strcmp(tag, "UNE") == 0 ||
        strcmp(tag, "UNG") == 0) {
      BrSegment *unh = &g_array_index(s->msg, BrSegment, 0);
      if (!s->msg_broken)
        br_edi_reject(s->out, interchange_name(s), br_segment_get(unh, 1, 1), copy.number, tag,
                      "message has no UNT");
      s->out->nmessages++;
      s->messages++;
      message_drop(s);
      *seg = copy;
      on_segment(s, seg);
      s->interchange_segs--;
      return;
    }
    g_array_append_val(s->msg, copy);
    if (strcmp(tag, "UNT") == 0) {
      message_end(s, &copy);
      message_drop(s);
    }
    return;
  }
  if (strcmp(tag, "UNH") == 0) {
    BrSegment copy = *seg;
    memset(seg, 0, sizeof *seg);
    copy.number = 1;
    g_array_append_val(s->msg, copy);
  } else if (strcmp(tag, "UNG") == 0) {
    g_free(s->group);
    s->group = g_strdup(br_segment_get(seg, 5, 1));
    s->used_groups = TRUE;
    s->groups++;
    s->messages = 0;
  } else if (strcmp(tag, "UNE") == 0) {
    guint64 count;
    if (!s->group)
      br_edi_reject(s->out, interchange_name(s), "", s->interchange_segs, tag, "UNE without UNG");
    else if (!parse_count(br_segment_get(seg, 1, 1), &count) || count != s->messages ||
             strcmp(br_segment_get(seg, 2, 1), s->group) != 0)
      interchange_drop(s, s->interchange_segs, tag,
                       "UNE count or reference does not match its group");
    g_clear_pointer(&s->group, g_free);
  } else if (strcmp(tag, "UNZ") == 0) {
    guint64 count;
    guint64 expect = s->used_groups ? s->groups : s->messages;
    if (!parse_count(br_segment_get(seg, 1, 1), &count) || count != expect) {
      char *why = g_strdup_printf("UNZ counts %s %s, the interchange has %" G_GUINT64_FORMAT,
                                  br_segment_get(seg, 1, 1), s->used_groups ? "groups" : "messages",
                                  expect);
      interchange_drop(s, s->interchange_segs, tag, why);
      g_free(why);
      return;
    }
    if (strcmp(br_segment_get(seg, 2, 1), s->interchange) != 0) {
      char *why = g_strdup_printf("UNZ reference %s differs from UNB reference %s",
                                  br_segment_get(seg, 2, 1), s->interchange);
      interchange_drop(s, s->interchange_segs, tag, why);
      g_free(why);
      return;
    }
    for (guint i = 0; i < s->pending->len; i++)
      g_ptr_array_add(s->out->lines, g_steal_pointer(&s->pending->pdata[i]));
    g_ptr_array_set_size(s->pending, 0);
    g_clear_pointer(&s->interchange, g_free);
  } else {
    br_edi_reject(s->out, interchange_name(s), "", s->interchange_segs, tag,
                  "segment outside a message (no UNH before it)");
  }
}

void
br_edifact_read(const char *data, gsize len, BrEdifactMessageFunc map, BrManifest *out)
{
  State s = {.map = map, .out = out};
  reader_init(&s.r, data, len);
  s.pending = g_ptr_array_new_with_free_func((GDestroyNotify)br_manifest_line_free);
  s.msg = g_array_new(FALSE, TRUE, sizeof(BrSegment));
  BrSegment seg = {0};
  const char *problem = NULL;
  int rc;
  while ((rc = reader_next(&s.r, &seg, &problem)) != 0) {
    if (rc > 0) {
      on_segment(&s, &seg);
      continue;
    }
    /* A broken segment breaks its message (or, outside one, its interchange). */
    if (s.msg->len) {
      if (!s.msg_broken) {
        BrSegment *unh = &g_array_index(s.msg, BrSegment, 0);
        br_edi_reject(out, interchange_name(&s), br_segment_get(unh, 1, 1), s.msg->len + 1,
                      seg.tag ? seg.tag : "", "%s", problem);
      }
      s.msg_broken = TRUE;
      BrSegment copy = seg;
      memset(&seg, 0, sizeof seg);
      g_array_append_val(s.msg, copy);
      if (strcmp(copy.tag, "UNT") == 0) {
        s.out->nmessages++;
        s.messages++;
        message_drop(&s);
      }
    } else if (s.interchange) {
      interchange_drop(&s, s.interchange_segs + 1, seg.tag ? seg.tag : "", problem);
    } else {
      br_edi_reject(out, "", "", s.interchange_segs + 1, seg.tag ? seg.tag : "", "%s", problem);
    }
  }
  if (s.msg->len) {
    BrSegment *unh = &g_array_index(s.msg, BrSegment, 0);
    if (!s.msg_broken)
      br_edi_reject(out, interchange_name(&s), br_segment_get(unh, 1, 1), s.msg->len, "",
                    "the data ends inside the message (no UNT)");
    s.out->nmessages++;
    message_drop(&s);
  }
  if (s.interchange)
    interchange_drop(&s, s.interchange_segs, "", "the data ends before UNZ");
  br_segment_clear(&seg);
  g_array_free(s.msg, TRUE);
  g_ptr_array_free(s.pending, TRUE);
  g_free(s.group);
  br_segment_builder_clear(&s.r.b);
}
