/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "d2.h"
#include "dd.h"
#include "fma.h"

/* Below this a double-double's low part falls among the subnormals and
** loses digits: a frequency, logarithm or product below it is carried
** at an exponent of its own.  Above it every step is the plain
** double-double one, so that ordinary inputs keep their bits (each
** operation below commutes with a power of two where nothing underflows). */
#define BCE_D2_TINY 0x1p-960

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

/* ---------------------------------------- a double-double and a scale */

static bce_d2_x d2x_of(bce_dd m, int e){
  bce_d2_x r;
  r.m = m;
  r.e = e;
  return r;
}

static bce_d2_x d2x_double(double v){
  bce_dd m;
  m.hi = v;
  m.lo = 0.0;
  return d2x_of(m, 0);
}

/* m with its leading part in [1, 2) and the scale in e: exact (scaling
** up, or down to a leading part near 1, loses no bit of the low part
** that matters, 2^-1000 of the value) */
static bce_d2_x d2x_norm(bce_d2_x x){
  int s;
  if( x.m.hi==0.0 || !isfinite(x.m.hi) ) return x;
  s = -bce_ilogb(x.m.hi);
  x.m.hi = bce_scale(x.m.hi, s);
  x.m.lo = bce_scale(x.m.lo, s);
  x.e -= s;
  return x;
}

/* 0, +-Inf, or at least BCE_D2_TINY in magnitude: the plain double-double
** carries it to 2^-106 */
static int d2x_ordinary(bce_d2_x x){
  if( x.m.hi==0.0 || !isfinite(x.m.hi) ) return 1;
  return bce_ilogb(x.m.hi) + x.e >= -960;
}

/* x as one double-double (exact for an ordinary x) */
static bce_dd d2x_plain(bce_d2_x x){
  bce_dd r;
  if( x.e==0 ) return x.m;
  r.hi = bce_scale(x.m.hi, x.e);
  r.lo = bce_scale(x.m.lo, x.e);
  return r;
}

static bce_d2_x d2x_mul(bce_d2_x a, bce_d2_x b){
  a = d2x_norm(a);
  b = d2x_norm(b);
  return d2x_norm(d2x_of(dd_mul(a.m, b.m), a.e + b.e));
}

/* a + b at the larger of the two scales, b added into a as dd_add()
** does (its bits depend on the order) */
static bce_d2_x d2x_add(bce_d2_x a, bce_d2_x b){
  int f;
  if( b.m.hi==0.0 ) return a;
  if( a.m.hi==0.0 ) return b;
  a = d2x_norm(a);
  b = d2x_norm(b);
  f = a.e>b.e ? a.e : b.e;
  a.m = d2x_plain(d2x_of(a.m, a.e - f));
  b.m = d2x_plain(d2x_of(b.m, b.e - f));
  return d2x_norm(d2x_of(dd_add(a.m, b.m), f));
}

static bce_d2_x d2x_neg(bce_d2_x a){
  a.m = dd_neg(a.m);
  return a;
}

BCE_PRIVATE bce_d2_x bce_d2_x_div(bce_d2_x a, bce_d2_x b){
  a = d2x_norm(a);
  b = d2x_norm(b);
  return d2x_of(bce_d2_div(a.m, b.m), a.e - b.e);
}

/* x < d (sign -1) or x > d (sign +1), d a double >= 0 */
static int d2x_beyond(bce_d2_x x, double d, int sign){
  bce_dd v;
  if( d2x_ordinary(x) ){
    v = d2x_plain(x);
  }else{
    /* x tiny and positive: compare at its scale (d times 2^-e may
    ** overflow to +Inf, which is then above x, rightly) */
    x = d2x_norm(x);
    v = x.m;
    d = ldexp(d, -x.e);
  }
  if( sign<0 ) return v.hi<d || (v.hi==d && v.lo<0.0);
  return v.hi>d || (v.hi==d && v.lo>0.0);
}

