/* SPDX-License-Identifier: MIT */
/*
** The logistic function and its inverse, exact to a few ulp over the whole
** double range, infinities included.
*/
#ifndef BCE_LOGISTIC_H
#define BCE_LOGISTIC_H

#include "bits.h"
#include "elementary.h"
#include "qd.h"

/* 1/(1+e^-x).  Never overflows; for x < 0 it is e^x/(1+e^x), so
** bce_sigmoid(-710) is the subnormal 4.48e-309, not 0.  Defined for +-Inf. */
BCE_PRIVATE double bce_sigmoid(double x);

/* bce_sigmoid()'s slow path alone, correctly rounded, for -1500 <= x <=
** 40 (the unit test runs it on every case; callers want bce_sigmoid) */
BCE_PRIVATE double bce_sigmoid_slow(double x);

/* sigmoid(-a) = e^-a/(1+e^-a) for 0 <= a <= 1500 as (hi + lo)*2^(*k), to
** about 2^-100 relative: for a difference with it that may cancel (the
** logits' gradient), and for rounding once where it is subnormal. */
BCE_PRIVATE bce_dd bce_logistic_neg(double a, int *k);

/* The same to about 2^-150, as four doubles summing to it times 2^(*k),
** for 2^-6 <= a <= 1500: slow, for a difference that cancels past 2^-100
** of sigmoid(-a). */
BCE_PRIVATE bce_qd bce_logistic_neg_slow(double a, int *k);

/* ln(p/(1-p)) for p in [0, 1]; -Inf at 0 and +Inf at 1. */
BCE_PRIVATE double bce_logit(double p);

#endif
