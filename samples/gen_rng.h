/* The generator's random numbers: xoshiro256** seeded through splitmix64.
 *
 * Our own generator rather than rand(), so that the same seed gives the same manifest on
 * every platform and C library. Only integer arithmetic is used for draws. */
#pragma once

#include <glib.h>

typedef struct {
  guint64 s[4];
} GenRng;

static inline guint64
gen_splitmix64(guint64 *state)
{
  guint64 z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline void
gen_rng_seed(GenRng *rng, guint64 seed)
{
  guint64 sm = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = gen_splitmix64(&sm);
}

static inline guint64
gen_rotl(guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
gen_rng_next(GenRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = gen_rotl(s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = gen_rotl(s[3], 45);
  return result;
}

/* Uniform in [0, n) by Lemire's multiply-shift; the tiny bias of skipping the rejection
 * step is irrelevant for a test-data generator and keeps every draw one call. */
static inline guint32
gen_rng_below(GenRng *rng, guint32 n)
{
  return (guint32)(((gen_rng_next(rng) >> 32) * (guint64)n) >> 32);
}

/* Uniform in [lo, hi], inclusive. */
static inline guint64
gen_rng_range(GenRng *rng, guint64 lo, guint64 hi)
{
  return lo + (gen_rng_next(rng) % (hi - lo + 1));
}

/* True with probability per_mille / 1000. */
static inline gboolean
gen_rng_chance(GenRng *rng, guint32 per_mille)
{
  return gen_rng_below(rng, 1000) < per_mille;
}
