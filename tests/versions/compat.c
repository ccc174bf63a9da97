/* SPDX-License-Identifier: MIT */
/*
** The SQL functions the test scripts call that an old SQLite lacks, for
** make test-versions on SQLite before 3.35.0: ln, exp, log2, pow, floor
** (built in from 3.35.0, SQLITE_ENABLE_MATH_FUNCTIONS) and ieee754(m, e)
** and ieee754(x), ieee754_to_blob(x) (the shell's ext/misc/ieee754.c,
** from 3.29.0).  Test
** scaffolding only: the scripts build their exact inputs and references
** with these, so they must give the same doubles the newer SQLite does;
** ln and exp are the project's own correctly rounded ones
** (src/elementary.c, compiled in here), so that the inputs and references
** a script builds with them are the same doubles on every platform and C
** library: make test-browser compares the WebAssembly build's results
** with the native ones to the bit, through these.  Loaded before bce by
** the shell wrapper tests/versions.sh writes.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include "../../src/elementary.c"

static void unary(sqlite3_context *ctx, sqlite3_value **argv,
                  double (*f)(double)){
  if( sqlite3_value_type(argv[0])==SQLITE_NULL ) return;
  sqlite3_result_double(ctx, f(sqlite3_value_double(argv[0])));
}
/* SQLite's ln() and log2() are NULL where the logarithm is not real */
static void ln_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc;
  if( sqlite3_value_type(argv[0])==SQLITE_NULL
   || sqlite3_value_double(argv[0])<=0.0 ) return;
  unary(ctx, argv, bce_log);
}
static void log2_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc;
  if( sqlite3_value_type(argv[0])==SQLITE_NULL
   || sqlite3_value_double(argv[0])<=0.0 ) return;
  unary(ctx, argv, log2);
}
static void exp_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc;
  unary(ctx, argv, bce_exp);
}
static void floor_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc;
  if( sqlite3_value_type(argv[0])==SQLITE_INTEGER ){
    sqlite3_result_value(ctx, argv[0]);
    return;
  }
  unary(ctx, argv, floor);
}
static void pow_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc;
  if( sqlite3_value_type(argv[0])==SQLITE_NULL
   || sqlite3_value_type(argv[1])==SQLITE_NULL ) return;
  sqlite3_result_double(ctx, pow(sqlite3_value_double(argv[0]),
                                 sqlite3_value_double(argv[1])));
}

/* ieee754(m, e) = m·2^e exactly (the scripts' m fit in 53 bits);
** ieee754(x) = 'ieee754(m,e)' with m odd, as the shell writes it. */
static void ieee754_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  if( argc==2 ){
    sqlite3_int64 m = sqlite3_value_int64(argv[0]);
    sqlite3_int64 e = sqlite3_value_int64(argv[1]);
    if( e>10000 ) e = 10000;
    if( e<-10000 ) e = -10000;
    sqlite3_result_double(ctx, ldexp((double)m, (int)e));
  }else{
    double r = sqlite3_value_double(argv[0]);
    char buf[64];
    int e = 0;
    sqlite3_int64 m = 0;
    if( r!=0.0 ){
      double f = frexp(r, &e);            /* r = f·2^e, 0.5 <= |f| < 1 */
      m = (sqlite3_int64)ldexp(f, 53);
      e -= 53;
      while( (m & 1)==0 ){ m /= 2; e++; }
    }
    snprintf(buf, sizeof buf, "ieee754(%lld,%d)", (long long)m, e);
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
  }
}

/* ieee754_to_blob(x): the 8 bytes of x, most significant first */
static void to_blob_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  double r = sqlite3_value_double(argv[0]);
  unsigned char b[8];
  uint64_t v;
  int i;
  (void)argc;
  /* as SQLite's own (ext/misc/ieee754.c): a NULL, a text or a blob gives
  ** NULL, so that a group whose aggregate is NULL prints as on 3.40 */
  if( sqlite3_value_type(argv[0])!=SQLITE_FLOAT
   && sqlite3_value_type(argv[0])!=SQLITE_INTEGER ){
    return;
  }
  memcpy(&v, &r, sizeof v);
  for(i=7; i>=0; i--){ b[i] = (unsigned char)(v & 0xff); v >>= 8; }
  sqlite3_result_blob(ctx, b, 8, SQLITE_TRANSIENT);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_compat_init(sqlite3 *db, char **err,
                        const sqlite3_api_routines *api){
  static const struct { const char *name; int n;
    void (*f)(sqlite3_context*, int, sqlite3_value**); } fn[] = {
    {"ln", 1, ln_func}, {"log2", 1, log2_func}, {"exp", 1, exp_func},
    {"floor", 1, floor_func}, {"pow", 2, pow_func},
    {"ieee754", 1, ieee754_func}, {"ieee754", 2, ieee754_func},
    {"ieee754_to_blob", 1, to_blob_func},
  };
  size_t i;
  int rc = SQLITE_OK;
  (void)err;
  SQLITE_EXTENSION_INIT2(api);
  for(i=0; i<sizeof fn/sizeof fn[0] && rc==SQLITE_OK; i++){
    rc = sqlite3_create_function(db, fn[i].name, fn[i].n,
                                 SQLITE_UTF8|SQLITE_DETERMINISTIC, 0,
                                 fn[i].f, 0, 0);
  }
  return rc;
}
