/* SPDX-License-Identifier: MIT */
#include "logistic.h"
#include "fma.h"
#include "logits.h"
#include "dd.h"

/* e^(k ln2 - az): the argument carried in two doubles (the product k*LN2_HI
** exact, then TwoSum), its error put back to first order. */
static double logits_exp_scaled(double az, int k){
  double s1 = -az + k*BCE_LN2_HI;
  double e1 = bce_two_sum_err(-az, k*BCE_LN2_HI, s1);
  double s2 = s1 + k*BCE_LN2_LO;
  double e2 = bce_two_sum_err(s1, k*BCE_LN2_LO, s2);
  double e = bce_exp(s2);
  return e + e*(e1 + e2);
}

/* The larger of two parts' binary exponents, negated: the scale 2^j that
** brings the larger near 1.  A part that is 0 does not count. */
static int scale_for(double x, int ex, double u, int eu){
  int j = x!=0.0 ? -(bce_ilogb(x) + ex) : 0;
  int ju = u!=0.0 ? -(bce_ilogb(u) + eu) : j;
  return x==0.0 || ju<j ? ju : j;
}

/* lo with its last bit made odd, a step toward the side s (+1 or -1) of
** a remainder below all of its bits: where lo is 0, a remainder far
** below c's last bit, 2^-67 of c. */
static double sticky_toward(double lo, double c, double s){
  if( lo==0.0 ) return s*fabs(c)*0x1p-67;
  if( (bce_bits(lo) & 1)!=0 ) return lo;
  return bce_from_bits((lo>0.0)==(s>0.0) ? bce_bits(lo) + 1
                                          : bce_bits(lo) - 1);
}

/* The Taylor coefficients of tanh(z/2)/2 for z^3 to z^17 (mpmath, 300
** bits), the first four as double-doubles. */
static const double TANH_DD[4][2] = {
  {-0x1.5555555555555p-6, -0x1.5555555555555p-60},       /* -1/48 */
  {0x1.1111111111111p-9, 0x1.1111111111111p-65},         /* 1/480 */
  {-0x1.ba1ba1ba1ba1cp-13, 0x1.7917917917918p-67},       /* -17/80640 */
  {0x1.664f4882c10fap-16, -0x1.9a5288b6c44fdp-73}};      /* 31/1451520 */
static const double TANH_TAIL[4] = {
  -0x1.226e355e6c23dp-19, 0x1.d6d3d0e157de0p-23, -0x1.7da36452b75e3p-26,
  0x1.3558248036744p-29};

