/* SPDX-License-Identifier: MIT */
/*
** The scores of issue 23 that need no options (src/logsumexp.h,
** src/scores.h have the formulas):
**
**   logsumexp(z)             aggregate, window: ln sum e^z over the rows
**   entropy(p)               -sum p ln p of an array, or of p and 1 - p
**   kl_div_term(y, p [, w] [, options])  w KL(y || clip(p)) of one row
**   kl_div(y, p [, w] [, options])       aggregate, window: sum(w KL) /
**                                        sum(w)
**   kl_div_state(y, p [, w] [, options]) its sums as a state (code 07)
**
** kl_div's options are eps (the clip of p) and smoothing (of the target,
** as cce smooths it); every other key does not apply.
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
#include "options.h"
#include "registry.h"
#include "score_states.h"
#include "../src/dd.h"
#include "../src/exact_sum.h"
#include "../src/fma.h"
#include "../src/logsumexp.h"
#include "../src/loss.h"
#include "../src/scores.h"
#include "../src/state.h"

BCE_PRIVATE const bce_param bce_params_lse[1] = {{"z", BCE_LOGIT}};
BCE_PRIVATE const bce_param bce_params_entropy[1] = {{"p", BCE_UNIT}};
BCE_PRIVATE const bce_param bce_params_kl[3] = {
  {"y", BCE_ANY}, {"p", BCE_PROB}, {"w", BCE_WEIGHT}
};

/* ---------------------------------------------------------- logsumexp */

