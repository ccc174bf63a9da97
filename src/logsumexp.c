/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <string.h>
#include "dd.h"
#include "elementary.h"
#include "fma.h"
#include "logsumexp.h"
#include "logsumexp_tables.h"

/* The four-row kernel where logsumexp.h compiles it in (BCE_LSE_X86),
** asked for at run time. */
#define LSE_X86 BCE_LSE_X86

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
static inline int exp_parts_j(double d, double x[3], int *jp){
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
    *jp = 0;
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
  *jp = j;
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
  int j;
  return exp_parts_j(d, x, &j);
}
/* ------------------------------------------------ into the bucket's sum */

/*
** A row adds e^d to its bucket's sum as an integer: digits in base 2^32 put
** straight into the exact sum's limbs (src/exact_sum.h: limb i counts
** units of 2^(32i - 1074)), where three exact additions of the parts cost
** more than e^d itself once that is four rows to a vector.  The integer
** is the parts' value x 2^k, a multiple of the limbs' unit 2^(32 at -
** 1074) just below 2^(k - 128): the scaled parts W = x 2^(128 + s), s = (k
** + 946) mod 32, are in [2^127.99, 2^160) and each digit is W's part at
** 2^(32 m), m = 4 .. 0, taken with x + 1.5 2^(52 + 32m), whose rounding
** leaves x rounded to a multiple of 2^(32m) and whose bits count the
** multiples, right while |x| < 2^(51 + 32m): the parts are x[0] in
** [0.999, 2), |x[1]| < 2^-51 and |x[2]| < 2^-65 (the rest of e^r - 1
** times the table, not rounded into x[1]; over 2 10^7 random d the
** largest were 2^-52 and 2^-68.3), so x[2] too gives to the digit at
** 2^64 before the lower ones.  All of it exact but the last digit, which rounds the rest
** (below 2^32) to an integer: within 2^-127.9 of the parts.  A removed
** row scales by -2^(128 + s): every rounding is to nearest, even, which
** is symmetric, so it takes away the very digits it added.  Each digit
** is below 2^33, as the sum's own additions are, and counts as one of
** its operations before carries are resolved.
**
** Where the table index j is 0 (|d| < ln2/512) the row keeps the parts
** themselves (three exact additions): e^d - 1 to 2^-104 of itself is
** finer than 2^-128 of e^d where |d| < 2^-24.
*/
#define LSE_DIGITS BCE_LSE_DIGITS
#define LSE_ROUND_128 0x1.8p180
#define LSE_ROUND_96  0x1.8p148
#define LSE_ROUND_64  0x1.8p116
#define LSE_ROUND_32  0x1.8p84
#define LSE_ROUND_0   0x1.8p52
/* k + 1074 - 128: k >= -370, so at least 576 */
#define LSE_AT_BIAS 946

/* x's multiples of 2^m counted, with r = 1.5 2^(52 + m); x keeps the rest,
** exact: what rounding to a multiple leaves is a double. */
static inline int64_t lse_take_digit(double *x, double r){
  double t = *x + r;
  *x -= t - r;
  return (int64_t)bce_bits(t) - (int64_t)bce_bits(r);
}

/* The digits of sign (x[0] + x[1] + x[2]) 2^k, from limb *at up. */
static void lse_digits_of(const double x[3], int k, double sign,
                      int64_t dg[LSE_DIGITS], int *at){
  int u = k + LSE_AT_BIAS;
  double sc = sign*bce_from_bits((uint64_t)(1023 + 128 + (u & 31)) << 52);
  double w0 = x[0]*sc, w1 = x[1]*sc, w2 = x[2]*sc;
  dg[4] = lse_take_digit(&w0, LSE_ROUND_128);
  dg[3] = lse_take_digit(&w0, LSE_ROUND_96) + lse_take_digit(&w1, LSE_ROUND_96);
  dg[2] = lse_take_digit(&w0, LSE_ROUND_64) + lse_take_digit(&w1, LSE_ROUND_64)
          + lse_take_digit(&w2, LSE_ROUND_64);
  dg[1] = lse_take_digit(&w1, LSE_ROUND_32) + lse_take_digit(&w2, LSE_ROUND_32);
  w1 += w2;
  dg[0] = lse_take_digit(&w1, LSE_ROUND_0);
  *at = u >> 5;
}

