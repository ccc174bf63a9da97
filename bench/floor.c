/* SPDX-License-Identifier: MIT */
/*
** make bench only: the least a two-argument aggregate from an extension
** can cost, to show how much of bce()'s time is SQLite's and how much is
** the extension's.  Not part of the library.
**
**   floor_pair(y, p)       reads y and p as bce() does (two type checks,
**                          two reads) and adds p to a double
**   floor_pair_log(y, p)   the same, adding log(p): one logarithm a row,
**                          the least a log loss can take
**   floor_pair(y, p, c)    floor_pair(y, p) with a third argument it never
**                          reads: what SQLite itself costs for evaluating
**                          an aggregate's constant argument every row
**   floor_pair_text(y, p, c)  the same, reading c as bce(y, p, options)
**                          must to know it is the first row's text: its
**                          type, its text and its length (not compared)
**
** Neither validates, clips, skips NULLs or sums exactly: the difference
** between bce(y, p) and floor_pair_log(y, p) is what those cost.
*/
#include <math.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

typedef struct FloorSum {
  double sum;
} FloorSum;

static void read_pair(sqlite3_value **argv, double *y, double *p){
  int ty = sqlite3_value_type(argv[0]);
  int tp = sqlite3_value_type(argv[1]);
  *y = (ty==SQLITE_INTEGER || ty==SQLITE_FLOAT)
     ? sqlite3_value_double(argv[0]) : 0.0;
  *p = (tp==SQLITE_INTEGER || tp==SQLITE_FLOAT)
     ? sqlite3_value_double(argv[1]) : 0.5;
}

static void pair_step(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  double y, p;
  FloorSum *s;
  (void)argc;
  read_pair(argv, &y, &p);
  s = sqlite3_aggregate_context(ctx, sizeof *s);
  if( s ) s->sum += y + p;
}

static void pair_log_step(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv){
  double y, p;
  FloorSum *s;
  (void)argc;
  read_pair(argv, &y, &p);
  s = sqlite3_aggregate_context(ctx, sizeof *s);
  if( s ) s->sum += y + log(p);
}

/* reads argv[2] as the options of bce(y, p, options) are read; adds its
** length, so that the reads are not optimised away */
static void pair_text_step(sqlite3_context *ctx, int argc,
                           sqlite3_value **argv){
  double y, p, n = 0.0;
  FloorSum *s;
  (void)argc;
  read_pair(argv, &y, &p);
  if( sqlite3_value_type(argv[2])==SQLITE_TEXT
   && sqlite3_value_text(argv[2])!=0 ){
    n = (double)sqlite3_value_bytes(argv[2]);
  }
  s = sqlite3_aggregate_context(ctx, sizeof *s);
  if( s ) s->sum += y + p + n;
}

static void floor_final(sqlite3_context *ctx){
  FloorSum *s = sqlite3_aggregate_context(ctx, 0);
  if( s ) sqlite3_result_double(ctx, s->sum);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_floor_init(sqlite3 *db, char **pzErrMsg,
                       const sqlite3_api_routines *pApi){
  int rc;
  (void)pzErrMsg;
  SQLITE_EXTENSION_INIT2(pApi);
  rc = sqlite3_create_function(db, "floor_pair", 2, SQLITE_UTF8, 0, 0,
                               pair_step, floor_final);
  if( rc==SQLITE_OK ){
    rc = sqlite3_create_function(db, "floor_pair_log", 2, SQLITE_UTF8, 0, 0,
                                 pair_log_step, floor_final);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_create_function(db, "floor_pair", 3, SQLITE_UTF8, 0, 0,
                                 pair_step, floor_final);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_create_function(db, "floor_pair_text", 3, SQLITE_UTF8, 0,
                                 0, pair_text_step, floor_final);
  }
  return rc;
}
