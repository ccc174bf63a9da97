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

typedef struct bce_mean {
  bce_sum loss;       /* exact sum of the finite w*l */
  bce_sum weight;     /* exact sum of w (weighted forms only) */
  bce_sum tiny;       /* exact sum of the w*l below 2^-1022, times 2^1074 */
  int64_t nRow;       /* rows */
  int64_t nWeight;    /* rows with w > 0 */
  int64_t nInf;       /* rows with w > 0 and an infinite l */
  int64_t nTiny;      /* rows in tiny */
  double eps;         /* the clip, once a row has given it */
  int hasEps;
  int weighted;       /* sum(w) is kept; else every row weighs 1 */
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
        bce_sum_add(&m->loss, wl, sign);
      }
    }
    if( m->weighted ) bce_sum_add(&m->weight, w, sign);
  }
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

/* Adds or removes a row of weight 1 and a finite loss: bce(y, p) with the
** default clip, 2^-52, whose loss is in [-ln(1 - 2^-52), -ln(2^-52)] =
** [about 2^-52, 36.04]: never +Inf, so no infinite count.  A row
** predicted exactly right (y = p = 0 or 1, a decision tree's) costs the
** lower end, just below the exact sum's lane (2^-50): it goes to the limbs,
** out of line (src/exact_sum.h); the same bits either way. */
BCE_ALWAYS_INLINE void bce_mean_add_unit(bce_mean *m, double l, int sign){
  m->nRow += sign;
  m->nWeight += sign;
  bce_sum_add(&m->loss, l, sign);
}

typedef enum bce_mean_status {
  BCE_MEAN_EMPTY,            /* no row of positive weight: NULL (rule 2) */
  BCE_MEAN_VALUE,            /* *value is the mean */
  BCE_MEAN_WEIGHT_OVERFLOW   /* sum(w) is past the double range (rule 7) */
} bce_mean_status;

/* The mean, rounded once.  Reads the sums without changing their value,
** so it may be called after every row of a window. */
BCE_PRIVATE bce_mean_status bce_mean_value(bce_mean *m, double *value);

#endif
