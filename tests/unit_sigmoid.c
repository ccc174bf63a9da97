/* SPDX-License-Identifier: MIT */
/*
** bce_sigmoid() correctly rounded (src/logistic.c), bit for bit against
** mpmath (tests/gen_sigmoid_ref.py -> tests/ref/sigmoid_ref.h): the hard
** cases, each with its full result, and 10^5 random arguments, each
** result as its low 16 bits, the rest taken from the C library's
** e^x/(1+e^x), which is within a few ulp (2^15 would do).  Prints ok/FAIL
** lines.  The slow path alone (bce_sigmoid_slow()) runs on every hard
** case and every 8th random one, as the fast path leaves it too few.
** BCE_UNIT_RANDOM: fewer random cases (make check's valgrind lane).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/logistic.h"
#include "xorshift.h"
#include "ref/sigmoid_ref.h"

#define COUNT(a) (sizeof(a)/sizeof((a)[0]))

static int failures;

/* the random arguments of tests/gen_sigmoid_ref.py, in the same order */
static double rnd_arg(uint64_t *s, long i){
  uint64_t u = xorshift64(s);
  double f = (double)(u >> 11)*0x1p-53;
  switch( i % 4 ){
    case 0: return -40.0 + 80.0*f;
    case 1: return -1500.0 + 1460.0*f;
    case 2: {
      int e = -60 + (int)((u >> 52) % 66);
      double x = bce_from_bits(((uint64_t)(1023 + e) << 52)
                               | (u & ((UINT64_C(1) << 52) - 1)));
      return ((u >> 11) & 1) ? -x : x;
    }
    default: return -745.25 + 40.0*f;
  }
}

/* the double whose encoding ends in low and is nearest the estimate's */
static double rebuild(double estimate, unsigned low){
  int64_t cb = (int64_t)bce_bits(estimate);
  int64_t w = (int64_t)(((uint64_t)cb & ~(uint64_t)0xffff) | low);
  if( w - cb > 0x8000 ) w -= 0x10000;
  if( cb - w > 0x8000 ) w += 0x10000;
  return bce_from_bits((uint64_t)w);
}

static unsigned hex4(const char *z){
  unsigned v = 0;
  int i;
  for(i=0; i<4; i++){
    char c = z[i];
    v = v*16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return v;
}

int main(void){
  const char *z = getenv("BCE_UNIT_RANDOM");
  long n = z ? atol(z) : REF_SIGMOID_RANDOM, i, bad = 0, hard = 0, nslow = 0;
  uint64_t s = REF_SIGMOID_SEED;
  double worst = 0.0;
  if( n > REF_SIGMOID_RANDOM ) n = REF_SIGMOID_RANDOM;
  if( strlen(ref_sigmoid_low16)!=4*(size_t)REF_SIGMOID_RANDOM ){
    printf("FAIL|sigmoid: the reference's length|%zu digits\n",
           strlen(ref_sigmoid_low16));
    return 1;
  }
  for(i=0; i<(long)COUNT(ref_sigmoid_hard); i++){
    double x = bce_from_bits(ref_sigmoid_hard[i].x);
    double want = bce_from_bits(ref_sigmoid_hard[i].y);
    double got = bce_sigmoid(x);
    if( bce_bits(got)!=bce_bits(want) ){
      if( bad++ < 5 ){
        printf("FAIL|sigmoid(%a) correctly rounded (hardness %.1f bits)|"
               "got %a, want %a\n", x, ref_sigmoid_hard[i].hardness, got,
               want);
      }
    }
    if( ref_sigmoid_hard[i].hardness > worst ){
      worst = ref_sigmoid_hard[i].hardness;
    }
    hard++;
  }
  if( bad==0 ){
    printf("ok|sigmoid: %ld hard cases correctly rounded (up to %.1f "
           "identical bits after the round bit)\n", hard, worst);
  }
  failures += bad > 0;
  /* the slow path alone, on every hard case: the fast path decides all
  ** but those within 2^-97 of a midpoint, too few among the cases here
  ** to test it by (tests/gen_sigmoid_ref.py) */
  bad = 0;
  for(i=0; i<(long)COUNT(ref_sigmoid_hard); i++){
    double x = bce_from_bits(ref_sigmoid_hard[i].x);
    double want = bce_from_bits(ref_sigmoid_hard[i].y);
    double got = bce_sigmoid_slow(x);
    if( bce_bits(got)!=bce_bits(want) && bad++ < 5 ){
      printf("FAIL|bce_sigmoid_slow(%a) correctly rounded (hardness %.1f "
             "bits)|got %a, want %a\n", x, ref_sigmoid_hard[i].hardness,
             got, want);
    }
  }
  if( bad==0 ){
    printf("ok|sigmoid's slow path: %ld hard cases correctly rounded\n",
           hard);
  }
  failures += bad > 0;
  bad = 0;
  for(i=0; i<n; i++){
    double x = rnd_arg(&s, i);
    double e = x < 0.0 ? exp(x)/(1.0 + exp(x)) : 1.0/(1.0 + exp(-x));
    double want = rebuild(e, hex4(ref_sigmoid_low16 + 4*i));
    double got = bce_sigmoid(x);
    if( bce_bits(got)!=bce_bits(want) && bad++ < 5 ){
      printf("FAIL|sigmoid(%a) correctly rounded (random case %ld)|got %a, "
             "want %a\n", x, i, got, want);
    }
    /* the slow path on every 8th */
    if( i % 8==0 ){
      got = bce_sigmoid_slow(x);
      nslow++;
      if( bce_bits(got)!=bce_bits(want) && bad++ < 5 ){
        printf("FAIL|bce_sigmoid_slow(%a) correctly rounded (random case "
               "%ld)|got %a, want %a\n", x, i, got, want);
      }
    }
  }
  if( bad==0 ){
    printf("ok|sigmoid: %ld random arguments correctly rounded, the slow "
           "path alone on %ld of them\n", n, nslow);
  }
  failures += bad > 0;
  return failures!=0;
}
