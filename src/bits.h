/* SPDX-License-Identifier: MIT */
/*
** The bit-level primitives every file of src/ and ext/ shares, and the
** checks that the compiler gives the arithmetic they assume.
**
** The exact sum and the decimal reader take doubles apart bit by bit:
** they are only right for IEEE 754 binary64 with round-to-nearest, so a
** compiler that has anything else stops here, not in a wrong answer.
*/
#ifndef BCE_BITS_H
#define BCE_BITS_H

#include <float.h>
#include <stdint.h>
#include <string.h>

/* before any function of ours: no contraction to FMA, whatever the flags */
#include "fp_contract.h"

_Static_assert(FLT_RADIX==2 && DBL_MANT_DIG==53 && DBL_MAX_EXP==1024
               && DBL_MIN_EXP==-1021, "double must be IEEE 754 binary64");
_Static_assert(sizeof(double)==sizeof(uint64_t), "double must be 64 bits");

/* Every function with external linkage inside the library is marked
** BCE_PRIVATE.  The amalgamation defines it as `static` before this
** header, so that its only global symbol is sqlite3_bce_init (as
** SQLITE_PRIVATE does in SQLite's own amalgamation); the separate objects
** of the normal build need it empty. */
#ifndef BCE_PRIVATE
# define BCE_PRIVATE
#endif
/* The same for a declaration of data defined in another file: extern in
** the normal build, static (a tentative definition) in the amalgamation.
** The definition itself is marked BCE_PRIVATE. */
#ifndef BCE_PRIVATE_DATA
# define BCE_PRIVATE_DATA extern
#endif

/* The hot paths are inlined into each caller so that constants fold;
** compilers that cannot be told still get correct code. */
#if defined(__GNUC__) || defined(__clang__)
# define BCE_ALWAYS_INLINE static inline __attribute__((always_inline))
# define BCE_NOINLINE static __attribute__((noinline))
#else
# define BCE_ALWAYS_INLINE static inline
# define BCE_NOINLINE static
#endif

/* A condition that no input can make false (BCE_ALWAYS) or true
** (BCE_NEVER), kept as a defence: SQLite's ALWAYS() and NEVER()
** (sqliteInt.h).  Each use says why it cannot happen.  In the coverage
** build (BCE_COVERAGE) they are constants, which clang's coverage folds,
** so the branch that cannot be taken is not counted as missed; in the
** sanitizer builds (BCE_DEBUG) they assert, so a test that reaches one
** fails.  X must have no side effect: the coverage build does not
** evaluate it (sizeof only keeps its variables used). */
#if defined(BCE_COVERAGE)
# define BCE_ALWAYS(X) ((void)sizeof(X), 1)
# define BCE_NEVER(X)  ((void)sizeof(X), 0)
#elif defined(BCE_DEBUG)
# include <assert.h>
# define BCE_ALWAYS(X) ((X) ? 1 : (assert(0), 0))
# define BCE_NEVER(X)  ((X) ? (assert(0), 1) : 0)
#else
# define BCE_ALWAYS(X) (X)
# define BCE_NEVER(X)  (X)
#endif

/* The rounding error of s = fl(a + b): a + b = s + err exactly, for any
** order of a and b (s finite).  Fast2Sum with the larger operand first:
** then s - big is exact and never overflows.  Knuth's TwoSum, which needs
** no order, computes s - a, which overflows when b is the larger operand
** and s is near +-DBL_MAX (a = -7.9e306, b = 1.8e308); the NaN it made
** reached cce_logits_term as NULL and the exact sum as garbage. */
static inline double bce_two_sum_err(double a, double b, double s){
  double big = a, small = b;
  if( (a<0.0 ? -a : a)<(b<0.0 ? -b : b) ){
    big = b;
    small = a;
  }
  return small - (s - big);
}

/* ln 2 in two parts, the first with its low 20 bits zero, so that
** k*BCE_LN2_HI is exact for |k| < 2^20 (Cody and Waite); together within
** 1.2e-26.  For e^x scaled by 2^k where e^x alone would be subnormal. */
#define BCE_LN2_HI 0x1.62e42fee00000p-1
#define BCE_LN2_LO 0x1.a39ef35793c76p-33

/* The bits of a double and back; memcpy is the one conversion C defines. */
static inline uint64_t bce_bits(double x){
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static inline double bce_from_bits(uint64_t b){
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}

/* The number of significant bits of x; 0 for 0. */
static inline int bce_bit_length(uint64_t x){
#if defined(__GNUC__) || defined(__clang__)
  return x ? 64 - __builtin_clzll(x) : 0;
#else
  int n = 0;
  if( x >> 32 ){ n += 32; x >>= 32; }
  if( x >> 16 ){ n += 16; x >>= 16; }
  if( x >> 8 ){ n += 8; x >>= 8; }
  while( x ){ n++; x >>= 1; }
  return n;
#endif
}

#endif
