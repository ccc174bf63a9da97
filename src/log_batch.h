/* SPDX-License-Identifier: MIT */
/*
** The hard-label losses of BCE_BATCH rows at once: bce_loss(y, p, eps)
** (src/loss.h) for y in {0, 1, -0}, with its logarithm's fast path
** (el_log_fast_dd() and el_round_test(), src/log_fast.h) in vector lanes.
**
** Why: bce(y, p) takes one correctly rounded logarithm a row, and its
** fast path, 91 instructions of a row's 728, was most of what the
** aggregate cost past SQLite's own work (docs/performance.md).  Each lane
** runs the scalar code's IEEE operations in the scalar code's order, each
** rounded once, so each lane's h, l and Ziv's test are the scalar ones
** bit for bit; a lane whose test fails, or whose argument is outside the
** fast path's range, is left to bce_log_sum_slow(), as the scalar code
** leaves it.  The integer steps that AVX2 lacks (a 64-bit arithmetic
** shift, int64 -> double) are exact bit tricks.  Without GCC's vector
** extensions (MSVC) the batch is a loop over bce_loss(): the same bits.
*/
#ifndef BCE_LOG_BATCH_H
#define BCE_LOG_BATCH_H

#include <stdint.h>
#include <string.h>
#include "bits.h"
#include "loss.h"
#include "vec4.h"

#define BCE_BATCH 4

#ifdef BCE_VECTOR
/* The kernel's constants, four lanes each, in memory (src/log_batch.c):
** an instruction takes one as its memory operand, where a constant the
** compiler sees is broadcast into a register at every use (one to three
** instructions each, some forty of them a batch: docs/performance.md).
** In the amalgamation the compiler sees them again: the same bits, a
** few more instructions. */
typedef struct bce_log4_consts {
  bce_v4u log_off;      /* BCE_LOG_OFF */
  bce_v4u exp_bits;     /* the sign and exponent bits */
  bce_v4u sign;         /* 2^63 */
  bce_v4u two52;        /* the bits of 2^52 */
  bce_v4u row;          /* a table row's byte offset's bits, 127 << 5 */
  bce_v4u hi45;         /* EL_HI45's mask */
  bce_v4u hi26;         /* EL_HI26's */
  bce_v4u bias3071;     /* 3071 = 1023 + 2048 */
  bce_v4u min_bits;     /* the bits of 2^-1022, the fast path's range */
  bce_v4u range;        /* 2^1022's bits less 2^-1022's */
  bce_v4d two52_2048;   /* 2^52 + 2048 */
  bce_v4d one;
  bce_v4d minus_half;
  bce_v4d q[8];         /* EL_LOG_Q3 ... EL_LOG_Q10 */
  bce_v4d ln2_h, ln2_m; /* BCE_LN2_3H, BCE_LN2_3M */
  bce_v4d eps_fast;     /* EL_EPS_LOG_FAST */
  bce_v4d clip_lo;      /* BCE_DEFAULT_EPS */
  bce_v4d clip_hi;      /* 1 - BCE_DEFAULT_EPS */
} bce_log4_consts;
BCE_PRIVATE_DATA const bce_log4_consts bce_log4_k;

/* The log table's rows of the four lanes (32 bytes each: r, L_h, L_l and
** a pad), loaded whole and transposed into r, L_h and L_l of the four
** lanes; off holds each row's byte offset. */
BCE_ALWAYS_INLINE void bce_log_table4(const bce_v4u *off, bce_v4d *r,
                                      bce_v4d *lh, bce_v4d *ll){
  const char *base = (const char*)bce_log_f;
  bce_v4d r0, r1, r2, r3, t0, t1, t2, t3;
  memcpy(&r0, base + (*off)[0], sizeof r0);
  memcpy(&r1, base + (*off)[1], sizeof r1);
  memcpy(&r2, base + (*off)[2], sizeof r2);
  memcpy(&r3, base + (*off)[3], sizeof r3);
  t0 = BCE_V4_SHUFFLE(r0, r1, 0, 4, 2, 6);
  t1 = BCE_V4_SHUFFLE(r0, r1, 1, 5, 3, 7);
  t2 = BCE_V4_SHUFFLE(r2, r3, 0, 4, 2, 6);
  t3 = BCE_V4_SHUFFLE(r2, r3, 1, 5, 3, 7);
  *r = BCE_V4_SHUFFLE(t0, t2, 0, 1, 4, 5);
  *lh = BCE_V4_SHUFFLE(t1, t3, 0, 1, 4, 5);
  *ll = BCE_V4_SHUFFLE(t0, t2, 2, 3, 6, 7);
}

