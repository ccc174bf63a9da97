/* SPDX-License-Identifier: MIT */
/*
** Unit tests of src/logsumexp.c, src/entropy.c and src/kl.c (no SQLite):
** the properties that need no reference value (the values are checked
** against mpmath in tests/sql/mpmath_scores.sql).  logsumexp: the same
** bits for any order of the rows, for a state reached by adding and
** removing rows as for one built from scratch, with more buckets than
** the inline ones (the caller's storage), and empty again once every row
** has left.  entropy: H(p) = H(1 - p) bit for bit.  KL: 0 for y = q, and
** a one-hot array gives the class index's bits.  Prints one "ok|name" or
** "FAIL|name|why" line per check.
*/
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/logsumexp.h"
#include "../src/loss.h"
#include "../src/exact_sum.h"
#include "../src/scores.h"
#include "ref/lse_exp_ref.h"
#include "xorshift.h"

static int failures;

static void report(int ok, const char *name, const char *why){
  if( ok ){
    printf("ok|%s\n", name);
  }else{
    failures++;
    printf("FAIL|%s|%s\n", name, why);
  }
}

static int same_bits(double a, double b){
  return memcmp(&a, &b, sizeof a)==0;
}

/* A bce_lse whose storage grows as ext/scores.c grows it (doubling). */
static void lse_add(bce_lse *a, double z, int sign){
  if( !bce_lse_add(a, z, sign) ){
    int cap = a->cap*2;
    bce_lse_bucket *room = malloc((size_t)cap*sizeof(*room));
    bce_lse_bucket *old = bce_lse_owns_storage(a) ? a->b : 0;
    if( room==0 ){
      printf("FAIL|malloc|out of memory\n");
      exit(2);
    }
    bce_lse_grow(a, room, cap);
    free(old);
    if( !bce_lse_add(a, z, sign) ){
      printf("FAIL|lse_add|no room after growing\n");
      exit(2);
    }
  }
}

static void lse_free(bce_lse *a){
  if( bce_lse_owns_storage(a) ) free(a->b);
}

static double lse_of(const double *z, int n, const int *order){
  bce_lse a;
  double v = NAN;
  int i;
  memset(&a, 0, sizeof a);
  for(i=0; i<n; i++) lse_add(&a, z[order ? order[i] : i], +1);
  if( bce_lse_value(&a, &v)!=BCE_LSE_VALUE ) v = NAN;
  lse_free(&a);
  return v;
}

static double rnd(uint64_t *s){
  return (double)(xorshift64(s) >> 11)*0x1p-53;
}

#define N 300

