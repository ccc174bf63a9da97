/* SPDX-License-Identifier: MIT */
/*
** make accuracy-elementary: bce_exp, bce_log and bce_log1p against GNU
** MPFR's correctly rounded exp, log and log1p (round to nearest, binary64
** range and subnormals emulated with mpfr_subnormalize), on N arguments
** each (ELEM_CASES, default 10^6; ELEM_SEED).  Every result must be the
** same bits: prints the mismatches (the first few in full) and the time,
** and exits 1 if there is one.  ELEM_LIBM=1 checks the C library's exp,
** log and log1p instead, to show what the check finds in a library that
** is not correctly rounded.
**
**   cc -O2 tests/elementary_mpfr.c src/elementary.c -lmpfr -lgmp -lm
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mpfr.h>
#include "../src/elementary.h"
#include "xorshift.h"

static uint64_t rng;

static double uniform(double a, double b){
  return a + (b - a)*((double)(xorshift64(&rng) >> 11)*0x1p-53);
}

/* any double with the sign and exponent range given: random bits */
static double random_bits(int neg, int emin, int emax){
  uint64_t m = xorshift64(&rng) & 0x000fffffffffffffULL;
  int e = emin + (int)(xorshift64(&rng) % (uint64_t)(emax - emin + 1));
  double x;
  uint64_t b = ((uint64_t)(e + 1023) << 52) | m;
  if( e < -1022 ) b = m;                       /* subnormal */
  memcpy(&x, &b, sizeof x);
  return neg ? -x : x;
}

/* mpfr's result rounded as binary64 would (ties to even, subnormals) */
static double ref(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), double x){
  mpfr_t a, y;
  int inex;
  double r;
  mpfr_init2(a, 53);
  mpfr_init2(y, 53);
  mpfr_set_d(a, x, MPFR_RNDN);
  inex = f(y, a, MPFR_RNDN);
  inex = mpfr_check_range(y, inex, MPFR_RNDN);
  mpfr_subnormalize(y, inex, MPFR_RNDN);
  r = mpfr_get_d(y, MPFR_RNDN);
  mpfr_clear(a);
  mpfr_clear(y);
  return r;
}

static int same(double a, double b){
  if( a!=a ) return b!=b;
  return memcmp(&a, &b, sizeof a)==0;
}

static double gen_exp(long i){
  switch( i%10 ){
    case 0: case 1: case 2: case 3: return uniform(-745.2, 709.8);
    case 4: return random_bits((int)(xorshift64(&rng) & 1), -1074, 9);
    case 5: return uniform(709.0, 709.8);            /* near overflow */
    case 6: return uniform(-745.2, -708.0);           /* subnormal results */
    case 7: return uniform(-708.5, -707.5);           /* the normal edge */
    default: return random_bits((int)(xorshift64(&rng) & 1), -60, -1);
  }
}

static double gen_log(long i){
  switch( i%10 ){
    case 0: case 1: case 2: case 3: case 4:
      return random_bits(0, -1074, 1023);             /* every binade */
    case 5: case 6: case 7:                           /* near 1 */
      return 1.0 + random_bits((int)(xorshift64(&rng) & 1), -53, -1);
    default: return uniform(0.0, 10.0);
  }
}

static double gen_log1p(long i){
  switch( i%10 ){
    case 0: case 1: case 2: return random_bits(0, -1074, 1023);
    case 3: case 4: case 5:                           /* near 0 */
      return random_bits((int)(xorshift64(&rng) & 1), -60, -1);
    case 6: case 7: return -1.0 + random_bits(0, -53, -1);  /* near -1 */
    default: return uniform(-1.0, 10.0);
  }
}

static long run(const char *name, double (*f)(double),
                int (*mf)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t),
                double (*gen)(long), long n){
  static const double specials[] = { 0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY,
    NAN, 0x1p-1074, -0x1p-1074, 0x1p-1022, 0x1.fffffffffffffp+1023,
    -0x1.fffffffffffffp+1023, 709.782712893384, 709.7827128933841,
    -745.1332191019411, -745.1332191019412, -708.3964185322641, 0x1p-53,
    -0x1p-53, 0x1p-54, -0x1p-54 };
  long i, bad = 0;
  clock_t t0 = clock();
  for(i=-(long)(sizeof specials/sizeof specials[0]); i<n; i++){
    double x = i < 0 ? specials[-i-1] : gen(i);
    double got = f(x), want = ref(mf, x);
    if( x!=x ) continue;                 /* mpfr's NaN is NaN: compared below */
    if( !same(got, want) ){
      if( bad++ < 10 ) printf("MISMATCH %s(%a) = %a, mpfr %a\n", name, x, got, want);
    }
  }
  printf("%s: %ld arguments (and %d special ones), %ld mismatches, %.1f s\n",
         name, n, (int)(sizeof specials/sizeof specials[0]), bad,
         (double)(clock() - t0)/CLOCKS_PER_SEC);
  return bad;
}

int main(void){
  const char *s = getenv("ELEM_CASES"), *seed = getenv("ELEM_SEED");
  long n = s ? atol(s) : 1000000L, bad = 0;
  rng = seed ? (uint64_t)strtoull(seed, 0, 10) : 20261206u;
  if( rng==0 ) rng = 1;
  mpfr_set_emin(-1073);
  mpfr_set_emax(1024);
  printf("mpfr %s, seed %llu\n", mpfr_get_version(), (unsigned long long)rng);
  if( getenv("ELEM_LIBM") && atoi(getenv("ELEM_LIBM")) ){
    bad += run("libm exp", exp, mpfr_exp, gen_exp, n);
    bad += run("libm log", log, mpfr_log, gen_log, n);
    bad += run("libm log1p", log1p, mpfr_log1p, gen_log1p, n);
    printf("libm vs mpfr: %ld mismatches\n", bad);
    return bad!=0;
  }
  bad += run("bce_exp", bce_exp, mpfr_exp, gen_exp, n);
  bad += run("bce_log", bce_log, mpfr_log, gen_log, n);
  bad += run("bce_log1p", bce_log1p, mpfr_log1p, gen_log1p, n);
  if( !same(bce_exp(NAN), NAN) || !same(bce_log(NAN), NAN) || !same(bce_log1p(NAN), NAN) ){
    printf("MISMATCH: NaN does not give NaN\n");
    bad++;
  }
  printf("elementary vs mpfr: %ld mismatches\n", bad);
  return bad!=0;
}
