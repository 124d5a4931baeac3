/* ANSI X12 309 (customs manifest) mapped to manifest lines: one per bill x equipment.
 *
 * Syntax: ISA is fixed-width, so its fourth byte is the element separator, ISA16 the
 * component separator and the byte after ISA16 the segment terminator, whatever they are;
 * CR and LF after a terminator are ignored. Text must be UTF-8 (ASCII in practice).
 * Envelopes: ISA/IEA (IEA01 counts functional groups, IEA02 repeats ISA13), GS/GE (GE01
 * counts transaction sets, GE02 repeats GS06), ST/SE (SE01 counts the segments from ST to SE,
 * SE02 repeats ST02). A transaction set whose count or number is wrong is rejected; an
 * interchange or group whose trailer is missing or wrong is rejected whole.
 *
 * Segments read (others are skipped):
 *   M10  01 SCAC (carrier when no N1*CA), 04 vessel code -> vessel_imo when it is 7 digits,
 *        05 vessel name, 06 voyage
 *   P4   01 port -> discharge_port and port, 02 date (CCYYMMDD) -> arrival_date; a P4 loop's
 *        bills are at its port
 *   LX   starts a bill
 *   M10  09 manifest type B, D or X (an updating manifest): each bill replaces its B/L
 *   M13  the bill amends an earlier transmission: 03 "D" deletes the bill (the whole B/L),
 *        any other code changes the lines it gives
 *   M11  01 bol, 02 load_port, 03 packages and 05/06 weight (unit K or L) for a bill without
 *        VID or N10
 *   N1   SH shipper, CN consignee (04 id -> importer_id), N1 notify, CA carrier, CB
 *        declarant (04 id -> declarant_id); N3 address lines and N4 city, postcode and country
 *        (04) belong to the N1 before them
 *   M12  in-bond details: read, nothing mapped
 *   VID  equipment: 01 CN container (02 initial + 03 number -> container), any other code
 *        no container; 04/05 seals (joined with ';'); 09 equipment type -> container_type
 *   N10  goods under a VID: 01 packages, 02 description, 05 commodity code -> hs_code,
 *        06 value (USD unless given otherwise), 07/08 weight (K or L) -> declared_kg
 *   H1   hazardous material: read, nothing mapped
 *   N9   ZZ (mutually defined) with 03 naming a canonical field (e.g. N9*ZZ*19217*MEASURED_KG)
 *        sets that field: 309 has no element for VGM, freight, currency, origin, house
 *        B/L and some others; after a VID it applies to that equipment, else to the bill
 * Goods and numbers follow the CUSCAR reader's rules (several N10 sum, descriptions join). */
#pragma once

#include <glib.h>

#include "br_edi.h"

BrManifest *br_x12_read(const char *data, gsize len);

/* TRUE when data starts (after blanks) with ISA. */
gboolean br_x12_detect(const char *data, gsize len);