static inline void lse_add_digits(bce_sum *t, const int64_t *dg, int at){
  int64_t *l = t->limb + at;
  l[0] += dg[0];
  l[1] += dg[1];
  l[2] += dg[2];
  l[3] += dg[3];
  l[4] += dg[4];
  if( ++t->pending>=BCE_SUM_FLUSH ) bce_sum_normalize(t);
}

/* A row whose e^d is kept as its parts (j = 0). */
static void lse_add_parts(bce_sum *t, const double x[3], int sign){
  /* k = 0: x[0] in [1/2, 2] is in the lane, the small parts below it */
  bce_sum_add(t, x[0], sign);
  bce_sum_add_limbs(t, x[1], sign);
  if( x[2]!=0.0 ) bce_sum_add_limbs(t, x[2], sign);
}

/* One row's e^d into its bucket's sum, in plain C: the definition that
** the vector kernel below reproduces bit for bit. */
static void lse_add_row(bce_sum *t, double d, double sign){
  double x[3];
  int64_t dg[LSE_DIGITS];
  int j, k, at;
  k = exp_parts_j(d, x, &j);
  if( j==0 ){
    lse_add_parts(t, x, sign>0 ? 1 : -1);
    return;
  }
  lse_digits_of(x, k, sign, dg, &at);
  lse_add_digits(t, dg, at);
}

BCE_PRIVATE int bce_lse_row_digits(double d, double sign,
                                   int64_t dg[LSE_DIGITS], int *at){
  double x[3];
  int j, k = exp_parts_j(d, x, &j);
  if( j==0 ) return 0;
  lse_digits_of(x, k, sign, dg, at);
  return 1;
}

/* ------------------------------------------ four rows at once (x86-64) */

#if LSE_X86
#include <immintrin.h>

/*
** exp_parts and lse_digits_of for four rows, in AVX2 with fused multiply-add:
** the same operations in the same order on each lane, so the same bits
** (tests/unit_scores.c holds them to the plain C over 10^6 rows).  Every
** fma here is the exact error of a product, which is what Dekker's
** product gives where there is none: the plain C's bits whatever the
** build.  The target attribute is on these functions alone; the
** processor is asked at the aggregate's first row (lse_cpu_lanes).
*/
#define LSE_X86_FN static inline __attribute__((always_inline, target("avx2,fma")))

/* v computed here, in a register: gcc 12 otherwise defers the small
** parts' sums to where they are used and spills values of its sixteen
** registers in between (the three pins: about 40 instructions fewer per
** four rows, docs/performance.md).  No instruction, no effect on the
** value. */
#define LSE_PIN(v) __asm__("" : "+x"(v))

typedef double lse_vd __attribute__((vector_size(32)));
typedef long long lse_vi __attribute__((vector_size(32)));
typedef unsigned long long lse_vu __attribute__((vector_size(32)));
typedef struct lse_vdd { lse_vd hi, lo; } lse_vdd;

LSE_X86_FN lse_vd lse_vsplat(double x){
  lse_vd v = {x, x, x, x};
  return v;
}

LSE_X86_FN lse_vdd lse_v_two_prod(lse_vd a, lse_vd b){
  lse_vdd r;
  r.hi = a*b;
  r.lo = (lse_vd)_mm256_fmsub_pd((__m256d)a, (__m256d)b, (__m256d)r.hi);
  return r;
}

LSE_X86_FN lse_vdd lse_v_two_sum(lse_vd a, lse_vd b){
  lse_vdd r;
  lse_vd bv;
  r.hi = a + b;
  bv = r.hi - a;
  r.lo = (a - (r.hi - bv)) + (b - bv);
  return r;
}

LSE_X86_FN lse_vdd lse_v_fast_two_sum(lse_vd a, lse_vd b){
  lse_vdd r;
  r.hi = a + b;
  r.lo = b - (r.hi - a);
  return r;
}

LSE_X86_FN lse_vdd lse_v_horner_step(double ch, double cl, lse_vd rh, lse_vdd x){
  lse_vdd p = lse_v_two_prod(rh, x.hi), s;
  s = lse_v_fast_two_sum(lse_vsplat(ch), p.hi);
  s.lo += (p.lo + rh*x.lo) + cl;
  LSE_PIN(s.lo);
  return s;
}

