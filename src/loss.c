/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "loss.h"
#include "fma.h"
#include "dd.h"

/* -(y ln q + (1-y) ln(1-q)) for 0 < y < 1, rounded once but for the two
** logarithms' own errors (bce_log's, under half an ulp each): the two terms
** have one sign, so nothing cancels, and what is left to lose is the
** rounding of 1-y (inexact for y < 1/2: bce_term(0.4999756667685094,
** 0.8282876747474253) was 2.15 ulp off), of the two products and of the
** sum.  1-y is v + ve exactly (Fast2Sum, 1 >= y), each product is carried
** with its error (fma), ln(1-q) as ln(u) + c (bce_one_minus_q()), and the
** parts are added once.  q = 0 or 1 (eps = 0) costs +Inf. */
BCE_PRIVATE double bce_soft_loss(double y, double q){
  bce_one_minus m = bce_one_minus_q(q);
  double la, lb, v, ve, a, ae, b, be, s;
  if( q==0.0 || m.u==0.0 ) return INFINITY;
  la = bce_log(q);
  lb = bce_log(m.u);
  v = 1.0 - y;
  ve = (1.0 - v) - y;
  a = y*la;
  ae = bce_fma(y, la, -a);
  b = v*lb;
  be = bce_fma(v, lb, -b) + (v*m.c + ve*lb);
  s = a + b;
  return 0.0 - (s + ((bce_two_sum_err(a, b, s) + ae) + be));
}

/* A soft label: (q-y) / (q(1-q)) / n, with every rounding but the last
** kept.  d = q-y is d_hi + d_lo exactly (TwoSum); 1-q is u + e exactly
** (Fast2Sum, as in bce_one_minus_q()); the denominator q*(1-q)*n is carried as D_hi + D_lo
** with the products' errors from bce_fma().  The quotient d_hi/D_hi is then
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
  double p_lo = bce_fma(q, u, -p) + q*e;
  double D_hi = p*n;
  double D_lo, g, r;
  int k = 0;
  if( !(D_hi>=0x1p-968) || !(fabs(d_hi)>=0x1p-968)
   || !(fabs(d_hi)>=D_hi*0x1p-968) ){
    /* The residual r below and r/D_hi are about 2^-53 of d_hi and of the
    ** quotient; each of d_hi, D_hi and the quotient below 2^-968 would put
    ** them among the subnormals, where they lose bits (D_hi:
    ** bce_grad(1.0735398655704151e-203, 0.9999999999990677,
    ** 2.901348345182726e-296) was 1.24 ulp off; d_hi, a subnormal y and q
    ** and a large n: 1.46 ulp; a subnormal quotient, 0.74).  D_hi*2^-968
    ** is exact where the test decides: if D_hi < 1, |d_hi| >= 2^-968
    ** passes it already. */
    if( p==0.0 ){
      /* q = 0 or 1 (eps = 0): the residual would be Inf - Inf; the plain
      ** quotients give the limit */
      return d_hi/(q*u)/n;
    }
    /* q(1-q)n below 2^-968 (a tiny n, or a subnormal q with eps = 0):
    ** the plain quotients lost their bits there or overflowed halfway
    ** (bce_grad(0.648179671708945, 5.803176788428709e-102,
    ** 3.801236762917748e-294) was 1.35 ulp off).  Scale d, p and n to
    ** [1, 2) by powers of two (exactly: d and p up, n either way, a
    ** subnormal n too), and the quotient back: d too, or a subnormal d
    ** would make a subnormal quotient that loses bits before the scaling
    ** (bce_grad(1.1421791822043943e-308, 3.83534055521702e-309, 1, 0) was
    ** 4.7 ulp off).  The quotient goes back as the pair g + r/D_hi, so
    ** that a subnormal result is rounded once (bce_ldexp_dd()), not to 53
    ** bits first: that had added up to a quarter ulp of the subnormal's.
    ** An overflow rounds to the Inf that is right. */
    int a = ilogb(p), b = ilogb(n), c;
    if( d_hi==0.0 ) return 0.0;     /* q = y */
    c = ilogb(d_hi);
    d_hi = ldexp(d_hi, -c);
    d_lo = ldexp(d_lo, -c);
    p = ldexp(p, -a);
    p_lo = ldexp(p_lo, -a);
    n = ldexp(n, -b);
    k = a + b - c;
    D_hi = p*n;
  }
  D_lo = bce_fma(p, n, -D_hi) + p_lo*n;
  g = d_hi/D_hi;
  r = bce_fma(-g, D_hi, d_hi) + d_lo - g*D_lo;
  return bce_ldexp_dd(g, r/D_hi, -k);
}

/* -1/q/n for a hard label 1, q below 2^-1024 (eps = 0): -1/q overflows
** although -1/(q n) need not (bce_grad(1, 5e-324, 1e300, 0) is -2e23, not
** -Inf).  q and n scaled to [1, 2) exactly, the quotients of those, and
** the result scaled back: it is >= 1, so that rounds only on overflow. */
static double hard_grad_tiny_q(double q, double n){
  int a = ilogb(q), b = ilogb(n);
  return ldexp(-1.0/ldexp(q, -a)/ldexp(n, -b), -(a + b));
}

BCE_PRIVATE double bce_grad(double y, double p, double eps, double n){
  double q = bce_clip(p, eps);
  double g;
  if( y==1.0 ){
    g = -1.0/q;
    if( isinf(g) && q>0.0 ) return hard_grad_tiny_q(q, n);
  }else if( y==0.0 ){
    g = 1.0/(1.0-q);
  }else{
    return soft_grad(y, q, n);
  }
  return n==1.0 ? g : g/n;
}

/* w*l rounded once where l is below 2^-1018, w > 1 and the label soft
** (bce_wloss() sends only those here).  That needs q and y both below
** 2^-1018 (eps = 0): l = q(1-y) + y(-ln q) + q^2/2 + ... is then
** q + y(-ln q) to a relative 2^-1018, and each part, a subnormal rounded
** on its own, has lost bits before w brings them into view
** (bce_term(4.4e-322, 9.96273449055e-313, 2.3557010642083196e288, 0) was
** 1.5e4 ulp off; up to 2^-1018, not 2^-1022, so that a subnormal part's
** loss, 2^-1075, is under a sixteenth of an ulp of the l it joins).  y
** and q are taken times 2^1074 (exact: integers below 2^56), the product
** and the sum carried with their errors, times w = m*2^b, m in [1, 2),
** and scaled back once.  A hard label's l is a single rounding already: q
** for y = 0 (the correction e/u of bce_one_minus_q() is -q exactly), and
** at least 2^-53 for y = 1. */
BCE_PRIVATE double bce_wloss_tiny(double y, double p, double eps, double w){
  double q = bce_clip(p, eps);
  int b = ilogb(w);
  double m = ldexp(w, -b);
  double ys = ldexp(y, 1074), qs = ldexp(q, 1074);
  double la = -bce_log(q);
  double a = ys*la;
  double ae = bce_fma(ys, la, -a);
  double s = qs + a;
  double se = bce_two_sum_err(qs, a, s) + ae;
  double h = s*m;
  return bce_ldexp_dd(h, bce_fma(s, m, -h) + se*m, b - 1074);
}
