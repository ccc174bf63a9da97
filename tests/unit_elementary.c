/* SPDX-License-Identifier: MIT */
/*
** Unit tests of src/elementary.c.  Every expected value comes from
** tests/ref/elementary_ref.h (mpmath at 300 bits, tests/gen_elementary_ref.py).
** One "ok|name" or "FAIL|name|..." line per group of cases: the group's
** count and its worst error.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "../src/elementary.h"
#include "ref/elementary_ref.h"

#define COUNT(a) (sizeof(a)/sizeof((a)[0]))

static int failures;

/* |(h + l) - (r0 + r1 + r2)| / |r0|: h - r0 is exact where it matters
** (within a few ulps, Sterbenz), the rest is far below 2^-100. */
static double dd_relerr(bce_dd got, double r0, double r1, double r2){
  double d;
  if( r0==0.0 ) return got.hi==0.0 && got.lo==0.0 ? 0.0 : 1.0;
  d = ((got.hi - r0) + (got.lo - r1)) - r2;
  return fabs(d/r0);
}

static void report(const char *name, size_t n, double worst, const char *at){
  double bits = worst > 0.0 ? log2(worst) : -INFINITY;
  if( worst < 0x1p-100 ){
    printf("ok|%s: %zu cases, worst relative error 2^%.1f\n", name, n, bits);
  }else{
    failures++;
    printf("FAIL|%s: %zu cases, relative error 2^%.1f >= 2^-100 at %s\n",
           name, n, bits, at);
  }
}

static void test_exp_dd(void){
  size_t i, bad_k = 0;
  double worst = 0.0;
  char at[96] = "";
  for(i=0; i<COUNT(exp_dd_ref); i++){
    int k;
    bce_dd r = bce_exp_dd(exp_dd_ref[i].hi, exp_dd_ref[i].lo, &k);
    double e;
    /* r.hi in [1, 2) but r.hi + r.lo may be just below 1: then k is one
    ** more than the reference's */
    if( k==exp_dd_ref[i].k + 1 ){ r.hi *= 2.0; r.lo *= 2.0; k--; }
    e = dd_relerr(r, exp_dd_ref[i].r0, exp_dd_ref[i].r1, exp_dd_ref[i].r2);
    if( k!=exp_dd_ref[i].k || !(r.hi>=1.0 && r.hi<=2.0) ){ bad_k++; e = 1.0; }
    if( e > worst || e!=e ){
      worst = e!=e ? 1.0 : e;
      snprintf(at, sizeof at, "(%a, %a)", exp_dd_ref[i].hi, exp_dd_ref[i].lo);
    }
  }
  report("bce_exp_dd", COUNT(exp_dd_ref), worst, at);
  if( bad_k ){
    failures++;
    printf("FAIL|bce_exp_dd: %zu cases with the wrong exponent or r.hi outside [1, 2)\n", bad_k);
  }
}

static void test_log_dd(const char *name, bce_dd (*f)(double, double),
                        const void *cases, size_t n){
  /* log_dd_ref and log1p_dd_ref have the same layout */
  const struct { double hi, lo, r0, r1, r2; } *c = cases;
  size_t i;
  double worst = 0.0;
  char at[96] = "";
  for(i=0; i<n; i++){
    bce_dd r = f(c[i].hi, c[i].lo);
    double e = dd_relerr(r, c[i].r0, c[i].r1, c[i].r2);
    if( e > worst || e!=e ){
      worst = e!=e ? 1.0 : e;
      snprintf(at, sizeof at, "(%a, %a)", c[i].hi, c[i].lo);
    }
  }
  report(name, n, worst, at);
}

