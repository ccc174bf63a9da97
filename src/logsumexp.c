/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <string.h>
#include "dd.h"
#include "elementary.h"
#include "fma.h"
#include "logsumexp.h"
#include "logsumexp_tables.h"

/* ln 2 as a double-double, for E ln 2 with E up to 2^11 */
#define LN2_HI 0x1.62e42fefa39efp-1
#define LN2_LO 0x1.abc9e3b39803fp-56

/* The bucket of z (finite): 512 round(z/512), every rounding of the
** halfway case as good as the other (d stays in [-256 - ulp, 256]).  From
** 2^61 on z is itself a multiple of 512 (and z + 256 would round). */
static double bucket_of(double z){
  double q = z*(1.0/512.0);
  if( fabs(q)>=0x1p52 ) return z;
  return floor(q + 0.5)*512.0;
}

static int find_bucket(const bce_lse *a, double c){
  int i;
  for(i=0; i<a->nb; i++){
    if( a->b[i].c==c ) return i;
  }
  return -1;
}

/* ------------------------------------------------------------ e^d */

/* A fused multiply-add that is one instruction, or Dekker's product: both
** give the exact error of a product, so every build has the same bits
** (src/elementary.c makes the same choice). */
#if defined(__FP_FAST_FMA) || defined(__FMA__) || defined(__aarch64__)
# define LSE_HAVE_FMA 1
#else
# define LSE_HAVE_FMA 0
#endif

/* a = h + l, each with at most 26 significant bits (Veltkamp), for
** Dekker's product; |a| < 2^995. */
typedef struct split26 { double a, h, l; } split26;

static inline split26 lse_split(double a){
  split26 s;
  double ca = (0x1p27 + 1.0)*a;
  s.a = a;
  s.h = ca - (ca - a);
  s.l = a - s.h;
  return s;
}

/* a*b = p + e exactly (no underflow: every product here is above
** 2^-460); a is split once for the several products it enters. */
static inline bce_dd lse_two_prod(split26 a, double b){
  bce_dd r;
  r.hi = a.a*b;
#if LSE_HAVE_FMA
  r.lo = fma(a.a, b, -r.hi);
#else
  {
    split26 sb = lse_split(b);
    r.lo = ((a.h*sb.h - r.hi) + a.h*sb.l + a.l*sb.h) + a.l*sb.l;
  }
#endif
  return r;
}

/* a + b = s + e exactly (Knuth: no condition on the order). */
static inline bce_dd lse_two_sum(double a, double b){
  bce_dd r;
  double bv;
  r.hi = a + b;
  bv = r.hi - a;
  r.lo = (a - (r.hi - bv)) + (b - bv);
  return r;
}

/* a + b = s + e exactly where |a| >= |b| (Dekker). */
static inline bce_dd lse_fast_two_sum(double a, double b){
  bce_dd r;
  r.hi = a + b;
  r.lo = b - (r.hi - a);
  return r;
}

/* a*b = p + e exactly, both factors split already. */
static inline bce_dd lse_two_prod_split(split26 a, split26 b){
  bce_dd r;
  r.hi = a.a*b.a;
#if LSE_HAVE_FMA
  r.lo = fma(a.a, b.a, -r.hi);
#else
  r.lo = ((a.h*b.h - r.hi) + a.h*b.l + a.l*b.h) + a.l*b.l;
#endif
  return r;
}

/* c + rh*x: c a double-double constant, rh the reduced argument (split),
** x a double-double; the product's leading part exact. */
static inline bce_dd lse_horner_step(double ch, double cl, split26 rh, bce_dd x){
  bce_dd p = lse_two_prod(rh, x.hi), s;
  s = lse_fast_two_sum(ch, p.hi);            /* |p| < 2^-9 |c| */
  s.lo += (p.lo + rh.a*x.lo) + cl;
  return s;
}

