/* SPDX-License-Identifier: MIT */
/*
** exp, log and log1p: double-double kernels (relative error < 2^-100)
** and the correctly rounded doubles built on them.  The method follows
** the usual table-driven design (Tang; the CORE-MATH project's binary64
** exp and log); the tables are tests/gen_elementary_tables.py's.  Error
** analysis and test record: docs/elementary.md.
**
** fma() is used only where its result is exact (the error of a product,
** and a reduction whose result is representable), so a build with a
** hardware fma and one with Dekker's product in its place (below) give
** the same bits, and nothing depends on whether the compiler contracts
** a*b + c: the build passes -ffp-contract=off, and the pragmas below say
** the same to gcc (which honours "GCC optimize", not STDC FP_CONTRACT)
** and to clang (the reverse; with clang's -ffp-contract=fast neither is
** honoured, but every product feeding an exact step is then exact).
** One exception: the FMA copy of bce_log and bce_log1p (at the end) uses
** fma in its fast path for speed, where only the error bound matters, as
** they round h + l correctly before anyone sees it.
*/
#include <math.h>
#include "elementary.h"
#include "elementary_tables.h"
#include "elementary_logpoly.h"

#if defined(__clang__)
# pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
# pragma GCC push_options
# pragma GCC optimize ("fp-contract=off")
#endif

/* A fused multiply-add that is one instruction: fma() then; elsewhere
** it would be a call into a software emulation, slower than Dekker. */
#if defined(__FP_FAST_FMA) || defined(__FMA__) || defined(__aarch64__)
# define EL_HAVE_FMA 1
#else
# define EL_HAVE_FMA 0
#endif

/* ------------------------------------------------- error-free transforms */

/* a + b = s + e exactly (Knuth's TwoSum: six additions, no branch and
** no comparison, and the same e as bce_two_sum_err's, the error of a
** sum being one number; nothing below adds values whose sum overflows). */
static inline bce_dd el_two_sum(double a, double b){
  double s = a + b, bv = s - a, av = s - bv;
  bce_dd r = { s, (a - av) + (b - bv) };
  return r;
}

/* a + b = s + e exactly when a = 0 or |a| >= |b| (Dekker). */
static inline bce_dd el_fast_two_sum(double a, double b){
  double s = a + b;
  bce_dd r = { s, b - (s - a) };
  return r;
}

/* a*b = p + e exactly: the fma gives the product's rounding error, or
** Dekker's product does, from Veltkamp's halves (|a|, |b| < 2^995 and
** no underflow, which every use below has). */
static inline bce_dd el_two_prod(double a, double b){
  double p = a*b;
#if EL_HAVE_FMA
  bce_dd r = { p, fma(a, b, -p) };
#else
  const double c = 0x1p27 + 1.0;
  double ca = c*a, cb = c*b;
  double ah = ca - (ca - a), bh = cb - (cb - b);
  double al = a - ah, bl = b - bh;
  bce_dd r = { p, ((ah*bh - p) + ah*bl + al*bh) + al*bl };
#endif
  return r;
}

/* a*c = p + e exactly where c has at most 26 significant bits (the log
** tables' c1): only a is split, and a_h c, a_l c are exact. */
static inline bce_dd el_two_prod_short(double a, double c){
  double p = a*c;
#if EL_HAVE_FMA
  bce_dd r = { p, fma(a, c, -p) };
#else
  double ca = (0x1p27 + 1.0)*a;
  double ah = ca - (ca - a), al = a - ah;
  bce_dd r = { p, (ah*c - p) + al*c };
#endif
  return r;
}

/* a + b, relative error <= 3u^2 (Joldes, Muller, Popescu 2017, alg. 6:
** AccurateDWPlusDW), also when a and b nearly cancel. */
static inline bce_dd el_add(bce_dd a, bce_dd b){
  bce_dd s = el_two_sum(a.hi, b.hi);
  bce_dd t = el_two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = el_fast_two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return el_fast_two_sum(s.hi, s.lo);
}

/* a + b where |b| <= |a|/4 or so, a double: cheaper, same bound there. */
static inline bce_dd el_add_small(bce_dd a, bce_dd b){
  bce_dd s = el_fast_two_sum(a.hi, b.hi);
  s.lo += a.lo + b.lo;
  return el_fast_two_sum(s.hi, s.lo);
}

/* a*b, relative error <= 5u^2 (same paper, alg. 11: DWTimesDW2, with
** the cross products rounded separately, so no fma but the exact one). */
static inline bce_dd el_mul(bce_dd a, bce_dd b){
  bce_dd c = el_two_prod(a.hi, b.hi);
  double cl2 = a.hi*b.lo + a.lo*b.hi;
  return el_fast_two_sum(c.hi, c.lo + cl2);
}

/* x rounded to an integer (|x| < 2^51), ties to even, without rint(). */
static inline double el_round_int(double x){
  return (x + 0x1.8p52) - 0x1.8p52;
}

/* --------------------------------------------------------------- exp */

/* 1/6, 1/2^{...}: the Taylor coefficients of e^r that need more than a
** double (1/6), and those that do not. */
#define EL_EXP_C3_H 0x1.5555555555555p-3
#define EL_EXP_C3_L 0x1.5555555555555p-57
#define EL_EXP_C4   0x1.5555555555555p-5   /* 1/24 */
#define EL_EXP_C5   0x1.1111111111111p-7   /* 1/120 */
#define EL_EXP_C6   0x1.6c16c16c16c17p-10  /* 1/720 */

/*
** x = j ln2/4096 + r, |r| <= ln2/8192 (1 + 2^-40), j = 4096 k + 64 i1 + i2:
** e^x = 2^k 2^(i1/64) 2^(i2/4096) e^r.  e^r - 1 is its Taylor polynomial
** of degree 6 (the truncation r^7/7! < 2^-107), the terms from r^4 on in
** double, the rest in double-double.
**
** The reduction is exact up to 2^-118: a = hi - j H is exact (both are
** multiples of 2^-65, ulp(H), when |hi| >= 2^-13, and |a| < 2^-12; for
** smaller |hi|, j is 0 or ±1 and then hi, H are within a factor 2), so
** (hi - p) - e from j H = p + e is too (hi - p is exact by Sterbenz),
** j M is exact by two_prod, and j L is below 2^-84.
*/
BCE_PRIVATE bce_dd bce_exp_dd(double hi, double lo, int *k){
  bce_dd r, b, s, u, v, w, t, e, p, res;
  double jd, a, c, rl, t4;
  int64_t j;
  uint64_t idx;
  *k = 0;
  if( hi!=hi ){ res.hi = res.lo = hi + lo; return res; }
  if( hi < -832.0 ){ res.hi = res.lo = 0.0; return res; }
  if( hi > 0x1p20 ){ res.hi = (double)INFINITY; res.lo = 0.0; return res; }
  if( hi > -0x1p-200 && hi < 0x1p-200 ){
    /* e^x = 1 + x + x^2/2: x^2/2 < 2^-400, below the bound; and the
    ** products below would underflow, where Dekker's is not exact */
    return el_fast_two_sum(1.0, hi + lo);
  }

  jd = el_round_int(hi*BCE_EXP_INV_L2N);
  b = el_two_prod(jd, BCE_EXP_L2N_H);
  a = (hi - b.hi) - b.lo;                     /* exact: see above */
  b = el_two_prod(-jd, BCE_EXP_L2N_M);
  c = -jd*BCE_EXP_L2N_L;
  s = el_two_sum(a, b.hi);
  u = el_two_sum(s.hi, lo);
  rl = (s.lo + u.lo) + (b.lo + c);
  r = el_fast_two_sum(u.hi, rl);

  j = (int64_t)jd;
  idx = (uint64_t)j & 4095u;
  {
    bce_dd t1 = { bce_exp_t1[idx >> 6][0], bce_exp_t1[idx >> 6][1] };
    bce_dd t2 = { bce_exp_t2[idx & 63][0], bce_exp_t2[idx & 63][1] };
    t = el_mul(t1, t2);
  }

  t4 = EL_EXP_C4 + r.hi*(EL_EXP_C5 + r.hi*EL_EXP_C6);
  v = el_fast_two_sum(EL_EXP_C3_H, r.hi*t4);
  v.lo += EL_EXP_C3_L;
  w = el_mul(r, v);                           /* r/6 + ... */
  v = el_fast_two_sum(0.5, w.hi);
  v.lo += w.lo;                               /* 1/2 + r/6 + ... */
  w = el_mul(r, v);
  w = el_mul(r, w);                           /* r^2/2 + ... */
  e = el_add_small(r, w);                     /* e^r - 1 */

  p = el_mul(t, e);
  res = el_add_small(t, p);
  *k = (int)((j - (int64_t)idx)/4096);
  if( res.hi < 1.0 ){ res.hi *= 2.0; res.lo *= 2.0; *k -= 1; }
  return res;
}

