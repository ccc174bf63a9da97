/* SPDX-License-Identifier: MIT */
/*
** What the scores' aggregates (ext/d2.c, ext/scores.c) share with
** bce_merge (ext/states.c): their contexts and their results from the
** sums, so that a merged state's score is the same routine over the same
** integers as the one query's (issue 23; docs/state-format.md, codes 05
** to 07).
*/
#ifndef BCE_EXT_SCORE_STATES_H
#define BCE_EXT_SCORE_STATES_H

#include "sqlite3ext.h"
#include "options.h"
#include "../src/exact_sum.h"
#include "../src/mean.h"
#include "../src/options.h"

/* bce_d2 and cce_d2: the family's BceAgg first (its step takes the
** context as its own), then sum(w) and the label sums. */
typedef struct D2Agg {
  BceAgg a;
  bce_sum wsum;      /* sum(w) of the rows taken */
  bce_sum wy;        /* bce_d2: sum(w y) */
  bce_sum *cls;      /* cce_d2: sum(w y_c) for each of the K classes */
  int64_t K;         /* cce_d2: the classes, fixed by the first row */
  /* bce_d2(y, p)'s short path: its rows (each w = 1) and, of those, the
  ** labels y = 1, counted, and added into wsum and wy before either is
  ** read (ext/d2.c, d2_sums()): the same exact sums, with no exact
  ** addition a row */
  int64_t nUnit;
  int64_t nOnes;
} D2Agg;

/* The outcome of a score read from its sums. */
typedef enum bce_score_status {
  BCE_SCORE_NULL,            /* too few rows, or every label the same */
  BCE_SCORE_VALUE,
  BCE_SCORE_WEIGHT_OVERFLOW, /* sum(w) past the double range (rule 7) */
  BCE_SCORE_D2_OVERFLOW,     /* 1 - L/L0 below -DBL_MAX (eps at most 2^-54,
                             ** L0 near 2^-1074): an error, not -Inf or
                             ** NaN */
  BCE_SCORE_NOMEM
} bce_score_status;

/* D^2 of bce (m its mean, wsum and wy its sums, o its options). */
BCE_PRIVATE bce_score_status bce_d2_binary_value(bce_mean *m, bce_sum *wsum,
                                                 bce_sum *wy,
                                                 const bce_options *o,
                                                 double *v);

/* D^2 of cce (cls[0..K) the class sums; o's class weights read). */
BCE_PRIVATE bce_score_status bce_d2_cce_value(bce_mean *m, bce_sum *wsum,
                                              bce_sum *cls, int64_t K,
                                              const bce_options *o,
                                              double *v);

/* kl_div's mean from its sums (m as src/state.h describes a kl_div
** state's). */
BCE_PRIVATE bce_score_status bce_kl_value(bce_mean *m, double *v);

/* Sets a score's outcome as the result (rule 7's error, NULL, or v). */
BCE_PRIVATE void bce_score_result(sqlite3_context *ctx, bce_score_status st,
                                  double v);

/* Sets a state of n bytes as the result: from buf (BCE_STATE_SMALL
** bytes) when it fits, else written again by again(arg) into a block of
** its own; past BCE_STATE_MAX an error (ext/states.c). */
BCE_PRIVATE void bce_result_state(sqlite3_context *ctx, size_t n,
                                  unsigned char *buf,
                                  size_t (*again)(void*, unsigned char*,
                                                  size_t),
                                  void *arg);

#endif
