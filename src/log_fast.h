/* SPDX-License-Identifier: MIT */
/*
** The fast path of ln(x + xl), inline: the hard labels' loss takes one
** logarithm a row, and a call into src/elementary.c cost the row its
** call, a second range test and the spills around them (callgrind,
** docs/performance.md).  What it cannot decide (about once in 2^9 calls)
** goes to bce_log_sum_slow(), out of line.  Included by elementary.h;
** the method and its error bound are in docs/elementary.md.
*/
#ifndef BCE_LOG_FAST_H
#define BCE_LOG_FAST_H

#include <stdint.h>
#include "bits.h"

/* tests/gen_elementary_tables.py's (src/elementary_tables.h, which
** defines them again: a different value would not compile) */
#define BCE_LN2_3H 0x1.62e42fefa3800p-1
#define BCE_LN2_3M 0x1.ef35793c76730p-45
#define BCE_LOG_OFF 0x3fe6800000000000ULL
BCE_PRIVATE_DATA const double bce_log_f[128][4];

/* ln(1 + z) = z - z^2/2 + z^3 (1/3 - z/4 + ... - z^7/10): Taylor's
** coefficients (the truncation, z^11/11, is below 2^-80 for |z| < 2^-7) */
#define EL_LOG_Q3  0x1.5555555555555p-2    /*  1/3 */
#define EL_LOG_Q4 -0x1p-2                  /* -1/4 */
#define EL_LOG_Q5  0x1.999999999999ap-3    /*  1/5 */
#define EL_LOG_Q6 -0x1.5555555555555p-3    /* -1/6 */
#define EL_LOG_Q7  0x1.2492492492492p-3    /*  1/7 */
#define EL_LOG_Q8 -0x1p-3                  /* -1/8 */
#define EL_LOG_Q9  0x1.c71c71c71c71cp-4    /*  1/9 */
#define EL_LOG_Q10 -0x1.999999999999ap-4   /* -1/10 */

/* x's bits with the low 8 (27) cleared: a double of 45 (26) significant
** bits, and the rest, x minus it, exact */
#define EL_HI45(x) bce_from_bits(bce_bits(x) & ~(uint64_t)0xff)
#define EL_HI26(x) bce_from_bits(bce_bits(x) & ~(uint64_t)0x7ffffff)

