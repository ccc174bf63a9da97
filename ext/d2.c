/* SPDX-License-Identifier: MIT */
/*
** bce_d2(y, p [, w] [, options]) and cce_d2(y, p [, w] [, options]):
** D^2 = 1 - L/L0 of the log loss (issue 23; src/d2.h has the formula),
** aggregates and window functions.
**
** One pass: each row goes through the family's own step (bce's or cce's),
** which keeps sum(w l) and its denominator in the BceAgg at the head of
** this context and applies every rule of the family (NULL rows, domains,
** options, rule 6); a row that step took adds w to sum(w) and w y (w y_c
** per class for cce: a class index adds w to its class) to exact sums,
** each product whole (its rounded value and its fma error).  L0 is formed
** from those sums at the end, so a window frame's value is the same bits
** whether it was built by sliding or from scratch (rule 8).  A product
** w y below 2^-968 is the nearest multiple of 2^-1074 (src/mean.h's
** rounding of w d there).
*/
#include <float.h>
#include <math.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "options.h"
#include "registry.h"
#include "score_states.h"
#include "../src/d2.h"
#include "../src/dd.h"
#include "../src/exact_sum.h"
#include "../src/fma.h"
#include "../src/json_array.h"
#include "../src/loss.h"
#include "../src/mean.h"
#include "../src/state.h"

static D2Agg *d2_context(sqlite3_context *ctx){
  D2Agg *d = (D2Agg*)sqlite3_aggregate_context(ctx, sizeof(*d));
  if( d==0 ) sqlite3_result_error_nomem(ctx);
  return d;
}

/* A number the family's step has read already: never fails here. */
static double number_of(sqlite3_value *v){
  double x = 0.0;
  if( sqlite3_value_type(v)==SQLITE_TEXT ){
    (void)bce_text_number(v, &x);
    return x;
  }
  return sqlite3_value_double(v);
}

static int is_options(sqlite3_value *v){
  return sqlite3_value_type(v)==SQLITE_TEXT && bce_is_options_arg(v);
}

/* The weight of the row: argv[2] unless that is the options object. */
static double weight_of(int argc, sqlite3_value **argv){
  if( argc>=3 && !is_options(argv[2]) ) return number_of(argv[2]);
  return 1.0;
}

/* s += w*x (sign -1: -=) exactly: the product and its error (none for
** w = 1, the unweighted forms' every row). */
static void add_product(bce_sum *s, double w, double x, int sign){
  double p = w*x;
  if( p==0.0 ) return;
  if( w==1.0 ){
    bce_sum_add(s, x, sign);
    return;
  }
  bce_sum_add(s, p, sign);
  bce_sum_add(s, bce_fma(w, x, -p), sign);
}