/*
** e^d = (x[0] + x[1] + x[2]) 2^k for |d| <= 256 + 2^-44, within 2^-120
** relative, each part a function of d alone.  The double-double kernel
** (2^-100) is too coarse here: logsumexp of log-probabilities is 0 up to
** the rounding of the inputs, about 2^-53 times their entropy, so its ulp
** is near 2^-105 of the terms or below, and an error of 2^-100 a row was
** 52 ulp of it (2^-113 a row still 9 ulp, in a random set of 10^4).
**
** d = j ln2/256 + rh + rho: j C1 and j C2 exact (36-bit constants, |j| <
** 2^17), d - j C1 exact (within a factor 2 of each other, or j = 0), rh +
** r0l = d - j C1 - j C2 exactly (TwoSum), and rho = r0l - j C3, kept as
** its two parts (j C3 rounded: 2^-122; the constant's truncation 2^-123).
** Then e^(rh + rho) - 1 = rh + rh^2 P(rh) + rho (1 + ...), P = 1/2 + rh/6
** + ... + rh^8/10! (|rh| <= 2^-9.5: the truncation is below 2^-129), by
** Horner with every product whose rounding would pass 2^-124 taken
** exactly; it is e.hi + f.hi + lo, the last two below 2^-61.  Last, T =
** 2^(i/256) from the table (three doubles, 2^-159) times 1 + that: the
** products above 2^-68 exact, the parts near 2^-53 summed exactly, and
** what is left, below 2^-104, rounded once.
**
** Where j = 0, T is 1 exactly and every step after e^r - 1 exact but the
** last rounding, so x[0] + x[1] + x[2] - 1 is e^r - 1 to 2^-104 of
** itself: a row z near 0 whose e^z - 1 is tiny (a probability near 1)
** keeps it relatively, not absolutely.
*/
static inline int exp_parts(double d, double x[3]){
  double jd, a, c3, w, rh, lo, rest;
  int j, idx;
  split26 rs, ss, t0s, es;
  bce_dd r0, p, s, q, e, f, g0, g1, g2, h, u, v1, v2, m;
  const double *t;
  if( d > -0x1p-200 && d < 0x1p-200 ){
    /* e^d = 1 + d: d^2/2 is below 2^-200 |d|, and below, rh^2 would lose
    ** bits to the subnormals, where Dekker's product is not exact */
    x[0] = 1.0;
    x[1] = d;
    x[2] = 0.0;
    return 0;
  }
  jd = (d*BCE_LSE_INV + 0x1.8p52) - 0x1.8p52;    /* round to integer */
  a = d - jd*BCE_LSE_C1;                         /* exact */
  r0 = lse_two_sum(a, -jd*BCE_LSE_C2);           /* j C2 exact */
  c3 = jd*BCE_LSE_C3;
  rh = r0.hi;
  rs = lse_split(rh);

  w = BCE_LSE_F7 + rh*(BCE_LSE_F8 + rh*(BCE_LSE_F9 + rh*BCE_LSE_F10));
  p = lse_fast_two_sum(BCE_LSE_F6_H, rh*w);
  p.lo += BCE_LSE_F6_L;                          /* 1/720 + ... */
  p = lse_horner_step(BCE_LSE_F5_H, BCE_LSE_F5_L, rs, p);
  p = lse_horner_step(BCE_LSE_F4_H, BCE_LSE_F4_L, rs, p);
  p = lse_horner_step(BCE_LSE_F3_H, BCE_LSE_F3_L, rs, p);
  p = lse_horner_step(0.5, 0.0, rs, p);              /* P(rh) */
  s = lse_two_prod(rs, rh);                          /* rh^2, exact */
  ss = lse_split(s.hi);
  q = lse_two_prod(ss, p.hi);
  q.lo += s.hi*p.lo + s.lo*p.hi;                 /* rh^2 P */
  e = lse_fast_two_sum(rh, q.hi);                    /* |q| < 2^-10 |rh| */
  f = lse_two_sum(e.lo, r0.lo);
  /* the rest of e^r - 1, below 2^-68: q's tail, -j C3, rho (rh + q) */
  lo = f.lo + ((q.lo - c3) + (r0.lo - c3)*e.hi);

  j = (int)jd;
  idx = j & 255;
  t = bce_lse_t[idx];
  t0s = lse_split(t[0]);
  es = lse_split(e.hi);
  g0 = lse_two_prod_split(t0s, es);                  /* T (e^r - 1), */
  g1 = lse_two_prod(t0s, f.hi);                      /* the parts above */
  g2 = lse_two_prod(es, t[1]);                       /* 2^-68 exact */
  rest = t[0]*lo + (t[1]*f.hi + t[2]*e.hi);
  h = lse_fast_two_sum(t[0], g0.hi);                 /* |g0| < 2^-9 T */
  u = lse_two_sum(h.lo, t[1]);
  v1 = lse_two_sum(g0.lo, g1.hi);
  v2 = lse_two_sum(v1.hi, g2.hi);
  m = lse_two_sum(u.hi, v2.hi);
  x[0] = h.hi;
  x[1] = m.hi;
  x[2] = ((m.lo + u.lo) + (v1.lo + v2.lo))
         + ((t[2] + g1.lo) + (g2.lo + rest));
  return (j - idx)/256;
}

