/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "exact_sum.h"
#include "logits.h"
#include "loss.h"
#include "arrays.h"

BCE_PRIVATE void bce_array_pairs_open(bce_array_pairs *it, const char *y,
                                      size_t ny, const char *p, size_t np,
                                      bce_array_kind kind){
  it->kind = kind;
  bce_json_open(&it->y, y, ny);
  bce_json_open(&it->p, p, np);
}

BCE_PRIVATE int bce_array_element(bce_json_array *a, int arg, double *x,
                                  bce_array_error *err){
  size_t at = 0, len = 0;
  switch( bce_json_next(a, x, &at, &len) ){
    case BCE_JSON_NUMBER:
      return 1;
    case BCE_JSON_END:
      return 0;
    case BCE_JSON_NOT_NUMBER:
      err->status = BCE_ARRAY_NOT_NUMBER;
      err->index = a->count;
      err->len = len;
      break;
    default:
      err->status = BCE_ARRAY_MALFORMED;
      break;
  }
  err->arg = arg;
  err->at = at;
  return -1;
}

static int domain(bce_array_error *err, int arg, int64_t index, double x){
  err->status = BCE_ARRAY_DOMAIN;
  err->arg = arg;
  err->index = index;
  err->value = x;
  return -1;
}

/* the elements left in a, for the message about unequal lengths */
static int count_rest(bce_json_array *a, int arg, bce_array_error *err){
  double x;
  int r;
  while( (r = bce_array_element(a, arg, &x, err))==1 ){}
  return r;
}

BCE_PRIVATE int bce_array_pairs_next(bce_array_pairs *it, double *y, double *p,
                                     bce_array_error *err){
  int ry, rp;
  ry = bce_array_element(&it->y, 0, y, err);
  if( ry<0 ) return -1;
  if( ry>0 && !(*y>=0.0 && *y<=1.0) ){
    return domain(err, 0, it->y.count - 1, *y);
  }
  rp = bce_array_element(&it->p, 1, p, err);
  if( rp<0 ) return -1;
  if( rp>0 && it->kind==BCE_ARRAY_PROB && !(*p>=0.0 && *p<=1.0) ){
    return domain(err, 1, it->p.count - 1, *p);
  }
  if( ry && rp ) return 1;
  if( !ry && it->y.count==0 ){
    err->status = BCE_ARRAY_EMPTY;
    err->arg = 0;
    return -1;
  }
  if( !rp && it->p.count==0 ){
    err->status = BCE_ARRAY_EMPTY;
    err->arg = 1;
    return -1;
  }
  if( !ry && !rp ) return 0;
  /* one has ended, the other not: count the rest of the longer one */
  if( (ry ? count_rest(&it->y, 0, err) : count_rest(&it->p, 1, err))<0 ){
    return -1;
  }
  err->status = BCE_ARRAY_LENGTH;
  err->arg = 0;                          /* the message names both */
  err->ny = it->y.count;
  err->np = it->p.count;
  return -1;
}

BCE_PRIVATE int bce_array_row_loss(bce_array_pairs *it, double eps,
                                   double *loss, bce_array_error *err){
  bce_sum sum;
  double y, p;
  int r, inf = 0;
  bce_sum_clear(&sum);
  while( (r = bce_array_pairs_next(it, &y, &p, err))==1 ){
    double l = it->kind==BCE_ARRAY_LOGITS ? bce_logits_loss(y, p)
                                        : bce_loss(y, p, eps);
    if( isinf(l) ){
      inf = 1;
    }else{
      bce_sum_add(&sum, l, +1);
    }
  }
  if( r<0 ) return 0;
  *loss = inf ? INFINITY : bce_sum_div(&sum, (double)bce_array_pairs_count(it));
  return 1;
}
