/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "logistic.h"
#include "fma.h"

/* An unevaluated sum hi + lo, |lo| <= ulp(hi)/2: about 106 bits. */
typedef struct BceDD { double hi, lo; } BceDD;

/* a*a exactly: bce_fma() rounds once, so a*a - fl(a*a) is exact, and stays
** so where a compiler fuses multiplies on its own (-ffp-contract=fast),
** which would break Dekker's split-and-multiply. */
static BceDD bce_dd_square(double a){
  BceDD r;
  r.hi = a*a;
  r.lo = bce_fma(a, a, -r.hi);
  return r;
}

/* e^-a for 0 <= a <= 746, as 2^k * (m.hi + m.lo) with m in [0.7, 1.42]
** and a relative error of about 2^-57, where exp() itself may be off by
** half an ulp (2^-53): that half ulp, passed on whole through e/(1+e), is
** what kept sigmoid above 1 ulp (1.46 in 10^6 cases, docs/accuracy.md).
**
** -a = k*ln2 + r, |r| <= ln2/2, with ln2 split (bits.h) so that
** k*BCE_LN2_HI is exact (32 significant bits, |k| <= 1077) and so is
** y = -a - k*BCE_LN2_HI (Sterbenz); y - z, z = k*BCE_LN2_LO, is split
** exactly into r + rlo, since y is a multiple of ulp(a), far coarser than
** ulp(z).  What is left of ln2, and z's rounding, cost under 2^-80 for
** |k| <= 64 (the division's range) and 2^-75 at the far end.  Then
** e^r = 1 + r + r^2/2 + r^3*P(r): the first three terms in double-double,
** the rest, under 0.008, in double, where its few roundings cost about
** 2^-58; the series stops at r^15/15!, and what it leaves out is under
** 2^-67. */
static BceDD bce_exp_neg(double a, int *k){
  static const double INV_LN2 = 1.44269504088896338700e+00;
  double kd = nearbyint(-a*INV_LN2);
  double y = -a - kd*BCE_LN2_HI;
  double z = kd*BCE_LN2_LO;
  double r = y - z;
  double rlo = (y - r) - z;               /* exact: see above */
  BceDD sq = bce_dd_square(r);
  double h2 = 0.5*sq.hi, l2 = 0.5*sq.lo;
  double tail = r*r*r*(1.0/6 + r*(1.0/24 + r*(1.0/120 + r*(1.0/720
              + r*(1.0/5040 + r*(1.0/40320 + r*(1.0/362880
              + r*(1.0/3628800 + r*(1.0/39916800 + r*(1.0/479001600
              + r*(1.0/6227020800.0 + r*(1.0/87178291200.0
              + r*(1.0/1307674368000.0)))))))))))));
  double s = r + h2;
  double se = bce_two_sum_err(r, h2, s);  /* r and h2 in any order */
  double m = 1.0 + s;                     /* Fast2Sum: 1 > |s| */
  double me = (1.0 - m) + s;
  /* e^(r + rlo) = e^r * (1 + rlo), e^r ~ 1 + r to the bits that matter */
  double lo = me + se + l2 + tail + rlo*(1.0 + r);
  BceDD out;
  out.hi = m + lo;
  out.lo = lo - (out.hi - m);
  *k = (int)kd;
  return out;
}

/* 1/(1+e) for x >= 0 and e/(1+e) for x < 0, e = e^-|x| in (0, 1], so
** nothing overflows.  With e to 2^-57 (bce_exp_neg), d = 1+e in
** double-double and the division's residual exact, what is left is the
** last rounding (half an ulp) and a sixteenth of an ulp or so from e
** (0.522 ulp at most over 10^6 cases), where the formula with exp() is
** off by up to 1.5 ulp (1.46 measured; 2.06 at x = -4.154168081478287
** before 1 + e was compensated).  Past x = 40, 1/(1+e) is 1 to 2^-57;
** below x = -746, e/(1+e) is under half the least subnormal. */
BCE_PRIVATE double bce_sigmoid(double x){
  double a = fabs(x);
  int k;
  BceDD m, d;
  double eh, el, num, c;
  if( isnan(x) ) return x;
  if( x>40.0 ) return 1.0;
  if( x<-746.0 ) return 0.0;
  m = bce_exp_neg(a, &k);
  if( k<-64 ){
    /* x below about -44.7: e < 2^-64.5, so e/(1+e) = e*(1 - e + ...) is e
    ** to 2^-64, and rounding e is the one rounding.  In the subnormals
    ** ldexp() would round m.hi's 53 bits again (0.70 ulp was seen at
    ** x = -708.588): the part of m.hi*2^k it cut, exact at m's scale,
    ** joins m.lo, and that remainder, under 1.5 ulp, rounds to a whole
    ** number of ulps. */
    eh = ldexp(m.hi, k);
    el = (m.hi - ldexp(eh, -k)) + m.lo;
    return eh + ldexp(el, k);
  }
  eh = ldexp(m.hi, k);
  el = ldexp(m.lo, k);
  d.hi = 1.0 + eh;                        /* Fast2Sum: 1 >= eh */
  d.lo = ((1.0 - d.hi) + eh) + el;
  num = x>=0.0 ? 1.0 : eh;
  c = num/d.hi;
  /* (num + numlo)/(d.hi + d.lo) = c + (num - c*d.hi + numlo - c*d.lo)/d.hi
  ** to 2^-100, where the remainder num - c*d.hi of a rounded quotient is
  ** a double, which bce_fma() gives exactly */
  return c + ((bce_fma(-c, d.hi, num) + (x>=0.0 ? 0.0 : el)) - c*d.lo)/d.hi;
}

/* Below 1/4 the two logarithms cannot cancel (|ln p| > 1.38 > |ln(1-p)|).
** From 1/4 up, 2p-1 is exact, and logit(p) = 2*atanh(2p-1) keeps full
** relative accuracy near p = 1/2, where ln(p/(1-p)) would lose it, and near
** p = 1, where atanh works from 1-(2p-1) = 2(1-p), also exact. */
BCE_PRIVATE double bce_logit(double p){
  if( p<0.25 ){
    return log(p) - log1p(-p);
  }
  return 2.0*atanh(2.0*p - 1.0);
}
