/* UN/EDIFACT CUSCAR (customs cargo report), directories D95B to D21B, mapped to manifest
 * lines: one per B/L x equipment, as a CSV manifest gives them.
 *
 * Segments read (wherever the directory puts them; others are skipped):
 *   BGM  message function (1225): 9 original (also 2, 6, 7, 31, 43, 46, 47 and none);
 *        5 replace, 4 change; 3 deletion, 1 cancellation
 *   DTM  132 estimated or 178 actual arrival (formats 102, 203, 204, 101) -> arrival_date
 *   TDT  8028 voyage; C040 carrier (name 3128, else code 3127) -> carrier; C222: 8212 vessel
 *        name, 8213 vessel id -> vessel_imo when it is an IMO number (7 digits, "IMO" prefix
 *        allowed), a call sign otherwise (ignored)
 *   LOC  9 load_port, 11 (and 12) discharge_port, 13 transship_ports (repeats), 22 port
 *        (customs office of clearance; default: the discharge port), 27 origin_country
 *        under GID; on the message they apply to every consignment, under CNI to one
 *   CNI  starts a consignment (its C503 document number is the B/L when no RFF+BM is given)
 *   RFF  BM bol, BH house_bol, ZZZ (mutually defined) record_id
 *   NAD  CZ shipper, CN consignee (its C082 id -> importer_id), NI (or N1) notify, CA carrier,
 *        DT declarant (C082 id -> declarant_id): name from C080 (else C058), address from
 *        C059 street lines, city 3164 and postcode 3251, country 3207
 *   CPI  4237 P -> freight_terms PREPAID, C -> COLLECT
 *   MOA  38/39 goods value with currency 6345 (under GID); 64 freight_amount
 *   GID  a goods item: 7224 packages; then FTX+AAA description, PIA (C212 with 7143 HS)
 *        hs_code, MEA (AAE/WT, G or AAB gross) declared_kg, SGP the equipment it is in
 *   EQD  equipment: CN -> container (8260) and container_type (8155); any other kind
 *        (trailer, railcar) gives no container; then MEA VGM -> measured_kg, and SEL seals
 *        (several are joined with ';'); seal_changed is Y when a seal's condition (4517) is
 *        given and is not 1 (in right condition), else N
 * Masses in KGM, LBR or TNE become kg. Goods go to the equipment their SGP names; a
 * consignment without SGP puts all its goods on each of its equipment. Several goods items
 * on one line sum their packages, masses and values, and join descriptions with " / ".
 *
 * Rejects: a consignment with a fault (no B/L, a number or date that does not parse, an
 * unknown unit or message function) is rejected with its segment; other consignments of the
 * message are kept. Lines are in message order, so a later message's version of a B/L x
 * container comes later. */
#pragma once

#include <glib.h>

#include "br_edi.h"

/* Reads a CUSCAR interchange file's bytes. Never fails: faults become rejects in the result. */
BrManifest *br_cuscar_read(const char *data, gsize len);
