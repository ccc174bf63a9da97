/* SPDX-License-Identifier: MIT */
/*
** Reading SQL arguments into doubles, and the wording of every error: the
** rules of docs/functions.md that every function shares.
**
**  rule 1  NULL in any argument: the row is skipped (aggregates) or the
**          result is NULL (scalars), whatever the other arguments hold.
**  rule 3  INTEGER and REAL are numbers; TEXT is a number when SQLite's
**          numeric affinity converts all of it ('0.25', ' 1e-3 ', '+.5'),
**          read to the nearest double by src/decimal.c; any other TEXT and
**          every BLOB is an error.
**  rule 4  Each argument has a domain; a value outside it is an error
**          naming the function, the argument and the value, never a clip.
**  rule 5  Errors start "fn(): ", fn read from the function's descriptor
**          (ext/registry.h) by bce_error(), the one place they are made.
*/
#ifndef BCE_ARGS_H
#define BCE_ARGS_H

#include "sqlite3ext.h"
#include "../src/bits.h"
#include "../src/decimal.h"

typedef enum bce_domain {
  BCE_ANY,       /* any number, +-Inf included (sigmoid's x) */
  BCE_LOGIT,     /* any number, +-Inf included, and the TEXTs 'inf',
                 ** '-Infinity', ... that numpy and pandas write for them:
                 ** the z of the bce logits functions (issue 24) */
  BCE_UNIT,      /* [0, 1]: labels, and logit()'s p */
  BCE_PROB,      /* [0, 1]: the p of bce, bce_term and bce_grad; the
                 ** error message points to bce_logits, bce_logits_term,
                 ** bce_logits_grad: passing logits is the usual mistake */
  BCE_WEIGHT,    /* finite and >= 0 */
  BCE_EPS,       /* [0, 0.5) */
  BCE_COUNT      /* finite and > 0 */
} bce_domain;

typedef struct bce_param {
  const char *name;     /* as the error message calls it: "p" */
  bce_domain domain;
} bce_param;

typedef enum bce_read {
  BCE_READ_OK,      /* out[] holds every argument */
  BCE_READ_NULL,    /* some argument is NULL */
  BCE_READ_ERROR    /* an error has been set on ctx */
} bce_read;

/* Slow paths, out of line: TEXT that may be a number; the error message. */
BCE_PRIVATE int bce_text_number(sqlite3_value *v, double *out);
BCE_PRIVATE void bce_report_bad(sqlite3_context *ctx, const bce_param *param,
                                sqlite3_value *v);

static inline int bce_in_domain(bce_domain d, double x){
  switch( d ){
    case BCE_ANY:
    case BCE_LOGIT:  return 1;
    case BCE_UNIT:
    case BCE_PROB:   return x>=0.0 && x<=1.0;
    case BCE_WEIGHT: return x>=0.0 && x<=1.7976931348623157e308;
    case BCE_EPS:    return x>=0.0 && x<0.5;
    case BCE_COUNT:  return x>0.0 && x<=1.7976931348623157e308;
  }
  return 0;
}

/* TEXT that spells an infinity ('inf', '-Infinity'; src/decimal.h), read
** for a logit only: no other argument's domain holds one. */
static inline int bce_text_infinity(sqlite3_value *v, double *out){
  const char *z;
  if( sqlite3_value_type(v)!=SQLITE_TEXT ) return 0;
  z = (const char*)sqlite3_value_text(v);
  /* out of memory: not an infinity here; bce_report_bad() asks again */
  if( z==0 ) return 0;
  return bce_decimal_parse_infinity(z, (size_t)sqlite3_value_bytes(v), out);
}

/* argv[0] and argv[1] (y, and p or z) of the bce functions may instead be
** JSON arrays (ext/array_args.c): TEXT that is not a number and whose first
** byte after white space is '[', or a BLOB of SQLite's JSONB whose header
** says it is one array (src/jsonb.c).  Only looked for once the value has
** failed to be a number, so numbers pay nothing for it. */
#define BCE_ARRAY_Y 1
#define BCE_ARRAY_P 2
BCE_PRIVATE int bce_is_array_arg(sqlite3_value *v);

/* The bytes of an argument bce_is_array_arg() accepted: 1 for JSONB, 0
** for text; *z is 0 only when SQLite is out of memory. */
BCE_PRIVATE int bce_array_arg_bytes(sqlite3_value *v, const char **z,
                                    size_t *n);

