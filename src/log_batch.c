/* SPDX-License-Identifier: MIT */
/*
** The constants of the vector logarithm (src/log_batch.h), in a file of
** their own so that the compiler of src/mean.c reads them from memory as
** operands instead of broadcasting each into a register at every use.
*/
#include "log_batch.h"

#ifdef BCE_VECTOR
#define V4U(x) {(x), (x), (x), (x)}
#define V4D(x) {(x), (x), (x), (x)}

BCE_PRIVATE const bce_log4_consts bce_log4_k = {
  V4U(BCE_LOG_OFF),
  V4U(UINT64_C(0xfff0000000000000)),
  V4U(UINT64_C(1) << 63),
  V4U(UINT64_C(0x4330000000000000)),
  V4U(UINT64_C(127) << 5),
  V4U(~(uint64_t)0xff),
  V4U(~(uint64_t)0x7ffffff),
  V4U(UINT64_C(3071)),
  V4U(UINT64_C(0x0010000000000000)),
  V4U(UINT64_C(0x7fd0000000000000) - UINT64_C(0x0010000000000000)),
  V4D(0x1p52 + 2048.0),
  V4D(1.0),
  V4D(-0.5),
  {V4D(EL_LOG_Q3), V4D(EL_LOG_Q4), V4D(EL_LOG_Q5), V4D(EL_LOG_Q6),
   V4D(EL_LOG_Q7), V4D(EL_LOG_Q8), V4D(EL_LOG_Q9), V4D(EL_LOG_Q10)},
  V4D(BCE_LN2_3H), V4D(BCE_LN2_3M),
  V4D(EL_EPS_LOG_FAST),
  V4D(BCE_DEFAULT_EPS),
  V4D(1.0 - BCE_DEFAULT_EPS),
};
#endif
