/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "mean.h"
#include "fma.h"

/* For wl = w*l rounded, below 2^-1022: *scaled is w*l times 2^1074
** rounded to 53 bits -- the product of the two mantissas (in [1/4, 1), so
** it rounds as w*l would without an exponent floor), then the exponents;
** below 2^-2096 that is itself subnormal, off by at most 2^-2148 of w*l.
** Returns whether wl is w*l exactly, as a subnormal product can be. */
static int exact_product(double w, double l, double wl, double *scaled){
  int ew, el;
  double mw = frexp(w, &ew);
  double ml = frexp(l, &el);
  double p = mw*ml;
  *scaled = ldexp(p, ew + el + 1074);
  return bce_fma(mw, ml, -p)==0.0 && ldexp(wl, 1074)==*scaled;
}

BCE_PRIVATE void bce_mean_add_small(bce_mean *m, double w, double l, double wl,
                                    int sign){
  double scaled;
  if( exact_product(w, l, wl, &scaled) ){
    bce_sum_add(&m->loss, wl, sign);
  }else{
    bce_sum_add(&m->tiny, scaled, sign);
    m->nTiny += sign;
  }
}

/* The binary exponent of the sum times 2^k, as ilogb() gives it, for a
** sum that is not zero.  Read at 2^-128 first (the limbs reach 2^1102, so
** that is finite), and again at 2^1074 if that was subnormal. */
static int sum_ilogb(bce_sum *s, int k){
  double v = bce_sum_value_scaled(s, -128);
  if( fabs(v)>=0x1p-1022 ) return ilogb(v) + 128 + k;
  return ilogb(bce_sum_value_scaled(s, 1074)) - 1074 + k;
}

BCE_PRIVATE bce_mean_status bce_mean_value(bce_mean *m, double *value){
  double total;
  if( m->nWeight==0 ) return BCE_MEAN_EMPTY;
  if( m->nInf>0 ){
    *value = INFINITY;
    return BCE_MEAN_VALUE;
  }
  if( !m->weighted ){
    *value = bce_sum_div(&m->loss, (double)m->nRow);
    return BCE_MEAN_VALUE;
  }
  total = bce_sum_value(&m->weight);
  if( !isfinite(total) ) return BCE_MEAN_WEIGHT_OVERFLOW;
  if( m->nTiny>0 ){
    /* (loss + tiny/2^1074) / total, the numerator scaled by 2^-kn and the
    ** total by 2^-kd so that each is near 1: nothing underflows or
    ** overflows on the way, whatever the two magnitudes (a loss near
    ** 1e308 beside a product below 2^-1022 once made the mean +Inf) */
    int kd = ilogb(total), kn = sum_ilogb(&m->tiny, -1074);
    double num;
    if( bce_sum_value(&m->loss)!=0.0 ){
      int kl = sum_ilogb(&m->loss, 0);
      if( kl>kn ) kn = kl;
    }
    num = bce_sum_value_scaled(&m->loss, -kn)
        + bce_sum_value_scaled(&m->tiny, -kn - 1074);
    *value = ldexp(num/bce_sum_value_scaled(&m->weight, -kd), kn - kd);
    return BCE_MEAN_VALUE;
  }
  /* sum(w*l) may be past the double range where the mean is not (logits
  ** near 1e308): bce_sum_div() reads it scaled */
  *value = bce_sum_div(&m->loss, total);
  return BCE_MEAN_VALUE;
}