/* The keys a score does not take, each an error with its reason
** (ext/options.c's would say only that aggregates reduce rows, or
** nothing): read at the rows before the options are the aggregate's; 0
** when the error is set. */
#define BCE_D2_PARSE_ROOM 256
#define BCE_D2_REFUSED (BCE_OPT_REDUCTION|BCE_OPT_GAMMA|BCE_OPT_ALPHA)
static int refused_keys(sqlite3_context *ctx, D2Agg *d, int argc,
                        sqlite3_value **argv){
  double store[BCE_D2_PARSE_ROOM];
  const char *z;
  const char *fn = bce_func(ctx)->zName;
  unsigned own = bce_func(ctx)->optKeys;
  unsigned keys;
  size_t n;
  bce_options o;
  bce_options_error e;
  int i;
  if( d->a.o.given || argc<3 || !is_options(argv[argc-1]) ) return 1;
  for(i=0; i<argc-1; i++){
    /* rule 1: a row with a NULL is skipped before its options are read,
    ** as the step skips it and as any other key is (fuzz seed 161: a
    ** refusal at such a row failed one row order only) */
    if( sqlite3_value_type(argv[i])==SQLITE_NULL ) return 1;
  }
  z = (const char*)sqlite3_value_text(argv[argc-1]);
  if( z==0 ) return 1;            /* out of memory: the step reports it */
  n = (size_t)sqlite3_value_bytes(argv[argc-1]);
  bce_options_init(&o);
  if( bce_options_parse(z, n, own|BCE_D2_REFUSED, &o, store,
                        BCE_D2_PARSE_ROOM, &e)==BCE_OPTIONS_OK ){
    keys = o.keys;
  }else{
    /* Text malformed after a refused key, another key that does not
    ** apply after it, or arrays past the room: the step's own parse
    ** meets the refused key first, so it is worded here (fuzz seed 152
    ** found bce_d2(1, 0.5, '{"gamma": 2') worded with no reason). */
    bce_options_init(&o);
    if( bce_options_parse(z, n, own, &o, 0, 0, &e)
          !=BCE_OPTIONS_NOT_APPLICABLE
     || (e.key & BCE_D2_REFUSED)==0 ){
      return 1;                   /* the step words what is wrong */
    }
    keys = e.key;
  }
  if( keys & BCE_OPT_REDUCTION ){
    bce_error(ctx, "options key \"reduction\" does not apply to %s(): a "
              "score is one number for all the rows, not reduced; drop the "
              "key", fn);
    return 0;
  }
  if( (keys & BCE_OPT_ALPHA) && !(keys & BCE_OPT_GAMMA)
   && (own & BCE_OPT_MULTICLASS) ){
    bce_error(ctx, "options key \"alpha\" does not apply to %s(): weigh "
              "the classes with class_weight", fn);
    return 0;
  }
  if( keys & (BCE_OPT_GAMMA|BCE_OPT_ALPHA) ){
    bce_error(ctx, "options key \"%s\" does not apply to %s(): the focal "
              "terms make the loss nonlinear in a soft label, so the null "
              "model's loss is not the loss at the mean label",
              (keys & BCE_OPT_GAMMA) ? "gamma" : "alpha", fn);
    return 0;
  }
  return 1;
}

/* ------------------------------------------------------------- bce_d2 */

BCE_NOINLINE void bce_d2_row(sqlite3_context *ctx, int argc, sqlite3_value **argv,
                       int sign){
  D2Agg *d;
  int64_t before;
  double w;
  /* the type first: a row of numbers pays two tests */
  if( (sqlite3_value_type(argv[0])>=SQLITE_TEXT && bce_is_array_arg(argv[0]))
   || (sqlite3_value_type(argv[1])>=SQLITE_TEXT && bce_is_array_arg(argv[1])) ){
    bce_error(ctx, "y and p must be numbers (one label, one probability a "
              "row); JSON-array rows: cce_d2() for classes");
    return;
  }
  d = d2_context(ctx);
  if( d==0 || !refused_keys(ctx, d, argc, argv) ) return;
  before = d->a.m.nRow + d->a.m.nBatch;   /* a row may wait in the batch */
  switch( argc ){
    case 2:
      if( sign>0 ) bce_step_yp(ctx, argc, argv); else bce_inverse_yp(ctx, argc, argv);
      break;
    case 3:
      if( sign>0 ) bce_step_w(ctx, argc, argv); else bce_inverse_w(ctx, argc, argv);
      break;
    default:
      if( sign>0 ) bce_step_w_eps(ctx, argc, argv);
      else bce_inverse_w_eps(ctx, argc, argv);
      break;
  }
  if( d->a.m.nRow + d->a.m.nBatch==before ) return;        /* NULL, or an error set */
  w = weight_of(argc, argv);
  if( w==0.0 ) return;                      /* rule 2: no row */
  bce_sum_add(&d->wsum, w, sign);
  add_product(&d->wy, w, number_of(argv[0]), sign);
}

