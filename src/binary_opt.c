/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include "binary_opt.h"
#include "dd.h"
#include "elementary.h"
#include "fma.h"
#include "log_batch.h"
#include "log_pair.h"
#include "logits.h"
#include "loss.h"
#include "mean.h"
#include "qd.h"

/* A number as (hi + lo)*2^e, hi in [1, 2) or hi = lo = 0: a double-double
** whose exponent cannot underflow.  e^-z for z = 800 is 2^-1154, and the
** loss pw*y'*e^-z may still be a normal double; the focal factor of a
** confident hit can be 2^-3000 before a pos_weight of 1e300 brings it back.
** Each operation loses about 2^-104 of its result, so a chain of a dozen
** stays far inside the 2^-60 that leaves one rounding at the end. */
typedef struct bxdd { double hi, lo; int e; } bxdd;

static const bxdd X_ZERO = {0.0, 0.0, 0};
static const bxdd X_ONE = {1.0, 0.0, 0};

/* ln 2 as a double-double (mpmath: 0x1.62e42fefa39efp-1 + 0x1.abc9e3b39803fp-56) */
#define BO_LN2_H 0x1.62e42fefa39efp-1
#define BO_LN2_L 0x1.abc9e3b39803fp-56

static bxdd x_norm(double hi, double lo, int e){
  bxdd r;
  int j;
  if( hi==0.0 ) return X_ZERO;
  j = bce_ilogb(hi);
  r.hi = bce_scale(hi, -j);
  r.lo = bce_scale(lo, -j);
  r.e = e + j;
  return r;
}

static bxdd x_of(double x){ return x_norm(x, 0.0, 0); }

static int x_zero(bxdd a){ return a.hi==0.0; }

/* a + b exactly as two doubles: Fast2Sum-normalized hi and lo */
static bxdd x_two(double s, double err, int e){
  double hi = s + err;
  return x_norm(hi, err - (hi - s), e);
}

static bxdd x_mul(bxdd a, bxdd b){
  double p, err;
  if( x_zero(a) || x_zero(b) ) return X_ZERO;
  p = a.hi*b.hi;
  err = bce_fma(a.hi, b.hi, -p) + (a.hi*b.lo + a.lo*b.hi);
  return x_two(p, err, a.e + b.e);
}

static bxdd x_mul_d(bxdd a, double x){ return x_mul(a, x_of(x)); }

static bxdd x_neg(bxdd a){
  a.hi = -a.hi;
  a.lo = -a.lo;
  return a;
}

/* a + b of any signs; a part below 2^-220 of the other is dropped */
static bxdd x_add(bxdd a, bxdd b){
  double bh, bl, s, err;
  int d;
  if( x_zero(a) ) return b;
  if( x_zero(b) ) return a;
  if( a.e<b.e ){ bxdd t = a; a = b; b = t; }
  d = a.e - b.e;
  if( d>220 ) return a;
  bh = bce_scale(b.hi, -d);
  bl = bce_scale(b.lo, -d);
  s = a.hi + bh;
  err = bce_two_sum_err(a.hi, bh, s) + (a.lo + bl);
  return x_two(s, err, a.e);
}

static bxdd x_div(bxdd a, bxdd b){
  double q1, r;
  if( x_zero(a) ) return X_ZERO;
  q1 = a.hi/b.hi;
  r = (bce_fma(-q1, b.hi, a.hi) + a.lo) - q1*b.lo;
  return x_two(q1, r/b.hi, a.e - b.e);
}

/* rounded once to the nearest double (+0, never -0, for zero) */
static double x_round(bxdd a){
  if( x_zero(a) ) return 0.0;
  return bce_ldexp_dd(a.hi, a.lo, a.e) + 0.0;
}

/* a plain double-double of a, for |a| in double range well above 2^-900 */
static bce_dd x_dd(bxdd a){
  bce_dd r;
  r.hi = bce_scale(a.hi, a.e);
  r.lo = bce_scale(a.lo, a.e);
  return r;
}

/* Two precisions: acc = 0 takes the fast paths of bce_log and bce_exp
** (2^-65 and 2^-72 of their results, about 40 ns a call), enough for a
** sum of non-negative parts rounded once (the losses: 2^-60 of an ulp);
** acc = 1 the double-double kernels (2^-100, 300 ns), for the gradient
** where its parts cancel, and where the fast paths do not reach
** (subnormals, e^x past the normal range, a focal exponent gamma ln f
** that would magnify 2^-65 past 2^-57). */

/* ln(x + xl) as a double-double, x + xl > 0, |xl| <= ulp(x)/2 */
static bce_dd log_dd(double x, double xl, int acc){
  if( !acc && x>=0x1p-1022 && x<0x1p1022 ){
    bce_dd r;
    double l, h = bce_log_fast(x, xl, &l);
    r.hi = h + l;
    r.lo = l - (r.hi - h);
    return r;
  }
  return bce_log_dd(x, xl);
}

/* ln a for a > 0, as a double-double: a near 1 goes to the logarithm
** whole (accurate relative to a small ln there); elsewhere ln of the
** mantissa plus e ln 2, which cancel by a factor 2 at most. */
static bce_dd x_log(bxdd a, int acc){
  bce_dd r, l;
  double p, pe, s, err;
  if( a.e==0 || a.e==-1 ){
    bce_dd v = x_dd(a);
    return log_dd(v.hi, v.lo, acc);
  }
  l = log_dd(a.hi, a.lo, acc);
  p = a.e*BO_LN2_H;
  pe = bce_fma((double)a.e, BO_LN2_H, -p) + a.e*BO_LN2_L;
  s = p + l.hi;
  err = bce_two_sum_err(p, l.hi, s) + (pe + l.lo);
  r.hi = s + err;
  r.lo = err - (r.hi - s);
  return r;
}

/* e^L for a double-double L (|L.lo| <= ulp(L.hi)): L = n ln 2 + R, |R| <=
** ln2/2 + tiny, e^R from bce_exp_dd, the exponent n kept aside.  Below
** -2^27 the result is 0: every factor it meets is below 2^1100. */
static bxdd x_exp(bce_dd L, int acc){
  double n, p, pe, s, err, rh, rl;
  bce_dd r;
  int k;
  if( !acc && L.hi> -708.39 && L.hi<709.78 ){
    /* e^(hi + lo) = e^hi (1 + lo), to lo^2 < 2^-104 */
    double l, h = bce_exp_fast(L.hi, &k, &l);
    return x_two(h, l + h*L.lo, k);
  }
  if( L.hi< -0x1p27 ) return X_ZERO;
  n = L.hi*(1.0/BO_LN2_H);
  n = (double)(long long)(n + (n<0.0 ? -0.5 : 0.5));
  p = n*BO_LN2_H;
  pe = bce_fma(n, BO_LN2_H, -p) + n*BO_LN2_L;
  s = L.hi - p;
  err = bce_two_sum_err(L.hi, -p, s) + (L.lo - pe);
  rh = s + err;
  rl = err - (rh - s);
  r = bce_exp_dd(rh, rl, &k);
  return x_norm(r.hi, r.lo, k + (int)n);
}

/* a^g for a > 0 and g > -1: by squarings for an integer g up to 64 (most
** focal losses use 2), else e^(g ln a), g = gh + gl exactly. */
static bxdd x_pow(bxdd a, double gh, double gl, int acc){
  if( gh==0.0 && gl==0.0 ) return X_ONE;
  if( x_zero(a) ) return X_ZERO;
  if( gl==0.0 && gh>0.0 && gh<=64.0 && gh==(double)(int)gh ){
    bxdd r = X_ONE;
    int k = (int)gh;
    for(;;){
      if( k & 1 ) r = x_mul(r, a);
      k >>= 1;
      if( !k ) break;
      a = x_mul(a, a);
    }
    return r;
  }else{
    bce_dd l = x_log(a, acc), L;
    double p = l.hi*gh, err;
    if( !acc && !(fabs(p)<256.0) ){
      /* e^L magnifies L's error L times: past 2^8, 2^-65 would show */
      acc = 1;
      l = x_log(a, acc);
      p = l.hi*gh;
    }
    err = bce_fma(l.hi, gh, -p) + (l.hi*gl + l.lo*gh);
    L.hi = p + err;
    L.lo = err - (L.hi - p);
    return x_exp(L, acc);
  }
}

/* 1 - x exactly as a double-double, for x in [0, 1] (Fast2Sum) */
static bxdd x_one_minus(double x){
  double v = 1.0 - x;
  return x_norm(v, (1.0 - v) - x, 0);
}

/* The parts every formula shares: the smoothed label and its complement
** (both >= 0, neither formed as 1 minus the other), q and 1-q, and
** a = -ln q, b = -ln(1-q), each flagged where it is +Inf. */
typedef struct opt_point {
  bxdd ys, yc;       /* y', 1-y' */
  bxdd q, qc;        /* q, 1-q */
  bxdd a, b;         /* -ln q, -ln(1-q) */
  int a_inf, b_inf;
} opt_point;

/* y' = y(1-s) + s/2 and 1-y' = (1-y)(1-s) + s/2: sums of non-negative
** parts, each product carried with its error. */
static void labels(double y, double s, opt_point *t){
  t->ys = x_of(y);
  t->yc = x_one_minus(y);
  if( s!=0.0 ){
    bxdd sc = x_one_minus(s), half = x_of(s);
    half.e -= 1;                   /* s/2, exact even for a subnormal s */
    t->ys = x_add(x_mul(t->ys, sc), half);
    t->yc = x_add(x_mul(t->yc, sc), half);
  }
}

