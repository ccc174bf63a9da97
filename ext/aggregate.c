/*
** bce(y, p), bce(y, p, w), bce(y, p, w, eps), and bce_logits(y, z),
** bce_logits(y, z, w): the mean log loss, as an aggregate and as a window
** function.  One implementation; the per-row loss is the only difference
** (src/loss.h for a probability, src/logits.h for a logit), chosen by a
** constant that each registered step passes down.
**
**  (1) A row with NULL in any argument is skipped, as avg() skips it.
**  (2) No rows, or no row of positive weight: the result is NULL.
**  (3) bce(y, p) is the mean of l(y, p) over the rows; with w it is
**      sum(w*l) / sum(w), scikit-learn's sample_weight convention.  A row of
**      weight 0 counts for nothing, even when its loss is infinite.
**  (4) eps (default 1e-15) is the clip of src/loss.h; it must be the same in
**      every row.  With eps = 0 a certain-and-wrong row of positive weight
**      makes the result +Inf; so does a logit of the wrong infinity.
**  (5) Domain errors (y, p outside [0, 1]; w negative or not finite; eps
**      outside [0, 0.5)) fail the statement.  So does a weight so large that
**      w*l or sum(w) overflows: the answer would otherwise be Inf or NaN.
**  (6) The sums are exact (src/exact_sum.h), infinite terms are counted
**      beside them, and xValue and xFinal share one routine, so a sliding
**      window frame gives the same bits as a fresh aggregate over its rows,
**      also after it has slid past an infinity.
**  (7) y and p (or z) may be JSON arrays (ext/vector.h): the row's loss is
**      then the mean over its elements, and the row weighs as one row.
**  (8) w*l is rounded to a double before it is summed, except where that
**      would underflow (below 2^-1022 the product loses bits, below
**      2^-1075 all of them: bce(0, 2.87e-236, 1.8e-167, 0) came out 0,
**      not 2.87e-236).  Such a product is rounded to 53 bits as if the
**      exponent range had no floor, and summed exactly times 2^1074 on the
**      side; the ratio is then read with both sums scaled near 1.
*/
#include <math.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "functions.h"
#include "vector.h"
#include "../src/exact_sum.h"
#include "../src/logits.h"
#include "../src/loss.h"

typedef struct BceAgg {
  bce_sum loss;          /* exact sum of the finite w*l of the frame */
  bce_sum weight;        /* exact sum of w (weighted forms only) */
  bce_sum tiny;          /* exact sum of the w*l below 2^-1022, times 2^1074 */
  sqlite3_int64 nRow;    /* rows in the frame */
  sqlite3_int64 nWeight; /* rows with w > 0 */
  sqlite3_int64 nInf;    /* rows with w > 0 and an infinite l */
  sqlite3_int64 nTiny;   /* rows in tiny */
  double eps;            /* the 4th argument, once seen */
  int hasEps;
  int weighted;          /* called with w */
  int logits;            /* bce_logits() */
} BceAgg;

static const bce_param bce_params[] = {
  {"y", BCE_UNIT}, {"p", BCE_PROB}, {"w", BCE_WEIGHT}, {"eps", BCE_EPS}
};
static const bce_param logits_params[] = {
  {"y", BCE_UNIT}, {"z", BCE_ANY}, {"w", BCE_WEIGHT}
};

/* The per-row path is inlined into each arity's step so that constants
** (w = 1, no eps, the direction) fold away; compilers that cannot be told
** still get correct code. */
#if defined(__GNUC__) || defined(__clang__)
# define BCE_ALWAYS_INLINE static inline __attribute__((always_inline))
# define BCE_NOINLINE static __attribute__((noinline))
#else
# define BCE_ALWAYS_INLINE static inline
# define BCE_NOINLINE static
#endif

