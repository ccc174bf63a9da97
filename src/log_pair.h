/* SPDX-License-Identifier: MIT */
/*
** Two logarithms at once: el_log_fast_dd(x, xl, 1, &l) (src/log_fast.h)
** on two arguments, as the two lanes of one 16-byte vector.  A hard label
** with smoothing needs ln q and ln(u + c), and so does a focal loss whose
** gamma is not a small integer (ln p_t for the loss, ln(1 - p_t) for the
** focal factor, src/binary_opt.c): the second logarithm was about 95
** instructions of its own (docs/performance.md "Options"), and most of
** them are the polynomial, which the vector takes for both at the price
** of one.
**
** The same IEEE operations in the same order in each lane, each rounded
** to nearest as the scalar one is (SSE2 on x86-64, NEON on aarch64,
** simd128 or scalar code on WebAssembly: GCC's and clang's vector
** extensions), so each lane's h and l are el_log_fast_dd()'s bits
** (tests/unit_log_pair.c compares them lane by lane).  Two of its steps
** are written another way, with the same values: e = (int64)t >> 52 (an
** arithmetic shift no SSE2 instruction does on 64-bit lanes) is t's top
** 12 bits taken as unsigned after flipping the sign bit, minus 2048; and
** (double)e (no SSE2 conversion from 64-bit integers) is the double whose
** bits are 0x4338000000000000 + (e + 2048), 1.5*2^52 + e + 2048, minus
** 1.5*2^52 + 2048: both are integers below 2^53, so the difference is e
** exactly.  A compiler without the vector extensions (MSVC) takes
** el_log_fast_dd() twice.  No product in it needs an fma, and
** -ffp-contract=off (src/fp_contract.h) holds for vectors as for
** scalars.
**
** Domain: each x in [2^-1022, 2^1022) with |xl| <= ulp(x)/2, as
** el_log_fast_dd()'s.
*/
#ifndef BCE_LOG_PAIR_H
#define BCE_LOG_PAIR_H

#include <stdint.h>
#include "bits.h"
#include "log_fast.h"

#if (defined(__GNUC__) || defined(__clang__)) && !defined(BCE_NO_LOG_PAIR_VECTOR)
# define BCE_LOG_PAIR_VECTOR 1

typedef double bce_v2d __attribute__((vector_size(16)));
typedef uint64_t bce_v2u __attribute__((vector_size(16)));

#define EL_V2(c) ((bce_v2d){(c), (c)})
#define EL_V2U(c) ((bce_v2u){(c), (c)})

/* h[i] + l[i] = ln(x[i] + xl[i]) as el_log_fast_dd(x[i], xl[i], 1, &l[i]) */
BCE_ALWAYS_INLINE void el_log_fast_pair(double x0, double xl0, double x1,
                                        double xl1, double h[2],
                                        double l[2]){
  bce_v2d x = {x0, x1}, xl = {xl0, xl1};
  bce_v2u xb = (bce_v2u)x;
  bce_v2u t = xb - EL_V2U(BCE_LOG_OFF);
  bce_v2u eb = (t ^ EL_V2U(UINT64_C(0x8000000000000000))) >> 52;  /* e+2048 */
  bce_v2u mb = xb - (t & EL_V2U(UINT64_C(0xfff0000000000000)));  /* - e<<52 */
  bce_v2u ix = (t >> 45) & EL_V2U(127u);
  const double *T0 = bce_log_f[ix[0]], *T1 = bce_log_f[ix[1]];
  bce_v2d r = {T0[0], T1[0]}, Ta = {T0[1], T1[1]}, Tb = {T0[2], T1[2]};
  bce_v2d m = (bce_v2d)mb;
  bce_v2d mh = (bce_v2d)(mb & EL_V2U(~(uint64_t)0xff));
  bce_v2d z = (mh*r - EL_V2(1.0)) + (m - mh)*r;
  bce_v2d ed = (bce_v2d)(eb + EL_V2U(UINT64_C(0x4338000000000000)))
               - EL_V2(0x1.8p52 + 2048.0);
  bce_v2d zl, zh, zz, a, s, sl, hh, hl, p;
  {
    /* 2^-e: (1023 - e) << 52, with 1023 - e = 3071 - (e + 2048) */
    bce_v2d w = xl*(bce_v2d)((EL_V2U(3071u) - eb) << 52)*r;
    bce_v2d zs = z + w, wv = zs - z;
    zl = (z - (zs - wv)) + (w - wv);
    z = zs;
  }
  zh = (bce_v2d)((bce_v2u)z & EL_V2U(~(uint64_t)0x7ffffff));
  zz = z*z;
  a = EL_V2(-0.5)*(zh*zh);
  p = zz*z*(EL_V2(EL_LOG_Q3) + z*(EL_V2(EL_LOG_Q4) + z*(EL_V2(EL_LOG_Q5)
      + z*(EL_V2(EL_LOG_Q6) + z*(EL_V2(EL_LOG_Q7) + z*(EL_V2(EL_LOG_Q8)
      + z*(EL_V2(EL_LOG_Q9) + z*EL_V2(EL_LOG_Q10))))))));
  {
    bce_v2d tt = ed*EL_V2(BCE_LN2_3H) + Ta;
    s = tt + z;
    sl = z - (s - tt);
  }
  hh = s + a;
  hl = a - (hh - s);
  p += EL_V2(-0.5)*((z - zh)*(z + zh)) + (Tb + ed*EL_V2(BCE_LN2_3M));
  p += zl*(EL_V2(1.0) - z);
  p = sl + hl + p;
  h[0] = hh[0];
  h[1] = hh[1];
  l[0] = p[0];
  l[1] = p[1];
}

#else

BCE_ALWAYS_INLINE void el_log_fast_pair(double x0, double xl0, double x1,
                                        double xl1, double h[2],
                                        double l[2]){
  h[0] = el_log_fast_dd(x0, xl0, 1, &l[0]);
  h[1] = el_log_fast_dd(x1, xl1, 1, &l[1]);
}

#endif

#endif /* BCE_LOG_PAIR_H */
