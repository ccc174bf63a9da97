/* SPDX-License-Identifier: MIT */
/*
** The mean loss of an aggregate: sum(w*l) / sum(w) over the rows of a
** group or a window frame, with rows added and removed, rounded once when
** read (docs/functions.md, rules 2, 6, 7 and 8).  Every aggregate of the
** extension keeps one of these; a frame's value is the same bits whether
** it was built by sliding or from scratch, because the sums are exact
** integers (src/exact_sum.h) and the counts are integers too.
**
** Infinite losses are counted, not summed: one of positive weight makes
** the mean +Inf, and removing it brings the finite mean back exactly.
**
** A product w*l below 2^-1022 would lose bits as a subnormal (below
** 2^-1075 all of them: bce(0, 2.87e-236, 1.8e-167, 0) came out 0, not
** 2.87e-236).  Such a product is rounded to 53 bits as if the exponent
** range had no floor and summed, times 2^1074, in a sum of its own; the
** ratio is then read with every sum scaled near 1.
*/
#ifndef BCE_MEAN_H
#define BCE_MEAN_H

#include <math.h>
#include <stdint.h>
#include "bits.h"
#include "exact_sum.h"
#include "fma.h"
#include "log_batch.h"  /* BCE_BATCH */
#include "options.h"    /* bce_reduction */

typedef struct bce_mean {
  bce_sum loss;       /* exact sum of the finite w*l */
  bce_sum weight;     /* exact sum of w (weighted forms only) */
  bce_sum tiny;       /* exact sum of the w*l below 2^-1022, times 2^1074 */
  bce_sum tinyWeight; /* class weights: exact sum of the w*d below 2^-968
                      ** (not exact in the weight sum), times 2^1074 */
  int64_t nRow;       /* rows */
  int64_t nWeight;    /* rows with w > 0 */
  int64_t nInf;       /* rows with w > 0 and an infinite l */
  int64_t nTiny;      /* rows in tiny */
  double eps;         /* the clip, once a row has given it */
  int hasEps;
  int weighted;       /* sum(w) is kept; else every row weighs 1 */
  /* bce(y, p)'s rows of a hard label at the default clip not counted or
  ** summed yet (bce_mean_batch_hard()): every reader of the counts or the
  ** sums calls bce_mean_flush() first */
  int nBatch;
  /* the loss the batch's rows take: 0, bce_loss() at the default clip;
  ** else bce_opt_loss() at the default clip under the three options
  ** below (bce(y, p, options)'s rows), and which of its kernels:
  ** bce_opt_batch_kind()'s BCE_OPT_BATCH_PRODUCTS or _OTHER
  ** (src/binary_opt.h); the same for every row of an aggregate, set
  ** before its first batched row */
  int batchOpt;
  double batchPw, batchS, batchGamma;
  double batchY[BCE_BATCH];
  double batchP[BCE_BATCH];
} bce_mean;

/* The rare product below 2^-1022, out of line. */
BCE_PRIVATE void bce_mean_add_small(bce_mean *m, double w, double l, double wl,
                                    int sign);

/* Adds (sign = +1) or removes (sign = -1) a row of loss l >= 0 and
** weight w >= 0, the caller having checked that w*l does not overflow.
** Inline: it runs once a row, and w = 1 folds away in the unweighted
** forms. */
BCE_ALWAYS_INLINE void bce_mean_add(bce_mean *m, double l, double w, int sign){
  m->nRow += sign;
  if( w>0.0 ){
    m->nWeight += sign;
    if( isinf(l) ){
      m->nInf += sign;
    }else{
      double wl = w*l;
      if( w!=1.0 && wl<0x1p-1022 ){
        bce_mean_add_small(m, w, l, wl, sign);
      }else{
        /* wl > 0 but for a loss of 0, which the limbs take (slower, the
        ** same sum): bce_sum_add_positive() */
        bce_sum_add_positive(&m->loss, wl, sign);
      }
    }
    if( m->weighted ) bce_sum_add_positive(&m->weight, w, sign);
  }
}

/* An unweighted mean made weighted: its rows so far weighed 1 each, and
** are added to the weight sum, exactly; the mean is unchanged. */
BCE_PRIVATE void bce_mean_set_weighted(bce_mean *m);

/* The weight sum's value, sum(w d): the weight sum and, where it is not
** 0, the tiny weight sum over 2^1074, rounded once. */
BCE_PRIVATE double bce_mean_weight_value(bce_mean *m);

/* The weight sum of a row of weight w > 0 added by bce_mean_add() or
** bce_mean_add_scaled() made w*d, exactly (two doubles: the product and
** its error by fma); a product below 2^-968 that the sums' grid of
** 2^-1074 does not hold goes, exactly, times 2^1074 to m->tinyWeight
** (out of line: rare), so that every product the grid holds keeps the
** state's bytes of before. */
BCE_PRIVATE int bce_mean_weight_tiny(bce_mean *m, double w, double d,
                                    int sign);

