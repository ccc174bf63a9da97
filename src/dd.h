/* SPDX-License-Identifier: MIT */
/*
** Double-double helpers: a sum carried as hi + lo (about 106 bits), and
** such a sum times a power of two rounded once.
**
** A result formed at a scale where nothing underflows is brought back with
** ldexp().  Where it lands in the normal range that is exact, and rounding
** hi + lo first is the one rounding.  Where it lands among the subnormals
** ldexp() rounds onto their coarser grid, and rounding hi + lo to 53 bits
** first would be a second rounding (sigmoid(-707.3687095027948) was 0.75
** ulp off): there the part of hi that the grid cuts, exact, joins lo, and
** that remainder, under one step of the grid, is rounded on the grid once.
*/
#ifndef BCE_DD_H
#define BCE_DD_H

#include <math.h>
#include "bits.h"
#include "fma.h"

/* x*2^e, rounded once as ldexp() rounds it, without ldexp()'s call (two
** in glibc, 347 instructions of a bce_logits_grad() that made seven) where
** 2^e is a normal double: a product by a power of two rounds only where it
** lands among the subnormals or overflows, as ldexp() does there. */
static inline double bce_scale(double x, int e){
  if( e>=-1022 && e<=1023 ){
    return x*bce_from_bits((uint64_t)(e + 1023) << 52);
  }
  return ldexp(x, e);
}

/* ilogb(x) for x finite and not 0, from the bits where x is normal. */
static inline int bce_ilogb(double x){
  int biased = (int)((bce_bits(x) >> 52) & 0x7ff);
  return biased ? biased - 1023 : ilogb(x);
}

/* *hi + *lo + x, exactly but for a rounding at 2^-106 or so of the sum,
** into (*hi, *lo) with |*lo| <= ulp(*hi)/2. */
static inline void bce_dd_add(double *hi, double *lo, double x){
  double s = *hi + x;
  double e = bce_two_sum_err(*hi, x, s) + *lo;
  *hi = s + e;
  *lo = e - (*hi - s);
}

/* (*hi + *lo)*(bh + bl) into (*hi, *lo), to about 2^-104 relative: the
** product of the leading parts exact (fma), the cross terms rounded. */
static inline void bce_dd_mul(double *hi, double *lo, double bh, double bl){
  double p = *hi*bh;
  double e = bce_fma(*hi, bh, -p) + (*hi*bl + *lo*bh);
  *hi = p + e;
  *lo = e - (*hi - p);
}

/* (hi + lo) * 2^e to the nearest double, hi and lo finite in any order.
** The remainder c = (h - r 2^-e) + l, under a step of the subnormal grid,
** is a double of 53 bits rounded again onto that grid, and where l was
** below its last bit, c can round onto a midpoint of the grid that l had
** broken: bce_logits_grad(1.5e-323, -1400, 2), exactly a hair under
** -1.5*2^-1074, came out -2^-1073 by the tie to even.  So c is rounded to
** odd (its last bit set where the sum left something): 53 bits so rounded
** and then rounded to the grid, at least two bits coarser, is the sum
** rounded to the grid once. */
static inline double bce_ldexp_dd(double hi, double lo, int e){
  double h = hi + lo;
  double l = bce_two_sum_err(hi, lo, h);
  double r = bce_scale(h, e), d, c, ce;
  /* 2^-1022 itself may be h rounded up from below it, by the tie to even
  ** of a value l breaks the other way: it takes the path below, whose
  ** grid it is on */
  if( fabs(r)>0x1p-1022 || h==0.0 ) return r;
  d = h - bce_scale(r, -e);                        /* exact: r is h's grid */
  c = d + l;
  ce = bce_two_sum_err(d, l, c);
  if( ce!=0.0 && (bce_bits(c) & 1)==0 ){
    /* c is not 0 here (a sum that rounds to 0 is exact): one step of its
    ** bits toward ce, away from 0 where the two have one sign */
    c = bce_from_bits((ce>0.0)==(c>0.0) ? bce_bits(c) + 1 : bce_bits(c) - 1);
  }
  return r + bce_scale(c, e);
}

#endif
