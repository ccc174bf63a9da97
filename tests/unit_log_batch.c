/* SPDX-License-Identifier: MIT */
/*
** The hard-label batch of bce(y, p) (src/log_batch.h, src/mean.c) against
** the scalar code it must equal bit for bit, lane by lane:
**   - bce_log_sum4(): a lane is decided exactly where the scalar fast path
**     (range test, el_log_fast_dd(), el_round_test()) decides, and then
**     has its bits; on tests/ref/elementary_ref.h's log cases (the
**     Lefevre-Muller hard cases among them) also mpmath's value;
**   - bce_hard_losses4(): bce_loss(y, p, BCE_DEFAULT_EPS) on every decided
**     lane, hard labels 0, 1 and -0, p at the clip's edges and random;
**   - bce_sum_add4_positive(): the sum of four bce_sum_add_positive(),
**     or nothing when a term is outside the lane, across the lane's flush;
**   - the bce_mean with the batch, read at random points and with rows
**     taken out while others wait in the batch, against the scalar adds.
** Each kernel runs as the portable build compiles it and, where the
** processor has AVX2 and BMI2, as the x86-64-v3 build does.  Prints
** ok/FAIL lines.  BCE_UNIT_RANDOM: fewer random cases (make check's
** valgrind lane).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/log_batch.h"
#include "../src/mean.h"
#include "xorshift.h"
#include "ref/elementary_ref.h"

#define COUNT(a) (sizeof(a)/sizeof((a)[0]))

static int failures;

/* a uniform double in [0, 1) of 53 bits */
static double unit(uint64_t *s){
  return (double)(xorshift64(s) >> 11)*0x1p-53;
}

/* a probability: uniform, log-uniform down to 2^-70, near 1 from below,
** or one of the clip's edges and their neighbours */
static double prob(uint64_t *s){
  static const double edge[] = {0.0, 1.0, 0x1p-52, 1.0 - 0x1p-52,
    0x1.0000000000001p-52, 1.0 - 0x1p-53, 0x1.fffffffffffffp-53, 0.5,
    0x1p-1074, 0x1p-1022, 1.0 - 0x1p-51, 0x1.8p-52};
  uint64_t u = xorshift64(s);
  switch( u % 8 ){
    case 0: return edge[(u >> 8) % COUNT(edge)];
    case 1: case 2: return ldexp(1.0 + unit(s), -1 - (int)((u >> 8) % 70));
    case 3: return 1.0 - ldexp(1.0 + unit(s), -2 - (int)((u >> 8) % 52));
    default: return unit(s);
  }
}

#ifdef BCE_VECTOR
/* the scalar fast path of bce_log_sum(): 1 and *res where it decides */
static int scalar_fast(double x, double xl, double *res){
  if( bce_bits(x) - UINT64_C(0x0010000000000000)
      < UINT64_C(0x7fd0000000000000) - UINT64_C(0x0010000000000000) ){
    double l, h = el_log_fast_dd(x, xl, 1, &l);
    return el_round_test(h, l, EL_EPS_LOG_FAST, res);
  }
  return 0;
}

typedef void (*fast4_fn)(const double*, const double*, double*, double*);
typedef void (*log4_fn)(const double*, const double*, double*, uint64_t*);
typedef void (*loss4_fn)(const double*, const double*, double*, uint64_t*);
typedef int (*sum4_fn)(bce_sum*, const double*);

#define LOG4_BODY \
  bce_v4d vx, vxl, r; \
  bce_v4u o; \
  memcpy(&vx, x, sizeof vx); \
  memcpy(&vxl, xl, sizeof vxl); \
  bce_log_sum4(&vx, &vxl, 0, &r, &o); \
  memcpy(res, &r, sizeof r); \
  memcpy(ok, &o, sizeof o);
#define FAST4_BODY \
  bce_v4d vx, vxl, vh, vl; \
  memcpy(&vx, x, sizeof vx); \
  memcpy(&vxl, xl, sizeof vxl); \
  bce_log_fast4(&vx, &vxl, &vh, &vl); \
  memcpy(h, &vh, sizeof vh); \
  memcpy(l, &vl, sizeof vl);
#define LOSS4_BODY \
  bce_v4d l; \
  bce_v4u o; \
  bce_hard_losses4(y, p, &l, &o); \
  memcpy(loss, &l, sizeof l); \
  memcpy(ok, &o, sizeof o);
#define SUM4_BODY \
  bce_v4d v; \
  memcpy(&v, x, sizeof v); \
  return bce_sum_add4_positive(s, &v);

static void fast4_plain(const double *x, const double *xl, double *h,
                        double *l){ FAST4_BODY }
static void log4_plain(const double *x, const double *xl, double *res,
                       uint64_t *ok){ LOG4_BODY }
static void loss4_plain(const double *y, const double *p, double *loss,
                        uint64_t *ok){ LOSS4_BODY }
