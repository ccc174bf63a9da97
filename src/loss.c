#include "loss.h"

BCE_PRIVATE double bce_grad(double y, double p, double eps, double n){
  double q = bce_clip(p, eps);
  double g;
  if( y==1.0 ){
    g = -1.0/q;
  }else if( y==0.0 ){
    g = 1.0/(1.0-q);
  }else{
    g = (q-y)/(q*(1.0-q));
  }
  return n==1.0 ? g : g/n;
}
