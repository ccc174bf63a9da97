/* SPDX-License-Identifier: MIT */
/*
** exp, log and log1p of our own: correctly rounded doubles, and
** double-double versions for formulas that carry more than a double.
** No libm function reaches a result (fma() aside), so every platform
** gives the same bits.  Method, error bounds and tests: docs/elementary.md.
*/
#ifndef BCE_ELEMENTARY_H
#define BCE_ELEMENTARY_H

#include "bits.h"

typedef struct bce_dd { double hi, lo; } bce_dd;   /* hi + lo, |lo| <= ulp(hi)/2 */

/* Correctly rounded (round to nearest even), every double in, libm-free.
** Special values as C99 Annex F: exp(±0) = 1, exp(-Inf) = +0,
** exp(+Inf) = +Inf, overflow to +Inf, underflow to +0; log(±0) = -Inf,
** log(1) = +0, log(x < 0) = NaN, log(+Inf) = +Inf; log1p(±0) = ±0,
** log1p(-1) = -Inf, log1p(x < -1) = NaN, log1p(+Inf) = +Inf; NaN in, NaN
** out. */
BCE_PRIVATE double bce_exp(double x);
BCE_PRIVATE double bce_log(double x);
BCE_PRIVATE double bce_log1p(double x);

/* ln(x + xl), correctly rounded, for an exact sum x + xl >= 0 with |xl| <=
** ulp(x)/2 (-Inf for x = 0): ln(1 - q) of the hard labels as ln(u + c),
** u = 1 - q rounded and c its error, by the same code as ln q.  Inline,
** in src/log_fast.h. */

/* e^(hi + lo) = (r.hi + r.lo) * 2^(*k), r.hi in [1, 2), relative error
** < 2^-100, for |lo| <= ulp(hi).  Never overflows or underflows: the
** caller scales.  Outside the range: hi < -832 (e^x < 2^-1200) or
** hi = -Inf gives r = 0, *k = 0; hi > 2^20 or +Inf gives r.hi = +Inf,
** r.lo = 0, *k = 0; a NaN gives r.hi = r.lo = NaN, *k = 0. */
BCE_PRIVATE bce_dd bce_exp_dd(double hi, double lo, int *k);

/* ln(hi + lo) for hi + lo > 0, |lo| <= ulp(hi), relative error < 2^-100
** (near 1 the result is log1p's below, relative to ln(hi + lo) itself).
** hi = 0 gives -Inf, hi < 0 NaN, hi = +Inf +Inf (lo 0 in each; lo is not
** read there, so hi = 0 with lo > 0 is -Inf too: no caller passes one). */
BCE_PRIVATE bce_dd bce_log_dd(double hi, double lo);

/* ln(1 + hi + lo) for hi + lo > -1, |lo| <= ulp(hi), relative error
** < 2^-100.  hi = -1 gives -Inf, hi < -1 NaN, hi = +Inf +Inf, whatever lo
** (so hi = -1 with lo > 0 is -Inf too: no caller passes one). */
BCE_PRIVATE bce_dd bce_log1p_dd(double hi, double lo);

/* The fast paths of bce_log and bce_exp, for formulas that carry more
** than a double but need not 2^-100 (src/binary_opt.c): ln(x + xl) = h +
** *l within 2^-65 |h| for 2^-1022 <= x < 2^1022, |xl| <= ulp(x)/2;
** e^x = (h + *l) 2^(*k) within 2^-72 |h| for -708.39 < x < 709.78. */
BCE_PRIVATE double bce_log_fast(double x, double xl, double *l);
BCE_PRIVATE double bce_exp_fast(double x, int *k, double *l);

/* bce_exp's own fast path (el_exp_cr_fast: one table, no double-double
** table product, about half of bce_exp_fast()'s instructions) for a
** formula that tests its own rounding (src/binary_opt.c's focal loss):
** e^x = (h + *l) 2^(*k) within 2^-70.5 |h| for |x| < 708.  Not
** bce_exp_fast()'s bits, so not for a result that must keep them. */
BCE_PRIVATE double bce_exp_fast_short(double x, int *k, double *l);

/* The last-resort paths of bce_exp and bce_log/bce_log1p, in 288-bit
** fixed point, correctly rounded; public for the unit tests alone.
** bce_exp_fx: 2^-54 <= |x|, -745.14 <= x <= 709.79.  bce_log_fx: ln(hi +
** lo) for an exact sum hi + lo > 0, |lo| <= ulp(hi)/2, not 1. */
BCE_PRIVATE double bce_exp_fx(double x);
BCE_PRIVATE double bce_log_fx(double hi, double lo);

#include "log_fast.h"

#endif