/* bce_d2(y, p) with y and p numbers in [0, 1], most rows of most
** queries: what bce(y, p)'s short path does (ext/aggregate.c, step_yp),
** and the label into the sums, with one aggregate context and no second
** read of the arguments (issue 23's cost bound: bce_d2 near bce).  Every
** other row takes bce_d2_row(). */
BCE_ALWAYS_INLINE void bce_d2_yp(sqlite3_context *ctx, int argc,
                                 sqlite3_value **argv, int sign, int v3){
  double y, p;
  D2Agg *d;
  if( argc!=2 || !bce_read_pair(argv, BCE_UNIT, &y, &p) ){
    bce_d2_row(ctx, argc, argv, sign);
    return;
  }
  d = d2_context(ctx);
  if( d==0 ) return;
  if( sign>0 && bce_is_hard_label(y) ){
    /* bce(y, p)'s batch (src/mean.h): the loss of four rows at a time;
    ** d2_ready() flushes it before the score is read */
    if( bce_mean_batch_hard(&d->a.m, y, p) ){
#ifdef BCE_X86_V3
      if( v3 ){
        bce_mean_flush_batch_v3(&d->a.m);
      }else
#endif
      bce_mean_flush_batch(&d->a.m);
    }
  }else{
    bce_mean_add_unit(&d->a.m, bce_loss(y, p, BCE_DEFAULT_EPS), sign);
  }
  (void)v3;
  d->nUnit += sign;
  if( y==1.0 ){
    d->nOnes += sign;
  }else if( y!=0.0 ){
    bce_sum_add(&d->wy, y, sign);
  }
}

/* The counts of the short path into the sums, before they are read: an
** integer below 2^63 rows, exact as a double below 2^53 (2^53 rows are
** beyond any table) */
static void d2_sums(D2Agg *d){
  if( d->nUnit ){
    bce_sum_add(&d->wsum, (double)d->nUnit, +1);
    d->nUnit = 0;
  }
  if( d->nOnes ){
    bce_sum_add(&d->wy, (double)d->nOnes, +1);
    d->nOnes = 0;
  }
}

BCE_PRIVATE void bce_d2_step(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv){
  bce_d2_yp(ctx, argc, argv, +1, 0);
}

BCE_PRIVATE void bce_d2_inverse(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv){
  bce_d2_yp(ctx, argc, argv, -1, 0);
}

#ifdef BCE_X86_V3
/* The same C for x86-64 with AVX2 and BMI2, as bce_step_yp_x86_v3
** (ext/aggregate.c): the batch's v3 flush, the same bits */
BCE_TARGET_V3
BCE_PRIVATE void bce_d2_step_x86_v3(sqlite3_context *ctx, int argc,
                                    sqlite3_value **argv){
  bce_d2_yp(ctx, argc, argv, +1, 1);
}
#endif

/* ------------------------------------------------------------- cce_d2 */

/* The number of elements of the array argument v (checked by cce's step). */
static int64_t array_length(sqlite3_value *v){
  const char *z;
  size_t n, at, len;
  double x;
  bce_json_array a;
  int jsonb = bce_array_arg_bytes(v, &z, &n);
  if( BCE_NEVER(z==0) ) return -1;     /* read by cce's step just now */
  bce_json_open_as(&a, z, n, jsonb);
  while( bce_json_next(&a, &x, &at, &len)==BCE_JSON_NUMBER ){}
  return a.count;
}

