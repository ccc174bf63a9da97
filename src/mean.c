#include <math.h>
#include "mean.h"

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
  return fma(mw, ml, -p)==0.0 && ldexp(wl, 1074)==*scaled;
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
    /* (loss + tiny/2^1074) / total, all three scaled by 2^k so that the
    ** total is in [1, 2): nothing underflows on the way */
    int k = -ilogb(total);
    double loss;
    total = bce_sum_value_scaled(&m->weight, k);
    loss = bce_sum_value_scaled(&m->loss, k)
         + bce_sum_value_scaled(&m->tiny, k - 1074);
    *value = loss/total;
    return BCE_MEAN_VALUE;
  }
  /* sum(w*l) may be past the double range where the mean is not (logits
  ** near 1e308): bce_sum_div() reads it scaled */
  *value = bce_sum_div(&m->loss, total);
  return BCE_MEAN_VALUE;
}
