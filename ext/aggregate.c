/* SPDX-License-Identifier: MIT */
/*
** bce(y, p), bce(y, p, w), bce(y, p, w, eps), and bce_logits(y, z),
** bce_logits(y, z, w): the mean log loss, as an aggregate and as a window
** function (docs/functions.md); each but the two-argument forms takes an
** options object in its last place instead (issue 21, ext/options.h): the
** first row's are the aggregate's, as rule 6 has it for eps.  One
** implementation: a row's loss is src/loss.h's for a probability and
** src/logits.h's for a logit, or the mean over a row of JSON arrays (rule
** 9); the rows go into a bce_mean (src/mean.h), which owns the exact sums
** and the result.
**
** Each registered step below is one line that calls step() with its
** arity, direction and formula as constants, so that the compiler builds
** a path per function: bce(y, p, w) has no eps and no logit in it.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "array_args.h"
#include "options.h"
#include "registry.h"
#include "../src/binary_opt.h"
#include "../src/logits.h"
#include "../src/loss.h"
#include "../src/mean.h"

/* The aggregate context is BceAgg (ext/options.h): zeroed by SQLite on the
** first row. */

static BceAgg *agg_context(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, sizeof(*a));
  if( a==0 ) sqlite3_result_error_nomem(ctx);
  return a;
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

