/* SPDX-License-Identifier: MIT */
/*
** The bce functions on JSON arrays (rule 9; src/arrays.h): the texts of y and p
** (or z) from SQL values, the error messages, and the JSON array that
** bce_grad() and bce_logits_grad() return for arrays.
**
** Called only for a row in which bce_read_args() found an array
** (its bits in `arrays`), after every scalar argument has been read and
** checked.  Either both y and p are arrays of one length, or y is a number
** and p an array: y is then the label of every element.  An array y with
** a number p is an error: the gradient with respect to one p would be a
** number, not an array, so no meaning fits both functions.
*/
#ifndef BCE_ARRAY_ARGS_H
#define BCE_ARRAY_ARGS_H

#include "sqlite3ext.h"
#include "args.h"
#include "../src/arrays.h"
#include "../src/cce.h"

/* The loss of the row, the mean over its labelled elements (a null in y
** is a missing label), with the options o (src/binary_opt.h; its eps is
** the clip).  param[0] and param[1] name y and p (or z) and give p's
** domain, as for the scalars.  Both y and p must be arrays: a number y
** with an array p is an error (its message points to cce() for a row of
** class probabilities).  Returns 1 (*loss set), 2 (no labelled element:
** the caller treats the row as a NULL row, and a term is NULL), or 0 after
** setting an error on ctx. */
BCE_PRIVATE int bce_row_array_loss(sqlite3_context *ctx,
                                   const bce_param *param, bce_array_kind kind,
                                   const bce_options *o, sqlite3_value **argv,
                                   int arrays, double *loss);

/* w*l for l, the finite bce_row_array_loss() of the row: bce_array_row_wloss()
** (src/arrays.h) on its texts. */
BCE_PRIVATE double bce_row_array_wloss(sqlite3_context *ctx,
                                      const bce_param *param,
                                      bce_array_kind kind,
                                      const bce_options *o,
                                      sqlite3_value **argv, int arrays,
                                      double w, double l);

/* 1 with the error set when a row whose bce_row_array_loss() was +Inf
** is finite without its pos_weight (a number or one per element): the
** weights carry it past the doubles; else 0.  Only after a loss of +Inf. */
BCE_PRIVATE int bce_row_array_pos_weight_overflow(sqlite3_context *ctx,
                                    const bce_param *param,
                                    bce_array_kind kind,
                                    const bce_options *o,
                                    sqlite3_value **argv, int arrays);

/* Reads argv0, the y of a multi-class row (cce, kl_div), into r: a class
** index (a number, or one spelled as TEXT, rule 3) in r->cls, or a JSON
** array of targets (text or JSONB) in r->y, r->ny and r->yJsonb.  0 when
** the error is set. */
BCE_PRIVATE int bce_read_cce_target(sqlite3_context *ctx,
                                    sqlite3_value *argv0, bce_cce_row *r);

/* Sets the result: the JSON array of the K element gradients with the
** options o, each divided by n times the number of labelled elements;
** 0.0 for a missing label (every element of a row with none), or an
** error. */
BCE_PRIVATE void bce_result_array_grad(sqlite3_context *ctx,
                                       const bce_param *param,
                                       bce_array_kind kind,
                                       sqlite3_value **argv, int arrays,
                                       double n, const bce_options *o);

/* Appends x to the JSON array being written in out (which holds at least
** its '['), a comma before it unless it is the first: the shortest decimal
** that reads back as x, with ".0" when that would read as an integer, and
** 9e999 / -9e999 for +-Inf (what SQLite's JSON writes).  Shared by every
** function that returns a JSON array. */
BCE_PRIVATE void bce_append_json_number(sqlite3_str *out, double x);

/* Sets out's text as the result, or the error its failure left (too big,
** out of memory); out is finished either way. */
BCE_PRIVATE void bce_result_str(sqlite3_context *ctx, sqlite3_str *out);

/* Words e (rule 5) for the statuses up to BCE_ARRAY_LENGTH, which every
** function on JSON arrays shares; argv[e->arg] is the text the cursor
** read.  The multi-class statuses are ext/multiclass.c's. */
BCE_PRIVATE void bce_report_array_error(sqlite3_context *ctx,
                                        const bce_param *param,
                                        sqlite3_value **argv,
                                        const bce_array_error *e);

#endif