static void prob_point(double y, double p, const bce_binary_opt *o,
                       opt_point *t, int acc){
  double q = bce_clip(p, o->eps);
  double u = 1.0 - q;
  bce_dd l;
  labels(y, o->smoothing, t);
  t->q = x_of(q);
  t->qc = x_norm(u, (1.0 - u) - q, 0);
  t->a_inf = q==0.0;
  t->b_inf = q==1.0;
  t->a = X_ZERO;
  t->b = X_ZERO;
  if( !t->a_inf ){
    l = log_dd(q, 0.0, acc);
    t->a = x_norm(-l.hi, -l.lo, 0);
  }
  if( !t->b_inf ){
    if( q<0x1p-900 ){
      t->b = t->q;                 /* -ln(1-q) = q(1 + q/2 + ...) */
    }else{
      /* ln(1-q) = ln(u + e), 1-q = u + e exactly (Fast2Sum; e = 0 from
      ** q = 1/2 on, Sterbenz) */
      l = log_dd(u, (1.0 - u) - q, acc);
      t->b = x_norm(-l.hi, -l.lo, 0);
    }
  }
}

/* log1p(E) for E = e^-|z| >= 0 as an bxdd */
static bxdd log1p_x(bxdd E, int acc){
  bce_dd v, l;
  double u, c, h;
  if( x_zero(E) || E.e< -900 ) return E;   /* log1p(E) = E(1 - E/2 ...) */
  if( E.e< -60 ){
    /* E - E^2/2, the next term below 2^-120 of it */
    bxdd e2 = x_mul(E, E);
    e2.e -= 1;
    return x_add(E, x_neg(e2));
  }
  v = x_dd(E);
  if( acc ){
    l = bce_log1p_dd(v.hi, v.lo);
    return x_norm(l.hi, l.lo, 0);
  }
  /* ln(1 + v.hi) of the exact 1 + v.hi = u + c, plus v.lo/(1 + v.hi) to
  ** first order (v.lo^2 < 2^-106 of it; u for 1 + v.hi, 2^-53 of a term
  ** 2^-53 of the sum): v.lo would be lost in c, which is all of E where E
  ** < 2^-53 */
  u = 1.0 + v.hi;
  c = v.hi - (u - 1.0);                         /* exact: Fast2Sum */
  l = log_dd(u, c, 0);
  h = v.lo/u;
  {
    double s = l.hi + h;
    double err = bce_two_sum_err(l.hi, h, s) + l.lo;
    return x_two(s, err, 0);
  }
}

/* A finite logit: E = e^-|z| (|z| capped at 2^17, where E is below
** 2^-189000 and every product with it below the subnormals),
** sigmoid(-|z|) = E/(1+E) and sigmoid(|z|) = 1/(1+E), softplus(-|z|) =
** log1p(E) and softplus(|z|) = |z| + log1p(E): no part is 1 minus a rounded
** other, so the small side keeps every digit. */
static void logits_point(double y, double z, const bce_binary_opt *o,
                         opt_point *t, int acc){
  double az = fabs(z);
  bce_dd m;
  bxdd E, one_e, small, large, sp, spz;
  labels(y, o->smoothing, t);
  m.hi = -(az<0x1p17 ? az : 0x1p17);
  m.lo = 0.0;
  E = x_exp(m, acc);
  one_e = x_add(X_ONE, E);
  small = x_div(E, one_e);
  large = x_div(X_ONE, one_e);
  sp = log1p_x(E, acc);
  spz = x_add(x_of(az), sp);
  t->a_inf = t->b_inf = 0;
  if( z>=0.0 ){
    t->q = large;  t->qc = small;  t->a = sp;   t->b = spz;
  }else{
    t->q = small;  t->qc = large;  t->a = spz;  t->b = sp;
  }
}

/* The factor alpha*y' + (1-alpha)(1-y'), or 1 */
static bxdd alpha_factor(const opt_point *t, const bce_binary_opt *o){
  if( !o->has_alpha ) return X_ONE;
  return x_add(x_mul_d(t->ys, o->alpha),
               x_mul(t->yc, x_one_minus(o->alpha)));
}

/* 1 - p_t = y'(1-q) + (1-y')q */
static bxdd focal_base(const opt_point *t){
  return x_add(x_mul(t->ys, t->qc), x_mul(t->yc, t->q));
}

/* ce = pw*y'*a + (1-y')*b; 1 when it is +Inf.  A part whose coefficient
** is 0 is 0 even where its logarithm is infinite. */
static int cross_entropy(const opt_point *t, double pw, bxdd *ce){
  bxdd c1 = X_ZERO, c2 = X_ZERO;
  if( pw!=0.0 && !x_zero(t->ys) ){
    if( t->a_inf ) return 1;
    c1 = x_mul(x_mul_d(t->ys, pw), t->a);
  }
  if( !x_zero(t->yc) ){
    if( t->b_inf ) return 1;
    c2 = x_mul(t->yc, t->b);
  }
  *ce = x_add(c1, c2);
  return 0;
}

/* The loss as an bxdd; 1 when it is +Inf. */
static int loss_x(const opt_point *t, const bce_binary_opt *o, int acc,
                  bxdd *l){
  bxdd ce, A = alpha_factor(t, o), F;
  if( cross_entropy(t, o->pos_weight, &ce) ){
    /* where a log is infinite, 1-p_t is y' or 1-y', the side that costs
    ** it, and not 0: only alpha's factor can make the loss 0 */
    *l = X_ZERO;
    return !x_zero(A);
  }
  F = o->gamma==0.0 ? X_ONE : x_pow(focal_base(t), o->gamma, 0.0, acc);
  *l = x_mul(x_mul(A, F), ce);
  return 0;
}

/* ---- the loss in plain double-doubles -------------------------------
** Where every part is far from the ends of the range (below), the same
** sum of products in bce_dd without an exponent: no normalisation after
** each operation, which was half of the time of the path above.  The
** parts are the same, each to 2^-64 of itself, and the loss is rounded
** once. */

static inline bce_dd d_of(double x){ bce_dd r = {x, 0.0}; return r; }

static inline bce_dd d_two(double s, double err){
  bce_dd r;
  r.hi = s + err;
  r.lo = err - (r.hi - s);
  return r;
}

/* a*b - p exactly, p = a*b rounded: an fma instruction where the target
** has one (the condition src/elementary.c's el_two_prod() takes), else
** Dekker's product (splits at 2^27 + 1) rather than bce_fma(), which is
** then a call into a software emulation (glibc's fma on x86-64 without
** FMA: about 50 instructions a call, docs/performance.md "Options").
** Both give the same exact double.  Dekker's is exact in round-to-nearest
** when nothing overflows (|a|, |b| < 2^995) and nothing underflows (|ab|
** >= 2^-960, or a or b zero): every factor on this path is 0 or within
** 2^-500 and 2^200 (each part is 0 or in [2^-60, 2^60], at most eight
** of them multiplied; e^L is past e^-256; E past e^-100), far inside. */
static inline double d_prod_err(double a, double b, double p){
#if defined(__FP_FAST_FMA) || defined(__FMA__) || defined(__aarch64__)
  return bce_fma(a, b, -p);
#else
  const double split = 134217729.0;            /* 2^27 + 1 */
  double t, ah, al, bh, bl;
  t = split*a;
  ah = t - (t - a);
  al = a - ah;
  t = split*b;
  bh = t - (t - b);
  bl = b - bh;
  return ((ah*bh - p) + ah*bl + al*bh) + al*bl;
#endif
}

/* d_prod_err() where hw_fma, a constant, may say that the function this
** is inlined into runs only on processors with the fma instruction
** (bce_opt_hard_loss_x86_v3(), src/binary_opt.h): the instruction's
** exact error, the same double as Dekker's. */
BCE_ALWAYS_INLINE double d_prod_err_k(double a, double b, double p,
                                      int hw_fma){
#ifdef BCE_OPT_X86_V3
  if( hw_fma ) return __builtin_fma(a, b, -p);
#else
  (void)hw_fma;
#endif
  return d_prod_err(a, b, p);
}

BCE_ALWAYS_INLINE bce_dd d_mul_k(bce_dd a, bce_dd b, int hw_fma){
  double p = a.hi*b.hi;
  return d_two(p, d_prod_err_k(a.hi, b.hi, p, hw_fma)
                  + (a.hi*b.lo + a.lo*b.hi));
}

static inline bce_dd d_mul(bce_dd a, bce_dd b){
  return d_mul_k(a, b, 0);
}

static inline bce_dd d_add(bce_dd a, bce_dd b){
  double s = a.hi + b.hi;
  return d_two(s, bce_two_sum_err(a.hi, b.hi, s) + (a.lo + b.lo));
}

/* 0, or within [2^-60, 2^60]: a factor whose products stay normal */
static inline int ordinary(double x){
  return x==0.0 || (x>=0x1p-60 && x<=0x1p60);
}

/* The parts of opt_point in plain double-doubles */
typedef struct fast_point { bce_dd ys, yc, q, qc, a, b; } fast_point;

