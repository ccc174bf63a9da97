/* SPDX-License-Identifier: MIT */
/*
** bce(y, p), bce(y, p, w), bce(y, p, w, eps), and bce_logits(y, z),
** bce_logits(y, z, w): the mean log loss, as an aggregate and as a window
** function (docs/functions.md).  One implementation: a row's loss is
** src/loss.h's for a probability and src/logits.h's for a logit, or the
** mean over a row of JSON arrays (rule 9); the rows go into a bce_mean
** (src/mean.h), which owns the exact sums and the result.
**
** Each registered step below is one line that calls step() with its
** arity, direction and formula as constants, so that the compiler builds
** a path per function: bce(y, p, w) has no eps and no logit in it.
*/
#include <math.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "array_args.h"
#include "options.h"
#include "registry.h"
#include "../src/logits.h"
#include "../src/loss.h"
#include "../src/mean.h"

/* The aggregate context (ext/options.h): zeroed by SQLite on the first
** row; the rows go into its bce_mean. */
static bce_mean *agg_context(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, sizeof(*a));
  if( a==0 ){
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  return &a->m;
}

BCE_PRIVATE int bce_agg_same_eps(sqlite3_context *ctx, bce_mean *a,
                                 double eps){
  char got[32], first[32];
  if( !a->hasEps ){
    a->eps = eps;
    a->hasEps = 1;
    return 1;
  }
  if( eps==a->eps ) return 1;
  bce_format_double(got, eps);
  bce_format_double(first, a->eps);
  bce_error(ctx, "eps must be the same in every row, got %s after %s", got,
            first);
  return 0;
}

/* One row in (sign = +1) or out (sign = -1).  Arrays are only looked for
** once a fast read has failed. */
BCE_ALWAYS_INLINE void step(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv, int sign, int logits){
  const bce_param *param = logits ? bce_params_logits : bce_params_prob;
  double v[4];
  double eps, w, l;
  int arrays = 0;
  bce_mean *a;
  if( bce_read_pair(argv, param[1].domain, &v[0], &v[1]) ){
    if( argc>2 && bce_read_args(ctx, argc-2, argv+2, param+2, v+2, 0)
                  !=BCE_READ_OK ){
      return;
    }
  }else if( bce_read_args(ctx, argc, argv, param, v, &arrays)!=BCE_READ_OK ){
    return;                                         /* rules 1, 3 and 4 */
  }
  a = agg_context(ctx);
  if( a==0 ) return;
  eps = BCE_DEFAULT_EPS;
  if( argc==4 ){
    eps = v[3];
    if( !bce_agg_same_eps(ctx, a, eps) ) return;    /* rule 6 */
  }
  w = argc>=3 ? v[2] : 1.0;
  a->weighted = argc>=3;
  if( arrays ){
    if( !bce_row_array_loss(ctx, param,
                            logits ? BCE_ARRAY_LOGITS : BCE_ARRAY_PROB, eps,
                            argv, arrays, &l) ){
      return;
    }
  }else{
    l = logits ? bce_logits_loss(v[0], v[1]) : bce_loss(v[0], v[1], eps);
  }
  if( sign>0 && w>0.0 && isfinite(l) && isinf(w*l) ){   /* rule 7 */
    bce_error(ctx, "w*loss overflows a double; scale the weights down");
    return;
  }
  bce_mean_add(a, l, w, sign);
}

BCE_PRIVATE void bce_step_w(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv){
  (void)argc;
  step(ctx, 3, argv, +1, 0);
}

BCE_PRIVATE void bce_inverse_w(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv){
  (void)argc;
  step(ctx, 3, argv, -1, 0);
}

BCE_PRIVATE void bce_step_w_eps(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv){
  (void)argc;
  step(ctx, 4, argv, +1, 0);
}

BCE_PRIVATE void bce_inverse_w_eps(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv){
  (void)argc;
  step(ctx, 4, argv, -1, 0);
}

BCE_PRIVATE void bce_logits_step(sqlite3_context *ctx, int argc,
                                 sqlite3_value **argv){
  (void)argc;
  step(ctx, 2, argv, +1, 1);
}

BCE_PRIVATE void bce_logits_inverse(sqlite3_context *ctx, int argc,
                                    sqlite3_value **argv){
  (void)argc;
  step(ctx, 2, argv, -1, 1);
}

BCE_PRIVATE void bce_logits_step_w(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv){
  (void)argc;
  step(ctx, 3, argv, +1, 1);
}

BCE_PRIVATE void bce_logits_inverse_w(sqlite3_context *ctx, int argc,
                                      sqlite3_value **argv){
  (void)argc;
  step(ctx, 3, argv, -1, 1);
}

/* bce(y, p) is the form most queries use, and most of its rows are two
** numbers in [0, 1].  Those take a path that does only what such a row
** needs, and every other row (NULL, TEXT, arrays, errors) goes to step(),
** out of line, so that the short path needs no large stack frame.  With
** the default eps the loss is finite and at most 34.6, and the weight is
** 1 (bce_mean_add_unit); the context's weighted flag stays 0, as
** sqlite3_aggregate_context() zeroed it and as step() sets it for
** bce(y, p). */
BCE_NOINLINE void step_yp_general(sqlite3_context *ctx, sqlite3_value **argv,
                                  int sign){
  step(ctx, 2, argv, sign, 0);
}

BCE_ALWAYS_INLINE void step_yp(sqlite3_context *ctx, sqlite3_value **argv,
                               int sign){
  double y, p;
  bce_mean *a;
  if( !bce_read_pair(argv, BCE_UNIT, &y, &p) ){
    step_yp_general(ctx, argv, sign);
    return;
  }
  a = agg_context(ctx);
  if( a==0 ) return;
  bce_mean_add_unit(a, bce_loss(y, p, BCE_DEFAULT_EPS), sign);
}

BCE_PRIVATE void bce_step_yp(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv){
  (void)argc;
  step_yp(ctx, argv, +1);
}

BCE_PRIVATE void bce_inverse_yp(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv){
  (void)argc;
  step_yp(ctx, argv, -1);
}

/* xValue and xFinal share this, so that a window frame and a fresh
** aggregate over the same rows give the same bits (rule 8). */
static void result(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  double mean;
  if( a==0 ) return;                                /* no rows: rule 2 */
  switch( bce_mean_value(&a->m, &mean) ){
    case BCE_MEAN_EMPTY:
      return;                                       /* NULL: rule 2 */
    case BCE_MEAN_WEIGHT_OVERFLOW:
      bce_error(ctx, "the sum of the weights overflows a double; scale "
                     "them down");                  /* rule 7 */
      return;
    case BCE_MEAN_SUM_OVERFLOW:                     /* "sum" only */
    case BCE_MEAN_VALUE:
      sqlite3_result_double(ctx, mean);
      return;
  }
}

BCE_PRIVATE void bce_mean_value_func(sqlite3_context *ctx){
  result(ctx);
}

BCE_PRIVATE void bce_mean_final_func(sqlite3_context *ctx){
  result(ctx);
}