/* --------------------------------------------------------------- log */

#define EL_LOG_C3_H 0x1.5555555555555p-2   /* 1/3 */
#define EL_LOG_C3_L 0x1.5555555555555p-56
#define EL_LOG_C5   0x1.999999999999ap-3   /* 1/5 */
#define EL_LOG_C6  -0x1.5555555555555p-3   /* -1/6 */
#define EL_LOG_C7   0x1.2492492492492p-3   /* 1/7 */

/*
** ln(1 + z) for |z| <= 2^-14.9: z + z^2 (-1/2 + z (1/3 + z (-1/4 + z (1/5
** - z/6 + z^2/7)))), truncated after z^7 (the rest < |z| 2^-108).  A
** term z^n in double costs |z|^(n-1) 2^-53 relative: from z^5 on that
** is below 2^-112, so those are in double, the rest in double-double.
*/
static bce_dd el_log1p_small(bce_dd z){
  bce_dd u, v, w;
  double t = EL_LOG_C5 + z.hi*(EL_LOG_C6 + z.hi*EL_LOG_C7);
  u = el_fast_two_sum(-0.25, z.hi*t);
  w = el_mul(z, u);
  v = el_fast_two_sum(EL_LOG_C3_H, w.hi);
  v.lo += w.lo + EL_LOG_C3_L;                    /* 1/3 - z/4 + ... */
  w = el_mul(z, v);
  u = el_fast_two_sum(-0.5, w.hi);
  u.lo += w.lo;                               /* -1/2 + z/3 - ... */
  w = el_mul(z, u);
  w = el_mul(z, w);                           /* -z^2/2 + ... */
  return el_add_small(z, w);
}

/* e ln 2 as a double-double: e H is exact for |e| < 2^11 (H has 42
** bits), e M by two_prod, e L below 2^-92. */
static bce_dd el_e_ln2(int e){
  double ed = (double)e;
  bce_dd m = el_two_prod(ed, BCE_LN2_3M);
  bce_dd s = el_fast_two_sum(ed*BCE_LN2_3H, m.hi);
  s.lo += m.lo + ed*BCE_LN2_3L;
  return el_fast_two_sum(s.hi, s.lo);
}

/*
** The second reduction and the sum: ln(1 + z1) + l1 + e ln 2 for
** |z1| <= 2^-8 (1 + 2^-40).  c2 = 1/(1 + i2 2^-14) rounded, i2 = round(z1
** 2^14), z2 = (1 + z1) c2 - 1 = (c2 - 1) + z1 c2, |z2| <= 2^-15 (1 +
** 2^-13).  (c2 - 1) + fl(z1.hi c2) is exact: both are multiples of
** ulp(fl(z1.hi c2)) (at least 2^-68, as |z1| > 2^-15 when c2 != 1) and
** the sum is below 2^-15.  For i2 = 0, c2 = 1 and -ln c2 = 0: z2 = z1
** exactly, so ln(1 + z1) is as accurate relatively as el_log1p_small.
*/
static bce_dd el_log_level2(bce_dd z1, int e, bce_dd l1){
  int i2 = (int)el_round_int(z1.hi*0x1p14);
  const double *t2;
  /* |z1| <= 2^-8 (1 + 2^-40) for every input within the documented
  ** domain; outside it (|lo| far above ulp(hi)) the result is wrong but
  ** the table is not overrun */
  if( BCE_NEVER((unsigned)(i2 + 66) > 132u) ) i2 = 0;
  t2 = bce_log_t2[i2 + 66];
  bce_dd p = el_two_prod(z1.hi, t2[0]);
  double s = (t2[0] - 1.0) + p.hi;
  bce_dd z2 = el_two_sum(s, z1.lo*t2[0] + p.lo);
  bce_dd r = el_log1p_small(z2);
  bce_dd l2 = { t2[1], t2[2] };
  if( i2!=0 ) r = el_add(l2, r);
  if( l1.hi!=0.0 ) r = el_add(l1, r);
  if( e!=0 ) r = el_add(el_e_ln2(e), r);
  return r;
}

/*
** ln((mh + ml) 2^e), mh in [0.703125, 1.40625): c1 = 1/centre of mh's
** bucket (128 buckets of 2^45 encodings) to 26 bits, so |z1| <= 2^-8 (1 +
** 2^-25), z1 = (mh + ml) c1 - 1 in
** double-double, exact but for the last addition: p = mh c1 exactly,
** p.hi - 1 is exact (Sterbenz), and the sum of the four parts is rounded
** once, relative to z1 itself.
*/
static bce_dd el_log_level1(int e, double mh, double ml){
  uint64_t i1 = ((bce_bits(mh) - BCE_LOG_OFF) >> 45) & 127u;
  const double *t1 = bce_log_t1[i1];
  bce_dd p = el_two_prod_short(mh, t1[0]);
  bce_dd q = el_two_prod_short(ml, t1[0]);
  bce_dd z = el_two_sum(p.hi - 1.0, p.lo);
  bce_dd l1 = { t1[1], t1[2] };
  return el_log_level2(el_add(z, q), e, l1);
}

static const bce_dd el_zero = { 0.0, 0.0 };

BCE_PRIVATE bce_dd bce_log_dd(double hi, double lo){
  bce_dd r;
  double mh;
  int e, be;
  if( !(hi > 0.0) || hi==(double)INFINITY ){
    /* -Inf for 0, NaN for negatives and NaN, +Inf for +Inf */
    r.hi = hi==0.0 ? -(double)INFINITY : hi > 0.0 ? hi : (hi - hi)/(hi - hi);
    r.lo = 0.0;
    return r;
  }
  if( hi > 1.0 - 0x1p-8 && hi < 1.0 + 0x1p-8 ){
    /* near 1, ln x is near 0: no table term may cancel it (Sterbenz:
    ** hi - 1 is exact) */
    return el_log_level2(el_two_sum(hi - 1.0, lo), 0, el_zero);
  }
  e = 0;
  if( hi < 0x1p-1022 ){
    /* into the normals, and the pair normalized again: lo, up to an ulp
    ** of a subnormal hi, is a large part of hi + lo there (2^-1074 beside
    ** 2^-1074 is half of it), past what the reduction below allows
    ** (bce_log_dd(2^-1074, 2^-1074) was 2^-13.5 off) */
    bce_dd s = el_fast_two_sum(hi*0x1p54, lo*0x1p54);
    hi = s.hi;
    lo = s.lo;
    e = -54;
  }
  be = (int)(bce_bits(hi) >> 52);
  mh = bce_from_bits((bce_bits(hi) & 0x000fffffffffffffULL)
                     | 0x3ff0000000000000ULL);
  if( mh >= 1.40625 ){ mh *= 0.5; be++; }
  /* mh/hi is 2^-(be-1023) exactly (a power of 2, subnormal at worst) */
  return el_log_level1(e + be - 1023, mh, lo*(mh/hi));
}