BCE_ALWAYS_INLINE void bce_mean_weight_d(bce_mean *m, double w, double d,
                                         int sign){
  double wd = w*d;
  bce_sum_add(&m->weight, w, -sign);
  /* below 2^-968 the product's 106 bits may reach under the sums' unit,
  ** 2^-1074: a class weight or a row weight near the bottom of the
  ** doubles (docs/accuracy.md); bce_mean_weight_tiny() sees whether they
  ** do */
  if( wd<0x1p-968 && d!=0.0 && bce_mean_weight_tiny(m, w, d, sign) ) return;
  bce_sum_add(&m->weight, wd, sign);
  bce_sum_add(&m->weight, bce_fma(w, d, -wd), sign);
}

/* As bce_mean_add, for a row whose denominator is d >= 0 (issue 21: w_k
** for a class-index target k with class weights, else 1): the weight sum
** gets w*d exactly, as two doubles (the product rounded, and its error by
** fma), so that the mean "sum(w*l) / sum(w*d)" is rounded once, as
** PyTorch's weighted mean is defined.  The product is exact but where it
** is below 2^-968: there it is the nearest multiple of 2^-1074, the unit
** of the sums.  The caller checks that w*d does not overflow, and sets
** m->weighted before the first row when d can differ from 1 (class
** weights), so that every frame of a window, and every shard, has the
** same flag; a row of d != 1 into an unweighted mean makes it weighted
** all the same, so the value is never wrong.  d = 1 is bce_mean_add. */
BCE_ALWAYS_INLINE void bce_mean_add_d(bce_mean *m, double l, double w,
                                      double d, int sign){
  if( d==1.0 ){
    bce_mean_add(m, l, w, sign);
    return;
  }
  if( !m->weighted ) bce_mean_set_weighted(m);
  bce_mean_add(m, l, w, sign);
  /* bce_mean_add() put w in the weight sum: w*d replaces it */
  if( w>0.0 ) bce_mean_weight_d(m, w, d, sign);
}

/* Adds or removes a row whose loss is part*2^scale, past DBL_MAX
** (cce_logits: m - z_c reaches 2 DBL_MAX, soft targets summing to 1 +
** 1e-4 a little more; scale 1 or 2), of weight w >= 0, the caller having
** checked that w*part does not overflow.  The loss sum holds up to
** 2^1102, so w*part, rounded once, goes in 2^scale times: the sum of w*l
** rounded once, as for any other row (part >= 2^1021 and w >= 2^-1074, so
** the product is normal and its double exact); a mean of such rows is
** finite where it is (bce_mean_value() reads the sum scaled). */
BCE_ALWAYS_INLINE void bce_mean_add_scaled(bce_mean *m, double part,
                                           int scale, double w, int sign){
  m->nRow += sign;
  if( w>0.0 ){
    double wp = w*part;
    int i;
    m->nWeight += sign;
    for(i=0; i<(1 << scale); i++) bce_sum_add(&m->loss, wp, sign);
    if( m->weighted ) bce_sum_add(&m->weight, w, sign);
  }
}

/* bce_mean_add_scaled() for a row whose denominator is d (as
** bce_mean_add_d(): cce_logits with class weights). */
BCE_ALWAYS_INLINE void bce_mean_add_scaled_d(bce_mean *m, double part,
                                             int scale, double w, double d,
                                             int sign){
  if( d!=1.0 && !m->weighted ) bce_mean_set_weighted(m);
  bce_mean_add_scaled(m, part, scale, w, sign);
  if( d!=1.0 && w>0.0 ) bce_mean_weight_d(m, w, d, sign);
}

/* Adds or removes a row whose loss is part*2^scale, scale < 0 (a loss
** below 2^-1000: cce and cce_logits, src/cce.h), part finite, of weight
** w >= 0 and denominator d (as bce_mean_add_d()): w*part is rounded to 53
** bits as if the exponent range had no floor, and goes to the loss sum
** where it is normal or exact, else times 2^1074 to the tiny sum (an
** unweighted mean too: its state is written weighted while it has tiny
** products, src/state.c, as only a weighted state holds them).  Out of
** line: rare. */
BCE_PRIVATE void bce_mean_add_part_d(bce_mean *m, double part, int scale,
                                     double w, double d, int sign);

/* Adds or removes a row of weight 1 and a finite loss: bce(y, p) with the
** default clip, 2^-52, whose loss is in [-ln(1 - 2^-52), -ln(2^-52)] =
** [about 2^-52, 36.04]: never +Inf, so no infinite count.  A row
** predicted exactly right (y = p = 0 or 1, a decision tree's) costs the
** lower end, just below the exact sum's lane (2^-50): it goes to the limbs,
** out of line (src/exact_sum.h); the same bits either way.  The loss is
** positive: bce_sum_add_positive(). */
BCE_ALWAYS_INLINE void bce_mean_add_unit(bce_mean *m, double l, int sign){
  m->nRow += sign;
  bce_sum_add_positive(&m->loss, l, sign);
  /* apart from nRow's, so that gcc does not pair the two counts in a
  ** vector add (5 instructions with AVX, where two adds take 2) */
  m->nWeight += sign;
}