static int sum4_plain(bce_sum *s, const double *x){ SUM4_BODY }
#ifdef BCE_X86_V3
BCE_TARGET_V3 static void fast4_v3(const double *x, const double *xl,
                                   double *h, double *l){ FAST4_BODY }
BCE_TARGET_V3 static void log4_v3(const double *x, const double *xl,
                                  double *res, uint64_t *ok){ LOG4_BODY }
BCE_TARGET_V3 static void loss4_v3(const double *y, const double *p,
                                   double *loss, uint64_t *ok){ LOSS4_BODY }
BCE_TARGET_V3 static int sum4_v3(bce_sum *s, const double *x){ SUM4_BODY }
#endif

typedef struct build {
  const char *name;
  fast4_fn fast4;
  log4_fn log4;
  loss4_fn loss4;
  sum4_fn sum4;
  void (*flush)(bce_mean*);
} build;

/* the arguments the hard labels take (q, 0) and (u, c), and any x of the
** range with an xl below half its ulp, and x outside the range */
static void log_arg(uint64_t *s, double *x, double *xl){
  uint64_t u = xorshift64(s);
  double q = prob(s);
  switch( u % 6 ){
    case 0: case 1:
      *x = q; *xl = 0.0;
      return;
    case 2: case 3: {
      double v = 1.0 - q;
      *x = v; *xl = (1.0 - v) - q;
      return;
    }
    case 4: {
      int e = -1022 + (int)((u >> 8) % 2044);
      *x = ldexp(1.0 + unit(s), e);
      *xl = (unit(s) - 0.5)*ldexp(1.0, e - 52);
      return;
    }
    default: {
      static const double out[] = {0.0, 0x1p-1074, 0x1.fffffffffffffp-1023,
                                   0x1p1022, 0x1.fffffffffffffp+1023,
                                   INFINITY};
      *x = out[(u >> 8) % COUNT(out)]; *xl = 0.0;
      return;
    }
  }
}

static void test_log4(const build *b, long n){
  uint64_t s = 0x9e3779b97f4a7c15u;
  long i, bad = 0, undecided = 0, lanes = 0, hard = 0, fast = 0;
  double x[4], xl[4], res[4], want;
  uint64_t ok[4];
  int j;
  /* the reference cases, four at a time, the last group padded */
  for(i=0; i<(long)COUNT(log_cr_ref); i+=4){
    for(j=0; j<4; j++){
      long k = i + j < (long)COUNT(log_cr_ref) ? i + j : 0;
      x[j] = log_cr_ref[k].x;
      xl[j] = 0.0;
    }
    b->log4(x, xl, res, ok);
    for(j=0; j<4 && i + j<(long)COUNT(log_cr_ref); j++){
      double r;
      int sure = scalar_fast(x[j], 0.0, &r);
      lanes++;
      if( (ok[j]!=0)!=sure || (ok[j]!=0 && ok[j]!=~(uint64_t)0) ){
        if( bad++ < 5 ){
          printf("FAIL|log_batch %s: ln(%a) decided as the scalar path "
                 "decides|lane mask %llx, scalar %d\n", b->name, x[j],
                 (unsigned long long)ok[j], sure);
        }
        continue;
      }
      if( !sure ){
        undecided++;
        continue;
      }
      hard++;
      want = log_cr_ref[i + j].want;
      if( bce_bits(res[j])!=bce_bits(r) || bce_bits(res[j])!=bce_bits(want) ){
        if( bad++ < 5 ){
          printf("FAIL|log_batch %s: ln(%a)|got %a, scalar %a, mpmath %a\n",
                 b->name, x[j], res[j], r, want);
        }
      }
    }
  }
  /* random arguments */
  for(i=0; i<n; i++){
    double h[4], l[4];
    for(j=0; j<4; j++) log_arg(&s, &x[j], &xl[j]);
    b->fast4(x, xl, h, l);
    b->log4(x, xl, res, ok);
    for(j=0; j<4; j++){
      double r, hs, ls;
      int sure = scalar_fast(x[j], xl[j], &r);
      lanes++;
      if( bce_bits(x[j]) - UINT64_C(0x0010000000000000)
          < UINT64_C(0x7fd0000000000000) - UINT64_C(0x0010000000000000) ){
        /* the double-double itself, before the rounding test */
        hs = el_log_fast_dd(x[j], xl[j], 1, &ls);
        fast++;
        if( bce_bits(h[j])!=bce_bits(hs) || bce_bits(l[j])!=bce_bits(ls) ){
          if( bad++ < 5 ){
            printf("FAIL|log_batch %s: el_log_fast_dd(%a, %a) in a lane|"
                   "%a + %a, scalar %a + %a\n", b->name, x[j], xl[j], h[j],
                   l[j], hs, ls);
          }
        }
      }
      if( (ok[j]!=0)!=sure || (ok[j]!=0 && ok[j]!=~(uint64_t)0)
       || (sure && bce_bits(res[j])!=bce_bits(r)) ){
        if( bad++ < 5 ){
          printf("FAIL|log_batch %s: ln(%a + %a) as the scalar fast path|"
                 "lane %a (mask %llx), scalar %a (decided %d)\n", b->name,
                 x[j], xl[j], res[j], (unsigned long long)ok[j], r, sure);
        }
      }
      if( !sure ) undecided++;
    }
  }
  if( bad==0 ){
    printf("ok|log_batch %s: ln(x + xl) in four lanes, %ld lanes as the "
           "scalar fast path (h and l bit for bit in %ld, %ld reference "
           "values with mpmath's bits, %ld lanes left to the slow path)\n",
           b->name, lanes, fast, hard, undecided);
  }
  failures += bad > 0;
}

