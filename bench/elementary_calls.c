/* SPDX-License-Identifier: MIT */
/*
** Instruction counts of bce_exp, bce_log, bce_log1p and the C library's
** exp, log, log1p, per call, under callgrind (docs/elementary.md):
**
**   cc -O2 -ffp-contract=off bench/elementary_calls.c src/elementary.c -lm
**   valgrind --tool=callgrind --callgrind-out-file=cg.out ./a.out
**   callgrind_annotate --inclusive=yes cg.out | grep -E 'bce_|exp|log'
**
** On x86-64 with glibc and AVX the three are listed as bce_exp_avx etc.,
** the copy the ifunc picks (src/elementary.c); -DBCE_NO_X86_V3 counts the
** baseline copy.  Each function runs on the same 10^5 arguments (uniform over [-700, 700]
** for exp, over [0.01, 100] for log, over [-0.5, 100] for log1p) and
** runs once with an empty function, for the loop's own cost.
*/
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include "../src/elementary.h"
#include "../tests/xorshift.h"

#define N 100000
static double xe[N], xl[N], xp[N];

__attribute__((noinline)) static double run(double (*f)(double), const double *x){
  double s = 0.0;
  int i;
  for(i=0; i<N; i++) s += f(x[i]);
  return s;
}

__attribute__((noinline)) static double empty(double x){ return x; }

int main(void){
  uint64_t r = 42;
  int i;
  double s = 0.0;
  for(i=0; i<N; i++){
    double u = (double)(xorshift64(&r) >> 11)*0x1p-53;
    xe[i] = -700.0 + 1400.0*u;
    xl[i] = 0.01 + 99.99*u;
    xp[i] = -0.5 + 100.5*u;
  }
  s += run(empty, xe);
  s += run(bce_exp, xe);  s += run(exp, xe);
  s += run(bce_log, xl);  s += run(log, xl);
  s += run(bce_log1p, xp); s += run(log1p, xp);
  printf("%g\n", s);
  return 0;
}
