/* SPDX-License-Identifier: MIT */
/*
** The per-row functions.  Each returns NULL when any argument is NULL and
** fails on an argument outside its domain (rules 1 to 5).  A body serves
** every function of its shape; the descriptor (ext/registry.h) says which
** formula and which argument list:
**
**   bce_term(y, p [, w [, eps]])  w*l(y, p) of one row, the clip as in bce()
**   bce_logits_term(y, z [, w])   w*l(y, z) of one row from a logit
**   bce_grad(y, p [, n [, eps]])  dl/dp / n at the clipped p
**   bce_logits_grad(y, z [, n])   dl/dz / n = (sigmoid(z) - y) / n
**
** One argument order for the family: a term takes (y, p or z, w, eps) as
** the aggregates do, a gradient (y, p or z, n, eps).  An options object
** (issue 21, ext/options.h) may take the last place instead, third or
** fourth: bce_term(y, p, options), bce_logits_grad(y, z, n, options).
**   sigmoid(x), logit(p)          xUnary of the descriptor
**   bce_version()                 the version string of src/version.h
**
** The term and gradient functions also take y and p (or z) as JSON arrays
** (rule 9, ext/array_args.h): a term is then the mean over the elements, a
** gradient the JSON array of the element gradients, each divided by n*K.
*/
#include <math.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "array_args.h"
#include "options.h"
#include "registry.h"
#include "../src/binary_opt.h"
#include "../src/logits.h"
#include "../src/loss.h"
#include "../src/version.h"

/* Reads y, p (or z) and the optional w or n and eps into v[], and the
** options: *o when the last argument is an options object (parsed once
** per statement when it is constant), else 0 and the 0.2.0 eps in v[3].
** The fast pair first, as the aggregates do.  Returns 0 when the result
** is set (NULL or an error); *argc becomes the count of number
** arguments. */
static int read_row(sqlite3_context *ctx, const BceFunc *f, int *argc,
                    sqlite3_value **argv, double *v, int *arrays,
                    bce_options_room *room, const bce_options **o){
  bce_domain x = f->eLoss==BCE_LOSS_LOGITS ? BCE_ANY : BCE_UNIT;
  int n = *argc;
  *o = 0;
  if( n==2 && bce_read_pair(argv, x, &v[0], &v[1]) ) return 1;
  if( n>=3 && sqlite3_value_type(argv[n-1])==SQLITE_TEXT
   && bce_is_options_arg(argv[n-1]) ){
    n--;
  }else if( n==4 && f->eLoss==BCE_LOSS_LOGITS ){
    return bce_options_arg_missing(ctx, 4, argv);
  }
  if( bce_read_args(ctx, n, argv, f->aParam, v, arrays)!=BCE_READ_OK ){
    return 0;
  }
  if( n<*argc ){
    if( !bce_scalar_options_in(ctx, n, argv[n], room, o) ) return 0;
    *argc = n;
  }
  return 1;
}

/* 1 when the options o (or 0) have a binary key that changes the loss of
** a row of numbers: then *b holds them for src/binary_opt.h's formulas;
** -1 when the error is set. */
static int binary_options(sqlite3_context *ctx, const bce_options *o,
                          int arrays, bce_binary_opt *b){
  if( o==0 || !(o->keys & BCE_OPT_BINARY_KEYS) || arrays ) return 0;
  if( !bce_options_number_row(ctx, o) ) return -1;
  bce_binary_opt_of(o, b);
  return !bce_binary_opt_plain(b);
}

/* The options a row of JSON arrays takes whole (src/arrays.h): o, or
** the defaults with the eps of the call in room. */
static const bce_options *array_options(const bce_options *o,
                                        bce_options_room *room, double eps){
  if( o ) return o;
  bce_options_init(&room->opt);
  room->opt.eps = eps;
  return &room->opt;
}

