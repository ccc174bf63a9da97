/* SPDX-License-Identifier: MIT */
#include "logistic.h"
#include "logits.h"

BCE_PRIVATE double bce_logits_grad(double y, double z, double n){
  double g;
  if( z>=0.0 ){
    g = (1.0-y) - bce_sigmoid(-z);
  }else{
    g = bce_sigmoid(z) - y;
  }
  return n==1.0 ? g : g/n;
}
