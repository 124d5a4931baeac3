/* UN/EDIFACT syntax (ISO 9735, versions 1 to 4): the UNA service string advice, release
 * characters, and the UNB/UNG/UNH ... UNT/UNE/UNZ envelopes with their counts checked.
 *
 * Service characters are UNA's when it is given, else the defaults (: + . ? space '). The
 * release character makes the next character data. CR and LF between segments are ignored.
 * Values are decoded to UTF-8 from the character set UNB names: UNOA and UNOB are ASCII,
 * UNOC to UNOK are ISO 8859-1, -2, -3, -4, -5 (Cyrillic), -6 (Arabic), -7 (Greek), -8 (Hebrew)
 * and -9, UNOW and UNOY are UTF-8; any other syntax identifier rejects the interchange.
 *
 * Counts: UNT gives the number of segments of its message including UNH and UNT, UNE the
 * messages of its group, UNZ the messages (or groups, when UNG is used) of its interchange,
 * and each trailer repeats its header's reference. A message whose count or reference is
 * wrong is rejected; an interchange whose trailer is missing or wrong is rejected whole,
 * messages and all, since messages may be missing from it. */
#pragma once

#include <glib.h>

#include "br_edi.h"

typedef struct {
  const char *interchange; /* UNB interchange control reference */
  const char *message;     /* UNH message reference number */
  const char *type;        /* UNH S009: message type, version, release */
  const char *version;
  const char *release;
  char decimal_mark; /* from UNA: '.' or ',' */
} BrEdifactMessage;

/* Maps one message whose envelope checked out: segs[0] is UNH, segs[n - 1] UNT. Lines go
 * to lines (BrManifestLine*), rejects to out. */
typedef void (*BrEdifactMessageFunc)(const BrEdifactMessage *msg, const BrSegment *segs, guint n,
                                     GPtrArray *lines, BrManifest *out);

/* Reads every interchange in data. Never fails: what cannot be read is rejected in out. */
void br_edifact_read(const char *data, gsize len, BrEdifactMessageFunc map, BrManifest *out);

/* TRUE when data starts (after blanks) with UNA or UNB. */
gboolean br_edifact_detect(const char *data, gsize len);
