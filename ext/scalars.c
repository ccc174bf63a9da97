/*
** The per-row functions.  Each returns NULL when any argument is NULL and
** fails on an argument outside its domain (ext/args.h).
**
**   bce_term(y, p [, eps])   l(y, p) of one row, the clip as in bce()
**   bce_grad(y, p [, n])     dl/dp / n at the clipped p (eps = 1e-15)
**   bce_logits_term(y, z)    l(y, z) of one row from a logit
**   bce_logits_grad(y, z [, n])  dl/dz / n = (sigmoid(z) - y) / n
**
** The four bce_* functions also take y and p (or z) as JSON arrays
** (ext/vector.h): a term is then the mean over the elements, a gradient
** the JSON array of the element gradients, each divided by n*K.
**   sigmoid(x)               1/(1+e^-x) for every x, +-Inf included
**   logit(p)                 ln(p/(1-p)), -Inf at 0 and +Inf at 1
**   bce_version()            the version string of src/version.h
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "functions.h"
#include "vector.h"
#include "../src/logistic.h"
#include "../src/logits.h"
#include "../src/loss.h"
#include "../src/version.h"

void bce_term_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  static const bce_param param[] = {
    {"y", BCE_UNIT}, {"p", BCE_PROB}, {"eps", BCE_EPS}
  };
  double v[3] = {0.0, 0.0, 0.0}, eps, l;  /* set by the readers; gcc cannot
                                          ** see it */
  int arrays = 0;
  if( !(argc==2 && bce_read_pair(argv, BCE_UNIT, &v[0], &v[1]))
   && bce_read_args_or_arrays(ctx, "bce_term", argc, argv, param, v,
                              &arrays)!=BCE_READ_OK ){
    return;
  }
  eps = argc==3 ? v[2] : BCE_DEFAULT_EPS;
  if( arrays ){
    if( bce_array_loss(ctx, "bce_term", param, BCE_VEC_PROB, eps, argv,
                       arrays, v[0], &l) ){
      sqlite3_result_double(ctx, l);
    }
    return;
  }
  sqlite3_result_double(ctx, bce_loss(v[0], v[1], eps));
}

void bce_grad_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  static const bce_param param[] = {
    {"y", BCE_UNIT}, {"p", BCE_PROB}, {"n", BCE_COUNT}
  };
  double v[3] = {0.0, 0.0, 0.0}, n;  /* set by the readers; gcc cannot see it */
  int arrays = 0;
  if( !(argc==2 && bce_read_pair(argv, BCE_UNIT, &v[0], &v[1]))
   && bce_read_args_or_arrays(ctx, "bce_grad", argc, argv, param, v,
                              &arrays)!=BCE_READ_OK ){
    return;
  }
  n = argc==3 ? v[2] : 1.0;
  if( arrays ){
    bce_array_grad(ctx, "bce_grad", param, BCE_VEC_PROB, argv, arrays, v[0],
                   n);
    return;
  }
  sqlite3_result_double(ctx, bce_grad(v[0], v[1], BCE_DEFAULT_EPS, n));
}

void bce_logits_term_func(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv){
  static const bce_param param[] = {{"y", BCE_UNIT}, {"z", BCE_ANY}};
  double v[2] = {0.0, 0.0}, l;
  int arrays = 0;
  if( !bce_read_pair(argv, BCE_ANY, &v[0], &v[1])
   && bce_read_args_or_arrays(ctx, "bce_logits_term", argc, argv, param, v,
                              &arrays)!=BCE_READ_OK ){
    return;
  }
  if( arrays ){
    if( bce_array_loss(ctx, "bce_logits_term", param, BCE_VEC_LOGITS, 0.0,
                       argv, arrays, v[0], &l) ){
      sqlite3_result_double(ctx, l);
    }
    return;
  }
  sqlite3_result_double(ctx, bce_logits_loss(v[0], v[1]));
}

void bce_logits_grad_func(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv){
  static const bce_param param[] = {
    {"y", BCE_UNIT}, {"z", BCE_ANY}, {"n", BCE_COUNT}
  };
  double v[3] = {0.0, 0.0, 0.0}, n;
  int arrays = 0;
  if( !(argc==2 && bce_read_pair(argv, BCE_ANY, &v[0], &v[1]))
   && bce_read_args_or_arrays(ctx, "bce_logits_grad", argc, argv, param, v,
                              &arrays)!=BCE_READ_OK ){
    return;
  }
  n = argc==3 ? v[2] : 1.0;
  if( arrays ){
    bce_array_grad(ctx, "bce_logits_grad", param, BCE_VEC_LOGITS, argv,
                   arrays, v[0], n);
    return;
  }
  sqlite3_result_double(ctx, bce_logits_grad(v[0], v[1], n));
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