/*
** el_log_fast_dd(x, xl, 1, &l) in four lanes, each the scalar code's
** operations in its order: *ph and *pl are its h and l bit for bit where
** x is in its range, 2^-1022 <= x < 2^1022 (anything elsewhere).
*/
BCE_ALWAYS_INLINE void bce_log_fast4(const bce_v4d *px, const bce_v4d *pxl,
                                     bce_v4d *ph, bce_v4d *pl){
  const bce_log4_consts *K = &bce_log4_k;
  const bce_v4d x = *px, xl = *pxl;
  const bce_v4u bx = (bce_v4u)x;
  bce_v4u t, mb, k, off;
  bce_v4d m, mh, r, lh, ll, z, w, zs, wv, zl, ed, zh, zz, a, p, tt, s, sl,
          h, hl;
  t = bx - K->log_off;
  /* e = t >> 52, arithmetic; e << 52 is t with its low 52 bits cleared,
  ** and e + 2048 = (t + 2^63) >> 52, logical */
  mb = bx - (t & K->exp_bits);
  k = (t ^ K->sign) >> 52;
  /* (double)e: the bits of 2^52 + (e + 2048), minus 2^52 + 2048, exact */
  ed = (bce_v4d)(k | K->two52) - K->two52_2048;
  off = (t >> 40) & K->row;                     /* the bucket's row, bytes */
  m = (bce_v4d)mb;
  mh = (bce_v4d)(mb & K->hi45);                               /* EL_HI45 */
  bce_log_table4(&off, &r, &lh, &ll);
  z = (mh*r - K->one) + (m - mh)*r;
  /* xl 2^-e: 2^-e has the bits (1023 - e) << 52 = (3071 - (e + 2048)) << 52 */
  w = xl*(bce_v4d)((K->bias3071 - k) << 52)*r;
  zs = z + w;
  wv = zs - z;
  zl = (z - (zs - wv)) + (w - wv);
  z = zs;
  zh = (bce_v4d)((bce_v4u)z & K->hi26);                       /* EL_HI26 */
  zz = z*z;
  a = K->minus_half*(zh*zh);
  p = zz*z*(K->q[0] + z*(K->q[1] + z*(K->q[2] + z*(K->q[3]
      + z*(K->q[4] + z*(K->q[5] + z*(K->q[6] + z*K->q[7])))))));
  tt = ed*K->ln2_h + lh;
  s = tt + z;
  sl = z - (s - tt);
  h = s + a;
  hl = a - (h - s);
  p += K->minus_half*((z - zh)*(z + zh)) + (ll + ed*K->ln2_m);
  p += zl*(K->one - z);
  *pl = sl + hl + p;
  *ph = h;
}

/*
** bce_log_sum(x, xl)'s fast path in four lanes: bce_log_fast4(), then
** el_round_test(h, l, EL_EPS_LOG_FAST).  *res is the rounded ln(x + xl)
** where *ok's lane is all ones; *ok's lane is 0 where the scalar code
** calls bce_log_sum_slow(): a failed test, or, unless in_range says the
** caller knows every x is in it, x outside [2^-1022, 2^1022).
*/
BCE_ALWAYS_INLINE void bce_log_sum4(const bce_v4d *x, const bce_v4d *xl,
                                    int in_range, bce_v4d *res,
                                    bce_v4u *ok){
  const bce_log4_consts *K = &bce_log4_k;
  bce_v4d h, l, eps, lo, hi;
  bce_log_fast4(x, xl, &h, &l);
  eps = K->eps_fast*h;
  lo = h + (l - eps);
  hi = h + (l + eps);
  *res = lo;
  *ok = (bce_v4u)(lo==hi);
  /* bce_log_sum()'s range test, its one unsigned compare of the bits */
  if( !in_range ){
    *ok &= (bce_v4u)(((bce_v4u)*x - K->min_bits) < K->range);
  }
}

/*
** The losses of four rows y[i], p[i] of hard labels (0, 1 or -0; p in
** [0, 1]) at the default clip: bce_loss()'s clip, u + c = 1 - q, the
** argument y q + (1-y) u and its low part (1-y) c, formed as bce_loss()
** forms them, then bce_log_sum4().  *loss is bce_loss(y[i], p[i],
** BCE_DEFAULT_EPS) where *ok's lane is all ones; the others are for the
** scalar code (the logarithm's slow path).  Every x is in the fast path's
** range: q and 1 - q are in [2^-52, 1 - 2^-52] at the default clip, so x,
** one of them, is at least 2^-52.
*/
BCE_ALWAYS_INLINE void bce_hard_losses4(const double *y, const double *p,
                                        bce_v4d *loss, bce_v4u *ok){
  const bce_log4_consts *K = &bce_log4_k;
  bce_v4d vy, vp, q, u, c, ny, x, xl, res;
  memcpy(&vy, y, sizeof vy);
  memcpy(&vp, p, sizeof vp);
  /* bce_clip(): the max, then the min, as its two comparisons */
  q = BCE_V4D_SELECT((bce_v4u)(vp > K->clip_lo), vp, K->clip_lo);
  q = BCE_V4D_SELECT((bce_v4u)(q < K->clip_hi), q, K->clip_hi);
  ny = K->one - vy;
  u = K->one - q;
  c = (K->one - u) - q;
  x = vy*q + ny*u;
  xl = ny*c;
  bce_log_sum4(&x, &xl, 1, &res, ok);
  *loss = 0.0 - res;
}
#endif /* BCE_VECTOR */

#endif /* BCE_LOG_BATCH_H */