BCE_PRIVATE bce_dd bce_log1p_dd(double hi, double lo){
  bce_dd r;
  if( !(hi > -1.0) || hi==(double)INFINITY ){
    r.hi = hi==-1.0 ? -(double)INFINITY : hi > 0.0 ? hi : (hi - hi)/(hi - hi);
    r.lo = 0.0;
    return r;
  }
  if( hi > -0x1p-200 && hi < 0x1p-200 ){
    /* ln(1 + x) = x - x^2/2 (|x|^3/3 < 2^-400 |x|), in plain products:
    ** the polynomial's exact ones would underflow */
    r.hi = hi;
    r.lo = lo - 0.5*hi*hi;
    return r;
  }
  if( hi > -0x1p-8 && hi < 0x1p-8 ){
    return el_log_level2(el_fast_two_sum(hi, lo), 0, el_zero);
  }
  if( hi > -0.29 && hi < 0.40 ){
    /* 1 + x in [0.71, 1.4]: reduce x itself, z1 = (c1 - 1) + x c1, so
    ** that 1 + x is never rounded */
    uint64_t i1 = ((bce_bits(1.0 + hi) - BCE_LOG_OFF) >> 45) & 127u;
    const double *t1 = bce_log_t1[i1];
    bce_dd p = el_two_prod_short(hi, t1[0]);
    bce_dd q = el_two_prod_short(lo, t1[0]);
    bce_dd z = el_two_sum(t1[0] - 1.0, p.hi);
    bce_dd l1 = { t1[1], t1[2] };
    z = el_add(z, el_add(el_two_sum(p.lo, q.hi), (bce_dd){ q.lo, 0.0 }));
    return el_log_level2(z, 0, l1);
  }
  /* |ln(1 + x)| > 0.33: 1 + x = r.hi + r.lo rounded once, relative
  ** 2^-105, renormalised (near -1, 1 + hi cancels down to lo's size),
  ** but not near DBL_MAX, where the sum could overflow */
  r = el_two_sum(1.0, hi);
  r.lo += lo;
  if( r.hi < 0x1p1000 ) r = el_two_sum(r.hi, r.lo);
  return bce_log_dd(r.hi, r.lo);
}

/* --------------------------------------- the last resort: fixed point */

/*
** Where the double-double result is too close to a rounding boundary to
** decide (about once in 2^44 random arguments), the function is computed
** again in 288-bit fixed point: 9 limbs of 32 bits, f[8] the integer
** part, f[0] the lowest (weight 2^-256).  The series below leave an
** absolute error under 2^-240, far beneath the hardest cases known for
** exp and log in binary64 (Lefevre and Muller: about 2^-(53+67) relative
** for |x| not tiny), so the round bit read from it is the true one: the
** exact result is never a midpoint (e^x and ln x are transcendental for
** x != 0, 1 rational, Lindemann), and never within 2^-240 of one.
** Slow (tens of microseconds) and short: it only needs to be right.
*/
#if defined(__GNUC__) || defined(__clang__)
# define EL_COLD __attribute__((noinline, cold))
#else
# define EL_COLD
#endif
#define EL_FX_N 9
typedef struct el_fx { uint32_t f[EL_FX_N]; } el_fx;

static void el_fx_zero(el_fx *a){ memset(a, 0, sizeof *a); }

/* a = m 2^s, truncated below 2^-256 (m < 2^64, the result below 2^32) */
static void el_fx_set(el_fx *a, uint64_t m, int s){
  int q, r;
  el_fx_zero(a);
  s += 256;
  if( s < 0 ){
    if( s <= -64 ) return;
    m >>= -s;
    s = 0;
  }
  q = s/32; r = s%32;
  /* m << r spans the limbs q, q+1, q+2 */
  a->f[q] = (uint32_t)(m << r);
  if( q+1 < EL_FX_N ) a->f[q+1] = (uint32_t)(m >> (32 - r));
  if( q+2 < EL_FX_N && r ) a->f[q+2] = (uint32_t)(m >> (64 - r));
}

/* |d| as m 2^s, d finite and not 0 */
static void el_fx_set_double(el_fx *a, double d, int shift){
  uint64_t b = bce_bits(d) & 0x7fffffffffffffffULL;
  int be = (int)(b >> 52);
  /* the implicit bit, and subnormals' exponent, without a branch */
  uint64_t m = (b & 0x000fffffffffffffULL) | (uint64_t)(be!=0) << 52;
  el_fx_set(a, m, be + (be==0) - 1075 + shift);
}

static void el_fx_add(el_fx *r, const el_fx *a, const el_fx *b){
  uint64_t c = 0;
  int i;
  for(i=0; i<EL_FX_N; i++){
    c += (uint64_t)a->f[i] + b->f[i];
    r->f[i] = (uint32_t)c;
    c >>= 32;
  }
}

/* a - b for a >= b */
static void el_fx_sub(el_fx *r, const el_fx *a, const el_fx *b){
  int64_t c = 0;
  int i;
  for(i=0; i<EL_FX_N; i++){
    c += (int64_t)a->f[i] - (int64_t)b->f[i];
    r->f[i] = (uint32_t)c;
    c = c < 0 ? -1 : 0;
  }
}

/* a < b: the borrow out of a - b */
static int el_fx_less(const el_fx *a, const el_fx *b){
  int64_t c = 0;
  int i;
  for(i=0; i<EL_FX_N; i++){
    c += (int64_t)a->f[i] - (int64_t)b->f[i];
    c = c < 0 ? -1 : 0;
  }
  return c < 0;
}

static int el_fx_is_zero(const el_fx *a){
  int i;
  for(i=0; i<EL_FX_N; i++) if( a->f[i] ) return 0;
  return 1;
}

/* a b, truncated (the product's value, below 2^32) */
static void el_fx_mul(el_fx *r, const el_fx *a, const el_fx *b){
  uint32_t p[2*EL_FX_N];
  int i, j;
  memset(p, 0, sizeof p);
  for(i=0; i<EL_FX_N; i++){
    uint64_t c = 0;
    for(j=0; j<EL_FX_N; j++){
      c += (uint64_t)a->f[i]*b->f[j] + p[i+j];
      p[i+j] = (uint32_t)c;
      c >>= 32;
    }
    p[i+EL_FX_N] = (uint32_t)c;
  }
  memcpy(r->f, p + 8, sizeof r->f);
}

static void el_fx_mul_small(el_fx *r, const el_fx *a, uint32_t k){
  uint64_t c = 0;
  int i;
  for(i=0; i<EL_FX_N; i++){
    c += (uint64_t)a->f[i]*k;
    r->f[i] = (uint32_t)c;
    c >>= 32;
  }
}