/* 1 and *t where every part is in the safe range; 0 for the bxdd path.
** logs = 0: a and b are not needed (and not taken where they cost a
** logarithm). */
static int fast_parts(double y, double x, int logits, int logs,
                      const bce_binary_opt *o, fast_point *t){
  double s = o->smoothing, pw = o->pos_weight;
  double u, c, h;
  if( !ordinary(y) || !ordinary(s) || !ordinary(pw)
   || (o->has_alpha && (!ordinary(o->alpha) || !ordinary(1.0 - o->alpha))) ){
    return 0;
  }
  t->ys = d_of(y);
  t->yc = d_two(1.0 - y, (1.0 - (1.0 - y)) - y);
  if( s!=0.0 ){
    bce_dd sc = d_two(1.0 - s, (1.0 - (1.0 - s)) - s), half = d_of(s*0.5);
    t->ys = d_add(d_mul(t->ys, sc), half);
    t->yc = d_add(d_mul(t->yc, sc), half);
  }
  t->a = t->b = d_of(0.0);
  if( logits ){
    /* E = e^-|z| >= 2^-145, to 2^-72; sigmoid and softplus from it as in
    ** logits_point() */
    double az = fabs(x), el, eh, sl;
    bce_dd E, one_e, small, large, sp, spz;
    int k;
    if( !(az<=100.0) ) return 0;
    eh = bce_exp_fast(-az, &k, &el);
    E = d_two(bce_scale(eh, k), bce_scale(el, k));
    one_e = d_add(d_of(1.0), E);
    large.hi = 1.0/one_e.hi;
    /* 1 - large.hi*one_e.hi exactly: 1 - p is exact (Sterbenz, p = the
    ** rounded product is within 2^-52 of 1), and so is the difference
    ** with the product's error, the remainder of a rounded quotient being
    ** a double: the bits bce_fma(-large.hi, one_e.hi, 1.0) gives */
    {
      double p = large.hi*one_e.hi;
      large.lo = (((1.0 - p) - d_prod_err(large.hi, one_e.hi, p))
                  - large.hi*one_e.lo)/one_e.hi;
    }
    small = d_mul(E, large);
    sp = spz = d_of(0.0);
    if( logs ){
      u = 1.0 + E.hi;
      c = E.hi - (u - 1.0);
      sp = d_two(bce_log_fast(u, c, &sl), 0.0);
      sp = d_add(d_two(sp.hi, sl), d_of(E.lo/u));
      spz = d_add(d_of(az), sp);
    }
    if( x>=0.0 ){
      t->q = large;  t->qc = small;  t->a = sp;   t->b = spz;
    }else{
      t->q = small;  t->qc = large;  t->a = spz;  t->b = sp;
    }
  }else{
    double p = bce_clip(x, o->eps), al, bl;
    if( !(p>=0x1p-60) || !(p<1.0) ) return 0;
    u = 1.0 - p;
    c = (1.0 - u) - p;
    t->q = d_of(p);
    t->qc = d_two(u, c);
    /* a hard label takes one logarithm: the other part's coefficient is 0 */
    if( logs && pw!=0.0 && t->ys.hi!=0.0 ){
      h = bce_log_fast(p, 0.0, &al);
      t->a = d_two(-h, -al);
    }
    if( logs && t->yc.hi!=0.0 ){
      h = bce_log_fast(u, c, &bl);
      t->b = d_two(-h, -bl);
    }
  }
  return 1;
}

/* e^(g lf) for lf = ln f, |g lf| < 256: fast_pow()'s exponential, for
** a caller that has the logarithm already (hard_loss_of(): ln f is the
** other lane of its pair of logarithms) */
BCE_ALWAYS_INLINE int pow_of_log(bce_dd lf, double g, bce_dd *F, double *aL,
                                 int hw_fma){
  double L = lf.hi*g, Ll, eh, el;
  int k;
  if( !(fabs(L)<256.0) ) return 0;
  Ll = d_prod_err_k(lf.hi, g, L, hw_fma) + lf.lo*g;
  *aL = fabs(L);
  eh = bce_exp_fast(L, &k, &el);
  *F = d_two(bce_scale(eh, k), bce_scale(el + eh*Ll, k));
  return 1;
}

/* ---- the focal factor of a loss through e^(g ln f) ------------------
** A loss c f^g for c, the cross-entropy (times alpha's factor), a
** double-double within 2^-64 of itself (0 or in [2^-240, 2^67]), and f
** in [2^-60, 1], from lf = ln f by el_log_fast_dd() (bce_log_fast(),
** bce_log_fast4(), el_log_fast_pair(): the same bits).  Its error
** magnified g times is what decides the rounding test, and two bounds
** hold for it (docs/performance.md "Options"):
**  - 2^-65 |lf| (docs/elementary.md), so e^(g lf) is within |L| 2^-65,
**    L = g lf: the test of before, which failed every row past |L| = 256
**    (gamma 300: f below 0.43, most rows);
**  - 2^-72 absolute, for f in [2^-60, 1] with its low part: the
**    polynomial's roundings (5.1 2^-53 of |z^3|/3 <= 2^-22.57, z below
**    2^-7: 2^-73.23), zl z^2 left out of zl(1 - z) (2^-61 2^-14: 2^-75),
**    three sums of l and p rounded below 2^-22 (3 2^-76), Taylor's rest
**    (2^-80.45), the table's and ln 2's parts (|e| <= 60: 2^-89), 2^-72.43
**    in all; f formed from a smoothing's products (within 2^-100 of
**    itself) adds 2^-100.  So g 2^-72, whatever L: gamma 300, 2^-63.8.
** The factor is e^(L + Ll) = 2^k (h + l), by bce_exp's own fast path
** above L = -708 (bce_exp_fast_short(): 2^-70.5) and el_exp_fast() below
** (2^-71, its reduction exact for |L| < 1419), kept unscaled so that
** nothing underflows in the products, and the loss scaled once at the
** end.  The test's 2^-64 (1 + 2^-4) covers c's 2^-64 and, in its 2^-68,
** the factor's 2^-70.5, el + h Ll's rounding (2^-76), e^Ll taken as 1 +
** Ll (Ll^2 < 2^-85 for |L| <= 800), Ll's roundings (2^-103 |L|) and the
** product's 2^-100; a g below 2^-900 makes Dekker's product of L inexact,
** by 2^-1070 of a factor near 1.  Past
** L = -800 the loss is 0: c e^L < 2^67 2^-1154 is below half the least
** subnormal.  Results below 2^-1022 are rounded on the subnormals' grid
** from the double-double (bce_ldexp_dd()). */

/* 2^-72 in units of 2^-65, the bound focal_exp_loss()'s test takes, per
** unit of gamma.  From a logit f = y'(1-q) + (1-y')q carries E = e^-|z|'s
** 2^-71 (el_exp_fast()) and the divisions' 2^-100: within 2^-70.9 of
** itself, so ln f within 2^-72.43 + 2^-70.9 < 2^-70 absolute. */
#define FOCAL_LOG_ABS 0x1p-7
#define FOCAL_LOG_ABS_Z 0x1p-5

/* x 2^k for x in [2^-300, 2^80] and k in [-1160, 2], rounded once (the
** first product exact) */
static inline double focal_scale(double x, int k){
  if( k< -1022 ){
    x *= 0x1p-600;
    k += 600;
  }
  return x*bce_from_bits((uint64_t)(k + 1023) << 52);
}

/* 1 and *out = c e^(g lf) rounded, 0 where it is too near a rounding
** boundary for this path (then the accurate path decides).  aL_max: the
** bound of g lf's error in units of 2^-65 that holds whatever L is, g
** times ln f's absolute error: FOCAL_LOG_ABS where f is exact or within
** 2^-100 (probabilities), FOCAL_LOG_ABS_Z from a logit.  rel (a
** constant): f is exact (a hard label without smoothing, from a
** probability), so |L| 2^-65 bounds it too; elsewhere f's own error,
** however small, is not relative to ln f, which may be 2^-60. */
BCE_ALWAYS_INLINE int focal_exp_loss(bce_dd c, bce_dd lf, double g,
                                     double aL_max, int rel, double *out,
                                     int hw_fma){
  double L = lf.hi*g, Ll, eh, el, aL, eps, lo, hi, r;
  bce_dd F, l;
  int k;
  if( !(L> -800.0) ){
    *out = 0.0;
    return 1;
  }
  Ll = d_prod_err_k(lf.hi, g, L, hw_fma) + lf.lo*g;
  aL = aL_max;
  if( rel && fabs(L)<aL ) aL = fabs(L);
  eh = L> -708.0 ? bce_exp_fast_short(L, &k, &el) : bce_exp_fast(L, &k, &el);
  F = d_two(eh, el + eh*Ll);
  l = d_mul_k(c, F, hw_fma);
  eps = (0x1.1p-64 + aL*0x1.01p-65)*fabs(l.hi);
  lo = l.hi + (l.lo - eps);
  hi = l.hi + (l.lo + eps);
  if( lo!=hi ) return 0;
  r = focal_scale(lo, k);
  if( !(r<0x1p-1022) || lo==0.0 ){
    *out = r;
    return 1;
  }
  /* on the subnormals' grid, from the double-double: the ends again */
  r = bce_ldexp_dd(l.hi, l.lo - eps, k);
  if( r!=bce_ldexp_dd(l.hi, l.lo + eps, k) ) return 0;
  *out = r;
  return 1;
}

/* an integer gamma up to 8: f^g by products */
static inline int small_int_gamma(double g){
  return g>0.0 && g<=8.0 && g==(double)(int)g;
}

/* f^g by products, g an integer up to 8 */
BCE_ALWAYS_INLINE bce_dd fast_pow_int(bce_dd f, double g, int hw_fma){
  bce_dd F = f;
  int n = (int)g;
  while( --n>0 ) F = d_mul_k(F, f, hw_fma);
  return F;
}

/* f^g for f >= 2^-60: by products for an integer g up to 8, else
** e^(g ln f) where |g ln f| < 256 (2^-65 of ln f stays below 2^-57, and
** e^-256 is normal); 0 outside.  *aL is |g ln f| where the exponential
** was taken (F within (2^-71 + |L| 2^-65) of itself, the log's error
** magnified), else 0 (the products: within 2^-100). */
BCE_ALWAYS_INLINE int fast_pow_k(bce_dd f, double g, bce_dd *F, double *aL,
                                 int hw_fma){
  *aL = 0.0;
  if( g==0.0 ){
    *F = d_of(1.0);
  }else if( small_int_gamma(g) ){
    *F = fast_pow_int(f, g, hw_fma);
  }else{
    double fl, fh = el_log_fast_dd(f.hi, f.lo, 1, &fl);
    return pow_of_log(d_two(fh, fl), g, F, aL, hw_fma);
  }
  return 1;
}

static int fast_pow(bce_dd f, double g, bce_dd *F, double *aL){
  return fast_pow_k(f, g, F, aL, 0);
}

