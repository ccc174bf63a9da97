/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "loss.h"

/* A soft label: (q-y) / (q(1-q)) / n, with every rounding but the last
** kept.  d = q-y is d_hi + d_lo exactly (TwoSum); 1-q is u + e exactly
** (Fast2Sum, as in bce_one_minus_q()); the denominator q*(1-q)*n is carried as D_hi + D_lo
** with the products' errors from fma().  The quotient d_hi/D_hi is then
** corrected by the residual of the whole fraction.  Rounding q*(1-q), the
** division and /n separately had reached 2.4 ulp (bce_grad(0.97276..,
** 0.24999999999999994, 4) was 2.05 ulp off). */
static double soft_grad(double y, double q, double n){
  double d_hi = q - y;
  double t = d_hi - q;
  double d_lo = (q - (d_hi - t)) + (-y - t);
  double u = 1.0 - q;
  double e = (1.0 - u) - q;        /* 1-q = u + e exactly (Fast2Sum) */
  double p = q*u;
  double p_lo = fma(q, u, -p) + q*e;
  double D_hi = p*n;
  double D_lo = fma(p, n, -D_hi) + p_lo*n;
  double g, r;
  if( !isnormal(D_hi) ){
    /* q = 0 or 1 (eps = 0), or n at the ends of the range: the residual
    ** would be Inf - Inf; the plain quotients give the limit */
    return d_hi/(q*u)/n;
  }
  g = d_hi/D_hi;
  r = fma(-g, D_hi, d_hi) + d_lo - g*D_lo;
  return g + r/D_hi;
}

BCE_PRIVATE double bce_grad(double y, double p, double eps, double n){
  double q = bce_clip(p, eps);
  double g;
  if( y==1.0 ){
    g = -1.0/q;
  }else if( y==0.0 ){
    g = 1.0/(1.0-q);
  }else{
    return soft_grad(y, q, n);
  }
  return n==1.0 ? g : g/n;
}
