/* SPDX-License-Identifier: MIT */
/*
** ln sum e^z over the rows of a group or a window frame, the same bits
** whatever the order of the rows and however a frame was reached.
**
** Why not a running maximum m and a sum of e^(z - m): the terms summed
** before m moved were rounded at the old scale, so two orders of the same
** rows round differently, and a window's inverse that removes the maximum
** has nothing to go back to.
**
** How: each row goes to the bucket c = 512 round(z/512) (a multiple of
** 512, exact), where d = z - c is exact and in [-256, 256].  The bucket
** keeps an exact sum (src/exact_sum.h) of e^d, each e^d an integer that
** is a function of z alone: three doubles (relative error < 2^-120,
** src/logsumexp.c) rounded once to a multiple of 2^-128 of them (or, for
** |d| < ln2/512, the three doubles themselves), at a fixed scale.  So the
** bucket's sum is one integer, whatever the order, and a removed row
** subtracts what it added.  The e^d are computed four rows at a time
** (x86-64 with AVX2 and FMA: a vector kernel with the plain C's bits), so
** up to three rows wait in the state, counted in their bucket, until the
** fourth, a read of the sum or the bucket emptying.  Every
** bucket with a row in it is kept (no row is ever dropped), so a frame
** that loses its top bucket still has the others.  Reading:
**
**   S = sum_B e^c_B T_B,   ln S = c* + ln(T_0 + e^-512 T_1 + e^-1024 T_2)
**
** over the top bucket c* and the two below it: T_B is in [e^-257,
** 2^64 e^257], so a bucket three or more below adds less than 2^-1400 of
** the top one.  Where c* = 0 the logarithm is log1p of (T_0 - 1) + ...,
** T_0 - 1 taken exactly in the sum, so that ln S near 0 (one row z near 0,
** or a row 0 and others far below) keeps its digits.
**
** Error: each e^d is within 2^-120 + 2^-127.9 of itself, so S within
** 2^-119.99 S and ln S within that absolutely, and the last rounding.  That is <= 1 ulp
** where |ln S| >= 2^-67.  Below, several rows' e^z near 1 add up to
** within 2^-67 of 1: logsumexp of a row of log-probabilities, 0 up to the
** rounding of the inputs (about 2^-53 times their entropy).  There a row
** z near 0 (j = 0 in src/logsumexp.c: |z| < ln2/512) keeps e^z - 1 to
** 2^-104 of itself, so the error is 2^-120 of the other rows' e^z sum,
** plus 2^-104 |e^z - 1| of that row: correctly rounded in every one of
** 1.2 10^5 random sets (tests/gen_lse_logprob.py --measure).  Not a bound
** in ulp: a sum could come as near 1 as it likes.  One row gives its z (d
** exact, T_0 - 1 = e^z - 1 to 2^-104 relative).
**
** Infinities: +Inf rows make the result +Inf; -Inf rows add nothing (all
** -Inf: -Inf); both are counted, so a frame that removes them is exact.
*/
#ifndef BCE_LOGSUMEXP_H
#define BCE_LOGSUMEXP_H

#include <stdint.h>
#include "bits.h"
#include "exact_sum.h"

typedef struct bce_lse_bucket {
  double c;        /* the bucket: rows with 512 round(z/512) = c */
  int64_t n;       /* its rows */
  bce_sum t;       /* exact sum of e^(z - c) */
} bce_lse_bucket;

/* The buckets most aggregates need: logits within 1280 of each other. */
#define BCE_LSE_INLINE 4

/* Rows whose e^d waits to be computed with the next ones, four at a time
** (one vector of the x86-64 kernel, src/logsumexp.c). */
#define BCE_LSE_LANES 4

typedef struct bce_lse {
  int64_t nPosInf, nNegInf;     /* rows of z = +Inf, -Inf */
  int nb, cap;                  /* buckets in use, room in b[] */
  bce_lse_bucket *b;            /* inl, or storage of the caller's */
  int npend;                    /* rows waiting, counted in their bucket */
  int lanes;                    /* 1 where the processor runs the kernel */
  double pend_d[BCE_LSE_LANES];   /* their d = z - c */
  double pend_s[BCE_LSE_LANES];   /* +1 added, -1 removed */
  int pend_b[BCE_LSE_LANES];      /* their bucket, an index into b[] */
  bce_lse_bucket inl[BCE_LSE_INLINE];
} bce_lse;

