/* Value norms: what goods of a kind usually cost, learnt from past declarations.
 *
 * For each entity key (hs6, hs6+origin_country, importer_id ...) and value, a norm is the
 * median and the median absolute deviation (MAD) of the natural log of the declared value per
 * kg over the declarations dated strictly before a cut-off, so a line dated t is compared only
 * with what was declared before t. In log space a price ten times the usual and one a tenth of
 * it are as far from the norm, and the median and MAD are not moved by a few absurd
 * declarations, as a mean and a standard deviation would be.
 *
 * Declarations are not outcomes: a norm may count every declaration seen, inspected or not,
 * without leaking what inspections found.
 *
 * Memory is bounded whatever the volume: building goes through one fixed histogram of
 * BR_NORMS_BUCKETS log buckets BR_NORMS_STEP wide (so statistics are exact to about 1%), and a
 * key value keeps one step (day, count, median, MAD) per day it was declared on, not one per
 * declaration. A built set of norms is immutable: lookups neither lock nor allocate. */
#pragma once

#include <glib.h>

#define BR_NORMS_BUCKETS 8192
#define BR_NORMS_STEP 0.01 /* bucket width in ln(value per kg): 1% */

/* One past declaration as norms count it: key k's (normalised) value, its day (days since
 * 1970-01-01) and x = ln(declared value / declared kg). */
typedef struct {
  guint key;
  const char *value;
  gint32 day;
  double x;
} BrNormObs;

typedef struct {
  guint declarations; /* counted before the cut-off */
  double median;      /* of ln(value per kg) */
  double mad;         /* median of |ln(value per kg) - median| */
} BrNorm;

typedef struct BrNorms BrNorms;

/* Norms of nkeys keys from observations in any order (values are copied). */
BrNorms *br_norms_new(guint nkeys, const BrNormObs *obs, guint n);
void br_norms_free(BrNorms *norms);
/* The norm of key k's value over the declarations dated strictly before cut_day
 * (G_MAXINT32: all of them). FALSE, with out untouched, when there were none. */
gboolean br_norms_lookup(const BrNorms *norms, guint k, const char *value, gint32 cut_day,
                         BrNorm *out);
/* Bytes the built norms hold in steps and entries (the values' text aside): the bound tests
 * check. */
gsize br_norms_memory(const BrNorms *norms);
/* ln(value / kg), FALSE unless both are finite and above 0. */
gboolean br_norms_log_value_per_kg(double value, double kg, double *x);
/* How far x lies from the norm in robust standard deviations: (x - median) / (1.4826 MAD),
 * the MAD taken at least floor (a norm of identical declarations has MAD 0). */
double br_norms_z(const BrNorm *norm, double x, double floor);