static void el_fx_div_small(el_fx *r, const el_fx *a, uint32_t d){
  uint64_t rem = 0;
  int i;
  for(i=EL_FX_N-1; i>=0; i--){
    uint64_t cur = (rem << 32) | a->f[i];
    r->f[i] = (uint32_t)(cur/d);
    rem = cur%d;
  }
}

static void el_fx_shl1(el_fx *a){
  int i;
  for(i=EL_FX_N-1; i>0; i--) a->f[i] = (a->f[i] << 1) | (a->f[i-1] >> 31);
  a->f[0] <<= 1;
}

static void el_fx_shr1(el_fx *a){
  int i;
  for(i=0; i<EL_FX_N-1; i++) a->f[i] = (a->f[i] >> 1) | (a->f[i+1] << 31);
  a->f[EL_FX_N-1] >>= 1;
}

/* 2^e for -1074 <= e <= 1023, built from its bits */
static double el_pow2(int e){
  if( e >= -1022 ) return bce_from_bits((uint64_t)(e + 1023) << 52);
  return bce_from_bits(1ULL << (e + 1074));
}

/* a, not 0 and below 2^32, with its leading bit in f[2] or above,
** rounded to nearest: the round bit decides, as no tie can occur (see
** above) */
static double el_fx_round(const el_fx *a){
  int i = EL_FX_N - 1, top;
  uint64_t t, m;
  while( a->f[i]==0 ) i--;
  top = bce_bit_length(a->f[i]) - 1;        /* the leading bit in f[i] */
  /* the 64 bits from the leading one down */
  t = (uint64_t)a->f[i] << (63 - top) | (uint64_t)a->f[i-1] << (31 - top)
      | (uint64_t)a->f[i-2] >> (top + 1);
  m = (t >> 11) + ((t >> 10) & 1);
  return (double)m*el_pow2(32*i + top - 256 - 52);
}

/* ln 2 in the fixed point above */
static void el_fx_ln2(el_fx *a){
  memcpy(a->f, bce_fx_ln2, sizeof a->f);
}

/* e^x, correctly rounded, for 2^-54 <= |x| and -745.14 <= x <= 709.79 */
EL_COLD BCE_PRIVATE double bce_exp_fx(double x){
  el_fx ax, kl, r, term, sum, one, ln2;
  double kd = el_round_int(x*0x1.71547652b82fep0) - 1.0;  /* 1/ln 2 */
  int k = (int)kd, n, p;
  uint64_t t, m;
  el_fx_set_double(&ax, x, 0);
  el_fx_ln2(&ln2);
  el_fx_mul_small(&kl, &ln2, (uint32_t)(k < 0 ? -k : k));
  /* r = x - k ln 2, in [0.34, 1.04] whatever the signs */
  if( x >= 0.0 && k >= 0 ) el_fx_sub(&r, &ax, &kl);
  else if( x >= 0.0 ) el_fx_add(&r, &ax, &kl);
  else el_fx_sub(&r, &kl, &ax);
  el_fx_set(&one, 1, 0);
  sum = one; term = one;
  /* term <= r/n of the one before, r < 1.04: it reaches 0 (n < 90) */
  for(n=1; !el_fx_is_zero(&term); n++){
    el_fx_mul(&term, &term, &r);
    el_fx_div_small(&term, &term, (uint32_t)n);
    el_fx_add(&sum, &sum, &term);
  }
  if( sum.f[8] >= 2 ){ el_fx_shr1(&sum); k++; }
  /* e^x = sum 2^k, sum in [1, 2): keep p bits, fewer where subnormal */
  p = k >= -1022 ? 53 : k + 1075;
  if( p < 0 ) return 0x1p-1022*0x1p-1022;           /* below 2^-1075 */
  t = (uint64_t)sum.f[8] << 63 | (uint64_t)sum.f[7] << 31 | sum.f[6] >> 1;
  if( p==0 ) return 0x1p-1074;        /* above 2^-1075: sum > 1, as x != 0 */
  m = (t >> (64 - p)) + ((t >> (63 - p)) & 1);
  if( k > 1023 ) return (double)m*el_pow2(k - p)*2.0;  /* may overflow */
  return (double)m*el_pow2(k - p + 1);
}

/* ln(hi + lo), correctly rounded, for hi + lo > 0 (an exact sum,
** |lo| <= ulp(hi)/2) and not 1 */
EL_COLD BCE_PRIVATE double bce_log_fx(double hi, double lo){
  el_fx m, l, num, den, q, z2, term, sum, tmp, eln2;
  uint64_t b;
  int e, i, sub = 0;
  uint32_t n;
  if( hi < 0x1p-1022 ){ hi *= 0x1p54; lo *= 0x1p54; sub = 54; }
  b = bce_bits(hi);
  e = (int)(b >> 52) - 1023 - sub;
  el_fx_set(&m, (b & 0x000fffffffffffffULL) | (1ULL << 52), -52);
  if( lo!=0.0 ){
    el_fx_set_double(&l, lo, -(e + sub));
    if( lo > 0.0 ) el_fx_add(&m, &m, &l);
    else el_fx_sub(&m, &m, &l);
    if( m.f[8]==0 ){ el_fx_shl1(&m); e--; }
  }
  /* ln m = 2 atanh((m - 1)/(m + 1)), m in [1, 2): q <= 1/3 */
  el_fx_set(&tmp, 1, 0);
  el_fx_sub(&num, &m, &tmp);
  el_fx_add(&den, &m, &tmp);
  el_fx_zero(&q);
  for(i=255; i>=0; i--){
    el_fx_shl1(&num);
    if( !el_fx_less(&num, &den) ){
      el_fx_sub(&num, &num, &den);
      q.f[i/32] |= 1u << (i%32);
    }
  }
  el_fx_mul(&z2, &q, &q);
  sum = q; term = q;
  /* term <= q^2 <= 1/9 of the one before: it reaches 0 (n < 170) */
  for(n=3; !el_fx_is_zero(&term); n+=2){
    el_fx_mul(&term, &term, &z2);
    el_fx_div_small(&tmp, &term, n);
    el_fx_add(&sum, &sum, &tmp);
  }
  el_fx_shl1(&sum);                                 /* ln m */
  el_fx_ln2(&eln2);
  el_fx_mul_small(&eln2, &eln2, (uint32_t)(e < 0 ? -e : e));
  /* ln m < ln 2: the sign is e's (e = 0 with m = 1 is excluded) */
  if( e >= 0 ){
    el_fx_add(&sum, &sum, &eln2);
    return el_fx_round(&sum);
  }
  el_fx_sub(&sum, &eln2, &sum);
  return -el_fx_round(&sum);
}

/* ------------------------------------------------------ the fast paths */

/*
** exp for -708.39 < x < 709.78 (a normal result): e^x = 2^k (h + l) with
** |error| < 2^-71 |h| (docs/elementary.md), by no product that needs an
** fma or Dekker's splitting.  x = j ln2/4096 + rh + rl as in bce_exp_dd
** (C1 has 30 bits, so j C1 is exact, and x - j C1 is by Sterbenz; j C2
** is rounded within 2^-72), e^r - 1 - rh to degree 4 in double (r^5/5!
** < 2^-74).  T = 2^(i1/64) 2^(i2/4096) = P + tl: the tables' heads have
** 26 bits, so their product P (52 bits) is exact, and tl, the products
** with the tails (each tail within 2^-79 of the rest), is below 2^-25 P.
** P r = Ph rh' + (Pl rh' + P (rh - rh')) with Ph, P's first 26 bits,
** and rh', rh's first 27: Ph rh' is exact and the rest below 2^-39 P,
** rounded.  So h = P + Ph rh' is a Fast2Sum, and l gathers the rest,
** |l| < 2^-24 |h|, its roundings below 2^-75 |h| in all.
*/
#define EL_HI27(x) bce_from_bits(bce_bits(x) & ~(uint64_t)0x3ffffff)

