/* SPDX-License-Identifier: MIT */
#include "logistic.h"
#include "logits.h"
#include "scaled.h"

/* The gradient divided by an n below 1 where the gradient itself is below
** 2^-1022, |z| in (708, 1490]: there sigmoid(-|z|) is a subnormal that has
** lost bits, or 0, and dividing by n brings the loss into view
** (bce_logits_grad(1, 767.05, 9.9e-263) is -9.8e-72 and came out 0).
** sigmoid(-|z|) = E/(1+E) with E = e^-|z| < 2^-1021, so it is E to a
** relative 2^-1021.  Everything is scaled by 2^k, k picked so that the
** larger of E and the label part a (1-y for z >= 0, y for z < 0; 0 or
** tiny here) is near 2^-100: E*2^k = e^(k ln2 - |z|), its argument carried
** in two doubles (the product exact, then TwoSum) and its error put back
** to first order.  n = m*2^b with m in [1, 2); the quotient is scaled back
** at the end, the only rounding besides e^, the product, the difference
** and the division.  Past 1490 the result is below 2^-1075 n / n: 0. */
/* e^(k ln2 - az): the argument carried in two doubles (the product k*LN2_HI
** exact, then TwoSum), its error put back to first order. */
static double logits_exp_scaled(double az, int k){
  double s1 = -az + k*BCE_LN2_HI;
  double e1 = bce_two_sum_err(-az, k*BCE_LN2_HI, s1);
  double s2 = s1 + k*BCE_LN2_LO;
  double e2 = bce_two_sum_err(s1, k*BCE_LN2_LO, s2);
  double e = exp(s2);
  return e + e*(e1 + e2);
}

static double logits_grad_tiny(double y, double z, double n){
  double az = fabs(z);
  double a = z>=0.0 ? 1.0-y : y;
  int k = (int)(az/BCE_LN2_HI) - 100;
  int b = ilogb(n);
  double ek, ak, g;
  if( a>0.0 && -ilogb(a) - 100 < k ) k = -ilogb(a) - 100;
  ek = logits_exp_scaled(az, k);
  ak = ldexp(a, k);
  g = z>=0.0 ? ak - ek : ek - ak;
  return ldexp(g/ldexp(n, -b), -(k + b));
}

BCE_PRIVATE double bce_logits_grad(double y, double z, double n){
  double g;
  if( z>=0.0 ){
    g = (1.0-y) - bce_sigmoid(-z);
  }else{
    g = bce_sigmoid(z) - y;
  }
  if( n<1.0 && fabs(g)<0x1p-1022 && fabs(z)>708.0 && fabs(z)<=1490.0 ){
    return logits_grad_tiny(y, z, n);
  }
  return n==1.0 ? g : g/n;
}

/* w*l(y, z), rounded once also where l is below 2^-1022 and w > 1: then
** |z| > 708 (softplus(-708) is 3.3e-308), and l = a|z| + log1p(E), E =
** e^-|z| below 2^-1021 and log1p(E) = E to a relative 2^-1021; a is the
** label's part, y for z < 0 and 1-y for z > 0, which is 0 here (y = 1:
** (1-y)z is at least 708*2^-53 otherwise) or for z < 0 a y below
** 2^-1031.  Both parts are subnormals that have lost bits before the weight
** brings them into view (bce_logits_term(1, 760, 1e300) is 8.6e-31 and
** came out 0; bce_logits_term(1e-322, -740, 1e300), y|z| and E both
** subnormal, was 9e10 ulp off).  Each is taken times 2^k, k such that the
** larger is near 2^-100 (the smaller, if it vanishes there, is below 2^-900
** of l), the product and sum carried with their errors, times w = m*2^b, m
** in [1, 2), and scaled back once.  Past |z| = 1490, w*E is below 2^-1075
** and y|z| is 0 (y = 0). */
BCE_PRIVATE double bce_logits_wloss(double y, double z, double w){
  double l = bce_logits_loss(y, z);
  double az = fabs(z);
  if( w>1.0 && l<0x1p-1022 && BCE_ALWAYS(az>708.0) && az<=1490.0 ){
    double a = z<0.0 ? y : 0.0;
    int k = (int)(az/BCE_LN2_HI) - 100, b = ilogb(w);
    double as, e, p, pe, s, se, m, h;
    if( a>0.0 && -ilogb(a) - 111<k ) k = -ilogb(a) - 111;
    as = ldexp(a, k);
    e = logits_exp_scaled(az, k);
    p = as*az;
    pe = fma(as, az, -p);
    s = p + e;
    se = bce_two_sum_err(p, e, s) + pe;
    m = ldexp(w, -b);
    h = s*m;
    return bce_ldexp_dd(h, fma(s, m, -h) + se*m, b - k);
  }
  return w==0.0 ? 0.0 : w*l;
}
