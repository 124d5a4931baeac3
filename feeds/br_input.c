#include "br_input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "br_cuscar.h"
#include "br_edifact.h"
#include "br_x12.h"

#define DETECT_BYTES 4096

struct BrInput {
  BrInputFormat format;
  BrFeed *feed;
  BrProfile *identity; /* EDI: the profile of the rendered lines */
  GString *text;       /* EDI: the rendered lines, read by the feed */
  guint64 edi_rejects;
};

static const char *format_names[] = {"auto", "csv", "cuscar", "x12"};

gboolean
br_input_format_parse(const char *text, BrInputFormat *out)
{
  for (guint i = 0; i < G_N_ELEMENTS(format_names); i++)
    if (g_ascii_strcasecmp(text, format_names[i]) == 0) {
      *out = (BrInputFormat)i;
      return TRUE;
    }
  return FALSE;
}

const char *
br_input_format_name(BrInputFormat format)
{
  return format_names[format];
}

BrInputFormat
br_input_detect(const char *data, gsize len)
{
  if (br_edifact_detect(data, len))
    return BR_INPUT_CUSCAR;
  if (br_x12_detect(data, len))
    return BR_INPUT_X12;
  return BR_INPUT_CSV;
}

BrManifest *
br_input_read_edi(BrInputFormat format, const char *data, gsize len)
{
  return format == BR_INPUT_X12 ? br_x12_read(data, len) : br_cuscar_read(data, len);
}

static gboolean
read_all(const char *path, char **data, gsize *len, GError **error)
{
  if (strcmp(path, "-") != 0) {
    GError *e = NULL;
    if (g_file_get_contents(path, data, len, &e))
      return TRUE;
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: cannot read: %s", path, e->message);
    g_error_free(e);
    return FALSE;
  }
  GString *s = g_string_new(NULL);
  char buf[65536];
  gsize n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len(s, buf, (gssize)n);
  if (ferror(stdin)) {
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "(standard input): read error: %s",
                g_strerror(errno));
    g_string_free(s, TRUE);
    return FALSE;
  }
  *len = s->len;
  *data = g_string_free(s, FALSE);
  return TRUE;
}

static gboolean
sniff(const char *path, BrInputFormat *out, GError **error)
{
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    int e = errno;
    g_set_error(error, BR_FEED_ERROR, BR_FEED_ERROR_IO, "%s: cannot open: %s", path, g_strerror(e));
    return FALSE;
  }
  char buf[DETECT_BYTES];
  gsize n = fread(buf, 1, sizeof buf, fp);
  fclose(fp);
  *out = br_input_detect(buf, n);
  return TRUE;
}

static gboolean
write_rejects(const char *path, const GString *rows, GError **error)
{
  GString *all = g_string_new(BR_EDI_REJECT_HEADER);
  g_string_append_len(all, rows->str, (gssize)rows->len);
  gboolean ok = g_file_set_contents(path, all->str, (gssize)all->len, error);
  if (!ok)
    g_prefix_error(error, "cannot create the reject file: ");
  g_string_free(all, TRUE);
  return ok;
}

BrInput *
br_input_open(const char *path, BrInputFormat format, const BrProfile *csv_profile,
              const BrFeedOptions *options, GError **error)
{
  BrInput *in = g_new0(BrInput, 1);
  if (format == BR_INPUT_AUTO && strcmp(path, "-") == 0)
    format = BR_INPUT_CSV;
  if (format == BR_INPUT_AUTO && !sniff(path, &format, error))
    goto fail;
  in->format = format;
  if (format == BR_INPUT_CSV) {
    if (!(in->feed = br_feed_open(path, csv_profile, options, error)))
      goto fail;
    return in;
  }
  char *data;
  gsize len;
  if (!read_all(path, &data, &len, error))
    goto fail;
  BrManifest *m = br_input_read_edi(format, data, len);
  g_free(data);
  in->edi_rejects = m->nrejects;
  if (m->nrejects && options && options->reject_path &&
      !write_rejects(options->reject_path, m->rejects, error)) {
    br_manifest_free(m);
    goto fail;
  }
  in->text = br_manifest_to_csv(m);
  br_manifest_free(m);
  in->identity = br_profile_new_identity();
  /* The lines are checked already; a row the feed still refused would be counted. */
  BrFeedOptions inner = {0};
  in->feed = br_feed_open_memory(strcmp(path, "-") == 0 ? "(standard input)" : path, in->text->str,
                                 in->text->len, in->identity, &inner, error);
  if (!in->feed)
    goto fail;
  return in;
fail:
  br_input_close(in);
  return NULL;
}

BrFeed *
br_input_feed(BrInput *input)
{
  return input->feed;
}

BrInputFormat
br_input_format(const BrInput *input)
{
  return input->format;
}

guint64
br_input_rows_read(const BrInput *input)
{
  return br_feed_rows_read(input->feed) + input->edi_rejects;
}

guint64
br_input_rows_rejected(const BrInput *input)
{
  return br_feed_rows_rejected(input->feed) + input->edi_rejects;
}

void
br_input_close(BrInput *input)
{
  if (!input)
    return;
  br_feed_close(input->feed);
  br_profile_free(input->identity);
  if (input->text)
    g_string_free(input->text, TRUE);
  g_free(input);
}
