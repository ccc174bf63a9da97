/*
** A compensated (Kahan-Babuska-Neumaier) running sum of doubles.
**
** Why: a plain running sum of 10^6 loss terms loses about log2(10^6) bits;
** the compensation term carries the low-order bits that each addition
** rounds away, so the total stays within a few ulp of the exact sum of the
** terms.  Removal is addition of the negated term, which is what a sliding
** window needs, and two partial sums merge exactly like one term.
**
** Only finite values may enter: an infinity would turn the compensation into
** NaN.  Callers count infinite terms on the side.
*/
#ifndef BCE_KBN_H
#define BCE_KBN_H

#include <math.h>

typedef struct bce_kbn {
  double sum;   /* the rounded running sum */
  double comp;  /* what the roundings of sum have lost so far */
} bce_kbn;

static inline void bce_kbn_add(bce_kbn *a, double x){
  double t = a->sum + x;
  if( fabs(a->sum)>=fabs(x) ){
    a->comp += (a->sum - t) + x;
  }else{
    a->comp += (x - t) + a->sum;
  }
  a->sum = t;
}

static inline void bce_kbn_remove(bce_kbn *a, double x){
  bce_kbn_add(a, -x);
}

static inline void bce_kbn_merge(bce_kbn *a, const bce_kbn *b){
  bce_kbn_add(a, b->sum);
  bce_kbn_add(a, b->comp);
}

static inline double bce_kbn_value(const bce_kbn *a){
  return a->sum + a->comp;
}

#endif
