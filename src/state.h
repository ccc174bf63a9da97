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
#include "options.h"

/* Version 2 carries the options (issue 21); version 1 (0.2.0) is read,
** as a state whose options are its eps alone. */
#define BCE_STATE_VERSION 2
/* No state is longer: any options of up to 4096 numbers in each array
** fit (docs/state-format.md); a longer one is an error, not cut. */
#define BCE_STATE_MAX 131072
/* The longest state without arrays in its options (v1 and v2), so that
** the usual state fits in a buffer of the stack. */
#define BCE_STATE_SMALL 1024
/* The longest options a state holds: the rest of a state (its head,
** counts and sums) is below BCE_STATE_SMALL, so that no merge of states
** that were read makes one past BCE_STATE_MAX. */
#define BCE_STATE_OPTIONS_MAX (BCE_STATE_MAX - BCE_STATE_SMALL)
/* What the encoders return for options longer than that, whatever the
** rest: no length a state can have, so that a cce_d2 state whose class
** sums alone pass any bound is not taken for one with long options. */
#define BCE_STATE_OPTIONS_TOO_LONG SIZE_MAX

/* Which function's loss the state is of.  Merging two kinds is an error.
** The functions with a clip (bce, cce) carry their eps. */
#define BCE_STATE_HAS_EPS(fn) ((fn)!=BCE_STATE_LOGITS \
                               && (fn)!=BCE_STATE_CCE_LOGITS)
typedef enum bce_state_fn {
  BCE_STATE_PROB = 1,    /* bce(y, p [, w [, eps]]) */
  BCE_STATE_LOGITS = 2,  /* bce_logits(y, z [, w]) */
  BCE_STATE_CCE = 3,     /* cce(y, p [, w [, eps]]) */
  BCE_STATE_CCE_LOGITS = 4,  /* cce_logits(y, z [, w]) */
  /* the scores of issue 23: their mean's fields, then sums of their own */
  BCE_STATE_BCE_D2 = 5,  /* bce_d2: bce's mean, sum(w), sum(w y) */
  BCE_STATE_CCE_D2 = 6,  /* cce_d2: cce's mean, sum(w), K class sums */
  BCE_STATE_KL = 7       /* kl_div: sum(w KL) (signed), sum(w) */
} bce_state_fn;
#define BCE_STATE_FN_LAST BCE_STATE_KL

/* The sums a D^2 state holds past its mean's (ext/d2.c keeps them):
** sum(w) of the rows taken; bce_d2: sum(w y); cce_d2: sum(w y_c) for
** each of the K classes.  A kl_div state's fields are its bce_mean's, in
** the sense ext/scores.c gives them: nRow (= nWeight) the rows of w > 0,
** nInf, loss sum(w KL) and tiny (its products below 2^-969, times
** 2^1074), both of either sign, and weight sum(w), kept in every form
** (weighted says only whether the call had a w). */
typedef struct bce_state_score {
  bce_sum *wsum;
  bce_sum *wy;
  bce_sum *cls;
  int64_t K;
} bce_state_score;

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

/* A decoded state.  The sums and the options' bytes point into the bytes
** decoded (a version-1 state's options, which it does not hold as bytes,
** into optV1: a copy of the struct must set opt again). */
typedef struct bce_state {
  int version;
  bce_state_fn fn;
  int weighted;
  double eps;                  /* the clip, for BCE_STATE_PROB and
                               ** BCE_STATE_CCE; else 0 */
  bce_options o;               /* the options, but the arrays: their
                               ** counts only (pointers NULL) */
  const unsigned char *opt;    /* the options as canonical bytes
                               ** (src/options_codec.h): states of equal
                               ** options have equal opt */
  size_t nOpt;
  unsigned char optV1[9];
  int64_t nRow, nWeight, nInf, nTiny;
  bce_state_sum loss, weight, tiny;
  bce_state_sum tinyWeight;    /* flag 2 (class weights): the w*d below
                               ** 2^-968, times 2^1074 */
  int lossNeg, tinyNeg;        /* kl_div: the sums' signs (1: negative) */
  bce_state_sum wsum, wy;      /* bce_d2 (wy), cce_d2 (wsum) */
  int64_t K;                   /* cce_d2: the classes */
  const unsigned char *cls;    /* cce_d2: the K class sums, as written */
  char detail[200];            /* BCE_STATE_IMPOSSIBLE's why, with the
                               ** numbers that contradict each other */
} bce_state;

/* Writes the state of m for function fn and options o (NULL: the
** defaults) into out when it fits in cap bytes, and returns its length
** either way (a caller may size a buffer; a length past BCE_STATE_MAX,
** or BCE_STATE_OPTIONS_TOO_LONG for options of more than
** BCE_STATE_OPTIONS_MAX bytes, for the caller to refuse: nothing is cut);
** 0 when m has no rows (the state is NULL, rule 2).  A state holds its options as
** they act: eps always for bce and cce (o's, else m's, else the default),
** never for the others; no key at a value that changes nothing
** (pos_weight 1, smoothing 0, gamma 0, reduction "mean").  Normalizes m's
** sums, which keeps their values. */
BCE_PRIVATE size_t bce_state_encode_opt(bce_mean *m, bce_state_fn fn,
                                        const bce_options *o,
                                        unsigned char *out, size_t cap);

/* As bce_state_encode_opt(), the options given as the canonical bytes
** of a decoded state of fn (bce_state.opt): what a merge writes. */
BCE_PRIVATE size_t bce_state_encode_raw(bce_mean *m, bce_state_fn fn,
                                        const unsigned char *opt,
                                        size_t nopt, unsigned char *out,
                                        size_t cap);

/* As bce_state_encode_opt() and bce_state_encode_raw() (o NULL: opt's
** bytes), for a score: sc its sums past the mean's (bce_d2, cce_d2; NULL
** for kl_div, whose m holds all). */
BCE_PRIVATE size_t bce_state_encode_score(bce_mean *m, bce_state_fn fn,
                                          const bce_options *o,
                                          const unsigned char *opt,
                                          size_t nopt,
                                          const bce_state_score *sc,
                                          unsigned char *out, size_t cap);

/* bce_state_encode_opt(m, fn, NULL, out, BCE_STATE_SMALL): the state
** with the default options (and m's eps), which always fits. */
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
** bce(y, p, 1) would.  Checks nothing of fn or the options: the caller
** does (same fn, and equal st->opt bytes). */
BCE_PRIVATE bce_state_status bce_state_merge(bce_mean *m,
                                             const bce_state *st, int sign);

/* Adds (sign +1) or removes a decoded D^2 state's sums past its mean's
** into sc (whose cls has st->K sums when st is cce_d2's). */
BCE_PRIVATE void bce_state_merge_score(const bce_state_score *sc,
                                       const bce_state *st, int sign);

/* The CRC-32C (Castagnoli) of n bytes. */
BCE_PRIVATE uint32_t bce_crc32c(const unsigned char *p, size_t n);

#endif