BCE_PRIVATE int bce_lse_exp_parts(double d, double x[3]){
  return exp_parts(d, x);
}

BCE_PRIVATE int bce_lse_add(bce_lse *a, double z, int sign){
  double c, d, pw, x[3];
  int k, i;
  bce_lse_bucket *bk;
  if( a->b==0 ){                 /* a zeroed aggregate context */
    a->b = a->inl;
    a->cap = BCE_LSE_INLINE;
  }
  if( z>DBL_MAX ){
    a->nPosInf += sign;
    return 1;
  }
  if( z< -DBL_MAX ){
    a->nNegInf += sign;
    return 1;
  }
  if( z>=-256.0 && z<=256.0 ){
    /* bucket 0, where most logits are: d = z, and no floor() */
    c = 0.0;
    d = z;
  }else{
    c = bucket_of(z);
    d = z - c;                   /* exact: see logsumexp.h */
  }
  i = a->nb>0 && a->b[0].c==c ? 0 : find_bucket(a, c);
  if( i<0 ){
    /* only an added row opens a bucket: a removed one was added */
    if( BCE_NEVER(sign<0) ) return 1;
    if( a->nb==a->cap ) return 0;
    i = a->nb++;
    bk = &a->b[i];
    bk->c = c;
    bk->n = 0;
    bce_sum_clear(&bk->t);
  }
  bk = &a->b[i];
  /* e^d = (x[0] + x[1] + x[2]) 2^k, k in [-370, 370]: 2^k is a normal
  ** double, and a part times it is exact but where it lands among the
  ** subnormals, below 2^-650 of x[0] 2^k; either way a function of z */
  k = exp_parts(d, x);
  pw = bce_scale(1.0, k);
  bce_sum_add(&bk->t, x[0]*pw, sign);
  /* the small parts, 2^-52 and 2^-105 of e^d, are below the lane's 2^-50
  ** for nearly every e^d (x[1] from e^d = 8 up is in it): the limbs at
  ** once, the same integer either way */
  bce_sum_add_limbs(&bk->t, x[1]*pw, sign);
  if( x[2]!=0.0 ) bce_sum_add_limbs(&bk->t, x[2]*pw, sign);
  bk->n += sign;
  if( bk->n==0 ){
    /* the bucket's sum is now exactly 0: every row subtracted what it
    ** added; the last bucket takes its place */
    a->nb--;
    if( i!=a->nb ) memcpy(bk, &a->b[a->nb], sizeof(*bk));
  }
  return 1;
}

BCE_PRIVATE void bce_lse_grow(bce_lse *a, bce_lse_bucket *room, int cap){
  /* called only when b[] is full: nb = cap > 0 */
  memcpy(room, a->b, (size_t)a->nb*sizeof(*room));
  a->b = room;
  a->cap = cap;
}

/* The bucket's sum minus sub, as hi + lo (to 2^-106 of it), the sum left
** as it was: the same integer. */
static bce_dd read_dd(bce_sum *t, double sub){
  bce_dd r;
  if( sub!=0.0 ) bce_sum_add(t, sub, -1);
  r.hi = bce_sum_value(t);
  bce_sum_add(t, r.hi, -1);
  r.lo = bce_sum_value(t);
  bce_sum_add(t, r.hi, +1);
  if( sub!=0.0 ) bce_sum_add(t, sub, +1);
  return r;
}

