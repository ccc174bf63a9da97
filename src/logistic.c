/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "elementary.h"
#include "fma.h"
#include "logistic.h"
#include "dd.h"

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
** and slow (some 10^4 operations): it only needs to be right.  A number is
** four doubles whose exact sum it is, largest first; each operation puts
** its exact parts (TwoSum, fma) in a list and sums the list into four
** doubles again, each the rounded sum of what the ones before left. */
/* The sum of x[0..n-1] (any order and overlap, n >= 4) as four doubles:
** three error-free VecSum passes (Ogita, Rump and Oishi) leave the
** rounded sum in the last place and the exact rest before it, four times
** over. */
BCE_PRIVATE bce_qd bce_qd_sum(double *x, int n){
  bce_qd r;
  int c, pass, i;
  for(c=0; c<4; c++, n--){
    for(pass=0; pass<3; pass++){
      for(i=1; i<n; i++){
        double t = x[i] + x[i-1];
        x[i-1] = bce_two_sum_err(x[i], x[i-1], t);
        x[i] = t;
      }
    }
    r.v[c] = x[n-1];
  }
  return r;
}

static bce_qd qd_add(bce_qd a, bce_qd b){
  double x[8];
  int i;
  for(i=0; i<4; i++){ x[i] = b.v[3-i]; x[4+i] = a.v[3-i]; }
  return bce_qd_sum(x, 8);
}

/* a*b, the products of parts i + j <= 3 exactly (fma), the rest dropped
** (under 2^-200 of the product) */
static bce_qd qd_mul(bce_qd a, bce_qd b){
  double x[20];
  int i, j, n = 0;
  for(i=3; i>=0; i--){
    for(j=3-i; j>=0; j--){
      double p = a.v[i]*b.v[j];
      x[n++] = bce_fma(a.v[i], b.v[j], -p);
      x[n++] = p;
    }
  }
  return bce_qd_sum(x, n);
}

/* a/b, four quotient digits each corrected by the exact remainder */
static bce_qd qd_div(bce_qd a, bce_qd b){
  double q[4];
  int i, j;
  for(i=0; i<4; i++){
    bce_qd qb;
    double x[8];
    q[i] = a.v[0]/b.v[0];
    qb = qd_mul(b, (bce_qd){{-q[i], 0.0, 0.0, 0.0}});
    for(j=0; j<4; j++){ x[j] = qb.v[3-j]; x[4+j] = a.v[3-j]; }
    a = bce_qd_sum(x, 8);
  }
  {
    double x[4] = {q[3], q[2], q[1], q[0]};
    return bce_qd_sum(x, 4);
  }
}

static bce_qd qd_scale(bce_qd a, int e){
  int i;
  for(i=0; i<4; i++) a.v[i] = bce_scale(a.v[i], e);
  return a;
}

/* ln 2 as H + M + L3 + L4 to 2^-171; k*H, k*M and k*L3 exact for
** |k| < 2^12 (33, 39 and 37 significant bits) */
#define QD_LN2_L3 (-0x1.c4c67fc0d0000p-76)
#define QD_LN2_L4 (-0x1.2a17e1979b31bp-117)

/* sigmoid(-a) = (t.v[0] + ... + t.v[3])*2^(*k) to about 2^-150, for
** 2^-6 <= a <= 1500.  e^-a = 2^-kd e^r, r = kd ln2 - a in [-0.35, 0.35]
** (kd*H - a exact by Sterbenz's lemma); e^r = (1 + m)^256 with m =
** expm1(r/256) from its series to r^14 (each term below 2^-9.5 of the
** one before: the rest is under 2^-165), squared eight times as m <- 2m +
** m^2, which costs 8 bits of the 200.  Then E/(1+E), or E itself below
** E = 2^-150. */
BCE_PRIVATE bce_qd bce_logistic_neg_slow(double a, int *k){
  double kd = nearbyint(a*1.4426950408889634);
  double x[8];
  bce_qd r, s, term, m, e, one = {{1.0, 0.0, 0.0, 0.0}}, t;
  int n, i;
  x[0] = kd*LN2_H - a;
  x[1] = kd*LN2_M;
  x[2] = kd*QD_LN2_L3;
  x[3] = kd*QD_LN2_L4;
  x[4] = bce_fma(kd, QD_LN2_L4, -x[3]);
  r = bce_qd_sum(x, 5);
  s = qd_scale(r, -8);
  term = s;
  m = s;
  for(n=2; n<=14; n++){
    bce_qd nd = {{(double)n, 0.0, 0.0, 0.0}};
    term = qd_div(qd_mul(term, s), nd);
    m = qd_add(m, term);
  }
  for(i=0; i<8; i++) m = qd_add(qd_scale(m, 1), qd_mul(m, m));
  e = qd_add(one, m);
  if( kd>150.0 ){
    t = e;
    *k = -(int)kd;
  }else{
    e = qd_scale(e, -(int)kd);
    t = qd_div(e, qd_add(one, e));
    *k = 0;
  }
  return t;
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