/* Inline in the step and the inverse: sign a constant in each. */
BCE_ALWAYS_INLINE void lse_step(sqlite3_context *ctx, sqlite3_value **argv,
                                int sign){
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
** and w into *r and *w, as cce reads them; no argument is NULL (both
** callers apply rule 1 first).  0: the result is set (an error). */
static int kl_read_row(sqlite3_context *ctx, const BceFunc *f, int argc,
                       sqlite3_value **argv, bce_cce_row *r, double *w){
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

/* The keys kl_div takes: eps and smoothing.  Any other is refused here,
** with a reason that fits a divergence (ext/options.c's would point
** multi-class keys at cce): 1, or 0 with the error set. */
#define BCE_KL_KEYS (BCE_OPT_MULTICLASS|BCE_OPT_EPS|BCE_OPT_SMOOTHING)
static int kl_keys_apply(sqlite3_context *ctx, sqlite3_value *v){
  const char *z = (const char*)sqlite3_value_text(v);
  const char *fn = bce_func(ctx)->zName;
  bce_options o;
  bce_options_error e;
  if( z==0 ) return 1;            /* out of memory: the reader reports it */
  bce_options_init(&o);
  if( bce_options_parse(z, (size_t)sqlite3_value_bytes(v), BCE_KL_KEYS, &o,
                        0, 0, &e)!=BCE_OPTIONS_NOT_APPLICABLE ){
    return 1;                     /* the reader words anything else */
  }
  if( e.key==BCE_OPT_REDUCTION ){
    if( bce_func(ctx)->eKind==BCE_SCALAR ){
      bce_error(ctx, "options key \"reduction\" does not apply to %s(): "
                "only aggregates and states reduce rows", fn);
    }else{
      bce_error(ctx, "options key \"reduction\" does not apply to %s(): a "
                "score is one number for all the rows, not reduced; drop "
                "the key", fn);
    }
  }else{
    bce_error(ctx, "options key \"%s\" does not apply to %s(): a "
              "divergence of two distributions takes eps and smoothing "
              "only", bce_options_key_name(e.key), fn);
  }
  return 0;
}

/* Where the row's options object is: argv[3], or argv[2] when it is one
** (kl_div(y, p, options)); -1 for none, -2 with the result set (a 4th
** argument that is not an options object, or a NULL there). */
static int kl_options_at(sqlite3_context *ctx, int argc,
                         sqlite3_value **argv){
  if( argc==4 ){
    if( !bce_is_options_arg(argv[3]) ){
      int i;
      for(i=0; i<argc; i++){
        if( sqlite3_value_type(argv[i])==SQLITE_NULL ) return -2;  /* rule 1 */
      }
      bce_error_got(ctx, "options", "a JSON object (TEXT starting with '{')",
                    argv[3]);
      return -2;
    }
    return 3;
  }
  if( argc==3 && bce_is_options_arg(argv[2]) ) return 2;
  return -1;
}

/* KL of the row as hi + lo, or 0 with the result set; o the options
** (eps, smoothing). */
static int kl_of_row_opt(sqlite3_context *ctx, int argc, sqlite3_value **argv,
                         const bce_options *o, bce_dd *kl, double *w){
  const BceFunc *f = bce_func(ctx);
  bce_cce_row r;
  bce_array_error err;
  if( !kl_read_row(ctx, f, argc, argv, &r, w) ) return 0;
  if( !bce_kl_row(&r, (o->keys & BCE_OPT_EPS) ? o->eps : BCE_DEFAULT_EPS,
                  (o->keys & BCE_OPT_SMOOTHING) ? o->smoothing : 0.0, kl,
                  &err) ){
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
  bce_options_room room;
  const bce_options *o;
  bce_options def;
  bce_dd kl;
  double w, v;
  int at = kl_options_at(ctx, argc, argv), i;
  if( at==-2 ) return;
  for(i=0; i<argc; i++){
    if( sqlite3_value_type(argv[i])==SQLITE_NULL ) return;   /* rule 1 */
  }
  if( at>=0 ){
    /* options cached on the statement passed this check when they were
    ** read (ext/options.h): a constant options argument is checked once */
    if( (sqlite3_get_auxdata(ctx, at)==0 && !kl_keys_apply(ctx, argv[at]))
     || !bce_scalar_options_in(ctx, at, argv[at], &room, &o) ){
      return;
    }
  }else{
    bce_options_init(&def);
    o = &def;
  }
  if( !kl_of_row_opt(ctx, at>=0 ? at : argc, argv, o, &kl, &w) ) return;
  v = weighted(w, kl);
  if( isfinite(kl.hi) && isinf(v) ){                 /* rule 7 */
    bce_error(ctx, "w*loss overflows a double; scale the weights down");
    return;
  }
  sqlite3_result_double(ctx, v);
}

/* The mean of kl_div: a BceAgg whose bce_mean holds, as a kl_div state
** does (src/state.h): nRow = nWeight the rows of w > 0, nInf those of an
** infinite KL (eps = 0), loss the exact sum of w KL (each product to
** 2^-104), tiny the products below 2^-969 times 2^1074, weight sum(w)
** in every form (weighted: the call had a w).  Sums of either sign: KL
** of rows whose sums are 1 within 1e-4, or clipped, may be below 0. */

/* Adds w (hi + lo) to the sums, each product whole (hi as two doubles by
** fma, lo's product rounded at 2^-106 of it).  A product below 2^-969
** would lose bits on the subnormal grid (kl_div with weights of 1e-320):
** it is taken as (w 2^a)(x 2^b), a + b = 1074, both factors exact and
** normal, into a sum of its own. */
static void kl_add(bce_mean *a, double w, double hi, double lo, int sign){
  double ph = w*hi, pl;
  bce_sum *to = &a->loss;
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
  BceAgg *a;
  int at = kl_options_at(ctx, argc, argv), i;
  if( at==-2 ) return;
  for(i=0; i<argc; i++){
    if( sqlite3_value_type(argv[i])==SQLITE_NULL ) return;   /* rule 1 */
  }
  a = (BceAgg*)sqlite3_aggregate_context(ctx, sizeof(*a));
  if( a==0 ){
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if( at>=0 && !a->o.given && !kl_keys_apply(ctx, argv[at]) ) return;
  /* rule 6: the first row's options hold for every row */
  if( !bce_agg_options_row(ctx, &a->o, at>=0 ? argv[at] : 0, 0, 0.0) ){
    return;
  }
  if( !kl_of_row_opt(ctx, at>=0 ? at : argc, argv, &a->o.opt, &kl, &w) ){
    return;
  }
  /* the form, not a row, makes the state weighted */
  if( (at>=0 ? at : argc)>2 ) a->m.weighted = 1;
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
  a->m.nRow += sign;
  a->m.nWeight += sign;
  bce_sum_add(&a->m.weight, w, sign);
  if( isinf(hi) ){
    a->m.nInf += sign;
    return;
  }
  kl_add(&a->m, w, hi, lo, sign);
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
** so neither overflows (the quotient is within 2^11 of a double's range:
** |KL| < 800).  Where the mean is itself subnormal, n is too, and the
** quotient rounds a second time: within kl_div/mean's 2.15 ulp of
** docs/accuracy.md (1.43 at worst over about 50,000 such means, a reading
** of make mutate's survivors), not once. */
BCE_PRIVATE bce_score_status bce_kl_value(bce_mean *m, double *v){
  double d, n;
  int k;
  if( m->nRow<=0 ) return BCE_SCORE_NULL;
  if( m->nInf>0 ){
    *v = INFINITY;
    return BCE_SCORE_VALUE;
  }
  d = bce_sum_value_scaled(&m->weight, -128);
  k = (d>=0x1p-1022 ? bce_ilogb(d) + 128
                    : bce_ilogb(bce_sum_value_scaled(&m->weight, 1074)) - 1074);
  d = bce_sum_value_scaled(&m->weight, -k);
  n = bce_sum_value_scaled(&m->loss, -k);
  /* the tiny products' sum at the same scale: below 2^-969 each and 2^64
  ** of them, it changes n only where n itself is small */
  n += bce_sum_value_scaled(&m->tiny, -1074 - k);
  *v = n/d;
  return BCE_SCORE_VALUE;
}

static void kl_result(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  double v = 0.0;
  if( a==0 ) return;                                      /* NULL */
  bce_score_status st = bce_kl_value(&a->m, &v);
  /* v is set by the call: read after it */
  bce_score_result(ctx, st, v);
}

BCE_PRIVATE void bce_kl_value_func(sqlite3_context *ctx){
  kl_result(ctx);
}

BCE_PRIVATE void bce_kl_final_func(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  kl_result(ctx);
  if( a ) bce_agg_options_free(&a->o);
}

/* kl_div_state(): kl_div's steps, its context as a state (code 07). */
static size_t encode_kl(void *arg, unsigned char *out, size_t cap){
  BceAgg *a = (BceAgg*)arg;
  return bce_state_encode_score(&a->m, BCE_STATE_KL,
                                a->o.given ? &a->o.opt : 0, 0, 0, 0, out,
                                cap);
}

static void kl_state_result(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  unsigned char out[BCE_STATE_SMALL];
  size_t n;
  if( a==0 ) return;                        /* no rows: NULL, state rule 2 */
  n = encode_kl(a, out, sizeof out);
  if( n==0 ) return;                        /* no row of w > 0: NULL */
  bce_result_state(ctx, n, out, encode_kl, a);
}

BCE_PRIVATE void bce_kl_state_value_func(sqlite3_context *ctx){
  kl_state_result(ctx);
}

BCE_PRIVATE void bce_kl_state_final_func(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  kl_state_result(ctx);
  if( a ) bce_agg_options_free(&a->o);
}
