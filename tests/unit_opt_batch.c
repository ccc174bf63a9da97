/* SPDX-License-Identifier: MIT */
/*
** The batch of bce(y, p, options) (src/binary_opt.c, bce_opt_flush_batch()
** and its x86-64 v3 build) against the scalar loss the step took before
** it, bce_opt_loss(), bit for bit: each batch of 1 to 4 hard-label rows is
** flushed into a bce_mean, then each row's scalar loss is taken out of
** the same exact sum, which must come back to exactly 0 with the rows
** counted (a lane off by one ulp leaves one ulp of it).  Options: every
** pos_weight, smoothing and gamma of bce_opt_batch_kind()'s batch
** (products, gamma 2, small integers, gamma through the exponential, with
** and without smoothing, to 1e300, where the factor underflows); rows: random and the clip's edges, labels 0, 1
** and -0.  Full batches go through the vector lanes, short ones through
** bce_mean_flush() (the path of every read).  BCE_UNIT_RANDOM: fewer
** random batches (make check's valgrind lane).  Prints ok/FAIL lines.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/binary_opt.h"
#include "../src/mean.h"
#include "xorshift.h"

#define COUNT(a) (sizeof(a)/sizeof((a)[0]))

static long bad, batches;

static double unit(uint64_t *s){
  return (double)(xorshift64(s) >> 11)*0x1p-53;
}

static double prob(uint64_t *s){
  static const double edge[] = {0.0, 1.0, 0x1p-52, 1.0 - 0x1p-52,
    0x1.0000000000001p-52, 1.0 - 0x1p-53, 0x1.fffffffffffffp-53, 0.5,
    0x1p-1074, 0x1p-1022, 1.0 - 0x1p-51, 0x1.8p-52, 0x1.666e3e06c642ep-2,
    0x1.b52061736a40cp-2};
  uint64_t u = xorshift64(s);
  switch( u % 8 ){
    case 0: return edge[(u >> 8) % COUNT(edge)];
    case 1: case 2: return ldexp(1.0 + unit(s), -1 - (int)((u >> 8) % 56));
    case 3: return 1.0 - ldexp(1.0 + unit(s), -2 - (int)((u >> 8) % 52));
    default: return unit(s);
  }
}

typedef void (*flush_fn)(bce_mean*);

/* n rows of options o into a fresh mean through the batch, flushed by
** flush (n = BCE_BATCH) or by bce_mean_flush() */
static void check(const double *y, const double *p, int n,
                  const bce_options *o, flush_fn flush, const char *name){
  bce_mean m;
  bce_binary_opt b;
  int i;
  memset(&m, 0, sizeof m);
  m.batchOpt = bce_opt_batch_kind(o);
  m.batchPw = o->pos_weight;
  m.batchS = o->smoothing;
  m.batchGamma = o->gamma;
  for(i=0; i<n; i++){
    if( bce_mean_batch_hard(&m, y[i], p[i]) ) flush(&m);
  }
  bce_mean_flush(&m);
  bce_binary_opt_of(o, &b);
  for(i=0; i<n; i++){
    bce_sum_add_positive(&m.loss, bce_opt_loss(y[i], p[i], &b), -1);
  }
  batches++;
  if( m.nBatch!=0 || m.nRow!=n || m.nWeight!=n
   || bce_sum_value(&m.loss)!=0.0 ){
    if( bad++ < 5 ){
      printf("FAIL|%s: pos_weight %a, smoothing %a, gamma %a|", name,
             o->pos_weight, o->smoothing, o->gamma);
      for(i=0; i<n; i++) printf(" (%a, %a)", y[i], p[i]);
      printf(" leave %a, rows %lld\n", bce_sum_value(&m.loss),
             (long long)m.nRow);
    }
  }
}

static void run(flush_fn flush, const char *name, long n){
  static const double pws[] = {1.0, 3.0, 0.0, 0.5, 1e-10, 0x1p-60, 0x1p60};
  static const double ss[] = {0.0, 0.1, 1.0, 0x1p-60, 0.5};
  static const double gammas[] = {0.0, 1.0, 2.0, 2.5, 3.0, 8.0, 9.0, 0.5,
                                  40.0, 300.0, 1e-3, 7.3, 50.0, 1000.0,
                                  1e4, 1e6, 1e15, 0x1p62, 1e300};
  static const double labels[] = {0.0, 1.0, -0.0};
  uint64_t s = 0x6f70742d62617463u;
  long k;
  bce_options o;
  size_t a, b, c;
  long before = bad;
  for(k=0; k<n; k++){
    double y[BCE_BATCH], p[BCE_BATCH];
    int i, rows;
    uint64_t r = xorshift64(&s);
    a = r % COUNT(pws);
    b = (r >> 8) % COUNT(ss);
    c = (r >> 16) % COUNT(gammas);
    bce_options_init(&o);
    o.pos_weight = pws[a];
    o.smoothing = ss[b];
    o.gamma = gammas[c];
    if( ((r >> 24) & 7)==0 ) o.gamma = unit(&s)*12.0;
    /* gamma past 256/|ln f|: e^(gamma ln f) near the subnormals and 0 */
    if( ((r >> 24) & 7)==1 ) o.gamma = ldexp(1.0 + unit(&s),
                                             (int)((r >> 50) % 24));
    if( ((r >> 27) & 7)==0 ) o.pos_weight = ldexp(1.0 + unit(&s),
                                                  (int)((r >> 30) % 80) - 40);
    if( bce_opt_batch_kind(&o)<BCE_OPT_BATCH_PRODUCTS ) continue;
    rows = ((r >> 40) & 3)==0 ? 1 + (int)((r >> 42) % BCE_BATCH) : BCE_BATCH;
    for(i=0; i<rows; i++){
      y[i] = labels[xorshift64(&s) % 3];
      p[i] = prob(&s);
    }
    check(y, p, rows, &o, flush, name);
  }
  if( bad==before ){
    printf("ok|%s: %ld batches, every row bce_opt_loss()'s bits\n", name,
           batches);
  }else{
    printf("FAIL|%s: %ld of %ld batches differ|see above\n", name,
           bad - before, batches);
  }
  batches = 0;
}

int main(void){
  const char *env = getenv("BCE_UNIT_RANDOM");
  long n = env ? atol(env) : 1000000;
  run(bce_opt_flush_batch, "options batch", n);
#ifdef BCE_X86_V3
  __builtin_cpu_init();
  if( __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2")
   && __builtin_cpu_supports("bmi2") ){
    run(bce_opt_flush_batch_v3, "options batch, x86-64 v3", n);
  }else{
    printf("skip|options batch, x86-64 v3|no FMA, AVX2 or BMI2 here\n");
  }
#endif
  return bad!=0;
}