/* sigmoid(z) - y for |z| < 2^-6, as (*h + *l)*2^-j: (1/2 - y) + z/4 + T,
** T = tanh(z/2)/2 - z/4 = -z^3/48 + z^5/480 - ...  Near z = 0 the first
** two parts can cancel to the last bit: z = 2^-51, y = 1/2 + 2^-53 leave
** T alone, 2^-150 of sigmoid(z), and z = 3*2^-9, y = 1/2 + z/4 - z^3/48
** leave z^5/480, 2^-47 of it, which no precision of sigmoid(z) itself
** could follow.  As parts, 1/2 - y and z/4 are exact (TwoSum; scaled by
** 2^j, z/4 exact also when z is subnormal), and T is a double-double to
** about 2^-104 of itself: the series in z^2 < 2^-12, each term under
** 2^-15 of the one before, its first terms in double-double (bce_fma()), up to
** z^17, past which the rest is below 2^-107 of T.  T can cancel against
** the sum of the other two only as far as z^5/480 (an exact double y needs
** few bits in z), so its own error stays 2^-60 of the result or less. */
static int grad_near_zero(double y, double z, double *h, double *l,
                          int *lost){
  double v = 0.5 - y;
  double ve = bce_two_sum_err(0.5, -y, v);
  double uh = z*z, ul = bce_fma(z, z, -uh);
  double th, tl, z3h, z3l, label_h, label_l, linear_h, linear_l;
  double q = TANH_TAIL[0] + uh*(TANH_TAIL[1] + uh*(TANH_TAIL[2]
           + uh*TANH_TAIL[3]));
  int i, j;
  th = q;
  tl = 0.0;
  for(i=3; i>=0; i--){
    bce_dd_mul(&th, &tl, uh, ul);
    bce_dd_add(&th, &tl, TANH_DD[i][0]);
    bce_dd_add(&th, &tl, TANH_DD[i][1]);
  }
  z3h = uh;
  z3l = ul;
  bce_dd_mul(&z3h, &z3l, z, 0.0);
  bce_dd_mul(&th, &tl, z3h, z3l);
  j = scale_for(v, 0, z, -2);
  *h = bce_scale(v, j);
  *l = 0.0;
  bce_dd_add(h, l, bce_scale(ve, j));
  label_h = *h;
  label_l = *l;
  bce_dd_add(h, l, bce_scale(z, j - 2));
  linear_h = *h;
  linear_l = *l;
  bce_dd_add(h, l, bce_scale(th, j));
  bce_dd_add(h, l, bce_scale(tl, j));
  /* the sign of what left no bit in (h, l): z/4 + T (of z's sign), or T
  ** alone (of the other sign; neither is 0 for z != 0), or nothing */
  if( z==0.0 ){
    *lost = 0;
  }else if( *h==label_h && *l==label_l ){
    *lost = z>0.0 ? 1 : -1;
  }else if( *h==linear_h && *l==linear_l && label_l==0.0 ){
    /* (h, l) is then the label's part plus z/4 exactly (two doubles'
    ** sum); with a remainder ve it may have rounded, and then what it
    ** lost is not T alone */
    *lost = z>0.0 ? -1 : 1;
  }else{
    *lost = 0;
  }
  return j;
}

/* Whether (c + lo +- e) 2^s round to the same double.  |c| is above
** 2^-60 (in the fast path h is at least 2^-39 of t, the larger of t and
** the label's part is scaled near 1, and n is in [1, 2)), so from s = -960
** up the scaling is exact and the sums at 53 bits decide; below, onto the
** subnormals, bce_ldexp_dd() (the common case is the first: two
** additions, not two scalings) */
static int rounds_alike(double c, double lo, double e, int s){
  if( s>=-960 ) return c + (lo - e)==c + (lo + e);
  return bce_ldexp_dd(c, lo - e, s)==bce_ldexp_dd(c, lo + e, s);
}

/* (h + l)/n as c + *lo: c rounded, its residual h - c n exact (fma), the
** residual plus l as *sum with its error *sum_err, over n */
static double quotient(double h, double l, double n, double *lo, double *sum,
                       double *sum_err){
  double c = h/n, rem = bce_fma(-c, n, h);
  *sum = rem + l;
  *sum_err = bce_two_sum_err(rem, l, *sum);
  *lo = *sum/n;
  return c;
}

/* (h, l) = a - t to 2^-150 where the fast t is not enough: a = ah + al
** (the label's part, times 2^j) and t = sigmoid(-az), four doubles */
static void grad_slow(double az, double ah, double al, int j, double *h,
                      double *l){
  double x[6];
  int i, k = 0;
  bce_qd t = bce_logistic_neg_slow(az, &k), g;
  for(i=0; i<4; i++) x[i] = -bce_scale(t.v[3-i], k + j);
  x[4] = al;
  x[5] = ah;
  g = bce_qd_sum(x, 6);
  *h = g.v[0];
  *l = g.v[1] + (g.v[2] + g.v[3]);
}

