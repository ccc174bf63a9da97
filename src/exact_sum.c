/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "bits.h"
#include "exact_sum.h"

/* The limbs [lo, hi] hold every nonzero one of the sum; hi < 0 when it
** is zero. */
typedef struct limb_span {
  int lo, hi;
} limb_span;

/* Four limbs at a time: most of the 68 are zero, and a window's sum is
** read after every row. */
static int highest_nonzero(const int64_t *limb, int hi){
  while( hi>=3 && (limb[hi] | limb[hi-1] | limb[hi-2] | limb[hi-3])==0 ){
    hi -= 4;
  }
  while( hi>=0 && limb[hi]==0 ) hi--;
  return hi;
}

/* Moves the lane into the limbs, as four base-2^32 digits of which the
** top one carries the sign; each lands BCE_LANE_SHIFT bits up, below 2^44,
** and normalize() resolves the carries right after. */
static void flush_lane(bce_sum *s){
  uint64_t lo = s->lane_lo, hi = s->lane_hi;
  int64_t *d = s->limb + BCE_LANE_LIMB;
  /* hi's top 32 bits read as signed, without converting a uint64_t that
  ** may be past INT64_MAX */
  int64_t top = (int64_t)(hi >> 32) - (int64_t)((hi >> 63) << 32);
  d[0] += (int64_t)(lo & 0xffffffffu) * ((int64_t)1 << BCE_LANE_SHIFT);
  d[1] += (int64_t)(lo >> 32) * ((int64_t)1 << BCE_LANE_SHIFT);
  d[2] += (int64_t)(hi & 0xffffffffu) * ((int64_t)1 << BCE_LANE_SHIFT);
  d[3] += top * ((int64_t)1 << BCE_LANE_SHIFT);
  s->lane_lo = s->lane_hi = 0;
}

/* Resolves carries, touching only what can change: the zero limbs below
** the lowest nonzero one carry nothing, and above the highest nonzero one
** a carry that has died out changes nothing more.  For losses of similar
** size that is a handful of the 68 limbs. */
static limb_span normalize(bce_sum *s){
  limb_span sp;
  int i;
  if( s->lane_lo | s->lane_hi ) flush_lane(s);
  s->pending = 0;
  sp.hi = highest_nonzero(s->limb, BCE_SUM_LIMBS - 1);
  sp.lo = 0;
  if( sp.hi<0 ) return sp;
  while( sp.lo<=sp.hi-4 && (s->limb[sp.lo] | s->limb[sp.lo+1]
                            | s->limb[sp.lo+2] | s->limb[sp.lo+3])==0 ){
    sp.lo += 4;
  }
  while( s->limb[sp.lo]==0 ) sp.lo++;
  for(i=sp.lo; i<BCE_SUM_LIMBS-1; i++){
    int64_t carry = s->limb[i] >> 32;   /* floor division by 2^32 */
    if( carry==0 && i>=sp.hi ) break;
    s->limb[i] -= carry * ((int64_t)1 << 32);
    s->limb[i+1] += carry;
  }
  sp.hi = highest_nonzero(s->limb, i>sp.hi ? i : sp.hi);
  return sp;
}

BCE_PRIVATE void bce_sum_normalize(bce_sum *s){
  (void)normalize(s);
}

BCE_PRIVATE void bce_sum_add_limbs(bce_sum *s, double x, int sign){
  uint64_t bits, m, lo, hi;
  int biased, pos, sh;
  int64_t *d;
  bits = bce_bits(x);
  biased = (int)((bits >> 52) & 0x7ff);
  m = bits & ((UINT64_C(1) << 52) - 1);
  /* callers count infinite terms on the side and make no NaN: an Inf or
  ** NaN read as if finite would add 2^1024 or so, silently */
  if( BCE_NEVER(biased==0x7ff) ) return;
  if( biased ) m |= UINT64_C(1) << 52;
  if( m==0 ) return;
  if( (bits >> 63) ) sign = -sign;
  /* x = m * 2^(pos-1074) */
  pos = biased ? biased - 1 : 0;
  d = s->limb + (pos >> 5);
  sh = pos & 31;
  lo = (m & 0xffffffffu) << sh;     /* < 2^64 */
  hi = (m >> 32) << sh;             /* < 2^53 */
  if( sign>0 ){
    d[0] += (int64_t)(lo & 0xffffffffu);
    d[1] += (int64_t)((lo >> 32) + (hi & 0xffffffffu));
    d[2] += (int64_t)(hi >> 32);
  }else{
    d[0] -= (int64_t)(lo & 0xffffffffu);
    d[1] -= (int64_t)((lo >> 32) + (hi & 0xffffffffu));
    d[2] -= (int64_t)(hi >> 32);
  }
  if( ++s->pending>=BCE_SUM_FLUSH ) bce_sum_normalize(s);
}