/* ln x for x > 0 below BCE_D2_TINY: ln(x 2^-e) + e ln 2, the two of one
** sign but for ln of the scaled part in [0, ln 2), 1/960 of e ln 2 */
static bce_dd d2x_log_tiny(bce_d2_x x){
  static const bce_dd ln2 = {0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56};
  bce_dd e;
  x = d2x_norm(x);
  e.hi = (double)x.e;
  e.lo = 0.0;
  return dd_add(bce_log_dd(x.m.hi, x.m.lo), dd_mul(e, ln2));
}

/* ln q and ln(1 - q) for q = clip(m, eps), mc = 1 - m: the clip as
** bce_clip() makes it (its upper bound the double 1 - eps), each
** logarithm of the smaller of the two so that nothing is lost near 1;
** where the smaller is below BCE_D2_TINY, ln(1 - it) is minus it (to
** 2^-960 relative) at its own scale, and its own logarithm is taken
** scaled. */
static void clipped_logs(bce_d2_x m, bce_d2_x mc, double eps, bce_d2_x *lq,
                         bce_d2_x *l1q){
  double top = 1.0 - eps;
  /* m >= top, judged on the smaller of m and 1 - m: an m within 2^-106
  ** of 1 is 1 as a double-double, and 1 - m is the exact one (the clip
  ** of a frequency 1 - 1e-300 at eps 0 is no clip) */
  int atTop = d2x_beyond(mc, 0.5, -1) ? !d2x_beyond(mc, 1.0 - top, +1)
                                      : !d2x_beyond(m, top, -1);
  if( !d2x_beyond(m, eps, +1) ){
    *lq = d2x_of(bce_log_dd(eps, 0.0), 0);
    *l1q = eps<BCE_D2_TINY ? d2x_double(-eps)
                           : d2x_of(bce_log1p_dd(-eps, 0.0), 0);
  }else if( atTop ){
    *lq = d2x_of(bce_log_dd(top, 0.0), 0);
    *l1q = d2x_of(bce_log_dd(1.0 - top, 0.0), 0);     /* exact: Sterbenz */
  }else{
    bce_dd p = d2x_plain(m), pc = d2x_plain(mc);
    if( !d2x_ordinary(m) ){
      *lq = d2x_of(d2x_log_tiny(m), 0);
    }else if( !d2x_ordinary(mc) ){
      *lq = d2x_neg(mc);
    }else{
      *lq = d2x_of(p.hi<0.5 ? bce_log_dd(p.hi, p.lo)
                          : bce_log1p_dd(-pc.hi, -pc.lo), 0);
    }
    if( !d2x_ordinary(mc) ){
      *l1q = d2x_of(d2x_log_tiny(mc), 0);
    }else if( !d2x_ordinary(m) ){
      *l1q = d2x_neg(m);
    }else{
      *l1q = d2x_of(pc.hi<0.5 ? bce_log_dd(pc.hi, pc.lo)
                            : bce_log1p_dd(-p.hi, -p.lo), 0);
    }
  }
}

/* m(1-s) + s/k: the smoothed target (s/k exact for k a power of two,
** else to 2^-106 as the dd product; at a scale of its own below
** BCE_D2_TINY) */
static bce_d2_x smoothed(bce_d2_x m, double s, double k){
  bce_dd one_s, sk;
  int e = 0;
  if( s==0.0 ) return m;
  one_s = dd_make(1.0, -s);
  sk.hi = s/k;
  if( sk.hi<BCE_D2_TINY ){
    s = ldexp(s, 600);              /* exact: s <= 1 */
    e = -600;
    sk.hi = s/k;
  }
  sk.lo = bce_fma(-sk.hi, k, s)/k;
  return d2x_add(d2x_mul(m, d2x_of(one_s, 0)), d2x_of(sk, e));
}

