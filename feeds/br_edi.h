/* What the EDI readers (UN/EDIFACT CUSCAR, ANSI X12 309) share: segments split into elements
 * and components, the manifest lines they map messages to, and their rejects.
 *
 * A manifest line is one B/L x container with the canonical fields (br_canonical_fields), as
 * a CSV manifest gives it, plus how its message treats it: an original, a replacement of an
 * earlier version of the same B/L x container, or its deletion. Lines are rendered as CSV with
 * canonical headers, which the feed then reads like any file with the identity profile. */
#pragma once

#include <glib.h>
#include <stdarg.h>

/* One segment: its tag, its elements (1-based, as the standards number them) and each
 * element's components (1-based), unescaped. A missing element or component reads as "". */
typedef struct {
  char *tag;
  guint nelems;
  guint *first;  /* nelems + 1 entries: index in values of each element's first component */
  char **values; /* components, NUL-terminated */
  guint number;  /* position in its message (the message header is 1) */
} BrSegment;

const char *br_segment_get(const BrSegment *seg, guint element, guint component);
guint br_segment_components(const BrSegment *seg, guint element);
void br_segment_clear(BrSegment *seg);

/* Builds segments component by component while a tokenizer reads them. */
typedef struct {
  GPtrArray *values;
  GArray *first;
  GString *cur;
} BrSegmentBuilder;

void br_segment_builder_init(BrSegmentBuilder *b);
void br_segment_builder_clear(BrSegmentBuilder *b);
void br_segment_builder_end_component(BrSegmentBuilder *b);
void br_segment_builder_end_element(BrSegmentBuilder *b);
/* Takes what was built as seg (the first element is the tag) and starts afresh. */
void br_segment_builder_take(BrSegmentBuilder *b, BrSegment *seg);

/* The first fault found in a message or in one of its bills: the segment (0: none), its tag
 * and why. A bill or message with a fault is rejected whole, naming that segment. */
typedef struct {
  guint seg;
  char *tag;
  char *reason;
} BrEdiFault;

