/* The name matching evaluation set: variants of real UN and OFAC names, and decoys.
 *
 * Deterministic (one seed, list order): the same lists give the same set, byte for byte.
 * Variants are made the way names vary in manifests and between transliterations, by rules
 * written from transliteration and clerical practice, not from what the matcher handles (the
 * rules are in br_name_variants.c, one function per kind). Each listed name sampled gets every
 * kind that applies to it. Decoys are names of people and firms that are not listed: ordinary
 * names, many of Arabic origin, European firms, and listed names whose distinctive words were
 * replaced (they keep the common given names, particles and generic words).
 *
 * Every case is on one side of a hold-out split, by listed entry (a hash of list and source
 * id) for variants and by position for decoys: what is fitted on the "fit" half (the score
 * calibration) is checked on the held-out half. */
#pragma once

#include <glib.h>

#include "br_watchlist.h"

typedef enum {
  BR_NV_TRANSLIT,     /* one spelling swap seen between transliterations */
  BR_NV_TYPO1,        /* one keyboard slip: neighbour key, letter dropped, doubled, swapped */
  BR_NV_TYPO2,        /* two slips, in one word or two */
  BR_NV_SPLIT_JOIN,   /* a compound written apart, or two words written as one */
  BR_NV_ORDER,        /* surname moved, name units in another order */
  BR_NV_DROP_MIDDLE,  /* a person's middle name left out */
  BR_NV_LEGAL_FORM,   /* a firm's legal form added, changed or written out */
  BR_NV_FORMAT,       /* "LAST, First" written "First Last", case changed */
  BR_NV_HONORIFIC,    /* a title or kunya added, al- or bin/ibn written differently */
  BR_NV_PAREN,        /* a firm's acronym or place in parentheses */
  BR_NV_ARABIC,       /* the list's own Arabic-script name against the Latin entries */
  BR_NV_PERSO_ARABIC, /* that name in Persian, Urdu or Kurdish orthography */
  BR_NV_CYRILLIC,     /* a person's Latin name written in Cyrillic as Russian does */
  BR_NV_KINDS
} BrNvKind;

extern const char *const br_name_variants_kind_names[BR_NV_KINDS];

typedef struct {
  char *query;
  int kind;      /* BrNvKind, or -1 for a decoy */
  guint16 list;  /* index into the lists given to br_name_variants_make */
  guint32 entry; /* index into that list's entries */
  gboolean held; /* in the held-out half */
} BrNvCase;

/* A script other than Latin (Greek and above): such aliases stay out of the evaluated index,
 * so a query in that script must find the Latin entry. */
gboolean br_name_variants_non_latin(const char *s);

/* Makes the set from nlists lists (UN first, then OFAC): variants of every stride[l]-th party
 * entry of list l, and ndecoys decoys. Returns an array of BrNvCase; free with
 * br_name_variants_free. */
GArray *br_name_variants_make(BrWatchlist *const *lists, guint nlists, const guint *stride,
                              guint ndecoys, guint32 seed);
void br_name_variants_free(GArray *cases);

/* Writes the set as TSV (held, kind, list, entry source id, query), for reading. */
gboolean br_name_variants_write(const GArray *cases, BrWatchlist *const *lists, const char *path,
                                GError **error);