BCE_PRIVATE bce_d2_x bce_d2_null_binary(bce_d2_x ybar, bce_d2_x ybarc,
                                        double eps, double pos_weight,
                                        double smoothing){
  bce_d2_x lq, l1q, y1, y0;
  clipped_logs(ybar, ybarc, eps, &lq, &l1q);
  y1 = smoothed(ybar, smoothing, 2.0);
  y0 = smoothed(ybarc, smoothing, 2.0);
  /* ybar is in (0, 1) (the caller returns NULL at 0 and 1), so both
  ** logarithms are finite, even at eps = 0 */
  return d2x_neg(d2x_add(d2x_mul(d2x_mul(y1, d2x_double(pos_weight)), lq),
                     d2x_mul(y0, l1q)));
}

BCE_PRIVATE bce_d2_x bce_d2_null_cce(const bce_d2_x *pi, int64_t K,
                                     int64_t big, bce_d2_x bigc,
                                     const double *cw, int cwScale,
                                     double eps, double smoothing){
  bce_d2_x r = d2x_double(0.0);
  int64_t c;
  for(c=0; c<K; c++){
    bce_d2_x t = smoothed(pi[c], smoothing, (double)K), lq, l1q, pc;
    /* a smoothed target is positive wherever s is, even where s/K
    ** underflows to 0 (s = 5e-324): a class never seen at eps = 0 must
    ** then reach the +Inf below, not be skipped as a target of 0 */
    if( (t.m.hi==0.0 && !(smoothing>0.0)) || (cw && cw[c]==0.0) ) continue;
    if( c==big ){
      pc = bigc;
    }else{
      /* 1 - pi_c, pi_c <= 1/2: to 2^-106 */
      bce_dd p = d2x_plain(pi[c]);
      pc = d2x_of(dd_add(dd_make(1.0, -p.hi), dd_make(-p.lo, 0.0)), 0);
    }
    clipped_logs(pi[c], pc, eps, &lq, &l1q);
    if( isinf(lq.m.hi) ){
      /* a class never seen, eps = 0, and a smoothed target for it: the
      ** null model is certain and wrong (a double-double of -Inf is NaN) */
      return d2x_double(INFINITY);
    }
    /* the class weight at its scale: exact even where cw times 2^cwScale
    ** is below the doubles */
    if( cw ) t = d2x_mul(t, d2x_of(d2x_double(cw[c]).m, cwScale));
    r = d2x_add(r, d2x_mul(t, lq));
  }
  return d2x_neg(r);
}

/* 0, or from 2^-960 to below 2^1023 in magnitude (x finite): the plain
** double-double carries it to 2^-106, and a difference of two such of
** one sign stays finite */
static int d2x_in_doubles(bce_d2_x x){
  int e;
  if( x.m.hi==0.0 ) return 1;
  e = bce_ilogb(x.m.hi) + x.e;
  return e>=-960 && e<1023;
}

BCE_PRIVATE double bce_d2_score(bce_d2_x L, bce_d2_x L0){
  bce_dd q, l;
  /* L and L0 past DBL_MAX (class weights near 1e300 under smoothing)
  ** take the scaled path too: their quotient may be a D^2 in range */
  if( d2x_in_doubles(L0) && d2x_in_doubles(L) ){
    L0 = d2x_of(d2x_plain(L0), 0);
    l = d2x_plain(L);
  }else{
    /* both at L0's scale: L past the doubles there is a D^2 below
    ** -DBL_MAX */
    /* L0 in [1/2, 1): L/L0 up to DBL_MAX stays finite there */
    L0 = d2x_norm(L0);
    L0.m.hi *= 0.5;
    L0.m.lo *= 0.5;
    L0.e += 1;
    L = d2x_norm(L);
    l = d2x_plain(d2x_of(L.m, L.e - L0.e));
    if( isinf(l.hi) ) return -INFINITY;
  }
  q = bce_d2_div(dd_add(L0.m, dd_neg(l)), L0.m);
  return q.hi + q.lo;
}
