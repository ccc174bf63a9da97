/* SPDX-License-Identifier: MIT */
/*
** libFuzzer target of the elementary functions (issue 27): the input's
** first 8 bytes are a double, any bit pattern (NaNs, infinities,
** subnormals, both zeros), and bce_exp, bce_log and bce_log1p of it must
** be the bits of GNU MPFR's correctly rounded exp, log and log1p (round to
** nearest, the binary64 range and subnormals emulated with
** mpfr_check_range and mpfr_subnormalize, as tests/elementary_mpfr.c
** does).  A NaN must give a NaN.  A mismatch aborts with the argument and
** both results, and libFuzzer saves the input.
**
** make accuracy-elementary draws 10^6 arguments per function from chosen
** ranges; this one lets libFuzzer's mutations of the bits (with its value
** profile off the comparisons of the fast paths) walk every double.
**
**   make fuzz-elementary   FUZZ_TIME seconds or FUZZ_RUNS inputs
**   (clang -fsanitize=fuzzer,address,undefined, links -lmpfr -lgmp; a
**   second binary built with -mavx2 -mfma runs the FMA copy's fast paths)
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mpfr.h>
#include "../../src/elementary.h"

/* MPFR's result rounded as binary64 would (ties to even, subnormals) */
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

static void check(const char *name, double (*f)(double),
                  int (*mf)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), double x){
  double got = f(x), want = ref(mf, x);
  if( !same(got, want) ){
    fprintf(stderr, "fuzz_elementary: %s(%a) = %a, MPFR %a\n", name, x, got, want);
    abort();
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv){
  (void)argc;
  (void)argv;
#ifdef __FMA__
  /* src/elementary.c has then only its FMA copy (make fuzz-elementary's
  ** second binary, -mavx2 -mfma), whose fast paths are others */
  fprintf(stderr, "fuzz_elementary: the FMA copy (built with __FMA__)\n");
#endif
  mpfr_set_emin(-1073);
  mpfr_set_emax(1024);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  uint8_t b[8] = {0};
  double x;
  memcpy(b, data, size < 8 ? size : 8);
  memcpy(&x, b, sizeof x);
  check("bce_exp", bce_exp, mpfr_exp, x);
  check("bce_log", bce_log, mpfr_log, x);
  check("bce_log1p", bce_log1p, mpfr_log1p, x);
  return 0;
}
