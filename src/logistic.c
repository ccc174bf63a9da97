/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "elementary.h"
#include "fma.h"
#include "logistic.h"
#include "dd.h"
#include "qd.h"

/* ln 2 in three parts for an argument shifted by j*ln2, |j| < 2^12: j*H
** and j*M are exact (H has 33 significant bits, M 39), and the rest of
** ln 2 beyond H + M + L is 7e-40, so the shift costs under 2^-115. */
#define LN2_H 0x1.62e42fee00000p-1
#define LN2_M 0x1.a39ef35794000p-33
#define LN2_L (-0x1.c4c67fc0d0951p-76)

/* e^-a = (r.hi + r.lo)*2^k for 0 <= a <= 1500, to 2^-100 (bce_exp_dd()).
** Past a = 740, where e^-a would fall below what bce_exp_dd() resolves
** (about 2^-1200), the argument is taken as -a + j*ln2, carried in
** double-double, and j comes off k: e^-1490 is 2^-2150 and stays exact
** for a gradient divided by n = 5e-324. */
static bce_dd exp_neg(double a, int *k){
  bce_dd r;
  if( a<=740.0 ){
    r = bce_exp_dd(-a, 0.0, k);
  }else{
    int j = (int)((a - 700.0)/LN2_H);
    double hi = -a, lo = 0.0;
    bce_dd_add(&hi, &lo, j*LN2_H);
    bce_dd_add(&hi, &lo, j*LN2_M);
    bce_dd_add(&hi, &lo, j*LN2_L);
    r = bce_exp_dd(hi, lo, k);
    *k -= j;
  }
  return r;
}

/* sigmoid(-a) = E/(1+E), E = e^-a, as (t.hi + t.lo)*2^k to about 2^-100
** relative, for 0 <= a <= 1500.  Below E = 2^-110 it is E to 2^-110
** (E/(1+E) = E(1 - E + ...)); above, E is scaled into a double-double, 1+E
** is formed exactly, and the quotient is corrected by its residual. */
BCE_PRIVATE bce_dd bce_logistic_neg(double a, int *k){
  bce_dd e = exp_neg(a, k), t;
  double eh, el, dh, dl, c, r;
  if( *k< -110 ) return e;
  eh = bce_scale(e.hi, *k);
  el = bce_scale(e.lo, *k);
  dh = 1.0 + eh;                          /* Fast2Sum: 1 >= eh */
  dl = ((1.0 - dh) + eh) + el;
  c = eh/dh;
  r = ((bce_fma(-c, dh, eh) + el) - c*dl)/dh;
  t.hi = c + r;
  t.lo = r - (t.hi - c);
  *k = 0;
  return t;
}

/* ---- The slow path: sigmoid(-a) to about 2^-150, for a gradient whose
** two parts cancel past what 2^-100 resolves (kappa above 2^42: a label y
** within 2^-42 of sigmoid(z), as the double nearest sigmoid(z) is).  Rare
** and slow (some 10^4 operations): it only needs to be right; the
** arithmetic of four doubles is src/qd.c's. */

/* sigmoid(-a) = (t.v[0] + ... + t.v[3])*2^(*k) to about 2^-150, for
** 2^-6 <= a <= 1500: E = e^-a from bce_exp_qd(), then E/(1+E), or E
** itself below E = 2^-150. */
BCE_PRIVATE bce_qd bce_logistic_neg_slow(double a, int *k){
  bce_qd e = bce_exp_qd(-a, 0.0, k), one = {{1.0, 0.0, 0.0, 0.0}};
  if( *k< -150 ) return e;
  e = bce_qd_scale(e, *k);
  *k = 0;
  return bce_qd_div(e, bce_qd_add(one, e));
}

/* 1/(1+e^-x): e^x/(1+e^x) for x < 0, rounded once onto the subnormals
** too (bce_ldexp_dd(): sigmoid(-707.3687095027948) was 0.749 ulp off,
** rounded to 53 bits and again to the subnormal grid), and 1 - sigmoid(-x)
** for x >= 0, the difference exact in double-double.  With sigmoid(-|x|)
** to 2^-100 the one rounding is all the error.  Past x = 40, 1 - 4e-18
** rounds to 1; below x = -1500, 2^-2164 rounds to 0. */
BCE_PRIVATE double bce_sigmoid(double x){
  double th, tl, h;
  bce_dd t;
  int k;
  if( isnan(x) ) return x;
  if( x>40.0 ) return 1.0;
  if( x< -1500.0 ) return 0.0;
  t = bce_logistic_neg(fabs(x), &k);
  if( x<0.0 ) return bce_ldexp_dd(t.hi, t.lo, k);
  th = bce_scale(t.hi, k);                /* >= 4e-18: normal, exact */
  tl = bce_scale(t.lo, k);
  h = 1.0 - th;
  return h + (bce_two_sum_err(1.0, -th, h) - tl);
}

/* ln p - ln(1-p), each logarithm a double-double (src/elementary.c,
** within 2^-100), the difference rounded once.  Below 1/4 the two cannot
** cancel (|ln p| > 1.38 > |ln(1-p)|).  From 1/4 up, x = 2p-1 is exact and
** logit(p) = log1p(x) - log1p(-x), two terms of opposite signs, so nothing
** cancels near p = 1/2 either (where ln(p/(1-p)) would lose it), and near
** p = 1 log1p(-x) works from 1-x = 2(1-p), exact too. */
BCE_PRIVATE double bce_logit(double p){
  bce_dd a, b;
  double s;
  if( p<0.25 ){
    a = bce_log_dd(p, 0.0);
    b = bce_log1p_dd(-p, 0.0);
  }else{
    a = bce_log1p_dd(2.0*p - 1.0, 0.0);
    b = bce_log1p_dd(1.0 - 2.0*p, 0.0);
  }
  s = a.hi - b.hi;
  if( !(s>-INFINITY && s<INFINITY) ) return s;    /* p = 0 or 1: +-Inf */
  return s + ((bce_two_sum_err(a.hi, -b.hi, s) + a.lo) - b.lo);
}
