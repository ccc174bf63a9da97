/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <string.h>
#include "dd.h"
#include "exact_sum.h"
#include "fma.h"
#include "json_array.h"
#include "loss.h"
#include "scores.h"

/* (1+r) ln(1+r) - r for |r| < 2^-10, as hi + lo:
** r^2/2 (1 - r/3 + r^2/6 - r^3/10 + r^4/15 - r^5/21 + r^6/28),
** the n-th coefficient 2/(n(n-1)); the first term left out, r^7/36, is
** below 2^-75 of the sum.  r = rh + rl exactly enough: (y - q)/q with
** the division's remainder. */
static bce_dd g_small(double rh, double rl){
  double d = rh*(-1.0/3 + rh*(1.0/6 + rh*(-1.0/10 + rh*(1.0/15
             + rh*(-1.0/21 + rh*(1.0/28))))));
  double hi = rh*rh;
  double lo = bce_fma(rh, rh, -hi) + 2.0*rh*rl;
  bce_dd g;
  bce_dd_mul(&hi, &lo, 1.0, d);                    /* r^2 (1 + d) */
  g.hi = 0.5*hi;
  g.lo = 0.5*lo;
  return g;
}

/* Adds y ln(y/q) (y > 0, q > 0) to s as its exact parts. */
static void add_term(bce_sum *s, double y, double q){
  double hi, lo;
  if( y>=0.5*q && y<=2.0*q ){
    double d = y - q;                              /* exact: Sterbenz */
    double rh = d/q;
    double rl = bce_fma(-rh, q, d)/q;
    if( fabs(rh)<0x1p-10 ){
      /* y ln(y/q) = q g(r) + d: g >= 0, and d exact in the sum */
      bce_dd g = g_small(rh, rl);
      hi = g.hi;
      lo = g.lo;
      bce_dd_mul(&hi, &lo, q, 0.0);
      bce_sum_add(s, hi, +1);
      bce_sum_add(s, lo, +1);
      bce_sum_add(s, d, +1);
      return;
    }
    {
      bce_dd l = bce_log1p_dd(rh, rl);
      hi = l.hi;
      lo = l.lo;
    }
  }else{
    /* |ln(y/q)| >= ln 2: ln y - ln q, each to 2^-100, cancel at most
    ** by |ln q|/ln 2 (< 2^11) */
    bce_dd ly = bce_log_dd(y, 0.0), lq = bce_log_dd(q, 0.0);
    hi = ly.hi;
    lo = ly.lo;
    bce_dd_add(&hi, &lo, -lq.hi);
    bce_dd_add(&hi, &lo, -lq.lo);
  }
  bce_dd_mul(&hi, &lo, y, 0.0);
  bce_sum_add(s, hi, +1);
  bce_sum_add(s, lo, +1);
}

/* Adds t ln(t/q) (t = th + tl > 0 a smoothed target as a double-double,
** q > 0) to s, as add_term() does for a double y: near q, q g(r) + d with
** d = (th - q) + tl exact in the sum; elsewhere ln t - ln q.  The target
** itself is to 2^-104 of t, so where t ~ q the result is to about 2^-104 t,
** not relative to the divergence (docs/functions.md, kl_div's options). */
static void add_term_dd(bce_sum *s, double th, double tl, double q){
  double hi, lo;
  if( th>=0.5*q && th<=2.0*q ){
    double dh = th - q;                            /* exact: Sterbenz */
    double d = dh + tl, dl = bce_two_sum_err(dh, tl, d);
    double rh = d/q;
    double rl = (bce_fma(-rh, q, d) + dl)/q;
    if( fabs(rh)<0x1p-10 ){
      bce_dd g = g_small(rh, rl);
      hi = g.hi;
      lo = g.lo;
      bce_dd_mul(&hi, &lo, q, 0.0);
      bce_sum_add(s, hi, +1);
      bce_sum_add(s, lo, +1);
      bce_sum_add(s, dh, +1);
      bce_sum_add(s, tl, +1);
      return;
    }
    {
      bce_dd l = bce_log1p_dd(rh, rl);
      hi = l.hi;
      lo = l.lo;
    }
  }else{
    bce_dd lt = bce_log_dd(th, tl), lq = bce_log_dd(q, 0.0);
    hi = lt.hi;
    lo = lt.lo;
    bce_dd_add(&hi, &lo, -lq.hi);
    bce_dd_add(&hi, &lo, -lq.lo);
  }
  bce_dd_mul(&hi, &lo, th, tl);
  bce_sum_add(s, hi, +1);
  bce_sum_add(s, lo, +1);
}