/* Reads argv[0..argc-1] into out[], param[i] describing argv[i].  Inline
** and one sqlite3_value_type() per argument: this runs once per row, and
** its cost shows next to SQLite's own per-row work.  A bad value is
** reported only once no NULL has turned up in any later argument.
** With arrays != 0, a JSON array in argv[0] or argv[1] sets its bit in
** *arrays (its out[] slot is set to 0, unused) instead of being an error; its
** elements are the caller's to read. */
static inline bce_read bce_read_args(sqlite3_context *ctx, int argc,
                                     sqlite3_value **argv,
                                     const bce_param *param, double *out,
                                     int *arrays){
  int i, bad = -1;
  for(i=0; i<argc; i++){
    int t = sqlite3_value_type(argv[i]);
    if( t==SQLITE_NULL ) return BCE_READ_NULL;                 /* rule 1 */
    if( bad>=0 ) continue;
    if( t==SQLITE_FLOAT || t==SQLITE_INTEGER ){
      out[i] = sqlite3_value_double(argv[i]);
    }else if( !bce_text_number(argv[i], &out[i])
           && !(param[i].domain==BCE_LOGIT
                && bce_text_infinity(argv[i], &out[i])) ){
      if( arrays && i<2 && bce_is_array_arg(argv[i]) ){
        *arrays |= i==0 ? BCE_ARRAY_Y : BCE_ARRAY_P;
        out[i] = 0.0;
        continue;
      }
      bad = i;
      continue;
    }
    if( !bce_in_domain(param[i].domain, out[i]) ) bad = i;     /* rule 4 */
  }
  if( bad>=0 ){
    bce_report_bad(ctx, &param[bad], argv[bad]);
    return BCE_READ_ERROR;
  }
  return BCE_READ_OK;
}

/* The common case of every bce function, tried before bce_read_args(): y
** and x (p, or z) both INTEGER or REAL, y in [0, 1] and x in x_domain:
** [0, 1] for p, BCE_ANY for z (SQLite has no NaN; it stores one as NULL).
** Two type checks, two reads and one combined range test; anything else
** (NULL, TEXT, a value out of range) returns 0 and goes the general way,
** which also words the error.  x_domain is a constant at every call, so
** the test on x folds away for a logit.  The range tests compare bits:
** a double is in [+0, 1] exactly when its bits are, unsigned, at most
** 1.0's (negatives, -0 among them, have the sign bit; NaN and 1 < x are
** above), one compare where the comparisons of doubles take two and a
** branch each (callgrind, docs/performance.md); -0, rare, goes the
** general way, which takes it. */
static inline int bce_read_pair(sqlite3_value **argv, bce_domain x_domain,
                                double *y, double *x){
  const uint64_t one = UINT64_C(0x3ff0000000000000);
  int ty = sqlite3_value_type(argv[0]);
  int tx = sqlite3_value_type(argv[1]);
  if( (ty==SQLITE_FLOAT || ty==SQLITE_INTEGER)
   && (tx==SQLITE_FLOAT || tx==SQLITE_INTEGER) ){
    int x_in;
    *y = sqlite3_value_double(argv[0]);
    *x = sqlite3_value_double(argv[1]);
    x_in = x_domain==BCE_UNIT || x_domain==BCE_PROB ? bce_bits(*x) <= one
                                                   : bce_in_domain(x_domain, *x);
    return bce_bits(*y) <= one && x_in;
  }
  return 0;
}

/* Formats x as the shortest decimal that reads back as x ("2.7", "Inf").
** buf must hold 32 bytes. */
BCE_PRIVATE void bce_format_double(char *buf, double x);

/* A number as the user wrote it: an INTEGER as itself, a REAL by
** bce_format_double().  buf must hold 32 bytes. */
BCE_PRIVATE void bce_format_value(char *buf, sqlite3_value *v);

/* z[0..n) in single quotes, cut after 40 bytes (on a UTF-8 character
** boundary) and then followed by "..."; a NUL byte is shown as \0, and a
** byte that is not part of well-formed UTF-8 as \xHH (\xff), so that the
** result is UTF-8 whatever z holds.  buf must hold BCE_QUOTED_BUF bytes:
** 40 bytes, each at most 4, the quotes, "..." and the NUL. */
#define BCE_QUOTED_BUF 168
BCE_PRIVATE void bce_quote_text(char *buf, const char *z, int n);

/* The one error helper (rule 5): sets the error "fn(): " followed by
** zFormat, an sqlite3_snprintf() format, where fn is the name in the
** descriptor of the function being called. */
BCE_PRIVATE void bce_error(sqlite3_context *ctx, const char *zFormat, ...);

/* The messages of rules 3 and 4, shared with the array elements of
** ext/array_args.c, whose arg is "p[3]":
**   fn(): arg must be a number, got 'text'
**   fn(): arg must be in [0, 1], got num      (the rule of the domain)
** bce_report_bad() adds the fix to the first for an empty or blank text
** and a spelling of a missing value ('NA'), and words BLOBs with their
** size. */
BCE_PRIVATE void bce_error_not_number(sqlite3_context *ctx, const char *arg,
                                      const char *z, int n);
/* "fn(): arg must be WHAT, got ..." for a value that is not what an
** argument takes (a BLOB, a TEXT, a number where an array must be), with
** the hints of rule 3: an empty or missing CSV value, a numpy scalar. */
BCE_PRIVATE void bce_error_got(sqlite3_context *ctx, const char *arg,
                               const char *what, sqlite3_value *v);
BCE_PRIVATE void bce_error_domain(sqlite3_context *ctx, const char *arg,
                                  bce_domain domain, const char *num);

#endif