/* For a product wl = w*l (rounded) below 2^-1022: sets *scaled to w*l
** times 2^1074 rounded to 53 bits -- the product of the two mantissas
** (in [1/4, 1), so it rounds as w*l would without an exponent floor),
** then the exponents; below 2^-2096 that is itself subnormal, off by at
** most 2^-2148 of w*l -- and returns whether wl is w*l exactly, as a
** subnormal product can be (then it is summed as any other). */
static int exact_product(double w, double l, double wl, double *scaled){
  int ew, el;
  double mw = frexp(w, &ew);
  double ml = frexp(l, &el);
  double m = mw*ml;
  *scaled = ldexp(m, ew + el + 1074);
  return fma(mw, ml, -m)==0.0 && ldexp(wl, 1074)==*scaled;
}

/* Adds (sign = +1) or removes (sign = -1) one row. */
BCE_ALWAYS_INLINE void accumulate(BceAgg *a, double l, double w, int sign){
  a->nRow += sign;
  if( w>0.0 ){
    a->nWeight += sign;
    if( isinf(l) ){
      a->nInf += sign;
    }else{
      double wl = w*l, scaled;
      /* w = 1 (every unweighted form) is exact and folds away */
      if( w!=1.0 && wl<0x1p-1022 && !exact_product(w, l, wl, &scaled) ){
        bce_sum_add(&a->tiny, scaled, sign);
        a->nTiny += sign;
      }else{
        bce_sum_add(&a->loss, wl, sign);
      }
    }
    if( a->weighted ) bce_sum_add(&a->weight, w, sign);
  }
}

/* One row in or out.  Inlined into a function per arity, direction and
** loss, so that bce(y, p) compiles to a path with no weight, no eps and no
** logit in it.  Arrays are only looked for once a fast read has failed. */
BCE_ALWAYS_INLINE void step(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv, int sign, int logits){
  const char *fn = logits ? "bce_logits" : "bce";
  const bce_param *param = logits ? logits_params : bce_params;
  double v[4];
  double eps, w, l;
  int arrays = 0;
  BceAgg *a;
  if( bce_read_pair(argv, param[1].domain, &v[0], &v[1]) ){
    if( argc>2 && bce_read_args(ctx, fn, argc-2, argv+2, param+2,
                                v+2)!=BCE_READ_OK ){
      return;
    }
  }else if( bce_read_args_or_arrays(ctx, fn, argc, argv, param, v, &arrays)
            !=BCE_READ_OK ){
    return;
  }
  a = (BceAgg*)sqlite3_aggregate_context(ctx, sizeof(*a));
  if( a==0 ){
    sqlite3_result_error_nomem(ctx);
    return;
  }
  eps = BCE_DEFAULT_EPS;
  if( argc==4 ){
    eps = v[3];
    if( !a->hasEps ){
      a->eps = eps;
      a->hasEps = 1;
    }else if( eps!=a->eps ){
      char got[32], first[32], msg[128];
      bce_format_double(got, eps);
      bce_format_double(first, a->eps);
      sqlite3_snprintf(sizeof msg, msg,
          "bce(): eps must be the same in every row, got %s after %s",
          got, first);
      sqlite3_result_error(ctx, msg, -1);
      return;
    }
  }
  w = argc>=3 ? v[2] : 1.0;
  a->weighted = argc>=3;
  a->logits = logits;
  if( arrays ){
    if( !bce_array_loss(ctx, fn, param,
                        logits ? BCE_VEC_LOGITS : BCE_VEC_PROB, eps, argv,
                        arrays, v[0], &l) ){
      return;
    }
  }else{
    l = logits ? bce_logits_loss(v[0], v[1]) : bce_loss(v[0], v[1], eps);
  }
  if( sign>0 && w>0.0 && isfinite(l) && isinf(w*l) ){
    char msg[96];
    sqlite3_snprintf(sizeof msg, msg, "%s(): w*loss overflows a double; "
                                      "scale the weights down", fn);
    sqlite3_result_error(ctx, msg, -1);
    return;
  }
  accumulate(a, l, w, sign);
}