/* lse_take_digit() on four lanes, the digit left as the bits of x + r:
** the bits of r (a constant) are taken off once the digits are summed, in
** unsigned arithmetic (the sums of bits pass 2^63; the digit does not). */
LSE_X86_FN lse_vu lse_v_take_bits(lse_vd *x, double r){
  lse_vd rv = lse_vsplat(r);
  lse_vd t = *x + rv;
  *x -= t - rv;
  return (lse_vu)t;
}

LSE_X86_FN lse_vu lse_vsplat_bits(double r, unsigned times){
  unsigned long long b = bce_bits(r)*times;
  lse_vu v = {b, b, b, b};
  return v;
}

LSE_X86_FN lse_vd lse_v_table(lse_vi idx3, int part){
  return (lse_vd)_mm256_i64gather_pd(&bce_lse_t[0][part], (__m256i)idx3, 8);
}

typedef union lse_lanes {
  lse_vi v;
  long long i[BCE_LSE_LANES];
} lse_lanes;

/* lse_digits_of(exp_parts(d)) of four rows d, sign: their limb in at, and j
** (0 where the row keeps its parts: lse_add_row). */
LSE_X86_FN void lse_lanes_digits(const double *pd, const double *ps,
                             lse_lanes dg[LSE_DIGITS], lse_lanes *at,
                             lse_lanes *jv){
  lse_vd d, t, jd, c3, rh, w, lo, rest, t0, t1, t2, x0, x1, x2, sc, w0, w1, w2;
  lse_vi j, u, idx3;
  lse_vdd r0, p, s, q, e, f, g0, g1, g2, h, uu, v1, v2, m;
  memcpy(&d, pd, sizeof d);
  t = d*BCE_LSE_INV + 0x1.8p52;
  jd = t - 0x1.8p52;
  j = (lse_vi)t - (lse_vi)lse_vsplat(0x1.8p52);
  r0 = lse_v_two_sum(d - jd*BCE_LSE_C1, -jd*BCE_LSE_C2);
  c3 = jd*BCE_LSE_C3;
  rh = r0.hi;

  w = BCE_LSE_F7 + rh*(BCE_LSE_F8 + rh*(BCE_LSE_F9 + rh*BCE_LSE_F10));
  p = lse_v_fast_two_sum(lse_vsplat(BCE_LSE_F6_H), rh*w);
  p.lo += BCE_LSE_F6_L;
  p = lse_v_horner_step(BCE_LSE_F5_H, BCE_LSE_F5_L, rh, p);
  p = lse_v_horner_step(BCE_LSE_F4_H, BCE_LSE_F4_L, rh, p);
  p = lse_v_horner_step(BCE_LSE_F3_H, BCE_LSE_F3_L, rh, p);
  p = lse_v_horner_step(0.5, 0.0, rh, p);
  s = lse_v_two_prod(rh, rh);
  q = lse_v_two_prod(s.hi, p.hi);
  q.lo += s.hi*p.lo + s.lo*p.hi;
  e = lse_v_fast_two_sum(rh, q.hi);
  f = lse_v_two_sum(e.lo, r0.lo);
  lo = f.lo + ((q.lo - c3) + (r0.lo - c3)*e.hi);
  LSE_PIN(lo);

  idx3 = (j & 255)*3;
  t0 = lse_v_table(idx3, 0);
  t1 = lse_v_table(idx3, 1);
  t2 = lse_v_table(idx3, 2);
  g0 = lse_v_two_prod(t0, e.hi);
  g1 = lse_v_two_prod(t0, f.hi);
  g2 = lse_v_two_prod(e.hi, t1);
  rest = t0*lo + (t1*f.hi + t2*e.hi);
  LSE_PIN(rest);
  h = lse_v_fast_two_sum(t0, g0.hi);
  uu = lse_v_two_sum(h.lo, t1);
  v1 = lse_v_two_sum(g0.lo, g1.hi);
  v2 = lse_v_two_sum(v1.hi, g2.hi);
  m = lse_v_two_sum(uu.hi, v2.hi);
  x0 = h.hi;
  x1 = m.hi;
  x2 = ((m.lo + uu.lo) + (v1.lo + v2.lo)) + ((t2 + g1.lo) + (g2.lo + rest));

  /* k + LSE_AT_BIAS = (j + 256 LSE_AT_BIAS) / 256, j + 256 LSE_AT_BIAS > 0 */
  u = (lse_vi)((lse_vu)(j + 256*LSE_AT_BIAS) >> 8);
  memcpy(&t, ps, sizeof t);
  sc = t*(lse_vd)(((u & 31) + 1023 + 128) << 52);
  w0 = x0*sc;
  w1 = x1*sc;
  w2 = x2*sc;
  dg[4].v = (lse_vi)(lse_v_take_bits(&w0, LSE_ROUND_128)
                     - lse_vsplat_bits(LSE_ROUND_128, 1));
  dg[3].v = (lse_vi)((lse_v_take_bits(&w0, LSE_ROUND_96)
                      + lse_v_take_bits(&w1, LSE_ROUND_96))
                     - lse_vsplat_bits(LSE_ROUND_96, 2));
  dg[2].v = (lse_vi)((lse_v_take_bits(&w0, LSE_ROUND_64)
                      + lse_v_take_bits(&w1, LSE_ROUND_64)
                      + lse_v_take_bits(&w2, LSE_ROUND_64))
                     - lse_vsplat_bits(LSE_ROUND_64, 3));
  dg[1].v = (lse_vi)((lse_v_take_bits(&w1, LSE_ROUND_32)
                      + lse_v_take_bits(&w2, LSE_ROUND_32))
                     - lse_vsplat_bits(LSE_ROUND_32, 2));
  w1 += w2;
  dg[0].v = (lse_vi)(lse_v_take_bits(&w1, LSE_ROUND_0)
                     - lse_vsplat_bits(LSE_ROUND_0, 1));
  at->v = (lse_vi)((lse_vu)u >> 5);
  jv->v = j;
}

