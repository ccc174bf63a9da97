/* SPDX-License-Identifier: MIT */
/*
** Categorical cross-entropy of one row: K classes, the targets y and the
** predictions as JSON arrays read in place (src/json_array.h), nothing
** stored but a few numbers and, for a row of at most BCE_CCE_BUF classes,
** its elements on the stack, so that a second pass need not parse again.
**
** From probabilities p:   l = -sum_{k: y_k > 0} y_k ln q_k,
**                         q_k = min(max(p_k, eps), 1 - eps)
** From logits z:          l = -sum_k y_k ln softmax(z)_k
**                           = sum_k y_k (lse(z) - z_k),  lse = ln sum e^z_k
** which is lse(z) - sum_k y_k z_k when the targets sum to 1.  Written as
** the sum over k, every term is >= 0 (lse >= max z >= z_k), so nothing
** cancels and the row's terms are summed exactly (src/exact_sum.h), the
** loss rounded once.
**
** y is a class index c (the targets one-hot at c) or a JSON array of K
** targets in [0, 1]; p a JSON array of K >= 2 probabilities in [0, 1];
** z a JSON array of K >= 2 logits, +-Inf included.
**
** No renormalisation: a row of p, or of soft targets, whose sum is off 1
** by more than BCE_CCE_SUM_TOL is an error that reports the row's sum.
**
** Infinite logits give the limits, never NaN: a -Inf logit is a class of
** probability 0 (it costs +Inf if its target is > 0); one +Inf logit
** makes softmax one-hot there (loss 0 if all target mass is there, +Inf
** otherwise); two +Inf logits, or all -Inf, have no limit: errors.
*/
#ifndef BCE_CCE_H
#define BCE_CCE_H

#include <stddef.h>
#include <stdint.h>
#include "arrays.h"
#include "bits.h"
#include "options.h"

/* How far from 1 a row's sum may be.  The sum itself is exact (rounded
** once), so this bounds what the producer of the row did, not our
** arithmetic:
**   - float32 softmax: each p_k is within a few float32 ulp (6e-8
**     relative) of exp(z_k)/S, and S itself was summed in float32, off by
**     at most (K-1)*2^-24 relative: 6e-5 for K = 1000, in the worst case
**     of every rounding the same way (typically sqrt(K)*2^-24 = 2e-6);
**   - probabilities rounded to 6 decimals: each off by at most 5e-7, so
**     100 classes by at most 5e-5;
**   - a row off by 1% (0.99, 1.01) is 100 times this: an error, and so
**     are scores or logits passed as probabilities.
** 1e-4 lies above the first two worst cases and far below the third. */
#define BCE_CCE_SUM_TOL 1e-4

/* Rows of up to this many classes are read once; longer ones twice. */
#define BCE_CCE_BUF 64

/* Errors: bce_array_error (src/arrays.h), from BCE_ARRAY_FEW on. */

/* One row.  y == 0: the target is the class index cls (any double; the
** row is checked to hold an integer in [0, K)). */
typedef struct bce_cce_row {
  const char *y;
  size_t ny;
  double cls;
  const char *p;       /* p or z */
  size_t np;
  int yJsonb, pJsonb;  /* y, p: JSONB BLOBs, not text (src/jsonb.c) */
} bce_cce_row;

/* Receives the elements of a result array, in order, once the whole row
** has been checked: on an error it is never called. */
typedef void (*bce_cce_emit)(void *arg, double x);

/* Options (src/options.h, issue 21; o is never NULL, bce_options_init()
** gives the defaults).  With them the row's loss is
**
**   l = sum_c w_c a_c (1 - q_c)^gamma (-y'_c ln q_c),  y' = y (1-s) + s/K
**
** w_c the class_weight (PyTorch CrossEntropyLoss(weight=)), a_c alpha (one
** number or one per class; Keras CategoricalFocalCrossentropy), gamma the
** focal exponent (0^0 = 1), s the smoothing (Keras, PyTorch
** label_smoothing); q the clipped p, or softmax(z).  With the defaults it
** is the loss above, with the same bits.
**
** Every loss function returns 1 (the loss set), 0 (*err says what is
** wrong), or 2: the target is the class index ignore_index, and the row
** counts as a NULL row does (p or z is still read and checked).  *denom
** is the row's denominator d in the mean sum(s l) / sum(s d): w_k for a
** class index k with class_weight, else 1.  A class_weight or alpha array
** whose length is not K is BCE_ARRAY_OPTION_LENGTH. */

