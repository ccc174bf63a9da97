/*
** The per-row functions.  Each returns NULL when any argument is NULL and
** fails on an argument outside its domain (ext/args.h).
**
**   bce_term(y, p [, eps])   l(y, p) of one row, the clip as in bce()
**   bce_grad(y, p [, n])     dl/dp / n at the clipped p (eps = 1e-15)
**   sigmoid(x)               1/(1+e^-x) for every x, +-Inf included
**   logit(p)                 ln(p/(1-p)), -Inf at 0 and +Inf at 1
**   bce_version()            the version string of src/version.h
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "functions.h"
#include "../src/logistic.h"
#include "../src/loss.h"
#include "../src/version.h"

void bce_term_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  static const bce_param param[] = {
    {"y", BCE_UNIT}, {"p", BCE_UNIT}, {"eps", BCE_EPS}
  };
  double v[3] = {0.0, 0.0, 0.0};  /* set by the readers; gcc cannot see it */
  if( !(argc==2 && bce_read_unit_pair(argv, &v[0], &v[1]))
   && bce_read_args(ctx, "bce_term", argc, argv, param, v)!=BCE_READ_OK ){
    return;
  }
  sqlite3_result_double(ctx,
      bce_loss(v[0], v[1], argc==3 ? v[2] : BCE_DEFAULT_EPS));
}

void bce_grad_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  static const bce_param param[] = {
    {"y", BCE_UNIT}, {"p", BCE_UNIT}, {"n", BCE_COUNT}
  };
  double v[3] = {0.0, 0.0, 0.0};  /* set by the readers; gcc cannot see it */
  if( !(argc==2 && bce_read_unit_pair(argv, &v[0], &v[1]))
   && bce_read_args(ctx, "bce_grad", argc, argv, param, v)!=BCE_READ_OK ){
    return;
  }
  sqlite3_result_double(ctx,
      bce_grad(v[0], v[1], BCE_DEFAULT_EPS, argc==3 ? v[2] : 1.0));
}

void bce_sigmoid_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  static const bce_param param[] = {{"x", BCE_ANY}};
  double x;
  if( bce_read_args(ctx, "sigmoid", argc, argv, param, &x)!=BCE_READ_OK ){
    return;
  }
  sqlite3_result_double(ctx, bce_sigmoid(x));
}

void bce_logit_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  static const bce_param param[] = {{"p", BCE_UNIT}};
  double p;
  if( bce_read_args(ctx, "logit", argc, argv, param, &p)!=BCE_READ_OK ){
    return;
  }
  sqlite3_result_double(ctx, bce_logit(p));
}

void bce_version_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc;
  (void)argv;
  sqlite3_result_text(ctx, BCE_VERSION, -1, SQLITE_STATIC);
}