static bce_dd fast_alpha(const fast_point *t, const bce_binary_opt *o){
  double al = o->alpha;
  if( !o->has_alpha ) return d_of(1.0);
  return d_add(d_mul(t->ys, d_of(al)),
               d_mul(t->yc, d_two(1.0 - al, (1.0 - (1.0 - al)) - al)));
}

/* a result whose double-double parts were all normal: above 2^-900 (below
** that the subnormal rounding is the bxdd path's) and finite */
static int fast_result(bce_dd l, double *out){
  if( l.hi==0.0 ){
    *out = 0.0;
    return 1;
  }
  if( !(fabs(l.hi)>=0x1p-900) || !(fabs(l.hi)<=0x1p1000) ) return 0;
  *out = l.hi + l.lo;
  return 1;
}

/* x where the mask is all ones, else y: a label picks without a branch */
static inline double d_pick(uint64_t mask, double x, double y){
  return bce_from_bits((bce_bits(x) & mask) | (bce_bits(y) & ~mask));
}

static inline bce_dd d_pick2(uint64_t mask, bce_dd x, bce_dd y){
  bce_dd r;
  r.hi = d_pick(mask, x.hi, y.hi);
  r.lo = d_pick(mask, x.lo, y.lo);
  return r;
}

/* f^gamma for fast_loss() and hard_loss(): gamma = 2, the common focal
** loss, is the square fast_pow() forms too */
static inline int focal_pow(bce_dd f, double g, bce_dd *F, double *aL){
  if( g==2.0 ){
    *F = d_mul(f, f);
    *aL = 0.0;
    return 1;
  }
  return fast_pow(f, g, F, aL);
}

/* Whether the loss l rounds to the same double at both ends of its
** error: ce's parts each within 2^-64 of themselves, f^gamma within
** 2^-71 + aL 2^-65 (fast_pow()), the products and alpha's factor 2^-100,
** and the test's own roundings (2^-105): below 2^-64 (1 + 2^-4) + aL
** 2^-65 (1 + 2^-8) in all.  Only a loss through e^(gamma ln f) (aL > 0)
** is tested: there the log's 2^-65 is magnified up to 256 times, and a
** loss that near a rounding boundary must be decided by the accurate path
** for every build to round it the same way, and the right way (issue 22:
** rounded from the fast path, bce_term(1, 0x1.666e3e06c642ep-2,
** '{"gamma": 300}'), 1.2e-6 ulp from a boundary, came out one ulp off).
** The test fails in about (2 + aL) 2^-11 of those calls. */
static inline int focal_rounds(bce_dd l, double aL){
  double e;
  if( aL==0.0 ) return 1;
  e = (0x1.1p-64 + aL*0x1.01p-65)*fabs(l.hi);
  return l.hi + (l.lo - e)==l.hi + (l.lo + e);
}

/* A hard label (y = 0 or 1) without alpha, from a probability: the usual
** pos_weight, smoothing and focal calls.  The same numbers as fast_loss()
** below, bit for bit, with what the label makes 0 or 1 left out (a
** product by 1 or a sum with 0 of a double-double gives it back
** unchanged): without smoothing, ce is pw*(-ln q) for y = 1 and -ln(1-q)
** for y = 0, one logarithm whose argument, q or the exact u + c = 1 - q,
** is picked by masks as in bce_loss() (no branch on a random label), and
** 1-p_t is u + c or q; with smoothing s, y' is 1 - s/2 or s/2 (so 1-y'
** the other), both logarithms are taken, and the sums are fast_loss()'s.
** Every part to 2^-64 of itself and the loss rounded once: within 2^-60
** of an ulp of the correctly rounded loss, as fast_loss().  Returns 0
** where fast_loss() or the bxdd path must decide.  The logarithms are
** bce_log_fast()'s own, el_log_fast_dd() with its low part, inline: the
** same operations, so the same doubles, without the call (issue 21's cost
** bounds, docs/performance.md "Options").  Where both ln q and ln(u + c)
** are needed (smoothing; a focal gamma taken through e^(gamma ln f),
** whose f is the other side of 1-p_t) they are one pair
** (src/log_pair.h), each lane el_log_fast_dd()'s bits.  hw_fma is a
** constant: 1 in the copy for processors with the fma instruction
** (bce_opt_hard_loss_x86_v3()), where the products' errors are the
** instruction's, the same doubles as Dekker's. */
BCE_ALWAYS_INLINE int hard_loss_of(double y, double p, double eps, double pw,
                                   double s, double gamma, int has_alpha,
                                   double *out, int hw_fma){
  double q, u, c, h, l, lh[2], ll[2];
  uint64_t one;
  bce_dd ce, f = {0.0, 0.0};            /* f: read only where gamma != 0 */
  /* y is 0 or 1 (or -0): one compare of the bits, as in bce_loss() */
  if( bce_bits(y) - 1u < UINT64_C(0x3fefffffffffffff) || has_alpha
   || !ordinary(pw) || !ordinary(s) ){
    return 0;
  }
  q = bce_clip(p, eps);
  if( !(q>=0x1p-60) || !(q<1.0) ) return 0;
  one = (uint64_t)0 - ((bce_bits(y) >> 61) & 1u);      /* y = 1: all ones */
  u = 1.0 - q;
  c = (1.0 - u) - q;                          /* exact: Fast2Sum, 1 >= q */
  if( s==0.0 ){
    if( gamma!=0.0 && gamma!=2.0 && !small_int_gamma(gamma) ){
      /* ce takes ln p_t and the focal factor ln(1-p_t): ln q and ln(u +
      ** c), one of each whatever the label */
      el_log_fast_pair(q, 0.0, u, c, lh, ll);
      ce = d_two(-d_pick(one, lh[0], lh[1]), -d_pick(one, ll[0], ll[1]));
      if( pw!=1.0 ){
        ce = d_mul_k(d_of(d_pick(one, pw, 1.0)), ce, hw_fma);
      }
      /* f = 1-p_t is exact here: g 2^-72 bounds L's error */
      return focal_exp_loss(ce, d_two(d_pick(one, lh[1], lh[0]),
                                      d_pick(one, ll[1], ll[0])),
                            gamma, gamma*FOCAL_LOG_ABS, 1, out, hw_fma);
    }
    h = el_log_fast_dd(d_pick(one, q, u), d_pick(one, 0.0, c), 1, &l);
    ce = d_two(-h, -l);
    if( pw!=1.0 ) ce = d_mul_k(d_of(d_pick(one, pw, 1.0)), ce, hw_fma);
    f.hi = d_pick(one, u, q);
    f.lo = d_pick(one, c, 0.0);
  }else{
    bce_dd sc = d_two(1.0 - s, (1.0 - (1.0 - s)) - s), half = d_of(s*0.5);
    bce_dd big = d_add(sc, half), ys, yc, a = d_of(0.0), b;
    ys = d_pick2(one, big, half);
    yc = d_pick2(one, half, big);
    if( pw!=0.0 ){
      el_log_fast_pair(q, 0.0, u, c, lh, ll);
      a = d_two(-lh[0], -ll[0]);
      b = d_two(-lh[1], -ll[1]);
    }else{
      h = el_log_fast_dd(u, c, 1, &l);
      b = d_two(-h, -l);
    }
    /* ys*pw is ys for pw = 1: skipped, the same bits */
    ce = d_add(d_mul_k(pw!=1.0 ? d_mul_k(ys, d_of(pw), hw_fma) : ys, a,
                       hw_fma),
               d_mul_k(yc, b, hw_fma));
    if( gamma!=0.0 ){
      f = d_add(d_mul_k(ys, d_two(u, c), hw_fma),
                d_mul_k(yc, d_of(q), hw_fma));
      if( !(f.hi>=0x1p-60) ) return 0;
    }
  }
  if( gamma==2.0 ){
    /* focal_pow()'s square: no test */
    ce = d_mul_k(ce, d_mul_k(f, f, hw_fma), hw_fma);
  }else if( small_int_gamma(gamma) ){
    ce = d_mul_k(ce, fast_pow_int(f, gamma, hw_fma), hw_fma);
  }else if( gamma!=0.0 ){
    /* f from the smoothing's products, within 2^-100 of itself: its
    ** share of L's error is in FOCAL_LOG_ABS's bound */
    double fl, fh = el_log_fast_dd(f.hi, f.lo, 1, &fl);
    return focal_exp_loss(ce, d_two(fh, fl), gamma, gamma*FOCAL_LOG_ABS,
                          0, out, hw_fma);
  }
  /* fast_result()'s range test, which always passes here: q and 1-q are
  ** in [2^-60, 1), so each logarithm's part is in [2^-61, 42], y' and
  ** 1-y' are 0 or in [2^-62, 1], pw 0 or in [2^-60, 2^60], and f^gamma in
  ** (2^-481, 1] (f in [2^-60, 1], gamma up to 8 by products; e^L with
  ** |L| < 256 past that): the loss is 0 or within [2^-800, 2^67].  A zero
  ** loss (pw = 0, y = 1) is +0: hi is p + err with p = +0. */
  *out = ce.hi + ce.lo;
  return 1;
}

static int hard_loss(double y, double p, const bce_binary_opt *o,
                     double *out){
  return hard_loss_of(y, p, o->eps, o->pos_weight, o->smoothing, o->gamma,
                      o->has_alpha, out, 0);
}

BCE_ALWAYS_INLINE double opt_hard_loss_k(double y, double p,
                                         const bce_options *o, int hw_fma){
  int has_alpha = (o->keys & BCE_OPT_ALPHA)!=0;
  double l;
  if( o->pos_weight==1.0 && o->smoothing==0.0 && o->gamma==0.0
   && !has_alpha ){
    return -1.0;                 /* bce_opt_loss() is bce_loss() then */
  }
  if( !hard_loss_of(y, p, o->eps, o->pos_weight, o->smoothing, o->gamma,
                    has_alpha, &l, hw_fma) ){
    return -1.0;
  }
  return l;
}

