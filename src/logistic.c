#include <math.h>
#include "logistic.h"

BCE_PRIVATE double bce_sigmoid(double x){
  if( x>=0.0 ){
    return 1.0/(1.0 + exp(-x));
  }else{
    double e = exp(x);
    return e/(1.0 + e);
  }
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