/* One row in (sign = +1) or out (sign = -1): argv[0..argc) are numbers
** (y, p or z, w, eps), and optv, when not 0, the options object after
** them.  Arrays are only looked for once a fast read has failed. */
BCE_ALWAYS_INLINE void step(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv, int sign, int logits,
                            sqlite3_value *optv){
  const bce_param *param = logits ? bce_params_logits : bce_params_prob;
  double v[4];
  double eps, w, l;
  int arrays = 0, opt = 0;
  bce_binary_opt b;
  BceAgg *a;
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
  /* Every form that may carry options reads the slot, so that a row
  ** without them after one with them (or the other way) is rule 6's
  ** error; only bce(y, p, w)'s rows after a first without any skip it. */
  if( optv || argc==4
   || (argc==3 && (!a->o.given || a->o.text || a->o.opt.keys)) ){
    if( !bce_agg_options_row(ctx, &a->o, optv, argc==4,
                             argc==4 ? v[3] : 0.0) ){
      return;
    }
    /* where the rows of known options with a hard label may wait
    ** (step_same_options()); the same every row */
    a->o.batch = bce_opt_batch_kind(&a->o.opt);
    if( a->o.batch>=BCE_OPT_BATCH_PRODUCTS ){
      a->m.batchOpt = a->o.batch;
      a->m.batchPw = a->o.opt.pos_weight;
      a->m.batchS = a->o.opt.smoothing;
      a->m.batchGamma = a->o.opt.gamma;
    }
    if( a->o.opt.keys & BCE_OPT_EPS ){
      eps = a->o.opt.eps;
      /* the state carries the eps (ext/states.c); the same by now */
      if( !bce_agg_same_eps(ctx, &a->m, eps) ) return;
    }
    if( a->o.opt.keys & BCE_OPT_BINARY_KEYS ){
      /* pos_weight, smoothing, gamma, alpha: src/binary_opt.h, unless
      ** their values change nothing */
      if( !arrays && !bce_options_number_row(ctx, &a->o.opt) ) return;
      bce_binary_opt_of(&a->o.opt, &b);
      opt = !bce_binary_opt_plain(&b);
    }
  }
  w = argc>=3 ? v[2] : 1.0;
  a->m.weighted = argc>=3;
  if( arrays ){
    /* the aggregate's options (none: the defaults), which the multi-label
    ** formulas take whole (src/arrays.h) */
    bce_options none;
    const bce_options *o = &a->o.opt;
    int r;
    if( !a->o.given ){
      bce_options_init(&none);
      o = &none;
    }
    r = bce_row_array_loss(ctx, param,
                           logits ? BCE_ARRAY_LOGITS : BCE_ARRAY_PROB, o,
                           argv, arrays, &l);
    if( r!=1 ) return;          /* an error, or no labelled element: skipped */
    if( isinf(l) && w!=0.0
     && bce_row_array_pos_weight_overflow(ctx, param,
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
  if( sign>0 && w>0.0 && isfinite(l) && isinf(w*l) ){   /* rule 7 */
    bce_error(ctx, "w*loss overflows a double; scale the weights down");
    return;
  }
  bce_mean_add(&a->m, l, w, sign);
}

/* A row whose argv[argc] is an options object: out of line, so that the
** paths without one stay as they were. */
BCE_NOINLINE void step_options(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv, int sign, int logits){
  step(ctx, argc, argv, sign, logits, argv[argc]);
}

/* argv[i] is the options object, not the 0.2.0 number there: TEXT whose
** first non-blank byte is '{'.  The type is asked first, inline, so a
** number pays one test. */
static inline int options_at(sqlite3_value **argv, int i){
  return sqlite3_value_type(argv[i])==SQLITE_TEXT
         && bce_is_options_arg(argv[i]);
}

/* n bytes of a and b equal, inline: the options text is a few dozen bytes
** at most, and a call to memcmp() cost more than the comparison (18
** instructions a row for '{}', docs/performance.md).  Words of 8, 4 or 2
** bytes, the last one overlapping the one before, so that a short text
** takes two loads a side and no loop; no load passes a[n-1] or b[n-1]. */
static inline uint64_t opt_text_load8(const char *a){
  uint64_t x;
  memcpy(&x, a, 8);
  return x;
}

static inline uint32_t opt_text_load4(const char *a){
  uint32_t x;
  memcpy(&x, a, 4);
  return x;
}

static inline uint16_t opt_text_load2(const char *a){
  uint16_t x;
  memcpy(&x, a, 2);
  return x;
}

BCE_ALWAYS_INLINE int opt_text_same(const char *a, const char *b, size_t n){
  size_t i;
  if( n>=8 ){
    /* up to 24 bytes (most options texts) without a loop: the first
    ** word, the second where n > 16, the last */
    if( opt_text_load8(a)!=opt_text_load8(b) ) return 0;
    if( n>16 ){
      if( opt_text_load8(a+8)!=opt_text_load8(b+8) ) return 0;
      for(i=16; i+8<n; i+=8){
        if( opt_text_load8(a+i)!=opt_text_load8(b+i) ) return 0;
      }
    }
    return opt_text_load8(a+n-8)==opt_text_load8(b+n-8);
  }
  if( n>=4 ){
    return opt_text_load4(a)==opt_text_load4(b)
        && opt_text_load4(a+n-4)==opt_text_load4(b+n-4);
  }
  /* the first row's options text is at least "{}" */
  if( BCE_NEVER(n<2) ) return memcmp(a, b, n)==0;
  return opt_text_load2(a)==opt_text_load2(b)
      && opt_text_load2(a+n-2)==opt_text_load2(b+n-2);
}

/* A row of known options that change the formula: out of line, so that
** the path of '{}' and of a reduction keeps a small frame. */
BCE_NOINLINE void add_opt_row(sqlite3_context *ctx, BceAgg *a, double y,
                              double x, int sign, int logits){
  bce_binary_opt b;
  double l;
  bce_binary_opt_of(&a->o.opt, &b);
  if( bce_binary_opt_plain(&b) ){
    l = logits ? bce_logits_loss(y, x) : bce_loss(y, x, a->o.opt.eps);
  }else{
    l = logits ? bce_opt_logits_loss(y, x, &b) : bce_opt_loss(y, x, &b);
    /* a weight key that takes a finite row's loss past DBL_MAX: its error,
    ** as the first row's step words it */
    if( isinf(l) && bce_options_loss_overflow(ctx, y, x, logits, l, &b) ){
      return;
    }
  }
  bce_mean_add(&a->m, l, 1.0, sign);
}

/* A hard label's loss under known options: v3 (a constant) in the step
** for processors with FMA, AVX2 and BMI2, bce_step_w_x86_v3 below */
#ifdef BCE_OPT_X86_V3
# define HARD_LOSS(v3, y, x, o) \
    ((v3) ? bce_opt_hard_loss_x86_v3(y, x, o) : bce_opt_hard_loss(y, x, o))
#else
# define HARD_LOSS(v3, y, x, o) ((void)(v3), bce_opt_hard_loss(y, x, o))
#endif

/* A row after the first of bce(y, p, options) or bce_logits(y, z,
** options) whose y and p (or z) are numbers in their domains and whose
** options are the first row's bytes: the options are known, so it takes
** what such a row needs and no more (the cost bound: options cost
** next to nothing once read).  argv[2] is TEXT (step3() has asked).
** Returns 0 for any other row, which step3_general() takes, and words the
** errors of.
**
** The text is compared byte for byte every row, never by its pointer: a
** constant argument's text is SQLite's own (the same pointer each row),
** but a column's may sit in a buffer that SQLite reuses for the next row's
** value, so the same pointer and length do not prove the same bytes. */
BCE_ALWAYS_INLINE int step_same_options(sqlite3_context *ctx,
                                        sqlite3_value **argv, int sign,
                                        int logits, int v3){
  BceAgg *a;
  const char *z;
  double y, x;
  if( !bce_read_pair(argv, logits ? BCE_ANY : BCE_UNIT, &y, &x) ) return 0;
  a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  if( a==0 || a->o.text==0 ) return 0;
  z = (const char*)sqlite3_value_text(argv[2]);
  if( z==0 || (size_t)sqlite3_value_bytes(argv[2])!=a->o.nText
   || !opt_text_same(z, a->o.text, a->o.nText) ){
    return 0;
  }
  if( a->o.batch && sign>0 && !logits && bce_is_hard_label(y) ){
    /* a hard label at the default clip: to the batch (src/mean.h), whose
    ** losses are bce_loss()'s ('{}', a reduction) or bce_opt_loss()'s
    ** (src/binary_opt.c), BCE_BATCH rows at a time in vector lanes */
    if( bce_mean_batch_hard(&a->m, y, x) ){
#ifdef BCE_X86_V3
      if( v3 ){
        /* bce_mean_flush_batch_v3() is bce(y, p)'s alone and does not look
        ** at batchOpt: the options' own copy is picked here */
        if( a->m.batchOpt ){
          bce_opt_flush_batch_v3(&a->m);
        }else{
          bce_mean_flush_batch_v3(&a->m);
        }
        return 1;
      }
#endif
      bce_mean_flush_batch(&a->m);       /* picks by batchOpt itself */
    }
    return 1;
  }
  if( a->o.opt.keys & (BCE_OPT_BINARY_KEYS | BCE_OPT_EPS) ){
    double l;
    /* an array of pos_weight is for rows of arrays: step() words it */
    if( a->o.opt.n_pos_weights>0 ) return 0;
    /* a hard label's loss under pos_weight, smoothing or gamma, from p:
    ** bce_opt_loss()'s double, and finite (src/binary_opt.h), so the unit
    ** add as for '{}' below (the weighted flag is 0: the first row's
    ** step() left it so, as options and a weight do not mix) */
    if( !logits && (l = HARD_LOSS(v3, y, x, &a->o.opt))>=0.0 ){
      bce_mean_add_unit(&a->m, l, sign);
    }else{
      add_opt_row(ctx, a, y, x, sign, logits);
    }
  }else if( logits ){
    bce_mean_add(&a->m, bce_logits_loss(y, x), 1.0, sign);
  }else{
    /* '{}', a reduction: bce(y, p)'s loss, finite (at most 36.04) */
    bce_mean_add_unit(&a->m, bce_loss(y, x, BCE_DEFAULT_EPS), sign);
  }
  return 1;
}

/* Every other row of the three-argument forms, out of line (as
** step_yp_general() is for bce(y, p)). */
BCE_NOINLINE void step3_general(sqlite3_context *ctx, sqlite3_value **argv,
                                int sign, int logits){
  if( options_at(argv, 2) ){
    step_options(ctx, 2, argv, sign, logits);
  }else{
    step(ctx, 3, argv, sign, logits, 0);
  }
}

/* bce(y, p, w) or bce(y, p, options); bce_logits likewise.  A number in
** the third place takes step() inline, as before the options; TEXT the
** short path of the first row's options, and every other row goes out of
** line. */
BCE_ALWAYS_INLINE void step3(sqlite3_context *ctx, sqlite3_value **argv,
                             int sign, int logits, int v3){
  if( sqlite3_value_type(argv[2])!=SQLITE_TEXT ){
    step(ctx, 3, argv, sign, logits, 0);         /* bce(y, p, w) */
  }else if( !step_same_options(ctx, argv, sign, logits, v3) ){
    step3_general(ctx, argv, sign, logits);
  }
}

BCE_PRIVATE void bce_step_w(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv){
  (void)argc;
  step3(ctx, argv, +1, 0, 0);
}

BCE_PRIVATE void bce_inverse_w(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv){
  (void)argc;
  step3(ctx, argv, -1, 0, 0);
}

/* bce(y, p, w, eps) or bce(y, p, w, options) */
BCE_PRIVATE void bce_step_w_eps(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv){
  (void)argc;
  if( options_at(argv, 3) ){
    step_options(ctx, 3, argv, +1, 0);
  }else{
    step(ctx, 4, argv, +1, 0, 0);
  }
}

BCE_PRIVATE void bce_inverse_w_eps(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv){
  (void)argc;
  if( options_at(argv, 3) ){
    step_options(ctx, 3, argv, -1, 0);
  }else{
    step(ctx, 4, argv, -1, 0, 0);
  }
}

BCE_PRIVATE void bce_logits_step(sqlite3_context *ctx, int argc,
                                 sqlite3_value **argv){
  (void)argc;
  step(ctx, 2, argv, +1, 1, 0);
}

BCE_PRIVATE void bce_logits_inverse(sqlite3_context *ctx, int argc,
                                    sqlite3_value **argv){
  (void)argc;
  step(ctx, 2, argv, -1, 1, 0);
}

BCE_PRIVATE void bce_logits_step_w(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv){
  (void)argc;
  step3(ctx, argv, +1, 1, 0);
}

BCE_PRIVATE void bce_logits_inverse_w(sqlite3_context *ctx, int argc,
                                      sqlite3_value **argv){
  (void)argc;
  step3(ctx, argv, -1, 1, 0);
}

/* bce_logits(y, z, w, options): nothing else goes in the fourth place
** (logits take no eps). */
static void logits_step_w_opt(sqlite3_context *ctx, sqlite3_value **argv,
                              int sign){
  if( !options_at(argv, 3) ){
    if( !bce_options_arg_missing(ctx, 4, argv) ) return;
  }
  step_options(ctx, 3, argv, sign, 1);
}

BCE_PRIVATE void bce_logits_step_w_opt(sqlite3_context *ctx, int argc,
                                       sqlite3_value **argv){
  (void)argc;
  logits_step_w_opt(ctx, argv, +1);
}

BCE_PRIVATE void bce_logits_inverse_w_opt(sqlite3_context *ctx, int argc,
                                          sqlite3_value **argv){
  (void)argc;
  logits_step_w_opt(ctx, argv, -1);
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
  step(ctx, 2, argv, sign, 0, 0);
}

/* A soft label's row, out of line: the hard labels' path then keeps the
** fewest registers (docs/performance.md). */
BCE_NOINLINE void add_soft_row(BceAgg *a, double y, double p){
  bce_mean_add_unit(&a->m, bce_soft_loss(y, bce_clip(p, BCE_DEFAULT_EPS)),
                    +1);
}

/* A row in: a hard label's row goes to the batch (src/mean.h), whose
** losses are taken BCE_BATCH at a time in vector lanes
** (src/log_batch.h) when it is full; a soft label's at once.  A row out
** (a window's inverse): at once, as before; the frame's rows are read
** after every row anyway.  v3: the flush built for AVX2 and BMI2. */
BCE_ALWAYS_INLINE void step_yp(sqlite3_context *ctx, sqlite3_value **argv,
                               int sign, int v3){
  double y, p;
  BceAgg *a;
  if( !bce_read_pair(argv, BCE_UNIT, &y, &p) ){
    step_yp_general(ctx, argv, sign);
    return;
  }
  a = agg_context(ctx);
  if( a==0 ) return;
  if( sign>0 ){
    if( bce_is_hard_label(y) ){
      if( bce_mean_batch_hard(&a->m, y, p) ){
#ifdef BCE_X86_V3
        if( v3 ){
          bce_mean_flush_batch_v3(&a->m);
          return;
        }
#endif
        bce_mean_flush_batch(&a->m);
      }
      return;
    }
    add_soft_row(a, y, p);
    return;
  }
  (void)v3;
  bce_mean_add_unit(&a->m, bce_loss(y, p, BCE_DEFAULT_EPS), sign);
}

BCE_PRIVATE void bce_step_yp(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv){
  (void)argc;
  step_yp(ctx, argv, +1, 0);
}

BCE_PRIVATE void bce_inverse_yp(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv){
  (void)argc;
  step_yp(ctx, argv, -1, 0);
}

#ifdef BCE_X86_V3
/* The same C as bce_step_yp, so the same operations in the same order,
** each rounded as before: the target adds no fma (-ffp-contract=off
** holds anyway), only three-operand SSE forms, shifts that need no %cl,
** and four lanes a vector for the batch's flush (docs/performance.md). */
BCE_TARGET_V3
BCE_PRIVATE void bce_step_yp_x86_v3(sqlite3_context *ctx, int argc,
                                    sqlite3_value **argv){
  (void)argc;
  step_yp(ctx, argv, +1, 1);
}
#endif

#ifdef BCE_X86_V3
/* bce(y, p, options) and bce(y, p, w) once more for x86-64 with FMA,
** AVX2 and BMI2: the same C as bce_step_w, whose rows of known options
** with a hard label take bce_opt_hard_loss_x86_v3() (the same doubles,
** src/binary_opt.h); ext/entry.c registers it where the processor has
** them (docs/performance.md "Options"). */
__attribute__((target("avx2,bmi,bmi2,fma")))
BCE_PRIVATE void bce_step_w_x86_v3(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv){
  (void)argc;
  step3(ctx, argv, +1, 0, 1);
}
#endif

/* xValue and xFinal share this, so that a window frame and a fresh
** aggregate over the same rows give the same bits (rule 8). */
static void result(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  double mean;
  if( a==0 ) return;                                /* no rows: rule 2 */
  /* the options' reduction (issue 21); the defaults' is the mean */
  switch( bce_mean_value_r(&a->m, a->o.opt.reduction, &mean) ){
    case BCE_MEAN_EMPTY:
      return;                                       /* NULL: rule 2 */
    case BCE_MEAN_WEIGHT_OVERFLOW:
      bce_error(ctx, "the sum of the weights overflows a double; scale "
                     "them down");                  /* rule 7 */
      return;
    case BCE_MEAN_SUM_OVERFLOW:                     /* "sum" only */
      bce_error(ctx, "the sum of w*loss overflows a double; scale the "
                     "weights down");
      return;
    case BCE_MEAN_QUOTIENT_OVERFLOW:                /* class weights */
      bce_error(ctx, "the mean sum(w*loss) / sum(w*class_weight of y) "
                     "overflows a double; scale alpha or the other "
                     "classes' class_weight down");
      return;
    case BCE_MEAN_VALUE:
      sqlite3_result_double(ctx, mean);
      return;
  }
}

BCE_PRIVATE void bce_mean_value_func(sqlite3_context *ctx){
  result(ctx);
}

BCE_PRIVATE void bce_mean_final_func(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  result(ctx);
  if( a ) bce_agg_options_free(&a->o);
}