BCE_PRIVATE double bce_opt_hard_loss(double y, double p,
                                     const bce_options *o){
  return opt_hard_loss_k(y, p, o, 0);
}

#ifdef BCE_OPT_X86_V3
/* The same C once more for x86-64 processors with FMA, AVX2 and BMI2:
** the products' errors by the instruction, the rest the same operations
** in the same order (-ffp-contract=off holds: no other fma), so the same
** doubles (tests/unit_opt_v3.c compares the two on 10^6 rows). */
__attribute__((target("avx2,bmi,bmi2,fma")))
BCE_PRIVATE double bce_opt_hard_loss_x86_v3(double y, double p,
                                            const bce_options *o){
  return opt_hard_loss_k(y, p, o, 1);
}
#endif

/* ---- the batch: four hard labels' losses in vector lanes -----------
** bce(y, p, options)'s rows of a hard label wait in the aggregate's batch
** (src/mean.h) as bce(y, p)'s do, and BCE_BATCH of them take
** hard_loss_of()'s operations in the lanes of src/vec4.h's vectors: the
** logarithms are bce_log_fast4() (el_log_fast_dd()'s operations, lane by
** lane), the double-double products and sums the scalar ones in the same
** order, each product's error by Dekker's split (the exact double the fma
** instruction gives too, d_prod_err()).  So each decided lane is
** bce_opt_hard_loss()'s double, bit for bit (tests/unit_opt_batch.c); a
** lane the kernel leaves (f below 2^-60 with smoothing, a focal factor
** through e^(gamma ln f) too near a rounding boundary: focal_exp_loss())
** takes bce_opt_loss(), as the step did.  The logarithms of a gamma
** through e^(gamma ln f) are in the lanes (with smoothing, ln f too),
** the exponential and the rest lane by lane. */

BCE_PRIVATE int bce_opt_batch_kind(const bce_options *o){
  if( o->eps!=BCE_DEFAULT_EPS || (o->keys & BCE_OPT_ALPHA)
   || o->n_pos_weights>0 ){
    return BCE_OPT_BATCH_NONE;
  }
  if( o->pos_weight==1.0 && o->smoothing==0.0 && o->gamma==0.0 ){
    return BCE_OPT_BATCH_PLAIN;
  }
  if( !ordinary(o->pos_weight) || !ordinary(o->smoothing) ){
    return BCE_OPT_BATCH_NONE;
  }
  return o->smoothing==0.0 && (o->gamma==0.0 || o->gamma==2.0
                                || small_int_gamma(o->gamma))
         ? BCE_OPT_BATCH_PRODUCTS : BCE_OPT_BATCH_OTHER;
}

static void batch_opt(const bce_mean *m, bce_binary_opt *b){
  b->eps = BCE_DEFAULT_EPS;
  b->pos_weight = m->batchPw;
  b->smoothing = m->batchS;
  b->gamma = m->batchGamma;
  b->alpha = 0.0;
  b->has_alpha = 0;
}

#ifdef BCE_VECTOR
/* a double-double in four lanes */
typedef struct v4dd { bce_v4d hi, lo; } v4dd;

/* d_two() */
BCE_ALWAYS_INLINE void v_two(const bce_v4d *s, const bce_v4d *err, v4dd *r){
  bce_v4d hi = *s + *err;
  r->lo = *err - (hi - *s);
  r->hi = hi;
}

/* d_prod_err_k(): Dekker's product, or where hw_fma (a constant) says
** the function runs on a processor with the instruction, the fma's exact
** error lane by lane (the same double) */
BCE_ALWAYS_INLINE void v_prod_err(const bce_v4d *a, const bce_v4d *b,
                                  const bce_v4d *p, bce_v4d *err,
                                  int hw_fma){
  const bce_v4d split = BCE_V4D_SPLAT(134217729.0);
  bce_v4d t, ah, al, bh, bl;
#ifdef BCE_OPT_X86_V3
  if( hw_fma ){
    bce_v4d e;
    e[0] = __builtin_fma((*a)[0], (*b)[0], -(*p)[0]);
    e[1] = __builtin_fma((*a)[1], (*b)[1], -(*p)[1]);
    e[2] = __builtin_fma((*a)[2], (*b)[2], -(*p)[2]);
    e[3] = __builtin_fma((*a)[3], (*b)[3], -(*p)[3]);
    *err = e;
    return;
  }
#else
  (void)hw_fma;
#endif
  t = split*(*a);
  ah = t - (t - *a);
  al = *a - ah;
  t = split*(*b);
  bh = t - (t - *b);
  bl = *b - bh;
  *err = ((ah*bh - *p) + ah*bl + al*bh) + al*bl;
}

/* d_mul() */
BCE_ALWAYS_INLINE void v_mul(const v4dd *a, const v4dd *b, v4dd *r,
                             int hw_fma){
  bce_v4d p = a->hi*b->hi, e, err;
  v_prod_err(&a->hi, &b->hi, &p, &e, hw_fma);
  err = e + (a->hi*b->lo + a->lo*b->hi);
  v_two(&p, &err, r);
}

/* d_add(): bce_two_sum_err() picks the larger magnitude as the big one */
BCE_ALWAYS_INLINE void v_add(const v4dd *a, const v4dd *b, v4dd *r){
  const bce_v4u abs = (bce_v4u)BCE_V4D_SPLAT(-0.0);
  bce_v4d s = a->hi + b->hi, big, small, err;
  bce_v4u swap = (bce_v4u)((bce_v4d)((bce_v4u)a->hi & ~abs)
                           < (bce_v4d)((bce_v4u)b->hi & ~abs));
  big = BCE_V4D_SELECT(swap, b->hi, a->hi);
  small = BCE_V4D_SELECT(swap, a->hi, b->hi);
  err = (small - (s - big)) + (a->lo + b->lo);
  v_two(&s, &err, r);
}

/* d_of(x) in every lane */
BCE_ALWAYS_INLINE void v_of(double x, v4dd *r){
  r->hi = BCE_V4D_SPLAT(x);
  r->lo = BCE_V4D_SPLAT(0.0);
}

/* -(h + l) as d_two(-h, -l) */
BCE_ALWAYS_INLINE void v_neg_two(const bce_v4d *h, const bce_v4d *l,
                                 v4dd *r){
  bce_v4d nh = -*h, nl = -*l;
  v_two(&nh, &nl, r);
}

/* F = f^n by fast_pow_k()'s products, n = gamma a small integer */
BCE_ALWAYS_INLINE void v_pow_int(const v4dd *f, double gamma, v4dd *F,
                                 int hw_fma){
  int n = (int)gamma;
  *F = *f;
  while( --n>0 ) v_mul(F, f, F, hw_fma);
}

/* A smoothing with a gamma through e^(gamma ln f): ce and f of the four
** lanes as hard_loss_of() forms them, *ok's lanes those whose f is at
** least 2^-60.  A third logarithm, ln f, in the lanes (a lane left out
** takes anything), then hard_loss_of()'s focal_exp_loss() lane by lane. */
BCE_ALWAYS_INLINE void focal_lanes_smoothed_k(const v4dd *ce, const v4dd *f,
                                              double gamma, bce_v4d *loss,
                                              bce_v4u *ok, int hw_fma){
  const double aL_max = gamma*FOCAL_LOG_ABS;
  bce_v4d fh, fl, out;
  int i;
  bce_log_fast4(&f->hi, &f->lo, &fh, &fl);
  for(i=0; i<BCE_BATCH; i++){
    bce_dd e;
    double r = 0.0;
    e.hi = ce->hi[i];
    e.lo = ce->lo[i];
    if( (*ok)[i] && !focal_exp_loss(e, d_two(fh[i], fl[i]), gamma, aL_max,
                                    0, &r, hw_fma) ){
      (*ok)[i] = 0;
      r = 0.0;
    }
    out[i] = r;
  }
  *loss = (bce_v4d)((bce_v4u)out & *ok);
}

BCE_NOINLINE void focal_lanes_smoothed(const v4dd *ce, const v4dd *f,
                                       double gamma, bce_v4d *loss,
                                       bce_v4u *ok){
  focal_lanes_smoothed_k(ce, f, gamma, loss, ok, 0);
}

#ifdef BCE_OPT_X86_V3
__attribute__((target("avx2,bmi,bmi2,fma")))
BCE_NOINLINE void focal_lanes_smoothed_v3(const v4dd *ce, const v4dd *f,
                                          double gamma, bce_v4d *loss,
                                          bce_v4u *ok){
  focal_lanes_smoothed_k(ce, f, gamma, loss, ok, 1);
}
#endif