/* bce_lse_add() for any row. */
BCE_PRIVATE int bce_lse_add_row(bce_lse *a, double z, int sign);

/* The rows waiting, into their buckets' sums (at every fourth row, and
** before a sum is read or a bucket emptied). */
BCE_PRIVATE void bce_lse_flush(bce_lse *a);

/* Adds (sign = +1) or removes (sign = -1) the row z.  Returns 1, or 0
** when a new bucket is needed and b[] is full: the caller gives room with
** bce_lse_grow() and calls again.  A removed row must have been added.
** Inline, the row most aggregates see: a logit in bucket 0, kept in b[0],
** that does not empty it (an emptied bucket goes at once). */
static inline int bce_lse_add(bce_lse *a, double z, int sign){
  int p = a->npend;
  if( z>=-256.0 && z<=256.0 && a->nb>0 && a->b[0].c==0.0
      && a->b[0].n + sign!=0 ){
    a->b[0].n += sign;
    a->pend_d[p] = z;
    a->pend_s[p] = sign;
    a->pend_b[p] = 0;
    a->npend = ++p;
    if( p==BCE_LSE_LANES ) bce_lse_flush(a);
    return 1;
  }
  return bce_lse_add_row(a, z, sign);
}

/* Moves the buckets into room[cap] (cap > a->nb), which the caller owns
** from then on, and frees when it is done with a. */
BCE_PRIVATE void bce_lse_grow(bce_lse *a, bce_lse_bucket *room, int cap);

/* Whether b[] is the caller's storage (to be freed). */
static inline int bce_lse_owns_storage(const bce_lse *a){
  return a->b!=0 && a->b!=a->inl;
}

typedef enum bce_lse_status {
  BCE_LSE_EMPTY,   /* no row: NULL */
  BCE_LSE_VALUE
} bce_lse_status;

/* e^d = (x[0] + x[1] + x[2]) 2^k, the k returned, for |d| <= 256 + 2^-44:
** within 2^-120 relative, and where |d| < ln2/512 (k = 0) with x[0] + x[1]
** + x[2] - 1 within 2^-104 of e^d - 1.  What each row adds to its bucket
** is made of it; public for tests/unit_scores.c. */
BCE_PRIVATE int bce_lse_exp_parts(double d, double x[3]);

/* For tests/unit_scores.c.  What the row d (sign +1 or -1) adds to its
** bucket's limbs: dg[m] to limb at + m; 0 where it keeps its parts
** instead (the table index is 0), as src/logsumexp.c says. */
#define BCE_LSE_DIGITS 5
BCE_PRIVATE int bce_lse_row_digits(double d, double sign,
                                   int64_t dg[BCE_LSE_DIGITS], int *at);
/* The four-row kernel: x86-64, by gcc or clang.  Not in the coverage
** build, which counts the plain C (the same operations), whatever
** processor runs it, nor in the portable one.  Here so that
** tests/unit_scores.c knows where the kernel must run. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) \
    && !defined(BCE_NO_X86_V3) && !defined(BCE_COVERAGE)
# define BCE_LSE_X86 1
#else
# define BCE_LSE_X86 0
#endif

/* The same for four rows at once by the x86-64 kernel, kept[i] as the
** above's return; 0 where the build or the processor has no kernel. */
BCE_PRIVATE int bce_lse_row_digits_lanes(const double d[BCE_LSE_LANES],
                                         const double sign[BCE_LSE_LANES],
                                         int64_t dg[BCE_LSE_LANES][BCE_LSE_DIGITS],
                                         int at[BCE_LSE_LANES],
                                         int kept[BCE_LSE_LANES]);

/* ln sum e^z over the rows, rounded to nearest; the sums are read without
** changing their value. */
BCE_PRIVATE bce_lse_status bce_lse_value(bce_lse *a, double *value);

#endif
