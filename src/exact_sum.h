/* SPDX-License-Identifier: MIT */
/*
** An exact running sum of doubles: add, remove, and read back the
** sum rounded once to the nearest double.
**
** Why not a compensated (Kahan-Babuska-Neumaier) sum: its compensation is
** itself a plain double sum, so in a sliding window it forgets terms that
** are small next to the rounding errors of terms already gone.  A frame of
** losses near 1e-300 (eps = 0, confident and right) that follows a loss of
** 36 came back 12% off, and a frame of zeros came back nonzero.  Exact
** integer arithmetic has no history: a frame's sum is the same bits whether
** it was built by sliding or from scratch.
**
** How: every finite double is an integer multiple of 2^-1074, below 2^1024.
** The sum is kept as that integer in base 2^32, one signed 64-bit limb per
** digit.  An addition outside the lane (below) touches three limbs and
** never carries; carries are resolved when the sum is read, or every
** BCE_SUM_FLUSH operations, well before a limb (at most 2^33 per operation)
** could overflow.  68 limbs cover 2^-1074 .. 2^1102, room for 2^64 terms
** near the largest double.
**
** The lane: most terms summed here are losses and weights between 2^-50
** and 2^7 (with the default eps, 2^-52, a loss is in [2^-52, 36.04]: only
** the rows predicted exactly right, 2^-52 (1 + 2^-52), fall below the lane
** and take the limbs; 3*10^6 rows, 98% of them such, take 0.88 s in
** bce(y, p), against 1.1 s at 0.2.0's 1e-15, all in the lane).  Those go to
** a 128-bit two's complement integer in units of 2^-102 instead: one
** shift and one add with carry, at a fixed place, where the limbs need an
** index computed from the exponent.  A term there is below 2^109, so
** BCE_SUM_FLUSH = 2^17 of them stay below 2^126, and every flush (and
** every read) moves the lane into the limbs first.  Same integer, so the
** same bits: the lane changes speed, not results.
**
** Only finite values may enter; callers count infinite terms on the side.
*/
#ifndef BCE_EXACT_SUM_H
#define BCE_EXACT_SUM_H

#include <stdint.h>
#include <string.h>
#include "bits.h"
#include "vec4.h"

#define BCE_SUM_LIMBS 68
#define BCE_SUM_FLUSH (1 << 17)

/* The lane takes the doubles of biased exponent [BCE_LANE_FIRST,
** BCE_LANE_FIRST + BCE_LANE_EXPONENTS): [2^-50, 2^7).  Its unit, 2^-102,
** is the lowest bit of the smallest of them, bit BCE_LANE_FIRST - 1 of the
** limbs' integer (972: limb 30, shifted by 12). */
#define BCE_LANE_FIRST 973
#define BCE_LANE_EXPONENTS 57
#define BCE_LANE_LIMB ((BCE_LANE_FIRST - 1) / 32)
#define BCE_LANE_SHIFT ((BCE_LANE_FIRST - 1) % 32)

typedef struct bce_sum {
  int64_t limb[BCE_SUM_LIMBS];  /* value = sum of limb[i] * 2^(32i-1074) */
  uint64_t lane_lo, lane_hi;    /* + (lane_hi * 2^64 + lane_lo) * 2^-102,
                                ** the 128 bits in two's complement */
  int32_t pending;              /* operations since the last normalize */
} bce_sum;

/* Empties the lane into the limbs and resolves carries, so that every limb
** but the last is in [0, 2^32). */
BCE_PRIVATE void bce_sum_normalize(bce_sum *s);

/* The sum, rounded to nearest (ties to even); +-Inf past the double range. */
BCE_PRIVATE double bce_sum_value(bce_sum *s);

/* The sum divided by n (> 0), as bce_sum_value(s)/n, also where only the
** sum is past the double range: a mean of terms near 1e308 is finite. */
BCE_PRIVATE double bce_sum_div(bce_sum *s, double n);
/* The sum times 2^k, rounded once to nearest when the result is a normal
** double (a subnormal result may round twice); for reading sums whose
** ratio matters but which are themselves near the ends of the range. */
BCE_PRIVATE double bce_sum_value_scaled(bce_sum *s, int k);

static inline void bce_sum_clear(bce_sum *s){
  memset(s, 0, sizeof(*s));
}

/* s += x (sign = +1) or s -= x (sign = -1), x finite, in the limbs: right
** for any x, and what bce_sum_add does, out of line, with the rare terms
** outside the lane. */
BCE_PRIVATE void bce_sum_add_limbs(bce_sum *s, double x, int sign);

/* Adds sign * m * 2^lane units of 2^-102 to the lane: m is the 53-bit
** significand of the term's bits, lane its biased exponent less
** BCE_LANE_FIRST, in [0, BCE_LANE_EXPONENTS), and sign says whether the
** term (its sign bit included) is added or taken away. */
BCE_ALWAYS_INLINE void bce_sum_lane_add(bce_sum *s, uint64_t bits, int lane,
                                       int sign){
  uint64_t m, lo, hi;
  /* x = m * 2^lane units of 2^-102; the shift by 63 - lane (not 64 - lane,
  ** undefined at lane = 0) of m/2 takes the high word */
  m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
  lo = m << lane;
  hi = (m >> 1) >> (63 - lane);
  if( sign>0 ){
    s->lane_lo += lo;
    s->lane_hi += hi + (s->lane_lo < lo);
  }else{
    uint64_t was = s->lane_lo;
    s->lane_lo = was - lo;
    s->lane_hi -= hi + (was < lo);
  }
  if( ++s->pending>=BCE_SUM_FLUSH ) bce_sum_normalize(s);
}