/* hard_loss_of() of four rows y[i], p[i], hard labels (0, 1, -0) and p
** in [0, 1], at the default clip, under pw, s and gamma of
** bce_opt_batch_kind() BCE_OPT_BATCH_PRODUCTS or _OTHER.  *loss's lane is its *out
** where *ok's lane is all ones; 0 elsewhere, for bce_opt_loss().
** hw_fma: the products' errors from the instruction (the same doubles).
** rest (a constant): 0 for BCE_OPT_BATCH_PRODUCTS, the common options,
** whose code alone then makes the flush (a frame without the others'
** spills); 1 for BCE_OPT_BATCH_OTHER. */
BCE_ALWAYS_INLINE void opt_hard_losses4(const double *y, const double *p,
                                        double pw, double s, double gamma,
                                        bce_v4d *loss, bce_v4u *ok,
                                        int hw_fma, int rest){
  const bce_log4_consts *K = &bce_log4_k;
  const int by_products = gamma==0.0 || gamma==2.0 || small_int_gamma(gamma);
  bce_v4d vy, vp, q, u, c, h, l;
  bce_v4u one;
  v4dd ce, f;
  memcpy(&vy, y, sizeof vy);
  memcpy(&vp, p, sizeof vp);
  q = BCE_V4D_SELECT((bce_v4u)(vp > K->clip_lo), vp, K->clip_lo);
  q = BCE_V4D_SELECT((bce_v4u)(q < K->clip_hi), q, K->clip_hi);
  one = (bce_v4u)(vy==K->one);                     /* y = 1: all ones */
  u = K->one - q;
  c = (K->one - u) - q;
  *ok = (bce_v4u)(vy==vy);
  v_of(0.0, &f);                        /* read only where gamma != 0 */
  if( !rest ){
    bce_v4d x = BCE_V4D_SELECT(one, q, u);
    bce_v4d xl = BCE_V4D_SELECT(one, BCE_V4D_SPLAT(0.0), c);
    bce_log_fast4(&x, &xl, &h, &l);
    v_neg_two(&h, &l, &ce);
    if( pw!=1.0 ){
      v4dd a;
      a.hi = BCE_V4D_SELECT(one, BCE_V4D_SPLAT(pw), K->one);
      a.lo = BCE_V4D_SPLAT(0.0);
      v_mul(&a, &ce, &ce, hw_fma);
    }
    f.hi = BCE_V4D_SELECT(one, u, q);
    f.lo = BCE_V4D_SELECT(one, c, BCE_V4D_SPLAT(0.0));
  }else if( s==0.0 ){
    /* ln q and ln(u + c) in the lanes, the focal exponential lane by lane */
    bce_v4d h1, l1, zero = BCE_V4D_SPLAT(0.0), out;
    int i;
    bce_log_fast4(&q, &zero, &h, &l);
    bce_log_fast4(&u, &c, &h1, &l1);
    const double aL_max = gamma*FOCAL_LOG_ABS;
    for(i=0; i<BCE_BATCH; i++){
      const int y1 = one[i]!=0;
      bce_dd e;
      double r;
      e = d_two(-(y1 ? h[i] : h1[i]), -(y1 ? l[i] : l1[i]));
      if( pw!=1.0 ) e = d_mul_k(d_of(y1 ? pw : 1.0), e, hw_fma);
      if( !focal_exp_loss(e, d_two(y1 ? h1[i] : h[i], y1 ? l1[i] : l[i]),
                          gamma, aL_max, 1, &r, hw_fma) ){
        (*ok)[i] = 0;
        r = 0.0;
      }
      out[i] = r;
    }
    *loss = (bce_v4d)((bce_v4u)out & *ok);
    return;
  }else{
    /* smoothing: both logarithms, y' and 1-y' by the label */
    double s1 = 1.0 - s;
    bce_dd sc = d_two(s1, (1.0 - s1) - s), half = d_of(s*0.5);
    bce_dd big = d_add(sc, half);
    v4dd ys, yc, a, b, t;
    ys.hi = BCE_V4D_SELECT(one, BCE_V4D_SPLAT(big.hi), BCE_V4D_SPLAT(half.hi));
    ys.lo = BCE_V4D_SELECT(one, BCE_V4D_SPLAT(big.lo), BCE_V4D_SPLAT(half.lo));
    yc.hi = BCE_V4D_SELECT(one, BCE_V4D_SPLAT(half.hi), BCE_V4D_SPLAT(big.hi));
    yc.lo = BCE_V4D_SELECT(one, BCE_V4D_SPLAT(half.lo), BCE_V4D_SPLAT(big.lo));
    v_of(0.0, &a);
    if( pw!=0.0 ){
      bce_v4d zero = BCE_V4D_SPLAT(0.0);
      bce_log_fast4(&q, &zero, &h, &l);
      v_neg_two(&h, &l, &a);
    }
    bce_log_fast4(&u, &c, &h, &l);
    v_neg_two(&h, &l, &b);
    if( pw!=1.0 ){
      v4dd vpw;
      v_of(pw, &vpw);
      v_mul(&ys, &vpw, &t, hw_fma);
      v_mul(&t, &a, &a, hw_fma);
    }else{
      v_mul(&ys, &a, &a, hw_fma);
    }
    v_mul(&yc, &b, &b, hw_fma);
    v_add(&a, &b, &ce);
    if( gamma!=0.0 ){
      v4dd uc, vq;
      v_two(&u, &c, &uc);
      vq.hi = q;
      vq.lo = BCE_V4D_SPLAT(0.0);
      v_mul(&ys, &uc, &a, hw_fma);
      v_mul(&yc, &vq, &b, hw_fma);
      v_add(&a, &b, &f);
      *ok = (bce_v4u)(f.hi >= BCE_V4D_SPLAT(0x1p-60));
      if( !by_products ){
        /* out of line: the smoothing's common path keeps its frame */
#ifdef BCE_OPT_X86_V3
        if( hw_fma ){
          focal_lanes_smoothed_v3(&ce, &f, gamma, loss, ok);
          return;
        }
#endif
        focal_lanes_smoothed(&ce, &f, gamma, loss, ok);
        return;
      }
    }
  }
  if( gamma==2.0 ){
    v4dd F;
    v_mul(&f, &f, &F, hw_fma);
    v_mul(&ce, &F, &ce, hw_fma);
  }else if( gamma!=0.0 ){
    v4dd F;
    v_pow_int(&f, gamma, &F, hw_fma);
    v_mul(&ce, &F, &ce, hw_fma);
  }
  *loss = (bce_v4d)((bce_v4u)(ce.hi + ce.lo) & *ok);
}

/* The batch's options other than pos_weight and a gamma by products,
** out of line */
BCE_NOINLINE void opt_losses4_rest(const bce_mean *m, bce_v4d *loss,
                                   bce_v4u *ok){
  opt_hard_losses4(m->batchY, m->batchP, m->batchPw, m->batchS,
                   m->batchGamma, loss, ok, 0, 1);
}

#ifdef BCE_OPT_X86_V3
__attribute__((target("avx2,bmi,bmi2,fma")))
BCE_NOINLINE void opt_losses4_rest_v3(const bce_mean *m, bce_v4d *loss,
                                      bce_v4u *ok){
  opt_hard_losses4(m->batchY, m->batchP, m->batchPw, m->batchS,
                   m->batchGamma, loss, ok, 1, 1);
}
#endif
#endif /* BCE_VECTOR */

/* The rows one by one: the lanes *ok leaves (or every row, n < BCE_BATCH
** or no vectors) take bce_opt_loss(), the double the step took before the
** batch (finite: pw is at most 2^60 and q in [2^-52, 1 - 2^-52]). */
BCE_NOINLINE void opt_flush_rows(bce_mean *m, int n, const double *loss,
                                 const uint64_t *ok){
  bce_binary_opt b;
  int i;
  batch_opt(m, &b);
  for(i=0; i<n; i++){
    double l = ok && ok[i] ? loss[i]
                           : bce_opt_loss(m->batchY[i], m->batchP[i], &b);
    bce_sum_add_positive(&m->loss, l, +1);
  }
}

BCE_ALWAYS_INLINE void opt_flush_k(bce_mean *m, int hw_fma){
  int n = m->nBatch;
  m->nBatch = 0;
  m->nRow += n;
  m->nWeight += n;
#ifdef BCE_VECTOR
  if( n==BCE_BATCH ){
    bce_v4d loss;
    bce_v4u ok;
    double l[BCE_BATCH];
    uint64_t o[BCE_BATCH];
    if( m->batchOpt==BCE_OPT_BATCH_PRODUCTS ){
      opt_hard_losses4(m->batchY, m->batchP, m->batchPw, 0.0, m->batchGamma,
                       &loss, &ok, hw_fma, 0);
#ifdef BCE_OPT_X86_V3
    }else if( hw_fma ){
      opt_losses4_rest_v3(m, &loss, &ok);
#endif
    }else{
      opt_losses4_rest(m, &loss, &ok);
    }
    /* an undecided lane is +0, outside the sum's lane: one test */
    if( bce_sum_add4_positive(&m->loss, &loss) ) return;
    memcpy(l, &loss, sizeof l);
    memcpy(o, &ok, sizeof o);
    opt_flush_rows(m, n, l, o);
    return;
  }
#else
  (void)hw_fma;
#endif
  opt_flush_rows(m, n, 0, 0);
}

BCE_PRIVATE void bce_opt_flush_batch(bce_mean *m){
  opt_flush_k(m, 0);
}

#ifdef BCE_OPT_X86_V3
__attribute__((target("avx2,bmi,bmi2,fma")))
BCE_PRIVATE void bce_opt_flush_batch_v3(bce_mean *m){
  opt_flush_k(m, 1);
}
#endif

/* l by double-doubles; 0 where a part is outside their safe range (the
** caller takes the bxdd path), -1 where the loss is too near a rounding
** boundary for them (focal_rounds(): the bxdd path at acc = 1) */
static int fast_loss(double y, double x, int logits, const bce_binary_opt *o,
                     double *out){
  fast_point t;
  bce_dd l;
  double aL = 0.0;
  if( !fast_parts(y, x, logits, 1, o, &t) ) return 0;
  l = d_add(d_mul(d_mul(t.ys, d_of(o->pos_weight)), t.a), d_mul(t.yc, t.b));
  if( o->gamma!=0.0 && o->gamma!=2.0 && !small_int_gamma(o->gamma) ){
    /* e^(gamma ln f), the loss scaled and rounded by focal_exp_loss():
    ** f from products, within 2^-100 of itself from a probability (a
    ** soft label, smoothing, alpha: the hard labels without them took
    ** hard_loss()), 2^-70.9 from a logit */
    bce_dd f = d_add(d_mul(t.ys, t.qc), d_mul(t.yc, t.q));
    double fl, fh;
    if( !(f.hi>=0x1p-60) ) return 0;
    fh = bce_log_fast(f.hi, f.lo, &fl);
    if( o->has_alpha ) l = d_mul(l, fast_alpha(&t, o));
    return focal_exp_loss(l, d_two(fh, fl), o->gamma,
                          o->gamma*(logits ? FOCAL_LOG_ABS_Z : FOCAL_LOG_ABS),
                          0, out, 0) ? 1 : -1;
  }
  if( o->gamma!=0.0 ){
    bce_dd F, f = d_add(d_mul(t.ys, t.qc), d_mul(t.yc, t.q));
    if( !(f.hi>=0x1p-60) || !focal_pow(f, o->gamma, &F, &aL) ) return 0;
    l = d_mul(l, F);
  }
  if( o->has_alpha ) l = d_mul(l, fast_alpha(&t, o));
  if( !focal_rounds(l, aL) ) return -1;
  return fast_result(l, out);
}

