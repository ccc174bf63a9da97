/*
** Binary cross-entropy of one prediction, and its derivative.
**
**   l(y, p) = -[ y*ln(q) + (1-y)*ln(1-q) ],   q = min(max(p, eps), 1-eps)
**
** The clip is scikit-learn's (log_loss, eps = 1e-15 up to version 1.1):
** without it one certain-and-wrong row makes the mean +Inf.  eps = 0 turns
** it off.
**
** Why the formula is written the way it is:
**  - ln(1-q) is log1p(-q): 1-q rounds away everything below 2^-53, so
**    log(1-q) would be exactly 0 for q < 1.1e-16.
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

#define BCE_DEFAULT_EPS 1e-15

static inline double bce_clip(double p, double eps){
  double hi = 1.0 - eps;
  return p<eps ? eps : (p>hi ? hi : p);
}

static inline double bce_loss(double y, double p, double eps){
  double q = bce_clip(p, eps);
  if( y==1.0 ) return 0.0 - log(q);
  if( y==0.0 ) return 0.0 - log1p(-q);
  return 0.0 - (y*log(q) + (1.0-y)*log1p(-q));
}

/* dl/dp at the clipped q, divided by n (n = the batch size gives the
** gradient of the mean).  Soft labels use (q-y)/(q(1-q)), the same value as
** -(y/q - (1-y)/(1-q)) without the cancellation between the two quotients. */
double bce_grad(double y, double p, double eps, double n);

#endif
