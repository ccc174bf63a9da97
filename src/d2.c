/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "d2.h"
#include "dd.h"
#include "fma.h"

static bce_dd dd_make(double hi, double lo){
  bce_dd r;
  r.hi = hi + lo;
  r.lo = bce_two_sum_err(hi, lo, r.hi);
  return r;
}

static bce_dd dd_add(bce_dd a, bce_dd b){
  bce_dd_add(&a.hi, &a.lo, b.hi);
  bce_dd_add(&a.hi, &a.lo, b.lo);
  return a;
}

static bce_dd dd_mul(bce_dd a, bce_dd b){
  bce_dd_mul(&a.hi, &a.lo, b.hi, b.lo);
  return a;
}

static bce_dd dd_neg(bce_dd a){
  a.hi = -a.hi;
  a.lo = -a.lo;
  return a;
}

BCE_PRIVATE bce_dd bce_d2_div(bce_dd a, bce_dd b){
  double q1 = a.hi/b.hi, q2;
  bce_dd p, r;
  p.hi = q1;
  p.lo = 0.0;
  p = dd_mul(p, b);
  r = dd_add(a, dd_neg(p));
  q2 = (r.hi + r.lo)/b.hi;
  return dd_make(q1, q2);
}

/* x < d (x a double-double, d a double) */
static int dd_below(bce_dd x, double d){
  return x.hi<d || (x.hi==d && x.lo<0.0);
}
static int dd_above(bce_dd x, double d){
  return x.hi>d || (x.hi==d && x.lo>0.0);
}

/* ln q and ln(1 - q) for q = clip(m, eps), mc = 1 - m: the clip as
** bce_clip() makes it (its upper bound the double 1 - eps), each
** logarithm of the smaller of the two so that nothing is lost near 1. */
static void clipped_logs(bce_dd m, bce_dd mc, double eps, bce_dd *lq,
                         bce_dd *l1q){
  double top = 1.0 - eps;
  if( !dd_above(m, eps) ){
    *lq = bce_log_dd(eps, 0.0);
    *l1q = bce_log1p_dd(-eps, 0.0);
  }else if( !dd_below(m, top) ){
    *lq = bce_log_dd(top, 0.0);
    *l1q = bce_log_dd(1.0 - top, 0.0);       /* exact: Sterbenz */
  }else{
    *lq = m.hi<0.5 ? bce_log_dd(m.hi, m.lo) : bce_log1p_dd(-mc.hi, -mc.lo);
    *l1q = mc.hi<0.5 ? bce_log_dd(mc.hi, mc.lo) : bce_log1p_dd(-m.hi, -m.lo);
  }
}

/* m(1-s) + s/k: the smoothed target (s/k exact for k a power of two,
** else to 2^-106 as the dd product) */
static bce_dd smoothed(bce_dd m, double s, double k){
  bce_dd one_s, r, sk;
  if( s==0.0 ) return m;
  one_s = dd_make(1.0, -s);
  r = dd_mul(m, one_s);
  sk.hi = s/k;
  sk.lo = bce_fma(-sk.hi, k, s)/k;
  return dd_add(r, sk);
}

BCE_PRIVATE bce_dd bce_d2_null_binary(bce_dd ybar, bce_dd ybarc, double eps,
                                      double pos_weight, double smoothing){
  bce_dd lq, l1q, y1, y0, pw, r;
  clipped_logs(ybar, ybarc, eps, &lq, &l1q);
  y1 = smoothed(ybar, smoothing, 2.0);
  y0 = smoothed(ybarc, smoothing, 2.0);
  pw.hi = pos_weight;
  pw.lo = 0.0;
  /* ybar is in (0, 1) (the caller returns NULL at 0 and 1), so both
  ** logarithms are finite, even at eps = 0 */
  r = dd_add(dd_mul(dd_mul(y1, pw), lq), dd_mul(y0, l1q));
  return dd_neg(r);
}

BCE_PRIVATE bce_dd bce_d2_null_cce(const bce_dd *pi, int64_t K, int64_t big,
                                   bce_dd bigc, const double *cw,
                                   int cwScale, double eps,
                                   double smoothing){
  bce_dd r = {0.0, 0.0};
  int64_t c;
  for(c=0; c<K; c++){
    bce_dd t = smoothed(pi[c], smoothing, (double)K), lq, l1q, pc;
    /* a smoothed target is positive wherever s is, even where s/K
    ** underflows to 0 (s = 5e-324): a class never seen at eps = 0 must
    ** then reach the +Inf below, not be skipped as a target of 0 */
    if( (t.hi==0.0 && !(smoothing>0.0)) || (cw && cw[c]==0.0) ) continue;
    if( c==big ){
      pc = bigc;
    }else{
      /* 1 - pi_c, pi_c <= 1/2: to 2^-106 */
      pc = dd_add(dd_make(1.0, -pi[c].hi), dd_make(-pi[c].lo, 0.0));
    }
    clipped_logs(pi[c], pc, eps, &lq, &l1q);
    if( isinf(lq.hi) ){
      /* a class never seen, eps = 0, and a smoothed target for it: the
      ** null model is certain and wrong (a double-double of -Inf is NaN) */
      r.hi = INFINITY;
      r.lo = 0.0;
      return r;
    }
    if( cw ){
      bce_dd w;
      w.hi = ldexp(cw[c], cwScale);
      w.lo = 0.0;
      t = dd_mul(t, w);
    }
    r = dd_add(r, dd_mul(t, lq));
  }
  return dd_neg(r);
}

BCE_PRIVATE double bce_d2_score(bce_dd L, bce_dd L0){
  bce_dd q = bce_d2_div(dd_add(L0, dd_neg(L)), L0);
  return q.hi + q.lo;
}
