/* SPDX-License-Identifier: MIT */
/*
** D^2 of the log loss (issue 23): 1 - L/L0, L the family's mean loss and
** L0 the same loss of the null model, which predicts the weighted label
** mean ybar = sum(w y)/sum(w) (per class for cce: pi_c), clipped as the
** predictions are (scikit-learn's d2_log_loss_score).
**
** Why L0 needs no second pass: with eps, pos_weight, class_weight and
** smoothing every row's loss is affine in its target y for a fixed
** prediction, so the weighted mean of the null model's row losses is the
** loss at the mean target:
**
**   binary:  L0 = -(pw y1 ln q0 + y0 ln(1 - q0)),  q0 = clip(ybar, eps),
**            y1 = ybar(1-s) + s/2,  y0 = (1-ybar)(1-s) + s/2
**   cce:     L0 = (W/D) sum_c cw_c t_c (-ln q0_c),  q0_c = clip(pi_c, eps),
**            t_c = pi_c(1-s) + s/K,  W = sum w,  D = sum w d (the mean's
**            denominator: w cw_k for a class index k, else w)
**
** (alpha and gamma make the loss non-affine in a soft y; they are not
** offered.)  The inputs come from exact sums as double-doubles; L0 is
** formed to 2^-100 relative (logarithms bce_log_dd's, every product and
** quotient to 2^-104; all terms of L0 have one sign; each frequency,
** logarithm and product at an exponent of its own, so that this holds
** where they are below the normal doubles), and D^2 = (L0 - L)/L0 is
** rounded once: |D^2 - exact| <= 2^-99 (1 + L/L0) + 0.5 ulp(D^2).
*/
#ifndef BCE_D2_H
#define BCE_D2_H

#include <stdint.h>
#include "bits.h"
#include "elementary.h"

/* m times 2^e: a frequency, logarithm or loss below the doubles' normal
** range (a label seen only with a weight near 2^-1074 of sum(w)) keeps
** its 106 bits at an exponent of its own.  m need not be normalized. */
typedef struct bce_d2_x { bce_dd m; int e; } bce_d2_x;

/* a/b, b > 0, to about 2^-104 relative. */
BCE_PRIVATE bce_dd bce_d2_div(bce_dd a, bce_dd b);

/* a/b at their scales, b > 0 (a +Inf stays +Inf only where b is finite). */
BCE_PRIVATE bce_d2_x bce_d2_x_div(bce_d2_x a, bce_d2_x b);

/* L0 of the binary null model: ybar and ybarc = 1 - ybar (each exact to
** 2^-104, so that the one near 1 does not hide the other's digits). */
BCE_PRIVATE bce_d2_x bce_d2_null_binary(bce_d2_x ybar, bce_d2_x ybarc,
                                        double eps, double pos_weight,
                                        double smoothing);

/* The sum over classes of the cce null model, before the factor W/D:
** pi[0..K) the class means, big the class whose pi is above 1/2 (or -1)
** and bigc its 1 - pi exactly; cw the class weights (0: none), taken
** times 2^cwScale (the caller brings the largest near 1; the sum is then
** 2^cwScale times the null model's).  +Inf where a class of pi_c = 0 has
** a smoothed target and eps = 0. */
BCE_PRIVATE bce_d2_x bce_d2_null_cce(const bce_d2_x *pi, int64_t K,
                                     int64_t big, bce_d2_x bigc,
                                     const double *cw, int cwScale,
                                     double eps, double smoothing);

/* 1 - L/L0 rounded once, L0 > 0 finite, L finite >= 0 (-Inf where L/L0
** is past the doubles). */
BCE_PRIVATE double bce_d2_score(bce_d2_x L, bce_d2_x L0);

#endif
