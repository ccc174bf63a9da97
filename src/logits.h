/* SPDX-License-Identifier: MIT */
/*
** Binary cross-entropy from a logit z (a raw score; the probability is
** sigmoid(z)), and its derivative.
**
**   l(y, z) = softplus(z) - y*z,   softplus(z) = ln(1 + e^z)
**
** This is l(y, sigmoid(z)) of src/loss.h without the clip and without the
** rounding of sigmoid: ln(sigmoid(50)) is ln(1.0) = 0 in doubles, while
** l(1, 50) is 1.93e-22; for z = -40 the probability form is capped by the
** clip, this one is not.  No clip is needed: l is finite for finite z.
**
** Written as (1-y)*z + log1p(e^-z) for z >= 0 and y*(-z) + log1p(e^z) for
** z < 0 (softplus(z) = z + softplus(-z)): both terms are >= 0, so nothing
** cancels, and e^-|z| never overflows.  max(z, 0) - y*z + log1p(e^-|z|)
** is the same number on paper but loses all digits of (1-y)*z for a soft
** label near 1: z - y*z subtracts two rounded products.
**
** z = +-Inf is allowed and gives the limit, never NaN: l(1, +Inf) = 0 and
** l(0, -Inf) = 0; any other label there costs +Inf.  The caller validates
** y in [0, 1]; z is any double but NaN.
*/
#ifndef BCE_LOGITS_H
#define BCE_LOGITS_H

#include "bits.h"
#include "elementary.h"

#include <math.h>

static inline double bce_logits_loss(double y, double z){
  if( z>=0.0 ){
    if( z>1.7976931348623157e308 ) return y==1.0 ? 0.0 : INFINITY;
    return (1.0-y)*z + bce_log1p(bce_exp(-z));
  }
  if( z< -1.7976931348623157e308 ) return y==0.0 ? 0.0 : INFINITY;
  return y*(-z) + bce_log1p(bce_exp(z));
}

/* dl/dz / n = (sigmoid(z) - y) / n.  For z >= 0 it is taken as
** (1-y) - sigmoid(-z): for y = 1 that is -sigmoid(-z), exact to the last
** bit where sigmoid(z) - 1 would be 0 (z > 37), and for a soft label near
** 1 the difference 1-y is exact.  +-Inf give the limits 1-y and -y. */
BCE_PRIVATE double bce_logits_grad(double y, double z, double n);

/* w*l(y, z) for a finite w >= 0: rounded once, 0 for w = 0 (even where l
** is +Inf), kept where l alone is below 2^-1022. */
BCE_PRIVATE double bce_logits_wloss(double y, double z, double w);

#endif
