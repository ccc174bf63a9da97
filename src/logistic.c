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

/* The bound of bce_logistic_neg()'s double-double, with room: e^-a
** within 2^-100 (bce_exp_dd(); E/(1+E) keeps E's relative error, as its
** derivative in ln E is 1/(1+E) <= 1), the quotient's own roundings below
** 2^-104, and the rounding of lo +- eps (2^-53 of it). */
#define SIG_EPS 0x1p-97

/* 2^-150 of the slow path (bce_exp_qd() and the quotient in four
** doubles), with room for the approximations of the test below. */
#define SIG_EPS_SLOW 0x1p-147

/* The double nearest (v[0] + ... + v[3]) 2^k, S = v[0] + ... + v[3] in
** (0, 2) within 2^-150 S of the true value, rounded once onto the
** subnormals too.  y, from the sum's first two parts, is within an ulp
** (one unit of the result's own grid) of it; D = S - y 2^-k is taken in
** four doubles (exact but for 2^-200 of D), and y stands if |D| is below
** half the gap to the neighbour on D's side, the neighbour if above.
** Where | |D| - gap/2 | is within the bound the true value may be on
** either side: no such argument is known (none among 10^5 random and
** the hard cases of tests/gen_sigmoid_ref.py), the probability heuristic
** puts one at about 2^-32 over all doubles, and the sign of D decides
** then as elsewhere (docs/elementary.md). */
static double round_qd(bce_qd q, int k){
  double x[5], y, yu, d0, d1, gap, diff;
  bce_qd d;
  uint64_t b;
  int up;
  y = bce_ldexp_dd(q.v[0], q.v[1] + (q.v[2] + q.v[3]), k);
  yu = bce_scale(y, -k);                 /* exact: S 2^k >= y > 0, or 0 */
  x[0] = -yu; x[1] = q.v[3]; x[2] = q.v[2]; x[3] = q.v[1]; x[4] = q.v[0];
  d = bce_qd_sum(x, 5);
  d0 = d.v[0];
  d1 = d.v[1];
  if( d0==0.0 ) return y;                /* S is y itself (never: Lindemann) */
  b = bce_bits(y);
  up = d0 > 0.0;
  if( up ){
    gap = bce_from_bits(b + 1) - y;      /* y >= 0: the next double up */
  }else{
    gap = y - bce_from_bits(b - 1);      /* y > 0 (S > 0 and y within an ulp) */
    d0 = -d0; d1 = -d1;
  }
  gap = bce_scale(gap, -k)*0.5;          /* half the gap, unscaled: exact */
  /* |D| - gap/2, the first difference exact where it matters (Sterbenz,
  ** |D| within a factor 2 of gap/2) */
  diff = (d0 - gap) + d1;
  if( diff < 0.0 ) return y;
  return bce_from_bits(b + 2*(uint64_t)up - 1);   /* the neighbour */
}

/* sigmoid(x) for 0 < |x| < 2^-25 where the fast path cannot decide:
** sigmoid(x) = A + B + C, A = 1/2 + x/4 (exactly h + l, TwoSum), B =
** -x^3/48, C = x^5/480 - ... (|C| < 2^-20 |B|).  A is a multiple of
** ulp(x)/4 >= 2^-(k+54) for |x| in [2^-k, 2^-k+1), and so are the
** midpoints of the grid around 1/2 (multiples of 2^-55): if A is not one
** of them it is at least 2^-(k+54) from each, more than |B + C| < 2^-(3k+2)
** for k >= 26, and A's rounding h is the result; if A is a midpoint, B's
** sign (-x's) decides.  The fast path's 2^-100 and the slow path's 2^-150
** fail here: A can be a midpoint exactly (x = 3 2^-52), and the result
** within 2^-163 of it (tests/gen_sigmoid_ref.py's hard cases). */
static double sigmoid_tiny(double x){
  double q = 0.25*x;                      /* exact where used: |x| >= 2^-60 */
  double h = 0.5 + q;
  double l = bce_two_sum_err(0.5, q, h);
  uint64_t b = bce_bits(h);               /* h near 1/2: positive, normal */
  double gap;
  if( l==0.0 ) return h;                  /* A itself is a double */
  gap = l > 0.0 ? bce_from_bits(b + 1) - h : h - bce_from_bits(b - 1);
  if( fabs(l)!=0.5*gap ) return h;
  /* A is the midpoint between h and its neighbour on l's side: B (of
  ** -x's sign) takes the result there, or keeps it at h */
  if( (l > 0.0) == (x < 0.0) ) return bce_from_bits(l > 0.0 ? b + 1 : b - 1);
  return h;
}

