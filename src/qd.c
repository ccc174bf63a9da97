/* SPDX-License-Identifier: MIT */
/*
** A number is four doubles whose exact sum it is, largest first; each
** operation puts its exact parts (TwoSum, fma) in a list and sums the
** list into four doubles again, each the rounded sum of what the ones
** before left.
*/
#include <math.h>
#include "dd.h"
#include "elementary.h"
#include "qd.h"

/* ln 2 in parts: k*H and k*M exact for |k| < 2^12 (33 and 39
** significant bits), the same H and M as src/logistic.c's */
#define QD_LN2_H 0x1.62e42fee00000p-1
#define QD_LN2_M 0x1.a39ef35794000p-33

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

BCE_PRIVATE bce_qd bce_qd_add(bce_qd a, bce_qd b){
  double x[8];
  int i;
  for(i=0; i<4; i++){ x[i] = b.v[3-i]; x[4+i] = a.v[3-i]; }
  return bce_qd_sum(x, 8);
}

/* a*b, the products of parts i + j <= 3 exactly (fma), the rest dropped
** (under 2^-200 of the product) */
BCE_PRIVATE bce_qd bce_qd_mul(bce_qd a, bce_qd b){
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
BCE_PRIVATE bce_qd bce_qd_div(bce_qd a, bce_qd b){
  double q[4];
  int i, j;
  for(i=0; i<4; i++){
    bce_qd qb;
    double x[8];
    q[i] = a.v[0]/b.v[0];
    qb = bce_qd_mul(b, (bce_qd){{-q[i], 0.0, 0.0, 0.0}});
    for(j=0; j<4; j++){ x[j] = qb.v[3-j]; x[4+j] = a.v[3-j]; }
    a = bce_qd_sum(x, 8);
  }
  {
    double x[4] = {q[3], q[2], q[1], q[0]};
    return bce_qd_sum(x, 4);
  }
}

BCE_PRIVATE bce_qd bce_qd_scale(bce_qd a, int e){
  int i;
  for(i=0; i<4; i++) a.v[i] = bce_scale(a.v[i], e);
  return a;
}

/* ln 2 as H + M + L3 + L4 to 2^-171; k*H, k*M and k*L3 exact for
** |k| < 2^12 (33, 39 and 37 significant bits) */
#define QD_LN2_L3 (-0x1.c4c67fc0d0000p-76)
#define QD_LN2_L4 (-0x1.2a17e1979b31bp-117)

/* e^(hi + lo) = 2^-kd e^r, a = -hi, r = kd ln2 - a + lo in [-0.35, 0.35]
** (kd*H - a exact by Sterbenz's lemma, or -a itself where kd = 0);
** e^r = (1 + m)^256 with m = expm1(r/256) from its series to r^14 (each
** term below 2^-9.5 of the one before: the rest is under 2^-165), squared
** eight times as m <- 2m + m^2, which costs 8 bits of the 200.  lo joins
** the list only where it is not 0, so that bce_logistic_neg_slow() keeps
** the bits it had. */
BCE_PRIVATE bce_qd bce_exp_qd(double hi, double lo, int *k){
  double a = -hi, kd = nearbyint(a*1.4426950408889634);
  double x[8];
  bce_qd r, s, term, m, one = {{1.0, 0.0, 0.0, 0.0}};
  int n, i;
  x[0] = kd*QD_LN2_H - a;
  x[1] = kd*QD_LN2_M;
  x[2] = kd*QD_LN2_L3;
  x[3] = kd*QD_LN2_L4;
  x[4] = bce_fma(kd, QD_LN2_L4, -x[3]);
  x[5] = lo;
  r = bce_qd_sum(x, lo!=0.0 ? 6 : 5);
  s = bce_qd_scale(r, -8);
  term = s;
  m = s;
  for(n=2; n<=14; n++){
    bce_qd nd = {{(double)n, 0.0, 0.0, 0.0}};
    term = bce_qd_div(bce_qd_mul(term, s), nd);
    m = bce_qd_add(m, term);
  }
  for(i=0; i<8; i++) m = bce_qd_add(bce_qd_scale(m, 1), bce_qd_mul(m, m));
  *k = -(int)kd;
  return bce_qd_add(one, m);
}

/* ---- logarithms (src/binary_opt.c's and src/cce.c's slow paths) */

static const bce_qd QD_ONE = {{1.0, 0.0, 0.0, 0.0}};
static const bce_qd QD_TWO = {{2.0, 0.0, 0.0, 0.0}};
static const bce_qd QD_MINUS_ONE = {{-1.0, -0.0, -0.0, -0.0}};   /* as -(1) */

static bce_qd qd_num2(double hi, double lo){
  bce_qd r = {{hi, lo, 0.0, 0.0}};
  return r;
}

static bce_qd qd_num(double x){
  return qd_num2(x, 0.0);
}

/* ln 2 to 2^-212 (mpmath) */
static const bce_qd QD_LN2_QD = {{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56,
                               0x1.7b57a079a1934p-111, -0x1.ace93a4ebe5d1p-165}};

/* ln(1 + t) for |t| <= 2^-5: 2 atanh(u), u = t/(2 + t), |u| < 2^-5.9: the
** series to u^27, past which the rest is below 2^-155 of the sum */
static bce_qd log1p_small_qd(bce_qd t){
  bce_qd u = bce_qd_div(t, bce_qd_add(QD_TWO, t));
  bce_qd u2 = bce_qd_mul(u, u), term = u, sum = u;
  int k;
  for(k=3; k<=27; k+=2){
    term = bce_qd_mul(term, u2);
    sum = bce_qd_add(sum, bce_qd_div(term, qd_num((double)k)));
  }
  return bce_qd_scale(sum, 1);
}

/* ln x for x > 0 with |ln x| >= 2^-6 (nothing cancels): x = X 2^e, X in
** [1, 2), one Newton step from bce_log_dd's 2^-100, L1 = L0 + X e^-L0 - 1,
** then + e ln 2.  The error is bce_exp_qd's, 2^-150 of 1. */
BCE_PRIVATE bce_qd bce_qd_log(bce_qd x){
  int e = bce_ilogb(x.v[0]), k;
  bce_qd X = bce_qd_scale(x, -e), E, L;
  bce_dd l0 = bce_log_dd(X.v[0], X.v[1]);
  E = bce_exp_qd(-l0.hi, -l0.lo, &k);
  E = bce_qd_scale(E, k);
  L = bce_qd_add(bce_qd_mul(X, E), QD_MINUS_ONE);
  L = bce_qd_add(qd_num2(l0.hi, l0.lo), L);
  return bce_qd_add(L, bce_qd_mul(QD_LN2_QD, qd_num((double)e)));
}

BCE_PRIVATE bce_qd bce_qd_log1p(bce_qd t){
  if( fabs(t.v[0])<=0x1p-5 ) return log1p_small_qd(t);
  return bce_qd_log(bce_qd_add(QD_ONE, t));
}
