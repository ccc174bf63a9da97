/* SPDX-License-Identifier: MIT */
/*
** Four doubles (or four 64-bit integers) as one value: GCC's and clang's
** generic vectors, for the hard-label batch of bce(y, p)
** (src/log_batch.h) and its exact sum (src/exact_sum.h).  The compiler
** maps them onto what the target has: two SSE2 registers on any x86-64,
** one AVX2 register in the functions built for it (BCE_TARGET_V3), NEON
** pairs on aarch64, scalar code on WebAssembly without SIMD.  The
** operations are IEEE 754's, each rounded once, so every lane gives the
** scalar code's bits (no contraction into fma: src/fp_contract.h).
** Without the extensions (MSVC) BCE_VECTOR is not defined and the callers
** loop over the scalar code.
*/
#ifndef BCE_VEC4_H
#define BCE_VEC4_H

#include <stdint.h>
#include "bits.h"

/* x86-64 with GCC or clang: a second build of the hot path for
** processors with AVX2 and BMI2, which the extension's entry point picks
** (ext/entry.c), the same C (no fma among the targets).  Not in the
** coverage build: it counts the portable code, whose source lines are the
** same, and the choice depends on the processor. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) \
    && !defined(BCE_NO_X86_V3) && !defined(BCE_COVERAGE)
# define BCE_X86_V3 1
# define BCE_TARGET_V3 __attribute__((target("avx2,bmi,bmi2")))
#endif

#if (defined(__GNUC__) || defined(__clang__)) && !defined(BCE_NO_VECTOR)
# define BCE_VECTOR 1

typedef double bce_v4d __attribute__((vector_size(32)));
typedef uint64_t bce_v4u __attribute__((vector_size(32)));

/* GCC warns of the ABI of any function that takes or returns a vector of
** 32 bytes where AVX is off, even one always inlined: so macros, and
** pointers in the inline functions. */
#define BCE_V4D_SPLAT(x) ((bce_v4d){(x), (x), (x), (x)})

/* a where the mask's lane is all ones, b where it is zero */
#define BCE_V4D_SELECT(mask, a, b) \
  ((bce_v4d)(((bce_v4u)(a) & (mask)) | ((bce_v4u)(b) & ~(mask))))

/* __builtin_shufflevector: clang's, and GCC's since 12; older GCC has
** __builtin_shuffle with the indices as a vector */
#if defined(__clang__) || __GNUC__ >= 12
# define BCE_V4_SHUFFLE(a, b, i, j, k, l) \
   __builtin_shufflevector((a), (b), i, j, k, l)
#else
# define BCE_V4_SHUFFLE(a, b, i, j, k, l) \
   __builtin_shuffle((a), (b), (bce_v4u){i, j, k, l})
#endif

#endif /* BCE_VECTOR */

#endif /* BCE_VEC4_H */
