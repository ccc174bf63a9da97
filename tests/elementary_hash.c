/* SPDX-License-Identifier: MIT */
/*
** One hash of the bits of src/elementary.c's six functions on 2x10^6
** arguments (exp on [-800, 700], log and log1p on (0, 4] and near 1, and
** random bit patterns), to compare builds: with and without a hardware
** fma, gcc and clang, other targets (docs/elementary.md).  A NaN counts
** as one value whatever its sign, which C leaves open (x86's default NaN
** is negative, aarch64's positive).  Compile this file itself with
** -ffp-contract=off, or its own arithmetic changes the arguments:
**
**   cc -O2 -ffp-contract=off tests/elementary_hash.c src/elementary.c -lm
*/
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "../src/elementary.h"
#include "xorshift.h"

static uint64_t h = 1469598103934665603ULL;        /* FNV-1a, 64 bits */

static void mix(double v){
  uint64_t b;
  if( v!=v ) v = 12345.0;
  memcpy(&b, &v, sizeof b);
  h ^= b;
  h *= 1099511628211ULL;
}

int main(void){
  uint64_t r = 7;
  int i, k;
  for(i=0; i<2000000; i++){
    uint64_t b = xorshift64(&r);
    double x, u = (double)(xorshift64(&r) >> 11)*0x1p-53;
    bce_dd d;
    memcpy(&x, &b, sizeof x);
    if( i%3==0 ) x = -800.0 + 1500.0*u;
    else if( i%3==1 ) x = (i & 4) ? u*4.0 : 1.0 + (u - 0.5)*0x1p-7;
    if( x!=x ) continue;
    d = bce_exp_dd(x, 0.0, &k);    mix(d.hi); mix(d.lo); mix((double)k);
    d = bce_log_dd(x < 0.0 ? -x : x, 0.0); mix(d.hi); mix(d.lo);
    d = bce_log1p_dd(x, 0.0);      mix(d.hi); mix(d.lo);
    mix(bce_exp(x)); mix(bce_log(x)); mix(bce_log1p(x));
  }
  printf("%016llx\n", (unsigned long long)h);
  return 0;
}