/* The documented results outside the domain or range. */
static void test_dd_specials(void){
  int k, ok = 1;
  bce_dd r;
  r = bce_exp_dd(-INFINITY, 0.0, &k);  ok &= r.hi==0.0 && r.lo==0.0 && k==0;
  r = bce_exp_dd(-1000.0, 0.0, &k);    ok &= r.hi==0.0 && r.lo==0.0 && k==0;
  r = bce_exp_dd(INFINITY, 0.0, &k);   ok &= r.hi==INFINITY && r.lo==0.0 && k==0;
  r = bce_exp_dd(NAN, 0.0, &k);        ok &= r.hi!=r.hi && k==0;
  /* the range's ends, from its side and the other (src/elementary.h):
  ** -832 and 2^20 are computed, e^x = r 2^k with r in [1, 2) and k =
  ** floor(x/ln 2) (-1200.32 and 1512775.39); the doubles past them are 0
  ** and +Inf */
  r = bce_exp_dd(-832.0, 0.0, &k);
  ok &= r.hi>=1.0 && r.hi<2.0 && k==-1201;
  r = bce_exp_dd(nextafter(-832.0, -INFINITY), 0.0, &k);
  ok &= r.hi==0.0 && r.lo==0.0 && k==0;
  r = bce_exp_dd(0x1p20, 0.0, &k);
  ok &= r.hi>=1.0 && r.hi<2.0 && k==1512775;
  r = bce_exp_dd(nextafter(0x1p20, INFINITY), 0.0, &k);
  ok &= r.hi==INFINITY && r.lo==0.0 && k==0;
  /* r.lo as well: src/elementary.h promises "lo 0 in each" */
  r = bce_log_dd(0.0, 0.0);            ok &= r.hi==-INFINITY && r.lo==0.0;
  r = bce_log_dd(-1.0, 0.0);           ok &= r.hi!=r.hi && r.lo==0.0;
  r = bce_log_dd(INFINITY, 0.0);       ok &= r.hi==INFINITY && r.lo==0.0;
  r = bce_log_dd(NAN, 0.0);            ok &= r.hi!=r.hi && r.lo==0.0;
  r = bce_log_dd(1.0, 0.0);            ok &= r.hi==0.0 && r.lo==0.0;
  r = bce_log1p_dd(-1.0, 0.0);         ok &= r.hi==-INFINITY && r.lo==0.0;
  r = bce_log1p_dd(-2.0, 0.0);         ok &= r.hi!=r.hi && r.lo==0.0;
  r = bce_log1p_dd(INFINITY, 0.0);     ok &= r.hi==INFINITY && r.lo==0.0;
  r = bce_log1p_dd(0.0, 0.0);          ok &= r.hi==0.0 && r.lo==0.0;
  /* lo is not read at those ends (src/elementary.h: "whatever lo") */
  r = bce_log1p_dd(-1.0, 0x1p-60);     ok &= r.hi==-INFINITY && r.lo==0.0;
  r = bce_log_dd(0.0, 0x1p-1074);      ok &= r.hi==-INFINITY && r.lo==0.0;
  if( ok ) printf("ok|double-double kernels: special inputs as documented\n");
  else{ failures++; printf("FAIL|double-double kernels: special inputs\n"); }
}

/* Same bits (so +0 is not -0), or both NaN. */
static int same(double a, double b){
  if( a!=a ) return b!=b;
  return memcmp(&a, &b, sizeof a)==0;
}

/* The correctly rounded functions, and their last-resort fixed-point
** paths on the same cases (which the fast path seldom reaches); ln x and
** ln(1 + x) through bce_log_sum too, as ln(x + 0) and ln(s + t) of the
** exact 1 + x = s + t. */
static void test_cr(const char *name, double (*f)(double),
                    const void *cases, size_t n, int which){
  const struct { double x, want; int hard; } *c = cases;
  size_t i, bad = 0, badfx = 0, badsum = 0, nfx = 0;
  int hardest = 0;
  char at[128] = "";
  for(i=0; i<n; i++){
    double x = c[i].x, got = f(x), fx;
    if( !same(got, c[i].want) ){
      if( !bad++ ) snprintf(at, sizeof at, "%s(%a) = %a, want %a", name, x, got, c[i].want);
    }
    if( c[i].hard > hardest && c[i].hard < 200 ) hardest = c[i].hard;
    /* the fixed-point path where its domain has the case */
    if( which==0 && fabs(x) >= 0x1p-54 && x >= -745.14 && x <= 709.79 ){
      nfx++; fx = bce_exp_fx(x);
    }else if( which==1 && x > 0.0 && x!=1.0 && x < INFINITY ){
      nfx++; fx = bce_log_fx(x, 0.0);
      if( !same(bce_log_sum(x, 0.0), c[i].want) ) badsum++;
    }else if( which==2 && fabs(x) >= 0x1p-53 && x > -1.0 && x < INFINITY ){
      double s = 1.0 + x, bv = s - 1.0;
      double t = (1.0 - (s - bv)) + (x - bv);           /* 1 + x = s + t */
      nfx++; fx = bce_log_fx(s, t);
      if( !same(bce_log_sum(s, t), c[i].want) ) badsum++;
    }else continue;
    if( !same(fx, c[i].want) && !badfx++ && !bad ){
      snprintf(at, sizeof at, "fixed point %s(%a) = %a, want %a", name, x, fx, c[i].want);
    }
  }
  if( bad==0 && badfx==0 && badsum==0 ){
    printf("ok|%s correctly rounded: %zu cases (hardest %d identical bits after"
           " the round bit), fixed-point path%s on %zu of them\n", name, n, hardest,
           which ? " and bce_log_sum" : "", nfx);
  }else{
    failures++;
    printf("FAIL|%s: %zu wrong, %zu wrong in fixed point, %zu by bce_log_sum;"
           " first %s\n", name, bad, badfx, badsum, at);
  }
}