static inline double el_exp_fast(double x, int *k, double *l){
  double jd = el_round_int(x*BCE_EXP_INV_L2N);
  double a = x - jd*BCE_EXP_F_C1, b = jd*BCE_EXP_F_C2;
  bce_dd r = el_two_sum(a, -b), hh;
  int64_t j = (int64_t)jd;
  uint64_t idx = (uint64_t)j & 4095u;
  const double *t1 = bce_exp_f1[idx >> 6], *t2 = bce_exp_f2[idx & 63];
  double rl = r.lo - jd*BCE_EXP_F_C3;
  double p = r.hi*r.hi*(0.5 + r.hi*(EL_EXP_C3_H + r.hi*EL_EXP_C4)) + rl;
  /* The same operations with a hardware fma as without.  A former
  ** path of its own there (T from the double-double tables, T r.hi by
  ** fma): its error was within the same bound but another double, and
  ** a focal loss e^(gamma ln f) rounded from it came out one ulp apart
  ** between an -mfma build and the default one (issue 22). */
  {
    double P = t1[0]*t2[0];                                /* exact */
    double tl = (t1[0]*t2[1] + t1[1]*t2[0]) + t1[1]*t2[1];
    double Ph = EL_HI26(P), rh = EL_HI27(r.hi);
    double Pl = P - Ph, rr = r.hi - rh;                    /* exact */
    hh = el_fast_two_sum(P, Ph*rh);                        /* Ph rh exact */
    *l = ((hh.lo + Pl*rh + P*rr) + tl*(1.0 + r.hi)) + (P + tl)*p;
  }
  *k = (int)((j - (int64_t)idx)/4096);
  return hh.hi;
}

/*
** bce_exp's own fast path, for |x| < 708 (the result normal),
** cheaper than el_exp_fast, whose h + l src/binary_opt.c consumes and
** which therefore keeps its bits: one table of 512 entries, so one
** head-times-r product, and no double-double table product.
**  - x = j ln2/512 + r + rl: jd = round(x 512/ln2) by the 1.5 2^52
**    shift, whose bits hold j; j G1 is exact (G1: 34 bits, |j| < 2^19)
**    and x - j G1 too (Sterbenz, or j = 0); b = j G2 is below 2^-25.8,
**    within 2^-76.5 of j (ln2/512 - G1); r = a - b rounded and rl =
**    (a - r) - b its error, exact where |a| >= |b|, else within 2^-74
**    (then |r| < 2^-24.8).  |r| < 2^-10.52.
**  - e^x = 2^k T e^(r + rl), T = 2^(i/512) = Th + Tl, Th of 26 bits (Tl
**    within 2^-79 T), k = j >> 9, i = j & 511.  e^r = 1 + r + p, p =
**    r^2 (1/2 + r/6 + r^2/24 + r^3/120) (the rest below 2^-72.6).
**  - r = rh + rr, rh its first 27 bits, so Th rh is exact and h = Th +
**    Th rh a Fast2Sum; l gathers Th (rr + rl + p) and Tl (1 + r + p)
**    (|l| < 2^-20), rl's effect on p (2^-74.5) left out.
** The error of h + l is below 2^-71 |h| (docs/elementary.md); Ziv's test
** takes eps = 2^-67 absolute (|h| < 2), failing about once in 2^14
** calls.  e^x = (h + *l) 2^(*k).
*/
#define EL_EXP_G_SHIFT 0x1.8p52
#define EL_EXP_G_EPS 0x1p-67
#define EL_EXP_C5   0x1.1111111111111p-7   /* 1/120 */

BCE_ALWAYS_INLINE double el_exp_cr_fast(double x, int64_t *k, double *l){
  double z = x*BCE_EXP_G_INV + EL_EXP_G_SHIFT;
  uint64_t zb = bce_bits(z);
  double jd = z - EL_EXP_G_SHIFT;
  double a = x - jd*BCE_EXP_G1, b = jd*BCE_EXP_G2;
  double r = a - b, rl = (a - r) - b;
  const double *T = bce_exp_g[zb & 511u];
  double rh = EL_HI27(r), rr = r - rh;                    /* exact */
  double r2 = r*r;
  double p = r2*(0.5 + r*(EL_EXP_C3_H + r*(EL_EXP_C4 + r*EL_EXP_C5)));
  double th = T[0], tl = T[1];
  double q = th*rh;                                       /* exact */
  double h = th + q, hl = q - (h - th);                   /* Fast2Sum */
  double u = rl + p;
  *l = (hl + th*(rr + u)) + tl*(1.0 + (r + u));
  *k = (int64_t)(zb - bce_bits(EL_EXP_G_SHIFT)) >> 9;    /* j >> 9 */
  return h;
}

/* 2^-53 <= |x|, 1 + x rounded in [2^-1022, 2^1022): 1 + x = u + c
** exactly, u normal (u >= 2^-53) and below 2^1022 */
BCE_ALWAYS_INLINE double el_log1p_fast(double x, double *l){
  double u = 1.0 + x, xv = u - 1.0;      /* Knuth's TwoSum: no overflow */
  return el_log_fast_dd(u, (1.0 - (u - xv)) + (x - xv), 1, l);
}

BCE_PRIVATE double bce_log_fast(double x, double xl, double *l){
  return el_log_fast_dd(x, xl, 1, l);
}

BCE_PRIVATE double bce_exp_fast(double x, int *k, double *l){
  return el_exp_fast(x, k, l);
}

BCE_PRIVATE double bce_exp_fast_short(double x, int *k, double *l){
  int64_t k64;
  double h = el_exp_cr_fast(x, &k64, l);
  *k = (int)k64;
  return h;
}

/* ------------------------------------------ the correctly rounded doubles */

/*
** The rounding test (Ziv): the double-double r is within 2^-100 |r| of
** the true value; if r.hi + (r.lo - eps) and r.hi + (r.lo + eps) round to
** the same double, so does every value between them, the true one among
** them.  eps = 2^-98 |r.hi| covers 2^-100 |r| and the rounding of
** r.lo +- eps (2^-53 |r.lo| <= 2^-106 |r.hi|) with room to spare.
*/
#define EL_EPS 0x1p-98