/*
** ln(x + xl) for 2^-1022 <= x < 2^1022 and |xl| <= ulp(x)/2 (xl = 0
** where has_lo is 0: the compiler drops its terms), as h + l with
** |error| < 2^-65 |h| (docs/elementary.md).  No product needs an fma or
** Dekker's splitting:
**  - x = 2^e m, m in [0.703125, 1.40625), and m's bucket (the first 7
**    bits past that offset: 128 of them, as el_log_level1's) gives r, an
**    8-bit approximation of 1/m (r = 1 in the two buckets around 1), and
**    -ln r = L_h + L_l (tests/gen_elementary_tables.py).
**  - z = m r - 1 = (m_h r - 1) + m_l r is exact: m_h, m's first 45 bits,
**    times 8 bits is exact, minus 1 by Sterbenz, m_l r has 16 bits, and
**    the true z is a multiple of 2^-60 below 2^-7 (the script checks the
**    bound on every bucket), so it is a double.
**  - e H + L_h is exact (both multiples of 2^-42, below 2^10), and adding
**    z to it is a Fast2Sum: |L_h| >= |z| or L_h = 0 where e = 0 (checked
**    by the script), |e H + L_h| > 0.29 elsewhere.
**  - z^2 = z_h^2 + z_l (z + z_h), z_h its first 26 bits: z_h^2 exact, the
**    rest below 2^-39, rounded.  The terms from z^3 on are in double.
** The result is at least 2^-8.1 in magnitude where L_h or e is not 0,
** and it is z to within |z|/2 where both are (|z| >= 2^-1022 there): the
** error bound is relative to it in both cases.
** src/log_batch.h's bce_log_fast4() is these operations in four vector
** lanes, for bce(y, p)'s batch: a change here is a change there, and
** tests/unit_log_batch.c holds the two to the same bits.
*/
BCE_ALWAYS_INLINE double el_log_fast_dd(double x, double xl, int has_lo,
                                    double *l){
  uint64_t t = bce_bits(x) - BCE_LOG_OFF;
  int64_t e = (int64_t)t >> 52;            /* an arithmetic shift */
  uint64_t mb = bce_bits(x) - ((uint64_t)e << 52);
  const double *T = bce_log_f[(t >> 45) & 127u];
  double m = bce_from_bits(mb), mh = EL_HI45(m), r = T[0];
  double z = (mh*r - 1.0) + (m - mh)*r;
  double zl = 0.0, ed = (double)e, zh, zz, a, s, sl, h, hl, p;
  if( has_lo ){
    /* ln(1 + z + zl) = ln(1 + z) + zl (1 - z + ...): z + zl renormalised,
    ** as near 1 (r = 1) zl can be as large as z itself */
    double w = xl*bce_from_bits((uint64_t)(1023 - e) << 52)*r;
    double zs = z + w, wv = zs - z;             /* Knuth's TwoSum: |z|, |w| < 1 */
    zl = (z - (zs - wv)) + (w - wv);
    z = zs;
  }
  zh = EL_HI26(z);
  zz = z*z;
  a = -0.5*(zh*zh);                                     /* exact */
  p = zz*z*(EL_LOG_Q3 + z*(EL_LOG_Q4 + z*(EL_LOG_Q5 + z*(EL_LOG_Q6
      + z*(EL_LOG_Q7 + z*(EL_LOG_Q8 + z*(EL_LOG_Q9 + z*EL_LOG_Q10)))))));
  {
    double tt = ed*BCE_LN2_3H + T[1];                   /* exact */
    s = tt + z;
    sl = z - (s - tt);
  }
  h = s + a;
  hl = a - (h - s);
  p += -0.5*((z - zh)*(z + zh)) + (T[2] + ed*BCE_LN2_3M);
  if( has_lo ) p += zl*(1.0 - z);
  *l = sl + hl + p;
  return h;
}

/* x normal, positive */
static inline double el_log_fast(double x, double *l){
  return el_log_fast_dd(x, 0.0, 0, l);
}

/* The log fast path's bound, 2^-65 relative, and the rounding of l +-
** eps, with room: the test fails about once in 2^9 calls. */
#define EL_EPS_LOG_FAST 0x1p-63

/* Ziv's test on a fast path's h + l: 1 and *r = h + l rounded if every
** value within eps_rel |h| of it rounds the same (eps's sign does not
** matter: it only swaps lo and hi) */
static inline int el_round_test(double h, double l, double eps_rel, double *r){
  double eps = eps_rel*h;
  double lo = h + (l - eps), hi = h + (l + eps);
  *r = lo;
  return lo==hi;
}

/* ln(x + xl) where the fast path cannot decide, or x is outside its
** range (src/elementary.c) */
BCE_PRIVATE double bce_log_sum_slow(double x, double xl);

BCE_ALWAYS_INLINE double bce_log_sum(double x, double xl){
  /* 2^-1022 <= x < 2^1022 as one unsigned compare of the bits (a
  ** negative x, a NaN and the rest fall outside) */
  if( bce_bits(x) - UINT64_C(0x0010000000000000)
      < UINT64_C(0x7fd0000000000000) - UINT64_C(0x0010000000000000) ){
    double l, res, h = el_log_fast_dd(x, xl, 1, &l);
    if( el_round_test(h, l, EL_EPS_LOG_FAST, &res) ) return res;
  }
  return bce_log_sum_slow(x, xl);
}

#endif /* BCE_LOG_FAST_H */
