/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "dd.h"
#include "exact_sum.h"
#include "json_array.h"
#include "scores.h"

BCE_PRIVATE double bce_entropy_binary(double p){
  const double one = 1.0;
  double s, oh, ol, hi, lo;
  bce_dd lp, l1;
  /* H(p) = H(1 - p), and 1 - p is exact for p >= 1/2 (Sterbenz): the
  ** smaller of the two keeps its digits near 1 */
  s = p>0.5 ? 1.0 - p : p;
  if( s==0.0 ) return 0.0;                         /* 0 ln 0 = 0 */
  lp = bce_log_dd(s, 0.0);
  hi = s;
  lo = 0.0;
  bce_dd_mul(&hi, &lo, lp.hi, lp.lo);              /* s ln s */
  /* (1 - s) ln(1 - s) = (1 - s) log1p(-s), 1 - s as an exact pair: the
  ** sum and its error from the same operands (make mutate: a 1 nudged in
  ** the sum alone left the pair exact but split otherwise, and no test
  ** could prove that harmless) */
  oh = one - s;
  ol = bce_two_sum_err(one, -s, oh);
  l1 = bce_log1p_dd(-s, 0.0);
  bce_dd_mul(&oh, &ol, l1.hi, l1.lo);
  bce_dd_add(&hi, &lo, oh);
  bce_dd_add(&hi, &lo, ol);
  return -(hi + lo);
}

BCE_PRIVATE int bce_entropy_array(const char *z, size_t n, int jsonb,
                                  double *h, bce_array_error *err){
  bce_json_array a;
  bce_sum hs, ps;
  double p, sum;
  int r;
  bce_json_open_as(&a, z, n, jsonb);
  bce_sum_clear(&hs);
  bce_sum_clear(&ps);
  err->status = BCE_ARRAY_OK;
  while( (r = bce_array_element(&a, 0, &p, err))==1 ){
    if( !(p>=0.0 && p<=1.0) ){
      err->status = BCE_ARRAY_DOMAIN;
      err->arg = 0;
      err->index = a.count - 1;
      err->value = p;
      return 0;
    }
    bce_sum_add(&ps, p, +1);
    if( p>0.0 && p<1.0 ){
      bce_dd l = bce_log_dd(p, 0.0);
      double hi = p, lo = 0.0;
      bce_dd_mul(&hi, &lo, l.hi, l.lo);           /* p ln p < 0 */
      bce_sum_add(&hs, hi, -1);
      bce_sum_add(&hs, lo, -1);
    }
  }
  if( r<0 ) return 0;
  if( a.count==0 ){
    err->status = BCE_ARRAY_EMPTY;
    err->arg = 0;
    return 0;
  }
  sum = bce_sum_value(&ps);
  if( !(fabs(sum - 1.0)<=BCE_CCE_SUM_TOL) ){
    err->status = BCE_ARRAY_SUM;
    err->arg = 0;
    err->value = sum;
    return 0;
  }
  *h = bce_sum_value(&hs);
  return 1;
}