/* C99 Annex F (F.9.3.1, F.9.3.7, F.9.3.9): the special values, checked
** bit for bit (the sign of a zero included). */
static void test_annex_f(void){
  static const struct { int f; double x, want; } sp[] = {
    {0, 0.0, 1.0}, {0, -0.0, 1.0}, {0, -INFINITY, 0.0}, {0, INFINITY, INFINITY},
    {0, NAN, NAN}, {0, 710.0, INFINITY}, {0, 1e308, INFINITY}, {0, -746.0, 0.0},
    {0, -1e308, 0.0}, {0, 0x1p-1074, 1.0}, {0, -0x1p-1074, 1.0},
    {1, 0.0, -INFINITY}, {1, -0.0, -INFINITY}, {1, 1.0, 0.0}, {1, -1.0, NAN},
    {1, -0x1p-1074, NAN}, {1, -INFINITY, NAN}, {1, INFINITY, INFINITY}, {1, NAN, NAN},
    {2, 0.0, 0.0}, {2, -0.0, -0.0}, {2, -1.0, -INFINITY}, {2, -1.5, NAN},
    {2, -INFINITY, NAN}, {2, INFINITY, INFINITY}, {2, NAN, NAN},
    {2, 0x1p-1074, 0x1p-1074}, {2, -0x1p-1074, -0x1p-1074},
  };
  static const char *names[] = { "bce_exp", "bce_log", "bce_log1p" };
  size_t i;
  /* ln(0 + 0): the one special value bce_log_sum's callers can give it */
  if( same(bce_log_sum(0.0, 0.0), -INFINITY) ){
    printf("ok|bce_log_sum(0, 0) = -inf\n");
  }else{
    failures++;
    printf("FAIL|bce_log_sum(0, 0) = %a, want -inf\n", bce_log_sum(0.0, 0.0));
  }
  for(i=0; i<COUNT(sp); i++){
    double got = sp[i].f==0 ? bce_exp(sp[i].x)
               : sp[i].f==1 ? bce_log(sp[i].x) : bce_log1p(sp[i].x);
    if( same(got, sp[i].want) ){
      printf("ok|%s(%a) = %a (Annex F)\n", names[sp[i].f], sp[i].x, sp[i].want);
    }else{
      failures++;
      printf("FAIL|%s(%a) = %a, want %a (Annex F)\n", names[sp[i].f], sp[i].x,
             got, sp[i].want);
    }
  }
}

int main(void){
  test_exp_dd();
  test_log_dd("bce_log_dd", bce_log_dd, log_dd_ref, COUNT(log_dd_ref));
  test_log_dd("bce_log1p_dd", bce_log1p_dd, log1p_dd_ref, COUNT(log1p_dd_ref));
  test_dd_specials();
  test_annex_f();
  test_cr("bce_exp", bce_exp, exp_cr_ref, COUNT(exp_cr_ref), 0);
  test_cr("bce_log", bce_log, log_cr_ref, COUNT(log_cr_ref), 1);
  test_cr("bce_log1p", bce_log1p, log1p_cr_ref, COUNT(log1p_cr_ref), 2);
  return failures!=0;
}
