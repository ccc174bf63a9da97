/* SPDX-License-Identifier: MIT */
/*
** A loadable extension with a bug on purpose in each function, for
** tests/check.sh to show that each tool of make check, wired the way it
** runs the suite (preloaded runtime, options, report files), does report
** a bug in a loaded extension.  Without this, a pass that reported nothing
** because the tool never ran would pass.  Not part of the product.
**
**   canary_overflow()   reads one byte past a heap block
**   canary_leak()       allocates and forgets
**   canary_ub(x)        signed integer overflow: INT_MAX + x
**   canary_uninit()     returns a value computed from uninitialized memory
**   canary_past_text(t) reads the byte 32 past the start of the text t,
**                       which is past the end of the block SQLite holds
**                       a short computed text in ('ab' || 'c': 32 bytes,
**                       sqlite3VdbeMemGrow's minimum); with SQLite's
**                       lookaside allocator on, that block is a slot of
**                       a larger buffer, and neither ASan nor valgrind
**                       can see the read (tests/check.sh shows both)
*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

static volatile int sink;

static void canary_overflow(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv){
  char *p = malloc(8);
  (void)argc;
  (void)argv;
  if( !p ) return;
  memset(p, 1, 8);
  sink = p[sink + 8];
  free(p);
  sqlite3_result_int(ctx, sink);
}

static void canary_leak(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  char *volatile p = malloc(64);
  (void)argc;
  (void)argv;
  if( p ) p[0] = 1;
  p = 0;
  sqlite3_result_int(ctx, 0);
}

static void canary_ub(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  int x = sqlite3_value_int(argv[0]);
  (void)argc;
  sqlite3_result_int(ctx, INT_MAX + x);
}

/* called through a volatile pointer, so that no compiler sees what it
** reads (gcc would warn, rightly) */
static int read_int(int *p){ return *p; }
static int (*volatile reader)(int*) = read_int;

static void canary_uninit(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv){
  int *p = malloc(sizeof *p);
  int r;
  (void)argc;
  (void)argv;
  if( !p ) return;
  r = reader(p) > 0 ? 1 : 2;
  free(p);
  sqlite3_result_int(ctx, r);
}

static void canary_past_text(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv){
  const unsigned char *z = sqlite3_value_text(argv[0]);
  (void)argc;
  if( !z || sqlite3_value_bytes(argv[0])>=32 ) return;
  sink = z[sink + 32];
  sqlite3_result_int(ctx, sink);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_canary_init(sqlite3 *db, char **pzErrMsg,
                        const sqlite3_api_routines *pApi){
  (void)pzErrMsg;
  SQLITE_EXTENSION_INIT2(pApi);
  sqlite3_create_function(db, "canary_overflow", 0, SQLITE_UTF8, 0,
                          canary_overflow, 0, 0);
  sqlite3_create_function(db, "canary_leak", 0, SQLITE_UTF8, 0,
                          canary_leak, 0, 0);
  sqlite3_create_function(db, "canary_ub", 1, SQLITE_UTF8, 0,
                          canary_ub, 0, 0);
  sqlite3_create_function(db, "canary_uninit", 0, SQLITE_UTF8, 0,
                          canary_uninit, 0, 0);
  sqlite3_create_function(db, "canary_past_text", 1, SQLITE_UTF8, 0,
                          canary_past_text, 0, 0);
  return SQLITE_OK;
}