/* el_exp_cr() past its fast path: the special values, the ranges the fast
** path leaves out, and what it could not decide (shared with the FMA
** copy's) */
BCE_ALWAYS_INLINE double el_exp_cr_rest(double x){
  bce_dd r;
  int k;
  double eps, lo, hi;
  if( !(x >= -745.14) ) return x==x ? (x==-(double)INFINITY ? 0.0 : 0x1p-1022*0x1p-1022) : x + x;
  if( x > 709.79 ) return x==(double)INFINITY ? x : 0x1p1023*2.0;
  if( x > -0x1p-54 && x < 0x1p-54 ) return 1.0 + x;
  r = bce_exp_dd(x, 0.0, &k);
  eps = EL_EPS*r.hi;
  if( BCE_NEVER((k==-1022) & (r.hi + r.lo < 1.0)) ){
    /* r.hi = 1, r.lo < 0 would be below 2^-1022, subnormal; it needs
    ** |x + 1022 ln 2| < 2^-54, but the doubles nearest -1022 ln 2 are
    ** 2.7e-14 and more away (and the rest of the table has T > 1) */
    r.hi *= 2.0; r.lo *= 2.0; eps *= 2.0; k = -1023;
  }
  if( k >= -1022 ){
    lo = r.hi + (r.lo - eps);
    hi = r.hi + (r.lo + eps);
    if( lo==hi ) return k > 1023 ? lo*el_pow2(k - 1)*2.0 : lo*el_pow2(k);
  }else if( k >= -1075 ){
    /* subnormal: round (r.hi + r.lo) 2^(k+1074) to an integer, as the
    ** units of 2^52 + w are; w exact, wl and the sums within 2^-54 */
    double s = el_pow2(k + 1074);
    double w = r.hi*s, wl = r.lo*s;
    bce_dd t = el_two_sum(0x1p52, w);
    double tl = t.lo + wl, e2 = eps*s + 0x1p-53;
    double sub_lo = t.hi + (tl - e2), sub_hi = t.hi + (tl + e2);
    if( sub_lo==sub_hi ) return (sub_lo - 0x1p52)*0x1p-1074;
  }
  return bce_exp_fx(x);
}

BCE_ALWAYS_INLINE double el_exp_cr(double x){
  double lo, hi;
  /* 2^-54 <= |x| < 708 as one unsigned compare of |x|'s bits (below,
  ** 1 + x, which the fallback below would not reach by the fixed point) */
  if( (bce_bits(x) & ~(UINT64_C(1) << 63)) - UINT64_C(0x3c90000000000000)
      < UINT64_C(0x4086200000000000) - UINT64_C(0x3c90000000000000) ){
    int64_t kf;
    double l, h = el_exp_cr_fast(x, &kf, &l);
    lo = h + (l - EL_EXP_G_EPS);
    hi = h + (l + EL_EXP_G_EPS);
    /* kf in [-1022, 1021]: 2^kf normal, the product exact */
    if( lo==hi ) return lo*bce_from_bits((uint64_t)(kf + 1023) << 52);
  }
  return el_exp_cr_rest(x);
}

/* ln(1 - 2^-52), the loss of every row at the default clip's top (0.3.0:
** eps = 2^-52; y = 1 with p = 1, y = 0 with p = 0), is the hardest case
** there is: -(2^-52 + 2^-105 + 2^-156/3 + ...) lies 2^-158 past the
** midpoint -(2^-52 + 2^-105) between two doubles, so both rounding tests
** fail and the fixed point decided it, 45 us a call (a table of tree
** predictions took 100x as long as at eps = 1e-15).  Its correctly
** rounded value (mpmath at 60 digits, tests/sql/numbers_and_limits.sql):
** -(2^-52 + 2^-104).  Checked only once the fast path's test has failed. */
#define EL_LOG_1M2P52 (-0x1.0000000000001p-52)

/* el_log_cr() past its fast path: the special values, and the arguments
** that path could not decide (shared with the FMA copy's) */
BCE_ALWAYS_INLINE double el_log_cr_rest(double x){
  bce_dd r;
  double eps, lo, hi;
  if( !(x > 0.0) || x==(double)INFINITY ){
    if( x==0.0 ) return -1.0/(x*x);                  /* -Inf, divide by zero */
    return x > 0.0 || x!=x ? x + x : (x - x)/(x - x);  /* +Inf, NaN; invalid */
  }
  if( x==1.0 - 0x1p-52 ) return EL_LOG_1M2P52;
  r = bce_log_dd(x, 0.0);
  eps = EL_EPS*(r.hi < 0.0 ? -r.hi : r.hi);
  lo = r.hi + (r.lo - eps);
  hi = r.hi + (r.lo + eps);
  if( lo==hi ) return lo;
  return bce_log_fx(x, 0.0);
}

BCE_ALWAYS_INLINE double el_log_cr(double x){
  double res;
  if( x >= 0x1p-1022 && x < 0x1p1022 ){
    double l, h = el_log_fast(x, &l);
    if( el_round_test(h, l, EL_EPS_LOG_FAST, &res) ) return res;
  }
  return el_log_cr_rest(x);
}

/* bce_log_sum() where its inline fast path (src/log_fast.h) cannot
** decide */
BCE_PRIVATE double bce_log_sum_slow(double x, double xl){
  bce_dd r;
  double eps, lo, hi;
  if( x==0.0 ) return -1.0/(x*x);                   /* -Inf, divide by zero */
  /* exactly when x + xl = 1 - 2^-52, however it is split: x - (1 - 2^-52)
  ** is exact near it (Sterbenz) and dwarfs xl far from it; one branch, so
  ** that the tests take both of its outcomes */
  if( (x - (1.0 - 0x1p-52)) + xl==0.0 ) return EL_LOG_1M2P52;
  /* x + xl = 1 only for x = 1, xl = 0, which the fast path rounds to 0 */
  r = bce_log_dd(x, xl);
  eps = EL_EPS*(r.hi < 0.0 ? -r.hi : r.hi);
  lo = r.hi + (r.lo - eps);
  hi = r.hi + (r.lo + eps);
  if( lo==hi ) return lo;
  return bce_log_fx(x, xl);
}

/* |x| >= 2^-53 and 1 + x rounded in [2^-1022, 2^1022): x > -1 then,
** and below 2^1022 (not a NaN, not +Inf); one unsigned compare */
#define EL_LOG1P_FAST_RANGE(x) \
  (bce_bits(1.0 + (x)) - UINT64_C(0x0010000000000000) \
   < UINT64_C(0x7fd0000000000000) - UINT64_C(0x0010000000000000))

/* el_log1p_cr() past its fast path (shared with the FMA copy's) */
BCE_ALWAYS_INLINE double el_log1p_cr_rest(double x){
  bce_dd r;
  double eps, lo, hi;
  if( !(x > -1.0) || x==(double)INFINITY ){
    if( x==-1.0 ) return -1.0/(x + 1.0);              /* -Inf, divide by zero */
    return x > 0.0 || x!=x ? x + x : (x - x)/(x - x);
  }
  if( x==-0x1p-52 ) return EL_LOG_1M2P52;
  r = bce_log1p_dd(x, 0.0);
  eps = EL_EPS*(r.hi < 0.0 ? -r.hi : r.hi);
  lo = r.hi + (r.lo - eps);
  hi = r.hi + (r.lo + eps);
  if( lo==hi ) return lo;
  r = el_two_sum(1.0, x);                             /* 1 + x, exactly */
  return bce_log_fx(r.hi, r.lo);
}

BCE_ALWAYS_INLINE double el_log1p_cr(double x){
  double res;
  /* |x| < 2^-53: ln(1 + x) = x - x^2/2 + ..., within a quarter of the
  ** gap to x's neighbours, so x itself (±0 included) */
  if( (bce_bits(x) & ~(UINT64_C(1) << 63)) < UINT64_C(0x3ca0000000000000) ){
    return x;
  }
  if( EL_LOG1P_FAST_RANGE(x) ){
    double l, h = el_log1p_fast(x, &l);
    if( el_round_test(h, l, EL_EPS_LOG_FAST, &res) ) return res;
  }
  return el_log1p_cr_rest(x);
}

