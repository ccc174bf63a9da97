/* SPDX-License-Identifier: MIT */
/*
** bce_fma(a, b, c): a·b + c rounded once, to nearest even.  The C
** library's fma() where that is right; bce_fma_exact() where it is not.
**
** mingw-w64's fma() (10.0.0, Debian 12's, linked into bce.dll from its
** libmingwex, so real Windows runs it too) is not correctly rounded: over
** 2·10^5 random arguments 35,869 of its results differed from glibc's, and
** under Wine make test-windows failed nine bce_grad values near 2^-1022
** against mpmath.  The error-free transformations of src/ (TwoProduct,
** the residues of loss.c and logistic.c) are only exact with a correct
** fma, so there bce_fma() is bce_fma_exact(): the product and the sum in
** 128-bit integers, rounded once.  tests/unit_fma.c holds it to glibc's
** fma() bit for bit.
*/
#ifndef BCE_FMA_H
#define BCE_FMA_H

#include <math.h>
#include "bits.h"

#if defined(__SIZEOF_INT128__)
# define BCE_HAVE_EXACT_FMA 1
typedef unsigned __int128 bce_u128;

static inline int bce_u128_bit_length(bce_u128 x){
  uint64_t hi = (uint64_t)(x >> 64);
  return hi ? 64 + bce_bit_length(hi) : bce_bit_length((uint64_t)x);
}

/* |x| = m·2^e with m an integer below 2^53 (x finite) */
static inline uint64_t bce_fma_parts(double x, int *e){
  uint64_t b = bce_bits(x);
  int be = (int)((b >> 52) & 0x7ff);
  uint64_t m = b & 0xfffffffffffffULL;
  if( be==0 ){
    *e = -1074;
  }else{
    m |= 1ULL << 52;
    *e = be - 1075;
  }
  return m;
}

static inline double bce_fma_exact(double a, double b, double c){
  int ea, eb, ec, ep, e, t, k, d, neg, sp, sc;
  uint64_t ma, mb, mc;
  bce_u128 p, q, r;
  double x;
  /* a·b is 0, Inf or NaN exactly: the plain expression is right */
  if( !isfinite(a) || !isfinite(b) || a==0.0 || b==0.0 ) return a*b + c;
  if( !isfinite(c) ) return c;
  ma = bce_fma_parts(a, &ea);
  mb = bce_fma_parts(b, &eb);
  mc = bce_fma_parts(c, &ec);
  p = (bce_u128)ma * mb;                  /* |a·b| = p·2^ep, p < 2^106 */
  ep = ea + eb;
  sp = (signbit(a)!=0) != (signbit(b)!=0);
  sc = signbit(c)!=0;
  if( mc==0 ){
    r = p;                                /* c = ±0: a·b alone, its sign */
    e = ep;
    neg = sp;
  }else{
    /* Both with their top bit at bit 125: p's low 20 bits and q's low 73
    ** are then 0, so p + q cannot carry out, and the smaller one shifted
    ** right loses bits only when it is below 2^-20 of the other.  Those
    ** bits become a sticky 1 in bit 0 (an even number plus or minus an
    ** odd one is odd): a result that is odd when it is inexact rounds
    ** like the exact one at any position above bit 1 (round to odd). */
    int tp = bce_u128_bit_length(p), tc = bce_bit_length(mc);
    p <<= 126 - tp;
    ep -= 126 - tp;
    q = (bce_u128)mc << (126 - tc);
    ec -= 126 - tc;
    if( ep < ec ){
      bce_u128 sw = p; int se = ep, ss = sp;
      p = q; ep = ec; sp = sc;
      q = sw; ec = se; sc = ss;
    }
    d = ep - ec;
    if( d >= 127 ){
      q = 1;
    }else if( d > 0 ){
      int lost = (q & ((((bce_u128)1) << d) - 1))!=0;
      q = (q >> d) | (bce_u128)lost;
    }
    e = ep;
    if( sp==sc ){
      r = p + q;
      neg = sp;
    }else if( p>=q ){
      r = p - q;
      neg = sp;
    }else{
      r = q - p;
      neg = sc;
    }
    if( r==0 ) return 0.0;                /* exact cancellation: +0 */
  }
  /* Round r·2^e to 53 bits, or to the unit 2^-1074 of the subnormals. */
  t = bce_u128_bit_length(r);
  k = t - 53;
  if( k < -1074 - e ) k = -1074 - e;
  if( k > t ){
    r = 0;                                /* below half the least subnormal */
    e += k;
  }else if( k > 0 ){
    bce_u128 rem = r & ((((bce_u128)1) << k) - 1);
    bce_u128 half = ((bce_u128)1) << (k - 1);
    r >>= k;
    if( rem > half || (rem==half && (r & 1)) ) r++;
    e += k;
  }
  x = ldexp((double)(uint64_t)r, e);      /* r <= 2^53: exact, or Inf */
  return neg ? -x : x;
}
#endif

#if defined(__MINGW32__) && defined(BCE_HAVE_EXACT_FMA)
# define bce_fma bce_fma_exact
#else
# define bce_fma fma
#endif

#endif /* BCE_FMA_H */