/* Where s/K is below 2^-968 the row is taken times 2^KL_TINY_SCALE:
** s/K (at least 2^-1074/2^63) then lands among the normal doubles with all
** its digits, y at most 1 stays below 2^200, and the divergence of the
** scaled t and q is the divergence times 2^KL_TINY_SCALE exactly. */
#define KL_TINY_SCALE 200

/* The row's divergence from its smoothed targets t_c = y_c (1 - s) + s/K
** (K the classes, known once the row is checked: a second walk), each t_c
** as y - y s + s/K in a double-double; with tiny != 0 of 2^KL_TINY_SCALE t
** and q, as s/K on the subnormal grid rounds to 0 (s = 5e-324, K = 2) and
** a target of 0 would drop a term s/K ln(s/(K q)) that is +Inf at q = 0. */
static int kl_smoothed(const bce_cce_row *r, double eps, double sm,
                       int64_t K, int64_t cls, int tiny, bce_sum *ks){
  bce_json_array ya, pa;
  double y = 0.0, p = 0.0, sk, skl, ss = sm;
  int64_t c;
  bce_array_error err;
  if( tiny ) ss = bce_scale(sm, KL_TINY_SCALE);
  sk = ss/(double)K;
  skl = bce_fma(-sk, (double)K, ss)/(double)K;
  if( r->y ) bce_json_open_as(&ya, r->y, r->ny, r->yJsonb);
  bce_json_open_as(&pa, r->p, r->np, r->pJsonb);
  for(c=0; c<K; c++){
    double th, tl, ys, q;
    if( r->y ) (void)bce_array_element(&ya, 0, &y, &err);
    else y = c==cls ? 1.0 : 0.0;
    (void)bce_array_element(&pa, 1, &p, &err);
    ys = y*ss;
    th = tiny ? bce_scale(y, KL_TINY_SCALE) : y;
    tl = 0.0;
    bce_dd_add(&th, &tl, -ys);
    bce_dd_add(&th, &tl, -bce_fma(y, ss, -ys));
    bce_dd_add(&th, &tl, sk);
    bce_dd_add(&th, &tl, skl);
    if( !(th>0.0) ) continue;                      /* 0 ln 0 = 0 */
    q = bce_clip(p, eps);
    if( q==0.0 ) return 0;
    if( tiny ) q = bce_scale(q, KL_TINY_SCALE);
    add_term_dd(ks, th, tl, q);
  }
  return 1;
}

static int kl_fail(bce_array_error *err, bce_array_status st, int arg){
  err->status = st;
  err->arg = arg;
  return 0;
}

static int kl_domain(bce_array_error *err, int arg, int64_t index, double x){
  err->index = index;
  err->value = x;
  return kl_fail(err, BCE_ARRAY_DOMAIN, arg);
}

/* The sum check of cce (src/cce.c), on the exact sum. */
static int kl_sums_to_one(double sum){
  return fabs(sum - 1.0)<=BCE_CCE_SUM_TOL;
}

