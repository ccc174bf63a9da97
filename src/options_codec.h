/* SPDX-License-Identifier: MIT */
/*
** An options object (src/options.h) as canonical bytes, for the states
** that carry their options (docs/state-format.md, version 2):
**
**   keys     LEB128: the BCE_OPT_* bits of the keys given
**   values   for each key given, in bit order:
**              eps, smoothing, gamma      8 bytes: binary64, little-endian
**              pos_weight, alpha          LEB128 count n; n = 0: one
**                                         binary64 (the number for every
**                                         element); else n of them
**              class_weight               LEB128 count n >= 1; n binary64
**              ignore_index               8 bytes: int64, two's complement
**              reduction                  1 byte: 0 mean, 1 sum,
**                                         2 mean_over_rows
**
** Canonical: one options object has one encoding, and the reader refuses
** every other (a count not in its shortest form, -0, a number outside its
** key's domain, an unknown key bit or reduction), so that equal options
** are equal bytes and comparing them is comparing bytes.  Which keys a
** state's options hold (eps always for bce and cce, no key at its
** neutral value) is src/state.c's.
*/
#ifndef BCE_OPTIONS_CODEC_H
#define BCE_OPTIONS_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "bits.h"
#include "options.h"

/* Writes the encoding of o into out when it fits in cap bytes; returns its
** length (always >= 1) either way, so that a caller may size a buffer. */
BCE_PRIVATE size_t bce_options_encode(const bce_options *o,
                                      unsigned char *out, size_t cap);

/* Reads an encoding from the start of p[0..n): its length into *len and,
** when o is not NULL, the options into *o (bce_options_init first), the
** arrays' doubles into store[0..nstore) (o's array pointers are NULL when
** store is NULL or short: the counts are set all the same).  Returns 1,
** or 0 with *why a sentence saying what is wrong (static). */
BCE_PRIVATE int bce_options_decode(const unsigned char *p, size_t n,
                                   size_t *len, bce_options *o,
                                   double *store, size_t nstore,
                                   const char **why);

/* The doubles the arrays of an encoding read by bce_options_decode()
** hold (0 for a bad encoding). */
BCE_PRIVATE size_t bce_options_doubles(const unsigned char *p, size_t n);

/* Compares two valid encodings.  Returns 0 when equal; else writes into
** buf[0..size) the first differing key, in bit order, and both values,
** as "pos_weight 3 vs 2", "class_weight[7] 2 vs 3", "class_weight of 3
** vs 4 elements", "gamma 2 vs not given", and returns 1. */
BCE_PRIVATE int bce_options_diff(const unsigned char *a, size_t na,
                                 const unsigned char *b, size_t nb,
                                 char *buf, size_t size);

/* The encoding p[0..n) (valid) as a JSON object, written into buf when it
** fits in size bytes with its NUL; returns the length without the NUL
** either way. */
BCE_PRIVATE size_t bce_options_json(const unsigned char *p, size_t n,
                                    char *buf, size_t size);

#endif