/* s += x (sign = +1) or s -= x (sign = -1), x finite.  Inline, and small
** enough to stay inline: it runs once a row. */
static inline void bce_sum_add(bce_sum *s, double x, int sign){
  uint64_t bits = bce_bits(x);
  int lane = (int)((bits >> 52) & 0x7ff) - BCE_LANE_FIRST;
  if( (unsigned)lane >= BCE_LANE_EXPONENTS ){
    bce_sum_add_limbs(s, x, sign);
    return;
  }
  if( (bits >> 63) ) sign = -sign;
  bce_sum_lane_add(s, bits, lane, sign);
}

/* bce_sum_add() for x > +0 and finite, a loss or a weight (src/mean.h):
** no test of the sign and no mask of it, 8 to 19 instructions a row fewer
** in bce(y, p), bce(y, p, w) and bce_logits (docs/performance.md).  Any
** other finite x is still added right, only slower: the sign bit puts a
** negative x's bits past the lane, and the limbs take it, as they take
** +-0. */
static inline void bce_sum_add_positive(bce_sum *s, double x, int sign){
  uint64_t bits = bce_bits(x);
  int lane = (int)(bits >> 52) - BCE_LANE_FIRST;
  if( (unsigned)lane >= BCE_LANE_EXPONENTS ){
    bce_sum_add_limbs(s, x, sign);
    return;
  }
  bce_sum_lane_add(s, bits, lane, sign);
}

#ifdef BCE_VECTOR
/* bce_sum_add4_positive()'s constants, in memory (src/exact_sum.c), as
** src/log_batch.h's are and for the same reason. */
typedef struct bce_sum4_consts {
  bce_v4u first;        /* BCE_LANE_FIRST */
  bce_v4u top;          /* BCE_LANE_EXPONENTS - 1 */
  bce_v4u frac;         /* a double's 52 fraction bits */
  bce_v4u one;          /* its implicit bit, 2^52 */
  bce_v4u count;        /* 63: a shift's count bits */
  bce_v4u low56;        /* 2^56 - 1 */
  bce_v4u out;          /* 2^60, the flag of a term outside the lane */
} bce_sum4_consts;
BCE_PRIVATE_DATA const bce_sum4_consts bce_sum4_k;

/* bce_sum_add_positive() of the four lanes of *x, when each is in the
** lane (which makes it positive): returns 1.  Returns 0 and adds nothing
** when one is not; the caller then adds them one by one.  A term is m
** 2^d units of 2^-102, d = its biased exponent less BCE_LANE_FIRST, below
** 2^109 (bce_sum_lane_add()); each is split at 2^56 into hi 2^56 + lo, so
** that the four his (each below 2^53) and the four los (below 2^56) add
** up in 64 bits without overflow, and the lane takes their sum as one
** 128-bit number: the same integer, in one add with carry instead of
** four (docs/performance.md).  The lane counts them as four operations:
** 2^17 + 3 terms below 2^109 each stay far below the 2^127 of its sign. */
BCE_ALWAYS_INLINE int bce_sum_add4_positive(bce_sum *s, const bce_v4d *x){
  const bce_sum4_consts *K = &bce_sum4_k;
  const bce_v4u bits = (bce_v4u)*x;
  bce_v4u d, c, m, hi, lo, t;
  uint64_t h, l, sh, sl;
  d = (bits >> 52) - K->first;
  c = K->top - d;                 /* 56 - d: hi = m 2^d / 2^56 = m >> c */
  /* a term outside the lane has d or c negative: its sign bit, moved to
  ** bit 60 of its lo; four such do not carry out of 64 bits, and four los
  ** in the lane stay below 2^58 */
  m = (bits & K->frac) | K->one;
  /* the counts masked to 6 bits: outside the lane they are anything, and
  ** the result is not used */
  hi = m >> (c & K->count);
  lo = ((m << (d & K->count)) & K->low56) | (((d | c) >> 3) & K->out);
  /* the four his and the four los added, pairwise */
  t = BCE_V4_SHUFFLE(hi, lo, 0, 4, 2, 6) + BCE_V4_SHUFFLE(hi, lo, 1, 5, 3, 7);
  sh = t[0] + t[2];
  sl = t[1] + t[3];
  if( sl >> 60 ) return 0;
  /* sh 2^56 + sl as 128 bits */
  l = (sh << 56) + sl;
  h = (sh >> 8) + (l < sl);
  s->lane_lo += l;
  s->lane_hi += h + (s->lane_lo < l);
  s->pending += 4;
  if( s->pending>=BCE_SUM_FLUSH ) bce_sum_normalize(s);
  return 1;
}
#endif

#endif