/* (sigmoid(z) - y)/n = +-(a - t)/n, t = sigmoid(-|z|) and a the label's
** part: 1-y for z >= 0 (the sign -) and y for z < 0.  The two cancel
** where sigmoid(z) is near y, by a factor kappa that was the bound's
** (bce_logits_grad(0.4998779329409259, 9.621747813467737e-12) was 6143 ulp
** off, kappa 2048; bce_logits_grad(0.45, -0.0) 8 ulp: 1-y rounded), so
** each is carried further: 1-y = v + ve exactly (Fast2Sum), t from
** bce_logistic_neg() as (th + tl)*2^k to 2^-97.  Both are scaled by 2^j so
** that the larger is near 1 (the smaller, if it vanishes there, is below
** 2^-1000 of it) and subtracted exactly (TwoSum).  Where t's error could
** still be above 2^-58 of the difference (kappa > 2^39: y the double
** nearest sigmoid(z) makes kappa 2^53 or more), t is taken again to 2^-150
** (bce_logistic_neg_slow(), Ziv's test).  Near z = 0 the cancellation can
** be exact by design, to the z^3 or z^5 term: grad_near_zero() takes
** |z| < 2^-6.  |z| up to 1500 is covered, where t is 2^-2164 and t/n below
** 2^-1090; past it t is 0, and +-Inf give the limits 1-y and -y.  The
** quotient by n = m*2^b, m in [1, 2), is corrected by its residual and
** scaled back once (bce_ldexp_dd(): a subnormal result is rounded once
** too).  Below kappa 2^39 the fast t's error can still decide the
** rounding: the result is rounded with the error either way, and t taken
** again where the two part. */
BCE_PRIVATE double bce_logits_grad(double y, double z, double n){
  double az = fabs(z);
  double h, l, c, lo, sum, sum_err, err = 0.0, sah = 0.0, sal = 0.0;
  int j, b = bce_ilogb(n), lost = 0;
  if( az<0x1p-6 ){
    j = grad_near_zero(y, z, &h, &l, &lost);
  }else{
    double ah, al, th = 0.0, tl = 0.0;
    int k = 0;
    if( z>0.0 ){
      ah = 1.0 - y;
      al = (1.0 - ah) - y;
    }else{
      ah = y;
      al = 0.0;
    }
    if( az<=1500.0 ){
      bce_dd t = bce_logistic_neg(az, &k);
      th = t.hi;
      tl = t.lo;
    }
    j = scale_for(ah, 0, th, k);
    ah = bce_scale(ah, j);
    al = bce_scale(al, j);
    th = bce_scale(th, k + j);
    tl = bce_scale(tl, k + j);
    h = ah - th;
    l = (bce_two_sum_err(ah, -th, h) + al) - tl;
    /* t, above 0 wherever z is finite, left no bit in (h, l): below l's
    ** last bit (1-y inexact), 0 at the scale beside a label part 2^1074
    ** times larger (|z| past about 1488), or past 1500.  What is lost is
    ** -t, and t once h and l change sign below for z < 0 */
    lost = h==ah && l==al && !isinf(z) ? (z<0.0 ? 1 : -1) : 0;
    if( fabs(th)*0x1p-97>fabs(h)*0x1p-58 ){
      /* t is within 2^-97 of itself (bce_exp_dd()'s 2^-100 and a few
      ** roundings at 2^-104); above 2^-58 of the difference, the parts
      ** cancelled past that (kappa > 2^39): t again, to 2^-150 (Ziv) */
      grad_slow(az, ah, al, j, &h, &l);
    }else if( th!=0.0 && lost==0 ){
      /* below that, t's 2^-97 may still decide the rounding, with the
      ** roundings of l, of the sum and of the quotient (each near 2^-105
      ** of h, 2^-101 for all): tested below, and t taken again if so */
      err = fabs(th)*0x1p-97 + fabs(h)*0x1p-101;
      sah = ah;
      sal = al;
    }
    if( z<0.0 ){
      h = -h;
      l = -l;
    }
  }
  n = bce_scale(n, -b);
  c = quotient(h, l, n, &lo, &sum, &sum_err);
  if( err!=0.0 && !rounds_alike(c, lo, err/n, -(j + b)) ){
    /* the result within the fast path's error of a midpoint: 0.500146
    ** ulp at bce_logits_grad(3.1066343707653875e-16, -35.707821543603785),
    ** kappa near 2^39, where the docs state 0.50 */
    grad_slow(az, sah, sal, j, &h, &l);
    if( z<0.0 ){
      h = -h;
      l = -l;
    }
    c = quotient(h, l, n, &lo, &sum, &sum_err);
  }
  if( lost!=0 && c!=0.0 && sum_err==0.0 && bce_fma(-lo, n, sum)==0.0 ){
    /* c + lo is (h + l)/n exactly (the sum and the quotient were
    ** exact), and the part left out (t, or the series' z/4 + T or T), of
    ** the sign lost, is below every bit of it: it decides only where
    ** c + lo is a midpoint of the result's grid (bce_logits_grad(2^-54,
    ** 80) is 1 - 2^-54 - e^-80, nearest 1 - 2^-53, and came out 1 by the
    ** tie to even), so lo is rounded to odd toward it, which then rounds
    ** on any grid at least two bits coarser as the exact value would.
    ** Where the sum or the quotient rounded, their error is far above
    ** the part left out and decides instead (not carried: a tie then
    ** goes to even, as it did before) */
    lo = sticky_toward(lo, c, (double)lost);
  }
  return bce_ldexp_dd(c, lo, -(j + b)) + 0.0;
}

