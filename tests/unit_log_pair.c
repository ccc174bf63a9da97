/* SPDX-License-Identifier: MIT */
/*
** el_log_fast_pair() (src/log_pair.h) lane by lane against
** el_log_fast_dd(x, xl, 1, &l) (src/log_fast.h), bit for bit in h and in
** l: the pair is the same operations in each lane, so any difference is
** a fault.  The arguments: the boundaries of the domain and of the
** table's buckets, 1 and its neighbours with a low part, the pairs the
** options take (q and the exact u + c = 1 - q, src/binary_opt.c), and
** 10^6 random pairs (BCE_UNIT_RANDOM: fewer, make check's valgrind lane),
** each lane an argument of its own: a random double of the domain with a
** random low part within half an ulp, or 0.  Prints ok/FAIL lines.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "../src/bits.h"
#include "../src/log_pair.h"
#include "xorshift.h"

static long bad, checked;

static void check(double x0, double xl0, double x1, double xl1){
  double h[2], l[2], wl0, wl1, wh0, wh1;
  el_log_fast_pair(x0, xl0, x1, xl1, h, l);
  wh0 = el_log_fast_dd(x0, xl0, 1, &wl0);
  wh1 = el_log_fast_dd(x1, xl1, 1, &wl1);
  checked++;
  if( bce_bits(h[0])!=bce_bits(wh0) || bce_bits(l[0])!=bce_bits(wl0)
   || bce_bits(h[1])!=bce_bits(wh1) || bce_bits(l[1])!=bce_bits(wl1) ){
    if( bad++ < 5 ){
      printf("FAIL|log pair (%a + %a, %a + %a)|got %a + %a, %a + %a; "
             "el_log_fast_dd %a + %a, %a + %a\n", x0, xl0, x1, xl1,
             h[0], l[0], h[1], l[1], wh0, wl0, wh1, wl1);
    }
  }
}

/* a low part within half an ulp of x (the spacing below x, the smaller
** at a power of 2), or 0 one time in four */
static double low_part(uint64_t r, double x){
  double ulp = x - nextafter(x, 0.0);
  if( (r & 3u)==0 ) return 0.0;
  return ((double)(r >> 11)*0x1p-53 - 0.5)*ulp;
}

/* a double in [2^-1022, 2^1022) of random exponent and mantissa */
static double in_domain(uint64_t r){
  uint64_t e = 1 + (r >> 52) % 2044;         /* biased 1 .. 2044 */
  return bce_from_bits((e << 52) | (r & ((UINT64_C(1) << 52) - 1)));
}

int main(void){
  const char *env = getenv("BCE_UNIT_RANDOM");
  long n = env ? atol(env) : 1000000, i;
  uint64_t s = 0x6c6f672070616972u;            /* "log pair" */
  static const double edge[] = {
    0x1p-1022, 0x1.0000000000001p-1022, 0x1.fffffffffffffp-1022,
    0x1.fffffffffffffp1021, 0x1p1021, 1.0, 0x1.fffffffffffffp-1,
    0x1.0000000000001p0, 0.5, 2.0, 0x1.68p-1, 0x1.67fffffffffffp-1,
    0x1.6800000000001p-1, 0x1.68p0, 0x1.67fffffffffffp0, 0x1p-60,
    0x1p-52, 0x1.fffffffffffffp-1, 0x1p-53, 0.1, 0.9, 0.95, 3.0, 1e-300,
    1e300, 0x1.6a09e667f3bcdp-1, 0x1.6a09e667f3bcdp0
  };
  size_t a, b;
  /* every pair of edges, with and without a low part of half an ulp */
  for(a=0; a<sizeof(edge)/sizeof(edge[0]); a++){
    for(b=0; b<sizeof(edge)/sizeof(edge[0]); b++){
      double ua = edge[a] - nextafter(edge[a], 0.0);
      double ub = edge[b] - nextafter(edge[b], 0.0);
      check(edge[a], 0.0, edge[b], 0.0);
      check(edge[a], ua*0.5, edge[b], -ub*0.5);
      check(edge[a], -ua*0.5, edge[b], ub*0.25);
    }
  }
  /* each of the 128 buckets at both ends, around 1 and far from it */
  for(i=0; i<128; i++){
    uint64_t mb = bce_bits(0.703125) + ((uint64_t)i << 45);
    double lo = bce_from_bits(mb), hi = bce_from_bits(mb + (UINT64_C(1) << 45) - 1);
    check(lo, 0.0, hi, 0.0);
    check(ldexp(lo, -900), 0.0, ldexp(hi, 900), 0.0);
    check(hi, (hi - nextafter(hi, 0.0))*0.5, lo, 0.0);
  }
  /* the options' pairs: q and 1 - q = u + c */
  for(i=0; i<n/4; i++){
    uint64_t r = xorshift64(&s);
    double q = ((double)(r >> 11) + 0.5)*0x1p-53;
    double u, c;
    if( i & 1 ) q = ldexp(q, -(int)(r % 60));
    u = 1.0 - q;
    c = (1.0 - u) - q;
    check(q, 0.0, u, c);
  }
  /* any two arguments of the domain */
  for(i=0; i<n; i++){
    uint64_t r = xorshift64(&s), t = xorshift64(&s);
    double x0 = in_domain(r), x1 = in_domain(t);
    if( (r >> 60)==0 ) x0 = 1.0 + ((double)(t >> 11) - 0x1p52)*0x1p-60;
    if( (t >> 60)==1 ) x1 = 1.0 - (double)(r >> 40)*0x1p-60;
    check(x0, low_part(t, x0), x1, low_part(r, x1));
  }
  if( bad==0 ){
    printf("ok|log pair: %ld pairs, each lane el_log_fast_dd's h and l bit "
           "for bit (%s)\n", checked,
#ifdef BCE_LOG_PAIR_VECTOR
           "vector lanes"
#else
           "no vector extensions: two scalar calls"
#endif
           );
  }else{
    printf("FAIL|log pair: %ld of %ld pairs differ|see above\n", bad,
           checked);
  }
  return bad!=0;
}
