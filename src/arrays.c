/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "exact_sum.h"
#include "logits.h"
#include "loss.h"
#include "binary_opt.h"
#include "arrays.h"

BCE_PRIVATE void bce_array_pairs_open(bce_array_pairs *it, const char *y,
                                      size_t ny, const char *p, size_t np,
                                      bce_array_kind kind){
  it->kind = kind;
  bce_json_open(&it->y, y, ny);
  bce_json_open(&it->p, p, np);
}

/* bce_array_element(); with null_ok, 2 for a JSON null (skipped) */
static int element(bce_json_array *a, int arg, double *x, int null_ok,
                   bce_array_error *err){
  size_t at = 0, len = 0;
  switch( bce_json_next(a, x, &at, &len) ){
    case BCE_JSON_NUMBER:
      return 1;
    case BCE_JSON_END:
      return 0;
    case BCE_JSON_NOT_NUMBER:
      if( null_ok && bce_json_skip_null(a, at, len) ) return 2;
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

BCE_PRIVATE int bce_array_element(bce_json_array *a, int arg, double *x,
                                  bce_array_error *err){
  return element(a, arg, x, 0, err);
}

static int domain(bce_array_error *err, int arg, int64_t index, double x){
  err->status = BCE_ARRAY_DOMAIN;
  err->arg = arg;
  err->index = index;
  err->value = x;
  return -1;
}

/* the elements left in a, for the message about unequal lengths (y's
** nulls count: they are elements) */
static int count_rest(bce_json_array *a, int arg, bce_array_error *err){
  double x;
  int r;
  while( (r = element(a, arg, &x, arg==0, err))>0 ){}
  return r;
}

BCE_PRIVATE int bce_array_pairs_next(bce_array_pairs *it, double *y, double *p,
                                     bce_array_error *err){
  int ry, rp;
  ry = element(&it->y, 0, y, 1, err);
  if( ry<0 ) return -1;
  if( ry==1 && !(*y>=0.0 && *y<=1.0) ){
    return domain(err, 0, it->y.count - 1, *y);
  }
  rp = bce_array_element(&it->p, 1, p, err);
  if( rp<0 ) return -1;
  if( rp>0 && it->kind==BCE_ARRAY_PROB && !(*p>=0.0 && *p<=1.0) ){
    return domain(err, 1, it->p.count - 1, *p);
  }
  if( ry && rp ) return ry;
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

BCE_PRIVATE int bce_array_check_pos_weights(const bce_array_pairs *it,
                                            const bce_options *o,
                                            bce_array_error *err){
  int64_t k = bce_array_pairs_count(it);
  if( o->n_pos_weights==0 || o->n_pos_weights==k ) return 1;
  err->status = BCE_ARRAY_OPTION_LENGTH;
  err->arg = 1;
  err->first = BCE_OPT_POS_WEIGHT;
  err->ny = o->n_pos_weights;
  err->np = k;
  return 0;
}

/* The options of element i: its own pos_weight where they are an array
** (i < n_pos_weights: a longer row is the caller's error) */
static void element_options(const bce_options *o, int64_t i,
                            bce_binary_opt *b){
  if( o->n_pos_weights>0 && i<o->n_pos_weights ){
    b->pos_weight = o->pos_weights[i];
  }
}

BCE_PRIVATE double bce_array_element_grad(bce_array_kind kind, double y,
                                          double p, double nk, int64_t i,
                                          const bce_options *o){
  bce_binary_opt b;
  bce_binary_opt_of(o, &b);
  element_options(o, i, &b);
  return kind==BCE_ARRAY_LOGITS ? bce_opt_logits_grad(y, p, nk, &b)
                                : bce_opt_grad(y, p, nk, &b);
}

/* The row's labelled elements' losses (options o), each times w 2^k
** rounded once, summed into *sum: the number of them, or -1 where one is
** +Inf.  it is a copy at the row's start, read once already without
** error. */
static int64_t scaled_sum(bce_array_pairs it, const bce_options *o, double w,
                          int k, bce_sum *sum){
  bce_binary_opt b;
  bce_array_error err;
  double y, p;
  int64_t n = 0;
  int r;
  bce_binary_opt_of(o, &b);
  bce_sum_clear(sum);
  while( (r = bce_array_pairs_next(&it, &y, &p, &err))>0 ){
    double l;
    if( r==2 ) continue;                               /* missing label */
    element_options(o, bce_array_pairs_count(&it) - 1, &b);
    l = bce_opt_loss_scaled(y, p, it.kind==BCE_ARRAY_LOGITS, w, k, &b);
    if( isinf(l) ) return -1;
    bce_sum_add(sum, l, +1);
    n++;
  }
  return n;
}

/* Scales of the element losses where one is past DBL_MAX while the mean
** may not be (2^-128: a loss up to 2^1152), or where the mean is below
** 2^-1018 and a weight w > 1 brings it back (w l < 2^6, so w times an
** element is below K 2^6: at 2^600 none overflows, and a product down to
** 2^-1674 is normal) */
#define ROW_SCALE_HUGE (-128)
#define ROW_SCALE_TINY 600

/* w times the loss of the row's one labelled element, as bce_term(y, p, w)
** gives it for that element alone (ext/scalars.c): bce_opt_wloss() */
static double one_element_wloss(bce_array_pairs it, const bce_options *o,
                                double w){
  bce_binary_opt b;
  bce_array_error err;
  double y, x, l;
  int r, logits = it.kind==BCE_ARRAY_LOGITS;
  bce_binary_opt_of(o, &b);
  while( (r = bce_array_pairs_next(&it, &y, &x, &err))==2 ){}
  if( BCE_NEVER(r<=0) ) return 0.0;
  element_options(o, bce_array_pairs_count(&it) - 1, &b);
  l = logits ? bce_opt_logits_loss(y, x, &b) : bce_opt_loss(y, x, &b);
  return bce_opt_wloss(y, x, logits, w, l, &b);
}

BCE_PRIVATE double bce_array_row_wloss(const bce_array_pairs *it,
                                       const bce_options *o, double w,
                                       double l){
  bce_sum sum;
  int64_t n;
  if( w==0.0 ) return 0.0;
  if( !(w>1.0 && l<0x1p-1018) ) return w*l;
  /* the mean, rounded, has lost bits among the subnormals: w times each
  ** element loss again, scaled, each rounded once (as bce_opt_wloss()) */
  n = scaled_sum(*it, o, w, ROW_SCALE_TINY, &sum);
  if( BCE_NEVER(n<=0) ) return w*l;
  /* one element: the scalar's own w l (docs/accuracy.md: a one-element
  ** array gives the scalar's bits); at 2^600 it would round to 53 bits
  ** first and again in ldexp(), where a tie the first rounding made goes
  ** to even */
  if( n==1 ) return one_element_wloss(*it, o, w);
  return ldexp(bce_sum_div(&sum, (double)n), -ROW_SCALE_TINY);
}

BCE_PRIVATE int bce_array_row_loss(bce_array_pairs *it, const bce_options *o,
                                   double *loss, bce_array_error *err){
  bce_sum sum;
  bce_binary_opt b;
  double y, p;
  int64_t labelled = 0;
  int r, inf = 0, plain;
  const bce_array_pairs start = *it;
  bce_binary_opt_of(o, &b);
  /* the 0.2.0 path, when no option changes the element's loss */
  plain = bce_binary_opt_plain(&b) && o->n_pos_weights==0;
  bce_sum_clear(&sum);
  while( (r = bce_array_pairs_next(it, &y, &p, err))>0 ){
    int64_t i = bce_array_pairs_count(it) - 1;
    double l;
    if( r==2 ) continue;                               /* missing label */
    if( o->n_pos_weights>0 && i>=o->n_pos_weights ) continue;  /* below */
    labelled++;
    if( plain ){
      l = it->kind==BCE_ARRAY_LOGITS ? bce_logits_loss(y, p)
                                     : bce_loss(y, p, o->eps);
    }else{
      element_options(o, i, &b);
      l = it->kind==BCE_ARRAY_LOGITS ? bce_opt_logits_loss(y, p, &b)
                                     : bce_opt_loss(y, p, &b);
    }
    if( isinf(l) ){
      inf = 1;
    }else{
      bce_sum_add(&sum, l, +1);
    }
  }
  if( r<0 || !bce_array_check_pos_weights(it, o, err) ) return 0;
  if( labelled==0 ) return 2;
  if( inf && !plain ){
    /* an element's loss past DBL_MAX, its mean maybe not: the element
    ** losses again, scaled down */
    *loss = scaled_sum(start, o, 1.0, ROW_SCALE_HUGE, &sum)<0 ? INFINITY
          : ldexp(bce_sum_div(&sum, (double)labelled), -ROW_SCALE_HUGE);
    return 1;
  }
  *loss = inf ? INFINITY : bce_sum_div(&sum, (double)labelled);
  return 1;
}
