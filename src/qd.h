/* SPDX-License-Identifier: MIT */
/*
** Numbers of four doubles, to about 2^-200: for the slow paths (Ziv's
** test) of a gradient whose two parts cancel past what a double-double's
** 2^-100 resolves.  Slow (10^3 to 10^5 operations each): only right.
*/
#ifndef BCE_QD_H
#define BCE_QD_H

#include "bits.h"

typedef struct bce_qd { double v[4]; } bce_qd;   /* v[0] + ... + v[3] */

/* x[0] + ... + x[n-1] (any order, overlapping, n >= 4) as four doubles,
** to about 2^-200; x is overwritten. */
BCE_PRIVATE bce_qd bce_qd_sum(double *x, int n);

BCE_PRIVATE bce_qd bce_qd_add(bce_qd a, bce_qd b);
BCE_PRIVATE bce_qd bce_qd_mul(bce_qd a, bce_qd b);
BCE_PRIVATE bce_qd bce_qd_div(bce_qd a, bce_qd b);      /* b > 0 */
BCE_PRIVATE bce_qd bce_qd_scale(bce_qd a, int e);       /* a*2^e */

/* e^(hi + lo) = (v[0] + ... + v[3])*2^(*k), v[0] in [0.7, 1.5], to about
** 2^-150 relative, for -1500 <= hi <= 0 and |lo| <= ulp(hi). */
BCE_PRIVATE bce_qd bce_exp_qd(double hi, double lo, int *k);

/* ln x for x > 0 with |ln x| >= 2^-6 (nothing cancels), and ln(1 + t)
** for t > -1 (its series where |t| <= 2^-5): to about 2^-150 of 1 */
BCE_PRIVATE bce_qd bce_qd_log(bce_qd x);
BCE_PRIVATE bce_qd bce_qd_log1p(bce_qd t);

#endif
