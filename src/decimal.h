/* SPDX-License-Identifier: MIT */
/*
** Decimal text to double and back, correctly rounded and independent of
** the C locale (strtod() and printf() read and write "0,5" in some).
**
** Reading: a JSON number (RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?
** ([eE][+-]?[0-9]+)?, nothing else) becomes the double nearest its exact
** value, ties to even, +-Inf past the double range, +-0 below it.  Any
** length is read in time linear in its length.  Three ways, the first
** that applies:
**   - at most 19 significant digits w, w <= 2^53 and value w*10^e with
**     |e| <= 22: one IEEE multiplication or division of two exact doubles
**     (Clinger), which rounds correctly by itself;
**   - at most 19 digits and |e| <= 27: an estimate within a few ulp, then
**     moved to the nearest double by exact 128-bit integer comparisons
**     with the midpoints between doubles (every 17-digit number that
**     printf("%.17g") or a shortest-round-trip printer writes for a value
**     above 1e-11 goes this way);
**   - anything else: exact decimal arithmetic on up to 800 digits, plus a
**     sticky flag for those beyond (the digits that can decide a rounding
**     never go past 768), as in Go's strconv.
**
** Writing: the shortest decimal that reads back as the same double, in
** printf's %g style ("0.5", "1e-05", "1.2345678901234567e+17").
*/
#ifndef BCE_DECIMAL_H
#define BCE_DECIMAL_H

#include "bits.h"

#include <stddef.h>

/* Reads the JSON number that starts at z[0] (z[0..n) is the text).
** Returns its length in bytes and sets *x, or returns 0 and sets *bad to
** the offset of the first byte that breaks the grammar (n when the text
** ends too soon).  A valid number may be followed by anything: the caller
** decides what may come next. */
BCE_PRIVATE size_t bce_decimal_parse(const char *z, size_t n, double *x,
                                     size_t *bad);

/* Reads z[0..n) when all of it is a number as SQLite's numeric affinity
** sees one (sqlite3AtoF in SQLite 3.40): white space around it (space,
** \t, \n, \v, \f, \r), then [+-]?[0-9]*(\.[0-9]*)?([eE][+-]?[0-9]+)? with
** at least one digit before the exponent: "0.5", " +.5 ", "5.", "007",
** "1E3".  No hexadecimal, no "Inf" or "NaN".  Returns 1 and sets *x to the
** nearest double (as bce_decimal_parse does), or returns 0. */
BCE_PRIVATE int bce_decimal_parse_sql(const char *z, size_t n, double *x);

/* Reads z[0..n) when all of it, white space around it as above, is an
** infinity as numpy, pandas and JavaScript write one to CSV: "inf",
** "infinity", signed or not, in any case ("-inf", "Infinity", "INF").
** Returns 1 and sets *x to +-Inf, or returns 0.  For a logit z only,
** whose domain holds the infinities (ext/args.h). */
BCE_PRIVATE int bce_decimal_parse_infinity(const char *z, size_t n,
                                           double *x);

/* Writes the shortest round-trip decimal of the finite x into buf (at
** least BCE_DECIMAL_BUF bytes), NUL-terminated; returns its length. */
#define BCE_DECIMAL_BUF 32
BCE_PRIVATE int bce_decimal_format(char *buf, double x);

#endif