/* Rounds the non-negative normalized integer in limb[] (units of 2^-1074),
** nonzero only in sp, times 2^scale, to the nearest double, ties to even.
** A scale < 0 reads a sum past the double range; it is only used where the
** result is normal, so that the scaling itself cannot round. */
static double round_magnitude(const int64_t *limb, limb_span sp, int scale){
  int top = sp.hi;
  int nbits, sticky = 0, i;
  uint64_t window, mant, rest;
  if( top<0 ) return 0.0;
  if( top<=1 ){
    uint64_t v = ((uint64_t)limb[1] << 32) | (uint64_t)limb[0];
    /* below 2^53 units the value is a double as it stands */
    if( v < (UINT64_C(1) << 53) ) return ldexp((double)v, scale - 1074);
  }
  /* The 64 bits from the leading one down; anything below is "sticky". */
  nbits = bce_bit_length((uint64_t)limb[top]);
  window = (uint64_t)limb[top] << (64 - nbits);
  window |= (uint64_t)limb[top-1] << (32 - nbits);
  if( top>=2 ){
    window |= (uint64_t)limb[top-2] >> nbits;
    sticky = ((uint64_t)limb[top-2] & ((UINT64_C(1) << nbits) - 1))!=0;
  }
  for(i=sp.lo; i<top-2 && !sticky; i++) sticky = limb[i]!=0;
  mant = window >> 11;
  rest = window & 0x7ff;
  if( rest>0x400 || (rest==0x400 && (sticky || (mant & 1))) ) mant++;
  /* the window's leading one weighs 2^(32*top + nbits - 1 - 1074) */
  return ldexp((double)mant, 32*top + nbits - 1 - 1074 - 52 + scale);
}

static double value_scaled(bce_sum *s, int scale){
  limb_span sp = normalize(s);
  if( sp.hi>=0 && s->limb[sp.hi] < 0 ){
    bce_sum neg;
    int i;
    for(i=0; i<BCE_SUM_LIMBS; i++) neg.limb[i] = -s->limb[i];
    neg.lane_lo = neg.lane_hi = 0;
    neg.pending = 0;
    return -round_magnitude(neg.limb, normalize(&neg), scale);
  }
  return round_magnitude(s->limb, sp, scale);
}

BCE_PRIVATE double bce_sum_value(bce_sum *s){
  return value_scaled(s, 0);
}

BCE_PRIVATE double bce_sum_div(bce_sum *s, double n){
  double v = value_scaled(s, 0);
  if( isinf(v) ){
    /* At most 2^1102 (the limbs' reach): read 2^-128 of it, a normal
    ** double, so the scaled value is rounded once, as v would have been. */
    return ldexp(value_scaled(s, -128)/n, 128);
  }
  return v/n;
}

BCE_PRIVATE double bce_sum_value_scaled(bce_sum *s, int k){
  return value_scaled(s, k);
}

#ifdef BCE_VECTOR
#define V4U(x) {(x), (x), (x), (x)}
BCE_PRIVATE const bce_sum4_consts bce_sum4_k = {
  V4U(BCE_LANE_FIRST),
  V4U(BCE_LANE_EXPONENTS - 1),
  V4U((UINT64_C(1) << 52) - 1),
  V4U(UINT64_C(1) << 52),
  V4U(63),
  V4U((UINT64_C(1) << 56) - 1),
  V4U(UINT64_C(1) << 60),
};
#endif