/* The loss of the row from probabilities, o->eps in [0, 0.5) (the caller
** checks it).  Sets *loss (+Inf for a certain-and-wrong class with eps =
** 0, or past the double range). */
BCE_PRIVATE int bce_cce_loss(const bce_cce_row *r, const bce_options *o,
                             double *loss, double *denom,
                             bce_array_error *err);

/* The same loss in *loss, and w*l (w finite, >= 0) in *wl: rounded once,
** or, where a term -y_k ln q_k is below 2^-1022 and the row is summed
** scaled, twice but never onto the subnormal grid first; 0 for w = 0
** (even where l is +Inf). */
BCE_PRIVATE int bce_cce_wloss(const bce_cce_row *r, const bce_options *o,
                              double w, double *loss, double *wl,
                              double *denom, bce_array_error *err);

/* bce_cce_loss() as *loss * 2^*scale: *scale is -1100 and *loss the loss
** times 2^1100 where, with options (class weights or alphas near the
** bottom of the doubles), the loss is below 2^-1000, so that it reaches
** the sums with its 53 bits and not on the subnormal grid; else 0. */
BCE_PRIVATE int bce_cce_loss_scaled(const bce_cce_row *r,
                                    const bce_options *o, double *loss,
                                    int *scale, double *denom,
                                    bce_array_error *err);

/* The loss of the row from logits, within a few ulp at any magnitude;
** +Inf where it is past the double range. */
BCE_PRIVATE int bce_cce_logits_loss(const bce_cce_row *r,
                                    const bce_options *o, double *loss,
                                    double *denom, bce_array_error *err);

/* The same loss as *loss * 2^*scale, so that a loss past DBL_MAX (m - z_c
** reaches 2 DBL_MAX: cce_logits(1, '[1.8e308, -1.8e308]')) is carried,
** not +Inf, and one below K 2^-1018 keeps its bits: *scale is 1 (or 2)
** and *loss the loss halved (quartered) where the loss is above DBL_MAX;
** -1100 and *loss the loss times 2^1100 where it is below K 2^-1018 (with
** options: below 2^-1000); else 0.  With options, a loss past 4 DBL_MAX
** is +Inf. */
BCE_PRIVATE int bce_cce_logits_loss_scaled(const bce_cce_row *r,
                                           const bce_options *o,
                                           double *loss, int *scale,
                                           double *denom,
                                           bce_array_error *err);

/* w*l of the row (w finite, >= 0): w*l rounded once, 0 for w = 0 (even
** where l is +Inf), kept where l alone is below 2^-1022. */
BCE_PRIVATE int bce_cce_logits_wloss(const bce_cce_row *r,
                                     const bce_options *o, double w,
                                     double *wl, double *denom,
                                     bce_array_error *err);

/* dl/dp_k / n: -y_k / q_k / n with the defaults (0 where y_k = 0), the
** derivative of the loss with the options above in general: K calls of
** emit.  Returns 2 for an ignored row, after K zeros. */
BCE_PRIVATE int bce_cce_grad(const bce_cce_row *r, const bce_options *o,
                             double n, bce_cce_emit emit, void *arg,
                             bce_array_error *err);

/* dl/dz_k / n: (softmax(z)_k - y_k) / n with the defaults, the derivative
** of the loss with the options in general: K calls of emit.  Returns 2
** for an ignored row, after K zeros. */
BCE_PRIVATE int bce_cce_logits_grad(const bce_cce_row *r,
                                    const bce_options *o, double n,
                                    bce_cce_emit emit, void *arg,
                                    bce_array_error *err);

/* softmax(z) (take_log = 0) or log_softmax(z) (take_log = 1) of the JSON
** array z of K >= 1 logits (JSONB if zJsonb): K calls of emit.  Errors
** name z as arg 1. */
BCE_PRIVATE int bce_cce_softmax(const char *z, size_t nz, int zJsonb,
                                int take_log,
                                bce_cce_emit emit, void *arg,
                                bce_array_error *err);

#endif