/* The losses of the rows in the batch into the loss sum, BCE_BATCH lanes
** at a time (src/log_batch.h): the bits bce_mean_add_unit() of each row's
** bce_loss() would have given, as the sum is exact and its order does not
** matter.  Out of line: once in BCE_BATCH rows, and before every read.
** The _v3 build is the same C for x86-64 with AVX2 and BMI2, for the
** steps that ext/entry.c registers where the processor has them. */
BCE_PRIVATE void bce_mean_flush_batch(bce_mean *m);
#ifdef BCE_X86_V3
BCE_PRIVATE void bce_mean_flush_batch_v3(bce_mean *m);
#endif

/* Every reader of the counts or the sums calls this first:
** bce_mean_value(), bce_mean_value_r(), bce_mean_set_weighted(), the
** state encoder and merge (src/state.c), bce_d2's result (ext/d2.c). */
static inline void bce_mean_flush(bce_mean *m){
  if( m->nBatch ) bce_mean_flush_batch(m);
}

/* bce_mean_flush_batch() of a batch of options (m->batchOpt != 0):
** src/binary_opt.c, whose losses these are.  bce_mean_flush_batch()
** calls it for such a batch; the step of bce(y, p, options) calls it
** directly, or its _v3 build (the same bits, with the fma instruction
** for the products' errors) where ext/entry.c registered the step built
** for FMA, AVX2 and BMI2. */
BCE_PRIVATE void bce_opt_flush_batch(bce_mean *m);
#if defined(BCE_X86_V3)
BCE_PRIVATE void bce_opt_flush_batch_v3(bce_mean *m);
#endif

/* Adds a row of bce(y, p) of a hard label (bce_is_hard_label(y), y in
** [0, 1]) and p in [0, 1], at the default clip, to the batch; returns 1
** when the batch is full, and the caller then flushes it.  The row is
** counted, and its loss (finite, at most 36.04, as bce_mean_add_unit()'s)
** summed, when the batch is flushed.  Only rows in: a row taken away (a
** window's inverse) takes bce_mean_add_unit(), which may run before the
** flush of the same row's add (the sums are exact integers, the counts
** integers: the order does not matter). */
BCE_ALWAYS_INLINE int bce_mean_batch_hard(bce_mean *m, double y, double p){
  int n = m->nBatch;
  m->batchY[n] = y;
  m->batchP[n] = p;
  m->nBatch = ++n;
  return n==BCE_BATCH;
}

typedef enum bce_mean_status {
  BCE_MEAN_EMPTY,            /* no row of positive weight: NULL (rule 2) */
  BCE_MEAN_VALUE,            /* *value is the mean */
  BCE_MEAN_WEIGHT_OVERFLOW,  /* sum(w) is past the double range (rule 7) */
  BCE_MEAN_SUM_OVERFLOW,     /* reduction "sum": sum(w*l) is past it */
  BCE_MEAN_QUOTIENT_OVERFLOW /* the mean sum(w*l) / sum(w*d) is past it:
                             ** only where d < 1 (class weights of the
                             ** targets far below the others, or alpha) */
} bce_mean_status;

/* The mean, rounded once.  Reads the sums without changing their value,
** so it may be called after every row of a window. */
BCE_PRIVATE bce_mean_status bce_mean_value(bce_mean *m, double *value);

/* The aggregate's value under a reduction (issue 21), rounded once from
** the exact sums (the rows with products below 2^-1022 as for the mean):
**   BCE_REDUCTION_MEAN            sum(w*l) / sum(w*d): bce_mean_value();
**                                 a weight sum of 0 (every row of w > 0
**                                 has d = 0) is BCE_MEAN_EMPTY, NULL; a
**                                 quotient of finite sums past DBL_MAX,
**                                 BCE_MEAN_QUOTIENT_OVERFLOW
**   BCE_REDUCTION_SUM             sum(w*l); past DBL_MAX,
**                                 BCE_MEAN_SUM_OVERFLOW
**   BCE_REDUCTION_MEAN_OVER_ROWS  sum(w*l) / N, N the rows counted (w = 0
**                                 too, as PyTorch counts them)
** An infinite loss of w > 0 makes every one +Inf.  The sum and the mean
** over rows are 0 for rows that all weigh 0, and NULL for no row. */
BCE_PRIVATE bce_mean_status bce_mean_value_r(bce_mean *m, bce_reduction r,
                                             double *value);

#endif
