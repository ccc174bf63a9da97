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
  r = bce_exp_dd(INFINITY, 0.0, &k);   ok &= r.hi==INFINITY && k==0;
  r = bce_exp_dd(NAN, 0.0, &k);        ok &= r.hi!=r.hi && k==0;
  r = bce_log_dd(0.0, 0.0);            ok &= r.hi==-INFINITY;
  r = bce_log_dd(-1.0, 0.0);           ok &= r.hi!=r.hi;
  r = bce_log_dd(INFINITY, 0.0);       ok &= r.hi==INFINITY;
  r = bce_log_dd(NAN, 0.0);            ok &= r.hi!=r.hi;
  r = bce_log_dd(1.0, 0.0);            ok &= r.hi==0.0 && r.lo==0.0;
  r = bce_log1p_dd(-1.0, 0.0);         ok &= r.hi==-INFINITY;
  r = bce_log1p_dd(-2.0, 0.0);         ok &= r.hi!=r.hi;
  r = bce_log1p_dd(INFINITY, 0.0);     ok &= r.hi==INFINITY;
  r = bce_log1p_dd(0.0, 0.0);          ok &= r.hi==0.0 && r.lo==0.0;
  if( ok ) printf("ok|double-double kernels: special inputs as documented\n");
  else{ failures++; printf("FAIL|double-double kernels: special inputs\n"); }
}

int main(void){
  test_exp_dd();
  test_log_dd("bce_log_dd", bce_log_dd, log_dd_ref, COUNT(log_dd_ref));
  test_log_dd("bce_log1p_dd", bce_log1p_dd, log1p_dd_ref, COUNT(log1p_dd_ref));
  test_dd_specials();
  return failures!=0;
}