/*
** x86-64 with glibc and gcc: bce_exp, bce_log and bce_log1p are compiled
** twice, for AVX and for the baseline, and the dynamic loader picks one by
** the processor (an ifunc, resolved once at load: no state of ours).  The
** same C, so the same operations and the same bits: AVX adds no fma, and
** -ffp-contract=off and the pragmas above hold in both; what AVX saves is
** the register copies of two-operand SSE (docs/elementary.md "Speed").
** All three have a third copy, for AVX with FMA, whose fast paths are
** others (el_exp_fma_fast, el_log_fma_dd): another h + l, the same
** rounded result.
** Not where there is no ifunc (musl, Windows, macOS, wasm), nor under a
** sanitizer (the resolver runs before it is set up), nor in the coverage
** build (clang), whose counts would split between the copies.
** A build for processors that have FMA (__FMA__: -mfma, -march=haswell
** and later, by gcc or clang) has the FMA copy only, with no ifunc: so
** clang's sanitizer build with -mfma (make fuzz-elementary's second
** target) checks that copy.
** gcc's target_clones would do the same but exports the symbols from a
** -fvisibility=hidden library; clang 14's cannot be called from other
** files.
*/
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__ELF__) \
    && defined(__GNUC__) && !defined(__clang__) && !defined(__AVX__) \
    && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) \
    && !defined(BCE_COVERAGE) && !defined(BCE_NO_X86_V3)
# define EL_IFUNC 1
# define EL_FMA_TARGET __attribute__((target("avx,fma")))
#elif defined(__FMA__) && (defined(__GNUC__) || defined(__clang__)) \
    && !defined(BCE_NO_X86_V3)
# define EL_IFUNC 0
# define EL_FMA_TARGET
#else
# define EL_IFUNC 0
#endif

#ifdef EL_FMA_TARGET
/*
** The FMA copy's exp fast path, for |x| < 708 (docs/elementary.md
** "Method" and "Error bounds"): el_exp_cr_fast's reduction and table
** with an fma wherever one saves instructions, so not its bits, only its
** bound, which is why only bce_exp, which rounds h + l before anyone
** sees it, takes it (el_exp_fast, which src/binary_opt.c consumes, keeps
** its bits).
**  - jd = round(x 512/ln2) by one fma with the 1.5 2^52 shift; a = x - j
**    G1 by one fma (exact: the true value is a double, as before).
**  - h = Th + Th r rounded, by one fma, and its error hl = fma(Th, r, Th
**    - h): Th - h is exact (Sterbenz: h/Th is within 2^-10.5 of 1), so
**    hl is the error itself where Th r + (Th - h) is a double, and
**    within 2^-53 |hl| < 2^-106 |h| elsewhere (Th has 26 bits, so that
**    is only where |r| is tiny): no split of r.
**  - e^r - 1 - r = r^2 (1/2 + r/6 + r^2/24 + r^3/120), Horner's rule by
**    fma, and l = (hl + Th (rl + p)) + Tl (1 + r + rl + p), two fmas.
** Its bound, 2^-71.1 |h| (docs/elementary.md), is below el_exp_cr_fast's
** 2^-70.5, so Ziv's test keeps EL_EXP_G_EPS.  |x| < 2^-54 (and ±0) is
** inside: r = x, h = 1 and hl = x exactly (T = 1 + 0), and the test
** fails only where 1 + x is within 2^-67 of a midpoint, for
** el_exp_cr_rest to decide.
*/
EL_FMA_TARGET BCE_ALWAYS_INLINE
double el_exp_fma_fast(double x, int64_t *k, double *l){
  double z = __builtin_fma(x, BCE_EXP_G_INV, EL_EXP_G_SHIFT);
  uint64_t zb = bce_bits(z);
  double jd = z - EL_EXP_G_SHIFT;
  double a = __builtin_fma(-jd, BCE_EXP_G1, x);          /* exact */
  double b = jd*BCE_EXP_G2;
  double r = a - b, rl = (a - r) - b;
  const double *T = bce_exp_g[zb & 511u];
  double th = T[0], tl = T[1];
  double h = __builtin_fma(th, r, th);
  double hl = __builtin_fma(th, r, th - h);               /* th - h exact */
  double q = __builtin_fma(r, EL_EXP_C5, EL_EXP_C4);
  double p, u;
  q = __builtin_fma(r, q, EL_EXP_C3_H);
  q = __builtin_fma(r, q, 0.5);
  p = (r*r)*q;
  u = rl + p;
  *l = __builtin_fma(th, u, hl) + __builtin_fma(tl, r + u, tl);
  *k = (int64_t)(zb - bce_bits(EL_EXP_G_SHIFT)) >> 9;    /* j >> 9 */
  return h;
}

EL_FMA_TARGET static double bce_exp_fma(double x){
  if( __builtin_fabs(x) < 708.0 ){                        /* not a NaN */
    int64_t kf;
    double l, h = el_exp_fma_fast(x, &kf, &l);
    double lo = h + (l - EL_EXP_G_EPS), hi = h + (l + EL_EXP_G_EPS);
    /* kf in [-1022, 1021]: 2^kf normal, the product exact */
    if( lo==hi ) return lo*bce_from_bits((uint64_t)(kf + 1023) << 52);
  }
  return el_exp_cr_rest(x);
}

/*
** The FMA copy's log fast path (docs/elementary.md "Method", "Error
** bounds"): el_log_fast_dd's reduction and table with an fma wherever one
** saves instructions or latency, so not its bits, only its bound, which
** is why only bce_log and bce_log1p, which round h + l before anyone sees
** it, take it (bce_log_sum, src/log_pair.h and src/log_batch.h keep
** el_log_fast_dd).  R = e ln2 - ln r + ln(1 + z):
**  - z = m r - 1 by one fma: exact, the true value being a double (see
**    el_log_fast_dd), so no split of m.
**  - y = z - z^2/2 rounded, one fma (nz = -z/2 is exact), and h = s =
**    tt + y, tt = e ln2_H + L_h exact: a Fast2Sum's sum (|tt| >= |y| or
**    tt = 0; tests/gen_elementary_logpoly.py checks every bucket).  The
**    error of both roundings at once, tt + z - z^2/2 - s, is fma(nz, z,
**    c) with c = z - (s - tt): s - tt is exact (Fast2Sum), and so is c, a
**    multiple of min(2^-60, ulp(s)) below 2^-15 + ulp(s)/2 (docs).  So
**    z - z^2/2 needs no exact square, and the sum no second Fast2Sum.
**  - ln(1 + z) - z + z^2/2 = z^3 q(z), q the minimax polynomial of
**    degree 6 (src/elementary_logpoly.h, tests/gen_elementary_logpoly.py)
**    by el_log_fma_q: Horner's rule in z^2 on three pairs, so that the
**    dependency chain is four fmas, not six.
**  - l = z^3 q + (e ln2_M + L_l + that error): the small terms first,
**    the polynomial's product last, one fma, the end of the chain.
**  - log1p's low part (xl, the error of 1 + x, has_lo) is not added to
**    z and renormalised, as in el_log_fast_dd: z stays m r - 1, exact,
**    and w = xl 2^-e r enters as ln(1 + z + w) - ln(1 + z) = w/(1 + z)
**    - ... ~ w (1 - z + z^2), one fma into p.  That leaves |w| |z|^3 +
**    w^2/2 with |w| <= 2^-53 (1 + 2^-7), small against the result except
**    where 1 + x is within 2^-8 or so of 1 and w as large as x itself:
**    bce_log1p_fma takes |x| < 2^-8 by a path of its own, z = x.
** The bound, 2^-65 |h| (2^-65.7 for log, 2^-65.2 for log1p), holds:
** docs/elementary.md "Error bounds" has the terms.
*/
EL_FMA_TARGET BCE_ALWAYS_INLINE double el_log_fma_q(double z, double zz){
  double qa = __builtin_fma(z, EL_LOG_P4, EL_LOG_P3);
  double qb = __builtin_fma(z, EL_LOG_P6, EL_LOG_P5);
  double qc = __builtin_fma(z, EL_LOG_P8, EL_LOG_P7);
  qc = __builtin_fma(zz, EL_LOG_P9, qc);
  qb = __builtin_fma(zz, qc, qb);
  return __builtin_fma(zz, qb, qa);
}

