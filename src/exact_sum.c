#include <math.h>
#include "exact_sum.h"

void bce_sum_normalize(bce_sum *s){
  int i;
  for(i=0; i<BCE_SUM_LIMBS-1; i++){
    int64_t carry = s->limb[i] >> 32;   /* floor division by 2^32 */
    s->limb[i] -= carry * ((int64_t)1 << 32);
    s->limb[i+1] += carry;
  }
  s->pending = 0;
}

void bce_sum_merge(bce_sum *s, const bce_sum *t){
  int i;
  bce_sum_normalize(s);
  for(i=0; i<BCE_SUM_LIMBS; i++) s->limb[i] += t->limb[i];
  s->pending = t->pending + 1;
  bce_sum_normalize(s);
}

/* Rounds the non-negative normalized integer in limb[] (units of 2^-1074),
** times 2^scale, to the nearest double, ties to even.  A scale < 0 reads a
** sum past the double range; it is only used where the result is normal,
** so that the scaling itself cannot round. */
static double round_magnitude(const int64_t *limb, int scale){
  int top = BCE_SUM_LIMBS - 1;
  int nbits = 0;
  int sticky = 0;
  int i;
  uint64_t window, mant, rest;
  while( top>=0 && limb[top]==0 ) top--;
  if( top<0 ) return 0.0;
  if( top<=1 ){
    uint64_t v = ((uint64_t)limb[1] << 32) | (uint64_t)limb[0];
    /* below 2^53 units the value is a double as it stands */
    if( v < (UINT64_C(1) << 53) ) return ldexp((double)v, scale - 1074);
  }
  /* The 64 bits from the leading one down; anything below is "sticky". */
  while( nbits<32 && ((uint64_t)limb[top] >> nbits)!=0 ) nbits++;
  window = (uint64_t)limb[top] << (64 - nbits);
  window |= (uint64_t)limb[top-1] << (32 - nbits);
  if( top>=2 ){
    window |= (uint64_t)limb[top-2] >> nbits;
    sticky = ((uint64_t)limb[top-2] & ((UINT64_C(1) << nbits) - 1))!=0;
  }
  for(i=top-3; i>=0 && !sticky; i--) sticky = limb[i]!=0;
  mant = window >> 11;
  rest = window & 0x7ff;
  if( rest>0x400 || (rest==0x400 && (sticky || (mant & 1))) ) mant++;
  /* the window's leading one weighs 2^(32*top + nbits - 1 - 1074) */
  return ldexp((double)mant, 32*top + nbits - 1 - 1074 - 52 + scale);
}

static double value_scaled(bce_sum *s, int scale){
  bce_sum_normalize(s);
  if( s->limb[BCE_SUM_LIMBS-1] < 0 ){
    bce_sum neg;
    int i;
    for(i=0; i<BCE_SUM_LIMBS; i++) neg.limb[i] = -s->limb[i];
    neg.pending = 0;
    bce_sum_normalize(&neg);
    return -round_magnitude(neg.limb, scale);
  }
  return round_magnitude(s->limb, scale);
}

double bce_sum_value(bce_sum *s){
  return value_scaled(s, 0);
}

double bce_sum_div(bce_sum *s, double n){
  double v = value_scaled(s, 0);
  if( isinf(v) ){
    /* At most 2^1102 (the limbs' reach): read 2^-128 of it, a normal
    ** double, so the scaled value is rounded once, as v would have been. */
    return ldexp(value_scaled(s, -128)/n, 128);
  }
  return v/n;
}

double bce_sum_value_scaled(bce_sum *s, int k){
  return value_scaled(s, k);
}