/* The gradient by double-doubles, as grad_x() but for the fast parts: 0
** where a part is outside their range, or where the bracket B is below
** 2^-8 of its parts (their 2^-64 could show: grad_x() decides then). */
static int fast_grad(double y, double x, int logits, double n,
                     const bce_binary_opt *o, double *out){
  fast_point t;
  bce_dd N1, N2, N, B, qq, G, nn;
  double top, aL;
  if( !(n>=0x1p-60 && n<=0x1p60) ) return 0;
  if( !fast_parts(y, x, logits, o->gamma!=0.0, o, &t) ) return 0;
  qq = d_mul(t.q, t.qc);
  N1 = d_mul(t.yc, t.q);
  N2 = d_mul(d_mul(t.ys, d_of(o->pos_weight)), t.qc);
  N = d_add(N1, d_two(-N2.hi, -N2.lo));
  top = fabs(N1.hi)>fabs(N2.hi) ? fabs(N1.hi) : fabs(N2.hi);
  B = N;
  G = d_of(1.0);
  if( o->gamma!=0.0 ){
    bce_dd f = d_add(d_mul(t.ys, t.qc), d_mul(t.yc, t.q)), ce, m, T1;
    double g1 = o->gamma - 1.0, d = 1.0 - 2.0*y;
    double s = o->smoothing;
    if( !(f.hi>=0x1p-60) ) return 0;
    if( bce_two_sum_err(o->gamma, -1.0, g1)!=0.0 ) return 0;  /* gamma tiny */
    /* f^(gamma-1); aL unused: the gradient has no rounding test (the
    ** same operations on every build give it the same bits) */
    if( !fast_pow(f, g1, &G, &aL) ) return 0;
    ce = d_add(d_mul(d_mul(t.ys, d_of(o->pos_weight)), t.a), d_mul(t.yc, t.b));
    m = d_mul(d_two(d, bce_two_sum_err(1.0, -2.0*y, d)),
              d_two(1.0 - s, (1.0 - (1.0 - s)) - s));
    T1 = d_mul(d_mul(d_mul(m, ce), d_of(o->gamma)), qq);
    B = d_add(T1, d_mul(f, N));
    top = top*f.hi;
    if( fabs(T1.hi)>top ) top = fabs(T1.hi);
  }
  if( !(fabs(B.hi)>=0x1p-8*top) ) return 0;
  G = d_mul(d_mul(G, fast_alpha(&t, o)), B);
  if( !logits ){
    double h = G.hi/qq.hi;
    G = d_two(h, (bce_fma(-h, qq.hi, G.hi) + G.lo - h*qq.lo)/qq.hi);
  }
  nn = d_of(n);
  {
    double h = G.hi/nn.hi;
    G = d_two(h, (bce_fma(-h, nn.hi, G.hi) + G.lo)/nn.hi);
  }
  return fast_result(G, out);
}

BCE_PRIVATE void bce_binary_opt_of(const bce_options *o, bce_binary_opt *b){
  b->eps = o->eps;
  b->pos_weight = o->pos_weight;
  b->smoothing = o->smoothing;
  b->gamma = o->gamma;
  b->alpha = o->alpha;
  b->has_alpha = (o->keys & BCE_OPT_ALPHA)!=0;
}

BCE_PRIVATE double bce_opt_loss(double y, double p, const bce_binary_opt *b){
  opt_point t;
  bxdd l;
  int acc;
  if( bce_binary_opt_plain(b) ) return bce_loss(y, p, b->eps);
  if( hard_loss(y, p, b, &l.hi) ) return l.hi;
  if( (acc = fast_loss(y, p, 0, b, &l.hi))==1 ) return l.hi;
  acc = acc<0;
  prob_point(y, p, b, &t, acc);
  if( loss_x(&t, b, acc, &l) ) return INFINITY;
  return x_round(l);
}

/* z = +-Inf: q is 1 or 0, and the side it does not predict costs +Inf
** unless its coefficient is 0 (then every part is 0). */
static double logits_inf_loss(double y, double z, const bce_binary_opt *b){
  opt_point t;
  int inf;
  labels(y, b->smoothing, &t);
  inf = z>0.0 ? !x_zero(t.yc) : b->pos_weight!=0.0 && !x_zero(t.ys);
  return inf && !x_zero(alpha_factor(&t, b)) ? INFINITY : 0.0;
}

BCE_PRIVATE double bce_opt_logits_loss(double y, double z,
                                       const bce_binary_opt *b){
  opt_point t;
  bxdd l;
  int infinite, acc;
  if( bce_binary_opt_plain(b) ) return bce_logits_loss(y, z);
  if( isinf(z) ) return logits_inf_loss(y, z, b);
  if( (acc = fast_loss(y, z, 1, b, &l.hi))==1 ) return l.hi;
  acc = acc<0;
  logits_point(y, z, b, &t, acc);
  /* the call outside BCE_NEVER(): the coverage build does not evaluate it */
  infinite = loss_x(&t, b, acc, &l);
  if( BCE_NEVER(infinite) ) return INFINITY;
  return x_round(l);
}

BCE_PRIVATE int bce_opt_loss_overflows(double y, double x, int logits,
                                       double l, const bce_binary_opt *b){
  bce_binary_opt one;
  double l1;
  if( !isinf(l) || !(b->pos_weight>1.0) ) return 0;
  /* pw*y'*(-ln q) is infinite of itself only where ln q is, and then so is
  ** the term at pos_weight 1 */
  one = *b;
  one.pos_weight = 1.0;
  l1 = logits ? bce_opt_logits_loss(y, x, &one) : bce_opt_loss(y, x, &one);
  return isfinite(l1);
}

BCE_PRIVATE double bce_opt_loss_scaled(double y, double x, int logits,
                                       double w, int k,
                                       const bce_binary_opt *b){
  opt_point t;
  bxdd l;
  int infinite;
  if( logits && isinf(x) ) return logits_inf_loss(y, x, b);
  if( logits ){
    logits_point(y, x, b, &t, 0);
  }else{
    prob_point(y, x, b, &t, 0);
  }
  infinite = loss_x(&t, b, 0, &l);
  if( infinite ) return INFINITY;
  l = x_mul_d(l, w);
  l.e += k;
  return x_round(l);
}

BCE_PRIVATE double bce_opt_wloss(double y, double x, int logits, double w,
                                 double l, const bce_binary_opt *b){
  if( w==0.0 ) return 0.0;
  if( bce_binary_opt_plain(b) ){
    return logits ? bce_logits_wloss(y, x, w) : bce_wloss(y, x, b->eps, w, l);
  }
  if( !(w>1.0 && l<0x1p-1018) || isinf(x) ) return w*l;
  /* l alone has lost bits among the subnormals: again, times w, once */
  return bce_opt_loss_scaled(y, x, logits, w, 0, b);
}

/* g/n rounded once */
static double over_n(bxdd g, double n){
  if( !(n<=1.7976931348623157e308) ) return x_round(g)/n;
  return x_round(x_div(g, x_of(n)));
}

/* 1 - 2y' = (1-s)(1-2y), 1-2y exact in two doubles (TwoSum) */
static bxdd one_minus_2y(double y, double s){
  double d = 1.0 - 2.0*y;
  bxdd r = x_two(d, bce_two_sum_err(1.0, -2.0*y, d), 0);
  return s!=0.0 ? x_mul(r, x_one_minus(s)) : r;
}

/* ---- the slow path of the gradient: four doubles (src/qd.h) ----------
** Near a soft label's optimum the gradient's two parts cancel: at the
** double nearest the root they agree to 2^-56 and more, and the 2^-104 of
** the double-double path was 8 ulp of their difference (dl/dq(y = 0.25,
** p = 0.13270...) with pw 2, s 0.2, gamma 2.5, alpha 0.25).  There the
** bracket is taken again, every part to about 2^-150 (Ziv). */

static bce_qd qd_of(double x){
  bce_qd r = {{x, 0.0, 0.0, 0.0}};
  return r;
}

static bce_qd qd_two(double hi, double lo){
  bce_qd r = {{hi, lo, 0.0, 0.0}};
  return r;
}

static bce_qd qd_neg(bce_qd a){
  int i;
  for(i=0; i<4; i++) a.v[i] = -a.v[i];
  return a;
}

static bce_qd qd_sub(bce_qd a, bce_qd b){ return bce_qd_add(a, qd_neg(b)); }