/* Records the fault unless one is already recorded (the first one explains the rest). */
void br_edi_fault_set(BrEdiFault *f, guint seg, const char *tag, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
void br_edi_fault_vset(BrEdiFault *f, guint seg, const char *tag, const char *fmt, va_list ap)
    G_GNUC_PRINTF(4, 0);
void br_edi_fault_clear(BrEdiFault *f);

/* What a message or bill does to earlier versions of its lines; the names are the
 * "amendment" values amendments are resolved by (br_amend.h, docs/profiles.md). */
typedef enum {
  BR_EDI_ORIGINAL = 0,
  BR_EDI_CHANGE,  /* its lines replace their earlier versions; the B/L's other lines stay */
  BR_EDI_REPLACE, /* the B/L anew: its earlier lines that this one leaves out are dropped */
  BR_EDI_DELETE,  /* its lines are deleted (a B/L without equipment: all of it) */
  BR_EDI_CANCEL,  /* the B/L is deleted with all its lines */
} BrEdiFunction;

const char *br_edi_function_name(BrEdiFunction function);

/* The canonical fields in br_canonical_fields order, so that a line is an array of them, then
 * two that have no canonical field and come under the names the sample layout and the ccp
 * pack give them: "House B/L" and "Seal Changed" (Y or N). */
typedef enum {
  BR_MF_RECORD_ID,
  BR_MF_BOL,
  BR_MF_CONTAINER,
  BR_MF_SEAL,
  BR_MF_CONTAINER_TYPE,
  BR_MF_DECLARED_KG,
  BR_MF_MEASURED_KG,
  BR_MF_PACKAGES,
  BR_MF_HS_CODE,
  BR_MF_DESCRIPTION,
  BR_MF_VALUE,
  BR_MF_CURRENCY,
  BR_MF_FREIGHT_TERMS,
  BR_MF_FREIGHT_AMOUNT,
  BR_MF_SHIPPER_NAME,
  BR_MF_SHIPPER_ADDRESS,
  BR_MF_SHIPPER_COUNTRY,
  BR_MF_CONSIGNEE_NAME,
  BR_MF_CONSIGNEE_ADDRESS,
  BR_MF_CONSIGNEE_COUNTRY,
  BR_MF_NOTIFY_NAME,
  BR_MF_IMPORTER_ID,
  BR_MF_DECLARANT_ID,
  BR_MF_ORIGIN_COUNTRY,
  BR_MF_LOAD_PORT,
  BR_MF_TRANSSHIP_PORTS,
  BR_MF_DISCHARGE_PORT,
  BR_MF_PORT,
  BR_MF_VESSEL_IMO,
  BR_MF_VESSEL_NAME,
  BR_MF_VOYAGE,
  BR_MF_CARRIER,
  BR_MF_ARRIVAL_DATE,
  BR_MF_HOUSE_BOL,
  BR_MF_SEAL_CHANGED,
  BR_MF_COUNT
} BrManifestField;

typedef struct {
  char *f[BR_MF_COUNT]; /* NULL when the message does not give the field */
  BrEdiFunction function;
  char *where; /* interchange, message and segment the line comes from */
} BrManifestLine;

/* What a reader makes of one file: its lines in file order, and its rejects. */
typedef struct {
  GPtrArray *lines;  /* BrManifestLine* */
  GString *rejects;  /* reject file rows (see br_edi_reject) */
  guint64 nrejects;  /* rejected messages, interchanges or lines */
  guint64 nmessages; /* messages (transaction sets) read, accepted or not */
} BrManifest;

BrManifest *br_manifest_new(void);
void br_manifest_free(BrManifest *m);
BrManifestLine *br_manifest_line_new(void);
void br_manifest_line_free(BrManifestLine *line);
/* Sets a field, replacing what was there; empty text leaves the field unset. */
void br_manifest_line_set(BrManifestLine *line, BrManifestField field, const char *text);
BrManifestLine *br_manifest_line_copy(const BrManifestLine *line);

/* The reject file of an EDI input: CSV with this header, one row per rejected interchange,
 * message or line. The segment number counts from the message header (1), or from the
 * interchange header when the fault is outside any message; 0 when no segment is at fault. */
#define BR_EDI_REJECT_HEADER "interchange,message,segment,tag,reason\n"
void br_edi_reject(BrManifest *m, const char *interchange, const char *message, guint segment,
                   const char *tag, const char *fmt, ...) G_GNUC_PRINTF(6, 7);

/* Adds the number v to field f of l, which holds the sum of count numbers (*sum): the first
 * keeps its text as given, a sum is written by br_edi_format_number. NULL v adds nothing. */
void br_manifest_line_sum(BrManifestLine *l, BrManifestField f, const char *v, guint *count,
                          double *sum);

/* The field's column name: canonical, or "House B/L" / "Seal Changed". */
const char *br_manifest_field_name(BrManifestField field);
/* Finds a field by its column name (ASCII case ignored; house_bol and seal_changed also
 * name the last two). */
gboolean br_manifest_field_find(const char *name, BrManifestField *out);

/* Renders the lines as CSV with the field names as the header and two last columns:
 * "amendment" (br_edi_function_name) and "source" (the interchange and message). */
GString *br_manifest_to_csv(const BrManifest *m);

/* Value helpers shared by the readers. Each returns FALSE when the text is not what it
 * should be; out is then untouched. */
/* A plain decimal ("12", "-3.5"); the decimal mark may be '.' or the given one. Writes the
 * number with '.' into out. */
gboolean br_edi_decimal(const char *text, char decimal_mark, GString *out);
/* A mass in unit (KGM, KG, K, LBR, LBS, LB, L, TNE, T, MT) converted to kg. */
gboolean br_edi_mass_kg(const char *text, char decimal_mark, const char *unit, GString *out);
/* v with up to three decimals, trailing zeros dropped ("1250.5", "700"). */
void br_edi_format_number(GString *out, double v);
/* CCYYMMDD (optionally followed by a time, which is dropped) as YYYY-MM-DD. */
gboolean br_edi_date(const char *text, GString *out);
/* Joins non-empty parts with sep. */
char *br_edi_join(const char *const *parts, guint n, const char *sep);