static void test_losses4(const build *b, long n){
  uint64_t s = 0x243f6a8885a308d3u;
  static const double label[3] = {0.0, 1.0, -0.0};
  long i, bad = 0, lanes = 0, undecided = 0;
  double y[4], p[4], loss[4];
  uint64_t ok[4];
  int j;
  for(i=0; i<n; i++){
    for(j=0; j<4; j++){
      y[j] = label[xorshift64(&s) % 3];
      p[j] = prob(&s);
    }
    b->loss4(y, p, loss, ok);
    for(j=0; j<4; j++){
      double want = bce_loss(y[j], p[j], BCE_DEFAULT_EPS);
      lanes++;
      if( !ok[j] ){
        undecided++;
        continue;
      }
      if( ok[j]!=~(uint64_t)0 || bce_bits(loss[j])!=bce_bits(want) ){
        if( bad++ < 5 ){
          printf("FAIL|log_batch %s: bce_loss(%a, %a)|got %a, want %a\n",
                 b->name, y[j], p[j], loss[j], want);
        }
      }
    }
  }
  if( bad==0 ){
    printf("ok|log_batch %s: %ld hard-label losses in four lanes as "
           "bce_loss() (%ld left to the scalar code)\n", b->name, lanes,
           undecided);
  }
  failures += bad > 0;
}

/* a term for the sum: mostly losses in the lane, some outside it */
static double term(uint64_t *s){
  uint64_t u = xorshift64(s);
  static const double out[] = {0x1p-52, 0x1.0000000000001p-52, 0.0,
                               0x1p7, 300.0, 0x1p-1074, 0x1p-51 - 0x1p-104};
  if( u % 50==0 ) return out[(u >> 8) % COUNT(out)];
  return ldexp(1.0 + unit(s), -50 + (int)((u >> 8) % 57));
}

static int same_sum(bce_sum *a, bce_sum *b){
  bce_sum_normalize(a);
  bce_sum_normalize(b);
  return memcmp(a->limb, b->limb, sizeof a->limb)==0;
}

static void test_sum4(const build *b, long n){
  uint64_t s = 0x13198a2e03707344u;
  static bce_sum got, want;
  long i, bad = 0, whole = 0, lane_flushes = 0;
  double x[4];
  int j;
  bce_sum_clear(&got);
  bce_sum_clear(&want);
  /* negative terms first: the lane is two's complement */
  for(j=0; j<1000; j++){
    double t = term(&s);
    bce_sum_add(&got, t, -1);
    bce_sum_add(&want, t, -1);
  }
  /* n groups, past 2^17 operations: the lane's flush */
  for(i=0; i<n; i++){
    for(j=0; j<4; j++) x[j] = term(&s);
    int32_t before = got.pending;
    if( b->sum4(&got, x) ){
      whole++;
      if( got.pending<before ) lane_flushes++;
    }else{
      for(j=0; j<4; j++) bce_sum_add_positive(&got, x[j], +1);
    }
    for(j=0; j<4; j++) bce_sum_add_positive(&want, x[j], +1);
    /* read (which empties the lane) every 40009 groups, 160036 terms:
    ** between reads the lane flushes itself at 2^17 */
    if( (i % 40009==40008 || i==n - 1) && !same_sum(&got, &want) ){
      if( bad++ < 5 ){
        printf("FAIL|log_batch %s: four terms at once as four adds, after "
               "%ld groups|%a against %a\n", b->name, i + 1,
               bce_sum_value(&got), bce_sum_value(&want));
      }
    }
  }
  /* 2^19 terms at the top of the lane, read once: without its flush at
  ** 2^17 the lane would pass 2^127 and wrap */
  for(i=0; i<(1L << 17); i++){
    for(j=0; j<4; j++) x[j] = 127.75 - 0.25*j;
    if( !b->sum4(&got, x) ) bad++;
    for(j=0; j<4; j++) bce_sum_add_positive(&want, x[j], +1);
  }
  if( !same_sum(&got, &want) && bad++ < 5 ){
    printf("FAIL|log_batch %s: 2^19 terms near 2^7 four at a time|%a "
           "against %a\n", b->name, bce_sum_value(&got),
           bce_sum_value(&want));
  }
  if( bad==0 && whole>0 && whole<n && lane_flushes>0 ){
    printf("ok|log_batch %s: bce_sum_add4_positive() as four adds, %ld "
           "groups (%ld whole, the rest with a term outside the lane; the "
           "lane flushed by them %ld times)\n", b->name, n, whole,
           lane_flushes);
  }else if( bad==0 ){
    printf("FAIL|log_batch %s: the sum's groups take every way|%ld of %ld "
           "whole, %ld lane flushes\n", b->name, whole, n, lane_flushes);
    bad++;
  }
  failures += bad > 0;
}
#endif /* BCE_VECTOR */