BCE_PRIVATE void bce_term_func(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv){
  const BceFunc *f = bce_func(ctx);
  int logits = f->eLoss==BCE_LOSS_LOGITS;
  double v[4] = {0.0, 0.0, 0.0, 0.0}, w, eps, l;  /* set by the readers;
                                                  ** gcc cannot see it */
  int arrays = 0, opt;
  bce_options_room room;
  const bce_options *o;
  bce_binary_opt b;
  if( !read_row(ctx, f, &argc, argv, v, &arrays, &room, &o) ) return;
  w = argc>=3 ? v[2] : 1.0;
  eps = o ? o->eps : argc==4 ? v[3] : BCE_DEFAULT_EPS;
  opt = binary_options(ctx, o, arrays, &b);
  if( opt<0 ) return;
  if( arrays ){
    int r;
    o = array_options(o, &room, eps);
    r = bce_row_array_loss(ctx, f->aParam,
                           logits ? BCE_ARRAY_LOGITS : BCE_ARRAY_PROB, o,
                           argv, arrays, &l);
    if( r==2 ) sqlite3_result_null(ctx);         /* no labelled element */
    if( r!=1 ) return;
    if( isinf(l) && w!=0.0
     && bce_row_array_pos_weight_overflow(ctx, f->aParam,
                          logits ? BCE_ARRAY_LOGITS : BCE_ARRAY_PROB, o,
                          argv, arrays) ){
      return;
    }
  }else if( opt ){
    l = logits ? bce_opt_logits_loss(v[0], v[1], &b)
               : bce_opt_loss(v[0], v[1], &b);
    /* rule 2: a row of weight 0 counts for nothing, even infinite */
    if( isinf(l) && w!=0.0
     && bce_options_loss_overflow(ctx, v[0], v[1], logits, l, &b) ){
      return;
    }
  }else{
    l = logits ? bce_logits_loss(v[0], v[1]) : bce_loss(v[0], v[1], eps);
  }
  /* what the row adds to bce()'s numerator: a row of weight 0 counts for
  ** nothing, even with an infinite loss (rule 2); w*l past the largest
  ** double is the aggregate's error too (rule 7) */
  if( w==0.0 ){
    sqlite3_result_double(ctx, 0.0);
  }else if( isfinite(l) && isinf(w*l) ){
    bce_error(ctx, "w*loss overflows a double; scale the weights down");
  }else if( opt ){
    sqlite3_result_double(ctx, bce_opt_wloss(v[0], v[1], logits, w, l, &b));
  }else if( !arrays ){
    /* w*l also where l alone is below 2^-1022 (src/logits.c, src/loss.c) */
    sqlite3_result_double(ctx, logits ? bce_logits_wloss(v[0], v[1], w)
                                      : bce_wloss(v[0], v[1], eps, w, l));
  }else{
    sqlite3_result_double(ctx, bce_row_array_wloss(ctx, f->aParam,
                          logits ? BCE_ARRAY_LOGITS : BCE_ARRAY_PROB, o,
                          argv, arrays, w, l));
  }
}

BCE_PRIVATE void bce_grad_func(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv){
  const BceFunc *f = bce_func(ctx);
  int logits = f->eLoss==BCE_LOSS_LOGITS;
  double v[4] = {0.0, 0.0, 0.0, 0.0}, n, eps;  /* set by the readers; gcc
                                              ** cannot see it */
  int arrays = 0, opt;
  bce_options_room room;
  const bce_options *o;
  bce_binary_opt b;
  if( !read_row(ctx, f, &argc, argv, v, &arrays, &room, &o) ) return;
  n = argc>=3 ? v[2] : 1.0;
  eps = o ? o->eps : argc==4 ? v[3] : BCE_DEFAULT_EPS;
  opt = binary_options(ctx, o, arrays, &b);
  if( opt<0 ) return;
  if( arrays ){
    o = array_options(o, &room, eps);
    bce_result_array_grad(ctx, f->aParam,
                          logits ? BCE_ARRAY_LOGITS : BCE_ARRAY_PROB, argv,
                          arrays, n, o);
    return;
  }
  if( opt ){
    sqlite3_result_double(ctx, logits ? bce_opt_logits_grad(v[0], v[1], n, &b)
                                      : bce_opt_grad(v[0], v[1], n, &b));
    return;
  }
  sqlite3_result_double(ctx, logits ? bce_logits_grad(v[0], v[1], n)
                                    : bce_grad(v[0], v[1], eps, n));
}

BCE_PRIVATE void bce_unary_func(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv){
  const BceFunc *f = bce_func(ctx);
  double x;
  if( bce_read_args(ctx, argc, argv, f->aParam, &x, 0)!=BCE_READ_OK ) return;
  sqlite3_result_double(ctx, f->xUnary(x));
}

BCE_PRIVATE void bce_version_func(sqlite3_context *ctx, int argc,
                                  sqlite3_value **argv){
  (void)argc;
  (void)argv;
  sqlite3_result_text(ctx, BCE_VERSION, -1, SQLITE_STATIC);
}
