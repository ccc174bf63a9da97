/* SPDX-License-Identifier: MIT */
/*
** Binary cross-entropy of one prediction, and its derivative.
**
**   l(y, p) = -[ y*ln(q) + (1-y)*ln(1-q) ],   q = min(max(p, eps), 1-eps)
**
** The clip is scikit-learn's: log_loss clips at 2^-52, numpy's float64
** eps, by default since 1.2 and always since 1.5 (1e-15 up to 1.1, and in
** 0.2.0 here; docs/conventions.md).  Without it one certain-and-wrong row
** makes the mean +Inf.  eps = 0 turns it off.  1 - 2^-52 is a double, so
** at the default both ends of the clip are exact and give the same loss,
** -ln(2^-52) = 36.04 at most, -ln(1 - 2^-52), about 2^-52, at least.
**
** Why the formula is written the way it is:
**  - ln(1-q) is not log(1-q): 1-q rounds away everything below 2^-53, so
**    that would be exactly 0 for q < 1.1e-16.  It is ln(u) + e/u, u = 1-q
**    rounded and e the rounding error, as accurate as log1p(-q).
**  - A hard label (y exactly 0 or 1) takes one logarithm, so 0*ln(0) is
**    never formed: with eps = 0, l(0, 0) is 0, not NaN.  It is also the
**    fast path, as most tables hold hard labels.
**  - Results are formed as 0.0 - x so that a zero loss is +0.0, never -0.0.
**
** The caller validates the domain (y, p in [0, 1], eps in [0, 0.5)); these
** functions never see NaN.
*/
#ifndef BCE_LOSS_H
#define BCE_LOSS_H

#include <math.h>
#include <stdint.h>
#include "bits.h"
#include "elementary.h"

#define BCE_DEFAULT_EPS 0x1p-52     /* 2.220446049250313e-16 */

/* A max then a min: at and past each bound it gives the bound, as
** np.clip does (docs/performance.md says why this form). */
static inline double bce_clip(double p, double eps){
  double hi = 1.0 - eps;
  double q = p>eps ? p : eps;
  return q<hi ? q : hi;
}

/* ln(1-q) = ln(u) + e/u to within 2^-107 relative, where u = 1-q rounded
** and e = (1-u)-q is exactly what the rounding lost (Fast2Sum: 1 >= q).
** Same accuracy as log1p(-q), at the price of log(): it is the same
** logarithm call for both labels, so a hard label takes no data-dependent
** branch.  u = 0 only when q = 1, and then e = 0: the max() keeps 0/0 out. */
typedef struct bce_one_minus {
  double u;     /* 1-q rounded */
  double c;     /* ln(1-q) - ln(u), to first order e/u */
} bce_one_minus;

static inline bce_one_minus bce_one_minus_q(double q){
  bce_one_minus r;
  double e, d;
  r.u = 1.0 - q;
  e = (1.0 - r.u) - q;
  d = r.u > 0x1p-1022 ? r.u : 0x1p-1022;
  r.c = e/d;
  return r;
}

/* A soft label's loss at the clipped q, out of line (src/loss.c): the hard
** labels' path stays as short as it was. */
BCE_PRIVATE double bce_soft_loss(double y, double q);

/* A hard label's loss is one correctly rounded logarithm (src/
** elementary.c): -ln q, or -ln(1-q) as ln(u + c) of the exact u + c =
** 1 - q.  So it is the same double on every platform, and the one a
** correct implementation must give.  y in [0, 1] (or -0) is 0 or 1
** exactly when its bits minus 1, unsigned, are at least 1.0's minus 1
** (0 and -0 wrap around; every y strictly between has smaller bits): one
** compare.  The two labels then take the same instructions, as a branch
** on y is mispredicted every other row of randomly ordered labels
** (docs/performance.md): y q + (1-y) u and (1-y) c are exact for y in
** {0, 1, -0} (one product is q, u or c itself, the other +-0), and
** cheaper than selecting by masks (callgrind, docs/performance.md). */
static inline int bce_is_hard_label(double y){
  return bce_bits(y) - 1u >= UINT64_C(0x3fefffffffffffff);
}

BCE_ALWAYS_INLINE double bce_loss(double y, double p, double eps){
  double q = bce_clip(p, eps);
  if( bce_is_hard_label(y) ){
    double ny = 1.0 - y;
    double u = 1.0 - q;
    double c = (1.0 - u) - q;                 /* exact: Fast2Sum, 1 >= q */
    return 0.0 - bce_log_sum(y*q + ny*u, ny*c);
  }
  return bce_soft_loss(y, q);
}

/* dl/dp at the clipped q, divided by n (n = the batch size gives the
** gradient of the mean).  Soft labels use (q-y)/(q(1-q)), the same value as
** -(y/q - (1-y)/(1-q)) without the cancellation between the two quotients. */
BCE_PRIVATE double bce_grad(double y, double p, double eps, double n);

/* w*l for a finite w > 0 (w = 0 is the caller's: 0 even where l is
** +Inf) and l = bce_loss(y, p, eps), which the caller has: rounded once,
** kept where l alone is below 2^-1018 (a soft label and q that small, eps
** = 0: src/loss.c, out of line).  y = 1 cannot get there: its l is 0 or
** at least 2^-53. */
BCE_PRIVATE double bce_wloss_tiny(double y, double p, double eps, double w);

static inline double bce_wloss(double y, double p, double eps, double w,
                               double l){
  if( w>1.0 && l>0.0 && l<0x1p-1018 && y!=0.0 && BCE_ALWAYS(y!=1.0) ){
    return bce_wloss_tiny(y, p, eps, w);
  }
  return w*l;
}

#endif