#define BCE_STEP(prefix, n, logits) \
  void prefix##_step##n(sqlite3_context *ctx, int argc, \
                        sqlite3_value **argv){ \
    (void)argc; \
    step(ctx, n, argv, +1, logits); \
  } \
  void prefix##_inverse##n(sqlite3_context *ctx, int argc, \
                           sqlite3_value **argv){ \
    (void)argc; \
    step(ctx, n, argv, -1, logits); \
  }
BCE_STEP(bce_agg, 3, 0)
BCE_STEP(bce_agg, 4, 0)
BCE_STEP(bce_logits_agg, 2, 1)
BCE_STEP(bce_logits_agg, 3, 1)

/* bce(y, p) is the form most queries use, and most of its rows are two
** numbers in [0, 1].  Those take a path that does only what such a row
** needs, and every other row (NULL, TEXT, arrays, errors) goes to step(),
** out of line, so that the short path needs no large stack frame:
**  - with the default eps, q is in [1e-15, 1 - 1e-15] and the loss is
**    finite and at most 34.6, so it goes straight into the exact sum;
**  - the weight is 1: nWeight counts with nRow, nothing else is summed;
**  - the context's weighted and logits flags stay 0, as
**    sqlite3_aggregate_context() zeroed them, and as step() sets them for
**    bce(y, p). */
BCE_NOINLINE void step2_general(sqlite3_context *ctx, sqlite3_value **argv,
                                int sign){
  step(ctx, 2, argv, sign, 0);
}

BCE_ALWAYS_INLINE void step2(sqlite3_context *ctx, sqlite3_value **argv,
                             int sign){
  double y, p;
  BceAgg *a;
  if( !bce_read_pair(argv, BCE_UNIT, &y, &p) ){
    step2_general(ctx, argv, sign);
    return;
  }
  a = (BceAgg*)sqlite3_aggregate_context(ctx, sizeof(*a));
  if( a==0 ){
    sqlite3_result_error_nomem(ctx);
    return;
  }
  a->nRow += sign;
  a->nWeight += sign;
  bce_sum_add(&a->loss, bce_loss(y, p, BCE_DEFAULT_EPS), sign);
}

void bce_agg_step2(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc;
  step2(ctx, argv, +1);
}

void bce_agg_inverse2(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc;
  step2(ctx, argv, -1);
}

static void result(sqlite3_context *ctx, BceAgg *a){
  double total;
  if( a==0 || a->nWeight==0 ) return;   /* NULL */
  if( a->nInf>0 ){
    sqlite3_result_double(ctx, INFINITY);
    return;
  }
  if( !a->weighted ){
    sqlite3_result_double(ctx, bce_sum_div(&a->loss, (double)a->nRow));
    return;
  }
  total = bce_sum_value(&a->weight);
  if( !isfinite(total) ){
    char msg[96];
    sqlite3_snprintf(sizeof msg, msg, "%s(): the sum of the weights "
                     "overflows a double; scale them down",
                     a->logits ? "bce_logits" : "bce");
    sqlite3_result_error(ctx, msg, -1);
    return;
  }
  if( a->nTiny>0 ){
    /* (loss + tiny/2^1074) / total, all three scaled by 2^k so that the
    ** total is in [1, 2): nothing underflows on the way */
    int k = -ilogb(total);
    double loss;
    total = bce_sum_value_scaled(&a->weight, k);
    loss = bce_sum_value_scaled(&a->loss, k)
         + bce_sum_value_scaled(&a->tiny, k - 1074);
    sqlite3_result_double(ctx, loss/total);
    return;
  }
  /* sum(w*l) may be past the double range where the mean is not (logits
  ** near 1e308): bce_sum_div() reads it scaled */
  sqlite3_result_double(ctx, bce_sum_div(&a->loss, total));
}

void bce_agg_value(sqlite3_context *ctx){
  result(ctx, (BceAgg*)sqlite3_aggregate_context(ctx, 0));
}

void bce_agg_final(sqlite3_context *ctx){
  result(ctx, (BceAgg*)sqlite3_aggregate_context(ctx, 0));
}
