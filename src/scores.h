/* SPDX-License-Identifier: MIT */
/*
** Entropy and KL divergence of one row (issue 23), in nats.
**
**   entropy(p) = -sum_c p_c ln p_c       (0 ln 0 = 0)
**   entropy(p) = -(p ln p + (1-p) ln(1-p)) for one probability
**   KL(y || q) = sum_c y_c ln(y_c / q_c) (0 ln 0 = 0), q = clip(p, eps)
**
** The rows are read as the cce family reads them (src/cce.h): JSON arrays
** (text or JSONB) read in place, elements in [0, 1], the exact sum within
** BCE_CCE_SUM_TOL of 1, y a class index or an array of K targets, K >= 2
** for KL (an entropy's array may have one class).  Errors are
** bce_array_error's, for the binding to word.
**
** Accuracy: every term is a double-double (2^-100 relative) and the terms
** are summed exactly, rounded once.  KL cancels where y ~ q (its terms
** have both signs); there each term is written
**   y ln(y/q) = q g(r) + (y - q),  r = (y - q)/q,  g(r) = (1+r)ln(1+r) - r
** with y - q exact (Sterbenz) and g >= 0 from its series for |r| < 2^-10,
** so that only the exact differences cancel: the result is within 2^-100
** of sum q g(r) of the exact value, plus the last rounding.
*/
#ifndef BCE_SCORES_H
#define BCE_SCORES_H

#include <stddef.h>
#include "bits.h"
#include "cce.h"
#include "elementary.h"

/* -(p ln p + (1-p) ln(1-p)), p in [0, 1], to 2^-100 and rounded once. */
BCE_PRIVATE double bce_entropy_binary(double p);

/* -sum p_c ln p_c of the JSON array z[0..n) (JSONB if jsonb), named as
** argument 0.  Returns 1 and sets *h, or 0 and fills *err (MALFORMED,
** NOT_NUMBER, DOMAIN, EMPTY, SUM). */
BCE_PRIVATE int bce_entropy_array(const char *z, size_t n, int jsonb,
                                  double *h, bce_array_error *err);

/* KL(t || clip(p, eps)) of the row, as hi + lo (to 2^-100 where nothing
** cancels; see above): r->y == 0 for a class index r->cls; t = y, or with
** smoothing s > 0 t_c = y_c (1 - s) + s/K (the target cce's smoothing
** makes; its terms to 2^-104 of each t_c, not relative to KL where
** t ~ q).  Returns 1, or 0 with *err as bce_cce_loss() fills it (the same
** checks, in the same order).  +Inf (hi) where a target > 0 meets q = 0 (eps = 0). */
BCE_PRIVATE int bce_kl_row(const bce_cce_row *r, double eps,
                           double smoothing, bce_dd *kl,
                           bce_array_error *err);

#endif
