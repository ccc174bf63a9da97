/* SPDX-License-Identifier: MIT */
/*
** The options argument of the loss family (issue 21, src/options.h): where
** it is, reading it once per statement (scalars) or once per aggregate,
** and wording its errors.
**
** An argument is the options object when it is TEXT whose first non-blank
** byte is '{', in the last place, third or after the weight (or n); any
** other value there is read as 0.2.0 reads it.  A positional eps and an
** options object do not combine.
*/
#ifndef BCE_EXT_OPTIONS_H
#define BCE_EXT_OPTIONS_H

#include "sqlite3ext.h"
#include "../src/binary_opt.h"
#include "../src/mean.h"
#include "../src/options.h"

/* 1 if v is an options object: TEXT, first non-blank byte '{'. */
BCE_PRIVATE int bce_is_options_arg(sqlite3_value *v);

/* The options of an aggregate: parsed at its first row, kept for its
** life.  The arrays and a copy of the text (to compare later rows'
** options with, rule 6) are in one block of sqlite3_malloc(), freed by
** bce_agg_options_free() from xFinal. */
typedef struct bce_agg_options {
  bce_options opt;       /* the defaults until a row has given options */
  int given;             /* a row has set opt (options or positional eps) */
  void *block;           /* the arrays and the text copy, or 0 */
  const char *text;      /* the options text of the first row, or 0 */
  size_t nText;
  int batch;             /* bce_opt_batch_kind() of opt, once given */
} bce_agg_options;

/* The options of this row of an aggregate: argv's options object v (or
** 0 for none, then positional eps: hasEps, eps), set into *slot at the
** first row; a later row with different options is an error.  Returns 0
** when an error is set. */
BCE_PRIVATE int bce_agg_options_row(sqlite3_context *ctx,
                                    bce_agg_options *slot,
                                    sqlite3_value *v, int hasEps, double eps);
BCE_PRIVATE void bce_agg_options_free(bce_agg_options *slot);

/* The aggregate context of every loss aggregate and *_state: zeroed by
** SQLite at the first row; the mean first, so that code reading only the
** mean may take the context as a bce_mean. */
typedef struct BceAgg {
  bce_mean m;
  bce_agg_options o;
} BceAgg;

/* The options of a scalar call: the options object v parsed into *o (a
** call without one takes the defaults itself); cached on the
** statement with sqlite3_set_auxdata() (argument index iArg), which SQLite
** hands back while the argument is constant.  Options that fit the
** caller's room are read from it.  An argument that is not constant (a
** column) keeps its last text's parse for the statement, and parses again
** only where a row's text differs (ext/options.c; docs/functions.md,
** "Read once").  Returns 0 when an error is set. */
#define BCE_OPTIONS_ROOM 32
typedef struct bce_options_room {
  bce_options opt;
  double store[BCE_OPTIONS_ROOM];
} bce_options_room;
BCE_PRIVATE int bce_scalar_options_in(sqlite3_context *ctx, int iArg,
                                      sqlite3_value *v,
                                      bce_options_room *room,
                                      const bce_options **o);

/* The last of argv[0..argc) holds no options object where only one may
** be (bce_logits(y, z, w, options)): returns 0 with the result NULL when
** any argument is NULL (rule 1), else 0 with the error set. */
BCE_PRIVATE int bce_options_arg_missing(sqlite3_context *ctx, int argc,
                                        sqlite3_value **argv);

/* The keys of src/binary_opt.h's formulas. */
#define BCE_OPT_BINARY_KEYS (BCE_OPT_POS_WEIGHT|BCE_OPT_SMOOTHING \
                             |BCE_OPT_GAMMA|BCE_OPT_ALPHA)

/* 1 when the options o may apply to a row of numbers, else 0 with the
** error set: a pos_weight array is one per element of a JSON-array row. */
BCE_PRIVATE int bce_options_number_row(sqlite3_context *ctx,
                                       const bce_options *o);

/* 1 with the error set when l, the loss of a row of numbers (y, x) under
** the binary options b, overflowed because of pos_weight
** (src/binary_opt.h); else 0.  Costs one test unless l is +Inf. */
BCE_PRIVATE int bce_options_loss_overflow(sqlite3_context *ctx, double y,
                                          double x, int logits, double l,
                                          const bce_binary_opt *b);

#endif