static void test_lse_order(void){
  static double z[N];
  static int order[N];
  uint64_t s = 23;
  int trial, i, bad = 0, kind;
  for(kind=0; kind<3; kind++){
    for(i=0; i<N; i++){
      double u = rnd(&s)*2 - 1;
      z[i] = kind==0 ? 5*u                         /* one bucket */
           : kind==1 ? 3000*u                      /* a dozen buckets */
           : (i % 3==0 ? u*1e300 : i % 3==1 ? u*800 : u*1e-300);
    }
    {
      double want = lse_of(z, N, 0);
      for(trial=0; trial<50; trial++){
        for(i=0; i<N; i++) order[i] = i;
        for(i=N-1; i>0; i--){
          int j = (int)(xorshift64(&s) % (uint64_t)(i + 1)), t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        if( !same_bits(lse_of(z, N, order), want) ) bad++;
      }
    }
  }
  report(bad==0, "logsumexp: 150 shuffles of 300 rows (one bucket, a dozen, "
         "every magnitude) give the same bits", "a shuffle differed");
}

static void test_lse_sliding(void){
  static double z[N];
  uint64_t s = 7;
  bce_lse a;
  int i, j, bad = 0, width = 9;
  memset(&a, 0, sizeof a);
  for(i=0; i<N; i++){
    double u = rnd(&s)*2 - 1;
    z[i] = i % 5==0 ? u*1e6 : i % 5==1 ? -INFINITY : u*700;
  }
  for(i=0; i<N; i++){
    double got, want;
    lse_add(&a, z[i], +1);
    if( i>=width ) lse_add(&a, z[i - width], -1);
    j = i>=width ? i - width + 1 : 0;
    if( bce_lse_value(&a, &got)!=BCE_LSE_VALUE ) got = NAN;
    want = lse_of(z + j, i - j + 1, 0);
    if( !same_bits(got, want) ) bad++;
  }
  report(bad==0, "logsumexp: a frame of 9 sliding over 300 rows = each frame "
         "from scratch, bit for bit", "a frame differed");
  for(i=N-width; i<N; i++) lse_add(&a, z[i], -1);
  {
    double v;
    report(a.nb==0 && a.nNegInf==0 && a.nPosInf==0
           && bce_lse_value(&a, &v)==BCE_LSE_EMPTY,
           "logsumexp: every row removed leaves no bucket and no count",
           "state not empty");
  }
  lse_free(&a);
}

static void test_lse_grow(void){
  bce_lse a;
  double v = 0, z;
  int i, ok;
  memset(&a, 0, sizeof a);
  report(!bce_lse_owns_storage(&a), "logsumexp: a zeroed state owns no "
         "storage", "owns storage");
  for(i=0; i<40; i++) lse_add(&a, i*1000.0, +1);
  ok = a.nb==40 && bce_lse_owns_storage(&a) && a.cap>=40;
  ok = ok && bce_lse_value(&a, &v)==BCE_LSE_VALUE && v==39000.0;
  for(i=39; i>=1; i--) lse_add(&a, i*1000.0, -1);
  ok = ok && a.nb==1 && bce_lse_value(&a, &v)==BCE_LSE_VALUE && v==0.0;
  report(ok, "logsumexp: 40 buckets in grown storage, removed from the top "
         "down to z = 0", "wrong bucket count or value");
  lse_free(&a);
  /* z = 2^62 and past: z is its own bucket, d = 0 */
  memset(&a, 0, sizeof a);
  z = 0x1p62;
  lse_add(&a, z, +1);
  lse_add(&a, z, +1);
  report(bce_lse_value(&a, &v)==BCE_LSE_VALUE && v==z,
         "logsumexp: 2^62 twice is 2^62 (ln 2 below its ulp)", "wrong value");
  lse_free(&a);
}

static void test_entropy(void){
  uint64_t s = 11;
  int i, bad = 0;
  for(i=0; i<2000; i++){
    double p = rnd(&s)*0.5 + 0.5;         /* 1 - p exact */
    if( !same_bits(bce_entropy_binary(p), bce_entropy_binary(1.0 - p)) ) bad++;
  }
  report(bad==0, "entropy: H(p) = H(1 - p) bit for bit", "asymmetric");
  report(bce_entropy_binary(0.0)==0.0 && bce_entropy_binary(1.0)==0.0,
         "entropy: 0 ln 0 = 0 at both ends", "not 0");
}

static int kl_text(const char *y, double cls, const char *p, bce_dd *kl){
  bce_cce_row r;
  bce_array_error err;
  memset(&r, 0, sizeof r);
  r.y = y;
  r.ny = y ? strlen(y) : 0;
  r.cls = cls;
  r.p = p;
  r.np = strlen(p);
  return bce_kl_row(&r, BCE_DEFAULT_EPS, 0.0, kl, &err);
}

static void test_kl(void){
  bce_dd a, b;
  bce_cce_row r;
  bce_array_error err;
  int ok;
  /* eps = 0 (the options will allow it): a target on p = 0 costs +Inf */
  memset(&r, 0, sizeof r);
  r.y = "[0.5,0.5]";
  r.ny = strlen(r.y);
  r.p = "[1,0]";
  r.np = strlen(r.p);
  ok = bce_kl_row(&r, 0.0, 0.0, &a, &err) && a.hi==INFINITY;
  report(ok, "kl: eps = 0, a target on p = 0 gives +Inf", "not +Inf");
  ok = kl_text("[0.125,0.375,0.5]", 0, "[0.125,0.375,0.5]", &a)
       && a.hi==0.0 && a.lo==0.0;
  report(ok, "kl: y = q gives exactly 0", "not 0");
  ok = kl_text("[0,0,1,0]", 0, "[0.1,0.2,0.3,0.4]", &a)
       && kl_text(0, 2.0, "[0.1,0.2,0.3,0.4]", &b)
       && same_bits(a.hi, b.hi) && same_bits(a.lo, b.lo);
  report(ok, "kl: a one-hot array gives the class index's bits", "differ");
}

/* |(got[0] + got[1] + got[2]) 2^k - (want[0] + want[1] + want[2])|
** over |want[0]|, the difference taken exactly (every part and its
** product by 2^k is a double here) and rounded once. */
static double parts_error(const double got[3], int k, const double want[3]){
  bce_sum s;
  double diff;
  int i;
  bce_sum_clear(&s);
  for(i=0; i<3; i++){
    bce_sum_add(&s, ldexp(got[i], k), +1);
    bce_sum_add(&s, want[i], -1);
  }
  diff = bce_sum_value(&s);
  return fabs(diff)/fabs(want[0]);
}

/* logsumexp's exponential against mpmath (tests/ref/lse_exp_ref.h): e^d
** within 2^-120 over [-256, 256] (what keeps logsumexp of log-probabilities
** correctly rounded), and e^d - 1 within 2^-104 of itself where the table
** index is 0 (a row near 0 keeps its e^z - 1 relatively; below 2^-200,
** where e^d is 1 + d, too). */
static void test_lse_exp(void){
  double x[3], worst = 0.0, worst1 = 0.0, at = 0.0, at1 = 0.0;
  char why[160];
  size_t i, n = sizeof(lse_exp_ref)/sizeof(lse_exp_ref[0]);
  size_t n1 = sizeof(lse_expm1_ref)/sizeof(lse_expm1_ref[0]);
  int k, k_ok = 1;
  for(i=0; i<n; i++){
    double e;
    k = bce_lse_exp_parts(lse_exp_ref[i][0], x);
    e = parts_error(x, k, &lse_exp_ref[i][1]);
    if( e>worst ){ worst = e; at = lse_exp_ref[i][0]; }
  }
  snprintf(why, sizeof why, "%.3g relative (2^%.1f) at d = %a", worst,
           log2(worst), at);
  report(worst<=0x1p-120, "logsumexp: e^d within 2^-120 of mpmath's "
         "(d over [-256, 256], the table's halfway points)", why);
  for(i=0; i<n1; i++){
    double e, m[3];
    k = bce_lse_exp_parts(lse_expm1_ref[i][0], x);
    k_ok &= k==0;
    /* x - 1: x[0] - 1 is exact (x[0] in [1/2, 2]) */
    m[0] = x[0] - 1.0;
    m[1] = x[1];
    m[2] = x[2];
    e = parts_error(m, 0, &lse_expm1_ref[i][1]);
    if( e>worst1 ){ worst1 = e; at1 = lse_expm1_ref[i][0]; }
  }
  snprintf(why, sizeof why, "%.3g relative (2^%.1f) at d = %a%s", worst1,
           log2(worst1), at1, k_ok ? "" : "; some k is not 0");
  report(k_ok && worst1<=0x1p-104, "logsumexp: e^d - 1 within 2^-104 of "
         "itself for |d| < ln2/512 (2^-1074 and up)", why);
}

/* A d for the digit tests: uniform over [-256, 256] and over [-20, 20],
** the table's halfway points (j + 1/2) ln2/256 and the doubles next to
** them, and |d| near ln2/512, where the table index leaves 0. */
static double digit_test_d(uint64_t *st){
  double u = rnd(st), v = rnd(st);
  switch( xorshift64(st) % 5 ){
    case 0: return (u - 0.5)*512.0;
    case 1: return (u - 0.5)*40.0;
    case 2: {
      double mid = (floor((v - 0.5)*188000.0) + 0.5)*0x1.62e42fefa39efp-9;
      return u<1.0/3 ? mid : nextafter(mid, u<2.0/3 ? INFINITY : -INFINITY);
    }
    case 3: return (v<0.5 ? -1.0 : 1.0)*0x1.62e42fefa39efp-10*(0.99 + 0.02*u);
    default: return (v<0.5 ? -1.0 : 1.0)*ldexp(1.0 + u, -(int)(v*60.0));
  }
}

/* The integer of a row's digits, less the three doubles of want, over
** want[0]: its distance from want, relative, rounded once. */
static double digits_error(const int64_t dg[BCE_LSE_DIGITS], int at,
                           const double want[3]){
  bce_sum s;
  int m;
  bce_sum_clear(&s);
  for(m=0; m<BCE_LSE_DIGITS; m++) s.limb[at + m] += dg[m];
  for(m=0; m<3; m++) bce_sum_add(&s, want[m], -1);
  return fabs(bce_sum_value(&s))/fabs(want[0]);
}

/* What a row adds to its bucket (the digits of e^d at 2^-128 of it, where
** the table index is not 0) against mpmath's e^d: within 2^-120; a
** removed row's digits are the added row's negated, exactly; and the
** x86-64 kernel's, four rows at a time, are the plain C's bit for bit. */
static void test_lse_digits(void){
  double worst = 0.0, worst_at = 0.0;
  char why[200];
  size_t i, n = sizeof(lse_exp_ref)/sizeof(lse_exp_ref[0]);
  int64_t dg[BCE_LSE_DIGITS], neg[BCE_LSE_DIGITS];
  int at, at2, m, kept = 0, odd = 0, lanes_run = 0, lanes_bad = 0;
  long lanes_rows = 0;
  uint64_t st = 20261206;
  for(i=0; i<n; i++){
    double e;
    if( !bce_lse_row_digits(lse_exp_ref[i][0], 1.0, dg, &at) ) continue;
    kept++;
    e = digits_error(dg, at, &lse_exp_ref[i][1]);
    if( e>worst ){ worst = e; worst_at = lse_exp_ref[i][0]; }
  }
  snprintf(why, sizeof why, "%.3g relative (2^%.1f) at d = %a, %d rows",
           worst, log2(worst), worst_at, kept);
  report(kept>500 && worst<=0x1p-120, "logsumexp: a row's digits within "
         "2^-120 of mpmath's e^d (tests/ref/lse_exp_ref.h)", why);

  for(i=0; i<200000; i++){
    double d = digit_test_d(&st);
    int k1 = bce_lse_row_digits(d, 1.0, dg, &at);
    int k2 = bce_lse_row_digits(d, -1.0, neg, &at2);
    if( k1!=k2 || (k1 && at!=at2) ){ odd++; continue; }
    for(m=0; k1 && m<BCE_LSE_DIGITS; m++){
      /* below 2^33, as the exact sum's own additions (src/exact_sum.h) */
      if( neg[m]!=-dg[m] || dg[m]>0x200000000LL || dg[m]< -0x200000000LL ){
        odd++;
      }
    }
  }
  report(odd==0, "logsumexp: a removed row's digits are the added row's, "
         "negated, each below 2^33 (2*10^5 rows)", "differ or too large");

  for(i=0; i<250000; i++){
    double d[BCE_LSE_LANES], sg[BCE_LSE_LANES];
    int64_t lg[BCE_LSE_LANES][BCE_LSE_DIGITS];
    int lat[BCE_LSE_LANES], lkept[BCE_LSE_LANES], l;
    for(l=0; l<BCE_LSE_LANES; l++){
      d[l] = digit_test_d(&st);
      sg[l] = (xorshift64(&st) & 1) ? 1.0 : -1.0;
    }
    if( i<n/BCE_LSE_LANES ){
      for(l=0; l<BCE_LSE_LANES; l++){
        d[l] = lse_exp_ref[i*BCE_LSE_LANES + l][0];
      }
    }
    if( !bce_lse_row_digits_lanes(d, sg, lg, lat, lkept) ) break;
    lanes_run = 1;
    for(l=0; l<BCE_LSE_LANES; l++){
      int k = bce_lse_row_digits(d[l], sg[l], dg, &at);
      lanes_rows++;
      if( k!=lkept[l] ){ lanes_bad++; continue; }
      if( !k ) continue;
      if( at!=lat[l] ) lanes_bad++;
      for(m=0; m<BCE_LSE_DIGITS; m++) if( lg[l][m]!=dg[m] ) lanes_bad++;
    }
  }
  if( lanes_run ){
    snprintf(why, sizeof why, "%d digits differ over %ld rows", lanes_bad,
             lanes_rows);
    report(lanes_bad==0 && lanes_rows==1000000, "logsumexp: the x86-64 "
           "kernel's digits are the plain C's, 10^6 rows", why);
  }else{
#if BCE_LSE_X86
    /* a kernel compiled in that declines on a processor able to run it
    ** would leave every row to the plain C, and this check unmade */
    if( __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ){
      report(0, "logsumexp: the x86-64 kernel runs where the processor "
             "has AVX2 and FMA", "bce_lse_row_digits_lanes() declined");
      return;
    }
#endif
    printf("skip|logsumexp: the x86-64 kernel's digits|no AVX2 and FMA "
           "in this build or processor\n");
  }
}

/* The same rows through the x86-64 kernel and through the plain C (a
** state told so after its first row): the same bits, by GROUP BY and by a
** sliding frame, whichever rows wait when the value is read. */
static void test_lse_lanes_state(void){
  bce_lse a, b;
  double z[N], va, vb;
  uint64_t st = 99;
  int i, bad = 0, width = 7;
  for(i=0; i<N; i++){
    double u = rnd(&st);
    z[i] = i%37==0 ? (u - 0.5)*4000.0 : i%11==0 ? (u - 0.5)*0.004
           : (u - 0.5)*30.0;
  }
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  lse_add(&a, z[0], +1);
  lse_add(&b, z[0], +1);
  b.lanes = 0;
  for(i=1; i<N; i++){
    lse_add(&a, z[i], +1);
    lse_add(&b, z[i], +1);
    if( i>=width ){
      lse_add(&a, z[i - width], -1);
      lse_add(&b, z[i - width], -1);
    }
    if( bce_lse_value(&a, &va)!=BCE_LSE_VALUE
        || bce_lse_value(&b, &vb)!=BCE_LSE_VALUE || !same_bits(va, vb) ){
      bad++;
    }
  }
  lse_free(&a);
  lse_free(&b);
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  lse_add(&a, z[0], +1);
  lse_add(&b, z[0], +1);
  b.lanes = 0;
  for(i=1; i<N; i++){
    lse_add(&a, z[i], +1);
    lse_add(&b, z[i], +1);
  }
  if( bce_lse_value(&a, &va)!=BCE_LSE_VALUE
      || bce_lse_value(&b, &vb)!=BCE_LSE_VALUE || !same_bits(va, vb) ){
    bad++;
  }
  lse_free(&a);
  lse_free(&b);
  report(bad==0, "logsumexp: the kernel's state and the plain C's give "
         "the same bits (a frame of 7 sliding over 300 rows, and all 300)",
         "differ");
}

int main(void){
  test_lse_exp();
  test_lse_digits();
  test_lse_lanes_state();
  test_lse_order();
  test_lse_sliding();
  test_lse_grow();
  test_entropy();
  test_kl();
  return failures ? 1 : 0;
}