/* The bracket B = gamma (1-2y') ce q(1-q) + f N (gamma > 0), or N, in four
** doubles; 0 outside the range where no part of it nears the subnormals
** (q, 1-q, y', 1-y' each 0 or >= 2^-600, |z| <= 400: the fast result
** stands there). */
static int slow_bracket(double y, double x, int logits,
                        const bce_binary_opt *o, bxdd *out){
  double s = o->smoothing;
  double v = 1.0 - s, ve = (1.0 - v) - s;      /* 1-s exactly (Fast2Sum) */
  double w = 1.0 - y, we = (1.0 - w) - y;      /* 1-y exactly */
  bce_qd sc = qd_two(v, ve), half = bce_qd_scale(qd_of(s), -1);
  bce_qd ys, yc, q, qc, a, b, N, B, pwys;
  if( logits ){
    /* E = e^-|z|: sigmoid(-|z|) = E/(1+E), sigmoid(|z|) = 1/(1+E),
    ** softplus(-|z|) = log1p(E), softplus(|z|) = |z| + log1p(E) */
    double az = fabs(x);
    bce_qd E, one_e, small, large, sp_small, sp_large;
    int k;
    if( az>400.0 ) return 0;
    E = bce_exp_qd(-az, 0.0, &k);
    E = bce_qd_scale(E, k);
    one_e = bce_qd_add(qd_of(1.0), E);
    small = bce_qd_div(E, one_e);
    large = bce_qd_div(qd_of(1.0), one_e);
    sp_small = bce_qd_log1p(E);
    sp_large = bce_qd_add(qd_of(az), sp_small);
    if( x>=0.0 ){
      q = large;  qc = small;  a = sp_small;  b = sp_large;
    }else{
      q = small;  qc = large;  a = sp_large;  b = sp_small;
    }
  }else{
    double p = bce_clip(x, o->eps);
    double u = 1.0 - p;
    if( p<0x1p-600 || u<0x1p-600 ) return 0;
    q = qd_of(p);
    qc = qd_two(u, (1.0 - u) - p);
    /* a = -ln q, b = -ln(1-q): log1p of the small side, nothing cancels */
    a = qd_neg(p>0.5 ? bce_qd_log1p(qd_neg(qc)) : bce_qd_log(q));
    b = qd_neg(p<=0.5 ? bce_qd_log1p(qd_neg(q)) : bce_qd_log(qc));
  }
  ys = bce_qd_add(bce_qd_mul(qd_of(y), sc), half);
  yc = bce_qd_add(bce_qd_mul(qd_two(w, we), sc), half);
  if( (ys.v[0]!=0.0 && ys.v[0]<0x1p-600)
   || (yc.v[0]!=0.0 && yc.v[0]<0x1p-600) ){
    return 0;
  }
  pwys = bce_qd_mul(ys, qd_of(o->pos_weight));
  N = qd_sub(bce_qd_mul(yc, q), bce_qd_mul(pwys, qc));
  B = N;
  if( o->gamma!=0.0 ){
    double m1 = 1.0 - 2.0*y, m1e = bce_two_sum_err(1.0, -2.0*y, m1);
    bce_qd m = bce_qd_mul(qd_two(m1, m1e), sc);          /* 1 - 2y' */
    bce_qd ce = bce_qd_add(bce_qd_mul(pwys, a), bce_qd_mul(yc, b));
    bce_qd f = bce_qd_add(bce_qd_mul(ys, qc), bce_qd_mul(yc, q));
    bce_qd t1 = bce_qd_mul(bce_qd_mul(bce_qd_mul(qd_of(o->gamma), m), ce),
                           bce_qd_mul(q, qc));
    B = bce_qd_add(t1, bce_qd_mul(f, N));
  }
  *out = x_two(B.v[0], B.v[1] + (B.v[2] + B.v[3]), 0);
  return 1;
}

/* The gradient for q in (0, 1) (or a finite logit):
**   dl/dz = A f^(gamma-1) B,   dl/dq = A f^(gamma-1) B / (q(1-q)),
**   B = gamma (1-2y') ce q(1-q) + f N   (gamma > 0;  B = N, f^-1 = 1
**       for gamma = 0)
** with f = 1-p_t and N = (1-y')q - pw y'(1-q) = q(1-q) dce/dq.  The two
** parts of B (and of N) cancel near a soft label's optimum: where B is
** below 2^-44 of its parts, the 2^-104 of this path could show in its
** last bits, and B is taken again in four doubles (slow_bracket()). */
static int grad_x(double y, double x, const opt_point *t,
                  const bce_binary_opt *o, int logits, int acc, bxdd *G){
  bxdd A = alpha_factor(t, o), qq = x_mul(t->q, t->qc), B, P1 = X_ONE;
  bxdd N1 = x_mul(t->yc, t->q);
  bxdd N2 = x_mul(x_mul_d(t->ys, o->pos_weight), t->qc);
  bxdd N = x_add(N1, x_neg(N2)), T1 = X_ZERO, T2 = X_ZERO;
  /* the scale of the largest part that can cancel: N's two, and with
  ** gamma the focal term and f times N's parts */
  int top = x_zero(N1) ? N2.e : x_zero(N2) ? N1.e : N1.e>N2.e ? N1.e : N2.e;
  int parts = !x_zero(N1) || !x_zero(N2);
  /* a tiny logit: q = 1/2 + d, 1-q = 1/2 - d, d = tanh(z/2)/2 = z/4 to
  ** 2^-120 of itself, and d below 2^-60 of q is lost in q's bits (all of
  ** it from 2^-1074 on, the lo of 1/2 + d being subnormal).  Then
  ** N = (1-y' - pw y')/2 + d (1-y' + pw y'), whose second part is exact;
  ** where the first is 0 (y' = 1/2, pw = 1) nothing cancels, and N is
  ** that second part alone, which neither this path nor the four doubles
  ** of slow_bracket() would have kept */
  int exact_n = 0;
  if( logits && fabs(x)<0x1p-60 ){
    bxdd pys = x_mul_d(t->ys, o->pos_weight), d = x_of(x);
    d.e -= 2;                            /* z/4, exact even for a subnormal z */
    if( x_zero(x_add(t->yc, x_neg(pys))) ){
      N = x_mul(d, x_add(t->yc, pys));
      exact_n = 1;
    }
  }
  if( o->gamma!=0.0 ){
    bxdd ce, f = focal_base(t);
    double g1 = o->gamma - 1.0;
    double g1e = bce_two_sum_err(o->gamma, -1.0, g1);
    /* the call outside BCE_NEVER(): the coverage build does not evaluate it */
    int infinite = cross_entropy(t, o->pos_weight, &ce);
    if( BCE_NEVER(infinite) ) ce = X_ZERO;
    P1 = x_pow(f, g1, g1e, acc);
    T1 = x_mul(x_mul_d(x_mul(one_minus_2y(y, o->smoothing), ce), o->gamma),
               qq);
    T2 = x_mul(f, N);
    B = x_add(T1, T2);
    if( exact_n && x_zero(T1) ) parts = 0;  /* B = f N: nothing cancels */
    top += f.e;
    if( !x_zero(T1) ){
      if( !parts || T1.e>top ) top = T1.e;
      parts = 1;
    }
  }else{
    B = N;
    if( exact_n ) parts = 0;
  }
  if( parts && (x_zero(B) || B.e<top - (acc ? 44 : 8)) ){
    bxdd slow;
    /* the fast parts' 2^-64 could show past 2^-8: again in double-double;
    ** its 2^-100 past 2^-44: again in four doubles */
    if( !acc ) return 0;
    if( slow_bracket(y, x, logits, o, &slow) ) B = slow;
  }
  B = x_mul(x_mul(A, P1), B);
  *G = logits ? B : x_div(B, qq);
  return 1;
}

BCE_PRIVATE double bce_opt_grad(double y, double p, double n,
                                const bce_binary_opt *b){
  opt_point t;
  bxdd g;
  if( bce_binary_opt_plain(b) ) return bce_grad(y, p, b->eps, n);
  if( fast_grad(y, p, 0, n, b, &g.hi) ) return g.hi;
  prob_point(y, p, b, &t, 0);
  if( t.a_inf || t.b_inf ){
    /* q = 0 or 1 (eps = 0): the limits.  With the label on the other side
    ** (pw y' > 0 at q = 0, 1-y' > 0 at q = 1) the 1/q of dce/dq wins over
    ** the log of the focal term: -Inf or +Inf.  Else ce = 0 there and the
    ** bracket is f^gamma dce/dq, f = y' (q = 0) or 0 (q = 1). */
    bxdd A = alpha_factor(&t, b), F, d;
    if( x_zero(A) ) return 0.0;
    if( t.a_inf ){
      if( b->pos_weight!=0.0 && !x_zero(t.ys) ) return -INFINITY;
      F = x_pow(t.ys, b->gamma, 0.0, 0);
      d = t.yc;
    }else{
      if( !x_zero(t.yc) ) return INFINITY;
      F = b->gamma==0.0 ? X_ONE : X_ZERO;
      d = x_neg(x_of(b->pos_weight));
    }
    return over_n(x_mul(x_mul(A, F), d), n);
  }
  if( !grad_x(y, p, &t, b, 0, 0, &g) ){
    prob_point(y, p, b, &t, 1);
    (void)grad_x(y, p, &t, b, 0, 1, &g);          /* acc = 1: always 1 */
  }
  return over_n(g, n);
}

BCE_PRIVATE double bce_opt_logits_grad(double y, double z, double n,
                                       const bce_binary_opt *b){
  opt_point t;
  bxdd g;
  if( bce_binary_opt_plain(b) ) return bce_logits_grad(y, z, n);
  if( !isinf(z) && fast_grad(y, z, 1, n, b, &g.hi) ) return g.hi;
  if( isinf(z) ){
    /* the limits: A f^gamma N, f = 1-y' and N = 1-y' at +Inf, f = y' and
    ** N = -pw y' at -Inf; the focal term vanishes with q(1-q) */
    bxdd A, f, N;
    labels(y, b->smoothing, &t);
    A = alpha_factor(&t, b);
    if( z>0.0 ){
      f = t.yc;
      N = t.yc;
    }else{
      f = t.ys;
      N = x_neg(x_mul_d(t.ys, b->pos_weight));
    }
    return over_n(x_mul(x_mul(A, x_pow(f, b->gamma, 0.0, 0)), N), n);
  }
  logits_point(y, z, b, &t, 0);
  if( !grad_x(y, z, &t, b, 1, 0, &g) ){
    logits_point(y, z, b, &t, 1);
    (void)grad_x(y, z, &t, b, 1, 1, &g);          /* acc = 1: always 1 */
  }
  return over_n(g, n);
}
