/* SPDX-License-Identifier: MIT */
/*
** The scores of issue 23 that need no options (src/logsumexp.h,
** src/scores.h have the formulas):
**
**   logsumexp(z)             aggregate, window: ln sum e^z over the rows
**   entropy(p)               -sum p ln p of an array, or of p and 1 - p
**   kl_div_term(y, p [, w])  w KL(y || clip(p)) of one row
**   kl_div(y, p [, w])       aggregate, window: sum(w KL) / sum(w)
**
** The rules of docs/functions.md hold: NULL (rule 1), numbers and TEXT
** numbers (rule 3), domains (rule 4), errors naming function, argument
** and value (rule 5), exact sums (rule 7), windows (rule 8), arrays read
** in place (rule 9).  logsumexp allocates only when its rows open more
** than BCE_LSE_INLINE buckets of z (logits more than 1280 apart), and
** then twice as many each time.
*/
#include <float.h>
#include <math.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "array_args.h"
#include "registry.h"
#include "../src/dd.h"
#include "../src/exact_sum.h"
#include "../src/fma.h"
#include "../src/logsumexp.h"
#include "../src/loss.h"
#include "../src/scores.h"

BCE_PRIVATE const bce_param bce_params_lse[1] = {{"z", BCE_LOGIT}};
BCE_PRIVATE const bce_param bce_params_entropy[1] = {{"p", BCE_UNIT}};
BCE_PRIVATE const bce_param bce_params_kl[3] = {
  {"y", BCE_ANY}, {"p", BCE_PROB}, {"w", BCE_WEIGHT}
};

/* ---------------------------------------------------------- logsumexp */

