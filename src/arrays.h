/* SPDX-License-Identifier: MIT */
/*
** One row of a multi-label model: labels y and predictions p (or logits
** z) as two JSON arrays of K numbers.  (A number y over an array p is
** not read as the label of every element: a row [P(0), P(1)] of
** predict_proba would pass for two elements.  The binding refuses it.)
** The loss of the row is the mean of the K element losses (Keras: the
** mean over the last axis).  A JSON null in y is a missing label (partial
** annotation): the element is skipped, and the row's loss is the mean over
** its labelled elements; a null in p or z stays an error.
**
** The two texts are read in lockstep by two cursors (src/json_array.h),
** element by element, so nothing is stored: the loss of a row costs time
** linear in its text and no memory.  Each element is checked as it comes:
** an error names the argument (0 = y, 1 = p or z), the element's index
** (from 0, as JSON paths and json_each count) and what is wrong, for the
** binding to word.
*/
#ifndef BCE_ARRAYS_H
#define BCE_ARRAYS_H

#include "bits.h"

#include <stddef.h>
#include <stdint.h>
#include "json_array.h"
#include "options.h"

typedef enum bce_array_kind {
  BCE_ARRAY_PROB,     /* p in [0, 1], src/loss.h */
  BCE_ARRAY_LOGITS    /* z any number, +-Inf included, src/logits.h */
} bce_array_kind;

/* What is wrong with a row of JSON arrays: the errors of the bce rows
** here, and those of the multi-class rows of src/cce.h (FEW and after). */
typedef enum bce_array_status {
  BCE_ARRAY_OK,
  BCE_ARRAY_MALFORMED,   /* arg's text is not JSON at byte at (0-based; n:
                         ** the text ended too soon) */
  BCE_ARRAY_NOT_NUMBER,  /* element index of arg is the JSON text
                         ** at .. at+len */
  BCE_ARRAY_DOMAIN,      /* element index of arg is value, outside [0, 1] */
  BCE_ARRAY_EMPTY,       /* arg is [] */
  BCE_ARRAY_LENGTH,      /* y has ny elements and p (or z) np */
  BCE_ARRAY_FEW,         /* p (or z) has np elements, fewer than 2 */
  BCE_ARRAY_CLASS,       /* the class index value is not an integer in
                         ** [0, np); np is -1 when it failed before the
                         ** array was read (negative or not integral) */
  BCE_ARRAY_SUM,         /* the elements of arg sum to value (the exact sum
                         ** rounded once), not 1 within BCE_CCE_SUM_TOL */
  BCE_ARRAY_TWO_INF,     /* z[first] and z[index] are both +Inf */
  BCE_ARRAY_ALL_NEG_INF, /* every one of the np elements of z is -Inf */
  BCE_ARRAY_OPTION_LENGTH /* an array of the options has ny elements and
                         ** the row np (elements, or classes): first is its
                         ** key (a BCE_OPT_* bit: pos_weight, class_weight,
                         ** alpha) */
} bce_array_status;

typedef struct bce_array_error {
  bce_array_status status;
  int arg;             /* 0 = y, 1 = p or z */
  int64_t index;       /* NOT_NUMBER, DOMAIN, TWO_INF: the element, from 0 */
  int64_t first;       /* TWO_INF: the first +Inf; OPTION_LENGTH: the key */
  double value;        /* DOMAIN: the element; CLASS: y; SUM: the sum */
  size_t at, len;      /* MALFORMED: at; NOT_NUMBER: at, len */
  int64_t ny, np;      /* LENGTH: both; FEW, CLASS, ALL_NEG_INF: np;
                       ** OPTION_LENGTH: ny the option's, np the row's */
} bce_array_error;

/* Reads one element of a, argument arg of the row: 1 (a number in *x),
** 0 (the end) or -1 (*err says what is wrong). */
BCE_PRIVATE int bce_array_element(bce_json_array *a, int arg, double *x,
                                  bce_array_error *err);

typedef struct bce_array_pairs {
  bce_json_array y, p;
  bce_array_kind kind;
} bce_array_pairs;

BCE_PRIVATE void bce_array_pairs_open(bce_array_pairs *it, const char *y,
                                      size_t ny, const char *p, size_t np,
                                      bce_array_kind kind);

/* 1: *y and *p hold the next pair; 2: the same, but y's element is null
** (a missing label; *y is not set, *p is read and checked); 0: both
** arrays have ended together and are not empty; -1: *err says what is
** wrong.  Elements are checked in order, y's before p's; unequal lengths
** are found when the shorter array ends, and reported once the longer one
** has been counted. */
BCE_PRIVATE int bce_array_pairs_next(bce_array_pairs *it, double *y, double *p,
                                     bce_array_error *err);

/* The number of pairs read so far. */
static inline int64_t bce_array_pairs_count(const bce_array_pairs *it){
  return it->p.count;
}

/* The loss of the row: the mean of the labelled elements' losses (src/
** binary_opt.h: the options o applied; o->pos_weights, when given, one per
** element), their sum exact (src/exact_sum.h), so within 1 ulp of the
** mean of the element losses; +Inf if one is.  Returns 1 (*loss set), 2
** (no element is labelled: the row counts as a NULL row does), or 0 with
** *err filled on a bad row (o->n_pos_weights neither 0 nor K:
** BCE_ARRAY_OPTION_LENGTH, once the arrays are read). */
BCE_PRIVATE int bce_array_row_loss(bce_array_pairs *it, const bce_options *o,
                                   double *loss, bce_array_error *err);

/* w*l for l the loss bce_array_row_loss() gave the row it (a copy of the
** cursors at the row's start; the row read without error): where w > 1
** and l < 2^-1018 (with or without options), w times the mean of the element
** losses carried scaled, so that tiny products keep their bits (as
** bce_opt_wloss() does for a row of numbers). */
BCE_PRIVATE double bce_array_row_wloss(const bce_array_pairs *it,
                                       const bce_options *o, double w,
                                       double l);

/* The number of labelled elements and the pos_weight check of a row read
** to its end by bce_array_pairs_next(): for the gradient's two passes.
** Returns 1, or 0 with *err filled as bce_array_row_loss() does. */
BCE_PRIVATE int bce_array_check_pos_weights(const bce_array_pairs *it,
                                            const bce_options *o,
                                            bce_array_error *err);

/* The gradient of element i (from 0) of a row, dl/dp or dl/dz divided by
** nk (the batch size times the row's labelled elements), with the options
** o applied and element i's pos_weight. */
BCE_PRIVATE double bce_array_element_grad(bce_array_kind kind, double y,
                                          double p, double nk, int64_t i,
                                          const bce_options *o);

#endif
