/* SPDX-License-Identifier: MIT */
/*
** bce_fma_exact() (src/fma.h), the fma of the builds whose C library's is
** not correctly rounded (mingw-w64), against glibc's fma(), which is, bit
** for bit: 10^6 random triples over the whole range, most where rounding
** is hard (subnormal and near-overflow results, cancellation, c far above
** or below a·b, ties), and the special values.  Prints ok/FAIL lines.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "../src/fma.h"
#include "xorshift.h"
/* make check's valgrind lane: valgrind's emulation of the FMA instruction
** that glibc's fma() runs gives +0 where IEEE 754 gives -0 (fma(0, -1, -0),
** a negative product that underflows), so there the reference's zeros
** are compared by value only; the plain and ASan passes check their sign. */
#if defined(__has_include)
# if __has_include(<valgrind/valgrind.h>)
#  include <valgrind/valgrind.h>
# endif
#endif
#ifndef RUNNING_ON_VALGRIND
# define RUNNING_ON_VALGRIND 0
#endif

static int failures;
static int zero_by_value;

static int same(double x, double y){
  if( zero_by_value && y==0.0 ) return x==0.0;
  return bce_bits(x)==bce_bits(y) || (isnan(x) && isnan(y));
}

static void check(const char *name, long n, long bad, double a, double b,
                  double c){
  if( bad==0 ){
    printf("ok|bce_fma_exact = fma: %s (%ld cases)\n", name, n);
  }else{
    failures++;
    printf("FAIL|bce_fma_exact = fma: %s|%ld of %ld differ, first "
           "fma(%a, %a, %a) = %a, got %a\n", name, bad, n, a, b, c,
           fma(a, b, c), bce_fma_exact(a, b, c));
  }
}

/* a double with a random significand, exponent field be, random sign */
static double rnd_double(uint64_t *s, int be){
  uint64_t m = xorshift64(s) >> 12;
  if( be<=0 ) be = 0;
  if( be>2046 ) be = 2046;
  return bce_from_bits(((uint64_t)be << 52) | m | (xorshift64(s) & (1ULL << 63)));
}

int main(void){
#if defined(BCE_HAVE_EXACT_FMA)
  /* BCE_UNIT_RANDOM: fewer random cases (make check's valgrind lane) */
  const char *z = getenv("BCE_UNIT_RANDOM");
  long cases = z ? atol(z) : 200000;
  static const struct { const char *name; int lo, span, near; } cls[] = {
    {"anywhere", 1, 2045, 0},
    {"results near and below 2^-1022", 1023 - 600, 100, 1},
    {"results near 2^1024", 1023 + 450, 80, 2},
    {"cancellation, c = -a*b nudged", 1023 - 200, 400, 3},
    {"ordinary, c any size", 1023 - 30, 60, 4},
  };
  uint64_t s = 0x9e3779b97f4a7c15ULL;
  size_t i;
  zero_by_value = RUNNING_ON_VALGRIND!=0;
  if( zero_by_value ){
    printf("ok|bce_fma_exact: under valgrind, zeros compared by value (its fma's signs are wrong)\n");
  }
  for(i=0; i<sizeof cls/sizeof cls[0]; i++){
    long n, bad = 0;
    double fa = 0, fb = 0, fc = 0;
    for(n=0; n<cases; n++){
      int ea = cls[i].lo + (int)(xorshift64(&s) % (uint64_t)cls[i].span);
      int eb = cls[i].lo + (int)(xorshift64(&s) % (uint64_t)cls[i].span);
      double a = rnd_double(&s, ea), b, c;
      /* a·b between 2^-1080 and 2^-1000; between 2^1019 and 2^1023 */
      if( cls[i].near==1 ) eb = 2046 - 1080 - ea + (int)(xorshift64(&s) % 80);
      if( cls[i].near==2 ) eb = 2046 + 1019 - ea + (int)(xorshift64(&s) % 4);
      b = rnd_double(&s, eb);
      switch( cls[i].near ){
        case 0: c = rnd_double(&s, 1 + (int)(xorshift64(&s) % 2045)); break;
        case 3: c = -(a*b) * (1.0 + (double)(xorshift64(&s) % 9 - 4) * 0x1p-52); break;
        case 4: c = rnd_double(&s, 1023 - 120 + (int)(xorshift64(&s) % 240)); break;
        default: c = (xorshift64(&s) & 1) ? rnd_double(&s, (int)(xorshift64(&s) % 60)) : a*b*0.75;
      }
      if( xorshift64(&s) % 16==0 ) c = 0.0;
      if( !same(bce_fma_exact(a, b, c), fma(a, b, c)) ){
        if( bad++==0 ){ fa = a; fb = b; fc = c; }
      }
    }
    check(cls[i].name, n, bad, fa, fb, fc);
  }
  {
    /* a·b exactly halfway between two doubles (odd integers whose product
    ** has 54 bits), c far below it: only c's sign and the sticky bit of
    ** the shifted-out c break the tie */
    long n, bad = 0;
    double fa = 0, fb = 0, fc = 0;
    for(n=0; n<cases; ){
      uint64_t A = (xorshift64(&s) >> 37) | (1ULL << 26) | 1;
      uint64_t B = (xorshift64(&s) >> 36) | (1ULL << 27) | 1;
      double a, b, c;
      if( bce_bit_length(A * B)!=54 ) continue;
      n++;
      a = ldexp((double)A, (int)(xorshift64(&s) % 200) - 100);
      b = ldexp((double)B, (int)(xorshift64(&s) % 200) - 100);
      c = ldexp(a*b, -60 - (int)(xorshift64(&s) % 900));
      if( xorshift64(&s) & 1 ) c = -c;
      if( !same(bce_fma_exact(a, b, c), fma(a, b, c)) ){
        if( bad++==0 ){ fa = a; fb = b; fc = c; }
      }
    }
    check("ties, broken by a far smaller c", n, bad, fa, fb, fc);
  }
  {
    static const double sp[] = {0.0, -0.0, 1.0, -1.0, 0x1p-1074, -0x1p-1074,
      0x1p-1022, 0x1.fffffffffffffp+1023, -0x1.fffffffffffffp+1023, 0.5,
      3.0, 0x1p-537, 0x1p+512, 0x1.0000000000001p+0, INFINITY, -INFINITY, NAN};
    size_t na = sizeof sp/sizeof sp[0], x, y, z;
    long n = 0, bad = 0;
    double fa = 0, fb = 0, fc = 0;
    for(x=0; x<na; x++) for(y=0; y<na; y++) for(z=0; z<na; z++){
      n++;
      if( !same(bce_fma_exact(sp[x], sp[y], sp[z]), fma(sp[x], sp[y], sp[z])) ){
        if( bad++==0 ){ fa = sp[x]; fb = sp[y]; fc = sp[z]; }
      }
    }
    check("special values, every triple", n, bad, fa, fb, fc);
  }
#else
  printf("skip|bce_fma_exact|no 128-bit integers in this compiler\n");
#endif
  return failures ? 1 : 0;
}