EL_FMA_TARGET BCE_ALWAYS_INLINE
double el_log_fma_dd(double x, double xl, int has_lo, double *l){
  uint64_t t = bce_bits(x) - BCE_LOG_OFF;
  int64_t e = (int64_t)t >> 52;            /* an arithmetic shift */
  uint64_t mb = bce_bits(x) - ((uint64_t)e << 52);
  const double *T = bce_log_f[(t >> 45) & 127u];
  double m = bce_from_bits(mb), r = T[0];
  double z = __builtin_fma(m, r, -1.0);                 /* exact */
  double ed = (double)e, nz, y, zz, q, tt, s, c, p;
  nz = -0.5*z;                                          /* exact */
  y = __builtin_fma(nz, z, z);                /* z - z^2/2, rounded */
  zz = z*z;
  q = el_log_fma_q(z, zz);
  tt = __builtin_fma(ed, BCE_LN2_3H, T[1]);             /* exact */
  s = tt + y;
  c = z - (s - tt);                                     /* exact */
  p = __builtin_fma(ed, BCE_LN2_3M, T[2]) + __builtin_fma(nz, z, c);
  if( has_lo ){
    /* 2^-e from e << 52, which m's bits took already */
    double w = xl*bce_from_bits(UINT64_C(0x3ff0000000000000)
                                - ((uint64_t)e << 52))*r;
    p = __builtin_fma(w, (1.0 - z) + zz, p);
  }
  *l = __builtin_fma(zz*z, q, p);
  return s;
}

/*
** ln(1 + x) as h + l, within 2^-65 |h|: el_log1p_fma_small for 2^-53 <=
** |x| < 2^-8, z = x exactly, e = 0 and r = 1 (el_log_fma_dd's case A:
** its operations with no table term, so nothing rounded that is not
** rounded there); el_log1p_fma_big for |x| >= 2^-8 with 1 + x rounded in
** [1.40625 2^-1022, 1.40625 2^1021) (EL_LOG_FMA_RANGE): 1 + x = u + c by
** Fast2Sum, the larger of 1 and x first (max and min: no TwoSum), and
** el_log_fma_dd(u, c).
*/
EL_FMA_TARGET BCE_ALWAYS_INLINE double el_log1p_fma_small(double x, double *l){
  double nx = -0.5*x, h = __builtin_fma(nx, x, x), zz = x*x;
  double q = el_log_fma_q(x, zz);
  /* x - h is exact (Sterbenz), so the fma is h's error, rounded */
  *l = __builtin_fma(zz*x, q, __builtin_fma(nx, x, x - h));
  return h;
}

EL_FMA_TARGET BCE_ALWAYS_INLINE double el_log1p_fma_big(double x, double *l){
  double u = 1.0 + x;
  double big = x > 1.0 ? x : 1.0, small = x < 1.0 ? x : 1.0;
  return el_log_fma_dd(u, small - (u - big), 1, l);     /* Fast2Sum */
}

/* The FMA copy's Ziv test: its fast paths' bound, 2^-65.24 |h| at worst
** (log1p; log 2^-65.74), with the rounding of l +- eps (2^-68.5 |h|),
** 2^-65.1, is below eps = 2^-64 |h| (docs/elementary.md "Error bounds"), half
** EL_EPS_LOG_FAST, so that the test fails half as often.  h and l are
** finite: lo and hi are equal or not, no NaN to test for, and
** !islessgreater is one branch where lo==hi compiles to two. */
#define EL_EPS_LOG_FMA 0x1p-64
EL_FMA_TARGET BCE_ALWAYS_INLINE int el_round_test_fma(double h, double l,
                                                      double *r){
  double eps = EL_EPS_LOG_FMA*h;
  double lo = h + (l - eps), hi = h + (l + eps);
  *r = lo;
  return !__builtin_islessgreater(lo, hi);
}

/* x in [1.40625 2^-1022, 1.40625 2^1021) from el_log_fma_dd's own e (x
** = 2^e m, m in [0.703125, 1.40625)): e in [-1021, 1021], one compare of
** what the fast path computes anyway; a negative x, 0, a NaN and +Inf
** (e above 1021 or below -1021) and the subnormals (e = -1022 or -1023)
** fall outside, and so do the normal x below 1.40625 2^-1022 (e = -1022)
** and from 1.40625 2^1021 (e = 1022), for el_log_cr_rest */
#define EL_LOG_FMA_RANGE(x) \
  ((uint64_t)(((int64_t)(bce_bits(x) - BCE_LOG_OFF) >> 52) + 1021) \
   < UINT64_C(2043))

EL_FMA_TARGET static double bce_log_fma(double x){
  double res;
  if( EL_LOG_FMA_RANGE(x) ){
    double l, h = el_log_fma_dd(x, 0.0, 0, &l);
    if( el_round_test_fma(h, l, &res) ) return res;
  }
  return el_log_cr_rest(x);
}

EL_FMA_TARGET static double bce_log1p_fma(double x){
  double ax = __builtin_fabs(x), l, h, res;
  if( ax < 0x1p-8 ){
    /* |x| < 2^-53: x itself, as in el_log1p_cr */
    if( ax < 0x1p-53 ) return x;
    h = el_log1p_fma_small(x, &l);
  }else if( EL_LOG_FMA_RANGE(1.0 + x) ){
    /* 1 + x rounded in [1.40625 2^-1022, 1.40625 2^1021): x > -1 (then
    ** 1 + x >= 2^-53), x below 1.40625 2^1021, not a NaN */
    h = el_log1p_fma_big(x, &l);
  }else{
    return el_log1p_cr_rest(x);
  }
  if( el_round_test_fma(h, l, &res) ) return res;
  return el_log1p_cr_rest(x);
}

#endif /* EL_FMA_TARGET */

#if EL_IFUNC
typedef double (*el_fn)(double);
/* the FMA copy where the processor has FMA, else AVX's, else the baseline */
# define EL_DISPATCH(name, body) \
  __attribute__((target("avx"))) static double name##_avx(double x){ \
    return body(x); \
  } \
  static double name##_base(double x){ return body(x); } \
  static el_fn name##_pick(void){ \
    __builtin_cpu_init(); \
    if( !__builtin_cpu_supports("avx") ) return name##_base; \
    return __builtin_cpu_supports("fma") ? name##_fma : name##_avx; \
  } \
  BCE_PRIVATE double name(double x) __attribute__((ifunc(#name "_pick")));
#elif defined(EL_FMA_TARGET)
/* (body named, not called: the baseline is unused in this build) */
# define EL_DISPATCH(name, body) \
  BCE_PRIVATE double name(double x){ (void)body; return name##_fma(x); }
#else
# define EL_DISPATCH(name, body) \
  BCE_PRIVATE double name(double x){ return body(x); }
#endif

EL_DISPATCH(bce_exp, el_exp_cr)
EL_DISPATCH(bce_log, el_log_cr)
EL_DISPATCH(bce_log1p, el_log1p_cr)

#if defined(__clang__)
# pragma STDC FP_CONTRACT DEFAULT
#elif defined(__GNUC__)
# pragma GCC pop_options
#endif