BCE_PRIVATE int bce_kl_row(const bce_cce_row *r, double eps,
                           double smoothing, bce_dd *kl,
                           bce_array_error *err){
  bce_json_array ya, pa;
  bce_sum ks, ysum, psum;
  double y = 0.0, p = 0.0, q, v;
  int64_t cls = -1;
  int ry = 1, rp, inf = 0, tiny = 0;
  err->status = BCE_ARRAY_OK;
  memset(&ya, 0, sizeof(ya));
  if( r->y==0 ){
    /* the class index before any element, as cce checks it */
    if( !(r->cls>=0.0 && r->cls==floor(r->cls)) ){
      err->value = r->cls;
      err->np = -1;
      return kl_fail(err, BCE_ARRAY_CLASS, 0);
    }
    cls = r->cls<4e18 ? (int64_t)r->cls : INT64_MAX;
  }else{
    bce_json_open_as(&ya, r->y, r->ny, r->yJsonb);
  }
  bce_json_open_as(&pa, r->p, r->np, r->pJsonb);
  bce_sum_clear(&ks);
  bce_sum_clear(&ysum);
  bce_sum_clear(&psum);
  for(;;){
    if( r->y ){
      ry = bce_array_element(&ya, 0, &y, err);
      if( ry<0 ) return 0;
      if( ry && !(y>=0.0 && y<=1.0) ) return kl_domain(err, 0, ya.count-1, y);
    }
    rp = bce_array_element(&pa, 1, &p, err);
    if( rp<0 ) return 0;
    if( rp && !(p>=0.0 && p<=1.0) ) return kl_domain(err, 1, pa.count-1, p);
    if( !r->y ){
      ry = rp;
      y = pa.count - 1==cls ? 1.0 : 0.0;
    }
    if( !ry || !rp ) break;
    bce_sum_add(&ysum, y, +1);
    bce_sum_add(&psum, p, +1);
    if( y>0.0 ){                                   /* 0 ln 0 = 0 */
      q = bce_clip(p, eps);
      if( q==0.0 ){
        inf = 1;
      }else{
        add_term(&ks, y, q);
      }
    }
  }
  if( r->y && !ry && ya.count==0 ) return kl_fail(err, BCE_ARRAY_EMPTY, 0);
  if( !rp && pa.count==0 ) return kl_fail(err, BCE_ARRAY_EMPTY, 1);
  if( ry || rp ){
    bce_json_array *rest = ry ? &ya : &pa;
    int r2;
    double x;
    while( (r2 = bce_array_element(rest, ry ? 0 : 1, &x, err))==1 ){}
    if( r2<0 ) return 0;
    err->ny = ya.count;
    err->np = pa.count;
    return kl_fail(err, BCE_ARRAY_LENGTH, 0);
  }
  if( pa.count<2 ){
    err->np = pa.count;
    return kl_fail(err, BCE_ARRAY_FEW, 1);
  }
  if( !r->y && cls>=pa.count ){
    err->value = r->cls;
    err->np = pa.count;
    return kl_fail(err, BCE_ARRAY_CLASS, 0);
  }
  if( r->y ){
    v = bce_sum_value(&ysum);
    if( !kl_sums_to_one(v) ){
      err->value = v;
      return kl_fail(err, BCE_ARRAY_SUM, 0);
    }
  }
  v = bce_sum_value(&psum);
  if( !kl_sums_to_one(v) ){
    err->value = v;
    return kl_fail(err, BCE_ARRAY_SUM, 1);
  }
  if( smoothing>0.0 ){
    /* the row is checked: walk it again with the targets smoothed */
    tiny = smoothing/(double)pa.count<0x1p-968;
    bce_sum_clear(&ks);
    inf = !kl_smoothed(r, eps, smoothing, pa.count, cls, tiny, &ks);
  }
  if( inf ){
    kl->hi = INFINITY;
    kl->lo = 0.0;
    return 1;
  }
  kl->hi = bce_sum_value(&ks);
  bce_sum_add(&ks, kl->hi, -1);
  kl->lo = bce_sum_value(&ks);
  if( tiny ){
    /* back from 2^KL_TINY_SCALE: exact where hi stays normal, else
    ** hi + lo rounded once onto the subnormal grid */
    double h = bce_scale(kl->hi, -KL_TINY_SCALE);
    if( fabs(h)>=0x1p-1022 ){
      kl->hi = h;
      kl->lo = bce_scale(kl->lo, -KL_TINY_SCALE);
    }else{
      kl->hi = bce_ldexp_dd(kl->hi, kl->lo, -KL_TINY_SCALE);
      kl->lo = 0.0;
    }
  }
  return 1;
}