/* sigmoid(x), correctly rounded, for -1500 <= x <= 40: bce_sigmoid()'s
** slow path, public for the unit test, which runs it on every case */
BCE_PRIVATE double bce_sigmoid_slow(double x){
  bce_qd q;
  int k;
  if( x > -0x1p-60 && x < 0x1p-60 ) return 0.5;   /* 1/2 + x/4: 1/2 */
  if( x > -0x1p-25 && x < 0x1p-25 ) return sigmoid_tiny(x);
  q = bce_logistic_neg_slow(fabs(x), &k);
  if( x < 0.0 ) return round_qd(q, k);
  {
    /* 1 - sigmoid(-x) in four doubles: k is 0, as sigmoid(-x) >= 4e-18 */
    double v[5];
    v[0] = -q.v[3]; v[1] = -q.v[2]; v[2] = -q.v[1]; v[3] = -q.v[0];
    v[4] = 1.0;
    return round_qd(bce_qd_sum(v, 5), 0);
  }
}

/* 1/(1+e^-x), correctly rounded (round to nearest): e^x/(1+e^x) for x <
** 0, rounded once onto the subnormals too (bce_ldexp_dd():
** sigmoid(-707.3687095027948) was 0.749 ulp off, rounded to 53 bits and
** again to the subnormal grid), and 1 - sigmoid(-x) for x >= 0, the
** difference exact in double-double.  Ziv's strategy: sigmoid(-|x|) to
** 2^-100 decides unless the result is within SIG_EPS of a rounding
** boundary (about once in 2^43 calls); then the slow path's 2^-150
** (round_qd()).  Past x = 40, 1 - 4e-18 rounds to 1; below x = -1500,
** 2^-2164 rounds to 0. */
BCE_PRIVATE double bce_sigmoid(double x){
  double th, tl, h, l, e, lo, hi;
  bce_dd t;
  int k;
  if( isnan(x) ) return x;
  if( x>40.0 ) return 1.0;
  if( x< -1500.0 ) return 0.0;
  t = bce_logistic_neg(fabs(x), &k);
  if( x<0.0 ){
    e = SIG_EPS*t.hi;
    if( k >= -1021 ){
      /* t.hi 2^k >= 2^-1021 (t.hi >= 1 where k < 0): normal, the scaling
      ** exact */
      lo = t.hi + (t.lo - e);
      hi = t.hi + (t.lo + e);
      if( lo==hi ) return bce_scale(lo, k);
    }else{
      /* subnormal or 0: the test on the rounded results themselves */
      double slo = bce_ldexp_dd(t.hi, t.lo - e, k);
      double shi = bce_ldexp_dd(t.hi, t.lo + e, k);
      if( slo==shi ) return slo;
    }
    return bce_sigmoid_slow(x);
  }
  th = bce_scale(t.hi, k);                /* >= 4e-18: normal, exact */
  tl = bce_scale(t.lo, k);
  h = 1.0 - th;
  l = bce_two_sum_err(1.0, -th, h) - tl;
  e = SIG_EPS*h;
  lo = h + (l - e);
  hi = h + (l + e);
  if( lo==hi ) return lo;
  return bce_sigmoid_slow(x);
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