static void lse_step(sqlite3_context *ctx, sqlite3_value **argv, int sign){
  int t = sqlite3_value_type(argv[0]);
  double z;
  bce_lse *a;
  if( t==SQLITE_FLOAT || t==SQLITE_INTEGER ){
    /* every number is a logit (SQLite has no NaN): no domain to test */
    z = sqlite3_value_double(argv[0]);
  }else if( bce_read_args(ctx, 1, argv, bce_func(ctx)->aParam, &z, 0)
            !=BCE_READ_OK ){
    return;
  }
  a = (bce_lse*)sqlite3_aggregate_context(ctx, sizeof(*a));
  if( a==0 ){
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if( !bce_lse_add(a, z, sign) ){
    /* a new bucket and no room: twice the room, then the row again */
    int cap = a->cap*2;
    bce_lse_bucket *room = (bce_lse_bucket*)sqlite3_malloc64(
        (sqlite3_uint64)cap*sizeof(*room));
    if( room==0 ){
      sqlite3_result_error_nomem(ctx);
      return;
    }
    if( bce_lse_owns_storage(a) ){
      bce_lse_bucket *old = a->b;
      bce_lse_grow(a, room, cap);
      sqlite3_free(old);
    }else{
      bce_lse_grow(a, room, cap);
    }
    (void)bce_lse_add(a, z, sign);
  }
}

BCE_PRIVATE void bce_lse_step(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv){
  (void)argc;
  lse_step(ctx, argv, +1);
}

BCE_PRIVATE void bce_lse_inverse(sqlite3_context *ctx, int argc,
                                 sqlite3_value **argv){
  (void)argc;
  lse_step(ctx, argv, -1);
}

static void lse_result(sqlite3_context *ctx, bce_lse *a){
  double v;
  if( a==0 || bce_lse_value(a, &v)==BCE_LSE_EMPTY ) return;   /* NULL */
  sqlite3_result_double(ctx, v);
}

BCE_PRIVATE void bce_lse_value_func(sqlite3_context *ctx){
  lse_result(ctx, (bce_lse*)sqlite3_aggregate_context(ctx, 0));
}

BCE_PRIVATE void bce_lse_final_func(sqlite3_context *ctx){
  bce_lse *a = (bce_lse*)sqlite3_aggregate_context(ctx, 0);
  lse_result(ctx, a);
  if( a && bce_lse_owns_storage(a) ){
    sqlite3_free(a->b);
    a->b = 0;
  }
}

/* ------------------------------------------------------------ entropy */

BCE_PRIVATE void bce_entropy_func(sqlite3_context *ctx, int argc,
                                  sqlite3_value **argv){
  const BceFunc *f = bce_func(ctx);
  int t = sqlite3_value_type(argv[0]);
  double p, h;
  (void)argc;
  if( t==SQLITE_NULL ) return;                             /* rule 1 */
  if( t==SQLITE_INTEGER || t==SQLITE_FLOAT
   || (t==SQLITE_TEXT && bce_text_number(argv[0], &p)) ){
    if( bce_read_args(ctx, 1, argv, f->aParam, &p, 0)!=BCE_READ_OK ) return;
    sqlite3_result_double(ctx, bce_entropy_binary(p));
    return;
  }
  if( bce_is_array_arg(argv[0]) ){
    const char *z;
    size_t nz;
    /* zeroed: aarch64-linux-gnu-gcc 12 -O2 cannot see that the reader
    ** sets err.value wherever the message reads it (-Wmaybe-uninitialized) */
    bce_array_error err = {0};
    int jsonb = bce_array_arg_bytes(argv[0], &z, &nz);
    if( BCE_NEVER(z==0) ){                  /* read by bce_is_array_arg() */
      sqlite3_result_error_nomem(ctx);
      return;
    }
    if( !bce_entropy_array(z, nz, jsonb, &h, &err) ){
      if( err.status==BCE_ARRAY_SUM ){
        char num[32];
        bce_format_double(num, err.value);
        bce_error(ctx, "p must sum to 1 (within 1e-4), got a row summing "
                  "to %s", num);
      }else{
        bce_report_array_error(ctx, f->aParam, argv, &err);
      }
      return;
    }
    sqlite3_result_double(ctx, h);
    return;
  }
  bce_error_got(ctx, "p", "a probability or a JSON array of probabilities",
                argv[0]);
}

/* ------------------------------------------------------------- kl_div */

/* Reads y (a class index or a JSON array of targets), p (a JSON array)
** and w into *r and *w, as cce reads them.  0: the result is set (NULL or
** an error). */
static int kl_read_row(sqlite3_context *ctx, const BceFunc *f, int argc,
                       sqlite3_value **argv, bce_cce_row *r, double *w){
  int i;
  for(i=0; i<argc; i++){
    if( sqlite3_value_type(argv[i])==SQLITE_NULL ) return 0;   /* rule 1 */
  }
  if( !bce_read_cce_target(ctx, argv[0], r) ) return 0;
  *w = 1.0;
  if( argc>2 && bce_read_args(ctx, 1, argv+2, f->aParam+2, w, 0)
                !=BCE_READ_OK ){
    return 0;
  }
  if( !bce_is_array_arg(argv[1]) ){
    bce_error_got(ctx, "p", "a JSON array of probabilities", argv[1]);
    return 0;
  }
  r->pJsonb = bce_array_arg_bytes(argv[1], &r->p, &r->np);
  if( BCE_NEVER(r->p==0) ){
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  return 1;
}

/* Words the errors of a row: cce's words for the multi-class statuses. */
static void kl_report(sqlite3_context *ctx, const BceFunc *f,
                      sqlite3_value **argv, const bce_array_error *e){
  const char *name = f->aParam[e->arg].name;
  char num[32];
  switch( e->status ){
    case BCE_ARRAY_FEW:
      bce_error(ctx, "%s must have at least 2 classes, got %lld", name,
                (long long)e->np);
      return;
    case BCE_ARRAY_CLASS:
      if( sqlite3_value_type(argv[0])==SQLITE_INTEGER ){
        bce_format_value(num, argv[0]);
      }else{
        bce_format_double(num, e->value);
      }
      if( e->np<0 ){
        bce_error(ctx, "y must be a class index (an integer >= 0) or a JSON "
                  "array of targets, got %s", num);
      }else{
        bce_error(ctx, "y must be a class index in [0, %lld) for the %lld "
                  "classes of p, got %s", (long long)e->np,
                  (long long)e->np, num);
      }
      return;
    case BCE_ARRAY_SUM:
      bce_format_double(num, e->value);
      bce_error(ctx, "%s must sum to 1 (within 1e-4), got a row summing to "
                "%s", name, num);
      return;
    default:
      bce_report_array_error(ctx, f->aParam, argv, e);
      return;
  }
}

/* KL of the row as hi + lo, or 0 with the result set. */
static int kl_of_row(sqlite3_context *ctx, int argc, sqlite3_value **argv,
                     bce_dd *kl, double *w){
  const BceFunc *f = bce_func(ctx);
  bce_cce_row r;
  bce_array_error err;
  if( !kl_read_row(ctx, f, argc, argv, &r, w) ) return 0;
  if( !bce_kl_row(&r, BCE_DEFAULT_EPS, kl, &err) ){
    kl_report(ctx, f, argv, &err);
    return 0;
  }
  return 1;
}

/* w (hi + lo) rounded once; 0 for w = 0. */
static double weighted(double w, bce_dd kl){
  double hi = kl.hi, lo = kl.lo;
  if( w==0.0 ) return 0.0;
  if( w==1.0 ) return hi + lo;
  /* past the range the product's error term is Inf - Inf: NaN */
  if( isinf(w*hi) ) return w*hi;
  bce_dd_mul(&hi, &lo, w, 0.0);
  return hi + lo;
}

BCE_PRIVATE void bce_kl_term_func(sqlite3_context *ctx, int argc,
                                  sqlite3_value **argv){
  bce_dd kl;
  double w, v;
  if( !kl_of_row(ctx, argc, argv, &kl, &w) ) return;
  v = weighted(w, kl);
  if( isfinite(kl.hi) && isinf(v) ){                 /* rule 7 */
    bce_error(ctx, "w*loss overflows a double; scale the weights down");
    return;
  }
  sqlite3_result_double(ctx, v);
}

/* The mean of kl_div: exact sums of w KL (each product to 2^-104) and w,
** as the other aggregates keep them, and the rows of w > 0 with an
** infinite KL counted (eps = 0). */
typedef struct kl_agg {
  bce_sum num, den;
  bce_sum tiny;         /* the products below 2^-969, times 2^1074 */
  int64_t nRow, nInf;
} kl_agg;

/* Adds w (hi + lo) to the sums, each product whole (hi as two doubles by
** fma, lo's product rounded at 2^-106 of it).  A product below 2^-969
** would lose bits on the subnormal grid (kl_div with weights of 1e-320):
** it is taken as (w 2^a)(x 2^b), a + b = 1074, both factors exact and
** normal, into a sum of its own. */
static void kl_add(kl_agg *a, double w, double hi, double lo, int sign){
  double ph = w*hi, pl;
  bce_sum *to = &a->num;
  if( hi==0.0 ) return;                  /* y = q: lo is 0 too */
  if( fabs(ph)<0x1p-969 ){
    /* hi 2^b in [1, 2); then w 2^(1074-b) < 2^105 */
    int b = -bce_ilogb(hi);
    w = ldexp(w, 1074 - b);
    hi = ldexp(hi, b);
    lo = ldexp(lo, b);
    ph = w*hi;
    to = &a->tiny;
  }
  pl = bce_fma(w, hi, -ph) + w*lo;
  bce_sum_add(to, ph, sign);
  bce_sum_add(to, pl, sign);
}

static void kl_step(sqlite3_context *ctx, int argc, sqlite3_value **argv,
                    int sign){
  bce_dd kl;
  double w, hi, lo;
  kl_agg *a;
  if( !kl_of_row(ctx, argc, argv, &kl, &w) ) return;
  a = (kl_agg*)sqlite3_aggregate_context(ctx, sizeof(*a));
  if( a==0 ){
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if( w==0.0 ) return;            /* rule 2: a row of weight 0 is no row */
  hi = kl.hi;
  lo = kl.lo;
  if( isfinite(hi) && isinf(w*hi) ){                  /* rule 7 */
    /* only an added row can overflow: a removed one was added */
    if( BCE_ALWAYS(sign>0) ){
      bce_error(ctx, "w*loss overflows a double; scale the weights down");
    }
    return;
  }
  a->nRow += sign;
  bce_sum_add(&a->den, w, sign);
  if( isinf(hi) ){
    a->nInf += sign;
    return;
  }
  kl_add(a, w, hi, lo, sign);
}

BCE_PRIVATE void bce_kl_step(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv){
  kl_step(ctx, argc, argv, +1);
}

BCE_PRIVATE void bce_kl_inverse(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv){
  kl_step(ctx, argc, argv, -1);
}

/* sum(w KL) / sum(w): both read at the scale that brings sum(w) near 1,
** so neither overflows nor lands on the subnormals first (the quotient
** is within 2^11 of a double's range: |KL| < 800). */
static void kl_result(sqlite3_context *ctx){
  kl_agg *a = (kl_agg*)sqlite3_aggregate_context(ctx, 0);
  double d, n;
  int k;
  if( a==0 || a->nRow==0 ) return;                        /* NULL */
  if( a->nInf>0 ){
    sqlite3_result_double(ctx, INFINITY);
    return;
  }
  d = bce_sum_value_scaled(&a->den, -128);
  k = (d>=0x1p-1022 ? bce_ilogb(d) + 128
                    : bce_ilogb(bce_sum_value_scaled(&a->den, 1074)) - 1074);
  d = bce_sum_value_scaled(&a->den, -k);
  n = bce_sum_value_scaled(&a->num, -k);
  /* the tiny products' sum at the same scale: below 2^-969 each and 2^64
  ** of them, it changes n only where n itself is small */
  n += bce_sum_value_scaled(&a->tiny, -1074 - k);
  sqlite3_result_double(ctx, n/d);
}

BCE_PRIVATE void bce_kl_value_func(sqlite3_context *ctx){
  kl_result(ctx);
}

BCE_PRIVATE void bce_kl_final_func(sqlite3_context *ctx){
  kl_result(ctx);
}
