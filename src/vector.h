/*
** One row of a multi-label model: labels y and predictions p (or logits
** z) as two JSON arrays of K numbers, or a single y for every element.
** The loss of the row is the mean of the K element losses (Keras: the
** mean over the last axis).
**
** The two texts are read in lockstep by two cursors (src/json_array.h),
** element by element, so nothing is stored: the loss of a row costs time
** linear in its text and no memory.  Each element is checked as it comes:
** an error names the argument (0 = y, 1 = p or z), the element's index
** (from 0, as JSON paths and json_each count) and what is wrong, for the
** binding to word.
*/
#ifndef BCE_VECTOR_H
#define BCE_VECTOR_H

#include <stddef.h>
#include <stdint.h>
#include "json_array.h"

typedef enum bce_vec_kind {
  BCE_VEC_PROB,     /* p in [0, 1], src/loss.h */
  BCE_VEC_LOGITS    /* z any number, +-Inf included, src/logits.h */
} bce_vec_kind;

typedef enum bce_vec_status {
  BCE_VEC_OK,
  BCE_VEC_MALFORMED,    /* arg's text is not JSON at byte at (0-based) */
  BCE_VEC_NOT_NUMBER,   /* element index is the JSON text at .. at+len */
  BCE_VEC_DOMAIN,       /* element index is value, outside [0, 1] */
  BCE_VEC_EMPTY,        /* arg is [] */
  BCE_VEC_LENGTH        /* y has ny elements and p np */
} bce_vec_status;

typedef struct bce_vec_error {
  bce_vec_status status;
  int arg;
  int64_t index;
  double value;
  size_t at, len;
  int64_t ny, np;
} bce_vec_error;

typedef struct bce_pairs {
  bce_json_array y, p;
  int yArray;         /* 0: every element's label is y0 */
  double y0;
  bce_vec_kind kind;
} bce_pairs;

/* y == 0: the label of every element is y0 (validated by the caller). */
void bce_pairs_open(bce_pairs *it, const char *y, size_t ny, double y0,
                    const char *p, size_t np, bce_vec_kind kind);

/* 1: *y and *p hold the next pair; 0: both arrays have ended together and
** are not empty; -1: *err says what is wrong.  Elements are checked in
** order, y's before p's; unequal lengths are found when the shorter array
** ends, and reported once the longer one has been counted. */
int bce_pairs_next(bce_pairs *it, double *y, double *p, bce_vec_error *err);

/* The number of pairs read so far. */
static inline int64_t bce_pairs_count(const bce_pairs *it){
  return it->p.count;
}

/* The loss of the row: the mean of the element losses, their sum exact
** (src/exact_sum.h), so within 1 ulp of the mean of the element losses;
** +Inf if one is.  eps is the clip of src/loss.h (BCE_VEC_PROB).  Returns
** 0 and fills *err on a bad row. */
int bce_vec_loss(bce_pairs *it, double eps, double *loss,
                 bce_vec_error *err);

#endif
