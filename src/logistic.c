/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "logistic.h"

/* 1/(1+e) for x >= 0 and e/(1+e) for x < 0, with e = e^-|x| in (0, 1]:
** e never overflows.  s = 1+e rounds, and that rounding alone would cost
** up to half an ulp more than exp() and the division do (2.06 ulp was
** seen at x = -4.154168081478287); err = (1-s)+e is exactly what it lost
** (Fast2Sum: 1 >= e), so r = f/s is corrected by its first-order term
** -r*err/s, which leaves the errors of exp() and of the division. */
BCE_PRIVATE double bce_sigmoid(double x){
  double e = exp(-fabs(x));
  double s = 1.0 + e;
  double err = (1.0 - s) + e;
  double r = (x>=0.0 ? 1.0 : e)/s;
  return r - r*(err/s);
}

/* Below 1/4 the two logarithms cannot cancel (|ln p| > 1.38 > |ln(1-p)|).
** From 1/4 up, 2p-1 is exact, and logit(p) = 2*atanh(2p-1) keeps full
** relative accuracy near p = 1/2, where ln(p/(1-p)) would lose it, and near
** p = 1, where atanh works from 1-(2p-1) = 2(1-p), also exact. */
BCE_PRIVATE double bce_logit(double p){
  if( p<0.25 ){
    return log(p) - log1p(-p);
  }
  return 2.0*atanh(2.0*p - 1.0);
}