static void cce_d2_row(sqlite3_context *ctx, int argc, sqlite3_value **argv,
                       int sign){
  D2Agg *d;
  int64_t before, K;
  double w;
  d = d2_context(ctx);
  if( d==0 || !refused_keys(ctx, d, argc, argv) ) return;
  before = d->a.m.nRow;
  if( sign>0 ) bce_cce_step(ctx, argc, argv); else bce_cce_inverse(ctx, argc, argv);
  if( d->a.m.nRow==before ) return;   /* NULL, ignore_index, or an error */
  K = array_length(argv[1]);
  if( BCE_NEVER(K<0) ){              /* read by cce's step just now */
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if( d->cls==0 ){
    d->cls = (bce_sum*)sqlite3_malloc64((sqlite3_uint64)K*sizeof(bce_sum));
    if( d->cls==0 ){
      sqlite3_result_error_nomem(ctx);
      return;
    }
    memset(d->cls, 0, (size_t)K*sizeof(bce_sum));
    d->K = K;
  }else if( K!=d->K ){
    bce_error(ctx, "p must have the same number of classes in every row, "
              "got %lld after %lld", (long long)K, (long long)d->K);
    return;
  }
  w = weight_of(argc, argv);
  if( w==0.0 ) return;                      /* rule 2: no row */
  bce_sum_add(&d->wsum, w, sign);
  if( bce_is_array_arg(argv[0]) ){
    const char *z;
    size_t n, at, len;
    double y;
    int64_t c;
    bce_json_array a;
    int jsonb = bce_array_arg_bytes(argv[0], &z, &n);
    if( BCE_NEVER(z==0) ){             /* read by cce's step just now */
      sqlite3_result_error_nomem(ctx);
      return;
    }
    /* K numbers: cce's step has checked the row */
    bce_json_open_as(&a, z, n, jsonb);
    for(c=0; c<K; c++){
      (void)bce_json_next(&a, &y, &at, &len);
      add_product(&d->cls[c], w, y, sign);
    }
  }else{
    /* a class index, checked in [0, K) by cce's step: one-hot */
    bce_sum_add(&d->cls[(int64_t)number_of(argv[0])], w, sign);
  }
}

BCE_PRIVATE void bce_cce_d2_step(sqlite3_context *ctx, int argc,
                                 sqlite3_value **argv){
  cce_d2_row(ctx, argc, argv, +1);
}

BCE_PRIVATE void bce_cce_d2_inverse(sqlite3_context *ctx, int argc,
                                    sqlite3_value **argv){
  cce_d2_row(ctx, argc, argv, -1);
}

/* ------------------------------------------------------------ results */

/* s times 2^k as a double-double (the sum is exact: its two leading
** doubles).  Each part read is on the sum's grid, so taking it out is
** exact.  A sum past DBL_MAX (a mean above DBL_MAX/2 under pos_weight or
** class weights near 1e305) has no double to take its leading part out
** with: its 53 leading bits alone, 2^-53 of it, as bce_mean_value()
** reads such a sum for bce (the exact sums cannot take an infinity). */
static bce_dd sum_dd(const bce_sum *s, int k){
  bce_sum c = *s;
  bce_dd r;
  double hi = bce_sum_value_scaled(&c, k), lo = 0.0;
  double part = ldexp(hi, -k);
  if( isfinite(part) ){
    bce_sum_add(&c, part, -1);
    lo = bce_sum_value_scaled(&c, k);
  }
  r.hi = hi + lo;
  r.lo = bce_two_sum_err(hi, lo, r.hi);
  return r;
}

/* *dst -= src, exactly: src taken out a double at a time (each its
** remainder rounded, so at most 42 of them span the 2176 bits). */
static void sum_sub(bce_sum *dst, const bce_sum *src){
  bce_sum t = *src;
  for(;;){
    double v = bce_sum_value(&t);
    if( v==0.0 ) return;
    bce_sum_add(&t, v, -1);
    bce_sum_add(dst, v, -1);
  }
}

/* The scale 2^k that brings a sum that is not 0 near 1, whatever its
** size: one past DBL_MAX (class weights near 1e300) read at 2^-256 first
** (the sums end below 2^1103), one below 2^-1022 at 2^1074. */
static int unit_scale(bce_sum *s){
  double v = bce_sum_value(s);
  if( isinf(v) ) return -(bce_ilogb(bce_sum_value_scaled(s, -256)) + 256);
  if( v>=0x1p-1022 ) return -bce_ilogb(v);
  return -(bce_ilogb(bce_sum_value_scaled(s, 1074)) - 1074);
}

/* The numerator sum(w l) at the scale 2^k (its tiny sum too). */
static bce_dd numerator_at(bce_mean *m, int k){
  bce_dd n = sum_dd(&m->loss, k);
  if( m->nTiny>0 ){
    bce_dd t = sum_dd(&m->tiny, k - 1074);
    bce_dd_add(&n.hi, &n.lo, t.hi);
    bce_dd_add(&n.hi, &n.lo, t.lo);
  }
  return n;
}

/* The numerator sum(w l) at the scale k over D, the denominator at k.
** Where the numerator is not a double there, it is read at a scale of
** its own, the larger of its two sums near 1, so that L keeps its
** digits: below 2^-960 (the model right but for rows of weight near
** 2^-1074 of the rest), or past DBL_MAX (a mean above DBL_MAX/2 under
** pos_weight or class weights near 1e305, or a scale k near 2^2148 from
** a tiny weight sum: it read as +Inf, and D^2 was the error for one
** below -DBL_MAX; sum_dd() cannot take an infinite part out). */
static bce_d2_x mean_at(bce_mean *m, bce_dd D, int k){
  bce_d2_x L;
  bce_dd n;
  int kn = k, any = 0;
  double a = bce_sum_value_scaled(&m->loss, k);
  double t = m->nTiny>0 ? bce_sum_value_scaled(&m->tiny, k - 1074) : 0.0;
  if( isfinite(a + t) ){
    n = numerator_at(m, k);
    if( !(fabs(n.hi)<0x1p-960) ){
      L.m = bce_d2_div(n, D);
      L.e = 0;
      return L;
    }
  }
  if( bce_sum_value(&m->loss)!=0.0 ){
    kn = unit_scale(&m->loss);
    any = 1;
  }
  if( m->nTiny>0 && bce_sum_value(&m->tiny)!=0.0 ){
    int kt = unit_scale(&m->tiny) + 1074;
    if( !any || kt<kn ) kn = kt;
  }
  n = numerator_at(m, kn);
  L.m = bce_d2_div(n, D);
  L.e = k - kn;
  return L;
}

/* L = sum(w l) / den at the scale k. */
static bce_d2_x mean_dd(bce_mean *m, bce_sum *den, int k){
  return mean_at(m, sum_dd(den, k), k);
}

/* The mean's denominator sum(w d) with its products below 2^-968 (class
** weights, src/mean.h), times 2^*k near 1. */
static bce_dd den_dd(bce_mean *m, bce_sum *den, int *k){
  bce_dd d, t;
  double tw = bce_sum_value(&m->tinyWeight);
  if( tw==0.0 ){
    *k = bce_sum_value(den)!=0.0 ? unit_scale(den) : 0;
    return sum_dd(den, *k);
  }
  *k = 1074 - bce_ilogb(tw);
  if( bce_sum_value(den)!=0.0 && unit_scale(den)<*k ) *k = unit_scale(den);
  d = sum_dd(den, *k);
  t = sum_dd(&m->tinyWeight, *k - 1074);
  bce_dd_add(&d.hi, &d.lo, t.hi);
  bce_dd_add(&d.hi, &d.lo, t.lo);
  return d;
}

/* The sum s over W (sum(w) at the scale 2^k): a frequency, read at its
** own scale where it is below 2^-960 (a label seen only with a weight
** near 2^-1074 of sum(w)), so that it keeps its digits. */
static bce_d2_x frequency(bce_sum *s, int k, bce_dd W){
  bce_d2_x r;
  int ks;
  r.m = bce_d2_div(sum_dd(s, k), W);
  r.e = 0;
  /* (a sum below 2^-1075 of sum(w) reads as 0 at the scale k) */
  if( r.m.hi<0x1p-960 && bce_sum_value(s)!=0.0 ){
    ks = unit_scale(s);
    r.m = bce_d2_div(sum_dd(s, ks), W);
    r.e = k - ks;
  }
  return r;
}

/* The scale 2^cs that brings the largest class weight into [1, 2) (0
** where every weight is 0). */
static int class_weight_scale(const bce_options *o){
  double big = 0.0;
  int64_t c;
  for(c=0; c<o->n_class_weights; c++){
    if( o->class_weights[c]>big ) big = o->class_weights[c];
  }
  return big>0.0 ? -bce_ilogb(big) : 0;
}

/* D^2 = 1 - L/L0 with L finite and L0 finite and > 0 is below 1; it
** passes -DBL_MAX only where L0 is that far below L (an eps of at most
** 2^-54, where 1 - eps rounds to 1, and a class's frequency near 2^-1074), where
** the quotient is -Inf or NaN. */
static bce_score_status d2_in_range(double v){
  return v>=-DBL_MAX ? BCE_SCORE_VALUE : BCE_SCORE_D2_OVERFLOW;
}

/* What is left to say once L0 and L are known (L0 finite or +Inf, > 0). */
static bce_score_status d2_finish(bce_mean *m, bce_d2_x L0, bce_d2_x L,
                                  double *v){
  if( m->nInf>0 ){
    if( isinf(L0.m.hi) ) return BCE_SCORE_NULL;
    *v = -INFINITY;
    return BCE_SCORE_VALUE;
  }
  if( isinf(L0.m.hi) ){
    *v = 1.0;
    return BCE_SCORE_VALUE;
  }
  *v = bce_d2_score(L, L0);
  return d2_in_range(*v);
}

/* What is left to say once L0 is known (finite or +Inf, > 0). */
static bce_score_status d2_report(bce_mean *m, bce_d2_x L0, bce_sum *den,
                                  int k, double *v){
  if( m->nInf>0 ){
    /* the model is certain and wrong somewhere (eps = 0) */
    if( isinf(L0.m.hi) ) return BCE_SCORE_NULL;     /* Inf/Inf: NULL */
    *v = -INFINITY;
    return BCE_SCORE_VALUE;
  }
  if( isinf(L0.m.hi) ){
    *v = 1.0;
    return BCE_SCORE_VALUE;
  }
  /* L at its denominator's scale (sum(w cw_k) may be far below sum(w)
  ** with class weights): its digits, and the same bits elsewhere */
  if( bce_sum_value(den)!=0.0 ) k = unit_scale(den);
  *v = bce_d2_score(mean_dd(m, den, k), L0);
  return d2_in_range(*v);
}

/* The checks common to both: NULL below two rows of w > 0; the sum of
** the weights in range (rule 7). */
static bce_score_status d2_ready(bce_mean *m, bce_sum *wsum){
  bce_mean_flush(m);       /* none here (bce_d2 sums its own), as a rule */
  if( m->nWeight<2 ) return BCE_SCORE_NULL;
  if( !isfinite(bce_sum_value(wsum))
   || (m->weighted && !isfinite(bce_sum_value(&m->weight))) ){
    return BCE_SCORE_WEIGHT_OVERFLOW;
  }
  return BCE_SCORE_VALUE;
}

BCE_PRIVATE void bce_score_result(sqlite3_context *ctx, bce_score_status st,
                                  double v){
  switch( st ){
    case BCE_SCORE_VALUE:
      sqlite3_result_double(ctx, v);
      return;
    case BCE_SCORE_WEIGHT_OVERFLOW:
      bce_error(ctx, "the sum of the weights overflows a double; scale "
                     "them down");
      return;
    case BCE_SCORE_D2_OVERFLOW:
      bce_error(ctx, "D^2 = 1 - L/L0 is below -DBL_MAX: the null model's "
                     "loss L0 is that far below the model's (a class seen "
                     "only with a weight near 0, and an eps of at most "
                     "2^-54, where 1 - eps rounds to 1); a larger eps "
                     "clips it");
      return;
    case BCE_SCORE_NOMEM:
      sqlite3_result_error_nomem(ctx);
      return;
    default:
      return;                                       /* NULL */
  }
}

BCE_PRIVATE bce_score_status bce_d2_binary_value(bce_mean *m, bce_sum *wsum,
                                                 bce_sum *wy,
                                                 const bce_options *o,
                                                 double *v){
  bce_sum rest;
  bce_dd W;
  bce_d2_x ybar, ybarc, L0;
  int k;
  bce_score_status st = d2_ready(m, wsum);
  if( st!=BCE_SCORE_VALUE ) return st;
  rest = *wsum;
  sum_sub(&rest, wy);
  /* every label the same: L0 = 0 (the null model is right) */
  if( bce_sum_value(wy)==0.0 || bce_sum_value(&rest)==0.0 ){
    return BCE_SCORE_NULL;
  }
  k = unit_scale(wsum);
  W = sum_dd(wsum, k);
  ybar = frequency(wy, k, W);
  ybarc = frequency(&rest, k, W);
  L0 = bce_d2_null_binary(ybar, ybarc,
                          (o->keys & BCE_OPT_EPS) ? o->eps : BCE_DEFAULT_EPS,
                          (o->keys & BCE_OPT_POS_WEIGHT) ? o->pos_weight : 1.0,
                          (o->keys & BCE_OPT_SMOOTHING) ? o->smoothing : 0.0);
  return d2_report(m, L0, wsum, k, v);
}

static void bce_d2_result(sqlite3_context *ctx){
  D2Agg *d = (D2Agg*)sqlite3_aggregate_context(ctx, 0);
  double v = 0.0;
  if( d==0 ) return;                                /* NULL */
  d2_sums(d);
  bce_score_status st = bce_d2_binary_value(&d->a.m, &d->wsum, &d->wy,
                                            &d->a.o.opt, &v);
  /* v is set by the call: read after it */
  bce_score_result(ctx, st, v);
}

BCE_PRIVATE void bce_d2_value_func(sqlite3_context *ctx){
  bce_d2_result(ctx);
}

BCE_PRIVATE void bce_d2_final_func(sqlite3_context *ctx){
  D2Agg *d = (D2Agg*)sqlite3_aggregate_context(ctx, 0);
  bce_d2_result(ctx);
  if( d ) bce_agg_options_free(&d->a.o);
}

/* The classes' means are read into room for BCE_D2_INLINE of them, or a
** block of their own past that (freed before returning). */
#define BCE_D2_INLINE 64
BCE_PRIVATE bce_score_status bce_d2_cce_value(bce_mean *m, bce_sum *wsum,
                                              bce_sum *cls, int64_t K,
                                              const bce_options *o,
                                              double *v){
  bce_d2_x room[BCE_D2_INLINE], *pi = room, bigc = {{0.0, 0.0}, 0}, L0;
  bce_dd W;
  bce_sum *den;
  int64_t c, big = -1;
  int k;
  bce_score_status st = d2_ready(m, wsum);
  if( st!=BCE_SCORE_VALUE ) return st;
  /* two rows were taken, so the class sums are there */
  if( BCE_NEVER(cls==0) ) return BCE_SCORE_NULL;
  if( K>BCE_D2_INLINE ){
    pi = (bce_d2_x*)sqlite3_malloc64((sqlite3_uint64)K*sizeof(*pi));
    if( pi==0 ) return BCE_SCORE_NOMEM;
  }
  st = BCE_SCORE_NULL;
  k = unit_scale(wsum);
  W = sum_dd(wsum, k);
  for(c=0; c<K; c++){
    pi[c] = frequency(&cls[c], k, W);
    if( pi[c].m.hi>0.5 && pi[c].e==0 ) big = c;
  }
  if( big>=0 ){
    bce_sum rest = *wsum;
    sum_sub(&rest, &cls[big]);
    /* every label the class big: L0 = 0 */
    if( bce_sum_value(&rest)==0.0 ) goto done;
    bigc = frequency(&rest, k, W);
  }
  den = m->weighted ? &m->weight : wsum;
  /* only where the weight sum lacks products (the tiny weight sum) or the
  ** class weights are all below 2^-968: elsewhere the scales change no
  ** bit, and L0 and L keep the bits of before (a class frequency below
  ** 2^-960 is carried at its own scale by frequency() and src/d2.c) */
  if( o->n_class_weights>0
   && (bce_sum_value(&m->tinyWeight)!=0.0
       || class_weight_scale(o)>968) ){
    /* the class weights times 2^cs, the largest in [1, 2), and D (the
    ** mean's denominator sum(w d), with its products below 2^-968) read
    ** at 2^kd, near 1: weights near 2^-1074 keep their digits
    ** (docs/accuracy.md); L0 over D is times W/D, the scales taken back
    ** out; +Inf (a class never seen) stays +Inf, where the quotient's
    ** remainder would be Inf - Inf, NaN */
    int cs = class_weight_scale(o), kd;
    bce_dd D = den_dd(m, den, &kd);
    bce_d2_x dw;
    L0 = bce_d2_null_cce(pi, K, big, bigc, o->class_weights, cs,
                         (o->keys & BCE_OPT_EPS) ? o->eps : BCE_DEFAULT_EPS,
                         (o->keys & BCE_OPT_SMOOTHING) ? o->smoothing : 0.0);
    dw.m = bce_d2_div(D, W);
    dw.e = 0;
    if( !isinf(L0.m.hi) || !(dw.m.hi>0.0) ){
      L0 = bce_d2_x_div(L0, dw);
      L0.e += kd - k - cs;
    }
    if( !(L0.m.hi>0.0) ) goto done;     /* every weight of the labels is 0 */
    st = d2_finish(m, L0, mean_at(m, D, kd), v);
    goto done;
  }
  L0 = bce_d2_null_cce(pi, K, big, bigc,
                       o->n_class_weights>0 ? o->class_weights : 0, 0,
                       (o->keys & BCE_OPT_EPS) ? o->eps : BCE_DEFAULT_EPS,
                       (o->keys & BCE_OPT_SMOOTHING) ? o->smoothing : 0.0);
  if( o->n_class_weights>0 ){
    /* L0 over the mean's denominator sum(w d): times W/D; +Inf (a class
    ** never seen) stays +Inf, where the quotient's remainder would be
    ** Inf - Inf, NaN */
    bce_d2_x dw = frequency(den, k, W);
    if( !isinf(L0.m.hi) || !(dw.m.hi>0.0) ) L0 = bce_d2_x_div(L0, dw);
    if( !(L0.m.hi>0.0) ) goto done;     /* every weight of the labels is 0 */
  }
  st = d2_report(m, L0, den, k, v);
done:
  if( pi!=room ) sqlite3_free(pi);
  return st;
}

static void cce_d2_result(sqlite3_context *ctx){
  D2Agg *d = (D2Agg*)sqlite3_aggregate_context(ctx, 0);
  double v = 0.0;
  if( d==0 ) return;                                /* NULL */
  bce_score_status st = bce_d2_cce_value(&d->a.m, &d->wsum, d->cls, d->K,
                                         &d->a.o.opt, &v);
  /* v is set by the call: read after it */
  bce_score_result(ctx, st, v);
}

BCE_PRIVATE void bce_cce_d2_value_func(sqlite3_context *ctx){
  cce_d2_result(ctx);
}

BCE_PRIVATE void bce_cce_d2_final_func(sqlite3_context *ctx){
  D2Agg *d = (D2Agg*)sqlite3_aggregate_context(ctx, 0);
  cce_d2_result(ctx);
  if( d ){
    bce_agg_options_free(&d->a.o);
    sqlite3_free(d->cls);
    d->cls = 0;
  }
}

/* ------------------------------------------------------------- states */

/* bce_d2_state() and cce_d2_state(): the steps of bce_d2() and cce_d2(),
** and the context as a state (docs/state-format.md, codes 05 and 06):
** the mean's fields as bce_state()'s and cce_state()'s, then the sums. */
static size_t encode_d2(void *arg, unsigned char *out, size_t cap){
  D2Agg *d = (D2Agg*)arg;
  bce_state_score sc;
  d2_sums(d);
  sc.wsum = &d->wsum;
  sc.wy = &d->wy;
  sc.cls = d->cls;
  sc.K = d->K;
  return bce_state_encode_score(&d->a.m,
                                d->cls ? BCE_STATE_CCE_D2 : BCE_STATE_BCE_D2,
                                d->a.o.given ? &d->a.o.opt : 0, 0, 0, &sc,
                                out, cap);
}

static void d2_state_result(sqlite3_context *ctx, int cce){
  D2Agg *d = (D2Agg*)sqlite3_aggregate_context(ctx, 0);
  unsigned char out[BCE_STATE_SMALL];
  size_t n;
  if( d==0 ) return;                        /* no rows: NULL, state rule 2 */
  /* a cce_d2 state of rows that all were NULL or ignored: no classes */
  if( cce && d->cls==0 ) return;
  n = encode_d2(d, out, sizeof out);
  if( n==0 ) return;                        /* a frame emptied: NULL */
  bce_result_state(ctx, n, out, encode_d2, d);
}

BCE_PRIVATE void bce_d2_state_value_func(sqlite3_context *ctx){
  d2_state_result(ctx, 0);
}

BCE_PRIVATE void bce_d2_state_final_func(sqlite3_context *ctx){
  D2Agg *d = (D2Agg*)sqlite3_aggregate_context(ctx, 0);
  d2_state_result(ctx, 0);
  if( d ) bce_agg_options_free(&d->a.o);
}

BCE_PRIVATE void bce_cce_d2_state_value_func(sqlite3_context *ctx){
  d2_state_result(ctx, 1);
}

BCE_PRIVATE void bce_cce_d2_state_final_func(sqlite3_context *ctx){
  D2Agg *d = (D2Agg*)sqlite3_aggregate_context(ctx, 0);
  d2_state_result(ctx, 1);
  if( d ){
    bce_agg_options_free(&d->a.o);
    sqlite3_free(d->cls);
    d->cls = 0;
  }
}