/* A positive double-double times 2^e, kept as m 2^e with m.hi in [1, 2). */
typedef struct scaled_dd {
  bce_dd m;
  int e;
} scaled_dd;

static scaled_dd scaled_of(bce_dd x){
  scaled_dd s;
  s.e = bce_ilogb(x.hi);
  s.m.hi = ldexp(x.hi, -s.e);
  s.m.lo = ldexp(x.lo, -s.e);
  return s;
}

BCE_PRIVATE bce_lse_status bce_lse_value(bce_lse *a, double *value){
  scaled_dd part[3];
  bce_dd r512, t, sum;
  double top;
  int i, j, k512, top_i, have[3], emax;
  if( a->nPosInf>0 ){
    *value = INFINITY;
    return BCE_LSE_VALUE;
  }
  if( a->nb==0 ){
    if( a->nNegInf>0 ){
      *value = -INFINITY;
      return BCE_LSE_VALUE;
    }
    return BCE_LSE_EMPTY;
  }
  top_i = 0;
  for(i=1; i<a->nb; i++){
    if( a->b[i].c>a->b[top_i].c ) top_i = i;
  }
  top = a->b[top_i].c;
  /* e^-512 = r512 2^k512; e^-1024 its square */
  r512 = bce_exp_dd(-512.0, 0.0, &k512);
  emax = INT32_MIN;
  for(j=0; j<3; j++){
    int at = j==0 ? top_i : find_bucket(a, top - 512.0*j);
    have[j] = at>=0 && top - 512.0*j!=top;     /* past 2^62, no neighbour */
    if( j==0 ) have[0] = 1;
    if( !have[j] ) continue;
    part[j] = scaled_of(read_dd(&a->b[at].t, 0.0));
    for(i=0; i<j; i++){
      bce_dd_mul(&part[j].m.hi, &part[j].m.lo, r512.hi, r512.lo);
      part[j].e += k512;
    }
    if( part[j].e>emax ) emax = part[j].e;
  }
  if( top==0.0 ){
    /* ln S = log1p((T_0 - 1) + the parts below), T_0 - 1 exact in the sum */
    sum = read_dd(&a->b[top_i].t, 1.0);
    for(j=1; j<3; j++){
      if( !have[j] ) continue;
      bce_dd_add(&sum.hi, &sum.lo, bce_scale(part[j].m.hi, part[j].e));
      bce_dd_add(&sum.hi, &sum.lo, bce_scale(part[j].m.lo, part[j].e));
    }
    /* below 1/2, ln S is below -ln 2 and keeps its digits without
    ** log1p, which is not asked for a sum within 2^-53 of -1 */
    if( sum.hi>=-0.5 ){
      t = bce_log1p_dd(sum.hi, sum.lo);
      *value = t.hi + t.lo;
      return BCE_LSE_VALUE;
    }
  }
  /* ln S = top + emax ln 2 + ln(sum of the parts / 2^emax) */
  sum.hi = sum.lo = 0.0;
  for(j=0; j<3; j++){
    if( !have[j] ) continue;
    bce_dd_add(&sum.hi, &sum.lo, bce_scale(part[j].m.hi, part[j].e - emax));
    bce_dd_add(&sum.hi, &sum.lo, bce_scale(part[j].m.lo, part[j].e - emax));
  }
  t = bce_log_dd(sum.hi, sum.lo);
  {
    double p = (double)emax*LN2_HI;
    double pe = bce_fma((double)emax, LN2_HI, -p) + (double)emax*LN2_LO;
    double hi = top, lo = 0.0;
    bce_dd_add(&hi, &lo, p);
    bce_dd_add(&hi, &lo, pe);
    bce_dd_add(&hi, &lo, t.hi);
    bce_dd_add(&hi, &lo, t.lo);
    *value = hi + lo;
  }
  return BCE_LSE_VALUE;
}