/* The rows waiting in a, computed and added: lanes past a->npend hold
** d = 1, whose results are dropped. */
__attribute__((target("avx2,fma")))
static void lse_flush_lanes(bce_lse *a){
  lse_lanes dg[LSE_DIGITS], at, jv;
  int n = a->npend, i;
  a->npend = 0;
  for(i=n; i<BCE_LSE_LANES; i++){
    a->pend_d[i] = 1.0;
    a->pend_s[i] = 1.0;
  }
  lse_lanes_digits(a->pend_d, a->pend_s, dg, &at, &jv);
  if( n==BCE_LSE_LANES && a->pend_b[1]==a->pend_b[0]
      && a->pend_b[2]==a->pend_b[0] && a->pend_b[3]==a->pend_b[0]
      && _mm256_movemask_pd((__m256d)((at.v==at.i[0]) & (jv.v!=0)))==15 ){
    /* four rows of one bucket onto the same limbs (logits within 22 of
    ** each other, mostly): the four rows' digits added first, each sum
    ** below 2^35, counted as four of the sum's operations */
    bce_sum *ts = &a->b[a->pend_b[0]].t;
    int64_t *l = ts->limb + at.i[0];
    __m256i s01, s23, sum;
    s01 = _mm256_add_epi64(_mm256_unpacklo_epi64((__m256i)dg[0].v, (__m256i)dg[1].v),
                           _mm256_unpackhi_epi64((__m256i)dg[0].v, (__m256i)dg[1].v));
    s23 = _mm256_add_epi64(_mm256_unpacklo_epi64((__m256i)dg[2].v, (__m256i)dg[3].v),
                           _mm256_unpackhi_epi64((__m256i)dg[2].v, (__m256i)dg[3].v));
    sum = _mm256_add_epi64(_mm256_permute2x128_si256(s01, s23, 0x20),
                           _mm256_permute2x128_si256(s01, s23, 0x31));
    sum = _mm256_add_epi64(sum, _mm256_loadu_si256((const __m256i*)l));
    _mm256_storeu_si256((__m256i*)l, sum);
    l[4] += (dg[4].i[0] + dg[4].i[1]) + (dg[4].i[2] + dg[4].i[3]);
    ts->pending += BCE_LSE_LANES;
    if( ts->pending>=BCE_SUM_FLUSH ) bce_sum_normalize(ts);
    return;
  }
  for(i=0; i<n; i++){
    bce_sum *ts = &a->b[a->pend_b[i]].t;
    if( jv.i[i]==0 ){
      lse_add_row(ts, a->pend_d[i], a->pend_s[i]);
    }else{
      int64_t *l = ts->limb + at.i[i];
      l[0] += dg[0].i[i];
      l[1] += dg[1].i[i];
      l[2] += dg[2].i[i];
      l[3] += dg[3].i[i];
      l[4] += dg[4].i[i];
      if( ++ts->pending>=BCE_SUM_FLUSH ) bce_sum_normalize(ts);
    }
  }
}