/* w*l(y, z), rounded once also where l is below 2^-1018 and w > 1: then
** |z| > 705 (e^-705.6 is 2^-1018), and l = a|z| + log1p(E), E = e^-|z|
** below 2^-1017 and log1p(E) = E to a relative 2^-1017; a is the label's
** part, y for z < 0 and 1-y for z > 0, which is 0 here (y = 1: (1-y)z is
** at least 705*2^-53 otherwise) or for z < 0 a y below 2^-1027.  Either
** part may be a subnormal that has lost bits before the weight brings it
** into view (bce_logits_term(1, 760, 1e300) is 8.6e-31 and came out 0;
** bce_logits_term(1e-322, -740, 1e300), y|z| and E both subnormal, was
** 9e10 ulp off); up to 2^-1018, not 2^-1022, so that the loss of such a
** part, 2^-1075, is under a sixteenth of an ulp of l.  Each is taken
** times 2^k, k such that the larger is near 2^-100 (the smaller, if it
** vanishes there, is below 2^-900 of l), the product and sum carried with
** their errors, times w = m*2^b, m in [1, 2), and scaled back once.  Past
** |z| = 1490 w*E is below 2^-1075: with a = 0 the loss is 0, and with a
** subnormal a (l = a|z|, up to |z| = 2^56) E is left out and k comes from
** a alone (bce_logits_term(1e-323, -3610.255212435484, 1.1e265) was
** 3.7e11 ulp off; the k from |z| would overflow an int there too). */
BCE_PRIVATE double bce_logits_wloss(double y, double z, double w){
  double l = bce_logits_loss(y, z);
  double az = fabs(z);
  double a = z<0.0 ? y : 0.0;
  if( w>1.0 && l<0x1p-1018 && BCE_ALWAYS(az>705.0)
   && (az<=1490.0 || a>0.0) ){
    int k, b = ilogb(w);
    double as, e, p, pe, s, se, m, h;
    if( a==0.0 ){
      k = (int)(az/BCE_LN2_HI) - 100;           /* az <= 1490 here */
    }else{
      k = -ilogb(a) - 111;
      if( az<=1490.0 && (int)(az/BCE_LN2_HI) - 100<k ){
        k = (int)(az/BCE_LN2_HI) - 100;
      }
    }
    as = ldexp(a, k);
    e = logits_exp_scaled(az, k);
    p = as*az;
    pe = bce_fma(as, az, -p);
    s = p + e;
    se = bce_two_sum_err(p, e, s) + pe;
    m = ldexp(w, -b);
    h = s*m;
    return bce_ldexp_dd(h, bce_fma(s, m, -h) + se*m, b - k);
  }
  return w==0.0 ? 0.0 : w*l;
}
