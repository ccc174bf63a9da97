/* SPDX-License-Identifier: MIT */
/*
** The partial state of a mean log loss, as bytes: what bce_state() returns
** and bce_merge() reads (docs/state-format.md has the format byte by
** byte).  A state holds exactly what the aggregate holds (src/mean.h): the
** counts and the three exact sums, so that merging states is adding
** integers, and the merged mean has the same bits as one aggregate over
** every row, however the rows were split.
**
** Canonical: one set of counts and sums has one encoding.  The sums are
** written normalized (every limb in [0, 2^32)) over their nonzero limbs
** only, counts as minimal LEB128, and the decoder refuses anything else,
** so that equal states are equal bytes.
**
** Integrity: a length field, then a CRC-32C over every byte before it
** stands at the end.  A change of any single bit is caught: in the magic,
** version or length by those checks, anywhere else by the CRC (which
** detects every error of up to 32 consecutive bits).
*/
#ifndef BCE_STATE_H
#define BCE_STATE_H

#include <stddef.h>
#include <stdint.h>
#include "bits.h"
#include "mean.h"

#define BCE_STATE_VERSION 1
#define BCE_STATE_MAX 1024   /* no state is longer; see state-format.md */

/* Which function's loss the state is of.  Merging two kinds is an error.
** The functions with a clip (bce, cce) carry their eps. */
#define BCE_STATE_HAS_EPS(fn) ((fn)==BCE_STATE_PROB || (fn)==BCE_STATE_CCE)
typedef enum bce_state_fn {
  BCE_STATE_PROB = 1,    /* bce(y, p [, w [, eps]]) */
  BCE_STATE_LOGITS = 2,  /* bce_logits(y, z [, w]) */
  BCE_STATE_CCE = 3,     /* cce(y, p [, w [, eps]]) */
  BCE_STATE_CCE_LOGITS = 4   /* cce_logits(y, z [, w]) */
} bce_state_fn;

typedef enum bce_state_status {
  BCE_STATE_OK = 0,
  BCE_STATE_MAGIC,        /* not a state: the first bytes are not "BCE" */
  BCE_STATE_BAD_VERSION,  /* a version this build does not read */
  BCE_STATE_TRUNCATED,    /* fewer bytes than the length field says */
  BCE_STATE_OVERLONG,     /* more bytes than the length field says */
  BCE_STATE_CHECKSUM,     /* the CRC-32C does not match */
  BCE_STATE_NONCANONICAL, /* a field not in its one allowed form */
  BCE_STATE_IMPOSSIBLE,   /* counts and sums that no aggregate has */
  BCE_STATE_OVERFLOW      /* a merge past 2^63 - 1 rows */
} bce_state_status;

/* A sum as the state holds it: n base-2^32 digits (4 bytes each, least
** significant first) from limb lo; n = 0 is zero. */
typedef struct bce_state_sum {
  int lo, n;
  const unsigned char *digits;
} bce_state_sum;

/* A decoded state.  The sums point into the bytes decoded. */
typedef struct bce_state {
  int version;
  bce_state_fn fn;
  int weighted;
  double eps;                  /* the clip, for BCE_STATE_PROB and
                               ** BCE_STATE_CCE; else 0 */
  int64_t nRow, nWeight, nInf, nTiny;
  bce_state_sum loss, weight, tiny;
  char detail[200];            /* BCE_STATE_IMPOSSIBLE's why, with the
                               ** numbers that contradict each other */
} bce_state;

/* Writes the state of m for function fn into out (BCE_STATE_MAX bytes)
** and returns its length; 0 when m has no rows (the state is NULL, rule
** 2).  Normalizes m's sums, which keeps their values. */
BCE_PRIVATE size_t bce_state_encode(bce_mean *m, bce_state_fn fn,
                                    unsigned char *out);

/* Reads n bytes, and checks that they mean counts and sums that an
** aggregate can have (docs/state-format.md, "Meaning").  On an error,
** *why (if why is not NULL) is set to a sentence saying what is wrong:
** static, or for BCE_STATE_IMPOSSIBLE st->detail. */
BCE_PRIVATE bce_state_status bce_state_decode(const unsigned char *p,
                                              size_t n, bce_state *st,
                                              const char **why);

/* Adds (sign = +1) or removes (sign = -1) a decoded state into m.  An
** unweighted state's rows weigh 1 each: when m->weighted, they are added
** to m's sum of weights, so that bce(y, p) merges with bce(y, p, w) as
** bce(y, p, 1) would.  Checks nothing of fn or eps: the caller does. */
BCE_PRIVATE bce_state_status bce_state_merge(bce_mean *m,
                                             const bce_state *st, int sign);

/* The CRC-32C (Castagnoli) of n bytes. */
BCE_PRIVATE uint32_t bce_crc32c(const unsigned char *p, size_t n);

#endif
