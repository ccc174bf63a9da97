/* SPDX-License-Identifier: MIT */
/*
** The tests' random numbers: xorshift64, a fixed sequence from a fixed
** seed, so that a failure can be reproduced.  Each test program keeps its
** own state and seed.
*/
#ifndef BCE_TEST_XORSHIFT_H
#define BCE_TEST_XORSHIFT_H

#include <stdint.h>

static inline uint64_t xorshift64(uint64_t *state){
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return *state;
}

#endif