/* The batch of a bce_mean against bce_mean_add_unit() of each row's
** bce_loss(): rows in, some taken out (at once, while others wait in the
** batch), the mean read at random points (a partial batch then), the
** counts and the mean's bits compared at every read. */
static void test_mean(const char *name, void (*flush)(bce_mean*), long n){
  uint64_t s = 0xa4093822299f31d0u;
  static bce_mean got, want;
  static double ys[64], ps[64];
  long i, bad = 0, reads = 0;
  int k = 0;
  memset(&got, 0, sizeof got);
  memset(&want, 0, sizeof want);
  for(i=0; i<n; i++){
    uint64_t u = xorshift64(&s);
    double y = (u & 1) ? 1.0 : 0.0, p = prob(&s);
    double l = bce_loss(y, p, BCE_DEFAULT_EPS);
    if( bce_mean_batch_hard(&got, y, p) ) flush(&got);
    bce_mean_add_unit(&want, l, +1);
    ys[k % 64] = y;
    ps[k % 64] = p;
    k++;
    if( (u >> 8) % 5==0 && k>8 ){
      /* a row 1 to 8 back out, as a window's inverse */
      int back = 1 + (int)((u >> 16) % 8);
      double lb = bce_loss(ys[(k - back) % 64], ps[(k - back) % 64],
                           BCE_DEFAULT_EPS);
      bce_mean_add_unit(&got, lb, -1);
      bce_mean_add_unit(&want, lb, -1);
    }
    if( (u >> 24) % 7==0 || i==n - 1 ){
      double a = 0.0, b = 0.0;
      bce_mean_status sa = bce_mean_value(&got, &a);
      bce_mean_status sb = bce_mean_value(&want, &b);
      reads++;
      if( sa!=sb || bce_bits(a)!=bce_bits(b) || got.nRow!=want.nRow
       || got.nWeight!=want.nWeight || got.nBatch!=0 ){
        if( bad++ < 5 ){
          printf("FAIL|log_batch %s: the mean with the batch, row %ld|%a "
                 "(%lld rows), want %a (%lld rows)\n", name, i, a,
                 (long long)got.nRow, b, (long long)want.nRow);
        }
      }
    }
  }
  if( bad==0 ){
    printf("ok|log_batch %s: a mean of %ld rows through the batch as row "
           "by row, read %ld times\n", name, n, reads);
  }
  failures += bad > 0;
}

int main(void){
  const char *z = getenv("BCE_UNIT_RANDOM");
  long n = z ? atol(z) : 250000;
#ifdef BCE_VECTOR
  build builds[2];
  int nb = 0, i;
  builds[nb].name = "portable";
  builds[nb].fast4 = fast4_plain;
  builds[nb].log4 = log4_plain;
  builds[nb].loss4 = loss4_plain;
  builds[nb].sum4 = sum4_plain;
  builds[nb].flush = bce_mean_flush_batch;
  nb++;
# ifdef BCE_X86_V3
  __builtin_cpu_init();
  if( __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") ){
    builds[nb].name = "x86-64-v3";
    builds[nb].fast4 = fast4_v3;
    builds[nb].log4 = log4_v3;
    builds[nb].loss4 = loss4_v3;
    builds[nb].sum4 = sum4_v3;
    builds[nb].flush = bce_mean_flush_batch_v3;
    nb++;
  }else{
    printf("skip|log_batch x86-64-v3|the processor has no AVX2 and BMI2\n");
  }
# endif
  for(i=0; i<nb; i++){
    test_log4(&builds[i], n);
    test_losses4(&builds[i], n);
    /* at least 2^17 terms, fewer cases or not: the lane's own flush */
    test_sum4(&builds[i], n<40000 ? 40000 : n);
    test_mean(builds[i].name, builds[i].flush, n);
  }
#else
  test_mean("scalar", bce_mean_flush_batch, n);
#endif
  return failures!=0;
}