/* libgcc's constructor has filled in what __builtin_cpu_supports reads
** (ext/entry.c asks too, at load): read only here, by any thread. */
static int lse_cpu_lanes(void){
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
static int lse_cpu_lanes(void){
  return 0;
}
#endif

BCE_NOINLINE void lse_flush_rows(bce_lse *a){
  int i;
  for(i=0; i<a->npend; i++){
    lse_add_row(&a->b[a->pend_b[i]].t, a->pend_d[i], a->pend_s[i]);
  }
  a->npend = 0;
}

BCE_PRIVATE void bce_lse_flush(bce_lse *a){
#if LSE_X86
  if( a->lanes ){
    lse_flush_lanes(a);
    return;
  }
#endif
  lse_flush_rows(a);
}

#if LSE_X86
__attribute__((target("avx2,fma")))
static void lse_row_digits_lanes(const double d[BCE_LSE_LANES],
                             const double sign[BCE_LSE_LANES],
                             int64_t dg[BCE_LSE_LANES][BCE_LSE_DIGITS],
                             int at[BCE_LSE_LANES], int kept[BCE_LSE_LANES]){
  lse_lanes g[LSE_DIGITS], a, jv;
  int i, m;
  lse_lanes_digits(d, sign, g, &a, &jv);
  for(i=0; i<BCE_LSE_LANES; i++){
    for(m=0; m<LSE_DIGITS; m++) dg[i][m] = g[m].i[i];
    at[i] = (int)a.i[i];
    kept[i] = jv.i[i]!=0;
  }
}
#endif

BCE_PRIVATE int bce_lse_row_digits_lanes(const double d[BCE_LSE_LANES],
                                         const double sign[BCE_LSE_LANES],
                                         int64_t dg[BCE_LSE_LANES][BCE_LSE_DIGITS],
                                         int at[BCE_LSE_LANES],
                                         int kept[BCE_LSE_LANES]){
#if LSE_X86
  if( lse_cpu_lanes() ){
    lse_row_digits_lanes(d, sign, dg, at, kept);
    return 1;
  }
#endif
  (void)d; (void)sign; (void)dg; (void)at; (void)kept;
  return 0;
}

BCE_PRIVATE int bce_lse_add_row(bce_lse *a, double z, int sign){
  double c, d;
  int i, p;
  bce_lse_bucket *bk;
  if( a->b==0 ){                 /* a zeroed aggregate context */
    a->b = a->inl;
    a->cap = BCE_LSE_INLINE;
    a->lanes = lse_cpu_lanes();
  }
  if( z>=-256.0 && z<=256.0 ){
    /* bucket 0, where most logits are: d = z, and no floor() */
    c = 0.0;
    d = z;
  }else{
    if( z>DBL_MAX ){
      a->nPosInf += sign;
      return 1;
    }
    if( z< -DBL_MAX ){
      a->nNegInf += sign;
      return 1;
    }
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
  bk->n += sign;
  p = a->npend;
  a->pend_d[p] = d;
  a->pend_s[p] = sign;
  a->pend_b[p] = i;
  a->npend = p + 1;
  if( bk->n==0 ){
    /* the bucket's sum, its rows all in, is now exactly 0: every row
    ** subtracted what it added; the last bucket takes its place */
    bce_lse_flush(a);
    a->nb--;
    if( i!=a->nb ) memcpy(bk, &a->b[a->nb], sizeof(*bk));
  }else if( p + 1==BCE_LSE_LANES ){
    bce_lse_flush(a);
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
  if( a->npend>0 ) bce_lse_flush(a);
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
